"""Monitoring splits (测算分解): a city target the plan does not divide, divided among the counties by the units each
has on the baseline year's roster (or the gazetteer, or evenly), with largest-remainder rounding so the county targets
add up exactly to the city target every year. Small inline plan and rosters, exact expected rows."""

from __future__ import annotations

import pandas as pd
import pytest

from inline_rosters import make_rosters
from plan_monitor.metrics.scorecard import compute_scorecard
from plan_monitor.metrics.split import largest_remainder
from plan_monitor.spec.plan import load_plan

# Gazetteer (区划代码) order of 荆州市's counties: ties in the remainders go to the county listed first.
COUNTIES = ["沙市区", "荆州区", "公安县", "江陵县", "石首市", "洪湖市", "松滋市", "监利市"]

PLAN = """
version: 1
plan:
  id: split-test
  name: 测算分解测试计划
  region: {name: 荆州市, code: "421000"}
  years: [2022, 2023, 2024]
  baseline_year: 2021
indicators:
  - {id: villages, name: 示范村, unit: 个, kind: count, direction: higher, measure: stock, plan_text: 示范村,
     reading: 按村数测算, query: demo_villages, params: {unit_type: 村, flow: false}, columns: [类型],
     levels: [city, county, town], targets: {2022: 10, 2023: 20, 2024: 31}, split: {by: villages}}
  - {id: communities, name: 示范社区, unit: 个, kind: count, direction: higher, measure: stock, plan_text: 示范社区,
     reading: 按社区数测算, query: demo_villages, params: {unit_type: 社区, flow: false}, columns: [类型],
     levels: [city, county], targets: {2024: 5}, split: {by: communities}}
  - {id: sites, name: 共享阵地, unit: 个, kind: count, direction: higher, measure: stock, plan_text: 阵地,
     reading: 平均测算, query: shared_sites, params: {}, columns: [类型],
     levels: [city, county], targets: {2024: 10}, split: {by: equal}}
  - {id: towns, name: 示范乡镇, unit: 个, kind: count, direction: higher, measure: flow, plan_text: 示范乡镇,
     reading: 按镇乡数测算, query: demo_towns, params: {subdistrict: false, flow: true}, columns: [类型],
     levels: [city, county], targets: {2023: 10, 2024: 10}, split: {by: towns}}
  - {id: streets, name: 示范街道, unit: 个, kind: count, direction: higher, measure: stock, plan_text: 示范街道,
     reading: 按街道数测算, query: demo_towns, params: {subdistrict: true, flow: false}, columns: [类型],
     levels: [city, county], targets: {2024: 10}, split: {by: subdistricts}}
  - {id: given, name: 品牌项目, unit: 个, kind: count, direction: higher, measure: stock, plan_text: 品牌,
     reading: 写明测算任务数, query: brand_projects, params: {}, columns: [类型],
     levels: [city, county], targets: {2024: 10}, split: {quotas: {沙市区: {2024: 6}, 荆州区: {2024: 4}}}}
  - {id: issued, name: 正式分解, unit: 个, kind: count, direction: higher, measure: stock, plan_text: 品牌,
     reading: 正式下达, query: brand_projects, params: {}, columns: [类型],
     levels: [city, county], targets: {2024: 10}, quotas: {沙市区: {2024: 6}, 荆州区: {2024: 4}}}
"""


def unit(year, county, village, unit_type="村", is_demo=False):
    return {"year": year, "county": county, "town": f"{county}某镇", "village": village, "unit_type": unit_type,
            "is_demo": is_demo}


# 2021 (the baseline): 沙市区 3 villages + 1 community, 荆州区 1 village + 2 communities, 公安县 2 villages.
# 江陵县 first reports in 2022 (1 village): weighed by its earliest roster. 公安县 has 5 more villages by 2023, which
# must not move the targets. 石首市, 洪湖市, 松滋市, 监利市 have never reported: no target can be estimated.
VILLAGES = (
    [unit(2021, "沙市区", v) for v in ("甲", "乙", "丙")] + [unit(2021, "沙市区", "东", "社区")]
    + [unit(2021, "荆州区", "丁")] + [unit(2021, "荆州区", v, "社区") for v in ("南", "北")]
    + [unit(2021, "公安县", v) for v in ("戊", "己")]
    + [unit(2022, "江陵县", "庚", is_demo=True)]
    + [unit(2023, "公安县", v) for v in ("戊", "己", "辛", "壬", "癸", "子", "丑")]
)


@pytest.fixture(scope="module")
def card(tmp_path_factory):
    path = tmp_path_factory.mktemp("split") / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return compute_scorecard(load_plan(path), make_rosters(village=VILLAGES))


def county_targets(card, indicator_id, year):
    rows = card.select(level="county", indicator_id=indicator_id, year=year).set_index("county")
    return {c: (None if pd.isna(rows.loc[c, "target"]) else int(rows.loc[c, "target"])) for c in COUNTIES}


def test_largest_remainder_adds_up_exactly():
    assert largest_remainder(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    assert largest_remainder(7, {"a": 0, "b": 2, "c": 1}) == {"a": 0, "b": 5, "c": 2}
    # 100 over 3:3:1 → 42.86, 42.86, 14.29: the floors make 98, the two largest remainders get one each
    assert largest_remainder(100, {"a": 3, "b": 3, "c": 1}) == {"a": 43, "b": 43, "c": 14}
    assert largest_remainder(5, {"a": 0, "b": 0}) == {}
    for total in range(0, 40):
        assert sum(largest_remainder(total, {"a": 355, "b": 88, "c": 32, "d": 474}).values()) == total


@pytest.mark.parametrize("year, expected", [
    # weights 沙市区 3, 荆州区 1, 公安县 2 (baseline), 江陵县 1 (its 2022 roster); 7 villages in all
    (2022, {"沙市区": 4, "荆州区": 2, "公安县": 3, "江陵县": 1}),   # 4.29 1.43 2.86 1.43 → floors 8, +公安 +荆州
    (2023, {"沙市区": 8, "荆州区": 3, "公安县": 6, "江陵县": 3}),   # 8.57 2.86 5.71 2.86 → floors 17, +荆州 +江陵 +公安
    (2024, {"沙市区": 13, "荆州区": 5, "公安县": 9, "江陵县": 4}),  # 13.29 4.43 8.86 4.43 → floors 29, +公安 +荆州
])
def test_split_by_villages_from_the_baseline_roster(card, year, expected):
    got = county_targets(card, "villages", year)
    assert got == {**dict.fromkeys(COUNTIES), **expected}
    city = card.select(level="city", indicator_id="villages", year=year)["target"].iloc[0]
    assert sum(expected.values()) == city
    rows = card.select(level="county", indicator_id="villages", year=year).set_index("county")
    assert set(rows.loc[list(expected), "target_source"]) == {"split"}
    assert set(rows.loc[list(expected), "target_source_label"]) == {"测算分解（非正式下达）"}
    assert rows.loc[list(expected), "target_note"].isna().all()
    if year == 2022:  # 江陵县's one village, named that year, meets its target of 1
        assert rows.loc["江陵县", ["actual", "status"]].tolist() == [1, "met"]
    never = rows.drop(index=list(expected))
    assert set(never["target_note"]) == {"no_split_base"} and set(never["target_note_label"]) == {"缺少名册，未能测算分解"}
    assert never["target_source"].isna().all()


def test_towns_get_no_target_from_a_split(card):
    rows = card.select(level="town", indicator_id="villages")
    assert len(rows) > 0 and rows["target"].isna().all() and set(rows["target_note"]) == {"no_quota"}


def test_split_by_communities_counts_communities_only(card):
    # communities: 沙市区 1, 荆州区 2; 公安县 and 江陵县 reported villages only → 0
    assert county_targets(card, "communities", 2024) == {
        "沙市区": 2, "荆州区": 3, "公安县": 0, "江陵县": 0, "石首市": None, "洪湖市": None, "松滋市": None, "监利市": None}


def test_equal_split_over_the_plans_counties(card):
    # 10 over 8 counties: 1 each, the 2 left to the first two in gazetteer order
    assert county_targets(card, "sites", 2024) == {c: (2 if c in ("沙市区", "荆州区") else 1) for c in COUNTIES}


def test_split_by_towns_and_subdistricts_from_the_gazetteer(card):
    # 镇 and 乡: 沙市区 5, 荆州区 7, 公安县 16, 江陵县 9, 石首市 12, 洪湖市 15, 松滋市 15, 监利市 21 (100 in all);
    # the 0.5 tie among 沙市区, 洪湖市 and 松滋市 goes to the larger weight, then the first listed: 洪湖市
    towns = {"沙市区": 0, "荆州区": 1, "公安县": 2, "江陵县": 1, "石首市": 1, "洪湖市": 2, "松滋市": 1, "监利市": 2}
    assert county_targets(card, "towns", 2023) == towns
    assert county_targets(card, "towns", 2024) == towns  # a flow: each year's target split the same way
    # 街道: 沙市区 8, 荆州区 5, 石首市 2, 洪湖市 2, 松滋市 2 (19); counties without 街道 get 0
    assert county_targets(card, "streets", 2024) == {
        "沙市区": 4, "荆州区": 3, "公安县": 0, "江陵县": 0, "石首市": 1, "洪湖市": 1, "松滋市": 1, "监利市": 0}
    assert county_targets(card, "towns", 2022) == dict.fromkeys(COUNTIES)  # no city target that year


def test_written_monitoring_quotas_and_issued_quotas_are_told_apart(card):
    split = card.select(level="county", indicator_id="given", year=2024).set_index("county")
    issued = card.select(level="county", indicator_id="issued", year=2024).set_index("county")
    for rows, source, label in ((split, "split", "测算分解（非正式下达）"), (issued, "issued", "任务分解（正式下达）")):
        assert rows.loc["沙市区", "target"] == 6 and rows.loc["荆州区", "target"] == 4
        assert set(rows.loc[["沙市区", "荆州区"], "target_source"]) == {source}
        assert set(rows.loc[["沙市区", "荆州区"], "target_source_label"]) == {label}
        assert set(rows.drop(index=["沙市区", "荆州区"])["target_note"]) == {"no_quota"}
    city = card.select(level="city", indicator_id="given", year=2024)
    assert city["target_source"].tolist() == ["plan"]
