"""Which rows below the header are data: not blank, not a 合计/小计 row, not a heading row (a county or town name
alone on its row above its units), not a note (填表人：…) at the bottom."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.ingest.distinct import Distinct
from plan_monitor.ingest.model import Note
from plan_monitor.ingest.sheet import Body

_SPACES = r"[\s\p{Z}\x{FEFF}]+"
_TOTAL = "合计|总计"
_SUBTOTAL = "小计"
# Elsewhere in the row (a 序号 or 年度 column) only a cell that is nothing but the label counts:
# a 备注 saying "含小计" must not drop a village.
_ONLY = r"^(全市|全县|全区|全镇|全乡|本县|本镇|本乡|本级)?({})[:：]?$"
# A heading row: a place name alone on its row (一、沙市区 above its villages), all other cells blank.
_HEADING = r"^([一二三四五六七八九十]+[、.．]|\d+[、.．])?\S{1,24}?(省|市|州|地区|盟|县|区|旗|镇|乡|街道|管理区|开发区|林区|农场|办事处)$"
_NOT_HEADING = r"(社区|小区)$"  # a community's name alone is a data row with blanks, not a heading
_NOTE_START = r"^(注|填表|填报|审核|联系|说明|单位负责人|负责人|制表|备注|统计人)"
LISTED = 5  # rows named in a note


@dataclass
class RowKinds:
    data: pa.Array  # bool per body row
    totals: pa.Array  # bool: 合计/总计 rows, kept aside to check the data against
    notes: list[Note] = field(default_factory=list)
    labels: frozenset[int] = frozenset()  # the label columns it was classified with (the first column included)


def _column_kinds(distinct: Distinct, is_label: bool) -> tuple[Distinct, pa.Array, pa.Array, pa.Array | None,
                                                                pa.Array | None]:
    """One column's trimmed texts (per distinct value: spread them with the Distinct when needed), filled cells,
    合计 and 小计 cells (per row; None when the column has neither), computed once per distinct text."""
    text = pc.utf8_trim_whitespace(distinct.values)
    # every pattern needs 计: a column without it has no 合计 or 小计 cell, and skips the regexes
    if pc.any(pc.fill_null(pc.match_substring(text, "计"), False)).as_py():
        compact = pc.replace_substring_regex(text, _SPACES, "")
        patterns = (_TOTAL, _SUBTOTAL) if is_label else (_ONLY.format(_TOTAL), _ONLY.format(_SUBTOTAL))
        is_total = pc.fill_null(pc.match_substring_regex(compact, patterns[0]), False)
        is_sub = pc.fill_null(pc.match_substring_regex(compact, patterns[1]), False)
        if pc.any(is_total).as_py() or pc.any(is_sub).as_py():
            return distinct, text, distinct.filled(), *(distinct.expand(a) for a in (is_total, is_sub))
    return distinct, text, distinct.filled(), None, None


def _first_text(first: pa.Array) -> pa.Array:
    return pc.utf8_normalize(pc.replace_substring_regex(first, _SPACES, ""), "NFKC")


def _heading(first_text: pa.Array) -> pa.Array:
    return pc.fill_null(pc.and_(pc.match_substring_regex(first_text, _HEADING),
                                pc.invert(pc.match_substring_regex(first_text, _NOT_HEADING))), False)


def _looks_note(first_text: pa.Array) -> pa.Array:
    return pc.fill_null(pc.match_substring_regex(first_text, _NOTE_START), False)


def classify(body: Body, label_columns: list[int]) -> RowKinds:
    """label_columns: the name columns, where 合计 or 小计 may be part of a longer text (沙市区小计);
    the first column is always one."""
    n = len(body)
    labels = frozenset(label_columns) | {0}
    if n == 0:
        empty = pa.array([], pa.bool_())
        return RowKinds(empty, empty, labels=labels)
    kinds = [_column_kinds(body.distinct(i), i in labels) for i in range(body.cells.num_columns)]
    filled_cells = [k[2] for k in kinds]
    filled = filled_cells[0].cast(pa.int64())
    for f in filled_cells[1:]:
        filled = pc.add(filled, f.cast(pa.int64()))
    blank = pc.equal(filled, 0)

    total = pa.array(np.zeros(n, bool))
    subtotal = pa.array(np.zeros(n, bool))
    label = pa.nulls(n, pa.string())  # the cell that says 合计 or 小计, to quote in the note
    for distinct, text, _, is_total, is_sub in kinds:
        if is_total is None:
            continue
        total = pc.or_(total, is_total)
        subtotal = pc.or_(subtotal, is_sub)
        label = pc.coalesce(label, pc.if_else(pc.or_(is_total, is_sub), distinct.expand(text),
                                              pa.scalar(None, pa.string())))
    subtotal = pc.and_(subtotal, pc.invert(total))

    # the first filled cell's text; a later column is looked at only while some row has none yet
    first = pa.nulls(n, pa.string())
    for distinct, text, filled_cell, _, _ in kinds:
        if not first.null_count:
            break
        first = pc.coalesce(first, pc.if_else(filled_cell, distinct.expand(text), pa.scalar(None, pa.string())))
    # the first cell's compact text, whether it opens a note and whether it is a heading, each per distinct first
    # cell (elementwise all three, so one encoding of the first cells serves them)
    firsts = Distinct(first)
    compact = _first_text(firsts.values)
    looks_note = firsts.expand(_looks_note(compact))
    other = pc.and_(pc.invert(blank), pc.invert(pc.or_(total, subtotal)))
    heading = pc.and_(pc.and_(other, pc.equal(filled, 1)), firsts.expand(_heading(compact)))
    other = pc.and_(other, pc.invert(heading))
    candidate = pc.and_(other, looks_note)
    plain = pc.and_(other, pc.invert(candidate))
    index = pa.array(np.arange(n, dtype=np.int64))
    plain_at = pc.indices_nonzero(plain)
    last_plain = plain_at[-1].as_py() if len(plain_at) else -1
    # A note with many cells filled in the middle of the data is more likely a village row with a typo.
    note = pc.and_(candidate, pc.or_(pc.less_equal(filled, 2), pc.greater(index, last_plain)))
    data = pc.or_(plain, pc.and_(candidate, pc.invert(note)))

    filled_at = pc.indices_nonzero(pc.invert(blank))
    last_filled = filled_at[-1].as_py() if len(filled_at) else -1
    inner_blank = pc.and_(blank, pc.less(index, last_filled))  # trailing empty rows are formatting, not news

    notes = []
    rows = body.rows
    count, listed = _where(inner_blank, rows)
    if count:
        notes.append(Note("blank_rows", f"空白行已跳过：{count} 行（{_list(listed)}）", count, listed))
    for mask, what in ((total, "合计/总计行不作为数据读取，仅用于核对各行之和"), (subtotal, "小计行已跳过")):
        count, listed = _where(mask, rows)
        if count:
            shown = _examples(mask, rows, label)
            notes.append(Note("total_row", f"{what}：{shown}", count, listed))
    count, listed = _where(heading, rows)
    if count:
        shown = "、".join(f"第{r}行“{t}”" for r, t in _pairs(heading, rows, first))
        more = f"等 {count} 行" if count > LISTED else ""
        notes.append(Note("heading_row", f"{shown}{more}为分组标题行，已跳过", count, listed))
    count, listed = _where(note, rows)
    if count:
        notes.append(Note("note_row", f"表尾说明行已跳过：{_examples(note, rows, first)}", count, listed))
    return RowKinds(data, total, notes, labels)


def _where(mask: pa.Array, rows: pa.Array) -> tuple[int, tuple[int, ...]]:
    count = pc.sum(mask).as_py() or 0
    at = pc.indices_nonzero(mask)[:LISTED]
    return count, tuple(pc.take(rows, at).to_pylist())


def _list(rows: tuple[int, ...]) -> str:
    return "、".join(f"第{r}行" for r in rows)


def _pairs(mask: pa.Array, rows: pa.Array, texts: pa.Array) -> list[tuple[int, str]]:
    at = pc.indices_nonzero(mask)[:LISTED]
    return list(zip(pc.take(rows, at).to_pylist(), pc.take(texts, at).to_pylist()))


def _examples(mask: pa.Array, rows: pa.Array, texts: pa.Array) -> str:
    return "；".join(f"第{r}行“{t}”" for r, t in _pairs(mask, rows, texts))
