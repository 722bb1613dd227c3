"""The pages on a province's plan (examples/hubei.yaml, 湖北省) with its demo data: the overview's 市（州） × 指标
matrix, on 分县 the prefectures ranked and a 市（州） filter narrowing the counties, and 汇报模式's slides at the
市（州） level, with no exception."""

from __future__ import annotations

import json

import pytest
from page_runner import markdown_text, open_page

from plan_monitor.paths import ROOT
from plan_monitor.sources.demo import generate
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.plan import load_plan

HUBEI = ROOT / "examples" / "hubei.yaml"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hubei") / "data"
    generate(load_plan(HUBEI), folder, scale="provincial")
    return folder


@pytest.fixture(autouse=True)
def hubei_env(monkeypatch, data, tmp_path):
    index = tmp_path / "plans.yaml"  # the province's plan alone: no picker, the default plan is this one
    index.write_text(f"plans:\n  hubei: {{file: {HUBEI}, data: {data}}}\n", encoding="utf-8")
    monkeypatch.setenv("PLAN_MONITOR_PLANS", str(index))
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(HUBEI))
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(data))


def test_overview_shows_the_prefectures_matrix():
    at = open_page("overview", year="2024")
    text = markdown_text(at)
    assert "市（州）× 指标 状态矩阵" in text
    assert "湖北省基层党建工作提质增效三年行动计划（示例）" in text + "\n".join(t.value for t in at.title)


def test_county_page_ranks_the_prefectures_then_every_county():
    at = open_page("county", year="2024", indicator="demo_villages")
    names = load_geography(load_plan(HUBEI)).prefecture_names()
    assert at.selectbox(key="pm_prefecture").options == ["全部", *names]
    prefectures, counties = at.dataframe[0].value, at.dataframe[1].value
    assert sorted(prefectures["市（州）"]) == sorted(names) and len(names) == 14
    assert list(prefectures["排位"]) == list(range(1, 15))
    assert len(counties) == 103
    assert "各市（州）排位" in markdown_text(at)


def test_the_prefecture_filter_narrows_the_counties():
    at = open_page("county", year="2024", indicator="demo_villages")
    at.selectbox(key="pm_prefecture").select("荆州市").run()
    assert not at.exception
    (counties,) = [d.value for d in at.dataframe]  # the prefectures' ranking is not shown for one prefecture
    assert sorted(counties["县（市、区）"]) == sorted(["沙市区", "荆州区", "公安县", "江陵县", "石首市", "洪湖市",
                                                     "松滋市", "监利市"])
    assert "荆州市" in str(at.query_params["prefecture"])  # kept in the URL
    assert "荆州市各县（市、区）排位" in markdown_text(at)


def test_the_prefecture_comes_from_the_url():
    at = open_page("county", year="2024", indicator="shared_sites", prefecture="省直辖")
    assert at.selectbox(key="pm_prefecture").value == "省直辖"
    (counties,) = [d.value for d in at.dataframe]
    assert sorted(counties["县（市、区）"]) == sorted(["仙桃市", "潜江市", "天门市", "神农架林区"])


@pytest.mark.parametrize("page", ["town", "trend", "definitions", "supervision", "reporting", "present"])
def test_other_pages_render(page):
    open_page(page, year="2024")


def test_trend_offers_the_province_its_prefectures_and_counties():
    at = open_page("trend", indicator="demo_villages", county="荆州市")
    place = at.selectbox(key="pm_place")
    assert place.value == "荆州市" and place.options[:2] == ["全省", "武汉市"] and "省直辖" in place.options
    assert "荆州区" in place.options
    assert "### 荆州市 · 示范村" in markdown_text(at)


def test_the_projector_shows_the_prefectures_matrix():
    at = open_page("present", year="2024", slide="16")
    shown = "\n".join(h.value for h in at.get("html"))
    assert "<h1>2024年各市（州）指标进度状态</h1>" in shown and "行：市（州）；列：指标" in shown
    names = load_geography(load_plan(HUBEI)).prefecture_names()
    assert all(f">{name}</td>" in shown for name in names)
    assert "全市" not in shown
    assert at.selectbox(key="pm_county").options[0] == "全省"  # the whole province's deck, as 全市 in a city's


def test_the_projector_ranks_the_prefectures_on_an_indicator_slide():
    at = open_page("present", year="2024", slide="4")
    shown = "\n".join(h.value for h in at.get("html"))
    assert "<h1>示范乡镇</h1>" in shown and "全市" not in shown
    (chart,) = at.get("plotly_chart")
    figure = json.loads(chart.proto.spec)
    assert figure["layout"]["title"]["text"] == "各市（州）完成率"
    assert sorted(figure["data"][0]["y"]) == sorted(load_geography(load_plan(HUBEI)).prefecture_names())
