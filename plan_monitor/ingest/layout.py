"""Where the tables are on a sheet: one or more header rows, each with the data below it, and a lower header row
of sub-headers (合计, 其中女 under a merged 党员人数) that is part of the header, not data.

A table is a header row that matches a template (ingest.header.find_header on that row and the one below) with the
rows under it, up to the next table's header; when a blank row lies between, the rows after the last blank row
are the next table's title rows. With several tables the reader takes the first one (of the chosen template, when
one is chosen), warns naming every table found, and read_upload(..., table=N) reads another: the first is
what a reader of the sheet meets first, and no table is ever taken silently for title rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.ingest.distinct import bool_where, has_text
from plan_monitor.ingest.header import _DROP, _UNIT, LOOKUPS, Header, find_header
from plan_monitor.ingest.model import Note, UploadError
from plan_monitor.ingest.rows import _HEADING, RowKinds, classify
from plan_monitor.ingest.sheet import Body, body_from_rows

Rows = list[tuple[int, list[str | None]]]
NAMES = sorted({name for lookup in LOOKUPS.values() for name in lookup if name})
_NUMBER = re.compile(r"^[-+]?[\d,，.]+%?$")
_NAME_KEYS = ("county", "town", "village")
_PLACE = re.compile(_HEADING)  # a place name (a heading row, not a sub-header)


def _foreign_pattern(names: list[str]) -> str:
    """A regex matching a text that holds a common CJK ideograph (U+4E00–U+9FFF) no column name has: such a text is
    no column name. Those ideographs are their own NFKC form and lower case, and neither _DROP nor the brackets
    remove them; _UNIT removes a few, which count as allowed. So norm() keeps the ideograph and cannot give a name."""
    allowed = {ord(ch) for ch in "".join(names) + _UNIT.pattern if 0x4E00 <= ord(ch) <= 0x9FFF}
    ranges, start = [], 0x4E00
    for code in sorted(allowed) + [0xA000]:
        if code > start:
            ranges.append(f"\\x{{{start:04X}}}-\\x{{{code - 1:04X}}}" if code - 1 > start else f"\\x{{{start:04X}}}")
        start = code + 1
    return "[" + "".join(ranges) + "]"


_FOREIGN = _foreign_pattern(NAMES)


@dataclass
class Table:
    header: Header
    body: Body
    rows: int  # data rows (what classify keeps)
    head: Rows  # the table's title and header rows, for find_header with a chosen template
    note: Note | None = None  # a lower header row of sub-headers, skipped
    kinds: RowKinds | None = None  # which body rows are data (rows.classify), kept for reading the table

    def label(self, number: int) -> str:
        return f"表{number}（第{self.header.first_row}行起，“{self.header.match.template.title}”，{self.rows} 行）"


def _filled(cells: list[str | None]) -> bool:
    return any(c is not None and str(c).strip() for c in cells)


def _header_at(file_name: str, rows: Rows, at: int) -> Header | None:
    """The header whose first row is rows[at] (with rows[at + 1] as a possible second row), or None."""
    try:
        header = find_header(file_name, rows[at:at + 2], None)
    except UploadError:
        return None
    return header if header.first_row == rows[at][0] else None


def _norm_column(column: pa.Array) -> pa.Array:
    """ingest.header.norm on an Arrow column of texts."""
    text = pc.utf8_lower(pc.utf8_normalize(pc.fill_null(column, ""), "NFKC"))
    for a, b in (("[", "("), ("]", ")"), ("【", "("), ("】", ")"), ("〔", "("), ("〕", ")"), ("{", "("), ("}", ")")):
        text = pc.replace_substring(text, a, b)
    text = pc.replace_substring_regex(text, _DROP.pattern, "")
    return pc.replace_substring_regex(text, _UNIT.pattern, "")


def _body_candidates(body: Body) -> list[int]:
    """Body row positions where two or more cells read as a template's column names: maybe a header."""
    if not len(body):
        return []
    names = pa.array(NAMES, pa.string())

    def is_name(texts: pa.Array) -> pa.Array:
        # only the texts without a foreign ideograph (a village name has one) go through the normalisation
        maybe = pc.invert(pc.fill_null(pc.match_substring_regex(texts, _FOREIGN), False))
        return bool_where(texts, lambda t: pc.fill_null(pc.is_in(_norm_column(t), value_set=names), False), maybe)

    count = pa.array([0] * len(body), pa.int64())
    # repeating columns first; a column of distinct texts (village names) is read only on the rows where it can
    # still make two: a row with no name among the others cannot reach two with one more. A column with no name
    # at all adds nothing.
    columns = sorted(range(body.cells.num_columns), key=lambda i: body.distinct(i).indices is None)
    for k, i in enumerate(columns):
        left = len(columns) - k  # this column and the ones after it
        column = body.cells.column(i)
        distinct = body.distinct(i)
        if distinct.indices is not None:  # it repeats itself
            found = is_name(distinct.values)
            if not pc.any(found).as_py():
                continue
            hit = distinct.expand(found)
        else:
            hit = bool_where(column, is_name, pc.greater_equal(count, 2 - left))
        count = pc.add(count, pc.cast(hit, pa.int64()))
    return pc.indices_nonzero(pc.greater_equal(count, 2)).to_pylist()


def _python_rows(body: Body, positions: list[int]) -> Rows:
    taken = body.cells.take(pa.array(positions, pa.int64()))
    numbers = pc.take(body.rows, pa.array(positions, pa.int64())).to_pylist()
    columns = [c.to_pylist() for c in taken.columns]
    return [(n, [col[k] for col in columns]) for k, n in enumerate(numbers)]


def _slice(body: Body, low: int, high: int | None, width: int) -> Body:
    """Rows with low < row < high (high None: to the end), the first `width` columns."""
    rows = body.rows.to_numpy(zero_copy_only=False)
    if len(rows) < 2 or bool(np.all(rows[1:] > rows[:-1])):  # rows in order (they always are): a slice, no copy
        start = int(np.searchsorted(rows, low, side="right"))
        stop = len(rows) if high is None else int(np.searchsorted(rows, high, side="left"))
        length = max(stop - start, 0)
        if start == 0 and length == len(rows):  # every row: the same Body, its Distincts kept
            return body.narrowed(width)
        cells = body.cells.slice(start, length)
        width = min(width, cells.num_columns)
        return Body(cells.select(list(range(width))), body.rows.slice(start, length))
    mask = pc.greater(body.rows, low)
    if high is not None:
        mask = pc.and_(mask, pc.less(body.rows, high))
    cells = body.cells.filter(mask)
    width = min(width, cells.num_columns)
    return Body(cells.select(list(range(width))), body.rows.filter(mask))


def find_tables(file_name: str, head: Rows, read_body: Callable[[int, int], Body]) -> list[Table]:
    """Every table on the sheet, in sheet order; [] when the sheet has no header find_header accepts without a
    chosen template (the caller then reads it as one table, and find_header says what is wrong)."""
    try:
        main = find_header(file_name, head, None)
    except UploadError:
        return []
    width = max([len(main.cells), *(len(c) for _, c in head)])
    filled = [(n, c) for n, c in head if _filled(c)]
    # headers above the best one (find_header took the tables above it for title rows)
    starts: list[tuple[int, int]] = []  # (first row, last row) of each header
    i = 0
    while i < len(filled) and filled[i][0] < main.first_row:
        found = _header_at(file_name, filled, i)
        if found is not None and found.last_row < main.first_row:
            starts.append((found.first_row, found.last_row))
            i += 1 + (found.last_row != found.first_row)
            continue
        i += 1
    starts.append((main.first_row, main.last_row))
    body = read_body(main.last_row, width)
    below = _body_candidates(body)
    if below:
        rows = _python_rows(body, sorted({p for b in below for p in (b, b + 1) if p < len(body)}))
        index = {n: k for k, (n, _) in enumerate(rows)}
        skip_to = 0
        for b in below:
            number = body.rows[b].as_py()
            if number <= skip_to:
                continue
            found = _header_at(file_name, rows, index[number])
            if found is not None:
                starts.append((found.first_row, found.last_row))
                skip_to = found.last_row
    # every row of the sheet we may need: the head (above and including the main header) and the body below it
    every = [(n, c) for n, c in head if n <= main.last_row]
    head_body = body_from_rows([(n, list(c)) for n, c in every], width)
    whole = Body(pa.concat_tables([head_body.cells, body.cells]), pa.concat_arrays([head_body.rows, body.rows]))
    blank = _blank_rows(whole, [head_body, body])
    tables = []
    title_from = 0  # rows after this may be the table's title rows
    for k, (first, last) in enumerate(starts):
        following = starts[k + 1][0] if k + 1 < len(starts) else None
        gap = [r for r in blank if last < r < following] if following is not None else []
        end = gap[-1] if gap else following  # data ends at the last blank row before the next header
        segment = _slice(whole, title_from, last + 1, width)
        rows = _python_rows(segment, list(range(len(segment))))
        header = main if first == main.first_row and not k else find_header(file_name, rows, None)
        # a table below the main header lies in the body: sliced from it, it keeps the body's Distincts
        data, note = sub_header(_slice(body if last >= main.last_row else whole, last, end, len(header.cells)), header)
        kinds = _kinds(data, header)
        tables.append(Table(header, data, pc.sum(kinds.data).as_py() or 0, rows, note, kinds))
        title_from = end if end is not None else last
    return tables


def _filled_rows(body: Body) -> pa.Array | None:
    """Whether each row has a cell with text (None without columns)."""
    filled = None
    # repeating columns first (once per distinct text); a column of distinct texts only where still blank
    for i in sorted(range(body.cells.num_columns), key=lambda i: body.distinct(i).indices is None):
        distinct = body.distinct(i)
        if filled is None or distinct.indices is not None:
            has = distinct.filled()
            filled = has if filled is None else pc.or_(filled, has)
        else:
            filled = pc.or_(filled, bool_where(body.cells.column(i), has_text, pc.invert(filled)))
    return filled


def _blank_rows(body: Body, parts: list[Body] | None = None) -> list[int]:
    """The blank rows of `body`; `parts`: bodies whose rows, one after the other, are body's (each part's
    Distincts are used; whether a row is blank depends on that row alone)."""
    if parts is None:
        filled = _filled_rows(body)
    else:
        pieces = [_filled_rows(part) for part in parts]
        filled = None if any(p is None for p in pieces) else pa.concat_arrays(
            [p.combine_chunks() if isinstance(p, pa.ChunkedArray) else p for p in pieces])
    if filled is None:
        return []
    # rows missing from the body (an .xlsx skips empty rows) are blank too: the gaps between the first row and the
    # last (in body order) that no body row fills
    rows = body.rows.to_numpy(zero_copy_only=False)
    blank = rows[~filled.to_numpy(zero_copy_only=False)]
    if len(rows):
        low, high = rows[0], rows[-1]
        present = _sorted_set(rows[(rows >= low) & (rows <= high)])
        after = np.diff(present) > 1  # a gap follows these rows
        gaps = [np.arange(a + 1, b) for a, b in zip(present[:-1][after], present[1:][after])]
        blank = np.concatenate([blank, *gaps])
    return _sorted_set(blank).tolist()


def _sorted_set(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (np.unique, without the hash table numpy 2 builds for it)."""
    values = np.sort(values)
    return values[np.concatenate([[True], values[1:] != values[:-1]])] if len(values) else values


def _kinds(body: Body, header: Header) -> RowKinds:
    return classify(body, [header.match.columns[k] for k in _NAME_KEYS if k in header.match.columns])


def pick(file_name: str, tables: list[Table], number: int | None, template_key: str | None) -> int:
    """The index of the table to read: `number` (1-based) when given, else the first (of the chosen template)."""
    if number is not None:
        if not 1 <= number <= len(tables):
            raise no_such_table(file_name, number, len(tables))
        return number - 1
    if template_key is not None:
        for i, table in enumerate(tables):
            if table.header.match.template.key == template_key:
                return i
    return 0


def no_such_table(file_name: str, number: int, count: int) -> UploadError:
    return UploadError(f"{file_name}：没有第 {number} 个表格（本工作表共 {count} 个表格）",
                       f"{file_name}: no table {number} (the sheet has {count})")


def several_tables_message(tables: list[Table], chosen: int) -> tuple[str, str]:
    listed = "；".join(t.label(i + 1) for i, t in enumerate(tables))
    return (f"本工作表有 {len(tables)} 个表格：{listed}。本次读取表{chosen + 1}；"
            "如需读取其他表格，请在“选择表格”中选择（命令行加 --table N）",
            f"the sheet has {len(tables)} tables; table {chosen + 1} was read")


def sub_header(body: Body, header: Header) -> tuple[Body, Note | None]:
    """The first body row when it is a lower header row of sub-headers outside the template (合计, 其中女 under a
    merged 党员人数): no place name (rows.classify reads one as a heading row), no number, and every filled cell under a merged or blank-above parent (the
    parent's right-hand neighbour blank) or under a column the template does not use. Dropped with a Note."""
    if not len(body) or header.two_rows:
        return body, None
    first = body.rows[0].as_py()
    if first != header.last_row + 1:
        return body, None
    cells = [col[0].as_py() for col in body.cells.columns]
    texts = [str(c).strip() if c is not None else "" for c in cells]
    if not any(texts):
        return body, None
    above = [c.text for c in header.cells] + [""] * len(texts)
    used = set(header.match.columns.values())
    names = {header.match.columns[k] for k in _NAME_KEYS if k in header.match.columns}
    for i, text in enumerate(texts):
        if not text:
            continue
        if i in names or _NUMBER.match(text) or _PLACE.match(re.sub(r"\s+", "", text)):
            return body, None
        merged = not above[i] or not above[i + 1] if i + 1 < len(header.cells) else not above[i]
        if i in used and not merged:
            return body, None
    words = "、".join(t for t in texts if t)
    note = Note("sub_header", f"第{first}行为表头的下层小标题（{words}），不属于模板的列，已按表头跳过", 1, (first,))
    rest = pc.greater(body.rows, first)
    return Body(body.cells.filter(rest), body.rows.filter(rest)), note
