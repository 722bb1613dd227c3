"""任务清单 in words: each task's units, deadline or cadence, where it applies and, for a cadence, the periods due so
far, grouped by the plan's areas. Read-only; the pages only lay these out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from plan_monitor.ledger.cadence import periods_so_far
from plan_monitor.present.format import fmt_date, fmt_month_day
from plan_monitor.spec.tasks import CADENCE_LABELS, Task

NO_UNIT = "计划未写明"


def _span(start: date, end: date) -> str:
    if start == end:
        return fmt_date(start)
    tail = fmt_month_day(end) if end.year == start.year else fmt_date(end)
    return f"{fmt_date(start)}—{tail}"


def timing_words(task: Task) -> str:
    """时限 or 周期 as a reader writes it: 2024年12月31日前; 每月（自2025年9月1日起）; 分阶段：动员部署阶段 2025年9月1日—9月10日；…"""
    if task.deadline is not None:
        return f"{fmt_date(task.deadline)}前"
    if task.cadence == "stages":
        return "分阶段：" + "；".join(f"{s.name} {_span(s.start, s.end)}" for s in task.stages)
    since = f"（自{fmt_date(task.start)}起）" if task.start else ""
    return CADENCE_LABELS[task.cadence] + since


def applies_words(task: Task) -> str:
    return "全部" if task.applies_to == "all" else "、".join(task.applies_to)


def due_words(task: Task, plan, as_of: date) -> str:
    """The periods due by as_of and the current one (cadence), or how the deadline stands."""
    if task.deadline is not None:
        days = (task.deadline - as_of).days
        return "已到时限" if days < 0 else ("今日到期" if days == 0 else f"距时限 {days} 天")
    periods = periods_so_far(task, plan, as_of)
    if not periods:
        return "尚未开始"
    due = [p for p in periods if p.is_due(as_of)]
    current = [p for p in periods if p.is_current(as_of)]
    parts = []
    if due:
        listed = "、".join(p.label for p in due) if len(due) <= 4 or task.cadence == "stages" else \
            f"{due[0].label}至{due[-1].label}"
        parts.append(f"已到期 {len(due)} 期：{listed}")
    else:
        parts.append("尚无到期的一期")
    if current:
        parts.append(f"本期：{current[0].label}（{fmt_date(current[0].end)}到期）")
    return "；".join(parts)


def unit_options(plan) -> list[str]:
    """Every unit named in the tasks (牵头单位 and 责任单位), in the order the plan first names them."""
    return list(dict.fromkeys(u for t in plan.tasks for u in t.owners))


@dataclass(frozen=True)
class TaskRow:
    id: str
    title: str
    wording: str
    area: str
    lead: str
    units: str
    timing: str
    kind: str  # 一次完成 / 定期 / 分阶段
    applies_to: str
    due: str
    evidence: str
    note: str


def task_rows(plan, as_of: date, unit: str | None = None) -> list[TaskRow]:
    """The plan's tasks in the plan's order, only those naming `unit` (as 牵头单位 or 责任单位) when given."""
    rows = []
    for t in plan.tasks:
        if unit is not None and unit not in t.owners:
            continue
        kind = "一次完成" if t.deadline is not None else ("分阶段" if t.cadence == "stages" else "定期")
        rows.append(TaskRow(t.id, t.title or t.wording[:30], t.wording, t.area, t.lead or NO_UNIT,
                            "、".join(t.units) or NO_UNIT, timing_words(t), kind, applies_words(t),
                            due_words(t, plan, as_of), t.evidence, t.note))
    return rows


def by_area(rows: list[TaskRow]) -> dict[str, list[TaskRow]]:
    """Rows grouped by area, areas in the order they first appear."""
    groups: dict[str, list[TaskRow]] = {}
    for row in rows:
        groups.setdefault(row.area, []).append(row)
    return groups
