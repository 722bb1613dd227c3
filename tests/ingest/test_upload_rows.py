"""Row kinds below the header: data, blank, 合计/总计 (kept aside), 小计 and note rows (skipped)."""

from __future__ import annotations

from plan_monitor.ingest.rows import classify
from plan_monitor.ingest.sheet import body_from_rows


def kinds(rows, label_columns=(2,)):
    result = classify(body_from_rows(rows, 4), list(label_columns))
    notes: dict[str, list] = {}
    for note in result.notes:
        notes.setdefault(note.kind, []).append(note)
    return result.data.to_pylist(), result.totals.to_pylist(), notes


def test_totals_only_by_label_elsewhere_only_whole_cell():
    data, totals, notes = kinds([
        (2, ["1", "2023", "沙市区", "x"]),
        (3, ["2", "2023", "荆州区", "含小计"]),  # a remark mentioning 小计 is still a village
        (4, [None, "合计", None, None]),
        (5, [None, "全县小计：", None, None]),
        (6, ["沙市区小计", None, None, None]),
        (7, [None, "2023", "总 计", "9"]),
    ])
    assert data == [True, True, False, False, False, False]
    assert totals == [False, False, True, False, False, True]
    total, sub = notes["total_row"]
    assert (total.rows, sub.rows) == ((4, 7), (5, 6))
    assert "第4行“合计”；第7行“总 计”" in total.message and "第5行“全县小计：”" in sub.message


def test_note_rows_short_anywhere_long_only_at_the_bottom():
    data, _, notes = kinds([
        (2, ["2023", "a", "沙市区", "1"]),
        (3, ["注：下列村为新合并村", None, None, None]),
        (4, ["说明村", "b", "荆州区", "2"]),  # a full row that merely starts like a note, between data rows
        (5, ["2023", "c", "监利市", "3"]),
        (6, ["填表人：张三", "联系电话：", "0716-8888888", "审核人：李四"]),
    ])
    assert data == [True, False, True, True, False]
    assert notes["note_row"][0].rows == (3, 6)


def test_blank_rows_counted_only_between_content():
    data, _, notes = kinds([
        (2, ["2023", "a", "沙市区", "1"]),
        (3, [None, " ", "\u3000", None]),
        (4, ["2023", "b", "荆州区", "2"]),
        (5, [None, None, None, None]),
        (6, [None, None, None, None]),
    ])
    assert data == [True, False, True, False, False]
    (blank,) = notes["blank_rows"]
    assert (blank.count, blank.rows) == (1, (3,))
