"""The scorecard's computation paths of issue 17 (bench/README.md, "issue 17, computing a new version's
figures", sessions 2 and 3), pinned to what they replaced: the order and place numbers computed on integer columns
(`_order`) to the ORDER BY classify.sql ran; the roll-up that takes a town's measure row as it is to the grouping
sets that summed it again; split_units' count(*) to the DISTINCT count of (town, village); the card's rows on whole
columns (metrics/card_rows.py) to the statement they replaced (scorecard_before.sql, the last
queries/engine/scorecard.sql, ordered by `_order`). On the demo city's rows (with and without rounds) and a
province's plan with prefectures, exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from inline_rosters import DATA, make_rosters

from plan_monitor.engine import Engine
from plan_monitor.metrics.card_rows import _lexicographic, _text_ranks, card_rows, check_grain
from plan_monitor.metrics.scorecard import card_inputs, measure_rows
from plan_monitor.spec.catalog import catalog
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.plan import load_plan

# The statement card_rows replaced (queries/engine/scorecard.sql before issue 17's third computation session).
SCORECARD_BEFORE = (Path(__file__).parent / "scorecard_before.sql").read_text(encoding="utf-8")

# rollup.sql before issue 17's computation session: one DISTINCT count over grouping sets, towns summed again
OLD_ROLLUP = """
SELECT indicator_id, year::INTEGER AS year,
    CASE WHEN grouping(county) = 1 THEN 'city' WHEN grouping(town) = 1 THEN 'county' ELSE 'town' END AS level,
    county, town, sum(num) AS num, sum(den) AS den, sum(missing) AS missing_units,
    count(DISTINCT county) FILTER (WHERE missing > 0) AS missing_counties, max(as_of) AS as_of
FROM measure_rows
GROUP BY GROUPING SETS ((indicator_id, year), (indicator_id, year, county), (indicator_id, year, county, town))
HAVING NOT (grouping(town) = 0 AND town IS NULL)
"""
KEYS = ["indicator_id", "year", "level", "county", "town"]


def _order(table: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """The scorecard's order of the statement's rows (positions to take them in) and each row's place, numbered, as
    metrics/scorecard.py ordered them before card_rows: the plan's order of indicators (position), year, level
    (level_rank), county, town; a missing county or town first, texts compared by their bytes. A place is an
    indicator × level × county × town, numbered in that order without the year."""
    position, level = (table[c].to_numpy(zero_copy_only=False).astype(np.int64) for c in ("position", "level_rank"))
    county, town = (_text_ranks(table[name]) for name in ("county", "town"))
    place = np.unique(_lexicographic([position, level, county, town]), return_inverse=True)[1].reshape(-1)
    year = table["year"].to_numpy(zero_copy_only=False).astype(np.int64)
    year = year - (year.min() if len(year) else 0)
    return np.argsort(_lexicographic([position, year, place]), kind="stable"), place


def _sorted_rows(table: pa.Table) -> list[tuple]:
    rows = [tuple(r[c] for c in table.column_names) for r in table.to_pylist()]
    return sorted(rows, key=lambda t: tuple((x is None, repr(x)) for x in t))


def _bits(table: pa.Table) -> pa.Table:
    """Float columns as their bit patterns, so -0.0 and 0.0 differ and NaN equals NaN."""
    return pa.table({name: (pa.array(np.asarray(table[name].to_numpy(zero_copy_only=False), float).view(np.int64),
                                     mask=table[name].is_null().to_numpy(zero_copy_only=False))
                            if pa.types.is_floating(table[name].type) else table[name])
                     for name in table.column_names})


@pytest.fixture(scope="module")
def measured(plan, demo_rosters):
    engine = Engine.over_rosters(demo_rosters.tables)
    rows = measure_rows(engine, plan)
    engine.register("measure_rows", rows)
    yield engine, rows
    engine.close()


def test_rollup_is_the_grouping_sets_it_replaced(measured):
    engine, rows = measured
    new = engine.run("engine/rollup")
    old = engine._con.execute(OLD_ROLLUP).to_arrow_table()
    assert new.schema == old.schema
    assert new.num_rows == old.num_rows > 1000
    assert _sorted_rows(_bits(new)) == _sorted_rows(_bits(old))
    levels = set(new["level"].to_pylist())
    assert levels == {"city", "county", "town"}


def test_rollup_of_negative_zero_and_missing_values_as_a_sum_gave():
    engine = Engine()
    engine.register("measure_rows", pa.table({
        "indicator_id": ["a", "a", "a", "b"], "year": pa.array([2023] * 4, pa.int32()),
        "county": ["A", "A", None, "B"], "town": ["a1", "a2", "x", "b1"],
        "num": pa.array([-0.0, None, float("nan"), 2.0]), "den": pa.array([1.0, None, 1.0, -0.0]),
        "missing": pa.array([0.0, 1.0, None, float("nan")]), "as_of": pa.array([None] * 4, pa.date32()),
    }))
    new = engine.run("engine/rollup")
    old = engine._con.execute(OLD_ROLLUP).to_arrow_table()
    assert _sorted_rows(_bits(new)) == _sorted_rows(_bits(old))
    towns = {(r["county"], r["town"]): r for r in new.to_pylist() if r["level"] == "town"}
    assert np.copysign(1.0, towns[("A", "a1")]["num"]) == 1.0  # -0.0 summed alone is 0.0
    assert [towns[k]["missing_counties"] for k in [("A", "a1"), ("A", "a2"), (None, "x"), ("B", "b1")]] == [0, 1, 0, 1]
    engine.close()


def _check(queries, rows):
    """check_grain on (indicator position, year, county, town) rows, the texts ranked as card_rows ranks them."""
    position, year, county, town = (np.array(c) for c in zip(*rows))
    check_grain(queries, position.astype(np.int64), np.array([t is not None for t in town]), year.astype(np.int64),
                _text_ranks(pa.array(list(county), pa.string())), _text_ranks(pa.array(list(town), pa.string())))


def test_a_measure_with_two_rows_for_one_town_is_refused():
    rows = [(1, 2023, "A", "a1"), (1, 2023, "A", "a2"), (1, 2023, "A", "a1")]
    with pytest.raises(ValueError, match="income_share"):
        _check(["shared_sites", "income_share"], rows)
    _check(["shared_sites", "income_share"], rows[:2])
    _check(["shared_sites", "income_share"], [(0, 2023, "A", "a1"), (1, 2023, "A", "a1"), (1, 2024, "A", "a1"),
                                              (1, 2023, None, "a1"), (1, 2023, "B", "a1")])
    _check(["shared_sites"], [(0, 2023, "A", None), (0, 2023, "A", None)])  # no towns: a county-grain measure


def test_the_card_refuses_a_measure_with_two_rows_for_one_town(plan, demo_rosters):
    tables, rolled, measured = card_inputs(plan, demo_rosters, load_geography(plan), {})
    town = rolled.filter(pc.equal(rolled["level"], "town")).slice(0, 1)
    with pytest.raises(ValueError, match=plan.indicators[[i.id for i in plan.indicators].index(
            town["indicator_id"][0].as_py())].query):
        card_rows(tables, pa.concat_tables([rolled, town]), measured, {}, plan.plan.baseline_year, plan.years[0])


def test_split_units_counts_what_the_distinct_count_counted(demo_rosters):
    engine = Engine.over_rosters(demo_rosters.tables)
    new = engine.run("engine/split_units")
    old = engine._con.execute(
        "SELECT county, unit_type, year, count(DISTINCT (town, village))::BIGINT AS units FROM villages "
        "WHERE county IS NOT NULL AND unit_type IN ('村', '社区') GROUP BY ALL ORDER BY county, unit_type, year"
    ).to_arrow_table()
    engine.close()
    assert new.num_rows > 10 and new.equals(old)


def test_order_is_the_order_by_it_replaced(plan, demo_rosters, demo_scorecard):
    """Order and places of the scorecard rows of the demo city, shuffled, against DuckDB's ORDER BY … NULLS FIRST."""
    card = demo_scorecard.rows
    levels = {"city": 0, "prefecture": 1, "county": 2, "town": 3}
    position = {ind.id: i for i, ind in enumerate(plan.indicators)}
    table = pa.table({"position": pa.array(card["indicator_id"].map(position), pa.int32()),
                      "level_rank": pa.array(card["level"].map(levels), pa.int32()),
                      "county": pa.array(card["county"].astype(object), pa.string()),
                      "town": pa.array(card["town"].astype(object), pa.string()),
                      "year": pa.array(card["year"], pa.int32())})
    shuffled = table.take(np.random.default_rng(17).permutation(table.num_rows))
    order, place = _order(shuffled)
    engine = Engine({"t": shuffled.append_column("i", pa.array(np.arange(shuffled.num_rows)))})
    want = engine._con.execute(
        "SELECT i FROM t ORDER BY position, year, level_rank, county NULLS FIRST, town NULLS FIRST").to_arrow_table()
    engine.close()
    assert order.tolist() == want["i"].to_pylist()
    assert shuffled.take(order).equals(table)  # the scorecard's own order
    _assert_places(shuffled, place)


def test_order_of_missing_empty_and_non_ascii_texts():
    table = pa.table({"position": pa.array([0] * 8, pa.int32()), "level_rank": pa.array([2] * 8, pa.int32()),
                      "county": ["乙", None, "", "甲", "B", "a", "甲", "乙"],
                      "town": ["x", None, None, "b", None, None, "a", None],
                      "year": pa.array([2023, 2023, 2023, 2022, 2023, 2023, 2023, 2022], pa.int32())})
    order, place = _order(table)
    engine = Engine({"t": table.append_column("i", pa.array(np.arange(8)))})
    want = engine._con.execute(
        "SELECT i FROM t ORDER BY position, year, level_rank, county NULLS FIRST, town NULLS FIRST").to_arrow_table()
    engine.close()
    assert order.tolist() == want["i"].to_pylist() == [7, 3, 1, 2, 4, 5, 0, 6]
    _assert_places(table, place)


def _assert_places(table: pa.Table, place: np.ndarray) -> None:
    """One number per indicator × level × county × town (the year left out), numbered in the scorecard's order."""
    keys = list(zip(*(table[c].to_pylist() for c in ("position", "level_rank", "county", "town"))))
    numbers = {}
    for key, number in zip(keys, place.tolist()):
        assert numbers.setdefault(key, number) == number
    assert len(set(numbers.values())) == len(numbers)
    assert sorted(numbers.values()) == list(range(len(numbers)))
    in_order = sorted(numbers, key=lambda k: (k[0], k[1], k[2] is not None, (k[2] or "").encode(),
                                              k[3] is not None, (k[3] or "").encode()))
    assert [numbers[k] for k in in_order] == list(range(len(numbers)))


def test_lexicographic_keys_compressed_past_the_limit_keep_the_order():
    rng = np.random.default_rng(3)
    keys = [rng.integers(0, n, 500) for n in (7, 1000, 3, 50_000)]
    whole = _lexicographic(keys)
    squeezed = _lexicographic(keys, limit=10_000)  # compressed to dense ranks twice on the way
    assert squeezed.max() < whole.max()
    want = np.lexsort(keys[::-1])
    assert np.array_equal(np.argsort(whole, kind="stable"), want)
    assert np.array_equal(np.argsort(squeezed, kind="stable"), want)
    assert len(np.unique(whole)) == len(np.unique(squeezed))


def _before(tables: dict[str, pa.Table], rolled: pa.Table, measured: pa.Table, plan) -> tuple[pa.Table, np.ndarray]:
    """The statement card_rows replaced, run on the same tables, in the scorecard's order."""
    engine = Engine({**tables, "rolled": rolled, "measure_rows": measured})
    try:
        table = engine._con.execute(SCORECARD_BEFORE, {"baseline_year": plan.plan.baseline_year,
                                                       "plan_start": plan.years[0]}).to_arrow_table()
    finally:
        engine.close()
    order, place = _order(table)
    return table.take(order), place[order]


def _assert_card_rows_as_before(plan, rosters, rounds: dict) -> pa.Table:
    geo = load_geography(plan)
    tables, rolled, measured = card_inputs(plan, rosters, geo, rounds)
    got, place = card_rows(tables, rolled, measured, rounds, plan.plan.baseline_year, plan.years[0])
    want, want_place = _before(tables, rolled, measured, plan)
    # texts come as large_string (what the frame's str columns hold), the statement's as string
    assert got.schema == pa.schema([f.with_type(pa.large_string()) if f.type == pa.string() else f
                                    for f in want.schema])
    got = got.cast(want.schema)
    assert got.num_rows == want.num_rows
    for name in want.column_names:  # every value, floats bit for bit (a missing one NaN here, null in SQL)
        if pa.types.is_floating(want[name].type):
            a, b = (np.asarray(t[name].to_numpy(zero_copy_only=False), float) for t in (got, want))
            assert ((a.view(np.int64) == b.view(np.int64)) | (np.isnan(a) & np.isnan(b))).all(), name
            assert got[name].null_count == 0, name
        else:
            assert got[name].equals(want[name]), name
    assert np.array_equal(place, want_place)
    return got


@pytest.mark.parametrize("with_rounds", [False, True])
def test_card_rows_are_the_statement_they_replaced(plan, demo_rosters, demo_scorecard, with_rounds):
    rounds = {}
    if with_rounds:  # each year judged at a date some counties' newest reports are older than (carried, counted)
        as_of = pd.to_datetime(demo_scorecard.rows["as_of"]).groupby(demo_scorecard.rows["year"]).max().dropna()
        rounds = {int(y): d.date() for y, d in as_of.items()}
    got = _assert_card_rows_as_before(plan, demo_rosters, rounds)
    levels = set(got["level_rank"].to_pylist())
    assert levels == {0, 2, 3} and got.num_rows > 1000
    notes = set(got["target_note"].drop_null().to_pylist()) | set(got["target_source"].drop_null().to_pylist())
    assert {"no_year_target", "no_quota", "plan", "city"} <= notes
    if with_rounds:
        assert got["counties_reported"].null_count < got.num_rows


def test_card_rows_with_blanks_and_silent_places_are_the_statement_they_replaced(plan):
    """Blank cells (partial sums, 未填报 and 不含 N 个…), counties and towns that sent nothing (gazetteer rows without
    figures), a multiple without its baseline, reports older than the round (carried_from)."""
    from test_missing import STATS

    def village(year, county, town, name, income, unit_type="村", as_of=None):
        return {"year": year, "as_of": as_of, "county": county, "town": town, "village": name,
                "unit_type": unit_type, "income_wan": income, "reserve_cadres": None, "is_demo": name.startswith("甲")}

    villages = [village(2021, "荆州区", "川店镇", "甲村", 25.0), village(2024, "荆州区", "川店镇", "甲村", 30.0),
                village(2024, "荆州区", "川店镇", "乙村", None), village(2024, "沙市区", "立新街道", "丙村", 5.0,
                                                                   as_of=pd.Timestamp("2024-06-30").date()),
                village(2024, "沙市区", "立新街道", "某社区", None, "社区"), village(2024, None, "无县镇", "丁村", 1.0)]
    stats = [r for r in STATS if r["county"] != "荆州区" or r["year"] != 2021]  # 荆州区: no baseline
    rosters = make_rosters(village=villages, county_stats=stats)
    got = _assert_card_rows_as_before(plan, rosters, {2024: pd.Timestamp("2024-09-30").date()})
    notes = got["missing_note"].drop_null().to_pylist()
    assert "未填报" in notes and any(n.startswith("不含 ") for n in notes)
    assert "no_baseline" in got["target_note"].drop_null().to_pylist()
    assert got["carried_from"].null_count < got.num_rows
    assert got["as_of"].null_count > 0  # places without figures


def test_card_rows_of_a_province_with_prefectures_are_the_statement_they_replaced():
    from test_prefecture import STATS  # county figures with blanks; quotas and splits summed to prefectures

    plan = load_plan(DATA / "prefecture_plan.yaml")
    got = _assert_card_rows_as_before(plan, make_rosters(county_stats=STATS), {})
    assert 1 in set(got["level_rank"].to_pylist())  # prefecture rows
    assert {"issued", "split"} <= set(got["target_source"].drop_null().to_pylist())


def test_the_card_has_one_row_per_place_and_year(plan, demo_scorecard):
    assert "scorecard" not in catalog().in_folder("engine") and "rollup" in catalog().in_folder("engine")
    rows = demo_scorecard.rows
    assert len(rows) == len(rows.drop_duplicates(KEYS))
