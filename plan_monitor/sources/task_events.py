"""The task ledger's events as the store keeps them: one row per step anyone took on a task (a progress report, a
销号 request, an approval, a return, a county's 整改措施 on a 督办 item), never updated or deleted.

A data folder's own `ledger/*.csv` files (UTF-8, these column names) are the ledger's batch 0, like its roster
files are version 0 of the rows; every later batch is one transaction in the store (sources.store._ledger)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from plan_monitor.errors import DataError

EVENT_SCHEMA = pa.schema([
    ("event", pa.int64()), ("batch", pa.int64()), ("plan", pa.string()), ("kind", pa.string()),
    ("task_id", pa.string()), ("reporter", pa.string()), ("period", pa.string()), ("status", pa.string()),
    ("progress", pa.string()), ("evidence", pa.string()), ("reason", pa.string()), ("item", pa.string()),
    ("user", pa.string()), ("role", pa.string()), ("at", pa.string()),
])
EVENT_FIELDS = [f.name for f in EVENT_SCHEMA]
LEDGER_DIR = "ledger"


def conform_events(table: pa.Table) -> pa.Table:
    """The event columns in order and type; a missing text column is empty, a missing number null."""
    columns = []
    for field in EVENT_SCHEMA:
        if field.name in table.column_names:
            columns.append(table[field.name].cast(field.type))
        else:
            columns.append(pa.nulls(len(table), field.type))
    return pa.table(columns, schema=EVENT_SCHEMA)


def base_events(folder: Path) -> pa.Table:
    """The folder's own ledger files (batch 0), oldest first; an empty table when there are none."""
    files = sorted((folder / LEDGER_DIR).glob("*.csv")) if (folder / LEDGER_DIR).is_dir() else []
    parts = []
    for path in files:
        try:
            raw = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
                column_types={f.name: f.type for f in EVENT_SCHEMA}, strings_can_be_null=False))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise DataError(f"任务台账文件 {path.name} 无法读取：{exc}", f"ledger file {path.name}: {exc}") from exc
        parts.append(conform_events(raw))
    if not parts:
        return EVENT_SCHEMA.empty_table()
    return pa.concat_tables(parts).sort_by("event")
