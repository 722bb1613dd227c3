"""总览: one card per indicator, the completion chart and the needs-attention list."""

import streamlit as st

from plan_monitor.outputs.charts import completion_bars, sparkline
from plan_monitor.outputs.export_table import attention_export, export_note, scorecard_export
from plan_monitor.present.format import fmt_expected, fmt_gap, fmt_rate, fmt_value
from plan_monitor.present.palette import status_pill
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
COLS = 4
for start in range(0, len(city), COLS):
    for col, row in zip(st.columns(COLS), city.iloc[start:start + COLS].itertuples()):
        with col.container(border=True):
            st.markdown(f"**{row.indicator}**")
            # labels are NaN (truthy) where no status or note applies, e.g. an indicator without data that year
            # a figure over blank cells says so (未填报, 不含 N 个县) instead of a red card or a 0
            label = next((v for v in (row.status_label, row.missing_note, row.target_note_label)
                          if isinstance(v, str) and v), "—")
            st.metric("实际", fmt_value(row.actual, row.unit, row.kind))
            # the status pill in the palette colour of its status (滞后 amber, 严重滞后 red), as in the legend and bars
            pill = f"{label} · {row.pace_label}" if isinstance(row.pace_label, str) else label
            st.markdown(status_pill(row.status if isinstance(row.status, str) else None, pill), unsafe_allow_html=True)
            target = fmt_value(row.target, row.unit, row.kind) if row.target == row.target else "未设当年目标"
            st.caption(f"目标 {target} · 差距 {fmt_gap(row.gap, row.unit, row.kind)} · 完成率 {fmt_rate(row.completion)}"
                       f" · 时序进度 {fmt_rate(row.time_progress)}{row.carried_note}"
                       + (f" · {row.missing_note}" if isinstance(row.missing_note, str) else "")
                       + (f" · {row.basis_note}" if isinstance(row.basis_note, str) else ""))
            st.plotly_chart(sparkline(row.series, row.unit, row.status), key=f"spark_{row.indicator_id}",
                            config={"displayModeBar": False, "staticPlot": True})

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
xlsx_button(scorecard_export(m.card.select()), f"{m.plan.plan.name} 目标完成情况（各年度、各层级）",
            export_note(m.card), "目标完成情况_全部", label="下载全部指标完成情况（Excel）")
