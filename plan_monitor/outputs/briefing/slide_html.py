"""One deck slide as projector markup: HTML for the head, body and footer, and a Plotly figure where the slide
has a chart. Type is sized in `--u` (1/100 of the slide's width on a 16:9 screen, shrinking with the height on a
wider one), so the same slide is readable from the back of a room at 1920×1080 and still fits at 1280×720.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import pandas as pd
import plotly.graph_objects as go

from plan_monitor.metrics.trajectory import NO_TARGET_BELOW, STATUS_LABELS, TARGET_SOURCES
from plan_monitor.outputs.briefing.deck import Deck, Slide
from plan_monitor.outputs.briefing.tasks import group_lines, shown_items
from plan_monitor.outputs.charts import FONT
from plan_monitor.present.format import fmt_date, fmt_expected, fmt_gap, fmt_rate, fmt_value, is_missing
from plan_monitor.present.palette import (
    GROUP_STATUS,
    STATUS_COLORS,
    STATUS_TEXT,
    SUPERVISION_COLORS,
    SUPERVISION_TEXT,
)
from plan_monitor.present.supervision import SHORT as SUPERVISION_SHORT
from plan_monitor.spec.plan import LEVEL_LABELS

THEMES = {
    "light": {"bg": "#ffffff", "fg": "#111418", "muted": "#4a5058", "panel": "#f3f5f7", "line": "#d5d9de",
              "grid": "#e6e8eb", "demo_bg": "#fff3cd", "demo_fg": "#6b4e00"},
    "dark": {"bg": "#0e1117", "fg": "#f4f6f8", "muted": "#b9c0c9", "panel": "#1b212b", "line": "#39414d",
             "grid": "#2c333d", "demo_bg": "#5c4500", "demo_fg": "#ffe08a"},
}
THEME_LABELS = {"light": "浅色", "dark": "深色"}
# Text on a status colour: white on the dark greens and red, black on the light green and amber.
NO_STATUS_TEXT = "无进度状态"


@dataclass(frozen=True)
class SlideView:
    """What the page renders for one slide, top to bottom: head, body (HTML, then the chart beside it when
    there is one), footer."""

    kind: str
    title: str
    head: str
    body: str
    figure: go.Figure | None
    foot: str


def render(deck: Deck, index: int, theme: str = "light", scale: float = 1.0) -> SlideView:
    """Slide `index` (0-based) of the deck; `scale` sizes the chart's type and marks for a slide drawn smaller
    than the window (the markup scales itself with the slide's box)."""
    slide = deck.slides[index]
    head = "" if slide.kind == "title" else _head(slide)
    if slide.kind == "indicator":
        body, figure = _indicator_body(deck, slide, theme, scale)
    else:
        body, figure = _BODIES[slide.kind](deck, slide, theme)
    return SlideView(slide.kind, slide.title, head, body, figure, _foot(deck, index))


def css(theme: str = "light") -> str:
    """The slide look for a theme; the page adds it once per run. The matrix's type and spacing scale with --pm-k
    (1 unless more than MATRIX_ROWS rows must fit, see _matrix_body)."""
    t = THEMES[theme]
    return f"""<style>
.pm-deck {{--u: min(1vw, 1.7778vh); --bg:{t['bg']}; --fg:{t['fg']}; --muted:{t['muted']}; --panel:{t['panel']};
  --line:{t['line']}; --demo-bg:{t['demo_bg']}; --demo-fg:{t['demo_fg']};
  font-family: {FONT}; color: var(--fg); background: var(--bg); line-height: 1.3}}
.pm-deck * {{box-sizing: border-box}}
.pm-head {{padding: calc(var(--u)*1.6) calc(var(--u)*3) calc(var(--u)*0.6)}}
.pm-head h1 {{font-size: calc(var(--u)*2.7); font-weight: 800; margin: 0; padding: 0; color: var(--fg);
  line-height: 1.2; font-family: inherit}}
.pm-sub {{font-size: calc(var(--u)*1.45); color: var(--muted); margin-top: calc(var(--u)*0.3)}}
.pm-foot {{display: flex; justify-content: space-between; align-items: center; gap: calc(var(--u)*2);
  padding: calc(var(--u)*0.5) calc(var(--u)*3); font-size: calc(var(--u)*0.95); color: var(--muted);
  border-top: 1px solid var(--line)}}
.pm-foot .pm-num {{font-weight: 700; white-space: nowrap; font-size: calc(var(--u)*1.1)}}
.pm-demo {{background: var(--demo-bg); color: var(--demo-fg); padding: 0 calc(var(--u)*0.4); border-radius: 3px;
  font-weight: 700}}
.pm-chip {{display: inline-block; border-radius: calc(var(--u)*0.3); padding: calc(var(--u)*0.15) calc(var(--u)*0.6);
  font-weight: 700; white-space: nowrap}}
/* title */
.pm-cover {{height: 100%; display: flex; flex-direction: column; justify-content: center; align-items: center;
  text-align: center; gap: calc(var(--u)*1.6); padding: 0 calc(var(--u)*6)}}
.pm-cover h1 {{font-size: calc(var(--u)*4.2); font-weight: 800; margin: 0; line-height: 1.25; color: var(--fg);
  font-family: inherit}}
.pm-cover .pm-lead {{font-size: calc(var(--u)*2.4); color: var(--muted)}}
.pm-cover .pm-line {{font-size: calc(var(--u)*2.0)}}
.pm-cover .pm-demo {{font-size: calc(var(--u)*1.8); padding: calc(var(--u)*0.3) calc(var(--u)*1.2)}}
.pm-rule {{width: calc(var(--u)*12); height: calc(var(--u)*0.35); background: #d1242f; border-radius: 2px}}
/* overall */
.pm-tiles {{display: grid; gap: calc(var(--u)*0.9); height: 100%}}
.pm-tile {{background: var(--panel); border-radius: calc(var(--u)*0.5); border-left: calc(var(--u)*0.55) solid;
  padding: calc(var(--u)*0.7) calc(var(--u)*0.9); display: flex; flex-direction: column; justify-content: space-between;
  min-height: 0; overflow: hidden}}
.pm-tile .pm-name {{font-size: calc(var(--u)*1.2); font-weight: 700; line-height: 1.25; display: -webkit-box;
  -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden}}
.pm-tile .pm-big {{font-size: calc(var(--u)*2.5); font-weight: 800; line-height: 1.1; white-space: nowrap}}
.pm-tile .pm-small {{font-size: calc(var(--u)*1.0); color: var(--muted); white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis}}
.pm-tile .pm-chip {{font-size: calc(var(--u)*1.0); align-self: flex-start}}
/* indicator */
.pm-kpi {{height: 100%; display: flex; flex-direction: column; gap: calc(var(--u)*0.9); overflow: hidden}}
.pm-head .pm-chip {{font-size: calc(var(--u)*1.35)}}
.pm-named .pm-chip {{font-size: calc(var(--u)*1.1)}}
.pm-kpi .pm-actual {{font-size: calc(var(--u)*4.6); font-weight: 800; line-height: 1.05}}
.pm-kpi .pm-label {{font-size: calc(var(--u)*1.15); color: var(--muted)}}
.pm-kpi table {{border-collapse: collapse; font-size: calc(var(--u)*1.5); width: 100%}}
.pm-kpi td {{padding: calc(var(--u)*0.25) 0; border-bottom: 1px solid var(--line)}}
.pm-kpi td:last-child {{text-align: right; font-weight: 700}}
.pm-kpi .pm-named {{font-size: calc(var(--u)*1.35); line-height: 1.45}}
.pm-kpi.pm-wide {{flex-direction: row; align-items: center; justify-content: center; gap: calc(var(--u)*6)}}
.pm-kpi.pm-wide .pm-actual {{font-size: calc(var(--u)*7)}}
.pm-kpi.pm-wide table {{font-size: calc(var(--u)*2); width: calc(var(--u)*40)}}
/* an indicator with nothing to chart: a text slide */
.pm-textslide {{height: 100%; display: flex; flex-direction: column; justify-content: center; align-items: center;
  gap: calc(var(--u)*2.5); overflow: hidden}}
.pm-textslide .pm-kpi.pm-wide {{height: auto; flex: 0 0 auto}}
.pm-nochart {{text-align: center}}
.pm-nochart .pm-msg {{font-size: calc(var(--u)*3); font-weight: 800; color: var(--muted)}}
.pm-nochart .pm-asof {{font-size: calc(var(--u)*1.6); color: var(--muted); margin-top: calc(var(--u)*0.6)}}
/* matrix */
.pm-matrix-wrap {{height: 100%; display: flex; flex-direction: column}}
.pm-matrix {{border-collapse: separate; border-spacing: calc(var(--u)*0.25*var(--pm-k, 1)); width: 100%;
  table-layout: fixed; flex: 1 1 auto; max-height: calc(var(--u)*40)}}
.pm-matrix th {{font-size: calc(var(--u)*1.2*var(--pm-k, 1)); font-weight: 700; vertical-align: bottom;
  line-height: 1.2; padding: 0 calc(var(--u)*0.2) calc(var(--u)*0.3*var(--pm-k, 1))}}
.pm-matrix th.pm-rowhead, .pm-matrix td.pm-rowhead {{text-align: left; width: 15%;
  font-size: calc(var(--u)*1.5*var(--pm-k, 1)); font-weight: 700; white-space: nowrap}}
.pm-matrix td.pm-cell {{text-align: center; font-size: calc(var(--u)*1.4*var(--pm-k, 1)); font-weight: 700;
  padding: calc(var(--u)*0.35*var(--pm-k, 1)) 0; border-radius: calc(var(--u)*0.25)}}
.pm-legend {{font-size: calc(var(--u)*1.05); color: var(--muted); margin-top: calc(var(--u)*0.5)}}
.pm-legend .pm-chip {{font-size: calc(var(--u)*0.95); margin-right: calc(var(--u)*0.5)}}
/* cards */
.pm-cards {{display: grid; grid-template-columns: 24% 1fr; gap: 0.6em 1.2em;
  align-items: start}}
.pm-cards .pm-ind {{font-weight: 700; line-height: 1.3; padding-top: calc(var(--u)*0.15)}}
.pm-cards .pm-who {{display: flex; flex-wrap: wrap; gap: 0.4em}}
.pm-cards .pm-chip {{padding: 0.1em 0.45em; border-radius: 0.25em}}
.pm-tally {{font-size: calc(var(--u)*1.5); margin-bottom: calc(var(--u)*0.9)}}
.pm-tally .pm-chip {{margin-right: calc(var(--u)*0.6)}}
.pm-gap {{display: inline-block; width: calc(var(--u)*2.5)}}
.pm-tally .pm-label {{color: var(--muted)}}
.pm-none {{font-size: calc(var(--u)*2.6); font-weight: 700; height: 100%; display: flex; align-items: center;
  justify-content: center; color: var(--muted)}}
/* tasks */
.pm-tasks {{height: 100%; display: grid; grid-template-columns: 36% 1fr; gap: calc(var(--u)*2.4); overflow: hidden}}
.pm-tasks-left {{display: flex; flex-direction: column; gap: calc(var(--u)*0.9); min-height: 0}}
.pm-tgroup {{border-radius: calc(var(--u)*0.6); padding: calc(var(--u)*0.6) calc(var(--u)*1.4); display: flex;
  align-items: baseline; gap: calc(var(--u)*1.2)}}
.pm-tgroup .pm-n {{font-size: calc(var(--u)*5); font-weight: 800; line-height: 1.05; min-width: calc(var(--u)*9)}}
.pm-tgroup .pm-what {{font-size: calc(var(--u)*2.1); font-weight: 700}}
.pm-tgroup .pm-extra {{font-size: calc(var(--u)*1.5); font-weight: 700; margin-left: auto; white-space: nowrap}}
.pm-sup {{background: var(--panel); border-radius: calc(var(--u)*0.6); padding: calc(var(--u)*0.8) calc(var(--u)*1.2);
  font-size: calc(var(--u)*1.55); line-height: 1.5}}
.pm-sup .pm-suphead {{font-size: calc(var(--u)*1.8); font-weight: 800}}
.pm-sup .pm-chip {{margin-right: calc(var(--u)*0.4)}}
.pm-items {{display: flex; flex-direction: column; gap: calc(var(--u)*0.9); min-height: 0; overflow: hidden}}
.pm-items .pm-ihead {{font-size: calc(var(--u)*1.8); font-weight: 800; color: var(--muted)}}
.pm-item {{display: grid; grid-template-columns: auto 1fr; gap: 0 calc(var(--u)*0.9); align-items: baseline}}
.pm-item .pm-chip {{font-size: calc(var(--u)*1.45)}}
.pm-item .pm-ititle {{font-size: calc(var(--u)*1.9); font-weight: 800; line-height: 1.45; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis}}
.pm-item .pm-iwho {{grid-column: 2; font-size: calc(var(--u)*1.5); color: var(--muted); line-height: 1.35}}
.pm-items .pm-more {{font-size: calc(var(--u)*1.6); font-weight: 700; color: var(--muted)}}
/* summary */
.pm-summary {{height: 100%; display: flex; flex-direction: column; justify-content: center;
  padding-bottom: calc(var(--u)*4)}}
.pm-counts {{display: grid; grid-template-columns: repeat(4, 1fr); gap: calc(var(--u)*1.2);
  margin-bottom: calc(var(--u)*2)}}
.pm-count {{border-radius: calc(var(--u)*0.6); padding: calc(var(--u)*1.1) calc(var(--u)*1.4)}}
.pm-count .pm-n {{font-size: calc(var(--u)*6.5); font-weight: 800; line-height: 1}}
.pm-count .pm-what {{font-size: calc(var(--u)*2); font-weight: 700}}
.pm-lines {{font-size: calc(var(--u)*2.5); line-height: 1.6; margin: 0; padding-left: calc(var(--u)*2.4)}}
</style>"""


def _head(slide: Slide) -> str:
    sub = f'<div class="pm-sub">{escape(slide.subtitle)}</div>' if slide.subtitle else ""
    own, _, _ = _parts(slide) if slide.kind == "indicator" else (None, None, None)
    if own is not None:  # the indicator's status, in its colour, where the other slides have a plain subtitle
        sub = f'<div class="pm-sub">{_chip(own["status"], _status_text(own))}</div>'
    return f'<div class="pm-head"><h1>{escape(slide.title)}</h1>{sub}</div>'


def _foot(deck: Deck, index: int) -> str:
    text = escape(f"{deck.as_of_text} · {deck.source}")
    demo = ' · <span class="pm-demo">示例数据，非真实统计</span>' if deck.is_demo else ""
    return (f'<div class="pm-foot"><span class="pm-footer-text">{text}{demo}</span>'
            f'<span class="pm-num">{index + 1} / {len(deck.slides)}</span></div>')


def _code(status) -> str | None:
    """A status code, or None where the frame holds NaN or None (pandas turns one into the other)."""
    return status if isinstance(status, str) else None


def _chip(status, text: str | None = None) -> str:
    status = _code(status)
    label = text if text is not None else STATUS_LABELS.get(status, NO_STATUS_TEXT)
    return (f'<span class="pm-chip" style="background:{STATUS_COLORS[status]};color:{STATUS_TEXT[status]}">'
            f'{escape(label)}</span>')


def _text(value) -> str | None:
    """A label column's value, or None where it is missing (NaN or None)."""
    return value if isinstance(value, str) and value else None


def _status_text(row) -> str:
    label = (_text(row["status_label"]) or _text(row.get("missing_note")) or _text(row["target_note_label"])
             or NO_STATUS_TEXT)
    pace = _text(row["pace_label"])
    return f"{label} · {pace}" if pace and _text(row["status_label"]) else label


def _title_body(deck: Deck, slide: Slide, theme: str):
    lines = []
    for line in slide.bullets:
        cls = "pm-demo" if line.startswith("示例数据") else "pm-line"
        lines.append(f'<div class="{cls}">{escape(line)}</div>')
    return (f'<div class="pm-cover"><h1>{escape(slide.title)}</h1><div class="pm-rule"></div>'
            f'<div class="pm-lead">{escape(slide.subtitle)}</div>{"".join(lines)}</div>'), None


def _grid_shape(n: int) -> tuple[int, int]:
    rows = 1 if n <= 4 else 2 if n <= 8 else 3 if n <= 15 else 4
    return rows, max(1, math.ceil(n / rows))


def _overall_body(deck: Deck, slide: Slide, theme: str):
    rows = slide.rows
    n_rows, n_cols = _grid_shape(len(rows))
    tiles = []
    for _, r in rows.iterrows():
        status = _code(r["status"])
        target = fmt_value(r["target"], r["unit"], r["kind"]) if pd.notna(r["target"]) else "未设当年目标"
        tiles.append(
            f'<div class="pm-tile" style="border-left-color:{STATUS_COLORS[status]}">'
            f'<div class="pm-name">{escape(r["indicator"])}</div>'
            f'<div class="pm-big">{escape(fmt_value(r["actual"], r["unit"], r["kind"]))}</div>'
            f'<div class="pm-small">目标 {escape(target)} · 完成率 {fmt_rate(r["completion"])}</div>'
            f'{_chip(status, _status_text(r))}</div>')
    style = f"grid-template-columns:repeat({n_cols},1fr);grid-template-rows:repeat({n_rows},1fr)"
    return f'<div class="pm-tiles" style="{style}">{"".join(tiles)}</div>', None


def _parts(slide: Slide) -> tuple[pd.Series | None, pd.DataFrame, str]:
    """The place's own row, its parts' rows (prefectures, counties or towns), and the parts' level."""
    rows = slide.rows
    own = rows.iloc[0] if len(rows) and rows.iloc[0]["level"] in ("city", "county") else None
    parts = rows.iloc[1:] if own is not None else rows
    level = slide.part_level or ("town" if len(parts) and parts.iloc[0]["level"] == "town" else "county")
    return own, parts.reset_index(drop=True), level


def _place(row) -> str:
    """A part's name: a town's, else a county's or a prefecture's (held in the county column)."""
    return row["town"] if row["level"] == "town" else row["county"]


def _indicator_body(deck: Deck, slide: Slide, theme: str, scale: float = 1.0):
    own, parts, level = _parts(slide)
    if slide.no_chart:
        return _no_chart_body(deck, slide, own), None
    figure = indicator_figure(slide, theme, scale) if len(parts) else None
    if own is None:
        return '<div class="pm-none">暂无本级数据</div>', figure
    actual, table = _own_figures(own)
    if figure is None:
        return f'<div class="pm-kpi pm-wide">{actual}{table}</div>', None
    return (f'<div class="pm-kpi">{actual}{table}'
            f'<div class="pm-named">{_behind_named(parts, level)}</div></div>'), figure


def _no_chart_body(deck: Deck, slide: Slide, own) -> str:
    """A text slide where the chart would draw nothing: the sentence and 数据截至, under the place's own figures
    when it has any."""
    message = (f'<div class="pm-nochart"><div class="pm-msg">{escape(slide.no_chart)}</div>'
               f'<div class="pm-asof">{escape(deck.as_of_text)}</div></div>')
    if own is None or is_missing(own["actual"]):
        return f'<div class="pm-textslide">{message}</div>'
    actual, table = _own_figures(own)
    return f'<div class="pm-textslide"><div class="pm-kpi pm-wide">{actual}{table}</div>{message}</div>'


def _own_figures(own) -> tuple[str, str]:
    """The place's 实际 (big) and its table of target, 时序要求, gap, completion and 时序进度."""
    unit, kind = own["unit"], own["kind"]
    target = fmt_value(own["target"], unit, kind) if pd.notna(own["target"]) else "未设当年目标"
    table = "".join(f"<tr><td>{k}</td><td>{escape(v)}</td></tr>" for k, v in (
        ("年度目标", target),
        ("时序要求", fmt_expected(own["expected"], unit, kind, own["direction"])),
        ("差距", fmt_gap(own["gap"], unit, kind)),
        ("完成率", fmt_rate(own["completion"])),
        ("时序进度", fmt_rate(own["time_progress"])),
    ))
    actual = (f'<div><div class="pm-label">实际（{escape(fmt_date(own["as_of"]))}）</div>'
              f'<div class="pm-actual">{escape(fmt_value(own["actual"], unit, kind))}</div></div>')
    return actual, f"<table>{table}</table>"


def _behind_named(parts: pd.DataFrame, level: str) -> str:
    """The parts (prefectures, counties or towns) behind the time progress, named; the worst first."""
    who = LEVEL_LABELS[level]
    if parts["target"].isna().all():
        return f'<span class="pm-label">{NO_TARGET_BELOW.format(below=who)}，不排进度</span>'
    split = (f'<div class="pm-label">{who}目标为{TARGET_SOURCES["split"]}</div>'
             if (parts["target_source"] == "split").any() else "")
    if parts["status"].isna().all():
        return split + f'<span class="pm-label">各{who}暂无进度状态</span>'
    lines = []
    for status in ("far_behind", "behind"):
        names = [_place(r) for _, r in parts[parts["status"] == status].sort_values("completion").iterrows()]
        if names:
            lines.append(f'{_chip(status)} {escape("、".join(names))}')
    if not lines:
        return split + f'<span class="pm-label">各{who}均无滞后</span>'
    return split + "<br>".join(lines)


def indicator_figure(slide: Slide, theme: str = "light", scale: float = 1.0) -> go.Figure:
    """Counties' (or towns') 完成率 as bars coloured by status, best on top, each with its 时序进度 mark;
    where the plan sets no target below the place, the figures themselves, in grey. `scale` multiplies every
    type size and mark, for a slide drawn smaller than the window."""

    def px(size: float) -> int:
        return max(10, round(size * scale))

    _, parts, level = _parts(slide)
    t = THEMES[theme]
    names = [_place(r) for _, r in parts.iterrows()]
    parts = parts.assign(_name=names)
    by_completion = bool(parts["completion"].notna().any())
    fig = go.Figure()
    if by_completion:
        parts = parts.sort_values("completion", ascending=True, na_position="first")
        value = parts["completion"] * 100
        text = [("—" if pd.isna(v) else f"{v:.1f}%") for v in value]
        colors = [STATUS_COLORS[_code(s)] for s in parts["status"]]
        axis = "完成率"
    else:
        lower = (parts["direction"] == "lower").any()
        parts = parts.sort_values("actual", ascending=not lower, na_position="first")
        k = 100.0 if parts["unit"].iloc[0] == "%" else 1.0
        value = parts["actual"] * k
        text = [fmt_value(v, u, kd) for v, u, kd in zip(parts["actual"], parts["unit"], parts["kind"])]
        colors = [STATUS_COLORS[None]] * len(parts)
        axis = f"实际数（{parts['unit'].iloc[0]}，计划未分解到本级）"
    # Labels sit inside the bar at its start, clear of the 时序进度 mark near its end; on a crowded chart (many
    # towns) the bars are thin, and uniformtext keeps the labels at a readable size rather than shrinking them.
    few = len(parts) <= 10
    size = px(22 if few else 16)
    inside = [STATUS_TEXT[_code(s)] for s in parts["status"]] if by_completion else ["#ffffff"] * len(parts)
    fig.add_bar(y=parts["_name"], x=value, orientation="h", marker_color=colors, text=text,
                textposition="auto", insidetextanchor="start", cliponaxis=False,
                name="完成率" if by_completion else "实际", textfont=dict(size=size),
                insidetextfont=dict(size=size, color=inside), outsidetextfont=dict(size=size, color=t["fg"]),
                hovertemplate="%{y}<br>%{text}<extra></extra>")
    top = float(value.max(skipna=True)) if value.notna().any() else 0.0
    if by_completion:
        progress = parts["time_progress"] * 100
        if progress.notna().any():
            fig.add_scatter(y=parts["_name"], x=progress, mode="markers", name="时序进度",
                            marker=dict(symbol="line-ns", size=px(30), line=dict(width=max(2, round(4 * scale)), color=t["fg"])),
                            hovertemplate="%{y}<br>时序进度 %{x:.1f}%<extra></extra>")
            top = max(top, float(progress.max(skipna=True)))
        fig.add_vline(x=100, line_dash="dot", line_color=t["muted"], line_width=2)
        top = max(top, 100.0)
    # The axis is named in the chart's title: a projector needs the height for the bars.
    fig.update_xaxes(range=[0, top * 1.18 if top > 0 else 1], gridcolor=t["grid"], zerolinecolor=t["line"],
                     tickfont=dict(size=px(16)), ticksuffix="%" if by_completion else "", automargin=True)
    fig.update_yaxes(tickfont=dict(size=px(22 if few else 17)), automargin=True)
    if not by_completion and (parts["kind"] == "count").all() and parts["unit"].iloc[0] != "%" and top <= 10:
        fig.update_xaxes(dtick=1)  # counts of a few units: no half-village ticks
    who = f"各{LEVEL_LABELS[level]}"
    fig.update_layout(
        font=dict(family=FONT, size=px(18), color=t["fg"]), paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)", margin=dict(l=10, r=30, t=px(56), b=10), bargap=0.25 if few else 0.18,
        showlegend=by_completion, uniformtext=dict(minsize=px(14), mode="show"),
        title=dict(text=who + axis, font=dict(size=px(22), color=t["muted"]), x=0, xanchor="left", y=0.98,
                   yanchor="top"),
        legend=dict(orientation="h", x=1, xanchor="right", y=1.0, yanchor="bottom", font=dict(size=px(16))),
    )
    return fig


MATRIX_ROWS = 10  # rows the matrix slide shows at full size under long indicator names


def _matrix_body(deck: Deck, slide: Slide, theme: str):
    matrix = slide.rows
    names = {}
    for s in deck.slides:
        if s.kind == "indicator":
            names[s.indicator_id] = s.title
    shown = [c for c in matrix.columns if matrix[c].notna().any()]
    if matrix.empty or not shown:
        return f'<div class="pm-none">各{escape(slide.below)}暂无进度状态</div>', None
    head = "".join(f"<th>{escape(names.get(c, c))}</th>" for c in shown)
    body = []
    for county, row in matrix[shown].iterrows():
        codes = [_code(v) for v in row]
        cells = "".join(
            f'<td class="pm-cell" style="background:{STATUS_COLORS[v]};color:{STATUS_TEXT[v]}">'
            f'{escape(STATUS_LABELS.get(v, "—") if v else "—")}</td>' for v in codes)
        body.append(f'<tr><td class="pm-rowhead">{escape(county)}</td>{cells}</tr>')
    legend = "".join(_chip(s) for s in STATUS_LABELS) + _chip(None, "— 无目标/无数据")
    skipped = len(matrix.columns) - len(shown)
    note = f"；另有 {skipped} 项指标未分解到{escape(slide.below)}，不列入" if skipped else ""
    # more rows than a slide holds at full size (a province's 市（州）): the whole table smaller, never cut off
    scale = f' style="--pm-k:{MATRIX_ROWS / len(matrix):.3f}"' if len(matrix) > MATRIX_ROWS else ""
    return (f'<div class="pm-matrix-wrap"{scale}><table class="pm-matrix"><thead><tr><th class="pm-rowhead"></th>'
            f'{head}'
            f'</tr></thead><tbody>{"".join(body)}</tbody></table>'
            f'<div class="pm-legend">{legend}{note}</div></div>'), None


# The body's room in --u: a 16:9 slide is 100 wide and 56.25 high, less margins, head, footer and the tally line.
BODY_WIDTH, CARDS_HEIGHT = 94.0, 37.0
CARD_SIZES = (1.9, 1.7, 1.5, 1.35, 1.2, 1.05, 0.95, 0.85)


def cards_font(groups: list[tuple[str, list[str]]]) -> float:
    """The largest type (in --u) at which every indicator's row of chips fits the slide: chips wrap within the
    right column, and a row is as tall as its chip lines or its indicator name, whichever is taller."""
    for size in CARD_SIZES:
        name_width = BODY_WIDTH * 0.24
        chip_width = BODY_WIDTH * 0.76 - 1.2 * size
        height = 0.0
        for name, chips in groups:
            lines, used = 1, 0.0
            for chip in chips:
                width = (len(chip) * 0.6 + 1.4) * size  # CJK is 1em, digits and spaces about half
                if used and used + width > chip_width:
                    lines, used = lines + 1, 0.0
                used += width + 0.4 * size
            name_lines = math.ceil(len(name) * size / name_width)
            height += max(lines * 1.95, name_lines * 1.35) * size + 0.6 * size
        if height <= CARDS_HEIGHT:
            return size
    return CARD_SIZES[-1]


def _cards_body(deck: Deck, slide: Slide, theme: str):
    cards = slide.rows
    if cards.empty:
        return '<div class="pm-none">本年度没有红黄牌</div>', None
    order = {s.indicator_id: i for i, s in enumerate(deck.slides) if s.kind == "indicator"}
    groups = sorted(cards.groupby("indicator_id", sort=False), key=lambda g: order.get(g[0], len(order)))
    texts = [(g["indicator"].iloc[0], [f'{r["responsible"]} {fmt_rate(r["completion"])}' for _, r in g.iterrows()])
             for _, g in groups]
    size = cards_font(texts)
    rows = []
    for (_, group), (name, labels) in zip(groups, texts):
        chips = "".join(_chip(status, label) for status, label in zip(group["status"], labels))
        rows.append(f'<div class="pm-ind">{escape(name)}</div><div class="pm-who">{chips}</div>')
    red, yellow = int((cards["card"] == "红牌").sum()), int((cards["card"] == "黄牌").sum())
    tally = (f'<div class="pm-tally">{_chip("far_behind", f"红牌 {red} 张")}严重滞后'
             f'<span class="pm-gap"></span>{_chip("behind", f"黄牌 {yellow} 张")}滞后'
             f'<span class="pm-gap"></span><span class="pm-label">牌上为责任单位及其完成率</span></div>')
    return f'{tally}<div class="pm-cards" style="font-size:calc(var(--u)*{size})">{"".join(rows)}</div>', None


WHO_SHOWN = 5  # reporters named on an item line; the rest are counted


def _tasks_body(deck: Deck, slide: Slide, theme: str):
    """The ledger's assignments by group as three big tiles and the 督办 items by colour on the left; the 逾期 and
    滞后 items, most urgent first, on the right."""
    f = slide.tasks
    tiles = []
    for group, label, n in group_lines(f):
        status = GROUP_STATUS[group]
        extra = f'<span class="pm-extra">其中逾期 {f.overdue} 个</span>' if group == "behind" and f.overdue else ""
        tiles.append(f'<div class="pm-tgroup" data-group="{group}" style="background:{STATUS_COLORS[status]};'
                     f'color:{STATUS_TEXT[status]}"><span class="pm-n">{n}</span>'
                     f'<span class="pm-what">{escape(label)}（个）</span>{extra}</div>')
    sup = ""
    if f.supervision:
        chips = "".join(
            f'<span class="pm-chip" style="background:{SUPERVISION_COLORS[c]};color:{SUPERVISION_TEXT[c]}">'
            f'{escape(SUPERVISION_SHORT[c])} {f.supervision[c]}</span>' for c in ("red", "yellow", "blue"))
        sup = (f'<div class="pm-sup" data-open="{f.open_items}"><div class="pm-suphead">督办事项未销号 {f.open_items} 项'
               f'</div><div>{chips}</div><div>已自动销号 {f.supervision["grey"]} 项 · '
               f'整改措施 {f.measures} 条</div></div>')
    shown, more = shown_items(f)
    lines = []
    for r in shown.itertuples(index=False):
        status = GROUP_STATUS["overdue" if r.state == "overdue" else "behind"]
        who = "、".join(r.reporters[:WHO_SHOWN]) + (f" 等 {len(r.reporters)} 个" if len(r.reporters) > WHO_SHOWN else "")
        lines.append(f'<div class="pm-item">{_chip(status, r.state_label)}'
                     f'<div class="pm-ititle">{escape(r.title)}</div>'
                     f'<div class="pm-iwho">{escape(who)} · {escape(r.detail)}</div></div>')
    if not lines:
        lines.append('<div class="pm-none">没有逾期或滞后的任务</div>')
    if more:
        lines.append(f'<div class="pm-more">…… 等 {len(f.items)} 项（另 {more} 项见任务台账）</div>')
    right = (f'<div class="pm-items"><div class="pm-ihead">逾期和滞后事项（最紧急在前）</div>'
             f'{"".join(lines)}</div>')
    return (f'<div class="pm-tasks"><div class="pm-tasks-left">{"".join(tiles)}{sup}</div>{right}</div>'), None


def _summary_body(deck: Deck, slide: Slide, theme: str):
    counts, lines = [], []
    by_label = {label: code for code, label in STATUS_LABELS.items()}
    for line in slide.bullets:
        label, _, rest = line.partition(" ")
        code = by_label.get(label)
        if code and rest.endswith("项"):
            counts.append(f'<div class="pm-count" style="background:{STATUS_COLORS[code]};color:{STATUS_TEXT[code]}">'
                          f'<div class="pm-n">{escape(rest[:-1].strip())}</div>'
                          f'<div class="pm-what">{escape(label)}（项）</div>'
                          f'</div>')
        else:
            lines.append(f"<li>{escape(line)}</li>")
    grid = f'<div class="pm-counts">{"".join(counts)}</div>' if counts else ""
    return f'<div class="pm-summary">{grid}<ul class="pm-lines">{"".join(lines)}</ul></div>', None


_BODIES = {"title": _title_body, "overall": _overall_body, "indicator": _indicator_body, "matrix": _matrix_body,
           "cards": _cards_body, "tasks": _tasks_body, "summary": _summary_body}
