"""Two analysts committing at the same moment, in two processes: disjoint uploads both land, overlapping ones on
the same preview let exactly one through, and a reader polling meanwhile only ever sees whole versions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow.compute as pc
import pytest

from plan_monitor.paths import ROOT
from plan_monitor.sources import load_rosters, open_store

pytestmark = pytest.mark.usefixtures("catalog_kind")  # on the SQLite and on a PostgreSQL catalog (PLAN_MONITOR_CATALOG)

# argv: folder, county, commits, base ("head" = the head just before each commit, else a fixed number), tag.
# Commit i stores 2000 + i % 5 villages of the county with reserve_cadres = tag * 1000 + i, noted as that marker.
WORKER = """
import json, os, sys, time
from datetime import date
import pyarrow as pa
from plan_monitor.sources.tables import empty_table
from plan_monitor.sources import StoreConflict, open_store
from plan_monitor.spec.templates import VILLAGE

folder, county, commits, base, tag = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
schema = empty_table(VILLAGE).select(["year", "as_of", "county", "town", "village", "unit_type", "is_demo",
                                      "reserve_cadres"]).schema
store = open_store(folder)
print("ready", flush=True)
while not os.path.exists(os.path.join(folder, "go")):
    time.sleep(0.002)
for i in range(commits):
    marker = tag * 1000 + i
    n = 2000 + i % 5
    rows = pa.table({"year": [2024] * n, "as_of": [date(2024, 9, 30)] * n, "county": [county] * n,
                     "town": ["镇"] * n, "village": [f"村{j}" for j in range(n)], "unit_type": ["村"] * n,
                     "is_demo": [False] * n, "reserve_cadres": [marker] * n}).cast(schema)
    try:
        entry = store.commit(template_key="village", rows=rows, original=str(marker).encode(),
                             file_name=f"{marker}.csv", user=county, base=store.head() if base == "head" else int(base), note=str(marker))
        print(json.dumps({"ok": entry["id"], "marker": marker}, ensure_ascii=False), flush=True)
    except StoreConflict as exc:
        print(json.dumps({"conflict": exc.zh}, ensure_ascii=False), flush=True)
"""


def start(folder: Path, county: str, commits: int, base: str | int, tag: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", WORKER, str(folder), county, str(commits), str(base), str(tag)],
                            cwd=ROOT, env={**os.environ}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def race(folder: Path, *workers: tuple) -> list[list[dict]]:
    """Start the workers, let them all go at once, and return each one's results."""
    (folder / "go").unlink(missing_ok=True)
    procs = [start(folder, *w) for w in workers]
    (folder / "go").touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append([json.loads(line) for line in out.splitlines()])
    return results


def markers(folder: Path) -> dict[str, set[int]]:
    """The reserve_cadres values each county's rows show now."""
    seen: dict[str, set[int]] = {}
    for row in load_rosters(folder).tables["villages"].select(["county", "reserve_cadres"]).to_pylist():
        seen.setdefault(row["county"], set()).add(row["reserve_cadres"])
    return seen


def assert_whole(folder: Path) -> None:
    """Every version's rows and original are complete, and nothing else is left in the store."""
    entries = open_store(folder).entries()
    assert open_store(folder).check() == []  # rows against their committed checksums, originals against their hashes
    for e in entries:
        assert len(open_store(folder).current("villages", at=e["id"]).filter(
            pc.equal(open_store(folder).current("villages", at=e["id"])["county"], e["user"]))) == e["rows"]
        assert (folder / "store" / e["original"]).read_bytes() == e["note"].encode()
    named = {e["original"] for e in entries}
    store = folder / "store"
    assert {f"originals/{p.name}" for p in (store / "originals").iterdir()} == named
    assert not list(store.glob(".*.tmp*"))


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path


def test_disjoint_commits_on_the_same_preview_both_land(folder):
    a, b = race(folder, ("甲", 1, 0, 1), ("乙", 1, 0, 2))
    assert "ok" in a[0] and "ok" in b[0] and {a[0]["ok"], b[0]["ok"]} == {1, 2}
    assert markers(folder) == {"甲": {1000}, "乙": {2000}}
    assert load_rosters(folder).store_head == 2
    assert_whole(folder)


def test_overlapping_commits_on_the_same_preview_let_exactly_one_through(folder):
    for round_no in range(3):
        head = len(open_store(folder).entries())
        a, b = race(folder, ("甲", 1, head, 1), ("甲", 1, head, 2))
        landed = [r[0] for r in (a, b) if "ok" in r[0]]
        refused = [r[0] for r in (a, b) if "conflict" in r[0]]
        assert len(landed) == 1 and len(refused) == 1, (a, b)
        assert landed[0]["ok"] == head + 1
        assert refused[0]["conflict"] == (f"数据已被他人更新（当前版本 v{head + 1}，您核对时为 v{head}），"
                                          "请重新核对预览后再提交")
        assert markers(folder) == {"甲": {landed[0]["marker"]}}
    assert len(open_store(folder).entries()) == 3
    assert_whole(folder)


def test_a_reader_polling_during_commits_only_sees_whole_versions(folder):
    seen: list[tuple[int, dict[str, tuple[frozenset, int]]]] = []
    stop = threading.Event()

    def read_loop():
        while not stop.is_set():
            rosters = load_rosters(folder)  # one catalog read, then only the rows of versions it names
            by_county: dict[str, list] = {}
            for row in rosters.tables["villages"].select(["county", "reserve_cadres"]).to_pylist():
                by_county.setdefault(row["county"], []).append(row["reserve_cadres"])
            seen.append((rosters.store_head, {c: (frozenset(v), len(v)) for c, v in by_county.items()}))

    reader = threading.Thread(target=read_loop)
    reader.start()
    try:
        a, b = race(folder, ("甲", 12, "head", 1), ("乙", 12, "head", 2))
    finally:
        stop.set()
        reader.join()
    assert all("ok" in r for r in a + b)  # disjoint: never a conflict, however the commits interleave
    entries = open_store(folder).entries()
    assert [e["id"] for e in entries] == list(range(1, 25))
    assert_whole(folder)

    def expected(head: int) -> dict[str, tuple[frozenset, int]]:
        latest = {e["user"]: int(e["note"]) for e in entries[:head]}  # the last commit per county up to head
        return {c: (frozenset({m}), 2000 + m % 1000 % 5) for c, m in latest.items()}

    assert len(seen) >= 5
    heads = [h for h, _ in seen]
    assert heads == sorted(heads)  # a later read never goes back to an older version
    for head, shown in seen:
        assert shown == expected(head), head
    assert markers(folder) == {"甲": {1011}, "乙": {2011}}
    print(f"{len(seen)} reads, {len(set(heads))} distinct versions seen")
    assert len(set(heads)) >= 3  # the reads did interleave with the commits


def test_a_first_commit_landing_between_a_readers_looks_is_no_missing_catalog(folder, monkeypatch):
    """A reader finds no catalog yet; before it looks for data files, another writer's first commit creates the
    catalog and writes its data. The reader then shows the empty store or the new version, never "catalog
    missing" (on PostgreSQL, asking the server is slow enough for a polling reader to hit this window)."""
    from datetime import date

    import pyarrow as pa

    from plan_monitor.sources.store import _lake
    from plan_monitor.sources.tables import empty_table
    from plan_monitor.spec.templates import VILLAGE

    writer, reader = open_store(folder), open_store(folder)
    rows = pa.Table.from_pylist([{"year": 2024, "as_of": date(2024, 9, 30), "county": "甲", "town": "镇",
                                  "village": "村1", "unit_type": "村", "is_demo": False, "reserve_cadres": 1}],
                                schema=empty_table(VILLAGE).schema)
    has_catalog = _lake.LakeStore._has_catalog
    landed = []

    def meanwhile(self):
        found = has_catalog(self)
        if self is reader and not landed:
            landed.append(writer.commit(template_key="village", rows=rows, original=b"1", file_name="1.csv",
                                        user="甲", base=0))
        return found

    monkeypatch.setattr(_lake.LakeStore, "_has_catalog", meanwhile)
    assert reader.head() in (0, 1) and landed
    assert reader.head() == 1 and load_rosters(folder).store_head == 1
