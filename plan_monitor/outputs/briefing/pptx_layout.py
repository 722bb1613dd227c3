"""Geometry, fonts and small drawing helpers for the PPTX deck: a 16:9 page, text boxes, tables, the footer.

Every run gets an East Asian font (微软雅黑) and lang="zh-CN" besides the latin Arial: python-pptx's font.name
sets only the latin face, and without an ea face and language Office, WPS and LibreOffice pick whatever CJK
font they find first — on Linux often a Japanese one, which draws several characters in their JP forms.
"""

from __future__ import annotations

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from plan_monitor.present.palette import STATUS_COLORS

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.4)
CONTENT_W = SLIDE_W - 2 * MARGIN
TITLE_TOP, TITLE_H = Inches(0.25), Inches(0.75)
SUBTITLE_TOP, SUBTITLE_H = Inches(0.95), Inches(0.4)
BODY_TOP = Inches(1.45)
FOOTER_TOP, FOOTER_H = Inches(6.86), Inches(0.58)  # room for two lines of 12 pt
BODY_H = FOOTER_TOP - Inches(0.08) - BODY_TOP

# The smallest type anywhere on a slide: a meeting room reads 12 pt from the back; titles are larger.
MIN_PT = 12
# Line height as a multiple of the type size: Noto Sans CJK, which LibreOffice draws for 微软雅黑 on Linux, is
# the tallest of the faces a deck meets (微软雅黑 itself is about 1.32).
LINE = 1.45

EA_FONT = "微软雅黑"
LATIN_FONT = "Arial"
LANG = "zh-CN"
TITLE_ONLY_LAYOUT = 5  # python-pptx's default template: Title Only

INK = RGBColor(0x1F, 0x23, 0x28)
MUTED = RGBColor(0x59, 0x63, 0x6E)
RULE = RGBColor(0xD0, 0xD7, 0xDE)
HEADER_FILL = RGBColor(0xEE, 0xF1, 0xF4)
EMPTY_FILL = RGBColor(0xF3, 0xF4, 0xF6)
DEMO_BADGE = RGBColor(0xC4, 0x55, 0x00)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)

# Elements of a:rPr / a:defRPr that follow the font faces, in schema order; the faces go before the first of these.
_AFTER_FONTS = {qn(t) for t in ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")}
_FACES = [qn("a:latin"), qn("a:ea"), qn("a:cs")]


def rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


def status_rgb(status) -> RGBColor:
    return rgb(STATUS_COLORS.get(status, STATUS_COLORS[None]))


def text_on(fill: RGBColor) -> RGBColor:
    """White on dark fills, ink on light ones (relative luminance, as WCAG computes it roughly)."""
    r, g, b = fill[0], fill[1], fill[2]
    return WHITE if 0.299 * r + 0.587 * g + 0.114 * b < 150 else INK


def new_presentation() -> Presentation:
    """An empty 16:9 presentation whose master and layouts are stretched to the wide page and whose theme fonts
    are 微软雅黑, so slides a user adds in PowerPoint or WPS match the generated ones."""
    prs = Presentation()
    factor = 13.333 / 10  # the default template is 4:3, 10 in wide
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    for owner in [prs.slide_master, *prs.slide_layouts]:
        for shape in owner.shapes:
            if shape.left is not None and shape.width is not None:
                shape.left, shape.width = Emu(int(shape.left * factor)), Emu(int(shape.width * factor))
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    for ea in root.iter(qn("a:ea")):
        ea.set("typeface", EA_FONT)
    for latin in root.iter(qn("a:latin")):
        latin.set("typeface", LATIN_FONT)
    # Office picks the per-script entry over ea for zh-CN text; the default theme names 宋体 there.
    for font in root.iter(qn("a:font")):
        if font.get("script") == "Hans":
            font.set("typeface", EA_FONT)
    # The theme is a plain part in python-pptx (no XML object to edit), so its bytes are replaced.
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return prs


def apply_cjk_fonts(root) -> None:
    """Give every run, paragraph end and default run property under `root` latin Arial, ea 微软雅黑 and zh-CN."""
    for r in root.iter(qn("a:r"), qn("a:fld")):
        if r.find(qn("a:rPr")) is None:
            r.insert(0, etree.Element(qn("a:rPr")))
    for rpr in root.iter(qn("a:rPr"), qn("a:endParaRPr"), qn("a:defRPr")):
        rpr.set("lang", LANG)
        rpr.set("altLang", "en-US")
        for old in [c for c in rpr if c.tag in _FACES]:
            rpr.remove(old)
        faces = [etree.Element(qn("a:latin")), etree.Element(qn("a:ea")), etree.Element(qn("a:cs"))]
        faces[0].set("typeface", LATIN_FONT)
        faces[1].set("typeface", EA_FONT)
        faces[2].set("typeface", LATIN_FONT)
        after = next((i for i, c in enumerate(rpr) if c.tag in _AFTER_FONTS), len(rpr))
        for offset, face in enumerate(faces):
            rpr.insert(after + offset, face)


def text_width(text: str, size: float) -> float:
    """Width of a line in points: CJK (and full-width punctuation) 1 em, digits, Latin and spaces about 0.6 em."""
    return sum(size if ord(ch) > 0x2E7F else 0.6 * size for ch in text)


def text_lines(text: str, width, size: float) -> int:
    """Lines `text` wraps to in a box `width` (EMU) wide, inner margins left to the caller: the wrap is by
    character, as CJK text wraps."""
    room = max(float(width) / 12700, size)  # EMU → pt
    lines = 0
    for paragraph in str(text).split("\n"):
        used, count = 0.0, 1
        for ch in paragraph:
            w = text_width(ch, size)
            if used + w > room + 0.01:
                count, used = count + 1, 0.0
            used += w
        lines += count
    return lines


def lines_height(lines: int, size: float) -> int:
    """EMU height of `lines` lines of `size` pt type."""
    return int(Pt(lines * size * LINE))


def add_text(slide, left, top, width, height, lines, size=14, color=INK, bold=False, align=PP_ALIGN.LEFT,
             anchor=MSO_ANCHOR.TOP, name=None, spacing=None):
    """A text box with one paragraph per line. A line is a string or a list of (text, options) runs, options
    being a dict with any of size, color, bold."""
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(0.05)
    tf.margin_top = tf.margin_bottom = Inches(0.03)
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        if spacing is not None:
            p.space_after = Pt(spacing)
        runs = [(line, {})] if isinstance(line, str) else line
        for text, opts in runs:
            run = p.add_run()
            run.text = text
            run.font.size = Pt(opts.get("size", size))
            run.font.bold = opts.get("bold", bold)
            run.font.color.rgb = opts.get("color", color)
    return box


def set_title(slide, title: str, subtitle: str = "") -> None:
    """The title-only layout's placeholder, moved into the 16:9 header band (it keeps its role as the slide
    title for PowerPoint's outline and screen readers); the subtitle is a plain text box below it."""
    ph = slide.shapes.title
    ph.left, ph.top, ph.width, ph.height = MARGIN, TITLE_TOP, CONTENT_W, TITLE_H
    tf = ph.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.MIDDLE
    tf.text = title
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    font = p.runs[0].font
    font.size, font.bold, font.color.rgb = Pt(26 if len(title) <= 36 else 22), True, INK
    if subtitle:
        add_text(slide, MARGIN, SUBTITLE_TOP, CONTENT_W, SUBTITLE_H, [subtitle], size=14, color=MUTED,
                 name="Subtitle")


def add_footer(slide, footer: str, number: int, total: int) -> None:
    """数据截至 · source · 示例数据 on every slide, with the page number at the right."""
    line = slide.shapes.add_connector(1, MARGIN, FOOTER_TOP - Inches(0.04), SLIDE_W - MARGIN,
                                      FOOTER_TOP - Inches(0.04))
    line.line.color.rgb = RULE
    line.line.width = Pt(0.75)
    add_text(slide, MARGIN, FOOTER_TOP, CONTENT_W - Inches(1.0), FOOTER_H, [footer], size=MIN_PT, color=MUTED,
             anchor=MSO_ANCHOR.MIDDLE, name="Footer")
    add_text(slide, SLIDE_W - MARGIN - Inches(1.0), FOOTER_TOP, Inches(1.0), FOOTER_H, [f"{number} / {total}"],
             size=MIN_PT, color=MUTED, align=PP_ALIGN.RIGHT, anchor=MSO_ANCHOR.MIDDLE, name="Page number")


CELL_MARGIN_X, CELL_MARGIN_Y = Inches(0.05), Inches(0.02)


def column_widths(width, col_widths) -> list[int]:
    """Relative column weights as EMU widths adding up to `width`."""
    total = sum(col_widths)
    widths = [int(width * w / total) for w in col_widths]
    widths[-1] = int(width) - sum(widths[:-1])
    return widths


def row_heights(rows, widths: list[int], size: float, row_h) -> list[int]:
    """Each row's height: `row_h`, or taller where a cell's text wraps (estimated as text_lines does), so the
    table's frame on the slide is the height an office suite draws it at."""
    out = []
    for row in rows:
        lines = max(text_lines(str(text), w - 2 * CELL_MARGIN_X, size) for text, w in zip(row, widths))
        out.append(max(int(row_h), lines_height(lines, size) + 2 * CELL_MARGIN_Y))
    return out


def add_table(slide, left, top, width, header, body, col_widths, row_h=Inches(0.32), size=MIN_PT, fills=None,
              aligns=None, name=None):
    """A native table: `header` strings, `body` rows of strings; `fills` maps (row, col) of the body to a cell
    fill (text colour follows the fill). Column widths are relative weights; `aligns` one letter per column,
    l or c (default: first column left, the rest centred). A row whose text wraps is made taller."""
    n_rows, n_cols = len(body) + 1, len(header)
    widths = column_widths(width, col_widths)
    heights = row_heights([header, *body], widths, size, row_h)
    shape = slide.shapes.add_table(n_rows, n_cols, left, top, width, sum(heights))
    if name:
        shape.name = name
    table = shape.table
    table.first_row = True
    table.horz_banding = False
    for j, w in enumerate(widths):
        table.columns[j].width = Emu(w)
    for i in range(n_rows):
        table.rows[i].height = Emu(heights[i])
    fills = fills or {}
    for i, row in enumerate([header, *body]):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            fill = HEADER_FILL if i == 0 else fills.get((i - 1, j), WHITE)
            cell.fill.solid()
            cell.fill.fore_color.rgb = fill
            cell.margin_left = cell.margin_right = CELL_MARGIN_X
            cell.margin_top = cell.margin_bottom = CELL_MARGIN_Y
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            tf = cell.text_frame
            tf.word_wrap = True
            tf.text = str(text)
            p = tf.paragraphs[0]
            p.alignment = PP_ALIGN.LEFT if (aligns[j] if aligns else "lc"[j > 0]) == "l" else PP_ALIGN.CENTER
            font = p.runs[0].font if p.runs else p.font
            font.size = Pt(size)
            font.bold = i == 0
            font.color.rgb = text_on(fill) if fill not in (WHITE, HEADER_FILL) else INK
    return shape


def status_legend(with_none: bool = True) -> list[tuple[str, dict]]:
    """One line of coloured squares and the status names, for a text box under a chart or table."""
    from plan_monitor.metrics.trajectory import STATUS_LABELS

    runs: list[tuple[str, dict]] = []
    for code, label in [*STATUS_LABELS.items(), *([(None, "无进度状态")] if with_none else [])]:
        runs.append(("■ ", {"color": status_rgb(code)}))
        runs.append((f"{label}    ", {"color": MUTED}))
    return runs
