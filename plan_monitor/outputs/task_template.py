"""The 任务进展台账 template to download: an xlsx pre-filled with the assignments the acting user may report for,
one row per task, reporter and period still to report (every begun, unreported period of a cadence task; one row
for a deadline task), with a title row, the header the reader expects (ingest.task_sheet), drop-downs for 进展状态
and 申请销号 and readable column widths. Filled in and uploaded back, it reads without any normalisation; the rows
left blank are skipped."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from plan_monitor.access.roles import Actor
from plan_monitor.ingest.task_sheet import HEADERS
from plan_monitor.ledger.rules import reportable
from plan_monitor.ledger.state import STATUSES, open_periods, report_deadline
from plan_monitor.outputs.xlsx import HEADER_FILL, HEADER_FONT, column_width
from plan_monitor.present.format import fmt_date

SHEET = "任务进展台账"
GUIDE = "填表说明"
DUE = "应报时限"  # shown for the reporter; not read back
COLUMNS = [HEADERS["task_id"], HEADERS["title"], HEADERS["reporter"], HEADERS["period"], DUE, HEADERS["status"],
           HEADERS["progress"], HEADERS["evidence"], HEADERS["close"]]
LAST_ROW = 2000
INPUT_WIDTHS = {HEADERS["progress"]: 48, HEADERS["evidence"]: 30, HEADERS["status"]: 12, HEADERS["close"]: 10}


def template_rows(ledger, actor: Actor) -> list[dict]:
    """The template's rows: each open assignment the actor may report for, per period still to report."""
    plan, day = ledger.plan, ledger.day
    mine = reportable(plan, ledger.assignments, actor)
    mine = mine[mine["close"] != "closed"]
    reports = ledger.events[ledger.events["kind"] == "report"]
    reported = set(zip(reports["task_id"], reports["reporter"], reports["period"]))
    tasks = {t.id: t for t in plan.tasks}
    rows = []
    for task_id, reporter in zip(mine["task_id"], mine["reporter"]):
        task = tasks[task_id]
        base = {HEADERS["task_id"]: task.id, HEADERS["title"]: task.title or task.wording[:40],
                HEADERS["reporter"]: reporter}
        if task.cadence is None:
            rows.append({**base, HEADERS["period"]: "", DUE: fmt_date(task.deadline) + "前"})
            continue
        for period in open_periods(task, plan, day):
            if (task.id, reporter, period.key) not in reported:
                rows.append({**base, HEADERS["period"]: period.label,
                             DUE: fmt_date(report_deadline(period, plan.supervision.report_days)) + "前"})
    return rows


def template_file_name(ledger) -> str:
    return f"任务进展台账_{ledger.day.isoformat()}.xlsx"


def task_template_xlsx(ledger, actor: Actor) -> bytes:
    rows = template_rows(ledger, actor)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    title = f"{ledger.plan.plan.name} · 任务进展台账（截至 {fmt_date(ledger.day)}）"
    sheet.cell(1, 1, title).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    for c, header in enumerate(COLUMNS, start=1):
        cell = sheet.cell(2, c, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for r, row in enumerate(rows, start=3):
        for c, header in enumerate(COLUMNS, start=1):
            cell = sheet.cell(r, c, row.get(header, ""))
            if header in (HEADERS["progress"], HEADERS["evidence"]):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    status = DataValidation(type="list", formula1='"' + ",".join(STATUSES.values()) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="进展状态", error="请从下拉列表中选择：" +
                            "、".join(STATUSES.values()))
    close = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                           errorTitle="申请销号", error="请选择“是”或“否”；不申请可留空")
    for validation, header in ((status, HEADERS["status"]), (close, HEADERS["close"])):
        letter = get_column_letter(COLUMNS.index(header) + 1)
        validation.add(f"{letter}3:{letter}{max(LAST_ROW, len(rows) + 2)}")
        sheet.add_data_validation(validation)
    for c, header in enumerate(COLUMNS, start=1):
        texts = [header, *(str(row.get(header, "")) for row in rows)]
        sheet.column_dimensions[get_column_letter(c)].width = INPUT_WIDTHS.get(header) or column_width(texts)
    sheet.freeze_panes = "A3"
    guide = book.create_sheet(GUIDE)
    lines = [
        "填表说明",
        f"1. 本表列出{actor.who}可填报的、尚未销号的任务；定期任务每个尚未填报的报告期一行，一次完成的任务一行。",
        "2. 任务编号、填报单位、报告期请勿修改；应报时限仅供参考，不读取。",
        "3. 进展状态从下拉列表选择：" + "、".join(STATUSES.values()) + "；进展情况 2 至 500 字。",
        "4. 任务已全部完成、申请销号的，申请销号填“是”，并在佐证材料中写明佐证材料名称，提交后由市级审核。",
        "5. 不填写进展的行上传时自动跳过；可删除不需要的行。上传后先预览问题，确认无误再提交。",
    ]
    for r, text in enumerate(lines, start=1):
        guide.cell(r, 1, text).font = Font(bold=(r == 1))
    guide.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
