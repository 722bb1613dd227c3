"""Hostile files through the upload page in real headless Chromium (issue 13): a CSV with a stray quote and a
zip-bomb .xlsx each get their Chinese message, no traceback, and nothing is committed."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.hostile_files import corpus, folder_hash

from .server import demo_copy, streamlit_server
from .test_flows import open_page, settle, shot

CASES = {case.key: case for case in corpus()}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("hostile-upload-data"))


@pytest.fixture(scope="module")
def app_url(data_dir):
    with streamlit_server({"PLAN_MONITOR_DATA": str(data_dir)}) as url:
        yield url


@pytest.mark.parametrize("key", ["csv_stray_quote", "zip_huge_part"])
def test_a_hostile_file_gets_its_chinese_message_and_nothing_is_committed(key, app_url, page, tmp_path, data_dir):
    case = CASES[key]
    path = tmp_path / case.file_name
    path.write_bytes(case.make())
    before = folder_hash(data_dir)
    open_page(page, f"{app_url}/upload")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.wait_for_selector("text=第三步", timeout=60000)
    settle(page)
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="当前数据未作任何改动")
    expect(alert).to_be_visible()
    shown = alert.inner_text()
    assert case.message.split("；")[0] in shown, shown
    shot(page, f"upload-hostile-{key}")
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Traceback" not in body and "内部错误" not in body, body[:2000]
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("button", name="确认提交").count() == 0
    assert folder_hash(data_dir) == before
    assert not (data_dir / "store" / "manifest.json").exists()


def test_a_file_name_with_markdown_characters_is_shown_as_typed(app_url, page, tmp_path, data_dir):
    """Messages quote the file name; underscores, asterisks and $ must not turn into italics, bold or a formula."""
    name = "荆州_2024_*村*名单$1$.csv"
    path = tmp_path / name
    path.write_bytes(CASES["csv_stray_quote"].make())
    open_page(page, f"{app_url}/upload")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    alert = page.locator('[data-testid="stAlert"]').filter(has_text="当前数据未作任何改动")
    expect(alert).to_contain_text(f"{name}：第 2 行起的单元格超过", timeout=60000)
    assert alert.locator("em, strong, .katex").count() == 0
