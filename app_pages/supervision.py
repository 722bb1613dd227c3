"""督办: items opened by a county's 严重滞后 (red) figure at a report round, each with a deadline, the figures that
triggered it and its colour as of a day (?day=YYYY-MM-DD, default the chosen 统计截至 or today); closed items with
their closing note; the list as Excel. Items open and close with the figures; what a county does about an open item
(整改措施) is written into the task ledger (WriteService.attach_measure, in the county's scope) and shown beside it,
newest first."""

from datetime import date

import streamlit as st

from plan_monitor.errors import UserError
from plan_monitor.ledger.state import TEXT_LIMIT, item_key
from plan_monitor.metrics.supervision import COLOUR_LABELS, NEAR_DAYS, monitor_items
from plan_monitor.outputs.export_table import as_of_note, supervision_export
from plan_monitor.present.format import fmt_date
from plan_monitor.present.ledger import measures_by_item
from plan_monitor.present.supervision import closed_table, counts, open_items, open_table
from plan_monitor.ui.context import actor, data_store, header, may, memo, monitor, submitter, task_ledger, write_service
from plan_monitor.ui.downloads import xlsx_button
from plan_monitor.ui.tables import dataframe

m, year = monitor()
header(m, year, "督办")
cutoff = st.query_params.get("asof")
try:  # ?day=YYYY-MM-DD: colours as they stood on that day
    day = date.fromisoformat(st.query_params.get("day", ""))
except ValueError:
    day = date.fromisoformat(cutoff) if cutoff else date.today()
days = m.plan.supervision.deadline_days
st.caption(f"某县（市、区）某项指标在一轮报送中为“严重滞后”时立项督办，时限为该轮统计截至后 {days} 天；"
           f"此后某一轮恢复为“正常推进”或“已完成”时自动销号，再次严重滞后时重新立项。颜色按 {fmt_date(day)} 计算："
           f"红色为已逾期，黄色为仍滞后或 {NEAR_DAYS} 天内到期，蓝色为未到时限。")

items = memo(m, ("supervision",), lambda: monitor_items(m))
n = counts(items, day)
cols = st.columns(5)
cols[0].metric("督办事项", f"{len(items)}项")
for col, code in zip(cols[1:], ("red", "yellow", "blue", "grey")):
    col.metric(COLOUR_LABELS[code], f"{n[code]}项")

st.markdown(f"### 未销号（{n['red'] + n['yellow'] + n['blue']}项）")
FLASH = "pm_measure_done"
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))
ledger = task_ledger()
opened = open_table(items, day, measures_by_item(ledger))
if opened.empty:
    st.success("当前没有未销号的督办事项。")
else:
    dataframe(opened, hide_index=True, width="stretch",
              column_config={"整改措施": st.column_config.TextColumn(width="large")})
    if ledger is not None and may("report_tasks"):
        rows = open_items(items, day)
        keys = [item_key(i, c, o) for i, c, o in zip(rows["indicator_id"], rows["county"], rows["opened_at"])]
        # an item by its words (县 · 指标（立项日期）), one each: the key holds the same three
        keyed = {f"{c} · {n}（{fmt_date(o)}立项）": (k, c)
                 for k, c, n, o in zip(keys, rows["county"], rows["indicator"], rows["opened_at"])}
        with st.expander("填报整改措施"):
            with st.form("pm_measure_form", clear_on_submit=True):
                label = st.selectbox("督办事项", list(keyed), key="pm_measure_item")
                text = st.text_area("整改措施", max_chars=TEXT_LIMIT, key="pm_measure_text",
                                    placeholder="写明针对该项滞后已采取或将采取的措施、责任人和完成时间")
                name = submitter("pm_measure_user")
                sent = st.form_submit_button("提交整改措施")
            if sent:
                try:
                    write_service(data_store()).attach_measure(m.plan, m.geo, *keyed[label], text.strip(), actor(name))
                except UserError as exc:
                    st.error(exc.zh)
                else:
                    st.session_state[FLASH] = f"已记录 {label} 的整改措施。"
                    st.rerun()

st.markdown(f"### 已销号（{n['grey']}项）")
closed = closed_table(items)
if closed.empty:
    st.info("尚无自动销号的督办事项。")
else:
    dataframe(closed, hide_index=True, width="stretch")

as_of = m.card.data_as_of(max(m.as_of_rounds)) if m.as_of_rounds else None
xlsx_button(lambda: supervision_export(items, day), "督办台账", as_of_note(as_of, m.card.is_demo), "督办台账")
