"""The scorecard: for every indicator × level × place × year, actual beside target, gap, completion,
the value expected by the report date (时序要求) and the same as a rate (时序进度), status against time
progress and pace toward the plan's final target."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from plan_monitor.engine import Engine
from plan_monitor.metrics.rounds import Round
from plan_monitor.metrics.split import split_quotas
from plan_monitor.metrics.trajectory import (
    PACE_LABELS,
    STATUS_LABELS,
    TARGET_NOTES,
    TARGET_SOURCES,
    add_pace,
    add_time_progress,
    time_progress,
)
from plan_monitor.sources.tables import Rosters
from plan_monitor.spec.catalog import catalog
from plan_monitor.spec.geography import Geography, load_geography
from plan_monitor.spec.plan import ENGINE_PARAMS, Plan

CSV_COLUMNS = ["indicator_id", "indicator", "unit", "level", "county", "town", "year",
               "actual", "target", "gap", "completion", "status", "pace", "round", "carried_from"]


def csv_columns(rows: pd.DataFrame) -> list[str]:
    """The CSV columns of some scorecard rows: CSV_COLUMNS, with prefecture (市（州）) after level in a plan with a
    prefecture level (see with_prefectures)."""
    if "prefecture" not in rows:
        return CSV_COLUMNS
    return CSV_COLUMNS[:4] + ["prefecture"] + CSV_COLUMNS[4:]


def with_prefectures(rows: pd.DataFrame, geo: Geography) -> pd.DataFrame:
    """In a plan with a prefecture level, every row's prefecture (市（州）): a prefecture row's own name (which its
    county column also holds, as the place of the row), a county's or town's that of its county, None for the region
    row. Plans without prefectures keep their rows as they are (no prefecture column)."""
    if not geo.has_prefectures:
        return rows
    of = geo.prefecture_of()
    prefecture = rows["county"].map(of).astype(object)
    prefecture = prefecture.where(rows["level"] != "prefecture", rows["county"])
    return rows.assign(prefecture=prefecture.where(prefecture.notna(), None))


@dataclass(frozen=True)
class Scorecard:
    plan: Plan
    rows: pd.DataFrame  # plan years and the baseline year, every level
    data_version: str
    is_demo: bool
    rounds: dict[int, Round] = field(default_factory=dict)  # the round each year's figures are computed as of
    newer: dict[int, list[Round]] = field(default_factory=dict)  # rounds of a year newer than that, sent in part

    def select(self, year: int | None = None, level: str | None = None, county: str | None = None,
               indicator_id: str | None = None, include_baseline: bool = False) -> pd.DataFrame:
        """The rows of a year, level, county and indicator (None: any), plan years only unless `include_baseline`;
        a new frame, numbered from 0, in the scorecard's order. The year, level and indicator are looked up in an
        index built once per scorecard (`_groups`) rather than by comparing every row on every call."""
        if year is None and level is None and indicator_id is None:
            return self._masked(year, level, county, indicator_id, include_baseline)
        start = self.plan.years[0]
        chosen = [positions for (y, lv, ind), positions in self._groups.items()
                  if (include_baseline or y >= start) and (year is None or y == year)
                  and (level is None or lv == level) and (indicator_id is None or ind == indicator_id)]
        if not chosen:
            positions = np.empty(0, dtype=np.intp)
        elif len(chosen) == 1:
            positions = chosen[0]
        else:
            positions = np.sort(np.concatenate(chosen))
        rows = self.rows.take(positions)
        if county is not None:
            rows = rows[rows["county"] == county]
        return rows.reset_index(drop=True)

    def _masked(self, year, level, county, indicator_id, include_baseline) -> pd.DataFrame:
        """select by comparing every row: what the index must give (tests/metrics/test_select_index.py)."""
        rows = self.rows
        mask = pd.Series(True, index=rows.index)
        if not include_baseline:
            mask &= rows["year"] >= self.plan.years[0]
        if year is not None:
            mask &= rows["year"] == year
        if level is not None:
            mask &= rows["level"] == level
        if county is not None:
            mask &= rows["county"] == county
        if indicator_id is not None:
            mask &= rows["indicator_id"] == indicator_id
        return rows[mask].reset_index(drop=True)

    @cached_property
    def _groups(self) -> dict[tuple, np.ndarray]:
        """Positions of the rows of each (year, level, indicator), ascending; missing keys kept (as NaN), so they
        never equal a value asked for, as in a row-by-row comparison. Built on first use, once per scorecard (the
        rows are never changed after the scorecard is made)."""
        if self.rows.empty:
            return {}
        return dict(self.rows.groupby(["year", "level", "indicator_id"], sort=False, dropna=False).indices)

    def round_of(self, year: int) -> Round | None:
        """The round a year's figures are computed as of (None: computed from every report, no round)."""
        return self.rounds.get(year)

    def data_as_of(self, year: int) -> pd.Timestamp | None:
        """The 统计截至 of a year's data: the round the figures are computed as of, else the latest report date
        among the city-level figures."""
        return latest_as_of(self.select(year=year, level="city", include_baseline=True))


def latest_as_of(rows: pd.DataFrame) -> pd.Timestamp | None:
    """The 统计截至 some scorecard rows are computed as of, the date their 数据截至 line states: the latest round
    among them, else the latest report date; None when none has data."""
    rounds = rows["round"].dropna() if "round" in rows else pd.Series([], dtype="datetime64[ns]")
    dates = rounds if len(rounds) else rows["as_of"].dropna()
    return pd.Timestamp(dates.max()) if len(dates) else None


def _plan_tables(plan: Plan, geo: Geography, split: pd.DataFrame | None = None) -> dict[str, pa.Table]:
    ind = plan.indicators
    defs = pa.table({
        "indicator_id": [i.id for i in ind], "kind": [i.kind for i in ind], "direction": [i.direction for i in ind],
        "levels": [list(i.levels) for i in ind],
    })
    targets = pa.table({
        "indicator_id": [i.id for i in ind for _ in i.targets],
        "year": pa.array([y for i in ind for y in i.targets], pa.int32()),
        "target": pa.array([v for i in ind for v in i.targets.values()], pa.float64()),
    })
    # Formally issued quotas (任务分解) and monitoring splits (测算分解), told apart by source.
    quota_rows = [(i.id, c, y, v, "issued") for i in ind for c, by_year in i.quotas.items() for y, v in by_year.items()]
    if split is not None:
        quota_rows += list(split.itertuples(index=False, name=None))
    levels = ["county"] * len(quota_rows)
    if geo.has_prefectures:
        prefecture_rows = _prefecture_quotas(plan, geo, quota_rows)
        quota_rows += prefecture_rows
        levels += ["prefecture"] * len(prefecture_rows)
    quotas = pa.table({
        "level": pa.array(levels, pa.string()),
        "indicator_id": pa.array([r[0] for r in quota_rows], pa.string()),
        "county": pa.array([r[1] for r in quota_rows], pa.string()),
        "year": pa.array([r[2] for r in quota_rows], pa.int32()),
        "quota": pa.array([r[3] for r in quota_rows], pa.float64(), from_pandas=True),  # NaN: not estimated
        "source": pa.array([r[4] for r in quota_rows], pa.string()),
    })
    counties = list(geo.counties["county"])
    prefectures = geo.prefecture_names()
    places = pa.table({
        "level": ["city"] + ["prefecture"] * len(prefectures) + ["county"] * len(counties),
        "county": pa.array([None] + prefectures + counties, pa.string()),
        "town": pa.array([None] * (1 + len(prefectures) + len(counties)), pa.string()),
    })
    years = pa.table({"year": pa.array([plan.plan.baseline_year] + plan.years, pa.int32())})
    return {"indicator_defs": defs, "plan_targets": targets, "quotas": quotas, "places": places, "years": years}


def _prefecture_quotas(plan: Plan, geo: Geography, county_rows: list[tuple]) -> list[tuple]:
    """A prefecture's target where its counties have quotas (issued or split): their sum when every county of the
    prefecture has one for the year, else None (no target, noted as its counties' are). Source: issued when every
    county quota is issued, else split. Only for indicators with a prefecture level."""
    members = geo.counties.groupby("prefecture", sort=False)["county"].apply(list).to_dict()
    wanted = {i.id for i in plan.indicators if "prefecture" in i.levels}
    by_key: dict[tuple, dict[str, tuple]] = {}
    for row in county_rows:
        if row[0] in wanted:
            by_key.setdefault((row[0], row[2]), {})[row[1]] = row
    out = []
    for (indicator_id, year), rows in by_key.items():
        for prefecture, counties in members.items():
            own = [rows[c] for c in counties if c in rows]
            if not own:
                continue
            values = [r[3] for r in own]
            whole = len(own) == len(counties) and all(v is not None and v == v for v in values)
            source = "issued" if all(r[4] == "issued" for r in own) else "split"
            out.append((indicator_id, prefecture, year, float(sum(values)) if whole else None, source))
    return out


def measure_rows(engine: Engine, plan: Plan) -> pa.Table:
    """Every indicator's measure query, stacked: indicator_id, year, county, town, num, den, missing, as_of."""
    common = {"plan_start": plan.years[0], "baseline_year": plan.plan.baseline_year}
    assert set(common) == set(ENGINE_PARAMS)
    parts = []
    for ind in plan.indicators:
        table = engine.run(f"measures/{ind.query}", {**common, **ind.params})
        table = table.select(["year", "county", "town", "num", "den", "missing", "as_of"]).cast(pa.schema([
            ("year", pa.int32()), ("county", pa.string()), ("town", pa.string()),
            ("num", pa.float64()), ("den", pa.float64()), ("missing", pa.float64()), ("as_of", pa.date32())]))
        parts.append(table.add_column(0, "indicator_id", pa.array([ind.id] * len(table), pa.string())))
    return pa.concat_tables(parts)


def compute_scorecard(plan: Plan, rosters: Rosters, geo: Geography | None = None,
                      rounds: Mapping[int, Round] | None = None, newer: Mapping[int, list[Round]] | None = None
                      ) -> Scorecard:
    """The scorecard of some rows. With `rounds` (year → 统计截至, see metrics/rounds.py) every row of a year is
    judged at its round: time progress at the round's date, a county or town whose figure comes from an older
    report marked carried_from, the city row counting the counties whose figure is of the round. `newer`: the
    rounds sent in part after each year's round, kept for the notes that say so."""
    geo = geo or load_geography(plan)
    engine = Engine.over_rosters(rosters.tables)  # latest report wins applied once, then every measure reads it
    try:
        measured = measure_rows(engine, plan)
        engine.register("measure_rows", measured)
        rolled = engine.run("engine/rollup")
        if geo.has_prefectures:  # prefecture totals beside the region's, counties and towns
            pairs = geo.counties.dropna(subset=["prefecture"])
            engine.register("prefectures", pa.table({"county": pa.array(list(pairs["county"]), pa.string()),
                                                     "prefecture": pa.array(list(pairs["prefecture"]), pa.string())}))
            rolled = pa.concat_tables([rolled, engine.run("engine/rollup_prefecture").cast(rolled.schema)])
        engine.register("rolled", rolled)
        for name, table in _plan_tables(plan, geo, split_quotas(plan, geo, engine)).items():
            engine.register(name, table)
        df = engine.run("engine/scorecard", {"baseline_year": plan.plan.baseline_year}).to_pandas()
    finally:
        engine.close()  # its latest rows are not kept: the scorecard is all that stays
    rounds = dict(rounds or {})
    df = _with_rounds(df, measured.to_pandas(), {year: r.as_of for year, r in rounds.items()})
    rows = with_prefectures(_classify(plan, df), geo)
    return Scorecard(plan, rows, rosters.version, rosters.is_demo, rounds, dict(newer or {}))


def _with_rounds(df: pd.DataFrame, measured: pd.DataFrame, rounds: Mapping[int, date]) -> pd.DataFrame:
    """round: the 统计截至 a row is judged at; carried_from: on county and town rows whose figure comes from an
    older report of the year (沿用), that report's date; on city rows counties_reported, the counties whose
    figure is of the round, and counties_carried, those whose figure comes from an older report."""
    df["round"] = _round_of(df["year"], rounds)
    as_of = pd.to_datetime(df["as_of"])
    older = df["level"].isin(["county", "town"]) & as_of.notna() & df["round"].notna() & (as_of < df["round"])
    df["carried_from"] = as_of.where(older)
    measured = measured.assign(as_of=pd.to_datetime(measured["as_of"]))  # max over timestamps, not Python dates
    latest = measured.groupby(["indicator_id", "year", "county"])["as_of"].max().reset_index()
    latest["round"] = _round_of(latest["year"], rounds)
    dated = latest["round"].notna() & latest["as_of"].notna()
    is_fresh = latest["as_of"] >= latest["round"]
    keys = pd.MultiIndex.from_arrays([df["indicator_id"], df["year"]])
    city = (df["level"] == "city") & df["round"].notna()
    for column, part in (("counties_reported", latest[dated & is_fresh]), ("counties_carried", latest[dated & ~is_fresh])):
        counts = part.groupby(["indicator_id", "year"]).size()
        df[column] = pd.array(counts.reindex(keys, fill_value=0).to_numpy(), dtype="Int64")
        df[column] = df[column].where(city)
    return df


def _round_of(years: pd.Series, rounds: Mapping[int, date]) -> pd.Series:
    """Each row's round date (NaT without one), looked up once per distinct year."""
    distinct = pd.unique(years)
    lookup = pd.Series([rounds.get(int(y)) for y in distinct], index=distinct, dtype=object)
    return pd.to_datetime(pd.Series(lookup.reindex(years).to_numpy(), index=years.index, dtype=object))


def _meta(ids: pd.Series, values: Mapping[str, object]) -> pd.Series:
    """One indicator attribute per row, looked up per distinct indicator (no Python call per row)."""
    codes, uniques = pd.factorize(ids)
    return pd.Series([values[k] for k in uniques]).take(codes).set_axis(ids.index)


def _classify(plan: Plan, df: pd.DataFrame) -> pd.DataFrame:
    meta = {i.id: i for i in plan.indicators}
    for column, attr in (("indicator", "name"), ("unit", "unit"), ("kind", "kind"), ("direction", "direction"),
                         ("measure", "measure")):
        df[column] = _meta(df["indicator_id"], {k: getattr(i, attr) for k, i in meta.items()})
    df["as_of"] = pd.to_datetime(df["as_of"])
    first, last = plan.years[0], plan.years[-1]
    base_rows = df[df["year"] < first].copy()
    rows = df[df["year"] >= first].copy()

    keys = ["indicator_id", "level", "county", "town"]
    filled = rows[keys].fillna("")
    last_target = rows["target"].where(rows["year"] == last).groupby([filled[k] for k in keys]).transform("max")
    groups = [filled[k] for k in keys]
    # A flow's final target is the sum of its yearly targets, defined only when every year has one.
    flow_total = rows["target"].groupby(groups).transform("sum").where(
        rows["target"].isna().groupby(groups).transform("sum") == 0)
    rows["final_target"] = np.where(rows["measure"] == "flow", flow_total, last_target)

    rules = plan.status_rules
    stock_final = rows["final_target"].where(rows["measure"] == "stock")
    rows = add_time_progress(rows.assign(final_target=stock_final), plan.plan.baseline_year, last, rules.red_below)
    rows["final_target"] = np.where(rows["measure"] == "flow", flow_total.reindex(rows.index), rows["final_target"])
    rows = add_pace(rows, plan.plan.baseline_year, last, rules.stagnation)
    # 时序进度 is computed here once; every page, export and slide reads this column.
    rows["time_progress"] = time_progress(rows)
    rows["status_label"] = rows["status"].map(STATUS_LABELS)
    rows["pace_label"] = rows["pace"].map(PACE_LABELS)
    rows["target_note_label"] = rows["target_note"].map(TARGET_NOTES)
    rows["target_source_label"] = rows["target_source"].map(TARGET_SOURCES)
    # 说明: why a row has no target, or that its county target is a split or an issued quota; every export reads it.
    rows["target_remark"] = rows["target_note_label"].where(
        rows["target_note_label"].notna(),
        rows["target_source_label"].where(rows["target_source"].isin(["split", "issued"])))
    rows = _mark_missing(plan, rows)
    out = pd.concat([base_rows, rows], ignore_index=True)
    level_order = {"city": 0, "prefecture": 1, "county": 2, "town": 3}
    order = [i.id for i in plan.indicators]
    out = out.assign(_i=out["indicator_id"].map({k: n for n, k in enumerate(order)}), _l=out["level"].map(level_order))
    return out.sort_values(["_i", "year", "_l", "county", "town"], na_position="first").drop(columns=["_i", "_l"]).reset_index(drop=True)


# Kinds whose figure is a sum: with members missing it is a partial sum, which no whole target can judge.
SUM_KINDS = ("count", "multiple", "threshold")
_MISSING_UNIT = {"county_stats": "县", "counties": "县", "towns": "乡镇街道", "villages": "村"}


def _mark_missing(plan: Plan, rows: pd.DataFrame) -> pd.DataFrame:
    """Missing is not zero: a figure over blank cells says so (missing_note), computed here once for every page.

    A place whose own input is blank has no actual, no status and the note 未填报. A total with members missing is
    the sum over what was reported, labelled 不含 N 个县（未填报）; a sum gets no status, pace, gap or completion
    while incomplete, a share or ratio (computed over the reporting units) keeps them.
    """
    nouns = {i.id: _MISSING_UNIT.get(next(iter(catalog().measure(i.query).reads), ""), "单位")
             for i in plan.indicators}
    noun = rows["indicator_id"].map(nouns)
    by_county = noun == "县"
    count = rows["missing_counties"].where(by_county, rows["missing_units"]).fillna(0).astype(int)
    incomplete = rows["missing_units"].fillna(0) > 0
    unknown = incomplete & rows["actual"].isna()
    partial = ("不含 " + count.astype(str) + " 个" + noun.astype(str) + "（未填报）").astype(object)
    rows["missing_note"] = pd.Series(np.where(unknown, "未填报", np.where(incomplete, partial, None)),
                                     index=rows.index, dtype=object)
    partial_sum = incomplete & rows["kind"].isin(SUM_KINDS)
    for col in ("status", "status_label", "pace", "pace_label"):
        rows[col] = rows[col].where(~partial_sum, None)
    for col in ("gap", "completion"):
        rows[col] = rows[col].where(~partial_sum)
    return rows
