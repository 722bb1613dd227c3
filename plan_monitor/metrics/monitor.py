"""The Monitor: plan, geography, rows and the scorecard, computed once per plan file and data version (the scorecard
also persisted in the store, metrics.persisted, for the next process)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa

from plan_monitor.engine import Engine
from plan_monitor.metrics import persisted
from plan_monitor.metrics.completeness import reporting_status
from plan_monitor.metrics.rounds import Round, chosen_rounds, year_rounds
from plan_monitor.metrics.scorecard import Scorecard, compute_scorecard
from plan_monitor.sources import Store, open_store
from plan_monitor.sources.report_dates import report_dates
from plan_monitor.sources.tables import Rosters, cut_off, cut_off_rounds
from plan_monitor.spec.geography import Geography, load_geography
from plan_monitor.spec.plan import Plan, load_plan


def reported_rounds(rosters: Rosters) -> dict[int, list[date]]:
    """Every year's reported 统计截至 dates, newest first, across all rosters."""
    found: dict[int, set[date]] = {}
    for table in rosters.tables.values():
        pairs = pa.table({"year": table["year"], "as_of": report_dates(table)}).group_by(["year", "as_of"]).aggregate([])
        for year, as_of in zip(pairs["year"].to_pylist(), pairs["as_of"].to_pylist()):
            found.setdefault(int(year), set()).add(as_of)
    return {year: sorted(dates, reverse=True) for year, dates in found.items()}


@dataclass(frozen=True)
class Monitor:
    """Everything the pages read, computed once per plan file and data version."""

    plan: Plan
    geo: Geography
    rosters: Rosters  # every report received (up to the chosen round): what 报送情况 judges
    engine: Engine  # over the rows the figures rest on (each year as of its round)
    card: Scorecard
    year_rounds: dict[int, list[Round]]  # each year's reported rounds, newest first, with who sent them
    as_of_rounds: dict[int, date]  # the round each year's figures are computed as of
    chosen: date | None = None  # the round picked (None: every year at its default round)

    @classmethod
    def build(cls, targets: str | Path, data: Store | str | Path, cutoff: date | None = None,
              reuse: bool = True) -> "Monitor":
        """Load and compute everything from a store (or the location of one). Each year's figures are computed as
        of a reporting round: by default the newest every county has sent in full; with a cut-off (a round's
        统计截至, else a UserError), that round in its year, and only reports dated on or before it count.

        The scorecard is read back when this plan file, data version, cut-off and code already computed it
        (metrics.persisted; not with `reuse` False), else computed and persisted for the next process."""
        plan_bytes = persisted.plan_bytes(targets)
        plan = load_plan(targets)
        geo = load_geography(plan)
        store = data if isinstance(data, Store) else open_store(data)
        received = store.rosters()
        key = persisted.card_key(plan_bytes, received.version, received.is_demo, cutoff)  # the store's stamp
        rounds = year_rounds(plan, geo, received)
        as_of = chosen_rounds(rounds, cutoff)
        if cutoff is not None:
            received = cut_off(received, cutoff)
            rounds = year_rounds(plan, geo, received)
        counted = cut_off_rounds(received, as_of)
        of_year = {year: r for year, year_list in rounds.items() for r in year_list if r.as_of == as_of.get(year)}
        newer = {year: [r for r in year_list if r.as_of > of_year[year].as_of]
                 for year, year_list in rounds.items() if year in of_year}
        card = persisted.load(store, key, plan) if reuse else None
        if card is None:
            card = compute_scorecard(plan, counted, geo, of_year, newer)
            # persisted only if neither the data nor the plan file moved while it was computed
            if persisted.card_key(persisted.plan_bytes(targets), store.stamp(), store.is_demo(), cutoff) == key:
                persisted.save(store, key, card)
        # the drill-downs' engine (one town per query) keeps plain views: no second copy of the rows in memory
        return cls(plan, geo, received, Engine.over_rosters(counted.tables, latest_once=False), card, rounds, as_of,
                   cutoff)


    @cached_property
    def reporting(self) -> pd.DataFrame:
        """报送情况 of the data the figures are built on, once per Monitor: which county sent which round, and
        who sent it, from the store history read with the rows."""
        return reporting_status(self.plan, self.geo, self.rosters)

    @cached_property
    def rounds(self) -> dict[int, list[date]]:
        """The 统计截至 dates reported per year, newest first, once per Monitor (a report without one is the
        year-end report): the rounds a reader may look back at."""
        return reported_rounds(self.rosters)

    def latest_year(self) -> int:
        """The latest plan year that has any data, else the first plan year."""
        with_data = self.card.rows.loc[self.card.rows["actual"].notna() & (self.card.rows["year"] >= self.plan.years[0]), "year"]
        return int(with_data.max()) if len(with_data) else self.plan.years[0]


def scorecard(targets: str | Path, data: Store | str | Path, cutoff: date | None = None,
              recompute: bool = False, plan: Plan | None = None) -> Scorecard:
    """The scorecard alone, as Monitor.build computes it: read back, without loading any rows, when this plan file,
    data version (the store's stamp), cut-off and code already computed it; else built by Monitor.build (which
    persists it). `recompute`: computed afresh whatever was persisted (and persisted again). `plan`: the plan the
    caller already loaded from `targets`, so it is not loaded again."""
    store = data if isinstance(data, Store) else open_store(data)
    if not recompute:
        key = persisted.card_key(persisted.plan_bytes(targets), store.stamp(), store.is_demo(), cutoff)
        card = persisted.load(store, key, plan or load_plan(targets))
        if card is not None:
            return card
    return Monitor.build(targets, store, cutoff, reuse=False).card  # just looked: computed (and persisted)
