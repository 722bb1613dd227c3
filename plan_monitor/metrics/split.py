"""Monitoring splits (测算分解): a city target the plan does not divide among the counties, divided for monitoring
only, so every county has something to be measured against. Labelled everywhere as 测算分解（非正式下达）.

The weights are the units each county has: villages or communities on the baseline year's roster (fixed, so the
targets do not drift with later uploads; a county missing from the baseline roster is weighed by its earliest
roster), 镇 and 乡 or 街道 of the gazetteer (functional zones with their managed towns), or one each (`equal`).
Largest-remainder rounding makes the county targets add up exactly to the city target every year.
"""

from __future__ import annotations

import math

import pandas as pd

from plan_monitor.engine import Engine
from plan_monitor.spec.geography import Geography
from plan_monitor.spec.plan import Indicator, Plan

ROSTER_TYPES = {"villages": "村", "communities": "社区"}
TOWN_TYPES = {"towns": ("镇", "乡"), "subdistricts": ("街道",)}
QUOTA_COLUMNS = ["indicator_id", "county", "year", "quota", "source"]


def largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Whole shares of `total` proportional to the weights, adding up exactly to it (Hamilton's method).

    Each key gets the floor of its exact share; the units left over go one each to the largest remainders, a tie
    going to the larger weight and then to the key listed first. All weights zero: nothing can be divided."""
    positive = sum(w for w in weights.values() if w > 0)
    if positive <= 0:
        return {}
    exact = {k: total * max(w, 0) / positive for k, w in weights.items()}
    shares = {k: math.floor(v + 1e-9) for k, v in exact.items()}
    order = list(weights)
    left = total - sum(shares.values())
    ranked = sorted(order, key=lambda k: (-(exact[k] - shares[k]), -weights[k], order.index(k)))
    for k in ranked[:left]:
        shares[k] += 1
    return shares


def split_weights(by: str, plan: Plan, geo: Geography, units: pd.DataFrame) -> dict[str, float]:
    """Each of the plan's counties (gazetteer order, functional zones last) and its weight; a county with no roster
    at all is left out (its target cannot be estimated)."""
    counties = geo.county_names()
    if by == "equal":
        return {c: 1.0 for c in counties}
    if by in TOWN_TYPES:
        towns = geo.towns[geo.towns["town_type"].isin(TOWN_TYPES[by])]
        counts = towns.groupby("county").size()
        return {c: float(counts.get(c, 0)) for c in counties}
    baseline = plan.plan.baseline_year
    weights = {}
    for county in counties:
        own = units[units["county"] == county]  # every unit type: a county with villages only has 0 communities
        if own.empty:
            continue
        year = baseline if (own["year"] == baseline).any() else own["year"].min()
        weights[county] = float(own.loc[(own["year"] == year) & (own["unit_type"] == ROSTER_TYPES[by]), "units"].sum())
    return weights


def indicator_split(ind: Indicator, plan: Plan, geo: Geography, units: pd.DataFrame) -> list[tuple]:
    """(indicator_id, county, year, quota, 'split') for every county and year with a city target; quota None for a
    county whose target cannot be estimated (no roster to weigh it by)."""
    if ind.split is None:
        return []
    if ind.split.quotas:
        return [(ind.id, c, y, float(v), "split") for c, by_year in ind.split.quotas.items() for y, v in by_year.items()]
    weights = split_weights(ind.split.by, plan, geo, units)
    out = []
    for year, total in ind.targets.items():
        shares = largest_remainder(int(total), weights)
        for county in geo.county_names():
            quota = shares.get(county)
            out.append((ind.id, county, year, None if quota is None else float(quota), "split"))
    return out


def split_quotas(plan: Plan, geo: Geography, engine: Engine) -> pd.DataFrame:
    """Every indicator's monitoring split, in the columns of the scorecard's quotas table."""
    needs_roster = any(i.split and i.split.by in ROSTER_TYPES for i in plan.indicators)
    units = (engine.run("engine/split_units").to_pandas() if needs_roster
             else pd.DataFrame(columns=["county", "unit_type", "year", "units"]))
    rows = [r for ind in plan.indicators for r in indicator_split(ind, plan, geo, units)]
    return pd.DataFrame(rows, columns=QUOTA_COLUMNS)
