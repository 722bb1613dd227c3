"""County and town names in an upload, matched against the gazetteer (and the plan's functional zones).

Old or informal names the plan lists as aliases (监利县 → 监利市) are read as the current name and listed
in the report; any other unknown name is an error with the closest official names as suggestions.
"""

from __future__ import annotations

import difflib

import pyarrow as pa

from plan_monitor.ingest.model import Issue, Note
from plan_monitor.spec.geography import Geography


def suggest(name: str, choices: list[str], n: int = 3) -> list[str]:
    """Closest official names: containment first (沙市 → 沙市区), then edit similarity."""
    contained = [c for c in choices if name and (name in c or c in name)]
    return contained[:n] if contained else difflib.get_close_matches(name, choices, n=n, cutoff=0.34)


def _hint(name: str, choices: list[str]) -> str:
    found = suggest(name, choices)
    return f"，是否为：{'、'.join(found)}？" if found else ""


def match_names(table: pa.Table, rows: list[int], headers: dict[str, str], geo: Geography
                ) -> tuple[pa.Table, list[Issue], list[Note]]:
    """Aliases applied to the county and town columns; unknown names reported with suggestions."""
    issues: list[Issue] = []
    notes: list[Note] = []
    aliases = geo.aliases
    counties = geo.county_names()
    towns_of: dict[str, list[str]] = geo.towns.groupby("county")["town"].apply(list).to_dict()
    county_of_town: dict[str, list[str]] = geo.towns.groupby("town")["county"].apply(list).to_dict()

    names = table.column_names
    new_cols = {}
    for key in ("county", "town"):
        if key not in names:
            continue
        values = table[key].to_pylist()
        renamed: dict[str, str] = {}
        for name in set(v for v in values if v is not None):
            if name in aliases:
                renamed[name] = aliases[name]
        if renamed:
            hit_rows = [r for r, v in zip(rows, values) if v in renamed]
            pairs = "；".join(f"{old} → {new}" for old, new in sorted(renamed.items()))
            notes.append(Note("alias_name", f"旧称或简称已按现名读取：{pairs}（{len(hit_rows)} 行）",
                              len(hit_rows), tuple(hit_rows[:5])))
            values = [renamed.get(v, v) for v in values]
            new_cols[key] = pa.array(values, pa.string())
    if new_cols:
        for key, arr in new_cols.items():
            table = table.set_column(names.index(key), key, arr)

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

