"""总览: one compact card per indicator (all on the first screen at 1280×720), the completion chart and the
needs-attention list. Everything below the header depends only on the Monitor and the year: built once per both
(ui.context.memo), so a rerun draws what is already built."""

import streamlit as st

from plan_monitor.outputs.charts import completion_bars, status_heatmap
from plan_monitor.outputs.export_table import attention_export, export_note, scorecard_export, status_matrix_export
from plan_monitor.present.bars import completion_bars_html
from plan_monitor.present.cards import cards_html, overview_cards, status_summary
from plan_monitor.present.format import fmt_expected, fmt_rate, fmt_value
from plan_monitor.present.views import overview, status_matrix
from plan_monitor.ui.context import export_note_of, header, memo, monitor
from plan_monitor.ui.downloads import chart_buttons, xlsx_button
from plan_monitor.ui.tables import dataframe


def build(m, year: int) -> dict:
    """What the page shows for a year, built once per Monitor and year; shared by every session, never changed."""
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


m, year = monitor()
header(m, year, "总览")
view = memo(m, ("overview_page", year), lambda: build(m, year))
note = export_note_of(m, year)

if view["empty"]:
    st.info(f"{year}年尚无报送数据。")
st.markdown(view["cards"], unsafe_allow_html=True)

st.markdown("### 各指标完成率与时序进度")
st.markdown(view["bars"], unsafe_allow_html=True)
chart_buttons(view["fig"], f"各指标完成率_{year}", f"{year}年各指标完成率与时序进度", note)

if view["prefectures"] is not None:
    matrix, fig, names = view["prefectures"]
    st.markdown("### 市（州）× 指标 状态矩阵（红黄绿牌）")
    st.plotly_chart(fig, key="prefecture_matrix", config={"displayModeBar": False})
    chart_buttons(fig, f"市州状态矩阵_{year}", f"{year}年 市（州）× 指标 状态矩阵", note)
    xlsx_button(lambda matrix=matrix, names=names: status_matrix_export(matrix, names, "市（州）"),
                f"{year}年 市（州）× 指标 状态矩阵", note, f"市州状态矩阵_{year}")

st.markdown("### 需关注")
if view["table"] is None:
    st.success("本年度没有滞后的指标或地区。" if m.geo.has_prefectures else "本年度没有滞后的指标或县（市、区）。")
else:
    dataframe(view["table"], hide_index=True, width="stretch")
    attention = view["attention"]
    xlsx_button(lambda attention=attention: attention_export(attention), f"{year}年需关注的指标和县（市、区）", note, f"需关注_{year}")

st.markdown("### 全部指标完成情况")
# the whole scorecard's table (every level and year) is built only when the file is asked for
xlsx_button(lambda m=m: scorecard_export(m.card.select(), m.geo.region_word),
            f"{m.plan.plan.name} 目标完成情况（各年度、各层级）", lambda m=m: export_note(m.card), "目标完成情况_全部", label="下载全部指标完成情况（Excel）")
