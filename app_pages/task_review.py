"""销号审核 (the city): the 销号 requests waiting, each with its task, reporter, evidence, who asked when and the
latest progress; 同意销号 closes it for good, 退回 sends it back with a reason the reporter reads. Both go through the
write service (review_close), which checks again under the store's lock that the request still waits. Below, the
latest reviews."""

import streamlit as st

from plan_monitor.present.format import fmt_date
from plan_monitor.present.task_report import reviewed, waiting
from plan_monitor.ui.context import (
    actor,
    current_plan,
    guard,
    ledger_day,
    ledger_store,
    plan_geography,
    submitter,
    task_ledger,
    write_service,
)
from plan_monitor.ui.tables import dataframe
from plan_monitor.ui.written import rerun_with, show_written

FLASH = "pm_review_flash"
plan = current_plan()
st.markdown("## 销号审核")
store = ledger_store()
if not plan.tasks or store is None:
    st.info("本计划没有任务台账，无需审核销号。")
    st.stop()
day = ledger_day(store)
ledger = task_ledger(day)
geo = plan_geography()
st.caption(f"{plan.plan.name} · 状态按 {fmt_date(day)} 计算 · 同意销号后该任务（该填报单位）不再填报；退回须写明理由")
user = submitter("pm_review_user")
me = actor(user)
show_written(FLASH)

queue = waiting(ledger)
counts = ledger.state_counts()
cols = st.columns(3)
cols[0].metric("待审核", f"{len(queue)}项")
cols[1].metric("已销号", f"{counts.get('closed', 0)}项")
cols[2].metric("已退回", f"{int((ledger.assignments['close'] == 'returned').sum())}项")

st.markdown(f"### 待审核（{len(queue)}项）")
if queue.empty:
    st.success("当前没有等待审核的销号申请。")
else:
    dataframe(queue.drop(columns=["task_id", "reporter"]), hide_index=True, width="stretch")
    keys = [f"{t}|{r}" for t, r in zip(queue["task_id"], queue["reporter"])]
    names = {k: f"{n} · {r}" for k, n, r in zip(keys, queue["任务"], queue["填报单位"])}
    key = st.selectbox("审核哪一项", keys, format_func=names.get, key="pm_review_pick")
    task_id, reporter = key.split("|", 1)
    row = queue[(queue["task_id"] == task_id) & (queue["reporter"] == reporter)].iloc[0]
    with st.container(border=True):
        st.markdown(f"**{row['任务']}** · {row['填报单位']}")
        st.markdown(f"佐证材料：{row['佐证材料'] or '（未写）'}  \n申请人：{row['申请人']}，{row['申请时间']}  \n"
                    f"最近进展：{row['最近进展'] or '（无）'}")
        reason = st.text_area("退回理由（退回时必填）", key="pm_review_reason", max_chars=500,
                              placeholder="如：佐证材料不全，请补充活动照片和签到表")
        left, right = st.columns(2)
        if left.button("同意销号", type="primary", key="pm_review_approve", width="stretch"):
            with guard():
                write_service(store).review_close(plan, geo, task_id, reporter, True, me, day=day)
            rerun_with(FLASH, f"已同意销号：“{row['任务']}”（{reporter}）。")
        if right.button("退回", key="pm_review_return", width="stretch"):
            if len(reason.strip()) < 2:
                st.error("退回须写明理由（至少 2 个字）；未作任何改动。")
            else:
                with guard():
                    write_service(store).review_close(plan, geo, task_id, reporter, False, me,
                                                      reason=reason.strip(), day=day)
                rerun_with(FLASH, f"已退回：“{row['任务']}”（{reporter}），理由：{reason.strip()}", "pm_review_reason")

st.markdown("### 最近审核")
done = reviewed(ledger)
if done.empty:
    st.info("尚无审核记录。")
else:
    dataframe(done, hide_index=True, width="stretch")
