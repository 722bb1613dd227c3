"""County and town names in an upload, matched against the gazetteer (and the plan's functional zones).

Old or informal names the plan lists as aliases (监利县 → 监利市) are read as the current name and listed
in the report; so are short forms of 民族乡 and 自治县 (卸甲坪乡 → 卸甲坪土家族乡, matched without the ethnic
group names), and a town a functional zone manages, reported under its gazetteer county (岑河镇 under 沙市区), is
read as the plan's unit (荆州经济技术开发区), so figures count it once. Any other unknown name is an error with the
closest official names as suggestions, ranked by edit distance and shared characters, the same level first.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

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


class _Pairs:
    """The distinct (county, town) pairs of the rows and each row's pair: every name is looked up once per pair,
    never once per row (200,000 rows hold a few hundred pairs)."""

    def __init__(self, table: pa.Table, names: list[str]):
        n = len(table)
        county = pc.dictionary_encode(table["county"].combine_chunks() if "county" in names
                                      else pa.nulls(n, pa.string()), null_encoding="encode")
        town = pc.dictionary_encode(table["town"].combine_chunks() if "town" in names
                                    else pa.nulls(n, pa.string()), null_encoding="encode")
        width = max(len(town.dictionary), 1)
        code = pc.add(pc.multiply(pc.cast(county.indices, pa.int64()), width), pc.cast(town.indices, pa.int64()))
        pairs = pc.dictionary_encode(code)
        counties, towns = county.dictionary.to_pylist(), town.dictionary.to_pylist()
        self.pairs = [(counties[c // width], towns[c % width]) for c in pairs.dictionary.to_pylist()]
        self.indices = pairs.indices  # each row's pair

    def rows_where(self, hit: list[bool]) -> pa.Array:
        """Row positions (in file order) whose pair has hit[pair]."""
        return pc.indices_nonzero(pc.take(pa.array(hit, pa.bool_()), self.indices))

    def spread(self, values: list) -> pa.Array:
        return pc.take(pa.array(values, pa.string()), self.indices)


def _mapped(column: pa.ChunkedArray, renamed: dict[str, str]) -> pa.Array:
    """The column with each name in `renamed` replaced, looked up once per distinct name."""
    encoded = pc.dictionary_encode(column.combine_chunks(), null_encoding="encode")
    values = [renamed.get(v, v) for v in encoded.dictionary.to_pylist()]
    return pc.take(pa.array(values, pa.string()), encoded.indices)


def _hit_rows(column: pa.ChunkedArray, names, rows: pa.Array) -> list[int]:
    """The file rows whose value is one of `names`, in file order."""
    hit = pc.fill_null(pc.is_in(column, value_set=pa.array(sorted(names), pa.string())), False)
    return pc.filter(rows, hit).to_pylist()


def match_names(table: pa.Table, rows: list[int], headers: dict[str, str], geo: Geography
                ) -> tuple[pa.Table, list[Issue], list[Note]]:
    """Aliases and short forms applied to the county and town columns, towns reported under their other county read
    as the plan's unit; unknown names reported with suggestions. Names are looked up once per distinct name or
    (county, town) pair; the notes and issues still name every row."""
    issues: list[Issue] = []
    notes: list[Note] = []
    aliases = geo.aliases
    counties = geo.county_names()
    towns_of: dict[str, list[str]] = geo.towns.groupby("county")["town"].apply(list).to_dict()
    county_of_town: dict[str, list[str]] = geo.towns.groupby("town")["county"].apply(list).to_dict()
    row_numbers = pa.array(rows, pa.int64())

    names = table.column_names

    made: list[_Pairs] = []  # the rows' pairs, made again only after a county or town column changed

    def replace(key: str, values: pa.Array) -> None:
        nonlocal table
        table = table.set_column(names.index(key), key, values)
        made.clear()

    def pairs() -> _Pairs:
        if not made:
            made.append(_Pairs(table, names))
        return made[0]

    def note(kind: str, text: str, changed: dict, hit_rows: list[int]) -> None:
        pairs = "；".join(f"{old} → {new}" for old, new in sorted(changed.items()))
        notes.append(Note(kind, f"{text}：{pairs}（{len(hit_rows)} 行）", len(hit_rows), tuple(hit_rows[:5])))

    def distinct(key: str) -> list:
        return pc.unique(table[key]).to_pylist()

    for key in ("county", "town"):
        if key not in names:
            continue
        renamed = {name: aliases[name] for name in distinct(key) if name is not None and name in aliases}
        if renamed:
            note("alias_name", "旧称或简称已按现名读取", renamed, _hit_rows(table[key], renamed, row_numbers))
            replace(key, _mapped(table[key], renamed))

    # Short forms of 自治县 and 民族乡 (长阳县, 卸甲坪乡): read as the official name when only one name has that form.
    if "county" in names:
        shorts = _short_forms(counties)
        renamed = {v: shorts[short_form(v)] for v in distinct("county")
                   if v is not None and v not in counties and short_form(v) in shorts}
        if renamed:
            note("short_name", "民族自治县、民族乡（镇）的简称已按区划名称读取", renamed,
                 _hit_rows(table["county"], renamed, row_numbers))
            replace("county", _mapped(table["county"], renamed))
    if "county" in names and "town" in names:
        found = pairs()
        shorts_of = {county: _short_forms(own) for county, own in towns_of.items()}
        officials = []
        for county, town in found.pairs:
            official = None
            if county is not None and town is not None and town not in towns_of.get(county, ()):
                official = shorts_of.get(county, {}).get(short_form(town))
            officials.append(official)
        if any(o is not None for o in officials):
            at = found.rows_where([o is not None for o in officials])
            # a short form two counties read differently: the later row's reading is named, as row by row
            renamed = {}
            for p in pc.take(found.indices, at).to_pylist():
                renamed[found.pairs[p][1]] = officials[p]
            note("short_name", "民族自治县、民族乡（镇）的简称已按区划名称读取", renamed,
                 pc.take(row_numbers, at).to_pylist())
            replace("town", found.spread([o if o is not None else t for o, (_, t) in zip(officials, found.pairs)]))

    # A town the plan lets be reported under either its gazetteer county or a functional zone: read as the plan's
    # unit, so it is counted once.
    if geo.reported_under and "county" in names and "town" in names:
        found = pairs()
        targets = []
        for county, town in found.pairs:
            target = geo.reported_under.get((county, town))
            targets.append(target if target is not None and town not in towns_of.get(county, ()) else None)
        moved: dict[tuple[str, str, str], list[int]] = {}
        for p, target in enumerate(targets):
            if target is not None:
                county, town = found.pairs[p]
                hit = [False] * len(targets)
                hit[p] = True
                moved[(town, county, target)] = pc.take(row_numbers, found.rows_where(hit)).to_pylist()
        for (town, written, target), hit_rows in sorted(moved.items()):
            zone = geo.counties.set_index("county")["is_zone"]
            why = "由该功能区托管" if zone.get(target, False) else "区划所属县"
            notes.append(Note("zone_town", f"“{town}”按计划归入{target}统计（{why}）；文件中填为{written}，"
                                           f"已按{target}读取（{len(hit_rows)} 行）", len(hit_rows), tuple(hit_rows[:5])))
        if moved:
            replace("county", found.spread([t if t is not None else c for t, (c, _) in zip(targets, found.pairs)]))

    header = headers.get("county", "县（市、区）")
    if "county" in names:
        known = pa.array(counties, pa.string())
        bad = pc.and_(pc.is_valid(table["county"]), pc.invert(pc.is_in(table["county"], value_set=known)))
        hints: dict[str, str] = {}
        for row, name in zip(pc.filter(row_numbers, bad).to_pylist(), pc.filter(table["county"], bad).to_pylist()):
            if name not in hints:
                hints[name] = _hint(name, counties)
            issues.append(Issue("error", "unknown_county", f"“{name}”不是本计划范围内的县（市、区）{hints[name]}",
                                row, header, name))
    if "town" in names:
        theader = headers.get("town", "乡镇（街道）")
        found = pairs()
        problems = [None if town is None or county is None or county not in counties else
                    _town_problem(county, town, towns_of.get(county, []), county_of_town.get(town, []))
                    for county, town in found.pairs]
        if any(problems):
            at = found.rows_where([bool(p) for p in problems])
            for row, p in zip(pc.take(row_numbers, at).to_pylist(), pc.take(found.indices, at).to_pylist()):
                issues.append(Issue("error", "unknown_town", problems[p], row, theader, found.pairs[p][1]))
    return table, issues, notes


def _town_problem(county: str, town: str, own: list[str], owners: list[str]) -> str | None:
    if town in own:
        return None
    if owners:
        return f"“{town}”属于{'、'.join(owners)}，不属于{county}，请核对县（市、区）或乡镇（街道）名称"
    return f"{county}没有名为“{town}”的乡镇（街道）（民政部区划）{_hint(town, own)}"
