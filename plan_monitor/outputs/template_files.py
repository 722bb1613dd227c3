"""Blank roster templates to download: headers exactly as the reader expects, with drop-downs and a how-to sheet.

The .xlsx carries only the header row, so a template filled in and saved re-uploads without any normalisation.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from plan_monitor.outputs.xlsx import HEADER_FILL, HEADER_FONT, column_width
from plan_monitor.spec.templates import TEMPLATES, Column, Template

DATA_SHEET = "填报"
GUIDE_SHEET = "填表说明"
OPTIONS_SHEET = "选项"
LAST_ROW = 5000  # validations cover this many rows; a county's village roster is well under it
YEAR_RANGE = (2000, 2100)
DATE_RANGE = (date(2000, 1, 1), date(2100, 12, 31))
DTYPE_NAMES = {"int": "整数", "float": "数字", "str": "文本", "bool": "是否", "date": "日期"}
DTYPE_EXAMPLES = {"int": "0", "float": "0", "str": "", "bool": "否", "date": "2024-06-30"}

REQUIRED_FONT = Font(bold=True, color="C00000")


def _template(template_key: str) -> Template:
    if template_key not in TEMPLATES:
        raise KeyError(f"未知模板 {template_key!r}，可选：{', '.join(TEMPLATES)}")
    return TEMPLATES[template_key]


def template_file_name(template_key: str, ext: str) -> str:
    return f"{_template(template_key).title}_模板.{ext.lstrip('.')}"


def template_csv(template_key: str) -> bytes:
    """Header row only; the BOM makes Excel on Windows read the Chinese headers as UTF-8 rather than GBK."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(_template(template_key).headers)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _excel_serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def _year_bounds(col: Column, plan) -> tuple[int, int]:
    if plan is None:
        return YEAR_RANGE
    last = plan.plan.years[-1]
    # A unit may have been named a demo before the plan's baseline, so only the data year is held to the plan.
    return (plan.plan.baseline_year, last) if col.key == "year" else (YEAR_RANGE[0], last)


def _validation(col: Column, plan, county_list: str | None) -> DataValidation | None:
    if col.choices:
        options = "、".join(col.choices)
        dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True,
                            errorTitle="类型", error=f"请从下拉列表选择：{options}")
    elif col.dtype == "bool":
        dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True, errorTitle="是否",
                            error="请填“是”或“否”")
    elif col.key == "county" and county_list:
        # Old or informal county names are still accepted on upload (aliases), so only warn.
        dv = DataValidation(type="list", formula1=county_list, allow_blank=True, errorStyle="warning",
                            errorTitle="县（市、区）", error="不在本市县（市、区）名单中，请核对名称")
    elif col.is_year:
        low, high = _year_bounds(col, plan)
        dv = DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high),
                            allow_blank=True, errorTitle="年度", error=f"请填 {low} 至 {high} 之间的四位年份")
    elif col.dtype == "date":
        dv = DataValidation(type="date", operator="between", formula1=str(_excel_serial(DATE_RANGE[0])),
                            formula2=str(_excel_serial(DATE_RANGE[1])), allow_blank=True, errorTitle="日期",
                            error="请填日期，如 2024-06-30")
    elif col.dtype == "int":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            errorTitle="整数", error="请填不小于 0 的整数，不带单位")
    elif col.dtype == "float":
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            errorTitle="数字", error="请填不小于 0 的数字，不带单位")
    else:
        return None
    dv.showErrorMessage = True
    dv.promptTitle = col.header[:32]  # Excel rejects longer prompt titles
    dv.prompt = col.help[:255]
    dv.showInputMessage = True
    return dv


def _county_options(wb: Workbook, geo) -> str | None:
    names = geo.county_names() if geo is not None else []
    if not names:
        return None
    ws = wb.create_sheet(OPTIONS_SHEET)
    for name in names:
        ws.append([name])
    ws.sheet_state = "hidden"
    return f"'{OPTIONS_SHEET}'!$A$1:$A${len(names)}"


def _examples(template: Template, plan, geo) -> dict[str, str]:
    examples = {c.key: c.example for c in template.columns if c.example}
    if plan is not None:
        examples["year"] = str(plan.plan.years[0])
        examples["as_of"] = f"{plan.plan.years[0]}-06-30"
    if geo is not None and geo.county_names():
        county = geo.county_names()[0]
        examples["county"] = county
        towns = geo.towns[geo.towns.county == county]
        if len(towns):
            examples["town"] = str(towns.town.iloc[0])
    return {c.key: examples.get(c.key, DTYPE_EXAMPLES[c.dtype]) for c in template.columns}


def _guide_notes(template: Template) -> list[str]:
    unit = "、".join(template.column(k).header for k in template.unit_keys)
    return [
        f"每个单位每个年度填一行：以“{unit}”加“年度”“统计截至”确定一行，不要重复填报。",
        "同一单位同一年度有多次报送时，以“统计截至”最晚的一次为准；“统计截至”空白表示年末（12月31日）。",
        "请保留第一行列名不变；红色列名为必填列，不能空白。",
        "数字列只填数字，不带单位、不加文字说明；“是否”列填“是”或“否”；日期填如 2024-06-30。",
        "合计行可保留，系统会自动识别并核对合计数。",
        "上传后先预览再确认：系统会列出所做的规范化处理和发现的问题，确认后才写入。",
        "支持 .xlsx 和 CSV 文件；CSV 可用 GB18030（GBK）或 UTF-8 编码保存。",
    ]


def _data_sheet(ws, template: Template, plan, county_list: str | None) -> None:
    ws.title = DATA_SHEET
    ws.append(template.headers)
    for i, col in enumerate(template.columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = REQUIRED_FONT if col.required else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        comment = Comment(("必填。" if col.required else "选填。") + col.help, "模板")
        comment.width, comment.height = 260, 110
        cell.comment = comment
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = column_width([col.header], low=10, high=30, pad=3)
        if col.dtype == "date":
            # A column style rather than styled empty cells: empty cells would make the sheet look 5000 rows long.
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
        dv = _validation(col, plan, county_list)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"


def _guide_sheet(ws, template: Template, plan, geo) -> None:
    ws.append(["列名", "是否必填", "类型", "说明", "示例"])
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    examples = _examples(template, plan, geo)
    for col in template.columns:
        ws.append([col.header, "必填" if col.required else "选填", DTYPE_NAMES[col.dtype], col.help, examples[col.key]])
        if col.required:
            ws.cell(row=ws.max_row, column=1).font = REQUIRED_FONT
    ws.append([])
    ws.append(["填写要求"])
    ws.cell(row=ws.max_row, column=1).font = HEADER_FONT
    for i, note in enumerate(_guide_notes(template), start=1):
        ws.append([f"{i}. {note}"])
    for letter, width in zip("ABCDE", (30, 10, 8, 70, 14)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2, max_row=len(template.columns) + 1, min_col=4, max_col=4):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def template_xlsx(template_key: str, plan=None, geo=None) -> bytes:
    """The roster template as .xlsx: sheet 填报 (headers in row 1, drop-downs), 填表说明, and hidden 选项 with geo."""
    template = _template(template_key)
    wb = Workbook()
    county_list = _county_options(wb, geo)
    _data_sheet(wb.active, template, plan, county_list)
    _guide_sheet(wb.create_sheet(GUIDE_SHEET, 1), template, plan, geo)
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
