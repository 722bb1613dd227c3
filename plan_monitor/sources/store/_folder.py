"""The folder engine: a data folder's own roster files are version 0, every upload is kept under
<folder>/store/, a rollback is a new version, nothing is lost.

Layout of `<data folder>/store/`:
  manifest.json                  {"format": 1, "entries": [...]}: the single source of truth
  versions/v000001.parquet       the rows of one upload (template keys as columns), never changed afterwards
  originals/v000001-<sha8>-<name>  the uploaded bytes as received
  .lock                          held while committing

Entries are replayed in order (sources.versions.replay). A commit writes its files under new names, then
renames a new manifest into place: that rename is the commit point, so a process killed at any moment leaves
the old manifest or the new one, never a mix. Files a killed commit left behind are named by no manifest
entry; the next commit removes them under the lock.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import filelock
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from plan_monitor.errors import DataError
from plan_monitor.sources.report_dates import with_report_dates
from plan_monitor.sources.store._base import base_digest, data_files, is_demo, load_base
from plan_monitor.sources.store._manifest import FORMAT, MANIFEST, manifest_path, read_manifest, rows_at, store_dir
from plan_monitor.sources.store.interface import Store, StoreBusy, StoreConflict
from plan_monitor.sources.tables import Rosters, to_template, with_removed
from plan_monitor.sources.versions import (
    CHANGE_KINDS,
    History,
    Slice,
    change_counts,
    changed_slices,
    compare_slices,
    entry_slices,
    is_marker,
    overlay,
    replay,
)
from plan_monitor.spec.templates import TEMPLATES

COLUMN_MAPS = "column_maps.json"  # saved 列对应, next to the manifest; not a version, so no stamp change
CRASH_ENV = "PLAN_MONITOR_STORE_CRASH_AT"  # tests only: exit the process right after the named commit step


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


class FolderStore(Store):
    """A data folder: its own roster files (版本 0) and the versions under <folder>/store/."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise DataError(f"数据目录 {self.folder} 不存在", f"data folder {self.folder} does not exist")
        self.location = str(folder)
        self.dir = store_dir(self.folder)

    def __repr__(self) -> str:
        return f"FolderStore({self.location!r})"

    # ------------------------------------------------------------------ reading

    def stamp(self) -> str:
        """From file stats only: the base files' names, sizes and times, and the manifest's inode (every commit
        renames a new manifest into place, so the inode changes even if size and time match)."""
        if not self.folder.is_dir():
            raise DataError(f"数据目录 {self.folder} 不存在", f"data folder {self.folder} does not exist")
        digest = base_digest(self.folder)
        manifest = manifest_path(self.folder)
        if manifest.exists():
            stat = manifest.stat()
            digest.update(f"store:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns};".encode())
        return digest.hexdigest()[:16]

    def history(self) -> History:
        return History.of(read_manifest(self.folder))

    def rosters(self) -> Rosters:
        """Every base file, concatenated per table (tables with no file are empty), with the slices uploads own
        replaced by the uploaded rows; one manifest read, so the rows and the history are the same version."""
        stamp = self.stamp()
        files = data_files(self.folder)
        tables = load_base(self.folder, files)
        entries = read_manifest(self.folder)
        history = History.of(entries)
        if entries:
            tables = {table: rows_at(self.folder, tables, entries, history.owners, table) for table in tables}
        return Rosters(tables, stamp, is_demo(self.folder), tuple(p.name for p in files), history)

    def current(self, table: str, at: int | None = None) -> pa.Table:
        entries = read_manifest(self.folder)
        return rows_at(self.folder, load_base(self.folder), entries, replay(entries, at), table)

    def diff(self, version: int) -> pd.DataFrame:
        """What a version changed against the state before it: one line per unit that is new, changed or
        removed, with its table, unit keys, year, 统计截至 and the (column, old, new) values that changed."""
        entries = read_manifest(self.folder)
        if not 1 <= version <= len(entries):
            raise DataError(f"版本 {version} 不存在", f"version {version} does not exist")
        slices = entry_slices(entries[version - 1])
        base = load_base(self.folder)
        before, after = replay(entries, version - 1), replay(entries, version)
        frames = []
        for template in TEMPLATES.values():
            if not any(s[0] == template.table for s in slices):
                continue
            compared = compare_slices(rows_at(self.folder, base, entries, before, template.table),
                                      rows_at(self.folder, base, entries, after, template.table),
                                      _rounds(slices, template.table), template.unit_keys)
            compared.insert(1, "table", template.table)
            frames.append(compared[compared["status"] != "unchanged"])
        columns = ["status", "table", "county", "town", "village", "year", "as_of", "changes"]
        if not frames:
            return pd.DataFrame(columns=columns)
        return pd.concat(frames, ignore_index=True).reindex(columns=columns)

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

    # ------------------------------------------------------------------ writing

    def save_column_map(self, *, scope: str, template_key: str, mapping: dict[str, str], header_row: int | None,
                        user: str, lock_timeout: float = 10) -> dict:
        if template_key not in TEMPLATES:
            raise DataError(f"未知的报表类型 {template_key}", f"unknown template {template_key}")
        entry = {"scope": scope, "template": template_key, "mapping": dict(mapping), "header_row": header_row,
                 "user": user, "saved_at": _now()}
        with self._locked(lock_timeout):
            maps = [m for m in self.column_maps() if (m.get("scope"), m.get("template")) != (scope, template_key)]
            text = json.dumps({"format": FORMAT, "maps": [entry, *maps]}, ensure_ascii=False, indent=1)
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
        entries = read_manifest(self.folder)
        self._check_base(entries, base, slices)
        before = rows_at(self.folder, load_base(self.folder), entries, replay(entries), template.table)
        changes = change_counts(compare_slices(before, overlay(before, rows), set(scope), template.unit_keys,
                                               detail=False))
        sha = hashlib.sha256(original).hexdigest()

        with self._locked(lock_timeout):
            entries = read_manifest(self.folder)
            self._check_base(entries, base, slices)
            self._sweep(entries)
            vid = len(entries) + 1
            parquet = f"versions/v{vid:06d}.parquet"
            kept = f"originals/v{vid:06d}-{sha[:8]}-{_safe_name(file_name)}"
            try:
                _write_atomic(self.dir / parquet, lambda fh: pq.write_table(rows, fh, compression="zstd"), "parquet")
                _write_atomic(self.dir / kept, lambda fh: fh.write(original), "original")
            except BaseException:
                # Nothing names these files yet: a failed commit leaves the store as it was, not for the next sweep.
                for path in (self.dir / parquet, self.dir / kept):
                    path.unlink(missing_ok=True)
                raise
            entry = {
                "id": vid, "kind": "upload", "user": user, "role": role, "at": _now(), "file_name": file_name,
                "sha256": sha, "size": len(original), "template": template.key, "table": template.table, "rows": len(rows),
                "scope": [[c, y, d.isoformat()] for c, y, d in scope],
                "counties": sorted({c for c, _, _ in scope}), "years": sorted({y for _, y, _ in scope}),
                "parquet": parquet, "original": kept, "changes": changes,
                "warnings_confirmed": int(warnings_confirmed), "rollback_to": None, "note": note,
                "mode": mode, "markers": int(pc.sum(is_marker(rows)).as_py() or 0),
            }
            self._write_manifest([*entries, entry])
        return entry

    def rollback(self, to: int, *, user: str, base: int, role: str | None = None, note: str = "",
                 allow: Callable[[set[Slice]], None] | None = None, lock_timeout: float = 10) -> dict:
        with self._locked(lock_timeout):
            entries = read_manifest(self.folder)
            head = len(entries)
            if head != base:  # a rollback is decided on the whole picture: anything newer invalidates it
                raise self._conflict(head, base)
            if not 0 <= to < head:
                raise DataError(f"只能回退到早于当前版本 v{head} 的版本", f"cannot roll back to {to} from {head}")
            now, then = replay(entries), replay(entries, to)
            slices = changed_slices(now, then)
            if not slices:
                raise DataError(f"版本 {to} 的数据与当前数据相同，无需回退",
                                f"version {to} shows the same data as the current version")
            if allow is not None:
                allow(set(slices))
            self._sweep(entries)
            base_tables = load_base(self.folder)
            changes = dict.fromkeys(CHANGE_KINDS, 0)
            rows = 0
            for template in TEMPLATES.values():
                if any(s[0] == template.table for s in slices):
                    after = rows_at(self.folder, base_tables, entries, then, template.table)
                    counted = change_counts(compare_slices(
                        rows_at(self.folder, base_tables, entries, now, template.table), after,
                        _rounds(slices, template.table), template.unit_keys, detail=False))
                    changes = {k: changes[k] + counted[k] for k in CHANGE_KINDS}
                    rows += len(rows_at(self.folder, base_tables, entries, then, template.table, slices))
            ordered = sorted(slices)
            entry = {
                "id": head + 1, "kind": "rollback", "user": user, "role": role, "at": _now(), "file_name": None,
                "sha256": None, "size": None, "template": None, "table": None, "rows": rows,
                "scope": [[t, c, y, d.isoformat()] for t, c, y, d in ordered],
                "counties": sorted({s[1] for s in ordered}), "years": sorted({s[2] for s in ordered}),
                "parquet": None, "original": None, "changes": changes, "warnings_confirmed": 0,
                "rollback_to": to, "note": note,
            }
            self._write_manifest([*entries, entry])
        return entry

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
        (self.dir / "versions").mkdir(parents=True, exist_ok=True)
        (self.dir / "originals").mkdir(parents=True, exist_ok=True)
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
        """Remove what killed commits left: temporary files and version files no entry names. Only called under
        the lock, so no commit in progress owns them."""
        named = {e[k] for e in entries for k in ("parquet", "original") if e.get(k)}
        for sub in ("versions", "originals"):
            for path in (self.dir / sub).iterdir():
                if f"{sub}/{path.name}" not in named:
                    path.unlink(missing_ok=True)
        for path in self.dir.glob(f".{MANIFEST}.*.tmp"):
            path.unlink(missing_ok=True)

    def _write_manifest(self, entries: list[dict]) -> None:
        text = json.dumps({"format": FORMAT, "entries": entries}, ensure_ascii=False, indent=1)
        _write_atomic(manifest_path(self.folder), lambda fh: fh.write(text.encode("utf-8")), "manifest")

