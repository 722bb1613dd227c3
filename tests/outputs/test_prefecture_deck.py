"""The briefing of a province's plan (examples/hubei.yaml, 湖北省, with its demo data generated here) speaks at the
prefecture (市（州）) level: its indicator slides rank the prefectures, its matrix is 市（州） × 指标, its 红黄牌 name
prefectures, and every text names the region 全省 where a city's says 全市. A city's deck (荆州市) keeps its counties
and its wording."""

from __future__ import annotations

import io

import pytest
from docx import Document
from pptx import Presentation

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.bulletin import bulletin, slide_notes
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.docx_export import bulletin_docx
from plan_monitor.outputs.briefing.pptx_export import deck_pptx
from plan_monitor.outputs.briefing.slide_html import render
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS, ROOT
from plan_monitor.sources.demo import generate
from plan_monitor.spec.plan import load_plan

HUBEI = ROOT / "examples" / "hubei.yaml"
YEAR = 2024


@pytest.fixture(scope="module")
def hubei_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hubei") / "data"
    generate(load_plan(HUBEI), folder, scale="provincial")
    return folder


@pytest.fixture(scope="module")
def hubei(hubei_data) -> Monitor:
    return Monitor.build(HUBEI, hubei_data)


@pytest.fixture(scope="module")
def deck(hubei):
    return build_deck(hubei, YEAR)


@pytest.fixture(scope="module")
def prefectures(hubei) -> list[str]:
    names = hubei.geo.prefecture_names()
    assert len(names) == 14 and names[-1] == "省直辖"  # 12 地级市, 恩施州 and the four 省直辖 county-level units
    return names


def slides_of(deck, kind):
    return [s for s in deck.slides if s.kind == kind]


def pptx_texts(deck) -> list[str]:
    prs = Presentation(io.BytesIO(deck_pptx(deck, slide_notes(deck))))
    texts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart:
                texts.append(shape.chart.chart_title.text_frame.text)
                texts += [str(c) for c in shape.chart.plots[0].categories]
        texts.append(slide.notes_slide.notes_text_frame.text)
    return texts


def docx_texts(deck) -> list[str]:
    doc = Document(io.BytesIO(bulletin_docx(deck)))
    return [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]


def test_the_deck_names_the_province_and_its_prefectures(deck):
    assert (deck.region_word, deck.below, deck.part_level, deck.subject) == ("全省", "市（州）", "prefecture", "全省")


def test_the_matrix_is_prefecture_by_indicator(deck, prefectures):
    (matrix,) = slides_of(deck, "matrix")
    assert matrix.title == f"{YEAR}年各市（州）指标进度状态"
    assert matrix.subtitle.startswith("行：市（州）；列：指标")
    assert list(matrix.rows.index) == prefectures
    assert matrix.part_level == "prefecture" and matrix.below == "市（州）"


def test_indicator_slides_rank_the_prefectures(hubei, deck, prefectures):
    slides = slides_of(deck, "indicator")
    assert len(slides) == len(hubei.plan.indicators) == 13  # every indicator has the prefecture level
    for s in slides:
        assert s.rows["level"].iloc[0] == "city"
        parts = s.rows.iloc[1:]
        assert set(parts["level"]) == {"prefecture"}, s.title
        assert sorted(parts["county"]) == sorted(prefectures), s.title
        assert list(parts["rank"]) == list(range(1, 15))
        assert s.below == "市（州）"


def test_the_cards_name_prefectures(deck, prefectures):
    (cards,) = slides_of(deck, "cards")
    assert len(cards.rows) and set(cards.rows["level"]) == {"prefecture"}
    assert set(cards.rows["responsible"]) <= set(prefectures)
    assert cards.subtitle == f"{len(cards.rows)} 项"


def test_no_slide_or_page_says_the_city(deck, prefectures):
    """全市 nowhere: not on the projector, in the PPTX (slides, charts, tables, notes) or the .docx."""
    html = [render(deck, i) for i in range(len(deck.slides))]
    shown = "\n".join(v.head + v.body + v.foot for v in html)
    figures = [v.figure for v in html if v.figure is not None]
    texts = pptx_texts(deck)
    paragraphs = docx_texts(deck)
    for text in (shown, *texts, *paragraphs, *(f.layout.title.text for f in figures)):
        assert "全市" not in text
    assert all(f.layout.title.text.startswith("各市（州）") for f in figures)
    assert all(sorted(f.data[0].y) == sorted(prefectures) for f in figures)
    matrix = next(v for v in html if v.kind == "matrix")
    assert all(f">{name}</td>" in matrix.body for name in prefectures)
    assert matrix.body.startswith('<div class="pm-matrix-wrap" style="--pm-k:0.714">')  # 14 rows made to fit
    assert "市（州）" in texts  # the matrix table's row header
    assert any(t.startswith("各市（州）完成") for t in texts)  # a chart's title
    assert "滞后的市（州）：" in "\n".join(texts)


def test_the_bulletin_says_the_province_and_its_prefectures(deck):
    b = bulletin(deck)
    assert "现将截至2024年9月30日全省2024年度目标任务完成情况通报如下" in b.opening
    assert all("全省" in p for p in b.paragraphs)
    assert sum("分市（州）看" in p for p in b.paragraphs) >= 10
    assert not any("分县（市、区）看" in p or "各县（市、区）完成情况" in p for p in b.paragraphs)
    assert "亮红牌的市（州）：" in b.cards_paragraph
    paragraphs = docx_texts(deck)
    assert any("全省" in p for p in paragraphs) and any("市（州）" in p for p in paragraphs)
    notes = slide_notes(deck)
    assert notes[0].startswith("下面汇报全省2024年")
    assert "下表为各市（州）各项指标的进度状态" in notes[[s.kind for s in deck.slides].index("matrix")]


def test_an_indicator_without_the_prefecture_level_ranks_the_counties(hubei_data, tmp_path, hubei):
    text = HUBEI.read_text(encoding="utf-8").replace("levels: [city, prefecture, county]", "levels: [city, county]", 1)
    plan = tmp_path / "hubei.yaml"
    plan.write_text(text, encoding="utf-8")
    m = Monitor.build(plan, hubei_data)
    changed = next(i for i in m.plan.indicators if i.levels == ["city", "county"])
    d = build_deck(m, YEAR)
    slide = next(s for s in d.slides if s.indicator_id == changed.id)
    assert slide.part_level == "county" and slide.below == "县（市、区）"
    assert set(slide.rows["level"].iloc[1:]) == {"county"} and len(slide.rows) == 1 + len(m.geo.county_names())
    figure = render(d, d.slides.index(slide)).figure
    assert figure is None or figure.layout.title.text.startswith("各县（市、区）")
    (matrix,) = slides_of(d, "matrix")
    assert changed.id not in matrix.rows.columns  # the 市（州） × 指标 matrix has no row for it to fill


def test_the_county_deck_of_a_province_stays_a_county_deck(hubei):
    d = build_deck(hubei, YEAR, "沙市区")
    assert (d.subject, d.below, d.part_level) == ("沙市区", "乡镇（街道）", "town")
    assert not slides_of(d, "matrix")
    assert {s.part_level for s in slides_of(d, "indicator")} == {"town"}


@pytest.fixture(scope="module")
def jingzhou():
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


def test_a_city_deck_keeps_its_counties_and_wording(jingzhou):
    d = build_deck(jingzhou, YEAR)
    assert (d.region_word, d.below, d.part_level, d.subject) == ("全市", "县（市、区）", "county", "全市")
    (matrix,) = slides_of(d, "matrix")
    assert matrix.title == "2024年各县（市、区）指标进度状态"
    assert matrix.subtitle.startswith("行：县（市、区）；列：指标")
    assert list(matrix.rows.index) == jingzhou.geo.county_names()
    view = render(d, d.slides.index(matrix))
    assert view.body.startswith('<div class="pm-matrix-wrap"><table')  # 9 counties at full size
    for s in slides_of(d, "indicator"):
        assert set(s.rows["level"].iloc[1:]) <= {"county"} and s.below == "县（市、区）"
    texts = pptx_texts(d)
    assert "县（市、区）" in texts and "市（州）" not in "\n".join(texts)
    b = bulletin(d)
    assert "全市" in b.opening and "全省" not in b.opening
    assert any("分县（市、区）看" in p for p in b.paragraphs)
