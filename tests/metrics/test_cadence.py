"""Cadence periods: calendar months, quarters, half years, years and dated stages between a task's start and a
date, with the boundaries exact (a period is due on its last day)."""

from __future__ import annotations

from datetime import date

from plan_monitor.ledger.cadence import cadence_periods, periods_so_far
from plan_monitor.paths import ROOT
from plan_monitor.present.tasks import due_words, timing_words
from plan_monitor.spec.plan import load_plan

COUNTY = load_plan(ROOT / "plans" / "county-action.yaml")


def spans(periods):
    return [(p.key, p.label, p.start.isoformat(), p.end.isoformat()) for p in periods]


def test_monthly_from_a_mid_plan_start_to_the_plan_end():
    periods = cadence_periods("monthly", date(2025, 9, 1), date(2026, 1, 31))
    assert spans(periods) == [
        ("2025-09", "2025年9月", "2025-09-01", "2025-09-30"), ("2025-10", "2025年10月", "2025-10-01", "2025-10-31"),
        ("2025-11", "2025年11月", "2025-11-01", "2025-11-30"), ("2025-12", "2025年12月", "2025-12-01", "2025-12-31"),
        ("2026-01", "2026年1月", "2026-01-01", "2026-01-31")]


def test_month_ends_including_february_of_a_leap_year():
    periods = cadence_periods("monthly", date(2024, 1, 15), date(2024, 3, 31))
    assert spans(periods) == [("2024-01", "2024年1月", "2024-01-15", "2024-01-31"),
                              ("2024-02", "2024年2月", "2024-02-01", "2024-02-29"),
                              ("2024-03", "2024年3月", "2024-03-01", "2024-03-31")]


def test_quarters_half_years_and_years_cut_at_the_start():
    start, end = date(2025, 9, 1), date(2026, 12, 31)
    assert spans(cadence_periods("quarterly", start, end))[:3] == [
        ("2025-Q3", "2025年第3季度", "2025-09-01", "2025-09-30"), ("2025-Q4", "2025年第4季度", "2025-10-01", "2025-12-31"),
        ("2026-Q1", "2026年第1季度", "2026-01-01", "2026-03-31")]
    assert len(cadence_periods("quarterly", start, end)) == 6
    assert spans(cadence_periods("half-yearly", start, end)) == [
        ("2025-H2", "2025年下半年", "2025-09-01", "2025-12-31"), ("2026-H1", "2026年上半年", "2026-01-01", "2026-06-30"),
        ("2026-H2", "2026年下半年", "2026-07-01", "2026-12-31")]
    assert spans(cadence_periods("yearly", start, end)) == [
        ("2025", "2025年", "2025-09-01", "2025-12-31"), ("2026", "2026年", "2026-01-01", "2026-12-31")]


def test_a_period_is_due_on_its_last_day():
    task = COUNTY.task("monthly-contact")
    on_last_day = periods_so_far(task, COUNTY, date(2025, 9, 30))
    assert [(p.key, p.is_due(date(2025, 9, 30)), p.is_current(date(2025, 9, 30))) for p in on_last_day] == [
        ("2025-09", True, False)]
    day_before = periods_so_far(task, COUNTY, date(2025, 9, 29))
    assert [(p.key, p.is_due(date(2025, 9, 29)), p.is_current(date(2025, 9, 29))) for p in day_before] == [
        ("2025-09", False, True)]
    assert periods_so_far(task, COUNTY, date(2025, 8, 31)) == []  # before the action starts
    assert [p.key for p in periods_so_far(task, COUNTY, date(2025, 10, 1))] == ["2025-09", "2025-10"]


def test_half_year_boundaries_of_the_town_reports():
    task = COUNTY.task("town-report")
    assert due_words(task, COUNTY, date(2025, 12, 30)) == "尚无到期的一期；本期：2025年下半年（2025年12月31日到期）"
    assert due_words(task, COUNTY, date(2025, 12, 31)) == "已到期 1 期：2025年下半年"
    assert due_words(task, COUNTY, date(2026, 1, 1)) == "已到期 1 期：2025年下半年；本期：2026年上半年（2026年6月30日到期）"
    assert due_words(task, COUNTY, date(2026, 7, 1)) == (
        "已到期 2 期：2025年下半年、2026年上半年；本期：2026年下半年（2026年12月31日到期）")


def test_the_stages_2025_09_to_2026_01():
    task = COUNTY.task("work-stages")
    assert timing_words(task) == ("分阶段：动员部署阶段 2025年9月1日—9月10日；行动实施阶段 2025年9月1日—12月31日；"
                                  "总结提升阶段 2026年1月1日—1月31日")
    assert [(p.label, p.start.isoformat(), p.end.isoformat()) for p in periods_so_far(task, COUNTY, date(2026, 2, 1))] == [
        ("动员部署阶段", "2025-09-01", "2025-09-10"), ("行动实施阶段", "2025-09-01", "2025-12-31"),
        ("总结提升阶段", "2026-01-01", "2026-01-31")]
    assert due_words(task, COUNTY, date(2025, 9, 10)) == "已到期 1 期：动员部署阶段；本期：行动实施阶段（2025年12月31日到期）"
    assert due_words(task, COUNTY, date(2026, 1, 31)) == "已到期 3 期：动员部署阶段、行动实施阶段、总结提升阶段"


def test_many_due_months_are_written_as_a_range_and_deadlines_in_days():
    task = COUNTY.task("monthly-contact")
    assert due_words(task, COUNTY, date(2026, 3, 15)) == (
        "已到期 6 期：2025年9月至2026年2月；本期：2026年3月（2026年3月31日到期）")
    assert timing_words(task) == "每月（自2025年9月1日起）"
    jingzhou = load_plan(ROOT / "targets.yaml")
    xunyi = jingzhou.task("xunyi-chuxin")
    assert timing_words(xunyi) == "2024年12月31日前"
    assert due_words(xunyi, jingzhou, date(2024, 12, 1)) == "距时限 30 天"
    assert due_words(xunyi, jingzhou, date(2024, 12, 31)) == "今日到期"
    assert due_words(xunyi, jingzhou, date(2025, 1, 1)) == "已到时限"
