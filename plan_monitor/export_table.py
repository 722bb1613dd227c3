"""The scorecard as a flat table with the documented CSV columns."""

from __future__ import annotations

import pandas as pd

from .scorecard import CSV_COLUMNS

NUMERIC = ("actual", "target", "gap", "completion")


def _number(value):
    """Whole numbers print without a decimal point; others keep six decimals. Missing stays empty."""
    if pd.isna(value):
        return None
    value = round(float(value), 6)
    return int(value) if value.is_integer() else value


def scorecard_table(rows: pd.DataFrame) -> pd.DataFrame:
    table = rows[CSV_COLUMNS].copy()
    for col in NUMERIC:
        table[col] = pd.Series([_number(v) for v in table[col]], index=table.index, dtype=object)
    table["year"] = table["year"].astype(int)
    return table
