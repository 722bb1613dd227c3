"""任务填报 and 销号审核 as screen data: a reporter's own assignments (most urgent first), the 销号 requests waiting
for the city, and the reviews already made. Every state is the ledger's (ledger.state.assignment_states); this
module only chooses rows and writes them in words."""

from __future__ import annotations

import pandas as pd

from plan_monitor.access.roles import Actor
from plan_monitor.ledger.cadence import task_periods
from plan_monitor.ledger.rules import reportable
from plan_monitor.ledger.state import STATE_ORDER, STATES, STATUSES
from plan_monitor.present.format import fmt_date, fmt_time

CLOSE_LABELS = {"open": "未申请", "requested": "待审核", "closed": "已销号", "returned": "已退回"}
REVIEWS = {"close_approve": "同意销号", "close_return": "退回"}


def task_name(task) -> str:
    return task.title or task.wording[:30]


def period_label(plan, task_id: str, key: str) -> str:
    """A period's label (2024年第3季度) from its key; "" stays ""."""
    if not key:
        return ""
    try:
        task = plan.task(task_id)
    except KeyError:
        return key
    return next((p.label for p in task_periods(task, plan) if p.key == key), key)


def mine(ledger, actor: Actor, reporter: str | None = None) -> pd.DataFrame:
    """The assignments the actor may report for (one reporter's, when given), most urgent first (逾期, 滞后, 待审核,
    …, 已销号 last), in the plan's order within a state."""
    rows = reportable(ledger.plan, ledger.assignments, actor)
    if reporter is not None:
        rows = rows[rows["reporter"] == reporter]
    order = rows["state"].map(STATE_ORDER)
    return rows.assign(_order=order).sort_values("_order", kind="stable").drop(columns="_order")


def my_table(ledger, rows: pd.DataFrame) -> pd.DataFrame:
    """mine() in words: 任务, 填报单位, 状态, 最近填报, 下次应报, 逾期期数, 销号."""
    plan = ledger.plan
    tasks = {t.id: t for t in plan.tasks}
    latest = []
    for task_id, period, status, at in zip(rows["task_id"], rows["period"], rows["status"], rows["reported_at"]):
        if not at:
            latest.append("尚未填报")
            continue
        label = period_label(plan, task_id, period)
        latest.append("，".join(x for x in (label, STATUSES.get(status, status), fmt_date(at)) if x))
    return pd.DataFrame({
        "任务": [task_name(tasks[t]) for t in rows["task_id"]],
        "填报单位": list(rows["reporter"]),
        "状态": [STATES[s] for s in rows["state"]],
        "最近填报": latest,
        "下次应报": [fmt_date(d, "") if d else "" for d in rows["due"]],
        "逾期期数": [int(n) for n in rows["periods_overdue"]],
        "销号": [CLOSE_LABELS.get(c, c) for c in rows["close"]],
    }, columns=["任务", "填报单位", "状态", "最近填报", "下次应报", "逾期期数", "销号"])


def waiting(ledger) -> pd.DataFrame:
    """销号 requests waiting for review, oldest first: task_id, reporter and, in words, 任务, 填报单位, 佐证材料,
    申请人, 申请时间, 最近进展."""
    a = ledger.assignments
    rows = a[a["close"] == "requested"].sort_values("requested_at", kind="stable")
    tasks = {t.id: t for t in ledger.plan.tasks}
    return pd.DataFrame({
        "task_id": list(rows["task_id"]),
        "reporter": list(rows["reporter"]),
        "任务": [task_name(tasks[t]) for t in rows["task_id"]],
        "填报单位": list(rows["reporter"]),
        "佐证材料": list(rows["close_evidence"]),
        "申请人": list(rows["requested_by"]),
        "申请时间": [fmt_time(t) for t in rows["requested_at"]],
        "最近进展": list(rows["progress"]),
    }, columns=["task_id", "reporter", "任务", "填报单位", "佐证材料", "申请人", "申请时间", "最近进展"])


def reviewed(ledger, limit: int = 30) -> pd.DataFrame:
    """The latest reviews (同意销号 / 退回), newest first: 任务, 填报单位, 结果, 审核人, 审核时间, 退回理由."""
    e = ledger.events[ledger.events["kind"].isin(list(REVIEWS))].iloc[::-1].head(limit)
    tasks = {t.id: t for t in ledger.plan.tasks}
    return pd.DataFrame({
        "任务": [task_name(tasks[t]) if t in tasks else t for t in e["task_id"]],
        "填报单位": list(e["reporter"]),
        "结果": [REVIEWS[k] for k in e["kind"]],
        "审核人": list(e["user"]),
        "审核时间": [fmt_time(t) for t in e["at"]],
        "退回理由": list(e["reason"]),
    }, columns=["任务", "填报单位", "结果", "审核人", "审核时间", "退回理由"])
