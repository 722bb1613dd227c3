"""督办台账: the chosen plan's task ledger as of a day (ui.context.ledger_day; ?day= overrides): counts by group and
state, the tasks filtered by area, unit and state (all kept in the URL), the most urgent first, each with a link to
its history; the open 督办 items with their 整改措施; the ledger as Excel. With ?task=ID: that task's reporters and
every report and 销号 step taken on it. Read-only; reports and 销号 are written elsewhere."""

import streamlit as st

from plan_monitor.ledger.state import GROUPS, STATES
from plan_monitor.metrics.supervision import monitor_items
from plan_monitor.outputs.export_table import as_of_note
from plan_monitor.outputs.ledger_xlsx import LedgerWorkbook
from plan_monitor.present.format import fmt_date
from plan_monitor.present.ledger import (
    area_options,
    history_table,
    item_table,
    lead_words,
    ledger_table,
    reporter_table,
    unit_options,
    units_words,
)
from plan_monitor.present.tasks import timing_words
from plan_monitor.ui.context import cached_monitor, current_plan, ledger_store, memo, qp, set_qp, task_ledger
from plan_monitor.ui.downloads import xlsx_button
from plan_monitor.ui.tables import dataframe

KEEP = ("plan", "day")  # what a link to a task's history and back keeps
PICK = "pm_ledger_pick"


def _open_task() -> None:
    """A task picked under the table: its history (?task=), the picker left empty for the way back."""
    st.query_params["task"] = st.session_state[PICK]
    st.session_state[PICK] = ""

plan = current_plan()
st.markdown("## 督办台账")
ledger = task_ledger()
if ledger is None or not plan.tasks:
    st.caption(plan.plan.name)
    why = "本计划没有列出任务" if not plan.tasks else "本计划还没有数据目录，尚无单位填报任务进展"
    st.info(f"{why}，因此没有可显示的台账。计划共有 {len(plan.tasks)} 项任务。")
    if plan.tasks:
        st.page_link("app_pages/tasks.py", label="查看任务清单", icon=":material/checklist:")
    st.stop()

demo = ledger_store().is_demo()
st.caption(f"{plan.plan.name} · 状态按 {fmt_date(ledger.day)} 计算"
           + (" · 示例数据，非真实统计" if demo else "")
           + f" · 定期任务每期结束后 {plan.supervision.report_days} 天内报送为按时")
kept = {k: st.query_params[k] for k in KEEP if k in st.query_params}
tasks = {t.id: t for t in plan.tasks}
ALL_UNITS, ALL_AREAS, ALL_STATES = "全部单位", "全部领域", "全部状态"

# ---------------------------------------------------------------- one task's history (?task=ID)
task = tasks.get(st.query_params.get("task", ""))
if task is not None:
    back = {**kept, **{k: st.query_params[k] for k in ("area", "unit", "state") if k in st.query_params}}
    st.page_link("app_pages/ledger.py", label="返回督办台账", icon=":material/arrow_back:", query_params=back)
    st.markdown(f"### {task.title or task.wording[:30]}")
    st.caption(f"{task.area} · 牵头单位：{lead_words(task)} · 责任单位：{units_words(task)} · {timing_words(task)}"
               f" · 销号依据：{task.evidence}")
    with st.expander("计划原文"):
        st.markdown(task.wording)
    a = ledger.assignments[ledger.assignments["task_id"] == task.id]
    counts = a["state"].value_counts()
    st.markdown("　".join(f"{STATES[s]} **{int(counts[s])}**" for s in STATES if counts.get(s, 0))
                + f"　（共 {len(a)} 个填报单位）")
    if task.cadence is not None:
        st.page_link("app_pages/task_matrix.py", label="查看各期报送情况", icon=":material/grid_on:",
                     query_params={**kept, "task": task.id})
    st.markdown("#### 各填报单位")
    dataframe(reporter_table(ledger, task.id), hide_index=True, width="stretch")
    names = a["reporter"].tolist()
    ALL = "全部填报单位"
    who = st.selectbox("填报与销号记录", [ALL, *names], index=[ALL, *names].index(qp("reporter", names, ALL)),
                       key="pm_ledger_reporter")
    set_qp(reporter=None if who == ALL else who)
    steps = history_table(ledger, task.id, None if who == ALL else who)
    if steps.empty:
        st.info("尚无填报或销号记录。")
    else:
        st.caption(f"共 {len(steps)} 条，最新的在前")
        dataframe(steps, hide_index=True, width="stretch")
    st.stop()

# ---------------------------------------------------------------- the ledger
groups = ledger.counts()
states = ledger.state_counts()
cols = st.columns(4)
cols[0].metric("任务", f"{len(plan.tasks)}项", help="计划列出的任务数")
for col, g in zip(cols[1:], GROUPS):
    col.metric(GROUPS[g], f"{groups[g]}个", help="按“任务 × 填报单位”计数；滞后含逾期")
st.markdown("按状态：" + "　".join(f"{label} **{states[s]}**" for s, label in STATES.items() if states[s]))

areas = area_options(plan)
units = unit_options(ledger)
codes = list(STATES)
cols = st.columns([2, 2, 1])
area = cols[0].selectbox("领域", [ALL_AREAS, *areas], index=[ALL_AREAS, *areas].index(qp("area", areas, ALL_AREAS)),
                         key="pm_ledger_area")
unit = cols[1].selectbox("单位", [ALL_UNITS, *units], index=[ALL_UNITS, *units].index(qp("unit", units, ALL_UNITS)),
                         key="pm_ledger_unit", help="填报单位（县、乡镇或责任单位），或任务写明的牵头、责任单位")
state = cols[2].selectbox("状态", [ALL_STATES, *codes], index=[ALL_STATES, *codes].index(qp("state", codes, ALL_STATES)),
                          format_func=lambda s: STATES.get(s, s), key="pm_ledger_state")
area, unit, state = (None if v in (ALL_AREAS, ALL_UNITS, ALL_STATES) else v for v in (area, unit, state))
set_qp(area=area, unit=unit, state=state)

table = ledger_table(ledger, area, unit, state)
st.markdown(f"### 任务（{len(table)}项）")
if table.empty:
    st.info("没有符合筛选条件的任务。")
else:
    link = "&".join(f"{k}={v}" for k, v in kept.items())
    shown = table.assign(详情=[f"ledger?task={t}" + (f"&{link}" if link else "") for t in table["task_id"]])
    # 状态 next to the task: at 1280 px the table scrolls sideways, the columns a reader scans first stay in view
    order = ["序号", "任务", "状态", "销号", "时限", "进展", "牵头单位", "责任单位", "销号时间", "详情"]
    dataframe(shown[order], hide_index=True, width="stretch", height=min(35 * (len(shown) + 1) + 3, 703),
              column_config={"详情": st.column_config.LinkColumn("详情", display_text="查看记录", width="small"),
                             "序号": st.column_config.NumberColumn(width=40), "任务": st.column_config.TextColumn(width="medium"),
                             "进展": st.column_config.TextColumn(width="large")})
    st.selectbox("查看任务的填报与销号记录", ["", *table["task_id"]], key=PICK, on_change=_open_task,
                 format_func=lambda t: "请选择任务" if not t else tasks[t].title or tasks[t].wording[:30])

items = None
if plan.indicators:  # 督办 items come from the figures: a plan with indicators and data
    m = cached_monitor()
    all_items = memo(m, ("supervision",), lambda: monitor_items(m))
    items = item_table(all_items, ledger, ledger.day, unit)
    st.markdown(f"### 督办事项（指标严重滞后立项，未销号 {len(items)}项）")
    if items.empty:
        st.success("没有未销号的督办事项。")
    else:
        dataframe(items.drop(columns="item"), hide_index=True, width="stretch")
    st.page_link("app_pages/supervision.py", label="填报整改措施", icon=":material/assignment_late:",
                 query_params={k: v for k, v in kept.items() if k == "plan"})

title = f"{plan.plan.name}督办台账"
xlsx_button(lambda: LedgerWorkbook(ledger_table(ledger, area, unit, state), items), title,
            as_of_note(ledger.day, demo), "督办台账")
