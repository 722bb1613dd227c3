"""Reading a data folder's store: the manifest, the slice → owner state after any entry, the rows a state shows.

A reader opens manifest.json once (it is only ever replaced by an atomic rename) and afterwards reads only the
immutable version files it names, so it sees one committed version, never a half-written one. Writing is in
store.py.

A slice is (table, county, year, as_of): one county's report of one table for one 统计截至 date; a base-file
row without 统计截至 belongs to its year's 12-31 slice. The state maps each slice some upload owns to that
upload's id; the current rows of an owned slice are exactly the owner's rows there, all other slices come from
the folder's own files (版本 0).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from plan_monitor.errors import DataError
from plan_monitor.sources.report_dates import report_dates

STORE_DIR = "store"
MANIFEST = "manifest.json"
FORMAT = 1

Slice = tuple[str, str, int, date]  # table, county, year, as_of
State = dict[Slice, int]  # slice → id of the upload that owns it


def store_dir(folder: str | Path) -> Path:
    return Path(folder) / STORE_DIR


def manifest_path(folder: str | Path) -> Path:
    return store_dir(folder) / MANIFEST


def read_manifest(folder: str | Path) -> list[dict]:
    """The manifest's entries, oldest first; none when nothing was ever committed."""
    path = manifest_path(folder)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        raise DataError(f"数据版本记录 {path} 已损坏，无法读取", f"store manifest {path} is not valid JSON") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("entries"), list):
        raise DataError(f"数据版本记录 {path} 的格式无法识别", f"store manifest {path} has an unknown format")
    return doc["entries"]


def entry_slices(entry: dict) -> set[Slice]:
    """The slices an entry sets: an upload's scope (one table); a rollback's scope names the table per slice."""
    if entry["kind"] == "upload":
        return {(entry["table"], c, int(y), date.fromisoformat(d)) for c, y, d in entry["scope"]}
    return {(t, c, int(y), date.fromisoformat(d)) for t, c, y, d in entry["scope"]}


def replay(entries: list[dict], at: int | None = None) -> State:
    """The state after entry `at` (default: the last; 0: the folder's own files only)."""
    at = len(entries) if at is None else at
    if not 0 <= at <= len(entries):
        raise DataError(f"版本 {at} 不存在（最新版本为 {len(entries)}）", f"version {at} does not exist")
    states: list[State] = [{}]
    for entry in entries[:at]:
        if entry["kind"] == "upload":
            state = dict(states[-1])
            state.update(dict.fromkeys(entry_slices(entry), entry["id"]))
        else:
            state = dict(states[entry["rollback_to"]])
        states.append(state)
    return states[at]


def slice_keys(table: pa.Table) -> pa.Array:
    """One string per row naming its slice within a table (county|year|as_of, blank as_of read as 12-31)."""
    year = pc.cast(table["year"], pa.string())
    as_of = pc.cast(report_dates(table), pa.string())
    return pc.binary_join_element_wise(pc.fill_null(table["county"], ""), year, as_of, "|")


def slice_key(county: str, year: int, as_of: date) -> str:
    return f"{county}|{year}|{as_of.isoformat()}"


def in_slices(table: pa.Table, keys: set[str]) -> pa.Array:
    if not len(table) or not keys:
        return pa.array([False] * len(table), pa.bool_())
    return pc.fill_null(pc.is_in(slice_keys(table), value_set=pa.array(sorted(keys), pa.string())), False)


def rows_at(folder: str | Path, base: dict[str, pa.Table], entries: list[dict], state: State, table: str,
            slices: set[Slice] | None = None) -> pa.Table:
    """The rows a state shows for one table, limited to some slices (default: all), typed as the base table."""
    schema = base[table].schema
    wanted = None if slices is None else {slice_key(c, y, d) for t, c, y, d in slices if t == table}
    owners: dict[int, set[str]] = {}
    for (t, county, year, as_of), owner in state.items():
        key = slice_key(county, year, as_of)
        if t == table and (wanted is None or key in wanted):
            owners.setdefault(owner, set()).add(key)
    owned = set().union(*owners.values()) if owners else set()
    base_rows = base[table]
    keep = pc.invert(in_slices(base_rows, owned))
    if wanted is not None:
        keep = pc.and_(keep, in_slices(base_rows, wanted))
    parts = [base_rows.filter(keep)]
    by_id = {e["id"]: e for e in entries}
    for owner, keys in sorted(owners.items()):
        path = store_dir(folder) / by_id[owner]["parquet"]
        try:
            rows = pq.read_table(path)
        except (OSError, pa.ArrowInvalid) as exc:  # only a hand-edited store gets here: commits never tear files
            raise DataError(f"数据版本 {owner} 的文件 {path.name} 缺失或损坏，请联系管理员从备份恢复",
                            f"store file {path} of version {owner} is missing or unreadable") from exc
        parts.append(rows.filter(in_slices(rows, keys)).select(schema.names).cast(schema))
    return pa.concat_tables(parts)


def overlay(folder: str | Path, base: dict[str, pa.Table], entries: list[dict]) -> dict[str, pa.Table]:
    """Every table as the manifest's last entry left it."""
    state = replay(entries)
    return {table: rows_at(folder, base, entries, state, table) for table in base}
