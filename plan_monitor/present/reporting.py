"""报送情况 as the page shows it: the header's incomplete-round note, the plan's reporting rule in words, the
county × round matrix, the lists of missing and sent reports and the latest uploads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from plan_monitor.metrics.completeness import INITIAL, LACKING, expected_rosters, missing_counties, reference_round
from plan_monitor.metrics.rounds import Round
from plan_monitor.metrics.scorecard import Scorecard
from plan_monitor.present.format import fmt_date, fmt_month_day, fmt_time
from plan_monitor.present.history import ENTRY_COLUMNS, entry_parts
from plan_monitor.sources.report_dates import YEAR_END
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
    return f"{len(counties)} 个县未报送 {fmt_date(as_of)} 一轮数据（{names}）"


def round_note(card: Scorecard, year: int, short: bool = False) -> str | None:
    """One line on the round a year's figures are computed as of, for the header, the slides, the PPTX, the
    情况通报 and the exports; None when every county sent it in full and nothing newer has arrived. A round some
    counties have not sent: "1/9 县已报送 2024年12月31日 一轮数据，沙市区、…等未报送，沿用本年此前数据（标“沿用”）";
    a newer round sent in part: "2024年12月31日 一轮已有 1/9 县报送（荆州区），按各县均已报齐的 2024年9月30日 一轮统计".
    `short`: the same in a few words for a slide footer, beside the 数据截至 date: "1/9 县已报送本轮，其余沿用此前数据"."""
    r = card.round_of(year)
    if r is None:
        return None
    if short:
        newer = card.newer.get(year) or []
        if r.missing:
            return f"{r.share} 县已报送本轮，其余沿用此前数据"
        return f"{fmt_date(newer[0].as_of)} 一轮已有 {newer[0].share} 县报送" if newer else None
    if r.missing:
        rows = card.rows  # one column of the year, not a copy of all the year's rows
        carried = "carried_from" in rows and rows["carried_from"][rows["year"] == year].notna().any()
        then = "沿用本年此前数据（标“沿用”）" if carried else "暂无本轮数据"
        return f"{r.share} 县已报送 {fmt_date(r.as_of)} 一轮数据，{_names(r.missing)}未报送，{then}{_partial(r)}"
    newer = card.newer.get(year) or []
    if newer:
        latest = newer[0]
        who = (f"（{_names(latest.reported)}）" if len(latest.reported) <= len(latest.missing)
               else f"（{_names(latest.missing)}未报送）" if latest.missing else "")
        basis = "各县均已报齐的" if r.is_complete else "最近一轮"
        return (f"{fmt_date(latest.as_of)} 一轮已有 {latest.share} 县报送{who}{_partial(latest)}，"
                f"按{basis} {fmt_date(r.as_of)} 一轮统计")
    return f"{fmt_date(r.as_of)} 一轮{_partial(r)[1:]}" if _partial(r) else None


def _partial(r: Round) -> str:
    """Counties that sent some rosters of a round but not all: "，公安县未报齐"."""
    partial = [c for c in r.reported if c not in r.complete]
    return f"，{_names(partial)}未报齐" if partial else ""


def _names(counties) -> str:
    counties = list(counties)
    return "、".join(counties[:MAX_NAMES]) + ("等" if len(counties) > MAX_NAMES else "")


def requirement_text(plan: Plan) -> str:
    """The plan's reporting rule in one sentence, for the page."""
    rounds = "、".join(fmt_month_day(md) for md in sorted(plan.reporting.rounds))
    rosters = "、".join(TEMPLATES[k].title for k in expected_rosters(plan))
    since = plan.reporting.since
    later = (f"；{fmt_date(since)} 以前只报年末数据" if since and plan.reporting.rounds != [YEAR_END]
             else "")
    return (f"各县（市、区）每年报送 {rosters}，统计截至 {rounds}{later}；"
            f"统计截至后 {plan.reporting.due_days} 天内报送，逾期标为“逾期未报”。")


def matrix(status: pd.DataFrame, year: int) -> pd.DataFrame:
    """County × (统计截至 · roster) status labels for one year, counties in gazetteer order."""
    rows = status[status["year"] == year]
    columns = rows[["as_of", "template"]].drop_duplicates()
    names = {(d, k): f"{fmt_month_day(d)} · {SHORT_TITLES.get(k, TEMPLATES[k].title)}" for d, k in columns.itertuples(index=False)}
    labelled = rows.assign(column=[names[(d, k)] for d, k in zip(rows["as_of"], rows["template"])])
    out = labelled.pivot(index="county", columns="column", values="status_label")
    out = out.reindex(index=list(dict.fromkeys(rows["county"])), columns=list(names.values()))
    out.index.name = "县（市、区）"
    out.columns.name = None
    return out


def lacking(status: pd.DataFrame, year: int) -> pd.DataFrame:
    """The reports of one year still missing or overdue, with the county responsible, for display."""
    rows = status[(status["year"] == year) & status["status"].isin(LACKING)]
    return pd.DataFrame({
        "责任单位": rows["county"], "报表": rows["roster"], "统计截至": rows["as_of"].map(fmt_date),
        "报送期限": rows["due"].map(fmt_date), "状态": rows["status_label"],
    }).reset_index(drop=True)


def sent(status: pd.DataFrame, year: int) -> pd.DataFrame:
    """The reports of one year that arrived: rows, who sent them, when, store version and file, for display."""
    rows = status[(status["year"] == year) & (status["rows"] > 0)]
    return pd.DataFrame({
        "县（市、区）": rows["county"], "报表": rows["roster"], "统计截至": rows["as_of"].map(fmt_date),
        "行数": rows["rows"], "报送人": rows["reported_by"], "报送时间": rows["reported_at"].map(fmt_time),
        "版本": [INITIAL if pd.isna(v) else str(v) for v in rows["version"]],
        "文件": rows["file_name"].fillna("—"),
    }).reset_index(drop=True)


def recent_uploads(entries: Iterable[Mapping], limit: int = 10) -> pd.DataFrame:
    """The latest store entries, newest first, in entry_parts' words: version, what was done, to which counties,
    by whom, when and from which file."""
    return pd.DataFrame([entry_parts(entry) for entry in list(entries)[::-1][:limit]], columns=ENTRY_COLUMNS)
