"""What 总览 shows for a year, built once per Monitor and year (ui.context.memo) and shared by every session: the
page draws it, and the server's warm-up (ui.context.warm) builds the default year's before the first reader asks."""

from __future__ import annotations

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.charts import completion_bars, status_heatmap
from plan_monitor.present.bars import completion_bars_html
from plan_monitor.present.cards import cards_html, overview_cards, status_summary
from plan_monitor.present.format import fmt_expected, fmt_rate, fmt_value
from plan_monitor.present.views import overview, status_matrix
from plan_monitor.ui.context import memo


def overview_view(m: Monitor, year: int) -> dict:
    """The page's parts for the year (never changed by a caller)."""
    return memo(m, ("overview_page", year), lambda: build(m, year))


def build(m: Monitor, year: int) -> dict:
    city, attention = overview(m, year)
    cards = overview_cards(city)
    table = None
    if not attention.empty:
        table = attention.assign(
            实际=[fmt_value(v, u, k) for v, u, k in zip(attention["actual"], attention["unit"], attention["kind"])],
            时序要求=[fmt_expected(v, u, k, d) for v, u, k, d in
                  zip(attention["expected"], attention["unit"], attention["kind"], attention["direction"])],
            完成率=attention["completion"].map(fmt_rate),
            时序进度=attention["time_progress"].map(fmt_rate),
        ).rename(columns={"indicator": "指标", "place": "地区", "status_label": "状态"})
        table = table[["状态", "指标", "地区", "实际", "时序要求", "完成率", "时序进度"]]
    prefectures = None
    if m.geo.has_prefectures:  # a province's or the nation's plan: its prefectures × indicators
        matrix = status_matrix(m, year, level="prefecture")
        names = {i.id: i.name for i in m.plan.indicators}
        prefectures = (matrix, status_heatmap(matrix, names), names) if len(matrix.columns) else None
    return {"empty": bool(city["actual"].isna().all()), "prefectures": prefectures,
            "cards": f'<div class="pm-summary">{status_summary(cards)}</div>{cards_html(cards)}',
            # drawn as HTML (no Plotly JavaScript on the first page); the figure is for the image downloads
            "bars": completion_bars_html(city), "fig": completion_bars(city), "attention": attention, "table": table}
