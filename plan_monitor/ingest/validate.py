"""Checks on a parsed upload: the audits in queries/checks/ (each returns the offending rows) and the 合计 check.

Every audit file declares in its header which templates it applies to and whether a hit is an error (blocks
the commit) or a warning (needs an explicit confirm). The upload is exposed to them as a few small tables:
  upload          the typed rows, template keys as columns, plus row_no (the file's row number)
  upload_cells    one row per cell an audit can name: blank in a required or quantity column (required_blank,
                  blank_cells), or outside its column's min_value/max_value (every other cell passes every cell
                  audit; 200,000 rows hold 2.2 million cells, a few of them of interest): row_no, key, is_null,
                  unreadable, num
  upload_columns  the template's columns: key, header (as in the file), required, quantity (a count or amount, not a
                  year), present (the file has the column), min_value, max_value, position
  upload_units    row_no, unit, unit_key, unit_type (村/社区 in the village roster, else null), county, year, as_of
                  (year-end when blank), is_demo
  current_units   the same for the data already stored: unit, year, as_of, is_demo
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.engine import Engine
from plan_monitor.ingest.model import Issue, Parsed
from plan_monitor.sources.report_dates import report_dates
from plan_monitor.spec.catalog import catalog
from plan_monitor.spec.plan import Plan
from plan_monitor.spec.templates import YEAR_KEYS, Template


def unit_labels(table: pa.Table, template: Template) -> pa.Array:
    """A unit as a reader names it: 沙市区 中山路街道 谭场村."""
    parts = [pc.fill_null(pc.cast(table[k], pa.string()), "") for k in template.unit_keys]
    return pc.binary_join_element_wise(*parts, " ") if len(parts) > 1 else parts[0]


def _units(table: pa.Table, template: Template, rows: pa.Array | None) -> pa.Table:
    cols = {
        "unit": unit_labels(table, template),
        "unit_key": pa.repeat(pa.scalar(template.unit_keys[-1], pa.string()), len(table)),
        "unit_type": table["unit_type"] if "unit_type" in table.column_names else pa.nulls(len(table), pa.string()),
        "county": table["county"],
        "year": table["year"],
        "as_of": report_dates(table),
        "is_demo": table["is_demo"] if "is_demo" in table.column_names else pa.nulls(len(table), pa.bool_()),
    }
    if rows is not None:
        cols = {"row_no": rows, **cols}
    return pa.table(cols)


def _bounds(template: Template) -> list[tuple[float | None, float | None]]:
    """Each column's (min_value, max_value): a quantity (a count or amount, not a year) is never negative."""
    return [(0.0 if c.is_quantity else None, None) for c in template.columns]


def _cells(table: pa.Table, template: Template, rows: pa.Array, unreadable: set[tuple[int, str]]) -> pa.Table:
    """upload_cells: the blank cells of required and quantity columns and the cells outside their column's bounds,
    in column order, then row order (a blank in an optional column that is no quantity, 示范年份 on a village that
    is not a 示范村, no audit names: 180,000 of the 200,000-row bench file's 260,000 cells were those)."""
    parts = []
    for col, (low, high) in zip(template.columns, _bounds(template)):
        values = table[col.key]
        num = pc.cast(values, pa.float64()) if col.dtype in ("int", "float") else pa.nulls(len(table), pa.float64())
        keep = pc.is_null(values) if col.required or col.is_quantity else pa.repeat(pa.scalar(False), len(table))
        if low is not None:
            keep = pc.or_(keep, pc.fill_null(pc.less(num, low), False))
        if high is not None:  # NaN is above every number in SQL, not in Arrow
            keep = pc.or_(keep, pc.fill_null(pc.or_(pc.greater(num, high), pc.is_nan(num)), False))
        at = pc.indices_nonzero(keep)
        row_no = pc.take(rows, at)
        bad_rows = pa.array([r for r, k in unreadable if k == col.key], pa.int64())
        parts.append(pa.table({"row_no": row_no, "key": pa.repeat(pa.scalar(col.key, pa.string()), len(at)),
                               "is_null": pc.take(pc.is_null(values), at), "unreadable": pc.is_in(row_no, bad_rows),
                               "num": pc.take(num, at)}))
    return pa.concat_tables(parts)


def _columns(template: Template, headers: dict[str, str]) -> pa.Table:
    cols = template.columns
    numeric = [c.is_quantity for c in cols]  # years have their own audit
    bounds = _bounds(template)
    return pa.table({
        "key": [c.key for c in cols],
        "header": [headers.get(c.key, c.header) for c in cols],
        "required": [c.required for c in cols],
        "quantity": numeric,
        "present": [c.key in headers for c in cols],
        "min_value": pa.array([low for low, _ in bounds], pa.float64()),
        "max_value": pa.array([high for _, high in bounds], pa.float64()),
        "position": list(range(len(cols))),
    })


def run_audits(parsed: Parsed, table: pa.Table, plan: Plan, current: pa.Table, today: date,
               mode: str = "merge") -> list[Issue]:
    """Every audit that applies to the template, as Issues pointing at file rows and the file's headers."""
    template = parsed.template
    rows = pa.array(parsed.row_numbers, pa.int64())
    key_of_header = {h: k for k, h in parsed.headers.items()}
    template_headers = template.header_of
    unreadable = {(i.row, key_of_header.get(i.column, i.column)) for i in parsed.issues if i.row is not None}
    engine = Engine({
        "upload": table.append_column("row_no", rows),
        "upload_cells": _cells(table, template, rows, unreadable),
        "upload_columns": _columns(template, parsed.headers),
        "upload_units": _units(table, template, rows),
        "current_units": _units(current, template, None),
    })
    try:
        params = {"first_year": plan.plan.baseline_year, "last_year": plan.years[-1], "today": today, "mode": mode}
        issues = []
        for audit in catalog().in_folder("checks").values():
            if audit.templates is not None and template.key not in audit.templates:
                continue
            found = engine.run(audit.name, params)
            for row_no, key, value, message in zip(*(column.to_pylist() for column in found.columns)):
                header = parsed.headers.get(key) or template_headers.get(key, key)
                issues.append(Issue(audit.severity, audit.stem, message, row_no, header, value))
        return issues
    finally:
        engine.close()


def check_totals(parsed: Parsed, table: pa.Table) -> list[Issue]:
    """A 合计 row is never stored, but it must agree with the rows above it, or one of them is wrong."""
    if len(parsed.totals) != 1:
        return []
    row, values = parsed.totals[0]
    issues = []
    for key, stated in values.items():
        if stated is None or key in YEAR_KEYS or key not in table.column_names:
            continue
        summed = pc.sum(table[key]).as_py() or 0
        if abs(stated - summed) > 0.005 + 1e-9 * abs(summed):
            header = parsed.headers.get(key, key)
            issues.append(Issue("warning", "total_mismatch",
                                f"合计行“{header}”为 {stated:g}，各行之和为 {summed:g}，相差 {stated - summed:+g}；"
                                "合计行不入库，请核对明细是否完整", row, header, f"{stated:g}"))
    return issues
