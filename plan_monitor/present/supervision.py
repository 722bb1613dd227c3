"""督办 items in words and as Excel: open items first (overdue first), each with its county, indicator, the round
that opened it, the deadline, its colour as of a day and the figures that triggered it; closed items with their
closing note. Read-only; the page only lays these out."""

from __future__ import annotations

from datetime import date

import pandas as pd

from plan_monitor.ledger.state import item_key
from plan_monitor.metrics.supervision import colours
from plan_monitor.metrics.trajectory import STATUS_LABELS
from plan_monitor.present.format import fmt_date, fmt_expected, fmt_rate, fmt_value

COLOUR_ORDER = {"red": 0, "yellow": 1, "blue": 2, "grey": 3}
SHORT = {"red": "红色", "yellow": "黄色", "blue": "蓝色", "grey": "已销号"}


def closing_note(number, at, status: str) -> str:
    """第3轮（统计截至 2024年6月30日）恢复为正常推进，自动销号."""
    return f"第{int(number)}轮（统计截至 {fmt_date(at)}）恢复为{STATUS_LABELS[status]}，自动销号"


def with_notes(items: pd.DataFrame) -> pd.DataFrame:
    """Items with note: the closing note of a closed item, None while open."""
    notes = [None if pd.isna(at) else closing_note(no, at, st)
             for no, at, st in zip(items["closed_no"], items["closed_at"], items["closed_status"])]
    return items.assign(note=pd.Series(notes, index=items.index, dtype=object))


def ordered(items: pd.DataFrame, day: date) -> pd.DataFrame:
    """Items with their colour as of `day` and their notes, open ones first by colour (red, yellow, blue), then by
    deadline."""
    out = with_notes(items).assign(colour=colours(items, day))
    out["_o"] = out["colour"].map(COLOUR_ORDER)
    return out.sort_values(["_o", "deadline", "indicator_id", "county"], kind="stable").drop(columns="_o") \
        .reset_index(drop=True)


def _round(no, at) -> str:
    return f"第{int(no)}轮（{fmt_date(at)}）"


def trigger_words(row) -> str:
    """完成值 1个，年度目标 4个，完成率 25.0%，时序进度 100.0%（时序要求 4个）."""
    unit, kind, direction = row.unit, row.kind, row.direction
    parts = [f"完成值 {fmt_value(row.actual, unit, kind)}"]
    if not pd.isna(row.target):
        parts.append(f"年度目标 {fmt_value(row.target, unit, kind)}")
    if not pd.isna(row.completion):
        parts.append(f"完成率 {fmt_rate(row.completion)}")
    if not pd.isna(row.time_progress):
        parts.append(f"时序进度 {fmt_rate(row.time_progress)}")
    if not pd.isna(row.expected):
        parts.append(f"时序要求 {fmt_expected(row.expected, unit, kind, direction)}")
    return "，".join(parts)


def counts(items: pd.DataFrame, day: date) -> dict[str, int]:
    """How many items of each colour as of a day (grey: closed)."""
    found = colours(items, day).value_counts()
    return {c: int(found.get(c, 0)) for c in COLOUR_ORDER}


def open_items(items: pd.DataFrame, day: date) -> pd.DataFrame:
    """The open items in the order open_table lists them."""
    rows = ordered(items, day)
    return rows[rows["open"]].reset_index(drop=True)


def open_table(items: pd.DataFrame, day: date, measures: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Open items in words; with `measures` (an item's key → its 整改措施 lines, newest first) a 整改措施 column."""
    rows = open_items(items, day)
    table = pd.DataFrame({
        "颜色": rows["colour"].map(SHORT), "县（市、区）": rows["county"], "指标": rows["indicator"],
        "立项": [_round(n, a) for n, a in zip(rows["opened_no"], rows["opened_at"])],
        "时限": rows["deadline"].map(fmt_date),
        "触发数据": [trigger_words(r) for r in rows.itertuples()],
        "最新状态": [f"{STATUS_LABELS.get(s, '无法判断')}（{fmt_date(a)}）"
                 for s, a in zip(rows["latest_status"], rows["latest_round"])],
    }).reset_index(drop=True)
    if measures is not None:
        keys = [item_key(i, c, o) for i, c, o in zip(rows["indicator_id"], rows["county"], rows["opened_at"])]
        table["整改措施"] = ["\n".join(measures.get(k, [])) or "尚未填报" for k in keys]
    return table


def closed_table(items: pd.DataFrame) -> pd.DataFrame:
    rows = with_notes(items)[~items["open"]].sort_values(["closed_at", "indicator_id", "county"], kind="stable")
    return pd.DataFrame({
        "县（市、区）": rows["county"], "指标": rows["indicator"],
        "立项": [_round(n, a) for n, a in zip(rows["opened_no"], rows["opened_at"])],
        "时限": rows["deadline"].map(fmt_date),
        "触发数据": [trigger_words(r) for r in rows.itertuples()],
        "销号情况": rows["note"],
    }).reset_index(drop=True)

