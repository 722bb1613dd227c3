"""Shortcuts of the upload check (issue 17) pinned to the passes they skip: each gives exactly what the full work
gives, on real values."""

from __future__ import annotations

import shutil
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from pandas.testing import assert_frame_equal

from plan_monitor.ingest import cells
from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.ingest.preview import compare
from plan_monitor.paths import DEFAULT_DATA
from plan_monitor.sources import open_store
from plan_monitor.sources.versions import CHANGE_LABELS
from plan_monitor.spec.geography import load_geography

# every character _PLAIN lets through: printable ASCII without space, CJK ideographs of the basic block and ext. A
PLAIN_CHARS = [chr(c) for lo, hi in ((0x21, 0x7E), (0x3400, 0x4DBF), (0x4E00, 0x9FFF)) for c in range(lo, hi + 1)]


def _rows(n: int) -> cells.At:
    return cells.At(pa.array(range(2, n + 2), pa.int64()))


def test_plain_texts_come_out_of_every_pass_unchanged():
    texts = pa.array([*PLAIN_CHARS, "".join(PLAIN_CHARS), "谭场村", "A-1组", "", None])
    assert cells._plain(texts)
    for names in (False, True):
        log, issues = cells.NoteLog(), []
        full = cells._cleaned(texts, _rows(len(texts)), "村（社区）", log, names, issues)
        short = cells.clean_text(texts, _rows(len(texts)), "村（社区）", cells.NoteLog(), names, [])
        assert short.equals(full) and short.type == full.type == pa.string()
        assert not log.notes() and not issues
    assert short.slice(len(PLAIN_CHARS)).to_pylist()[1:] == ["谭场村", "A-1组", None, None]


def test_texts_any_pass_changes_take_the_full_path():
    # a space, an ideographic space, full-width forms, a compatibility ideograph, a Kangxi radical, a zero-width
    # space, a control character, a combining accent, a CJK symbol: each one cell, beside plain names
    odd = [" 谭场村", "谭场\u3000村", "谭场村１", "（村）", "\uf900", "\u2f00", "谭\u200b场", "谭\x07", "e\u0301", "谭、场"]
    for text in odd:
        assert not cells._plain(pa.array(["史庙村", text, None]))
    texts = pa.array(["史庙村", *odd, None])
    log, issues = cells.NoteLog(), []
    got = cells.clean_text(texts, _rows(len(texts)), "村（社区）", log, True, issues)
    assert got.to_pylist() == ["史庙村", "谭场村", "谭场村", "谭场村1", "(村)", "豈", "一", "谭场", None, "é", "谭、场", None]
    assert [n.kind for n in log.notes()] == ["invisible", "whitespace", "fullwidth"]
    assert [(i.check, i.row) for i in issues] == [("control_char", 10), ("invisible_char", 9)]


def test_plain_is_every_text_plain():
    """_plain matches the texts joined into one: the answer of matching each (nulls aside), wherever the odd text
    sits, and on sliced arrays."""
    names = [f"谭场村{i}组" for i in range(60_000)]
    for at in (0, 30_000, 59_999):
        odd = pa.array([*names[:at], "谭场村\u3000", *names[at + 1:]])
        assert not cells._plain(odd)
        assert cells._plain(odd.slice(at + 1)) and cells._plain(odd.slice(0, at))
    assert cells._plain(pa.array([None, *names, None, ""]))
    assert not cells._plain(pa.array([None, "（", None]))


def test_all_null_and_empty_columns():
    for texts in (pa.array([None, None], pa.string()), pa.array([], pa.string()), pa.array(["", None])):
        got = cells.clean_text(texts, _rows(len(texts)), "村（社区）", cells.NoteLog(), True, [])
        assert got.to_pylist() == [None] * len(texts)
        assert got.equals(cells._cleaned(texts, _rows(len(texts)), "村（社区）", cells.NoteLog(), True, []))
    assert pc.all(pc.is_null(cells.clean_text(pa.array(["", ""]), _rows(2), "", cells.NoteLog()))).as_py()


def _edited_roster() -> bytes:
    """The stored 2024-09-30 village roster with one figure changed, one unit dropped, one added, and a row that
    names no county (left out of the preview): a correction of a round the store holds."""
    lines = (DEFAULT_DATA / "village_2024-09-30.csv").read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    first = body[0].split(",")
    first[8], first[9] = "999.5", ""  # a figure changed, one left blank (补充更正 keeps the stored value)
    added = body[1].split(",")
    added[4] = "新建村"
    unplaced = body[2].split(",")
    unplaced[2] = ""
    rows = [",".join(first), *body[3:], ",".join(added), ",".join(unplaced)]
    return "\n".join([header, *rows, ""]).encode("utf-8")


@pytest.mark.parametrize("mode", ["merge", "replace"])
def test_preview_with_the_resolutions_standing_is_the_preview_without_it(tmp_path, plan, mode):
    """The pipeline hands compare the standing rosters corrections.resolve made (Resolved.before); compare made
    them again before: the preview is the one compare gives when it makes them itself."""
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, folder)
    store = open_store(folder)
    checked = check_upload("villages.csv", _edited_roster(), plan, load_geography(plan), store,
                           today=date(2026, 11, 1), mode=mode)
    template = checked.parsed.template
    current = store.current(template.table, at=checked.base)
    kept = checked.changes["kept"].tolist()  # per line; compare wants them per file row: rebuilt below
    assert any(kept) == (mode == "merge")
    placed = [r is not None and c is not None for r, c in zip(checked.rows["year"].to_pylist(),
                                                              checked.rows["county"].to_pylist())]
    assert placed.count(False) == 1
    per_row = [[] for _ in placed]
    for row_no, keep in zip(checked.changes["row_no"].tolist(), kept):
        if keep and row_no == row_no:
            per_row[checked.parsed.row_numbers.index(int(row_no))] = list(keep)
    alone = compare(template, checked.rows, checked.parsed.row_numbers, current, checked.result, per_row)
    assert_frame_equal(checked.changes, alone)
    counts = checked.changes["status"].value_counts().to_dict()
    if mode == "merge":
        assert counts == {"unchanged": len(checked.changes) - 2, "changed": 1, "new": 1}
    else:
        assert counts == {"unchanged": len(checked.changes) - 4, "changed": 1, "new": 1, "removed": 2}
    # the status column as the frame always had it (one str per line), the kept lists on their lines only, and
    # the details listing exactly the lines that are not unchanged or kept a value
    assert str(checked.changes["status"].dtype) == "str"
    kept_lines = [(row, keep) for row, keep in zip(checked.changes["row_no"], kept) if keep]
    assert kept_lines == ([(2, ["reserve_cadres"])] if mode == "merge" else [])
    shown = checked.details()
    listed = checked.changes[(checked.changes["status"] != "unchanged").to_numpy(bool) | [bool(k) for k in kept]]
    assert shown["单位"].tolist() == listed["unit"].tolist() and len(shown) == (2 if mode == "merge" else 4)
    assert shown["状态"].tolist() == [CHANGE_LABELS[s] for s in listed["status"]]


def test_stored_ids_among_the_files_equal_is_in():
    """corrections._among is pc.is_in with the hash table on the other side: the same booleans, repeats and
    empty sides included."""
    from plan_monitor.ingest.corrections import _among

    stored = pa.array(["甲|一|2024", "甲|二|2024", "甲|一|2024", "乙|一|2024", ""])
    file_ids = pa.array(["甲|一|2024", "丙|一|2024", "甲|一|2024", "", "乙|一|2023"])
    cases = [(stored, file_ids, [True, False, True, False, True]), (stored, pa.array([], pa.string()), [False] * 5),
             (pa.array([], pa.string()), file_ids, []), (stored, pa.array(["丁"]), [False] * 5)]
    for ids, others, want in cases:
        got = _among(ids, others)
        assert got.to_pylist() == want
        assert got.equals(pc.is_in(ids, value_set=others))


def test_reports_without_markers_are_the_table_itself():
    """versions._reports leaves a table without markers as it is (the column dropped) instead of filtering it; with
    markers it filters them out as before."""
    from plan_monitor.sources.versions import REMOVED, _reports

    plain = pa.table({"town": ["一镇", "二镇", None], REMOVED: pa.array([None, False, None], pa.bool_())})
    assert _reports(plain).to_pylist() == [{"town": "一镇"}, {"town": "二镇"}, {"town": None}]
    assert _reports(plain).equals(plain.filter(pa.array([True] * 3)).drop_columns([REMOVED]))
    marked = plain.set_column(1, REMOVED, pa.array([None, True, False], pa.bool_()))
    assert _reports(marked).to_pylist() == [{"town": "一镇"}, {"town": None}]
    assert _reports(plain.slice(0, 0)).num_rows == 0 and _reports(plain.slice(0, 0)).column_names == ["town"]


def test_cell_lengths_counted_in_characters_as_before(tmp_path):
    """csv_rows._check_lengths clears a column by its byte lengths first: a cell of MAX_CELL_CHARS ideographs (three
    times as many bytes) still passes, one character more is refused, ASCII likewise."""
    from plan_monitor.ingest.model import MAX_CELL_CHARS, UploadError
    from plan_monitor.ingest.read import read_upload

    def upload(note: str) -> bytes:
        lines = (DEFAULT_DATA / "village_2024-09-30.csv").read_text(encoding="utf-8").splitlines()[:4]
        return "\n".join([lines[0] + ",备注", *(line + "," + (note if k == 1 else "") for k, line in
                                                  enumerate(lines[1:]))]).encode("utf-8")

    for char in ("谭", "a"):
        parsed = read_upload("villages.csv", upload(char * MAX_CELL_CHARS))
        assert len(parsed.table) == 3
        with pytest.raises(UploadError) as refused:
            read_upload("villages.csv", upload(char * (MAX_CELL_CHARS + 1)))
        assert "第 3 行第 12 列" in refused.value.zh and "实际 32,768 个字符" in refused.value.zh


def test_file_rows_coded_with_the_lines_are_located_as_before():
    """preview._located_last with the codes compare_slices_coded made for the file rows alongside the lines gives
    the positions it finds coding lines and file rows itself: a unit twice in the file (its last row), a blank town
    (matching a blank town), a unit the file lacks, one the store lacks."""
    import numpy as np

    from plan_monitor.ingest.preview import _located_last
    from plan_monitor.sources.versions import compare_slices_coded

    q3 = date(2024, 9, 30)

    def rows(towns, income):
        return pa.table({"county": ["甲"] * len(towns), "town": towns, "year": pa.array([2024] * len(towns), pa.int64()),
                         "as_of": pa.array([q3] * len(towns), pa.date32()), "income": pa.array(income, pa.float64())})

    stored = rows(["一镇", "二镇", None, "四镇"], [1.0, 2.0, 3.0, 4.0])
    file_rows = rows(["二镇", "一镇", None, "二镇", "五镇"], [2.0, 9.0, 3.0, 7.0, 5.0])
    keys = ["county", "town", "year", "as_of"]
    changes, lines, coded = compare_slices_coded(stored, file_rows, {("甲", 2024, q3)}, ("county", "town"),
                                                 extra=file_rows.select(keys))
    assert coded is not None and len(coded.lines) == len(lines) and len(coded.extra) == len(file_rows)
    # a blank town matches nothing in the comparison (removed and new), but the file's blank-town row in the preview
    assert list(changes["status"]) == ["changed", "changed", "new", "removed", "removed", "new"]
    assert lines["town"].to_pylist() == ["一镇", "二镇", "五镇", "四镇", None, None]
    shared = _located_last(lines.select(keys), file_rows.select(keys), keys, coded)
    alone = _located_last(lines.select(keys), file_rows.select(keys), keys)
    for a, b in zip(shared, alone):
        assert np.array_equal(np.asarray(a), np.asarray(b))
    line_at, unit_at, last = shared
    assert last.to_pylist() == [1, 2, 3, 4]  # each unit's last file row: 二镇 is row 3, not row 0
    assert line_at.tolist() == [0, 1, 2, 4, 5] and last.take(pa.array(unit_at)).to_pylist() == [1, 3, 4, 2, 2]


def test_file_ids_written_only_for_rows_that_may_name_a_stored_row():
    """corrections._may_name leaves out the file rows whose unit name no stored row has; the stored rows the file
    names (_among on the ids) are the same as with every file row's id: blank names matching blank names, a name
    under another town, and, once a name holds "|", two ids equal by the separator alone (every row kept)."""
    from plan_monitor.ingest.corrections import _among, _may_name, _report_ids
    from plan_monitor.spec.templates import VILLAGE

    q3 = date(2024, 9, 30)

    def keys(rows):
        county, town, village, year, as_of = zip(*rows)
        return pa.table({"county": list(county), "town": list(town), "village": list(village),
                         "year": pa.array(year, pa.int64()), "as_of": pa.array(as_of, pa.date32())})

    stored = keys([("甲", "一镇", "谭场村", 2024, q3), ("甲", "二镇", None, 2024, q3), ("甲", "三镇", "史庙村", 2024, q3),
                   ("乙", "一镇", "谭场村", 2024, q3)])
    file_rows = keys([("甲", "一镇", "谭场村", 2024, q3), ("甲", "二镇", None, 2024, q3), ("甲", "四镇", "史庙村", 2024, q3),
                      *[("甲", "五镇", f"新村{i}", 2024, q3) for i in range(50)]])
    may = _may_name(file_rows, stored, VILLAGE)
    assert may["village"].to_pylist() == ["谭场村", None, "史庙村"]
    ids = _report_ids(stored, VILLAGE)
    assert _among(ids, _report_ids(may, VILLAGE)).to_pylist() == [True, True, False, False]
    assert _among(ids, _report_ids(may, VILLAGE)).equals(_among(ids, _report_ids(file_rows, VILLAGE)))

    barred = keys([("甲", "a|b", "c", 2024, q3), ("甲", "一镇", "谭场村", 2024, q3)])
    colliding = keys([("甲", "a", "b|c", 2024, q3), ("甲", "九镇", "九村", 2024, q3)])
    assert _may_name(colliding, barred, VILLAGE) is colliding  # a "|" somewhere: every row
    assert _among(_report_ids(barred, VILLAGE), _report_ids(colliding, VILLAGE)).to_pylist() == [True, False]


def test_joined_texts_and_shared_filled_cells():
    """cells.joined: a chunked column with nulls as one text; Distinct.filled: has_text per row, the same whether
    the column is encoded or not, made once for the blank rows and the row kinds."""
    from plan_monitor.ingest import distinct

    chunked = pa.chunked_array([["谭场村", None], ["a|b", ""], []], pa.string())
    assert cells.joined(chunked).to_pylist() == ["谭场村a|b"]
    assert cells.joined(pa.array([], pa.string())).to_pylist() == [""]
    texts = pa.array(["谭场村", "  ", None, "\u3000", " 史庙村 ", "", "谭场村"] * 1000)
    want = [True, False, False, False, True, False, True] * 1000
    encoded = distinct.Distinct(texts)
    assert encoded.indices is not None and encoded.filled().to_pylist() == want
    assert encoded.filled() is encoded.filled()
    plain = distinct.Distinct(pa.array([f"村{i}" for i in range(5000)] + ["  ", None]))
    assert plain.indices is None and plain.filled().to_pylist() == [True] * 5000 + [False, False]


def test_row_kinds_from_one_encoding_of_the_first_cells():
    """rows.classify reads the first filled cells once per distinct text for the heading and note tests (one
    Distinct for both): headings, a community alone (data), notes at the bottom, a long note in the data."""
    from plan_monitor.ingest.rows import classify
    from plan_monitor.ingest.sheet import body_from_rows

    village = ["2024", "2024-09-30", "沙市区", "中山路街道", "谭场村", "村", "否", None, "155.2", "2", "1"]
    rows = [(3, [None, None, "一、沙市区", *[None] * 8]), (4, village), (5, [None, None, None, None, "桥河社区", *[None] * 6]),
            *[(6 + i, village) for i in range(3000)], (3006, [None, None, "岑河镇", *[None] * 8]),
            (3007, ["填表人：张三", *[None] * 10]), (3008, ["注：收入单位万元", *[None] * 10])]
    kinds = classify(body_from_rows(rows, 11), [2, 3, 4])
    data = kinds.data.to_pylist()
    assert [n for (n, _), d in zip(rows, data) if not d] == [3, 3006, 3007, 3008]
    notes = {n.kind: n for n in kinds.notes}
    assert notes["heading_row"].rows == (3, 3006) and "第3行“一、沙市区”" in notes["heading_row"].message
    assert notes["note_row"].rows == (3007, 3008)
