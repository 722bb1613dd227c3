"""Status against time progress (时序进度) and pace toward the plan's final target.

Time is measured in years as floats: the end of year Y is Y + 1.0, so 2023-06-30 is about 2023.5.
Expected values follow the plan's trajectory: straight lines between the baseline (end of the baseline
year) and each year-end target ("时间过半、任务过半"). A flow target (当年新增) starts from zero each year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from plan_monitor.sources.report_dates import report_timestamps

STATUS_LABELS = {"met": "已完成", "on_pace": "正常推进", "behind": "滞后", "far_behind": "严重滞后"}
# Statuses that call for attention (红黄牌), worst first.
ATTENTION = ("far_behind", "behind")
PACE_LABELS = {"on_track": "按期可完成", "too_slow": "增速不足", "stagnating": "停滞不前", "backwards": "出现倒退"}
# The codes status_codes and pace_codes return index these (-1: none), so keep each in the order of its labels.
STATUS_KEYS = tuple(STATUS_LABELS)
PACE_KEYS = tuple(PACE_LABELS)
TARGET_NOTES = {
    "no_year_target": "计划未设当年目标",
    "no_quota": "计划未分解到本级",
    "no_baseline": "缺少基期数据",
    "no_split_base": "缺少名册，未能测算分解",
}
# Where a row's target comes from: the plan's city target, the same target applying at every level, a formally
# issued county quota (任务分解), or a monitoring split (测算分解). Every page, export and slide shows these labels.
TARGET_SOURCES = {
    "plan": "计划目标",
    "city": "全市目标适用于各级",
    "issued": "任务分解（正式下达）",
    "split": "测算分解（非正式下达）",
}
# Said wherever the counties (towns) of a place have no target to be measured against at all.
NO_TARGET_BELOW = "目标未分解到{below}"


def year_position(as_of: pd.Series, year: pd.Series) -> pd.Series:
    """Year as a float at the report date: 2023-06-30 → ≈2023.5; no date reads as year end (12-31 → Y + 1.0)."""
    dates = report_timestamps(as_of, year)
    start = pd.to_datetime(year.astype("Int64").astype(str) + "-01-01", errors="coerce")
    length = np.where(dates.dt.is_leap_year, 366.0, 365.0)
    frac = ((dates - start).dt.days + 1) / length
    return year.astype(float) + frac.clip(0, 1)


def add_time_progress(df: pd.DataFrame, baseline_year: int, last_year: int, red_below: float) -> pd.DataFrame:
    """Add expected, start_of_year and status to scorecard rows of plan years.

    Needs columns: group keys (indicator_id, level, county, town), year, as_of, kind, direction, measure,
    actual, target, baseline, final_target; optionally round (the date to judge at instead of as_of).
    """
    df = df.sort_values(["indicator_id", "level", "county", "town", "year"], na_position="first").copy()
    keys = [df[k].fillna("") for k in ("indicator_id", "level", "county", "town")]
    grouped_target = df.groupby(keys, sort=False)["target"]
    anchor_t = pd.Series(np.where(df["target"].notna(), df["year"] + 1.0, np.nan), index=df.index)
    grouped_t = anchor_t.groupby(keys, sort=False)

    # Stock: previous anchor is the last target before this year (or the baseline); next is this or a later one.
    start_val = df["baseline"].where(df["baseline"].notna(), np.where(df["kind"] == "count", 0.0, np.nan))
    prev_val = grouped_target.shift(1)
    prev_val = prev_val.groupby(keys, sort=False).ffill().fillna(start_val)
    prev_t = grouped_t.shift(1).groupby(keys, sort=False).ffill().fillna(float(baseline_year + 1))
    next_val = grouped_target.bfill()
    next_t = grouped_t.bfill()
    # Without any earlier anchor, the year's own target stands flat.
    prev_val = prev_val.fillna(next_val)

    flow = df["measure"] == "flow"
    prev_val = prev_val.where(~flow, 0.0)
    prev_t = prev_t.where(~flow, df["year"].astype(float))
    next_val = next_val.where(~flow, df["target"])
    next_t = next_t.where(~flow, df["year"] + 1.0)

    # judged at the row's round when it has one (every place of a year alike), else at its own report date
    judged_at = df["round"].fillna(df["as_of"]) if "round" in df else df["as_of"]
    now = year_position(judged_at, df["year"])
    span_t = (next_t - prev_t).replace(0, np.nan)
    slope = (next_val - prev_val) / span_t
    df["expected"] = prev_val + slope * (now - prev_t)
    df["start_of_year"] = prev_val + slope * (df["year"] - prev_t)
    df["time_position"] = now
    df["status"] = classify_status(df["actual"], df["target"], df["final_target"], df["expected"],
                                   df["start_of_year"], df["direction"], red_below)
    return df


def time_progress(rows: pd.DataFrame) -> pd.Series:
    """时序进度 as a rate comparable with 完成率: the completion formula applied to the value expected by the
    report date (`expected`, shown as a value it is 时序要求) instead of the actual. threshold: the share of
    units that would meet the requirement if exactly the expected number still missed it, (den − expected) / den;
    higher: expected / target; lower: target / expected. For a flow count at 30 September that is 274/366 = 74.9%.

    Missing where the formula has nothing to divide by (den ≤ 0, target 0 for higher, expected 0 for lower) and
    wherever the row has no target of its own, even when the trajectory still gives an expected value (a stock
    with only the plan's final target, a threshold without a target that year, a county where the plan is not
    split): 完成率 is missing there too, so a rate would have nothing to compare with; what remains is the
    expected value, which the 情况通报 states as 时序要求 against the final target.

    Needs columns: expected, target, den, kind, direction.
    """
    expected, target, den = (rows[c].to_numpy(float) for c in ("expected", "target", "den"))
    rate = time_progress_rates(expected, target, den, np.asarray(rows["kind"] == "threshold"),
                               np.asarray(rows["direction"] == "higher"))
    return pd.Series(rate, index=rows.index, dtype=float)


def time_progress_rates(expected: np.ndarray, target: np.ndarray, den: np.ndarray, threshold: np.ndarray,
                        higher: np.ndarray) -> np.ndarray:
    """time_progress on whole float columns."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.select(
            [threshold, higher],
            [(den - expected) / np.where(den > 0, den, np.nan), expected / np.where(target != 0, target, np.nan)],
            default=target / np.where(expected != 0, expected, np.nan))
    return np.where(~np.isnan(target) & ~np.isnan(expected), rate, np.nan)


def year_positions(dates: np.ndarray, year: np.ndarray) -> np.ndarray:
    """year_position on whole columns: `dates` as datetime64[D] (NaT: the year-end report), `year` integers."""
    year = np.asarray(year, dtype=np.int64)
    ends = (year + 1 - 1970).astype("datetime64[Y]").astype("datetime64[D]") - np.timedelta64(1, "D")  # 12-31
    dates = np.where(np.isnat(dates), ends, dates).astype("datetime64[D]")
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    length = np.where(_is_leap(dates.astype("datetime64[Y]").astype(np.int64) + 1970), 366.0, 365.0)
    frac = ((dates - start).astype(np.int64) + 1) / length
    return year.astype(float) + np.clip(frac, 0, 1)


def _is_leap(y: np.ndarray) -> np.ndarray:
    return (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))


def classify_status(actual, target, final_target, expected, start, direction, red_below: float) -> pd.Series:
    """Status of pandas columns (None: no status); the rule is status_codes."""
    codes = status_codes(actual.to_numpy(float), target.to_numpy(float), final_target.to_numpy(float),
                         expected.to_numpy(float), start.to_numpy(float), np.asarray(direction == "higher"), red_below)
    return pd.Series(labelled(codes, STATUS_KEYS), index=actual.index, dtype=object)


def labelled(codes: np.ndarray, keys: tuple[str, ...]) -> np.ndarray:
    """Codes (-1: none) as an object array of keys, None where there is none."""
    return np.array((*keys, None), dtype=object)[codes]


def status_codes(a: np.ndarray, target: np.ndarray, final_target: np.ndarray, e: np.ndarray, s: np.ndarray,
                 higher: np.ndarray, red_below: float) -> np.ndarray:
    """Status on whole float columns, as codes into STATUS_KEYS (-1: none): the rule of classify_status."""
    sign = np.where(higher, 1.0, -1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        met = (sign * (a - target) >= 0) | (sign * (a - final_target) >= 0)
        on_pace = sign * (a - e) >= -1e-9
        span = sign * (e - s)
        progress = np.where(span > 1e-12, sign * (a - s) / np.where(span > 1e-12, span, 1.0), np.nan)
        # A flat stretch of trajectory has no progress to measure; fall back to plain completion.
        plain = np.where(sign > 0, a / np.where(e == 0, np.nan, e), e / np.where(a == 0, np.nan, a))
        progress = np.where(np.isnan(progress), plain, progress)
        return np.select(
            [np.isnan(a) | (np.isnan(e) & np.isnan(target)), met, np.isnan(e), on_pace, progress >= red_below],
            [-1, 0, -1, 1, 2], default=3).astype(np.int8)


def add_pace(df: pd.DataFrame, baseline_year: int, last_year: int, stagnation: float) -> pd.DataFrame:
    """Pace toward the final target from the observed trend since the baseline, and the projected end value.

    Flows are compared cumulatively: what was added since the plan began against the sum of yearly targets.
    Needs the columns add_time_progress adds.
    """
    keys = [df[k].fillna("") for k in ("indicator_id", "level", "county", "town")]
    flow = df["measure"] == "flow"
    cum_actual = df["actual"].groupby(keys, sort=False).cumsum()
    current = df["actual"].where(~flow, cum_actual)
    base = df["baseline"].where(~flow, 0.0)
    base = base.where(base.notna() | (df["kind"] != "count"), 0.0)
    sign = np.where(df["direction"] == "higher", 1.0, -1.0)
    codes, projected = pace_codes(current.to_numpy(float), base.to_numpy(float), df["time_position"].to_numpy(float),
                                  sign, df["final_target"].to_numpy(float), np.asarray(df["kind"] == "share"),
                                  baseline_year, last_year, stagnation)
    df["pace"] = pd.Series(labelled(codes, PACE_KEYS), index=df.index, dtype=object)
    df["projected"] = pd.Series(projected, index=df.index)
    df["cumulative"] = current
    return df


def pace_codes(current: np.ndarray, base: np.ndarray, time_position: np.ndarray, sign: np.ndarray,
               final: np.ndarray, share: np.ndarray, baseline_year: int, last_year: int, stagnation: float
               ) -> tuple[np.ndarray, np.ndarray]:
    """Pace on whole float columns, as codes into PACE_KEYS (-1: none), and the projected end value: the rule of
    add_pace once `current` (cumulative for flows) and `base` are known."""
    with np.errstate(invalid="ignore", divide="ignore"):
        elapsed = time_position - (baseline_year + 1)
        remaining = (last_year + 1) - time_position
        observed = sign * (current - base) / np.where(elapsed > 0, elapsed, np.nan)
        needed = np.where(remaining > 1e-9, sign * (final - current) / np.where(remaining > 1e-9, remaining, 1.0),
                          np.inf)
        initial_need = np.abs(sign * (final - base)) / (last_year - baseline_year)
        tolerance = np.where(initial_need > 0, stagnation * initial_need, 1e-9)
        codes = np.select(
            [np.isnan(current) | np.isnan(final) | np.isnan(base) | np.isnan(observed),
             sign * (current - final) >= 0, observed >= needed, observed > tolerance, observed >= -tolerance],
            [-1, 0, 0, 1, 2], default=3).astype(np.int8)
        projected = current + sign * observed * np.maximum(remaining, 0)
        upper = np.where(share, 1.0, np.inf)
        return codes, np.minimum(np.maximum(projected, 0), upper)
