"""Files in the layouts offices publish (issue 14), built from their header texts and a few rows: a village funding
table headed 序号/县区市/镇街/示范村名称/是否示范/资金（万元） under a title, a per-town table headed 县（市、区）/镇街/…,
with the columns our template requires added by the analyst under their own names, as WPS or Excel would save them.

Each builder returns (file name, bytes); the rows name real units of the demo data, so a commit changes its figures.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

VILLAGE_TITLE = "2024年荆州市党建引领乡村振兴示范村建设资金安排表"
VILLAGE_HEADER = ["序号", "县区市", "镇街", "示范村名称", "村社别", "是否示范", "资金（万元）", "填报年份", "截至日期"]
# file header text → template key, for the two columns no alias covers
VILLAGE_MAP = {"year": "填报年份", "unit_type": "村社别"}
VILLAGE_ROWS = [
    [1, "沙市区", "中山路街道", "谭场村", "村", "是", 20, 2024, "2024-09-30"],
    [2, "沙市区", "中山路街道", "史庙村", "村", "是", 15, 2024, "2024-09-30"],
]
# what the two rows read as (template keys), in file order
VILLAGE_EXPECTED = [
    {"year": 2024, "county": "沙市区", "town": "中山路街道", "village": "谭场村", "unit_type": "村", "is_demo": True},
    {"year": 2024, "county": "沙市区", "town": "中山路街道", "village": "史庙村", "unit_type": "村", "is_demo": True},
]

TOWN_HEADER = ["县（市、区）", "镇街", "街道类型", "是否示范", "书记后备人数", "统计年度", "统计截至"]
TOWN_MAP = {"town_type": "街道类型", "secretary_reserves": "书记后备人数"}
TOWN_ROWS = [
    ["沙市区", "中山路街道", "街道", "是", 5, 2024, "2024-09-30"],
    ["沙市区", "崇文街街道", "街道", "是", 1, 2024, "2024-09-30"],
]
TOWN_EXPECTED = [
    {"year": 2024, "county": "沙市区", "town": "中山路街道", "town_type": "街道", "is_demo": True,
     "secretary_reserves": 5},
    {"year": 2024, "county": "沙市区", "town": "崇文街街道", "town_type": "街道", "is_demo": True,
     "secretary_reserves": 1},
]


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    return "".join(",".join("" if v is None else str(v) for v in row) + "\r\n" for row in rows).encode(encoding)


def village_funding(name: str = "示范村资金安排表.xlsx", rows: list[list] | None = None) -> tuple[str, bytes]:
    """Title on row 1, a blank row 2, the published header on row 3, then the villages."""
    table = [[VILLAGE_TITLE], [], VILLAGE_HEADER, *(VILLAGE_ROWS if rows is None else rows)]
    return name, xlsx(table) if name.endswith(".xlsx") else csv(table)


def town_counts(name: str = "各镇街情况统计.csv") -> tuple[str, bytes]:
    """A per-town count table headed 县（市、区）/镇街/…, the header on row 1."""
    table = [TOWN_HEADER, *TOWN_ROWS]
    return name, xlsx(table) if name.endswith(".xlsx") else csv(table)


# A note block above the header names two template columns, the header itself almost none: the scan takes the note
# row, the analyst names row 3 and maps the columns.
NOTE_ROW = ["填表说明", "年度", "县（市、区）", "须填写规范名称", "", "", ""]
NAMED_HEADER = ["所在区", "所在镇", "村庄", "村社别", "示范与否", "填报年份", "截至日期"]
NAMED_MAP = {"county": "所在区", "town": "所在镇", "village": "村庄", "unit_type": "村社别", "is_demo": "示范与否",
             "year": "填报年份"}
NAMED_ROWS = [["沙市区", "中山路街道", "谭场村", "村", "是", 2024, "2024-09-30"]]


def note_above_header(name: str = "示范村名单.csv") -> tuple[str, bytes]:
    table = [NOTE_ROW, ["", "", "", "", "", "", ""], NAMED_HEADER, *NAMED_ROWS]
    return name, csv(table)
