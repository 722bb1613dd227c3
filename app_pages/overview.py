"""总览: one compact card per indicator (all on the first screen at 1280×720), the completion chart and the
needs-attention list."""

import streamlit as st

from plan_monitor.outputs.charts import completion_bars
from plan_monitor.outputs.export_table import attention_export, export_note, scorecard_export
from plan_monitor.present.cards import cards_html, overview_cards, status_summary
from plan_monitor.present.format import fmt_expected, fmt_rate, fmt_value
from plan_monitor.present.views import overview
from plan_monitor.ui.context import header, monitor
from plan_monitor.ui.downloads import chart_buttons, xlsx_button
from plan_monitor.ui.tables import dataframe

m, year = monitor()
header(m, year, "总览")
city, attention = overview(m, year)
note = export_note(m.card, year)

if city["actual"].isna().all():
    st.info(f"{year}年尚无报送数据。")
cards = overview_cards(city)
st.markdown(f'<div class="pm-summary">{status_summary(cards)}</div>{cards_html(cards)}', unsafe_allow_html=True)

st.markdown("### 各指标完成率与时序进度")
fig = completion_bars(city)
st.plotly_chart(fig, key="completion", config={"displayModeBar": False})
chart_buttons(fig, f"各指标完成率_{year}", f"{year}年各指标完成率与时序进度", note)

st.markdown("### 需关注")
if attention.empty:
    st.success("本年度没有滞后的指标或县（市、区）。")
else:
    table = attention.assign(
        实际=[fmt_value(v, u, k) for v, u, k in zip(attention["actual"], attention["unit"], attention["kind"])],
        时序要求=[fmt_expected(v, u, k, d) for v, u, k, d in
              zip(attention["expected"], attention["unit"], attention["kind"], attention["direction"])],
        完成率=attention["completion"].map(fmt_rate),
        时序进度=attention["time_progress"].map(fmt_rate),
    ).rename(columns={"indicator": "指标", "place": "地区", "status_label": "状态"})
    dataframe(table[["状态", "指标", "地区", "实际", "时序要求", "完成率", "时序进度"]], hide_index=True,
                 width="stretch")
    xlsx_button(attention_export(attention), f"{year}年需关注的指标和县（市、区）", note, f"需关注_{year}")

st.markdown("### 全部指标完成情况")
# the whole scorecard's table (every level and year) is built only when the file is asked for
xlsx_button(lambda: scorecard_export(m.card.select()), f"{m.plan.plan.name} 目标完成情况（各年度、各层级）",
            lambda: export_note(m.card), "目标完成情况_全部", label="下载全部指标完成情况（Excel）")
