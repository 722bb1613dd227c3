"""The overview's whole-scorecard Excel is built only when the file is asked for, never on a page rerun, and is
then the same file as the table built up front (no timing asserted)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from plan_monitor.outputs import export_table
from plan_monitor.outputs.export_table import export_note, scorecard_export
from plan_monitor.paths import ROOT
from plan_monitor.ui.downloads import xlsx_file


def cells(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_a_table_and_note_given_as_functions_are_made_on_call_only(demo_scorecard):
    made = []

    def table():
        made.append("table")
        return scorecard_export(demo_scorecard.select())

    def note():
        made.append("note")
        return export_note(demo_scorecard)

    build = xlsx_file(table, "目标完成情况", note)
    assert made == []
    deferred = build()
    assert made == ["table", "note"]
    upfront = xlsx_file(scorecard_export(demo_scorecard.select()), "目标完成情况", export_note(demo_scorecard))()
    assert cells(deferred) == cells(upfront)
    assert len(cells(deferred)) == len(demo_scorecard.select()) + 3  # title, 数据截至 line, header


def test_overview_rerun_does_not_build_the_whole_scorecard_table(monkeypatch):
    monkeypatch.setenv("PLAN_MONITOR_AUTH", "off")
    sizes = []
    real = export_table.scorecard_export

    def counting(rows):
        sizes.append(len(rows))
        return real(rows)

    monkeypatch.setattr(export_table, "scorecard_export", counting)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/overview.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="pm_year").set_value(2023)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "下载全部指标完成情况（Excel）" in [b.proto.label for b in at.get("download_button")]
    assert sizes == []
