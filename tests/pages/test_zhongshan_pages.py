"""The pages on a city without counties: the 中山 example plan (examples/zhongshan.yaml) with a town roster committed,
chosen through PLAN_MONITOR_TARGETS and PLAN_MONITOR_DATA as a deployment would. The city stands in as its own
county-level unit, so the overview, county and town pages render unchanged."""

from __future__ import annotations

import pytest
from page_runner import open_page, overview_cards

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.present.format import fmt_value
from plan_monitor.spec.geography import gazetteer_units
from tests.zhongshan import ZHONGSHAN, committed_data


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return committed_data(tmp_path_factory.mktemp("zhongshan") / "data")


@pytest.fixture(autouse=True)
def zhongshan_env(monkeypatch, data):
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(ZHONGSHAN))
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(data))


def test_overview_renders_the_city_figures(data):
    at = open_page("overview")
    cards, _ = overview_cards(at)
    plan = Monitor.build(ZHONGSHAN, data).plan
    assert [c["indicator_id"] for c in cards] == [i.id for i in plan.indicators]
    by_id = {c["indicator_id"]: c for c in cards}
    assert fmt_value(3, "个") in by_id["demo_towns"]["value"]
    assert by_id["demo_towns"]["status"] == "met"
    text = "\n".join(m.value for m in at.markdown) + "\n".join(t.value for t in at.title)
    assert "中山市基层党建三年行动计划（示例）" in text


def test_county_page_ranks_the_city_as_its_only_county():
    at = open_page("county", indicator="secretary_reserve_ratio")
    table = at.dataframe[0].value
    assert list(table["县（市、区）"]) == ["中山市"]
    assert list(table["排位"]) == [1]


def test_town_page_lists_the_citys_towns():
    at = open_page("town", indicator="demo_towns", county="中山市")
    assert at.selectbox(key="pm_county").value == "中山市"
    # 示范镇 counts 镇 only: the picker offers the city's 15 镇, from the gazetteer.
    _, _, towns = gazetteer_units("442000")
    zhen = set(towns[towns["town_type"] == "镇"]["town"])
    assert len(zhen) == 15 and set(at.selectbox(key="pm_town").options) == zhen
