"""The rules a batch of task events must keep, checked the same way for a 台账 upload, the in-app form and a 销号
step, before the preview and again under the store's lock (on the ledger as it stands then):

- the task is the plan's and the reporter is one of its assignments (a unit it names, or a county or town it
  applies to, by its report_by);
- the actor may report for that reporter (access.allowed "report_tasks": a unit reporter for its units, a county
  analyst for its counties and their towns, the city for all);
- a report names a period the task has begun by today (a cadence) or none (a deadline task), a status
  (未启动/推进中/已完成/滞后), a 进展情况 of 2 to 500 characters;
- nothing is reported on, or asked to close, an assignment already closed (销号 is for good), a close request is
  not repeated while one waits, and needs its evidence;
- a review (close_approve / close_return) is by the city, on a request that is waiting; a return gives its reason.

Each problem names the row (its place in the batch) and the column, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import pyarrow as pa

from plan_monitor.access.roles import Actor, allowed
from plan_monitor.ledger.cadence import task_periods
from plan_monitor.ledger.state import (
    EVIDENCE_LIMIT,
    STATUSES,
    TEXT_LIMIT,
    assignment_states,
    events_frame,
    reporters,
)


@dataclass(frozen=True)
class TaskProblem:
    row: int | None  # place in the batch (0-based), None for the batch as a whole
    column: str  # the event field it is about
    message: str
    refusal: bool = False  # a scope refusal (AccessDenied) rather than a data error


def check_events(plan, geo, actor: Actor, new: pa.Table | pd.DataFrame, current: pa.Table, day: date) \
        -> list[TaskProblem]:
    """Every problem of a batch `new` (event rows; kind, task_id, reporter, period, status, progress, evidence,
    reason, item) against the plan and the ledger `current` as of `day`."""
    rows = events_frame(pa.Table.from_pandas(new, preserve_index=False) if isinstance(new, pd.DataFrame) else new)
    frame = events_frame(current, plan.plan.id)
    states = assignment_states(plan, geo, frame, day).set_index(["task_id", "reporter"])
    tasks = {t.id: t for t in plan.tasks}
    places = {(t.id, r): (c, w) for t in plan.tasks for r, c, w in reporters(t, geo)}
    problems: list[TaskProblem] = []
    seen: set[tuple] = set()
    for i, row in enumerate(rows.itertuples(index=False)):
        def add(column: str, message: str, refusal: bool = False) -> None:
            problems.append(TaskProblem(i, column, message, refusal))

        kind = row.kind
        if kind == "measure":
            county = row.reporter
            if county not in geo.county_names():
                add("reporter", f"“{county}”不是本地区的县（市、区）")
            elif not allowed(actor, "report_tasks", county=county):
                add("reporter", f"{actor.who}不能为 {county} 填写整改措施", refusal=True)
            if not row.item:
                add("item", "没有指明督办事项")
            _text(add, "progress", row.progress, "整改措施")
            continue
        task = tasks.get(row.task_id)
        if task is None:
            add("task_id", f"任务编号“{row.task_id}”不是本计划的任务" if row.task_id else "缺少任务编号")
            continue
        if (task.id, row.reporter) not in places:
            expected = "、".join(r for r, _, _ in reporters(task, geo)[:8])
            add("reporter", f"“{row.reporter}”不是任务“{task.title or task.id}”的填报单位（应为：{expected}…）"
                if row.reporter else "缺少填报单位")
            continue
        county, _town = places[(task.id, row.reporter)]
        permitted = may_report(actor, task, row.reporter, county)
        if kind in ("report", "close_request") and not permitted:
            add("reporter", f"{actor.who}只能填报本单位（本地）的任务，不能代“{row.reporter}”填报", refusal=True)
            continue
        state = states.loc[(task.id, row.reporter)]
        if kind in ("close_approve", "close_return"):
            if not allowed(actor, "review_tasks"):
                add("kind", f"{actor.who}无权审核销号", refusal=True)
            elif state["close"] != "requested":
                add("kind", f"“{row.reporter}”的“{task.title or task.id}”没有待审核的销号申请（"
                            f"{'已销号' if state['close'] == 'closed' else '可能已被他人处理'}）")
            if kind == "close_return":
                _text(add, "reason", row.reason, "退回理由")
            continue
        if state["close"] == "closed":
            add("task_id", f"“{row.reporter}”的“{task.title or task.id}”已于 {state['close_at'][:10]} 销号，不再填报")
            continue
        if kind == "close_request":
            if state["close"] == "requested":
                add("kind", "已申请销号，正在等待审核，不要重复申请")
            if len(str(row.evidence).strip()) < 2:
                add("evidence", f"申请销号须写明佐证材料（{task.evidence}）")
            elif len(row.evidence) > EVIDENCE_LIMIT:
                add("evidence", f"佐证材料不超过 {EVIDENCE_LIMIT} 字")
            if row.progress:
                _text(add, "progress", row.progress, "完成情况")
            continue
        if kind != "report":
            add("kind", f"未知的台账记录类型“{kind}”")
            continue
        key = (task.id, row.reporter, row.period)
        if key in seen:
            add("period", "同一任务、同一填报单位、同一期在表中出现多次，只保留一行")
        seen.add(key)
        if task.cadence is None:
            if row.period:
                add("period", f"“{task.title or task.id}”是一次完成的任务（时限 {task.deadline.isoformat()}），报告期留空")
        else:
            periods = task_periods(task, plan)
            begun = {p.key: p for p in periods if p.start <= day}
            by_label = {p.label: p for p in periods}
            period = begun.get(row.period) or (by_label.get(row.period) if by_label.get(row.period) in
                                               begun.values() else None)
            if period is None:
                which = "、".join(list(begun)[-3:]) or "（尚无）"
                add("period", f"报告期“{row.period}”不是该任务已开始的一期（最近几期：{which}）"
                    if row.period else f"定期任务须写报告期（如 {which}）")
        if row.status not in STATUSES:
            add("status", f"进展状态“{row.status}”无效，应为：" + "、".join(STATUSES.values()))
        _text(add, "progress", row.progress, "进展情况")
        if len(str(row.evidence)) > EVIDENCE_LIMIT:
            add("evidence", f"佐证材料不超过 {EVIDENCE_LIMIT} 字")
    return problems


def may_report(actor: Actor, task, reporter: str, county: str) -> bool:
    """May the actor report on (and ask to close) this reporter's part of the task: a unit by the unit, a county
    or town by its county."""
    if task.report_by == "unit":
        return allowed(actor, "report_tasks", unit=reporter)
    return allowed(actor, "report_tasks", county=county)


def reportable(plan, states: pd.DataFrame, actor: Actor) -> pd.DataFrame:
    """The rows of an assignments frame (Ledger.assignments) the actor may report for, in their order."""
    if states.empty:
        return states
    tasks = {t.id: t for t in plan.tasks}
    keep = [may_report(actor, tasks[t], r, c) for t, r, c in zip(states["task_id"], states["reporter"],
                                                                    states["county"])]
    return states[keep]


def normalise_period(plan, task_id: str, period: str) -> str:
    """A period written as its label (2025年第3季度) → its key (2025-Q3); anything else as it is."""
    try:
        task = plan.task(task_id)
    except KeyError:
        return period
    for p in task_periods(task, plan):
        if period in (p.key, p.label):
            return p.key
    return period


def _text(add, column: str, text: str, what: str) -> None:
    text = str(text or "").strip()
    if len(text) < 2:
        add(column, f"须填写{what}（至少 2 个字）")
    elif len(text) > TEXT_LIMIT:
        add(column, f"{what}不超过 {TEXT_LIMIT} 字（现有 {len(text)} 字）")
