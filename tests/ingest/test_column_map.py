"""列对应 (issue 14): published tables whose headers do not match are read after at most one mapping step, with exact
rows; every rejection for the header lists the row taken and each column's reading; the mapping given is remembered
per county (or per actor) and template and applied to the next upload; the CLI takes --header-row and --map."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from plan_monitor.access import Access
from plan_monitor.cli import main
from plan_monitor.ingest.header import field_key
from plan_monitor.ingest.model import UploadError
from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.ingest.read import read_upload
from plan_monitor.ingest.service import Actor, WriteService
from plan_monitor.outputs.upload_report import report_xlsx
from plan_monitor.paths import DEFAULT_DATA
from plan_monitor.sources import open_store
from plan_monitor.spec.geography import load_geography
from tests.published_tables import (NAMED_MAP, TOWN_EXPECTED, TOWN_MAP, VILLAGE_EXPECTED, VILLAGE_MAP, csv,
                                    note_above_header, town_counts, village_funding)

CITY = Actor("市委组织部 李统计")
SHASHI = Actor("沙市区 王分析", role="county_analyst", counties=frozenset({"沙市区"}))


@pytest.fixture
def data(tmp_path) -> Path:
    return Path(shutil.copytree(DEFAULT_DATA, tmp_path / "data"))


@pytest.fixture
def geo(plan):
    return load_geography(plan)


def rows(parsed, keys) -> list[dict]:
    return parsed.table.select(list(keys)).to_pylist()


def test_names_offices_use_are_aliases():
    content = csv([["年度", "县区市", "镇街", "示范村名称", "类型", "是否示范"],
                   [2024, "沙市区", "中山路街道", "谭场村", "村", "是"]])
    parsed = read_upload("a.csv", content)
    assert parsed.template.key == "village"
    assert rows(parsed, ["county", "town", "village"]) == [{"county": "沙市区", "town": "中山路街道", "village": "谭场村"}]
    assert [c.label for c in parsed.reading.columns][1:4] == [
        "按“县（市、区）”读取（别名）", "按“乡镇（街道）”读取（别名）", "按“村（社区）”读取（别名）"]
    for text, key in [("县市区名称", "county"), ("乡镇街道", "town"), ("镇（街道）", "town"), ("村名称", "village")]:
        assert field_key(text, "village") == key


def test_a_rejection_lists_the_header_row_and_each_columns_reading():
    name, content = village_funding()
    with pytest.raises(UploadError) as caught:
        read_upload(name, content)
    assert caught.value.zh == (
        "示范村资金安排表.xlsx：按“村（社区）情况统计表”读取，缺少必填列 “年度”、“类型”；请补上这些列（可从报表模板复制表头），"
        "或在“列对应”中为其选择文件中的列。第3行作为表头：已识别 县区市、镇街、示范村名称、是否示范、截至日期；"
        "未识别 村社别、资金（万元）、填报年份；已忽略 序号；缺少 年度、类型")
    reading = caught.value.reading
    assert (reading.header_row, reading.template_key) == (3, "village")
    assert [(c.column, c.text, c.status, c.key) for c in reading.columns] == [
        (1, "序号", "ignored", None), (2, "县区市", "read", "county"), (3, "镇街", "read", "town"),
        (4, "示范村名称", "read", "village"), (5, "村社别", "unknown", None), (6, "是否示范", "read", "is_demo"),
        (7, "资金（万元）", "unknown", None), (8, "填报年份", "unknown", None), (9, "截至日期", "read", "as_of")]


def test_no_header_and_template_mismatch_list_the_reading_too():
    with pytest.raises(UploadError) as caught:
        read_upload("n.csv", csv([["名称", "数量"], ["甲", 1]]))
    assert "前 20 行中没有找到表头" in caught.value.zh and "第1行作为表头：已识别 无；未识别 名称、数量" in caught.value.zh
    assert caught.value.reading.header_row == 1
    name, content = town_counts()
    with pytest.raises(UploadError) as caught:
        read_upload(name, content, "county", mapping=TOWN_MAP)
    assert "列对应中的字段“town_type”不是“县（市、区）示范创建情况表”的列；可对应的字段：年度、统计截至" in caught.value.zh
    with pytest.raises(UploadError) as caught:  # no template chosen: the town columns decide it is no county table
        read_upload(name, content, mapping={"town_type": "街道类型", "shared_sites": "书记后备人数"})
    assert "列对应中的字段 shared_sites 不是“乡镇（街道）情况统计表”的列" in caught.value.zh
    village = csv([["年度", "县（市、区）", "乡镇（街道）", "村（社区）", "类型", "是否示范村（社区）"],
                   [2024, "沙市区", "中山路街道", "谭场村", "村", "是"]])
    with pytest.raises(UploadError) as caught:
        read_upload("v.csv", village, "town")
    assert "但文件表头与“村（社区）情况统计表”相符" in caught.value.zh and "第1行作为表头：已识别 年度、县（市、区）" in caught.value.zh


def test_the_village_funding_table_reads_after_one_mapping_step():
    name, content = village_funding()
    parsed = read_upload(name, content, mapping=VILLAGE_MAP)
    assert rows(parsed, VILLAGE_EXPECTED[0]) == VILLAGE_EXPECTED
    assert parsed.row_numbers == [4, 5] and not parsed.issues
    assert "按列对应读取：“填报年份”按“年度”读取；“村社别”按“类型”读取" in [n.message for n in parsed.notes]
    assert parsed.reading.mapping == VILLAGE_MAP


def test_the_town_table_reads_after_one_mapping_step():
    name, content = town_counts()
    parsed = read_upload(name, content, mapping=TOWN_MAP)
    assert parsed.template.key == "town" and rows(parsed, TOWN_EXPECTED[0]) == TOWN_EXPECTED


def test_a_named_header_row_skips_the_scan():
    name, content = note_above_header()
    wrong = read_upload(name, content)  # the note row names two columns: the scan takes it
    assert wrong.reading.header_row == 1 and wrong.issues
    parsed = read_upload(name, content, "village", header_row=3, mapping=NAMED_MAP)
    assert parsed.header_row == 3 and parsed.row_numbers == [4] and not parsed.issues
    assert rows(parsed, ["year", "county", "town", "village", "unit_type", "is_demo"]) == [
        {"year": 2024, "county": "沙市区", "town": "中山路街道", "village": "谭场村", "unit_type": "村", "is_demo": True}]
    assert "按指定，第3行作为表头读取" in [n.message for n in parsed.notes]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"mapping": {"nonsense": "村社别"}}, "列对应中的字段“nonsense”不是报表模板的列"),
    ({"mapping": {"year": "不存在的列"}}, "列对应中的列名“不存在的列”不在第3行表头中（表头：序号、县区市、镇街"),
    ({"mapping": {"year": "填报年份", "unit_type": "填报年份"}}, "“填报年份”同时对应了“year”和“unit_type”两个字段"),
    ({"header_row": 2}, "指定的表头行第2行是空行"),
    ({"header_row": 900}, "指定的表头行第900行不在可作为表头的前"),
])
def test_bad_mappings_are_chinese_upload_errors(kwargs, message):
    name, content = village_funding()
    with pytest.raises(UploadError, match=message):
        read_upload(name, content, **kwargs)


def test_the_report_of_a_rejected_file_puts_the_reading_in_its_notes_sheet(plan, geo, data):
    name, content = village_funding()
    checked = check_upload(name, content, plan, geo, open_store(data))
    assert checked.header_rejected and checked.reading.header_row == 3
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(checked.parsed, checked.issues, checked.notes, name,
                                                         checked.reading)))
    lines = [r[0] for r in book["处理说明"].iter_rows(min_row=2, values_only=True)]
    assert lines[0].startswith("表头：第3行作为表头：已识别 县区市")
    assert "表头：第5列“村社别”：未识别" in lines and "表头：第2列“县区市”：按“县（市、区）”读取（别名）" in lines


def test_a_mapping_is_remembered_per_county_and_applied_next_time(plan, geo, data, tmp_path):
    store = open_store(data)
    access = Access(tmp_path / "home")
    name, content = village_funding()
    checked = check_upload(name, content, plan, geo, store, mapping=VILLAGE_MAP, actor=SHASHI)
    assert checked.can_commit and checked.map_to_save == {"template": "village", "mapping": VILLAGE_MAP,
                                                          "header_row": None}
    WriteService(store, access).commit_upload(checked, SHASHI)
    saved = json.loads((data / "store" / "column_maps.json").read_text(encoding="utf-8"))["maps"]
    assert [(m["scope"], m["template"], m["mapping"], m["user"]) for m in saved] == [
        ("county:沙市区", "village", VILLAGE_MAP, "沙市区 王分析")]
    assert [e["action"] for e in access.audit()][:2] == ["upload", "column_map"]  # oldest first

    again = village_funding(rows=[[1, "沙市区", "中山路街道", "谭场村", "村", "否", 20, 2024, "2024-09-30"]])
    checked = check_upload(*again, plan, geo, store, actor=CITY)
    assert not checked.errors and checked.saved_map["scope"] == "county:沙市区"
    assert checked.notes[0].message.startswith("已按上次保存的列对应读取（沙市区 王分析 ")
    assert "“村社别”按“类型”读取；“填报年份”按“年度”读取" in checked.notes[0].message
    assert [c.via for c in checked.reading.columns if c.key in VILLAGE_MAP] == ["saved", "saved"]
    assert rows(checked.parsed, ["village", "is_demo"]) == [{"village": "谭场村", "is_demo": False}]
    assert checked.map_to_save is None  # nothing new to remember
    # another template is not read with it
    other = check_upload(*again, plan, geo, store, "town", actor=CITY)
    assert other.header_rejected


def test_a_file_of_several_counties_is_remembered_under_the_actor(plan, geo, data):
    store = open_store(data)
    two = [*[[i, "沙市区", "中山路街道", v, "村", "是", 1, 2024, "2024-09-30"] for i, v in ((1, "谭场村"),)],
           [2, "监利市", "容城镇", "城南社区", "社区", "是", 1, 2024, "2024-09-30"]]
    checked = check_upload(*village_funding(rows=two), plan, geo, store, mapping=VILLAGE_MAP, actor=CITY)
    assert checked.can_commit, checked.problems().to_string()
    WriteService(store).commit_upload(checked, CITY, confirm_warnings=True)
    assert [m["scope"] for m in store.column_maps()] == ["user:市委组织部 李统计"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_header_row_and_map(capsys, data, tmp_path):
    name, content = village_funding()
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(capsys, "ingest", str(path), "--data", str(data), "--user", "测试员")
    assert code == 2 and "第3行作为表头：已识别 县区市" in out and "第8列“填报年份”：未识别" in out
    assert "可用 --header-row N 指定表头行，--map 列名=字段 指定列对应" in out
    code, out, err = run(capsys, "ingest", str(path), "--data", str(data), "--user", "测试员", "--header-row", "3",
                         "--map", "填报年份=年度", "--map", "村社别=unit_type")
    assert code == 0, err
    assert "第8列“填报年份”：按“年度”读取（按列对应）" in out and "已提交为数据版本 v1" in out and "列对应已保存" in out
    assert open_store(data).column_maps()[0]["mapping"] == VILLAGE_MAP
    assert open_store(data).column_maps()[0]["header_row"] == 3


@pytest.mark.parametrize(("args", "message"), [
    (["--header-row", "三"], "--header-row 须为正整数（文件中的行号），收到“三”"),
    (["--header-row", "0"], "--header-row 须为正整数"),
    (["--map", "填报年份"], "--map 须写成 列名=字段"),
    (["--map", "填报年份=年份数"], "“年份数”不是报表模板的字段；可用的字段：年度、统计截至"),
    (["--map", "填报年份=年度", "--map", "村社别=年度"], "字段“年度”对应了两列"),
    (["--map", "找不到=年度"], "列对应中的列名“找不到”不在第3行表头中"),
])
def test_cli_bad_column_maps_are_chinese_with_exit_code_2(capsys, data, tmp_path, args, message):
    name, content = village_funding()
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run(capsys, "ingest", str(path), "--data", str(data), "--user", "测试员", *args)
    assert code == 2 and "Traceback" not in err + out
    assert message in err + out
