"""The overview's 完成率 chart as plain HTML: one bar per indicator in its status colour, the 时序进度 mark, the 100%
line, each bar's value printed where the Plotly chart prints it.

Why not Plotly on this page: the overview is the first page a browser opens, and Plotly's JavaScript (a 4.6 MB chunk
that Streamlit loads only for a page with a Plotly chart) was about half of its first load on the 2-core server
(9.5 s against 5.3 s without it, measured side by side). The figures are the scorecard's city rows, the same
values the Plotly figure (outputs/charts.completion_bars) draws for the image downloads and the slides; where a
value label goes and how far the axis reaches are decided here, once, for both.

Every text is escaped; the widths and positions are numbers formatted by this module."""

from __future__ import annotations

import math
from html import escape

import pandas as pd

from plan_monitor.metrics.trajectory import STATUS_LABELS
from plan_monitor.present.palette import STATUS_COLORS, STATUS_TEXT

INSIDE_SHARE = 0.18  # a bar at least this share of the axis holds its label inside its end
LEGEND_ORDER = ["met", "on_pace", "behind", "far_behind"]
NO_STATUS_LABEL = "无目标/无数据"


def _top(*values: pd.Series) -> float:
    return max((float(v.max(skipna=True)) for v in values if v.notna().any()), default=float("nan"))


def completion_span(comp: pd.Series, progress: pd.Series) -> float:
    """The completion axis' reach in percent: at least 120%, and a little past the longest bar or mark."""
    top = _top(comp, progress)
    return max(120.0, top * 1.12) if top == top else 120.0


def label_places(values, marks, span: float) -> list[tuple[float, bool]]:
    """Where each bar's value label goes, as (x, inside): never across the bar's mark (时序进度 or 目标). Just past
    the bar when the mark is behind the bar's end or far enough ahead (a quarter of the axis) to leave room between
    them; when the mark is just ahead, inside the bar's end (a label printed past the mark would read as the mark's
    value), or past the mark when the bar is too short to hold it. A bar without a value counts as 0."""
    gap = 0.25 * span
    places = []
    for value, mark in zip(values, marks):
        value = 0.0 if pd.isna(value) else float(value)
        ahead = not pd.isna(mark) and value < float(mark) < value + gap
        if ahead and value >= INSIDE_SHARE * span:
            places.append((value, True))
        else:
            places.append((float(mark) if ahead else value, False))
    return places


def legend_entries(statuses) -> list[tuple[str, str]]:
    """(label, colour) for the statuses of the bars drawn, in the legend's order; 无目标/无数据 when a drawn bar has
    no status. A place without data has no bar, so its grey is not explained."""
    drawn = set(statuses)
    entries = [(STATUS_LABELS[c], STATUS_COLORS[c]) for c in LEGEND_ORDER if c in drawn]
    if any(not isinstance(s, str) or s not in STATUS_COLORS for s in drawn):
        entries.append((NO_STATUS_LABEL, STATUS_COLORS[None]))
    return entries


def _pct(x: float, span: float) -> str:
    return f"{100 * x / span:.3f}%"


def _step(span: float) -> int:
    """Ticks every 20% up to 200%, then wider, so that at most ~10 tick labels share the axis."""
    return 20 if span <= 200 else 50 if span <= 500 else 100 * math.ceil(span / 1000)


def _fmt(value) -> str:
    return "—" if pd.isna(value) else f"{value:.1f}%"


def completion_bars_html(city: pd.DataFrame) -> str:
    """The chart for the city rows of one year (columns indicator, completion, time_progress, status), in the
    plan's order from the top."""
    comp = city["completion"].astype(float) * 100
    progress = city["time_progress"].astype(float) * 100
    span = completion_span(comp, progress)
    statuses = [s if isinstance(s, str) and s in STATUS_COLORS else None for s in city["status"]]
    legend = "".join(f'<span class="pm-bars-key"><i style="background:{color}"></i>{escape(label)}</span>'
                     for label, color in legend_entries([s for s, c in zip(statuses, comp) if c == c]))
    legend = '<span class="pm-bars-key"><i class="pm-bars-tick-key"></i>时序进度</span>' + legend
    step = _step(span)
    grid = f"background-size:{_pct(step, span)} 100%"  # a grid line at every tick
    rows = []
    for name, value, mark, status, (x, inside) in zip(city["indicator"], comp, progress, statuses,
                                                     label_places(comp, progress, span)):
        tip = f"{name}\n完成率 {_fmt(value)}" + ("" if pd.isna(mark) else f"\n时序进度 {_fmt(mark)}")
        parts = [f'<div class="pm-bars-line" style="left:{_pct(100, span)}"></div>']
        if not pd.isna(value) and value > 0:
            parts.append(f'<div class="pm-bars-bar" style="width:{_pct(min(value, span), span)};'
                         f'background:{STATUS_COLORS[status]}"></div>')
        if not pd.isna(mark):
            parts.append(f'<div class="pm-bars-tick" style="left:{_pct(min(mark, span), span)}"></div>')
        if inside:
            parts.append(f'<span class="pm-bars-value pm-bars-in" style="right:calc({_pct(span - x, span)} + 6px);'
                         f'color:{STATUS_TEXT[status]}">{_fmt(value)}</span>')
        else:
            parts.append(f'<span class="pm-bars-value" style="left:calc({_pct(x, span)} + 8px)">{_fmt(value)}</span>')
        tip = escape(tip).replace("\n", "&#10;")  # a line break inside the attribute, not in the markdown source
        rows.append(f'<div class="pm-bars-name" title="{tip}">{escape(str(name))}</div>'
                    f'<div class="pm-bars-plot" style="{grid}" title="{tip}">{"".join(parts)}</div>')
    ticks = "".join(f'<span style="left:{_pct(t, span)}">{t}%</span>' for t in range(0, int(span) + 1, step))
    return (f'<div class="pm-bars" data-testid="pm-completion-bars"><div class="pm-bars-legend">{legend}</div>'
            f'<div class="pm-bars-grid">{"".join(rows)}<div></div><div class="pm-bars-axis">{ticks}</div>'
            f'<div></div><div class="pm-bars-title">完成率</div></div></div>')
