"""任务报送情况: for a cadence task of the chosen plan (?task=), who reported which period as of a day
(ui.context.ledger_day; ?day= overrides): reporter × period, each cell 已报 / 逾期补报 / 未报 / 逾期 / 未到期 / 已销号 in
the palette's colours, with a legend, the 逾期 counts and, for a task the towns report on, the roll-up by county.
The periods begun by the day are shown; ?periods=all shows every period of the plan. Read-only."""

import streamlit as st

from plan_monitor.ledger.state import CELLS
from plan_monitor.present.format import fmt_date
from plan_monitor.present.ledger import cadence_tasks, matrix_codes, matrix_table, overdue_counts, rollup_table
from plan_monitor.present.palette import CELL_COLORS, CELL_TEXT
from plan_monitor.present.tasks import timing_words
from plan_monitor.ui.context import current_plan, ledger_store, qp, set_qp, task_ledger
from plan_monitor.ui.tables import dataframe

plan = current_plan()
st.markdown("## 任务报送情况")
ledger = task_ledger()
tasks = cadence_tasks(plan)
if ledger is None or not tasks:
    st.caption(plan.plan.name)
    why = "本计划还没有数据目录，尚无单位填报任务进展" if ledger is None else "本计划没有定期报送的任务"
    st.info(f"{why}，因此没有可显示的报送情况。计划共有 {len(plan.tasks)} 项任务。")
    if plan.tasks:
        st.page_link("app_pages/tasks.py", label="查看任务清单", icon=":material/checklist:")
    st.stop()

demo = ledger_store().is_demo()
days = plan.supervision.report_days
st.caption(f"{plan.plan.name} · 按 {fmt_date(ledger.day)} 计算" + (" · 示例数据，非真实统计" if demo else "")
           + f" · 每期结束后 {days} 天内报送为按时，超过为逾期")

ids = [t.id for t in tasks]
names = {t.id: t.title or t.wording[:30] for t in tasks}
cols = st.columns([3, 1])
task_id = cols[0].selectbox("定期任务", ids, index=ids.index(qp("task", ids, ids[0])), format_func=names.get,
                            key="pm_matrix_task")
every = cols[1].toggle("显示全部期次", value=st.query_params.get("periods") == "all", key="pm_matrix_all",
                       help="默认只显示截至当日已开始的各期")
set_qp(task=task_id, periods="all" if every else None)
task = plan.task(task_id)

codes = matrix_codes(ledger, task_id, every)
n = overdue_counts(codes)
st.caption(f"{task.area} · {timing_words(task)} · 销号依据：{task.evidence}")
cols = st.columns(4)
cols[0].metric("填报单位", f"{len(codes)}个")
cols[1].metric("逾期未报", f"{n['overdue']}期次", help="报送期限已过仍未报送的期次（单位 × 期）")
cols[2].metric("有逾期的单位", f"{n['reporters']}个")
cols[3].metric("逾期补报", f"{n['late']}期次", help="超过报送期限后才报送的期次")

legend = "".join(f'<span style="display:inline-block;padding:1px 10px;margin:0 6px 4px 0;border-radius:4px;'
                 f'background:{CELL_COLORS[c]};color:{CELL_TEXT[c]};font-size:0.85rem">{label}</span>'
                 for c, label in CELLS.items())
st.markdown(f'<div class="pm-legend">{legend}</div>', unsafe_allow_html=True)

STYLE = {label: f"background-color:{CELL_COLORS[c]};color:{CELL_TEXT[c]};text-align:center"
         for c, label in CELLS.items()}
frame = matrix_table(codes)
if frame.columns.empty:
    st.info("截至当日本任务尚未开始第一期。")
else:
    if task.report_by == "town":  # the towns' summary first, the towns themselves below it
        st.markdown("### 按县（市、区）汇总")
        st.caption("各期已报送的乡镇数 / 应报送的乡镇数（已到期的期次），括号内为逾期未报的乡镇数；“—”为尚未到期")
        dataframe(rollup_table(codes), hide_index=True, width="stretch")
        st.markdown("### 各乡镇（街道）")
    styled = frame.style.map(lambda v: STYLE.get(v, ""))
    dataframe(styled, width="stretch", height=min(35 * (len(frame) + 1) + 3, 640),
              column_config={"_index": st.column_config.TextColumn("填报单位", width="medium", pinned=True)})

st.page_link("app_pages/ledger.py", label="查看本任务的填报与销号记录", icon=":material/history:",
             query_params={**{k: st.query_params[k] for k in ("plan", "day") if k in st.query_params}, "task": task_id})
