"""任务填报: a reporter's own view of the task ledger. The assignments the acting user may report for (most urgent
first); the 台账 template pre-filled with them; a 台账 upload read, checked and previewed before it is submitted;
one report typed in the page; 申请销号 with its evidence. Every write goes through the write service
(record_tasks, request_close), which checks the ledger's rules again under the store's lock."""

import pyarrow as pa
import streamlit as st

from plan_monitor.ingest.model import MAX_BYTES
from plan_monitor.ingest.task_sheet import check_task_sheet
from plan_monitor.ledger.state import STATUSES, open_periods
from plan_monitor.outputs.task_template import task_template_xlsx, template_file_name
from plan_monitor.present.format import fmt_date
from plan_monitor.present.task_report import mine, my_table, task_name
from plan_monitor.ui.auth import DEMO, visitor
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
from plan_monitor.ui.downloads import audited
from plan_monitor.ui.tables import dataframe
from plan_monitor.ui.text import plain
from plan_monitor.ui.uploader import file_uploader
from plan_monitor.ui.written import rerun_with, show_written

FLASH = "pm_task_flash"
plan = current_plan()
st.markdown("## 任务填报")
store = ledger_store()
if not plan.tasks:
    st.info("本计划没有列出任务，无需填报任务进展。")
    st.stop()
if store is None:
    st.info("本计划还没有数据目录，暂不能填报任务进展。")
    st.stop()
day = ledger_day(store)
ledger = task_ledger(day)
geo = plan_geography()
demo = visitor().mode == DEMO
st.caption(f"{plan.plan.name} · 状态按 {fmt_date(day)} 计算"
           + (" · 演示模式：可代任何单位填报" if demo else ""))
user = submitter("pm_task_user")
me = actor(user)
show_written(FLASH)

everything = mine(ledger, me)
if everything.empty:
    st.info(f"{me.who}没有可填报的任务。责任单位填报员只能填报本单位（{me.scope_text}）的任务；如有疑问请联系管理员。")
    st.stop()
reporters = list(dict.fromkeys(everything["reporter"]))
ALL = "全部填报单位"
chosen = ALL
if len(reporters) > 1:
    chosen = st.selectbox("填报单位", [ALL, *reporters], key="pm_task_reporter",
                          help="只看某一填报单位的任务；在线填报和申请销号也只列出该单位")
rows = everything if chosen == ALL else everything[everything["reporter"] == chosen]
cols = st.columns(5)
cols[0].metric("任务", f"{len(rows)}项")
cols[1].metric("逾期", f"{int((rows['state'] == 'overdue').sum())}项")
cols[2].metric("滞后", f"{int((rows['state'] == 'behind').sum())}项")
cols[3].metric("待审核", f"{int((rows['close'] == 'requested').sum())}项")
cols[4].metric("已销号", f"{int((rows['close'] == 'closed').sum())}项")


def done(message: str, *boxes: str) -> None:
    """After a write: the message on the next run, which reads the ledger at the store's new stamp; `boxes` empty."""
    rerun_with(FLASH, message, *boxes)


tab_list, tab_upload, tab_form, tab_close = st.tabs(["我的任务", "上传台账", "在线填报", "申请销号"], key="pm_task_tabs")

with tab_list:
    st.caption("逾期、滞后的排在前面。逾期：定期任务有报告期过了应报时限仍未填报，或一次完成的任务过了时限仍未销号。")
    dataframe(my_table(ledger, rows), hide_index=True, width="stretch")

with tab_upload:
    st.markdown("#### 第一步　下载台账模板")
    st.caption("模板已列出您尚未销号的任务和尚未填报的报告期，填写“进展状态”“进展情况”“佐证材料”后上传；"
               "不填写的行自动跳过。已完成的任务可在“申请销号”填“是”。")
    name = template_file_name(ledger)
    st.download_button("下载台账模板（Excel）", audited(lambda: task_template_xlsx(ledger, me), name, "任务进展台账模板"),
                       name, key="pm_task_template", on_click="ignore", icon=":material/download:")
    st.markdown("#### 第二步　上传台账")
    round_no = st.session_state.setdefault("pm_task_round", 0)
    upload = file_uploader("台账文件", types=["xlsx", "csv", "txt", "tsv", "xls"], supported=["xlsx", "csv"],
                           limit_mb=MAX_BYTES // 2**20, key=f"pm_task_file_{round_no}")
    if upload is not None:
        stamp = (upload.name, upload.size, store.ledger_stamp(), day.isoformat(), me.name, me.role)
        if st.session_state.get("pm_task_stamp") != stamp:
            with guard():
                _, current = store.task_ledger()
                sheet = check_task_sheet(upload.name, upload.getvalue(), plan, geo, me, current, day)
            st.session_state["pm_task_sheet"] = sheet
            st.session_state["pm_task_stamp"] = stamp
        sheet = st.session_state["pm_task_sheet"]
        st.markdown("#### 第三步　核对预览")
        cols = st.columns(3)
        cols[0].metric("记录", f"{len(sheet.events)}条")
        cols[1].metric("涉及任务", f"{len(set(sheet.events['task_id'].to_pylist()))}项")
        cols[2].metric("问题", f"{len(sheet.problems)}处")
        if sheet.notes:
            with st.expander(f"已自动处理（{len(sheet.notes)} 项）"):
                for note in sheet.notes:
                    st.markdown(f"- {plain(note)}")
        if sheet.refused:
            st.error(f"台账中有不属于{me.who}填报范围的行，不能提交；请删除这些行后重新上传。台账未作任何改动。")
        elif sheet.problems:
            st.error(f"发现 {len(sheet.problems)} 处问题，不能提交。请按下表修改后重新上传；台账未作任何改动。")
        elif len(sheet.events):
            st.success("校验通过，请核对下表后提交。")
        else:
            st.warning("台账中没有填写进展的行。")
        if sheet.problems:
            dataframe(sheet.problems_frame(), hide_index=True, width="stretch")
        if len(sheet.events):
            dataframe(sheet.preview(), hide_index=True, width="stretch")
        if st.button("提交台账", type="primary", disabled=not sheet.can_submit, key="pm_task_submit"):
            with guard():
                entry = write_service(store).record_tasks(plan, geo, sheet.events, me, "upload",
                                                          file_name=sheet.file_name, original=sheet.original,
                                                          day=day, lines=sheet.lines)
            st.session_state["pm_task_round"] = round_no + 1
            for key in ("pm_task_stamp", "pm_task_sheet"):
                st.session_state.pop(key, None)
            done(f"已提交台账 {plain(sheet.file_name)}：{entry['events']} 条记录，涉及 {len(entry['tasks'])} 项任务。")

open_rows = rows[rows["close"] != "closed"]
tasks = {t.id: t for t in plan.tasks}

with tab_form:
    if open_rows.empty:
        st.info("没有未销号的任务。")
    else:
        task_ids = list(dict.fromkeys(open_rows["task_id"]))
        task_id = st.selectbox("任务", task_ids, format_func=lambda t: task_name(tasks[t]), key="pm_task_form_task")
        task = tasks[task_id]
        st.caption(f"{task.area} · 销号依据：{task.evidence}")
        units = list(open_rows.loc[open_rows["task_id"] == task_id, "reporter"])
        reporter = st.selectbox("填报单位", units, key="pm_task_form_reporter")
        period = ""
        if task.cadence is not None:
            periods = open_periods(task, plan, day)[::-1]  # the newest first
            labels = {p.key: p.label for p in periods}
            period = st.selectbox("报告期", list(labels), format_func=labels.get, key="pm_task_form_period")
        status = st.selectbox("进展状态", list(STATUSES), format_func=STATUSES.get, key="pm_task_form_status",
                              index=1)
        progress = st.text_area("进展情况", key="pm_task_form_progress", max_chars=500,
                                placeholder="简要写明本期工作进展，2 至 500 字")
        evidence = st.text_input("佐证材料", key="pm_task_form_evidence", max_chars=300,
                                 placeholder=f"如：{task.evidence}")
        if st.button("提交进展", type="primary", key="pm_task_form_submit"):
            event = pa.table({"kind": ["report"], "task_id": [task_id], "reporter": [reporter], "period": [period],
                              "status": [status], "progress": [progress.strip()], "evidence": [evidence.strip()],
                              "reason": [""], "item": [""]})
            with guard():
                write_service(store).record_tasks(plan, geo, event, me, "form", day=day)
            done(f"已提交“{task_name(task)}”（{reporter}）的进展。", "pm_task_form_progress", "pm_task_form_evidence")

with tab_close:
    asking = open_rows[open_rows["close"] != "requested"]
    waiting = open_rows[open_rows["close"] == "requested"]
    if len(waiting):
        st.caption("等待市级审核的销号申请：" + "；".join(f"{task_name(tasks[t])}（{r}）"
                                              for t, r in zip(waiting["task_id"], waiting["reporter"])))
    if asking.empty:
        st.info("没有可申请销号的任务。")
    else:
        st.caption("任务已全部完成的，写明佐证材料后申请销号，由市级审核；退回的可修改后再次申请。")
        keys = [f"{t}|{r}" for t, r in zip(asking["task_id"], asking["reporter"])]
        states = dict(zip(keys, asking["close"]))

        def label(key: str) -> str:
            t, r = key.split("|", 1)
            return f"{task_name(tasks[t])} · {r}" + ("（曾退回）" if states[key] == "returned" else "")

        key = st.selectbox("任务及填报单位", keys, format_func=label, key="pm_task_close_pick")
        task_id, reporter = key.split("|", 1)
        if states[key] == "returned":
            row = asking[(asking["task_id"] == task_id) & (asking["reporter"] == reporter)].iloc[0]
            st.warning(f"上次申请已退回：{row['close_reason']}")
        close_evidence = st.text_input("佐证材料", key="pm_task_close_evidence", max_chars=300,
                                       placeholder=f"如：{tasks[task_id].evidence}")
        summary = st.text_area("完成情况（可不填）", key="pm_task_close_progress", max_chars=500)
        if st.button("申请销号", type="primary", key="pm_task_close_submit"):
            with guard():
                write_service(store).request_close(plan, geo, task_id, reporter, close_evidence.strip(), me,
                                                   progress=summary.strip(), day=day)
            done(f"已申请销号：“{task_name(tasks[task_id])}”（{reporter}），等待市级审核。",
                 "pm_task_close_evidence", "pm_task_close_progress")

if demo and not user:
    st.caption("提交前请在上方填写提交人姓名。")
