"""Table cells as a reader sees them: a missing value (None, NaN, NaT, <NA>) is "—", never the word None or nan."""

from __future__ import annotations

import pandas as pd

MISSING = "—"


def _shown(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)  # a row number or year that became float beside a blank stays 12, not 12.0
    return value


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every missing cell as "—". Columns without missing values keep their type (and
    their sorting and number format in st.dataframe); a column with one becomes text-and-numbers."""
    out = frame.copy()
    for col in out.columns:
        missing = out[col].isna()
        if missing.any():
            out[col] = [MISSING if gap else _shown(v) for v, gap in zip(out[col].astype(object), missing)]
    return out
