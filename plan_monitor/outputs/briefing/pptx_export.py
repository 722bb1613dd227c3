"""The briefing deck as a PowerPoint file: native charts and tables that stay editable in Office and WPS.

The slides mirror `Deck.slides` one for one, so the file, the 汇报模式 page and the 情况通报 carry the same numbers.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pandas as pd
from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from plan_monitor.metrics.trajectory import ATTENTION, NO_TARGET_BELOW, STATUS_LABELS, TARGET_SOURCES
from plan_monitor.outputs.briefing.deck import Deck, Slide
from plan_monitor.outputs.briefing.pptx_layout import (
    BODY_H,
    BODY_TOP,
    CELL_MARGIN_X,
    CONTENT_W,
    DEMO_BADGE,
    EMPTY_FILL,
    INK,
    LINE,
    MARGIN,
    MIN_PT,
    MUTED,
    SLIDE_W,
    TITLE_ONLY_LAYOUT,
    WHITE,
    add_footer,
    add_table,
    add_text,
    apply_cjk_fonts,
    column_widths,
    new_presentation,
    row_heights,
    set_title,
    status_legend,
    status_rgb,
    text_width,
)
from plan_monitor.outputs.briefing.tasks import TOP_ITEMS, TaskFigures, group_lines, shown_items
from plan_monitor.outputs.safe_text import printable, printable_fields
from plan_monitor.present.format import fmt_expected, fmt_gap, fmt_rate, fmt_value
from plan_monitor.present.format import is_missing as _missing
from plan_monitor.present.palette import GROUP_STATUS
from plan_monitor.present.supervision import SHORT as SUPERVISION_SHORT

CHART_TYPE = XL_CHART_TYPE.BAR_CLUSTERED
NO_VALUE = "—"


@dataclass(frozen=True)
class ChartFigures:
    """What one bar chart plots: categories top to bottom, values as written (None for a gap), statuses for
    the bar colours, the axis label and the Excel number format of the values."""

    categories: list[str]
    values: list[float | None]
    statuses: list[str | None]
    label: str
    number_format: str


def deck_pptx(deck: Deck, notes: list[str] | None = None) -> bytes:
    """The deck as .pptx bytes: one slide per deck slide, each with the footer (数据截至 · source · 示例数据);
    `notes`, one per slide, become the speaker notes."""
    if notes is not None and len(notes) != len(deck.slides):
        raise ValueError(f"{len(notes)} notes for {len(deck.slides)} slides")
    deck = printable_fields(deck)  # any stored text, control characters included, exports without failing
    notes = None if notes is None else [printable(n) for n in notes]
    prs = new_presentation()
    layout = prs.slide_layouts[TITLE_ONLY_LAYOUT]
    for number, spec in enumerate(deck.slides, start=1):
        slide = prs.slides.add_slide(layout)
        _RENDER[spec.kind](slide, spec, deck)
        add_footer(slide, deck.footer, number, len(deck.slides))
        if notes is not None and notes[number - 1]:
            slide.notes_slide.notes_text_frame.text = notes[number - 1]
            apply_cjk_fonts(slide.notes_slide._element)
        apply_cjk_fonts(slide._element)
        for shape in slide.shapes:
            if shape.has_chart:
                apply_cjk_fonts(shape.chart._chartSpace)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


# --- figures -------------------------------------------------------------------------------------------------


CHART_MAX = 16  # bars one chart names at 12 pt in the body's height; LibreOffice drops every other name beyond


def chart_columns(figures: ChartFigures) -> list[ChartFigures]:
    """The figures as one chart, or as two (first half, second half) where one chart could not name every bar."""
    n = len(figures.categories)
    if n <= CHART_MAX:
        return [figures]
    half = math.ceil(n / 2)
    return [ChartFigures(figures.categories[a:b], figures.values[a:b], figures.statuses[a:b],
                         figures.label, figures.number_format)
            for a, b in ((0, half), (half, n))]


def own_and_parts(spec: Slide, deck: Deck) -> tuple[pd.Series | None, pd.DataFrame]:
    """An indicator slide's rows split into the place's own row and its parts (prefectures, counties or towns)."""
    own_level = "county" if deck.county else "city"
    rows = spec.rows
    if rows.empty:
        return None, rows
    own = rows[rows["level"] == own_level]
    return (own.iloc[0] if len(own) else None), rows[rows["level"] != own_level].reset_index(drop=True)


def indicator_figures(spec: Slide, deck: Deck) -> ChartFigures:
    """Completion of each part (prefecture, county or town) where any has a target, else the figure itself; a place
    without parts below it on this indicator plots its own row."""
    own, parts = own_and_parts(spec, deck)
    if len(parts):
        rows = parts
        names = parts["town" if deck.county else "county"].tolist()  # a prefecture's name is in its county column
        who = f"各{spec.below}"
    else:
        rows = spec.rows.iloc[:1] if own is not None else spec.rows.iloc[0:0]
        names = [deck.place] * len(rows)
        who = deck.place
    return _figures(rows, names, who)


def overall_figures(spec: Slide) -> ChartFigures:
    return _figures(spec.rows, spec.rows["indicator"].tolist(), "各指标", completion_only=True)


def _figures(rows: pd.DataFrame, names: list[str], who: str, completion_only: bool = False) -> ChartFigures:
    statuses = [None if _missing(s) else s for s in rows["status"]] if "status" in rows else [None] * len(rows)
    if completion_only or rows["completion"].notna().any():
        values = [None if _missing(c) else round(float(c) * 100, 1) for c in rows["completion"]]
        return ChartFigures(names, values, statuses, f"{who}完成率（%）", '0.0"%"')
    unit = rows["unit"].iloc[0] if len(rows) else ""
    kind = rows["kind"].iloc[0] if len(rows) else "count"
    actual = [None if _missing(a) else float(a) for a in rows["actual"]]
    if unit == "%":
        return ChartFigures(names, [None if a is None else round(a * 100, 1) for a in actual], statuses,
                            f"{who}完成值（%）", '0.0"%"')
    if kind == "ratio":
        return ChartFigures(names, [None if a is None else round(a, 2) for a in actual], statuses,
                            f"{who}完成值", "0.00")
    whole = all(a is None or float(a).is_integer() for a in actual)
    values = [None if a is None else round(a, 0 if whole else 1) for a in actual]
    return ChartFigures(names, values, statuses, f"{who}完成值（{unit}）", "#,##0" if whole else "#,##0.0")


# --- charts --------------------------------------------------------------------------------------------------


def _bar_chart(slide, figures: ChartFigures, left, top, width, height):
    """A native clustered bar chart, first category on top, each bar in its status colour, values labelled."""
    data = CategoryChartData(number_format=figures.number_format)
    data.categories = figures.categories
    data.add_series(figures.label, figures.values)
    frame = slide.shapes.add_chart(CHART_TYPE, left, top, width, height, data)
    frame.name = "Chart"
    chart = frame.chart
    chart.font.size = Pt(MIN_PT)
    chart.font.color.rgb = INK
    chart.has_legend = False
    chart.has_title = True
    chart.chart_title.text_frame.text = figures.label
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.bold = True
    plot = chart.plots[0]
    plot.vary_by_categories = False
    plot.gap_width = 60
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = figures.number_format
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(MIN_PT)
    category_axis = chart.category_axis
    category_axis.reverse_order = True  # bar charts draw the first category at the bottom otherwise
    category_axis.tick_labels.font.size = Pt(MIN_PT)
    _label_every_category(category_axis)
    _plot_area(chart, figures.categories, width, height)
    category_axis.format.line.color.rgb = MUTED
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = EMPTY_FILL
    # Every bar carries its value; axis numbers would only repeat them (and crowd the top edge).
    value_axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE
    value_axis.tick_labels.font.size = Pt(MIN_PT)  # not shown; sized all the same, should someone turn them on
    value_axis.format.line.fill.background()
    present = [v for v in figures.values if v is not None]
    if present and min(present) >= 0:
        value_axis.minimum_scale = 0
    series = plot.series[0]
    for i, status in enumerate(figures.statuses):
        fill = series.points[i].format.fill
        fill.solid()
        fill.fore_color.rgb = status_rgb(status)
    return frame


def _label_every_category(axis) -> None:
    """Name every bar: without tickLblSkip an office suite drops every other name once a county has 20 towns."""
    ax = axis._element
    for old in ax.findall(qn("c:tickLblSkip")):
        ax.remove(old)
    skip = etree.SubElement(ax, qn("c:tickLblSkip"))
    skip.set("val", "1")
    after = [c for c in ax if c.tag in {qn("c:tickMarkSkip"), qn("c:noMultiLvlLbl"), qn("c:extLst")}]
    if after:
        after[0].addprevious(skip)


def _plot_area(chart, categories: list[str], width, height, name_pt: float = MIN_PT, label_pt: float = MIN_PT) -> None:
    """Give the bars every point of the frame the names, the title and the value labels leave free (an office
    suite's automatic layout keeps wide margins, and then drops names once bars are thinner than a line)."""
    width_pt, height_pt = float(width) / 12700, float(height) / 12700
    names = max((text_width(str(c), name_pt) for c in categories), default=0.0) + 14
    labels = 52 * label_pt / MIN_PT  # room right of the longest bar for its value label (no cliponaxis in PPTX)
    top = 14 * LINE + 18  # the chart title
    x, y = names / width_pt, top / height_pt
    plot_area = chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    for old in plot_area.findall(qn("c:layout")):
        plot_area.remove(old)
    layout = etree.Element(qn("c:layout"))
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    for tag, value in (("layoutTarget", "inner"), ("xMode", "edge"), ("yMode", "edge"), ("x", x), ("y", y),
                       ("w", max(0.2, 1 - x - labels / width_pt)), ("h", max(0.2, 1 - y - 6 / height_pt))):
        etree.SubElement(manual, qn(f"c:{tag}")).set("val", f"{value:.4f}" if isinstance(value, float) else value)
    plot_area.insert(0, layout)


def _no_chart(slide, left, top, width, height, text: str, as_of: str | None = None) -> None:
    """A sentence where a chart would have nothing to draw, with 数据截至 under it when given."""
    lines = [[(text, {"size": 24, "bold": True})]] + ([[(as_of, {"size": 16})]] if as_of else [])
    add_text(slide, left, top, width, height, lines, size=16, color=MUTED, align=PP_ALIGN.CENTER,
             anchor=MSO_ANCHOR.MIDDLE, name="No chart", spacing=8)


# --- slides --------------------------------------------------------------------------------------------------


def _title_slide(slide, spec: Slide, deck: Deck) -> None:
    ph = slide.shapes.title
    ph.left, ph.top, ph.width, ph.height = MARGIN, Inches(1.7), CONTENT_W, Inches(1.4)
    tf = ph.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.BOTTOM
    tf.text = spec.title
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.CENTER
    p.runs[0].font.size, p.runs[0].font.bold, p.runs[0].font.color.rgb = Pt(34), True, INK
    add_text(slide, MARGIN, Inches(3.2), CONTENT_W, Inches(0.6), [spec.subtitle], size=24, color=INK,
             align=PP_ALIGN.CENTER, name="Subtitle")
    lines = [b for b in spec.bullets if not (deck.is_demo and "示例数据" in b)]
    add_text(slide, MARGIN, Inches(4.0), CONTENT_W, Inches(1.0), lines, size=18, color=MUTED,
             align=PP_ALIGN.CENTER, name="Place and date", spacing=4)
    if deck.is_demo:
        width = Inches(3.4)
        badge = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, int((SLIDE_W - width) / 2), Inches(5.25),
                                       width, Inches(0.55))
        badge.name = "Demo badge"
        badge.fill.solid()
        badge.fill.fore_color.rgb = DEMO_BADGE
        badge.line.fill.background()
        tf = badge.text_frame
        tf.text = "示例数据，非真实统计"
        tf.paragraphs[0].alignment = PP_ALIGN.CENTER
        font = tf.paragraphs[0].runs[0].font
        font.size, font.bold, font.color.rgb = Pt(16), True, WHITE


def _overall_slide(slide, spec: Slide, deck: Deck) -> None:
    set_title(slide, spec.title, spec.subtitle)
    rows = spec.rows
    figures = overall_figures(spec)
    chart_w = Inches(5.0)
    if any(v is not None for v in figures.values):
        _bar_chart(slide, figures, MARGIN, BODY_TOP, chart_w, BODY_H)
    else:
        _no_chart(slide, MARGIN, BODY_TOP, chart_w, BODY_H, "暂无完成率")
    body, fills = [], {}
    for i, r in enumerate(rows.itertuples(index=False)):
        status = None if _missing(r.status) else r.status
        body.append([r.indicator, fmt_value(r.actual, r.unit, r.kind), _target_text(r), fmt_rate(r.completion),
                     STATUS_LABELS.get(status, _missing_text(r))])
        fills[(i, 4)] = status_rgb(status) if status else EMPTY_FILL
    row_h = min(Inches(0.36), int(BODY_H / (len(body) + 1)))
    left = MARGIN + chart_w + Inches(0.2)
    add_table(slide, left, BODY_TOP, SLIDE_W - MARGIN - left, ["指标", "完成值", "年度目标", "完成率", "状态"], body,
              [3.2, 0.95, 1.45, 0.8, 0.93], row_h=row_h, aligns="lcccc", fills=fills, name="Overall table")


def _missing_text(r) -> str:
    """Where no status applies: the figure's 未填报 / 不含 N 个县（未填报） note, else —."""
    note = getattr(r, "missing_note", None)
    return NO_VALUE if _missing(note) else note


def _target_text(r) -> str:
    if _missing(r.target):
        note = getattr(r, "target_note_label", None)
        return NO_VALUE if _missing(note) else note
    return fmt_value(r.target, r.unit, r.kind)


def _gap_text(r) -> str:
    if _missing(r.gap):
        return NO_VALUE
    # A share's gap is a difference of rates: percentage points, not a percentage.
    return fmt_gap(r.gap, r.unit, r.kind)


def _indicator_slide(slide, spec: Slide, deck: Deck) -> None:
    set_title(slide, spec.title, spec.subtitle)
    own, parts = own_and_parts(spec, deck)
    chart_w = Inches(8.1)
    if spec.no_chart:  # nothing to draw (no report, or every value 0): a sentence with 数据截至 instead
        _no_chart(slide, MARGIN, BODY_TOP, chart_w, BODY_H, spec.no_chart, deck.as_of_text)
    else:
        figures = indicator_figures(spec, deck)
        # More bars than a chart can name at 12 pt go into a second chart beside the first, in the same order.
        columns = chart_columns(figures)
        # A handful of bars would otherwise be drawn as thick as a wall.
        height = min(BODY_H - Inches(0.4), Inches(1.2) + Inches(0.45) * max(len(c.categories) for c in columns))
        gap = Inches(0.2)
        width = int((chart_w - gap * (len(columns) - 1)) / len(columns))
        for k, column in enumerate(columns):
            _bar_chart(slide, column, MARGIN + k * (width + gap), BODY_TOP, width, height)
        add_text(slide, MARGIN, BODY_TOP + height + Inches(0.02), chart_w, Inches(0.36), [status_legend()],
                 size=MIN_PT, name="Legend")
    left = MARGIN + chart_w + Inches(0.3)
    add_text(slide, left, BODY_TOP, SLIDE_W - MARGIN - left, BODY_H, _indicator_facts(own, parts, spec, deck),
             size=15, spacing=6, name="Figures")


def _indicator_facts(own, parts: pd.DataFrame, spec: Slide, deck: Deck) -> list:
    def fact(label, value, color=INK):
        return [(f"{label}：", {"color": MUTED}), (value, {"color": color, "bold": True})]

    if own is None:
        lines: list = [[(f"{deck.place}本级暂无数据", {"color": MUTED})]]
    else:
        status = None if _missing(own.status) else own.status
        lines = [
            fact("完成值", fmt_value(own.actual, own.unit, own.kind)),
            fact("年度目标", _target_text(own)),
            fact("差距", _gap_text(own)),
            fact("完成率", fmt_rate(own.completion)),
            fact("时序进度", fmt_rate(own.time_progress)),
            fact("时序要求", fmt_expected(own.expected, own.unit, own.kind, own.direction)),
            fact("状态", STATUS_LABELS.get(status, _missing_text(own)), status_rgb(status) if status else INK),
            fact("趋势", NO_VALUE if _missing(own.pace_label) else own.pace_label),
        ]
        if getattr(own, "target_source", None) == "split":
            lines.append(fact("目标来源", own.target_source_label))
    if len(parts) and (parts["target_source"] == "split").any():
        lines.append([(f"{spec.below}目标：", {"color": MUTED}),
                      (TARGET_SOURCES["split"], {"bold": True})])
    if len(parts):
        unit_name = spec.below
        name_col = "town" if deck.county else "county"
        lines.append([(f"滞后的{unit_name}：", {"color": MUTED})])
        behind = parts[parts["status"].isin(ATTENTION)]
        if parts["target"].isna().all():
            lines.append([(NO_TARGET_BELOW.format(below=unit_name), {"bold": True})])
        elif behind.empty:
            lines.append([("无", {"bold": True})])
        for code in ATTENTION:
            names = behind.loc[behind["status"] == code, name_col].tolist()
            if names:
                shown = "、".join(names[:8]) + (f" 等 {len(names)} 个" if len(names) > 8 else "")
                lines.append([(f"{STATUS_LABELS[code]}：", {"color": status_rgb(code), "bold": True}),
                              (shown, {"size": 13})])
    return lines


def _matrix_slide(slide, spec: Slide, deck: Deck) -> None:
    set_title(slide, spec.title, spec.subtitle)
    matrix = spec.rows
    names = indicator_names(deck)
    header = [spec.below, *[names.get(i, i) for i in matrix.columns]]
    body, fills = [], {}
    for i, (county, row) in enumerate(matrix.iterrows()):
        body.append([county, *[matrix_label(code) for code in row]])
        for j, code in enumerate(row, start=1):
            fills[(i, j)] = EMPTY_FILL if _missing(code) else status_rgb(code)
    weights = [_name_weight([r[0] for r in body], len(matrix.columns))] + [1.0] * len(matrix.columns)
    widths = column_widths(CONTENT_W, weights)
    head_h = row_heights([header], widths, MIN_PT, Inches(0.4))[0]
    row_h = min(Inches(0.4), int((BODY_H - Inches(0.4) - head_h) / max(len(body), 1)))
    add_table(slide, MARGIN, BODY_TOP, CONTENT_W, header, body, weights, row_h=row_h, fills=fills,
              name="Status matrix")
    # The cells name their status, so where the rows leave no room for the legend line (14 市（州） under long
    # indicator names), the legend goes rather than overlap the table.
    if sum(row_heights([header, *body], widths, MIN_PT, row_h)) <= BODY_H - Inches(0.36):
        add_text(slide, MARGIN, BODY_TOP + BODY_H - Inches(0.36), CONTENT_W, Inches(0.36), [status_legend()],
                 size=MIN_PT, name="Legend")


def _name_weight(names: list[str], columns: int) -> float:
    """The row-name column's weight beside `columns` indicator columns of weight 1: 2, or wider where the longest
    name (恩施土家族苗族自治州) would wrap, so each row stays one line high."""
    need = max((Pt(text_width(str(n), MIN_PT)) + 2 * CELL_MARGIN_X + Pt(1) for n in names), default=0)
    if need >= CONTENT_W / 2:
        return float(max(columns, 1))  # half the table at most
    return max(2.0, need * columns / (CONTENT_W - need))


def matrix_label(code) -> str:
    return NO_VALUE if _missing(code) else STATUS_LABELS[code]


def indicator_names(deck: Deck) -> dict[str, str]:
    names = {s.indicator_id: s.title for s in deck.slides if s.kind == "indicator"}
    for s in deck.slides:
        if s.kind == "overall" and not s.rows.empty:
            names.update(dict(zip(s.rows["indicator_id"], s.rows["indicator"])))
    return names


CARD_COLUMNS = ["牌", "责任单位", "指标", "完成率"]


def card_rows(spec: Slide) -> list[list[str]]:
    return [[r.card, r.responsible, r.indicator, fmt_rate(r.completion)] for r in spec.rows.itertuples(index=False)]


def _cards_slide(slide, spec: Slide, deck: Deck) -> None:
    set_title(slide, spec.title, spec.subtitle)
    rows = card_rows(spec)
    if not rows:
        add_text(slide, MARGIN, BODY_TOP, CONTENT_W, BODY_H, ["本期无红黄牌"], size=20, color=MUTED,
                 align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.MIDDLE, name="No cards")
        return
    # Two tables side by side at 12 pt; what two tables cannot hold above the footer is counted in a note.
    gap = Inches(0.3)
    width = int((CONTENT_W - gap) / 2)
    weights, row_h = [0.6, 1.9, 3.5, 0.9], Inches(0.3)
    widths = column_widths(width, weights)
    head_h, *heights = row_heights([CARD_COLUMNS, *rows], widths, MIN_PT, row_h)
    room = BODY_H - Inches(0.4) - head_h  # the note line stays free below the tables
    shown = len(rows)
    while shown and not all(sum(heights[a:b]) <= room for a, b in _halves(shown)):
        shown -= 1
    for k, (a, b) in enumerate(_halves(shown)):
        chunk = rows[a:b]
        if not chunk:
            continue
        fills = {(i, 0): status_rgb("far_behind" if r[0] == "红牌" else "behind") for i, r in enumerate(chunk)}
        add_table(slide, MARGIN + k * (width + gap), BODY_TOP, width, CARD_COLUMNS, chunk, weights,
                  row_h=row_h, fills=fills, aligns="lllc", name=f"Cards {k + 1}")
    if shown < len(rows):
        add_text(slide, MARGIN, BODY_TOP + BODY_H - Inches(0.36), CONTENT_W, Inches(0.36),
                 [f"另有 {len(rows) - shown} 项未列出，见看板红黄牌清单"], size=MIN_PT, color=MUTED,
                 name="More cards")


def _halves(n: int) -> list[tuple[int, int]]:
    """The first n cards split between the two tables, the left one taking the odd one."""
    half = math.ceil(n / 2)
    return [(0, half), (half, n)]


TASK_COLUMNS = ["状态", "任务", "填报单位", "情况"]
TASK_PT = 14  # the task table's type: a few rows, read from the back of the room
TASK_ROW_H = Inches(0.5)
WHO_NAMED = 4  # reporters a table row names; the rest are counted


def task_chart_figures(f: TaskFigures) -> ChartFigures:
    """The task slide's chart: the ledger's assignments per group (Ledger.counts()), in the groups' colours."""
    lines = group_lines(f)
    return ChartFigures([label for _, label, _ in lines], [float(n) for _, _, n in lines],
                        [GROUP_STATUS[g] for g, _, _ in lines], "责任事项（个）", "0")


def task_rows(f: TaskFigures, top: int) -> list[list[str]]:
    """The first `top` 逾期 / 滞后 lines as table rows: 状态, 任务, 填报单位, 情况."""
    shown, _ = shown_items(f, top)
    rows = []
    for r in shown.itertuples(index=False):
        who = "、".join(r.reporters[:WHO_NAMED]) + (f"等{len(r.reporters)}个" if len(r.reporters) > WHO_NAMED else "")
        rows.append([r.state_label, r.title, who, r.detail])
    return rows


def supervision_line(f: TaskFigures) -> str:
    """督办事项未销号 49 项（红色 48、黄色 0、蓝色 1），已自动销号 2 项，整改措施 0 条."""
    if not f.supervision:
        return ""
    colours = "、".join(f"{SUPERVISION_SHORT[c]} {f.supervision[c]}" for c in ("red", "yellow", "blue"))
    return (f"督办事项未销号 {f.open_items} 项（{colours}），已自动销号 {f.supervision['grey']} 项，"
            f"整改措施 {f.measures} 条")


def _tasks_slide(slide, spec: Slide, deck: Deck) -> None:
    """A native bar chart of the ledger's groups with the 逾期 count and the 督办 line under it; the 逾期 and 滞后
    items, most urgent first, as a table on the right, the rest counted below it."""
    set_title(slide, spec.title, spec.subtitle)
    f = spec.tasks
    chart_w = Inches(5.0)
    chart_h = Inches(3.2)
    frame = _bar_chart(slide, task_chart_figures(f), MARGIN, BODY_TOP, chart_w, chart_h)
    chart = frame.chart
    chart.plots[0].data_labels.font.size = Pt(18)
    chart.plots[0].data_labels.font.bold = True
    chart.category_axis.tick_labels.font.size = Pt(16)
    _plot_area(chart, task_chart_figures(f).categories, chart_w, chart_h, 16, 18)
    lines = []
    if f.overdue:
        lines.append([(f"滞后 {f.counts['behind']} 个，其中逾期 ", {"color": MUTED}),
                      (f"{f.overdue} 个", {"bold": True, "color": status_rgb(GROUP_STATUS["overdue"])})])
    if f.supervision:
        lines.append([(supervision_line(f), {})])
    lines.append([(f.day_text, {"color": MUTED})])
    add_text(slide, MARGIN, BODY_TOP + chart_h + Inches(0.15), chart_w, BODY_H - chart_h - Inches(0.15), lines,
             size=16, spacing=6, name="Task figures")
    left = MARGIN + chart_w + Inches(0.35)
    width = SLIDE_W - MARGIN - left
    add_text(slide, left, BODY_TOP, width, Inches(0.4), [[("逾期和滞后事项（最紧急在前）", {"bold": True})]], size=16,
             color=MUTED, name="Items heading")
    if f.items.empty:
        add_text(slide, left, BODY_TOP + Inches(0.5), width, Inches(1.0), ["没有逾期或滞后的任务"], size=20,
                 color=MUTED, name="No items")
        return
    # in points of the 517 pt the table has: a 14-character title (curly quotes draw full width) on one line
    weights = [46, 205, 166, 100]
    widths = column_widths(width, weights)
    top = BODY_TOP + Inches(0.45)
    room = BODY_H - Inches(0.45) - Inches(0.45)  # the 等N项 line stays free below the table
    shown = len(task_rows(f, TOP_ITEMS))  # the lines 汇报模式 lists, fewer where they would not fit
    while shown > 1 and sum(row_heights([TASK_COLUMNS, *task_rows(f, shown)], widths, TASK_PT, TASK_ROW_H)) > room:
        shown -= 1
    rows = task_rows(f, shown)
    fills = {(i, 0): status_rgb(GROUP_STATUS["overdue" if r[0] == "逾期" else "behind"]) for i, r in enumerate(rows)}
    table = add_table(slide, left, top, width, TASK_COLUMNS, rows, weights, row_h=TASK_ROW_H, size=TASK_PT,
                      fills=fills, aligns="clll", name="Task items")
    if shown < len(f.items):
        add_text(slide, left, top + table.height + Inches(0.08), width, Inches(0.4),
                 [f"…… 等 {len(f.items)} 项（另 {len(f.items) - shown} 项见任务台账）"], size=14, color=MUTED,
                 name="More items")


def _summary_slide(slide, spec: Slide, deck: Deck) -> None:
    set_title(slide, spec.title, spec.subtitle)
    lines = []
    by_label = {label: code for code, label in STATUS_LABELS.items()}
    for bullet in spec.bullets:
        code = next((c for label, c in by_label.items() if bullet.startswith(label)), None)
        mark = ("■ ", {"color": status_rgb(code)}) if code else ("• ", {"color": MUTED})
        lines.append([mark, (bullet, {})])
    add_text(slide, MARGIN + Inches(0.4), BODY_TOP + Inches(0.2), CONTENT_W - Inches(0.8), BODY_H - Inches(0.2),
             lines, size=22, spacing=10, name="Summary")


_RENDER = {"title": _title_slide, "overall": _overall_slide, "indicator": _indicator_slide, "matrix": _matrix_slide,
           "cards": _cards_slide, "tasks": _tasks_slide, "summary": _summary_slide}
