"""The DuckLake catalog in a real PostgreSQL (PLAN_MONITOR_CATALOG): the session's temporary server on a private
socket and port (tests/pg_server.py, initdb / pg_ctl as the `postgres` user), a fresh database per test. Commit, rollback,
history and time travel give exact versions and rows; writers in several processes — with the local lock taken
away, as on separate machines — serialise through the catalog's transactions; a server that is down, a bad
setting or a refused login is a Chinese DataError that names the catalog without its password."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pg_server import free_port

from plan_monitor.errors import DataError
from plan_monitor.paths import ROOT
from plan_monitor.sources import StoreConflict, open_store
from plan_monitor.sources.store import _lake
from plan_monitor.sources.tables import empty_table
from plan_monitor.spec.templates import VILLAGE

YE = date(2024, 12, 31)


@pytest.fixture
def server(pg_server):
    """The session's server (tests/sources/conftest.py) as (bin dir, port, socket dir, run-as-postgres)."""
    return pg_server.bin, pg_server.port, pg_server.socket_dir, pg_server.run


def villages(*rows: tuple) -> pa.Table:
    """(county, village, income) → village rows of 2024, year-end."""
    return pa.Table.from_pylist(
        [{"year": 2024, "as_of": YE, "county": c, "town": "一镇", "village": v, "unit_type": "村", "is_demo": False,
          "income_wan": i, "reserve_cadres": 2} for c, v, i in rows], schema=empty_table(VILLAGE).schema)


def data_folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    pq.write_table(villages(("甲", "村1", 10.0), ("甲", "村2", 20.0), ("乙", "村9", 90.0)), path / "village_2024.parquet")
    return path


def incomes(table: pa.Table) -> dict[tuple[str, str], float]:
    return {(r["county"], r["village"]): r["income_wan"] for r in table.to_pylist()}


def commit(store, rows, base=None, **kw):
    return store.commit(template_key="village", rows=rows, original=kw.pop("original", b"bytes"),
                        file_name=kw.pop("file_name", "村.xlsx"), user=kw.pop("user", "张三"),
                        base=store.head() if base is None else base, **kw)


def test_commit_rollback_history_and_time_travel_on_a_postgres_catalog(tmp_path, catalog):
    folder = data_folder(tmp_path / "data")
    store = open_store(folder)
    assert store.head() == 0 and store.check() == []
    stamp0 = store.stamp()
    first = commit(store, villages(("甲", "村1", 11.0), ("甲", "村2", 22.0)), original=b"v1")
    assert first["id"] == 1 and first["changes"] == {"new": 0, "changed": 2, "unchanged": 0, "removed": 0}
    stamp1 = store.stamp()
    assert stamp1 != stamp0
    second = commit(store, villages(("甲", "村1", 12.0)), original=b"v2", user="李四")
    assert second["id"] == 2 and second["changes"] == {"new": 0, "changed": 1, "unchanged": 0, "removed": 1}
    back = store.rollback(1, user="王五", base=2)
    assert back["id"] == 3 and back["kind"] == "rollback" and back["rollback_to"] == 1

    # a second process-like view: a new store object on the same catalog sees the same history and rows
    again = open_store(folder)
    assert [(e["id"], e["kind"], e["user"]) for e in again.history().entries] == [
        (1, "upload", "张三"), (2, "upload", "李四"), (3, "rollback", "王五")]
    assert incomes(again.current("villages")) == {("甲", "村1"): 11.0, ("甲", "村2"): 22.0, ("乙", "村9"): 90.0}
    assert incomes(again.current("villages", at=0)) == {("甲", "村1"): 10.0, ("甲", "村2"): 20.0, ("乙", "村9"): 90.0}
    assert incomes(again.current("villages", at=2)) == {("甲", "村1"): 12.0, ("乙", "村9"): 90.0}
    assert incomes(again.rosters().tables["villages"]) == incomes(again.current("villages"))
    assert list(again.diff(2)["status"].sort_values()) == ["changed", "removed"]
    assert again.check() == [] and again.stamp() not in (stamp0, stamp1)

    # the catalog is in PostgreSQL; data files and originals are under <data>/store/, no SQLite file
    store_dir = folder / "store"
    assert not (store_dir / _lake.CATALOG).exists()
    assert list((store_dir / "data").rglob("*.parquet"))
    originals = sorted(p.name for p in (store_dir / "originals").iterdir())
    assert len(originals) == 2 and [(store_dir / "originals" / n).read_bytes() for n in originals] == [b"v1", b"v2"]

    # an overlapping commit on an old preview is refused
    with pytest.raises(StoreConflict, match="当前版本 v3，您核对时为 v1"):
        commit(store, villages(("甲", "村1", 13.0)), base=1)
    assert store.head() == 3


def test_a_shared_data_path_and_a_libpq_key_value_setting(tmp_path, server, catalog, monkeypatch):
    _, port, sockets, _ = server
    shared = tmp_path / "share"
    shared.mkdir()
    monkeypatch.setenv(_lake.LAKE_DATA_ENV, str(shared))
    dbname = catalog.rsplit("/", 1)[1]
    monkeypatch.setenv(_lake.CATALOG_ENV, f"host={sockets} port={port} user=postgres dbname={dbname} password=s3cret")
    one, two = data_folder(tmp_path / "replica1"), data_folder(tmp_path / "replica2")
    commit(open_store(one), villages(("甲", "村1", 15.0)))
    assert list((shared / "originals").iterdir()) and not (one / "store").exists()
    assert incomes(open_store(two).current("villages"))[("甲", "村1")] == 15.0  # the other replica sees it
    assert open_store(two).head() == 1

    monkeypatch.setenv(_lake.LAKE_DATA_ENV, str(tmp_path / "not-mounted"))
    with pytest.raises(DataError, match="共享数据目录 .*not-mounted（PLAN_MONITOR_LAKE_DATA）不存在或未挂载"):
        open_store(one)
    # the same catalog with an empty data path elsewhere: the recorded path differs, said in Chinese
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.setenv(_lake.LAKE_DATA_ENV, str(other))
    monkeypatch.setattr(_lake, "_attached", {})
    with pytest.raises(DataError) as err:
        open_store(one).head()
    assert "所有副本须在同一路径挂载同一共享目录" in err.value.zh and "s3cret" not in str(err.value)


WORKER = """
import contextlib, json, os, sys, time
from datetime import date
import pyarrow as pa
from plan_monitor.sources import StoreConflict, open_store
from plan_monitor.sources.store import _lake
from plan_monitor.sources.tables import empty_table
from plan_monitor.spec.templates import VILLAGE

# another machine: the local file lock does not reach it, only the catalog's transactions do
_lake.LakeStore._locked = lambda self, timeout: contextlib.nullcontext()
folder, county, commits, base, tag = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
store = open_store(folder)
print("ready", flush=True)
while not os.path.exists(os.path.join(folder, "go")):
    time.sleep(0.002)
for i in range(commits):
    marker = tag * 1000 + i
    rows = pa.Table.from_pylist([{"year": 2024, "as_of": date(2024, 12, 31), "county": county, "town": "一镇",
                                  "village": f"村{j}", "unit_type": "村", "is_demo": False, "income_wan": 1.0,
                                  "reserve_cadres": marker} for j in range(20)], schema=empty_table(VILLAGE).schema)
    try:
        entry = store.commit(template_key="village", rows=rows, original=str(marker).encode(),
                             file_name=f"{marker}.csv", user=county,
                             base=store.head() if base == "head" else int(base))
        print(json.dumps({"ok": entry["id"], "marker": marker}), flush=True)
    except StoreConflict as exc:
        print(json.dumps({"conflict": exc.zh}, ensure_ascii=False), flush=True)
"""


def race(folders: list[Path], workers: list[tuple]) -> list[list[dict]]:
    """One process per worker, each on its own data folder (its own machine), started together."""
    go = [f / "go" for f in folders]
    procs = []
    for f, (county, commits, base, tag) in zip(folders, workers):
        proc = subprocess.Popen([sys.executable, "-c", WORKER, str(f), county, str(commits), str(base), str(tag)],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        procs.append(proc)
    for path in go:
        path.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append([json.loads(line) for line in out.splitlines()])
    return results


def test_two_machines_commit_concurrently_through_the_catalog(tmp_path, catalog, monkeypatch):
    shared = tmp_path / "share"
    shared.mkdir()
    monkeypatch.setenv(_lake.LAKE_DATA_ENV, str(shared))
    folders = [data_folder(tmp_path / "m1"), data_folder(tmp_path / "m2")]
    open_store(folders[0])  # nothing created yet: the first commits race to create the catalog's tables too

    # different slices, each writer on the head it sees: every commit lands, versions 1..12 exactly once
    results = race(folders, [("甲", 6, "head", 1), ("乙", 6, "head", 2)])
    landed = sorted(r["ok"] for rs in results for r in rs if "ok" in r)
    assert landed == list(range(1, 13)) and not [r for rs in results for r in rs if "conflict" in r]
    store = open_store(folders[1])
    entries = store.entries()
    assert [e["id"] for e in entries] == list(range(1, 13))
    by_marker = {int(e["note"] or e["file_name"].split(".")[0]): e["id"] for e in entries}
    assert set(by_marker) == {1000 + i for i in range(6)} | {2000 + i for i in range(6)}
    for rs in results:  # each process's ids are the ones the catalog recorded for its files
        assert all(by_marker[r["marker"]] == r["ok"] for r in rs)
    for vid in range(1, 13):  # every version shows exactly its own file's rows
        rows = store.current("villages", at=vid)
        marker = next(m for m, v in by_marker.items() if v == vid)
        county = "甲" if marker < 2000 else "乙"
        mine = [r for r in rows.to_pylist() if r["county"] == county]
        assert len(mine) == 20 and {r["reserve_cadres"] for r in mine} == {marker}
    assert store.check() == []

    # the same slice on the same preview: exactly one lands, the other gets the conflict message
    results = race(folders, [("甲", 1, 12, 3), ("甲", 1, 12, 4)])
    flat = [r for rs in results for r in rs]
    assert sorted(r["ok"] for r in flat if "ok" in r) == [13]
    assert [r["conflict"] for r in flat if "conflict" in r] == [
        "数据已被他人更新（当前版本 v13，您核对时为 v12），请重新核对预览后再提交"]
    winner = next(r["marker"] for r in flat if "ok" in r)
    assert {r["reserve_cadres"] for r in open_store(folders[0]).current("villages").to_pylist()
            if r["county"] == "甲"} == {winner}
    assert len(list((shared / "originals").iterdir())) == 13


def test_a_commit_landing_between_read_and_write_is_retried_or_refused(tmp_path, catalog, monkeypatch):
    """Another machine commits after this one read the head: a disjoint upload retries as the next version, an
    overlapping one is refused, a rollback is refused."""
    monkeypatch.setattr(_lake.LakeStore, "_locked", lambda self, timeout: contextlib.nullcontext())
    folder = data_folder(tmp_path / "data")
    store = open_store(folder)
    commit(store, villages(("甲", "村1", 11.0)))
    sweep = _lake.LakeStore._sweep
    pending = []

    def meanwhile(self, entries):  # runs after this writer read the head, before its transaction
        sweep(self, entries)
        if pending:
            rows = pending.pop()
            commit(open_store(folder), rows)

    monkeypatch.setattr(_lake.LakeStore, "_sweep", meanwhile)
    pending.append(villages(("乙", "村9", 91.0)))
    entry = commit(store, villages(("甲", "村1", 12.0)), base=1)
    assert entry["id"] == 3 and [e["user"] for e in store.entries()] == ["张三"] * 3
    assert incomes(store.current("villages")) == {("甲", "村1"): 12.0, ("乙", "村9"): 91.0}
    assert incomes(store.current("villages", at=2))[("甲", "村1")] == 11.0

    pending.append(villages(("甲", "村2", 23.0)))
    with pytest.raises(StoreConflict, match="当前版本 v4，您核对时为 v3"):
        commit(store, villages(("甲", "村1", 13.0)), base=3)
    pending.append(villages(("乙", "村9", 92.0)))
    with pytest.raises(StoreConflict, match="当前版本 v5，您核对时为 v4"):
        store.rollback(1, user="王五", base=4)
    assert store.head() == 5 and store.check() == []
    assert len(list((folder / "store" / "originals").iterdir())) == 5


def test_connection_problems_are_chinese_data_errors_without_the_password(tmp_path, server, catalog, monkeypatch):
    _, port, _, _ = server
    folder = data_folder(tmp_path / "data")
    dbname = catalog.rsplit("/", 1)[1]
    cases = {
        "down": f"postgresql://postgres:s3cret@127.0.0.1:{free_port()}/{dbname}",
        "auth": f"postgresql://nobody:s3cret@127.0.0.1:{port}/{dbname}",
        "no database": f"postgresql://postgres:s3cret@127.0.0.1:{port}/nothing_here",
        "key=value": f"host=127.0.0.1 port={free_port()} user=postgres password='s3 cret' dbname={dbname}",
    }
    for case, url in cases.items():
        monkeypatch.setenv(_lake.CATALOG_ENV, url)
        store = open_store(folder)
        for action in (store.head, store.stamp, store.check,
                       lambda: commit(store, villages(("甲", "村1", 1.0)), base=0)):
            try:
                result = action()
            except DataError as exc:
                text = f"{exc.zh}\n{exc.en}"
            else:
                assert action == store.check, case
                text = "\n".join(result)
            assert "无法连接或读取数据版本库 PostgreSQL" in text, (case, text)
            assert "s3cret" not in text and "s3 cret" not in text and "cret" not in text, (case, text)
            assert "***" in text, (case, text)

    monkeypatch.setenv(_lake.CATALOG_ENV, "mysql://root:s3cret@db/x")
    with pytest.raises(DataError, match="PLAN_MONITOR_CATALOG 的值 mysql://root:\\*\\*\\*@db/x 无法识别") as err:
        open_store(folder)
    assert "s3cret" not in str(err.value)


def test_an_empty_catalog_with_data_left_on_the_path_is_refused(tmp_path, pg_server, catalog, monkeypatch):
    """Pointing at another (empty) database while the shared path holds data never starts a new history."""
    folder = data_folder(tmp_path / "data")
    commit(open_store(folder), villages(("甲", "村1", 11.0)))
    other = pg_server.createdb("t_empty_other")
    monkeypatch.setenv(_lake.CATALOG_ENV, pg_server.url(other))
    store = open_store(folder)
    for action in (store.head, lambda: commit(store, villages(("甲", "村1", 1.0)), base=0)):
        with pytest.raises(DataError, match="中没有版本记录，但共享数据目录 .* 中仍有已上传的数据和原始文件"):
            action()
    assert store.check() and "没有版本记录" in store.check()[0]
