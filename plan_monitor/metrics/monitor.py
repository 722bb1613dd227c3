"""The Monitor: plan, geography, rows and the scorecard, computed once per plan file and data version (the scorecard
also persisted in the store, metrics.persisted, for the next process)."""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa

from plan_monitor.engine import Engine
from plan_monitor.errors import DataError
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


class _Rows:
    """The rows behind a Monitor's figures, read from the store only when a page first asks for them (报送情况,
    督办's earlier rounds, the village drill-downs): a Monitor built from a persisted version answers every other
    page without loading a row. Shared by the sessions of a server, so read once, under a lock."""

    def __init__(self, store: Store, stamp: str, cutoff: date | None, as_of: dict[int, date],
                 received: Rosters | None = None, counted: Rosters | None = None):
        self._store, self._stamp, self._cutoff, self._as_of = store, stamp, cutoff, as_of
        self._received, self._counted, self._engine = received, counted, None
        self._lock = threading.Lock()

    def received(self) -> Rosters:
        with self._lock:
            if self._received is None:
                received = self._store.rosters()
                if received.version != self._stamp:  # a commit or rollback since the figures were computed
                    raise DataError("数据刚刚有新的提交或回退，本页的数字仍是更新前的：请刷新页面后再看",
                                    f"the data moved from {self._stamp} to {received.version}; reload the page")
                self._received = cut_off(received, self._cutoff) if self._cutoff is not None else received
            return self._received

    def counted(self) -> Rosters:
        received = self.received()
        with self._lock:
            if self._counted is None:
                self._counted = cut_off_rounds(received, self._as_of)
            return self._counted

    def engine(self) -> Engine:
        counted = self.counted()
        with self._lock:
            if self._engine is None:
                # the drill-downs' engine (one town per query) keeps plain views: no second copy of the rows
                self._engine = Engine.over_rosters(counted.tables, latest_once=False)
            return self._engine


@dataclass(frozen=True)
class Monitor:
    """Everything the pages read, computed once per plan file and data version."""

    plan: Plan
    geo: Geography
    card: Scorecard
    year_rounds: dict[int, list[Round]]  # each year's reported rounds, newest first, with who sent them
    as_of_rounds: dict[int, date]  # the round each year's figures are computed as of
    chosen: date | None  # the round picked (None: every year at its default round)
    rounds: dict[int, list[date]]  # every year's reported 统计截至 dates, newest first (reported_rounds)
    _rows: _Rows = field(repr=False, compare=False)

    @property
    def rosters(self) -> Rosters:
        """Every report received (up to the chosen round): what 报送情况 judges. Read on first use."""
        return self._rows.received()

    @property
    def engine(self) -> Engine:
        """The drill-downs' engine, over the rows the figures rest on (each year as of its round). Built on first use."""
        return self._rows.engine()

    @classmethod
    def build(cls, targets: str | Path, data: Store | str | Path, cutoff: date | None = None,
              reuse: bool = True) -> "Monitor":
        """Load and compute everything from a store (or the location of one). Each year's figures are computed as
        of a reporting round: by default the newest every county has sent in full; with a cut-off (a round's
        统计截至, else a UserError), that round in its year, and only reports dated on or before it count.

        The scorecard and the rounds are read back when this plan file, data version, cut-off and code already
        computed them (metrics.persisted; not with `reuse` False): then no row is loaded until a page asks for one.
        Else they are computed and persisted for the next process."""
        plan_bytes = persisted.plan_bytes(targets)
        plan = load_plan(targets)
        geo = load_geography(plan)
        store = data if isinstance(data, Store) else open_store(data)
        looked, found = None, None
        if reuse:
            stamp = store.stamp()
            looked = persisted.card_key(plan_bytes, stamp, store.is_demo(), cutoff)
            found = persisted.load_with_parts(store, looked, plan)
            if found is not None and found[1] is not None:
                card, parts = found
                return cls(plan, geo, card, parts.year_rounds, parts.as_of_rounds, cutoff, parts.reported,
                           _Rows(store, stamp, cutoff, parts.as_of_rounds))
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
        if reuse and key != looked:  # the data moved since the lookup above: this version may be persisted
            found = persisted.load_with_parts(store, key, plan)
        card = found[0] if found is not None else None  # a card persisted without Parts: persisted again with them
        parts = persisted.Parts(rounds, as_of, reported_rounds(received))
        if card is None:
            card = compute_scorecard(plan, counted, geo, of_year, newer)
        if found is None or found[1] is None:
            # persisted only if neither the data nor the plan file moved while it was computed
            if persisted.card_key(persisted.plan_bytes(targets), store.stamp(), store.is_demo(), cutoff) == key:
                persisted.save(store, key, card, parts)
        return cls(plan, geo, card, rounds, as_of, cutoff, parts.reported,
                   _Rows(store, received.version, cutoff, as_of, received, counted))

    @cached_property
    def reporting(self) -> pd.DataFrame:
        """报送情况 of the data the figures are built on, once per Monitor: which county sent which round, and
        who sent it, from the store history read with the rows."""
        return reporting_status(self.plan, self.geo, self.rosters)

    def latest_year(self) -> int:
        """The latest plan year that has any data, else the first plan year."""
        with_data = self.card.rows.loc[self.card.rows["actual"].notna() & (self.card.rows["year"] >= self.plan.years[0]), "year"]
        return int(with_data.max()) if len(with_data) else self.plan.years[0]


def scorecard(targets: str | Path, data: Store | str | Path, cutoff: date | None = None,
              recompute: bool = False, plan: Plan | None = None, columns: Collection[str] | None = None) -> Scorecard:
    """The scorecard alone, as Monitor.build computes it: read back, without loading any rows, when this plan file,
    data version (the store's stamp), cut-off and code already computed it; else built by Monitor.build (which
    persists it). `recompute`: computed afresh whatever was persisted (and persisted again). `plan`: the plan the
    caller already loaded from `targets`, so it is not loaded again. `columns`: the caller reads only these columns
    of the rows, so a persisted card reads back only them (a computed one has them all)."""
    store = data if isinstance(data, Store) else open_store(data)
    if not recompute:
        key = persisted.card_key(persisted.plan_bytes(targets), store.stamp(), store.is_demo(), cutoff)
        card = persisted.load(store, key, plan or load_plan(targets), columns)
        if card is not None:
            return card
    return Monitor.build(targets, store, cutoff, reuse=False).card  # just looked: computed (and persisted)
