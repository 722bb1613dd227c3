"""Counties and towns from the gazetteer, with the plan's functional zones and aliases applied."""

from __future__ import annotations

import pytest

from inline_rosters import PLANS
from plan_monitor.spec.geography import NATION, gazetteer_units, load_geography, short_form, town_type
from plan_monitor.spec.plan import load_plan


@pytest.fixture(scope="module")
def geo(plan):
    return load_geography(plan)


def test_jingzhou_counties_and_the_development_zone(geo):
    assert geo.region_name == "荆州市"
    assert geo.county_names() == ["沙市区", "荆州区", "公安县", "江陵县", "石首市", "洪湖市", "松滋市", "监利市",
                                  "荆州经济技术开发区"]
    assert geo.counties.set_index("county")["is_zone"].to_dict()["荆州经济技术开发区"]
    assert geo.counties["is_zone"].sum() == 1
    assert len(geo.towns) == 119


def test_managed_towns_move_to_the_zone(geo):
    zone = geo.towns[geo.towns["county"] == "荆州经济技术开发区"]
    assert sorted(zone["town"]) == ["岑河镇", "联合乡"]
    assert not ((geo.towns["town"] == "岑河镇") & (geo.towns["county"] == "沙市区")).any()


def test_without_zones_the_towns_stay_in_their_county():
    geo = load_geography(load_plan(PLANS / "valid.yaml"))
    assert "荆州经济技术开发区" not in geo.county_names()
    assert geo.towns.set_index("town").loc["岑河镇", "county"] == "沙市区"


@pytest.mark.parametrize("name, canonical", [
    ("监利县", "监利市"), (" 荆州开发区 ", "荆州经济技术开发区"), ("荆州经开区", "荆州经济技术开发区"), ("公安县", "公安县"),
])
def test_aliases(geo, name, canonical):
    assert geo.canonical(name) == canonical


@pytest.mark.parametrize("name, kind", [
    ("东城街道", "街道"), ("联合乡", "乡"), ("老湾回族乡", "乡"), ("岑河镇", "镇"), ("某某", "镇"),
])
def test_town_type(name, kind):
    assert town_type(name) == kind


def test_town_types_in_jingzhou(geo):
    assert geo.towns["town_type"].value_counts().to_dict() == {"镇": 88, "街道": 19, "乡": 12}


@pytest.mark.parametrize("code, region, n_counties", [
    ("421088", "监利市", 1),     # a county on its own
    ("421000", "荆州市", 8),     # a city: gazetteer counties only, zones come from the plan
    ("420000", "湖北省", 103),   # a province, with 仙桃市, 潜江市, 天门市, 神农架林区 directly under it
    ("442000", "中山市", 1),     # a city without counties stands in as its own county
])
def test_gazetteer_units(code, region, n_counties):
    name, counties, towns = gazetteer_units(code)
    assert name == region
    assert len(counties) == n_counties
    assert set(towns["county"]) <= set(counties["county"])
    assert not counties["county"].duplicated().any()


def test_repeated_county_names_get_their_city_prefixed():
    name, counties, _ = gazetteer_units(NATION)
    assert name == "全国"
    assert not counties["county"].duplicated().any()
    assert {"北京市朝阳区", "长春市朝阳区"} <= set(counties["county"])


def test_unknown_code():
    with pytest.raises(ValueError, match="999999"):
        gazetteer_units("999999")


@pytest.mark.parametrize("code, city, n_towns", [
    ("442000", "中山市", 23), ("441900", "东莞市", 32), ("460400", "儋州市", 17), ("620200", "嘉峪关市", 6),
])
def test_a_city_without_counties_is_its_own_county(code, city, n_towns):
    name, counties, towns = gazetteer_units(code)
    assert name == city
    assert counties[["county", "code", "is_zone", "is_city"]].values.tolist() == [[city, code, False, True]]
    assert len(towns) == n_towns and set(towns["county"]) == {city}
    assert towns["code"].str.startswith(code[:4]).all()


def test_county_less_cities_stand_in_within_their_province():
    _, counties, towns = gazetteer_units("440000")
    stand_ins = counties[counties["is_city"]]
    assert set(stand_ins["county"]) == {"中山市", "东莞市"}
    assert (towns["county"] == "中山市").sum() == 23


def test_a_city_with_counties_and_direct_towns_gathers_those_towns_under_its_own_name():
    _, counties, towns = gazetteer_units("232700")
    assert counties[counties["is_city"]]["county"].tolist() == ["大兴安岭地区"]
    assert {"漠河市", "呼玛县", "塔河县"} <= set(counties["county"])
    assert "加北乡" in set(towns[towns["county"] == "大兴安岭地区"]["town"])


@pytest.mark.parametrize("name, short", [
    ("卸甲坪土家族乡", "卸甲坪乡"), ("老湾回族乡", "老湾乡"), ("长阳土家族自治县", "长阳县"),
    ("连山壮族瑶族自治县", "连山县"), ("伶站瑶族乡", "伶站乡"), ("澄溪镇", "澄溪镇"), ("东乡族自治县", "东乡族自治县"),
])
def test_short_forms_drop_ethnic_names(name, short):
    assert short_form(name) == short


def test_a_provinces_counties_have_their_prefecture():
    _, counties, _ = gazetteer_units("420000")
    of = counties.set_index("county")["prefecture"]
    assert of["荆州区"] == "荆州市" and of["沙市区"] == "荆州市" and of["江岸区"] == "武汉市"
    assert of["恩施市"] == "恩施土家族苗族自治州"
    # county-level units directly under the province are gathered under 省直辖
    assert sorted(counties.loc[of.values == "省直辖", "county"]) == sorted(["仙桃市", "潜江市", "天门市", "神农架林区"])
    assert of.nunique() == 14 and of.notna().all()


def test_the_nations_prefectures_name_the_province_for_units_directly_under_it():
    _, counties, _ = gazetteer_units(NATION)
    of = counties.set_index("county")["prefecture"]
    assert of["仙桃市"] == "湖北省直辖" and of["石河子市"] == "新疆维吾尔自治区直辖"
    assert of["东城区"] == "北京市"  # a direct-controlled municipality's districts sit under it
    assert of["东莞市"] == "东莞市"  # a city standing in as its own county is its own prefecture
    assert of["北京市朝阳区"] == "北京市" and of["长春市朝阳区"] == "长春市"
    assert of.notna().all()


@pytest.mark.parametrize("code", ["421000", "421003", "442000", "110000"])
def test_cities_counties_and_municipalities_have_no_prefecture_level(code):
    _, counties, _ = gazetteer_units(code)
    assert counties["prefecture"].isna().all()


def test_the_hubei_example_has_a_prefecture_level(plan):
    from plan_monitor.paths import ROOT

    hubei = load_geography(load_plan(ROOT / "examples" / "hubei.yaml"))
    assert hubei.has_prefectures and hubei.region_word == "全省"
    assert hubei.prefecture_names()[0] == "武汉市" and hubei.prefecture_names()[-1] == "省直辖"
    assert hubei.prefecture_of()["仙桃市"] == "省直辖"
    jingzhou = load_geography(plan)
    assert not jingzhou.has_prefectures and jingzhou.region_word == "全市" and jingzhou.prefecture_of() == {}
    assert jingzhou.counties["prefecture"].isna().all()  # the functional zone too


def test_one_geography_per_plan_and_its_region():
    """The plan check's geography is the one load_geography gives (built once); a copy of the plan with another
    region or geography gets its own."""
    from plan_monitor.paths import DEFAULT_TARGETS

    plan = load_plan(DEFAULT_TARGETS)
    geo = load_geography(plan)
    assert load_geography(plan) is geo
    assert load_geography(load_plan(DEFAULT_TARGETS)) is not geo  # another plan object: its own
    other_region = plan.model_copy(update={"plan": plan.plan.model_copy(
        update={"region": plan.plan.region.model_copy(update={"code": "420000"})})})
    assert load_geography(other_region) is not geo
    assert load_geography(other_region).region_name != geo.region_name
    aliased = plan.model_copy(update={"geography": plan.geography.model_copy(update={"aliases": {"沙市": "沙市区"}})})
    assert load_geography(aliased) is not geo and load_geography(aliased).aliases["沙市"] == "沙市区"
