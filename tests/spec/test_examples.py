"""The example plans (examples/*.yaml) validate and compute, with figures worked out by hand from the
small fixture rosters in tests/data/lingyun and tests/data/huizhou.

Status arithmetic used below (see plan_monitor/status.py), all reports at year end:
- a threshold target of 0 only in the final year: the expected line runs from the baseline (end of the
  baseline year) to 0 at the end of the final year; start_of_year s is that line at the start of the year,
  and progress = (s - actual) / s; below 0.5 → far_behind.
- a target repeated every year (flat line): progress = target / actual (lower) or actual / target (higher).
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from plan_monitor.cli import main
from plan_monitor.metrics.scorecard import compute_scorecard
from plan_monitor.sources import load_rosters
from plan_monitor.spec.plan import load_plan

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DATA = ROOT / "tests" / "data"

ZK = "仲恺高新技术产业开发区"


@pytest.fixture(scope="module")
def lingyun():
    plan = load_plan(EXAMPLES / "lingyun.yaml")
    return plan, compute_scorecard(plan, load_rosters(DATA / "lingyun"))


@pytest.fixture(scope="module")
def huizhou():
    plan = load_plan(EXAMPLES / "huizhou.yaml")
    return plan, compute_scorecard(plan, load_rosters(DATA / "huizhou"))


def row(card, indicator_id, year, level, county=None, town=None):
    rows = card.select(year=year, level=level, indicator_id=indicator_id, include_baseline=True)
    if county is not None:
        rows = rows[rows["county"] == county]
    if town is not None:
        rows = rows[rows["town"] == town]
    assert len(rows) == 1, (indicator_id, year, level, county, town, len(rows))
    return rows.iloc[0]


def check_partial_sum(r, num, den, actual, missing_note):
    """A sum with members missing: the figure over what was reported, the note, and no judgement."""
    assert (r["num"], r["den"], r["actual"], r["missing_note"]) == (num, den, actual, missing_note)
    assert math.isnan(r["gap"]) and math.isnan(r["completion"]) and r["status"] is None and r["pace"] is None


def check_unreported(r):
    """Every unit's input blank: no figure (not 0), no status, 未填报."""
    assert math.isnan(r["actual"]) and r["status"] is None and r["missing_note"] == "未填报"


def check(r, num, den, actual, target, gap, completion, status):
    assert r["num"] == pytest.approx(num)
    assert r["den"] == pytest.approx(den)
    assert r["actual"] == pytest.approx(actual)
    assert r["target"] == pytest.approx(target)
    assert r["gap"] == pytest.approx(gap)
    assert r["completion"] == pytest.approx(completion)
    assert r["status"] == status


# --- validation ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["lingyun", "huizhou", "zhongshan"])
def test_example_validates_with_reading_on_every_indicator(name):
    plan = load_plan(EXAMPLES / f"{name}.yaml")
    for ind in plan.indicators:
        assert ind.plan_text and ind.reading
        assert set(ind.targets) <= set(plan.years)


def test_lingyun_plan_shape():
    plan = load_plan(EXAMPLES / "lingyun.yaml")
    assert plan.plan.region.code == "451027"
    assert plan.years == [2022, 2023, 2024, 2025] and plan.plan.baseline_year == 2021
    kinds = {i.id: (i.kind, i.query, dict(i.params), dict(i.targets)) for i in plan.indicators}
    assert kinds["income_below_12w"] == ("threshold", "income_below",
                                         {"threshold_wan": 12, "include_communities": True}, {2025: 0})
    assert kinds["income_share_20w"] == ("share", "income_share", {"threshold_wan": 20}, {2025: 0.6})
    assert kinds["reserve_cadres_below_2"] == ("threshold", "reserve_cadres_below",
                                               {"min_cadres": 2, "under30": False},
                                               {2022: 0, 2023: 0, 2024: 0, 2025: 0})


def test_huizhou_plan_shape():
    plan = load_plan(EXAMPLES / "huizhou.yaml")
    assert plan.plan.region.code == "441300"
    assert plan.years == [2021, 2022, 2023] and plan.plan.baseline_year == 2020
    ratio = plan.indicator("secretary_reserve_ratio")
    assert (ratio.kind, ratio.query, ratio.levels) == ("ratio", "secretary_reserve_ratio", ["city", "county"])
    assert dict(ratio.targets) == {2021: 1.5, 2022: 1.5, 2023: 1.5}
    income = plan.indicator("income_below_10w")
    assert (income.kind, dict(income.params), dict(income.targets)) == (
        "threshold", {"threshold_wan": 10, "include_communities": False}, {2023: 0})


@pytest.mark.parametrize("name", ["lingyun", "huizhou", "zhongshan"])
def test_cli_check_exits_zero(name, capsys):
    assert main(["check", "--targets", str(EXAMPLES / f"{name}.yaml")]) == 0
    assert "校验通过" in capsys.readouterr().out


def test_cli_scorecard_runs_on_fixture(capsys, tmp_path):
    data = shutil.copytree(DATA / "lingyun", tmp_path / "lingyun")  # the CLI persists its card beside the data
    assert main(["scorecard", "--targets", str(EXAMPLES / "lingyun.yaml"), "--data", str(data),
                 "--year", "2025", "--level", "town"]) == 0
    out = capsys.readouterr().out
    assert "伶站瑶族乡" in out and "逻楼镇" in out


# --- Lingyun (county-level region: city and county rows are the same place) ------------------

def test_lingyun_geography_is_the_county_itself(lingyun):
    plan, card = lingyun
    counties = set(card.select(year=2025, level="county")["county"])
    assert counties == {"凌云县"}


def test_lingyun_income_below_12w(lingyun):
    _, card = lingyun
    ind = "income_below_12w"
    # 2025: 7 units (5 村 + 2 社区, communities included); below 12万: 二村 11.5, 东社区 8; 五村 is blank:
    # missing, not below, so the count is over 6 units and, a partial sum, gets no status.
    # 四村 at exactly 12 meets the floor. Baseline 2021: 5 below (城中社区 10, 二村, 四村 8, 五村, 东社区).
    for level, county in (("city", None), ("county", "凌云县")):
        check_partial_sum(row(card, ind, 2025, level, county), 2, 6, 2, "不含 1 个村（未填报）")
        assert row(card, ind, 2021, level, county)["actual"] == 5
    check(row(card, ind, 2025, "town", "凌云县", "泗城镇"), 1, 3, 1, 0, 1, 2 / 3, "far_behind")
    check(row(card, ind, 2025, "town", "凌云县", "逻楼镇"), 0, 2, 0, 0, 0, 1.0, "met")
    check_partial_sum(row(card, ind, 2025, "town", "凌云县", "伶站瑶族乡"), 1, 1, 1, "不含 1 个村（未填报）")
    # Years without data or target: a row, no figure, no status.
    r = row(card, ind, 2023, "city")
    assert math.isnan(r["actual"]) and r["status"] is None


def test_lingyun_income_share_20w_rolls_up_num_and_den(lingyun):
    _, card = lingyun
    ind = "income_share_20w"
    # 村 only: 一村 25, 三村 20 (exactly 20 counts) of the 4 villages that reported; 二村 11.5, 四村 12 do not;
    # 五村 is blank: missing, left out of the share, which keeps its status and carries the note.
    # Baseline 2021: 0/5. s = 0.6*3/4 = 0.45; progress = (0.5 - 0.45) / 0.15 < 0.5 → far_behind.
    for level, county in (("city", None), ("county", "凌云县")):
        r = row(card, ind, 2025, level, county)
        check(r, 2, 4, 0.5, 0.6, 0.1, 0.5 / 0.6, "far_behind")
        assert r["missing_note"] == "不含 1 个村（未填报）"
    # Towns: 1/2, 1/2, and 伶站瑶族乡 whose one village is blank — the county share is 2/4.
    check(row(card, ind, 2025, "town", "凌云县", "泗城镇"), 1, 2, 0.5, 0.6, 0.1, 0.5 / 0.6, "far_behind")
    check(row(card, ind, 2025, "town", "凌云县", "逻楼镇"), 1, 2, 0.5, 0.6, 0.1, 0.5 / 0.6, "far_behind")
    check_unreported(row(card, ind, 2025, "town", "凌云县", "伶站瑶族乡"))
    towns = card.select(year=2025, level="town", indicator_id=ind)
    assert towns["num"].sum() == 2 and towns["den"].sum() == 4


def test_lingyun_reserve_cadres_below_2(lingyun):
    _, card = lingyun
    ind = "reserve_cadres_below_2"
    # 村 only (5): 二村 has 1 → 1 below; 一村 2, 四村 2, 三村 3 meet it; 五村 is blank: missing, not 0, so
    # the count is over 4 villages and, a partial sum, gets no status.
    for level, county in (("city", None), ("county", "凌云县")):
        check_partial_sum(row(card, ind, 2025, level, county), 1, 4, 1, "不含 1 个村（未填报）")
        assert row(card, ind, 2021, level, county)["actual"] == 4
    # Target 0 every year (flat line): progress = 0 / 1 → far_behind.
    check(row(card, ind, 2025, "town", "凌云县", "泗城镇"), 1, 2, 1, 0, 1, 0.5, "far_behind")
    check(row(card, ind, 2025, "town", "凌云县", "逻楼镇"), 0, 2, 0, 0, 0, 1.0, "met")
    check_unreported(row(card, ind, 2025, "town", "凌云县", "伶站瑶族乡"))
    # The standing requirement has a target in every plan year.
    for year in (2022, 2023, 2024):
        assert row(card, ind, year, "city")["target"] == 0


# --- Huizhou ---------------------------------------------------------------------------------

def test_huizhou_functional_zones_are_county_places(huizhou):
    _, card = huizhou
    counties = set(card.select(year=2023, level="county", indicator_id="secretary_reserve_ratio")["county"])
    assert counties == {"惠城区", "惠阳区", "博罗县", "惠东县", "龙门县", "大亚湾经济技术开发区", ZK}


def test_huizhou_income_below_10w(huizhou):
    _, card = huizhou
    ind = "income_below_10w"
    # 2023, 村 only (城东社区 excluded): 永汉镇 一村 12 / 二村 9.9; 多祝镇 一村 10 (exactly) / 二村 12;
    # 潼湖镇 一村 blank: missing, not below → 1 of the 4 that reported; a partial sum, so no status.
    # Baseline 2020: the 4 that reported are all below (多祝镇 二村 is blank).
    check_partial_sum(row(card, ind, 2023, "city"), 1, 4, 1, "不含 1 个村（未填报）")
    assert (row(card, ind, 2020, "city")["actual"], row(card, ind, 2020, "city")["missing_units"]) == (4, 1)
    check(row(card, ind, 2023, "county", "龙门县"), 1, 2, 1, 0, 1, 0.5, "far_behind")
    check(row(card, ind, 2023, "county", "惠东县"), 0, 2, 0, 0, 0, 1.0, "met")
    check_unreported(row(card, ind, 2023, "county", ZK))
    check(row(card, ind, 2023, "town", "龙门县", "永汉镇"), 1, 2, 1, 0, 1, 0.5, "far_behind")
    check(row(card, ind, 2023, "town", "惠东县", "多祝镇"), 0, 2, 0, 0, 0, 1.0, "met")
    check_unreported(row(card, ind, 2023, "town", ZK, "潼湖镇"))
    # A town with only a community has no village figure.
    towns = card.select(year=2023, level="town", indicator_id=ind)
    assert "龙城街道" not in set(towns["town"])
    # A county that has not reported: target 0 applies, no figure, no status.
    r = row(card, ind, 2023, "county", "博罗县")
    assert r["target"] == 0 and math.isnan(r["actual"]) and r["status"] is None


def test_huizhou_secretary_reserve_ratio(huizhou):
    _, card = huizhou
    ind = "secretary_reserve_ratio"
    # County ratio = sum(candidates) / count(towns incl. 街道 and 乡), compared with 1.5.
    # 龙门县 15 / 10 = 1.5 (met exactly); 惠东县 14 / 13 (铁涌镇 0; 黄埠镇 blank: missing, left out of the ratio,
    # which keeps its status and carries the note); 仲恺 8 / 5 = 1.6. Flat target → progress = actual / 1.5:
    # 惠东 0.718 → behind.
    check(row(card, ind, 2023, "county", "龙门县"), 15, 10, 1.5, 1.5, 0.0, 1.0, "met")
    r = row(card, ind, 2023, "county", "惠东县")
    check(r, 14, 13, 14 / 13, 1.5, 1.5 - 14 / 13, 14 / 13 / 1.5, "behind")
    assert r["missing_note"] == "不含 1 个乡镇街道（未填报）"
    check(row(card, ind, 2023, "county", ZK), 8, 5, 1.6, 1.5, -0.1, 1.6 / 1.5, "met")
    # City = 37 / 28 (sums, not the mean of county ratios).
    check(row(card, ind, 2023, "city"), 37, 28, 37 / 28, 1.5, 1.5 - 37 / 28, 37 / 28 / 1.5, "behind")
    # Reported only at city and county level.
    assert card.select(year=2023, level="town", indicator_id=ind).empty
    r = row(card, ind, 2023, "county", "惠城区")
    assert r["target"] == 1.5 and math.isnan(r["actual"]) and r["status"] is None
