"""Upload files in the layouts real offices publish, rebuilt from their header texts and a few rows: written as
.xlsx (openpyxl, merged cells as Excel and WPS save them: the value in the top-left cell, the rest blank) or as a
GB18030 CSV (what 另存为 CSV gives: merged cells blank).

Each builder returns the rows (None for a blank cell) and the merged ranges; `write` makes the file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

Grid = list[list[object]]


def write(path: Path, rows: Grid, merges: list[str] = ()) -> Path:
    """rows as a sheet: .xlsx with `merges`, or a GB18030 CSV (merged cells are blank there anyway)."""
    if path.suffix == ".xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = "Sheet1"
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
        for ref in merges:
            sheet.merge_cells(ref)
        book.save(path)
    else:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
        path.write_bytes(out.getvalue().encode("gb18030"))
    return path


TOWNS = [  # 监利市's 21 towns as the demo data names them; the count table's rows
    ("容城镇", "镇"), ("朱河镇", "镇"), ("新沟镇", "镇"), ("龚场镇", "镇"), ("周老嘴镇", "镇"), ("黄歇口镇", "镇"),
    ("汪桥镇", "镇"), ("程集镇", "镇"), ("分盐镇", "镇"), ("毛市镇", "镇"), ("福田寺镇", "镇"), ("上车湾镇", "镇"),
    ("汴河镇", "镇"), ("尺八镇", "镇"), ("白螺镇", "镇"), ("网市镇", "镇"), ("三洲镇", "镇"), ("桥市镇", "镇"),
    ("红城乡", "乡"), ("棋盘乡", "乡"), ("柘木乡", "乡"),
]


def town_counts(towns=TOWNS, county: str = "监利市", year: int = 2023) -> tuple[Grid, list[str]]:
    """A per-town count table with a two-row header: 党员人数 merged over 合计 / 其中女, the other headers merged
    down over both rows; the lower row holds only the sub-headers, none of them a template column."""
    rows: Grid = [
        [f"{county}{year}年各乡镇（街道）党员和书记后备人选情况统计表"] + [None] * 8,
        ["序号", "年度", "县（市、区）", "乡镇（街道）", "类型", "是否示范乡镇（街道）", "党员人数", None, "党委书记后备人选人数"],
        [None, None, None, None, None, None, "合计", "其中女", None],
    ]
    for i, (town, kind) in enumerate(towns, start=1):
        rows.append([i, year, county, town, kind, "否", 300 + i, 100 + i, i % 3 + 1])
    merges = ["A1:I1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:F3", "G2:H2", "I2:I3"]
    return rows, merges


def two_tables(county: str = "公安县", year: int = 2023) -> tuple[Grid, list[str]]:
    """A town list with its own header above a village list with its own header, a blank row and a title between."""
    rows: Grid = [
        [f"{county}{year}年乡镇和村情况"] + [None] * 5,
        ["一、乡镇（街道）"] + [None] * 5,
        ["年度", "县（市、区）", "乡镇（街道）", "类型", "是否示范乡镇（街道）", None],
        [year, county, "埠河镇", "镇", "是", None],
        [year, county, "斗湖堤镇", "镇", "否", None],
        [year, county, "甘家厂乡", "乡", "否", None],
        [None] * 6,
        ["二、村（社区）"] + [None] * 5,
        ["年度", "县（市、区）", "乡镇（街道）", "村（社区）", "类型", "是否示范村（社区）"],
        [year, county, "埠河镇", "杨铺村", "村", "否"],
        [year, county, "埠河镇", "谭湾村", "村", "否"],
        [year, county, "埠河镇", "侯洲村", "村", "是"],
        [year, county, "斗湖堤镇", "任港村", "村", "否"],
    ]
    return rows, ["A1:F1", "A2:F2", "A8:F8"]


def headings_and_subtotals(villages: dict[str, list[str]], county: str = "公安县",
                           year: int = 2023) -> tuple[Grid, list[str]]:
    """A village roster with the county's name alone on a row above everything, each town's name alone on a row
    above its villages, a 小计 row after each town and a 合计 row at the end."""
    rows: Grid = [["序号", "年度", "县（市、区）", "乡镇（街道）", "村（社区）", "类型", "是否示范村（社区）", "后备干部人数"],
                  [county] + [None] * 7]
    merges = ["A2:H2"]
    total = 0
    n = 0
    for town, names in villages.items():
        rows.append([town] + [None] * 7)
        merges.append(f"A{len(rows)}:H{len(rows)}")
        sub = 0
        for name in names:
            n += 1
            rows.append([n, year, county, town, name, "村", "否", 2])
            sub += 2
        rows.append(["小计", None, None, town, None, None, None, sub])
        total += sub
    rows.append(["合计", None, None, None, None, None, None, total])
    return rows, merges


def demo_village_list(villages: list[tuple[str, str]], county: str = "公安县", year: int | None = 2023,
                      flag: bool = False) -> tuple[Grid, list[str]]:
    """A published 名单 of 示范村: title, 序号/县（市、区）/乡镇（街道）/村（社区） (and 是否示范, all 是, when `flag`)."""
    width = 5 if flag else 4
    title = f"{year}年{county}市级示范村名单" if year else f"{county}市级示范村名单"
    rows: Grid = [[title] + [None] * (width - 1),
                  ["序号", "县（市、区）", "乡镇（街道）", "村（社区）"] + (["是否示范"] if flag else [])]
    for i, (town, village) in enumerate(villages, start=1):
        rows.append([i, county, town, village] + (["是"] if flag else []))
    return rows, [f"A1:{'E' if flag else 'D'}1"]
