"""Shortcuts of the upload check (issue 17) pinned to the passes they skip: each gives exactly what the full work
gives, on real values."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.ingest import cells

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


def test_all_null_and_empty_columns():
    for texts in (pa.array([None, None], pa.string()), pa.array([], pa.string()), pa.array(["", None])):
        got = cells.clean_text(texts, _rows(len(texts)), "村（社区）", cells.NoteLog(), True, [])
        assert got.to_pylist() == [None] * len(texts)
        assert got.equals(cells._cleaned(texts, _rows(len(texts)), "村（社区）", cells.NoteLog(), True, []))
    assert pc.all(pc.is_null(cells.clean_text(pa.array(["", ""]), _rows(2), "", cells.NoteLog()))).as_py()
