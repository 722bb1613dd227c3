"""Header detection: aliases, normalised header text, two-row merged headers and template choice."""

from __future__ import annotations

import pytest

from plan_monitor.ingest.header import LOOKUPS, find_header, norm
from plan_monitor.ingest.model import UploadError
from plan_monitor.spec.templates import TEMPLATES


@pytest.mark.parametrize("template", list(TEMPLATES.values()), ids=list(TEMPLATES))
def test_every_alias_names_its_own_column(template):
    """setdefault in the lookup would silently let one alias shadow another column's: none may."""
    lookup = LOOKUPS[template.key]
    for col in template.columns:
        names = [col.header, col.key, *col.aliases]
        for name in names:
            assert lookup[norm(name)] == col.key, (template.key, name)


def test_every_template_column_has_aliases():
    for template in TEMPLATES.values():
        for col in template.columns:
            assert col.aliases, (template.key, col.key)


@pytest.mark.parametrize(("a", "b"), [
    ("县（市、区）", "县(市,区)"),
    ("县（市、区）", " 县 （市、区） "),
    ("村集体经济收入（万元）", "村集体经济收入\n(万元)"),
    ("村集体经济收入（万元）", "村集体经济收入"),
    ("后备干部人数", "后备干部人数（人）"),
    ("党建共享阵地数（个，累计）", "党建共享阵地数"),
    ("年度", "*年度"),
    ("年度", "年度："),
])
def test_norm_equates_typing_variants(a, b):
    assert norm(a) == norm(b)


def test_yuan_header_is_not_a_wan_header():
    assert norm("村集体经济收入（元）") != norm("村集体经济收入（万元）")


def rows(*lines):
    return [(i, list(cells)) for i, cells in enumerate(lines, start=1)]


COUNTY = ["年度", "县（市、区）", "是否示范县（市、区）"]


def test_header_below_title_rows_and_blank_rows():
    header = find_header("f.csv", rows(["标题", None, None], [None, None, None], ["单位：", None, "日期"], COUNTY,
                                       ["2023", "沙市区", "是"]), None)
    assert (header.first_row, header.last_row, header.two_rows) == (4, 4, False)
    assert header.title_rows == [(1, "标题"), (3, "单位： 日期")]
    assert header.match.template.key == "county"


def test_vertical_merge_leaves_second_header_row_blank():
    parent = ["年度", "县（市、区）", "乡镇（街道）", "村（社区）", "类型", "是否示范村（社区）", "后备干部", None]
    child = [None, None, None, None, None, None, "人数", "其中30岁以下"]
    header = find_header("f.csv", rows(parent, child, ["2023"] * 8), None)
    assert (header.first_row, header.last_row, header.two_rows) == (1, 2, True)
    assert header.match.columns["reserve_cadres"] == 6
    assert header.match.columns["reserve_cadres_u30"] == 7
    assert header.raw_header[6:] == ["后备干部/人数", "后备干部/其中30岁以下"]


def test_data_row_below_a_header_is_not_a_sub_header():
    header = find_header("f.csv", rows(COUNTY, ["2023", "沙市区", "是"]), None)
    assert (header.last_row, header.two_rows) == (1, False)


def test_no_header_in_the_first_twenty_rows():
    lines = [[f"说明{i}", None, None] for i in range(20)] + [COUNTY]
    with pytest.raises(UploadError, match="前 20 行中没有找到表头"):
        find_header("f.csv", rows(*lines), None)


def test_village_file_missing_village_is_not_read_as_town():
    village = ["年度", "县（市、区）", "乡镇（街道）", "类型", "是否示范村（社区）"]
    with pytest.raises(UploadError, match="按“村（社区）情况统计表”读取，缺少必填列 “村（社区）”"):
        find_header("f.csv", rows(village), None)


def test_chosen_template_missing_columns_names_that_template():
    with pytest.raises(UploadError, match="按“乡镇（街道）情况统计表”读取，缺少必填列 “乡镇（街道）”、“类型”、“是否示范乡镇（街道）”"):
        find_header("f.csv", rows(["年度", "县（市、区）", "村（社区）"]), "town")


def test_chosen_template_when_another_fits_completely():
    with pytest.raises(UploadError, match="文件表头与“县（市、区）示范创建情况表”相符"):
        find_header("f.csv", rows(["年度", "县（市、区）", "是否示范"]), "town")


def test_generic_demo_header_fits_the_level_of_the_other_columns():
    header = find_header("f.csv", rows(["年度", "县（市、区）", "乡镇（街道）", "类型", "是否示范"]), None)
    assert header.match.template.key == "town"
