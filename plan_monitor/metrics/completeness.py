"""报送情况: which county has sent which roster for which year and 统计截至, who sent it, and which figures
rest on a round some counties have not sent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.engine import Engine
from plan_monitor.sources.report_dates import is_year_end, report_dates, year_end
from plan_monitor.sources.tables import Rosters, reports
from plan_monitor.spec.catalog import catalog
from plan_monitor.spec.geography import Geography
from plan_monitor.spec.plan import Plan
from plan_monitor.spec.templates import TEMPLATES

REPORT_LABELS = {"reported": "已报送", "missing": "未报送", "overdue": "逾期未报", "not_due": "未到期"}
LACKING = ("missing", "overdue")
INITIAL = "初始数据"  # base rows (版本 0), not sent through an upload
COLUMNS = ["county", "template", "roster", "year", "as_of", "due", "rows", "status", "status_label",
           "reported_at", "reported_by", "version", "file_name"]


def expected_rosters(plan: Plan) -> list[str]:
    """Template keys every county must send: as the plan lists them, else those its indicators' queries read."""
    if plan.reporting.rosters is not None:
        return list(plan.reporting.rosters)
    read = {view for ind in plan.indicators for view in catalog().get(f"measures/{ind.query}").reads}
    return [key for key, t in TEMPLATES.items() if t.table in read]


def expected_rounds(plan: Plan, year: int) -> list[date]:
    """The 统计截至 dates expected for a year. The baseline year is a year-end figure only; rounds before
    `reporting.since` are not expected, except the year-end one the targets are set on."""
    if year == plan.plan.baseline_year:
        return [year_end(year)]
    if year not in plan.years:
        return []
    since = plan.reporting.since
    days = sorted(date.fromisoformat(f"{year}-{md}") for md in plan.reporting.rounds)
    return [d for d in days if since is None or d >= since or is_year_end(d)]


def schedule(plan: Plan, geo: Geography) -> pa.Table:
    """One row per expected report: county × roster × year × 统计截至, in the order the page lists them."""
    rosters = expected_rosters(plan)
    counties = list(geo.counties["county"])
    rows = []
    for year in [plan.plan.baseline_year, *plan.years]:
        for as_of in expected_rounds(plan, year):
            for c, county in enumerate(counties):
                for r, key in enumerate(rosters):
                    rows.append((county, c, key, r, TEMPLATES[key].title, TEMPLATES[key].table, year, as_of))
    names = ["county", "county_order", "template", "roster_order", "roster", "table_name", "year", "as_of"]
    types = [pa.string(), pa.int32(), pa.string(), pa.int32(), pa.string(), pa.string(), pa.int32(), pa.date32()]
    return pa.table([pa.array([row[i] for row in rows], t) for i, t in enumerate(types)], names=names)


def reported_slices(rosters: Rosters) -> pa.Table:
    """Rows sent per table, county, year and 统计截至 (a report with none stated is the year-end one)."""
    parts = []
    for name, table in rosters.tables.items():
        table = reports(table)  # removal markers are not rows sent
        year = pc.cast(table["year"], pa.int32())
        as_of = report_dates(table)
        slim = pa.table({"county": table["county"], "year": year, "as_of": as_of})
        counted = slim.group_by(["county", "year", "as_of"]).aggregate([("county", "count")])
        parts.append(pa.table({
            "table_name": pa.array([name] * len(counted), pa.string()),
            "county": counted["county"], "year": counted["year"], "as_of": counted["as_of"],
            "n_rows": pc.cast(counted["county_count"], pa.int64()),
        }))
    return pa.concat_tables(parts) if parts else _empty_slices()


def _empty_slices() -> pa.Table:
    return pa.schema([("table_name", pa.string()), ("county", pa.string()), ("year", pa.int32()),
                      ("as_of", pa.date32()), ("n_rows", pa.int64())]).empty_table()


def owners(entries: Iterable[Mapping], state: Mapping | None) -> pa.Table:
    """Which upload (version, user, time, file) owns each slice, from the store's entries and slice owners.
    State keys name the table either by DuckDB view (villages) or by template key (village)."""
    by_id = {entry["id"]: entry for entry in entries}
    to_table = {key: t.table for key, t in TEMPLATES.items()}
    rows = []
    for (table, county, year, as_of), version in (state or {}).items():
        entry = by_id.get(version)
        if entry is None:  # version 0 or an entry no longer listed: the base data
            continue
        rows.append({
            "table_name": to_table.get(table, table), "county": county, "year": int(year),
            "as_of": as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of)),
            "version": int(version), "reported_by": entry.get("user") or "—", "reported_at": _timestamp(entry.get("at")),
            "file_name": entry.get("file_name"),
        })
    schema = pa.schema([("table_name", pa.string()), ("county", pa.string()), ("year", pa.int32()),
                        ("as_of", pa.date32()), ("version", pa.int64()), ("reported_by", pa.string()),
                        ("reported_at", pa.timestamp("s")), ("file_name", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)


def _timestamp(text) -> datetime | None:
    """An entry's ISO time as the wall-clock time it was written in (the store's own time zone)."""
    if not text:
        return None
    return datetime.fromisoformat(str(text)).replace(tzinfo=None, microsecond=0)


def reporting_status(plan: Plan, geo: Geography, rosters: Rosters, entries: Iterable[Mapping] | None = None,
                     state: Mapping | None = None, today: date | None = None) -> pd.DataFrame:
    """Every report the plan expects, one row per county × roster × year × 统计截至, with the rows sent, its
    status on `today` (reported / missing / overdue / not_due) and, where a store upload owns the slice,
    who sent it when from which file; base rows (版本 0) read 初始数据. The store's entries
    and slice owners default to the history the rosters were read with."""
    if entries is None and state is None:
        entries, state = rosters.history.entries, rosters.history.owners
    engine = Engine.over_rosters(rosters.tables)
    engine.register("reporting_schedule", schedule(plan, geo))
    engine.register("reporting_slices", reported_slices(rosters))
    engine.register("reporting_owners", owners(list(entries or ()), state))
    out = engine.run("engine/completeness", {"today": today or date.today(), "due_days": plan.reporting.due_days,
                                      "initial": INITIAL}).to_pandas()
    out["status_label"] = out["status"].map(REPORT_LABELS)
    out["version"] = out["version"].astype("Int64")
    return out[COLUMNS]


def reference_round(status: pd.DataFrame, year: int) -> date | None:
    """The round a year's figures rest on: the latest 统计截至 anyone has reported; with none, the latest
    round already past (every county then lacks it)."""
    rows = status[status["year"] == year]
    sent = rows.loc[rows["rows"] > 0, "as_of"]
    if len(sent):
        return max(sent)
    passed = rows.loc[rows["status"].isin(LACKING), "as_of"]
    return max(passed) if len(passed) else None


def missing_counties(status: pd.DataFrame, year: int, as_of: date | None = None) -> list[str]:
    """Counties lacking any roster of one round (by default the round the year's figures rest on), in
    gazetteer order."""
    as_of = as_of or reference_round(status, year)
    if as_of is None:
        return []
    rows = status[(status["year"] == year) & (status["as_of"] == as_of) & status["status"].isin(LACKING)]
    return list(dict.fromkeys(rows["county"]))
