"""指标口径: each indicator's wording in the plan, the reading taken, source columns and parameters in words; the SQL
behind it stays in a technical expander."""

import streamlit as st

from plan_monitor.present.views import definitions
from plan_monitor.ui.context import header, monitor

m, year = monitor()
header(m, year, "指标口径")
st.caption(f"计划：{m.plan.plan.name}（{m.plan.years[0]}—{m.plan.years[-1]}年，基期 {m.plan.plan.baseline_year} 年）"
           f" · 来源：{m.plan.plan.source}")
for d in definitions(m):
    with st.expander(f"{d['name']}（{d['unit']}）", expanded=False):
        st.markdown(f"**计划原文**：{d['plan_text']}")
        st.markdown(f"**统计口径**：{d['reading']}")
        st.markdown(f"**指标类型**：{d['kind']} · {d['measure']} · {d['direction']} · 报告层级：{'、'.join(d['levels'])}")
        st.markdown("**年度目标**：" + "；".join(f"{y}年 {v}" for y, v in d["targets"].items()))
        st.markdown("**数据来源列**：" + "、".join(d["columns"]))
        if d["param_words"]:
            st.markdown(f"**统计条件**：{d['param_words']}")
        with st.expander("查询语句（技术人员参考）"):
            st.code(d["sql"], language="sql")
