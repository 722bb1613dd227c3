"""The prefecture (市（州）) level of a province's plan: rows rolled up from the counties of each prefecture (sums of
numerator and denominator), targets the sum of the counties' quotas or splits where every county has one, the
same notes as a region row for counties left blank, and the level order city → prefecture → county.

The plan (tests/data/prefecture_plan.yaml) is 湖北省's: 103 county-level units in 13 prefectures and 省直辖. The
figures below are worked out by hand from the county rows of STATS (year-end reports; 2021 is the baseline)."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest

from inline_rosters import DATA, make_rosters
from plan_monitor.metrics.scorecard import compute_scorecard
from plan_monitor.outputs.export_table import scorecard_csv, scorecard_export
from plan_monitor.spec.plan import load_plan


def stats(year, county, **values):
    return {"year": year, "as_of": None, "county": county, **values}


# 荆州市: 荆州区 and 沙市区 report (its six other counties send nothing). 省直辖: 仙桃市, 潜江市 (品牌项目 blank) and
# 天门市 (only 阵地 and 品牌项目; the rest blank) report, 神农架林区 sends nothing. 武汉市: 江岸区 alone.
STATS = [
    stats(2021, "荆州区", brand_projects=0, shared_sites=0, certified_workers_u50=40, party_workers=100,
          party_workers_trained=0),
    stats(2021, "沙市区", brand_projects=0, shared_sites=0, certified_workers_u50=60, party_workers=200,
          party_workers_trained=0),
    stats(2021, "仙桃市", brand_projects=0, shared_sites=0, certified_workers_u50=10, party_workers=50,
          party_workers_trained=0),
    stats(2021, "潜江市", brand_projects=0, shared_sites=0, certified_workers_u50=10, party_workers=50,
          party_workers_trained=0),
    stats(2024, "荆州区", brand_projects=3, shared_sites=0, certified_workers_u50=120, party_workers=100,
          party_workers_trained=100),
    stats(2024, "沙市区", brand_projects=5, shared_sites=0, certified_workers_u50=80, party_workers=200,
          party_workers_trained=50),
    stats(2024, "仙桃市", brand_projects=2, shared_sites=1, certified_workers_u50=20, party_workers=50,
          party_workers_trained=50),
    stats(2024, "潜江市", brand_projects=None, shared_sites=2, certified_workers_u50=10, party_workers=50,
          party_workers_trained=25),
    stats(2024, "天门市", brand_projects=1, shared_sites=3),
    stats(2024, "江岸区", brand_projects=2, shared_sites=0, certified_workers_u50=30, party_workers=100,
          party_workers_trained=100),
]


@pytest.fixture(scope="module")
def card():
    plan = load_plan(DATA / "prefecture_plan.yaml")
    return compute_scorecard(plan, make_rosters(county_stats=STATS))


def row(card, indicator_id, level, place=None):
    rows = card.select(year=2024, level=level, indicator_id=indicator_id)
    rows = rows[rows["county"] == place] if place else rows
    assert len(rows) == 1, (indicator_id, level, place, len(rows))
    return rows.iloc[0]


def nan(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def test_a_prefecture_sums_its_counties_and_its_target_is_the_sum_of_their_splits(card):
    # brand_projects: 206 split equally over 103 counties, 2 each; 荆州市 has 8 counties.
    r = row(card, "brand_projects", "prefecture", "荆州市")
    assert (r["actual"], r["target"], r["gap"], r["completion"]) == (8, 16, 8, 0.5)
    assert r["target_source"] == "split" and nan(r["target_note"]) and nan(r["missing_note"])
    assert r["prefecture"] == "荆州市"


def test_a_prefecture_with_a_blank_county_is_a_labelled_partial_sum(card):
    # 省直辖: 仙桃市 2 + 潜江市 blank + 天门市 1; target 4 counties × 2.
    r = row(card, "brand_projects", "prefecture", "省直辖")
    assert (r["actual"], r["target"], r["missing_units"], r["missing_counties"]) == (3, 8, 1, 1)
    assert r["missing_note"] == "不含 1 个县（未填报）"
    assert nan(r["status"]) and nan(r["pace"]) and nan(r["gap"]) and nan(r["completion"])
    city = row(card, "brand_projects", "city")
    assert (city["actual"], city["target"], city["missing_note"]) == (13, 206, "不含 1 个县（未填报）")


def test_issued_quotas_add_up_where_every_county_of_the_prefecture_has_one(card):
    r = row(card, "shared_sites", "prefecture", "省直辖")  # 2 + 2 + 2 + 1 issued to its four units
    assert (r["actual"], r["target"], r["gap"], r["target_source"]) == (6, 7, 1, "issued")
    assert r["completion"] == pytest.approx(6 / 7)
    r = row(card, "shared_sites", "prefecture", "荆州市")  # no quota for any of its counties
    assert r["actual"] == 0 and nan(r["target"]) and r["target_note"] == "no_quota"
    assert r["target_note_label"] == "计划未分解到本级" and nan(r["status"])


def test_a_multiple_is_judged_against_the_prefectures_own_baseline(card):
    r = row(card, "certified_workers", "prefecture", "荆州市")  # baseline 40 + 60, 2024 120 + 80
    assert (r["baseline"], r["actual"], r["target"], r["completion"], r["status"]) == (100, 200, 200, 1.0, "met")


def test_a_share_is_over_the_prefectures_numerators_and_denominators(card):
    r = row(card, "party_worker_training", "prefecture", "荆州市")  # (100 + 50) / (100 + 200), not the mean of 1 and 0.25
    assert (r["num"], r["den"], r["actual"], r["target"], r["completion"]) == (150, 300, 0.5, 1.0, 0.5)
    r = row(card, "party_worker_training", "prefecture", "省直辖")  # 天门市 blank: over 仙桃市 and 潜江市
    assert (r["actual"], r["missing_note"]) == (0.75, "不含 1 个县（未填报）")
    assert r["status"] in ("behind", "far_behind", "on_pace", "met")  # a share keeps its status


def test_every_prefecture_has_a_row_and_the_levels_run_city_prefecture_county(card):
    rows = card.select(year=2024, indicator_id="brand_projects")
    assert list(dict.fromkeys(rows["level"])) == ["city", "prefecture", "county"]
    assert (rows["level"] == "prefecture").sum() == 14 and (rows["level"] == "county").sum() == 103
    counties = rows[rows["level"] == "county"].set_index("county")["prefecture"]
    assert counties["荆州区"] == "荆州市" and counties["神农架林区"] == "省直辖"
    assert rows.loc[rows["level"] == "city", "prefecture"].isna().all()
    nobody = row(card, "brand_projects", "prefecture", "黄冈市")  # no county of it reported
    assert nan(nobody["actual"]) and nobody["target"] == 20  # 10 counties × 2


def test_exports_carry_the_prefecture(card):
    rows = card.select(year=2024, indicator_id="shared_sites")
    csv = pd.read_csv(io.StringIO(scorecard_csv(rows)), dtype=str)
    assert list(csv.columns[3:6]) == ["level", "prefecture", "county"]
    pref = csv[(csv["level"] == "prefecture") & (csv["prefecture"] == "省直辖")].iloc[0]
    assert pd.isna(pref["county"]) and (pref["actual"], pref["target"]) == ("6", "7")
    table = scorecard_export(rows).frame
    assert list(table.columns[2:5]) == ["层级", "市（州）", "县（市、区）"]
    pref = table[(table["层级"] == "市（州）") & (table["市（州）"] == "省直辖")].iloc[0]
    assert pref["县（市、区）"] is None and pref["完成值"] == 6
    county = table[table["县（市、区）"] == "仙桃市"].iloc[0]
    assert (county["层级"], county["市（州）"]) == ("县（市、区）", "省直辖")
    # the region row is named as the pages name it: 全省 in a province's plan (全市 stays the default)
    assert set(scorecard_export(rows, "全省").frame["层级"]) == {"全省", "市（州）", "县（市、区）", "乡镇（街道）"} - (
        set() if (rows["level"] == "town").any() else {"乡镇（街道）"})
    assert "全市" in set(table["层级"])
