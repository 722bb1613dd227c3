"""Status against time progress (时序进度) and pace toward the final target."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plan_monitor.metrics.trajectory import add_pace, add_time_progress, classify_status, time_progress, year_position


@pytest.mark.parametrize("as_of, year, expected", [
    ("2023-06-30", 2023, 2023 + 181 / 365),
    ("2024-06-30", 2024, 2024 + 182 / 366),  # leap year
    ("2024-09-30", 2024, 2024 + 274 / 366),
    ("2023-12-31", 2023, 2024.0),
    ("2023-01-01", 2023, 2023 + 1 / 365),
    (None, 2023, 2024.0),  # no date: year end
    ("2025-03-01", 2024, 2025.0),  # a date after the year is clipped to its end
])
def test_year_position(as_of, year, expected):
    got = year_position(pd.Series([as_of]), pd.Series([year]))
    assert got.iloc[0] == pytest.approx(expected)


def frame(rows, **common):
    base = {"indicator_id": "x", "level": "city", "county": None, "town": None, "kind": "count",
            "direction": "higher", "measure": "stock", "baseline": np.nan, "final_target": np.nan}
    df = pd.DataFrame([{**base, **common, **r} for r in rows])
    df["as_of"] = pd.to_datetime(df["as_of"])
    return df


def progress(rows, baseline_year=2021, last_year=2024, red_below=0.5, **common):
    return add_time_progress(frame(rows, **common), baseline_year, last_year, red_below).set_index("year")


# Stock target 100 (2022) and 200 (2023), final 200; count, no baseline → starts from 0.
MID_2023 = 2023 + 181 / 365
EXPECTED_MID_2023 = 100 + 100 * (MID_2023 - 2023)  # ≈ 149.59


@pytest.mark.parametrize("actual, status", [
    (150, "on_pace"),
    (200, "met"),
    (130, "behind"),      # progress (130-100)/(149.6-100) ≈ 0.6 ≥ red_below 0.5
    (110, "far_behind"),  # progress ≈ 0.2
    (124.8, "behind"),    # just at half of the year's expected progress
    (124.7, "far_behind"),
    (None, None),
])
def test_stock_status_mid_year(actual, status):
    rows = [{"year": 2022, "as_of": None, "actual": 100, "target": 100.0},
            {"year": 2023, "as_of": "2023-06-30", "actual": actual, "target": 200.0}]
    out = progress(rows, final_target=200.0)
    assert out.loc[2023, "expected"] == pytest.approx(EXPECTED_MID_2023)
    assert out.loc[2023, "start_of_year"] == pytest.approx(100)
    assert out.loc[2023, "time_position"] == pytest.approx(MID_2023)
    assert out.loc[2023, "status"] == status
    assert out.loc[2022, "expected"] == pytest.approx(100)  # year end of 2022: the 2022 target
    assert out.loc[2022, "status"] == "met"


def test_stock_from_baseline_and_years_without_target_are_interpolated():
    # baseline 1000 (2021), only a 2024 target of 2000: expected rises 1000/3 a year
    rows = [{"year": 2022, "as_of": None, "actual": 1300, "target": np.nan},
            {"year": 2023, "as_of": None, "actual": 1400, "target": np.nan},
            {"year": 2024, "as_of": "2024-06-30", "actual": 1850, "target": 2000.0}]
    out = progress(rows, baseline=1000.0, final_target=2000.0)
    pos = 2024 + 182 / 366
    assert out["expected"].tolist() == pytest.approx([1000 + 1000 / 3, 1000 + 2000 / 3, 1000 + 1000 / 3 * (pos - 2022)])
    assert out["start_of_year"].tolist() == pytest.approx([1000, 1000 + 1000 / 3, 1000 + 2000 / 3])
    # 2022: 300 of 333 (0.9); 2023: 67 of 333 since the start of the year (0.2); 2024: ahead of 1832
    assert out["status"].tolist() == ["behind", "far_behind", "on_pace"]


@pytest.mark.parametrize("as_of, expected", [
    ("2024-09-30", 2 * 274 / 366),  # ≈ 1.497
    ("2024-06-30", 2 * 182 / 366),
    (None, 2.0),
])
def test_flow_target_starts_from_zero_each_year(as_of, expected):
    rows = [{"year": 2023, "as_of": None, "actual": 2, "target": 2.0},
            {"year": 2024, "as_of": as_of, "actual": 1, "target": 2.0}]
    out = progress(rows, measure="flow")
    assert out.loc[2024, "expected"] == pytest.approx(expected)
    assert out.loc[2024, "start_of_year"] == 0
    assert out.loc[2023, "expected"] == pytest.approx(2.0)


def test_flow_status_at_q3():
    assert 2 * 274 / 366 == pytest.approx(1.497, abs=1e-3)
    rows = [{"year": 2024, "as_of": "2024-09-30", "actual": a, "target": 2.0, "indicator_id": f"i{a}"}
            for a in (0, 1, 2)]
    out = add_time_progress(frame(rows, measure="flow"), 2021, 2024, 0.5).set_index("actual")
    assert out["status"].to_dict() == {0: "far_behind", 1: "behind", 2: "met"}


# Lower is better: units still below a floor, 100 at the 2021 baseline, target 0 by end of 2024.
@pytest.mark.parametrize("actual, status", [
    (0, "met"),
    (10, "on_pace"),
    (25, "behind"),      # removed 8.3 of the 16.6 expected this year
    (30, "far_behind"),
    (40, "far_behind"),  # worse than at the start of the year
])
def test_lower_is_better_threshold(actual, status):
    rows = [{"year": 2024, "as_of": "2024-06-30", "actual": actual, "target": 0.0}]
    out = progress(rows, kind="threshold", direction="lower", baseline=100.0, final_target=0.0)
    pos = 2024 + 182 / 366
    assert out.loc[2024, "expected"] == pytest.approx(100 - 100 / 3 * (pos - 2022))  # ≈ 16.8
    assert out.loc[2024, "start_of_year"] == pytest.approx(100 / 3)
    assert out.loc[2024, "status"] == status


def test_classify_status_met_by_final_target_early_and_unknown_without_expected():
    s = lambda *v: pd.Series(v, dtype=float)  # noqa: E731
    out = classify_status(actual=s(300, 50, 50), target=s(200, np.nan, 100), final_target=s(300, np.nan, 300),
                          expected=s(150, np.nan, 150), start=s(100, np.nan, 100),
                          direction=pd.Series(["higher"] * 3), red_below=0.5)
    assert out.tolist() == ["met", None, "far_behind"]


# --- pace ------------------------------------------------------------------------------------

def pace_frame(actual, time_position, baseline=100.0, final=400.0, direction="higher", measure="stock"):
    return pd.DataFrame({
        "indicator_id": ["x"], "level": ["city"], "county": [None], "town": [None], "kind": ["count"],
        "direction": [direction], "measure": [measure], "actual": [float(actual) if actual is not None else np.nan],
        "baseline": [baseline], "final_target": [final], "time_position": [time_position],
    })


# Baseline 100 (end 2021), final 400 (end 2024): 100 a year needed; stagnation tolerance 5 a year.
@pytest.mark.parametrize("actual, pace, projected", [
    (300, "on_track", 400),    # +100/yr observed, 100 needed for the last year
    (400, "on_track", 550),    # already reached
    (200, "too_slow", 250),    # +50/yr, 200 still needed
    (105, "stagnating", 107.5),
    (100, "stagnating", 100),
    (80, "backwards", 70),
    (None, None, None),
])
def test_pace_classes_at_end_of_2023(actual, pace, projected):
    out = add_pace(pace_frame(actual, 2024.0), 2021, 2024, 0.05)
    assert out.loc[0, "pace"] == pace
    if projected is None:
        assert pd.isna(out.loc[0, "projected"])
    else:
        assert out.loc[0, "projected"] == pytest.approx(projected)


@pytest.mark.parametrize("actual, pace", [(30, "on_track"), (70, "too_slow"), (98, "stagnating"), (120, "backwards")])
def test_pace_lower_is_better(actual, pace):
    # 100 units below at baseline, 0 wanted by end 2024; at end of 2023
    out = add_pace(pace_frame(actual, 2024.0, baseline=100.0, final=0.0, direction="lower"), 2021, 2024, 0.05)
    assert out.loc[0, "pace"] == pace


def test_pace_of_a_flow_compares_cumulative_additions():
    df = pd.DataFrame({
        "indicator_id": ["x"] * 3, "level": ["city"] * 3, "county": [None] * 3, "town": [None] * 3,
        "kind": ["count"] * 3, "direction": ["higher"] * 3, "measure": ["flow"] * 3,
        "actual": [2.0, 2.0, 1.0], "baseline": [np.nan] * 3, "final_target": [6.0] * 3,
        "time_position": [2023.0, 2024.0, 2024 + 274 / 366],
    })
    out = add_pace(df, 2021, 2024, 0.05)
    assert out["cumulative"].tolist() == [2.0, 4.0, 5.0]
    # by Q3 2024: 5 added in 2.75 years (1.82/yr) while 1 more is needed in 0.25 years (4/yr)
    assert out["pace"].tolist() == ["on_track", "on_track", "too_slow"]


def test_time_progress_is_the_completion_formula_on_the_expected_value():
    rows = pd.DataFrame({
        "kind": ["share", "threshold", "count", "count", "threshold", "count", "threshold", "count"],
        "direction": ["higher", "lower", "lower", "higher", "lower", "higher", "lower", "lower"],
        "expected": [0.6, 10.0, 8.0, 5.0, 10.0, 100.0, 4.0, 0.0],
        "target": [0.8, 0.0, 4.0, 0.0, np.nan, np.nan, 0.0, 4.0],
        "den": [100, 50, None, None, 50, None, 0, None]})
    got = time_progress(rows)
    # share: expected ÷ target; threshold: the share of units meeting it with `expected` still missing it;
    # lower count: target ÷ expected
    assert list(got.round(4)[:3]) == [0.75, 0.8, 0.5]
    # nothing to divide by (target 0 for higher, den 0, expected 0 for lower): missing
    assert got[[3, 6, 7]].isna().all()
    # no target of its own: missing even where the trajectory gives an expected value, as 完成率 is
    assert got[[4, 5]].isna().all()
