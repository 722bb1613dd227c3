"""Chinese number and date formatting: every page, export and slide writes a figure the same way."""

from __future__ import annotations

import math

import pandas as pd


def fmt_value(value, unit: str, kind: str = "count") -> str:
    """A figure as a reader expects it: 61.4%, 255个, 2.1万人, 1:1.52."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
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
    return "—" if value is None or pd.isna(value) else f"{value * 100:.1f}%"


def fmt_date(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value.year}年{value.month}月{value.day}日"
