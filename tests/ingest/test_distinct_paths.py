"""Work done once per distinct text (ingest.distinct) gives exactly what work done on every row gives: the whole
check (rows, problems, notes, preview, what a commit would store) of a file with every kind of problem, read with
every column encoded and with none encoded."""

from __future__ import annotations

import csv
import io
import random
import shutil
from datetime import date

import pytest

from plan_monitor.ingest import distinct
from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.paths import DEFAULT_DATA
from plan_monitor.sources import open_store
from plan_monitor.spec.geography import load_geography

# (column, text): one kind of problem or normalisation each
VARIANTS = [
    (9, "３"), (4, " {v} 村 "), (4, "{v}\u200b"), (4, "{v}\x07"), (8, "NA"), (8, "ＮＡ"), (8, "1,234.5"), (8, "12万元"),
    (8, "253000元"), (8, "50%"), (8, "1e400"), (8, "inf"), (8, "  12.5  "), (6, "√"), (6, "×"), (6, "maybe"),
    (6, "无"), (0, "2024年"), (0, ""), (1, "2024/9/30"), (1, "20240930"), (1, "2024年9月"), (1, "45565"),
    (1, "2024-02-30"), (1, "2024-09-30 00:00:00"), (1, "2023-12-31"), (9, "2.5"), (9, "-3"), (9, "—"), (10, "9"),
    (2, "监利县"), (2, "沙市"), (2, ""), (3, "不存在镇"), (3, "岑河镇"), (7, "21023"), (5, "社区"), (5, "居委会"), (4, ""),
]


def problem_file(n: int = 6000) -> bytes:
    with open(DEFAULT_DATA / "village_2024-09-30.csv", encoding="utf-8") as f:
        header, *body = list(csv.reader(f))
    rnd = random.Random(7)
    out = []
    for i in range(n):
        row = list(body[i % len(body)])
        if i >= len(body):
            row[4] = f"{row[4]}{i // len(body)}组"
        if rnd.random() < 0.08:
            column, text = rnd.choice(VARIANTS)
            row[column] = text.format(v=row[column])
        out.append(row)
        if i == 50:
            out.append([""] * 11)
        if i == 70:
            out.append(["沙市区小计", *[""] * 9, "5"])
        if i == 90:
            out.append(list(out[-2]))  # a unit twice
    out += [["合计", *[""] * 7, "12345", "", ""], ["填表人：张三", *[""] * 10]]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *out])
    return buf.getvalue().encode("utf-8")


def checked_with(monkeypatch, share: float, data: bytes, plan, store, mode: str):
    monkeypatch.setattr(distinct, "MOSTLY_DISTINCT", share)
    return check_upload("villages.csv", data, plan, load_geography(plan), store, today=date(2026, 11, 1), mode=mode)


@pytest.mark.parametrize("mode", ["merge", "replace"])
def test_distinct_values_change_nothing(monkeypatch, tmp_path, plan, mode):
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, folder)
    store = open_store(folder)
    data = problem_file()
    every = checked_with(monkeypatch, 1.0, data, plan, store, mode)  # every column encoded
    none = checked_with(monkeypatch, -1.0, data, plan, store, mode)  # no column encoded: every row read
    kinds = {i.check for i in every.issues}
    assert {"bad_value", "control_char", "invisible_char", "unknown_county", "unknown_town"} <= kinds
    assert {"fullwidth", "whitespace", "missing_text", "thousands", "unit_suffix", "bool_symbol", "date_format",
            "date_month", "blank_rows", "total_row", "note_row", "alias_name"} <= {n.kind for n in every.notes}
    assert every.issues == none.issues
    assert every.notes == none.notes
    assert every.parsed.table.equals(none.parsed.table)
    assert every.parsed.row_numbers == none.parsed.row_numbers
    assert every.parsed.totals == none.parsed.totals
    assert every.rows.equals(none.rows)
    assert every.result.equals(none.result)
    assert every.changes.equals(none.changes)
    assert every.problems().equals(none.problems())
    assert every.summary().equals(none.summary())
    assert every.details().equals(none.details())
    assert every.new_reports == none.new_reports


def test_distincts_shared_between_the_reading_steps_change_nothing(monkeypatch, tmp_path, plan):
    """The header search, blank rows, row kinds and normalisation share each body column's Distinct (sheet.Body):
    the whole check equals the one where every step encodes the column again."""
    from plan_monitor.ingest.sheet import Body

    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, folder)
    store = open_store(folder)
    data = problem_file()
    shared = check_upload("villages.csv", data, plan, load_geography(plan), store, today=date(2026, 11, 1))
    monkeypatch.setattr(Body, "distinct", lambda self, i: distinct.Distinct(self.cells.column(i)))
    fresh = check_upload("villages.csv", data, plan, load_geography(plan), store, today=date(2026, 11, 1))
    assert shared.issues == fresh.issues and len(shared.issues) > 100
    assert shared.notes == fresh.notes
    assert shared.parsed.table.equals(fresh.parsed.table)
    assert shared.parsed.row_numbers == fresh.parsed.row_numbers
    assert shared.parsed.totals == fresh.parsed.totals
    assert shared.result.equals(fresh.result)
    assert shared.changes.equals(fresh.changes)
    assert shared.details().equals(fresh.details())
