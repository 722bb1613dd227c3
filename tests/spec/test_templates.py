"""Which template columns are years and what names a report: one definition in spec/templates.py."""

from __future__ import annotations

from plan_monitor.spec.templates import REPORT_KEYS, TEMPLATES, YEAR_KEYS


def test_year_columns_are_years_not_quantities():
    columns = [c for t in TEMPLATES.values() for c in t.columns]
    assert {c.key for c in columns if c.is_year} == set(YEAR_KEYS) == {"year", "demo_year"}
    assert all(c.dtype == "int" and not c.is_quantity for c in columns if c.is_year)
    assert {c.key for c in columns if c.is_quantity} >= {"income_wan", "reserve_cadres", "shared_sites"}


def test_report_keys():
    assert REPORT_KEYS == ("year", "as_of")
    assert TEMPLATES["village"].report_keys == ("county", "town", "village", "year", "as_of")
    assert TEMPLATES["county_stats"].report_keys == ("county", "year", "as_of")
