"""数据版本: every upload and rollback, what each changed, and rolling back to an earlier version."""

import streamlit as st

from plan_monitor.errors import UserError
from plan_monitor.present.history import diff_table, version_label, version_table
from plan_monitor.ui.boundary import show_known
from plan_monitor.ui.context import actor, data_store, guard, may, submitter, write_service
from plan_monitor.ui.tables import dataframe
from plan_monitor.ui.text import plain

SHOWN_ROWS = 5000  # a whole-city re-upload can change 100k rows; the browser need not receive them all


@st.cache_data(max_entries=16, show_spinner="正在比较……")
def version_diff(_store, location: str, stamp: str, version: int):
    """A version's changes, computed once per store and data stamp (both only cache keys), not on every rerun
    of the page (typing a name, ticking the confirm box)."""
    return diff_table(_store.diff(version))


st.markdown("## 数据版本")
store = data_store()
with guard():
    history = store.history()
entries, head = list(history.entries), history.head
# the version the user last saw: a rollback decided on it must not silently override a newer commit
seen = st.session_state.get("pm_versions_seen", head)
st.session_state["pm_versions_seen"] = head

flash = st.session_state.pop("pm_versions_flash", None)
if flash:
    st.success(flash)
if not entries:
    st.info("尚无上传版本，当前为初始数据")
    st.stop()

by_id = {e["id"]: e for e in entries}
st.markdown(f"当前版本：**{plain(version_label(by_id[head]))}**")  # the label quotes the file name
dataframe(version_table(entries), hide_index=True, width="stretch")

st.markdown("### 版本变化")
shown = st.selectbox("查看版本", list(reversed(by_id)), format_func=lambda v: version_label(by_id[v]),
                     key="pm_versions_show")
with guard():
    changed = version_diff(store, store.location, store.stamp(), shown)
if changed.empty:
    st.info("该版本未改变任何数据行")
else:
    st.caption(f"共 {len(changed)} 行有变化（未变的行不列出）"
               + (f"，下表显示前 {SHOWN_ROWS} 行" if len(changed) > SHOWN_ROWS else ""))
    dataframe(changed.head(SHOWN_ROWS), hide_index=True, width="stretch")

st.markdown("### 回退")
if not may("rollback"):
    st.info("您的账户只能查看数据版本，不能回退；如需回退请联系分析员或管理员。")
    st.stop()
targets = list(range(head - 1, -1, -1))
to = st.selectbox("回退到版本", targets, format_func=lambda v: version_label(by_id.get(v)), key="pm_versions_to",
                  help="回退会生成一个新版本，其数据与所选版本完全相同；原有版本全部保留，可再次回退")
user = submitter("pm_versions_user", value=st.session_state.get("pm_user", ""))
# a new key after each rollback clears the confirm box; it must not carry over to the next rollback
round_no = st.session_state.setdefault("pm_versions_round", 0)
confirmed = st.checkbox(f"我已确认回退到版本 {to}", key=f"pm_versions_ok_{round_no}_{to}")
if st.button("回退", disabled=not confirmed, key="pm_versions_go", type="primary"):
    who = actor(user)
    try:
        entry = write_service(store).rollback(to, who, base=seen)
    except UserError as exc:
        show_known(exc)
    else:
        st.cache_resource.clear()  # the dashboard's Monitor is cached per data stamp; recompute from scratch
        if user:
            st.session_state["pm_user"] = who.name
        st.session_state["pm_versions_round"] = round_no + 1
        st.session_state["pm_versions_flash"] = f"已回退到版本 {to}，生成新版本 {entry['id']}"
        st.rerun()
