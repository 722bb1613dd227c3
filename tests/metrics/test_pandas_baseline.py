"""The benchmark's baselines (bench/baselines.py) give the app's actual values, exactly, on the demo city.

bench/scale_bench.py times compute_scorecard against a plain pandas computation and a bare DuckDB plan (latest report
wins once, then the 13 aggregations); the comparison means something only if all three compute the same figures.
Every place the baselines give must be a scorecard row with the same `actual` (float equality, blanks alike), and
every scorecard row they do not give must have no actual (the scaffold's places that sent nothing). Speed is not
asserted here."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from plan_monitor.paths import ROOT

sys.path.insert(0, str(ROOT))
from bench.baselines import duckdb_actuals, pandas_actuals  # noqa: E402

KEYS = ["indicator_id", "level", "year", "county", "town"]


@pytest.mark.parametrize("baseline", [pandas_actuals, duckdb_actuals], ids=["pandas", "duckdb"])
def test_baseline_actuals_equal_the_scorecards(plan, demo_rosters, demo_scorecard, baseline):
    expected = baseline(plan, demo_rosters.tables)
    card = demo_scorecard.rows[KEYS + ["actual"]]
    assert not expected.duplicated(KEYS).any()
    merged = card.merge(expected, on=KEYS, how="outer", suffixes=("_app", "_baseline"), indicator=True)
    assert not (merged["_merge"] == "right_only").any(), merged[merged["_merge"] == "right_only"]
    assert merged.loc[merged["_merge"] == "left_only", "actual_app"].isna().all()
    both = merged[merged["_merge"] == "both"]
    assert len(both) == len(expected) >= 2000
    assert set(both["indicator_id"]) == {i.id for i in plan.indicators}
    assert set(both["level"]) == {"city", "county", "town"}
    pd.testing.assert_series_equal(both["actual_app"].astype(float), both["actual_baseline"].astype(float),
                                   check_names=False, check_exact=True)
