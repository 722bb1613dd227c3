"""County and town names in an upload, matched against the gazetteer (and the plan's functional zones).

Old or informal names the plan lists as aliases (监利县 → 监利市) are read as the current name and listed
in the report; so are short forms of 民族乡 and 自治县 (卸甲坪乡 → 卸甲坪土家族乡, matched without the ethnic
group names), and a town a functional zone manages, reported under its gazetteer county (岑河镇 under 沙市区), is
read as the plan's unit (荆州经济技术开发区), so figures count it once. Any other unknown name is an error with the
closest official names as suggestions, ranked by edit distance and shared characters, the same level first.
"""

from __future__ import annotations

import pyarrow as pa

from plan_monitor.ingest.model import Issue, Note
from plan_monitor.spec.geography import Geography, short_form

# Name endings, longest first; town-level endings are tried before county-level ones (管理区 ends in 区).
TOWN_ENDINGS = ("管理区", "办事处", "街道", "苏木", "农场", "镇", "乡")
COUNTY_ENDINGS = ("经济技术开发区", "开发区", "文旅区", "新区", "林区", "县", "区", "市", "旗")
# Units the gazetteer never lists; named in the hint so the analyst knows where a plan declares them.
UNDECLARED_ENDINGS = ("管理区", "文旅区", "开发区", "农场", "新区")


def level_of(name: str) -> str:
    """town or county, from the name's ending (管理区 is a town-level unit, 开发区 a county-level one)."""
    if name.endswith(TOWN_ENDINGS):
        return "town"
    return "county" if name.endswith(COUNTY_ENDINGS) else "town"


def stem(name: str) -> str:
    """The distinctive part: no ethnic group names, no level ending (澄溪街道 → 澄溪, 卸甲坪土家族乡 → 卸甲坪)."""
    name = short_form(name)
    for ending in TOWN_ENDINGS + COUNTY_ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            return name[:-len(ending)]
    return name


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def suggest(name: str, choices: list[str], n: int = 3) -> list[str]:
    """Closest official names: containment first (沙市 → 沙市区); else the names of the same level (town or
    county) first, then by edit distance between the distinctive parts (澄溪镇 → 澄溪街道 before 三溪镇), more
    shared characters, and edit distance of the whole names. Names sharing no character are never suggested."""
    name = name.strip()
    if not name:
        return []
    contained = [c for c in choices if name in c or c in name]
    if contained:
        return sorted(contained, key=lambda c: (abs(len(c) - len(name)), c))[:n]
    own, level = stem(name), level_of(name)
    scored = []
    for choice in dict.fromkeys(choices):
        theirs = stem(choice)
        shared = len(set(own) & set(theirs))
        distance = edit_distance(own, theirs)
        if shared == 0 or distance >= max(len(own), len(theirs)):
            continue
        scored.append(((level_of(choice) != level, distance, -shared, edit_distance(name, choice), choice), choice))
    return [choice for _, choice in sorted(scored)[:n]]


def _hint(name: str, choices: list[str]) -> str:
    found = suggest(name, choices)
    hint = f"，是否为：{'、'.join(found)}？" if found else ""
    if name.endswith(UNDECLARED_ENDINGS):
        hint += ("（管理区、文旅区等区划表中没有的单位，须在目标文件 geography.functional_zones 的 towns "
                 "或 geography.extra_towns 中声明）")
    return hint


def _short_forms(names: list[str]) -> dict[str, str]:
    """Short form → official name, for the short forms only one official name has."""
    by_short: dict[str, list[str]] = {}
    for official in names:
        by_short.setdefault(short_form(official), []).append(official)
    return {short: found[0] for short, found in by_short.items() if len(found) == 1}


def match_names(table: pa.Table, rows: list[int], headers: dict[str, str], geo: Geography
                ) -> tuple[pa.Table, list[Issue], list[Note]]:
    """Aliases and short forms applied to the county and town columns, towns reported under their other county read
    as the plan's unit; unknown names reported with suggestions."""
    issues: list[Issue] = []
    notes: list[Note] = []
    aliases = geo.aliases
    counties = geo.county_names()
    towns_of: dict[str, list[str]] = geo.towns.groupby("county")["town"].apply(list).to_dict()
    county_of_town: dict[str, list[str]] = geo.towns.groupby("town")["county"].apply(list).to_dict()

    names = table.column_names

    def replace(key: str, values: list) -> None:
        nonlocal table
        table = table.set_column(names.index(key), key, pa.array(values, pa.string()))

    def note(kind: str, text: str, changed: dict, hit_rows: list[int]) -> None:
        pairs = "；".join(f"{old} → {new}" for old, new in sorted(changed.items()))
        notes.append(Note(kind, f"{text}：{pairs}（{len(hit_rows)} 行）", len(hit_rows), tuple(hit_rows[:5])))

    for key in ("county", "town"):
        if key not in names:
            continue
        values = table[key].to_pylist()
        renamed = {name: aliases[name] for name in set(v for v in values if v is not None) if name in aliases}
        if renamed:
            note("alias_name", "旧称或简称已按现名读取", renamed, [r for r, v in zip(rows, values) if v in renamed])
            replace(key, [renamed.get(v, v) for v in values])

    # Short forms of 自治县 and 民族乡 (长阳县, 卸甲坪乡): read as the official name when only one name has that form.
    if "county" in names:
        values = table["county"].to_pylist()
        shorts = _short_forms(counties)
        renamed = {v: shorts[short_form(v)] for v in set(values)
                   if v is not None and v not in counties and short_form(v) in shorts}
        if renamed:
            note("short_name", "民族自治县、民族乡（镇）的简称已按区划名称读取", renamed,
                 [r for r, v in zip(rows, values) if v in renamed])
            replace("county", [renamed.get(v, v) for v in values])
    if "county" in names and "town" in names:
        county_values, town_values = table["county"].to_pylist(), table["town"].to_pylist()
        shorts_of = {county: _short_forms(own) for county, own in towns_of.items()}
        renamed_rows, renamed = [], {}
        new_towns = list(town_values)
        for i, (county, town) in enumerate(zip(county_values, town_values)):
            if county is None or town is None or town in towns_of.get(county, ()):
                continue
            official = shorts_of.get(county, {}).get(short_form(town))
            if official is not None:
                new_towns[i] = official
                renamed[town] = official
                renamed_rows.append(rows[i])
        if renamed:
            note("short_name", "民族自治县、民族乡（镇）的简称已按区划名称读取", renamed, renamed_rows)
            replace("town", new_towns)

    # A town the plan lets be reported under either its gazetteer county or a functional zone: read as the plan's
    # unit, so it is counted once.
    if geo.reported_under and "county" in names and "town" in names:
        county_values = table["county"].to_pylist()
        moved: dict[tuple[str, str, str], list[int]] = {}
        new_counties = list(county_values)
        for i, (county, town) in enumerate(zip(county_values, table["town"].to_pylist())):
            target = geo.reported_under.get((county, town))
            if target is not None and town not in towns_of.get(county, ()):
                new_counties[i] = target
                moved.setdefault((town, county, target), []).append(rows[i])
        for (town, written, target), hit_rows in sorted(moved.items()):
            zone = geo.counties.set_index("county")["is_zone"]
            why = "由该功能区托管" if zone.get(target, False) else "区划所属县"
            notes.append(Note("zone_town", f"“{town}”按计划归入{target}统计（{why}）；文件中填为{written}，"
                                           f"已按{target}读取（{len(hit_rows)} 行）", len(hit_rows), tuple(hit_rows[:5])))
        if moved:
            replace("county", new_counties)

    county_values = table["county"].to_pylist() if "county" in names else [None] * len(rows)
    header = headers.get("county", "县（市、区）")
    bad_county: set[str] = set()
    for row, name in zip(rows, county_values):
        if name is not None and name not in counties:
            bad_county.add(name)
            issues.append(Issue("error", "unknown_county", f"“{name}”不是本计划范围内的县（市、区）{_hint(name, counties)}",
                                row, header, name))
    if "town" in names:
        theader = headers.get("town", "乡镇（街道）")
        checked: dict[tuple[str, str], str | None] = {}
        for row, county, town in zip(rows, county_values, table["town"].to_pylist()):
            if town is None or county is None or county in bad_county:
                continue
            key = (county, town)
            if key not in checked:
                checked[key] = _town_problem(county, town, towns_of.get(county, []), county_of_town.get(town, []))
            if checked[key]:
                issues.append(Issue("error", "unknown_town", checked[key], row, theader, town))
    return table, issues, notes


def _town_problem(county: str, town: str, own: list[str], owners: list[str]) -> str | None:
    if town in own:
        return None
    if owners:
        return f"“{town}”属于{'、'.join(owners)}，不属于{county}，请核对县（市、区）或乡镇（街道）名称"
    return f"{county}没有名为“{town}”的乡镇（街道）（民政部区划）{_hint(town, own)}"
