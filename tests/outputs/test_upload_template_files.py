"""Downloadable roster templates: exact headers for a clean re-upload, drop-downs, the how-to sheet, the CSV."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from plan_monitor.outputs.template_files import GUIDE_SHEET, LAST_ROW, template_csv, template_file_name, template_xlsx
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.templates import TEMPLATES, detect_template


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _validations(ws) -> dict[str, object]:
    """Column letter → its one data validation (every validation here covers a single column)."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        ranges = str(dv.sqref).split()
        assert len(ranges) == 1
        letter = ranges[0].split(":")[0].rstrip("0123456789")
        assert letter not in out
        out[letter] = dv
    return out


def _letter(template, key: str) -> str:
    return openpyxl.utils.get_column_letter([c.key for c in template.columns].index(key) + 1)


@pytest.fixture(scope="module")
def geo(plan):
    return load_geography(plan)


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_headers_round_trip_for_every_template(key):
    template = TEMPLATES[key]
    wb = _open(template_xlsx(key))
    assert wb.sheetnames[0] == "填报"
    assert wb.active.title == "填报"
    ws = wb["填报"]
    headers = [c.value for c in ws[1]]
    assert headers == template.headers
    assert ws.max_row == 1  # nothing below the header, so a filled template has no stray rows to clean
    assert ws.freeze_panes == "A2"
    assert detect_template(headers) is template


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_header_marks_required_columns_with_red_font_and_help_comment(key):
    template = TEMPLATES[key]
    ws = _open(template_xlsx(key))["填报"]
    for i, col in enumerate(template.columns, start=1):
        cell = ws.cell(row=1, column=i)
        assert cell.font.b
        assert cell.fill.fgColor.rgb.endswith("DDE6F4")
        assert (cell.font.color is not None and cell.font.color.rgb.endswith("C00000")) == col.required
        assert col.help in cell.comment.text
        assert cell.comment.text.startswith("必填" if col.required else "选填")
        assert 10 <= ws.column_dimensions[cell.column_letter].width <= 30


def test_village_validations_without_plan_or_geo():
    template = TEMPLATES["village"]
    ws = _open(template_xlsx("village"))["填报"]
    dvs = _validations(ws)
    col = lambda key: dvs[_letter(template, key)]  # noqa: E731

    assert (col("year").type, col("year").operator, col("year").formula1, col("year").formula2) == \
        ("whole", "between", "2000", "2100")
    assert str(col("year").sqref) == f"A2:A{LAST_ROW}"
    assert (col("as_of").type, col("as_of").operator) == ("date", "between")
    assert (int(col("as_of").formula1), int(col("as_of").formula2)) == (36526, 73415)  # 2000-01-01, 2100-12-31
    assert (col("unit_type").type, col("unit_type").formula1) == ("list", '"村,社区"')
    assert (col("is_demo").type, col("is_demo").formula1) == ("list", '"是,否"')
    assert (col("demo_year").type, col("demo_year").formula1, col("demo_year").formula2) == ("whole", "2000", "2100")
    assert (col("income_wan").type, col("income_wan").operator, col("income_wan").formula1) == \
        ("decimal", "greaterThanOrEqual", "0")
    assert (col("reserve_cadres").type, col("reserve_cadres").operator) == ("whole", "greaterThanOrEqual")
    # Free-text columns have no validation; county gets its list only when the geography is known.
    for key in ("county", "town", "village"):
        assert _letter(template, key) not in dvs
    assert all(dv.showErrorMessage and dv.allow_blank for dv in dvs.values())
    assert ws.column_dimensions[_letter(template, "as_of")].number_format == "yyyy-mm-dd"


def test_town_type_and_bool_columns():
    template = TEMPLATES["town"]
    dvs = _validations(_open(template_xlsx("town"))["填报"])
    assert dvs[_letter(template, "town_type")].formula1 == '"镇,乡,街道"'
    for key in ("is_demo", "has_smart_platform", "is_dense_center"):
        assert dvs[_letter(template, key)].formula1 == '"是,否"'
    assert dvs[_letter(template, "secretary_reserves")].type == "whole"


def test_plan_bounds_the_year_and_geo_lists_the_counties_from_a_hidden_sheet(plan, geo):
    template = TEMPLATES["village"]
    wb = _open(template_xlsx("village", plan=plan, geo=geo))
    dvs = _validations(wb["填报"])
    year = dvs[_letter(template, "year")]
    assert (year.formula1, year.formula2) == (str(plan.plan.baseline_year), str(plan.years[-1]))
    assert (dvs[_letter(template, "demo_year")].formula2) == str(plan.years[-1])

    options = wb["选项"]
    assert options.sheet_state == "hidden"
    names = geo.county_names()
    assert [r[0] for r in options.iter_rows(values_only=True)] == names
    county = dvs[_letter(template, "county")]
    assert county.type == "list"
    assert county.formula1 == f"'选项'!$A$1:$A${len(names)}"
    assert county.errorStyle == "warning"  # old names such as 监利县 are still accepted on upload
    assert str(county.sqref) == f"C2:C{LAST_ROW}"

    guide = {r[0]: r for r in wb[GUIDE_SHEET].iter_rows(min_row=2, values_only=True) if r[0]}
    assert guide["县（市、区）"][4] == names[0]
    assert guide["年度"][4] == str(plan.years[0])


def test_guide_sheet_lists_every_column_and_the_general_notes():
    template = TEMPLATES["county_stats"]
    ws = _open(template_xlsx("county_stats"))[GUIDE_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("列名", "是否必填", "类型", "说明", "示例")
    body = rows[1:1 + len(template.columns)]
    assert [r[0] for r in body] == template.headers
    by_header = {r[0]: r for r in body}
    assert by_header["年度"][1:3] == ("必填", "整数")
    assert by_header["统计截至"][1:3] == ("选填", "日期")
    assert by_header["县（市、区）"][2] == "文本"
    assert by_header["党建共享阵地数（个，累计）"][3] == template.column("shared_sites").help
    assert all(r[4] for r in body)
    notes = "\n".join(r[0] for r in rows[1 + len(template.columns):] if r[0])
    for phrase in ("每个单位每个年度填一行", "统计截至", "合计行可保留", "上传后先预览再确认", "GB18030", "UTF-8"):
        assert phrase in notes


def test_guide_types_cover_bool_and_decimal():
    rows = {r[0]: r for r in _open(template_xlsx("village"))[GUIDE_SHEET].iter_rows(values_only=True)}
    assert rows["是否示范村（社区）"][2] == "是否"
    assert rows["村集体经济收入（万元）"][2] == "数字"


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_csv_is_header_only_utf8_with_bom_and_crlf(key):
    data = template_csv(key)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n") and data.count(b"\n") == 1
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [TEMPLATES[key].headers]


def test_file_names():
    assert template_file_name("village", "xlsx") == "村（社区）情况统计表_模板.xlsx"
    assert template_file_name("county_stats", ".csv") == "县级党建工作统计表_模板.csv"
    with pytest.raises(KeyError):
        template_xlsx("province")
