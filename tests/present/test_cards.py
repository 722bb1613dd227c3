"""The overview's cards: one per indicator from the scorecard's city rows, the status summary worst first, the
notes a card cannot hold numbered under the grid, and every text escaped."""

from __future__ import annotations

import pandas as pd
import pytest

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.present.cards import Card, cards_html, overview_cards, status_summary
from plan_monitor.present.views import overview


@pytest.fixture(scope="module")
def demo() -> Monitor:
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


def test_one_card_per_indicator_with_the_city_figures(demo):
    city, _ = overview(demo, 2024)
    cards = overview_cards(city)
    assert [c.indicator_id for c in cards] == [i.id for i in demo.plan.indicators]
    village = next(c for c in cards if c.title == "示范村")
    assert (village.value, village.status, village.pill) == ("255个", "behind", "滞后 · 增速不足")
    assert village.detail == "目标 300个 · 差距 45个 · 完成率 85.0% · 时序进度 91.6%"
    assert village.notes == []


def test_the_summary_counts_each_status_worst_first(demo):
    city, _ = overview(demo, 2024)
    cards = overview_cards(city)
    counts = city["status"].value_counts()
    assert status_summary(cards) == (f"13 项指标：严重滞后 {counts['far_behind']} 项、滞后 {counts['behind']} 项、"
                                     f"正常推进 {counts['on_pace']} 项、已完成 {counts['met']} 项")
    assert status_summary(cards) == "13 项指标：严重滞后 5 项、滞后 6 项、正常推进 1 项、已完成 1 项"


def test_statuses_without_a_year_target_are_numbered_notes_under_the_grid(demo):
    """In 2023 six indicators have no year target: each card carries a note mark 注N, and note N says what its
    status is judged by."""
    city, _ = overview(demo, 2023)
    cards = overview_cards(city)
    noted = [c for c in cards if c.notes]
    assert len(noted) == 6
    html = cards_html(cards)
    for n, card in enumerate(noted, start=1):
        assert f'<span class="pm-card-mark">注{n}</span>' in html
        assert f"<li>{card.title}：无当年目标，不计完成率；状态按期末目标" in html


def test_every_text_is_escaped_and_a_missing_figure_reads_a_dash():
    card = Card(indicator_id='x"><script>', title="<script>alert(1)</script>村", value="—", status=None, pill="—",
                detail="目标 未设当年目标 · 差距 — · 完成率 — · 时序进度 —", notes=["<b>未填报</b>"])
    html = cards_html([card])
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;村" in html and "&lt;b&gt;未填报&lt;/b&gt;" in html
    assert 'data-status="none"' in html and "background:#9aa0a6" in html
    assert status_summary([card]) == "1 项指标：无目标或无数据 1 项"


def test_a_year_without_data_gives_grey_cards_that_say_so():
    city = pd.DataFrame([{
        "indicator_id": "v", "indicator": "示范村", "actual": float("nan"), "target": 300.0, "gap": float("nan"),
        "completion": float("nan"), "time_progress": float("nan"), "unit": "个", "kind": "count",
        "status": None, "status_label": None, "pace_label": None, "missing_note": "未填报",
        "target_note_label": None, "carried_note": "", "basis_note": None}])
    (card,) = overview_cards(city)
    assert (card.value, card.status, card.pill) == ("—", None, "未填报")
    assert card.detail == "目标 300个 · 差距 — · 完成率 — · 时序进度 —"
    assert card.notes == []  # the pill already says it
