"""Missing values in uploads: blank and "NA"-like cells are stored as null and warned per column and county, a
file lacking an optional measure column is warned, a non-finite number is an error naming the cell; end to end,
a county's blank cell shows 未填报 and no red card, and the city total says 不含 1 个县（未填报）."""

from __future__ import annotations

import math
import shutil
from datetime import date

import pytest

from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.ingest.service import Actor, WriteService
from plan_monitor.metrics.scorecard import compute_scorecard
from plan_monitor.paths import DEFAULT_DATA
from plan_monitor.sources import load_rosters, open_store
from plan_monitor.spec.geography import load_geography

TODAY = date(2024, 10, 15)
HEADER = ("年度,统计截至,县（市、区）,党建共享阵地数（个，累计）,卓越党建品牌项目数（个，累计）,"
          "50岁以下持证城市社区工作者数（人）,基层党务工作者总数（人）,已完成轮训党务工作者数（人，累计）")


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, folder)
    return folder


def demo_stats(replace: dict[str, str]) -> str:
    """The demo's 2024-09-30 county statistics, with some counties' lines replaced."""
    lines = (DEFAULT_DATA / "county_stats_2024-09-30.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == HEADER
    out = [lines[0]]
    for line in lines[1:]:
        county = line.split(",")[2]
        out.append(replace.get(county, line))
    return "\n".join(out) + "\n"


def check(plan, data, text: str, name="stats.csv", mode="merge"):
    return check_upload(name, text.encode("utf-8"), plan, load_geography(plan), open_store(data), today=TODAY,
                        mode=mode)


def problems(checked) -> list[tuple]:
    return [tuple(r) for r in checked.problems()[["级别", "列", "值", "说明"]].itertuples(index=False)]


def test_blank_and_na_cells_are_missing_warned_stored_as_null_and_shown_as_unreported(plan, data):
    """整体替换 (replace) makes the file the whole report of its round, so its blanks are what is stored; under
    补充更正 (merge) the same blanks keep the values already stored (tests/ingest/test_corrections.py)."""
    text = demo_stats({
        "公安县": "2024,2024-09-30,公安县,14,5,,1060,820",
        "监利市": "2024,2024-09-30,监利市,15,6,N/A,1300,1000",
        "洪湖市": "2024,2024-09-30,洪湖市,13,NA,１２０,1100,900",
    })
    checked = check(plan, data, text, mode="replace")
    assert checked.errors == []
    assert problems(checked) == [
        ("警告", "卓越党建品牌项目数（个，累计）", "",
         "“卓越党建品牌项目数（个，累计）”有 1 个空白单元格（洪湖市 1；第 7 行）：空白按未填报处理，不计为 0，"
         "相关指标将注明“未填报”；如实际为 0 请填 0"),
        ("警告", "50岁以下持证城市社区工作者数（人）", "",
         "“50岁以下持证城市社区工作者数（人）”有 2 个空白单元格（公安县 1、监利市 1；第 4、9 行）：空白按未填报处理，"
         "不计为 0，相关指标将注明“未填报”；如实际为 0 请填 0"),
    ]
    assert [n.message for n in checked.notes if n.kind == "missing_text"] == [
        "“NA”“N/A”“NULL”“无”等按空白（未填报）读取，不计为 0：2 处，涉及列 卓越党建品牌项目数（个，累计）、"
        "50岁以下持证城市社区工作者数（人）（如 第7行“卓越党建品牌项目数（个，累计）”：“NA” → “”）"]
    stored = {r["county"]: r for r in checked.rows.to_pylist()}
    assert (stored["公安县"]["certified_workers_u50"], stored["监利市"]["certified_workers_u50"],
            stored["洪湖市"]["brand_projects"], stored["洪湖市"]["certified_workers_u50"]) == (None, None, None, 120)

    WriteService(open_store(data)).commit_upload(checked, Actor("测试员"), confirm_warnings=True)
    card = compute_scorecard(plan, load_rosters(data))
    county = card.select(year=2024, level="county", indicator_id="certified_workers").set_index("county")
    gongan = county.loc["公安县"]
    # Before: 0 of its target, 严重滞后, 出现倒退.
    assert math.isnan(gongan["actual"]) and gongan["status"] is None and gongan["pace"] is None
    assert gongan["missing_note"] == "未填报"
    city = card.select(year=2024, level="city", indicator_id="certified_workers").iloc[0]
    assert city["actual"] == sum(r["certified_workers_u50"] for r in stored.values()
                                 if r["certified_workers_u50"] is not None)
    assert (city["missing_note"], city["status"], city["pace"]) == ("不含 2 个县（未填报）", None, None)


@pytest.mark.parametrize("typed", ["1e400", "-1E999", "inf", "Infinity"])
def test_a_non_finite_number_is_an_error_naming_the_cell(plan, data, typed):
    checked = check(plan, data, demo_stats({"公安县": f"2024,2024-09-30,公安县,{typed},5,300,1060,820"}))
    assert [(i.row, i.column, i.value) for i in checked.errors] == [(4, "党建共享阵地数（个，累计）", typed)]
    assert not checked.can_commit


def test_a_file_without_an_optional_measure_column_is_warned(plan, data):
    """The units a file adds lack the figure: missing, never 0. Units already stored keep their values under merge
    (and their clearing under replace is asked by its own check), so they are not counted here."""
    text = ("年度,统计截至,县（市、区）,乡镇（街道）,村（社区）,类型,是否示范村（社区）,后备干部人数,其中30岁以下后备干部人数\n"
            "2024,2024-09-30,沙市区,中山路街道,新建村,村,否,2,1\n"
            "2024,2024-09-30,沙市区,中山路街道,新建社区,社区,否,,\n")
    absent = [(i.check, i.severity, i.column, i.message) for i in check(plan, data, text, "village.csv").warnings
              if i.check == "absent_column"]
    assert absent == [("absent_column", "warning", "村集体经济收入（万元）",
                       "文件没有“村集体经济收入（万元）”列：本文件新增的 1 个单位该项按未填报处理（不计为 0），"
                       "相关指标将注明“未填报”；已有单位保留原值；如有该项数据请补上此列后重新上传")]


def test_an_absent_column_says_nothing_when_every_unit_keeps_its_stored_value(plan, data):
    text = ("年度,统计截至,县（市、区）,乡镇（街道）,村（社区）,类型,是否示范村（社区）,后备干部人数,其中30岁以下后备干部人数\n"
            "2024,2024-09-30,沙市区,中山路街道,谭场村,村,否,2,1\n")
    stored = check(plan, data, text, "village.csv")
    assert [i for i in stored.warnings if i.check == "absent_column"] == []


def test_a_community_blank_is_by_design_and_not_warned(plan, data):
    text = ("年度,统计截至,县（市、区）,乡镇（街道）,村（社区）,类型,是否示范村（社区）,村集体经济收入（万元）,后备干部人数,"
            "其中30岁以下后备干部人数\n"
            "2024,2024-09-30,沙市区,中山路街道,谭场村,村,否,25,2,1\n"
            "2024,2024-09-30,沙市区,中山路街道,中山社区,社区,否,,,\n")
    checked = check(plan, data, text, "village.csv")
    assert [i for i in checked.issues if i.check in ("blank_cells", "absent_column")] == []
