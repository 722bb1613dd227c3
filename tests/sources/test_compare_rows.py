"""The store's row comparison (sources.versions.compare_rows), done in Arrow: exact lines for a small case with a
duplicate report, a blank value, a type the two sides store differently and units on one side only."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from plan_monitor.sources.versions import compare_rows

KEYS = ("county", "town")
D = date(2024, 12, 31)


def table(rows, income_type=pa.float64()):
    county, town, income, note = zip(*rows)
    return pa.table({"county": list(county), "town": list(town), "year": pa.array([2024] * len(rows), pa.int64()),
                     "as_of": pa.array([D] * len(rows), pa.date32()), "income": pa.array(income, income_type),
                     "note": list(note)})


def test_lines_in_key_order_with_the_values_that_differ():
    before = table([("乙", "二镇", 5.0, "a"), ("甲", "一镇", 1.0, None), ("甲", "三镇", 3.0, "c"),
                    ("甲", "四镇", None, None)])
    # 一镇 reported twice: the last row counts; 四镇 blank on both sides is unchanged; 五镇 new, 二镇 gone
    after = table([("甲", "一镇", 9.0, "x"), ("甲", "四镇", None, None), ("甲", "一镇", 2.0, None),
                   ("甲", "三镇", 3.0, "c2"), ("甲", "五镇", 7.0, None)])
    out = compare_rows(before, after, KEYS)
    lines = [(r["status"], r["county"], r["town"], r["changes"]) for r in out.to_dict("records")]
    assert lines == [
        ("removed", "乙", "二镇", None),
        ("changed", "甲", "一镇", [("income", 1.0, 2.0)]),
        ("changed", "甲", "三镇", [("note", "c", "c2")]),
        ("new", "甲", "五镇", None),
        ("unchanged", "甲", "四镇", None),
    ]
    assert out["year"].tolist() == [2024] * 5 and out["as_of"].tolist() == [D] * 5


def test_a_version_file_with_another_number_type_compares_by_value():
    before = table([("甲", "一镇", 1, None), ("甲", "二镇", 2, None)], pa.int64())
    after = table([("甲", "一镇", 1.0, None), ("甲", "二镇", 2.5, None)])
    out = compare_rows(before, after, KEYS, detail=False)
    assert out["status"].tolist() == ["unchanged", "changed"]  # 一镇 (U+4E00) before 二镇 (U+4E8C)
    assert "changes" not in out


def test_last_rows_by_codes_equal_the_group_by():
    """last_rows groups by integer codes of the keys: the same positions as Arrow's group-by (max row per group),
    nulls grouping together, for string, integer, date and boolean keys."""
    import random

    import numpy as np
    import pyarrow.compute as pc

    from plan_monitor.sources.versions import last_rows

    rnd = random.Random(3)

    def pick(values):
        return [rnd.choice(values) for _ in range(3000)]

    rows = pa.table({"county": pick(["甲", "乙", None, ""]), "town": pick([f"镇{i}" for i in range(40)] + [None]),
                     "year": pa.array(pick([2023, 2024, None]), pa.int64()),
                     "as_of": pa.array(pick([D, date(2024, 9, 30), None]), pa.date32()),
                     "flag": pa.array(pick([True, False, None]), pa.bool_())})
    for keys in (["county"], ["county", "town", "year", "as_of"], ["town", "flag", "as_of"]):
        order = pa.array(np.arange(len(rows)), pa.int64())
        last = rows.select(keys).append_column("_i", order).group_by(keys, use_threads=False).aggregate(
            [("_i", "max")])
        want = pc.take(last["_i_max"], pc.sort_indices(last["_i_max"])).combine_chunks()
        assert last_rows(rows, keys).equals(want)
    assert len(last_rows(rows.slice(0, 0), ["county"])) == 0


def test_lines_by_codes_equal_the_join(monkeypatch):
    """compare_rows matches and orders its lines by integer codes of the keys: the same lines as Arrow's full
    outer join sorted by the keys, with units on both sides, on one side, blank key parts and changed values."""
    import random

    from plan_monitor.sources import versions

    rnd = random.Random(5)

    def side(n, blanks):
        rows = [(rnd.choice(["甲", "乙", "丙"]), rnd.choice([f"镇{i}" for i in range(30)] + ([None] if blanks else [])),
                 float(rnd.randint(0, 3)), rnd.choice(["a", None])) for _ in range(n)]
        return table(rows)

    for _ in range(5):
        before, after = side(60, False), side(80, True)
        fast = compare_rows(before, after, KEYS)
        monkeypatch.setattr(versions, "_outer_lines", lambda *a: None)
        joined = compare_rows(before, after, KEYS)
        monkeypatch.undo()
        assert fast.to_dict("records") == joined.to_dict("records")


def roster(rows):
    county, town, year, as_of, income, removed = zip(*rows)
    return pa.table({"county": list(county), "town": list(town), "year": pa.array(year, pa.int64()),
                     "as_of": pa.array(as_of, pa.date32()), "income": pa.array(income, pa.float64()),
                     "removed": pa.array(removed, pa.bool_())})


Q2, Q3 = date(2024, 6, 30), date(2024, 9, 30)


def test_standing_of_one_round_per_county_keeps_each_units_latest_report():
    """standing with one round per (county, year) (a filter on row positions, not the join): each unit's latest
    report on or before the round, the file order breaking a tie of dates, a unit whose latest is a marker gone,
    later reports and other years left out, re-dated to the round, in the join's order (round, date, file row)."""
    from plan_monitor.sources.versions import standing

    rows = roster([
        ("甲", "一镇", 2024, Q2, 1.0, None),
        ("甲", "一镇", 2024, Q3, 2.0, False),
        ("甲", "一镇", 2024, Q3, 3.0, None),   # same date, later row: this one counts
        ("甲", "二镇", 2024, Q2, 4.0, None),
        ("甲", "二镇", 2024, Q3, None, True),  # removed at Q3
        ("甲", "三镇", 2024, Q2, 5.0, None),
        ("甲", "三镇", 2024, date(2024, 12, 31), 6.0, None),  # after the round
        ("甲", "四镇", 2023, Q2, 7.0, None),   # another year
        ("乙", "一镇", 2024, Q2, 8.0, None),
        (None, "五镇", 2024, Q2, 9.0, None),   # no county: in no round
        ("乙", None, 2024, Q3, 10.0, None),    # a blank key part groups on its own
    ])
    got = standing(rows, {("甲", 2024, Q3), ("乙", 2024, Q3), ("丙", 2024, Q3)}, KEYS)
    assert got.column_names == ["county", "town", "year", "as_of", "income"]
    assert got.to_pylist() == [
        {"county": "甲", "town": "三镇", "year": 2024, "as_of": Q3, "income": 5.0},
        {"county": "乙", "town": "一镇", "year": 2024, "as_of": Q3, "income": 8.0},
        {"county": "甲", "town": "一镇", "year": 2024, "as_of": Q3, "income": 3.0},
        {"county": "乙", "town": None, "year": 2024, "as_of": Q3, "income": 10.0},
    ]


def test_standing_by_positions_equals_the_join(monkeypatch):
    """The positions path gives the join's table exactly (values, order, types) on random rosters with several
    dates, markers, blank key parts and file-order ties; with two rounds of one county and year the join runs."""
    import random

    from plan_monitor.sources import versions

    rnd = random.Random(11)
    dates = [date(2024, 3, 31), Q2, Q3, date(2024, 12, 31)]
    for k in range(6):
        rows = roster([(rnd.choice(["甲", "乙", "丙", None]), rnd.choice([f"镇{i}" for i in range(12)] + [None]),
                        rnd.choice([2023, 2024, None]), rnd.choice(dates + [None]), float(rnd.randint(0, 5)),
                        rnd.choice([None, False, True] if k % 2 else [None])) for _ in range(300)])
        rounds = {(c, 2024, rnd.choice(dates)) for c in ("甲", "乙", "丁")} | {(None, 2024, Q2), ("丙", None, Q3)}
        assert versions._standing_one_round(versions.with_report_dates(rows), rounds, KEYS) is not None
        fast = versions.standing(rows, rounds, KEYS)
        monkeypatch.setattr(versions, "_standing_one_round", lambda *a: None)
        joined = versions.standing(rows, rounds, KEYS)
        monkeypatch.undo()
        assert fast.equals(joined) and len(fast)
    several = {("甲", 2024, Q2), ("甲", 2024, Q3)}
    assert versions._standing_one_round(versions.with_report_dates(rows), several, KEYS) is None
