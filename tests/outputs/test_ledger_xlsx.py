"""督办台账 as Excel: the title and 数据截至 rows, the 督查室's header (序号、任务、牵头单位、责任单位、时限、进展、状态、
销号时间), the first rows as the ledger table has them, wrapped text in fixed widths, a frozen header, 状态 in its
colour, and a second sheet of 督办 items only when there are any."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from ledger_data import CLOSING, DAY
from openpyxl import load_workbook

from plan_monitor.ledger.state import build_ledger
from plan_monitor.outputs.export_table import as_of_note
from plan_monitor.outputs.ledger_xlsx import LedgerWorkbook, ledger_xlsx
from plan_monitor.paths import ROOT
from plan_monitor.present.ledger import ledger_table
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.plan import load_plan


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def values(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def ledger():
    plan = load_plan(ROOT / "plans" / "county-action.yaml")
    return build_ledger(plan, load_geography(plan), CLOSING, DAY)


def test_the_ledger_sheet_in_the_supervision_office_layout():
    table = ledger_table(ledger())
    wb = workbook(ledger_xlsx(table, "“助理治理党员先行”行动督办台账", as_of_note(DAY, True)))
    assert wb.sheetnames == ["督办台账"]
    ws = wb["督办台账"]
    rows = values(ws)
    assert rows[0][0] == "“助理治理党员先行”行动督办台账"
    assert rows[1][0] == "数据截至 2025年10月15日；示例数据，非真实统计"
    assert rows[2] == ["序号", "任务", "牵头单位", "责任单位", "时限", "进展", "状态", "销号时间"]
    assert rows[3] == [1, "每月定期联系村党组织", "计划未写明", "县直单位党组织", "每月，下次2025年11月10日前报送", "尚未填报",
                       "逾期", None]
    assert rows[5] == [3, "每季度汇总考核量化打分", "计划未写明", "县乡村振兴局、城市社区、工业园区",
                       "每季度，下次2026年1月10日前报送", "城市社区（2025年10月9日）：打分已完成，正在汇总", "逾期", None]
    assert len(rows) == 3 + 8
    assert ws.freeze_panes == "A4"
    assert [ws.column_dimensions[c].width for c in "ABCDEFGH"] == [6, 28, 14, 22, 20, 44, 12, 16]
    assert ws["F6"].alignment.wrap_text and ws["F6"].alignment.vertical == "top"
    assert ws["G4"].fill.fgColor.rgb.endswith("D1242F") and ws["G4"].font.color.rgb.endswith("FFFFFF")  # 逾期: red
    assert ws["G8"].fill.fill_type is None  # 未报: no colour


def test_a_closed_row_has_its_closing_day():
    table = ledger_table(ledger(), state="closed")
    rows = values(workbook(LedgerWorkbook(table).xlsx("台账", "数据截至 2025年10月15日"))["督办台账"])
    assert rows[3] == [1, "每季度汇总考核量化打分", "计划未写明", "县乡村振兴局、城市社区、工业园区", "每季度",
                       "县乡村振兴局（2025年10月5日）：已完成第三季度打分", "已销号", "2025年10月8日"]


def test_open_items_go_on_a_second_sheet():
    items = pd.DataFrame({"序号": [1], "县（市、区）": ["江陵县"], "指标": ["卓越党建品牌项目"], "立项": ["2024年9月30日"],
                          "时限": ["2024年10月30日"], "触发数据": ["完成值 1个，时序要求 4个"],
                          "整改措施": ["2024年10月8日 赵六：约谈乡镇书记\n2024年10月5日 赵六：召开专题会议"],
                          "item": ["brand_projects|江陵县|2024-09-30"]})
    wb = workbook(LedgerWorkbook(ledger_table(ledger()), items).xlsx("台账", "数据截至 2025年10月15日"))
    assert wb.sheetnames == ["督办台账", "督办事项"]
    rows = values(wb["督办事项"])
    assert rows[0][0] == "台账（督办事项）"
    assert rows[2] == ["序号", "县（市、区）", "指标", "立项", "时限", "触发数据", "整改措施"]
    assert rows[3] == [1, "江陵县", "卓越党建品牌项目", "2024年9月30日", "2024年10月30日", "完成值 1个，时序要求 4个",
                       "2024年10月8日 赵六：约谈乡镇书记\n2024年10月5日 赵六：召开专题会议"]
    assert wb["督办事项"]["G4"].alignment.wrap_text
    # no open items: no second sheet
    empty = items.iloc[0:0]
    assert workbook(LedgerWorkbook(ledger_table(ledger()), empty).xlsx("台账", "x")).sheetnames == ["督办台账"]
    assert date(2025, 10, 15) == DAY
