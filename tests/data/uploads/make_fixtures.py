"""Write the upload fixtures: roster files the way analysts' Excel and WPS save them, one quirk each.

Run from the repository root: .venv/bin/python tests/data/uploads/make_fixtures.py
The files are committed; this script documents exactly what is in them and rebuilds them.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.styles import Alignment

HERE = Path(__file__).parent
CRLF = "\r\n"  # Excel and WPS end CSV lines with CRLF

VILLAGE_HEADER = ["年度", "统计截至", "县（市、区）", "乡镇（街道）", "村（社区）", "类型", "是否示范村（社区）", "示范命名年度",
                  "村集体经济收入（万元）", "后备干部人数", "其中30岁以下后备干部人数"]
# The three village rows every village fixture encodes in its own way (tests expect exactly these).
ROWS = [
    ["2023", "2023-12-31", "沙市区", "中山路街道", "谭场村", "村", "否", "", "132.0", "2", "1"],
    ["2023", "2023-12-31", "沙市区", "中山路街道", "史庙村", "村", "是", "2022", "22.1", "4", "1"],
    ["2023", "2023-12-31", "监利市", "容城镇", "城南社区", "社区", "是", "2023", "", "3", "0"],
]
TITLE = "荆州市2023年示范村创建情况统计表"


def csv_text(rows: list[list[str]], end: str = CRLF) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=end).writerows(rows)
    return buf.getvalue()


def write(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.encode(encoding))


def edited(changes: dict[tuple[int, int], str]) -> list[list[str]]:
    """ROWS with some cells retyped: {(row index, column index): text}."""
    rows = [list(r) for r in ROWS]
    for (r, c), text in changes.items():
        rows[r][c] = text
    return rows


def width(row: list[str]) -> list[str]:
    return row + [""] * (len(VILLAGE_HEADER) - len(row))


def plain_csvs() -> None:
    titled = [width([TITLE])] + [VILLAGE_HEADER] + ROWS
    write("village_gb18030_title.csv", csv_text(titled), "gb18030")
    write("village_gbk.csv", csv_text([VILLAGE_HEADER] + ROWS), "gbk")
    write("village_utf8_bom.csv", csv_text([VILLAGE_HEADER] + ROWS), "utf-8-sig")
    write("village_utf8.csv", csv_text([VILLAGE_HEADER] + ROWS, "\n"))


def quirk_csvs() -> None:
    write("village_fullwidth.csv", csv_text([VILLAGE_HEADER] + edited(
        {(0, 0): "２０２３", (0, 8): "１３２", (1, 8): "２２．１", (1, 9): "４"})))
    write("village_units.csv", csv_text([VILLAGE_HEADER] + edited(
        {(0, 8): "132万元", (1, 8): "22.1 万元", (2, 8): "253000元", (0, 9): "2人", (1, 9): "4人"})))
    write("village_symbols.csv", csv_text([VILLAGE_HEADER] + edited({(0, 6): "×", (1, 6): "√", (2, 6): "1"})))
    write("village_years.csv", csv_text([VILLAGE_HEADER] + edited(
        {(0, 0): "2023年", (1, 0): "2023.0", (1, 7): "2022年", (2, 7): "2023年度"})))
    write("village_spaces.csv", csv_text([VILLAGE_HEADER] + edited(
        {(0, 2): "沙市区 ", (0, 3): "中山路\u3000街道", (0, 4): "\u3000谭场村\u3000", (1, 4): " 史庙 村", (1, 5): "村 "})))
    blank = "," * (len(VILLAGE_HEADER) - 1)
    lines = [",".join(VILLAGE_HEADER), ",".join(ROWS[0]), "", ",".join(ROWS[1]), blank, ",".join(ROWS[2]), ""]
    write("village_blank_lines.csv", CRLF.join(lines) + CRLF)
    aliases = ["序号", "年份", "截止日期", "县市区", "乡镇", "村名", "类型", "是否示范村", "命名年度", "集体经济收入(万元)",
               "后备干部数", "30岁以下后备干部", "备注"]
    write("village_aliases.csv", csv_text([aliases] + [[str(i + 1), *r, ""] for i, r in enumerate(ROWS)]))
    write("village_bad_values.csv", csv_text([VILLAGE_HEADER] + edited(
        {(0, 0): "二〇二三", (0, 9): "十二", (1, 9): "12.5", (1, 6): "有", (2, 1): "2024-13-01", (2, 8): "253000元"})))
    with_notes = [VILLAGE_HEADER, ROWS[0], ROWS[1],
                  ["", "", "沙市区", "中山路街道", "小计", "", "", "", "154.1", "6", "2"],
                  ROWS[2],
                  ["", "", "", "", "合 计", "", "", "", "154.1", "9", "2"]]
    text = csv_text(with_notes) + "填表人：张三  联系电话：0716-8888888" + CRLF + "注：收入为预计全年数。" + CRLF
    write("village_totals.csv", text, "gb18030")
    multiline = [VILLAGE_HEADER + ["备注"], ROWS[0] + ["第一行\n第二行"], ROWS[1] + [""], ROWS[2] + [""]]
    write("village_multiline.csv", csv_text(multiline))
    write("county_stats_thousands.csv", csv_text([
        ["年度", "统计截至", "县（市、区）", "党建共享阵地数（个，累计）", "卓越党建品牌项目数（个，累计）",
         "50岁以下持证城市社区工作者数（人）", "基层党务工作者总数（人）", "已完成轮训党务工作者数（人，累计）"],
        ["2023", "2023-12-31", "沙市区", "9", "5", "141", "1,958", "1,664"],
        ["2023", "2023-12-31", "荆州区", "12", "7", "213", "１，４１４", "919"],
    ]))
    dated = ["2024-06-30", "2024/6/30", "2024.6.30", "2024年6月30日", "45473", "2024年6月"]
    counties = ["沙市区", "荆州区", "监利市", "洪湖市", "松滋市", "石首市"]
    write("county_dates.csv", csv_text([["年度", "统计截至", "县（市、区）", "是否示范县（市、区）", "示范命名年度"]]
                                        + [["2024", d, c, "是" if i % 2 else "否", "2023" if i % 2 else ""]
                                           for i, (d, c) in enumerate(zip(dated, counties))]))


def merged_xlsx() -> None:
    """Title rows, a two-row header with real merged cells, typed cells, 小计/合计 rows and note rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "示范村"
    last = len(VILLAGE_HEADER)
    ws.cell(1, 1, TITLE)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    ws.cell(2, 1, "填报单位：荆州市委组织部")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    for col, text in enumerate(VILLAGE_HEADER[:9], start=1):
        ws.cell(3, col, text)
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)  # vertical: row 4 blank
    ws.cell(3, 10, "后备干部")
    ws.merge_cells(start_row=3, start_column=10, end_row=3, end_column=11)  # horizontal: K3 blank
    ws.cell(4, 10, "人数")
    ws.cell(4, 11, "其中30岁以下")
    for cell in ws[3]:
        cell.alignment = Alignment(horizontal="center", vertical="center")

    def typed(row: list[str]) -> list[object]:
        out: list[object] = [int(row[0]), datetime.fromisoformat(row[1])] + row[2:7]
        out.append(int(row[7]) if row[7] else None)
        out.append(float(row[8]) if row[8] else None)
        return out + [int(row[9]), int(row[10])]

    for r, values in ((5, typed(ROWS[0])), (6, typed(ROWS[1])),
                      (7, [None, None, "沙市区", "中山路街道", "小计", None, None, None, 154.1, 6, 2]),
                      (8, typed(ROWS[2])),
                      (9, ["合计", None, None, None, None, None, None, None, 154.1, 9, 2])):
        for col, value in enumerate(values, start=1):
            ws.cell(r, col, value)
    ws.cell(8, 2).value = date(2023, 12, 31)  # a date cell, not a datetime
    # row 10 left blank
    ws.cell(11, 1, "填表人：张三    联系电话：0716-8888888")
    ws.merge_cells(start_row=11, start_column=1, end_row=11, end_column=last)
    ws.cell(12, 1, "注：村集体经济收入为当年预计全年数。")
    ws.merge_cells(start_row=12, start_column=1, end_row=12, end_column=last)
    wb.create_sheet("填表说明").cell(1, 1, "请按模板填写")
    wb.move_sheet("填表说明", offset=-1)  # the data sheet is not the first one
    wb.save(HERE / "village_merged.xlsx")


def yes_no_parquet() -> None:
    """Columns named by key, 是否示范 as 是/否 text (as pandas writes a sheet read without types)."""
    table = pa.table({
        "year": pa.array([2023, 2023, 2023], pa.int64()),
        "as_of": pa.array([date(2023, 12, 31)] * 3, pa.date32()),
        "county": ["沙市区", "沙市区", "监利市"],
        "town": ["中山路街道", "中山路街道", "容城镇"],
        "village": ["谭场村", "史庙村", "城南社区"],
        "unit_type": ["村", "村", "社区"],
        "is_demo": ["否", "是", "是"],
        "demo_year": pa.array([None, 2022, 2023], pa.int64()),
        "income_wan": pa.array([132.0, 22.1, None], pa.float64()),
        "reserve_cadres": pa.array([2, 4, 3], pa.int64()),
        "reserve_cadres_u30": pa.array([1, 1, 0], pa.int64()),
    })
    pq.write_table(table, HERE / "village_yesno.parquet")


def rejects() -> None:
    write("empty.csv", "")
    write("header_only.csv", csv_text([[TITLE], VILLAGE_HEADER, [""] * len(VILLAGE_HEADER)]))
    (HERE / "binary.csv").write_bytes(bytes(range(256)) * 8)
    (HERE / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    write("notes.txt", "不是表格")
    write("no_header.csv", csv_text([["姓名", "电话", "地址"], ["张三", "0716-8888888", "沙市区"]]))
    no_village = [[c for i, c in enumerate(r) if i != 4] for r in [VILLAGE_HEADER] + ROWS]
    write("missing_village.csv", csv_text(no_village))
    write("town_missing_demo.csv", csv_text([
        ["年度", "统计截至", "县（市、区）", "乡镇（街道）", "类型", "示范命名年度", "党委书记后备人选人数"],
        ["2023", "2023-12-31", "沙市区", "中山路街道", "街道", "", "3"],
    ]))
    buf = io.BytesIO()
    Workbook().save(buf)
    (HERE / "renamed_xlsx.csv").write_bytes(buf.getvalue())


if __name__ == "__main__":
    plain_csvs()
    quirk_csvs()
    merged_xlsx()
    yes_no_parquet()
    rejects()
