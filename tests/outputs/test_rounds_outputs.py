"""The round note and the 沿用 marks in every output: Excel, slides (汇报模式), PPTX deck data and the 情况通报."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from early_round import EARLY_COUNTY, OTHERS, early_upload

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.bulletin import bulletin
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.slide_html import render
from plan_monitor.outputs.export_table import county_export, export_note, scorecard_export
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.present.views import county_ranking

MARK = "沿用 9月30日 数据"
NOTE = ("1/9 县已报送 2024年12月31日 一轮数据，沙市区、公安县、江陵县、石首市、洪湖市、松滋市等未报送，"
        "沿用本年此前数据（标“沿用”），荆州区未报齐")


@pytest.fixture(scope="module")
def carried(tmp_path_factory):
    return Monitor.build(DEFAULT_TARGETS, early_upload(tmp_path_factory.mktemp("outputs") / "data"), date(2024, 12, 31))


def test_excel_exports_carry_the_note_and_a_沿用_column(carried):
    assert export_note(carried.card, 2024) == f"数据截至 2024年12月31日；示例数据，非真实统计；{NOTE}"
    ranking = county_ranking(carried, 2024, "village_income_20w")
    frame = county_export(ranking, "%").frame
    assert dict(zip(frame["县（市、区）"], frame["沿用"])) == {**{c: MARK for c in OTHERS}, EARLY_COUNTY: None}
    book = openpyxl.load_workbook(io.BytesIO(county_export(ranking, "%").xlsx("各县排位", export_note(carried.card, 2024))))
    texts = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(NOTE in t for t in texts) and texts.count(MARK) == 8
    whole = scorecard_export(carried.card.select(year=2024, level="county", indicator_id="village_income_20w")).frame
    assert list(whole["沿用"]) == [None if c == EARLY_COUNTY else MARK for c in whole["县（市、区）"]]


def test_demo_exports_are_unchanged():
    demo = Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)
    assert export_note(demo.card, 2024) == "数据截至 2024年9月30日；示例数据，非真实统计"
    assert "沿用" not in scorecard_export(demo.card.select(year=2024)).frame
    assert build_deck(demo, 2024).footer.startswith("数据截至 2024年9月30日 · 数据来源")


def test_slides_pptx_footer_and_bulletin_carry_the_round(carried):
    deck = build_deck(carried, 2024)
    assert deck.round_note == NOTE
    assert deck.footer.startswith("数据截至 2024年12月31日（1/9 县已报送本轮，其余沿用此前数据） · 数据来源")
    assert NOTE in deck.slides[0].bullets
    view = render(deck, 1)
    assert "1/9 县已报送本轮，其余沿用此前数据" in view.foot
    slide = next(s for s in deck.slides if s.indicator_id == "village_income_20w")
    counties = list(slide.rows["county"].iloc[1:])
    assert sorted(counties) == sorted([f"{c}（{MARK}）" for c in OTHERS] + [EARLY_COUNTY])
    cards = next(s for s in deck.slides if s.kind == "cards").rows
    assert set(cards.loc[cards["responsible"].str.startswith("公安县"), "responsible"]) == {f"公安县（{MARK}）"}
    b = bulletin(deck)
    assert b.date_line == f"（数据截至2024年12月31日；{NOTE}；示例数据，非真实统计）"
    assert b.source.startswith(f"数据截至2024年12月31日。{NOTE}。数据来源")


def test_the_deck_matrix_names_the_counties_that_carry(carried):
    deck = build_deck(carried, 2024)
    (matrix,) = [s for s in deck.slides if s.kind == "matrix"]
    assert matrix.subtitle == ("行：县（市、区）；列：指标；" + "、".join(
        ["沙市区", EARLY_COUNTY, *OTHERS[1:]]) + " 沿用此前数据")
    assert list(matrix.rows.index) == ["沙市区", EARLY_COUNTY, *OTHERS[1:]]  # the table keeps the plain names
