"""任务清单: the chosen plan's tasks (清单) grouped by the plan's areas, with 牵头单位 and 责任单位, the deadline or cadence in
words, where each applies and, for a cadence, the periods due so far; filtered by unit (kept in the URL). Read-only."""

from datetime import date

import pandas as pd
import streamlit as st

from plan_monitor.present.format import fmt_date
from plan_monitor.present.tasks import by_area, task_rows, unit_options
from plan_monitor.ui.context import current_plan, qp, set_qp
from plan_monitor.ui.tables import dataframe

plan = current_plan()
st.markdown("## 任务清单")
st.caption(f"{plan.plan.name}（{plan.years[0]}—{plan.years[-1]}年）"
           + (f" · 来源：{plan.plan.source}" if plan.plan.source else ""))
if not plan.tasks:
    st.info("本计划没有列出任务（只有量化指标）；任务可在目标文件的 tasks 中按计划原文列出。")
    st.stop()

try:  # ?day=YYYY-MM-DD: the list as it stood on that day (default today)
    day = date.fromisoformat(st.query_params.get("day", ""))
except ValueError:
    day = date.today()
units = unit_options(plan)
ALL = "全部单位"
cols = st.columns([2, 1])
unit = cols[0].selectbox("牵头或责任单位", [ALL, *units], index=([ALL, *units].index(qp("unit", units, ALL))),
                         key="pm_task_unit", help="只列出该单位牵头或负责的任务")
set_qp(unit=None if unit == ALL else unit)
cols[1].caption(f"到期情况按 {fmt_date(day)} 计算")

rows = task_rows(plan, day, None if unit == ALL else unit)
kinds = pd.Series([r.kind for r in rows]).value_counts()
st.markdown(f"共 **{len(rows)}** 项任务：" + "、".join(f"{k} {int(kinds.get(k, 0))} 项" for k in ("一次完成", "定期", "分阶段")
                                                     if kinds.get(k, 0)))
for area, items in by_area(rows).items():
    st.markdown(f"### {area}（{len(items)}项）")
    table = pd.DataFrame({
        "任务": [r.title for r in items],
        "牵头单位": [r.lead for r in items],
        "责任单位": [r.units for r in items],
        "时限或周期": [r.timing for r in items],
        "适用范围": [r.applies_to for r in items],
        "到期情况": [r.due for r in items],
        "销号依据": [r.evidence for r in items],
    })
    dataframe(table, hide_index=True, width="stretch")
    with st.expander(f"计划原文（{len(items)}项）"):
        for r in items:
            st.markdown(f"**{r.title}**：{r.wording}" + (f"（{r.note}）" if r.note else ""))
