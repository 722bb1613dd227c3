"""The validation report workbook: sorted problem list, notes, and the file with problem cells filled and commented."""

from __future__ import annotations

import io

import openpyxl
import pyarrow as pa
import pytest

from plan_monitor.ingest.model import Issue, Note, Parsed, sorted_issues
from plan_monitor.ingest.pipeline import Checked
from plan_monitor.outputs.upload_report import report_file_name, report_xlsx
from plan_monitor.spec.templates import TEMPLATES

VILLAGE = TEMPLATES["village"]
# The analyst renamed one header; the reader maps it to the template column through Parsed.headers.
RAW_HEADER = ["年度", "县（市、区）", "乡镇（街道）", "村（社区）", "类型", "是否示范", "村集体经济收入（万元）"]
RED, YELLOW = "FFC7CE", "FFEB9C"


def _parsed(raw_rows) -> Parsed:
    keys = ["year", "county", "town", "village", "unit_type", "is_demo", "income_wan"]
    return Parsed(
        file_name="监利市村表.xlsx", template=VILLAGE, encoding=None, header_row=2,
        headers=dict(zip(keys, RAW_HEADER)),
        table=pa.table({"year": [2024] * len(raw_rows)}), row_numbers=[r for r, _ in raw_rows],
        raw_header=list(RAW_HEADER), raw_rows=raw_rows,
    )


ROWS = [
    (3, ["2024", "监利市", "容城镇", "红星村", "村", "是", "12.5"]),
    (4, ["2024", "监利市", "容城镇", "=1+1", "村", "是", "abc"]),
    (5, ["2024", "监利县", "容城镇", "东风村", "村", "否", None]),
    (7, ["2024", "监利市", "容城镇", "东风村", "村", "否"]),  # a short row: trailing cells missing
]
ISSUES = [
    Issue("warning", "alias_name", "县名已更名，按 监利市 处理", row=5, column="县（市、区）", value="监利县"),
    Issue("error", "bad_number", "“abc”不是数字", row=4, column="村集体经济收入（万元）", value="abc"),
    Issue("warning", "duplicate_unit", "与第5行重复", row=7),
    Issue("error", "bad_bool", "应填“是”或“否”", row=3, column="是否示范村（社区）", value="是"),  # template header
    Issue("warning", "unknown_header", "无法识别的列", column="类型"),
    Issue("error", "required_blank", "缺少必填列 示范命名年度", column="示范命名年度"),
    Issue("error", "total_mismatch", "合计行与明细不符", row=9),  # a row not among the data rows
    Issue("warning", "formula", "单元格以 = 开头", row=4, column="村（社区）", value="=1+1"),
    Issue("error", "bad_name", "村名不规范", row=4, column="村（社区）", value="=1+1"),
]
NOTES = [
    Note("title_row", "已跳过标题行：第1行", 1, (1,)),
    Note("fullwidth", "全角数字、标点已转为半角：12 处（如 第5行 １２３ → 123）", 12, (5, 6, 9)),
]


@pytest.fixture(scope="module")
def report():
    return openpyxl.load_workbook(io.BytesIO(report_xlsx(_parsed(ROWS), ISSUES, NOTES, "监利市村表.xlsx")))


def _fill(cell) -> str | None:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else None


def test_sheets_in_order(report):
    assert report.sheetnames == ["问题清单", "处理说明", "原始数据"]


def test_issue_list_puts_errors_first_then_by_row(report):
    ws = report["问题清单"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["级别", "行号", "列", "值", "说明"]
    assert ws["A1"].font.b
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(ISSUES)
    levels = [r[0] for r in rows]
    assert levels == ["错误"] * 5 + ["警告"] * 4
    assert [r[1] for r in rows[:5]] == [None, 3, 4, 4, 9]
    assert [r[1] for r in rows[5:]] == [None, 4, 5, 7]
    assert rows[0][2:] == ("示范命名年度", None, "缺少必填列 示范命名年度")
    assert _fill(ws["A2"]) == RED and _fill(ws["A7"]) == YELLOW
    assert ws.column_dimensions["E"].width >= 40


def test_formula_like_values_are_stored_as_text_without_a_visible_apostrophe(report):
    ws = report["问题清单"]
    cells = [c for c in ws["D"] if c.value and "1+1" in str(c.value)]
    assert cells
    for cell in cells:
        # a string with Excel's quote prefix: shown as typed, never a formula, still text when edited
        assert cell.data_type == "s" and cell.quotePrefix
        assert cell.value == "=1+1"
    raw = report["原始数据"]["E3"]
    assert raw.data_type == "s" and raw.quotePrefix and raw.value == "=1+1"
    assert not any(c.data_type == "f" for sheet in report for row in sheet.iter_rows() for c in row)


def test_notes_sheet_has_one_row_per_note(report):
    ws = report["处理说明"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("处理说明", "处数", "涉及行号（部分）")
    assert rows[1:] == [("已跳过标题行：第1行", 1, "1"),
                        ("全角数字、标点已转为半角：12 处（如 第5行 １２３ → 123）", 12, "5、6、9")]


def test_raw_sheet_keeps_the_file_rows_with_their_numbers(report):
    ws = report["原始数据"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["原行号"] + RAW_HEADER
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [3, 4, 5, 7]
    assert [c.value for c in ws[2]] == [3, "2024", "监利市", "容城镇", "红星村", "村", "是", "12.5"]
    assert ws.max_row == 5


def test_problem_cells_are_filled_and_commented(report):
    ws = report["原始数据"]
    # Row 4 (sheet row 3): bad number in H, an error and a warning on the same village cell E.
    assert _fill(ws["H3"]) == RED
    assert ws["H3"].comment.text == "错误：“abc”不是数字"
    assert _fill(ws["E3"]) == RED  # the error outranks the warning
    assert ws["E3"].comment.text.splitlines() == ["警告：单元格以 = 开头", "错误：村名不规范"]
    # Row 5 (sheet row 4): a warning on the county.
    assert _fill(ws["C4"]) == YELLOW
    assert "按 监利市 处理" in ws["C4"].comment.text
    # Row 3 (sheet row 2): the issue named the template header; the file called it 是否示范.
    assert _fill(ws["G2"]) == RED and "应填“是”或“否”" in ws["G2"].comment.text
    # Unmarked cells stay plain.
    for ref in ("B2", "C2", "H2", "D3", "F4", "H4"):
        assert _fill(ws[ref]) is None and ws[ref].comment is None, ref


def test_whole_row_issue_fills_the_row_and_comments_the_row_number(report):
    ws = report["原始数据"]
    row = ws[5]  # file row 7
    assert row[0].value == 7
    assert all(_fill(c) == YELLOW for c in row[:len(RAW_HEADER) + 1])
    assert row[0].comment.text == "警告：与第5行重复"
    assert all(c.comment is None for c in row[1:])


def test_column_issue_marks_the_header_and_unknown_places_mark_nothing(report):
    ws = report["原始数据"]
    assert _fill(ws["F1"]) == YELLOW and ws["F1"].comment.text == "警告：无法识别的列"
    assert ws["F1"].font.b
    # 示范命名年度 is not in the file and row 9 is not a data row: nothing to mark, but both are in the list.
    marked = [c.coordinate for row in ws.iter_rows() for c in row if _fill(c) not in (None, "DDE6F4")]
    assert sorted(marked) == sorted(["C4", "E3", "F1", "G2", "H3"] + [f"{c}5" for c in "ABCDEFGH"])


def test_without_parsed_only_the_lists():
    data = report_xlsx(None, [Issue("error", "empty", "文件为空")], [], "空.csv")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["问题清单", "处理说明"]
    assert list(wb["问题清单"].iter_rows(min_row=2, values_only=True)) == [("错误", None, None, None, "文件为空")]
    # never empty: with nothing read, it says so
    assert list(wb["处理说明"].iter_rows(min_row=2, values_only=True)) == [
        ("文件未能读取，未作任何处理；原因见“问题清单”", None, None)]


def test_sorted_issues_is_stable_within_a_row():
    a = Issue("error", "x", "a", row=2)
    b = Issue("error", "y", "b", row=2)
    w = Issue("warning", "z", "w", row=1)
    assert sorted_issues([w, a, b]) == [a, b, w]


def test_the_page_and_the_report_list_problems_in_the_same_order_and_words():
    issues = [Issue("warning", "z", "行警告", row=3), Issue("error", "y", "行错误", row=5),
              Issue("warning", "f", "整表警告"), Issue("error", "x", "整表错误"), Issue("error", "w", "首行错误", row=2)]
    page = Checked("a.csv", "", 0, None, None, issues, [], None, 0).problems()
    wb = openpyxl.load_workbook(io.BytesIO(report_xlsx(None, issues, [], "a.csv")))
    report = [(level, text) for level, _, _, _, text in wb["问题清单"].iter_rows(min_row=2, values_only=True)]
    assert list(zip(page["级别"], page["说明"])) == report == [
        ("错误", "整表错误"), ("错误", "首行错误"), ("错误", "行错误"), ("警告", "整表警告"), ("警告", "行警告")]


def test_report_file_name():
    assert report_file_name("监利市村表.xlsx") == "监利市村表_校验报告.xlsx"
    assert report_file_name("") == "上传文件_校验报告.xlsx"


def test_twenty_thousand_rows_keep_their_original_row_numbers():
    """A large report is complete; its speed is measured by bench/ingest_bench.py, not asserted here."""
    rows = [(i + 3, ["2024", "监利市", "容城镇", f"村{i}", "村", "否", "1.5"]) for i in range(20_000)]
    issues = [Issue("error", "bad_number", "不是数字", row=i + 3, column="村集体经济收入（万元）") for i in range(0, 20_000, 10)]
    data = report_xlsx(_parsed(rows), issues, NOTES, "big.xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    first_column = [r[0] for r in wb["原始数据"].iter_rows(values_only=True)]
    assert first_column[0] == "原行号" and first_column[1:] == [r for r, _ in rows]
    assert [r[1] for r in wb["问题清单"].iter_rows(min_row=2, values_only=True)] == [i.row for i in issues]


def test_a_negative_figure_reads_as_typed():
    """A problem value "-5" (a negative count) is shown as -5, not '-5, and stays text."""
    issue = Issue("error", "bad_number", "不能为负数", row=4, column="党建共享阵地数", value="-5")
    ws = openpyxl.load_workbook(io.BytesIO(report_xlsx(None, [issue], [], "a.csv")))["问题清单"]
    assert [c.value for c in ws[2]] == ["错误", 4, "党建共享阵地数", "-5", "不能为负数"]
    assert ws["D2"].data_type == "s" and ws["D2"].quotePrefix
