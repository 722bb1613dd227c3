"""Reporting rounds: the 统计截至 dates of a year, which counties have sent each, and the round a year's figures
are computed as of (by default the newest round every county has sent in full).

A figure as of a round takes each unit's latest report on or before the round's date, so a county that has not
sent the round yet is counted from its previous report of the same year (沿用); a county with nothing for the
year is blank, never carried over from an earlier year. Time progress is judged at the round's date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyarrow.compute as pc

from plan_monitor.errors import UserError
from plan_monitor.metrics.completeness import expected_rosters, reported_slices
from plan_monitor.sources.tables import Rosters
from plan_monitor.spec.geography import Geography
from plan_monitor.spec.plan import Plan
from plan_monitor.spec.templates import TEMPLATES


@dataclass(frozen=True)
class Round:
    """One 统计截至 of one year, as the counties have sent it."""

    year: int
    as_of: date
    counties: tuple[str, ...]  # every county of the gazetteer, in its order
    reported: tuple[str, ...]  # counties that sent at least one roster of this round
    complete: tuple[str, ...]  # counties that sent every roster the plan expects for this round

    @property
    def is_complete(self) -> bool:
        return len(self.complete) == len(self.counties)

    @property
    def missing(self) -> list[str]:
        """Counties that sent nothing for this round, in gazetteer order."""
        return [c for c in self.counties if c not in self.reported]

    @property
    def share(self) -> str:
        """How many counties reported, e.g. 1/9."""
        return f"{len(self.reported)}/{len(self.counties)}"


def year_rounds(plan: Plan, geo: Geography, rosters: Rosters) -> dict[int, list[Round]]:
    """Every year's rounds (each 统计截至 any county reported), newest first, with who sent them."""
    counties = tuple(geo.counties["county"])
    tables = {TEMPLATES[key].table for key in expected_rosters(plan)}
    slices = reported_slices(rosters)
    slices = slices.filter(pc.greater(slices["n_rows"], 0))
    sent: dict[tuple[int, date], dict[str, set[str]]] = {}
    for table, county, year, as_of in zip(slices["table_name"].to_pylist(), slices["county"].to_pylist(),
                                          slices["year"].to_pylist(), slices["as_of"].to_pylist()):
        sent.setdefault((int(year), as_of), {}).setdefault(county, set()).add(table)
    out: dict[int, list[Round]] = {}
    for (year, as_of), by_county in sorted(sent.items(), key=lambda kv: kv[0][1], reverse=True):
        reported = tuple(c for c in counties if by_county.get(c))
        complete = tuple(c for c in counties if tables <= by_county.get(c, set()))
        out.setdefault(year, []).append(Round(year, as_of, counties, reported, complete))
    return out


def default_round(rounds: list[Round]) -> Round | None:
    """The round a year's figures are shown as of unless another is chosen: the newest every county has sent in
    full; when none is complete, the newest anyone sent."""
    complete = [r for r in rounds if r.is_complete]
    return complete[0] if complete else (rounds[0] if rounds else None)


def find_round(rounds: dict[int, list[Round]], day: date) -> Round | None:
    return next((r for year_list in rounds.values() for r in year_list if r.as_of == day), None)


def chosen_rounds(rounds: dict[int, list[Round]], chosen: date | None = None) -> dict[int, date]:
    """The round each year's figures are computed as of: the default round, except the chosen one in its year.
    A chosen date that is not a reported round is a UserError naming the rounds there are."""
    out = {year: default_round(year_list).as_of for year, year_list in rounds.items() if year_list}
    if chosen is not None:
        found = find_round(rounds, chosen)
        if found is None:
            known = [r.as_of.isoformat() for year in sorted(rounds) for r in rounds[year][::-1]]
            raise UserError(f"{chosen.isoformat()} 不是已报送的一轮统计截至日期，可选：{'、'.join(known) or '（尚无数据）'}",
                            f"{chosen.isoformat()} is not a reported round; rounds: {', '.join(known) or 'none'}")
        out[found.year] = found.as_of
    return out


def round_label(r: Round) -> str:
    """How the 统计截至 selector names a round: 2024-12-31（1/9 县已报送）."""
    return f"{r.as_of.isoformat()}（{r.share} 县已报送）"
