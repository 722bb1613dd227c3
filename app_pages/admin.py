"""账户与审计 (管理员 only): the accounts (add, role and counties, disable / enable, new password, unlock) and the
audit trail (newest first, filtered by who / what / when, Excel export, the hash chain's check).

Every change goes through the accounts store (plan_monitor.access), which checks the acting admin's permission
itself and writes the change and its audit entry in one transaction; this page only asks and shows."""

import time
from datetime import datetime

import streamlit as st

from plan_monitor.access import AUDIT_ACTIONS, ROLES
from plan_monitor.access.store import MIN_PASSWORD
from plan_monitor.errors import UserError
from plan_monitor.present.audit import accounts_table, audit_table, filter_audit
from plan_monitor.present.format import fmt_time
from plan_monitor.ui.auth import DEMO, visitor
from plan_monitor.ui.boundary import show_known
from plan_monitor.ui.context import current_plan, guard, plan_geography
from plan_monitor.ui.downloads import xlsx_button
from plan_monitor.ui.tables import dataframe
from plan_monitor.ui.web import access

st.markdown("## 账户与审计")
who = visitor()
if who.mode == DEMO:
    st.info("演示模式未启用登录，没有账户可管理。启用登录（PLAN_MONITOR_AUTH=on）后，管理员可在此管理账户、查看审计日志；"
            "也可在服务器上用 python -m plan_monitor users … 和 audit … 命令。")
    st.stop()
if not who.may("manage_accounts") or not who.may("view_audit"):
    st.error("仅管理员可管理账户和查看审计日志。")
    st.stop()
me = who.actor
store = access()
FLASH = "pm_admin_flash"


def attempt(change, done: str) -> None:
    """Run one change through the store; its Chinese refusal on the page, or the page again with `done`."""
    try:
        change()
    except UserError as exc:
        show_known(exc)
        return
    st.session_state[FLASH] = done
    st.rerun()


def passwords(key: str) -> str | None:
    """A new password typed twice: the password, or None (with the reason shown) when the two differ."""
    first = st.text_input("新密码", type="password", key=f"{key}_1", help=f"至少 {MIN_PASSWORD} 个字符，不能与账户名相同")
    second = st.text_input("再输入一次新密码", type="password", key=f"{key}_2")
    if first != second:
        st.error("两次输入的密码不一致")
        return None
    return first


flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(flash)

with guard():
    accounts = store.accounts()
    last = store.last_sign_ins()
    entries = store.audit()
    problems = store.verify()
    plan_counties = plan_geography().county_names()
now = time.time()
by_name = {a.name: a for a in accounts}
counties = plan_counties + sorted({c for a in accounts if a.role == "county_analyst" for c in a.counties}
                                   - set(plan_counties))
# a unit reporter's units as the plan writes them (its tasks' 牵头单位 and 责任单位), and those accounts already hold
plan_units = list(dict.fromkeys(u for t in current_plan().tasks if t.report_by == "unit" for u in t.owners))
units = plan_units + sorted({u for a in accounts if a.role == "unit_reporter" for u in a.counties} - set(plan_units))
role_names = list(ROLES)

tab_accounts, tab_audit = st.tabs(["账户", "审计日志"])

with tab_accounts:
    st.caption(f"共 {len(accounts)} 个账户。至少须保留一个启用的管理员账户。以下每项改动都以您的账户（{me.who}）记入审计日志。")
    if accounts:
        dataframe(accounts_table(accounts, last, now), hide_index=True, width="stretch")

    with st.expander("新建账户", expanded=not accounts):
        with st.form("pm_admin_add", clear_on_submit=False):
            name = st.text_input("账户名", key="pm_admin_add_name", help="登录用，1 至 32 个字符：汉字、字母、数字和 . _ - @")
            display = st.text_input("姓名", key="pm_admin_add_display", help="显示在页面和审计日志中，可不填")
            role = st.selectbox("角色", role_names, format_func=ROLES.get, key="pm_admin_add_role")
            scope = st.multiselect("负责的县（市、区）", counties, key="pm_admin_add_counties",
                                   placeholder="选择县（市、区）",
                                   help="仅县级分析员需要，且至少选一个；其他角色不限县，请留空")
            unit_scope = st.multiselect("负责的单位", units, key="pm_admin_add_units", accept_new_options=True,
                                        placeholder="选择或输入单位名称",
                                        help="仅责任单位填报员需要，且至少一个，按计划写法（如 县委组织部）；其他角色请留空")
            first = st.text_input("初始密码", type="password", key="pm_admin_add_pw1",
                                  help=f"至少 {MIN_PASSWORD} 个字符；请通过安全途径告知本人")
            second = st.text_input("再输入一次初始密码", type="password", key="pm_admin_add_pw2")
            if st.form_submit_button("新建", type="primary"):
                if first != second:
                    st.error("两次输入的密码不一致，未新建")
                else:
                    given = unit_scope if role == "unit_reporter" else scope
                    attempt(lambda: store.add(name, first, role, me, counties=given, display=display),
                            f"已新建账户 {name.strip()}（{ROLES[role]}）")

    if accounts:
        st.markdown("#### 修改账户")
        chosen = st.selectbox("选择账户", list(by_name), key="pm_admin_account",
                              format_func=lambda n: f"{n}（{by_name[n].display}，{by_name[n].role_label}）")
        account = by_name[chosen]
        st.caption(f"状态：{account.status(now)}；负责范围：{account.scope_text}")
        role_col, state_col = st.columns(2)
        with role_col, st.form(f"pm_admin_role_{chosen}"):
            st.markdown("**角色和负责范围**")
            new_role = st.selectbox("角色", role_names, index=role_names.index(account.role), format_func=ROLES.get,
                                    key=f"pm_admin_role_{chosen}_role")
            held = list(account.counties)
            new_scope = st.multiselect("负责的县（市、区）", counties,
                                       default=held if account.role == "county_analyst" else [],
                                       key=f"pm_admin_role_{chosen}_counties", help="仅县级分析员需要",
                                       placeholder="选择县（市、区）")
            new_units = st.multiselect("负责的单位", units, default=held if account.role == "unit_reporter" else [],
                                       key=f"pm_admin_role_{chosen}_units", accept_new_options=True,
                                       help="仅责任单位填报员需要", placeholder="选择或输入单位名称")
            if st.form_submit_button("保存角色"):
                given = new_units if new_role == "unit_reporter" else new_scope
                attempt(lambda: store.set_role(chosen, new_role, me, counties=given),
                        f"账户 {chosen} 现为 {ROLES[new_role]}")
        with state_col:
            st.markdown("**停用、启用、解锁**")
            if account.disabled:
                if st.button("启用账户", key=f"pm_admin_enable_{chosen}"):
                    attempt(lambda: store.enable(chosen, me), f"已启用账户 {chosen}")
            elif st.button("停用账户（立即结束其全部会话）", key=f"pm_admin_disable_{chosen}"):
                attempt(lambda: store.disable(chosen, me), f"已停用账户 {chosen}，其已登录的会话全部结束")
            if account.locked_until > now:
                if st.button("解除锁定", key=f"pm_admin_unlock_{chosen}"):
                    attempt(lambda: store.unlock(chosen, me), f"已解除账户 {chosen} 的锁定")
            else:
                st.caption("该账户未被锁定")
        with st.form(f"pm_admin_reset_{chosen}"):
            st.markdown("**重设密码**（其已登录的会话全部结束，锁定一并解除）")
            new_password = passwords(f"pm_admin_reset_{chosen}")
            if st.form_submit_button("重设密码") and new_password is not None:
                attempt(lambda: store.set_password(chosen, new_password, me),
                        f"已重设账户 {chosen} 的密码，其已登录的会话全部结束")

with tab_audit:
    if problems:
        st.error(f"审计日志校验未通过：发现 {len(problems)} 处删除或修改。\n\n" + "\n".join(f"- {p}" for p in problems))
    else:
        st.success(f"审计日志校验通过：共 {len(entries)} 条记录，哈希链完整")
    left, middle, right, far = st.columns([2, 3, 2, 2])
    who_filter = left.text_input("账户", key="pm_audit_who", placeholder="账户名的一部分")
    actions = middle.multiselect("操作", list(AUDIT_ACTIONS), format_func=AUDIT_ACTIONS.get, key="pm_audit_actions",
                                 placeholder="全部操作")
    start = right.date_input("起始日期", value=None, key="pm_audit_start", format="YYYY-MM-DD")
    end = far.date_input("截止日期", value=None, key="pm_audit_end", format="YYYY-MM-DD")
    shown = filter_audit(entries, who_filter, actions, start, end)
    table = audit_table(shown)
    filtered = bool(who_filter.strip() or actions or start or end)
    st.caption(f"{'符合筛选条件的' if filtered else '全部'} {len(table)} 条记录，最新的在前")
    if table.empty:
        st.info("没有符合条件的记录")
    else:
        dataframe(table, hide_index=True, width="stretch")
        xlsx_button(table, "审计日志" + ("（已筛选）" if filtered else ""),
                    f"导出时间 {fmt_time(datetime.fromtimestamp(now))}；共 {len(table)} 条记录，最新的在前；"
                    + ("哈希链完整" if not problems else f"校验发现 {len(problems)} 处删除或修改"),
                    "审计日志", label="导出审计日志（Excel）", sheet="审计日志")
