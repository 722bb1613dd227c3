"""Missing table cells read "—": never None, nan, NaT or <NA>."""

import numpy as np
import pandas as pd

from plan_monitor.present.cells import readable


def test_missing_cells_of_every_flavour_read_a_dash_and_full_columns_keep_their_type():
    frame = pd.DataFrame({
        "单位": ["红星村", None, "谭场村"],
        "行号": [3.0, np.nan, 5.0],
        "示范命名年度": pd.array([2023, None, 2024], dtype="Int64"),
        "日期": pd.to_datetime(["2024-09-30", None, "2024-06-30"]),
        "完成值": [1.5, 2.0, 3.0],
    })
    shown = readable(frame)
    assert list(shown.iloc[1]) [:4] == ["—"] * 4
    assert list(shown["行号"]) == [3, "—", 5] and list(shown["示范命名年度"]) == [2023, "—", 2024]
    assert shown["完成值"].dtype == float
    text = shown.astype(str).to_string()
    assert not any(word in text for word in ("None", "nan", "NaT", "<NA>"))
    assert frame["单位"].isna().sum() == 1  # the input is not changed
