"""Tables as .xlsx bytes: bold frozen header, numbers kept as numbers, and text that could run as a formula neutralised."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

FORMULA_START = ("=", "+", "-", "@")


def safe_text(value):
    """A village named "=1+1" must stay text in Excel: prefix such strings with an apostrophe-like quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def table_xlsx(frame: pd.DataFrame, sheet: str = "数据", title: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    if title:
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=13)
    ws.append([str(c) for c in frame.columns])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F4")
    for row in frame.itertuples(index=False):
        ws.append([None if (v is None or (isinstance(v, float) and pd.isna(v))) else safe_text(v) for v in row])
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for i, col in enumerate(frame.columns, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)]) * 1.6 + 2
        ws.column_dimensions[ws.cell(row=header_row, column=i).column_letter].width = min(40, width)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
