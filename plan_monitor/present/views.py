"""What each page shows, as data: one function per page section, built from the scorecard.

Pages call these and render; nothing here knows about Streamlit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.metrics.trajectory import ATTENTION
from plan_monitor.present.format import fmt_carried, fmt_expected, fmt_value
from plan_monitor.sources.report_dates import report_timestamps
from plan_monitor.spec.catalog import catalog
from plan_monitor.spec.plan import KIND_LABELS, LEVEL_LABELS, MEASURE_LABELS


def overview(m: Monitor, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per indicator for the city in `year`, and the attention list: indicators and counties whose status
    is 严重滞后 or 滞后, worst first."""
    card = m.card
    city = card.select(year=year, level="city")
    carried = city["counties_carried"].fillna(0) if "counties_carried" in city else pd.Series(0, index=city.index)
    city["carried_note"] = [f" · {int(n)} 个县沿用此前数据" if n > 0 else "" for n in carried]
    # A status without a 完成率 (no target of the year): judged against the 时序要求 toward the plan's final target,
    # said on the card, so the card's status and the chart's missing 完成率 bar (—) tell one story.
    city["basis_note"] = [
        f"无当年目标，不计完成率；状态按期末目标 {fmt_value(r.final_target, r.unit, r.kind)} 的时序要求 "
        f"{fmt_expected(r.expected, r.unit, r.kind, r.direction)} 判断"
        if isinstance(r.status, str) and pd.isna(r.completion) and not pd.isna(r.expected) else None
        for r in city.itertuples()]
    rows = card.select(year=year)
    rows = rows[rows["level"].isin(["city", "prefecture", "county"]) & rows["status"].isin(ATTENTION)].copy()
    rows["_rank"] = rows["status"].map({"far_behind": 0, "behind": 1})
    rows["place"] = [place + (f"（{fmt_carried(day)}）" if not pd.isna(day) else "")
                     for place, day in zip(rows["county"].fillna(m.geo.region_word), rows["carried_from"])]
    rows["_level"] = rows["level"].map(LEVEL_ORDER)  # the region, its prefectures (市（州）), its counties
    attention = rows.sort_values(["_rank", "_level", "completion"], na_position="last")
    return city.reset_index(drop=True), attention[["indicator_id", "indicator", "place", "level", "actual", "target",
                                                   "expected", "completion", "time_progress", "unit", "kind", "direction",
                                                   "status",
                                                   "status_label"]]


LEVEL_ORDER = {"city": 0, "prefecture": 1, "county": 2, "town": 3}


def county_ranking(m: Monitor, year: int, indicator_id: str, prefecture: str | None = None,
                   level: str = "county") -> pd.DataFrame:
    """Counties of one indicator, ranked (排位): by completion where a target applies, else by the figure itself.
    `prefecture`: only the counties of that 市（州）; level "prefecture": the prefectures themselves, ranked alike
    (their names in the county column)."""
    rows = m.card.select(year=year, level=level, indicator_id=indicator_id)
    if prefecture is not None and "prefecture" in rows:
        rows = rows[rows["prefecture"] == prefecture]
    ind = m.plan.indicator(indicator_id)
    sign = -1 if ind.direction == "lower" else 1
    key = rows["completion"].where(rows["completion"].notna(), sign * rows["actual"])
    rows = rows.assign(_key=key).sort_values("_key", ascending=False, na_position="last")
    rows["rank"] = range(1, len(rows) + 1)
    return rows.drop(columns="_key").reset_index(drop=True)


def status_matrix(m: Monitor, year: int, prefecture: str | None = None, level: str = "county") -> pd.DataFrame:
    """County × indicator status codes for the whole plan (None where no status applies); `prefecture`: only the
    counties of that 市（州）; level "prefecture": prefecture × indicator."""
    rows = m.card.select(year=year, level=level)
    matrix = rows.pivot_table(index="county", columns="indicator_id", values="status", aggfunc="first", dropna=False)
    order = [i.id for i in m.plan.indicators if level in i.levels]
    if level == "prefecture":
        places = m.geo.prefecture_names()
    else:
        counties = m.geo.counties
        if prefecture is not None and "prefecture" in counties:
            counties = counties[counties["prefecture"] == prefecture]
        places = list(counties["county"])
    matrix = matrix.reindex(index=places, columns=order)
    return matrix.astype(object).where(matrix.notna(), None)


def carried_counties(m: Monitor, year: int) -> dict[str, str]:
    """Counties whose figures of the year come (wholly or in part) from a report older than the round, with their
    沿用 mark for a row label: 沿用 9月30日 数据, or 部分沿用 9月30日 数据 when some of their figures are of the round."""
    rows = m.card.select(year=year, level="county")
    if "carried_from" not in rows or rows["carried_from"].isna().all():
        return {}
    marks = {}
    for county, part in rows[rows["actual"].notna()].groupby("county", sort=False):
        carried = part["carried_from"].dropna()
        if len(carried):
            mark = fmt_carried(carried.max())
            marks[county] = mark if len(carried) == len(part) else f"部分{mark}"
    return {county: marks[county] for county in m.geo.county_names() if county in marks}  # gazetteer order


def marked_matrix(m: Monitor, year: int, prefecture: str | None = None) -> pd.DataFrame:
    """status_matrix with each carried county's row named with its 沿用 mark, as the 分县 page and its export show it."""
    marks = carried_counties(m, year)
    matrix = status_matrix(m, year, prefecture)
    return matrix.rename(index=lambda c: f"{c}（{marks[c]}）" if c in marks else c)


def town_table(m: Monitor, year: int, indicator_id: str, county: str) -> pd.DataFrame:
    """Towns of one county for one indicator, best first."""
    rows = m.card.select(year=year, level="town", indicator_id=indicator_id, county=county)
    lower = m.plan.indicator(indicator_id).direction == "lower"
    return rows.sort_values("actual", ascending=lower).reset_index(drop=True)


def village_list(m: Monitor, year: int, indicator_id: str, county: str, town: str) -> pd.DataFrame | None:
    """Villages of one town and whether each already counts toward the target (meets), or None when the
    indicator's measure has no village-level twin in queries/units/."""
    ind = m.plan.indicator(indicator_id)
    twin = catalog().unit_twin(ind.query)
    if twin is None:
        return None
    params = {**ind.params, "plan_start": m.plan.years[0], "baseline_year": m.plan.plan.baseline_year,
              "year": year, "county": county, "town": town}
    return m.engine.run(twin.name, params).to_pandas()


def trend(m: Monitor, indicator_id: str, county: str | None = None, level: str = "county") -> pd.DataFrame:
    """Baseline and plan years for one place: actual, target, expected trajectory and projection. `county`: a
    county, or a prefecture (市（州）) with level "prefecture"; None: the region."""
    level = level if county else "city"
    rows = m.card.select(level=level, county=county, indicator_id=indicator_id, include_baseline=True)
    return rows[["year", "as_of", "actual", "target", "expected", "projected", "final_target", "cumulative",
                 "status", "pace", "pace_label", "measure", "unit", "kind", "direction"]].reset_index(drop=True)


def reverse_schedule(m: Monitor, year: int, indicator_id: str) -> pd.DataFrame:
    """倒排工期: per county, how much is still missing for this year's and the plan's final target, and per
    remaining quarter. Shares are turned into units (villages still to bring over the line). Every figure is a
    whole number of units, rounded up (a need of 1.5 villages a quarter is 2), never negative nor -0."""
    ind = m.plan.indicator(indicator_id)
    rows = m.card.select(year=year, level="county", indicator_id=indicator_id).copy()
    last = m.plan.years[-1]
    # judged at the round (a carried county too), else at the county's report; none: as at year end
    as_of = report_timestamps(rows["round"].fillna(rows["as_of"]), year)
    q_now = as_of.dt.year * 4 + (as_of.dt.month - 1) // 3 + 1  # quarters completed counting this one
    q_year_left = (year * 4 + 4 - q_now).clip(lower=0)
    q_plan_left = (last * 4 + 4 - q_now).clip(lower=0)

    def missing(target: pd.Series) -> pd.Series:
        if ind.kind in ("share", "ratio"):
            need = np.ceil(target * rows["den"] - rows["num"] - 1e-9)
        elif ind.direction == "lower":
            need = rows["actual"] - target
        else:
            need = target - rows["actual"]
        return np.ceil(need.clip(lower=0) - 1e-9) + 0.0  # whole units; + 0.0 turns -0.0 into 0.0

    final = m.card.select(year=last, level="county", indicator_id=indicator_id).set_index("county")["target"]
    rows["to_year"] = missing(rows["target"])
    rows["to_final"] = missing(rows["county"].map(final)) if ind.measure == "stock" else np.nan
    rows["quarters_year"] = q_year_left
    rows["quarters_plan"] = q_plan_left
    rows["per_quarter_year"] = np.ceil(rows["to_year"] / q_year_left.where(q_year_left > 0) - 1e-9) + 0.0
    rows["per_quarter_final"] = np.ceil(rows["to_final"] / q_plan_left.where(q_plan_left > 0) - 1e-9) + 0.0
    return rows[["county", "actual", "target", "to_year", "to_final", "quarters_year", "quarters_plan",
                 "per_quarter_year", "per_quarter_final", "target_note", "target_note_label", "target_source",
                 "target_source_label", "status"]]


def _yes_no(value) -> str:
    return "是" if value else "否"


# A query parameter in words on the 指标口径 page: its Chinese label and how its value reads.
PARAM_WORDS = {
    "unit_type": ("类型", str),
    "subdistrict": ("范围", lambda v: "街道" if v else "镇和乡"),
    "flow": ("口径", lambda v: MEASURE_LABELS["flow" if v else "stock"]),
    "threshold_wan": ("收入标准", lambda v: f"{v:g} 万元"),
    "min_cadres": ("后备干部标准", lambda v: f"不少于 {v:g} 人"),
    "under30": ("只计30岁以下后备干部", _yes_no),
    "include_communities": ("社区是否计入", _yes_no),
}


def param_words(params: dict) -> str:
    """An indicator's query parameters as a reader says them: "类型：村；口径：年末存量". A parameter without words
    (none in a checked plan) keeps its name."""
    parts = []
    for key, value in params.items():
        label, word = PARAM_WORDS.get(key, (key, str))
        parts.append(f"{label}：{word(value)}")
    return "；".join(parts)


def definitions(m: Monitor) -> list[dict]:
    """For each indicator: the plan's wording, the reading taken, source columns, its parameters in words and the
    SQL that computes it."""
    out = []
    for ind in m.plan.indicators:
        out.append({
            "id": ind.id, "name": ind.name, "unit": ind.unit, "kind": KIND_LABELS[ind.kind],
            "measure": MEASURE_LABELS[ind.measure], "direction": "越高越好" if ind.direction == "higher" else "越低越好",
            "plan_text": ind.plan_text, "reading": ind.reading, "columns": ind.columns,
            "levels": [LEVEL_LABELS[lv] for lv in ind.levels], "params": ind.params,
            "param_words": param_words(ind.params),
            "targets": {y: f"基期 {v:g} 倍" if ind.kind == "multiple" else fmt_value(v, ind.unit, ind.kind)
                        for y, v in ind.targets.items()},
            "quotas": ind.quotas,
            "sql": catalog().get(f"measures/{ind.query}").text,
        })
    return out

