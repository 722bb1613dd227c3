"""Chart images keep all their labels on the canvas: every chart kind drawn by kaleido at the download size, as the
download buttons draw it (titled, with its 数据截至 line), from figures built under Streamlit's Plotly template (the
default inside the app, which has no automargin and placeholder colours). In the SVG each county, town and
indicator name and every tick label must lie wholly inside the canvas; the PNG's outer edges must be blank; count
axes tick whole numbers, share axes percents; legend swatches are the colours of the bars."""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pandas as pd
import plotly.io as pio
import pytest
import streamlit.elements.plotly_chart  # noqa: F401  registers Streamlit's template, as the app does
from PIL import Image

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.metrics.trajectory import STATUS_LABELS
from plan_monitor.outputs import charts
from plan_monitor.outputs.chart_image import chart_image, titled
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.present import views
from plan_monitor.present.palette import STATUS_COLORS
from plan_monitor.ui.downloads import IMAGE_WIDTH, image_height

YEAR = 2024
SVG = "{http://www.w3.org/2000/svg}"
NOTE = "数据截至 2024年9月30日"


@dataclass
class Drawn:
    fig: object
    labels: list[str]  # names that must be shown: counties, towns, indicators
    count_axis: str | None  # "x" or "y" when that axis counts things, else None
    share_axis: str | None  # the axis in percent
    width: int
    height: int
    svg: str
    png: Image.Image


def _build(m: Monitor) -> dict[str, tuple]:
    city, _ = views.overview(m, YEAR)
    names = {i.id: i.name for i in m.plan.indicators}
    matrix = views.marked_matrix(m, YEAR)
    county = m.geo.counties["county"].iloc[0]
    ranked = {i: views.county_ranking(m, YEAR, i) for i in ("demo_villages", "village_income_20w", "smart_platform_dense")}
    towns = views.town_table(m, YEAR, "demo_villages", county)
    unit = {i.id: i for i in m.plan.indicators}
    out = {
        "status_heatmap": (charts.status_heatmap(matrix, names),
                           list(matrix.index) + [names.get(c, c) for c in matrix.columns], None, None),
        "completion_bars": (charts.completion_bars(city), list(city["indicator"]), None, "x"),
        "trend_chart": (charts.trend_chart(views.trend(m, "demo_villages", None), "个", m.plan.years[-1]), [], "y", None),
        "town_bars": (charts.town_bars(towns, "个"), list(towns["town"]), "x", None),
    }
    for ind_id, rows in ranked.items():
        ind = unit[ind_id]
        out[f"county_bars_{ind.kind}"] = (charts.county_bars(rows, ind.unit, ind.kind, ind.direction), list(rows["county"]),
                                          None if ind.unit == "%" else "x", "x" if ind.unit == "%" else None)
    return out


@pytest.fixture(scope="module")
def drawn() -> dict[str, Drawn]:
    m = Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)
    before = pio.templates.default
    pio.templates.default = "streamlit"
    try:
        built = _build(m)
    finally:
        pio.templates.default = before
    out = {}
    for name, (fig, labels, count_axis, share_axis) in built.items():
        image = titled(fig, f"{YEAR}年 标题：{name}", NOTE)
        h = image_height(fig)
        svg = chart_image(image, "svg", IMAGE_WIDTH, h).decode("utf-8")
        png = Image.open(io.BytesIO(chart_image(image, "png", IMAGE_WIDTH, h))).convert("RGB")
        out[name] = Drawn(fig, labels, count_axis, share_axis, IMAGE_WIDTH, h, svg, png)
    return out


KINDS = ["status_heatmap", "completion_bars", "county_bars_count", "county_bars_share", "county_bars_threshold",
         "town_bars", "trend_chart"]


@dataclass
class Text:
    text: str
    classes: set[str]  # classes of the element and its ancestors
    box: tuple[float, float, float, float]  # estimated left, top, right, bottom on the canvas


def _translate(transform: str | None) -> tuple[float, float]:
    m = re.search(r"translate\(\s*([-\d.e]+)[ ,]*([-\d.e]+)?\s*\)", transform or "")
    return (float(m.group(1)), float(m.group(2) or 0)) if m else (0.0, 0.0)


def _angle(transform: str | None) -> float:
    m = re.search(r"rotate\(\s*([-\d.e]+)", transform or "")
    return float(m.group(1)) if m else 0.0


def _advance(text: str, size: float) -> float:
    """Rough width of a label: a CJK character is about one font size wide, other characters about 0.6."""
    return sum(size if ord(ch) > 0x2E80 else 0.6 * size for ch in text)


def svg_texts(svg: str) -> list[Text]:
    """Every text element with its position on the canvas: x/y plus the translations of its ancestors, and an
    estimated box from its font size, text-anchor and rotation (a rotate(a, x, y) turns about its own anchor)."""
    root = ET.fromstring(svg)
    found: list[Text] = []

    def walk(el, dx: float, dy: float, classes: set[str]) -> None:
        tx, ty = _translate(el.get("transform")) if el.tag != SVG + "text" else (0.0, 0.0)
        classes = classes | set((el.get("class") or "").split())
        if el.tag == SVG + "text":
            content = "".join(el.itertext()).strip()
            if content:
                ox, oy = _translate(el.get("transform"))
                x = float(el.get("x") or 0) + ox + dx
                y = float(el.get("y") or 0) + oy + dy
                size = float(re.search(r"font-size:\s*([\d.]+)px", el.get("style") or "font-size: 12px").group(1))
                w = _advance(content, size)
                start = {"start": 0.0, "middle": -w / 2, "end": -w}[el.get("text-anchor") or "start"]
                a = math.radians(_angle(el.get("transform")))
                ends = [(x + (start + t) * math.cos(a), y + (start + t) * math.sin(a)) for t in (0.0, w)]
                xs, ys = [p[0] for p in ends], [p[1] for p in ends]
                found.append(Text(content, classes, (min(xs), min(ys) - size * 0.8, max(xs), max(ys))))
            return
        for child in el:
            walk(child, dx + tx, dy + ty, classes)

    walk(root, 0.0, 0.0, set())
    return found


def inside(t: Text, width: int, height: int) -> bool:
    left, top, right, bottom = t.box
    return left >= 0 and top >= 0 and right <= width and bottom <= height


@pytest.mark.parametrize("kind", KINDS)
def test_every_label_is_on_the_svg_canvas(drawn, kind):
    d = drawn[kind]
    texts = svg_texts(d.svg)
    shown = {t.text for t in texts}
    missing = [name for name in d.labels if name not in shown]
    assert not missing, f"{kind}: labels not drawn as text: {missing}"
    ticks = [t for t in texts if t.classes & {"xtick", "ytick"}]
    assert ticks, kind
    axis_and_names = ticks + [t for t in texts if t.text in d.labels]
    cut = [(t.text, tuple(round(v) for v in t.box)) for t in axis_and_names if not inside(t, d.width, d.height)]
    assert not cut, f"{kind}: labels past the {d.width}×{d.height} canvas: {cut}"
    # titles and legends too
    assert f"{YEAR}年 标题：{kind}{NOTE}" in shown  # the title's two lines are tspans of one text
    cut = [t.text for t in texts if t.classes & {"gtitle", "legendtext", "xtitle", "ytitle", "annotation-text"}
           and not inside(t, d.width, d.height)]
    assert not cut, f"{kind}: {cut}"


@pytest.mark.parametrize("kind", KINDS)
def test_png_edges_are_blank(drawn, kind):
    """A label cut by the canvas edge leaves ink in the outermost pixels; a chart that fits leaves them white."""
    image = drawn[kind].png
    w, h = image.size
    background = (255, 255, 255)
    strips = {"left": (0, 0, 3, h), "right": (w - 3, 0, w, h), "bottom": (0, h - 3, w, h)}
    for side, box in strips.items():
        colours = {c for _, c in image.crop(box).getcolors(maxcolors=1 << 16)}
        assert colours == {background}, f"{kind}: ink at the {side} edge"
    # and the leftmost ink is the start of a label with room before it, not a fragment at x = 0
    inked = [x for x in range(w) if image.crop((x, 0, x + 1, h)).getextrema() != ((255, 255), (255, 255), (255, 255))]
    assert inked and inked[0] >= 3


def _tick_texts(d: Drawn, axis: str) -> list[str]:
    return [t.text for t in svg_texts(d.svg) if f"{axis}tick" in t.classes]


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "status_heatmap"])
def test_count_axes_tick_whole_numbers_and_share_axes_percents(drawn, kind):
    d = drawn[kind]
    if d.count_axis:
        ticks = _tick_texts(d, d.count_axis)
        assert len(ticks) >= 2, ticks
        assert all(re.fullmatch(r"-?[\d,]+", t) for t in ticks), f"{kind}: {ticks}"
        values = [int(t.replace(",", "")) for t in ticks]
        assert len(set(values)) == len(values), f"{kind}: repeated ticks {ticks}"
    if d.share_axis:
        ticks = _tick_texts(d, d.share_axis)
        assert len(ticks) >= 2 and all(t.endswith("%") for t in ticks), f"{kind}: {ticks}"


def _rgb(style: str, prop: str = "fill") -> str | None:
    m = re.search(prop + r":\s*rgb\((\d+), (\d+), (\d+)\)", style or "")
    return "#{:02x}{:02x}{:02x}".format(*map(int, m.groups())) if m else None


@pytest.mark.parametrize("kind", ["completion_bars", "county_bars_count", "county_bars_share", "county_bars_threshold",
                                  "town_bars"])
def test_legend_swatches_are_the_bar_colours(drawn, kind):
    """Bars coloured by status carry a legend of those statuses in the same colours: every bar colour has its
    entry and every entry's swatch is a bar colour (no single 实际 swatch of whichever colour came first)."""
    root = ET.fromstring(drawn[kind].svg)
    bars = {_rgb(p.get("style")) for g in root.iter(SVG + "g") if "bars" in (g.get("class") or "").split()
            for p in g.iter(SVG + "path") if p.get("d") not in (None, "M0,0Z")}
    bars.discard(None)
    legend = {}
    for g in root.iter(SVG + "g"):
        if "traces" in (g.get("class") or "").split():
            label = next(("".join(t.itertext()) for t in g.iter(SVG + "text") if t.get("class") == "legendtext"), None)
            swatch = next((_rgb(p.get("style")) for p in g.iter(SVG + "path") if p.get("class") == "legendundefined"), None)
            if label and swatch:
                legend[label] = swatch
    names = {STATUS_COLORS[c]: STATUS_LABELS[c] for c in ("met", "on_pace", "behind", "far_behind")}
    names[STATUS_COLORS[None]] = "无目标/无数据"
    assert bars, kind
    assert bars <= set(names), f"{kind}: bar colours outside the palette {bars}"
    assert legend == {names[c]: c for c in bars}, f"{kind}: legend {legend}, bars {bars}"


def test_a_small_count_range_ticks_by_one():
    """With at most one county counted the automatic ticks would be 0, 0.2, 0.4…: the axis steps by one instead."""
    small = pd.DataFrame({"county": ["甲县", "乙县"], "actual": [1.0, 0.0], "target": [1.0, float("nan")],
                          "status": ["met", "far_behind"]})
    fig = charts.county_bars(small, "个", "count", "higher")
    assert fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.tickformat == ",d"
    svg = chart_image(fig, "svg", 800, 400).decode("utf-8")
    ticks = [t.text for t in svg_texts(svg) if "xtick" in t.classes]
    assert ticks and all(re.fullmatch(r"\d+", t) for t in ticks), ticks


def _labels_and_marks(svg: str) -> tuple[list[tuple], list[tuple]]:
    """The value labels' boxes (an annotation's ground, left, top, right, bottom) and the vertical marks
    (时序进度, 目标: a line-ns point, x, top, bottom) on the canvas."""
    root = ET.fromstring(svg)
    labels, marks = [], []

    def walk(el, dx: float, dy: float, in_annotation: bool) -> None:
        tx, ty = _translate(el.get("transform"))
        x0, y0 = dx + tx, dy + ty
        cls = (el.get("class") or "").split()
        in_annotation = in_annotation or "annotation" in cls
        if el.tag == SVG + "rect" and "bg" in cls and in_annotation:
            x, y = x0 + float(el.get("x")), y0 + float(el.get("y"))
            labels.append((x, y, x + float(el.get("width")), y + float(el.get("height"))))
        if el.tag == SVG + "path" and "point" in cls:
            m = re.fullmatch(r"M0,([\d.]+)V-([\d.]+)", el.get("d") or "")
            if m:
                marks.append((x0, y0 - float(m.group(2)), y0 + float(m.group(1))))
        for child in el:
            walk(child, x0, y0, in_annotation)

    walk(root, 0.0, 0.0, False)
    return labels, marks


@pytest.mark.parametrize("kind", ["completion_bars", "county_bars_count", "county_bars_share", "county_bars_threshold",
                                  "town_bars"])
def test_marks_do_not_cross_value_labels(drawn, kind):
    """Every bar has its value label, and no 时序进度 or 目标 mark runs through one (a mark is 3px wide)."""
    d = drawn[kind]
    labels, marks = _labels_and_marks(d.svg)
    bars = len(d.fig.data[0].y)
    assert len(labels) == bars, f"{kind}: {len(labels)} value labels for {bars} bars"
    assert marks or not any(t.name in ("目标", "时序进度") and t.x is not None for t in d.fig.data), kind
    crossed = [(round(x), box) for x, top, bottom in marks for box in labels
               if box[0] - 1.5 < x < box[2] + 1.5 and top < box[3] and bottom > box[1]]
    assert not crossed, f"{kind}: marks through labels {crossed}"
    assert all(inside(Text("", set(), box), d.width, d.height) for box in labels), kind


def test_trend_unit_reads_upright():
    """A count's unit stands above its axis as 单位：个, level, and no sideways axis title is drawn."""
    d_rows = pd.DataFrame({"year": [2022, 2023, 2024], "as_of": pd.to_datetime(["2022-12-31", "2023-12-31", "2024-09-30"]),
                           "actual": [1.0, 3.0, 4.0], "target": [2.0, 4.0, 6.0], "projected": [None, None, 5.0],
                           "cumulative": [None, None, None], "measure": ["stock"] * 3})
    svg = chart_image(charts.trend_chart(d_rows, "个", 2025), "svg", 1000, 500).decode("utf-8")
    texts = svg_texts(svg)
    assert not [t for t in texts if "ytitle" in t.classes]
    unit = [t for t in texts if t.text == "单位：个"]
    assert len(unit) == 1 and inside(unit[0], 1000, 500)
    root = ET.fromstring(svg)
    rotated = [g.get("transform") for g in root.iter(SVG + "g") if "annotation-text-g" in (g.get("class") or "")
               and _angle(g.get("transform"))]
    assert not rotated, rotated
    # each actual figure is printed once, beside its point
    assert sorted(t.text for t in texts if "annotation-text" in t.classes and t.text != "单位：个") == ["1", "3", "4"]
    share = chart_image(charts.trend_chart(d_rows.assign(actual=d_rows["actual"] / 10, target=d_rows["target"] / 10,
                                                         projected=d_rows["projected"] / 10), "%", 2025),
                        "svg", 1000, 500).decode("utf-8")
    assert not [t for t in svg_texts(share) if t.text.startswith("单位")]  # a share's ticks carry their % sign


def test_matrix_cells_hold_short_words_and_a_legend_names_the_colours(drawn):
    """The status matrix runs indicators down and counties across; each cell holds at most two characters (the
    full status is in the hover text), and a legend names every colour a cell shows."""
    d = drawn["status_heatmap"]
    heat = d.fig.data[0]
    words = {w for row in heat.text for w in row}
    assert words <= set(charts.CELL_WORDS.values()) | {"—"} and all(len(w) <= 2 for w in words), words
    full = {w for row in heat.customdata for w in row}
    assert full <= set(STATUS_LABELS.values()) | {"无目标/无数据"}
    legend = [t.text for t in svg_texts(d.svg) if "legendtext" in t.classes]
    assert set(full) <= set(legend), (full, legend)


def test_a_label_never_sits_past_a_mark_it_could_be_read_as():
    """A bar whose 时序进度 mark is just ahead of it holds its value inside its end (in the bar's text colour); a
    label printed past the mark would read as the mark's value. A bar too short to hold it keeps it past the mark."""
    from plan_monitor.outputs.charts import completion_bars
    from plan_monitor.present.palette import STATUS_TEXT

    city = pd.DataFrame({"indicator": ["甲", "乙", "丙", "丁"], "indicator_id": list("abcd"),
                         "completion": [0.50, 0.90, 0.05, 0.40], "time_progress": [0.75, 0.75, 0.20, 0.95],
                         "status": ["behind", "met", "far_behind", "far_behind"]})
    labels = {a.y: a for a in completion_bars(city).layout.annotations}
    # 甲: mark 75% just ahead of 50% → inside the bar's end, dark text on amber
    assert (labels["甲"].x, labels["甲"].xanchor, labels["甲"].text) == (50.0, "right", "50.0%")
    assert labels["甲"].font.color == STATUS_TEXT["behind"]
    # 乙: mark behind the bar → past the bar; 丁: mark far ahead (55 points) → past the bar, before the mark
    assert (labels["乙"].x, labels["乙"].xanchor) == (90.0, "left")
    assert (labels["丁"].x, labels["丁"].xanchor) == (40.0, "left")
    # 丙: a 5% bar cannot hold its label → past the mark
    assert (labels["丙"].x, labels["丙"].xanchor) == (20.0, "left")
