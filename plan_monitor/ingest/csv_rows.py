"""A decoded CSV as rows of cell texts: the first rows for header detection, then the body as Arrow.

Row numbers are physical line numbers (what a text editor or Excel shows), title rows included.
The body is parsed by pyarrow.csv; if a quoted cell spans lines, line numbers can no longer be
derived from row order and the body is re-read with Python's csv module instead.
"""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from plan_monitor.ingest.sheet import Body, body_from_rows

HEAD_RECORDS = 60  # enough for 20 non-blank rows above and including a header, plus blank lines


class CsvSheet:
    def __init__(self, text: str):
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text
        self.head: list[tuple[int, list[str | None]]] = []
        self._ends: dict[int, int] = {}  # record's first line → its last line
        reader = csv.reader(io.StringIO(text))
        start = 1
        for cells in reader:
            self.head.append((start, [c if c != "" else None for c in cells]))
            self._ends[start] = reader.line_num
            start = reader.line_num + 1
            if len(self.head) >= HEAD_RECORDS:
                break

    def body(self, last_header_row: int, width: int) -> Body:
        end_line = self._ends[last_header_row]
        offset = 0
        for _ in range(end_line):
            offset = self.text.find("\n", offset) + 1
            if offset == 0:
                return body_from_rows([], width)
        text = self.text[offset:]
        first_line = end_line + 1
        fast = _pyarrow_body(text, width, first_line)
        return fast if fast is not None else _python_body(text, width, first_line)


def _pyarrow_body(text: str, width: int, first_line: int) -> Body | None:
    if not text:
        return body_from_rows([], width)
    names = [f"c{i}" for i in range(width)]
    invalid: list[tuple[int, str]] = []

    def keep_aside(row) -> str:
        invalid.append((row.number, row.text))
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(use_threads=False, column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(invalid_row_handler=keep_aside, newlines_in_values=True,
                                             ignore_empty_lines=False),
            # Only an empty cell is null here: "NA", "NULL", "#N/A"… are read (and noted) by ingest.cells.
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), null_values=[""],
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
    except pa.ArrowInvalid:
        return None
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    records = table.num_rows + len(invalid)
    if records != lines or any(n is None for n, _ in invalid):
        return None  # a quoted cell spans lines: row order no longer gives line numbers
    ordinals = pa.array(range(1, records + 1), pa.int64())
    if invalid:
        bad = pa.array([n for n, _ in invalid], pa.int64())
        ordinals = ordinals.filter(pc.invert(pc.is_in(ordinals, bad)))
        # Rows with fewer or more cells than the header (a note typed in one cell, stray commas).
        extra = body_from_rows([(n, _split(t)) for n, t in invalid], width)
        table = pa.concat_tables([table.combine_chunks(), extra.cells])
        ordinals = pa.concat_arrays([ordinals, extra.rows])
        order = pc.sort_indices(ordinals)
        table, ordinals = table.take(order), ordinals.take(order)
    rows = pc.add(ordinals, first_line - 1)
    return Body(table.combine_chunks(), rows)


def _split(line: str) -> list[str | None]:
    cells = next(csv.reader([line]), [])
    return [c if c != "" else None for c in cells]


def _python_body(text: str, width: int, first_line: int) -> Body:
    reader = csv.reader(io.StringIO(text))
    out = []
    start = first_line
    for cells in reader:
        out.append((start, [c if c != "" else None for c in cells]))
        start = first_line + reader.line_num
    return body_from_rows(out, width)
