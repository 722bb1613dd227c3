"""The overview cards: the status pill in the palette colour of its status (滞后 amber, 严重滞后 red, as in the
legend, the bars and the matrix), a share's gap in 个百分点, and a card's status agreeing with the data where the
year has no target (no 完成率 to show, the status judged by the 时序要求 toward the final target)."""

from __future__ import annotations

import re

import pytest
from page_runner import open_page, overview_cards

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.present.format import fmt_expected, fmt_gap, fmt_value
from plan_monitor.present.palette import STATUS_COLORS
from plan_monitor.present.views import overview

BACKGROUND = re.compile(r"background:(#[0-9a-f]{6});")


@pytest.fixture(scope="module")
def demo() -> Monitor:
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


def cards(at) -> tuple[list[str], list[dict], list[str]]:
    """Each card's title, pill (code, bg, text) and detail line with its notes (what the card says in full)."""
    shown, notes = overview_cards(at)
    titles = [c["title"] for c in shown]
    pills = [{"code": c["pill_status"], "bg": BACKGROUND.search(c["pill_style"])[1], "text": c["pill"]} for c in shown]
    captions = [c["detail"] + "".join(f" · {n.removeprefix(c['title'] + '：')}" for n in notes
                                      if n.startswith(c["title"] + "：")) for c in shown]
    return titles, pills, captions


@pytest.mark.parametrize("year", [2023, 2024])
def test_each_card_pill_carries_its_status_colour(demo, year):
    at = open_page("overview", year=str(year))
    city, _ = overview(demo, year)
    titles, pills, _ = cards(at)
    assert titles == list(city["indicator"])
    for pill, status, label in zip(pills, city["status"], city["status_label"]):
        code = status if isinstance(status, str) else None
        assert pill["code"] == (code or "none") and pill["bg"] == STATUS_COLORS[code]
        if code:
            assert pill["text"].startswith(label)
    shown = {p["code"] for p in pills}
    # 滞后 is the legend's amber, 严重滞后 its red: two colours, not st.metric's one red
    assert {"behind", "far_behind"} <= shown
    assert STATUS_COLORS["behind"] == "#f2a900" and STATUS_COLORS["far_behind"] == "#d1242f"
    assert not at.metric  # no st.metric (its delta colours would contradict the palette)


def test_a_share_gap_on_the_card_is_in_percentage_points(demo):
    at = open_page("overview", year="2024")
    titles, _, captions = cards(at)
    city, _ = overview(demo, 2024)
    share = city.set_index("indicator").loc["村集体经济收入过20万元的村占比"]
    caption = captions[titles.index("村集体经济收入过20万元的村占比")]
    assert f"差距 {fmt_gap(share['gap'], '%', 'share')} ·" in caption and "差距 8.5个百分点 ·" in caption
    assert not [c for c in captions if re.search(r"-0(?:\.0+)?(?![\d.])", c)]


def test_2023_cards_with_a_status_and_no_completion_say_what_the_status_is_judged_by(demo):
    """In 2023 six indicators have no year target: the chart has no 完成率 bar (—) for them, and the card shows
    完成率 — too, with the 时序要求 toward the final target its status is judged by."""
    city, _ = overview(demo, 2023)
    judged = city[city["status"].notna() & city["completion"].isna()]
    assert len(judged) == 6
    at = open_page("overview", year="2023")
    titles, pills, captions = cards(at)
    by_name = dict(zip(titles, zip(pills, captions)))
    for r in judged.itertuples():
        pill, caption = by_name[r.indicator]
        assert pill["code"] == r.status
        assert "目标 未设当年目标 · 差距 — · 完成率 — · 时序进度 —" in caption
        assert (f"状态按期末目标 {fmt_value(r.final_target, r.unit, r.kind)} 的时序要求 "
                f"{fmt_expected(r.expected, r.unit, r.kind, r.direction)} 判断") in caption
    # the rest: a status only where there is a 完成率, and no basis note
    for r in city.drop(judged.index).itertuples():
        assert "时序要求" not in by_name[r.indicator][1]
