"""Figures over blank cells carry their note (未填报, 不含 N 个县（未填报）) into every export and slide, read from the
scorecard's missing_note column, never a 0 and never a red status."""

from __future__ import annotations

import pytest
from metrics.test_missing import STATS  # the same inline rows: 公安县 blank in 2024

from inline_rosters import make_rosters
from plan_monitor.metrics.scorecard import compute_scorecard
from plan_monitor.outputs.briefing.bulletin import _figure_clause, _target_clauses
from plan_monitor.outputs.briefing.pptx_export import _missing_text
from plan_monitor.outputs.briefing.slide_html import _status_text
from plan_monitor.outputs.export_table import scorecard_export


@pytest.fixture(scope="module")
def card(plan):
    return compute_scorecard(plan, make_rosters(county_stats=STATS))


def test_the_scorecard_export_says_which_figures_are_partial(card):
    frame = scorecard_export(card.select(year=2024, indicator_id="certified_workers")).frame
    got = [(r["层级"], r["县（市、区）"], r["完成值"], r["状态"], r["说明"]) for _, r in frame.iterrows()
           if r["县（市、区）"] in (None, "公安县", "沙市区")]
    assert [(lv, c, None if v != v else v, s, n) for lv, c, v, s, n in got] == [
        ("全市", None, 400.0, None, "不含 1 个县（未填报）"),
        ("县（市、区）", "公安县", None, None, "未填报"),
        ("县（市、区）", "沙市区", 160.0, "已完成", None),
    ]


def test_slides_and_pptx_say_unreported_rather_than_a_status(card):
    rows = card.select(year=2024, indicator_id="certified_workers")
    gongan = rows[rows["county"] == "公安县"].iloc[0]
    city = rows[rows["level"] == "city"].iloc[0]
    assert _status_text(gongan) == "未填报"
    assert _status_text(city) == "不含 1 个县（未填报）"
    assert _missing_text(gongan) == "未填报" and _missing_text(city) == "不含 1 个县（未填报）"


def test_the_bulletin_states_the_partial_sum_and_does_not_judge_it(card):
    city = card.select(year=2024, level="city", indicator_id="certified_workers").iloc[0]
    assert _figure_clause(city, "全市", 2024).endswith("（不含 1 个县（未填报））")
    assert _target_clauses(city) == ["年度目标为240人，部分数据未填报，暂不评价完成情况"]
