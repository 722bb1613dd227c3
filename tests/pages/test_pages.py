"""Dashboard pages under streamlit.testing.v1.AppTest: every page shows the figures the view functions compute.

Expected figures are computed independently here with Monitor.build + the scorecard rows and the views
helpers; the pages must render exactly those strings.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape

import pytest
from page_runner import open_page as run_page
from page_runner import overview_cards
from streamlit.testing.v1 import AppTest

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS, QUERIES_DIR, ROOT
from plan_monitor.present.format import fmt_date, fmt_rate, fmt_value
from plan_monitor.present.views import county_ranking, reverse_schedule, town_table, village_list

APP = str(ROOT / "app.py")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo() -> Monitor:
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)



def open_page(page: str, **query) -> AppTest:
    at = run_page(page, **query)
    assert_no_raw_missing(at)
    return at


def assert_no_raw_missing(at: AppTest) -> None:
    """No figure, caption or table cell shows a bare nan / None / NaT to the reader."""
    raw = re.compile(r"\b(nan|None|NaT|<NA>)\b")
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    texts += [f"{m.value} {m.delta or ''}" for m in at.metric]
    for frame in at.dataframe:  # empty cells of numeric columns are fine; formatted text must not say nan
        texts += [v for v in frame.value.to_numpy().ravel() if isinstance(v, str)]
    shown = [t for t in texts if raw.search(t)]
    assert not shown, shown


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def city_values(m: Monitor, year: int) -> list[str]:
    """The overview's card figures, in plan order, from the scorecard's city rows."""
    rows = m.card.select(year=year, level="city").set_index("indicator_id")
    return [fmt_value(rows.at[i.id, "actual"], i.unit, i.kind) for i in m.plan.indicators]


def metric_values(at: AppTest) -> list[str]:
    """The 实际 figure of each overview card, in card order."""
    return [card["value"] for card in overview_cards(at)[0]]


# ---------------------------------------------------------------- 总览


def test_overview_shows_one_card_per_indicator_with_the_city_figures(demo):
    at = open_page("overview")
    year = demo.latest_year()
    assert year == 2024
    assert at.sidebar.selectbox(key="pm_year").value == year
    assert len(demo.plan.indicators) == 13
    assert metric_values(at) == city_values(demo, year)
    # the card titles are the plan's indicators, in plan order
    assert card_titles(at) == [i.name for i in demo.plan.indicators]


def test_overview_completion_chart_is_html_with_the_city_figures(demo):
    """The 完成率 chart is drawn in HTML (no Plotly on the first page): one bar per indicator with its value label,
    for the year chosen."""
    at = open_page("overview")
    assert not at.get("plotly_chart")
    charts = [m.value for m in at.markdown if 'data-testid="pm-completion-bars"' in m.value]
    assert len(charts) == 1
    city = demo.card.select(year=2024, level="city")
    assert charts[0].count('class="pm-bars-name"') == 13
    for name, completion in zip(city["indicator"], city["completion"]):
        assert f">{escape(name)}</div>" in charts[0]
        assert (f">{completion * 100:.1f}%</span>" if completion == completion else ">—</span>") in charts[0]
    at.sidebar.selectbox(key="pm_year").set_value(2023).run()
    chart = next(m.value for m in at.markdown if 'data-testid="pm-completion-bars"' in m.value)
    assert chart != charts[0] and chart.count('class="pm-bars-name"') == 13


def test_overview_header_names_the_plan_the_report_date_and_the_demo_mark(demo):
    at = open_page("overview")
    text = markdown_text(at)
    assert demo.plan.plan.name in text
    assert "数据截至 2024年9月30日" in text
    assert fmt_date(demo.card.data_as_of(2024)) == "2024年9月30日"
    assert "示例数据" in text


def test_overview_year_selector_switches_to_that_years_figures(demo):
    at = open_page("overview")
    before = metric_values(at)
    at.sidebar.selectbox(key="pm_year").set_value(2023).run()
    assert not at.exception
    after = metric_values(at)
    assert after == city_values(demo, 2023)
    assert after != before
    assert at.query_params["year"] == "2023"
    assert "2023年 · 数据截至 2023年12月31日" in markdown_text(at)


def test_overview_year_from_url(demo):
    at = open_page("overview", year="2022")
    assert at.sidebar.selectbox(key="pm_year").value == 2022
    assert metric_values(at) == city_values(demo, 2022)


def test_overview_attention_list_holds_only_lagging_rows(demo):
    at = open_page("overview")
    assert len(at.dataframe) == 1
    table = at.dataframe[0].value
    assert len(table) > 0
    assert set(table["状态"]) <= {"滞后", "严重滞后"}
    # worst first: every 严重滞后 row comes before every 滞后 row
    states = list(table["状态"])
    assert states == sorted(states, key=lambda s: s != "严重滞后")
    rows = demo.card.select(year=2024)
    lagging = rows[rows["level"].isin(["city", "county"]) & rows["status"].isin(["behind", "far_behind"])]
    assert len(table) == len(lagging)
    assert set(zip(table["指标"], table["地区"])) == set(zip(lagging["indicator"], lagging["county"].fillna("全市")))


def test_overview_earlier_report_date(demo):
    """统计截至 2024-06-30 shows the figures as they stood at that report."""
    at = open_page("overview")
    picker = at.sidebar.selectbox(key="pm_asof")
    # every round of the year with how many counties sent it, the newest complete one chosen
    assert picker.options == ["2024-09-30（9/9 县已报送）", "2024-06-30（9/9 县已报送）"]
    assert picker.value == "2024-09-30"
    picker.set_value("2024-06-30").run()
    assert not at.exception
    earlier = Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA, date(2024, 6, 30))
    assert metric_values(at) == city_values(earlier, 2024)
    assert metric_values(at) != city_values(demo, 2024)
    assert "数据截至 2024年6月30日" in markdown_text(at)
    assert at.query_params["asof"] == "2024-06-30"


# ---------------------------------------------------------------- 分县


def test_county_ranking_order_and_completion(demo):
    at = open_page("county", indicator="village_income_20w")
    assert at.selectbox(key="pm_indicator").value == "village_income_20w"
    expected = county_ranking(demo, 2024, "village_income_20w")
    table = at.dataframe[0].value
    assert list(table["县（市、区）"]) == list(expected["county"])
    assert list(table["排位"]) == list(range(1, len(expected) + 1))
    assert list(table["完成率"]) == [fmt_rate(v) for v in expected["completion"]]
    assert list(table["实际"]) == [fmt_value(v, "%", "share") for v in expected["actual"]]
    assert "村集体经济收入过20万元的村占比：各县（市、区）排位" in markdown_text(at)


def test_county_indicator_selectbox(demo):
    at = open_page("county")
    at.selectbox(key="pm_indicator").set_value("village_income_20w").run()
    assert not at.exception
    assert at.query_params["indicator"] == "village_income_20w"
    expected = county_ranking(demo, 2024, "village_income_20w")
    assert list(at.dataframe[0].value["县（市、区）"]) == list(expected["county"])


def test_county_split_targets_are_labelled(demo):
    at = open_page("county", indicator="demo_villages")
    expected = county_ranking(demo, 2024, "demo_villages")
    assert dict(zip(expected["county"], expected["target"])) == {
        "公安县": 47, "松滋市": 46, "江陵县": 25, "沙市区": 12, "洪湖市": 43, "监利市": 62, "石首市": 35, "荆州区": 26,
        "荆州经济技术开发区": 4}
    assert any("测算分解（非正式下达）（按基期村数）" in c.value and "不是计划正式下达的任务分解" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert set(table["目标来源"]) == {"测算分解（非正式下达）"}
    assert list(table["目标"]) == [fmt_value(v, "个") for v in expected["target"]]


def test_county_count_without_quotas_says_the_plan_is_not_split(unsplit_targets, monkeypatch):
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(unsplit_targets))
    demo = Monitor.build(unsplit_targets, DEFAULT_DATA)
    at = open_page("county", indicator="demo_towns")
    expected = county_ranking(demo, 2024, "demo_towns")
    assert expected["target"].isna().all()
    assert set(expected["target_note_label"]) == {"计划未分解到本级"}
    assert any("计划未分解到本级" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert set(table["目标"]) == {"计划未分解到本级"}
    assert set(table["完成率"]) == {"—"}
    # without targets, counties are ranked by the figure itself
    assert list(table["县（市、区）"]) == list(expected["county"])
    assert list(table["实际"]) == [fmt_value(v, "个") for v in expected["actual"]]


# ---------------------------------------------------------------- 分乡镇


def test_town_village_list_and_counts(demo):
    at = open_page("town", county="公安县", indicator="village_income_20w", town="埠河镇")
    assert at.selectbox(key="pm_county").value == "公安县"
    assert at.selectbox(key="pm_town").value == "埠河镇"
    expected = village_list(demo, 2024, "village_income_20w", "公安县", "埠河镇")
    assert len(expected) > 0
    table = at.dataframe[0].value
    assert sorted(table["村（社区）"]) == sorted(expected["village"])
    assert len(table) == len(expected)
    met = int(expected["meets"].sum())
    assert 0 < met < len(expected)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"已计入目标": f"{met}个", "尚未计入": f"{len(expected) - met}个"}
    counted = dict(zip(table["村（社区）"], table["是否计入"]))
    assert counted == {v: "✔ 计入" if ok else "✘ 未计入" for v, ok in zip(expected["village"], expected["meets"])}
    # the town table and chart have their own buttons (tests/test_xlsx_export.py): one is for the villages
    buttons = [b for b in at.get("download_button") if "下载名单" in b.proto.label]
    assert len(buttons) == 1


def test_a_village_with_a_blank_income_is_unreported_in_the_town_list(tmp_path, monkeypatch):
    """Missing is not zero down to the village list: a 村 whose income cell is blank is 未填报, neither counted
    nor failing, as the measure leaves it out of both."""
    import csv
    import shutil

    data = tmp_path / "demo"
    shutil.copytree(DEFAULT_DATA, data)
    path = data / "village_2024-09-30.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    head = rows[0]
    at_town = [r for r in rows[1:] if r[head.index("县（市、区）")] == "公安县" and r[head.index("乡镇（街道）")] == "埠河镇"
               and r[head.index("类型")] == "村"]
    blanked = at_town[0][head.index("村（社区）")]
    at_town[0][head.index("村集体经济收入（万元）")] = ""
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(data))
    at = open_page("town", county="公安县", indicator="village_income_20w", town="埠河镇")
    counted = dict(zip(at.dataframe[0].value["村（社区）"], at.dataframe[0].value["是否计入"]))
    assert counted[blanked] == "未填报"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["未填报"] == "1个"
    assert sum(int(v.rstrip("个")) for v in metrics.values()) == len(counted)


def test_town_picker_offers_only_town_level_indicators(demo):
    """示范乡镇 is not reported per town: the picker falls back to the first town-level indicator."""
    at = open_page("town", county="公安县", indicator="demo_towns")
    picker = at.selectbox(key="pm_indicator")
    assert picker.options == [i.name for i in demo.plan.indicators if "town" in i.levels]
    assert picker.value == "demo_villages"
    assert at.query_params["indicator"] == "demo_villages"


def crumbs(at: AppTest) -> list[tuple[str, str, dict]]:
    """The breadcrumb's links (label, page, URL parameters), once each, in order."""
    from urllib.parse import parse_qsl

    links = [(e.proto.label, e.proto.page, tuple(parse_qsl(e.proto.query_string))) for e in at.get("page_link")]
    return [(label, page, dict(params)) for label, page, params in dict.fromkeys(links)]


def test_town_breadcrumb_goes_back_up_keeping_year_round_and_indicator(demo):
    view = {"year": "2024", "asof": "2024-06-30", "indicator": "village_income_20w"}
    at = open_page("town", county="江陵县", town="郝穴镇", **view)
    assert crumbs(at) == [("全市", "county", view), ("江陵县", "town", {**view, "county": "江陵县"})]
    assert "**郝穴镇**" in [m.value for m in at.markdown]  # where the reader is: the last level, not a link
    assert any("郝穴镇 · 村集体经济收入过20万元的村占比：村（社区）名单" in m.value for m in at.markdown)
    # up to the county: its towns, no town picked, no village list; the round and indicator kept
    at.query_params.pop("town")
    at.run()
    assert not at.exception
    assert at.selectbox(key="pm_town").value is None
    assert not at.dataframe and not at.metric
    assert "town" not in at.query_params
    assert at.sidebar.selectbox(key="pm_asof").value == "2024-06-30"
    assert crumbs(at) == [("全市", "county", view)]
    assert "**江陵县**" in [m.value for m in at.markdown]
    # up to 全市: the counties' ranking for the same indicator, as of the same round
    city = open_page("county", **view)
    assert city.selectbox(key="pm_indicator").value == "village_income_20w"
    assert city.sidebar.selectbox(key="pm_asof").value == "2024-06-30"
    assert crumbs(city) == [] and "**全市**" in [m.value for m in city.markdown]


def test_town_page_without_a_town_waits_for_a_click(demo):
    at = open_page("town", county="江陵县", indicator="village_income_20w")
    assert at.selectbox(key="pm_town").value is None
    assert at.selectbox(key="pm_town").options == list(town_table(demo, 2024, "village_income_20w", "江陵县")["town"])
    assert not at.dataframe and not at.metric
    at.selectbox(key="pm_town").set_value("郝穴镇").run()
    assert at.query_params["town"] == "郝穴镇"
    assert len(at.dataframe) == 1


# ---------------------------------------------------------------- 年度趋势


def test_trend_pace_and_reverse_schedule(demo):
    at = open_page("trend", indicator="village_income_20w")
    assert at.selectbox(key="pm_place").value == "全市"
    city = demo.card.select(level="city", indicator_id="village_income_20w", include_baseline=True)
    pace = city.dropna(subset=["actual"]).iloc[-1]["pace_label"]
    assert isinstance(pace, str) and pace
    assert f"走势判断：{pace}" in markdown_text(at)
    assert "倒排工期：2024年各县（市、区）还需完成" in markdown_text(at)
    plan = reverse_schedule(demo, 2024, "village_income_20w").set_index("county")
    table = at.dataframe[0].value.set_index("县（市、区）")
    assert list(table.index) == list(plan.index)
    assert table.at["公安县", "当年还需"] == f"{plan.at['公安县', 'to_year']:,.0f}个村"
    assert table.at["公安县", "期末还需"] == f"{plan.at['公安县', 'to_final']:,.0f}个村"


def test_trend_count_without_county_quotas_explains_why_there_is_no_schedule(unsplit_targets, monkeypatch):
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(unsplit_targets))
    at = open_page("trend", indicator="demo_towns")
    assert not at.dataframe
    (info,) = [i.value for i in at.info if "目标未分解到县（市、区）" in i.value]
    assert "quotas" not in info and "targets.yaml" not in info and "任务分解或测算分解" in info


def test_trend_schedule_of_a_split_says_so():
    at = open_page("trend", indicator="demo_villages")
    assert at.dataframe
    assert any("各县（市、区）目标为测算分解（非正式下达）" in c.value for c in at.caption)


def test_trend_city_only_indicator_has_no_county_schedule(demo):
    """示范县 is counted for the city only: no per-county 倒排工期 section at all."""
    at = open_page("trend", indicator="demo_counties")
    assert at.selectbox(key="pm_place").options == ["全市"]
    assert "倒排工期" not in markdown_text(at)
    assert not at.dataframe


# ---------------------------------------------------------------- 指标口径


def test_definitions_one_expander_per_indicator_with_its_sql_behind_a_technical_expander(demo):
    at = open_page("definitions")
    indicators = demo.plan.indicators
    outer = [e for e in at.expander if e.label != "查询语句（技术人员参考）"]
    assert len(outer) == len(indicators)
    for expander, ind in zip(outer, indicators):
        assert expander.label == f"{ind.name}（{ind.unit}）"
        inner = expander.expander
        assert [e.label for e in inner] == ["查询语句（技术人员参考）"]
        assert len(expander.code) == 1 and len(inner[0].code) == 1  # the SQL is only behind the technical expander
        sql = (QUERIES_DIR / "measures" / f"{ind.query}.sql").read_text(encoding="utf-8")
        assert inner[0].code[0].value.strip() == sql.strip()  # st.code drops the trailing newline
        assert inner[0].code[0].language == "sql"


def test_definitions_name_the_parameters_in_words(demo):
    text = markdown_text(open_page("definitions"))
    assert "**统计条件**：类型：村；口径：年末存量" in text  # demo_villages: {unit_type: 村, flow: false}
    assert "范围：街道；口径：当年新增" in text  # demo_streets: {subdistrict: true, flow: true}
    assert "收入标准：20 万元" in text
    for word in ("unit_type", "flow", "threshold_wan", "False", "True", "参数："):
        assert word not in text


# ---------------------------------------------------------------- a small fixture city

VILLAGE_HEADER = "年度,统计截至,县（市、区）,乡镇（街道）,村（社区）,类型,是否示范村（社区）,示范命名年度,村集体经济收入（万元）,后备干部人数,其中30岁以下后备干部人数"
VILLAGES_2022 = """\
2022,2022-12-31,公安县,埠河镇,杨铺村,村,是,2022,25.0,2,1
2022,2022-12-31,公安县,埠河镇,谭湾村,村,否,,15.0,2,0
2022,2022-12-31,公安县,埠河镇,侯洲村,村,是,2022,30.0,1,1
2022,2022-12-31,沙市区,锣场镇,熊港村,村,否,,22.0,1,1
2022,2022-12-31,沙市区,锣场镇,钟岭村,村,是,2022,10.0,3,1
"""
VILLAGES_2023 = """\
2023,2023-12-31,公安县,埠河镇,杨铺村,村,是,2022,26.0,2,1
2023,2023-12-31,公安县,埠河镇,谭湾村,村,是,2023,21.0,2,1
2023,2023-12-31,公安县,埠河镇,侯洲村,村,是,2022,31.0,1,1
2023,2023-12-31,沙市区,锣场镇,熊港村,村,否,,23.0,1,1
2023,2023-12-31,沙市区,锣场镇,钟岭村,村,是,2022,12.0,3,0
"""


@pytest.fixture
def small_city(tmp_path, monkeypatch):
    """Two counties, five villages, village reports for 2022 and 2023 only, no DEMO mark."""
    folder = tmp_path / "small"
    folder.mkdir()
    (folder / "village_2022.csv").write_text(VILLAGE_HEADER + "\n" + VILLAGES_2022, encoding="utf-8")
    (folder / "village_2023.csv").write_text(VILLAGE_HEADER + "\n" + VILLAGES_2023, encoding="utf-8")
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(folder))
    return folder


def card_value(at: AppTest, name: str) -> str:
    """The 实际 figure of the overview card titled `name`."""
    return metric_values(at)[card_titles(at).index(name)]


def card_titles(at: AppTest) -> list[str]:
    return [card["title"] for card in overview_cards(at)[0]]


def test_small_city_overview_shows_its_own_figures(small_city):
    at = open_page("overview")
    assert at.sidebar.selectbox(key="pm_year").value == 2023  # the latest year with data
    # by hand: 2023 has four 村 named 示范 since 2022 (杨铺、谭湾、侯洲、钟岭); four of five 村 at 20万元 or more
    assert card_value(at, "示范村") == "4个"
    assert card_value(at, "村集体经济收入过20万元的村占比") == "80.0%"
    assert card_value(at, "未配备30岁以下后备干部的村") == "1个"  # 钟岭村
    # an indicator with no data this year reads "—", not "nan", and is not coloured as lagging (a grey pill)
    pills = {card["title"]: (card["pill_status"], card["pill"]) for card in overview_cards(at)[0]}
    assert metric_values(at)[card_titles(at).index("示范县（市、区）")] == "—"
    assert pills["示范县（市、区）"] == ("none", "—")
    assert pills["村集体经济收入过20万元的村占比"] == ("met", "已完成")
    text = markdown_text(at)
    assert "示例数据" not in text
    assert "数据截至 2023年12月31日" in text
    m = Monitor.build(DEFAULT_TARGETS, small_city)
    assert not m.card.is_demo
    assert metric_values(at) == city_values(m, 2023)


def test_small_city_earlier_year(small_city):
    at = open_page("overview", year="2022")
    assert card_value(at, "示范村") == "3个"
    assert card_value(at, "村集体经济收入过20万元的村占比") == "60.0%"


def test_small_city_year_without_data_says_so(small_city):
    at = open_page("overview", year="2024")
    assert at.sidebar.selectbox(key="pm_year").value == 2024
    assert [i.value for i in at.info] == ["2024年尚无报送数据。"]
    assert set(metric_values(at)) == {"—"}
    assert "示例数据" not in markdown_text(at)


@pytest.mark.parametrize("page", ["county", "town", "trend", "definitions"])
def test_small_city_other_pages_run_for_a_year_without_data(small_city, page):
    at = open_page(page, year="2024", indicator="village_income_20w", county="公安县")
    if page in ("county", "town"):
        assert any("2024年" in i.value and "尚无" in i.value for i in at.info)


def test_small_city_town_page(small_city):
    at = open_page("town", county="公安县", indicator="village_income_20w", town="埠河镇")
    table = at.dataframe[0].value
    assert sorted(table["村（社区）"]) == sorted(["杨铺村", "谭湾村", "侯洲村"])
    assert {m.label: m.value for m in at.metric} == {"已计入目标": "3个", "尚未计入": "0个"}


# ---------------------------------------------------------------- a broken plan


@pytest.mark.parametrize("page", ["overview", "county", "town", "trend", "definitions"])
def test_broken_plan_shows_a_chinese_error(tmp_path, monkeypatch, page):
    bad = tmp_path / "targets.yaml"
    bad.write_text("plan: {name: 坏的计划\nindicators: [\n", encoding="utf-8")
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(bad))
    at = open_page(page)
    assert len(at.error) == 1
    assert CJK.search(at.error[0].value)
    assert "YAML 语法错误" in at.error[0].value
    assert not at.metric and not at.dataframe


def test_invalid_plan_shows_a_chinese_error(tmp_path, monkeypatch):
    bad = tmp_path / "targets.yaml"
    bad.write_text("version: 1\nplan: {id: x}\nindicators: []\n", encoding="utf-8")
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(bad))
    at = open_page("overview")
    assert len(at.error) == 1 and CJK.search(at.error[0].value)


def test_missing_data_folder_shows_a_chinese_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(tmp_path / "nowhere"))
    at = open_page("overview")
    assert len(at.error) == 1
    assert "数据目录" in at.error[0].value and "不存在" in at.error[0].value
