"""Any stored text exports without failing: a plan whose YAML names carry control characters (a double-quoted
"\\a" is a BEL, "\\e" an ESC) still gives a PPTX, a 情况通报 .docx and an .xlsx, each showing the character as its
control picture (␇, ␛) instead of failing in lxml or openpyxl."""

from __future__ import annotations

import io
import shutil
import zipfile

import openpyxl
import pytest
from docx import Document
from pptx import Presentation

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.bulletin import slide_notes
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.docx_export import bulletin_docx
from plan_monitor.outputs.briefing.pptx_export import deck_pptx
from plan_monitor.outputs.export_table import scorecard_xlsx
from plan_monitor.outputs.safe_text import printable, printable_frame
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS

PLAN_NAME = "荆州市基层党建工作提质增效三年行动计划"


@pytest.fixture(scope="module")
def monitor(tmp_path_factory):
    folder = tmp_path_factory.mktemp("controls")
    text = DEFAULT_TARGETS.read_text(encoding="utf-8")
    assert f"  name: {PLAN_NAME}\n" in text
    text = text.replace(f"  name: {PLAN_NAME}\n", f'  name: "{PLAN_NAME}\\a\\e"\n', 1)
    targets = folder / "targets.yaml"
    targets.write_text(text, encoding="utf-8")
    data = folder / "data"
    shutil.copytree(DEFAULT_DATA, data)
    m = Monitor.build(targets, data)
    assert m.plan.plan.name == f"{PLAN_NAME}\x07\x1b"  # the YAML really holds the control characters
    return m


def _xml_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


@pytest.mark.parametrize("county", [None, "公安县"])
def test_pptx_and_docx_show_control_pictures(monitor, county):
    deck = build_deck(monitor, 2024, county)
    assert "\x07" in deck.plan_name
    pptx = deck_pptx(deck, slide_notes(deck))
    texts = [shape.text_frame.text for slide in Presentation(io.BytesIO(pptx)).slides
             for shape in slide.shapes if shape.has_text_frame]
    assert any(f"{PLAN_NAME}␇␛" in t for t in texts)
    assert "\x07" not in _xml_text(pptx)
    docx = bulletin_docx(deck)
    paragraphs = [p.text for p in Document(io.BytesIO(docx)).paragraphs]
    assert any("␇␛" in p for p in paragraphs)
    assert "\x1b" not in _xml_text(docx)


def test_xlsx_export_shows_control_pictures(monitor):
    rows = monitor.card.rows.copy()
    rows.loc[rows.index[0], "indicator"] = "示范村\x07"
    rows.loc[rows.index[0], "town"] = "中山路街道\x00"
    data = scorecard_xlsx(rows, None, True, title=f"{PLAN_NAME}\x1b")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"示范村␇", "中山路街道␀", f"{PLAN_NAME}␛"} <= values


def test_printable_keeps_tab_newline_and_the_same_frame_when_clean():
    assert printable("a\tb\nc\rd") == "a\tb\nc\rd"
    assert printable("a\x00b\x1fc") == "a␀b␟c"
    assert printable(7) == 7
    import pandas as pd
    clean = pd.DataFrame({"名称": ["沙市区"], "值": [1.0]})
    assert printable_frame(clean) is clean
    dirty = pd.DataFrame({"名称\x07": ["沙\x0b市区"], "值": [1.0]})
    assert printable_frame(dirty).to_dict("list") == {"名称␇": ["沙␋市区"], "值": [1.0]}
