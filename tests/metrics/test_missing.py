"""Missing is not zero: a blank input cell makes a figure say 未填报 or 不含 N 个…（未填报）, never 0 and never red.

Counts and multiples over members with blanks are partial sums: shown, labelled, and not judged (no status,
pace, gap or completion). Shares and ratios are computed over the units that reported and keep their status.
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from inline_rosters import make_rosters
from plan_monitor.metrics.scorecard import compute_scorecard

Q3 = date(2024, 9, 30)


def stats(year, county, **values):
    return {"year": year, "as_of": Q3 if year == 2024 else None, "county": county, **values}


# 公安县 leaves 持证社工 and 品牌项目 blank in 2024 and its 已完成轮训 blank; 2021 is the baseline.
STATS = [
    stats(2021, "沙市区", brand_projects=0, certified_workers_u50=50, party_workers=100, party_workers_trained=0),
    stats(2021, "荆州区", brand_projects=0, certified_workers_u50=40, party_workers=100, party_workers_trained=0),
    stats(2021, "公安县", brand_projects=0, certified_workers_u50=30, party_workers=100, party_workers_trained=0),
    stats(2024, "沙市区", brand_projects=7, certified_workers_u50=160, party_workers=100, party_workers_trained=100),
    stats(2024, "荆州区", brand_projects=9, certified_workers_u50=240, party_workers=200, party_workers_trained=200),
    stats(2024, "公安县", brand_projects=None, certified_workers_u50=None, party_workers=300,
          party_workers_trained=None),
]


@pytest.fixture(scope="module")
def card(plan):
    return compute_scorecard(plan, make_rosters(county_stats=STATS))


def row(card, indicator_id, level, county=None):
    rows = card.select(year=2024, level=level, indicator_id=indicator_id)
    rows = rows[rows["county"] == county] if county else rows
    assert len(rows) == 1
    return rows.iloc[0]


COLS = ["actual", "missing_units", "missing_counties", "missing_note", "status", "pace"]


def values(r):
    return tuple(None if isinstance(r[c], float) and math.isnan(r[c]) else r[c] for c in COLS)


@pytest.mark.parametrize("indicator_id", ["certified_workers", "brand_projects"])
def test_a_county_whose_cell_is_blank_has_no_figure_and_no_status(card, indicator_id):
    # Before: actual 0, 严重滞后 and 出现倒退.
    assert values(row(card, indicator_id, "county", "公安县")) == (None, 1, 1, "未填报", None, None)
    r = row(card, indicator_id, "county", "公安县")
    assert math.isnan(r["gap"]) and math.isnan(r["completion"])


def test_a_multiple_over_counties_with_a_blank_is_a_labelled_partial_sum_without_status(card):
    r = row(card, "certified_workers", "city")
    assert values(r) == (400.0, 1, 1, "不含 1 个县（未填报）", None, None)
    assert math.isnan(r["completion"]) and math.isnan(r["gap"]) and r["target"] == 2 * 120
    # the counties that reported keep their own figures and statuses
    assert values(row(card, "certified_workers", "county", "沙市区")) == (160.0, 0, 0, None, "met", "on_track")


def test_a_count_over_counties_with_a_blank_is_a_labelled_partial_sum_without_status(card):
    assert values(row(card, "brand_projects", "city")) == (16.0, 1, 1, "不含 1 个县（未填报）", None, None)


def test_a_share_is_over_the_counties_that_reported_and_keeps_its_status(card):
    # 公安县's 300 workers are not in the denominator: 300 / 300 trained, not 300 / 600.
    r = row(card, "party_worker_training", "city")
    assert (r["num"], r["den"]) == (300.0, 300.0)
    assert values(r) == (1.0, 1, 1, "不含 1 个县（未填报）", "met", "on_track")
    assert values(row(card, "party_worker_training", "county", "公安县")) == (None, 1, 1, "未填报", None, None)


def test_complete_figures_carry_no_missing_note(card):
    r = row(card, "party_worker_training", "county", "荆州区")
    assert values(r) == (1.0, 0, 0, None, "met", "on_track")


def test_the_demo_data_has_no_blank_that_counts(demo_scorecard):
    # 社区 leave income and reserve cadres blank by design; the income and cadre measures count 村 only.
    assert (demo_scorecard.rows["missing_units"].fillna(0) == 0).all()
    assert demo_scorecard.rows["missing_note"].isna().all()


def village(name, income, unit_type="村"):
    return {"year": 2024, "as_of": Q3, "county": "荆州区", "town": "川店镇", "village": name, "unit_type": unit_type,
            "is_demo": False, "income_wan": income}


def test_a_village_share_with_one_blank_village_is_over_the_others_and_keeps_its_status(plan):
    # 甲 25, 乙 30, 丙 5 reported: 2 of 3 reach 20万 (not 2 of 4); 丁 is blank; the 社区's blank is by design.
    rows = [village("甲村", 25.0), village("乙村", 30.0), village("丙村", 5.0), village("丁村", None),
            village("某社区", None, "社区")]
    card = compute_scorecard(plan, make_rosters(village=rows))
    got = card.select(year=2024, indicator_id="village_income_20w")
    got = got[got["county"].isin([None, "荆州区"]) | got["county"].isna()]
    assert [(r.level, r.num, r.den, r.missing_units, r.missing_note, r.status) for r in got.itertuples()] == [
        ("city", 2.0, 3.0, 1, "不含 1 个村（未填报）", "behind"),
        ("county", 2.0, 3.0, 1, "不含 1 个村（未填报）", "behind"),
        ("town", 2.0, 3.0, 1, "不含 1 个村（未填报）", "behind"),
    ]
