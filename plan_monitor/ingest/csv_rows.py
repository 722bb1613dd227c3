"""A decoded CSV as rows of cell texts: the first rows for header detection, then the body as Arrow.

Row numbers are physical line numbers (what a text editor or Excel shows), title rows included.
The body is parsed by pyarrow.csv; if a quoted cell spans lines, line numbers can no longer be
derived from row order and the body is re-read with Python's csv module instead.

Tab-separated text (Excel's "Unicode 文本", "文本文件（制表符分隔）") is read the same way. Bounds, each refused with
a Chinese message naming it: a physical line of at most MAX_LINE_CHARS, filled cells within MAX_COLUMNS, every cell
within MAX_CELL_CHARS (Excel's own limit; a longer field is nearly always a stray quote swallowing lines).
"""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from plan_monitor.ingest import model
from plan_monitor.ingest.model import UploadError
from plan_monitor.ingest.sheet import Body, body_from_rows

HEAD_RECORDS = 60  # enough for 20 non-blank rows above and including a header, plus blank lines
# Python's csv module refuses a field over this many characters (its default, set here deliberately: the limit is
# process-wide). Anything over MAX_CELL_CHARS is refused anyway, with the same message.
CSV_FIELD_LIMIT = 131_072
csv.field_size_limit(CSV_FIELD_LIMIT)
SNIFF_LINES = 20


def delimiter_of(text: str) -> str:
    """Tab when the first non-blank lines hold more tabs than commas (Excel's Unicode text export), else comma."""
    tabs = commas = seen = 0
    for line in text[:1_000_000].split("\n", 200):
        if not line.strip():
            continue
        tabs += line.count("\t")
        commas += line.count(",")
        seen += 1
        if seen >= SNIFF_LINES:
            break
    return "\t" if tabs > commas else ","


def check_lines(file_name: str, text: str) -> None:
    """No physical line longer than MAX_LINE_CHARS (a line of commas must not become a million cells)."""
    limit = model.MAX_LINE_CHARS
    if len(text) <= limit:
        return
    # A line is too long exactly when some window of limit + 1 characters from a line's start holds no line end:
    # jump from window to window (a few steps for any file) and count lines only to name a line that is too long.
    start = 0
    while len(text) - start > limit:
        last = text.rfind("\n", start, start + limit + 1)
        if last < 0:
            break
        start = last + 1
    else:
        return
    start, number = 0, 1
    while True:
        end = text.find("\n", start)
        length = (len(text) if end < 0 else end) - start
        if length > limit:
            raise UploadError(f"{file_name}：第 {number:,} 行长 {length:,} 个字符，超过单行上限 {limit:,} 个字符；"
                              "请检查该行是否有大量多余的逗号或粘贴进来的无关内容",
                              f"{file_name}: line {number} has {length} characters, over {limit}")
        if end < 0:
            return
        start, number = end + 1, number + 1


def too_long(file_name: str, line: int, column: int | None, length: int) -> UploadError:
    where = f"第 {line:,} 行" + (f"第 {column} 列" if column else "起")
    return UploadError(
        f"{file_name}：{where}的单元格超过 {model.MAX_CELL_CHARS:,} 个字符（单元格上限，实际 {length:,} 个字符以上）；"
        "通常是该处有一个没有配对的英文双引号（\"），把其后的许多行读成了同一个单元格。请删除或配对该引号后重新上传",
        f"{file_name}: the cell at line {line}{f' column {column}' if column else ''} has {length}+ characters "
        f"(over {model.MAX_CELL_CHARS}); likely an unmatched quote",
    )


def _bounded(file_name: str, line: int, cells: list[str]) -> list[str | None]:
    """A record's cells within the bounds: empty ones past MAX_COLUMNS dropped (Excel pads ragged rows)."""
    if len(cells) > model.MAX_COLUMNS:
        extra = next((i for i in range(model.MAX_COLUMNS, len(cells)) if cells[i].strip()), None)
        if extra is not None:
            raise UploadError(f"{file_name}：第 {line:,} 行第 {extra + 1:,} 列有内容，超过上限 {model.MAX_COLUMNS:,} 列；"
                              "请删除表格右侧无关的内容后上传",
                              f"{file_name}: line {line} column {extra + 1} over {model.MAX_COLUMNS} columns")
        cells = cells[:model.MAX_COLUMNS]
    out = []
    for i, c in enumerate(cells):
        if len(c) > model.MAX_CELL_CHARS:
            raise too_long(file_name, line, i + 1, len(c))
        out.append(c if c != "" else None)
    return out


class CsvSheet:
    def __init__(self, text: str, file_name: str = ""):
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        check_lines(file_name, text)
        self.file_name = file_name
        self.text = text
        self.delimiter = delimiter_of(text)
        self.head: list[tuple[int, list[str | None]]] = []
        self._ends: dict[int, int] = {}  # record's first line → its last line
        reader = csv.reader(io.StringIO(text), delimiter=self.delimiter)
        start = 1
        try:
            for cells in reader:
                self.head.append((start, _bounded(file_name, start, cells)))
                self._ends[start] = reader.line_num
                start = reader.line_num + 1
                if len(self.head) >= HEAD_RECORDS:
                    break
        except csv.Error as exc:
            raise _csv_error(file_name, start, exc) from exc

    def body(self, last_header_row: int, width: int) -> Body:
        end_line = self._ends[last_header_row]
        offset = 0
        for _ in range(end_line):
            offset = self.text.find("\n", offset) + 1
            if offset == 0:
                return body_from_rows([], width)
        text = self.text[offset:]
        first_line = end_line + 1
        fast = _pyarrow_body(text, width, first_line, self.delimiter, self.file_name)
        body = fast if fast is not None else _python_body(text, width, first_line, self.delimiter, self.file_name)
        _check_lengths(self.file_name, body)
        return body


def _csv_error(file_name: str, line: int, exc: csv.Error) -> UploadError:
    if "field larger than field limit" in str(exc):
        return too_long(file_name, line, None, CSV_FIELD_LIMIT)
    return UploadError(f"{file_name}：第 {line:,} 行无法按 CSV 格式读取（{_csv_reason(exc)}）；"
                       "请在 Excel/WPS 中打开后另存为 .xlsx 或 CSV 再上传",
                       f"{file_name}: line {line}: {exc}")


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "NUL" in text or "null byte" in text:
        return "含有空字符 NUL"
    if "new-line character seen in unquoted field" in text:
        return "单元格中有不配对的换行符"
    return "格式错误"


def _check_lengths(file_name: str, body: Body) -> None:
    """Every cell within MAX_CELL_CHARS (pyarrow has no field limit of its own)."""
    for i, column in enumerate(body.cells.columns):
        # a text has no more characters than bytes: the byte lengths (read off the offsets) clear most columns
        longest = pc.max(pc.binary_length(column)).as_py()
        if longest is None or longest <= model.MAX_CELL_CHARS:
            continue
        lengths = pc.utf8_length(column)
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > model.MAX_CELL_CHARS:
            at = pc.indices_nonzero(pc.fill_null(pc.greater(lengths, model.MAX_CELL_CHARS), False))[0].as_py()
            raise too_long(file_name, body.rows[at].as_py(), i + 1, longest)


def _pyarrow_body(text: str, width: int, first_line: int, delimiter: str, file_name: str) -> Body | None:
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
            parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=keep_aside,
                                             newlines_in_values=True, ignore_empty_lines=False),
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
        extra = body_from_rows([(n, _split(t, delimiter)[:width]) for n, t in invalid], width)
        table = pa.concat_tables([table.combine_chunks(), extra.cells])
        ordinals = pa.concat_arrays([ordinals, extra.rows])
        order = pc.sort_indices(ordinals)
        table, ordinals = table.take(order), ordinals.take(order)
    rows = pc.add(ordinals, first_line - 1)
    return Body(table.combine_chunks(), rows)


def _split(line: str, delimiter: str) -> list[str | None]:
    cells = next(csv.reader([line], delimiter=delimiter), [])
    return [c if c != "" else None for c in cells]


def _python_body(text: str, width: int, first_line: int, delimiter: str, file_name: str) -> Body:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    out = []
    start = first_line
    try:
        for cells in reader:
            out.append((start, _bounded(file_name, start, cells)[:width]))
            start = first_line + reader.line_num
    except csv.Error as exc:
        raise _csv_error(file_name, start, exc) from exc
    return body_from_rows(out, width)
