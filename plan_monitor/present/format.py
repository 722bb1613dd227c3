"""Chinese number and date formatting: every page, export and slide writes a figure the same way."""

from __future__ import annotations

import pandas as pd


def is_missing(value) -> bool:
    """Nothing to show: None, NaN, NaT or pandas' NA (a figure or label printed as —)."""
    return value is None or (pd.api.types.is_scalar(value) and not isinstance(value, str) and bool(pd.isna(value)))


# The labels a figure's 说明 joins, each computed once in metrics.scorecard (every page, export and slide reads them).
# target_remark: why a row has no target, or that its county target is a 测算分解 or an issued 任务分解.
NOTE_COLUMNS = ("target_remark", "missing_note")


def fmt_notes(rows: pd.DataFrame) -> pd.Series:
    """Each row's 说明: its note labels (计划未分解到本级, 不含 1 个县（未填报）…) joined by ；, None where none applies."""
    present = [rows[c] for c in NOTE_COLUMNS if c in rows]
    joined = ["；".join(v for v in values if isinstance(v, str) and v) for values in zip(*present)] if present else []
    return pd.Series([j or None for j in joined] if present else [None] * len(rows), index=rows.index, dtype=object)


def fmt_value(value, unit: str, kind: str = "count") -> str:
    """A figure as a reader expects it: 61.4%, 255个, 2.1万人, 1:1.52."""
    if is_missing(value):
        return "—"
    if unit == "%":
        return f"{value * 100:.1f}%"
    if kind == "ratio":
        return f"1:{value:.2f}"
    if abs(value) >= 100000:
        return f"{value / 10000:.1f}万{unit}"
    if float(value).is_integer():
        return f"{int(value):,}{unit}"
    return f"{value:,.1f}{unit}"


def fmt_rate(value) -> str:
    return "—" if is_missing(value) else f"{value * 100:.1f}%"


# ---------------------------------------------------------------- dates and times
# Each takes a date, datetime, pandas Timestamp or ISO text (a store entry's time keeps the wall-clock time it was
# written in); None, NaN, NaT and "" print as `empty`.


def _moment(value) -> pd.Timestamp | None:
    if is_missing(value) or (isinstance(value, str) and not value.strip()):
        return None
    return pd.Timestamp(value)


def fmt_date(value, empty: str = "—") -> str:
    """A day as a reader writes it: 2024年9月30日."""
    when = _moment(value)
    return empty if when is None else f"{when.year}年{when.month}月{when.day}日"


def fmt_month_day(value, empty: str = "—") -> str:
    """A day without its year, for rounds within one year: 9月30日; also a plan's month-day text such as "09-30"."""
    if isinstance(value, str) and len(value.strip()) == 5:
        month, day = value.strip().split("-")
        return f"{int(month)}月{int(day)}日"
    when = _moment(value)
    return empty if when is None else f"{when.month}月{when.day}日"


def fmt_time(value, empty: str = "—") -> str:
    """A moment to the minute: 2024-09-30 14:05."""
    when = _moment(value)
    return empty if when is None else when.strftime("%Y-%m-%d %H:%M")


def fmt_iso(value, empty: str = "—") -> str:
    """A day in ISO form, for tables that sort and filter by date: 2024-09-30."""
    when = _moment(value)
    return empty if when is None else when.strftime("%Y-%m-%d")


def fmt_carried(value, empty: str = "") -> str:
    """The 沿用 mark of a figure carried from an older report of the year: 沿用 9月30日 数据."""
    when = _moment(value)
    return empty if when is None else f"沿用 {when.month}月{when.day}日 数据"
