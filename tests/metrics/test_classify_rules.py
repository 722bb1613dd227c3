"""The scorecard classifies on whole columns (metrics/scorecard.py `_classify`: a series × year grid, numpy); the
rules themselves are the pandas functions of metrics/trajectory.py (add_time_progress, add_pace, time_progress),
which group and sort. This applies those functions to the demo city's scorecard rows, as the scorecard did before
issue 17, and requires the same final target, trajectory, status, pace and 时序进度 to the last bit; with rounds
too (every row judged at its year's round)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plan_monitor.metrics.rounds import Round
from plan_monitor.metrics.scorecard import SUM_KINDS, compute_scorecard
from plan_monitor.metrics.trajectory import PACE_LABELS, STATUS_LABELS, add_pace, add_time_progress, time_progress

COMPUTED = ["final_target", "expected", "start_of_year", "time_position", "status", "pace", "projected",
            "cumulative", "time_progress", "status_label", "pace_label"]


def by_pandas(plan, card: pd.DataFrame) -> pd.DataFrame:
    """The plan-year rows classified group by group with the pandas rules, in the card's row order."""
    first, last = plan.years[0], plan.years[-1]
    rows = card[card["year"] >= first].drop(columns=COMPUTED)
    keys = [rows[k].fillna("") for k in ("indicator_id", "level", "county", "town")]
    last_target = rows["target"].where(rows["year"] == last).groupby(keys).transform("max")
    complete = rows["target"].isna().groupby(keys).transform("sum") == 0
    flow_total = rows["target"].groupby(keys).transform("sum").where(complete)
    stock_final = last_target.where(rows["measure"] == "stock")
    rules = plan.status_rules
    rows = add_time_progress(rows.assign(final_target=stock_final), plan.plan.baseline_year, last, rules.red_below)
    rows["final_target"] = np.where(rows["measure"] == "flow", flow_total.reindex(rows.index), rows["final_target"])
    rows = add_pace(rows, plan.plan.baseline_year, last, rules.stagnation)
    rows["time_progress"] = time_progress(rows)
    partial = (rows["missing_units"] > 0) & rows["kind"].isin(SUM_KINDS)
    for col in ("status", "pace"):
        rows[col] = rows[col].where(~partial, None)
    rows["status_label"] = rows["status"].map(STATUS_LABELS)
    rows["pace_label"] = rows["pace"].map(PACE_LABELS)
    return rows.sort_index()


def same_bits(a: pd.Series, b: pd.Series) -> bool:
    x, y = a.to_numpy(float), b.to_numpy(float)
    return bool(((x.view(np.int64) == y.view(np.int64)) | (np.isnan(x) & np.isnan(y))).all())


@pytest.mark.parametrize("with_rounds", [False, True])
def test_whole_column_classification_is_the_pandas_rules(plan, demo_rosters, demo_scorecard, with_rounds):
    if with_rounds:  # each year judged at its newest report date, as the Monitor's default round would be
        as_of = pd.to_datetime(demo_scorecard.rows["as_of"])
        newest = as_of.groupby(demo_scorecard.rows["year"]).max().dropna()
        rounds = {int(y): Round(int(y), d.date(), (), (), ()) for y, d in newest.items()}
        card = compute_scorecard(plan, demo_rosters, rounds=rounds).rows
        assert card["round"].notna().all()
    else:
        card = demo_scorecard.rows
    want = by_pandas(plan, card)
    got = card[card["year"] >= plan.years[0]]
    assert len(got) and got["status"].notna().any() and got["pace"].notna().any()
    for col in ("final_target", "expected", "start_of_year", "time_position", "projected", "cumulative",
                "time_progress"):
        assert same_bits(got[col], want[col]), col
    for col in ("status", "pace", "status_label", "pace_label"):
        assert got[col].fillna("-").tolist() == want[col].fillna("-").tolist(), col
    base = card[card["year"] < plan.years[0]]
    assert len(base) and base[COMPUTED].isna().all().all()  # the baseline year is not classified

