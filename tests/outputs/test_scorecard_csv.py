"""The CLI's CSV is formatted column by column (scorecard_csv); it must be the very text pandas writes for the
documented table (scorecard_table(...).to_csv), cell for cell: numbers rounded to six decimals with whole numbers
bare, dates in ISO form, missing cells empty, and text with commas, quotes or line ends quoted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plan_monitor.outputs.export_table import scorecard_csv, scorecard_table

ODD_NUMBERS = [np.nan, -0.0, 0.1 + 0.2, 2.675, 1e-7, 5e-7, 1.5e-6, 2.5e-6, 1e-5, 0.0001, 1e12, 1e20, np.inf, -np.inf,
               1 / 3, 3.0, -3.0, 123.4564995, 0.5e-6, -1.0000005, 7.0000000001, 999_999_999.5, 1_234_567_890.25]
ODD_TEXT = ["a,b", 'q"uote', "line\nbreak", "cr\rx", " lead", "", None, "<script>alert(1)</script>", "tab\tx", "全市"]


def reference(rows: pd.DataFrame) -> str:
    return scorecard_table(rows).to_csv(index=False, lineterminator="\n")


def test_demo_scorecard_csv_is_pandas_text(demo_scorecard):
    rows = demo_scorecard.select()
    assert scorecard_csv(rows) == reference(rows)
    assert scorecard_csv(rows.head(0)) == reference(rows.head(0))


def test_round_dates_and_carried_from_as_iso(demo_scorecard):
    rows = demo_scorecard.select(year=2024).head(30).copy()
    rows["round"] = pd.Timestamp("2024-09-30")
    rows.loc[rows.index[::3], "carried_from"] = pd.Timestamp("2024-06-30")
    text = scorecard_csv(rows)
    assert text == reference(rows) and ",2024-09-30,2024-06-30\n" in text


@pytest.mark.parametrize("seed", [1, 2])
def test_odd_numbers_and_text_are_written_as_pandas_writes_them(demo_scorecard, seed):
    rng = np.random.default_rng(seed)
    rows = pd.concat([demo_scorecard.select().head(len(ODD_TEXT) * 5)] * 40, ignore_index=True)
    for col in ("actual", "target", "gap", "completion"):
        scale = 10.0 ** rng.integers(-8, 12, len(rows))
        rows[col] = rng.random(len(rows)) * scale * rng.choice([-1, 1], len(rows))
        rows.loc[rows.index[: len(ODD_NUMBERS) * 10], col] = rng.choice(ODD_NUMBERS, len(ODD_NUMBERS) * 10)
    rows["county"] = (ODD_TEXT * len(rows))[: len(rows)]
    rows["indicator"] = rows["county"].iloc[::-1].to_numpy()
    assert scorecard_csv(rows) == reference(rows)
