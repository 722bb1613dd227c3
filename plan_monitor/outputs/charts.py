"""Chart builders: pure functions from view data to Plotly figures, one status palette everywhere."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from plan_monitor.metrics.trajectory import STATUS_LABELS
from plan_monitor.present.bars import LEGEND_ORDER, completion_span, label_places, legend_entries
from plan_monitor.present.format import fmt_carried
from plan_monitor.present.palette import STATUS_COLORS, STATUS_TEXT
from plan_monitor.sources.report_dates import report_timestamps, year_end

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
NO_STATUS = STATUS_COLORS[None]
LABEL_ROOM = 80  # right margin (px) for a value label printed past the longest bar


def _layout(fig: go.Figure, height: int, **kw) -> go.Figure:
    """Common layout. The axes grow the margins to fit their labels themselves (automargin) rather than through a
    template: inside the app, Plotly's default template is Streamlit's, which has no automargin, so a figure
    built there and drawn as an image would lose its county names and ticks past the small fixed margins."""
    kw.setdefault("margin", dict(l=10, r=50, t=40, b=10))  # r: the last tick label (120%) centres on the edge
    fig.update_layout(font=dict(family=FONT, size=16), height=height, plot_bgcolor="white", paper_bgcolor="white", **kw)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def _scale(unit: str) -> float:
    return 100.0 if unit == "%" else 1.0


def _axis_unit(unit: str) -> str:
    return "%" if unit == "%" else unit


def _color(status) -> str:
    return STATUS_COLORS.get(status, NO_STATUS) if status else NO_STATUS


def _value_axis(unit: str, top: float) -> dict:
    """Ticks of a value axis: a percent sign on shares, whole numbers on counts (no 0.2 units or 0.5 people),
    with a step of at least 1 when the largest value (top) is small."""
    if unit == "%":
        return dict(ticksuffix="%")
    ticks = dict(tickformat=",d")
    if not top == top or top <= 10:  # NaN: no data drawn, keep 0–1 whole
        ticks.update(tick0=0, dtick=1)
    elif top <= 20:
        ticks.update(tick0=0, dtick=2)
    return ticks


def _top(*values: pd.Series) -> float:
    return max((float(v.max(skipna=True)) for v in values if v.notna().any()), default=float("nan"))


def _bar_range(top: float, unit: str) -> list[float]:
    """A little room to the right of the longest bar or mark; its value label may reach on into the right margin."""
    if not top == top or top <= 0:
        return [0, 1 if unit != "%" else 100]
    return [0, top * 1.08]


def _value_labels(fig: go.Figure, places, values, marks, texts, span: float, statuses=None) -> None:
    """Each bar's value printed at its bar, and never across its mark (时序进度 or 目标): just past the bar when the
    mark is behind the bar's end or far enough ahead (a quarter of the axis, span) to leave room for the label
    between them. When the mark is just ahead, inside the bar's end in the bar's text colour (a label printed past
    the mark would read as the mark's value), or past the mark when the bar is too short to hold it. Outside the
    bar on a white ground, so a grid or reference line behind the label does not strike through it either. Drawn
    as annotations, which may reach into the right margin."""
    statuses = list(statuses) if statuses is not None else [None] * len(list(texts))
    labels = []
    # present.bars.label_places: the one rule, shared with the overview's HTML chart
    for place, text, status, (x, inside) in zip(places, texts, statuses, label_places(values, marks, span)):
        if inside:
            code = status if status in STATUS_TEXT else None
            labels.append(dict(x=x, y=place, text=text, showarrow=False, xanchor="right", xshift=-6,
                               font=dict(size=15, color=STATUS_TEXT[code])))
            continue
        labels.append(dict(x=x, y=place, text=text, showarrow=False, xanchor="left",
                           xshift=8, font=dict(size=15, color="#444"), bgcolor="white", borderpad=1))
    # one assignment: add_annotation per bar copies the figure's annotations each time (quadratic: 0.8 s for the
    # ~100 counties of a province)
    fig.layout.annotations = tuple(fig.layout.annotations) + tuple(go.layout.Annotation(a) for a in labels)


def _status_legend(fig: go.Figure, statuses) -> None:
    """Legend entries in the status colours for bars coloured by status (the bar trace itself stays out of the
    legend: its one swatch would show whichever colour its first bar has). Only the statuses of bars drawn are
    listed: a place without data has no bar, so its grey is not explained."""
    entries = legend_entries(statuses)
    for label, color in entries:  # no points: a legend entry only, nothing drawn, no category added
        fig.add_bar(x=[None], y=[None], orientation="h", name=label, marker_color=color,
                    hoverinfo="skip")


def completion_bars(city: pd.DataFrame) -> go.Figure:
    """完成率 per indicator, coloured by status, with the scorecard's 时序进度 mark."""
    rows = city.iloc[::-1]
    comp = rows["completion"] * 100
    fig = go.Figure()
    fig.add_bar(y=rows["indicator"], x=comp, orientation="h", marker_color=[_color(s) for s in rows["status"]],
                customdata=rows["indicator_id"], name="完成率", showlegend=False,
                hovertemplate="%{y}<br>完成率 %{x:.1f}%<extra></extra>")
    progress = rows["time_progress"] * 100
    fig.add_scatter(y=rows["indicator"], x=progress, mode="markers", name="时序进度",
                    marker=dict(symbol="line-ns", size=26, line=dict(width=3, color="#222")),
                    hovertemplate="%{y}<br>时序进度 %{x:.1f}%<extra></extra>")
    _status_legend(fig, rows.loc[comp.notna(), "status"])
    fig.add_vline(x=100, line_dash="dot", line_color="#888", layer="below")
    top = _top(comp, progress)
    span = completion_span(comp, progress)
    _value_labels(fig, rows["indicator"], comp, progress, [("—" if pd.isna(v) else f"{v:.1f}%") for v in comp], span,
                  rows["status"])
    fig.update_xaxes(title="完成率", range=[0, span], gridcolor="#eee", **_value_axis("%", top))
    return _layout(fig, 60 + 42 * len(rows), legend=dict(orientation="h", y=1.02, yanchor="bottom"),
                   margin=dict(l=10, r=LABEL_ROOM, t=40, b=10))


def county_bars(rows: pd.DataFrame, unit: str, kind: str, direction: str, hint: str = "点击查看乡镇") -> go.Figure:
    """Counties' figures, ranked, coloured by status; target markers where a quota or share target applies.
    customdata carries the county name so a click can drill into its towns (or, for prefectures' bars, into the
    prefecture's counties: `hint` says which)."""
    k = _scale(unit)
    rows = rows.iloc[::-1]
    fig = go.Figure()
    fig.add_bar(y=rows["county"], x=rows["actual"] * k, orientation="h", customdata=rows["county"],
                marker_color=[_color(s) for s in rows["status"]], name="实际", showlegend=False,
                hovertemplate="%{y}<br>实际 %{x:.4g}" + _axis_unit(unit) + f"<extra>{hint}</extra>")
    _mark_carried(fig, rows, "county")
    _status_legend(fig, rows.loc[rows["actual"].notna(), "status"])
    if rows["target"].notna().any():
        fig.add_scatter(y=rows["county"], x=rows["target"] * k, mode="markers", name="目标",
                        marker=dict(symbol="line-ns", size=28, line=dict(width=3, color="#222")),
                        hovertemplate="%{y}<br>目标 %{x:.4g}<extra></extra>")
    title = f"{'未达标单位数' if kind == 'threshold' else '实际'}（{_axis_unit(unit)}）"
    top = _top(rows["actual"] * k, rows["target"] * k)
    span = _bar_range(top, unit)
    _value_labels(fig, rows["county"], rows["actual"] * k, rows["target"] * k, [_label(v, unit) for v in rows["actual"]],
                  span[1], rows["status"])
    fig.update_xaxes(title=title, gridcolor="#eee", range=span, **_value_axis(unit, top))
    return _layout(fig, 80 + 44 * len(rows), legend=dict(orientation="h", y=1.02, yanchor="bottom"),
                   clickmode="event+select", margin=dict(l=10, r=LABEL_ROOM, t=40, b=10))


def _mark_carried(fig: go.Figure, rows: pd.DataFrame, column: str) -> None:
    """Under the name of each county or town carried from an older report, its 沿用 mark (the bars keep the
    plain names, so a click still names the place)."""
    if "carried_from" not in rows or rows["carried_from"].isna().all():
        return
    ticks = [name if pd.isna(day) else f"{name}<br><span style='font-size:11px;color:#9a3412'>{fmt_carried(day)}</span>"
             for name, day in zip(rows[column], rows["carried_from"])]
    fig.update_yaxes(tickmode="array", tickvals=list(rows[column]), ticktext=ticks)


def _label(value, unit: str) -> str:
    if pd.isna(value):
        return "无数据"
    return f"{value * 100:.1f}%" if unit == "%" else f"{value:,.0f}"


# A cell holds a two-character word rather than the status name: 严重滞后 does not fit a county's column on a
# projector; the colour and the legend say the rest, and hovering a cell gives the full name.
CELL_WORDS = {"met": "完成", "on_pace": "正常", "behind": "滞后", "far_behind": "严重"}


def _wrap(text: str, width: int) -> str:
    """A name on lines of at most width characters, balanced (荆州经济技术开发区 → 荆州经<br>济技术<br>开发区)."""
    lines = -(-len(text) // width)
    if lines <= 1:
        return text
    step = -(-len(text) // lines)
    return "<br>".join(text[i:i + step] for i in range(0, len(text), step))


def _county_head(name: str) -> str:
    """A county's column heading: the name wrapped to the column, and its 沿用 mark (沙市区（沿用 9月30日 数据）)
    below it in small type, one word a line."""
    head, _, note = name.partition("（")
    note = note.rstrip("）")
    text = _wrap(head, 4)
    if note:
        text += "<br>" + "<br>".join(f"<span style='font-size:11px;color:#9a3412'>{w}</span>" for w in note.split())
    return text


def status_heatmap(matrix: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Indicator × county matrix of 红/黄/绿 cards; grey where no status applies (no quota, no data). The indicators
    run down the side with their full names and the counties across the top (short names, wrapped), so the
    matrix stays legible at a projector's 1280 pixels; each cell holds a two-character word on its status colour,
    a legend names the colours, and hovering a cell gives the county, the indicator and the full status."""
    codes = {None: 0, "met": 1, "on_pace": 2, "behind": 3, "far_behind": 4}
    cells = matrix.T  # rows: indicators, columns: counties
    z = [[codes.get(v, 0) if isinstance(v, str) else 0 for v in row] for row in cells.itertuples(index=False)]
    words = [[CELL_WORDS.get(v, "—") if isinstance(v, str) else "—" for v in row] for row in cells.itertuples(index=False)]
    full = [[STATUS_LABELS.get(v, "无目标/无数据") if isinstance(v, str) else "无目标/无数据" for v in row]
            for row in cells.itertuples(index=False)]
    palette = [NO_STATUS, STATUS_COLORS["met"], STATUS_COLORS["on_pace"], STATUS_COLORS["behind"], STATUS_COLORS["far_behind"]]
    scale = []
    for i, color in enumerate(palette):
        scale += [[i / 5, color], [(i + 1) / 5, color]]
    counties = list(cells.columns)
    indicators = [names.get(c, c) for c in cells.index]
    fig = go.Figure(go.Heatmap(
        z=z, x=counties, y=indicators, text=words, texttemplate="%{text}", textfont=dict(size=14),
        customdata=full, colorscale=scale, zmin=0, zmax=5, showscale=False, xgap=3, ygap=3,
        hovertemplate="%{x} · %{y}<br>%{customdata}<extra></extra>"))
    for code in LEGEND_ORDER + [None]:  # legend entries only: square swatches, nothing drawn
        fig.add_scatter(x=[None], y=[None], mode="markers", name=STATUS_LABELS.get(code, "无目标/无数据"),
                        marker=dict(symbol="square", size=14, color=STATUS_COLORS[code]), hoverinfo="skip")
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=14))
    fig.update_xaxes(side="top", tickangle=0, tickmode="array", tickvals=counties,
                     ticktext=[_county_head(c) for c in counties], tickfont=dict(size=14))
    return _layout(fig, 120 + 40 * len(cells), margin=dict(l=10, r=10, t=10, b=10),
                   legend=dict(orientation="h", x=0, y=-0.02, yanchor="top"))


def trend_chart(rows: pd.DataFrame, unit: str, plan_end: int) -> go.Figure:
    """Target trajectory vs actual on a real time axis (a Q3 report sits at 30 Sep, not at year end),
    with the projection from the latest report to the plan's end at the observed pace."""
    k = _scale(unit)
    flow = (rows["measure"] == "flow").any()
    actual = rows["cumulative"].where(rows["cumulative"].notna(), rows["actual"]) if flow else rows["actual"]
    targets = rows["target"].cumsum() if flow else rows["target"]
    ends = pd.to_datetime(rows["year"].map(year_end))  # a year's target stands at its end
    when = report_timestamps(rows["as_of"], rows["year"])
    fig = go.Figure()
    fig.add_scatter(x=ends, y=targets * k, mode="markers+lines", name="年度目标" + ("（累计）" if flow else ""),
                    line=dict(dash="dash", color="#555"), marker=dict(size=11, symbol="diamond-open"), connectgaps=True,
                    hovertemplate="%{x|%Y年}目标 %{y:.4g}<extra></extra>")
    fig.add_scatter(x=when, y=actual * k, mode="lines+markers", name="实际" + ("（累计）" if flow else ""),
                    line=dict(color="#1f5fbf", width=4), marker=dict(size=10),
                    hovertemplate="%{x|%Y年%m月%d日} 实际 %{y:.4g}<extra></extra>")
    last = rows.dropna(subset=["projected"]).tail(1)
    projected = None
    if len(last):
        i = last.index[0]
        projected = (pd.Timestamp(year_end(plan_end)), last["projected"].iloc[0] * k)
        fig.add_scatter(x=[when.loc[i], projected[0]], y=[actual.loc[i] * k, projected[1]],
                        mode="lines+markers", name="按当前进度推算至期末", line=dict(dash="dot", color="#d1242f", width=3),
                        marker=dict(size=9), hovertemplate="期末推算 %{y:.4g}<extra></extra>")
    _trend_labels(fig, when, actual * k, ends, targets * k, projected, unit)
    fig.update_xaxes(tickformat="%Y年%m月", title=None, gridcolor="#f3f3f3")
    top = _top(targets * k, actual * k, rows["projected"] * k)
    fig.update_yaxes(title=None, gridcolor="#eee", rangemode="tozero", **_value_axis(unit, top))
    if unit != "%":  # a share's ticks carry their % sign; a count's unit stands upright above its axis
        fig.add_annotation(text=f"单位：{_axis_unit(unit)}", xref="paper", yref="paper", x=0, y=1, xanchor="left",
                           yanchor="bottom", yshift=8, showarrow=False, font=dict(size=14, color="#555"))
    return _layout(fig, 440, legend=dict(orientation="h", y=-0.15), margin=dict(l=10, r=20, t=44, b=10))


def _trend_labels(fig: go.Figure, when: pd.Series, actual: pd.Series, ends: pd.Series, targets: pd.Series,
                  projected: tuple | None, unit: str) -> None:
    """Each actual figure beside its point, in a corner no line runs through: the line comes into a point from
    one left corner and leaves it towards one right corner, so the label takes a free corner, the upper one
    when the target path runs below the point, else the lower one."""
    points = [(t, v) for t, v in zip(when, actual) if pd.notna(v)]
    points_out = points + ([projected] if projected is not None else [])
    plan = targets.notna()
    xs = ends[plan].map(pd.Timestamp.timestamp).tolist()
    ys = targets[plan].tolist()
    for n, (t, v) in enumerate(points):
        before = points[n - 1][1] if n > 0 else None
        after = points_out[n + 1][1] if n + 1 < len(points_out) else None
        corners = {("left", "top"): before is None or before <= v, ("left", "bottom"): before is None or before >= v,
                   ("right", "top"): after is None or after <= v, ("right", "bottom"): after is None or after >= v}
        free = [c for c, ok in corners.items() if ok]
        target = _interp(t.timestamp(), xs, ys)
        side = "top" if target is None or v >= target else "bottom"
        # the corner away from the target path; a peak or a valley leaves only one side free
        x_side, y_side = next((c for c in free if c[1] == side), free[0] if free else ("left", side))
        fig.add_annotation(x=t, y=v, text=_label(v / _scale(unit), unit), showarrow=False, font=dict(size=15, color="#333"),
                           xanchor="right" if x_side == "left" else "left", yanchor="bottom" if y_side == "top" else "top",
                           xshift=-7 if x_side == "left" else 7, yshift=7 if y_side == "top" else -7)


def _interp(x: float, xs: list[float], ys: list[float]) -> float | None:
    """The target path's value at x (straight between year ends), or None outside it."""
    if not xs or x < xs[0] or x > xs[-1]:
        return ys[0] if len(xs) == 1 and x == xs[0] else None
    for (x0, y0), (x1, y1) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
        if x0 <= x <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return ys[-1]


def town_bars(rows: pd.DataFrame, unit: str) -> go.Figure:
    k = _scale(unit)
    rows = rows.iloc[::-1]
    fig = go.Figure(go.Bar(y=rows["town"], x=rows["actual"] * k, orientation="h", customdata=rows["town"],
                           marker_color=[_color(s) for s in rows["status"]], name="实际", showlegend=False,
                           hovertemplate="%{y}<br>%{x:.4g}<extra>点击查看村（社区）</extra>"))
    _mark_carried(fig, rows, "town")
    _status_legend(fig, rows.loc[rows["actual"].notna(), "status"])
    if rows["target"].notna().any():
        fig.add_scatter(y=rows["town"], x=rows["target"] * k, mode="markers", name="目标",
                        marker=dict(symbol="line-ns", size=24, line=dict(width=3, color="#222")))
    top = _top(rows["actual"] * k, rows["target"] * k)
    span = _bar_range(top, unit)
    _value_labels(fig, rows["town"], rows["actual"] * k, rows["target"] * k, [_label(v, unit) for v in rows["actual"]],
                  span[1], rows["status"])
    fig.update_xaxes(title=f"实际（{_axis_unit(unit)}）", gridcolor="#eee", range=span, **_value_axis(unit, top))
    return _layout(fig, 80 + 34 * len(rows), legend=dict(orientation="h", y=1.02, yanchor="bottom"),
                   clickmode="event+select", margin=dict(l=10, r=LABEL_ROOM, t=40, b=10))


def legend_html() -> str:
    """The status legend as small coloured chips, so every page explains the same colours the same way."""
    chips = "".join(f'<span style="display:inline-block;margin-right:14px"><span style="display:inline-block;width:14px;'
                    f'height:14px;border-radius:3px;background:{STATUS_COLORS[c]};vertical-align:-2px"></span> '
                    f'{STATUS_LABELS[c]}</span>' for c in LEGEND_ORDER)
    return chips + f'<span style="display:inline-block;width:14px;height:14px;border-radius:3px;background:{NO_STATUS};vertical-align:-2px"></span> 无目标/无数据'
