"""Excel exports read back with openpyxl: headers with units, frozen header, numbers with number formats,
status colours, formula-looking names kept as text, the 数据截至 line; the pages' download buttons."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.metrics.scorecard import latest_as_of
from plan_monitor.outputs.export_table import (
    SCORECARD_COLUMNS,
    attention_export,
    county_export,
    export_note,
    reverse_schedule_export,
    scorecard_xlsx,
    status_matrix_export,
    town_export,
    trend_export,
)
from plan_monitor.outputs.xlsx import column_width, display_width, table_xlsx
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS, ROOT
from plan_monitor.present.palette import STATUS_COLORS
from plan_monitor.present.views import (
    county_ranking,
    overview,
    reverse_schedule,
    status_matrix,
    town_table,
    trend,
    village_list,
)

FORMULA_NAMES = ["=1+1", "+86", "-5村", "@x", "＝SUM(A1)", "\t=2"]


def book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def rgb(color: str) -> str:
    return "00" + color.lstrip("#").upper()


@pytest.fixture(scope="module")
def demo() -> Monitor:
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


@pytest.fixture(scope="module")
def sample() -> bytes:
    frame = pd.DataFrame({
        "村（社区）": ["谭场村", *FORMULA_NAMES],
        "完成值": [3, 12, 1500, 0, 7, 2, 1],
        "收入": [12.5, 3.0, 20.25, None, 1.0, 2.0, 3.0],
        "完成率": [0.5, 1.0, 0.875, None, 0.25, 1.2, 0.0],
        "状态": ["已完成", "正常推进", "滞后", "严重滞后", None, "已完成", "滞后"],
        "年度": [2024] * 7,
        "统计截至": [pd.Timestamp("2024-09-30")] * 7,
    })
    return table_xlsx(frame, sheet="埠河镇", units={"完成值": "个", "收入": "万元", "完成率": "%"}, status_column="状态",
                      title="公安县埠河镇 村（社区）名单", as_of_line="数据截至 2024年9月30日")


def test_title_as_of_line_header_with_units_and_frozen_header(sample):
    ws = book(sample)
    assert ws.title == "埠河镇"
    assert ws["A1"].value == "公安县埠河镇 村（社区）名单" and ws["A1"].font.b
    assert ws["A2"].value == "数据截至 2024年9月30日"
    assert [c.value for c in ws[3]] == ["村（社区）", "完成值（个）", "收入（万元）", "完成率（%）", "状态", "年度", "统计截至"]
    assert all(c.font.b and c.fill.fgColor.rgb == "00DDE6F4" and c.alignment.wrap_text for c in ws[3])
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:G10"


def test_numbers_are_numbers_with_formats(sample):
    ws = book(sample)
    counts, money, rates, years, dates = (ws[f"{col}4"] for col in "BCDFG")
    assert (counts.data_type, counts.value, counts.number_format) == ("n", 3, "#,##0")
    assert (money.data_type, money.value, money.number_format) == ("n", 12.5, "#,##0.0")
    assert (rates.data_type, rates.value, rates.number_format) == ("n", 0.5, "0.0%")
    assert (years.value, years.number_format) == (2024, "0")  # not 2,024
    assert dates.is_date and dates.value.date() == date(2024, 9, 30) and dates.number_format == "yyyy-mm-dd"
    assert ws["C7"].value is None and ws["D7"].value is None  # missing stays empty, not nan


def test_status_cells_take_the_dashboard_colours(sample):
    ws = book(sample)
    cells = {ws[f"E{r}"].value: ws[f"E{r}"] for r in range(4, 8)}
    for label, code, text in [("已完成", "met", "00FFFFFF"), ("正常推进", "on_pace", "00000000"),
                              ("滞后", "behind", "00000000"), ("严重滞后", "far_behind", "00FFFFFF")]:
        cell = cells[label]
        assert cell.fill.fgColor.rgb == rgb(STATUS_COLORS[code]), label
        assert cell.font.b and cell.font.color.rgb == text, label
    assert ws["E8"].value is None and ws["E8"].fill.fgColor.rgb == "00000000"
    assert ws["A4"].fill.fgColor.rgb == "00000000"  # only the status column is coloured


def test_formula_looking_names_stay_text(sample):
    ws = book(sample)
    cells = [ws[f"A{r}"] for r in range(5, 11)]
    assert [c.data_type for c in cells] == ["s"] * 6
    assert [c.value for c in cells] == FORMULA_NAMES  # as typed: no visible apostrophe
    assert all(c.quotePrefix for c in cells)  # Excel's own mark for text that looks like a formula
    raw = openpyxl.load_workbook(io.BytesIO(sample), data_only=False).active
    assert not any(c.data_type == "f" for row in raw.iter_rows() for c in row)


def test_column_widths_count_cjk_double(sample):
    ws = book(sample)
    assert display_width("村（社区）") == 10 and display_width("abc") == 3
    assert ws.column_dimensions["A"].width >= display_width("＝SUM(A1)") + 2
    assert ws.column_dimensions["B"].width >= display_width("完成值（个）") + 2


def test_one_column_width_rule_for_every_sheet():
    assert display_width("ｱ") == 1 and display_width("、·—") == 4  # half-width kana; 、 wide, · and — narrow
    assert column_width(["村（社区）", "abc"]) == 12 and column_width([]) == 6 and column_width(["字" * 40]) == 48
    assert column_width(["村（社区）"], low=10, high=30, pad=3) == 13
    from plan_monitor.paths import ROOT
    rules = [p.name for p in (ROOT / "plan_monitor").rglob("*.py")
             if "east_asian_width" in (text := p.read_text(encoding="utf-8")) or "0x2E80" in text]
    assert rules == ["xlsx.py"]


def test_old_calls_still_work():
    frame = pd.DataFrame({"村（社区）": ["甲村"], "收入": [1.5]})
    ws = book(table_xlsx(frame, sheet="a/b:c", title="标题"))
    assert ws.title == "a_b_c"  # Excel refuses / and : in sheet names
    assert [ws["A1"].value, ws["A2"].value, ws["B3"].value] == ["标题", "村（社区）", 1.5]
    assert ws.freeze_panes == "A3"
    assert book(table_xlsx(frame)).freeze_panes == "A2"


def test_per_row_units_from_a_unit_column():
    frame = pd.DataFrame({"指标": ["占比", "数量", "数量"], "单位": ["%", "个", "个"], "完成值": [0.614, 255, 3]})
    ws = book(table_xlsx(frame, unit_column="单位", as_of_line="数据截至 2024年9月30日"))
    assert [ws[f"C{r}"].number_format for r in (3, 4, 5)] == ["0.0%", "#,##0", "#,##0"]
    assert ws["C2"].value == "完成值"


# ---------------------------------------------------------------- the whole scorecard


@pytest.fixture(scope="module")
def card_book(demo):
    rows = demo.card.select()
    return rows, book(scorecard_xlsx(rows, latest_as_of(rows), demo.card.is_demo, "荆州 目标完成情况"))


def test_scorecard_has_one_row_per_scorecard_row_and_chinese_headers(card_book):
    rows, ws = card_book
    assert ws.title == "目标完成情况"
    assert ws["A1"].value == "荆州 目标完成情况"
    assert ws["A2"].value == "数据截至 2024年9月30日；示例数据，非真实统计"
    header = [c.value for c in ws[3]]
    assert header == [f"{c}（%）" if c in ("完成率", "时序进度") else c for c in SCORECARD_COLUMNS]
    assert ws.max_row - 3 == len(rows) == 1740
    assert ws.freeze_panes == "A4"


def test_scorecard_figures_match_the_card(card_book):
    rows, ws = card_book
    i = rows.index[(rows["indicator_id"] == "village_income_20w") & (rows["level"] == "county")
                   & (rows["county"] == "公安县") & (rows["year"] == 2024)][0]
    r = 4 + i
    row = rows.loc[i]
    assert [ws.cell(r, c).value for c in (1, 2, 3, 4, 6)] == ["村集体经济收入过20万元的村占比", "%", "县（市、区）", "公安县", 2024]
    assert ws.cell(r, 7).value == pytest.approx(row["actual"]) and ws.cell(r, 7).number_format == "0.0%"
    assert ws.cell(r, 8).value == pytest.approx(row["target"])
    assert ws.cell(r, 10).value == pytest.approx(row["completion"]) and ws.cell(r, 10).number_format == "0.0%"
    assert ws.cell(r, 11).value == pytest.approx(row["expected"] / row["target"])
    assert ws.cell(r, 12).value == row["status_label"]
    assert ws.cell(r, 12).fill.fgColor.rgb == rgb(STATUS_COLORS[row["status"]])
    counts = rows.index[(rows["unit"] == "个") & rows["actual"].notna()]
    assert {ws.cell(4 + j, 7).number_format for j in counts} <= {"#,##0", "#,##0.0"}
    assert all(ws.cell(4 + j, 7).data_type == "n" for j in counts)


# ---------------------------------------------------------------- page tables


def test_page_tables_export_raw_numbers(demo):
    note = export_note(demo.card, 2024)
    assert note == "数据截至 2024年9月30日；示例数据，非真实统计"
    rows = county_ranking(demo, 2024, "village_income_20w")
    ws = book(county_export(rows, "%").xlsx("排位", note))
    # a share's gap is a difference of rates: in percentage points, the number as the pages print it
    assert [c.value for c in ws[3]][:6] == ["排位", "县（市、区）", "实际（%）", "目标（%）", "差距（个百分点）", "完成率（%）"]
    assert [ws.cell(4 + i, 3).value for i in range(len(rows))] == pytest.approx(list(rows["actual"]))
    gaps = [ws.cell(4 + i, 5).value for i in range(len(rows))]
    assert gaps == [None if g != g else round(g * 100, 1) + 0.0 for g in rows["gap"]]
    assert ws["E4"].number_format == "#,##0.0"
    assert ws["C4"].number_format == "0.0%" and ws["A4"].number_format == "#,##0"

    _, attention = overview(demo, 2024)
    ws = book(attention_export(attention).xlsx("需关注", note))
    assert ws.max_row - 3 == len(attention) > 0
    assert {ws.cell(r, 1).value for r in range(4, ws.max_row + 1)} <= {"严重滞后", "滞后"}

    matrix = status_matrix(demo, 2024)
    names = {i.id: i.name for i in demo.plan.indicators}
    ws = book(status_matrix_export(matrix, names).xlsx("矩阵", note))
    assert ws.max_row - 3 == len(matrix) and ws.max_column == 1 + matrix.shape[1]
    coloured = [c for row in ws.iter_rows(min_row=4, min_col=2) for c in row if c.value]
    assert coloured and all(c.fill.fgColor.rgb != "00000000" for c in coloured)

    towns = town_table(demo, 2024, "demo_villages", "公安县")
    ws = book(town_export(towns, "个").xlsx("乡镇", note))
    assert [ws.cell(4 + i, 2).value for i in range(len(towns))] == list(towns["actual"])

    trend_rows = trend(demo, "demo_villages")
    ws = book(trend_export(trend_rows, "个").xlsx("趋势", export_note(demo.card)))
    assert [ws.cell(4 + i, 1).value for i in range(len(trend_rows))] == [2021, 2022, 2023, 2024]

    plan = reverse_schedule(demo, 2024, "demo_villages")
    ws = book(reverse_schedule_export(plan, "个").xlsx("倒排", note))
    assert [c.value for c in ws[3]][1] == "当年还需（个）"
    assert ws.max_row - 3 == len(plan)


def test_village_named_like_a_formula_stays_text_through_the_village_list(tmp_path):
    """Real roster files with villages renamed =1+1, +86, -5村, @x: the list the town page exports keeps them as text."""
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data)
    path = data / "village_2024-09-30.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    names = iter(["=1+1", "+86", "-5村", "@x"])
    for k, line in enumerate(lines):
        if ",公安县,埠河镇," in line:
            cells = line.split(",")
            cells[4] = next(names, cells[4])
            lines[k] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    m = Monitor.build(DEFAULT_TARGETS, data)
    villages = village_list(m, 2024, "village_income_20w", "公安县", "埠河镇")
    assert {"=1+1", "+86", "-5村", "@x"} <= set(villages["village"])
    from plan_monitor.outputs.export_table import ExportTable
    ws = book(ExportTable(villages.rename(columns={"village": "村（社区）"}), "埠河镇").xlsx("名单", export_note(m.card, 2024)))
    col = [c.value for c in ws[3]].index("村（社区）") + 1
    cells = {ws.cell(r, col).value: ws.cell(r, col) for r in range(4, ws.max_row + 1)}
    for name in ("=1+1", "+86", "-5村", "@x"):
        assert cells[name].data_type == "s" and cells[name].quotePrefix
    assert ws["A2"].value.startswith("数据截至 2024年9月30日")


# ---------------------------------------------------------------- the pages' buttons


def page_buttons(page: str, **query) -> list[str]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return [b.proto.label for b in at.get("download_button")]


@pytest.fixture(autouse=True)
def bundled_env(monkeypatch):
    for name in ("PLAN_MONITOR_TARGETS", "PLAN_MONITOR_DATA", "PLAN_MONITOR_CHROMIUM"):
        monkeypatch.delenv(name, raising=False)


IMAGES = ["下载图片（PNG）", "下载图片（SVG）"]


@pytest.mark.parametrize("page, query, expected", [
    ("overview", {}, IMAGES + ["下载 Excel", "下载全部指标完成情况（Excel）"]),
    ("county", {"indicator": "village_income_20w"}, IMAGES + ["下载 Excel"] + IMAGES + ["下载 Excel"]),
    ("town", {"county": "公安县", "town": "埠河镇", "indicator": "village_income_20w"},
     IMAGES + ["下载 Excel", "下载名单（Excel）"]),
    ("trend", {"indicator": "village_income_20w"}, IMAGES + ["下载 Excel", "下载 Excel"]),
])
def test_pages_offer_downloads_with_chinese_labels(page, query, expected):
    labels = page_buttons(page, **query)
    assert labels == expected
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in labels)
