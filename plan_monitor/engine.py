"""The one place that opens DuckDB: one in-memory connection per computation, over named Arrow tables, running
files of the SQL catalog with bound parameters only. Scorecard, completeness, drill-downs and upload audits all
go through it.

Latest report wins once: an engine over rosters applies each roster view (queries/views/) at most once, the first
time a catalog query uses it, into a table the view then reads; every later query of the computation (the
measures, the monitoring split) aggregates from that table instead of ranking the raw rows again. A long-lived
engine that answers one town at a time (the Monitor's drill-downs) keeps plain views instead: each query ranks only
the rows of its town (DuckDB pushes the filter on the partition keys below the ranking) and no copy of the rows
stays in memory."""

from __future__ import annotations

import threading
from collections.abc import Mapping

import duckdb
import pyarrow as pa

from plan_monitor.sources.versions import REMOVED
from plan_monitor.spec.catalog import VIEWS, catalog


class Engine:
    def __init__(self, tables: Mapping[str, pa.Table] | None = None):
        """A fresh connection with the shared macros, and each named table registered under its name."""
        self._con = duckdb.connect(":memory:")
        self._lock = threading.Lock()
        self._pending: set[str] = set()  # roster views not yet materialised (latest report wins not yet applied)
        self._con.execute(catalog().get("engine/macros").text)
        for name, data in (tables or {}).items():
            self._con.register(name, data)

    @classmethod
    def over_rosters(cls, rosters: Mapping[str, pa.Table], latest_once: bool = True) -> "Engine":
        """An engine whose roster views (villages, towns, …; queries/views/) read the given current rows.
        latest_once: materialise each view on first use (a computation running many queries over all rows);
        False: plain views (an engine kept for small filtered queries)."""
        engine = cls({f"raw_{table}": _flagged(data) for table, data in rosters.items()})
        for view in VIEWS:  # identifiers from the catalog's allow-list, never from input
            engine._con.execute(f"CREATE VIEW {view} AS " + catalog().get(f"views/{view}").text)
        engine._pending = set(VIEWS) if latest_once else set()
        return engine

    def _materialise(self, views) -> None:
        """Apply latest-report-wins once for each pending view: its rows go into a table (latest_<view>) and the
        view is redefined as a plain read of that table. Call with the lock held."""
        for view in views:
            if view in self._pending:  # identifiers from the catalog's allow-list, never from input
                self._con.execute(f"CREATE TABLE latest_{view} AS SELECT * FROM {view}")
                self._con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM latest_{view}")
                self._pending.discard(view)

    def register(self, name: str, data: pa.Table) -> None:
        """Expose an Arrow table (plan targets, intermediate rows) to the next queries."""
        with self._lock:
            self._con.register(name, data)

    @staticmethod
    def _bound(query: str, params: dict | None):
        """The catalog query and the parameters it names (KeyError when one is not given)."""
        sql = catalog().get(query)
        bound = {k: v for k, v in (params or {}).items() if k in sql.params}
        missing = sql.params - set(bound)
        if missing:
            raise KeyError(f"query {query} needs parameters {sorted(missing)}")
        return sql, bound

    def run(self, query: str, params: dict | None = None) -> pa.Table:
        """Run queries/<query>.sql (e.g. measures/income_share), binding only the parameters it names."""
        sql, bound = self._bound(query, params)
        with self._lock:
            self._materialise(sql.views)
            # execute, not sql(…, params=…): the same rows, but DuckDB plans a relation with bound parameters far
            # worse (the national scorecard.sql took 5.5 s of CPU that way, 1.5 s this way; bench/README.md)
            return self._con.execute(sql.text, bound).to_arrow_table()

    def close(self) -> None:
        with self._lock:
            self._con.close()


def _flagged(table: pa.Table) -> pa.Table:
    """Rows with the removal-marker flag the views read (sources.versions.REMOVED); rows built without it
    (tests' inline rosters) are all reports."""
    if REMOVED in table.column_names:
        return table
    return table.append_column(REMOVED, pa.nulls(len(table), pa.bool_()))
