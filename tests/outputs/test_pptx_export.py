"""The PPTX briefing: opened again with python-pptx, every chart, table and footer must carry the deck's numbers."""

from __future__ import annotations

import io
import math
from datetime import date

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn
from pptx.util import Emu

from plan_monitor.cli import main
from plan_monitor.metrics.monitor import Monitor
from plan_monitor.metrics.trajectory import STATUS_LABELS
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.pptx_export import deck_pptx
from plan_monitor.outputs.briefing.tasks import briefing_ledger
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.present.palette import STATUS_COLORS
from plan_monitor.sources import open_store

YEAR = 2024


@pytest.fixture(scope="module")
def monitor():
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


@pytest.fixture(scope="module", params=[None, "公安县", "监利市"], ids=["city", "county", "county-21-towns"])
def deck(request, monitor):
    return build_deck(monitor, YEAR, request.param)


@pytest.fixture(scope="module")
def prs(deck):
    return Presentation(io.BytesIO(deck_pptx(deck)))


def _texts(slide) -> list[str]:
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out.extend(c.text for row in shape.table.rows for c in row.cells)
    return out


def _charts(slide):
    return [s.chart for s in slide.shapes if s.has_chart]


def _tables(slide):
    return [s.table for s in slide.shapes if s.has_table]


def _expected_bars(rows: pd.DataFrame, names: list[str], completion_only=False):
    """What the chart must plot, worked out here from the scorecard rows: completion in % to one decimal where
    any row has one, else the figure itself (shares in %, counts as whole numbers here)."""
    if completion_only or rows["completion"].notna().any():
        return names, [None if pd.isna(c) else round(c * 100, 1) for c in rows["completion"]]
    scale = 100 if rows["unit"].iloc[0] == "%" else 1
    return names, [None if pd.isna(a) else round(a * scale, 1) for a in rows["actual"]]


def _same(values, expected):
    assert len(values) == len(expected)
    for v, e in zip(values, expected):
        if e is None:
            assert v is None or (isinstance(v, float) and math.isnan(v))
        else:
            assert v == pytest.approx(e, abs=0.051)


def test_slide_count_titles_and_size(deck, prs):
    assert len(prs.slides) == len(deck.slides)
    assert (prs.slide_width, prs.slide_height) == (Emu(12191695), Emu(6858000))  # 13.333 × 7.5 in
    assert [s.shapes.title.text for s in prs.slides] == [s.title for s in deck.slides]
    for shape in (sh for s in prs.slides for sh in s.shapes):
        # Nothing runs off the page.
        assert shape.left >= 0 and shape.top >= 0
        assert shape.left + shape.width <= prs.slide_width and shape.top + shape.height <= prs.slide_height, shape.name


def test_footer_on_every_slide(deck, prs):
    assert deck.as_of_text.startswith("数据截至 2024年")
    for n, slide in enumerate(prs.slides, start=1):
        texts = _texts(slide)
        assert deck.footer in texts, n
        assert "示例数据，非真实统计" in deck.footer
        assert f"{n} / {len(deck.slides)}" in texts


def test_title_slide(deck, prs):
    texts = _texts(prs.slides[0])
    assert deck.plan_name in texts
    assert any(f"{deck.place} · {YEAR}年" in t and "数据截至" in t for t in texts)
    badge = [s for s in prs.slides[0].shapes if s.name == "Demo badge"]
    assert len(badge) == 1 and badge[0].text_frame.text == "示例数据，非真实统计"


def test_overall_chart_and_table_equal_the_scorecard(deck, prs):
    spec = deck.slides[1]
    assert spec.kind == "overall"
    (chart,) = _charts(prs.slides[1])
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    names, values = _expected_bars(spec.rows, spec.rows["indicator"].tolist(), completion_only=True)
    assert list(chart.plots[0].categories) == names
    _same(list(chart.series[0].values), values)
    (table,) = _tables(prs.slides[1])
    assert [table.cell(i + 1, 0).text for i in range(len(spec.rows))] == names
    statuses = [STATUS_LABELS.get(s, "—") if pd.notna(s) else "—" for s in spec.rows["status"]]
    assert [table.cell(i + 1, 4).text for i in range(len(spec.rows))] == statuses


def test_indicator_charts_equal_the_scorecard(deck, prs):
    own_level = "county" if deck.county else "city"
    checked = 0
    for spec, slide in zip(deck.slides, prs.slides):
        if spec.kind != "indicator":
            continue
        parts = spec.rows[spec.rows["level"] != own_level]
        if len(parts):
            rows, names = parts, parts["town" if deck.county else "county"].tolist()
        else:
            rows, names = spec.rows.iloc[:1], [deck.place]
        names, values = _expected_bars(rows, names)
        charts = _charts(slide)
        # nothing to draw (every value missing or 0): the slide says so, with 数据截至, instead of a chart
        assert bool(spec.no_chart) == all(v is None or v == 0 for v in values), spec.title
        if spec.no_chart:
            (box,) = [s for s in slide.shapes if s.name == "No chart"]
            assert charts == [] and box.text_frame.text == f"{spec.no_chart}\n{deck.as_of_text}"
            continue
        # one chart, or two side by side (first half, second half) where one could not name every bar
        assert len(charts) == (1 if len(names) <= 16 else 2), spec.title
        assert all(chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED for chart in charts)
        assert [c for chart in charts for c in chart.plots[0].categories] == names
        _same([v for chart in charts for v in chart.series[0].values], values)
        # Each bar is filled with its row's status colour.
        points = [point for chart in charts for point in chart.series[0].points]
        for point, status in zip(points, rows["status"], strict=True):
            color = STATUS_COLORS[None if pd.isna(status) else status].lstrip("#").upper()
            assert str(point.format.fill.fore_color.rgb) == color
        checked += 1
    assert checked >= 5


def test_indicator_text_box_has_the_places_figures(monitor, prs):
    deck = build_deck(monitor, YEAR)
    prs = Presentation(io.BytesIO(deck_pptx(deck)))
    i = next(i for i, s in enumerate(deck.slides) if s.indicator_id == "village_income_20w")
    (box,) = [s for s in prs.slides[i].shapes if s.name == "Figures"]
    text = box.text_frame.text
    own = deck.slides[i].rows.iloc[0]
    assert f"完成值：{own.actual * 100:.1f}%" in text
    assert f"年度目标：{own.target * 100:.1f}%" in text
    assert f"差距：{own.gap * 100:.1f}个百分点" in text
    assert f"完成率：{own.completion * 100:.1f}%" in text
    # 时序进度 is the rate comparable with 完成率; the value expected by the report date is 时序要求
    assert f"时序进度：{own.time_progress * 100:.1f}%" in text
    assert f"时序要求：{own.expected * 100:.1f}%" in text
    assert f"状态：{STATUS_LABELS[own.status]}" in text and f"趋势：{own.pace_label}" in text
    parts = deck.slides[i].rows.iloc[1:]
    for county in parts.loc[parts["status"] == "far_behind", "county"]:
        assert county in text.split("严重滞后：")[1]


def test_matrix_table_cells_are_status_labels(deck, prs):
    specs = [(s, p) for s, p in zip(deck.slides, prs.slides) if s.kind == "matrix"]
    if deck.county:
        assert specs == []
        return
    ((spec, slide),) = specs
    (table,) = _tables(slide)
    matrix = spec.rows
    assert len(table.rows) == len(matrix) + 1 and len(table.columns) == len(matrix.columns) + 1
    for i, (county, row) in enumerate(matrix.iterrows(), start=1):
        assert table.cell(i, 0).text == county
        for j, code in enumerate(row, start=1):
            assert table.cell(i, j).text == ("—" if code is None or pd.isna(code) else STATUS_LABELS[code])
            if code is not None and pd.notna(code):
                assert str(table.cell(i, j).fill.fore_color.rgb) == STATUS_COLORS[code].lstrip("#").upper()
    assert {table.cell(i, j).text for i in range(1, len(matrix) + 1) for j in range(1, len(matrix.columns) + 1)} \
        & set(STATUS_LABELS.values())


def test_cards_tables_list_every_card(deck, prs):
    ((spec, slide),) = [(s, p) for s, p in zip(deck.slides, prs.slides) if s.kind == "cards"]
    assert len(spec.rows) > 0
    listed = [[t.cell(i, c).text for c in range(3)] for t in _tables(slide) for i in range(1, len(t.rows))]
    every = spec.rows[["card", "responsible", "indicator"]].values.tolist()
    assert listed == every[: len(listed)]
    more = [s.text_frame.text for s in slide.shapes if s.name == "More cards"]
    # beyond what two tables hold, the rest is counted in a note
    assert more == ([f"另有 {len(every) - len(listed)} 项未列出，见看板红黄牌清单"] if len(listed) < len(every) else [])


def test_summary_bullets(deck, prs):
    (box,) = [s for s in prs.slides[-1].shapes if s.name == "Summary"]
    assert [p.text[2:] for p in box.text_frame.paragraphs] == list(deck.slides[-1].bullets)


def test_every_run_has_the_chinese_font(prs):
    runs = 0
    for slide in prs.slides:
        parts = [slide._element] + [c._chartSpace for c in _charts(slide)]
        for root in parts:
            for r in root.iter(qn("a:r")):
                rpr = r.find(qn("a:rPr"))
                assert rpr is not None and rpr.get("lang") == "zh-CN"
                assert rpr.find(qn("a:ea")).get("typeface") == "微软雅黑"
                assert rpr.find(qn("a:latin")).get("typeface") == "Arial"
                runs += 1
    assert runs > 200
    for chart in (c for s in prs.slides for c in _charts(s)):
        default = chart._chartSpace.find(qn("c:txPr")).find(".//" + qn("a:defRPr"))
        assert default.find(qn("a:ea")).get("typeface") == "微软雅黑"


def test_notes(deck):
    notes = [f"第{i}页：{s.title}" for i, s in enumerate(deck.slides, start=1)]
    prs = Presentation(io.BytesIO(deck_pptx(deck, notes)))
    assert [s.notes_slide.notes_text_frame.text for s in prs.slides] == notes
    with pytest.raises(ValueError):
        deck_pptx(deck, notes[:-1])


def test_cli_writes_city_and_county_decks(tmp_path, capsys, monitor):
    out = tmp_path / "市.pptx"
    assert main(["briefing", "--out", str(out), "--year", "2024"]) == 0
    # the CLI reads the demo's task ledger as of its last day (2024-09-30), as the page does
    ledger = briefing_ledger(monitor.plan, monitor.geo, open_store(DEFAULT_DATA), date(2024, 9, 30))
    city = build_deck(monitor, 2024, None, ledger)
    prs = Presentation(str(out))
    assert len(prs.slides) == len(city.slides)
    assert f"共 {len(city.slides)} 页" in capsys.readouterr().out

    out = tmp_path / "县.pptx"
    assert main(["briefing", "--out", str(out), "--county", "监利县"]) == 0  # the old name of 监利市
    county = build_deck(monitor, monitor.latest_year(), "监利市", ledger)
    prs = Presentation(str(out))
    assert [s.shapes.title.text for s in prs.slides] == [s.title for s in county.slides]
    assert "监利市" in capsys.readouterr().out


def test_cli_bad_county_and_year(tmp_path, capsys):
    out = tmp_path / "x.pptx"
    assert main(["briefing", "--out", str(out), "--county", "火星县"]) == 2
    err = capsys.readouterr().err
    assert "没有名为“火星县”的县（市、区）" in err and "公安县" in err and "荆州经济技术开发区" in err
    assert main(["briefing", "--out", str(out), "--year", "2030"]) == 2
    assert "2022、2023、2024" in capsys.readouterr().err
    assert not out.exists()
