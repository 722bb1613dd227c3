"""Files in published layouts (tests.published_layouts), as .xlsx with merged cells and as GB18030 CSV: a two-row
header whose lower row is sub-headers, two tables on one sheet, heading and 小计 rows inside the data, and a 名单
of 示范村 read as flags."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from plan_monitor.cli import main
from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.ingest.read import read_upload
from plan_monitor.paths import DEFAULT_DATA
from plan_monitor.sources import open_store
from plan_monitor.sources.tables import reports
from plan_monitor.spec.geography import load_geography
from tests import published_layouts as pl
from tests.hostile_files import folder_hash

FORMATS = ["xlsx", "csv"]


def build(tmp_path: Path, name: str, layout: tuple) -> Path:
    rows, merges = layout
    return pl.write(tmp_path / name, rows, merges)


def kinds(parsed) -> dict[str, str]:
    return {n.kind: n.message for n in parsed.notes}


@pytest.mark.parametrize("ext", FORMATS)
def test_lower_header_row_of_sub_headers_is_skipped(tmp_path, ext):
    path = build(tmp_path, f"监利市党员统计.{ext}", pl.town_counts())
    parsed = read_upload(path.name, path.read_bytes())
    assert parsed.template.key == "town"
    assert parsed.row_numbers == list(range(4, 25))
    assert parsed.table["town"].to_pylist() == [t for t, _ in pl.TOWNS]
    assert parsed.issues == []
    assert kinds(parsed)["sub_header"] == "第3行为表头的下层小标题（合计、其中女），不属于模板的列，已按表头跳过"
    assert parsed.table["secretary_reserves"].to_pylist()[:3] == [2, 3, 1]


@pytest.mark.parametrize("ext", FORMATS)
def test_two_tables_on_one_sheet_are_both_found_and_the_first_is_read(tmp_path, ext):
    path = build(tmp_path, f"两表.{ext}", pl.two_tables())
    parsed = read_upload(path.name, path.read_bytes())
    assert parsed.template.key == "town"
    assert parsed.row_numbers == [4, 5, 6]
    assert parsed.tables == ["表1（第3行起，“乡镇（街道）情况统计表”，3 行）", "表2（第9行起，“村（社区）情况统计表”，4 行）"]
    assert parsed.table_index == 0
    [warning] = parsed.issues
    assert (warning.severity, warning.check) == ("warning", "several_tables")
    assert warning.message.startswith("本工作表有 2 个表格：表1（第3行起，“乡镇（街道）情况统计表”，3 行）；"
                                      "表2（第9行起，“村（社区）情况统计表”，4 行）。本次读取表1")
    # the village table is never read as the town table's data, nor the town table as title rows
    assert kinds(parsed)["title_row"] == "表头上方的标题行已跳过：第1行“公安县2023年乡镇和村情况”；第2行“一、乡镇（街道）”"


@pytest.mark.parametrize("ext", FORMATS)
def test_another_table_is_read_by_number_or_by_template(tmp_path, ext):
    path = build(tmp_path, f"两表.{ext}", pl.two_tables())
    for parsed in (read_upload(path.name, path.read_bytes(), table=2),
                   read_upload(path.name, path.read_bytes(), "village")):
        assert parsed.template.key == "village"
        assert parsed.row_numbers == [10, 11, 12, 13]
        assert parsed.table["village"].to_pylist() == ["杨铺村", "谭湾村", "侯洲村", "任港村"]
        assert parsed.table_index == 1
        assert kinds(parsed)["title_row"] == "表头上方的标题行已跳过：第8行“二、村（社区）”"
    with pytest.raises(Exception, match="没有第 3 个表格（本工作表共 2 个表格）"):
        read_upload(path.name, path.read_bytes(), table=3)


@pytest.mark.parametrize("ext", FORMATS)
def test_heading_and_subtotal_rows_are_skipped_with_notes(tmp_path, ext):
    villages = {"埠河镇": ["杨铺村", "谭湾村", "侯洲村"], "斗湖堤镇": ["任港村", "周垸村"]}
    path = build(tmp_path, f"分镇名册.{ext}", pl.headings_and_subtotals(villages))
    parsed = read_upload(path.name, path.read_bytes())
    assert parsed.template.key == "village"
    assert parsed.row_numbers == [4, 5, 6, 9, 10]
    assert parsed.issues == []
    notes = [n.message for n in parsed.notes]
    assert "第2行“公安县”、第3行“埠河镇”、第8行“斗湖堤镇”为分组标题行，已跳过" in notes
    assert "小计行已跳过：第7行“小计”；第11行“小计”" in notes
    assert parsed.totals == [(12, {"reserve_cadres": 10.0})]


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, folder)
    return folder


def not_demo_villages(store, county: str, year: int, n: int) -> list[tuple[str, str]]:
    rows = reports(store.current("villages", at=store.head())).to_pandas()
    rows = rows[(rows.county == county) & (rows.year == year) & (~rows.is_demo.astype(bool))]
    rows = rows.drop_duplicates(["town", "village"]).sort_values(["town", "village"])
    return list(zip(rows.town, rows.village))[:n]


@pytest.mark.parametrize("ext", FORMATS)
@pytest.mark.parametrize("flag", [False, True])
def test_a_list_of_26_demo_villages_marks_exactly_those_and_removes_nothing(plan, data, tmp_path, ext, flag):
    store = open_store(data)
    named = not_demo_villages(store, "公安县", 2023, 26)
    path = build(tmp_path, f"荆州市示范村名单.{ext}", pl.demo_village_list(named, flag=flag))
    checked = check_upload(path.name, path.read_bytes(), plan, load_geography(plan), store)
    assert checked.errors == [], checked.errors
    assert checked.parsed.listing
    assert any(n.message.startswith("名单：26 个村标为示范村") for n in checked.notes)
    assert checked.removed == 0
    status = checked.changes["status"].value_counts().to_dict()
    assert status.get("changed") == 26 and "new" not in status and "removed" not in status
    after = checked.result.to_pandas()
    after = after[(after.county == "公安县") & (after.year == 2023)]
    before = reports(store.current("villages", at=store.head())).to_pandas()
    before = before[(before.county == "公安县") & (before.year == 2023)]
    assert len(after) == len(before) == 382
    marked = set(zip(after[after.is_demo.astype(bool)].town, after[after.is_demo.astype(bool)].village))
    was = set(zip(before[before.is_demo.astype(bool)].town, before[before.is_demo.astype(bool)].village))
    assert marked == was | set(named)
    # only the flag changes: every other value of the listed villages is as stored
    keep = ["unit_type", "income_wan", "reserve_cadres", "reserve_cadres_u30"]
    merged = after.merge(before, on=["town", "village"], suffixes=("", "_old"))
    for col in keep:
        assert (merged[col].astype("string").fillna("") == merged[f"{col}_old"].astype("string").fillna("")).all()


def test_a_list_is_refused_under_replace(plan, data, tmp_path):
    store = open_store(data)
    named = not_demo_villages(store, "公安县", 2023, 26)
    path = build(tmp_path, "示范村名单.xlsx", pl.demo_village_list(named))
    checked = check_upload(path.name, path.read_bytes(), plan, load_geography(plan), store, mode="replace")
    assert [i.check for i in checked.errors] == ["list_replace"]
    assert "请选择“补充更正”" in checked.errors[0].message
    assert not checked.can_commit and checked.removed == 0


def test_a_listed_village_not_stored_is_an_error_not_a_blank_type(plan, data, tmp_path):
    store = open_store(data)
    named = [*not_demo_villages(store, "公安县", 2023, 2), ("埠河镇", "不存在村")]
    path = build(tmp_path, "示范村名单.csv", pl.demo_village_list(named))
    checked = check_upload(path.name, path.read_bytes(), plan, load_geography(plan), store)
    assert [(i.check, i.row) for i in checked.errors if i.check.startswith("list")] == [("list_unknown_unit", 5)]
    assert not [i for i in checked.errors if i.check == "required_blank"]


def test_a_list_without_a_year_anywhere_is_refused(tmp_path):
    path = build(tmp_path, "示范村名单.xlsx", pl.demo_village_list([("埠河镇", "杨铺村")], year=None))
    with pytest.raises(Exception, match="名单，但没有“年度”列"):
        read_upload(path.name, path.read_bytes())


def test_cli_ingest_reads_the_table_asked_for(capsys, data, tmp_path):
    path = build(tmp_path, "两表.xlsx", pl.two_tables())
    before = folder_hash(data)
    code = main(["ingest", str(path), "--data", str(data), "--user", "测试员", "--table", "2", "--dry-run"])
    out = capsys.readouterr().out
    assert "村（社区）情况统计表，4 行数据" in out
    assert "本工作表有 2 个表格" in out and "本次读取表2" in out
    assert code == 0 and folder_hash(data) == before


def test_a_community_alone_on_its_row_is_not_a_heading(tmp_path):
    rows = [["年度", "县（市、区）", "乡镇（街道）", "村（社区）", "类型", "是否示范村（社区）"],
            ["2023", "沙市区", "中山路街道", "三板桥社区", "社区", "否"],
            [None, None, None, "胜利社区", None, None],
            ["2023", "沙市区", "中山路街道", "沙市区", None, None]]
    path = pl.write(tmp_path / "社区.csv", rows)
    parsed = read_upload(path.name, path.read_bytes())
    assert parsed.row_numbers == [2, 3, 4]
    assert "heading_row" not in kinds(parsed)
