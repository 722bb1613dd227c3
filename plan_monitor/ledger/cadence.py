"""The periods of a cadence task: which months, quarters, half years, years or stages fall between the task's start
and a date. This is what later counts a unit's reports as 已报 / 未报 / 逾期 per period.

Periods are calendar periods (a quarter is January–March, …); the first one is cut at the task's start when the
task starts inside it, the last at the plan's end. A period is due on its last day: on 2025-09-30 the September
period is due, on 2025-09-29 it is the current one."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from plan_monitor.spec.tasks import Task, plan_period

_MONTHS_PER = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}


@dataclass(frozen=True)
class Period:
    key: str  # 2025-09, 2025-Q3, 2025-H2, 2025, or the stage's name
    label: str  # 2025年9月, 2025年第3季度, 2025年下半年, 2025年, 动员部署阶段
    start: date
    end: date

    def is_due(self, as_of: date) -> bool:
        """Its last day has come: a report for it is now expected."""
        return as_of >= self.end

    def is_current(self, as_of: date) -> bool:
        return self.start <= as_of < self.end


def _name(cadence: str, year: int, month: int) -> tuple[str, str]:
    if cadence == "monthly":
        return f"{year}-{month:02d}", f"{year}年{month}月"
    if cadence == "quarterly":
        q = (month - 1) // 3 + 1
        return f"{year}-Q{q}", f"{year}年第{q}季度"
    if cadence == "half-yearly":
        h = 1 if month <= 6 else 2
        return f"{year}-H{h}", f"{year}年{'上' if h == 1 else '下'}半年"
    return str(year), f"{year}年"


def cadence_periods(cadence: str, start: date, end: date, stages=()) -> list[Period]:
    """Every period of the cadence from start to end (both days included); stages are their own periods."""
    if cadence == "stages":
        return [Period(s.name, s.name, s.start, s.end) for s in stages]
    step = _MONTHS_PER[cadence]
    periods: list[Period] = []
    year, month = start.year, ((start.month - 1) // step) * step + 1  # the calendar period start falls in
    while date(year, month, 1) <= end:
        last_month = month + step - 1
        first_day, last_day = date(year, month, 1), date(year, last_month, monthrange(year, last_month)[1])
        key, label = _name(cadence, year, month)
        periods.append(Period(key, label, max(first_day, start), min(last_day, end)))
        month += step
        if month > 12:
            year, month = year + 1, month - 12
    return periods


def task_periods(task: Task, plan) -> list[Period]:
    """All periods of a cadence task over the plan period (from the task's start); [] for a deadline task."""
    if task.cadence is None:
        return []
    first, last = plan_period(plan)
    return cadence_periods(task.cadence, task.start or first, last, task.stages)


def periods_so_far(task: Task, plan, as_of: date) -> list[Period]:
    """The periods of a cadence task that have begun by as_of (the due ones and the current one)."""
    return [p for p in task_periods(task, plan) if p.start <= as_of]
