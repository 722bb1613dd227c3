"""Tasks as code: the plan's non-numeric work items (清单), declared beside the indicators in the plan file.

A task has the plan's own wording, its area, 牵头单位 and 责任单位 as the plan writes them, either a deadline or a
cadence (monthly, quarterly, half-yearly, yearly, or dated stages), what evidence closes it, and the counties or towns
it applies to. The schema is strict like the indicators' (unknown fields refused); the checks that need the plan
(period, ids, geography) are in task_problems and report every problem at once through the plan loader."""

from __future__ import annotations

import difflib
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CADENCES = ("monthly", "quarterly", "half-yearly", "yearly", "stages")
REPORT_BY_LABELS = {"unit": "各责任单位", "county": "各县（市、区）", "town": "各乡镇（街道）"}
CADENCE_LABELS = {"monthly": "每月", "quarterly": "每季度", "half-yearly": "每半年", "yearly": "每年", "stages": "分阶段"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stage(_Strict):
    """One named, dated stage of a staged task (动员部署阶段 2025-09-01 to 2025-09-10)."""

    name: str = Field(min_length=2)
    start: date
    end: date
    wording: str = ""


class Task(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: str = Field("", description="the plan's own heading of the task (（四）…凝心铸魂), if it has one")
    wording: str = Field(min_length=2, description="the plan's own words")
    area: str = Field(min_length=2, description="the plan's heading the task stands under")
    lead: str = Field("", description="牵头单位 as the plan writes it; empty when the plan names none")
    units: list[str] = Field([], description="责任单位 as the plan writes them")
    deadline: date | None = None
    cadence: Literal["monthly", "quarterly", "half-yearly", "yearly", "stages"] | None = None
    stages: list[Stage] = []
    start: date | None = Field(None, description="first day a cadence runs from (default: the plan's start)")
    evidence: str = Field(min_length=2, description="what closes the task or a period of it")
    applies_to: Literal["all"] | list[str] = "all"
    report_by: Literal["unit", "county", "town"] = Field(
        "unit", description="who reports progress: each unit named (牵头单位 and 责任单位), each county, or each town "
                            "the task applies to")
    note: str = ""

    @property
    def owners(self) -> list[str]:
        """牵头单位 and 责任单位, each once, in the plan's order."""
        return list(dict.fromkeys([u for u in [self.lead, *self.units] if u]))


def plan_period(plan) -> tuple[date, date]:
    years = plan.plan.years
    return date(years[0], 1, 1), date(years[-1], 12, 31)


def _suggest(name: str, choices: list[str], n: int = 3) -> list[str]:
    contained = [c for c in choices if name in c or c in name]
    if contained:
        return sorted(contained, key=lambda c: (abs(len(c) - len(name)), c))[:n]
    return difflib.get_close_matches(name, choices, n=n, cutoff=0.4)


def task_problems(plan, add, geo=None, only_geography: bool = False) -> None:
    """Checks of the tasks that need the plan: ids unique, exactly one of deadline and cadence, stages only with
    cadence stages and in order, every date inside the plan period, units named; with geo (and only_geography),
    applies_to against the plan's counties and towns. `add(loc, message, hint)` records one problem."""
    if only_geography:
        _applies_to_problems(plan, add, geo)
        return
    first, last = plan_period(plan)
    period = f"{first.isoformat()} 至 {last.isoformat()}"
    seen: set[str] = set()

    def inside(loc: tuple, day: date | None, what: str) -> None:
        if day is not None and not first <= day <= last:
            add(loc, f"{what} {day.isoformat()} 不在计划期 {period} 内 / date outside the plan period",
                f"日期须在 plan.years 的计划期内（{period}）")

    for i, task in enumerate(plan.tasks):
        at = ("tasks", i)
        if task.id in seen:
            add(at + ("id",), f"任务编号 {task.id} 重复 / duplicate task id", "每个任务的 id 须唯一")
        seen.add(task.id)
        if (task.deadline is None) == (task.cadence is None):
            add(at, "deadline（时限）和 cadence（周期）须且只须写一项 / give either a deadline or a cadence",
                "一次完成的任务写 deadline: YYYY-MM-DD；定期做的写 cadence: " + ", ".join(CADENCES))
        inside(at + ("deadline",), task.deadline, "时限")
        inside(at + ("start",), task.start, "起始日")
        if task.start is not None and task.cadence is None:
            add(at + ("start",), "只有定期任务（cadence）需要起始日 / start is only for a cadence", "删除 start")
        if task.cadence == "stages" and not task.stages:
            add(at + ("stages",), "cadence 为 stages 时须列出各阶段 / stages are missing",
                "如 stages: [{name: 动员部署阶段, start: 2025-09-01, end: 2025-09-10}]")
        if task.stages and task.cadence != "stages":
            add(at + ("stages",), "只有 cadence: stages 的任务才列阶段 / stages need cadence: stages",
                "改为 cadence: stages，或删除 stages")
        for s, stage in enumerate(task.stages):
            where = at + ("stages", s)
            inside(where + ("start",), stage.start, "阶段开始")
            inside(where + ("end",), stage.end, "阶段结束")
            if stage.end < stage.start:
                add(where + ("end",), f"阶段结束 {stage.end} 早于开始 {stage.start} / stage ends before it starts",
                    "检查日期")
            if s and stage.start < task.stages[s - 1].start:
                add(where + ("start",), "阶段须按开始日期先后排列 / stages out of order", "按时间顺序排列各阶段")
        for u, unit in enumerate(task.units):
            if task.units.index(unit) != u:
                add(at + ("units", u), f"责任单位“{unit}”重复 / duplicate unit", "删除重复的一项")
        if task.report_by == "unit" and not task.owners:
            add(at + ("report_by",), "任务没有写牵头单位或责任单位，无人填报进展 / nobody reports on this task",
                "写出 lead / units；或写 report_by: county（各县（市、区）填报）或 report_by: town（各乡镇填报）")


def _applies_to_problems(plan, add, geo) -> None:
    counties = geo.county_names()
    towns = list(dict.fromkeys(geo.towns["town"]))
    names = set(counties) | set(towns) | {f"{c}/{t}" for c, t in zip(geo.towns["county"], geo.towns["town"])}
    for i, task in enumerate(plan.tasks):
        if task.report_by == "town" and not towns:
            add(("tasks", i, "report_by"), "本地区没有乡镇（街道）名单，不能按乡镇填报 / no towns to report",
                "改为 report_by: county 或 unit")
        if task.applies_to == "all":
            continue
        if not task.applies_to:
            add(("tasks", i, "applies_to"), "适用范围为空 / applies_to is empty", "写 all，或列出县（市、区）、乡镇（街道）")
        for a, name in enumerate(task.applies_to):
            if name in names:
                continue
            found = _suggest(name, counties + towns)
            add(("tasks", i, "applies_to", a), f"“{name}”不是本地区的县（市、区）或乡镇（街道）/ unknown unit",
                ("是否为：" + "、".join(found) + "？" if found else "以民政部区划名称为准；") + "全部适用写 all")
