"""The briefing's task slide as data: the task ledger's assignments counted by group (已销号 / 推进中 / 滞后, as
Ledger.counts() counts them), the 逾期 and 滞后 items most urgent first, and the 督办 items of the figures with their
colours as of the ledger's day.

Every count is read from the ledger (counts(), state_counts()) or from present.supervision.counts; nothing here
judges an assignment or an item a second way. A county's deck reads the same ledger cut to that county's
assignments (its own and its towns'), and its own 督办 items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from plan_monitor.ledger.state import GROUPS, STATES, Ledger, build_ledger, item_key
from plan_monitor.present.format import fmt_date
from plan_monitor.present.supervision import counts as colour_counts

TOP_ITEMS = 6  # item lines a slide lists; the rest are counted (等N项)
ITEM_STATES = ("overdue", "behind")  # the 滞后 group's states, most urgent first
ITEM_COLUMNS = ["task_id", "title", "lead", "state", "state_label", "reporters", "detail", "size"]


@dataclass(frozen=True)
class TaskFigures:
    """What the task slide, its PPTX twin and the bulletin's task paragraphs show."""

    day: date  # 台账截至: the day the ledger's states are judged on
    tasks: int  # tasks with at least one assignment in scope
    reporters: int  # 填报单位: distinct reporters in scope
    assignments: int  # task × reporter
    counts: dict[str, int]  # Ledger.counts(): closed, ongoing, behind
    overdue: int  # of behind: 逾期 (Ledger.state_counts()["overdue"])
    # One row per task and state (逾期, then 滞后) of the 滞后 group, most urgent first (ITEM_COLUMNS); reporters is
    # a tuple of names, the most overdue first; size the number of assignments the line stands for.
    items: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ITEM_COLUMNS))
    supervision: dict[str, int] = field(default_factory=dict)  # 督办 items by colour as of `day` (red … grey)
    measures: int = 0  # 整改措施 filed on those items
    measured_items: int = 0  # items with at least one 整改措施

    @property
    def open_items(self) -> int:
        return sum(self.supervision.get(c, 0) for c in ("red", "yellow", "blue"))

    @property
    def day_text(self) -> str:
        return f"台账截至 {fmt_date(self.day)}"


def briefing_ledger(plan, geo, store, day: date) -> Ledger | None:
    """The task ledger a briefing reads, as the pages build it: None when the plan has no tasks or no store."""
    if store is None or not getattr(plan, "tasks", None):
        return None
    _, events = store.task_ledger()
    return build_ledger(plan, geo, events, day)


def scoped(ledger: Ledger, county: str | None) -> Ledger:
    """The ledger as one county's deck sees it: the assignments that county or its towns report."""
    if county is None:
        return ledger
    mine = ledger.assignments[ledger.assignments["county"] == county].reset_index(drop=True)
    events = ledger.events[ledger.events["reporter"].isin(set(mine["reporter"]) | {county})]
    return Ledger(ledger.plan, ledger.day, mine, events.reset_index(drop=True))


def task_figures(ledger: Ledger, items: pd.DataFrame | None, county: str | None = None) -> TaskFigures | None:
    """The task slide's figures for the city (or one county); None when nothing is assigned in scope."""
    own = scoped(ledger, county)
    a = own.assignments
    if a.empty:
        return None
    sup = _supervision(items, county)
    keys = set(sup["key"]) if sup is not None else set()
    measures = own.measures()
    measures = measures[measures["item"].isin(keys)] if len(measures) else measures
    return TaskFigures(
        day=ledger.day, tasks=int(a["task_id"].nunique()), reporters=int(a["reporter"].nunique()),
        assignments=len(a), counts=own.counts(), overdue=own.state_counts()["overdue"],
        items=behind_items(own),
        supervision=colour_counts(sup, ledger.day) if sup is not None else {},
        measures=len(measures), measured_items=int(measures["item"].nunique()) if len(measures) else 0)


def _supervision(items: pd.DataFrame | None, county: str | None) -> pd.DataFrame | None:
    """The 督办 items in scope with the key their 整改措施 are filed under (item_key)."""
    if items is None:
        return None
    sup = items if county is None else items[items["county"] == county]
    keys = [item_key(i, c, pd.Timestamp(o)) for i, c, o in zip(sup["indicator_id"], sup["county"], sup["opened_at"])]
    return sup.assign(key=pd.Series(keys, index=sup.index, dtype=object))


def behind_items(ledger: Ledger) -> pd.DataFrame:
    """The 滞后 group's assignments as lines, one per task and state: 逾期 first (most periods overdue, then the
    earliest due day), then 滞后, each in the plan's order of tasks; reporters most overdue first."""
    a = ledger.assignments
    a = a[a["state"].isin(ITEM_STATES)]
    if a.empty:
        return pd.DataFrame(columns=ITEM_COLUMNS)
    tasks = {t.id: t for t in ledger.plan.tasks}
    order = {t.id: i for i, t in enumerate(ledger.plan.tasks)}
    rows = []
    for (task_id, state), g in a.groupby(["task_id", "state"], sort=False):
        task = tasks[task_id]
        g = g.sort_values("periods_overdue", ascending=False, kind="stable")
        due = min((d for d in g["due"] if d), default=None)
        rows.append({"task_id": task_id, "title": task.title or task.wording[:24], "lead": task.lead,
                     "state": state, "state_label": STATES[state], "reporters": tuple(g["reporter"]),
                     "detail": _detail(task, state, g), "size": len(g),
                     "_rank": (ITEM_STATES.index(state), -int(g["periods_overdue"].max()),
                               due or date.max, order[task_id])})
    out = pd.DataFrame(rows).sort_values("_rank", kind="stable").drop(columns="_rank")
    return out.reset_index(drop=True)[ITEM_COLUMNS]


def _detail(task, state: str, g: pd.DataFrame) -> str:
    """逾期未报 2 期 (a cadence task), 超过完成时限（…）(a deadline task), 自报滞后."""
    if state != "overdue":
        return "自报滞后"
    if task.cadence is None:
        return f"超过完成时限（{fmt_date(task.deadline)}）"
    n = int(g["periods_overdue"].max())
    return f"逾期未报{n}期"


def shown_items(figures: TaskFigures, top: int = TOP_ITEMS) -> tuple[pd.DataFrame, int]:
    """The lines a slide lists and how many it leaves out (等N项 names the total)."""
    return figures.items.head(top), max(0, len(figures.items) - top)


def group_lines(figures: TaskFigures) -> list[tuple[str, str, int]]:
    """(group, label, count) in GROUPS order: the slide's tiles and the chart's categories."""
    return [(g, label, figures.counts[g]) for g, label in GROUPS.items()]
