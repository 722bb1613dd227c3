"""compute_scorecard on the bundled demo data: targets per level, quotas, and consistency. Its speed is measured
by bench/scorecard_bench.py, not asserted here."""

from __future__ import annotations

import pandas as pd
import pytest

from inline_rosters import DATA
from plan_monitor.metrics.scorecard import CSV_COLUMNS, compute_scorecard
from plan_monitor.spec.plan import load_plan

COUNTIES = ["公安县", "松滋市", "江陵县", "沙市区", "洪湖市", "监利市", "石首市", "荆州区", "荆州经济技术开发区"]


def test_scorecard_carries_data_version_and_demo_flag(demo_scorecard, demo_rosters):
    assert demo_scorecard.is_demo is True
    assert demo_scorecard.data_version == demo_rosters.version
    assert set(CSV_COLUMNS) <= set(demo_scorecard.rows.columns)
    assert len(demo_scorecard.rows) > 1000


def test_select_and_data_as_of(demo_scorecard):
    assert set(demo_scorecard.select()["year"]) == {2022, 2023, 2024}
    assert set(demo_scorecard.select(include_baseline=True)["year"]) == {2021, 2022, 2023, 2024}
    rows = demo_scorecard.select(year=2023, level="county", county="沙市区", indicator_id="demo_villages")
    assert len(rows) == 1 and pd.isna(rows.loc[0, "town"])
    assert demo_scorecard.data_as_of(2024) == pd.Timestamp("2024-09-30")
    assert demo_scorecard.data_as_of(2023) == pd.Timestamp("2023-12-31")


def test_every_county_has_a_row_for_every_county_level_indicator(demo_scorecard, plan):
    county_rows = demo_scorecard.select(level="county")
    for ind in plan.indicators:
        got = county_rows[county_rows["indicator_id"] == ind.id]
        if "county" in ind.levels:
            assert sorted(zip(got["county"], got["year"])) == sorted((c, y) for c in COUNTIES for y in plan.years)
        else:
            assert got.empty


COUNT_WITHOUT_QUOTAS = ["demo_towns", "demo_subdistricts", "demo_villages", "demo_communities", "smart_platform",
                        "shared_sites", "brand_projects"]


@pytest.mark.parametrize("indicator_id", COUNT_WITHOUT_QUOTAS)
def test_unsplit_count_indicators_have_monitoring_split_county_targets(demo_scorecard, plan, indicator_id):
    """The plan does not split these; the demo plan's monitoring split (测算分解) gives every county a target adding up
    exactly to the city target in every year that has one."""
    ind = plan.indicator(indicator_id)
    rows = demo_scorecard.select(level="county", indicator_id=indicator_id)
    assert len(rows) == 9 * 3
    targeted = rows[rows["year"].isin(list(ind.targets))]
    assert targeted.groupby("year")["target"].sum().to_dict() == {y: float(v) for y, v in ind.targets.items()}
    assert set(targeted["target_source"]) == {"split"} and targeted["target_note"].isna().all()
    assert set(targeted["target_source_label"]) == {"测算分解（非正式下达）"}
    rest = rows[~rows["year"].isin(list(ind.targets))]
    assert rest["target"].isna().all() and set(rest["target_note"]) <= {"no_year_target"}
    # a county with no unit of the kind (no 街道, say) has no figure rather than a zero
    assert (rows["actual"].notna() == rows["den"].notna()).all()
    measured = targeted.dropna(subset=["actual"])
    assert (measured["gap"] == measured["target"] - measured["actual"]).all()
    assert measured["completion"].tolist() == pytest.approx(
        (measured["actual"] / measured["target"].where(measured["target"] != 0)).tolist(), nan_ok=True)


@pytest.mark.parametrize("indicator_id", COUNT_WITHOUT_QUOTAS)
@pytest.mark.parametrize("level", ["town"])
def test_count_indicators_without_quotas_have_no_town_target(demo_scorecard, plan, indicator_id, level):
    ind = plan.indicator(indicator_id)
    rows = demo_scorecard.select(level=level, indicator_id=indicator_id)
    if level not in ind.levels:
        assert rows.empty
        return
    assert len(rows) > 0
    assert rows["target"].isna().all()
    expected_note = rows["year"].map(lambda y: "no_quota" if y in ind.targets else "no_year_target")
    assert rows["target_note"].tolist() == expected_note.tolist()
    assert rows["status"].isna().all() and rows["pace"].isna().all() and rows["completion"].isna().all()
    # a county with no unit of the kind (no 街道, say) has no figure rather than a zero
    assert (rows["actual"].notna() == rows["den"].notna()).all()
    assert rows["actual"].notna().sum() >= len(rows) / 3


@pytest.mark.parametrize("indicator_id, year", [("reserve_cadre_u30", 2024), ("smart_platform_dense", 2024)])
def test_zero_threshold_applies_at_every_level(demo_scorecard, indicator_id, year):
    rows = demo_scorecard.select(indicator_id=indicator_id, year=year)
    assert (rows["target"] == 0).all() and rows["target_note"].isna().all()
    reported = rows.dropna(subset=["den"])
    assert len(reported) >= 3
    assert reported["completion"].tolist() == pytest.approx(((reported["den"] - reported["num"]) / reported["den"]).tolist())


def test_share_target_is_the_same_at_every_level(demo_scorecard):
    rows = demo_scorecard.select(indicator_id="village_income_20w")
    assert rows.groupby("year")["target"].agg(set).to_dict() == {2022: {0.5}, 2023: {0.6}, 2024: {0.7}}
    assert set(rows["level"]) == {"city", "county", "town"}


def test_multiple_target_is_each_places_own_baseline_doubled(demo_scorecard):
    rows = demo_scorecard.select(indicator_id="certified_workers", year=2024)
    base = demo_scorecard.select(indicator_id="certified_workers", year=2021, include_baseline=True)
    baseline = dict(zip(base["county"].fillna("全市"), base["actual"]))
    assert dict(zip(rows["county"].fillna("全市"), rows["target"])) == {k: 2 * v for k, v in baseline.items()}
    assert baseline["全市"] == sum(v for k, v in baseline.items() if k != "全市")


@pytest.mark.parametrize("indicator_id", ["demo_villages", "village_income_20w", "shared_sites", "certified_workers",
                                          "party_worker_training", "reserve_cadre_u30"])
def test_city_is_the_sum_of_counties(demo_scorecard, indicator_id):
    rows = demo_scorecard.select(indicator_id=indicator_id)
    for year, group in rows.groupby("year"):
        city = group[group["level"] == "city"].iloc[0]
        counties = group[group["level"] == "county"]
        assert city["num"] == counties["num"].sum(), year
        assert city["den"] == counties["den"].sum(), year


def test_gap_and_completion_on_city_rows(demo_scorecard):
    rows = demo_scorecard.select(level="city").dropna(subset=["target"])
    higher = rows[(rows["direction"] == "higher")]
    assert (higher["gap"] == higher["target"] - higher["actual"]).all()
    assert higher["completion"].tolist() == pytest.approx((higher["actual"] / higher["target"]).tolist())
    lower = rows[rows["direction"] == "lower"]
    assert (lower["gap"] == lower["actual"] - lower["target"]).all()


# --- a plan with county quotas ----------------------------------------------------------------

@pytest.fixture(scope="module")
def quota_card(demo_rosters):
    return compute_scorecard(load_plan(DATA / "quota_plan.yaml"), demo_rosters)


@pytest.mark.parametrize("county, targets", [
    ("沙市区", {2022: 60, 2023: 120, 2024: 180}),
    ("荆州区", {2022: 40, 2023: 80, 2024: 120}),
])
def test_county_targets_come_from_quotas(quota_card, county, targets):
    rows = quota_card.select(level="county", county=county, indicator_id="demo_villages")
    assert dict(zip(rows["year"], rows["target"])) == targets
    assert rows["target_note"].isna().all()
    assert rows["status"].notna().all() and rows["pace"].notna().all()
    assert rows["completion"].tolist() == pytest.approx((rows["actual"] / rows["target"]).tolist())


def test_counties_without_a_quota_get_no_target(quota_card):
    rows = quota_card.select(level="county", indicator_id="demo_villages")
    rest = rows[~rows["county"].isin(["沙市区", "荆州区"])]
    assert len(rest) == 7 * 3
    assert rest["target"].isna().all() and set(rest["target_note"]) == {"no_quota"}
    city = quota_card.select(level="city", indicator_id="demo_villages")
    assert city["target"].tolist() == [100, 200, 300]


def test_threshold_quota(quota_card):
    rows = quota_card.select(level="county", year=2023, indicator_id="income_below_10w")
    by_county = rows.set_index("county")
    assert by_county.loc["松滋市", "target"] == 30 and pd.isna(by_county.loc["松滋市", "target_note"])
    assert by_county.loc["松滋市", "gap"] == by_county.loc["松滋市", "actual"] - 30
    others = by_county.drop(index="松滋市")
    assert others["target"].isna().all() and set(others["target_note"]) == {"no_quota"}
    other_years = quota_card.select(level="county", indicator_id="income_below_10w")
    assert set(other_years.loc[other_years["year"] != 2023, "target_note"]) == {"no_year_target"}
