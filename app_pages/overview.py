"""总览: one card per indicator, the completion chart and the needs-attention list."""

import streamlit as st

from plan_monitor.charts import completion_bars, sparkline
from plan_monitor.ui.context import header, monitor
from plan_monitor.views import fmt_rate, fmt_value, overview

m, year = monitor()
header(m, year, "总览")
city, attention = overview(m, year)

if city["actual"].isna().all():
    st.info(f"{year}年尚无报送数据。")
COLS = 4
for start in range(0, len(city), COLS):
    for col, row in zip(st.columns(COLS), city.iloc[start:start + COLS].itertuples()):
        with col.container(border=True):
            st.markdown(f"**{row.indicator}**")
            # labels are NaN (truthy) where no status or note applies, e.g. an indicator without data that year
            delta = next((v for v in (row.status_label, row.target_note_label) if isinstance(v, str) and v), "—")
            st.metric("实际", fmt_value(row.actual, row.unit, row.kind),
                      delta=f"{delta} · {row.pace_label}" if isinstance(row.pace_label, str) else delta,
                      delta_color={"met": "normal", "on_pace": "normal"}.get(row.status, "inverse")
                      if isinstance(row.status, str) else "off",
                      delta_arrow="off")
            target = fmt_value(row.target, row.unit, row.kind) if row.target == row.target else "未设当年目标"
            st.caption(f"目标 {target} · 差距 {fmt_value(row.gap, row.unit, row.kind)} · 完成率 {fmt_rate(row.completion)}")
            st.plotly_chart(sparkline(row.series, row.unit, row.status), key=f"spark_{row.indicator_id}",
                            config={"displayModeBar": False, "staticPlot": True})

st.markdown("### 各指标完成率与时序进度")
st.plotly_chart(completion_bars(city), key="completion", config={"displayModeBar": False})

st.markdown("### 需关注")
if attention.empty:
    st.success("本年度没有滞后的指标或县（市、区）。")
else:
    table = attention.assign(
        实际=[fmt_value(v, u, k) for v, u, k in zip(attention["actual"], attention["unit"], attention["kind"])],
        时序要求=[fmt_value(v, u, k) for v, u, k in zip(attention["expected"], attention["unit"], attention["kind"])],
        完成率=attention["completion"].map(fmt_rate),
    ).rename(columns={"indicator": "指标", "place": "地区", "status_label": "状态"})
    st.dataframe(table[["状态", "指标", "地区", "实际", "时序要求", "完成率"]], hide_index=True, width="stretch")
