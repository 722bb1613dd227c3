"""Version 0 of a folder store: the data folder's own roster files (the templates analysts fill in), read into
typed Arrow tables, and the stamp that changes when any of them does."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from plan_monitor.errors import DataError
from plan_monitor.sources.tables import ARROW_TYPES, REMOVED, empty_table, to_template, with_removed
from plan_monitor.spec.templates import NO, TEMPLATES, YES, Template, detect_template

DEMO_MARK = "DEMO"  # a file of this name in a data folder marks its contents as 示例数据


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


def data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".csv", ".parquet"))


def is_demo(folder: Path) -> bool:
    return (folder / DEMO_MARK).exists()


def base_digest(folder: Path) -> "hashlib._Hash":
    """A digest of the base files' names, sizes and modification times (file stats only, no reads)."""
    digest = hashlib.sha256()
    for path in data_files(folder):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest


def load_base(folder: Path, files: list[Path] | None = None) -> dict[str, pa.Table]:
    """The folder's own roster files (版本 0, 初始数据), concatenated per table; tables with no file are empty."""
    parts: dict[str, list[pa.Table]] = {t.table: [] for t in TEMPLATES.values()}
    for path in data_files(folder) if files is None else files:
        if path.suffix.lower() == ".csv":
            template, table = read_roster_csv(path)
        else:
            raw = pq.read_table(path)
            template = detect_template(raw.column_names) or _template_by_keys(raw.column_names)
            if template is None:
                raise DataError(f"{path.name}：列名与任何报表模板都不匹配", f"{path.name}: columns match no template")
            table = to_template(template, raw, by_header=template.columns[0].header in raw.column_names)
        parts[template.table].append(with_removed(table))
    tables = {}
    for template in TEMPLATES.values():
        chunks = parts[template.table]
        tables[template.table] = pa.concat_tables(chunks) if chunks else empty_table(template)
    return tables


def _template_by_keys(names: list[str]) -> Template | None:
    present = set(names) - {REMOVED}  # a roster table written out as it is read carries the flag
    return next((t for t in TEMPLATES.values() if {c.key for c in t.columns if c.required} <= present
                 and set(t.unit_keys) <= present and present <= {c.key for c in t.columns}), None)
