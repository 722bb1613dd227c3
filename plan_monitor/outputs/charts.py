"""Chart builders: pure functions from view data to Plotly figures, one status palette everywhere."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from plan_monitor.metrics.trajectory import STATUS_LABELS
from plan_monitor.present.format import fmt_carried
from plan_monitor.present.palette import STATUS_COLORS
from plan_monitor.sources.report_dates import report_timestamps, year_end

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
NO_STATUS = STATUS_COLORS[None]
LEGEND_ORDER = ["met", "on_pace", "behind", "far_behind"]


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
    """Room to the right of the longest bar for its value printed outside it."""
    if not top == top or top <= 0:
        return [0, 1 if unit != "%" else 100]
    return [0, top * 1.15]


def _status_legend(fig: go.Figure, statuses) -> None:
    """Legend entries in the status colours for bars coloured by status (the bar trace itself stays out of the
    legend: its one swatch would show whichever colour its first bar has). Only the statuses of bars drawn are
    listed: a place without data has no bar, so its grey is not explained."""
    drawn = set(statuses)
    entries = [(STATUS_LABELS[c], STATUS_COLORS[c]) for c in LEGEND_ORDER if c in drawn]
    if any(not isinstance(s, str) or s not in STATUS_COLORS for s in drawn):
        entries.append(("无目标/无数据", NO_STATUS))
    for label, color in entries:  # no points: a legend entry only, nothing drawn, no category added
        fig.add_bar(x=[None], y=[None], orientation="h", name=label, marker_color=color,
                    hoverinfo="skip")


def completion_bars(city: pd.DataFrame) -> go.Figure:
    """完成率 per indicator, coloured by status, with the scorecard's 时序进度 mark."""
    rows = city.iloc[::-1]
    comp = rows["completion"] * 100
    fig = go.Figure()
    fig.add_bar(y=rows["indicator"], x=comp, orientation="h", marker_color=[_color(s) for s in rows["status"]],
                text=[("—" if pd.isna(v) else f"{v:.1f}%") for v in comp], textposition="outside",
                customdata=rows["indicator_id"], name="完成率", showlegend=False,
                hovertemplate="%{y}<br>完成率 %{x:.1f}%<extra></extra>")
    progress = rows["time_progress"] * 100
    fig.add_scatter(y=rows["indicator"], x=progress, mode="markers", name="时序进度",
                    marker=dict(symbol="line-ns", size=26, line=dict(width=3, color="#222")),
                    hovertemplate="%{y}<br>时序进度 %{x:.1f}%<extra></extra>")
    _status_legend(fig, rows.loc[comp.notna(), "status"])
    fig.add_vline(x=100, line_dash="dot", line_color="#888")
    top = float(comp.max(skipna=True)) if comp.notna().any() else 0.0
    fig.update_xaxes(title="完成率", range=[0, max(120, top + 15)], gridcolor="#eee", **_value_axis("%", top))
    return _layout(fig, 60 + 42 * len(rows), legend=dict(orientation="h", y=1.02, yanchor="bottom"))


def county_bars(rows: pd.DataFrame, unit: str, kind: str, direction: str) -> go.Figure:
    """Counties' figures, ranked, coloured by status; target markers where a quota or share target applies.
    customdata carries the county name so a click can drill into its towns."""
    k = _scale(unit)
    rows = rows.iloc[::-1]
    fig = go.Figure()
    fig.add_bar(y=rows["county"], x=rows["actual"] * k, orientation="h", customdata=rows["county"],
                marker_color=[_color(s) for s in rows["status"]], name="实际", showlegend=False,
                text=[_label(v, unit) for v in rows["actual"]], textposition="outside",
                hovertemplate="%{y}<br>实际 %{x:.4g}" + _axis_unit(unit) + "<extra>点击查看乡镇</extra>")
    _mark_carried(fig, rows, "county")
    _status_legend(fig, rows.loc[rows["actual"].notna(), "status"])
    if rows["target"].notna().any():
        fig.add_scatter(y=rows["county"], x=rows["target"] * k, mode="markers", name="目标",
                        marker=dict(symbol="line-ns", size=28, line=dict(width=3, color="#222")),
                        hovertemplate="%{y}<br>目标 %{x:.4g}<extra></extra>")
    title = f"{'未达标单位数' if kind == 'threshold' else '实际'}（{_axis_unit(unit)}）"
    top = _top(rows["actual"] * k, rows["target"] * k)
    fig.update_xaxes(title=title, gridcolor="#eee", range=_bar_range(top, unit), **_value_axis(unit, top))
    return _layout(fig, 80 + 44 * len(rows), legend=dict(orientation="h", y=1.02, yanchor="bottom"),
                   clickmode="event+select")


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


def status_heatmap(matrix: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """County × indicator matrix of 红/黄/绿 cards; grey where no status applies (no quota, no data)."""
    codes = {None: 0, "met": 1, "on_pace": 2, "behind": 3, "far_behind": 4}
    z = [[codes.get(v, 0) for v in row] for row in matrix.itertuples(index=False)]
    text = [[STATUS_LABELS.get(v, "—") if v else "—" for v in row] for row in matrix.itertuples(index=False)]
    palette = [NO_STATUS, STATUS_COLORS["met"], STATUS_COLORS["on_pace"], STATUS_COLORS["behind"], STATUS_COLORS["far_behind"]]
    scale = []
    for i, color in enumerate(palette):
        scale += [[i / 5, color], [(i + 1) / 5, color]]
    fig = go.Figure(go.Heatmap(
        z=z, x=[names.get(c, c) for c in matrix.columns], y=list(matrix.index), text=text, texttemplate="%{text}",
        colorscale=scale, zmin=0, zmax=5, showscale=False, xgap=3, ygap=3,
        hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top", tickangle=-30)
    return _layout(fig, 140 + 46 * len(matrix), margin=dict(l=10, r=10, t=150, b=10))


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
    fig.add_scatter(x=when, y=actual * k, mode="lines+markers+text", name="实际" + ("（累计）" if flow else ""),
                    line=dict(color="#1f5fbf", width=4), marker=dict(size=10), textfont=dict(size=15),
                    text=[_label(v, unit) for v in actual], textposition="top left",
                    hovertemplate="%{x|%Y年%m月%d日} 实际 %{y:.4g}<extra></extra>")
    last = rows.dropna(subset=["projected"]).tail(1)
    if len(last):
        i = last.index[0]
        fig.add_scatter(x=[when.loc[i], pd.Timestamp(year_end(plan_end))], y=[actual.loc[i] * k, last["projected"].iloc[0] * k],
                        mode="lines+markers", name="按当前进度推算至期末", line=dict(dash="dot", color="#d1242f", width=3),
                        marker=dict(size=9), hovertemplate="期末推算 %{y:.4g}<extra></extra>")
    fig.update_xaxes(tickformat="%Y年%m月", title=None, gridcolor="#f3f3f3")
    top = _top(targets * k, actual * k, rows["projected"] * k)
    fig.update_yaxes(title=_axis_unit(unit), gridcolor="#eee", rangemode="tozero", **_value_axis(unit, top))
    return _layout(fig, 440, legend=dict(orientation="h", y=-0.15), margin=dict(l=10, r=20, t=20, b=10))


def town_bars(rows: pd.DataFrame, unit: str) -> go.Figure:
    k = _scale(unit)
    rows = rows.iloc[::-1]
    fig = go.Figure(go.Bar(y=rows["town"], x=rows["actual"] * k, orientation="h", customdata=rows["town"],
                           marker_color=[_color(s) for s in rows["status"]], name="实际", showlegend=False,
                           text=[_label(v, unit) for v in rows["actual"]], textposition="outside",
                           hovertemplate="%{y}<br>%{x:.4g}<extra>点击查看村（社区）</extra>"))
    _mark_carried(fig, rows, "town")
    _status_legend(fig, rows.loc[rows["actual"].notna(), "status"])
    if rows["target"].notna().any():
        fig.add_scatter(y=rows["town"], x=rows["target"] * k, mode="markers", name="目标",
                        marker=dict(symbol="line-ns", size=24, line=dict(width=3, color="#222")))
    top = _top(rows["actual"] * k, rows["target"] * k)
    fig.update_xaxes(title=_axis_unit(unit), gridcolor="#eee", range=_bar_range(top, unit), **_value_axis(unit, top))
    return _layout(fig, 80 + 34 * len(rows), legend=dict(orientation="h", y=1.02, yanchor="bottom"),
                   clickmode="event+select")


def legend_html() -> str:
    """The status legend as small coloured chips, so every page explains the same colours the same way."""
    chips = "".join(f'<span style="display:inline-block;margin-right:14px"><span style="display:inline-block;width:14px;'
                    f'height:14px;border-radius:3px;background:{STATUS_COLORS[c]};vertical-align:-2px"></span> '
                    f'{STATUS_LABELS[c]}</span>' for c in LEGEND_ORDER)
    return chips + f'<span style="display:inline-block;width:14px;height:14px;border-radius:3px;background:{NO_STATUS};vertical-align:-2px"></span> 无目标/无数据'
