"""The 情况通报 as a Word document laid out after the official-document conventions (GB/T 9704): A4, title in
方正小标宋 二号, body 仿宋 三号 at a fixed 28.95pt line, first-line indent of two characters, page numbers
"— 1 —" in the footer.

East Asian fonts are written to w:rFonts/@w:eastAsia on every run and in the document defaults: setting only
the font name (w:ascii) leaves Chinese text in the template's default font in both Word and WPS. The font
table declares each Chinese font with the GB2312 charset and an alternative name, so a machine without it
substitutes a Chinese font (宋体/黑体) instead of a Latin one.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.run import Run
from lxml import etree

from plan_monitor.outputs.briefing.bulletin import Bulletin, bulletin
from plan_monitor.outputs.briefing.deck import Deck
from plan_monitor.outputs.safe_text import printable_fields

LATIN = "Times New Roman"
BODY = "仿宋"
TITLE = "方正小标宋简体"
HEADING = "黑体"
RUN_IN = "楷体"
PAGE_NUMBER = "宋体"
# name → (alternative name, family) for the font table; charset 86 (GB2312) makes a missing font fall back to a
# Chinese one of the same family.
FONT_TABLE = {
    BODY: ("FangSong", "modern"),
    TITLE: ("SimHei", "roman"),
    HEADING: ("SimHei", "modern"),
    RUN_IN: ("KaiTi", "modern"),
    PAGE_NUMBER: ("SimSun", "auto"),
}
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
TABLE_PT = 12  # 小四
LINE_PT = 28.95
DEMO_RED = RGBColor(0xC0, 0x00, 0x00)


def _fonts(run, east_asia: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = LATIN
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), LATIN)
    rfonts.set(qn("w:eastAsia"), east_asia)
    # WPS decides the font of ambiguous characters (quotes, ·) by the hint.
    rfonts.set(qn("w:hint"), "eastAsia")


def _paragraph(doc, text: str = "", font: str = BODY, size: float = BODY_PT, *, bold: bool = False,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, line: float = LINE_PT, color=None):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(2 * size)
        # firstLineChars keeps the indent at two characters if a reader changes the font size.
        p._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
    if text:
        _fonts(p.add_run(text), font, size, bold, color)
    return p


def _defaults(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = LATIN
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), BODY)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        drfonts = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr") + "/" + qn("w:rFonts"))
        if drfonts is not None:
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                drfonts.attrib.pop(qn(attr), None)
            drfonts.set(qn("w:ascii"), LATIN)
            drfonts.set(qn("w:hAnsi"), LATIN)
            drfonts.set(qn("w:eastAsia"), BODY)


def _font_table(doc) -> None:
    part = next((r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    have = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, (alt, family) in FONT_TABLE.items():
        if name in have:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, val in (("w:altName", alt), ("w:charset", "86"), ("w:family", family), ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), val)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28 - 7)
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(p.add_run("— "), PAGE_NUMBER, 14)
    _field(p, "PAGE")
    _fonts(p.add_run(" —"), PAGE_NUMBER, 14)


def _field(paragraph, code: str) -> None:
    """A simple field (PAGE): Word and WPS compute it on opening; '1' shows until they do."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" {code} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)
    _fonts(Run(run, paragraph), PAGE_NUMBER, 14)


def _cell(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _fonts(p.add_run(text), HEADING if bold else BODY, TABLE_PT)


def _borders(table) -> None:
    """Single borders on every edge, written out so they do not depend on the template's table styles."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
            el.set(qn(k), v)
        borders.append(el)
    tbl_pr.append(borders)


def _row_flag(row, tag: str) -> None:
    """tblHeader (repeat on every page) or cantSplit (keep a row on one page)."""
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _table(doc, b: Bulletin) -> None:
    frame = b.table
    table = doc.add_table(rows=1 + len(frame), cols=len(frame.columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    for j, name in enumerate(frame.columns):
        _cell(table.rows[0].cells[j], str(name), bold=True)
    for row in table.rows:
        _row_flag(row, "w:cantSplit")
    _row_flag(table.rows[0], "w:tblHeader")
    for i, values in enumerate(frame.itertuples(index=False), 1):
        for j, value in enumerate(values):
            _cell(table.rows[i].cells[j], str(value), align=WD_ALIGN_PARAGRAPH.LEFT if j == 0 else
                  WD_ALIGN_PARAGRAPH.CENTER)
    # Fixed widths on the grid and on every cell: LibreOffice reads the grid, Word and WPS the cells.
    table.autofit = False
    widths = [Mm(43), Mm(13), Mm(22), Mm(18), Mm(18), Mm(21), Mm(21)]
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def bulletin_docx(deck: Deck) -> bytes:
    """The 情况通报 draft for `deck` as .docx bytes."""
    deck = printable_fields(deck)  # any stored text, control characters included, exports without failing
    b = bulletin(deck)
    doc = Document()
    _defaults(doc)
    _font_table(doc)
    _page(doc)
    first = doc.paragraphs[0] if doc.paragraphs else None
    if first is not None:
        first._p.getparent().remove(first._p)
    _paragraph(doc, b.title, TITLE, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=36)
    _paragraph(doc, b.date_line, RUN_IN, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
               color=DEMO_RED if b.is_demo else None)
    _paragraph(doc, indent=False)
    _paragraph(doc, b.opening)
    _paragraph(doc, b.headings[0], HEADING)
    for lead, text in zip(b.leads, b.paragraphs):
        p = _paragraph(doc)
        _fonts(p.add_run(lead), RUN_IN, BODY_PT, bold=True)
        _fonts(p.add_run(text[len(lead):]), BODY, BODY_PT)
    _paragraph(doc, b.headings[1], HEADING)
    _paragraph(doc, b.cards_paragraph)
    if b.tasks_paragraph:
        _paragraph(doc, b.headings[2], HEADING)
        _paragraph(doc, b.tasks_paragraph)
        if b.supervision_paragraph:
            _paragraph(doc, b.supervision_paragraph)
    _paragraph(doc, b.headings[-1], HEADING)
    _paragraph(doc, b.closing)
    _paragraph(doc, indent=False)
    caption = _paragraph(doc, f"附表：{deck.place}{deck.year}年主要指标完成情况", HEADING,
                         align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    caption.paragraph_format.keep_with_next = True
    _table(doc, b)
    note = _paragraph(doc, b.source, RUN_IN, 14, indent=False, line=24)
    note.paragraph_format.space_before = Pt(6)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
