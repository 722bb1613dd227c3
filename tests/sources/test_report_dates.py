"""The report-date rule, written once per language: a blank 统计截至 reads as its year's 12-31 in Arrow
(report_dates), pandas (report_timestamps) and SQL (the macro report_date in queries/engine/macros.sql)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from inline_rosters import make_rosters
from plan_monitor.engine import Engine
from plan_monitor.paths import QUERIES_DIR
from plan_monitor.sources.report_dates import report_dates, report_timestamps, year_end
from plan_monitor.sources.tables import cut_off
from plan_monitor.spec.catalog import VIEWS
from plan_monitor.spec.templates import TEMPLATES

Q2 = date(2024, 6, 30)
UNITS = {"village": {"town": "一镇", "village": "村1", "unit_type": "村", "is_demo": False},
         "town": {"town": "一镇", "town_type": "镇", "is_demo": False},
         "county": {"is_demo": False}, "county_stats": {}}


def rows(key: str) -> list[dict]:
    """One unit reported twice in 2024, once dated and once blank; another unit once in 2023, blank."""
    unit = UNITS[key]
    return [{"year": 2024, "as_of": Q2, "county": "甲", **unit}, {"year": 2024, "as_of": None, "county": "甲", **unit},
            {"year": 2023, "as_of": None, "county": "乙", **unit}]


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_every_view_reads_a_blank_as_of_as_year_end_and_lets_it_win(key):
    rosters = make_rosters(**{key: rows(key)})
    view = TEMPLATES[key].table
    engine = Engine.over_rosters(rosters.tables)
    got = engine._con.sql(f"SELECT county, year, as_of FROM {view} ORDER BY year DESC").fetchall()  # noqa: SLF001
    assert got == [("甲", 2024, date(2024, 12, 31)), ("乙", 2023, date(2023, 12, 31))]
    # the SQL macro and the Arrow rule agree row by row
    raw = rosters.tables[view]
    sql = engine._con.sql(f"SELECT report_date(as_of, year) FROM raw_{view}").fetchall()  # noqa: SLF001
    assert [r[0] for r in sql] == report_dates(raw).to_pylist() == [Q2, date(2024, 12, 31), date(2023, 12, 31)]


def test_the_views_use_the_macro_and_no_copy_of_the_rule():
    for view in VIEWS:
        text = (QUERIES_DIR / "views" / f"{view}.sql").read_text(encoding="utf-8")
        assert "report_date(as_of, year)" in text and "make_date" not in text, view
    copies = [p.name for p in QUERIES_DIR.rglob("*.sql") if "12, 31" in p.read_text(encoding="utf-8")]
    assert copies == ["macros.sql"]


def test_pandas_twin_and_year_end():
    got = report_timestamps(pd.Series([pd.Timestamp(Q2), None, None]), pd.Series([2024, 2023, None]))
    assert got.tolist()[:2] == [pd.Timestamp(Q2), pd.Timestamp(2023, 12, 31)] and pd.isna(got.iloc[2])
    assert report_timestamps(pd.Series([None, "2024-06-30"]), 2024).tolist() == [pd.Timestamp(2024, 12, 31),
                                                                                  pd.Timestamp(Q2)]
    assert year_end(2024) == date(2024, 12, 31)


def test_cut_off_counts_a_blank_as_of_as_the_year_end_report():
    rosters = make_rosters(county_stats=rows("county_stats"))
    kept = lambda cutoff: sorted(map(str, cut_off(rosters, cutoff).tables["county_stats"]["year"].to_pylist()))  # noqa: E731
    assert kept(date(2023, 12, 30)) == []
    assert kept(date(2023, 12, 31)) == ["2023"]
    assert kept(Q2) == ["2023", "2024"]
    assert kept(date(2024, 12, 31)) == ["2023", "2024", "2024"]


def test_the_sidebar_lists_a_blank_as_of_as_the_year_end_round():
    from plan_monitor.metrics.monitor import reported_rounds

    rounds = reported_rounds(make_rosters(county_stats=rows("county_stats")))
    assert rounds[2024] == [date(2024, 12, 31), Q2]  # 6-30 stays selectable as the earlier round
    assert rounds[2023] == [date(2023, 12, 31)]
