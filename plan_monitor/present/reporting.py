"""报送情况 as the page shows it: the header's incomplete-round note, the plan's reporting rule in words, the
county × round matrix, the lists of missing and sent reports and the latest uploads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd

from plan_monitor.metrics.completeness import (INITIAL, LACKING, YEAR_END, _timestamp, expected_rosters,
                                               missing_counties, reference_round)
from plan_monitor.spec.plan import Plan
from plan_monitor.spec.templates import TEMPLATES

MAX_NAMES = 6  # a note naming more counties than this ends with 等
# Column headings short enough for a county × round matrix.
SHORT_TITLES = {"village": "村（社区）表", "town": "乡镇（街道）表", "county": "示范县表", "county_stats": "县级统计表"}


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
