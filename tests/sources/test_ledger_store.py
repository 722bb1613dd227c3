"""The task ledger in the store, on the SQLite and on a PostgreSQL catalog: batches numbered in order with their
events; two reviewers approving the same 销号 request at the same moment in two processes — exactly one approval
lands, the other is told the request was dealt with; many reporters at once all land, none lost or doubled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from plan_monitor.paths import ROOT
from plan_monitor.sources import open_store

pytestmark = pytest.mark.usefixtures("catalog_kind")

# argv: folder, action ("approve" or "report"), reporter unit, count
WORKER = """
import json, os, sys, time
from datetime import date
import pyarrow as pa
from plan_monitor.access.roles import Actor
from plan_monitor.errors import UserError
from plan_monitor.ingest.service import WriteService
from plan_monitor.paths import ROOT
from plan_monitor.sources import open_store
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.plan import load_plan

folder, action, unit, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
plan = load_plan(ROOT / "plans" / "county-action.yaml")
geo = load_geography(plan)
w = WriteService(open_store(folder))
day = date(2026, 1, 20)
print("ready", flush=True)
while not os.path.exists(os.path.join(folder, "go")):
    time.sleep(0.002)
for i in range(count):
    try:
        if action == "approve":
            entry = w.review_close(plan, geo, "quarterly-scoring", unit, True, Actor(f"审核{os.getpid()}"), day=day)
        else:
            period = ["2025-Q3", "2025-Q4"][i % 2]
            rows = pa.table({"kind": ["report"], "task_id": ["quarterly-scoring"], "reporter": [unit],
                             "period": [period], "status": ["in_progress"], "progress": [f"第{i}次填报"]})
            entry = w.record_tasks(plan, geo, rows, Actor(unit + "填报员"), "form", day=day)
        print(json.dumps({"ok": entry["id"]}), flush=True)
    except UserError as exc:
        print(json.dumps({"refused": exc.zh}, ensure_ascii=False), flush=True)
"""


def start(folder: Path, action: str, unit: str, count: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", WORKER, str(folder), action, unit, str(count)], cwd=ROOT,
                            env={**os.environ}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def run(folder: Path, *procs: subprocess.Popen) -> list[list[dict]]:
    (folder / "go").write_text("")
    out = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        out.append([json.loads(line) for line in stdout.splitlines() if line.strip()])
    return out


def events(**values) -> pa.Table:
    return pa.table({k: [v] for k, v in values.items()})


def test_batches_and_events_are_numbered_in_order(tmp_path):
    store = open_store(tmp_path)
    assert store.task_ledger()[0] == [] and len(store.task_ledger()[1]) == 0
    first = store.commit_tasks(events=pa.concat_tables([events(kind="report", task_id="a", reporter="甲"),
                                                        events(kind="report", task_id="b", reporter="乙")]),
                               user="甲", role="city_analyst", kind="form")
    second = store.commit_tasks(events=events(kind="report", task_id="a", reporter="甲"), user="乙", role=None,
                                kind="upload", file_name="台账 v2.xlsx", original=b"PK\x03\x04 bytes")
    batches, rows = store.task_ledger()
    assert [b["id"] for b in batches] == [1, 2] and (first["id"], second["id"]) == (1, 2)
    assert rows.select(["event", "batch", "task_id", "user"]).to_pylist() == [
        {"event": 1, "batch": 1, "task_id": "a", "user": "甲"}, {"event": 2, "batch": 1, "task_id": "b", "user": "甲"},
        {"event": 3, "batch": 2, "task_id": "a", "user": "乙"}]
    kept = Path(store.dir) / second["original"]
    assert kept.read_bytes() == b"PK\x03\x04 bytes" and second["size"] == 10
    # a roster commit's sweep of unnamed originals leaves the ledger's originals alone
    assert kept.parent.name == "task_originals"


def test_a_refused_batch_writes_nothing(tmp_path):
    store = open_store(tmp_path)

    def refuse(current):
        raise PermissionError("no")

    with pytest.raises(PermissionError):
        store.commit_tasks(events=events(kind="report", task_id="a", reporter="甲"), user="甲", role=None, kind="upload",
                           file_name="x.xlsx", original=b"x", check=refuse)
    assert store.task_ledger()[0] == []
    assert not any((Path(store.dir) / "task_originals").glob("*"))


def test_two_reviewers_approving_one_request_at_once_one_lands(tmp_path):
    from datetime import date

    from plan_monitor.access.roles import Actor
    from plan_monitor.ingest.service import WriteService
    from plan_monitor.spec.geography import load_geography
    from plan_monitor.spec.plan import load_plan

    plan = load_plan(ROOT / "plans" / "county-action.yaml")
    geo = load_geography(plan)
    w = WriteService(open_store(tmp_path))
    w.request_close(plan, geo, "quarterly-scoring", "城市社区", "考核汇总表.xlsx", Actor("社区填报员"),
                    day=date(2026, 1, 20))
    a, b = start(tmp_path, "approve", "城市社区", 1), start(tmp_path, "approve", "城市社区", 1)
    results = [r for out in run(tmp_path, a, b) for r in out]
    assert sorted(results, key=lambda r: "ok" not in r)[0] == {"ok": 2}
    assert "没有待审核的销号申请（已销号）" in results[[("ok" in r) for r in results].index(False)]["refused"]
    _, rows = open_store(tmp_path).task_ledger()
    assert rows["kind"].to_pylist() == ["close_request", "close_approve"]


def test_reporters_at_once_all_land(tmp_path):
    procs = [start(tmp_path, "report", unit, 6) for unit in ("县乡村振兴局", "城市社区", "工业园区")]
    results = run(tmp_path, *procs)
    assert all(r == [{"ok": r[i]["ok"]} for i in range(6)] for r in results)
    batches, rows = open_store(tmp_path).task_ledger()
    assert [b["id"] for b in batches] == list(range(1, 19))
    assert rows["event"].to_pylist() == list(range(1, 19))
    assert sorted({(u, n) for u, n in zip(rows["reporter"].to_pylist(), rows["progress"].to_pylist())}) == sorted(
        (u, f"第{i}次填报") for u in ("县乡村振兴局", "城市社区", "工业园区") for i in range(6))


def test_a_ledger_batch_leaves_the_data_stamp_alone(tmp_path):
    """Figures cached or persisted under stamp() stay valid when someone reports on a task; the ledger's own caches
    key on ledger_stamp(), which moves; a data commit moves both."""
    import shutil

    from plan_monitor.sources.tables import empty_table
    from plan_monitor.spec.templates import VILLAGE

    folder = tmp_path / "d"
    shutil.copytree(ROOT / "data" / "demo", folder, ignore=shutil.ignore_patterns("store"))
    store = open_store(folder)
    data, ledger = store.stamp(), store.ledger_stamp()
    store.commit_tasks(events=events(kind="report", task_id="a", reporter="甲"), user="甲", role=None, kind="form")
    assert store.stamp() == data and open_store(folder).stamp() == data
    assert store.ledger_stamp() != ledger
    ledger = store.ledger_stamp()
    schema = empty_table(VILLAGE).select(["year", "as_of", "county", "town", "village", "unit_type"]).schema
    from datetime import date

    rows = pa.table({"year": [2024], "as_of": [date(2024, 9, 30)], "county": ["荆州区"], "town": ["纪南镇"],
                     "village": ["新村"], "unit_type": ["村"]}).cast(schema)
    store.commit(template_key="village", rows=rows, original=b"x", file_name="x.csv", user="王", base=0)
    assert store.stamp() != data and store.ledger_stamp() != ledger
    assert open_store(folder).stamp() == store.stamp()
