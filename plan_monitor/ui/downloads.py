"""Download buttons under the pages' tables (Excel) and charts (PNG, SVG), and `audited`, the deferred data every
download button of the app goes through (tests/test_exports_audited.py checks that none goes around it).

Files are built only when a button is clicked (Streamlit's deferred download data runs the callable then),
so a rerun of a page costs nothing (a chart's titled copy for its image included), and a chart waits for Chromium
only when someone asks for its image. With sign-in on, each file given out is recorded in the audit trail (who,
which file, what it holds).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from plan_monitor.outputs.chart_image import chart_image, image_support, titled
from plan_monitor.outputs.export_table import XLSX_MIME, ExportTable
from plan_monitor.ui.auth import SIGNED_IN, Visitor, visitor
from plan_monitor.ui.web import access

IMAGE_MIME = {"png": "image/png", "svg": "image/svg+xml"}
IMAGE_WIDTH, IMAGE_HEIGHT = 1600, 900


def image_height(fig: go.Figure) -> int:
    """Tall charts (many counties or towns) keep their own height, plus room for the title, rather than being
    squeezed into IMAGE_HEIGHT."""
    return max(IMAGE_HEIGHT, int(fig.layout.height or 0) + 140)


def _file_name(name: str) -> str:
    """Place names go into file names; a slash would make a folder of them."""
    return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in name).strip() or "导出"


def audited(build: Callable[[], bytes | str], file_name: str, what: str,
            who: Visitor | None = None) -> Callable[[], bytes | str]:
    """A download button's deferred data: on click the file is built and, for a signed-in visitor (password or
    single sign-on), an `export` entry naming the file and what it holds goes to the audit trail. `who` is the
    visitor of the run that drew the button (default: this run's)."""
    who = who or visitor()

    def run() -> bytes | str:
        data = build()
        if who.mode == SIGNED_IN:
            access().record("export", who.actor, target=file_name, detail={"what": what})
        return data

    return run


Table = ExportTable | pd.DataFrame


def xlsx_button(table: Table | Callable[[], Table], title: str, note: str | Callable[[], str], name: str,
                label: str = "下载 Excel", sheet: str = "数据") -> None:
    """A table as an .xlsx file with its title and 数据截至 line (note) above the header. The table and the note
    may be given as functions that make them: they then run only on click (the whole scorecard's table is too big
    to build on every rerun of the page)."""
    file_name = f"{_file_name(name)}.xlsx"
    st.download_button(label, data=audited(xlsx_file(table, title, note, sheet), file_name, title),
                       file_name=file_name, mime=XLSX_MIME, on_click="ignore", key=f"xlsx_{name}",
                       icon=":material/download:")


def xlsx_file(table: Table | Callable[[], Table], title: str, note: str | Callable[[], str],
              sheet: str = "数据") -> Callable[[], bytes]:
    """The function that makes xlsx_button's file, building a table or note given as a function only when called."""

    def build() -> bytes:
        made = table() if callable(table) else table
        made = ExportTable(made, sheet) if isinstance(made, pd.DataFrame) else made
        return made.xlsx(title, note() if callable(note) else note)

    return build


def chart_buttons(fig: go.Figure, name: str, title: str | None = None, note: str | None = None) -> None:
    """PNG and SVG of a chart, titled for use outside the page; an explanation instead when this server
    cannot draw images (no Chromium)."""
    problem = image_support()
    if problem:
        st.caption(problem)
        return
    height = image_height(fig)
    row = st.container(horizontal=True)
    who = visitor()
    for fmt in ("png", "svg"):
        # the titled copy is made on click too: copying a figure costs ~20 ms, on every rerun of every chart
        file_name = f"{_file_name(name)}.{fmt}"
        row.download_button(f"下载图片（{fmt.upper()}）",
                            data=audited(lambda fmt=fmt: chart_image(titled(fig, title, note), fmt, IMAGE_WIDTH, height),
                                         file_name, f"图片：{title or name}", who),
                            file_name=file_name, mime=IMAGE_MIME[fmt], on_click="ignore",
                            key=f"{fmt}_{name}", icon=":material/image:")
