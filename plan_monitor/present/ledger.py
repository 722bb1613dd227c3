"""督办台账 in words: the task ledger (plan_monitor.ledger.state.Ledger) as the tables the pages and the Excel ledger
show. Read-only and Streamlit-free; every state is the ledger's own (assignment_states), never judged again here.

- ledger_table: one row per task, the most urgent first (STATE_ORDER), with 牵头单位、责任单位, 时限 (the deadline, or
  the next report's last day of a cadence), 进展 (the latest report with its reporter and day), 状态 and 销号时间;
  filtered by area, unit (a reporter, its county, or a unit the task names) and state.
- reporter_table and history_table: one task's reporters, and every step taken on it (reports, 销号 steps).
- matrix_table and rollup_table: 报送情况 of a cadence task, reporter × period, and rolled up by county.
- item_table: open 督办 items with their 整改措施 (the ledger's measure events, keyed by item_key), newest first.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from plan_monitor.ledger.cadence import task_periods
from plan_monitor.ledger.state import (
    CELLS,
    EVENT_KINDS,
    STATE_ORDER,
    STATES,
    STATUSES,
    Ledger,
    compliance_rollup,
    item_key,
    task_states,
)
from plan_monitor.present.format import fmt_date, fmt_time
from plan_monitor.present.supervision import ordered, trigger_words
from plan_monitor.present.tasks import NO_UNIT
from plan_monitor.spec.tasks import CADENCE_LABELS, REPORT_BY_LABELS, Task

LEDGER_COLUMNS = ["序号", "任务", "牵头单位", "责任单位", "时限", "进展", "状态", "销号时间"]  # the 督查室's layout
NOT_REPORTED = "尚未填报"
CLOSE_LABELS = {"open": "未申请", "requested": "待审核", "closed": "已销号", "returned": "已退回"}


# ---------------------------------------------------------------- words for one task
def lead_words(task: Task) -> str:
    return task.lead or NO_UNIT


def units_words(task: Task) -> str:
    """责任单位 as the plan writes them; for a task the counties or towns report on, who reports when it names none."""
    if task.units:
        return "、".join(task.units)
    return REPORT_BY_LABELS[task.report_by] if task.report_by != "unit" else NO_UNIT


def timing_short(task: Task, due) -> str:
    """时限 of a ledger row: 2024年12月31日前; 每月，下次2026年2月10日前报送 (the next report's last day, none when
    every assignment is closed or the plan period is over)."""
    if task.deadline is not None:
        return f"{fmt_date(task.deadline)}前"
    words = CADENCE_LABELS[task.cadence]
    return f"{words}，下次{fmt_date(due)}前报送" if due is not None else words


def _day(at: str) -> str:
    """The day of an ISO timestamp as a reader writes it; "" stays empty."""
    return fmt_date(at[:10], empty="") if at else ""


def period_labels(task: Task, plan) -> dict[str, str]:
    """A period's key → its label (2025-Q3 → 2025年第3季度); a deadline task's reports have no period."""
    return {p.key: p.label for p in task_periods(task, plan)}


# ---------------------------------------------------------------- filters
def area_options(plan) -> list[str]:
    return list(dict.fromkeys(t.area for t in plan.tasks))


def unit_options(ledger: Ledger) -> list[str]:
    """Units to filter by: those the tasks name (牵头单位、责任单位), then the counties and the other reporters, each
    once, in the plan's order."""
    a = ledger.assignments
    named = [u for t in ledger.plan.tasks for u in t.owners]
    counties = [c for c in a["county"] if c]
    return list(dict.fromkeys([*named, *counties, *a["reporter"]]))


def filter_assignments(ledger: Ledger, area: str | None = None, unit: str | None = None,
                       state: str | None = None) -> pd.DataFrame:
    """The ledger's assignments of tasks in `area`; of `unit` (its own: the reporter itself, or a county's own report
    and its towns'; of a task the unit is named in but does not report on, every reporter's); in `state` (STATES)."""
    a = ledger.assignments
    tasks = {t.id: t for t in ledger.plan.tasks}
    keep = pd.Series(True, index=a.index)
    if area is not None:
        keep &= a["task_id"].map(lambda t: tasks[t].area == area)
    if unit is not None:
        own = (a["reporter"] == unit) | (a["county"] == unit)
        reporting = set(a.loc[own, "task_id"])
        keep &= own | a["task_id"].map(lambda t: t not in reporting and unit in tasks[t].owners)
    if state is not None:
        keep &= a["state"] == state
    return a[keep]


# ---------------------------------------------------------------- the ledger table
def ledger_table(ledger: Ledger, area: str | None = None, unit: str | None = None,
                 state: str | None = None) -> pd.DataFrame:
    """One row per task with assignments passing the filters, the most urgent first (STATE_ORDER), then the plan's
    order: 序号, 任务, 牵头单位, 责任单位, 时限, 进展, 状态, 销号 (closed out of assigned, and how many are 逾期),
    销号时间, and task_id (for a link to the task's history)."""
    a = filter_assignments(ledger, area, unit, state)
    rows = task_states(ledger.plan, a)
    columns = [*LEDGER_COLUMNS[:7], "销号", "销号时间", "task_id"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    order = {t.id: i for i, t in enumerate(ledger.plan.tasks)}
    rows = rows.assign(_s=rows["state"].map(STATE_ORDER), _p=rows["task_id"].map(order))
    rows = rows.sort_values(["_s", "_p"], kind="stable").reset_index(drop=True)
    out = []
    for i, row in enumerate(rows.itertuples(), start=1):
        task = ledger.plan.task(row.task_id)
        mine = a[a["task_id"] == row.task_id]
        due = [d for d, c in zip(mine["due"], mine["close"]) if d not in (None, "") and c != "closed"]
        tally = f"{row.closed}/{row.assigned}" + (f"，逾期{row.overdue}" if row.overdue else "")
        out.append([i, task.title or task.wording[:30], lead_words(task), units_words(task),
                    timing_short(task, min(due) if due else None), progress_words(mine), STATES[row.state], tally,
                    _day(row.closed_at), row.task_id])
    return pd.DataFrame(out, columns=columns)


def progress_words(a: pd.DataFrame) -> str:
    """The latest report among these assignments: 江陵县（2024年2月7日）：已完成过半，正在查漏补缺."""
    reported = a[a["reported_at"] != ""]
    if reported.empty:
        return NOT_REPORTED
    last = reported.sort_values("reported_at", kind="stable").iloc[-1]
    return f"{last['reporter']}（{_day(last['reported_at'])}）：{last['progress']}"


def export_table(table: pd.DataFrame) -> pd.DataFrame:
    """The ledger table in the 督查室's columns (LEDGER_COLUMNS)."""
    return table[LEDGER_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------- one task
def reporter_table(ledger: Ledger, task_id: str, unit: str | None = None) -> pd.DataFrame:
    """One row per reporter of a task, the most urgent first: 填报单位, 状态, 最新进展, 填报时间, 报送 (periods
    reported out of those due, cadence tasks), 逾期期数, 下次报送, 销号 (its step), 销号时间, 销号情况."""
    task = ledger.plan.task(task_id)
    a = ledger.assignments[ledger.assignments["task_id"] == task_id]
    if unit is not None and unit not in task.owners:
        a = a[(a["reporter"] == unit) | (a["county"] == unit)]
    a = a.assign(_s=a["state"].map(STATE_ORDER)).sort_values("_s", kind="stable")
    reports = ledger.events[(ledger.events["kind"] == "report") & (ledger.events["task_id"] == task_id)]
    sent = reports.groupby("reporter")["period"].nunique()
    rows = []
    for r in a.itertuples():
        periods = f"{min(int(sent.get(r.reporter, 0)), r.periods_due)}/{r.periods_due}" if task.cadence else "—"
        rows.append({
            "填报单位": r.reporter, "状态": STATES[r.state],
            "最新进展": r.progress or NOT_REPORTED,
            "进展状态": STATUSES.get(r.status, "—"),
            "填报时间": _day(r.reported_at) or "—",
            "已报期数": periods, "逾期期数": int(r.periods_overdue) if task.cadence else int(r.overdue),
            "下次报送": fmt_date(r.due) if r.due not in (None, "") and task.cadence and r.close != "closed" else "—",
            "销号": CLOSE_LABELS[r.close], "销号时间": _day(r.close_at) if r.close == "closed" else "—",
            "销号情况": close_words(r),
        })
    return pd.DataFrame(rows, columns=["填报单位", "状态", "最新进展", "进展状态", "填报时间", "已报期数", "逾期期数",
                                       "下次报送", "销号", "销号时间", "销号情况"])


def close_words(r) -> str:
    """Where the 销号 stands in words: who asked when with what, who approved or returned it and why."""
    if r.close == "open":
        return "—"
    asked = f"{r.requested_by} {_day(r.requested_at)} 申请（佐证：{r.close_evidence}）" if r.requested_at else ""
    if r.close == "requested":
        return asked + "，待审核"
    if r.close == "closed":
        return "；".join(p for p in (asked, f"{r.close_by} {_day(r.close_at)} 审核通过") if p)
    return "；".join(p for p in (asked, f"{r.close_by} {_day(r.close_at)} 退回：{r.close_reason}") if p)


def history_table(ledger: Ledger, task_id: str, reporter: str | None = None) -> pd.DataFrame:
    """Every step taken on a task (one reporter's when given), newest first: 时间, 填报单位, 事项 (EVENT_KINDS), 报告期,
    进展状态, 内容 (进展, 佐证, 退回理由), 提交人."""
    task = ledger.plan.task(task_id)
    labels = period_labels(task, ledger.plan)
    e = ledger.history(task_id, reporter).iloc[::-1]
    rows = []
    for r in e.itertuples():
        parts = [r.progress] if r.progress else []
        if r.evidence:
            parts.append(f"佐证：{r.evidence}")
        if r.reason:
            parts.append(f"理由：{r.reason}")
        rows.append({"时间": fmt_time(r.at), "填报单位": r.reporter,
                     "事项": EVENT_KINDS.get(r.kind, r.kind), "报告期": labels.get(r.period, r.period) or "—",
                     "进展状态": STATUSES.get(r.status, "—"), "内容": "；".join(parts) or "—",
                     "提交人": r.user or "—"})
    return pd.DataFrame(rows, columns=["时间", "填报单位", "事项", "报告期", "进展状态", "内容", "提交人"])


# ---------------------------------------------------------------- cadence matrix
def cadence_tasks(plan) -> list[Task]:
    return [t for t in plan.tasks if t.cadence is not None]


def shown_periods(ledger: Ledger, task_id: str, every: bool = False) -> list[str]:
    """The period labels the matrix shows: those begun by the ledger's day (the due ones and the current one), or
    every period of the plan with `every`."""
    task = ledger.plan.task(task_id)
    return [p.label for p in task_periods(task, ledger.plan) if every or p.start <= ledger.day]


def matrix_codes(ledger: Ledger, task_id: str, every: bool = False) -> pd.DataFrame:
    """The compliance matrix (CELLS codes) with only the shown periods: reporter, county, town and one column per
    period label."""
    matrix = ledger.matrix(task_id)
    return matrix[["reporter", "county", "town", *shown_periods(ledger, task_id, every)]]


def matrix_table(codes: pd.DataFrame) -> pd.DataFrame:
    """The matrix in words, indexed by 填报单位 (a town as 县/乡镇), each cell a CELLS label."""
    periods = [c for c in codes.columns if c not in ("reporter", "county", "town")]
    out = codes[periods].apply(lambda col: col.map(CELLS))
    out.index = pd.Index(codes["reporter"].tolist(), name="填报单位")
    return out


def overdue_counts(codes: pd.DataFrame) -> dict[str, int]:
    """逾期 in the matrix: cells (periods past their report window with no report), reporters with any, and reports
    sent late (逾期补报)."""
    periods = codes[[c for c in codes.columns if c not in ("reporter", "county", "town")]]
    return {"overdue": int((periods == "overdue").sum().sum()), "late": int((periods == "late").sum().sum()),
            "reporters": int((periods == "overdue").any(axis=1).sum()), "missing": int((periods == "missing").sum().sum())}


def rollup_table(codes: pd.DataFrame) -> pd.DataFrame:
    """The matrix rolled up by county (compliance_rollup): 县（市、区）, 乡镇数 and per period 已报/应报（逾期n）."""
    rolled = compliance_rollup(codes, "county")
    return rolled.rename(columns={"county": "县（市、区）", "reporters": "乡镇数"})


# ---------------------------------------------------------------- 督办 items and their 整改措施
def item_keys(items: pd.DataFrame) -> list[str]:
    return [item_key(i, c, o) for i, c, o in zip(items["indicator_id"], items["county"], items["opened_at"])]


def measures_by_item(ledger: Ledger | None) -> dict[str, list[str]]:
    """Each item's 整改措施 as lines, newest first: 2024年10月8日 张三：……"""
    out: dict[str, list[str]] = {}
    if ledger is None:
        return out
    for r in ledger.measures().itertuples():
        out.setdefault(r.item, []).append(f"{_day(r.at)} {r.user}：{r.progress}")
    return out


def item_table(items: pd.DataFrame, ledger: Ledger | None, day: date, unit: str | None = None) -> pd.DataFrame:
    """Open 督办 items (overdue first, as the 督办 page orders them) with their 整改措施, newest first; a county's own
    when `unit` is one."""
    rows = ordered(items, day)
    rows = rows[rows["open"]]
    if unit is not None:
        rows = rows[rows["county"] == unit]
    measures = measures_by_item(ledger)
    keys = item_keys(rows)
    return pd.DataFrame({
        "序号": range(1, len(rows) + 1), "县（市、区）": rows["county"].tolist(), "指标": rows["indicator"].tolist(),
        "立项": [fmt_date(d) for d in rows["opened_at"]], "时限": [fmt_date(d) for d in rows["deadline"]],
        "触发数据": [trigger_words(r) for r in rows.itertuples()],
        "整改措施": ["\n".join(measures.get(k, [])) or "尚未填报" for k in keys],
        "item": keys,
    })
