"""时序进度 is one scorecard column: the overview page, the Excel export, the PPTX, the .docx bulletin and the
slide HTML show the same 时序进度, 完成值, 年度目标 and 完成率 for every indicator of the demo year.

Every expected string is derived here from the scorecard's city rows with the one formatter (fmt_rate for
rates, fmt_value for figures); each output is read back from what it actually renders or writes.
"""

from __future__ import annotations

import base64
import io
import re
from html import unescape

import numpy as np
import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from pages.page_runner import overview_cards
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.docx_export import bulletin_docx
from plan_monitor.outputs.briefing.pptx_export import deck_pptx
from plan_monitor.outputs.briefing.slide_html import render
from plan_monitor.outputs.export_table import export_note, scorecard_export
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS, ROOT
from plan_monitor.present.format import fmt_expected, fmt_rate, fmt_value
from plan_monitor.present.views import overview
from plan_monitor.spec.plan import LEVEL_LABELS

FIELDS = ("完成值", "年度目标", "完成率", "时序进度")


@pytest.fixture(scope="module")
def monitor() -> Monitor:
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


@pytest.fixture(scope="module")
def year(monitor) -> int:
    year = monitor.latest_year()
    assert year == 2024
    return year


@pytest.fixture(scope="module")
def city(monitor, year) -> pd.DataFrame:
    rows = monitor.card.select(year=year, level="city")
    assert len(rows) == len(monitor.plan.indicators) == 13
    # every indicator has a target this year, so every output has a 时序进度 to show
    assert rows["target"].notna().all() and rows["time_progress"].notna().all()
    return rows.set_index("indicator")


def expected(city: pd.DataFrame, unit_in_figures: bool = True) -> dict[str, dict[str, str]]:
    """indicator → the four strings, from the scorecard column with the one formatter. The .docx table has a
    单位 column of its own and writes its figures without the unit (except %)."""
    out = {}
    for name, r in city.iterrows():
        unit = r["unit"] if unit_in_figures or r["unit"] == "%" else ""
        out[name] = {"完成值": fmt_value(r["actual"], unit, r["kind"]), "年度目标": fmt_value(r["target"], unit, r["kind"]),
                     "完成率": fmt_rate(r["completion"]), "时序进度": fmt_rate(r["time_progress"])}
    return out


def test_the_rates_are_the_scorecard_columns_the_threshold_indicators_included(city):
    # The one definition: expected ÷ target (higher), (den − expected) ÷ den (threshold).
    threshold = city[city["kind"] == "threshold"]
    assert len(threshold) == 2
    assert list(threshold["time_progress"]) == pytest.approx(
        list((threshold["den"] - threshold["expected"]) / threshold["den"]))
    assert fmt_rate(city.at["示范县（市、区）", "time_progress"]) == "74.9%"  # 274 of 366 days of a flow year


# ---------------------------------------------------------------- 总览


def _chart_x(trace: dict) -> list[float]:
    x = trace["x"]
    if isinstance(x, dict):  # plotly ≥ 6 writes arrays as base64 typed data
        return np.frombuffer(base64.b64decode(x["bdata"]), dtype=np.dtype(x["dtype"])).tolist()
    return [np.nan if v is None else v for v in x]


def test_overview_page_shows_the_scorecard_figures(monitor, year, city):
    want = expected(city)
    rows, _ = overview(monitor, year)
    assert list(rows["indicator"]) == list(city.index)
    assert list(rows["time_progress"]) == list(city["time_progress"])

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/overview.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    cards, _ = overview_cards(at)
    titles, values, captions = ([card[key] for card in cards] for key in ("title", "value", "detail"))
    assert titles == list(city.index) and len(values) == len(captions) == len(titles)
    caption = re.compile(r"目标 (?P<年度目标>.+) · 差距 .+ · 完成率 (?P<完成率>.+) · 时序进度 (?P<时序进度>.+)")
    for name, value, text in zip(titles, values, captions):
        shown = {"完成值": value, **caption.fullmatch(text).groupdict()}
        assert shown == want[name], name

    # the completion chart (HTML, present/bars.py): one 时序进度 mark per indicator, at the same rate, and each
    # bar's value label
    (chart,) = [m.value for m in at.markdown if 'data-testid="pm-completion-bars"' in m.value]
    tips = [unescape(t) for t in re.findall(r'<div class="pm-bars-name" title="([^"]*)">', chart)]
    names = [unescape(n) for n in re.findall(r'<div class="pm-bars-name" title="[^"]*">(.*?)</div>', chart)]
    labels = dict(zip(names, re.findall(r'<span class="pm-bars-value[^"]*"[^>]*>(.*?)</span>', chart)))
    marks = {name: re.search(r"时序进度 (.+)", tip)[1] for name, tip in zip(names, tips)}
    assert names == list(city.index) and len(re.findall('class="pm-bars-tick"', chart)) == len(names)
    assert marks == {name: w["时序进度"] for name, w in want.items()}
    assert labels == {name: w["完成率"] for name, w in want.items()}


# ---------------------------------------------------------------- Excel


def test_excel_export_carries_the_same_figures(monitor, year, city):
    want = expected(city)
    # the 全部指标完成情况 download of the overview page
    data = scorecard_export(monitor.card.select()).xlsx("目标完成情况", export_note(monitor.card))
    ws = load_workbook(io.BytesIO(data)).active
    header = [str(c.value).removesuffix("（%）") for c in ws[3]]
    col = {name: header.index(name) for name in ("指标", "单位", "层级", "年度", *FIELDS)}
    kinds = dict(zip(city.index, city["kind"]))
    shown = {}
    for row in ws.iter_rows(min_row=4):
        cells = [c for c in row]
        if cells[col["层级"]].value != LEVEL_LABELS["city"] or cells[col["年度"]].value != year:
            continue
        name, unit = cells[col["指标"]].value, cells[col["单位"]].value
        for rate in ("完成率", "时序进度"):
            assert cells[col[rate]].number_format == "0.0%"
        shown[name] = {
            "完成值": fmt_value(cells[col["完成值"]].value, unit, kinds[name]),
            "年度目标": fmt_value(cells[col["年度目标"]].value, unit, kinds[name]),
            "完成率": fmt_rate(cells[col["完成率"]].value), "时序进度": fmt_rate(cells[col["时序进度"]].value)}
    assert shown == want


# ---------------------------------------------------------------- the briefing: PPTX, .docx, slide HTML


@pytest.fixture(scope="module")
def deck(monitor, year):
    return build_deck(monitor, year)


def indicator_slides(deck) -> list[int]:
    return [i for i, s in enumerate(deck.slides) if s.kind == "indicator"]


def test_pptx_facts_carry_the_same_figures(deck, city):
    want = expected(city)
    prs = Presentation(io.BytesIO(deck_pptx(deck)))
    shown = {}
    for i in indicator_slides(deck):
        (box,) = [s for s in prs.slides[i].shapes if s.name == "Figures"]
        facts = dict(line.split("：", 1) for line in box.text_frame.text.split("\n") if "：" in line)
        shown[deck.slides[i].title] = {k: facts[k] for k in FIELDS}
        # the value expected by the report date, beside the rate, under its own name
        own = city.loc[deck.slides[i].title]
        assert facts["时序要求"] == fmt_expected(own["expected"], own["unit"], own["kind"], own["direction"])
    assert shown == want


def test_docx_bulletin_table_carries_the_same_figures(deck, city):
    want = expected(city, unit_in_figures=False)
    (table,) = Document(io.BytesIO(bulletin_docx(deck))).tables
    cells = [[c.text for c in row.cells] for row in table.rows]
    header = cells[0]
    shown = {r[header.index("指标")]: {k: r[header.index(k)] for k in FIELDS} for r in cells[1:]}
    assert shown == want


def test_slide_html_carries_the_same_figures(deck, city):
    want = expected(city)
    cell = re.compile(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>")
    actual = re.compile(r'<div class="pm-actual">(.*?)</div>')
    shown = {}
    for i in indicator_slides(deck):
        body = render(deck, i).body
        table = {k: unescape(v) for k, v in cell.findall(body)}
        shown[deck.slides[i].title] = {"完成值": unescape(actual.search(body).group(1)),
                                       **{k: table[k] for k in FIELDS[1:]}}
    assert shown == want
