"""The DuckLake engine: a data folder's own roster files are version 0 (_base.py), every upload and rollback is
one DuckLake transaction under <folder>/store/, nothing is ever deleted.

Layout of `<data folder>/store/`:
  catalog.sqlite                 the DuckLake catalog (SQLite): snapshots, the lake tables' files, and `versions`
  data/main/<table>/*.parquet    DuckLake's data files: the rows of every version, tagged with their version id
  originals/v000001-<sha8>-<name>  the uploaded bytes as received (their SHA-256 is in `versions`)
  .lock                          held while committing (serialises this machine's writers on the SQLite catalog)
  cache/<name>                   bytes derived from the data (Store.keep), each checked by its own SHA-256 when read;
                                 not versions, never swept with them, at most CACHE_KEEP files

One lake table per roster table (villages, towns, …) holds the template columns, the removal flag and
`_version`, the id of the version that wrote the row. The `versions` table holds one row per version: who
(actor, role), when, the file name, the original's SHA-256 and archive name, the scope, the change counts, the
entry as JSON and, per lake table written, the row count and a checksum of the rows (DuckDB's hash, summed).
An upload inserts its rows and its versions row in one transaction; a rollback inserts, as new rows under its
own id, exactly the rows the old version showed for the slices it rewrites (slices that go back to the base
files need none), and its versions row. Readers replay the entries (sources.versions) to know which version's
rows show for each slice, read those rows by `_version`, and check them against the committed checksum: a data
file deleted, damaged or swapped is a DataError in Chinese, never a different figure. Archived originals are
hashed against `versions` on the next read (cached per file identity) and always by check().

The catalog is the history: if it is missing while data or originals are still there, or unreadable, every read
and every write stops with a DataError; nothing falls back to the base files or starts a new history over the
old one. A store written by the earlier folder engine (store/manifest.json, versions/*.parquet) is imported
once, version by version with the same ids, when it is first opened (see _import_folder_store); its files are
left in place and manifest.json is renamed to manifest.imported.json.

With PLAN_MONITOR_CATALOG set (a postgresql:// URL or a libpq key=value string) the catalog is a DuckLake in that
PostgreSQL database instead of catalog.sqlite, for app replicas on several machines; data/, originals/ and the
column maps are then under PLAN_MONITOR_LAKE_DATA (a path every replica mounts at the same place; default
<data folder>/store/). The .lock only serialises one machine's writers, so every commit also checks inside its
own transaction that it follows the latest version and updates the one-row `head` table: of two concurrent
commits DuckLake refuses the second, which reads again and retries or gets the conflict message (_Moved). The
stamp is the catalog's latest snapshot id; connection errors are DataErrors naming the catalog without its
password (redact).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import filelock
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from plan_monitor.errors import DataError
from plan_monitor.sources.report_dates import with_report_dates
from plan_monitor.sources.store import _duck
from plan_monitor.sources.store._base import base_digest, data_files, is_demo, load_base
from plan_monitor.sources.store._ledger import LedgerMixin
from plan_monitor.sources.store.interface import Store, StoreBusy, StoreConflict
from plan_monitor.sources.tables import Rosters, conform, empty_table, to_template, with_removed
from plan_monitor.sources.versions import (
    CHANGE_KINDS,
    History,
    Slice,
    State,
    change_counts,
    changed_slices,
    compare_slices,
    entry_slices,
    in_slices,
    is_marker,
    overlay,
    replay,
    slice_owners,
    wanted_keys,
)
from plan_monitor.spec.templates import TEMPLATES

if TYPE_CHECKING:  # diff's frame: pandas is imported there, so a store opened to read rows or a card needs none
    import pandas as pd

CATALOG_ENV = "PLAN_MONITOR_CATALOG"  # postgresql://user@host:port/db or libpq key=value: the catalog in PostgreSQL
LAKE_DATA_ENV = "PLAN_MONITOR_LAKE_DATA"  # with a PostgreSQL catalog: the shared folder of data files and originals
LOG = logging.getLogger(__name__)
COLUMN_MAPS = "column_maps.json"  # saved 列对应, beside the catalog; not a version, so no stamp change
CRASH_ENV = "PLAN_MONITOR_STORE_CRASH_AT"  # tests only: exit the process right after the named commit step
STORE_DIR = "store"
CATALOG = "catalog.sqlite"
DATA = "data"
ORIGINALS = "originals"
LEGACY_MANIFEST = "manifest.json"  # the folder engine's record, imported once
IMPORTED_MANIFEST = "manifest.imported.json"
VERSION = "_version"
DUCK_TYPES = {pa.int64(): "BIGINT", pa.float64(): "DOUBLE", pa.string(): "VARCHAR", pa.bool_(): "BOOLEAN",
              pa.date32(): "DATE"}
BUSY_TRIES = 60  # a SQLite catalog another process is committing to answers "database is locked" for a moment
REQUIRED = ("id", "kind", "scope", "rollback_to")
HEAD = "head"  # one row, updated by every commit: two concurrent commits conflict in DuckLake, one retries
RACE_TRIES = 20  # commits from other machines landing between our read and our commit (PostgreSQL catalog)
SWEEP_AGE = 3600  # shared data path: only leftovers older than this are removed (another machine may be writing)
CACHE = "cache"  # derived bytes (persisted scorecards), Store.keep / Store.cached: never a version
CACHE_KEEP = 12  # files kept in cache/; the least recently used go first
CACHE_MAGIC = b"PMCACHE1"  # then the SHA-256 of name + NUL + data, then the data
_CACHE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")

_attached: dict[tuple, str] = {}  # (catalog path, device, inode) → alias in the process's DuckDB
_aliases = itertools.count(1)  # never reused: a failed ATTACH may leave its metadata database attached
_verified: dict[tuple, str] = {}  # (original path, inode, size, mtime) → its SHA-256, hashed once per process


def _step(name: str) -> None:
    """A point a crash test can stop the commit at, as abruptly as a power cut (no cleanup, no flush)."""
    if os.environ.get(CRASH_ENV) == name:
        os._exit(86)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, write, step: str) -> None:
    """Write a file under a temporary name in its directory, sync it, rename it into place, sync the directory."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide the store from a dashboard running as another user
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        _step(f"{step}_tmp")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    _step(step)


NAME_BYTES = 120  # the archived name's tail: file systems allow 255 bytes, and a Chinese character takes 3 in UTF-8
_UNSAFE = re.compile('[\x00-\x1f\x7f-\x9f/\\\\:*?"<>|\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]')


def _cut(text: str, limit: int) -> str:
    """The longest start of `text` within `limit` UTF-8 bytes, never splitting a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _safe_name(file_name: str) -> str:
    """The uploaded file's own name, usable as the tail of an archive file name on any file system: its last path
    part, without control, invisible or path characters, cut by bytes (not characters) with its extension kept."""
    name = _UNSAFE.sub("_", Path(file_name.replace("\\", "/")).name).strip(" .")
    path = Path(name)
    suffix = path.suffix if len(path.suffix.encode("utf-8")) <= 16 else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    stem = _cut(stem, NAME_BYTES - len(suffix.encode("utf-8"))).strip(" .")
    return f"{stem}{suffix}" if stem else f"upload{suffix}"


def _rounds(slices: set[Slice], table: str) -> set[tuple[str, int, object]]:
    return {(c, y, d) for t, c, y, d in slices if t == table}


def _now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_PASSWORD = [re.compile(r"(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)"),  # key=value and ?password=
             re.compile(r"(://[^/:@\s]*:)([^@\s]*)(@)")]  # postgresql://user:secret@host


def redact(text: str) -> str:
    """A connection string (or a message quoting one) without its password."""
    text = _PASSWORD[0].sub(lambda m: m.group(1) + "***", text)
    return _PASSWORD[1].sub(lambda m: m.group(1) + "***" + m.group(3), text)


def catalog_setting() -> str | None:
    """The PostgreSQL connection string PLAN_MONITOR_CATALOG names, or None for the embedded SQLite catalog."""
    value = os.environ.get(CATALOG_ENV, "").strip()
    if not value:
        return None
    if value.startswith(("postgresql://", "postgres://")) or re.match(r"^\s*\w+\s*=", value):
        return value
    raise DataError(f"环境变量 {CATALOG_ENV} 的值 {redact(value)} 无法识别：应为 postgresql://用户@主机:端口/数据库 "
                    "或 libpq 形式的 host=… dbname=…；留空则使用数据目录下的内置版本库",
                    f"{CATALOG_ENV} must be a postgresql:// URL or a libpq key=value string")


VERSIONS_COLUMNS = ("id BIGINT, kind VARCHAR, actor VARCHAR, role VARCHAR, committed_at VARCHAR, file_name VARCHAR, "
                    "sha256 VARCHAR, size BIGINT, template VARCHAR, table_name VARCHAR, rows BIGINT, scope VARCHAR, "
                    "changes VARCHAR, original VARCHAR, rollback_to BIGINT, data_checks VARCHAR, entry VARCHAR")


class _NoCatalog(Exception):
    """The PostgreSQL database has no DuckLake yet."""


class _Moved(Exception):
    """Another writer (another machine, on a PostgreSQL catalog) committed since we read: read again."""


def _conflicted(exc: Exception) -> bool:
    return "conflict" in str(exc).lower()


def _busy(exc: Exception) -> bool:
    text = str(exc).lower()
    return "database is locked" in text or "busy" in text


def _retry(fn: Callable):
    """fn() again while the SQLite catalog is locked by another process's commit (a moment, not a conflict)."""
    for attempt in range(BUSY_TRIES):
        try:
            return fn()
        except duckdb.Error as exc:
            if not _busy(exc) or attempt == BUSY_TRIES - 1:
                raise
            time.sleep(min(0.01 * (attempt + 1), 0.2))


def _checksum(cur: duckdb.DuckDBPyConnection, rows: pa.Table, columns: list[str]) -> tuple[int, str]:
    """The row count and the sum of every row's hash over `columns`: order-free, sensitive to any changed value."""
    if not set(columns) <= set(rows.column_names):
        return -1, ""
    cur.register("_pm_rows", rows)
    try:
        n, total = cur.execute(f"SELECT count(*), coalesce(sum(hash({', '.join(map(_q, columns))})::HUGEINT), 0)"
                               "::VARCHAR FROM _pm_rows").fetchone()
    finally:
        cur.unregister("_pm_rows")
    return int(n), total


def physical(entries: list[dict] | tuple[dict, ...], at: int | None = None) -> State:
    """Which version's rows show each owned slice after entry `at`: an upload's own rows, or the copy a rollback
    made of the rows it brought back (replay gives the logical owner, the upload the copy came from)."""
    at = len(entries) if at is None else at
    replay(entries, at)  # the same bounds and message
    logical: list[State] = [{}]
    rows: State = {}
    for entry in entries[:at]:
        slices = entry_slices(entry)
        if entry["kind"] == "upload":
            now = {**logical[-1], **dict.fromkeys(slices, entry["id"])}
            rows = {**rows, **dict.fromkeys(slices, entry["id"])}
        else:
            now = dict(logical[entry["rollback_to"]])
            rows = {s: v for s, v in rows.items() if s not in slices}
            rows.update({s: entry["id"] for s in slices if s in now})
        logical.append(now)
    return rows


class LakeStore(LedgerMixin, Store):
    """A data folder: its own roster files (版本 0) and the versions in the DuckLake under <folder>/store/."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise DataError(f"数据目录 {self.folder} 不存在", f"data folder {self.folder} does not exist")
        self.location = str(folder)
        self._stamps: dict[str, str] = {}  # ledger_stamp → stamp: the data's stamp is asked of the catalog once
        self.pg = catalog_setting()
        shared = os.environ.get(LAKE_DATA_ENV, "").strip() if self.pg else ""
        self.dir = Path(shared) if shared else self.folder / STORE_DIR
        self.catalog = self.dir / CATALOG
        # what messages call the catalog: the SQLite file, or the PostgreSQL connection without its password
        self.catalog_name = f"PostgreSQL {redact(self.pg)}" if self.pg else str(self.catalog)
        if shared and not self.dir.is_dir():
            raise DataError(f"共享数据目录 {self.dir}（{LAKE_DATA_ENV}）不存在或未挂载，数据版本库 {self.catalog_name} "
                            "的数据文件和原始文件无法读写", f"the shared data path {self.dir} does not exist")
        if (self.dir / LEGACY_MANIFEST).exists():
            self._import_folder_store()

    def __repr__(self) -> str:
        return f"LakeStore({self.location!r})"

    # ------------------------------------------------------------------ the catalog

    def _missing(self) -> DataError:
        if self.pg:
            return DataError(f"数据版本库 {self.catalog_name} 中没有版本记录，但共享数据目录 {self.dir} 中仍有已上传的数据和原始"
                             f"文件：版本历史无法读取。请检查 {CATALOG_ENV} 是否指向正确的数据库，或联系管理员从备份恢复；"
                             "恢复之前不显示数据，也不能提交或回退",
                             f"the catalog {self.catalog_name} is empty while {self.dir} holds data or originals")
        return DataError(f"数据版本库 {self.catalog} 缺失，但数据目录中仍有已上传的数据和原始文件：版本历史无法读取。"
                         "请联系管理员从备份恢复该文件；恢复之前不显示数据，也不能提交或回退",
                         f"the catalog {self.catalog} is missing while data or originals remain; restore it")

    def _damaged(self, exc: Exception) -> DataError:
        if self.pg:
            reason = redact(str(exc)).split("\n")[0]
            if "does not match existing data path" in str(exc):
                reason = (f"共享数据目录 {self.dir} 与版本库中记录的数据路径不同，所有副本须在同一路径挂载同一共享目录"
                          f"（{LAKE_DATA_ENV}）")
            return DataError(f"无法连接或读取数据版本库 {self.catalog_name}：{reason}。请检查 {CATALOG_ENV}、数据库服务、"
                             "用户名和密码；恢复之前不显示数据，也不能提交或回退",
                             f"the catalog {self.catalog_name} cannot be reached or read: {redact(str(exc))}")
        return DataError(f"数据版本库 {self.catalog} 已损坏，无法读取。请联系管理员从备份恢复该文件；恢复之前不显示数据，"
                         "也不能提交或回退", f"the catalog {self.catalog} cannot be read: {exc}")

    def _traces(self) -> bool:
        """Whether anything a catalog would name is there: data files or archived originals."""
        return any(p.is_file() for sub in (DATA, ORIGINALS) if (self.dir / sub).is_dir()
                   for p in (self.dir / sub).rglob("*"))

    def _db(self) -> duckdb.DuckDBPyConnection:
        return _duck.database("postgres" if self.pg else "sqlite")

    def _attach_sql(self, alias: str, target: str, create: bool) -> str:
        options = f"DATA_PATH {_lit(str(self.dir.resolve() / DATA) + '/')}, DATA_INLINING_ROW_LIMIT 0"
        if not create:
            options += ", CREATE_IF_NOT_EXISTS false"
        return f"ATTACH {_lit(target)} AS {alias} ({options})"

    def _alias(self, create: bool = False) -> str:
        """The catalog attached to the process's DuckDB, again whenever the file was replaced (a restore). A
        PostgreSQL catalog is attached once per process; one with no DuckLake yet is _missing (or empty) unless
        `create`."""
        if self.pg:
            key = ("postgres", self.pg, str(self.dir.resolve()))
            target = "ducklake:postgres:" + self.pg
        else:
            try:
                stat = os.stat(self.catalog)
            except FileNotFoundError:
                raise self._missing() from None
            key = (str(self.catalog.resolve()), stat.st_dev, stat.st_ino)
            target = "ducklake:sqlite:" + key[0]
        db = self._db()
        with _duck.attach_lock():
            alias = _attached.get(key)
            if alias is None:
                for old in [k for k in _attached if k[0] == key[0]]:  # the file was replaced: let the old one go
                    try:
                        db.execute(f"DETACH {_attached.pop(old)}")
                    except duckdb.Error:
                        pass
                alias = f"lake{next(_aliases)}"
                try:
                    _retry(lambda: db.execute(self._attach_sql(alias, target, create or not self.pg)))
                except duckdb.Error as exc:
                    if self.pg and "creating a new DuckLake is explicitly disabled" in str(exc):
                        raise _NoCatalog() from None
                    raise self._damaged(exc) from None  # the message may quote the password: not chained
                _attached[key] = alias
        return alias

    def _forget(self, alias: str) -> None:
        """Detach a catalog that cannot be read (its next use attaches it again, or says why not)."""
        with _duck.attach_lock():
            for key in [k for k, v in _attached.items() if v == alias]:
                del _attached[key]
            try:
                self._db().execute(f"DETACH {alias}")
            except duckdb.Error:
                pass

    @contextmanager
    def _cursor(self, create: bool = False):
        alias = self._alias(create)
        cur = self._db().cursor()
        try:
            yield cur, alias
        finally:
            cur.close()

    def _ensure_catalog(self, legacy: bool = False) -> None:
        """Create an empty catalog (under the lock), under a temporary name renamed into place, so a catalog is
        either complete or absent. Refused when data or originals show that one existed (legacy: the folder
        engine's originals, about to be imported). In PostgreSQL the DuckLake and its tables are created in the
        database (by whichever replica comes first; a concurrent creation conflicts and is retried)."""
        if self._present(legacy):
            return
        if self.pg:
            for attempt in range(RACE_TRIES):
                try:
                    alias = self._alias(create=True)
                except DataError as exc:  # another replica is creating the DuckLake's tables at this moment
                    if attempt == RACE_TRIES - 1 or not re.search("duplicate key|already exists|conflict", exc.en):
                        raise
                    time.sleep(0.05 * (attempt + 1))
                    continue
                with self._cursor() as (cur, alias):
                    try:
                        cur.execute(f"CREATE TABLE IF NOT EXISTS {alias}.main.versions ({VERSIONS_COLUMNS})")
                        return
                    except duckdb.Error as exc:
                        if attempt == RACE_TRIES - 1 or not (_conflicted(exc) or _busy(exc)):
                            self._forget(alias)
                            raise self._damaged(exc) from None
                time.sleep(0.05 * (attempt + 1))
        tmp = self.dir / f".{CATALOG}.{os.getpid()}.tmp"
        for leftover in self.dir.glob(f".{CATALOG}.*.tmp*"):
            leftover.unlink(missing_ok=True)
        db = self._db()
        alias = f"new{next(_aliases)}"
        with _duck.attach_lock():
            db.execute(self._attach_sql(alias, "ducklake:sqlite:" + str(tmp.resolve()), True))
            try:
                db.execute(f"CREATE TABLE {alias}.main.versions ({VERSIONS_COLUMNS})")
            finally:
                db.execute(f"DETACH {alias}")
        os.chmod(tmp, 0o644)
        os.replace(tmp, self.catalog)
        _fsync_dir(self.dir)

    def _has_catalog(self) -> bool:
        """Whether there is a catalog with its versions table (SQLite: the file; PostgreSQL: asked)."""
        if not self.pg:
            return self.catalog.exists()
        try:
            with self._cursor() as (cur, alias):
                try:
                    cur.execute(f"SELECT * FROM {alias}.main.versions LIMIT 0")
                except duckdb.CatalogException:
                    return False
                except duckdb.Error as exc:
                    self._forget(alias)
                    raise self._damaged(exc) from None
        except _NoCatalog:
            return False
        return True

    def _present(self, legacy: bool = False) -> bool:
        """Whether there is a catalog; _missing when there is none while data or originals show there was one
        (unless `legacy`: the folder engine's originals, about to be imported).

        A catalog is always created before the first commit writes anything, so no catalog and then data seen
        may be another process's first commit landing between the two looks: the catalog is asked again, and
        only a catalog still absent after data was seen is one that is gone."""
        if self._has_catalog():
            return True
        if legacy or not self._traces():
            return False
        if self._has_catalog():
            return True
        raise self._missing()

    def _read(self) -> tuple[list[dict], dict[int, dict]]:
        """Every entry, oldest first, and each version's data checks, from one query."""
        if not self._present():
            return [], {}
        with self._cursor() as (cur, alias):
            try:
                rows = _retry(lambda: cur.execute(
                    f"SELECT id, entry, data_checks FROM {alias}.main.versions ORDER BY id").fetchall())
            except duckdb.Error as exc:
                self._forget(alias)
                raise self._damaged(exc) from None
        entries, checks = [], {}
        for vid, text, data_checks in rows:
            try:
                entry, check = json.loads(text), json.loads(data_checks)
                ok = isinstance(entry, dict) and all(k in entry for k in REQUIRED) and entry["id"] == vid
            except (TypeError, ValueError):
                ok = False
            if not ok or vid != len(entries) + 1:
                raise DataError(f"数据版本库 {self.catalog_name} 中版本 {vid} 的记录不完整或顺序有误，请联系管理员从备份恢复",
                                f"the catalog's record of version {vid} is incomplete or out of order")
            entries.append(entry)
            checks[vid] = check
        return entries, checks

    # ------------------------------------------------------------------ reading

    def ledger_stamp(self) -> str:
        """Changes with any commit, a data version or a task-ledger batch. From file stats only: the base files, and
        the catalog's identity, size, time and SQLite change counter (bytes 24–27 of its header, one more on every
        committed transaction); on PostgreSQL one small query, the catalog's latest snapshot."""
        if not self.folder.is_dir():
            raise DataError(f"数据目录 {self.folder} 不存在", f"data folder {self.folder} does not exist")
        digest = base_digest(self.folder)
        for path in sorted((self.folder / "ledger").glob("*.csv")):  # the ledger's own files (batch 0)
            stat = path.stat()
            digest.update(f"ledger:{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
        if self.pg:  # one small query: the catalog's latest snapshot, which every commit (on any machine) moves
            try:
                with self._cursor() as (cur, alias):
                    try:
                        snapshot = cur.execute(f"FROM {alias}.current_snapshot()").fetchone()[0]
                    except duckdb.Error as exc:
                        self._forget(alias)
                        raise self._damaged(exc) from None
            except _NoCatalog:
                snapshot = None
            digest.update(f"store:pg:{snapshot};".encode())
            return digest.hexdigest()[:16]
        try:
            with open(self.catalog, "rb") as fh:
                stat = os.fstat(fh.fileno())
                header = fh.read(28)[24:28].hex()
            digest.update(f"store:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}:{header};".encode())
        except FileNotFoundError:
            digest.update(b"store:none;")
        return digest.hexdigest()[:16]

    def stamp(self) -> str:
        """Changes with the data: the base files, the catalog's identity and the latest data version's id (versions
        are never rewritten, so the id names the rows). A task-ledger batch leaves it as it was, so the figures
        cached or persisted under it stay valid. Asked of the catalog only when ledger_stamp moved."""
        moved = self.ledger_stamp()
        known = self._stamps.get(moved)
        if known is not None:
            return known
        digest = base_digest(self.folder)
        head = 0
        if self._present():
            with self._cursor() as (cur, alias):
                try:
                    head = _retry(lambda: cur.execute(
                        f"SELECT coalesce(max(id), 0) FROM {alias}.main.versions").fetchone()[0])
                except duckdb.Error as exc:
                    self._forget(alias)
                    raise self._damaged(exc) from None
        where = f"pg:{redact(self.pg)}" if self.pg else f"{os.stat(self.catalog).st_ino if head else 0}"
        digest.update(f"store:{where}:{head};".encode())
        stamp = digest.hexdigest()[:16]
        if len(self._stamps) > 8:
            self._stamps.clear()
        self._stamps[moved] = stamp
        return stamp

    def history(self) -> History:
        return History.of(self._read()[0])

    def is_demo(self) -> bool:
        return is_demo(self.folder)

    def rosters(self) -> Rosters:
        """Every base file, concatenated per table, with the slices versions own replaced by their rows; one
        catalog read, so the rows and the history are the same version."""
        stamp = self.stamp()
        files = data_files(self.folder)
        tables = load_base(self.folder, files)
        entries, checks = self._read()
        history = History.of(entries)
        if entries:
            self._verify_originals(entries)
            state = physical(entries)
            tables = {table: self._rows_at(tables, checks, state, table) for table in tables}
        return Rosters(tables, stamp, is_demo(self.folder), tuple(p.name for p in files), history)

    def current(self, table: str, at: int | None = None) -> pa.Table:
        entries, checks = self._read()
        return self._rows_at(load_base(self.folder), checks, physical(entries, at), table)

    def diff(self, version: int) -> pd.DataFrame:
        """What a version changed against the state before it: one line per unit that is new, changed or
        removed, with its table, unit keys, year, 统计截至 and the (column, old, new) values that changed."""
        import pandas as pd

        entries, checks = self._read()
        if not 1 <= version <= len(entries):
            raise DataError(f"版本 {version} 不存在", f"version {version} does not exist")
        slices = entry_slices(entries[version - 1])
        base = load_base(self.folder)
        before, after = physical(entries, version - 1), physical(entries, version)
        frames = []
        for template in TEMPLATES.values():
            if not any(s[0] == template.table for s in slices):
                continue
            compared = compare_slices(self._rows_at(base, checks, before, template.table),
                                      self._rows_at(base, checks, after, template.table),
                                      _rounds(slices, template.table), template.unit_keys)
            compared.insert(1, "table", template.table)
            frames.append(compared[compared["status"] != "unchanged"])
        columns = ["status", "table", "county", "town", "village", "year", "as_of", "changes"]
        if not frames:
            return pd.DataFrame(columns=columns)
        return pd.concat(frames, ignore_index=True).reindex(columns=columns)

    def _version_rows(self, cur, alias: str, checks: dict[int, dict], vid: int, table: str) -> pa.Table:
        """The rows version `vid` wrote to a table, checked against the count and checksum it committed."""
        check = checks.get(vid, {}).get(table)
        if check is None:
            raise DataError(f"数据版本库中版本 {vid} 没有 {table} 的数据记录，请联系管理员从备份恢复",
                            f"version {vid} has no data check for {table}")
        try:
            rows = _retry(lambda: cur.execute(f"SELECT * EXCLUDE ({VERSION}) FROM {alias}.main.{_q(table)} "
                                              f"WHERE {VERSION} = ?", [vid]).to_arrow_table())
        except duckdb.Error as exc:
            raise DataError(f"数据版本 {vid} 的数据文件缺失或损坏，无法读取，请联系管理员从备份恢复",
                            f"the data files of version {vid} ({table}) cannot be read: {exc}") from exc
        if _checksum(cur, rows, check["columns"]) != (check["rows"], check["sum"]):
            raise DataError(f"数据版本 {vid} 的数据与提交时记录的校验值不符（数据文件被改动或替换），"
                            "请联系管理员从备份恢复；在此之前不显示这些数据",
                            f"the rows of version {vid} ({table}) do not match their committed checksum")
        return rows

    def _owned_rows(self, checks: dict[int, dict], state: State, table: str, schema: pa.Schema,
                    slices: set[Slice] | None = None) -> tuple[set[str], list[pa.Table]]:
        """The slice keys versions own in a table (limited to some slices) and the rows showing there."""
        owners = slice_owners(state, table, slices)
        parts = []
        if owners:
            with self._cursor() as (cur, alias):
                for owner, keys in sorted(owners.items()):
                    rows = self._version_rows(cur, alias, checks, owner, table)
                    parts.append(conform(rows.filter(in_slices(rows, keys)), schema, f"数据版本 {owner}"))
        return set().union(*owners.values()) if owners else set(), parts

    def _rows_at(self, base: dict[str, pa.Table], checks: dict[int, dict], state: State, table: str,
                 slices: set[Slice] | None = None) -> pa.Table:
        """The rows a state shows for one table, limited to some slices (default: all), typed as the base table."""
        base_rows = base[table]
        owned, parts = self._owned_rows(checks, state, table, base_rows.schema, slices)
        keep = pc.invert(in_slices(base_rows, owned))
        if slices is not None:
            keep = pc.and_(keep, in_slices(base_rows, wanted_keys(table, slices)))
        return pa.concat_tables([base_rows.filter(keep), *parts])

    def _verify_originals(self, entries: list[dict], force: bool = False) -> list[str]:
        """Every archived original against its SHA-256 (a file already checked as it is now is not read again,
        unless `force`); raises the first problem unless `force`, which returns them all."""
        problems = []
        for entry in entries:
            if not entry.get("original"):
                continue
            path = self.dir / entry["original"]
            try:
                stat = path.stat()
            except FileNotFoundError:
                problems.append(f"数据版本 {entry['id']} 的原始文件 {path.name} 缺失，请联系管理员从备份恢复")
            else:
                key = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)
                if force or _verified.get(key) != entry["sha256"]:
                    digest = hashlib.sha256()
                    with open(path, "rb") as fh:
                        for chunk in iter(lambda: fh.read(1 << 20), b""):
                            digest.update(chunk)
                    if digest.hexdigest() == entry["sha256"]:
                        _verified[key] = entry["sha256"]
                    else:
                        problems.append(f"数据版本 {entry['id']} 的原始文件 {path.name} 与提交时记录的 SHA-256 不符"
                                        "（已被改动或替换），请联系管理员从备份恢复")
            if problems and not force:
                raise DataError(problems[0], f"archived original of version {entry['id']} is missing or altered")
        return problems

    def check(self) -> list[str]:
        """Everything a read could trip on, in Chinese, none when the store is whole: the catalog, every version's
        data against its checksum, every archived original against its hash."""
        try:
            entries, checks = self._read()
        except DataError as exc:
            return [exc.zh]
        problems = self._verify_originals(entries, force=True)
        if entries:
            with self._cursor() as (cur, alias):
                for vid, tables in checks.items():
                    for table in tables:
                        try:
                            self._version_rows(cur, alias, checks, vid, table)
                        except DataError as exc:
                            problems.append(exc.zh)
        return problems

    def column_maps(self) -> list[dict]:
        path = self.dir / COLUMN_MAPS
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise DataError(f"列对应记录 {path} 无法读取：{exc}", f"cannot read {path}: {exc}") from exc
        maps = [m for m in saved.get("maps", []) if isinstance(m, dict) and isinstance(m.get("mapping"), dict)]
        return sorted(maps, key=lambda m: m.get("saved_at", ""), reverse=True)

    # ------------------------------------------------------------------ derived bytes (not versions)

    def _cache_path(self, name: str) -> Path:
        if not _CACHE_NAME.fullmatch(name):
            raise ValueError(f"not a plain cache file name: {name!r}")
        return self.dir / CACHE / name

    @staticmethod
    def _cache_digest(name: str, data: bytes) -> bytes:
        digest = hashlib.sha256(name.encode("utf-8") + b"\0")
        digest.update(data)
        return digest.digest()

    def cached(self, name: str) -> bytes | None:
        """The bytes kept under `name`, checked against the SHA-256 written with them (of the name and the bytes, so
        a file copied under another name does not pass either); None when absent, unreadable or damaged."""
        path = self._cache_path(name)
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError:
            return None
        head = len(CACHE_MAGIC) + 32
        data = memoryview(raw)[head:]
        if len(raw) < head or raw[:len(CACHE_MAGIC)] != CACHE_MAGIC \
                or self._cache_digest(name, data) != raw[len(CACHE_MAGIC):head]:
            LOG.warning("cached file %s is damaged or foreign: ignored", path)
            return None
        try:
            os.utime(path)  # recently used: evicted last
        except OSError:
            pass
        return bytes(data)

    def keep(self, name: str, data: bytes) -> None:
        """Written under a temporary name and renamed into place (a reader sees the old file, the new one or none;
        a torn write fails its checksum), then the least recently used files beyond CACHE_KEEP are removed. Not
        synced to disk: a file lost in a power cut is only computed again."""
        path = self._cache_path(name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.", suffix=".tmp")
            try:
                os.fchmod(fd, 0o644)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(CACHE_MAGIC)
                    fh.write(self._cache_digest(name, data))
                    fh.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._evict(path.parent)
        except OSError as exc:  # a read-only or full data folder: the figures are computed again next time
            LOG.info("cache file %s not kept: %s", name, exc)

    @staticmethod
    def _evict(folder: Path) -> None:
        """Keep the CACHE_KEEP most recently used files; temporary files of killed writers go after SWEEP_AGE."""
        kept, now = [], time.time()
        for path in folder.iterdir():
            try:
                stat = path.stat()
                if path.name.startswith("."):
                    if path.name.endswith(".tmp") and stat.st_mtime < now - SWEEP_AGE:
                        path.unlink(missing_ok=True)
                else:
                    kept.append((stat.st_mtime_ns, path))
            except FileNotFoundError:  # another process evicted it meanwhile
                pass
        for _, path in sorted(kept, reverse=True)[CACHE_KEEP:]:
            path.unlink(missing_ok=True)

    # ------------------------------------------------------------------ writing

    def save_column_map(self, *, scope: str, template_key: str, mapping: dict[str, str], header_row: int | None,
                        user: str, lock_timeout: float = 10) -> dict:
        if template_key not in TEMPLATES:
            raise DataError(f"未知的报表类型 {template_key}", f"unknown template {template_key}")
        entry = {"scope": scope, "template": template_key, "mapping": dict(mapping), "header_row": header_row,
                 "user": user, "saved_at": _now()}
        with self._locked(lock_timeout):
            maps = [m for m in self.column_maps() if (m.get("scope"), m.get("template")) != (scope, template_key)]
            text = json.dumps({"maps": [entry, *maps]}, ensure_ascii=False, indent=1)
            _write_atomic(self.dir / COLUMN_MAPS, lambda fh: fh.write(text.encode("utf-8")), "column_maps")
        return entry

    def commit(self, *, template_key: str, rows: pa.Table, original: bytes, file_name: str, user: str,
               base: int, role: str | None = None, warnings_confirmed: int = 0, note: str = "",
               mode: str | None = None, lock_timeout: float = 10) -> dict:
        template = TEMPLATES.get(template_key)
        if template is None:
            raise DataError(f"未知的报表类型 {template_key}", f"unknown template {template_key}")
        rows = with_removed(to_template(template, rows, by_header=False), is_marker(rows))
        if not len(rows):
            raise DataError(f"{file_name}：没有数据行，未提交", f"{file_name}: no rows, nothing committed")
        if pc.any(pc.is_null(rows["county"])).as_py() or pc.any(pc.is_null(rows["year"])).as_py():
            raise DataError(f"{file_name}：有数据行缺少年度或县（市、区），未提交",
                            f"{file_name}: rows without year or county")
        rows = with_report_dates(rows)  # stored filled, so every stored row names its slice outright
        scope = sorted(set(zip(rows["county"].to_pylist(), rows["year"].to_pylist(), rows["as_of"].to_pylist())))
        slices = {(template.table, c, y, d) for c, y, d in scope}

        # The counts are computed outside the lock against the state now; any later entry that touches these
        # slices also comes after `base`, so the check under the lock rejects the commit before they could lie.
        entries, checks = self._read()
        self._check_base(entries, base, slices)
        before = self._rows_at(load_base(self.folder), checks, physical(entries), template.table)
        changes = change_counts(compare_slices(before, overlay(before, rows), set(scope), template.unit_keys,
                                               detail=False))
        sha = hashlib.sha256(original).hexdigest()

        with self._locked(lock_timeout):
            self._ensure_catalog()
            for attempt in itertools.count():
                entries, checks = self._read()
                self._check_base(entries, base, slices)
                self._verify_originals(entries)
                self._sweep(entries)
                try:
                    entry = self._commit_upload(entries, template, rows, original, sha, file_name, user, role,
                                                warnings_confirmed, note, mode, scope, changes)
                    break
                except _Moved:  # another machine committed first: the base check above decides, on the new head
                    if attempt >= RACE_TRIES:
                        raise StoreBusy("其他用户正在频繁提交数据，请稍后重试",
                                        "other commits kept landing first") from None
                    time.sleep(0.01 * (attempt + 1))
            _step("committed")
        return entry

    def _commit_upload(self, entries, template, rows, original, sha, file_name, user, role, warnings_confirmed,
                       note, mode, scope, changes) -> dict:
        """The archived original and the transaction of one upload as the version after `entries`."""
        vid = len(entries) + 1
        # on a shared path another machine may archive the same file as the same version at the same moment: a
        # token of our own keeps one's failed commit from removing the other's original
        token = f"{secrets.token_hex(3)}-" if self.pg else ""
        kept = f"{ORIGINALS}/v{vid:06d}-{sha[:8]}-{token}{_safe_name(file_name)}"
        entry = {
            "id": vid, "kind": "upload", "user": user, "role": role, "at": _now(), "file_name": file_name,
            "sha256": sha, "size": len(original), "template": template.key, "table": template.table, "rows": len(rows),
            "scope": [[c, y, d.isoformat()] for c, y, d in scope],
            "counties": sorted({c for c, _, _ in scope}), "years": sorted({y for _, y, _ in scope}),
            "original": kept, "changes": changes,
            "warnings_confirmed": int(warnings_confirmed), "rollback_to": None, "note": note,
            "mode": mode, "markers": int(pc.sum(is_marker(rows)).as_py() or 0),
        }
        landed = False
        try:
            _write_atomic(self.dir / kept, lambda fh: fh.write(original), "original")
            self._transact(entry, {template.table: rows})
            landed = True
        finally:
            if not landed:  # nothing names the archived file: a failed commit leaves the store as it was
                (self.dir / kept).unlink(missing_ok=True)
        return entry

    def rollback(self, to: int, *, user: str, base: int, role: str | None = None, note: str = "",
                 allow: Callable[[set[Slice]], None] | None = None, lock_timeout: float = 10) -> dict:
        with self._locked(lock_timeout):
            entries, checks = self._read()
            head = len(entries)
            if head != base:  # a rollback is decided on the whole picture: anything newer invalidates it
                raise self._conflict(head, base)
            if not 0 <= to < head:
                raise DataError(f"只能回退到早于当前版本 v{head} 的版本", f"cannot roll back to {to} from {head}")
            slices = changed_slices(replay(entries), replay(entries, to))
            if not slices:
                raise DataError(f"版本 {to} 的数据与当前数据相同，无需回退",
                                f"version {to} shows the same data as the current version")
            if allow is not None:
                allow(set(slices))
            self._verify_originals(entries)
            self._sweep(entries)
            base_tables = load_base(self.folder)
            now, then = physical(entries), physical(entries, to)
            changes = dict.fromkeys(CHANGE_KINDS, 0)
            rows = 0
            copies = {}
            for template in TEMPLATES.values():
                table = template.table
                if not any(s[0] == table for s in slices):
                    continue
                after = self._rows_at(base_tables, checks, then, table)
                counted = change_counts(compare_slices(self._rows_at(base_tables, checks, now, table), after,
                                                       _rounds(slices, table), template.unit_keys, detail=False))
                changes = {k: changes[k] + counted[k] for k in CHANGE_KINDS}
                rows += len(self._rows_at(base_tables, checks, then, table, slices))
                _, owned = self._owned_rows(checks, then, table, base_tables[table].schema, slices)
                copied = pa.concat_tables(owned) if owned else None
                if copied is not None and len(copied):
                    copies[table] = copied
            ordered = sorted(slices)
            entry = {
                "id": head + 1, "kind": "rollback", "user": user, "role": role, "at": _now(), "file_name": None,
                "sha256": None, "size": None, "template": None, "table": None, "rows": rows,
                "scope": [[t, c, y, d.isoformat()] for t, c, y, d in ordered],
                "counties": sorted({s[1] for s in ordered}), "years": sorted({s[2] for s in ordered}),
                "original": None, "changes": changes, "warnings_confirmed": 0,
                "rollback_to": to, "note": note,
            }
            try:
                self._transact(entry, copies)
            except _Moved:  # another machine committed since: a rollback is decided on the whole picture
                raise self._conflict(len(self._read()[0]), base) from None
            _step("committed")
        return entry

    def _transact(self, entry: dict, tables: dict[str, pa.Table]) -> None:
        """One DuckLake transaction: the rows of each table under the entry's id, read back for their checksum,
        and the versions row. Retried from the start while the SQLite catalog is busy with a reader.

        Writers on other machines (a PostgreSQL catalog) are not held off by the local lock, so the transaction
        itself checks that the entry still follows the latest version, and updates the one-row `head` table:
        DuckLake refuses the second of two concurrent commits that both changed it. Either way _Moved tells the
        caller to read again (where the base check turns an overlapping commit into StoreConflict)."""
        def body(cur, alias: str) -> None:
            latest = cur.execute(f"SELECT coalesce(max(id), 0) FROM {alias}.main.versions").fetchone()[0]
            if latest != entry["id"] - 1:
                raise _Moved()
            self._advance_head(cur, alias, entry["id"])
            checks = {}
            for table, rows in tables.items():
                self._ensure_table(cur, alias, table, rows.schema)
                cur.register("_pm_new", rows)
                try:
                    cur.execute(f"INSERT INTO {alias}.main.{_q(table)} BY NAME "
                                f"SELECT *, ?::BIGINT AS {VERSION} FROM _pm_new", [entry["id"]])
                finally:
                    cur.unregister("_pm_new")
                back = cur.execute(f"SELECT * EXCLUDE ({VERSION}) FROM {alias}.main.{_q(table)} "
                                   f"WHERE {VERSION} = ?", [entry["id"]]).to_arrow_table()
                n, total = _checksum(cur, back, back.column_names)
                checks[table] = {"columns": back.column_names, "rows": n, "sum": total}
            cur.execute(
                f"INSERT INTO {alias}.main.versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [entry["id"], entry["kind"], entry["user"], entry.get("role"), entry["at"],
                 entry.get("file_name"), entry.get("sha256"), entry.get("size"), entry.get("template"),
                 entry.get("table"), entry["rows"], json.dumps(entry["scope"], ensure_ascii=False),
                 json.dumps(entry["changes"]), entry.get("original"), entry.get("rollback_to"),
                 json.dumps(checks, ensure_ascii=False), json.dumps(entry, ensure_ascii=False)])
            _step("inserted")

        self._in_transaction(body, f"写入数据版本库 {self.catalog_name} 失败", "the catalog write failed")

    def _in_transaction(self, body: Callable, failed_zh: str, failed_en: str) -> None:
        """body(cur, alias) in one DuckLake transaction, committed, retried from the start while the SQLite catalog
        is busy with a reader. _Moved, raised by body or by DuckLake refusing a concurrent change of the same
        table, goes to the caller to read again; any other catalog error is a DataError (failed_zh：reason)."""
        with self._cursor() as (cur, alias):
            for attempt in range(BUSY_TRIES):
                cur.execute("BEGIN")
                try:
                    body(cur, alias)
                    cur.execute("COMMIT")
                    return
                except _Moved:
                    cur.execute("ROLLBACK")
                    raise
                except duckdb.Error as exc:
                    try:
                        cur.execute("ROLLBACK")
                    except duckdb.Error:
                        pass
                    if _conflicted(exc):  # another writer changed `head` (or created a table) first
                        raise _Moved() from None
                    if _busy(exc) and attempt < BUSY_TRIES - 1:
                        time.sleep(min(0.02 * (attempt + 1), 0.3))
                        continue
                    if self.pg:
                        self._forget(alias)
                    raise DataError(f"{failed_zh}，未提交：{redact(str(exc))}",
                                    f"{failed_en}: {redact(str(exc))}") from None

    @staticmethod
    def _advance_head(cur, alias: str, vid: int) -> None:
        """Set the one-row `head` table to the version being committed (created in a catalog that has none)."""
        try:
            cur.execute(f"UPDATE {alias}.main.{HEAD} SET version = ?", [vid])
        except duckdb.CatalogException:
            cur.execute(f"CREATE TABLE {alias}.main.{HEAD} (version BIGINT)")
            cur.execute(f"INSERT INTO {alias}.main.{HEAD} VALUES (?)", [vid])

    @staticmethod
    def _ensure_table(cur, alias: str, table: str, schema: pa.Schema) -> None:
        """The lake table for a roster table, created on first use; a column the template gained is added."""
        try:  # not duckdb_columns(): that would read every catalog attached to the process's DuckDB
            have = {d[0] for d in cur.execute(f"SELECT * FROM {alias}.main.{_q(table)} LIMIT 0").description}
        except duckdb.CatalogException:
            have = set()
        columns = [(f.name, DUCK_TYPES.get(f.type, "VARCHAR")) for f in schema]
        if not have:
            body = ", ".join(f"{_q(n)} {t}" for n, t in [*columns, (VERSION, "BIGINT")])
            cur.execute(f"CREATE TABLE {alias}.main.{_q(table)} ({body})")
            return
        for name, typ in columns:
            if name not in have:
                cur.execute(f"ALTER TABLE {alias}.main.{_q(table)} ADD COLUMN {_q(name)} {typ}")

    def _check_base(self, entries: list[dict], base: int, slices: set) -> None:
        head = len(entries)
        if base > head or base < 0:
            raise self._conflict(head, base)
        for entry in entries[base:]:
            if entry["kind"] == "rollback" or entry_slices(entry) & slices:
                raise self._conflict(head, base)

    @staticmethod
    def _conflict(head: int, base: int) -> StoreConflict:
        return StoreConflict(f"数据已被他人更新（当前版本 v{head}，您核对时为 v{base}），请重新核对预览后再提交",
                             f"the store moved from v{base} to v{head} with overlapping data; preview again")

    @contextmanager
    def _locked(self, timeout: float):
        if not self.folder.is_dir():
            raise DataError(f"数据目录 {self.folder} 不存在", f"data folder {self.folder} does not exist")
        (self.dir / ORIGINALS).mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(self.dir / ".lock", timeout=timeout)
        try:
            lock.acquire()
        except filelock.Timeout as exc:
            raise StoreBusy("另一位用户正在提交数据，请稍后重试", "another commit holds the store lock") from exc
        try:
            _step("locked")
            yield
        finally:
            lock.release()

    def _sweep(self, entries: list[dict]) -> None:
        """Remove what killed commits left: archived originals no entry names, temporary files, and data files
        no snapshot names (DuckLake's orphan clean-up). Only called under the lock, so no local commit owns them.
        On a shared path (PostgreSQL catalog) a commit on another machine may own them until it lands: only what
        is older than SWEEP_AGE goes."""
        named = {e["original"] for e in entries if e.get("original")}
        (self.dir / ORIGINALS).mkdir(parents=True, exist_ok=True)
        cutoff = time.time() - SWEEP_AGE if self.pg else None
        for path in (self.dir / ORIGINALS).iterdir():
            if f"{ORIGINALS}/{path.name}" not in named:
                try:
                    if cutoff is None or path.stat().st_mtime < cutoff:
                        path.unlink(missing_ok=True)
                except FileNotFoundError:
                    pass
        if (self.dir / DATA).is_dir():
            which = "cleanup_all => true" if cutoff is None else f"older_than => now() - INTERVAL {SWEEP_AGE} SECOND"
            # House-keeping never stops a commit: on a shared path another machine may be sweeping the same files
            # at this moment (one deletes, the other's listing then names a file that is gone); what stays is
            # swept by the next commit.
            try:
                with self._cursor() as (cur, alias):
                    _retry(lambda: cur.execute(f"CALL ducklake_delete_orphaned_files({_lit(alias)}, {which})"))
            except duckdb.IOException as exc:
                LOG.warning("orphan sweep skipped: %s", exc)

    # ------------------------------------------------------------------ the folder engine's store, once

    def _import_folder_store(self) -> None:
        """Import a store the folder engine wrote (manifest.json and versions/*.parquet): every entry, with its id,
        as its own transaction in order (an import cut short resumes after the last one that landed), rollbacks
        copying the rows they brought back like any rollback; then the current rows are compared with what the
        folder engine showed, and manifest.json is renamed to manifest.imported.json. Its files stay in place."""
        from plan_monitor.sources.store._manifest import read_manifest, rows_at

        with self._locked(60):
            manifest = self.dir / LEGACY_MANIFEST
            if not manifest.exists():  # another process imported it meanwhile
                return
            legacy = read_manifest(self.folder)
            self._ensure_catalog(legacy=True)
            entries, checks = self._read()
            if [e["id"] for e in entries] != [e["id"] for e in legacy[: len(entries)]]:
                raise DataError(f"数据版本库 {self.catalog_name} 与旧版本记录 {manifest} 不一致，无法导入，请联系管理员",
                                "the catalog and the legacy manifest disagree")
            base_tables = load_base(self.folder)
            for old in legacy[len(entries):]:
                entry = {k: v for k, v in old.items() if k != "parquet"}
                entry.setdefault("original", None)
                if old["kind"] == "upload":
                    schema = empty_table(TEMPLATES[old["template"]]).schema
                    path = self.dir / old["parquet"]
                    try:
                        rows = pq.read_table(path)
                    except (OSError, pa.ArrowInvalid) as exc:
                        raise DataError(f"导入旧数据版本时，版本 {old['id']} 的文件 {path.name} 缺失或损坏，请联系管理员",
                                        f"legacy version file {path} is unreadable") from exc
                    tables = {old["table"]: conform(rows, schema, f"旧数据版本 {old['id']}")}
                else:
                    then = physical(entries, old["rollback_to"])
                    tables = {}
                    for template in TEMPLATES.values():
                        _, owned = self._owned_rows(checks, then, template.table,
                                                    base_tables[template.table].schema, entry_slices(old))
                        if owned and sum(map(len, owned)):
                            tables[template.table] = pa.concat_tables(owned)
                try:
                    self._transact(entry, tables)
                except _Moved:  # another machine committed to this catalog meanwhile: the import cannot go on
                    raise DataError(f"导入旧数据版本时数据版本库 {self.catalog_name} 被其他进程写入，已停止；请在没有其他用户"
                                    "提交时重新打开", "another writer committed during the import") from None
                entries, checks = self._read()
            for table in base_tables:  # the figures, before and after
                was = rows_at(self.folder, base_tables, legacy, replay(legacy), table)
                now = self._rows_at(base_tables, checks, physical(entries), table)
                if sorted(map(repr, was.to_pylist())) != sorted(map(repr, now.to_pylist())):
                    raise DataError(f"导入旧数据版本后 {table} 的数据与导入前不一致，已停止，请联系管理员",
                                    f"imported rows of {table} differ from the folder store's")
            os.replace(manifest, self.dir / IMPORTED_MANIFEST)
            _fsync_dir(self.dir)
