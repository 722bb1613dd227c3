"""测算分解 travels with the figure: where the bundled plan splits an unsplit city target for monitoring, the Excel
export and the PPTX say 测算分解（非正式下达）; where a plan gives counties nothing to compare with, the slides and
the PPTX say 目标未分解到县（市、区）, never 无."""

from __future__ import annotations

import io

import openpyxl
import pytest
from pptx import Presentation

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.pptx_export import deck_pptx
from plan_monitor.outputs.briefing.slide_html import render
from plan_monitor.outputs.export_table import scorecard_xlsx
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS

YEAR = 2024
SPLIT = "测算分解（非正式下达）"
UNSPLIT = "目标未分解到县（市、区）"


@pytest.fixture(scope="module")
def split_monitor():
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


@pytest.fixture(scope="module")
def unsplit_monitor(unsplit_targets):
    return Monitor.build(unsplit_targets, DEFAULT_DATA)


def slide_texts(prs, index: int) -> str:
    slide = prs.slides[index]
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts.extend(c.text for row in shape.table.rows for c in row.cells)
    return "\n".join(parts)


def test_excel_notes_say_which_county_targets_are_split(split_monitor):
    rows = split_monitor.card.select(year=YEAR, indicator_id="demo_villages")
    book = openpyxl.load_workbook(io.BytesIO(scorecard_xlsx(rows, None, True)))
    sheet = book.active
    header = next(r for r in sheet.iter_rows(values_only=True) if r and "说明" in r)
    col, level, county = header.index("说明"), header.index("层级"), header.index("县（市、区）")
    notes = {r[county]: r[col] for r in sheet.iter_rows(values_only=True) if r and r[level] == "县（市、区）"}
    expected = set(rows.loc[rows["level"] == "county", "county"])
    assert set(notes) == expected and len(expected) == 9
    assert all(SPLIT in (n or "") for n in notes.values()), notes
    city = [r for r in sheet.iter_rows(values_only=True) if r and r[level] == "全市"]
    assert len(city) == 1 and SPLIT not in (city[0][col] or "")  # the city target is the plan's own


def test_pptx_indicator_slides_label_split_targets(split_monitor):
    deck = build_deck(split_monitor, YEAR)
    prs = Presentation(io.BytesIO(deck_pptx(deck)))
    split_ids = {i.id for i in split_monitor.plan.indicators if i.split is not None}
    assert len(split_ids) == 7
    for index, slide in enumerate(deck.slides):
        if slide.kind != "indicator":
            continue
        text = slide_texts(prs, index)
        assert (SPLIT in text) == (slide.indicator_id in split_ids), (slide.indicator_id, text)


def test_without_a_county_target_slides_say_so_never_none(unsplit_monitor):
    deck = build_deck(unsplit_monitor, YEAR)
    prs = Presentation(io.BytesIO(deck_pptx(deck)))
    plan = unsplit_monitor.plan
    no_target = [s for s in deck.slides if s.kind == "indicator"
                 and s.rows.loc[s.rows["level"] == "county", "target"].isna().all()
                 and "county" in plan.indicator(s.indicator_id).levels]
    assert len(no_target) >= 6  # the published plan splits none of its count indicators by county
    for slide in no_target:
        index = deck.slides.index(slide)
        text = slide_texts(prs, index)
        assert UNSPLIT in text, (slide.indicator_id, text)
        assert "滞后的县（市、区）：\n无" not in text
        view = render(deck, index)
        assert UNSPLIT in view.body, slide.indicator_id
