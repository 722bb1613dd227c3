"""The briefing's task slide: the demo's task ledger (as of 2024-09-30, its last day and the figures' 数据截至) and
the 督办 items in the deck model, on the projector markup, in the PPTX (a native chart of Ledger.counts()) and in the
情况通报, each with the exact counts and item lines."""

from __future__ import annotations

import io
from datetime import date

import pyarrow as pa
import pytest
from docx import Document
from pptx import Presentation

from plan_monitor.cli import main
from plan_monitor.ledger.state import build_ledger, item_key
from plan_monitor.metrics.monitor import Monitor
from plan_monitor.metrics.supervision import monitor_items
from plan_monitor.outputs.briefing.bulletin import (
    TASK_HEADINGS,
    bulletin,
    slide_notes,
    supervision_paragraph,
    tasks_paragraph,
)
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.docx_export import bulletin_docx
from plan_monitor.outputs.briefing.pptx_export import TASK_COLUMNS, deck_pptx
from plan_monitor.outputs.briefing.slide_html import render
from plan_monitor.outputs.briefing.tasks import briefing_ledger
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.sources import open_store
from plan_monitor.sources.task_events import EVENT_SCHEMA

DAY = date(2024, 9, 30)
TASKS_TEXT = ("截至2024年9月30日，任务台账共19项任务、9个填报单位（164项责任事项）；已销号33个、推进中102个、滞后29个"
              "（其中逾期7个）。逾期的有：实施“思想淬炼”工程（公安县、江陵县、石首市，逾期未报1期）、"
              "“全域创优、整体跃升”行动（公安县、江陵县，逾期未报1期）、党建“培优”行动（江陵县、洪湖市，逾期未报1期）；"
              "自报滞后的有：开展“寻忆初心”活动（洪湖市、监利市）、“红色蜂巢”建设行动（公安县）等14项。")
SUPERVISION_TEXT = ("督办方面，截至2024年9月30日，全市因指标严重滞后累计立项督办51项，已恢复正常推进或完成、自动销号2项，"
                    "未销号49项（红色48项、黄色0项、蓝色1项）；各地尚未报送整改措施。")
# the first six lines, most urgent first: state, task, reporters, detail
FIRST_SIX = [
    ["逾期", "实施“思想淬炼”工程", "公安县、江陵县、石首市", "逾期未报1期"],
    ["逾期", "“全域创优、整体跃升”行动", "公安县、江陵县", "逾期未报1期"],
    ["逾期", "党建“培优”行动", "江陵县、洪湖市", "逾期未报1期"],
    ["滞后", "开展“寻忆初心”活动", "洪湖市、监利市", "自报滞后"],
    ["滞后", "“红色蜂巢”建设行动", "公安县", "自报滞后"],
    ["滞后", "城乡融合发展典型项目培育工程", "公安县", "自报滞后"],
]


@pytest.fixture(scope="module")
def monitor():
    return Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)


@pytest.fixture(scope="module")
def ledger(monitor):
    return briefing_ledger(monitor.plan, monitor.geo, open_store(DEFAULT_DATA), DAY)


@pytest.fixture(scope="module")
def deck(monitor, ledger):
    return build_deck(monitor, 2024, None, ledger)


def _task_slide(deck):
    (index,) = [i for i, s in enumerate(deck.slides) if s.kind == "tasks"]
    return index, deck.slides[index]


# --- the deck model ------------------------------------------------------------------------------------------

def test_the_task_slide_reads_the_ledgers_counts(deck, ledger):
    index, slide = _task_slide(deck)
    assert index == len(deck.slides) - 2 == 17 and deck.slides[-1].kind == "summary"
    assert slide.title == "荆州市重点任务推进和督办情况"
    assert slide.subtitle == "19 项任务、9 个填报单位、164 项责任事项 · 台账截至 2024年9月30日"
    f = slide.tasks
    assert f.day == DAY and (f.tasks, f.reporters, f.assignments) == (19, 9, 164)
    assert f.counts == ledger.counts() == {"closed": 33, "ongoing": 102, "behind": 29}
    assert f.overdue == ledger.state_counts()["overdue"] == 7
    assert f.supervision == {"red": 48, "yellow": 0, "blue": 1, "grey": 2} and f.open_items == 49
    assert (f.measures, f.measured_items) == (0, 0)


def test_the_items_are_the_behind_group_most_urgent_first(deck):
    f = _task_slide(deck)[1].tasks
    lines = [[r.state_label, r.title, "、".join(r.reporters), r.detail] for r in f.items.itertuples()]
    assert lines[:6] == FIRST_SIX
    assert len(lines) == 14 and int(f.items["size"].sum()) == f.counts["behind"] == 29
    assert list(f.items["state"]).count("overdue") == 3 and int(f.items.loc[f.items["state"] == "overdue", "size"].sum()) == 7
    assert lines[-1] == ["滞后", "基层党建示范创建", "荆州经济技术开发区", "自报滞后"]


def test_a_county_deck_counts_its_own_assignments_and_items(monitor, ledger):
    deck = build_deck(monitor, 2024, "公安县", ledger)
    slide = deck.slides[-2]
    f = slide.tasks
    assert slide.title == "公安县重点任务推进和督办情况"
    assert (f.tasks, f.reporters, f.assignments) == (18, 1, 18)
    assert f.counts == {"closed": 0, "ongoing": 9, "behind": 9} and f.overdue == 2
    assert f.supervision == {"red": 9, "yellow": 0, "blue": 0, "grey": 0}
    assert set(r for rs in f.items["reporters"] for r in rs) == {"公安县"} and len(f.items) == 9


def test_no_ledger_no_task_slide(monitor):
    assert briefing_ledger(monitor.plan, monitor.geo, None, DAY) is None
    untasked = monitor.plan.model_copy(update={"tasks": []})
    assert briefing_ledger(untasked, monitor.geo, open_store(DEFAULT_DATA), DAY) is None
    deck = build_deck(monitor, 2024)
    assert len(deck.slides) == 18 and "tasks" not in {s.kind for s in deck.slides}
    b = bulletin(deck)
    assert b.tasks_paragraph == b.supervision_paragraph == "" and len(b.headings) == 3
    assert "重点任务" not in "\n".join(p.text for p in Document(io.BytesIO(bulletin_docx(deck))).paragraphs)


def test_measures_on_supervision_items_are_counted(monitor, ledger):
    """Two 整改措施 on one open item of 公安县 (and one on a key no item has): 2 measures, 1 item."""
    items = monitor_items(monitor)
    first = items[items["county"] == "公安县"].iloc[0]
    key = item_key(first["indicator_id"], "公安县", first["opened_at"])
    _, events = open_store(DEFAULT_DATA).task_ledger()
    start = max(events["event"].to_pylist()) + 1
    extra = [{"event": start + i, "batch": 99, "plan": monitor.plan.plan.id, "kind": "measure", "task_id": "",
              "reporter": "公安县", "period": "", "status": "", "progress": "", "evidence": "", "reason": "",
              "item": item, "user": "公安县填报员", "role": "county_analyst", "at": "2024-09-20T10:00:00+08:00"}
             for i, item in enumerate([key, key, "nothing|公安县|2024-01-01"])]
    measured = build_ledger(monitor.plan, monitor.geo,
                            pa.concat_tables([events, pa.Table.from_pylist(extra, schema=EVENT_SCHEMA)]), DAY)
    deck = build_deck(monitor, 2024, None, measured, items)
    f = deck.slides[-2].tasks
    assert (f.measures, f.measured_items) == (2, 1) and f.counts == ledger.counts()
    assert supervision_paragraph(deck).endswith("；各地已报送整改措施2条，涉及1项督办事项。")
    county = build_deck(monitor, 2024, "公安县", measured, items)
    assert supervision_paragraph(county).endswith("；已报送整改措施2条，涉及1项督办事项。")


# --- the projector markup ------------------------------------------------------------------------------------

def test_the_slide_markup_shows_the_counts_and_six_items(deck):
    index, slide = _task_slide(deck)
    view = render(deck, index)
    assert view.figure is None and slide.title in view.head and slide.subtitle in view.head
    for group, n in (("closed", 33), ("ongoing", 102), ("behind", 29)):
        assert f'data-group="{group}" ' in view.body and f'<span class="pm-n">{n}</span>' in view.body
    assert "其中逾期 7 个" in view.body and 'data-open="49"' in view.body and "督办事项未销号 49 项" in view.body
    assert "红色 48" in view.body and "已自动销号 2 项 · 整改措施 0 条" in view.body
    assert view.body.count('class="pm-item"') == 6
    for state, title, who, detail in FIRST_SIX:
        assert f'<div class="pm-ititle">{title}</div><div class="pm-iwho">{who} · {detail}</div>' in view.body
    assert "“街长制”" not in view.body and "…… 等 14 项（另 8 项见任务台账）" in view.body


# --- the PPTX ------------------------------------------------------------------------------------------------

def test_the_pptx_task_slide_charts_the_ledgers_counts(deck, ledger):
    index, slide = _task_slide(deck)
    prs = Presentation(io.BytesIO(deck_pptx(deck, slide_notes(deck))))
    page = prs.slides[index]
    assert page.shapes.title.text == slide.title
    (chart,) = [s.chart for s in page.shapes if s.has_chart]
    plot = chart.plots[0]
    assert list(plot.categories) == ["已销号", "推进中", "滞后"]
    assert list(plot.series[0].values) == [float(v) for v in ledger.counts().values()] == [33.0, 102.0, 29.0]
    (table,) = [s.table for s in page.shapes if s.has_table]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells == [TASK_COLUMNS, *FIRST_SIX]
    texts = "\n".join(s.text_frame.text for s in page.shapes if s.has_text_frame)
    assert "滞后 29 个，其中逾期 7 个" in texts
    assert "督办事项未销号 49 项（红色 48、黄色 0、蓝色 1），已自动销号 2 项，整改措施 0 条" in texts
    assert "…… 等 14 项（另 8 项见任务台账）" in texts and "台账截至 2024年9月30日" in texts
    assert page.notes_slide.notes_text_frame.text == TASKS_TEXT + SUPERVISION_TEXT


def test_the_cli_briefing_has_the_task_slide(tmp_path, capsys):
    out = tmp_path / "汇报.pptx"
    assert main(["briefing", "--out", str(out)]) == 0
    assert "共 19 页" in capsys.readouterr().out
    page = Presentation(str(out)).slides[17]
    (chart,) = [s.chart for s in page.shapes if s.has_chart]
    assert list(chart.plots[0].series[0].values) == [33.0, 102.0, 29.0]
    assert main(["briefing", "--out", str(out), "--day", "2024-06-30"]) == 0
    assert "台账截至 2024年6月30日" in "\n".join(
        s.text_frame.text for s in Presentation(str(out)).slides[17].shapes if s.has_text_frame)


# --- the 情况通报 ----------------------------------------------------------------------------------------------

def test_the_bulletin_has_the_task_and_supervision_paragraphs(deck):
    b = bulletin(deck)
    assert b.headings == TASK_HEADINGS
    assert b.tasks_paragraph == tasks_paragraph(deck) == TASKS_TEXT
    assert b.supervision_paragraph == SUPERVISION_TEXT
    texts = [p.text for p in Document(io.BytesIO(bulletin_docx(deck))).paragraphs]
    at = texts.index("三、重点任务推进和督办情况")
    assert texts[at + 1: at + 4] == [TASKS_TEXT, SUPERVISION_TEXT, "四、下一步工作要求"]
    assert texts.index("二、红黄牌情况") < at
