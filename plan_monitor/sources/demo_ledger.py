"""A deterministic demo task ledger (示例数据): what the reporters of a plan's tasks sent up to a day, written as the
data folder's ledger/events.csv (the ledger's batch 0).

Each cadence period due by then is reported on time by most reporters, late by some and not at all by a few (the
lagging counties of the figures more often); a deadline task gets a mid-way report and a latest one with a status,
and some reporters have asked for 销号: most approved, one sent back with a reason, one still waiting."""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from plan_monitor.ledger.cadence import task_periods
from plan_monitor.ledger.state import reporters
from plan_monitor.sources.task_events import EVENT_FIELDS, LEDGER_DIR

LAGGING = {"公安县": 0.45, "江陵县": 0.55}  # the demo city's lagging counties report less
PROGRESS = {
    "not_started": ["已制定工作方案，尚未组织实施", "正在摸排底数，尚未启动"],
    "in_progress": ["已召开部署会，正在分批推进", "已完成过半，正在查漏补缺", "按计划推进，台账同步更新"],
    "done": ["已按要求完成，材料已归档", "已全部完成，成果已汇总上报"],
    "behind": ["受人员调整影响进度滞后，正在加快推进", "资金未及时到位，进度滞后于计划"],
}


def _stamp(day: date, rng: random.Random) -> str:
    return datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60))).isoformat() + "+08:00"


def generate_ledger(plan, geo, out_dir: str | Path, as_of: date, seed: int = 2022) -> int:
    """Write <out_dir>/ledger/events.csv with the plan's demo events up to `as_of`; returns the event count."""
    rng = random.Random(seed)
    rows: list[dict] = []

    def add(kind: str, task, reporter: str, day: date, **values) -> None:
        role = "unit_reporter" if task.report_by == "unit" else "county_analyst"
        rows.append({"plan": plan.plan.id, "kind": kind, "task_id": task.id, "reporter": reporter, "period": "",
                     "status": "", "progress": "", "evidence": "", "reason": "", "item": "",
                     "user": f"{reporter.split('/')[-1]}填报员", "role": role, "at": _stamp(day, rng), **values})

    start = date(plan.plan.years[0], 1, 1)
    returned = waiting = False
    for task in plan.tasks:
        for reporter, county, _town in reporters(task, geo):
            keen = LAGGING.get(county, 0.9)
            if task.cadence is not None:
                for p in task_periods(task, plan):
                    if p.end >= as_of:
                        break
                    roll = rng.random()
                    if roll > keen + 0.05:
                        continue  # never sent
                    late = roll > keen - 0.08
                    day = p.end + timedelta(days=rng.randrange(18, 40) if late else rng.randrange(0, 9))
                    if day > as_of:
                        continue
                    status = "done" if rng.random() < 0.85 else "in_progress"
                    add("report", task, reporter, day, period=p.key, status=status,
                        progress=rng.choice(PROGRESS[status]), evidence=f"{p.label}{task.evidence[:12]}.pdf")
                continue
            span = (min(task.deadline, as_of) - start).days
            if span <= 0:
                continue
            mid = start + timedelta(days=span // 2)
            add("report", task, reporter, mid, status="in_progress", progress=rng.choice(PROGRESS["in_progress"]))
            roll = rng.random() * keen
            status = "done" if roll > 0.45 else "in_progress" if roll > 0.25 else "behind" if roll > 0.1 \
                else "not_started"
            last = min(as_of - timedelta(days=rng.randrange(5, 40)), task.deadline)
            if last <= mid:
                continue
            add("report", task, reporter, last, status=status, progress=rng.choice(PROGRESS[status]),
                evidence=f"{task.evidence[:16]}.pdf" if status == "done" else "")
            if status != "done" or rng.random() < 0.3:
                continue
            asked = last + timedelta(days=rng.randrange(1, 6))
            if asked > as_of:
                continue
            add("close_request", task, reporter, asked, status="done", evidence=f"{task.evidence[:16]}.pdf",
                progress="已完成，申请销号")
            review = asked + timedelta(days=rng.randrange(2, 8))
            if review > as_of or not waiting:
                waiting = True  # one request left for the city to review
                continue
            if not returned:
                returned = True
                add("close_return", task, reporter, review, reason="佐证材料不全，请补充参加党员名单后重新申请")
                continue
            add("close_approve", task, reporter, review, reason="材料齐全，同意销号")
    rows.sort(key=lambda r: r["at"])
    for n, row in enumerate(rows, start=1):
        row.update(event=n, batch=0)
        row["user"] = row["user"] if row["kind"] not in ("close_approve", "close_return") else "市委组织部审核员"
        row["role"] = row["role"] if row["kind"] not in ("close_approve", "close_return") else "city_analyst"
    folder = Path(out_dir) / LEDGER_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "events.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=EVENT_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
