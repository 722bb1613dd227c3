"""The rows every reader gets from the store, whatever engine keeps them: typed Arrow tables in the roster
templates' English columns, with the version history they were read at."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.errors import DataError
from plan_monitor.sources.report_dates import report_dates
from plan_monitor.sources.versions import REMOVED, History, is_marker
from plan_monitor.spec.templates import Template

ARROW_TYPES = {"int": pa.int64(), "float": pa.float64(), "str": pa.string(), "bool": pa.bool_(), "date": pa.date32()}


@dataclass(frozen=True)
class Rosters:
    tables: dict[str, pa.Table]  # table name → rows with English column names
    version: str  # the store's stamp when read: changes whenever the data changes
    is_demo: bool
    files: tuple[str, ...]  # the base files (版本 0) the rows came from
    history: History = field(default_factory=History)  # the store's versions, from the same read as the rows

    @property
    def store_head(self) -> int:
        """The store version the tables show; 0 = the base files only."""
        return self.history.head


def empty_table(template: Template) -> pa.Table:
    """No rows, in the stored shape: the template's columns and the removal flag."""
    return pa.schema([*((c.key, ARROW_TYPES[c.dtype]) for c in template.columns), (REMOVED, pa.bool_())]).empty_table()


def with_removed(table: pa.Table, flags: pa.Array | None = None) -> pa.Table:
    """The rows with the removal flag: true where `flags` is true, null elsewhere (every row a report when
    `flags` is None)."""
    flags = pa.nulls(len(table), pa.bool_()) if flags is None else pc.if_else(
        pc.fill_null(flags, False), pa.scalar(True), pa.scalar(None, pa.bool_()))
    if REMOVED in table.column_names:
        return table.set_column(table.column_names.index(REMOVED), REMOVED, flags)
    return table.append_column(REMOVED, flags)


def reports(table: pa.Table) -> pa.Table:
    """The reports alone, removal markers left out: for readers that count or audit what was sent."""
    return table.filter(pc.invert(is_marker(table))) if REMOVED in table.column_names else table


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


def conform(table: pa.Table, schema: pa.Schema, what: str) -> pa.Table:
    """Rows written under an older template, read under today's: a column the template has gained is null, a
    column it has dropped is left out, a column whose type changed is cast (an impossible cast is a DataError
    naming `what`)."""
    arrays = []
    for name, typ in zip(schema.names, schema.types):
        if name not in table.column_names:
            arrays.append(pa.nulls(len(table), typ))
            continue
        try:
            arrays.append(pc.cast(table[name], typ))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            raise DataError(f"{what} 的“{name}”列无法按当前报表模板读取（{exc}），请联系管理员",
                            f"{what}: column {name} cannot be read as {typ}: {exc}") from exc
    return pa.table(arrays, schema=schema)


def cut_off(rosters: Rosters, cutoff: date) -> Rosters:
    """Only the reports dated on or before the cut-off; an undated report counts as its year's 12-31 report."""
    tables = {}
    for name, table in rosters.tables.items():
        keep = pc.fill_null(pc.less_equal(report_dates(table), pa.scalar(cutoff, pa.date32())), False)
        tables[name] = table if pc.all(keep).as_py() is not False else table.filter(keep)  # no copy when all kept
    return Rosters(tables, f"{rosters.version}@{cutoff.isoformat()}", rosters.is_demo, rosters.files,
                   rosters.history)


def cut_off_rounds(rosters: Rosters, rounds: dict[int, date]) -> Rosters:
    """Each year's reports dated on or before that year's round (a year without a round keeps every report):
    every unit then contributes its latest report as of the round, and nothing crosses into another year."""
    if not rounds:
        return rosters
    tables = {}
    for name, table in rosters.tables.items():
        years = pc.cast(table["year"], pa.int64())
        limit = pc.coalesce(*[pc.if_else(pc.equal(years, year), pa.scalar(day, pa.date32()), pa.scalar(None, pa.date32()))
                              for year, day in rounds.items()], pa.scalar(date.max, pa.date32()))
        keep = pc.fill_null(pc.less_equal(report_dates(table), limit), True)
        tables[name] = table if pc.all(keep).as_py() is not False else table.filter(keep)  # no copy when all kept
    stamp = ",".join(f"{y}:{d.isoformat()}" for y, d in sorted(rounds.items()))
    return Rosters(tables, f"{rosters.version}@{stamp}", rosters.is_demo, rosters.files, rosters.history)
