"""read_upload on roster files saved the way analysts' Excel and WPS save them (tests/data/uploads)."""

from __future__ import annotations

import io
import tracemalloc
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from plan_monitor.ingest import read as read_module
from plan_monitor.ingest.model import Issue, UploadError
from plan_monitor.ingest.read import read_upload
from plan_monitor.sources.tables import ARROW_TYPES
from plan_monitor.spec.templates import TEMPLATES

UPLOADS = Path(__file__).resolve().parents[1] / "data" / "uploads"
END = date(2023, 12, 31)
# What every village fixture holds, however it is typed (see make_fixtures.ROWS).
VILLAGES = [
    dict(year=2023, as_of=END, county="沙市区", town="中山路街道", village="谭场村", unit_type="村", is_demo=False,
         demo_year=None, income_wan=132.0, reserve_cadres=2, reserve_cadres_u30=1),
    dict(year=2023, as_of=END, county="沙市区", town="中山路街道", village="史庙村", unit_type="村", is_demo=True,
         demo_year=2022, income_wan=22.1, reserve_cadres=4, reserve_cadres_u30=1),
    dict(year=2023, as_of=END, county="监利市", town="容城镇", village="城南社区", unit_type="社区", is_demo=True,
         demo_year=2023, income_wan=None, reserve_cadres=3, reserve_cadres_u30=0),
]


def read(name: str, template_key: str | None = None):
    return read_upload(name, (UPLOADS / name).read_bytes(), template_key)


# file, file rows of the data, notes as (kind, count, text the message must contain), in order
VILLAGE_CASES = [
    ("village_utf8.csv", [2, 3, 4], [("encoding", 1, "文件编码：UTF-8")]),
    ("village_utf8_bom.csv", [2, 3, 4], [("encoding", 1, "UTF-8（带 BOM）")]),
    ("village_gbk.csv", [2, 3, 4], [("encoding", 1, "文件编码：GB18030（WPS/Excel 中文默认）")]),
    ("village_gb18030_title.csv", [3, 4, 5], [
        ("encoding", 1, "GB18030"),
        ("title_row", 1, "第1行“荆州市2023年示范村创建情况统计表”"),
    ]),
    ("village_fullwidth.csv", [2, 3, 4], [
        ("encoding", 1, "UTF-8"),
        ("fullwidth", 4, "第2行“年度”：“２０２３” → “2023”"),
    ]),
    ("village_units.csv", [2, 3, 4], [
        ("encoding", 1, "UTF-8"),
        ("unit_suffix", 4, "“132万元” → “132”"),
    ]),
    ("village_symbols.csv", [2, 3, 4], [
        ("encoding", 1, "UTF-8"),
        ("bool_symbol", 3, "“×” → “否”"),
    ]),
    ("village_years.csv", [2, 3, 4], [
        ("encoding", 1, "UTF-8"),
        ("year_suffix", 3, "“2023年” → “2023”"),
    ]),
    ("village_spaces.csv", [2, 3, 4], [
        ("encoding", 1, "UTF-8"),
        ("whitespace", 5, "“沙市区 ” → “沙市区”"),
    ]),
    ("village_blank_lines.csv", [2, 4, 6], [
        ("encoding", 1, "UTF-8"),
        ("blank_rows", 2, "第3行、第5行"),
    ]),
    ("village_aliases.csv", [2, 3, 4], [
        ("encoding", 1, "UTF-8"),
        ("header_alias", 10, "“年份”按“年度”读取"),
        ("unknown_column", 2, "已忽略：序号、备注"),
    ]),
    ("village_totals.csv", [2, 3, 5], [
        ("encoding", 1, "GB18030"),
        ("total_row", 1, "第6行“合 计”"),
        ("total_row", 1, "小计行已跳过：第4行“小计”"),
        ("note_row", 2, "第7行“填表人：张三  联系电话：0716-8888888”；第8行“注：收入为预计全年数。”"),
    ]),
    ("village_multiline.csv", [2, 4, 5], [
        ("encoding", 1, "UTF-8"),
        ("unknown_column", 1, "已忽略：备注"),
    ]),
    ("village_merged.xlsx", [5, 6, 8], [
        ("sheet", 1, "读取工作表“示范村”"),
        ("title_row", 2, "第1行“荆州市2023年示范村创建情况统计表”；第2行“填报单位：荆州市委组织部”"),
        ("merged_header", 1, "第3、4行已合并读取：后备干部/人数、后备干部/其中30岁以下"),
        ("header_alias", 1, "“后备干部/其中30岁以下”按“其中30岁以下后备干部人数”读取"),
        ("blank_rows", 1, "第10行"),
        ("total_row", 1, "第9行“合计”"),
        ("total_row", 1, "小计行已跳过：第7行“小计”"),
        ("note_row", 2, "第11行“填表人：张三    联系电话：0716-8888888”；第12行“注：村集体经济收入为当年预计全年数。”"),
    ]),
    ("village_yesno.parquet", [2, 3, 4], [("header_alias", 11, "“is_demo”按“是否示范村（社区）”读取")]),
]


@pytest.mark.parametrize(("name", "rows", "notes"), VILLAGE_CASES, ids=[c[0] for c in VILLAGE_CASES])
def test_every_quirk_reads_to_the_same_villages(name, rows, notes):
    parsed = read(name)
    assert parsed.template.key == "village"
    assert parsed.table.to_pylist() == VILLAGES
    assert parsed.row_numbers == rows
    assert [n.kind for n in parsed.notes] == [k for k, _, _ in notes]
    for note, (kind, count, text) in zip(parsed.notes, notes):
        assert note.count == count, note
        assert text in note.message, note.message
    # The one deliberate unreadable cell: 元 in a 万元 column (see test_yuan_in_a_wan_column…).
    assert [(i.row, i.value) for i in parsed.issues] == ([(4, "253000元")] if name == "village_units.csv" else [])


def test_table_schema_is_the_template_in_order():
    parsed = read("village_utf8.csv")
    village = TEMPLATES["village"]
    assert parsed.table.schema == pa.schema([(c.key, ARROW_TYPES[c.dtype]) for c in village.columns])
    assert parsed.headers == {c.key: c.header for c in village.columns}
    assert parsed.raw_header == village.headers
    assert parsed.encoding == "utf-8"
    assert parsed.raw_rows[2] == (4, ["2023", "2023-12-31", "监利市", "容城镇", "城南社区", "社区", "是", "2023", None, "3", "0"])


def test_merged_xlsx_header_texts_totals_and_raw_cells():
    parsed = read("village_merged.xlsx")
    assert parsed.header_row == 4
    assert parsed.encoding is None
    assert parsed.raw_header[-2:] == ["后备干部/人数", "后备干部/其中30岁以下"]
    assert parsed.headers["reserve_cadres_u30"] == "后备干部/其中30岁以下"
    assert parsed.totals == [(9, {"income_wan": 154.1, "reserve_cadres": 9.0, "reserve_cadres_u30": 2.0})]
    # Excel's float 132.0 reads as "132", a datetime and a date cell both as the ISO day.
    assert parsed.raw_rows[0] == (5, ["2023", "2023-12-31", "沙市区", "中山路街道", "谭场村", "村", "否", None, "132", "2", "1"])
    assert parsed.raw_rows[2][1][1] == "2023-12-31"


def test_csv_totals_row_values():
    expected = [(6, {"income_wan": 154.1, "reserve_cadres": 9.0, "reserve_cadres_u30": 2.0})]
    assert read("village_totals.csv").totals == expected


def test_bad_values_become_null_with_one_issue_each():
    parsed = read("village_bad_values.csv")
    got = parsed.table.to_pylist()
    assert (got[0]["year"], got[0]["reserve_cadres"]) == (None, None)
    assert (got[1]["is_demo"], got[1]["reserve_cadres"]) == (None, None)
    assert (got[2]["as_of"], got[2]["income_wan"]) == (None, None)
    assert got[0]["village"] == "谭场村" and got[1]["demo_year"] == 2022  # the rest of each row is kept
    assert parsed.issues == [
        Issue("error", "bad_value", "“二〇二三”不是年份，请填写四位数字年份，如 2023", 2, "年度", "二〇二三"),
        Issue("error", "bad_value", "“十二”不是数字，请填写阿拉伯数字", 2, "后备干部人数", "十二"),
        Issue("error", "bad_value", "“有”无法识别为是/否，请填写“是”或“否”", 3, "是否示范村（社区）", "有"),
        Issue("error", "bad_value", "“12.5”不是整数，本列应填写整数", 3, "后备干部人数", "12.5"),
        Issue("error", "bad_value", "“2024-13-01”不是有效日期，请按 2024-06-30 格式填写", 4, "统计截至", "2024-13-01"),
        Issue("error", "bad_value", "“253000元”的单位是元，本列单位为万元，请换算为万元后填写（如 253000元 填 25.3）",
              4, "村集体经济收入（万元）", "253000元"),
    ]


def test_yuan_in_a_wan_column_is_an_issue_not_converted():
    parsed = read("village_units.csv")
    assert parsed.issues == [Issue("error", "bad_value", parsed.issues[0].message, 4, "村集体经济收入（万元）", "253000元")]
    assert "单位是元" in parsed.issues[0].message


def test_thousands_separators_half_and_full_width():
    parsed = read("county_stats_thousands.csv")
    assert parsed.template.key == "county_stats"
    assert parsed.table.column("party_workers").to_pylist() == [1958, 1414]
    assert parsed.table.column("party_workers_trained").to_pylist() == [1664, 919]
    kinds = {n.kind: n for n in parsed.notes}
    assert kinds["thousands"].count == 3 and "“1,958” → “1958”" in kinds["thousands"].message
    assert kinds["fullwidth"].count == 1 and "“１，４１４” → “1,414”" in kinds["fullwidth"].message


def test_date_formats_and_month_end():
    parsed = read("county_dates.csv")
    assert parsed.template.key == "county"
    assert parsed.table.column("as_of").to_pylist() == [date(2024, 6, 30)] * 6
    assert parsed.table.column("is_demo").to_pylist() == [False, True, False, True, False, True]
    kinds = {n.kind: n for n in parsed.notes}
    assert (kinds["date_format"].count, kinds["date_format"].rows) == (4, (3, 4, 5, 6))
    assert "“2024/6/30” → “2024-06-30”" in kinds["date_format"].message
    assert (kinds["date_month"].count, kinds["date_month"].rows) == (1, (7,))
    assert "“2024年6月” → “2024-06-30”" in kinds["date_month"].message


def test_template_key_given_and_fitting():
    assert read("village_gbk.csv", "village").table.num_rows == 3


def test_template_key_given_but_headers_fit_another():
    with pytest.raises(UploadError, match="所选报表为“乡镇（街道）情况统计表”，但文件表头与“村（社区）情况统计表”相符"):
        read("village_utf8.csv", "town")


def test_parquet_with_chinese_headers_and_typed_bools(tmp_path):
    table = pa.table({"年度": [2024], "县（市、区）": ["沙市区"], "是否示范县（市、区）": [True], "示范命名年度": ["2023年"]})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    parsed = read_upload("county.parquet", buf.getvalue())
    assert parsed.template.key == "county"
    assert parsed.table.to_pylist() == [dict(year=2024, as_of=None, county="沙市区", is_demo=True, demo_year=2023)]
    assert [n.kind for n in parsed.notes] == ["year_suffix"]


REJECTS = [
    ("empty.csv", None, "文件是空的"),
    ("header_only.csv", None, "表头下面没有数据行"),
    ("binary.csv", None, "文件内容不是文本表格"),
    ("renamed_xlsx.csv", None, "这是一个 Excel（.xlsx）"),
    ("old.xls", None, "另存为” .xlsx"),
    # .txt is read as text (Excel's "Unicode 文本" is a tab-separated .txt); a note is no table.
    ("notes.txt", None, "没有找到表头"),
    ("no_header.csv", None, "没有找到表头"),
    ("missing_village.csv", None, "按“村（社区）情况统计表”读取，缺少必填列 “村（社区）”"),
    ("missing_village.csv", "village", "缺少必填列 “村（社区）”"),
    # Not mistaken for the county statistics template, which it would fit without 是否示范.
    ("town_missing_demo.csv", None, "按“乡镇（街道）情况统计表”读取，缺少必填列 “是否示范乡镇（街道）”"),
]


@pytest.mark.parametrize(("name", "template_key", "message"), REJECTS, ids=[f"{r[0]}-{r[1]}" for r in REJECTS])
def test_whole_file_rejections(name, template_key, message):
    with pytest.raises(UploadError) as info:
        read(name, template_key)
    assert message in info.value.zh
    assert info.value.en  # English too, for logs


def test_unsupported_extension():
    with pytest.raises(UploadError, match="不支持的文件类型“.docx”"):
        read_upload("notes.docx", b"PK\x03\x04")


def test_binary_without_nul_bytes_is_rejected():
    with pytest.raises(UploadError, match="不是文本表格"):
        read_upload("x.csv", bytes(range(0x80, 0x100)) * 16)


def test_extension_is_case_insensitive_and_xls_upper():
    assert read_upload("V.CSV", (UPLOADS / "village_utf8.csv").read_bytes()).table.num_rows == 3
    with pytest.raises(UploadError, match="另存为"):
        read_upload("OLD.XLS", b"\xd0\xcf\x11\xe0")


def test_over_max_bytes(monkeypatch):
    monkeypatch.setattr(read_module, "MAX_BYTES", 100)
    with pytest.raises(UploadError, match="超过上限"):
        read("village_utf8.csv")


def test_million_row_csv_rejected_fast_with_bounded_memory(tmp_path):
    path = tmp_path / "million.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("年度,县（市、区）,是否示范县（市、区）\n")
        out.writelines("2023,沙市区,是\n" for _ in range(1_000_000))
    data = path.read_bytes()
    tracemalloc.start()
    try:
        with pytest.raises(UploadError, match="数据超过 200,000 行"):
            read_upload("million.csv", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # the 15 MB file is never decoded or split


def test_too_many_data_rows_after_parsing(monkeypatch):
    monkeypatch.setattr(read_module, "MAX_ROWS", 2)
    with pytest.raises(UploadError, match="数据超过 2 行"):
        read("village_utf8.csv")


def test_too_many_xlsx_rows_stops_streaming(monkeypatch, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["年度", "县（市、区）", "是否示范县（市、区）"])
    for _ in range(300):
        ws.append([2023, "沙市区", "是"])
    buf = io.BytesIO()
    wb.save(buf)
    monkeypatch.setattr(read_module, "MAX_ROWS", 10)
    with pytest.raises(UploadError, match="数据超过 10 行"):
        read_upload("big.xlsx", buf.getvalue())


def test_too_many_parquet_rows(monkeypatch):
    monkeypatch.setattr(read_module, "MAX_ROWS", 2)
    with pytest.raises(UploadError, match="数据超过 2 行"):
        read("village_yesno.parquet")


def test_corrupt_xlsx():
    with pytest.raises(UploadError, match="无法作为 Excel"):
        read_upload("broken.xlsx", b"PK\x03\x04 not really a zip")
