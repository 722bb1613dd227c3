"""The task ledger (清单销号): who reports on which task, what they reported per period, where each 销号 stands, and
which periods are 已报 / 未报 / 逾期, all from the ledger's events (the store's task_events) and the plan's tasks.

An assignment is one task and one reporter: each unit the task names (report_by unit, 牵头单位 and 责任单位 as the
plan writes them), or each county or town it applies to (report_by county / town; a town reporter is written
"县/乡镇"). Its reports are events of kind report, one per period (the cadence period's key, "" for a deadline
task); the latest report of a period wins. 销号 is two steps: close_request (the reporter, with evidence), then
close_approve (closed for good) or close_return (sent back with a reason, the reporter may ask again). A measure
event is a county's 整改措施 on a 督办 item (item = the item's key).

Every status here is computed once, in `assignment_states`, and every page, export and slide reads that frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
import pyarrow as pa

from plan_monitor.ledger.cadence import Period, task_periods
from plan_monitor.sources.task_events import EVENT_FIELDS, EVENT_SCHEMA, conform_events
from plan_monitor.spec.tasks import Task

# ---------------------------------------------------------------- the events
EVENT_KINDS = {"report": "进展填报", "close_request": "申请销号", "close_approve": "审核销号", "close_return": "退回",
               "measure": "整改措施"}
STATUSES = {"not_started": "未启动", "in_progress": "推进中", "done": "已完成", "behind": "滞后"}
STATUS_BY_LABEL = {label: code for code, label in STATUSES.items()}
TEXT_LIMIT = 500  # 进展情况, 整改措施, a reason: characters
EVIDENCE_LIMIT = 300

# ---------------------------------------------------------------- states of an assignment
# One state per assignment as of a day; the order is the ledger's (most urgent first).
STATES = {"overdue": "逾期", "behind": "滞后", "requested": "待审核", "returned": "退回", "done": "已完成待销号",
          "in_progress": "推进中", "not_started": "未启动", "unreported": "未报", "closed": "已销号"}
STATE_ORDER = {s: i for i, s in enumerate(STATES)}
# A task's own state is its least advanced assignment's: urgent ones first, then the ones furthest from done (one
# reporter still 推进中 keeps the task 推进中 though another has finished).
TASK_ORDER = {s: i for i, s in enumerate(["overdue", "behind", "returned", "unreported", "not_started", "in_progress",
                                          "done", "requested", "closed"])}
# the three groups a briefing counts
GROUPS = {"closed": "已销号", "ongoing": "推进中", "behind": "滞后"}
GROUP_OF = {"overdue": "behind", "behind": "behind", "closed": "closed"}
# a cell of the cadence matrix
CELLS = {"reported": "已报", "late": "逾期补报", "missing": "未报", "overdue": "逾期", "pending": "未到期",
         "closed": "已销号"}


def empty_events() -> pa.Table:
    return EVENT_SCHEMA.empty_table()


def events_frame(events: pa.Table, plan_id: str | None = None) -> pd.DataFrame:
    """The events as a frame, oldest first, only the plan's (plan_id) when given."""
    frame = conform_events(events).to_pandas()
    if plan_id is not None:
        frame = frame[frame["plan"] == plan_id]
    for column in EVENT_FIELDS:
        if column not in ("event", "batch"):
            frame[column] = frame[column].fillna("").astype(object)
    return frame.sort_values(["event"], kind="stable", na_position="last").reset_index(drop=True)


# ---------------------------------------------------------------- assignments
def reporters(task: Task, geo) -> list[tuple[str, str, str]]:
    """(reporter, county, town) of every assignment of a task: county and town are "" for a unit."""
    if task.report_by == "unit":
        return [(u, "", "") for u in task.owners]
    counties = geo.county_names()
    towns = list(zip(geo.towns["county"], geo.towns["town"]))
    wanted = None if task.applies_to == "all" else set(task.applies_to)
    if task.report_by == "county":
        if wanted is None:
            return [(c, c, "") for c in counties]
        picked = [c for c in counties if c in wanted or any(t in wanted and tc == c for tc, t in towns)]
        return [(c, c, "") for c in picked]
    keep = [(c, t) for c, t in towns if wanted is None or c in wanted or t in wanted or f"{c}/{t}" in wanted]
    return [(f"{c}/{t}", c, t) for c, t in keep]


def assignments(plan, geo) -> pd.DataFrame:
    """One row per task and reporter, in the plan's order: task_id, reporter, county, town."""
    rows = [(t.id, r, c, w) for t in plan.tasks for r, c, w in reporters(t, geo)]
    return pd.DataFrame(rows, columns=["task_id", "reporter", "county", "town"])


def report_deadline(period: Period, report_days: int) -> date:
    """The last day a period's report is on time."""
    return period.end + timedelta(days=report_days)


def open_periods(task: Task, plan, day: date) -> list[Period]:
    """The periods of a cadence task a report may be for on `day`: every one begun by then."""
    return [p for p in task_periods(task, plan) if p.start <= day]


# ---------------------------------------------------------------- the state of every assignment
@dataclass(frozen=True)
class Ledger:
    """A plan's assignments with their state as of a day, the events behind them and the cadence matrix."""

    plan: object
    day: date
    assignments: pd.DataFrame  # assignment_states: one row per task and reporter
    events: pd.DataFrame  # every event of the plan, oldest first

    def task_rows(self) -> pd.DataFrame:
        return task_states(self.plan, self.assignments)

    def history(self, task_id: str, reporter: str | None = None) -> pd.DataFrame:
        """A task's events (one reporter's, when given), oldest first."""
        e = self.events[self.events["task_id"] == task_id]
        return e if reporter is None else e[e["reporter"] == reporter]

    def counts(self) -> dict[str, int]:
        """Assignments per group: closed (已销号), ongoing (推进中), behind (滞后, 逾期 included)."""
        return {g: int((self.assignments["group"] == g).sum()) for g in GROUPS}

    def state_counts(self) -> dict[str, int]:
        """Assignments per state (STATES)."""
        return {s: int((self.assignments["state"] == s).sum()) for s in STATES}

    def matrix(self, task_id: str) -> pd.DataFrame:
        return compliance(self.plan, self.assignments, self.events, task_id, self.day)

    def measures(self) -> pd.DataFrame:
        """整改措施 attached to 督办 items: item, reporter (the county), text, user, at; newest first."""
        m = self.events[self.events["kind"] == "measure"]
        return m.iloc[::-1].reset_index(drop=True)


def build_ledger(plan, geo, events: pa.Table, day: date) -> Ledger:
    frame = events_frame(events, plan.plan.id)
    return Ledger(plan, day, assignment_states(plan, geo, frame, day), frame)


def _close_states(events: pd.DataFrame) -> pd.DataFrame:
    """Per (task_id, reporter): the latest 销号 step and its details; an approval is final."""
    steps = events[events["kind"].isin(["close_request", "close_approve", "close_return"])]
    cols = ["task_id", "reporter", "close", "close_at", "close_by", "close_evidence", "close_reason",
            "requested_at", "requested_by"]
    if steps.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for (task_id, reporter), group in steps.groupby(["task_id", "reporter"], sort=False):
        approved = group[group["kind"] == "close_approve"]
        last = approved.iloc[0] if len(approved) else group.iloc[-1]
        requests = group[(group["kind"] == "close_request") & (group["event"] <= last["event"])]
        req = requests.iloc[-1] if len(requests) else None
        state = {"close_request": "requested", "close_approve": "closed", "close_return": "returned"}[last["kind"]]
        rows.append((task_id, reporter, state, last["at"], last["user"],
                     req["evidence"] if req is not None else "", last["reason"],
                     req["at"] if req is not None else "", req["user"] if req is not None else ""))
    return pd.DataFrame(rows, columns=cols)


def assignment_states(plan, geo, events: pd.DataFrame, day: date) -> pd.DataFrame:
    """One row per assignment: task_id, reporter, county, town; the latest report (period, status, progress,
    evidence, reported_at, reported_by); 销号 (close: open / requested / closed / returned, with when, who,
    evidence and reason); for a cadence task the periods due and those 逾期; due (the deadline, or the next report
    deadline of a cadence), state (STATES), group (GROUPS) and overdue."""
    base = assignments(plan, geo)
    reports = events[events["kind"] == "report"]
    latest = reports.groupby(["task_id", "reporter"], sort=False).tail(1)[
        ["task_id", "reporter", "period", "status", "progress", "evidence", "at", "user"]].rename(
        columns={"evidence": "report_evidence", "at": "reported_at", "user": "reported_by"})
    out = base.merge(latest, on=["task_id", "reporter"], how="left")
    out = out.merge(_close_states(events), on=["task_id", "reporter"], how="left")
    for column in out.columns:
        if column not in ("task_id", "reporter", "county", "town"):
            out[column] = out[column].fillna("").astype(object)
    out.loc[out["close"] == "", "close"] = "open"
    reported = set(zip(reports["task_id"], reports["reporter"], reports["period"]))
    tasks = {t.id: t for t in plan.tasks}
    report_days = plan.supervision.report_days
    due_count, late_count, due_day = [], [], []
    for task_id, reporter, close, close_at in zip(out["task_id"], out["reporter"], out["close"], out["close_at"]):
        task = tasks[task_id]
        if task.cadence is None:
            due_count.append(0)
            late_count.append(int(close != "closed" and day > task.deadline))
            due_day.append(task.deadline)
            continue
        until = _closed_day(close_at) if close == "closed" else None
        due = [p for p in task_periods(task, plan) if p.is_due(day) and (until is None or p.end <= until)]
        missing = [p for p in due if (task_id, reporter, p.key) not in reported]
        late = [p for p in missing if day > report_deadline(p, report_days)]
        upcoming = [report_deadline(p, report_days) for p in task_periods(task, plan)
                    if (task_id, reporter, p.key) not in reported and report_deadline(p, report_days) >= day]
        due_count.append(len(due))
        late_count.append(len(late))
        due_day.append(min(upcoming) if upcoming and close != "closed" else None)
    out["periods_due"] = due_count
    out["periods_overdue"] = late_count
    out["due"] = due_day
    out["overdue"] = (out["periods_overdue"] > 0) & (out["close"] != "closed")
    out["state"] = [_state(close, overdue, status) for close, overdue, status in
                    zip(out["close"], out["overdue"], out["status"])]
    out["group"] = out["state"].map(lambda s: GROUP_OF.get(s, "ongoing"))
    return out


def _closed_day(at: str) -> date | None:
    try:
        return datetime.fromisoformat(at).date()
    except ValueError:
        return None


def _state(close: str, overdue: bool, status: str) -> str:
    if close == "closed":
        return "closed"
    if overdue:
        return "overdue"
    if status == "behind":
        return "behind"
    if close in ("requested", "returned"):
        return close
    if status == "done":
        return "done"
    return status or "unreported"


def task_states(plan, states: pd.DataFrame) -> pd.DataFrame:
    """One row per task: its assignments counted by state, the task's own state (closed when every assignment
    is; else the most urgent of its assignments') and when it was closed (the last approval)."""
    rows = []
    for task in plan.tasks:
        a = states[states["task_id"] == task.id]
        if a.empty:
            continue
        closed = a["state"].eq("closed").all()
        state = "closed" if closed else min(a.loc[a["state"] != "closed", "state"], key=TASK_ORDER.get)
        rows.append({"task_id": task.id, "area": task.area, "assigned": len(a),
                     "closed": int(a["state"].eq("closed").sum()), "overdue": int(a["overdue"].sum()),
                     "behind": int(a["group"].eq("behind").sum()), "state": state,
                     "group": GROUP_OF.get(state, "ongoing"),
                     "closed_at": max(a["close_at"]) if closed else "",
                     "latest_progress": _latest_text(a)})
    return pd.DataFrame(rows, columns=["task_id", "area", "assigned", "closed", "overdue", "behind", "state", "group",
                                       "closed_at", "latest_progress"])


def _latest_text(a: pd.DataFrame) -> str:
    reported = a[a["reported_at"] != ""]
    if reported.empty:
        return ""
    last = reported.sort_values("reported_at", kind="stable").iloc[-1]
    return f"{last['reporter']}：{last['progress']}"


# ---------------------------------------------------------------- cadence compliance
def compliance(plan, states: pd.DataFrame, events: pd.DataFrame, task_id: str, day: date) -> pd.DataFrame:
    """报送情况 of a cadence task: one row per reporter (with county and town), one column per period label, each
    cell a CELLS code: reported on time, late (逾期补报), missing (due, still within the report window),
    overdue (past it), pending (not yet due) or closed (after the assignment was closed)."""
    task = plan.task(task_id)
    periods = task_periods(task, plan)
    a = states[states["task_id"] == task_id]
    reports = events[(events["kind"] == "report") & (events["task_id"] == task_id)]
    first = reports.groupby(["reporter", "period"], sort=False)["at"].min()
    report_days = plan.supervision.report_days
    rows = []
    for reporter, county, town, close, close_at in zip(a["reporter"], a["county"], a["town"], a["close"],
                                                       a["close_at"]):
        until = _closed_day(close_at) if close == "closed" else None
        row = {"reporter": reporter, "county": county, "town": town}
        for p in periods:
            at = first.get((reporter, p.key))
            if at is not None:
                on_time = _closed_day(at) is None or _closed_day(at) <= report_deadline(p, report_days)
                row[p.label] = "reported" if on_time else "late"
            elif until is not None and p.end > until:
                row[p.label] = "closed"
            elif not p.is_due(day):
                row[p.label] = "pending"
            elif day > report_deadline(p, report_days):
                row[p.label] = "overdue"
            else:
                row[p.label] = "missing"
        rows.append(row)
    return pd.DataFrame(rows, columns=["reporter", "county", "town", *[p.label for p in periods]])


def compliance_rollup(matrix: pd.DataFrame, by: str = "county") -> pd.DataFrame:
    """The matrix rolled up by county (or any column): per group and period, reporters 已报 (reported or late)
    out of those due, as "已报/应报" text, and the overdue count, in a frame of the same period columns."""
    periods = [c for c in matrix.columns if c not in ("reporter", "county", "town")]
    rows = []
    for key, group in matrix.groupby(by, sort=False):
        row = {by: key, "reporters": len(group)}
        for p in periods:
            cells = group[p]
            due = int(cells.isin(["reported", "late", "missing", "overdue"]).sum())
            sent = int(cells.isin(["reported", "late"]).sum())
            over = int((cells == "overdue").sum())
            row[p] = f"{sent}/{due}" + (f"（逾期{over}）" if over else "") if due else "—"
        rows.append(row)
    return pd.DataFrame(rows, columns=[by, "reporters", *periods])


def item_key(indicator_id: str, county: str, opened_at) -> str:
    """The key a 督办 item's 整改措施 are filed under: indicator, county and the day the item was opened."""
    day = opened_at.date() if hasattr(opened_at, "date") else opened_at
    return f"{indicator_id}|{county}|{day.isoformat()}"


def default_day(events: pa.Table, is_demo: bool, today: date | None = None) -> date:
    """The day a ledger is judged on when nobody chose one: today; for the bundled demo its own "today", the last
    day of the events its data folder ships (batch 0), so that reports made in the app since then do not move it."""
    today = today or date.today()
    if not is_demo:
        return today
    days = [at[:10] for at, batch in zip(events["at"].to_pylist(), events["batch"].to_pylist()) if at and batch == 0]
    return date.fromisoformat(max(days)) if days else today
