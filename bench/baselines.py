"""Two plain ways to the scorecard's actual values, for bench/scale_bench.py to time the app against.

Both take the plan and the roster tables as load_rosters gives them (name → Arrow table) and return the same frame:
indicator_id, level (city / county / town), year, county, town, actual — one row per place that has rows, at the
levels the plan gives each indicator. tests/metrics/test_pandas_baseline.py checks both equal the app's `actual`.

pandas_actuals: plain pandas. Each roster to a DataFrame, latest report wins per unit and year (a blank 统计截至 read
as 12-31; a removal marker wins a tie and then leaves the unit out), then per indicator one numerator, denominator
and missing value per unit row and a groupby sum at each level.

duckdb_actuals: bare DuckDB, latest report wins done once. One connection; each roster's latest rows materialised
into a table once (the ranking of queries/views/*.sql), then per indicator one aggregation over GROUPING SETS (city,
county, town) that yields the actual directly. None of the app's machinery: no catalog, no measure rows stacked,
no roll-up step, no targets, splits, scaffold, status or pace.

Both read the rules from queries/measures/*.sql, written out again here by hand; only the measures the plan's
indicators use are covered (a plan with another query raises KeyError).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

KEYS = {"villages": ["county", "town", "village"], "towns": ["county", "town"], "counties": ["county"],
        "county_stats": ["county"]}
LEVELS = {"city": ["year"], "county": ["year", "county"], "town": ["year", "county", "town"]}
READS = {"demo_counties": "counties", "demo_towns": "towns", "demo_villages": "villages", "smart_platform": "towns",
         "smart_platform_missing": "towns", "income_share": "villages", "income_below": "villages",
         "reserve_cadres_below": "villages", "secretary_reserve_ratio": "towns", "shared_sites": "county_stats",
         "brand_projects": "county_stats", "certified_workers": "county_stats",
         "party_worker_training": "county_stats"}
SUMS = {"shared_sites": "shared_sites", "brand_projects": "brand_projects",
        "certified_workers": "certified_workers_u50", "secretary_reserve_ratio": "secretary_reserves"}
COLUMNS = ["indicator_id", "level", "year", "county", "town", "actual"]


# ---------------------------------------------------------------------------------------------------- pandas


def latest_frame(table: pa.Table, name: str) -> pd.DataFrame:
    """One roster's rows as the views see them: latest report per unit and year, removal markers dropped."""
    df = table.to_pandas()
    as_of = pd.to_datetime(df["as_of"])
    df["as_of"] = as_of.fillna(pd.to_datetime(df["year"].astype(str) + "-12-31"))
    removed = df["removed"].fillna(False).astype(bool) if "removed" in df else pd.Series(False, index=df.index)
    df["_removed"] = removed
    df = df.sort_values(["as_of", "_removed"], ascending=False, kind="stable")
    df = df.drop_duplicates(["year", *KEYS[name]], keep="first")
    return df[~df["_removed"]].drop(columns="_removed")


def _flag(s: pd.Series) -> pd.Series:
    return s.fillna(False).astype(bool)


def _named(units: pd.DataFrame, keys: list[str], plan_start: int, flow: bool) -> pd.Series:
    """counts_as_named (queries/engine/macros.sql): demo, named (示范命名年度, else the first year flagged) in or after
    the plan's first year and no later than the row's year; for a flow in that very year."""
    demo = _flag(units["is_demo"])
    first = units[demo].groupby(keys)["year"].min().rename("_first").reset_index()
    named = units[keys].merge(first, on=keys, how="left")["_first"].to_numpy()
    named = units["demo_year"].astype(float).fillna(pd.Series(named, index=units.index, dtype=float))
    ok = demo & (named >= plan_start) & (named <= units["year"])
    return ok & (named == units["year"]) if flow else ok


def _unit_values(query: str, params: dict, rows: pd.DataFrame, plan_start: int) -> pd.DataFrame:
    """Per unit row: num, den, missing (floats; num NaN where the measure sums a blank)."""
    if query == "demo_counties":
        return rows.assign(num=_named(rows, ["county"], plan_start, params["flow"]), den=1.0, missing=0.0)
    if query == "demo_towns":
        units = rows[(rows["town_type"] == "街道") == params["subdistrict"]]
        return units.assign(num=_named(units, ["county", "town"], plan_start, params["flow"]), den=1.0, missing=0.0)
    if query == "demo_villages":
        units = rows[rows["unit_type"] == params["unit_type"]]
        return units.assign(num=_named(units, ["county", "town", "village"], plan_start, params["flow"]),
                            den=1.0, missing=0.0)
    if query == "smart_platform":
        units = rows[rows["town_type"] == "街道"]
        return units.assign(num=_flag(units["has_smart_platform"]), den=1.0, missing=0.0)
    if query == "smart_platform_missing":
        units = rows[(rows["town_type"] == "街道") & _flag(rows["is_dense_center"])]
        return units.assign(num=~_flag(units["has_smart_platform"]), den=1.0, missing=0.0)
    if query in ("income_share", "income_below", "reserve_cadres_below"):
        every_type = query == "income_below" and params["include_communities"]
        units = rows if every_type else rows[rows["unit_type"] == "村"]
        if query == "reserve_cadres_below":
            value = units["reserve_cadres_u30" if params["under30"] else "reserve_cadres"]
            num = value < params["min_cadres"]
        else:
            value = units["income_wan"]
            num = value >= params["threshold_wan"] if query == "income_share" else value < params["threshold_wan"]
        return units.assign(num=num, den=value.notna(), missing=value.isna())
    if query in SUMS:
        value = rows[SUMS[query]].astype(float)
        return rows.assign(num=value, den=value.notna(), missing=value.isna())
    if query == "party_worker_training":
        both = rows["party_workers_trained"].notna() & rows["party_workers"].notna()
        return rows.assign(num=rows["party_workers_trained"].astype(float).where(both),
                           den=rows["party_workers"].astype(float).where(both), missing=~both)
    raise KeyError(query)


def pandas_actuals(plan, tables: dict[str, pa.Table]) -> pd.DataFrame:
    """The scorecard's actual values, in plain pandas (see the module docstring)."""
    plan_start = plan.years[0]
    latest: dict[str, pd.DataFrame] = {}
    out = []
    for ind in plan.indicators:
        name = READS[ind.query]
        if name not in latest:
            latest[name] = latest_frame(tables[name], name)
        rows = _unit_values(ind.query, dict(ind.params), latest[name], plan_start)
        rows = rows[["year", "county", "town", "num", "den", "missing"] if "town" in rows else
                    ["year", "county", "num", "den", "missing"]].astype({"num": float, "den": float, "missing": float})
        for level in ind.levels:
            keys = LEVELS[level]
            if level == "town":
                if "town" not in rows:
                    continue
                part = rows[rows["town"].notna()]
            else:
                part = rows
            g = part.groupby(keys, dropna=False, sort=False)
            agg = pd.DataFrame({"num": g["num"].sum(min_count=1), "den": g["den"].sum(), "missing": g["missing"].sum()})
            agg = agg.reset_index()
            if ind.kind in ("share", "ratio"):
                actual = agg["num"] / agg["den"].where(agg["den"] != 0)
            else:
                actual = agg["num"]
            actual = actual.where(~((agg["den"] == 0) & (agg["missing"] > 0)))
            frame = pd.DataFrame({"indicator_id": ind.id, "level": level, "year": agg["year"].astype(int),
                                  "county": agg["county"] if "county" in agg else None,
                                  "town": agg["town"] if "town" in agg else None, "actual": actual})
            out.append(frame)
    return pd.concat(out, ignore_index=True)[COLUMNS]


# ---------------------------------------------------------------------------------------------------- DuckDB

LATEST = """
CREATE TABLE {name} AS
SELECT * EXCLUDE (removed) FROM (
    SELECT * REPLACE (coalesce(as_of, make_date(year::INTEGER, 12, 31)) AS as_of) FROM raw_{name}
    QUALIFY row_number() OVER (PARTITION BY year, {keys}
        ORDER BY coalesce(as_of, make_date(year::INTEGER, 12, 31)) DESC, coalesce(removed, false) DESC) = 1
) WHERE NOT coalesce(removed, false)
"""


def _named_sql(units: str, keys: str, plan_start: int, flow: bool) -> str:
    flow_cond = " AND named_year = year" if flow else ""
    return f"""
        WITH units AS ({units}),
        first_flag AS (SELECT {keys}, min(year) AS first_year FROM units WHERE is_demo GROUP BY ALL),
        named AS (SELECT u.*, coalesce(u.demo_year, f.first_year) AS named_year
                  FROM units u LEFT JOIN first_flag f USING ({keys}))
        SELECT year, county, {'town' if 'town' in keys else 'NULL::VARCHAR AS town'},
            coalesce(is_demo AND named_year >= {plan_start} AND named_year <= year{flow_cond}, false)::INT::DOUBLE
                AS num,
            1::DOUBLE AS den, 0::DOUBLE AS missing
        FROM named"""


def _unit_sql(query: str, p: dict, plan_start: int) -> str:
    """SELECT year, county, town, num, den, missing: one row per unit row."""
    if query == "demo_counties":
        return _named_sql("SELECT * FROM counties", "county", plan_start, p["flow"])
    if query == "demo_towns":
        where = "town_type = '街道'" if p["subdistrict"] else "town_type <> '街道'"
        return _named_sql(f"SELECT * FROM towns WHERE {where}", "county, town", plan_start, p["flow"])
    if query == "demo_villages":
        unit_type = str(p["unit_type"]).replace("'", "''")
        return _named_sql(f"SELECT * FROM villages WHERE unit_type = '{unit_type}'", "county, town, village",
                          plan_start, p["flow"])
    if query == "smart_platform":
        return ("SELECT year, county, town, coalesce(has_smart_platform, false)::INT::DOUBLE AS num, 1::DOUBLE AS den, "
                "0::DOUBLE AS missing FROM towns WHERE town_type = '街道'")
    if query == "smart_platform_missing":
        return ("SELECT year, county, town, (NOT coalesce(has_smart_platform, false))::INT::DOUBLE AS num, "
                "1::DOUBLE AS den, 0::DOUBLE AS missing FROM towns "
                "WHERE town_type = '街道' AND coalesce(is_dense_center, false)")
    if query in ("income_share", "income_below", "reserve_cadres_below"):
        if query == "reserve_cadres_below":
            value, test = ("reserve_cadres_u30" if p["under30"] else "reserve_cadres"), f"< {float(p['min_cadres'])}"
        else:
            value, test = "income_wan", (">=" if query == "income_share" else "<") + f" {float(p['threshold_wan'])}"
        where = "TRUE" if query == "income_below" and p["include_communities"] else "unit_type = '村'"
        return (f"SELECT year, county, town, ({value} {test})::INT::DOUBLE AS num, ({value} IS NOT NULL)::INT::DOUBLE "
                f"AS den, ({value} IS NULL)::INT::DOUBLE AS missing FROM villages WHERE {where}")
    if query in SUMS:
        col, source = SUMS[query], READS[query]
        town = "town" if source == "towns" else "NULL::VARCHAR AS town"
        return (f"SELECT year, county, {town}, {col}::DOUBLE AS num, ({col} IS NOT NULL)::INT::DOUBLE AS den, "
                f"({col} IS NULL)::INT::DOUBLE AS missing FROM {source}")
    if query == "party_worker_training":
        both = "party_workers_trained IS NOT NULL AND party_workers IS NOT NULL"
        return (f"SELECT year, county, NULL::VARCHAR AS town, CASE WHEN {both} THEN party_workers_trained END::DOUBLE "
                f"AS num, CASE WHEN {both} THEN party_workers END::DOUBLE AS den, "
                f"(NOT ({both}))::INT::DOUBLE AS missing FROM county_stats")
    raise KeyError(query)


def _indicator_sql(ind, plan_start: int) -> str:
    sets = ", ".join("(" + ", ".join(LEVELS[level]) + ")" for level in ind.levels)
    ratio = ind.kind in ("share", "ratio")
    actual = "sum(num) / nullif(sum(den), 0)" if ratio else "sum(num)"
    county, town, having = "county", "NULL::VARCHAR AS town", ""
    if "town" in ind.levels:
        level = "CASE WHEN grouping(county) = 1 THEN 'city' WHEN grouping(town) = 1 THEN 'county' ELSE 'town' END"
        town, having = "town", "HAVING NOT (grouping(town) = 0 AND town IS NULL)"
    elif "county" in ind.levels:
        level = "CASE WHEN grouping(county) = 1 THEN 'city' ELSE 'county' END"
    else:  # city only
        level, county = "'city'", "NULL::VARCHAR AS county"
    return f"""
        SELECT {level} AS level, year::INTEGER AS year, {county}, {town},
            CASE WHEN sum(den) = 0 AND sum(missing) > 0 THEN NULL ELSE {actual} END AS actual
        FROM ({_unit_sql(ind.query, dict(ind.params), plan_start)})
        GROUP BY GROUPING SETS ({sets})
        {having}
    """


def duckdb_actuals(plan, tables: dict[str, pa.Table]) -> pd.DataFrame:
    """The scorecard's actual values, in bare DuckDB with latest report wins done once (see the module docstring)."""
    con = duckdb.connect(":memory:")
    try:
        needed = {READS[ind.query] for ind in plan.indicators}
        for name in sorted(needed):
            table = tables[name]
            if "removed" not in table.column_names:
                table = table.append_column("removed", pa.nulls(len(table), pa.bool_()))
            con.register(f"raw_{name}", table)
            con.execute(LATEST.format(name=name, keys=", ".join(KEYS[name])))
        parts = []
        for ind in plan.indicators:
            part = con.sql(_indicator_sql(ind, plan.years[0])).to_arrow_table()
            parts.append(part.add_column(0, "indicator_id", pa.array([ind.id] * len(part), pa.string())))
        return pa.concat_tables(parts).to_pandas()[COLUMNS]
    finally:
        con.close()
