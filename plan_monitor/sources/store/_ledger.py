"""The task ledger in the DuckLake: every batch of task events (one 台账 upload, one form, one 销号 step) is one
transaction that appends its events to the lake table `task_events` and one row to `task_batches`, with who,
when, the file name and the archived original (under task_originals/, which the roster sweep leaves alone).

A batch is checked against the ledger as it stands under the store's lock (`check`, given by the write service:
a 销号 approved twice, a report on a task closed meanwhile are refused there), so two people acting on the same
task at once never both land. On a PostgreSQL catalog the one-row `task_head` table, updated by every batch,
makes DuckLake refuse the second of two concurrent batches from different machines; it reads again and retries.
The ledger does not touch the roster versions: a batch is not a data version and never rolls back."""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Callable

import duckdb
import pyarrow as pa

from plan_monitor.errors import DataError
from plan_monitor.sources.store.interface import StoreBusy
from plan_monitor.sources.task_events import EVENT_SCHEMA, base_events, conform_events

EVENTS = "task_events"
BATCHES = "task_batches"
TASK_HEAD = "task_head"
TASK_ORIGINALS = "task_originals"
_TYPES = {pa.int64(): "BIGINT", pa.string(): "VARCHAR"}


class LedgerMixin:
    """The ledger part of LakeStore (which provides _present, _cursor, _locked, _ensure_catalog, _forget,
    _damaged, _retry-wrapped reads and the _write_atomic helper)."""

    def task_ledger(self) -> tuple[list[dict], pa.Table]:
        from plan_monitor.sources.store import _lake

        base = base_events(self.folder)
        if not self._present():
            return [], base
        with self._cursor() as (cur, alias):
            try:
                batches = _lake._retry(lambda: cur.execute(
                    f"SELECT id, entry FROM {alias}.main.{BATCHES} ORDER BY id").fetchall())
                events = _lake._retry(lambda: cur.execute(
                    f"SELECT * FROM {alias}.main.{EVENTS} ORDER BY event").to_arrow_table())
            except duckdb.CatalogException:  # no batch was ever committed
                return [], base
            except duckdb.Error as exc:
                self._forget(alias)
                raise self._damaged(exc) from None
        entries = []
        for bid, text in batches:
            try:
                entry = json.loads(text)
            except ValueError:
                entry = None
            if not isinstance(entry, dict) or entry.get("id") != bid or bid != len(entries) + 1:
                raise DataError(f"数据版本库 {self.catalog_name} 中任务台账第 {bid} 批的记录不完整或顺序有误，请联系管理员",
                                f"the ledger's record of batch {bid} is incomplete or out of order")
            entries.append(entry)
        return entries, pa.concat_tables([base, conform_events(events)])

    def commit_tasks(self, *, events: pa.Table, user: str, role: str | None, kind: str, file_name: str | None = None,
                     original: bytes | None = None, note: str = "",
                     check: Callable[[pa.Table], None] | None = None, lock_timeout: float = 10) -> dict:
        from plan_monitor.sources.store import _lake

        if not len(events):
            raise DataError("没有可记录的任务进展，未提交", "no task events to record")
        with self._locked(lock_timeout):
            self._ensure_catalog()
            for attempt in itertools.count():
                batches, current = self.task_ledger()
                if check is not None:
                    check(current)  # the write service's rules, on the ledger as it stands now
                bid = len(batches) + 1
                first = (max(current["event"].to_pylist(), default=0) or 0) + 1
                rows = conform_events(events)
                rows = rows.set_column(0, "event", pa.array(range(first, first + len(rows)), pa.int64()))
                rows = rows.set_column(1, "batch", pa.array([bid] * len(rows), pa.int64()))
                now = _lake._now()
                for name, value in (("user", user), ("role", role or ""), ("at", now)):  # who and when: the batch's
                    rows = rows.set_column(rows.schema.get_field_index(name), name, pa.array([value] * len(rows)))
                entry = {"id": bid, "kind": kind, "user": user, "role": role, "at": now,
                         "file_name": file_name, "events": len(rows), "note": note,
                         "tasks": sorted(set(rows["task_id"].to_pylist()) - {None, ""}), "original": None}
                kept = None
                if original is not None:
                    sha = hashlib.sha256(original).hexdigest()
                    kept = f"{TASK_ORIGINALS}/t{bid:06d}-{sha[:8]}-{_lake._safe_name(file_name or 'form')}"
                    entry.update(original=kept, sha256=sha, size=len(original))
                    (self.dir / TASK_ORIGINALS).mkdir(parents=True, exist_ok=True)
                    _lake._write_atomic(self.dir / kept, lambda fh: fh.write(original), "task_original")
                try:
                    self._append_batch(entry, rows)
                    return entry
                except _lake._Moved:  # another machine's batch landed between our read and our commit
                    if kept:
                        (self.dir / kept).unlink(missing_ok=True)
                    if attempt >= _lake.RACE_TRIES:
                        raise StoreBusy("其他用户正在频繁提交任务进展，请稍后重试", "other batches kept landing first") from None
                    time.sleep(0.01 * (attempt + 1))
                except BaseException:
                    if kept:
                        (self.dir / kept).unlink(missing_ok=True)
                    raise

    def _append_batch(self, entry: dict, rows: pa.Table) -> None:
        """The batch's events and its row, in one transaction (LakeStore._in_transaction), refused with _Moved when
        another batch took its number first."""
        from plan_monitor.sources.store import _lake

        def body(cur, alias: str) -> None:
            _ensure(cur, alias)
            latest = cur.execute(f"SELECT coalesce(max(id), 0) FROM {alias}.main.{BATCHES}").fetchone()[0]
            if latest != entry["id"] - 1:
                raise _lake._Moved()
            cur.execute(f"UPDATE {alias}.main.{TASK_HEAD} SET batch = ?", [entry["id"]])
            cur.register("_pm_events", rows)
            try:
                cur.execute(f"INSERT INTO {alias}.main.{EVENTS} BY NAME SELECT * FROM _pm_events")
            finally:
                cur.unregister("_pm_events")
            cur.execute(f"INSERT INTO {alias}.main.{BATCHES} VALUES (?, ?)",
                        [entry["id"], json.dumps(entry, ensure_ascii=False)])

        self._in_transaction(body, "写入任务台账失败", "the ledger write failed")


def _ensure(cur, alias: str) -> None:
    """The ledger's tables, created by the first batch (inside its transaction)."""
    try:
        cur.execute(f"SELECT * FROM {alias}.main.{TASK_HEAD} LIMIT 0")
        return
    except duckdb.CatalogException:
        pass
    body = ", ".join(f"\"{f.name}\" {_TYPES[f.type]}" for f in EVENT_SCHEMA)
    cur.execute(f"CREATE TABLE {alias}.main.{EVENTS} ({body})")
    cur.execute(f"CREATE TABLE {alias}.main.{BATCHES} (id BIGINT, entry VARCHAR)")
    cur.execute(f"CREATE TABLE {alias}.main.{TASK_HEAD} (batch BIGINT)")
    cur.execute(f"INSERT INTO {alias}.main.{TASK_HEAD} VALUES (0)")
