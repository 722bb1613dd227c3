"""Rosters built inline from small row lists, for measure-query tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa

from plan_monitor.engine import Engine
from plan_monitor.sources.tables import Rosters, empty_table
from plan_monitor.spec.templates import TEMPLATES

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
PLANS = DATA / "plans"


def roster_table(template_key: str, rows: list[dict]) -> pa.Table:
    """A typed table in a roster template's English columns; keys left out of a row are null."""
    template = TEMPLATES[template_key]
    schema = empty_table(template).schema
    unknown = {k for r in rows for k in r} - set(schema.names)
    assert not unknown, f"not in template {template_key}: {unknown}"
    full = [{name: r.get(name) for name in schema.names} for r in rows]
    return pa.Table.from_pylist(full, schema=schema)


def make_rosters(village=(), town=(), county=(), county_stats=()) -> Rosters:
    given = {"village": village, "town": town, "county": county, "county_stats": county_stats}
    tables = {}
    for key, rows in given.items():
        template = TEMPLATES[key]
        tables[template.table] = roster_table(key, list(rows)) if rows else empty_table(template)
    return Rosters(tables=tables, version="t", is_demo=False, files=())


def run_query(query: str, params: dict | None = None, missing: bool = False, **rosters) -> list[tuple]:
    """Run a measure query on inline rosters; rows as sorted tuples (year, county, town, num, den, as_of), with
    `missing` (the units whose input was blank) before as_of when asked."""
    table = Engine.over_rosters(make_rosters(**rosters).tables).run(query if "/" in query else f"measures/{query}", params or {})
    cols = ["year", "county", "town", "num", "den", *(["missing"] if missing else []), "as_of"]
    rows = [tuple(r[c] for c in cols) for r in table.select(cols).to_pylist()]
    return sorted(rows, key=lambda r: tuple((x is None, x) for x in r))


D = date
