"""The PPTX deck read from a meeting room's back row: every run of text on every slide — body, tables, chart
titles, axes, data labels, legends, footer — is 12 pt or more, slide titles larger, and nothing runs past its
frame or into the footer at that size."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.bulletin import slide_notes
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.pptx_export import deck_pptx
from plan_monitor.outputs.briefing.pptx_layout import FOOTER_TOP, LINE, text_lines
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS

SMALLEST = Pt(12)
CASES = [(2024, None), (2024, "公安县"), (2024, "监利市"), (2024, "江陵县"), (2022, None), (2023, "荆州经济技术开发区")]


@pytest.fixture(scope="module")
def monitor():
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


@pytest.fixture(scope="module", params=CASES, ids=[f"{y}-{c or '全市'}" for y, c in CASES])
def prs(request, monitor):
    deck = build_deck(monitor, *request.param)
    return Presentation(io.BytesIO(deck_pptx(deck, slide_notes(deck))))


def _size(font) -> Emu | None:
    return font.size


def test_every_run_on_every_slide_is_12_pt_or_more(prs):
    runs = 0
    for n, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            where = f"slide {n} {shape.name}"
            frames = []
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if shape.has_table:
                frames.extend(cell.text_frame for row in shape.table.rows for cell in row.cells)
            for frame in frames:
                for p in frame.paragraphs:
                    for run in p.runs:
                        if not run.text.strip():
                            continue
                        size = run.font.size or p.font.size
                        assert size is not None and size >= SMALLEST, (where, run.text, size)
                        runs += 1
            if shape.has_chart:
                chart = shape.chart
                assert chart.font.size >= SMALLEST, where
                assert chart.category_axis.tick_labels.font.size >= SMALLEST, where
                assert chart.value_axis.tick_labels.font.size >= SMALLEST, where
                for plot in chart.plots:
                    if plot.has_data_labels:
                        assert plot.data_labels.font.size >= SMALLEST, where
                if chart.has_legend:
                    assert chart.legend.font.size >= SMALLEST, where
                if chart.has_title:
                    for p in chart.chart_title.text_frame.paragraphs:
                        assert all(r.font.size >= SMALLEST for r in p.runs), where
                # and nothing in the chart's XML is set smaller (sz is in hundredths of a point)
                sizes = [int(e.get("sz")) for e in chart._chartSpace.iter(qn("a:defRPr"), qn("a:rPr"))
                         if e.get("sz") is not None]
                assert sizes and min(sizes) >= 1200, (where, sorted(set(sizes)))
        # the slide's own XML, whatever python-pptx exposes: no run or default below 12 pt
        sizes = [int(e.get("sz")) for e in slide._element.iter(qn("a:rPr"), qn("a:defRPr"), qn("a:endParaRPr"))
                 if e.get("sz") is not None]
        assert min(sizes) >= 1200, (n, sorted(set(sizes)))
        title = slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size
        assert title >= Pt(20), n  # titles larger than the body
    assert runs > 100


def _lines_height(frame, width, default: float) -> float:
    """Points the frame's paragraphs take when each wraps as CJK text wraps (text_lines), with line spacing LINE
    and each paragraph's space after."""
    total = 0.0
    for p in frame.paragraphs:
        sizes = [(r.font.size or Pt(default)).pt for r in p.runs if r.text] or [default]
        size = max(sizes)
        total += text_lines("".join(r.text for r in p.runs), width, size) * size * LINE
        total += p.space_after.pt if p.space_after is not None else 0
    return total


def test_nothing_overflows_its_frame_or_reaches_the_footer(prs):
    for n, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            where = f"slide {n} {shape.name}"
            if shape.name in ("Footer", "Page number") or shape.is_placeholder:
                continue
            bottom = shape.top + shape.height
            if shape.has_table:
                table = shape.table
                bottom = shape.top + sum(r.height for r in table.rows)
                for row in table.rows:
                    for cell, column in zip(row.cells, table.columns):
                        inner = column.width - cell.margin_left - cell.margin_right
                        need = _lines_height(cell.text_frame, inner, 12) + (cell.margin_top + cell.margin_bottom) / 12700
                        assert need <= row.height / 12700 + 0.5, (where, cell.text, need, row.height / 12700)
            elif shape.has_text_frame and shape.text_frame.text.strip():
                tf = shape.text_frame
                inner = shape.width - tf.margin_left - tf.margin_right
                need = _lines_height(tf, inner, 14) + (tf.margin_top + tf.margin_bottom) / 12700
                assert need <= shape.height / 12700 + 0.5, (where, tf.text[:40], need, shape.height / 12700)
            assert bottom <= FOOTER_TOP, (where, bottom, FOOTER_TOP)
        # the footer's own two lines fit its frame
        (footer,) = [s for s in slide.shapes if s.name == "Footer"]
        inner = footer.width - footer.text_frame.margin_left - footer.text_frame.margin_right
        assert _lines_height(footer.text_frame, inner, 12) <= footer.height / 12700, n
