"""督办台账 as Excel in the layout a 督查室 keeps: a title row with the plan's name, the 数据截至 line, then 序号、任务、
牵头单位、责任单位、时限、进展、状态、销号时间 under a frozen, filterable header, long text wrapped in fixed-width columns,
the 状态 in the palette's colours; a second sheet lists the open 督办 items with their 整改措施 when there are any.

Built only inside a download button's callback (ui.downloads.xlsx_button calls LedgerWorkbook.xlsx on click)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from plan_monitor.ledger.state import STATES
from plan_monitor.outputs.xlsx import sheet_name, write_table
from plan_monitor.present.ledger import LEDGER_COLUMNS
from plan_monitor.present.palette import STATE_COLORS, STATE_TEXT

LEDGER_WIDTHS = {"序号": 6, "任务": 28, "牵头单位": 14, "责任单位": 22, "时限": 20, "进展": 44, "状态": 12, "销号时间": 16}
ITEM_COLUMNS = ["序号", "县（市、区）", "指标", "立项", "时限", "触发数据", "整改措施"]
ITEM_WIDTHS = {"序号": 6, "县（市、区）": 16, "指标": 28, "立项": 16, "时限": 16, "触发数据": 44, "整改措施": 48}
LEDGER_SHEET, ITEM_SHEET = "督办台账", "督办事项"
STATE_BY_LABEL = {label: code for code, label in STATES.items()}


def _layout(ws: Worksheet, widths: dict[str, float], frame: pd.DataFrame, state_column: str | None = None) -> None:
    """Fixed column widths, every body cell wrapped and top-aligned (序号 centred), 状态 in its colour."""
    header_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == frame.columns[0])
    for j, name in enumerate(frame.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = widths.get(name, 14)
        for i in range(header_row + 1, header_row + 1 + len(frame)):
            cell = ws.cell(row=i, column=j)
            cell.alignment = Alignment(wrap_text=True, vertical="top",
                                       horizontal="center" if name in ("序号", state_column) else None)
            code = STATE_BY_LABEL.get(cell.value) if name == state_column else None
            if code in STATE_COLORS:
                cell.fill = PatternFill("solid", fgColor=STATE_COLORS[code].lstrip("#").upper())
                cell.font = Font(bold=True, color=STATE_TEXT[code].lstrip("#").upper())
    ws.row_dimensions[1].height = 22
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"


def ledger_xlsx(ledger: pd.DataFrame, title: str, as_of_line: str, items: pd.DataFrame | None = None) -> bytes:
    """The ledger table (present.ledger.ledger_table or its export_table: the LEDGER_COLUMNS are taken) as the
    督办台账 sheet; open 督办 items (present.ledger.item_table) as a second sheet when there are any."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(LEDGER_SHEET)
    frame = ledger[LEDGER_COLUMNS].reset_index(drop=True)
    write_table(ws, frame, title=title, as_of_line=as_of_line)
    _layout(ws, LEDGER_WIDTHS, frame, "状态")
    if items is not None and len(items):
        sheet = wb.create_sheet(sheet_name(ITEM_SHEET))
        frame = items[ITEM_COLUMNS].reset_index(drop=True)
        write_table(sheet, frame, title=f"{title}（{ITEM_SHEET}）", as_of_line=as_of_line)
        _layout(sheet, ITEM_WIDTHS, frame)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass(frozen=True)
class LedgerWorkbook:
    """What xlsx_button makes on click: .xlsx(title, note) like an ExportTable, with the 督办 items' sheet."""

    ledger: pd.DataFrame
    items: pd.DataFrame | None = None

    def xlsx(self, title: str | None, as_of_line: str) -> bytes:
        return ledger_xlsx(self.ledger, title or LEDGER_SHEET, as_of_line, self.items)
