"""The validation report as .xlsx: the problem list, the normalisations applied, and the file with problem cells marked.

Written with a write-only workbook so a 20,000-row roster stays quick: only marked cells carry a style or a comment.
"""

from __future__ import annotations

import io
from copy import copy
from dataclasses import dataclass, field
from pathlib import PurePath

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from plan_monitor.ingest.model import SEVERITY_LABELS, Issue, Note, Parsed, Reading, sorted_issues
from plan_monitor.outputs.xlsx import HEADER_FILL, HEADER_FONT, as_text, column_width, looks_like_formula, printable

ISSUES_SHEET = "问题清单"
NOTES_SHEET = "处理说明"
RAW_SHEET = "原始数据"
ROW_NUMBER_HEADER = "原行号"
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
WRAP = Alignment(wrap_text=True, vertical="top")
COMMENT_CHARS = 1000  # Excel shows a comment box, not a scroll view; the full list is on the 问题清单 sheet


def report_file_name(file_name: str) -> str:
    stem = "".join(ch for ch in PurePath(file_name.replace("\\", "/")).stem if ch.isprintable()).strip()
    return f"{stem[:60] or '上传文件'}_校验报告.xlsx"


class _Styles:
    """Prototype cells per look: assigning a fill through openpyxl hashes it each time, copying the style ids does not."""

    def __init__(self, ws):
        self.ws = ws
        self.protos: dict[str, WriteOnlyCell] = {}
        for name, fill in (("error", ERROR_FILL), ("warning", WARNING_FILL)):
            self.protos[name] = WriteOnlyCell(ws)
            self.protos[name].fill = fill
        self.protos["wrap"] = WriteOnlyCell(ws)
        self.protos["wrap"].alignment = WRAP

    def cell(self, value, look: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=printable(value))
        cell._style = copy(self.protos[look]._style)
        return as_text(cell)


def _text(ws, value):
    """A value for a write-only row: a formula-looking text becomes a cell kept as text (see xlsx.as_text); control
    characters are shown as symbols (xlsx.printable)."""
    value = printable(value)
    return as_text(WriteOnlyCell(ws, value=value)) if looks_like_formula(value) else value


def _header_row(ws, headers: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for text in headers:
        cell = as_text(WriteOnlyCell(ws, value=printable(text)))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    return cells


def _prepare(ws, widths: list[float]) -> None:
    # Write-only sheets emit these with the sheet's opening XML, so they must be set before any row.
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = width


def _issues_sheet(wb: Workbook, issues: list[Issue]) -> None:
    ws = wb.create_sheet(ISSUES_SHEET)
    _prepare(ws, [8, 8, 24, 24, 70])
    ws.append(_header_row(ws, ["级别", "行号", "列", "值", "说明"]))
    styles = _Styles(ws)
    for issue in sorted_issues(issues):
        level = styles.cell(SEVERITY_LABELS.get(issue.severity, issue.severity),
                            "error" if issue.severity == "error" else "warning")
        message = styles.cell(issue.message, "wrap")
        ws.append([level, issue.row, _text(ws, issue.column), _text(ws, issue.value), message])


def _notes_sheet(wb: Workbook, notes: list[Note], reading: Reading | None, read: bool) -> None:
    """The normalisations applied, after the header reading (the row taken, each column's reading); never empty."""
    ws = wb.create_sheet(NOTES_SHEET)
    _prepare(ws, [80, 8, 30])
    ws.append(_header_row(ws, ["处理说明", "处数", "涉及行号（部分）"]))
    styles = _Styles(ws)
    lines: list[tuple[str, int | None, str | None]] = []
    if reading is not None:
        rows = f"{reading.header_row}" if reading.last_row == reading.header_row else \
            f"{reading.header_row}、{reading.last_row}"
        lines.append((f"表头：{reading.summary()}", len(reading.columns), rows))
        lines += [(f"表头：{line}", None, None) for line in reading.lines()]
    lines += [(n.message, n.count, "、".join(str(r) for r in n.rows) or None) for n in notes]
    if not lines:
        lines.append(("文件已按模板读取，未作任何自动处理" if read else "文件未能读取，未作任何处理；原因见“问题清单”", None, None))
    for message, count, rows in lines:
        ws.append([styles.cell(message, "wrap"), count, rows])


@dataclass
class _Mark:
    error: bool = False
    messages: list[str] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.error = self.error or issue.severity == "error"
        text = f"{SEVERITY_LABELS.get(issue.severity, issue.severity)}：{issue.message}"
        if text not in self.messages:
            self.messages.append(text)


def _column_index(parsed: Parsed) -> dict[str, int]:
    """Header text → sheet column (1 is 原行号). Template headers also resolve when the file used another name."""
    index: dict[str, int] = {}
    for i, header in enumerate(parsed.raw_header, start=2):
        text = "" if header is None else str(header)
        index.setdefault(text, i)
        index.setdefault(text.strip(), i)
    for col in parsed.template.columns:
        found = parsed.headers.get(col.key)
        if col.header not in index and found is not None and found.strip() in index:
            index[col.header] = index[found.strip()]
    return index


def _marks(parsed: Parsed, issues: list[Issue]) -> tuple[dict[tuple[int, int], _Mark], dict[int, _Mark]]:
    """Cell marks keyed by (file row, sheet column), and whole-row marks keyed by file row; file row 0 is the header."""
    columns = _column_index(parsed)
    cells: dict[tuple[int, int], _Mark] = {}
    rows: dict[int, _Mark] = {}
    for issue in issues:
        col = None if issue.column is None else columns.get(issue.column, columns.get(issue.column.strip()))
        if issue.row is None:
            # A whole-column problem (e.g. an unrecognised header) is marked on the header cell.
            if col is not None:
                cells.setdefault((0, col), _Mark()).add(issue)
        elif col is None:
            rows.setdefault(issue.row, _Mark()).add(issue)
        else:
            cells.setdefault((issue.row, col), _Mark()).add(issue)
    return cells, rows


def _marked(styles: _Styles, value, mark: _Mark | None, row_mark: _Mark | None, comment_mark: _Mark | None):
    if mark is None and row_mark is None:
        return _text(styles.ws, value)
    error = (mark is not None and mark.error) or (row_mark is not None and row_mark.error)
    cell = styles.cell(value, "error" if error else "warning")
    if comment_mark is not None:
        comment = Comment("\n".join(comment_mark.messages)[:COMMENT_CHARS], "校验")
        comment.width, comment.height = 300, min(300, 40 + 30 * len(comment_mark.messages))
        cell.comment = comment
    return cell


def _raw_sheet(wb: Workbook, parsed: Parsed, issues: list[Issue]) -> None:
    ws = wb.create_sheet(RAW_SHEET)
    headers = [ROW_NUMBER_HEADER] + ["" if h is None else str(h) for h in parsed.raw_header]
    widths = [8] + [column_width([h], low=8, high=30) for h in headers[1:]]
    _prepare(ws, widths)
    cells, rows = _marks(parsed, issues)
    styles = _Styles(ws)
    header = _header_row(ws, headers)
    for (row, col), mark in cells.items():
        if row == 0:
            header[col - 1] = _marked(styles, header[col - 1].value, mark, None, mark)
            header[col - 1].font = HEADER_FONT
    ws.append(header)
    width = len(headers)
    for file_row, values in parsed.raw_rows:
        row_mark = rows.get(file_row)
        out = [_marked(styles, file_row, None, row_mark, row_mark)]
        padded = list(values) + [None] * (width - 1 - len(values))
        for col, value in enumerate(padded, start=2):
            mark = cells.get((file_row, col))
            out.append(_marked(styles, value, mark, row_mark, mark))
        ws.append(out)


def report_xlsx(parsed: Parsed | None, issues: list[Issue], notes: list[Note], file_name: str,
                reading: Reading | None = None) -> bytes:
    """Sheets 问题清单, 处理说明 (the header reading first: `reading`, else the parsed file's) and, when the file could
    be read, 原始数据 with problem cells filled and commented."""
    wb = Workbook(write_only=True)
    wb.properties.title = printable(f"{file_name} 校验报告")
    _issues_sheet(wb, issues)
    _notes_sheet(wb, notes, reading if reading is not None else getattr(parsed, "reading", None), parsed is not None)
    if parsed is not None:
        _raw_sheet(wb, parsed, issues)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
