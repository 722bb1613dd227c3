"""The scorecard: for every indicator × level × place × year, actual beside target, gap, completion,
the value expected by the report date (时序要求) and the same as a rate (时序进度), status against time
progress and pace toward the plan's final target."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.engine import Engine
from plan_monitor.metrics.card_rows import LEVELS, POOL, card_rows
from plan_monitor.metrics.card_table import CSV_COLUMNS, csv_column_names  # noqa: F401 - CSV_COLUMNS re-exported
from plan_monitor.metrics.rounds import Round
from plan_monitor.metrics.split import split_quotas
from plan_monitor.metrics.trajectory import (
    PACE_KEYS,
    PACE_LABELS,
    STATUS_KEYS,
    STATUS_LABELS,
    TARGET_NOTES,
    TARGET_SOURCES,
    labelled,
    pace_codes,
    status_codes,
    time_progress_rates,
    year_positions,
)
from plan_monitor.sources.tables import Rosters
from plan_monitor.spec.catalog import catalog
from plan_monitor.spec.geography import Geography, load_geography
from plan_monitor.spec.plan import ENGINE_PARAMS, Plan


def csv_columns(rows: pd.DataFrame) -> list[str]:
    """The CSV columns of some scorecard rows: CSV_COLUMNS, with prefecture (市（州）) after level in a plan with a
    prefecture level (see with_prefectures)."""
    return csv_column_names(list(rows.columns))


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
    """Every indicator's measure query, stacked: indicator_id, year, county, town, num, den, missing, as_of; one row
    per indicator × year × county × town (each measure's grain, which rollup.sql relies on: a town's row taken as it
    is; card_rows.check_grain checks it on the roll-up's town rows)."""
    common = {"plan_start": plan.years[0], "baseline_year": plan.plan.baseline_year}
    assert set(common) == set(ENGINE_PARAMS)
    parts = []
    for ind in plan.indicators:
        table = engine.run(f"measures/{ind.query}", {**common, **ind.params})
        table = table.select(["year", "county", "town", "num", "den", "missing", "as_of"]).cast(pa.schema([
            ("year", pa.int32()), ("county", pa.string()), ("town", pa.string()),
            ("num", pa.float64()), ("den", pa.float64()), ("missing", pa.float64()), ("as_of", pa.date32())]))
        # the id repeated by Arrow (a Python list of it, one item per row, took ~0.4 s of CPU nationally)
        parts.append(table.add_column(0, "indicator_id", pa.repeat(pa.scalar(ind.id, pa.string()), len(table))))
    return pa.concat_tables(parts)


def card_inputs(plan: Plan, rosters: Rosters, geo: Geography, rounds: Mapping[int, date]
                ) -> tuple[dict[str, pa.Table], pa.Table, pa.Table]:
    """What card_rows reads: the plan's tables (targets, quotas with the monitoring split, places, indicator
    attributes, levels, each year's round), the roll-up (with the prefectures' rows in a plan with prefectures) and
    the measures' rows, computed in one engine that is closed before the card is made."""
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
        tables = _plan_tables(plan, geo, split_quotas(plan, geo, engine))
    finally:
        engine.close()  # its latest rows are not kept: the scorecard is all that stays
    return {**tables, **_classify_tables(plan, rounds)}, rolled, measured


def compute_scorecard(plan: Plan, rosters: Rosters, geo: Geography | None = None,
                      rounds: Mapping[int, Round] | None = None, newer: Mapping[int, list[Round]] | None = None
                      ) -> Scorecard:
    """The scorecard of some rows. With `rounds` (year → 统计截至, see metrics/rounds.py) every row of a year is
    judged at its round: time progress at the round's date, a county or town whose figure comes from an older
    report marked carried_from, the city row counting the counties whose figure is of the round. `newer`: the
    rounds sent in part after each year's round, kept for the notes that say so."""
    geo = geo or load_geography(plan)
    rounds = dict(rounds or {})
    as_of = {year: r.as_of for year, r in rounds.items()}
    tables, rolled, measured = card_inputs(plan, rosters, geo, as_of)
    # figures, rounds and missing notes on whole columns, in the scorecard's order (card_rows.py); names, labels,
    # trajectory, status, pace: _classify
    table, place = card_rows(tables, rolled, measured, as_of, plan.plan.baseline_year, plan.years[0])
    rows = with_prefectures(_classify(plan, table, tables, place), geo)
    return Scorecard(plan, rows, rosters.version, rosters.is_demo, rounds, dict(newer or {}))


# The scorecard's order of levels, top down: each indicator's year is sorted by it (card_rows).
LEVEL_ORDER = {level: rank for rank, level in enumerate(LEVELS)}
# Kinds whose figure is a sum: with members missing it is a partial sum, which no whole target can judge.
SUM_KINDS = ("count", "multiple", "threshold")
_MISSING_UNIT = {"county_stats": "县", "counties": "县", "towns": "乡镇街道", "villages": "村"}


def _classify_tables(plan: Plan, rounds: Mapping[int, date]) -> dict[str, pa.Table]:
    """The small tables of the card (card_rows, _classify): indicator attributes (with the plan's order and the unit
    its missing notes count), the levels' order and each year's round."""
    ind = plan.indicators
    meta = pa.table({
        "indicator_id": pa.array([i.id for i in ind], pa.string()),
        "position": pa.array(range(len(ind)), pa.int32()),
        "name": pa.array([i.name for i in ind], pa.string()),
        "unit": pa.array([i.unit for i in ind], pa.string()),
        "kind": pa.array([i.kind for i in ind], pa.string()),
        "direction": pa.array([i.direction for i in ind], pa.string()),
        "measure": pa.array([i.measure for i in ind], pa.string()),
        # what a missing-input note counts: the roster the measure reads
        "noun": pa.array([_MISSING_UNIT.get(next(iter(catalog().measure(i.query).reads), ""), "单位") for i in ind],
                         pa.string()),
        "sum_kind": pa.array([i.kind in SUM_KINDS for i in ind], pa.bool_()),
        "query": pa.array([i.query for i in ind], pa.string()),  # named when a measure's grain is wrong
    })
    levels = pa.table({"level": pa.array(list(LEVEL_ORDER), pa.string()),
                       "rank": pa.array(list(LEVEL_ORDER.values()), pa.int32())})
    year_rounds = pa.table({"year": pa.array(list(rounds), pa.int32()),
                            "round": pa.array(list(rounds.values()), pa.date32())})
    return {"indicator_meta": meta, "level_order": levels, "year_rounds": year_rounds}


# Columns _classify computes, in the scorecard's column order after card_rows' columns up to `measure`.
_COMPUTED = ["final_target", "expected", "start_of_year", "time_position", "status", "pace", "projected",
             "cumulative", "time_progress", "status_label", "pace_label"]


def _classify(plan: Plan, table: pa.Table, small: Mapping[str, pa.Table], place: np.ndarray) -> pd.DataFrame:
    """The card's rows (card_rows.card_rows: in the scorecard's order, each row's place numbered) with the final
    target, trajectory (expected, 时序进度), status and pace of every plan-year row, on whole columns: a place's
    years are lined up in a grid (place × year) instead of grouped, so no group-by or per-row Python. The same rules
    as add_time_progress, add_pace and time_progress (metrics/trajectory.py), which a test checks against this on
    the demo data; the baseline year's rows get none of them."""
    n = table.num_rows
    first, last, baseline_year = plan.years[0], plan.years[-1], plan.plan.baseline_year
    rules = plan.status_rules

    def floats(name: str) -> np.ndarray:
        return np.asarray(table[name].to_numpy(zero_copy_only=False), dtype=float)

    positions = table["position"].to_numpy(zero_copy_only=False)

    def equal(name: str, value: str) -> np.ndarray:
        """Rows whose indicator has this attribute (kind, direction, measure), looked up per indicator."""
        return np.asarray(small["indicator_meta"][name].to_numpy(zero_copy_only=False) == value)[positions]

    years = table["year"].to_numpy(zero_copy_only=False).astype(np.int64)
    rows = np.flatnonzero(years >= first)  # plan-year rows
    year = years[rows]
    g, k = place[rows].astype(np.intp), year - first
    shape = (int(g.max()) + 1, int(k.max()) + 1) if len(rows) else (0, 1)
    target, actual, baseline = (floats(c)[rows] for c in ("target", "actual", "baseline"))
    flow, stock = equal("measure", "flow")[rows], equal("measure", "stock")[rows]
    higher, count = equal("direction", "higher")[rows], equal("kind", "count")[rows]

    def grid(values: np.ndarray) -> np.ndarray:
        out = np.full(shape, np.nan)
        out[g, k] = values
        return out

    present = np.zeros(shape, dtype=bool)
    present[g, k] = True
    targets, actuals = grid(target), grid(actual)
    anchors = np.where(np.isnan(targets), np.nan, np.arange(shape[1]) + (first + 1.0))  # year end of each target

    # Final target: a stock's target of the last year; a flow's yearly targets summed, only when every year has one
    # (Kahan-compensated in year order, as pandas' group sum).
    last_target = targets[:, last - first] if 0 <= last - first < shape[1] else np.full(shape[0], np.nan)
    flow_total = _kahan(targets, present)[-1]
    flow_total[(present & np.isnan(targets)).any(axis=1)] = np.nan

    # Trajectory anchors: the last target before each year (else the baseline), the first from it on.
    prev_val, prev_t = _carried(targets), _carried(anchors)
    next_val = _carried(targets[:, ::-1], inclusive=True)[:, ::-1]
    next_t = _carried(anchors[:, ::-1], inclusive=True)[:, ::-1]
    prev_val, prev_t, next_val, next_t = (a[g, k] for a in (prev_val, prev_t, next_val, next_t))
    start_val = np.where(np.isnan(baseline), np.where(count, 0.0, np.nan), baseline)
    prev_val = np.where(np.isnan(prev_val), start_val, prev_val)
    prev_t = np.where(np.isnan(prev_t), float(baseline_year + 1), prev_t)
    prev_val = np.where(np.isnan(prev_val), next_val, prev_val)  # without any earlier anchor the target stands flat
    yearf = year.astype(float)
    prev_val, prev_t = np.where(flow, 0.0, prev_val), np.where(flow, yearf, prev_t)  # a flow starts from zero
    next_val, next_t = np.where(flow, target, next_val), np.where(flow, yearf + 1.0, next_t)

    # judged at the row's round when it has one (every place of a year alike), else at its own report date
    as_of = table["as_of"].to_numpy(zero_copy_only=False)[rows]
    judged = table["round"].to_numpy(zero_copy_only=False)[rows]
    judged = np.where(np.isnat(judged), as_of, judged)
    now = year_positions(judged, year)
    with np.errstate(invalid="ignore", divide="ignore"):
        span_t = next_t - prev_t
        slope = (next_val - prev_val) / np.where(span_t == 0, np.nan, span_t)
        expected = prev_val + slope * (now - prev_t)
        start_of_year = prev_val + slope * (yearf - prev_t)
    stock_final = np.where(stock, last_target[g], np.nan)
    final_target = np.where(flow, flow_total[g], stock_final)
    status = status_codes(actual, target, stock_final, expected, start_of_year, higher, rules.red_below)

    # Pace: flows compared cumulatively (what was added since the plan began against the sum of yearly targets).
    cumulative = np.where(np.isnan(actual), np.nan, _kahan(actuals, ~np.isnan(actuals))[k, g])
    current = np.where(flow, cumulative, actual)
    base = np.where(flow, 0.0, baseline)
    base = np.where(np.isnan(base) & count, 0.0, base)
    pace, projected = pace_codes(current, base, now, np.where(higher, 1.0, -1.0), final_target,
                                 equal("kind", "share")[rows], baseline_year, last, rules.stagnation)
    # 时序进度 is computed here once; every page, export and slide reads this column.
    progress = time_progress_rates(expected, target, floats("den")[rows], equal("kind", "threshold")[rows], higher)

    partial = table["partial_sum"].to_numpy(zero_copy_only=False)[rows]  # a partial sum: no status or pace
    status, pace = np.where(partial, -1, status), np.where(partial, -1, pace)
    # Names and labels from the small tables by position (Arrow takes; card_rows hands back numbers, not text).
    meta = small["indicator_meta"]
    position = table["position"]
    ranks = dict(zip(small["level_order"]["rank"].to_pylist(), small["level_order"]["level"].to_pylist()))
    levels = pa.array([ranks.get(r) for r in range(max(ranks) + 1)], pa.large_string())
    plan_year = np.zeros(n, dtype=bool)
    plan_year[rows] = True
    in_plan = pa.array(plan_year)
    labels = {}
    for column, vocabulary in (("target_note", TARGET_NOTES), ("target_source", TARGET_SOURCES)):
        found = pc.index_in(table[column], value_set=pa.array(list(vocabulary), pa.string()))
        texts = pc.take(pa.array(list(vocabulary.values()), pa.large_string()), found, memory_pool=POOL)
        labels[column] = pc.if_else(in_plan, texts, None, memory_pool=POOL)
    chosen = pc.is_in(table["target_source"], value_set=pa.array(["split", "issued"], pa.string()))
    remark = pc.coalesce(labels["target_note"], pc.if_else(pc.fill_null(chosen, False), labels["target_source"], None,
                                                           memory_pool=POOL), memory_pool=POOL)
    # texts as large_string, what the frame's str columns hold (pandas cast every string column again, in new memory)
    meta = meta.cast(pa.schema([f.with_type(pa.large_string()) if f.type == pa.string() else f for f in meta.schema]))
    columns = {"indicator_id": pc.take(meta["indicator_id"], position, memory_pool=POOL),
               "level": pc.take(levels, table["level_rank"], memory_pool=POOL)}
    for name in table.column_names[2:table.column_names.index("counties_reported")]:
        column = table[name]
        if pa.types.is_date(column.type):  # dates as timestamps, the type the pages compare with
            column = pc.cast(column, pa.timestamp("s"), memory_pool=POOL)
        columns[name] = column
    columns.update({"counties_reported": table["counties_reported"], "counties_carried": table["counties_carried"]})
    columns.update({name: pc.take(meta[source], position, memory_pool=POOL) for name, source in (
        ("indicator", "name"), ("unit", "unit"), ("kind", "kind"), ("direction", "direction"), ("measure", "measure"))})
    computed = {"final_target": final_target, "expected": expected, "start_of_year": start_of_year,
                "time_position": now, "projected": projected, "cumulative": current, "time_progress": progress}
    for name, values in computed.items():
        column = np.full(n, np.nan)
        column[rows] = values
        columns[name] = pa.array(column, from_pandas=False)
    columns.update({"target_note_label": labels["target_note"], "target_source_label": labels["target_source"],
                    "target_remark": remark})
    # one block per column: consolidating ~40 columns of ~700k rows into 2-D blocks copied them all again (~0.3 s
    # of CPU nationally, most of it the kernel handing out fresh memory); the frame's values and dtypes are the same
    out = pa.table(columns).to_pandas(split_blocks=True, memory_pool=POOL)
    for name in ("counties_reported", "counties_carried"):  # counts with gaps (city rows only)
        out[name] = out[name].astype("Int64")
    for name, codes, keys, vocabulary in (("status", status, STATUS_KEYS, STATUS_LABELS),
                                          ("pace", pace, PACE_KEYS, PACE_LABELS)):
        out[name] = _objects(n, rows, labelled(codes, keys))
        out[f"{name}_label"] = _labels(n, rows, codes, [vocabulary[key] for key in keys])
    out["missing_note"] = _objects(n, rows, table["missing_note"].to_numpy(zero_copy_only=False)[rows])
    return out[[*out.columns[:out.columns.get_loc("measure") + 1], *_COMPUTED,
                "target_note_label", "target_source_label", "target_remark", "missing_note"]]


def _carried(grid: np.ndarray, inclusive: bool = False) -> np.ndarray:
    """Along each row of a grid, the last non-missing value before each column (`inclusive`: up to and including it),
    NaN where there is none: pandas' shift + ffill (bfill on a reversed grid) within a group, on whole columns."""
    out = np.full(grid.shape, np.nan)
    carry = np.full(grid.shape[0], np.nan)
    for j in range(grid.shape[1]):
        if not inclusive:
            out[:, j] = carry
        carry = np.where(np.isnan(grid[:, j]), carry, grid[:, j])
        if inclusive:
            out[:, j] = carry
    return out


def _kahan(grid: np.ndarray, use: np.ndarray) -> np.ndarray:
    """Running sums along each row of a grid over the cells in `use`, column by column (out[j]: the sums up to
    column j), Kahan-compensated as pandas' group sum and cumsum are, so the figures are the same to the last bit."""
    total = np.zeros(grid.shape[0])
    compensation = np.zeros(grid.shape[0])
    out = np.empty((grid.shape[1], grid.shape[0]))
    for j in range(grid.shape[1]):
        with np.errstate(invalid="ignore"):
            y = grid[:, j] - compensation
            t = total + y
            c = t - total - y
        c = np.where(np.isnan(c), 0.0, c)  # an infinite value (as pandas, GH#53606)
        compensation, total = np.where(use[:, j], c, compensation), np.where(use[:, j], t, total)
        out[j] = total
    return out


def _objects(n: int, rows: np.ndarray, values: np.ndarray) -> pd.Series:
    """An object column: `values` (None where missing) on the plan-year rows, NaN on the baseline year's (as
    concatenating the two parts gave; the persisted card keeps the difference)."""
    out = np.full(n, np.nan, dtype=object)
    out[rows] = values
    return pd.Series(out, dtype=object)


def _labels(n: int, rows: np.ndarray, codes: np.ndarray, labels: list[str]) -> pd.Series:
    """A text column of labels from codes (-1: none), missing on the baseline year's rows."""
    indices = np.full(n, -1, dtype=np.int64)
    indices[rows] = codes
    taken = pc.take(pa.array(labels, pa.large_string()), pa.array(indices, mask=indices < 0), memory_pool=POOL)
    return taken.to_pandas(memory_pool=POOL)
