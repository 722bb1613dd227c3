"""报送情况: which county has sent which roster for which year and 统计截至, who sent it, and which figures
rest on a round some counties have not sent."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .engine import Engine
from .geography import Geography
from .plan import Plan, query_text
from .rosters import Rosters, report_dates
from .templates import TEMPLATES

STATUS_LABELS = {"reported": "已报送", "missing": "未报送", "overdue": "逾期未报", "not_due": "未到期"}
STATUS_COLORS = {"reported": "#1a7f37", "missing": "#f2a900", "overdue": "#d1242f", "not_due": "#9aa0a6"}
LACKING = ("missing", "overdue")
# Column headings short enough for a county × round matrix.
SHORT_TITLES = {"village": "村（社区）表", "town": "乡镇（街道）表", "county": "示范县表", "county_stats": "县级统计表"}
YEAR_END = "12-31"
INITIAL = "初始数据"  # rows that came with the data folder, not through an upload
MAX_NAMES = 6  # a note naming more counties than this ends with 等

COLUMNS = ["county", "template", "roster", "year", "as_of", "due", "rows", "status", "status_label",
           "reported_at", "reported_by", "version", "file_name"]


def expected_rosters(plan: Plan) -> list[str]:
    """Template keys every county must send: as the plan lists them, else those its indicators' queries read."""
    if plan.reporting.rosters is not None:
        return list(plan.reporting.rosters)
    sql = " ".join(re.sub(r"--[^\n]*", "", query_text(ind.query)) for ind in plan.indicators)
    read = set(re.findall(r"\b([a-z_]+)\b", sql))
    return [key for key, t in TEMPLATES.items() if t.table in read]


def expected_rounds(plan: Plan, year: int) -> list[date]:
    """The 统计截至 dates expected for a year. The baseline year is a year-end figure only; rounds before
    `reporting.since` are not expected, except the year-end one the targets are set on."""
    if year == plan.plan.baseline_year:
        return [date(year, 12, 31)]
    if year not in plan.years:
        return []
    since = plan.reporting.since
    days = sorted(date.fromisoformat(f"{year}-{md}") for md in plan.reporting.rounds)
    return [d for d in days if since is None or d >= since or (d.month, d.day) == (12, 31)]


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
    """Which upload (version, user, time, file) owns each slice, from the store's state and manifest.
    State keys name the table either by DuckDB view (villages) or by template key (village)."""
    by_id = {entry["id"]: entry for entry in entries}
    to_table = {key: t.table for key, t in TEMPLATES.items()}
    rows = []
    for (table, county, year, as_of), version in (state or {}).items():
        entry = by_id.get(version)
        if entry is None:  # version 0 or an entry no longer listed: the folder's own data
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
    """The manifest's ISO time as the wall-clock time it was written in (the store's own time zone)."""
    if not text:
        return None
    return datetime.fromisoformat(str(text)).replace(tzinfo=None, microsecond=0)


def reporting_status(plan: Plan, geo: Geography, rosters: Rosters, entries: Iterable[Mapping] = (),
                     state: Mapping | None = None, today: date | None = None) -> pd.DataFrame:
    """Every report the plan expects, one row per county × roster × year × 统计截至, with the rows sent, its
    status on `today` (reported / missing / overdue / not_due) and, where a store upload owns the slice,
    who sent it when from which file; rows that came with the data folder read 初始数据."""
    engine = Engine(rosters)
    engine.register("reporting_schedule", schedule(plan, geo))
    engine.register("reporting_slices", reported_slices(rosters))
    engine.register("reporting_owners", owners(list(entries), state))
    out = engine.run("completeness", {"today": today or date.today(), "due_days": plan.reporting.due_days,
                                      "initial": INITIAL}).to_pandas()
    out["status_label"] = out["status"].map(STATUS_LABELS)
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


def incomplete_note(status: pd.DataFrame, year: int) -> str | None:
    """One line for the page header when the year's figures rest on a round some counties have not sent,
    e.g. "2 个县未报送 2024年9月30日 一轮数据（公安县、江陵县）"; None when the round is complete."""
    as_of = reference_round(status, year)
    counties = missing_counties(status, year, as_of)
    if not counties:
        return None
    names = "、".join(counties[:MAX_NAMES]) + ("等" if len(counties) > MAX_NAMES else "")
    return f"{len(counties)} 个县未报送 {as_of.year}年{as_of.month}月{as_of.day}日 一轮数据（{names}）"


def requirement_text(plan: Plan) -> str:
    """The plan's reporting rule in one sentence, for the page."""
    rounds = "、".join(f"{int(md[:2])}月{int(md[3:])}日" for md in sorted(plan.reporting.rounds))
    rosters = "、".join(TEMPLATES[k].title for k in expected_rosters(plan))
    since = plan.reporting.since
    later = (f"；{since.year}年{since.month}月{since.day}日 以前只报年末数据" if since and plan.reporting.rounds != [YEAR_END]
             else "")
    return (f"各县（市、区）每年报送 {rosters}，统计截至 {rounds}{later}；"
            f"统计截至后 {plan.reporting.due_days} 天内报送，逾期标为“逾期未报”。")


def round_label(as_of: date) -> str:
    return f"{as_of.month}月{as_of.day}日"


def matrix(status: pd.DataFrame, year: int) -> pd.DataFrame:
    """County × (统计截至 · roster) status labels for one year, counties in gazetteer order."""
    rows = status[status["year"] == year]
    columns = rows[["as_of", "template"]].drop_duplicates()
    names = {(d, k): f"{round_label(d)} · {SHORT_TITLES.get(k, TEMPLATES[k].title)}" for d, k in columns.itertuples(index=False)}
    labelled = rows.assign(column=[names[(d, k)] for d, k in zip(rows["as_of"], rows["template"])])
    out = labelled.pivot(index="county", columns="column", values="status_label")
    out = out.reindex(index=list(dict.fromkeys(rows["county"])), columns=list(names.values()))
    out.index.name = "县（市、区）"
    out.columns.name = None
    return out


def _fmt_day(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value.year}年{value.month}月{value.day}日"


def _fmt_time(value) -> str:
    return "—" if value is None or pd.isna(value) else value.strftime("%Y-%m-%d %H:%M")


def lacking(status: pd.DataFrame, year: int) -> pd.DataFrame:
    """The reports of one year still missing or overdue, with the county responsible, for display."""
    rows = status[(status["year"] == year) & status["status"].isin(LACKING)]
    return pd.DataFrame({
        "责任单位": rows["county"], "报表": rows["roster"], "统计截至": rows["as_of"].map(_fmt_day),
        "报送期限": rows["due"].map(_fmt_day), "状态": rows["status_label"],
    }).reset_index(drop=True)


def sent(status: pd.DataFrame, year: int) -> pd.DataFrame:
    """The reports of one year that arrived: rows, who sent them, when, store version and file, for display."""
    rows = status[(status["year"] == year) & (status["rows"] > 0)]
    return pd.DataFrame({
        "县（市、区）": rows["county"], "报表": rows["roster"], "统计截至": rows["as_of"].map(_fmt_day),
        "行数": rows["rows"], "报送人": rows["reported_by"], "报送时间": rows["reported_at"].map(_fmt_time),
        "版本": [INITIAL if pd.isna(v) else str(v) for v in rows["version"]],
        "文件": rows["file_name"].fillna("—"),
    }).reset_index(drop=True)


def read_store(folder) -> tuple[list[dict], dict]:
    """The data folder's upload manifest and slice owners; none when the folder has no store (yet)."""
    try:
        from .store_read import read_manifest, replay
    except ImportError:  # the versioned store is optional: without it every row is 初始数据
        return [], {}
    entries = read_manifest(folder)  # read once, so entries and owners describe the same version
    return entries, replay(entries) if entries else {}


def recent_uploads(entries: Iterable[Mapping], limit: int = 10) -> pd.DataFrame:
    """The latest store entries, newest first: version, what was done, to which counties, by whom, when and
    from which file, for display."""
    rows = []
    for entry in list(entries)[::-1][:limit]:
        # an upload's scope is [county, year, as_of]; a rollback's names the table first
        at = 0 if entry.get("kind") == "upload" else 1
        counties = entry.get("counties") or list(dict.fromkeys(s[at] for s in entry.get("scope") or []))
        if entry.get("kind") == "upload":
            template = TEMPLATES.get(entry.get("template"))
            what = template.title if template else str(entry.get("table") or "—")
        else:
            what = f"回滚到版本 {entry.get('rollback_to', '—')}"
        rows.append({"版本": str(entry.get("id")), "操作": "上传" if entry.get("kind") == "upload" else "回滚",
                     "内容": what, "县（市、区）": "、".join(counties) or "—", "操作人": entry.get("user") or "—",
                     "时间": _fmt_time(_timestamp(entry.get("at"))), "文件": entry.get("file_name") or "—"})
    return pd.DataFrame(rows, columns=["版本", "操作", "内容", "县（市、区）", "操作人", "时间", "文件"])
