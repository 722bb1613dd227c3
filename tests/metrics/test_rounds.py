"""Figures as of a reporting round: the default round, carried counties (沿用) and time progress at the round."""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest
from early_round import EARLY_COUNTY, Q3, YEAR_END, early_upload

from plan_monitor.errors import UserError
from plan_monitor.metrics.monitor import Monitor
from plan_monitor.metrics.rounds import round_label
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.present.reporting import round_note
from plan_monitor.sources.tables import cut_off_rounds

ALL = ("沙市区", "荆州区", "公安县", "江陵县", "石首市", "洪湖市", "松滋市", "监利市", "荆州经济技术开发区")
SHOWN = ["indicator_id", "level", "county", "town", "year", "actual", "target", "gap", "completion", "expected",
         "time_progress", "status", "pace", "as_of"]


@pytest.fixture(scope="module")
def early(tmp_path_factory):
    return early_upload(tmp_path_factory.mktemp("rounds") / "data")


@pytest.fixture(scope="module")
def demo():
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


def test_demo_rounds_are_complete_and_the_default_is_the_newest(demo):
    assert {y: [r.as_of for r in rs] for y, rs in demo.year_rounds.items()} == {
        2021: [date(2021, 12, 31)], 2022: [date(2022, 12, 31)], 2023: [date(2023, 12, 31)],
        2024: [Q3, date(2024, 6, 30)]}
    assert [round_label(r) for r in demo.year_rounds[2024]] == ["2024-09-30（9/9 县已报送）", "2024-06-30（9/9 县已报送）"]
    assert demo.as_of_rounds[2024] == Q3
    rows = demo.card.select(year=2024)
    assert rows["carried_from"].isna().all()
    assert (rows["round"] == pd.Timestamp(Q3)).all()
    assert round_note(demo.card, 2024) is None


def test_an_early_upload_does_not_re_date_the_city(early, demo):
    m = Monitor.build(DEFAULT_TARGETS, early)
    r = m.year_rounds[2024][0]
    assert (r.as_of, r.reported, r.complete, r.share) == (YEAR_END, (EARLY_COUNTY,), (), "1/9")
    assert m.as_of_rounds[2024] == Q3 and m.card.data_as_of(2024) == pd.Timestamp(Q3)
    # every figure of 2024 exactly as before the upload
    pd.testing.assert_frame_equal(m.card.select(year=2024)[SHOWN], demo.card.select(year=2024)[SHOWN])
    assert round_note(m.card, 2024) == ("2024年12月31日 一轮已有 1/9 县报送（荆州区），荆州区未报齐，"
                                        "按各县均已报齐的 2024年9月30日 一轮统计")


def test_the_incomplete_round_carries_the_other_counties(early):
    m = Monitor.build(DEFAULT_TARGETS, early, YEAR_END)
    assert m.card.data_as_of(2024) == pd.Timestamp(YEAR_END)
    rows = m.card.select(year=2024, indicator_id="village_income_20w")
    city = rows[rows["level"] == "city"].iloc[0]
    assert (city["as_of"], city["round"], city["counties_reported"], city["counties_carried"]) == (
        pd.Timestamp(YEAR_END), pd.Timestamp(YEAR_END), 1, 8)
    counties = rows[rows["level"] == "county"].set_index("county")
    assert [(c, counties.loc[c, "carried_from"]) for c in ALL] == [
        (c, pd.NaT if c == EARLY_COUNTY else pd.Timestamp(Q3)) for c in ALL]
    # time progress at 12-31 for every county, carried or not: the year's share target itself
    assert counties["expected"].round(12).tolist() == [0.7] * 9
    assert counties["time_progress"].round(12).tolist() == [1.0] * 9  # 时序进度 100% at the year's end
    assert counties.loc[["沙市区", "石首市"], "status"].tolist() == ["far_behind", "behind"]
    # towns of a carried county are carried too; 荆州区's own towns are of the round
    towns = m.card.select(year=2024, level="town", indicator_id="village_income_20w")
    assert set(towns.loc[towns["county"] == EARLY_COUNTY, "carried_from"].isna()) == {True}
    assert set(towns.loc[towns["county"] != EARLY_COUNTY, "carried_from"]) == {pd.Timestamp(Q3)}
    # a roster 荆州区 did not send for 12-31 is carried for 荆州区 as well
    stats = m.card.select(year=2024, level="county", indicator_id="shared_sites").set_index("county")
    assert set(stats["carried_from"]) == {pd.Timestamp(Q3)}
    assert round_note(m.card, 2024) == ("1/9 县已报送 2024年12月31日 一轮数据，沙市区、公安县、江陵县、石首市、洪湖市、松滋市等"
                                        "未报送，沿用本年此前数据（标“沿用”），荆州区未报齐")
    assert round_note(m.card, 2024, short=True) == "1/9 县已报送本轮，其余沿用此前数据"


def test_time_progress_is_judged_at_the_round_for_a_flow(early, demo):
    """party_worker_training's figures are all carried from 09-30; judged at 12-31 the requirement is the full
    year's, not the 274/366 of 30 September."""
    at_q3 = demo.card.select(year=2024, level="city", indicator_id="party_worker_training").iloc[0]
    m = Monitor.build(DEFAULT_TARGETS, early, YEAR_END)
    at_end = m.card.select(year=2024, level="city", indicator_id="party_worker_training").iloc[0]
    assert at_end["actual"] == at_q3["actual"]
    assert at_end["time_position"] == 2025.0 and at_q3["time_position"] == pytest.approx(2024 + 274 / 366)
    assert at_end["expected"] == pytest.approx(at_end["target"]) and at_q3["expected"] < at_q3["target"]


def test_a_county_without_a_report_for_the_year_is_blank_not_carried(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, folder)
    for path in folder.glob("*_2024-*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(line for line in lines if ",公安县," not in line), encoding="utf-8")
    m = Monitor.build(DEFAULT_TARGETS, folder)
    assert [(r.as_of, r.share, r.is_complete) for r in m.year_rounds[2024]] == [(Q3, "8/9", False),
                                                                                (date(2024, 6, 30), "8/9", False)]
    assert m.as_of_rounds[2024] == Q3  # none complete: the newest anyone sent
    gongan = m.card.select(year=2024, level="county", county="公安县")
    assert gongan["actual"].isna().all() and gongan["carried_from"].isna().all()  # 2023 is not carried into 2024
    assert round_note(m.card, 2024) == "8/9 县已报送 2024年9月30日 一轮数据，公安县未报送，暂无本轮数据"


def test_a_date_that_is_not_a_round_is_refused(early):
    with pytest.raises(UserError) as err:
        Monitor.build(DEFAULT_TARGETS, early, date(2024, 11, 30))
    assert err.value.zh == ("2024-11-30 不是已报送的一轮统计截至日期，可选：2021-12-31、2022-12-31、2023-12-31、"
                            "2024-06-30、2024-09-30、2024-12-31")


def test_cut_off_rounds_keeps_each_year_up_to_its_round(demo_rosters):
    cut = cut_off_rounds(demo_rosters, {2024: date(2024, 6, 30)})
    villages = cut.tables["villages"]
    dates = sorted({(y, d) for y, d in zip(villages["year"].to_pylist(), villages["as_of"].to_pylist())})
    assert dates == [(2021, date(2021, 12, 31)), (2022, date(2022, 12, 31)), (2023, date(2023, 12, 31)),
                     (2024, date(2024, 6, 30))]
    assert cut_off_rounds(demo_rosters, {}) is demo_rosters
