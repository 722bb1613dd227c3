"""The 情况通报 .docx: opens with python-docx, carries the bulletin's text and table, East Asian fonts are set."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.bulletin import bulletin
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.docx_export import bulletin_docx
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS


@pytest.fixture(scope="module")
def monitor():
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


@pytest.fixture(scope="module", params=[None, "公安县"], ids=["全市", "公安县"])
def built(request, monitor):
    deck = build_deck(monitor, 2024, request.param)
    data = bulletin_docx(deck)
    return deck, bulletin(deck), data, Document(io.BytesIO(data))


def test_paragraphs_carry_title_opening_and_every_indicator_paragraph(built):
    _, b, _, doc = built
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == b.title and texts[1] == b.date_line
    for expected in [b.opening, *b.paragraphs, b.cards_paragraph, b.closing, *b.headings, b.source]:
        assert expected in texts, expected
    assert texts.index(b.headings[0]) < texts.index(b.paragraphs[0]) < texts.index(b.headings[1])


def test_table_has_one_row_per_indicator_with_the_figures(built):
    _, b, _, doc = built
    assert len(doc.tables) == 1
    table = doc.tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == list(b.table.columns)
    assert cells[1:] == b.table.astype(str).values.tolist()
    assert len(cells) - 1 == len(b.table) >= 12
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {el.get(qn("w:val")) for el in borders} == {"single"} and len(borders) == 6


def test_every_run_sets_an_east_asian_font(built):
    _, _, _, doc = built
    runs = [r for p in doc.paragraphs for r in p.runs if r.text]
    runs += [r for row in doc.tables[0].rows for c in row.cells for p in c.paragraphs for r in p.runs if r.text]
    assert len(runs) > 20
    for run in runs:
        rfonts = run._element.rPr.rFonts
        assert rfonts.get(qn("w:eastAsia")) in {"仿宋", "方正小标宋简体", "黑体", "楷体"}, run.text
        assert rfonts.get(qn("w:ascii")) == "Times New Roman"
    title = doc.paragraphs[0].runs[0]
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体" and title.font.size == Pt(22)
    body = next(p for p in doc.paragraphs if p.text.startswith("为全面掌握"))
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋" and body.runs[0].font.size == Pt(16)
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and 28 <= fmt.line_spacing.pt <= 29
    assert fmt.first_line_indent == Pt(32)
    assert body._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋"


def test_font_table_falls_back_to_chinese_fonts(built):
    _, _, data, _ = built
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        fonts = z.read("word/fontTable.xml").decode("utf-8")
    for name, alt in (("仿宋", "FangSong"), ("方正小标宋简体", "SimHei"), ("黑体", "SimHei"), ("楷体", "KaiTi")):
        assert f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>' in fonts


def test_a4_page_and_page_numbers(built):
    deck, _, _, doc = built
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    footer = section.footer.paragraphs[0]._p
    fields = footer.findall(qn("w:fldSimple"))
    assert [f.get(qn("w:instr")).strip() for f in fields] == ["PAGE"]
    assert "示例数据" in doc.paragraphs[1].text and deck.is_demo
