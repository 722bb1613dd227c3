"""The .xlsx reader as it was before issue 13 (openpyxl read-only), kept only so bench/hostile_bench.py can time
old against new in one run. Not used by the app."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from itertools import chain

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from plan_monitor.ingest.model import UploadError
from plan_monitor.ingest.sheet import Body, body_from_rows, too_many_rows

HEAD_RECORDS = 60
ROW_SLACK = 100  # filled rows beyond max_rows that may still be 合计, 小计 or note rows, not data


class XlsxSheets:
    """Every worksheet's first rows; the body is then streamed from the one chosen."""

    def __init__(self, file_name: str, data: bytes):
        self.file_name = file_name
        try:
            self._book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
            raise UploadError(f"{file_name}：无法作为 Excel（.xlsx）文件打开，文件可能已损坏或不是 Excel 文件；"
                              "请在 Excel/WPS 中打开后另存为 .xlsx 再上传",
                              f"{file_name}: cannot open as xlsx: {exc}") from exc
        self.sheets: list[tuple[str, list[tuple[int, list[str | None]]], Iterator]] = []
        for ws in self._book.worksheets:
            ws.reset_dimensions()  # a stale <dimension> in the file would silently cut rows off
            rows = ws.iter_rows(min_row=1, values_only=True)
            head = []
            for number, values in enumerate(rows, start=1):
                head.append((number, [cell_text(v) for v in values]))
                if number >= HEAD_RECORDS:
                    break
            self.sheets.append((ws.title, head, rows))

    def close(self) -> None:
        self._book.close()

    def body(self, sheet: int, last_header_row: int, width: int, max_rows: int) -> Body:
        """Rows below the header; stops (raising) as soon as more than max_rows rows have content,
        so a sheet of a million rows is never held in memory."""
        _, head, rows = self.sheets[sheet]
        out: list[tuple[int, list[str | None]]] = []
        pending: list[tuple[int, list[str | None]]] = []  # blank rows, kept only if content follows
        filled = 0
        for number, cells in chain(head[last_header_row:], _numbered(rows, len(head) + 1)):
            if not any(c is not None and c.strip() for c in cells):
                if len(pending) < max_rows:
                    pending.append((number, cells))
                continue
            filled += 1
            if filled > max_rows + ROW_SLACK:
                raise too_many_rows(self.file_name, max_rows)
            out.extend(pending)
            pending.clear()
            out.append((number, cells))
        return body_from_rows(out, width)


def _numbered(rows: Iterator, start: int) -> Iterator[tuple[int, list[str | None]]]:
    for number, values in enumerate(rows, start=start):
        yield number, [cell_text(v) for v in values]


def cell_text(value: object) -> str | None:
    """The text Excel shows for a cell (without its number format): what the analyst typed."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")  # Excel shows 15 significant digits; 25.299999999999997 is 25.3
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)

