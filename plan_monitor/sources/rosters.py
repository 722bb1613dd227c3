"""Read a data folder of roster files (the templates analysts fill in) into typed Arrow tables."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from plan_monitor.errors import DataError
from plan_monitor.sources.report_dates import report_dates
from plan_monitor.sources.store_read import manifest_path, overlay, read_manifest
from plan_monitor.spec.templates import NO, TEMPLATES, YES, Template, detect_template

ARROW_TYPES = {"int": pa.int64(), "float": pa.float64(), "str": pa.string(), "bool": pa.bool_(), "date": pa.date32()}
DEMO_MARK = "DEMO"  # a file of this name in a data folder marks its contents as 示例数据


@dataclass(frozen=True)
class Rosters:
    tables: dict[str, pa.Table]  # table name → rows with English column names
    version: str  # changes whenever any file in the folder changes
    is_demo: bool
    files: tuple[str, ...]
    store_head: int = 0  # the store version the tables show; 0 = the folder's own files only


def empty_table(template: Template) -> pa.Table:
    return pa.schema([(c.key, ARROW_TYPES[c.dtype]) for c in template.columns]).empty_table()


def read_roster_csv(path: Path) -> tuple[Template, pa.Table]:
    """One UTF-8 CSV in template format → its template and typed table."""
    head = path.read_bytes()[:4096].decode("utf-8-sig", errors="replace").splitlines()
    headers = [h.strip() for h in head[0].split(",")] if head else []
    template = detect_template(headers)
    if template is None:
        raise DataError(f"{path.name}：表头与任何报表模板都不匹配（表头：{'、'.join(headers[:6])}…）",
                        f"{path.name}: headers match no roster template")
    types = {c.header: ARROW_TYPES[c.dtype] for c in template.columns if c.header in headers}
    try:
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(column_types=types, true_values=list(YES), false_values=list(NO),
                                                 strings_can_be_null=True, include_columns=list(types)),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise DataError(f"{path.name}：数据格式有误：{exc}", f"{path.name}: cannot parse: {exc}") from exc
    return template, to_template(template, table, by_header=True)


def to_template(template: Template, table: pa.Table, by_header: bool) -> pa.Table:
    """Columns renamed to their English keys, typed, and missing optional columns filled with nulls."""
    arrays = []
    for col in template.columns:
        name = col.header if by_header else col.key
        if name in table.column_names:
            arrays.append(pc.cast(table[name], ARROW_TYPES[col.dtype]))
        else:
            arrays.append(pa.nulls(len(table), ARROW_TYPES[col.dtype]))
    return pa.table(arrays, names=[c.key for c in template.columns])


def _data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".csv", ".parquet"))


def folder_version(folder: str | Path) -> str:
    """A stamp that changes whenever any data file in the folder changes or a store commit lands, read from
    file stats only."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"数据目录 {folder} 不存在", f"data folder {folder} does not exist")
    digest = hashlib.sha256()
    for path in _data_files(folder):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    manifest = manifest_path(folder)
    if manifest.exists():  # every commit renames a new file into place: the inode changes even if size and mtime match
        stat = manifest.stat()
        digest.update(f"store:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def load_rosters(folder: str | Path) -> Rosters:
    """Every roster file in a folder, concatenated per table (tables with no file are empty), with the slices
    uploads own in the folder's store replaced by the uploaded rows."""
    folder = Path(folder)
    version = folder_version(folder)
    files = _data_files(folder)
    tables = load_base(folder, files)
    entries = read_manifest(folder)
    if entries:
        tables = overlay(folder, tables, entries)
    return Rosters(tables, version, (folder / DEMO_MARK).exists(), tuple(p.name for p in files),
                   entries[-1]["id"] if entries else 0)


def load_base(folder: str | Path, files: list[Path] | None = None) -> dict[str, pa.Table]:
    """The folder's own roster files (版本 0, 初始数据), concatenated per table; tables with no file are empty."""
    folder = Path(folder)
    parts: dict[str, list[pa.Table]] = {t.table: [] for t in TEMPLATES.values()}
    for path in _data_files(folder) if files is None else files:
        if path.suffix.lower() == ".csv":
            template, table = read_roster_csv(path)
        else:
            raw = pq.read_table(path)
            template = detect_template(raw.column_names) or _template_by_keys(raw.column_names)
            if template is None:
                raise DataError(f"{path.name}：列名与任何报表模板都不匹配", f"{path.name}: columns match no template")
            table = to_template(template, raw, by_header=template.columns[0].header in raw.column_names)
        parts[template.table].append(table)
    tables = {}
    for template in TEMPLATES.values():
        chunks = parts[template.table]
        tables[template.table] = pa.concat_tables(chunks) if chunks else empty_table(template)
    return tables


def cut_off(rosters: Rosters, cutoff: date) -> Rosters:
    """Only the reports dated on or before the cut-off; an undated report counts as its year's 12-31 report."""
    tables = {name: table.filter(pc.less_equal(report_dates(table), pa.scalar(cutoff, pa.date32())))
              for name, table in rosters.tables.items()}
    return Rosters(tables, f"{rosters.version}@{cutoff.isoformat()}", rosters.is_demo, rosters.files,
                   rosters.store_head)


def _template_by_keys(names: list[str]) -> Template | None:
    present = set(names)
    return next((t for t in TEMPLATES.values() if {c.key for c in t.columns if c.required} <= present
                 and set(t.unit_keys) <= present and present <= {c.key for c in t.columns}), None)
