"""总览: one compact card per indicator (all on the first screen at 1280×720), the completion chart and the
needs-attention list. Everything below the header depends only on the Monitor and the year: built once per both
(ui.overview_view), so a rerun draws what is already built, and a fresh server has the default year's built before
the first reader asks (ui.context.warm)."""

import streamlit as st

from plan_monitor.outputs.export_table import attention_export, export_note, scorecard_export, status_matrix_export
from plan_monitor.ui.context import export_note_of, header, monitor
from plan_monitor.ui.downloads import chart_buttons, xlsx_button
from plan_monitor.ui.overview_view import overview_view
from plan_monitor.ui.tables import dataframe

m, year = monitor()
header(m, year, "总览")
view = overview_view(m, year)
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
