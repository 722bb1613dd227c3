"""Small hand-built task ledgers of the county action plan (plans/county-action.yaml) for the ledger's tests: events in
the store's columns (EVENT_SCHEMA), and one quarter's reports and 销号 steps (CLOSING) as of DAY:

- 县乡村振兴局 reports 2025-Q3 on 10-05, asks to close on 10-06 (张三), approved on 10-08 (李四): closed;
- 城市社区 reports 2025-Q3 on 10-09 (in progress), asks to close the same day (王五), returned on 10-12 (材料不全);
- 工业园区 sends nothing: 2025-Q3 is past its report window (10-10) on DAY, 2025-10-15."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from plan_monitor.sources.task_events import EVENT_FIELDS, EVENT_SCHEMA

PLAN_ID = "county-action-2025"


def events(*rows: dict) -> pa.Table:
    """Events in the store's columns, numbered in the order given; omitted fields are empty."""
    full = [{"batch": 1, "plan": PLAN_ID, "kind": "report", "task_id": "", "reporter": "", "period": "", "status": "",
             "progress": "", "evidence": "", "reason": "", "item": "", "user": "", "role": "", "at": "", **row,
             "event": i} for i, row in enumerate(rows, start=1)]
    return pa.table({f: [r[f] for r in full] for f in EVENT_FIELDS}, schema=EVENT_SCHEMA)


def report(task_id, reporter, period, at, status="done", progress="已按要求完成", user="填报员", **more) -> dict:
    return {"task_id": task_id, "reporter": reporter, "period": period, "at": at, "status": status,
            "progress": progress, "user": user, **more}


CLOSING = events(
    report("quarterly-scoring", "县乡村振兴局", "2025-Q3", "2025-10-05T10:00:00+08:00", progress="已完成第三季度打分"),
    {"kind": "close_request", "task_id": "quarterly-scoring", "reporter": "县乡村振兴局", "evidence": "汇总表.pdf",
     "user": "张三", "at": "2025-10-06T09:00:00+08:00"},
    {"kind": "close_approve", "task_id": "quarterly-scoring", "reporter": "县乡村振兴局", "user": "李四",
     "at": "2025-10-08T15:00:00+08:00"},
    report("quarterly-scoring", "城市社区", "2025-Q3", "2025-10-09T11:00:00+08:00", status="in_progress",
           progress="打分已完成，正在汇总", user="王五"),
    {"kind": "close_request", "task_id": "quarterly-scoring", "reporter": "城市社区", "evidence": "打分表.pdf",
     "user": "王五", "at": "2025-10-09T11:30:00+08:00"},
    {"kind": "close_return", "task_id": "quarterly-scoring", "reporter": "城市社区", "reason": "材料不全", "user": "李四",
     "at": "2025-10-12T16:00:00+08:00"},
)
DAY = date(2025, 10, 15)
