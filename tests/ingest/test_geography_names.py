"""Names as real lists write them: towns a functional zone manages or lists, reported under either county; 民族乡
short forms; 管理区 and other units the gazetteer lacks, declared in the plan; suggestions ranked by edit distance and
shared characters, the same level first."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from plan_monitor.ingest.model import Parsed
from plan_monitor.ingest.names import match_names, suggest
from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.ingest.service import Actor, WriteService
from plan_monitor.metrics.scorecard import compute_scorecard
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.sources import load_rosters, open_store
from plan_monitor.sources.tables import ARROW_TYPES
from plan_monitor.spec.geography import gazetteer_units, load_geography
from plan_monitor.spec.plan import load_plan
from plan_monitor.spec.templates import TEMPLATES

ZONE = "荆州经济技术开发区"
CITY = Actor("市委组织部 李统计")


@pytest.fixture(scope="module")
def geo(plan):
    return load_geography(plan)


@pytest.fixture(scope="module")
def declared(tmp_path_factory):
    """The bundled plan with units the gazetteer lacks declared (a fixture, not a statement of current local
    arrangements): a second zone managing 纪南镇 with a 管理区 of its own, and a 管理区 under 石首市."""
    data = yaml.safe_load(DEFAULT_TARGETS.read_text(encoding="utf-8"))
    data["geography"]["functional_zones"].append(
        {"name": "纪南文旅区", "managed_towns": ["纪南镇"], "towns": [{"name": "荒湖管理区", "type": "镇"}]})
    data["geography"]["extra_towns"] = [{"county": "石首市", "name": "大垸管理区", "type": "镇"}]
    path = tmp_path_factory.mktemp("declared") / "targets.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_plan(path)


def village(**values) -> dict:
    row = {"year": 2024, "as_of": date(2024, 9, 30), "county": "沙市区", "town": "中山路街道", "village": "谭场村",
           "unit_type": "村", "is_demo": False, "income_wan": 20.0}
    row.update(values)
    return row


def parsed_of(rows: list[dict]) -> Parsed:
    template = TEMPLATES["village"]
    table = pa.table({c.key: pa.array([r.get(c.key) for r in rows], ARROW_TYPES[c.dtype]) for c in template.columns})
    return Parsed(file_name="t.csv", template=template, encoding="utf-8", header_row=1,
                  headers={c.key: c.header for c in template.columns}, table=table,
                  row_numbers=list(range(2, 2 + len(rows))), raw_header=template.headers, raw_rows=[])


def matched(geo, *rows: dict):
    parsed = parsed_of(list(rows))
    return match_names(parsed.table, parsed.row_numbers, parsed.headers, geo)


# --- a managed town under either county ----------------------------------------------------------

def test_a_managed_town_under_its_gazetteer_county_is_read_as_the_zones_with_a_note(geo):
    table, issues, notes = matched(geo, village(town="岑河镇"), village(town="岑河镇", village="某村"),
                                   village(county=ZONE, town="岑河镇", village="另一村"))
    assert issues == []
    assert table["county"].to_pylist() == [ZONE, ZONE, ZONE]
    assert [(n.kind, n.count, n.rows) for n in notes] == [("zone_town", 2, (2, 3))]
    assert notes[0].message == (f"“岑河镇”按计划归入{ZONE}统计（由该功能区托管）；文件中填为沙市区，已按{ZONE}读取（2 行）")


@pytest.mark.parametrize("town, county", [("西湖街道", "沙市区"), ("滩桥镇", "江陵县")])
def test_a_town_real_lists_put_under_the_zone_is_read_as_its_gazetteer_countys(geo, town, county):
    table, issues, notes = matched(geo, village(county=ZONE, town=town), village(county=county, town=town))
    assert issues == []
    assert table["county"].to_pylist() == [county, county]
    assert [(n.kind, n.rows) for n in notes] == [("zone_town", (2,))]
    assert f"按计划归入{county}统计（区划所属县）；文件中填为{ZONE}" in notes[0].message


def test_a_town_the_zone_does_not_declare_is_still_refused_there(geo):
    _, issues, _ = matched(geo, village(county=ZONE, town="中山路街道"))
    assert [i.check for i in issues] == ["unknown_town"]
    assert "属于沙市区，不属于荆州经济技术开发区" in issues[0].message


def test_a_managed_town_reported_under_its_gazetteer_county_is_counted_once_under_the_zone(plan, geo, tmp_path):
    """The demo's 岑河镇 villages (2024-09-30), written under 沙市区 with a higher income: committed, they replace
    the zone's own rows; the town is one row, under the zone, and the city counts as many villages as before."""
    data = Path(shutil.copytree(DEFAULT_DATA, tmp_path / "data"))
    before = compute_scorecard(plan, load_rosters(data))
    with open(DEFAULT_DATA / "village_2024-09-30.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    county, town, income = (header.index(h) for h in ("县（市、区）", "乡镇（街道）", "村集体经济收入（万元）"))
    body = [r for r in rows[1:] if r[town] == "岑河镇"]
    assert body and {r[county] for r in body} == {ZONE}
    for r in body:
        r[county] = "沙市区"
        r[income] = "99"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    store = open_store(data)
    checked = check_upload("沙市区.csv", out.getvalue().encode("utf-8"), plan, geo, store)
    assert checked.errors == [], checked.problems().to_string()
    assert [n.kind for n in checked.notes if n.kind == "zone_town"] == ["zone_town"]
    assert set(checked.rows["county"].to_pylist()) == {ZONE}
    WriteService(store).commit_upload(checked, CITY, confirm_warnings=True)

    after = compute_scorecard(plan, load_rosters(data))
    ind = "village_income_20w"
    towns = after.select(year=2024, level="town", indicator_id=ind)
    cen = towns[towns["town"] == "岑河镇"]
    assert cen["county"].tolist() == [ZONE]
    kind = header.index("类型")
    assert cen["num"].iloc[0] == cen["den"].iloc[0] == sum(r[kind] == "村" for r in body)  # every village at 99万元
    city_before = before.select(year=2024, level="city", indicator_id=ind).iloc[0]
    city_after = after.select(year=2024, level="city", indicator_id=ind).iloc[0]
    assert city_after["den"] == city_before["den"]
    sha = after.select(year=2024, level="county", county="沙市区", indicator_id=ind).iloc[0]
    assert sha["den"] == before.select(year=2024, level="county", county="沙市区", indicator_id=ind).iloc[0]["den"]


# --- renamed units and short forms ---------------------------------------------------------------

def test_a_minority_township_short_form_is_read_as_the_official_name(geo):
    table, issues, notes = matched(geo, village(county="松滋市", town="卸甲坪乡"))
    assert issues == []
    assert table["town"].to_pylist() == ["卸甲坪土家族乡"]
    assert [(n.kind, n.message) for n in notes] == [
        ("short_name", "民族自治县、民族乡（镇）的简称已按区划名称读取：卸甲坪乡 → 卸甲坪土家族乡（1 行）")]


def test_an_autonomous_county_short_form_is_read_as_the_official_name(tmp_path):
    text = (Path(__file__).resolve().parents[2] / "examples" / "lingyun.yaml").read_text(encoding="utf-8")
    path = tmp_path / "yichang.yaml"
    path.write_text(text.replace('{name: 凌云县, code: "451027"}', '{name: 宜昌市, code: "420500"}'), encoding="utf-8")
    geo = load_geography(load_plan(path))
    town = geo.towns[geo.towns["county"] == "长阳土家族自治县"]["town"].iloc[0]
    table, issues, notes = matched(geo, village(county="长阳县", town=town))
    assert issues == [] and table["county"].to_pylist() == ["长阳土家族自治县"]
    assert "长阳县 → 长阳土家族自治县" in notes[0].message


# --- suggestions ---------------------------------------------------------------------------------

def test_suggestions_rank_the_distinctive_part_first():
    _, _, towns = gazetteer_units("500231")  # 垫江县: 澄溪街道 and 三溪镇
    assert suggest("澄溪镇", list(towns["town"]))[:2] == ["澄溪街道", "三溪镇"]


def test_suggestions_put_the_same_level_first():
    assert suggest("澄溪镇", ["澄溪区", "三溪镇"]) == ["三溪镇", "澄溪区"]
    assert suggest("澄溪区", ["澄溪镇", "三溪区"]) == ["三溪区", "澄溪镇"]


def test_names_sharing_no_character_are_not_suggested():
    assert suggest("荒湖管理区", ["江陵县", "公安县"]) == []


def test_renamed_and_managed_units_get_suggestions_in_the_report(geo):
    _, issues, _ = matched(geo, village(county="松滋市", town="卸甲坪"), village(county="石首市", town="大垸管理区"),
                           village(county="沙市区", town="荒湖管理区"))
    messages = [i.message for i in issues]
    assert "是否为：卸甲坪土家族乡？" in messages[0]
    assert "是否为：大垸镇" in messages[1] and "geography.extra_towns" in messages[1]
    assert "须在目标文件 geography.functional_zones" in messages[2]


# --- units the plan declares -------------------------------------------------------------------

def test_declared_units_are_accepted(declared):
    geo = load_geography(declared)
    table, issues, notes = matched(geo, village(county="石首市", town="大垸管理区"),
                                   village(county="纪南文旅区", town="荒湖管理区"),
                                   village(county="荆州区", town="纪南镇"))
    assert issues == []
    assert table["county"].to_pylist() == ["石首市", "纪南文旅区", "纪南文旅区"]
    assert [n.kind for n in notes] == ["zone_town"] and "文件中填为荆州区" in notes[0].message
    assert geo.county_names()[-2:] == [ZONE, "纪南文旅区"]
