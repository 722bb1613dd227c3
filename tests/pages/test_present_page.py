"""汇报模式 under AppTest, and the slide markup it renders: titles, counts and figures checked against the deck
built independently here from the bundled plan and demo data."""

from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.slide_html import CARD_SIZES, cards_font, css, render
from plan_monitor.outputs.briefing.tasks import briefing_ledger
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS, ROOT
from plan_monitor.present.format import fmt_rate
from plan_monitor.sources import open_store

APP = str(ROOT / "app.py")
PLAN_NAME = "荆州市基层党建工作提质增效三年行动计划"
RAW = re.compile(r"\b(nan|None|NaT|<NA>)\b")


@pytest.fixture(scope="module")
def demo() -> Monitor:
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


@pytest.fixture(scope="module")
def ledger(demo):
    """The demo's task ledger as the page reads it: as of the demo's last ledger day, its 数据截至."""
    return briefing_ledger(demo.plan, demo.geo, open_store(DEFAULT_DATA), date(2024, 9, 30))


@pytest.fixture(scope="module")
def city_deck(demo, ledger):
    return build_deck(demo, 2024, None, ledger)



def present(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = str(value)
    at.switch_page("app_pages/present.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest) -> str:
    return "\n".join(h.value for h in at.get("html"))


def heading(at: AppTest) -> str:
    found = re.search(r"<h1>(.*?)</h1>", shown(at))
    assert found, shown(at)[:500]
    return found.group(1)


def counter(at: AppTest) -> str:
    return re.search(r'data-testid="pm-slide-count">(\d+ / \d+)<', shown(at)).group(1)


# --- the page ---------------------------------------------------------------------------------------------

def test_title_slide_names_plan_data_date_and_demo_mark(city_deck):
    at = present()
    text = shown(at)
    assert heading(at) == PLAN_NAME
    assert "数据截至 2024年9月30日" in text
    assert "示例数据，非真实统计" in text
    assert counter(at) == f"1 / {len(city_deck.slides)}" == "1 / 19"
    assert at.query_params["slide"] == "1" and at.query_params["year"] == "2024"
    assert at.button(key="pm_prev").disabled and not at.button(key="pm_next").disabled
    assert not RAW.search(text), RAW.findall(text)


def test_the_deck_and_the_bulletin_download_from_the_bar():
    at = present(county="公安县")
    buttons = {b.label: b for b in at.get("download_button")}
    assert set(buttons) == {"PPTX", "通报"}


def test_slide_param_opens_that_slide(city_deck):
    at = present(slide=4)
    assert heading(at) == city_deck.slides[3].title == "示范乡镇"
    assert counter(at) == "4 / 19"
    assert '<span class="pm-num">4 / 19</span>' in shown(at)  # the audience's page number in the footer too


def test_next_and_prev_move_the_url(city_deck):
    at = present(slide=4)
    at.button(key="pm_next").click().run()
    assert at.query_params["slide"] == "5"
    assert heading(at) == city_deck.slides[4].title
    at.button(key="pm_prev").click().run()
    at.button(key="pm_prev").click().run()
    assert at.query_params["slide"] == "3"
    assert heading(at) == city_deck.slides[2].title


def test_last_slide_cannot_go_further():
    at = present(slide=19)
    assert at.button(key="pm_next").disabled
    at.button(key="pm_prev").click().run()
    assert at.query_params["slide"] == "18"


@pytest.mark.parametrize("raw, expected", [("999", 19), ("0", 1), ("-3", 1), ("abc", 1), ("19", 19), (" 7 ", 7)])
def test_slide_index_is_clamped(raw, expected):
    at = present(slide=raw)
    assert counter(at) == f"{expected} / 19"
    assert at.query_params["slide"] == str(expected)


def test_county_param_gives_the_county_deck(demo, ledger):
    county_deck = build_deck(demo, 2024, "公安县", ledger)
    at = present(county="公安县", slide=2)
    assert counter(at) == f"2 / {len(county_deck.slides)}"
    # no matrix, one indicator fewer (示范县 has no county level); the county's own task slide
    assert len(county_deck.slides) == 17 and county_deck.slides[15].kind == "tasks"
    assert heading(at) == county_deck.slides[1].title == "公安县2024年目标完成总体情况"


def test_choosing_a_county_starts_its_deck_from_the_title(demo, ledger):
    at = present(slide=10)
    at.selectbox(key="pm_county").select("江陵县").run()
    assert at.query_params["county"] == "江陵县"
    assert at.query_params["slide"] == "1"
    assert counter(at) == f"1 / {len(build_deck(demo, 2024, '江陵县', ledger).slides)}"
    assert "江陵县 · 2024年" in shown(at)
    at.selectbox(key="pm_county").select_index(0).run()  # 全市
    assert "county" not in at.query_params
    assert counter(at) == "1 / 19"


def test_year_and_theme_are_kept_in_the_url():
    at = present(slide=3)
    at.selectbox(key="pm_year_present").select(2023).run()
    assert at.query_params["year"] == "2023" and at.query_params["slide"] == "1"
    assert "数据截至 2023年12月31日" in shown(at)
    at = present(theme="dark", year=2023, slide=2)
    assert at.query_params["theme"] == "dark"
    assert at.segmented_control(key="pm_theme").value == "dark"
    assert "数据截至 2023年12月31日" in shown(at)


def test_unknown_params_fall_back_to_defaults():
    at = present(year=1999, county="不存在县", theme="neon", auto="7")
    assert at.query_params["year"] == "2024" and at.query_params["theme"] == "light"
    assert "county" not in at.query_params and "auto" not in at.query_params
    assert counter(at) == "1 / 19"


def test_speaker_notes_follow_the_slide(city_deck):
    from plan_monitor.outputs.briefing.bulletin import slide_notes

    notes = slide_notes(city_deck)
    at = present(slide=4)
    assert notes[3] not in "\n".join(m.value for m in at.markdown)
    assert "height: calc(100vh - 50px) !important" in shown(at)
    at.checkbox(key="pm_show_notes").check().run()
    # open at once, in a panel of its own between the slide and the bar (no expander to find and open)
    assert not at.expander
    assert notes[3] in "\n".join(m.value for m in at.markdown)
    assert "讲稿（情况通报）" in shown(at)
    assert "height: calc(100vh - 50px - clamp(150px, 28vh, 320px)) !important" in shown(at)  # the slide shrinks
    at.button(key="pm_next").click().run()
    assert notes[4] in "\n".join(m.value for m in at.markdown)
    at.checkbox(key="pm_show_notes").uncheck().run()
    assert notes[4] not in "\n".join(m.value for m in at.markdown)


# --- the slide markup -------------------------------------------------------------------------------------

@pytest.mark.parametrize("county", [None, "公安县", "荆州经济技术开发区"])
def test_every_slide_renders_with_footer_and_no_raw_missing(demo, ledger, county):
    deck = build_deck(demo, 2024, county, ledger)
    assert deck.slides[-2].kind == "tasks"
    for i, slide in enumerate(deck.slides):
        view = render(deck, i, "dark")
        text = view.head + view.body + view.foot
        assert slide.title in text if slide.kind != "title" else PLAN_NAME in view.body
        assert "数据截至 2024年9月30日" in view.foot and "示例数据，非真实统计" in view.foot
        assert f"{i + 1} / {len(deck.slides)}" in view.foot
        assert not RAW.search(text), (slide.kind, RAW.findall(text))
        assert (view.figure is not None) == (slide.kind == "indicator" and len(slide.rows) > 1
                                             and not slide.no_chart)
        if slide.no_chart:  # a text slide: the sentence and 数据截至 where the chart would be
            assert f'<div class="pm-msg">{slide.no_chart}</div>' in view.body and deck.as_of_text in view.body


def test_overall_tiles_show_each_indicator_figure(city_deck):
    view = render(city_deck, 1)
    assert view.body.count('class="pm-tile"') == 13
    assert "255个" in view.body and "2,089人" in view.body and "61.5%" in view.body


def test_indicator_slide_names_the_counties_behind_and_charts_completion(city_deck):
    i = next(i for i, s in enumerate(city_deck.slides) if s.indicator_id == "village_income_20w")
    view = render(city_deck, i)
    rows = city_deck.slides[i].rows
    far = rows.loc[(rows["level"] == "county") & (rows["status"] == "far_behind")].sort_values("completion")
    assert list(far["county"]) == ["江陵县", "公安县", "监利市", "洪湖市"]
    assert "江陵县、公安县、监利市、洪湖市" in view.body
    bars, marks = view.figure.data
    assert list(bars.y)[-1] == "荆州经济技术开发区" and list(bars.y)[0] == "江陵县"  # best on top
    assert bars.text[0] == fmt_rate(far["completion"].iloc[0]) == "57.3%"
    # share target 70%: time progress is expected ÷ target, the same line for every county
    assert marks.name == "时序进度" and all(abs(x - 67.486339 / 0.7) < 0.01 for x in marks.x)


def test_matrix_covers_every_county_level_indicator(city_deck):
    """With the demo plan's monitoring splits every one of the twelve county-level indicators has county statuses."""
    view = render(city_deck, 15)
    assert city_deck.slides[15].kind == "matrix"
    assert view.body.count("<tr>") == 1 + 9  # header and nine counties
    assert view.body.count("<th>") == 12 and "未分解到县（市、区），不列入" not in view.body
    matrix = city_deck.slides[15].rows
    assert view.body.count(">严重滞后</td>") == int((matrix == "far_behind").sum().sum()) == 45  # = 红牌
    assert view.body.count(">已完成</td>") == int((matrix == "met").sum().sum()) > 0


def test_cards_slide_lists_every_card_with_its_county(city_deck):
    slide = city_deck.slides[16]
    view = render(city_deck, 16)
    # the demo plan's monitoring splits bring the seven count indicators in: 18 + 27 red, 13 + 5 yellow cards
    assert "红牌 45 张" in view.body and "黄牌 18 张" in view.body
    assert view.body.count('class="pm-chip"') == 63 + 2
    assert "江陵县 57.3%" in view.body and "荆州经济技术开发区 93.8%" in view.body
    assert len(slide.rows) == 63


def test_cards_font_shrinks_as_the_list_grows():
    small = [("村集体经济收入过20万元的村占比", ["江陵县 57.3%"] * 3)]
    many = [(f"指标{i}名称较长的一项指标", ["荆州经济技术开发区 93.8%"] * 12) for i in range(8)]
    assert cards_font(small) == CARD_SIZES[0]
    assert cards_font(many) < cards_font(small)
    assert cards_font(many * 5) == CARD_SIZES[-1]


def test_dark_theme_changes_the_colours():
    assert "--bg:#0e1117" in css("dark") and "--bg:#ffffff" in css("light")


def test_task_slide_shows_the_ledger_and_the_open_supervision_items(city_deck, ledger):
    """Slide 18 on the page: the demo ledger's groups as Ledger.counts() has them, the most urgent items, and the
    open 督办 items as of the ledger's day (2024-09-30)."""
    at = present(slide=18)
    assert heading(at) == city_deck.slides[17].title == "荆州市重点任务推进和督办情况"
    text = shown(at)
    assert "19 项任务、9 个填报单位、164 项责任事项 · 台账截至 2024年9月30日" in text
    assert ledger.counts() == {"closed": 33, "ongoing": 102, "behind": 29}
    for group, n in ledger.counts().items():
        assert f'data-group="{group}" ' in text and f'<span class="pm-n">{n}</span>' in text
    assert "其中逾期 7 个" in text and "督办事项未销号 49 项" in text
    assert "实施“思想淬炼”工程" in text and "公安县、江陵县、石首市 · 逾期未报1期" in text
    assert "…… 等 14 项（另 8 项见任务台账）" in text
    assert not RAW.search(text), RAW.findall(text)
