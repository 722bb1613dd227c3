"""Chinese number and date formatting: every page, export and slide writes a figure the same way."""

from __future__ import annotations

import math

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


# ---------------------------------------------------------------- figures
# A figure in a whole unit (个, 人, 个村) is a count and prints whole; a share (unit %) prints as a percentage and a
# difference of shares in 个百分点; a ratio as 1:x. The numeric helpers (whole, expected_whole, projected_whole) are
# what the Excel exports write, so a cell and the text beside it agree.

POINTS = "个百分点"
_EPS = 1e-9


def is_count(unit: str, kind: str = "count") -> bool:
    """Counted in whole units: every figure except a share (%) and a ratio (1:x)."""
    return unit != "%" and kind != "ratio"


def _zero(x: float) -> float:
    """-0.0 (and anything that rounds to it) as 0.0: a figure never prints as -0."""
    return 0.0 if x == 0 else x


def _fixed(x: float, digits: int) -> float:
    return _zero(round(float(x), digits))


def whole(value, unit: str, kind: str = "count", how: str = "nearest"):
    """A count as a whole number: nearest (half away from zero), "up" (ceil) or "down" (floor); a share or a
    ratio unchanged. A float within 1e-9 of a whole number is that number, so 3.0000000001 is not rounded up to 4."""
    if is_missing(value) or not is_count(unit, kind):
        return value
    x = float(value)
    if how == "up":
        out = math.ceil(x - _EPS)
    elif how == "down":
        out = math.floor(x + _EPS)
    else:
        out = math.floor(abs(x) + 0.5) * (1 if x >= 0 else -1)
    return _zero(float(out))


def expected_whole(value, unit: str, kind: str, direction: str = "higher"):
    """时序要求 of a count: what must be reached by now, whole: up when more is better (1.1个 → 2个), down when less
    is better (at most 1.9个 may remain → 1个). A share or ratio unchanged."""
    return whole(value, unit, kind, "up" if direction == "higher" else "down")


def projected_whole(value, unit: str, kind: str, direction: str = "higher"):
    """计划期末可达 of a count, whole and not promising more than the trend gives: down when more is better
    (278.3个 → 278个), up when less is better."""
    return whole(value, unit, kind, "down" if direction == "higher" else "up")


def fmt_value(value, unit: str, kind: str = "count") -> str:
    """A figure as a reader expects it: 61.4%, 255个, 2.1万人, 1:1.52; a count whole (2,257人), never -0."""
    if is_missing(value):
        return "—"
    if unit == "%":
        return f"{_fixed(value * 100, 1):.1f}%"
    if kind == "ratio":
        return f"1:{_fixed(value, 2):.2f}"
    if abs(value) >= 100000:
        return f"{_fixed(value / 10000, 1):.1f}万{unit}"
    return f"{int(whole(value, unit, kind)):,}{unit}"


def fmt_expected(value, unit: str, kind: str, direction: str = "higher") -> str:
    """时序要求 as text: a count rounded toward what is required (expected_whole)."""
    return fmt_value(expected_whole(value, unit, kind, direction), unit, kind)


def fmt_projected(value, unit: str, kind: str, direction: str = "higher") -> str:
    """计划期末可达 as text: a count rounded toward what is safely reachable (projected_whole)."""
    return fmt_value(projected_whole(value, unit, kind, direction), unit, kind)


def gap_value(value, unit: str, kind: str = "count"):
    """A gap as a number in the unit fmt_gap prints: a share's gap in percentage points (0.084 → 8.4), a count's
    whole; what the Excel exports write under 差距（个百分点）."""
    if is_missing(value):
        return value
    if unit == "%":
        return _fixed(value * 100, 1)
    return whole(value, unit, kind)


def gap_unit(unit: str) -> str:
    """The unit a gap is stated in: 个百分点 for a share, else the figure's own unit."""
    return POINTS if unit == "%" else unit


def fmt_gap(value, unit: str, kind: str = "count") -> str:
    """A gap (or any difference) of a figure: a share's in 个百分点 (8.4个百分点), a count's whole (45个)."""
    if is_missing(value):
        return "—"
    if unit == "%":
        return f"{gap_value(value, unit, kind):.1f}{POINTS}"
    return fmt_value(value, unit, kind)


def fmt_need(value, unit: str) -> str:
    """What is still to be done (倒排工期: 当年还需, 每季度需), in whole units rounded up, never below 0 or -0."""
    if is_missing(value):
        return "—"
    return f"{int(whole(max(float(value), 0.0), unit, 'count', 'up')):,}{unit}"


def fmt_rate(value) -> str:
    return "—" if is_missing(value) else f"{_fixed(value * 100, 1):.1f}%"


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
