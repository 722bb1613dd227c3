"""The scorecard's counts against a plain pandas reference on the demo city: latest report wins per unit and year
(a blank 统计截至 read as 12-31, a removal marker winning a tie and then leaving the unit out), then a groupby.

The engine applies latest-report-wins once per computation and aggregates every measure from that; this pins
that the figures are those of applying the rule by hand, row for row, at county and town level and in every
year (the demo data has several rounds a year, so the rule decides which report counts)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

KEYS = {"villages": ["county", "town", "village"], "towns": ["county", "town"]}


def latest(rosters, view: str) -> pd.DataFrame:
    """The rows of a roster as the views see them, applied by hand in pandas."""
    df = rosters.tables[view].to_pandas()
    df["as_of"] = pd.to_datetime(df["as_of"]).fillna(pd.to_datetime(df["year"].astype(str) + "-12-31"))
    df["_removed"] = df["removed"].fillna(False).astype(bool) if "removed" in df else False
    df = df.sort_values(["as_of", "_removed"], ascending=False, kind="stable")
    df = df.drop_duplicates(["year", *KEYS[view]], keep="first")
    return df[~df["_removed"]].drop(columns="_removed")


def income_share(v: pd.DataFrame, threshold_wan: float) -> pd.DataFrame:
    v = v[v["unit_type"] == "村"]
    return v.assign(num=v["income_wan"] >= threshold_wan, den=v["income_wan"].notna(), missing=v["income_wan"].isna())


def reserve_cadres_below(v: pd.DataFrame, min_cadres: float, under30: bool) -> pd.DataFrame:
    v = v[v["unit_type"] == "村"]
    cadres = v["reserve_cadres_u30" if under30 else "reserve_cadres"]
    return v.assign(num=cadres < min_cadres, den=cadres.notna(), missing=cadres.isna())


def demo_units(v: pd.DataFrame, unit_type: str, flow: bool, plan_start: int) -> pd.DataFrame:
    v = v[v["unit_type"] == unit_type]
    first = v[v["is_demo"].fillna(False).astype(bool)].groupby(["county", "town", "village"])["year"].min()
    first_year = pd.Series([first.get(k, np.nan) for k in zip(v["county"], v["town"], v["village"])], index=v.index)
    named = v["demo_year"].astype(float).fillna(first_year)
    counts = (v["is_demo"].fillna(False).astype(bool) & (named >= plan_start) & (named <= v["year"])
              & (~flow | (named == v["year"])))
    return v.assign(num=counts.fillna(False), den=True, missing=False)


def smart_platform(t: pd.DataFrame) -> pd.DataFrame:
    t = t[t["town_type"] == "街道"]
    return t.assign(num=t["has_smart_platform"].fillna(False).astype(bool), den=True, missing=False)


def reference(plan, rosters, indicator_id: str) -> pd.DataFrame:
    ind = plan.indicator(indicator_id)
    params = dict(ind.params)
    if ind.query == "income_share":
        rows = income_share(latest(rosters, "villages"), **params)
    elif ind.query == "reserve_cadres_below":
        rows = reserve_cadres_below(latest(rosters, "villages"), **params)
    elif ind.query == "demo_villages":
        rows = demo_units(latest(rosters, "villages"), plan_start=plan.years[0], **params)
    else:
        rows = smart_platform(latest(rosters, "towns"))
    rows = rows.astype({"num": float, "den": float, "missing": float})
    by = {"county": ["year", "county"], "town": ["year", "county", "town"]}
    out = []
    for level, keys in by.items():
        if level not in ind.levels:  # the scorecard has rows only at the indicator's levels
            continue
        part = rows.groupby(keys, dropna=False)[["num", "den", "missing"]].sum().reset_index()
        out.append(part.assign(level=level))
    out = pd.concat(out, ignore_index=True)
    return out if "town" in out else out.assign(town=None)


@pytest.mark.parametrize("indicator_id", ["village_income_20w", "reserve_cadre_u30", "demo_villages",
                                          "demo_communities", "smart_platform"])
def test_scorecard_counts_match_a_pandas_reference(plan, demo_rosters, demo_scorecard, indicator_id):
    expected = reference(plan, demo_rosters, indicator_id)
    card = demo_scorecard.rows
    card = card[(card["indicator_id"] == indicator_id) & card["level"].isin(["county", "town"]) & card["den"].notna()]
    keys = ["level", "year", "county", "town"]
    got = card[keys + ["num", "den", "missing_units"]].rename(columns={"missing_units": "missing"})
    expected = expected.assign(town=expected["town"].where(expected["level"] == "town"))[keys + ["num", "den", "missing"]]
    sort = lambda df: df.astype({"year": int}).sort_values(keys, na_position="first").reset_index(drop=True)  # noqa: E731
    assert len(expected) >= 20
    pd.testing.assert_frame_equal(sort(got), sort(expected), check_dtype=False)
