"""The one date formatter (present/format.py) and the places that print dates through it."""

from __future__ import annotations

import re
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from plan_monitor.outputs.export_table import as_of_note
from plan_monitor.paths import ROOT
from plan_monitor.present.format import fmt_date, fmt_iso, fmt_month_day, fmt_rate, fmt_time, fmt_value, is_missing

DAY = date(2024, 9, 30)


@pytest.mark.parametrize("value", [DAY, datetime(2024, 9, 30, 14, 5), pd.Timestamp("2024-09-30"),
                                   np.datetime64("2024-09-30"), "2024-09-30"])
def test_a_day_prints_the_same_whatever_it_came_as(value):
    assert (fmt_date(value), fmt_month_day(value), fmt_iso(value)) == ("2024年9月30日", "9月30日", "2024-09-30")


@pytest.mark.parametrize("value", [None, float("nan"), pd.NaT, pd.NA, ""])
def test_missing_prints_a_dash_or_what_the_caller_asks(value):
    assert fmt_date(value) == fmt_month_day(value) == fmt_time(value) == fmt_iso(value) == "—"
    assert fmt_iso(value, empty="") == ""


def test_times_and_plan_rounds():
    assert fmt_time(datetime(2024, 9, 30, 14, 5, 59)) == "2024-09-30 14:05"
    # a store entry's ISO time keeps the wall-clock time it was written in
    assert fmt_time("2024-07-04T08:00:00+08:00") == "2024-07-04 08:00"
    assert fmt_month_day("06-30") == "6月30日" and fmt_month_day("12-31") == "12月31日"


def test_exports_use_it():
    assert as_of_note(pd.Timestamp(DAY), False) == "数据截至 2024年9月30日"
    assert as_of_note(None, True) == "数据截至 —；示例数据，非真实统计"


def test_no_other_module_spells_out_a_chinese_date_or_a_time():
    """Days as 2024年9月30日 or 9月30日 and times as 2024-09-30 14:05 are written only in present/format.py."""
    pattern = re.compile(r"\.month\}月|\.day\}日|%H:%M")
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "plan_monitor").rglob("*.py")
                 if p.name != "format.py" and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("value", [None, float("nan"), np.float32("nan"), pd.NaT, pd.NA, np.datetime64("NaT")])
def test_one_missing_rule_for_figures_rates_and_dates(value):
    assert is_missing(value) and fmt_value(value, "个") == fmt_rate(value) == fmt_date(value) == "—"


@pytest.mark.parametrize("value", [0, 0.0, "", "文本", DAY, [1]])
def test_present_values_are_not_missing(value):
    assert not is_missing(value)
