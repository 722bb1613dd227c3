"""Tables as .xlsx bytes a reader can use as they are: title and 数据截至 above a frozen, filterable header,
units in the header, numbers kept as numbers with a fitting format, status cells in the dashboard's colours,
and text that could run as a formula kept as text (as_text)."""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections.abc import Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from plan_monitor.metrics.trajectory import STATUS_LABELS
from plan_monitor.present.format import POINTS
from plan_monitor.present.palette import STATUS_COLORS
from plan_monitor.outputs.safe_text import printable  # noqa: F401  (re-exported for the other .xlsx writers)

# Tab and CR are on OWASP's CSV-injection list. The full-width signs are a precaution against IME-typed input:
# a name starting with one is odd anyway and only gains a visible quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
PERCENT, COUNT, DECIMAL, YEAR, DATE = "0.0%", "#,##0", "#,##0.0", "0", "yyyy-mm-dd"
# A share's gap in a column of mixed units: the number in percentage points, the cell saying so (8.5个百分点).
POINTS_FORMAT = f'#,##0.0"{POINTS}"'
# The header row of every sheet the project writes (exports, upload reports, blank templates).
HEADER_FILL = PatternFill("solid", fgColor="DDE6F4")
HEADER_FONT = Font(bold=True)
MAX_WIDTH, MIN_WIDTH = 48, 6
STATUS_BY_LABEL = {label: code for code, label in STATUS_LABELS.items()}


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def as_text(cell: Cell) -> Cell:
    """A village named "=1+1" or a cell reading "-5" must stay text in Excel: such a cell is stored as a string,
    never a formula, with Excel's quote prefix (the style Excel itself gives a typed '-5), so it shows as typed,
    without a visible apostrophe, and stays text when the reader edits it."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def display_width(text: str) -> int:
    """Width in Latin characters: an East Asian wide or full-width character (汉字, （）、，) takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(texts, low: float = MIN_WIDTH, high: float = MAX_WIDTH, pad: int = 2) -> float:
    """An Excel column width fitting the widest of `texts` plus `pad`, kept within low..high: every sheet the
    project writes sizes its columns this way."""
    return max(low, min(high, max((display_width(str(t)) for t in texts), default=0) + pad))


def _plain(value):
    """Python scalars for openpyxl; missing values of any flavour become an empty cell."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return printable(value)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number_format(values: list, unit: str | None) -> str:
    if unit == "%":
        return PERCENT
    if unit == POINTS:
        return DECIMAL
    return COUNT if all(float(v).is_integer() for v in values) else DECIMAL


def _status_style(value) -> tuple[PatternFill, Font] | None:
    code = STATUS_BY_LABEL.get(value, value)
    if code not in STATUS_LABELS:
        return None
    color = STATUS_COLORS[code].lstrip("#").upper()
    r, g, b = (int(color[i:i + 2], 16) / 255 for i in (0, 2, 4))
    # Perceived brightness decides the text colour: white on the dark green and red, black on the light ones.
    dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.6
    return PatternFill("solid", fgColor=color), Font(bold=True, color="FFFFFF" if dark else "000000")


def sheet_name(name: str) -> str:
    """Excel refuses these characters and names longer than 31 in a sheet tab."""
    return "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "数据"


def write_table(ws: Worksheet, frame: pd.DataFrame, *, units: dict[str, str] | None = None,
                status_column: str | Sequence[str] | None = None, title: str | None = None,
                as_of_line: str | None = None, unit_column: str | None = None,
                point_columns: Sequence[str] = ()) -> None:
    """Fill a worksheet; see table_xlsx."""
    units = units or {}
    statuses = {status_column} if isinstance(status_column, str) else set(status_column or ())
    for line, font in ((title, Font(bold=True, size=13)), (as_of_line, Font(color="555555"))):
        if line:
            ws.append([printable(line)])
            as_text(ws.cell(row=ws.max_row, column=1)).font = font
    headers = [printable(f"{col}（{units[col]}）" if units.get(col) else str(col)) for col in frame.columns]
    ws.append(headers)
    header_row = ws.max_row
    for cell in ws[header_row]:
        as_text(cell)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")

    columns = [[_plain(v) for v in frame[col]] for col in frame.columns]
    row_units = [_plain(u) for u in frame[unit_column]] if unit_column else [None] * len(frame)
    shown_texts = [[h] for h in headers]
    for j, (name, values) in enumerate(zip(frame.columns, columns)):
        # A figure follows its row's 单位 unless the header already states a unit for the whole column.
        cell_units = row_units if unit_column and not units.get(name) else [units.get(name)] * len(values)
        if name in point_columns:  # a share's gap is in percentage points
            cell_units = [POINTS if u == "%" else u for u in cell_units]
        numbers = [i for i, v in enumerate(values) if _is_number(v)]
        formats = {}
        for unit in {cell_units[i] for i in numbers}:
            same = [values[i] for i in numbers if cell_units[i] == unit]
            formats[unit] = YEAR if str(name).endswith("年度") or name == "year" else _number_format(same, unit)
            if unit == POINTS and not units.get(name):  # the header names no unit: the cell does
                formats[unit] = POINTS_FORMAT
        for i, value in enumerate(values):
            cell = as_text(ws.cell(row=header_row + 1 + i, column=j + 1, value=value))
            if _is_number(value):
                cell.number_format = formats[cell_units[i]]
                shown = f"{value:,.1%}" if cell.number_format == PERCENT else f"{value:,.1f}"
            elif isinstance(value, (dt.date, dt.datetime)):
                cell.number_format = DATE
                shown = "2024-12-31"
            else:
                shown = "" if value is None else str(value)
            if name in statuses and (style := _status_style(value)):
                cell.fill, cell.font = style
            if i < 500:
                shown_texts[j].append(shown)

    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if len(frame.columns):
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(frame.columns))}{header_row + len(frame)}"
    for j, texts in enumerate(shown_texts, start=1):
        ws.column_dimensions[get_column_letter(j)].width = column_width(texts)


def table_xlsx(frame: pd.DataFrame, sheet: str = "数据", units: dict[str, str] | None = None,
               status_column: str | Sequence[str] | None = None, title: str | None = None,
               as_of_line: str | None = None, *, unit_column: str | None = None,
               point_columns: Sequence[str] = ()) -> bytes:
    """One table as an .xlsx workbook.

    units: column → unit, shown in the header ("完成值（个）"); "%" columns hold fractions shown as 0.0%.
    unit_column: a column holding each row's unit (单位), for figures whose unit differs per row.
    status_column: column(s) of status labels or codes, filled with the dashboard's status colours.
    title and as_of_line: lines above the header (the 数据截至 line belongs on every export).
    """
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(sheet)
    write_table(ws, frame, units=units, status_column=status_column, title=title, as_of_line=as_of_line,
                unit_column=unit_column, point_columns=point_columns)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
