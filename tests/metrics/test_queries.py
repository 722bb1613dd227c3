"""Each measure query in queries/measures/ on small inline rosters, with the exact rows expected."""

from __future__ import annotations

from datetime import date

import pytest

from inline_rosters import run_query
from plan_monitor.spec.catalog import catalog

D = date
EOY22, EOY23, EOY24 = D(2022, 12, 31), D(2023, 12, 31), D(2024, 12, 31)
Q2, Q3 = D(2024, 6, 30), D(2024, 9, 30)


def village(year, county, town, name, unit_type="村", as_of=None, **values):
    return {"year": year, "as_of": as_of, "county": county, "town": town, "village": name,
            "unit_type": unit_type, "is_demo": values.pop("is_demo", False), **values}


def town(year, county, name, town_type="镇", as_of=None, **values):
    return {"year": year, "as_of": as_of, "county": county, "town": name, "town_type": town_type,
            "is_demo": values.pop("is_demo", False), **values}


def county(year, name, as_of=None, **values):
    return {"year": year, "as_of": as_of, "county": name, "is_demo": values.pop("is_demo", False), **values}


def stats(year, name, as_of=None, **values):
    return {"year": year, "as_of": as_of, "county": name, **values}


MEASURE_QUERIES = sorted(catalog().in_folder("measures"))


def test_every_measure_query_is_covered_below():
    covered = {"income_share", "income_below", "reserve_cadres_below", "demo_villages", "demo_towns",
               "demo_counties", "shared_sites", "brand_projects", "certified_workers", "party_worker_training",
               "smart_platform", "smart_platform_missing", "secretary_reserve_ratio"}
    assert set(MEASURE_QUERIES) == covered


@pytest.mark.parametrize("query", MEASURE_QUERIES)
def test_measure_query_returns_the_six_columns_on_empty_rosters(query):
    params = {"plan_start": 2022, "baseline_year": 2021, "flow": False, "unit_type": "村", "subdistrict": False,
              "threshold_wan": 20, "include_communities": False, "min_cadres": 1, "under30": True}
    assert run_query(query, params, missing=True) == []
    assert catalog().measure(query).params <= set(params)


@pytest.mark.parametrize("query, grain", [
    ("demo_villages", "town"), ("demo_towns", "town"), ("income_share", "town"), ("income_below", "town"),
    ("reserve_cadres_below", "town"), ("smart_platform", "town"), ("smart_platform_missing", "town"),
    ("secretary_reserve_ratio", "town"), ("demo_counties", "county"), ("shared_sites", "county"),
    ("brand_projects", "county"), ("certified_workers", "county"), ("party_worker_training", "county"),
])
def test_query_grain_header(query, grain):
    assert catalog().measure(query).level == grain


# --- latest report wins ------------------------------------------------------------------------

LATEST_VILLAGES = [
    village(2024, "A", "a1", "v1", as_of=Q2, income_wan=10.0),
    village(2024, "A", "a1", "v1", as_of=Q3, income_wan=25.0),  # later report wins: meets 20
    village(2024, "A", "a1", "v2", as_of=None, income_wan=30.0),  # blank 统计截至 = 12-31, beats Q3
    village(2024, "A", "a1", "v2", as_of=Q3, income_wan=5.0),
    village(2023, "A", "a1", "v1", as_of=None, income_wan=5.0),  # another year stays separate
    village(2024, "B", "b1", "w1", as_of=Q3, income_wan=50.0),
    village(2024, "B", "b1", "w1", as_of=Q2, income_wan=1.0),  # earlier report listed last still loses
]


def test_latest_report_per_unit_and_year_wins():
    assert run_query("income_share", {"threshold_wan": 20}, village=LATEST_VILLAGES) == [
        (2023, "A", "a1", 0.0, 1.0, EOY23),
        (2024, "A", "a1", 2.0, 2.0, EOY24),  # as_of: the null date counts as Dec 31
        (2024, "B", "b1", 1.0, 1.0, Q3),
    ]


def test_latest_report_wins_for_towns_counties_and_county_stats():
    towns = [town(2024, "A", "s1", "街道", as_of=Q2, has_smart_platform=True),
             town(2024, "A", "s1", "街道", as_of=Q3, has_smart_platform=False)]
    assert run_query("smart_platform", town=towns) == [(2024, "A", "s1", 0.0, 1.0, Q3)]
    counties = [county(2024, "A", as_of=Q3, is_demo=False), county(2024, "A", as_of=Q2, is_demo=True, demo_year=2024)]
    assert run_query("demo_counties", {"plan_start": 2022, "flow": False}, county=counties) == [
        (2024, "A", None, 0.0, 1.0, Q3)]
    rows = [stats(2024, "A", as_of=Q2, shared_sites=5), stats(2024, "A", as_of=Q3, shared_sites=7),
            stats(2024, "A", as_of=None, shared_sites=None)]  # the year-end report wins, blank = missing
    assert run_query("shared_sites", missing=True, county_stats=rows) == [(2024, "A", None, None, 0.0, 1.0, EOY24)]


# --- share, threshold, blank values ------------------------------------------------------------

INCOME = [
    village(2023, "A", "a1", "v1", income_wan=20.0),  # exactly at the threshold: meets it
    village(2023, "A", "a1", "v2", income_wan=19.9),
    village(2023, "A", "a1", "v3", income_wan=None),  # blank: missing, in neither num nor den
    village(2023, "A", "a1", "c1", unit_type="社区", income_wan=99.0),  # communities: not counted by income_share
    village(2023, "A", "a2", "v4", income_wan=45.0),
    village(2023, "B", "b1", "w1", income_wan=None, as_of=Q2.replace(year=2023)),
]


def test_income_share_counts_villages_at_or_above_over_those_that_reported():
    assert run_query("income_share", {"threshold_wan": 20}, missing=True, village=INCOME) == [
        (2023, "A", "a1", 1.0, 2.0, 1.0, EOY23),
        (2023, "A", "a2", 1.0, 1.0, 0.0, EOY23),
        (2023, "B", "b1", 0.0, 0.0, 1.0, D(2023, 6, 30)),
    ]


@pytest.mark.parametrize("threshold, communities, expected", [
    (20, False, [(2023, "A", "a1", 1.0, 2.0, 1.0, EOY23), (2023, "A", "a2", 0.0, 1.0, 0.0, EOY23),
                 (2023, "B", "b1", 0.0, 0.0, 1.0, D(2023, 6, 30))]),
    (20, True, [(2023, "A", "a1", 1.0, 3.0, 1.0, EOY23), (2023, "A", "a2", 0.0, 1.0, 0.0, EOY23),
                (2023, "B", "b1", 0.0, 0.0, 1.0, D(2023, 6, 30))]),
    (50, False, [(2023, "A", "a1", 2.0, 2.0, 1.0, EOY23), (2023, "A", "a2", 1.0, 1.0, 0.0, EOY23),
                 (2023, "B", "b1", 0.0, 0.0, 1.0, D(2023, 6, 30))]),
    (0, False, [(2023, "A", "a1", 0.0, 2.0, 1.0, EOY23), (2023, "A", "a2", 0.0, 1.0, 0.0, EOY23),
                (2023, "B", "b1", 0.0, 0.0, 1.0, D(2023, 6, 30))]),
])
def test_income_below_leaves_blank_income_out_as_missing(threshold, communities, expected):
    params = {"threshold_wan": threshold, "include_communities": communities}
    assert run_query("income_below", params, missing=True, village=INCOME) == expected


RESERVES = [
    village(2024, "A", "a1", "v1", reserve_cadres=3, reserve_cadres_u30=1),
    village(2024, "A", "a1", "v2", reserve_cadres=1, reserve_cadres_u30=0),
    village(2024, "A", "a1", "v3", reserve_cadres=None, reserve_cadres_u30=None),  # blank: missing
    village(2024, "A", "a1", "v4", reserve_cadres=2, reserve_cadres_u30=2),
    village(2024, "A", "a1", "c1", unit_type="社区", reserve_cadres=0, reserve_cadres_u30=0),  # not a village
]


@pytest.mark.parametrize("under30, min_cadres, below", [
    (True, 1, 1.0),   # v2 (v3 is blank: missing)
    (True, 2, 2.0),   # v1, v2
    (False, 1, 0.0),
    (False, 2, 1.0),  # v2
    (False, 0, 0.0),
])
def test_reserve_cadres_below(under30, min_cadres, below):
    params = {"under30": under30, "min_cadres": min_cadres}
    assert run_query("reserve_cadres_below", params, missing=True, village=RESERVES) == [
        (2024, "A", "a1", below, 3.0, 1.0, EOY24)]


# --- demo units: stock vs flow ---------------------------------------------------------------

DEMO_VILLAGES = [
    # v1: named 2022, stays demo
    village(2021, "A", "a1", "v1"),
    village(2022, "A", "a1", "v1", is_demo=True, demo_year=2022),
    village(2023, "A", "a1", "v1", is_demo=True, demo_year=2022),
    # v2: blank 示范命名年度; first flagged 2023 → named 2023
    village(2021, "A", "a1", "v2"),
    village(2022, "A", "a1", "v2"),
    village(2023, "A", "a1", "v2", is_demo=True),
    # v3: named 2020, before the plan: never counted
    village(2021, "A", "a1", "v3", is_demo=True, demo_year=2020),
    village(2022, "A", "a1", "v3", is_demo=True, demo_year=2020),
    village(2023, "A", "a1", "v3", is_demo=True, demo_year=2020),
    # v4: blank year, first flagged 2021 (before the plan) → never counted
    village(2021, "A", "a1", "v4", is_demo=True),
    village(2022, "A", "a1", "v4", is_demo=True),
    village(2023, "A", "a1", "v4", is_demo=True),
    # v5: named 2022, lost the title in 2023
    village(2021, "A", "a1", "v5"),
    village(2022, "A", "a1", "v5", is_demo=True, demo_year=2022),
    village(2023, "A", "a1", "v5", is_demo=False),
    # a community named 2022: only in the 社区 count
    village(2021, "A", "a1", "c1", unit_type="社区"),
    village(2022, "A", "a1", "c1", unit_type="社区", is_demo=True),
    village(2023, "A", "a1", "c1", unit_type="社区", is_demo=True, demo_year=2022),
    # B: the 2023 Q2 report flags w1 but the year-end report does not → not demo in 2023
    village(2022, "B", "b1", "w1"),
    village(2023, "B", "b1", "w1", as_of=D(2023, 6, 30), is_demo=True, demo_year=2023),
    village(2023, "B", "b1", "w1", as_of=None, is_demo=False),
]
EOY21 = D(2021, 12, 31)


@pytest.mark.parametrize("unit_type, flow, expected", [
    ("村", False, [(2021, "A", "a1", 0.0, 5.0, EOY21), (2022, "A", "a1", 2.0, 5.0, EOY22),
                  (2022, "B", "b1", 0.0, 1.0, EOY22),
                  (2023, "A", "a1", 2.0, 5.0, EOY23), (2023, "B", "b1", 0.0, 1.0, EOY23)]),
    ("村", True, [(2021, "A", "a1", 0.0, 5.0, EOY21), (2022, "A", "a1", 2.0, 5.0, EOY22),
                 (2022, "B", "b1", 0.0, 1.0, EOY22),
                 (2023, "A", "a1", 1.0, 5.0, EOY23), (2023, "B", "b1", 0.0, 1.0, EOY23)]),
    ("社区", False, [(2021, "A", "a1", 0.0, 1.0, EOY21), (2022, "A", "a1", 1.0, 1.0, EOY22),
                   (2023, "A", "a1", 1.0, 1.0, EOY23)]),
    ("社区", True, [(2021, "A", "a1", 0.0, 1.0, EOY21), (2022, "A", "a1", 1.0, 1.0, EOY22),
                  (2023, "A", "a1", 0.0, 1.0, EOY23)]),
])
def test_demo_villages_stock_and_flow(unit_type, flow, expected):
    params = {"unit_type": unit_type, "flow": flow, "plan_start": 2022}
    assert run_query("demo_villages", params, village=DEMO_VILLAGES) == expected


def test_demo_villages_plan_start_moves_the_cut():
    # With a plan starting in 2021, v4 (first flagged 2021) counts as well.
    assert run_query("demo_villages", {"unit_type": "村", "flow": False, "plan_start": 2021},
                     village=DEMO_VILLAGES)[0] == (2021, "A", "a1", 1.0, 5.0, EOY21)


DEMO_TOWNS = [
    town(2022, "A", "t1", "镇", is_demo=True),                   # blank year: first flagged 2022
    town(2023, "A", "t1", "镇", is_demo=True),
    town(2022, "A", "t2", "乡"),
    town(2023, "A", "t2", "乡", is_demo=True, demo_year=2023),
    town(2022, "A", "s1", "街道", is_demo=True, demo_year=2022),
    town(2023, "A", "s1", "街道", is_demo=True, demo_year=2022),
    town(2022, "B", "s2", "街道"),
    town(2023, "B", "s2", "街道", is_demo=True),                 # blank year: first flagged 2023
]


@pytest.mark.parametrize("subdistrict, flow, expected", [
    (False, False, [(2022, "A", "t1", 1.0, 1.0, EOY22), (2022, "A", "t2", 0.0, 1.0, EOY22),
                    (2023, "A", "t1", 1.0, 1.0, EOY23), (2023, "A", "t2", 1.0, 1.0, EOY23)]),
    (False, True, [(2022, "A", "t1", 1.0, 1.0, EOY22), (2022, "A", "t2", 0.0, 1.0, EOY22),
                   (2023, "A", "t1", 0.0, 1.0, EOY23), (2023, "A", "t2", 1.0, 1.0, EOY23)]),
    (True, False, [(2022, "A", "s1", 1.0, 1.0, EOY22), (2022, "B", "s2", 0.0, 1.0, EOY22),
                   (2023, "A", "s1", 1.0, 1.0, EOY23), (2023, "B", "s2", 1.0, 1.0, EOY23)]),
    (True, True, [(2022, "A", "s1", 1.0, 1.0, EOY22), (2022, "B", "s2", 0.0, 1.0, EOY22),
                  (2023, "A", "s1", 0.0, 1.0, EOY23), (2023, "B", "s2", 1.0, 1.0, EOY23)]),
])
def test_demo_towns_stock_and_flow(subdistrict, flow, expected):
    params = {"subdistrict": subdistrict, "flow": flow, "plan_start": 2022}
    assert run_query("demo_towns", params, town=DEMO_TOWNS) == expected


DEMO_COUNTIES = [
    county(2021, "A"), county(2022, "A", is_demo=True, demo_year=2022), county(2023, "A", is_demo=True, demo_year=2022),
    county(2021, "B"), county(2022, "B"), county(2023, "B", is_demo=True),  # blank: first flagged 2023
    county(2021, "C", is_demo=True), county(2022, "C", is_demo=True), county(2023, "C", is_demo=True),  # named 2021
]


@pytest.mark.parametrize("flow, by_year", [
    (False, {2021: (0, 0, 0), 2022: (1, 0, 0), 2023: (1, 1, 0)}),
    (True, {2021: (0, 0, 0), 2022: (1, 0, 0), 2023: (0, 1, 0)}),
])
def test_demo_counties_stock_and_flow(flow, by_year):
    expected = sorted((y, c, None, float(n), 1.0, D(y, 12, 31))
                      for y, nums in by_year.items() for c, n in zip("ABC", nums))
    assert run_query("demo_counties", {"flow": flow, "plan_start": 2022}, county=DEMO_COUNTIES) == expected


# --- towns: smart platform, secretary reserves --------------------------------------------------

TOWNS = [
    town(2023, "A", "s1", "街道", has_smart_platform=True, is_dense_center=True, secretary_reserves=2),
    town(2023, "A", "s2", "街道", has_smart_platform=None, is_dense_center=True, secretary_reserves=None),
    town(2023, "A", "s3", "街道", has_smart_platform=False, is_dense_center=None, secretary_reserves=1),
    town(2023, "A", "t1", "镇", has_smart_platform=True, is_dense_center=True, secretary_reserves=3),
]


def test_smart_platform_counts_subdistricts_with_platform():
    assert run_query("smart_platform", town=TOWNS) == [
        (2023, "A", "s1", 1.0, 1.0, EOY23), (2023, "A", "s2", 0.0, 1.0, EOY23), (2023, "A", "s3", 0.0, 1.0, EOY23)]


def test_smart_platform_missing_counts_dense_subdistricts_without_platform():
    # s3 is not dense (blank = no), t1 is a town: neither is in the denominator.
    assert run_query("smart_platform_missing", town=TOWNS) == [
        (2023, "A", "s1", 0.0, 1.0, EOY23), (2023, "A", "s2", 1.0, 1.0, EOY23)]


def test_secretary_reserve_ratio_sums_candidates_over_the_towns_that_reported():
    assert run_query("secretary_reserve_ratio", missing=True, town=TOWNS) == [
        (2023, "A", "s1", 2.0, 1.0, 0.0, EOY23), (2023, "A", "s2", None, 0.0, 1.0, EOY23),
        (2023, "A", "s3", 1.0, 1.0, 0.0, EOY23), (2023, "A", "t1", 3.0, 1.0, 0.0, EOY23)]


# --- county statistics ----------------------------------------------------------------------

STATS = [
    stats(2021, "A", shared_sites=0, brand_projects=0, certified_workers_u50=40, party_workers=100,
          party_workers_trained=0),
    stats(2024, "A", as_of=Q2, shared_sites=9, brand_projects=4, certified_workers_u50=60, party_workers=100,
          party_workers_trained=50),
    stats(2024, "A", as_of=Q3, shared_sites=12, brand_projects=5, certified_workers_u50=70, party_workers=110,
          party_workers_trained=77),
    stats(2024, "B", as_of=Q3, shared_sites=None, brand_projects=2, certified_workers_u50=None, party_workers=None,
          party_workers_trained=None),
]


@pytest.mark.parametrize("query, a2021, a2024, b2024", [
    ("shared_sites", (0, 1), (12, 1), (None, 0, 1)),  # B's blank is missing: no num, not 0
    ("brand_projects", (0, 1), (5, 1), (2, 1, 0)),
    ("certified_workers", (40, 1), (70, 1), (None, 0, 1)),
    ("party_worker_training", (0, 100), (77, 110), (None, None, 1)),
])
def test_county_stats_queries(query, a2021, a2024, b2024):
    assert run_query(query, missing=True, county_stats=STATS) == [
        (2021, "A", None, float(a2021[0]), float(a2021[1]), 0.0, EOY21),
        (2024, "A", None, float(a2024[0]), float(a2024[1]), 0.0, Q3),
        (2024, "B", None, *b2024, Q3),
    ]


def test_engine_binds_only_the_parameters_a_query_names_and_requires_them():
    from inline_rosters import make_rosters
    from plan_monitor.engine import Engine

    engine = Engine.over_rosters(make_rosters(village=INCOME).tables)
    out = engine.run("measures/income_share", {"threshold_wan": 20, "flow": True, "unused": 1})
    assert out.num_rows == 3
    with pytest.raises(KeyError, match="threshold_wan"):
        engine.run("measures/income_share", {})


def test_engine_applies_latest_report_wins_once_per_view_on_first_use():
    """The first query reading a roster view materialises its latest rows; later queries of the same engine read
    that table (same rows), and a view no query has used is never materialised."""
    from inline_rosters import make_rosters
    from plan_monitor.engine import Engine

    engine = Engine.over_rosters(make_rosters(village=INCOME).tables)

    def tables():
        return sorted(r[0] for r in engine._con.sql("SELECT table_name FROM duckdb_tables()").fetchall())  # noqa: SLF001

    assert tables() == []
    first = engine.run("measures/income_share", {"threshold_wan": 20})
    assert tables() == ["latest_villages"]
    again = engine.run("measures/income_share", {"threshold_wan": 20})
    engine.run("measures/reserve_cadres_below", {"min_cadres": 1, "under30": False})
    assert tables() == ["latest_villages"]
    key = lambda t: sorted(t.to_pylist(), key=lambda r: (r["year"], r["county"], r["town"] or ""))  # noqa: E731
    assert key(first) == key(again) == key(Engine.over_rosters(make_rosters(village=INCOME).tables)
                                            .run("measures/income_share", {"threshold_wan": 20}))
    # an engine kept for one-town drill-downs keeps plain views: no copy of the rows
    views_only = Engine.over_rosters(make_rosters(village=INCOME).tables, latest_once=False)
    assert key(views_only.run("measures/income_share", {"threshold_wan": 20})) == key(first)
    assert views_only._con.sql("SELECT table_name FROM duckdb_tables()").fetchall() == []  # noqa: SLF001
