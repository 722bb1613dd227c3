"""Scorecard.select looks rows up in an index by year, level and indicator: it must give exactly what comparing
every row gives, for every combination the pages and exports ask for (and some they never do)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pandas as pd
import pytest


def _cases(card):
    rows = card.rows
    years = [None, *sorted(rows["year"].unique().tolist()), 1999]
    levels = [None, *rows["level"].dropna().unique().tolist(), "村"]
    counties = [None, *rows["county"].dropna().unique().tolist()[:1], "无此县"]  # every county: the test below
    indicators = [None, *rows["indicator_id"].dropna().unique().tolist()[:2], "no_such_indicator"]
    return itertools.product(years, levels, counties, indicators, [False, True])


def _same(card, year, level, county, indicator_id, include_baseline):
    got = card.select(year=year, level=level, county=county, indicator_id=indicator_id,
                      include_baseline=include_baseline)
    want = card._masked(year, level, county, indicator_id, include_baseline)
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_indexed_select_is_the_masked_select(demo_scorecard):
    for case in _cases(demo_scorecard):
        _same(demo_scorecard, *case)


def test_every_county_and_town_level(demo_scorecard):
    """Each county of each year at county and town level, with and without an indicator."""
    card = demo_scorecard
    for year, level, county in itertools.product(card.plan.years, ["county", "town"],
                                                 card.rows["county"].dropna().unique().tolist()):
        for indicator_id in [None, card.plan.indicators[0].id]:
            _same(card, year, level, county, indicator_id, False)


def test_missing_keys_and_empty_card(demo_scorecard):
    """Rows with no level or indicator, and no rows at all: the index keeps or finds them as the masks do."""
    rows = demo_scorecard.rows.copy()
    rows.loc[rows.index[:5], "level"] = None
    rows.loc[rows.index[5:9], "indicator_id"] = None
    odd = replace(demo_scorecard, rows=rows)
    for case in _cases(odd):
        _same(odd, *case)
    empty = replace(demo_scorecard, rows=demo_scorecard.rows.iloc[0:0])
    for case in [(None, None, None, None, False), (2024, "city", None, None, False), (2024, None, "公安县", None, True)]:
        _same(empty, *case)


def test_selected_frames_are_not_the_cards(demo_scorecard):
    """A caller may change what select returns (the overview adds columns) without touching the scorecard."""
    before = demo_scorecard.rows.copy()
    year = demo_scorecard.plan.years[-1]
    got = demo_scorecard.select(year=year, level="city")
    got["actual"] = -1.0
    got["extra"] = 1
    pd.testing.assert_frame_equal(demo_scorecard.rows, before)
    assert (demo_scorecard.select(year=year, level="city")["actual"] != -1.0).any()


@pytest.mark.parametrize("year", [2021, 2024])
def test_data_as_of_unchanged(demo_scorecard, year):
    from plan_monitor.metrics.scorecard import latest_as_of

    rows = demo_scorecard.rows
    assert demo_scorecard.data_as_of(year) == latest_as_of(rows[(rows["year"] == year) & (rows["level"] == "city")])
