"""An indicator whose chart would draw nothing (no value reported, or every value 0) is a text slide in the
汇报模式 markup and in the PPTX: the sentence and 数据截至 where the chart would be, never an empty chart."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest
from pptx import Presentation

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.deck import NO_REPORTS, build_deck, no_chart_text
from plan_monitor.outputs.briefing.pptx_export import deck_pptx
from plan_monitor.outputs.briefing.slide_html import render
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS

SILENT = "公安县"


@pytest.fixture(scope="module")
def silent_county(tmp_path_factory) -> Monitor:
    """The demo data with every 2024 row of 公安县 removed: a county that has reported nothing this year."""
    folder = tmp_path_factory.mktemp("silent") / "data"
    shutil.copytree(DEFAULT_DATA, folder)
    for path in folder.glob("*_2024-*.csv"):
        head, *rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [r for r in rows if f",{SILENT}," not in r]
        assert len(kept) < len(rows), path.name
        path.write_text(head + "".join(kept), encoding="utf-8")
    return Monitor.build(DEFAULT_TARGETS, folder)


@pytest.fixture(scope="module")
def demo() -> Monitor:
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


def _layout(deck) -> list[tuple[str, str, str]]:
    return [(s.kind, s.title, s.no_chart) for s in deck.slides]


def _check_rendered(deck) -> None:
    """Each text slide has no chart and carries its sentence and 数据截至, in the markup and in the PPTX; every
    other indicator slide keeps its chart."""
    prs = Presentation(io.BytesIO(deck_pptx(deck)))
    for i, (spec, slide) in enumerate(zip(deck.slides, prs.slides)):
        charts = [s for s in slide.shapes if s.has_chart]
        view = render(deck, i)
        if spec.no_chart:
            (box,) = [s for s in slide.shapes if s.name == "No chart"]
            assert charts == [] and box.text_frame.text == f"{spec.no_chart}\n{deck.as_of_text}"
            assert view.figure is None
            assert spec.no_chart in view.body and deck.as_of_text in view.body
        elif spec.kind == "indicator":
            assert len(charts) == 1, spec.title


def test_a_county_with_no_report_this_year_gets_text_slides_only(silent_county):
    deck = build_deck(silent_county, 2024, SILENT)
    assert deck.as_of_text.startswith("数据截至 2024年9月30日")
    names = [ind.name for ind in silent_county.plan.indicators if "county" in ind.levels]
    assert _layout(deck) == [
        ("title", silent_county.plan.plan.name, ""),
        ("overall", f"{SILENT}2024年目标完成总体情况", ""),
        *[("indicator", name, NO_REPORTS) for name in names],
        ("cards", "红黄牌（严重滞后、滞后）", ""),
        ("summary", f"{SILENT}2024年推进情况小结", ""),
    ]
    _check_rendered(deck)
    # the city's deck still charts the counties that did report
    city = build_deck(silent_county, 2024)
    assert not any(s.no_chart for s in city.slides)
    _check_rendered(city)


def test_demo_county_decks_name_exactly_the_empty_and_all_zero_slides(demo):
    jiangling = build_deck(demo, 2024, "江陵县")
    assert [(n, s.indicator_id, s.no_chart) for n, s in enumerate(jiangling.slides, 1) if s.no_chart] == [
        (3, "demo_towns", "江陵县完成率为0.0%"),
        (4, "demo_subdistricts", NO_REPORTS),
        (6, "demo_communities", "各乡镇（街道）完成值均为0个"),
        (7, "smart_platform", NO_REPORTS),
        (8, "smart_platform_dense", NO_REPORTS),
    ]
    _check_rendered(jiangling)
    assert not any(s.no_chart for s in build_deck(demo, 2024).slides)


def _rows(level, actual, completion=None, unit="个"):
    return pd.DataFrame({"level": [level] * len(actual), "actual": actual,
                         "completion": completion or [None] * len(actual), "unit": unit, "kind": "count"})


def test_the_sentence_says_who_has_nothing():
    own, none = _rows("county", [3.0]), _rows("town", [])
    assert no_chart_text(own, none, "各乡镇（街道）", "沙市区") == ""
    assert no_chart_text(_rows("county", [None]), none, "各乡镇（街道）", "沙市区") == NO_REPORTS
    assert no_chart_text(_rows("county", [0.0]), none, "各乡镇（街道）", "沙市区") == "沙市区完成值为0个"
    towns = _rows("town", [None, None])
    # the county reported, its towns did not: say whose figures are missing
    assert no_chart_text(own, towns, "各乡镇（街道）", "沙市区") == f"各乡镇（街道）{NO_REPORTS}"
    assert no_chart_text(_rows("county", [None]), towns, "各乡镇（街道）", "沙市区") == NO_REPORTS
    assert no_chart_text(own, _rows("town", [0.0, None]), "各乡镇（街道）", "沙市区") == "各乡镇（街道）完成值为0个"
    assert no_chart_text(own, _rows("town", [0.0, 1.0]), "各乡镇（街道）", "沙市区") == ""
    rated = _rows("town", [0.0, 2.0], completion=[0.0, 0.0])
    assert no_chart_text(own, rated, "各乡镇（街道）", "沙市区") == "各乡镇（街道）完成率均为0.0%"
    # 完成率 0 for one part, none (a target of 0, met) for others that have a figure: 均为0 is not true of them
    partly = _rows("prefecture", [0.0, 4.0, 0.0], completion=[0.0, None, None]).assign(
        county=["武汉市", "荆州市", "十堰市"], status=["far_behind", "met", "met"])
    assert no_chart_text(own, partly, "各市（州）", "湖北省") == "武汉市完成率为0.0%，其余2个市（州）已完成"
    assert no_chart_text(own, partly.assign(status=["far_behind", "met", None]), "各市（州）", "湖北省") == \
        "武汉市完成率为0.0%，其余2个市（州）无完成率"
    assert no_chart_text(own, _rows("prefecture", [0.0, 0.0], completion=[0.0, None]), "各市（州）", "湖北省") == \
        "各市（州）完成率为0.0%"
