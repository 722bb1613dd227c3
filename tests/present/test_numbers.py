"""One number style: a share's gap in 个百分点, counts whole (时序要求 rounded toward what is required, 计划期末可达
toward what is safely reachable), never -0, in every formatted output of the demo scorecard."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.bulletin import bulletin, slide_notes
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.pptx_export import deck_pptx
from plan_monitor.outputs.briefing.slide_html import render
from plan_monitor.outputs.export_table import (
    attention_export,
    county_export,
    reverse_schedule_export,
    scorecard_export,
    trend_export,
)
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.present.format import (
    fmt_expected,
    fmt_gap,
    fmt_need,
    fmt_projected,
    fmt_rate,
    fmt_value,
    gap_value,
)
from plan_monitor.present.views import county_ranking, overview, reverse_schedule, trend

# a negative zero as text: -0, -0.0, -0.00 (not -0.5, not a date's -09)
NEGATIVE_ZERO = re.compile(r"-0(?:\.0+)?(?![\d.])")


@pytest.fixture(scope="module")
def demo() -> Monitor:
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


# ---------------------------------------------------------------- the formatter


def test_a_share_gap_is_in_percentage_points():
    assert fmt_gap(0.084, "%", "share") == "8.4个百分点"
    assert gap_value(0.084, "%", "share") == 8.4
    assert fmt_gap(45.0, "个", "count") == "45个"
    assert fmt_gap(None, "%", "share") == "—"


def test_counts_are_whole_rounded_the_way_the_figure_means():
    assert fmt_expected(1.1, "个", "count", "higher") == "2个"  # by now at least 2 must be done
    assert fmt_expected(1.1, "个", "threshold", "lower") == "1个"  # by now at most 1 may remain
    assert fmt_expected(2257.3, "人", "multiple") == "2,258人"
    assert fmt_expected(3.0000000001, "个", "count") == "3个"  # float noise does not round up
    assert fmt_projected(278.3, "个", "count", "higher") == "278个"
    assert fmt_projected(278.3, "个", "threshold", "lower") == "279个"
    assert fmt_value(2257.3, "人", "multiple") == "2,257人"
    assert fmt_value(2.5, "个") == "3个"
    # shares and ratios keep their decimals
    assert fmt_expected(0.6667, "%", "share") == "66.7%"
    assert fmt_value(1.523, "", "ratio") == "1:1.52"


@pytest.mark.parametrize("value", [-0.0, -1e-12, -0.0004])
def test_zero_never_prints_as_minus_zero(value):
    shown = [fmt_value(value, "个"), fmt_value(value, "%", "share"), fmt_value(value, "", "ratio"),
             fmt_gap(value, "%", "share"), fmt_gap(value, "个"), fmt_need(value, "个村"), fmt_rate(value),
             fmt_expected(value, "个", "count")]
    assert shown == ["0个", "0.0%", "1:0.00", "0.0个百分点", "0个", "0个村", "0.0%", "0个"]
    assert fmt_projected(-0.0, "个", "count") == "0个"


def test_the_demo_figures_of_the_report():
    """The figures reported on issue #11, as the demo scorecard states them now."""
    m = Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)
    city = m.card.select(year=2024, level="city").set_index("indicator_id")
    share = city.loc["village_income_20w"]
    assert fmt_gap(share["gap"], share["unit"], share["kind"]) == "8.5个百分点"
    villages = city.loc["demo_villages"]
    assert villages["projected"] == pytest.approx(278.32, abs=0.01)
    assert fmt_projected(villages["projected"], "个", "count", "higher") == "278个"
    workers = city.loc["certified_workers"]
    assert fmt_expected(workers["expected"], "人", "multiple", "higher") == "2,258人"  # 2,257.3 required by now


# ---------------------------------------------------------------- every formatted output of the demo


def _xlsx_texts(data: bytes) -> list[str]:
    ws = load_workbook(io.BytesIO(data)).active
    out = []
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, float):
                assert not (c.value == 0 and str(c.value).startswith("-")), (c.coordinate, c.value)
            if c.value is not None:
                out.append(str(c.value))
    return out


def test_no_minus_zero_in_excel_exports(demo):
    texts = _xlsx_texts(scorecard_export(demo.card.select()).xlsx("目标完成情况", ""))
    for year in demo.plan.years:
        _, attention = overview(demo, year)
        texts += _xlsx_texts(attention_export(attention).xlsx("需关注", ""))
        for ind in demo.plan.indicators:
            if "county" in ind.levels:
                texts += _xlsx_texts(county_export(county_ranking(demo, year, ind.id), ind.unit).xlsx("排位", ""))
                texts += _xlsx_texts(reverse_schedule_export(reverse_schedule(demo, year, ind.id), "个").xlsx("", ""))
    for ind in demo.plan.indicators:
        texts += _xlsx_texts(trend_export(trend(demo, ind.id), ind.unit).xlsx("趋势", ""))
    assert [t for t in texts if NEGATIVE_ZERO.search(t)] == []


def test_a_share_gap_in_the_scorecard_export_is_in_points(demo):
    ws = load_workbook(io.BytesIO(scorecard_export(demo.card.select(year=2024, level="city")).xlsx("t", "n"))).active
    header = [c.value for c in ws[3]]
    rows = {r[header.index("指标")].value: r for r in ws.iter_rows(min_row=4)}
    gap = rows["村集体经济收入过20万元的村占比"][header.index("差距")]
    assert gap.value == 8.5 and gap.number_format == '#,##0.0"个百分点"'
    count = rows["示范村"][header.index("差距")]
    assert count.value == 45 and count.number_format == "#,##0"


@pytest.mark.parametrize("year", [2023, 2024])
def test_no_minus_zero_and_no_share_gap_as_percent_in_the_briefing(demo, year):
    deck = build_deck(demo, year)
    b = bulletin(deck)
    texts = [b.title, b.opening, *b.paragraphs, b.cards_paragraph, b.closing, b.source,
             *b.table.astype(str).to_numpy().ravel().tolist(), *slide_notes(deck)]
    prs = Presentation(io.BytesIO(deck_pptx(deck)))
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [c.text for r in shape.table.rows for c in r.cells]
    texts += [render(deck, i).body for i in range(len(deck.slides))]
    assert [t for t in texts if NEGATIVE_ZERO.search(t)] == []
    # a share's 差距 is stated in 个百分点 in the PPTX facts and the slide tables
    assert not [t for t in texts if re.search(r"差距(?:：|</td><td>)[\d.]+%", t)]
    assert any(re.search(r"差距(?:：|</td><td>)[\d.]+个百分点", t) for t in texts)


def test_reverse_schedule_is_whole_and_never_minus_zero(demo):
    for year in demo.plan.years:
        for ind in demo.plan.indicators:
            if "county" not in ind.levels:
                continue
            plan = reverse_schedule(demo, year, ind.id)
            for col in ("to_year", "to_final", "per_quarter_year", "per_quarter_final"):
                values = plan[col].dropna()
                assert (values >= 0).all() and (values == values.round()).all(), (ind.id, col)
                assert [fmt_need(v, "个村") for v in plan[col] if NEGATIVE_ZERO.search(fmt_need(v, "个村"))] == []
