"""A city without a county level, end to end: the example plan for 中山市 validates, a town roster built from the
gazetteer's towns is accepted through check_upload and the write service, and the scorecard has city, county and
town rows. The city stands in as its own county-level unit (county = 中山市)."""

from __future__ import annotations

import math

import pytest

from plan_monitor.cli import main
from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.metrics.monitor import Monitor
from plan_monitor.metrics.scorecard import compute_scorecard
from plan_monitor.sources import load_rosters, open_store
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.plan import load_plan
from tests.zhongshan import ZHONGSHAN, committed_data, town_roster, zhongshan_towns


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return committed_data(tmp_path_factory.mktemp("zhongshan") / "data")


@pytest.fixture(scope="module")
def card(data):
    return compute_scorecard(load_plan(ZHONGSHAN), load_rosters(data))


def test_check_passes_and_the_geography_is_the_city_with_its_towns(capsys):
    assert main(["check", "--targets", str(ZHONGSHAN)]) == 0
    assert "校验通过" in capsys.readouterr().out
    geo = load_geography(load_plan(ZHONGSHAN))
    assert geo.county_names() == ["中山市"] and geo.is_stand_in("中山市")
    assert len(geo.towns) == 23 and set(geo.towns["county"]) == {"中山市"}
    assert geo.towns["town_type"].value_counts().to_dict() == {"镇": 15, "街道": 8}


def test_the_town_roster_is_accepted_without_a_name_problem(tmp_path):
    plan = load_plan(ZHONGSHAN)
    checked = check_upload("中山市乡镇_2024.csv", town_roster(2024), plan, load_geography(plan), open_store(tmp_path),
                           "town")
    assert checked.errors == [] and checked.can_commit
    assert checked.rows.num_rows == 23
    assert set(checked.rows["county"].to_pylist()) == {"中山市"}


def test_an_unknown_town_gets_a_suggestion(tmp_path):
    plan = load_plan(ZHONGSHAN)
    text = town_roster(2024).decode("utf-8").replace("石岐街道", "石岐镇", 1)
    checked = check_upload("t.csv", text.encode("utf-8"), plan, load_geography(plan), open_store(tmp_path), "town")
    assert [i.check for i in checked.errors] == ["unknown_town"]
    assert "是否为：石岐街道" in checked.errors[0].message


def row(card, indicator_id, level, town=None):
    rows = card.select(year=2024, level=level, indicator_id=indicator_id)
    if town is not None:
        rows = rows[rows["town"] == town]
    assert len(rows) == 1, (indicator_id, level, town, len(rows))
    return rows.iloc[0]


def test_scorecard_has_city_county_and_town_rows(card):
    towns = zhongshan_towns()
    first_zhen = next(t for t, kind in towns if kind == "镇")
    first_jie = next(t for t, kind in towns if kind == "街道")
    # 示范镇: 3 of 15 镇, target 3 → met, at the city and at the county (the city itself).
    for level in ("city", "county"):
        r = row(card, "demo_towns", level)
        assert (r["num"], r["den"], r["actual"], r["target"], r["status"]) == (3, 15, 3, 3, "met")
    assert row(card, "demo_towns", "county")["county"] == "中山市"
    assert row(card, "demo_towns", "town", first_zhen)["actual"] == 1
    assert len(card.select(year=2024, level="town", indicator_id="demo_towns")) == 15
    # 示范街道: 2 of 8, target 2 → met; 智慧平台: 3 街道, target 2 → met.
    assert row(card, "demo_subdistricts", "city")["actual"] == 2
    assert row(card, "demo_subdistricts", "town", first_jie)["actual"] == 1
    assert (row(card, "smart_platform", "county")["actual"], row(card, "smart_platform", "county")["status"]) == (3, "met")
    # Ratio: 22 towns reported 2 candidates each (one blank, left out) → 44 / 22 = 2.0 ≥ 1.5.
    r = row(card, "secretary_reserve_ratio", "county")
    assert (r["num"], r["den"], r["actual"], r["status"]) == (44, 22, 2.0, "met")
    assert r["missing_note"] == "不含 1 个乡镇街道（未填报）"
    assert math.isnan(row(card, "secretary_reserve_ratio", "town", first_zhen)["actual"])
    assert row(card, "secretary_reserve_ratio", "town", first_jie)["actual"] == 2.0


def test_the_monitor_builds_with_rounds_and_reporting(data):
    monitor = Monitor.build(ZHONGSHAN, data)
    status = monitor.reporting
    assert set(status["county"]) == {"中山市"}


def test_cli_scorecard_runs_on_the_committed_data(data, capsys):
    assert main(["scorecard", "--targets", str(ZHONGSHAN), "--data", str(data), "--year", "2024",
                 "--level", "town"]) == 0
    out = capsys.readouterr().out
    assert "中山市" in out and "石岐街道" in out
