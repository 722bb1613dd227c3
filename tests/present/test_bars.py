"""The overview's 完成率 chart in HTML (present/bars.py): the city rows drawn as the Plotly figure draws them for the
image downloads (same bars, marks, labels, label places, legend), every text escaped, a missing value shown as —."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.charts import completion_bars
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.present.bars import completion_bars_html, completion_span, label_places, legend_entries
from plan_monitor.present.palette import STATUS_COLORS
from plan_monitor.present.views import overview

NAN = float("nan")


@pytest.fixture(scope="module")
def demo() -> Monitor:
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


def test_label_places_never_cross_the_mark():
    # span 120: a label goes inside a bar of at least 21.6 whose mark is less than 30 ahead; past the mark when the
    # bar is shorter; past the bar when the mark is behind it, absent, or 30 or more ahead; a missing value is 0
    values = [50.0, 80.0, 10.0, 96.0, 40.0, NAN, NAN, 20.0]
    marks = [74.9, 91.6, 25.0, 95.0, 74.9, 10.0, NAN, NAN]
    assert label_places(values, marks, 120.0) == [
        (50.0, True), (80.0, True), (25.0, False), (96.0, False), (40.0, False), (10.0, False), (0.0, False),
        (20.0, False)]


def test_span_is_at_least_120_and_a_little_past_the_longest():
    assert completion_span(pd.Series([50.0, NAN]), pd.Series([90.0, NAN])) == 120.0
    assert completion_span(pd.Series([150.0]), pd.Series([90.0])) == pytest.approx(168.0)
    assert completion_span(pd.Series([NAN]), pd.Series([NAN])) == 120.0


def test_legend_lists_only_the_statuses_drawn():
    assert legend_entries(["behind", "met", "behind"]) == [("已完成", STATUS_COLORS["met"]), ("滞后", STATUS_COLORS["behind"])]
    assert legend_entries(["far_behind", None]) == [("严重滞后", STATUS_COLORS["far_behind"]),
                                                     ("无目标/无数据", STATUS_COLORS[None])]


def _rows(html: str) -> list[dict]:
    out = []
    for name, plot in re.findall(r'<div class="pm-bars-name" title="[^"]*">(.*?)</div>'
                                 r'<div class="pm-bars-plot"[^>]*>(.*?</span>)</div>', html):
        width = re.search(r'pm-bars-bar" style="width:([0-9.]+)%;background:(#[0-9a-f]+)', plot)
        tick = re.search(r'pm-bars-tick" style="left:([0-9.]+)%', plot)
        value = re.search(r'<span class="pm-bars-value( pm-bars-in)?"[^>]*>(.*?)</span>', plot)
        out.append({"name": name, "width": float(width[1]) if width else None, "color": width[2] if width else None,
                    "tick": float(tick[1]) if tick else None, "inside": bool(value[1]), "text": value[2]})
    return out


def test_the_demo_city_as_the_plotly_figure_draws_it(demo):
    city, _ = overview(demo, 2024)
    html = completion_bars_html(city)
    rows = _rows(html)
    assert [r["name"] for r in rows] == list(city["indicator"])  # the plan's order from the top
    comp, progress = city["completion"] * 100, city["time_progress"] * 100
    span = completion_span(comp, progress)
    assert span == 120.0
    for row, c, p, s in zip(rows, comp, progress, city["status"]):
        assert row["width"] == pytest.approx(100 * c / span, abs=1e-3)
        assert row["tick"] == pytest.approx(100 * p / span, abs=1e-3)
        assert row["color"] == STATUS_COLORS[s]
    village = rows[list(city["indicator"]).index("示范村")]
    assert (village["text"], village["inside"], village["width"]) == ("85.0%", True, pytest.approx(70.833, abs=1e-3))
    # the Plotly figure (image downloads) prints the same texts at the same places
    fig = completion_bars(city)
    labels = {a.y: a for a in fig.layout.annotations}
    for row, (x, inside) in zip(rows, label_places(comp, progress, span)):
        a = labels[row["name"]]
        assert (a.text, a.x, a.xanchor == "right") == (row["text"], x, inside)
    legend = [t.name for t in fig.data if t.name not in ("完成率", "时序进度")]
    assert re.findall(r'<span class="pm-bars-key"><i style="[^"]*"></i>(.*?)</span>', html) == legend


def test_missing_values_and_names_are_safe():
    city = pd.DataFrame({"indicator": ["<b>甲</b>", "乙&丙"], "completion": [NAN, 0.5],
                         "time_progress": [0.75, NAN], "status": [None, "far_behind"]})
    html = completion_bars_html(city)
    assert "<b>" not in html and "&lt;b&gt;甲&lt;/b&gt;" in html and "乙&amp;丙" in html
    rows = _rows(html)
    assert rows[0] == {"name": "&lt;b&gt;甲&lt;/b&gt;", "width": None, "color": None,
                       "tick": pytest.approx(62.5), "inside": False, "text": "—"}
    assert rows[1]["width"] == pytest.approx(41.667, abs=1e-3) and rows[1]["tick"] is None
    assert rows[1]["color"] == STATUS_COLORS["far_behind"]
    assert "完成率 —&#10;时序进度 75.0%" in html  # the tooltip, line breaks as character references
    assert "\n" not in html
    assert not math.isnan(completion_span(city["completion"] * 100, city["time_progress"] * 100))
