"""Reading a store the earlier folder engine wrote (store/manifest.json and versions/*.parquet), for its one-time
import into the DuckLake (_lake.py): the manifest's entries, and the rows a slice → owner state shows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from plan_monitor.errors import DataError
from plan_monitor.sources.tables import conform
from plan_monitor.sources.versions import Slice, State, in_slices, slice_owners, wanted_keys

STORE_DIR = "store"
MANIFEST = "manifest.json"
FORMAT = 1


def store_dir(folder: Path) -> Path:
    return folder / STORE_DIR


def manifest_path(folder: Path) -> Path:
    return store_dir(folder) / MANIFEST


def read_manifest(folder: Path) -> list[dict]:
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


def rows_at(folder: Path, base: dict[str, pa.Table], entries: list[dict], state: State, table: str,
            slices: set[Slice] | None = None) -> pa.Table:
    """The rows a state shows for one table, limited to some slices (default: all), typed as the base table.
    A version file written under an older template is read under today's (tables.conform)."""
    schema = base[table].schema
    wanted = wanted_keys(table, slices)
    owners = slice_owners(state, table, slices)
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
        parts.append(conform(rows.filter(in_slices(rows, keys)), schema, f"数据版本 {owner} 的文件 {path.name}"))
    return pa.concat_tables(parts)
