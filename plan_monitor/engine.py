"""The one place that opens DuckDB, registers the rosters and runs named queries with bound parameters."""

from __future__ import annotations

import threading

import duckdb
import pyarrow as pa

from .plan import query_params, query_text
from .rosters import Rosters
from .templates import TEMPLATES

_VIEWS = tuple(t.table for t in TEMPLATES.values())  # the allow-list of view names


class Engine:
    def __init__(self, rosters: Rosters):
        self._con = duckdb.connect(":memory:")
        self._lock = threading.Lock()
        for table, data in rosters.tables.items():
            self._con.register(f"raw_{table}", data)
        self._con.execute(query_text("macros"))
        for view in _VIEWS:
            self._con.execute(f"CREATE VIEW {view} AS " + query_text(f"views/{view}"))

    def register(self, name: str, data: pa.Table) -> None:
        """Expose an Arrow table (plan targets, intermediate rows) to the next queries."""
        with self._lock:
            self._con.register(name, data)

    def run(self, query: str, params: dict | None = None) -> pa.Table:
        """Run queries/<query>.sql, binding only the parameters it names."""
        sql = query_text(query)
        wanted = query_params(query)
        bound = {k: v for k, v in (params or {}).items() if k in wanted}
        missing = wanted - set(bound)
        if missing:
            raise KeyError(f"query {query} needs parameters {sorted(missing)}")
        with self._lock:
            return self._con.sql(sql, params=bound).to_arrow_table()
