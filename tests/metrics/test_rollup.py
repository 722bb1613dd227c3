"""Roll-up up the hierarchy: sums of numerators and denominators, never averages of ratios."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
import pytest

from inline_rosters import make_rosters
from plan_monitor.engine import Engine
from plan_monitor.metrics.scorecard import compute_scorecard

D = date


def measure_table(rows):
    return pa.table({
        "indicator_id": pa.array([r[0] for r in rows], pa.string()),
        "year": pa.array([r[1] for r in rows], pa.int32()),
        "county": pa.array([r[2] for r in rows], pa.string()),
        "town": pa.array([r[3] for r in rows], pa.string()),
        "num": pa.array([r[4] for r in rows], pa.float64()),
        "den": pa.array([r[5] for r in rows], pa.float64()),
        "missing": pa.array([r[7] if len(r) > 7 else 0.0 for r in rows], pa.float64()),
        "as_of": pa.array([r[6] for r in rows], pa.date32()),
    })


def rolled(rows):
    engine = Engine()
    engine.register("measure_rows", measure_table(rows))
    out = engine.run("engine/rollup").to_pylist()
    cols = ["indicator_id", "year", "level", "county", "town", "num", "den", "as_of"]
    return sorted((tuple(r[c] for c in cols) for r in out), key=lambda t: tuple((x is None, x) for x in t))


def test_rollup_sums_numerators_and_denominators():
    rows = [
        ("share", 2023, "A", "a1", 1.0, 1.0, D(2023, 12, 31)),
        ("share", 2023, "B", "b1", 0.0, 1.0, D(2023, 6, 30)),
        ("share", 2023, "B", "b2", 1.0, 2.0, D(2023, 9, 30)),
    ]
    assert rolled(rows) == [
        ("share", 2023, "city", None, None, 2.0, 4.0, D(2023, 12, 31)),
        ("share", 2023, "county", "A", None, 1.0, 1.0, D(2023, 12, 31)),
        ("share", 2023, "county", "B", None, 1.0, 3.0, D(2023, 9, 30)),
        ("share", 2023, "town", "A", "a1", 1.0, 1.0, D(2023, 12, 31)),
        ("share", 2023, "town", "B", "b1", 0.0, 1.0, D(2023, 6, 30)),
        ("share", 2023, "town", "B", "b2", 1.0, 2.0, D(2023, 9, 30)),
    ]


def test_rollup_of_county_grain_rows_has_no_town_level_and_keeps_indicators_apart():
    rows = [
        ("sites", 2024, "A", None, 5.0, 1.0, D(2024, 9, 30)),
        ("sites", 2024, "B", None, 7.0, 1.0, D(2024, 9, 30)),
        ("sites", 2023, "A", None, 3.0, 1.0, D(2023, 12, 31)),
        ("other", 2024, "A", None, 100.0, 1.0, D(2024, 9, 30)),
    ]
    assert rolled(rows) == [
        ("other", 2024, "city", None, None, 100.0, 1.0, D(2024, 9, 30)),
        ("other", 2024, "county", "A", None, 100.0, 1.0, D(2024, 9, 30)),
        ("sites", 2023, "city", None, None, 3.0, 1.0, D(2023, 12, 31)),
        ("sites", 2023, "county", "A", None, 3.0, 1.0, D(2023, 12, 31)),
        ("sites", 2024, "city", None, None, 12.0, 2.0, D(2024, 9, 30)),
        ("sites", 2024, "county", "A", None, 5.0, 1.0, D(2024, 9, 30)),
        ("sites", 2024, "county", "B", None, 7.0, 1.0, D(2024, 9, 30)),
    ]


def village(year, county, town, name, **values):
    return {"year": year, "county": county, "town": town, "village": name, "unit_type": "村", "is_demo": False, **values}


# 沙市区: 1 of 1 villages reaches 20万; 荆州区: 1 of 2 (丁村's blank income is missing, in neither). City: 2 of 3.
ROLLUP_VILLAGES = [
    village(2023, "沙市区", "观音垱镇", "甲村", income_wan=25.0, reserve_cadres_u30=1),
    village(2023, "荆州区", "川店镇", "乙村", income_wan=30.0, reserve_cadres_u30=0),
    village(2023, "荆州区", "川店镇", "丙村", income_wan=5.0, reserve_cadres_u30=None),
    village(2023, "荆州区", "马山镇", "丁村", income_wan=None, reserve_cadres_u30=2),
]


@pytest.fixture(scope="module")
def small_card(plan):
    return compute_scorecard(plan, make_rosters(village=ROLLUP_VILLAGES))


def _row(card, indicator_id, level, county=None, town=None, year=2023):
    rows = card.select(year=year, level=level, indicator_id=indicator_id)
    if county is not None:
        rows = rows[rows["county"] == county]
    if town is not None:
        rows = rows[rows["town"] == town]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize("level, county, town, num, den, actual, missing, note", [
    ("city", None, None, 2, 3, 2 / 3, 1, "不含 1 个村（未填报）"),  # NOT the mean of 1.0 and 0.5 (0.75)
    ("county", "沙市区", None, 1, 1, 1.0, 0, None),
    ("county", "荆州区", None, 1, 2, 0.5, 1, "不含 1 个村（未填报）"),
    ("town", "荆州区", "川店镇", 1, 2, 0.5, 0, None),
    ("town", "荆州区", "马山镇", 0, 0, None, 1, "未填报"),  # its one village is blank: no figure, not 0%
])
def test_share_rolls_up_as_numerator_over_denominator(small_card, level, county, town, num, den, actual, missing,
                                                      note):
    row = _row(small_card, "village_income_20w", level, county, town)
    assert (row["num"], row["den"], row["missing_units"], row["missing_note"]) == (num, den, missing, note)
    assert pd.isna(row["actual"]) if actual is None else row["actual"] == pytest.approx(actual)
    assert row["target"] == 0.6


@pytest.mark.parametrize("level, county, below, missing", [
    ("city", None, 1, 1),  # 乙村 has 0 under-30 cadres; 丙村's blank count is missing, not 0
    ("county", "沙市区", 0, 0),
    ("county", "荆州区", 1, 1),
])
def test_threshold_rolls_up_as_count_of_units_below(small_card, level, county, below, missing):
    row = _row(small_card, "reserve_cadre_u30", level, county)
    assert (row["actual"], row["missing_units"]) == (below, missing)


def test_rollup_sums_missing_units_and_counts_counties_with_any():
    engine = Engine()
    engine.register("measure_rows", measure_table([
        ("share", 2023, "A", "a1", 1.0, 1.0, D(2023, 12, 31), 2.0),
        ("share", 2023, "A", "a2", 0.0, 1.0, D(2023, 12, 31), 1.0),
        ("share", 2023, "B", "b1", 1.0, 2.0, D(2023, 12, 31), 0.0),
        ("share", 2023, "C", "c1", 0.0, 0.0, D(2023, 12, 31), 4.0),
    ]))
    out = engine.run("engine/rollup").to_pylist()
    got = sorted((r["level"], r["county"] or "", r["town"] or "", r["missing_units"], r["missing_counties"])
                 for r in out)
    assert got == [
        ("city", "", "", 7.0, 2),
        ("county", "A", "", 3.0, 1), ("county", "B", "", 0.0, 0), ("county", "C", "", 4.0, 1),
        ("town", "A", "a1", 2.0, 1), ("town", "A", "a2", 1.0, 1), ("town", "B", "b1", 0.0, 0),
        ("town", "C", "c1", 4.0, 1),
    ]


def test_county_without_data_still_gets_a_row(small_card):
    row = _row(small_card, "village_income_20w", "county", "江陵县")
    assert pd.isna(row["den"]) and pd.isna(row["actual"])  # no report
    assert row["status"] is None
