"""督办 from figures: a county whose figure of an indicator turns 严重滞后 (red) at a report round gets a 督办 item with
a deadline; the item closes itself at the first later round where the county is back to 正常推进 or 已完成, and a
later red opens a new one.

Statuses are the scorecard's own (one value per figure): the figures of each year's default round are read from
the Monitor's scorecard, the other rounds of a year are computed by the same compute_scorecard, one call per
depth of rounds (the year's first rounds together, then its second ones, …), never judged a second way. Only a
county's own report of a round counts: a round it has not sent (its figure carried from an older report, 沿用)
neither opens nor closes an item. The walk over the rounds is vectorised (runs of red and of on-pace figures per
county and indicator), however many counties there are.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from plan_monitor.metrics.scorecard import compute_scorecard
from plan_monitor.sources.tables import cut_off_rounds

RED, GOOD = "far_behind", ("met", "on_pace")
FIGURES = ["actual", "target", "completion", "time_progress", "expected"]
STATUS_COLUMNS = ["indicator_id", "indicator", "unit", "kind", "direction", "county", "year", "round", "status",
                  *FIGURES]
ITEM_COLUMNS = ["indicator_id", "indicator", "unit", "kind", "direction", "county", "opened_no", "opened_at",
                "deadline", *FIGURES, "open", "latest_status", "latest_round", "closed_no", "closed_at",
                "closed_status"]
# Colours of an item as of a day: overdue, behind or near its deadline, further away, closed.
COLOURS = ("red", "yellow", "blue", "grey")
COLOUR_LABELS = {"red": "红色（已逾期）", "yellow": "黄色（临近时限或仍滞后）", "blue": "蓝色（未到时限）", "grey": "已销号"}
NEAR_DAYS = 7


def plan_rounds(m) -> list[date]:
    """Every reported round of the plan years the Monitor holds, oldest first (a round's number is its place here)."""
    first = m.plan.years[0]
    return sorted(r.as_of for year, rounds in m.year_rounds.items() if year >= first for r in rounds)


def round_statuses(m) -> pd.DataFrame:
    """County figures of every indicator with a county level at every round of the plan years, each as the
    scorecard judged it, only where the county sent that round itself (no carried figure)."""
    first = m.plan.years[0]
    ids = [i.id for i in m.plan.indicators if "county" in i.levels]
    by_year = {year: sorted(r.as_of for r in rounds) for year, rounds in m.year_rounds.items() if year >= first}
    # the default rounds are in the Monitor's scorecard already; the others by depth, one scorecard per depth
    rest = {year: [d for d in days if d != m.as_of_rounds.get(year)] for year, days in by_year.items()}
    parts = [_county_rows(m.card.rows, ids, {y: m.as_of_rounds[y] for y in by_year if m.as_of_rounds.get(y) in by_year[y]})]
    depth = max((len(days) for days in rest.values()), default=0)
    for k in range(depth):
        batch = {year: days[k] for year, days in rest.items() if len(days) > k}
        rounds = {year: r for year, year_list in m.year_rounds.items() for r in year_list if r.as_of == batch.get(year)}
        card = compute_scorecard(m.plan, cut_off_rounds(m.rosters, batch), m.geo, rounds)
        parts.append(_county_rows(card.rows, ids, batch))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["indicator_id", "county", "round"], kind="stable").reset_index(drop=True)


def _county_rows(rows: pd.DataFrame, ids: list[str], rounds: dict[int, date]) -> pd.DataFrame:
    """County rows of the given years at their given round, figures of the county's own report only."""
    years = pd.Series(list(rounds), dtype="Int64")
    keep = ((rows["level"] == "county") & rows["indicator_id"].isin(ids) & rows["year"].isin(years)
            & rows["carried_from"].isna() & rows["round"].notna())
    part = rows.loc[keep, STATUS_COLUMNS].copy()
    wanted = part["year"].map({y: pd.Timestamp(d) for y, d in rounds.items()})
    return part[part["round"] == wanted]


def supervision_items(statuses: pd.DataFrame, deadline_days: int, rounds: list[date]) -> pd.DataFrame:
    """督办 items from county figures per round (round_statuses): one per run of red figures of a county and an
    indicator, opened at the run's first round with its figures, deadline `deadline_days` later, closed at the first
    later round where the county is 正常推进 or 已完成 (statuses between, 滞后 or none, leave it as it is).
    The closing note is worded in present/supervision.py (closing_note)."""
    number = {pd.Timestamp(d): n for n, d in enumerate(rounds, start=1)}
    s = statuses.reset_index(drop=True)
    key = s["indicator_id"] + "\x1f" + s["county"]
    last = s.groupby(key, sort=False).tail(1)  # each county's figure at its latest round sent
    latest = last[["status", "round"]].set_axis(key.loc[last.index].to_numpy())
    events = s[(s["status"] == RED) | s["status"].isin(GOOD)].copy()
    events["key"] = key.loc[events.index]
    events["red"] = events["status"] == RED
    changed = events["red"].ne(events.groupby("key", sort=False)["red"].shift()) | events["key"].ne(events["key"].shift())
    events["run"] = changed.cumsum()
    starts = events[changed]
    opened = starts[starts["red"]]
    closes = starts[~starts["red"]].set_index("run")[["round", "status"]]
    closing = closes.reindex(opened["run"] + 1)
    same = pd.Series(starts.set_index("run")["key"].reindex(opened["run"] + 1).to_numpy() == opened["key"].to_numpy())
    closed_at = pd.Series(closing["round"].to_numpy(), dtype="datetime64[ns]").where(same.to_numpy())
    closed_status = pd.Series(closing["status"].to_numpy(), dtype=object).where(same.to_numpy())
    items = opened.reset_index(drop=True)
    items = items.assign(
        opened_at=items["round"], opened_no=items["round"].map(number).astype("Int64"),
        deadline=items["round"] + pd.Timedelta(days=deadline_days),
        closed_at=closed_at, closed_status=closed_status,
        closed_no=closed_at.map(number).astype("Int64"),
        latest_status=latest["status"].reindex(items["key"]).to_numpy(),
        latest_round=pd.to_datetime(latest["round"].reindex(items["key"]).to_numpy()))
    items["open"] = items["closed_at"].isna()
    return items[ITEM_COLUMNS].sort_values(["open", "opened_at", "indicator_id", "county"],
                                           ascending=[False, True, True, True], kind="stable").reset_index(drop=True)


def colours(items: pd.DataFrame, day: date) -> pd.Series:
    """Each item's colour as of a day: closed grey; open red past its deadline, yellow when its county is still
    滞后 at the latest round or the deadline is within NEAR_DAYS days, blue otherwise."""
    left = (items["deadline"] - pd.Timestamp(day)).dt.days
    out = np.select(
        [~items["open"], left < 0, (items["latest_status"] == "behind") | (left <= NEAR_DAYS)],
        ["grey", "red", "yellow"], default="blue")
    return pd.Series(out, index=items.index, dtype=object)


def monitor_items(m) -> pd.DataFrame:
    """The 督办 items of the figures a Monitor holds, with the plan's deadline."""
    return supervision_items(round_statuses(m), m.plan.supervision.deadline_days, plan_rounds(m))
