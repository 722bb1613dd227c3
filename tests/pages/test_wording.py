"""What a user reads is Chinese and true: the uploader's limit is the checks' limit, its wording names the button
it shows, and no table cell reads None / nan / NaT / <NA>."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest
from page_runner import open_page

from plan_monitor.ingest.model import MAX_BYTES
from plan_monitor.paths import ROOT
from plan_monitor.ui.uploader import BUTTON


def test_the_upload_size_limit_is_the_checks_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_BYTES


def test_upload_page_names_the_button_it_shows():
    at = open_page("upload")
    captions = "\n".join(c.value for c in at.caption)
    assert f"点击“{BUTTON}”" in captions and "Browse" not in captions
    assert "单个文件不超过 50 MB" in captions


@pytest.mark.parametrize("page", ["overview", "county", "town", "trend", "reporting", "versions"])
def test_no_table_cell_reads_none_or_nan(page):
    for table in open_page(page).dataframe:
        value = table.value
        frame = value.data if hasattr(value, "data") else value  # a Styler keeps its frame in .data
        cells = frame.astype(object).to_numpy().ravel()
        assert not any(v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and v != v) for v in cells), page
        assert not {"None", "nan", "NaT", "<NA>"} & {str(v) for v in cells}, page
