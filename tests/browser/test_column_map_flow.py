"""列对应 in real headless Chromium: a published village table whose headers do not match is rejected with its
reading, two columns are mapped in the page, the file is read again and committed, and the overview's 示范村 count
changes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.published_tables import VILLAGE_MAP, village_funding

from .server import ROOT, demo_copy, streamlit_server
from .test_flows import open_page, settle

DEMO = ROOT / "data" / "demo"
COUNTY = "江陵县"
FLIPPED = 3  # villages of COUNTY newly named 示范村 in the published list
BEFORE = 255  # 示范村 on the overview before the upload


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    with streamlit_server({"PLAN_MONITOR_DATA": str(demo_copy(tmp_path_factory.mktemp("colmap-data")))}) as url:
        yield url


def pick(page, label: str, option: str) -> None:
    """Choose an option of the selectbox labelled `label`, typing to filter it (the drop-down list is virtualised:
    an option far down may not be drawn yet)."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.scroll_into_view_if_needed()
    box.click()
    page.keyboard.type(option.split(" ", 1)[1])
    page.get_by_role("option", name=option, exact=True).click(timeout=30000)
    settle(page)


def published_list(tmp: Path) -> Path:
    """The first villages of COUNTY that are not 示范村 at 2024-09-30, in the published funding-table layout."""
    with open(DEMO / "village_2024-09-30.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["县（市、区）"] == COUNTY and r["是否示范村（社区）"] == "否"]
    listed = [[i, COUNTY, r["乡镇（街道）"], r["村（社区）"], r["类型"], "是", 20, 2024, "2024-09-30"]
              for i, r in enumerate(rows[:FLIPPED], start=1)]
    name, content = village_funding(rows=listed)
    path = tmp / name
    path.write_bytes(content)
    return path


def test_map_two_columns_in_the_page_commit_and_the_overview_changes(app_url, page, tmp_path):
    open_page(page, app_url)
    cards = page.locator(".pm-card .pm-card-value")
    expect(cards.filter(has_text=f"{BEFORE}个")).to_have_count(1)

    open_page(page, f"{app_url}/upload")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(published_list(tmp_path)))
    page.wait_for_selector("text=第三步", timeout=60000)
    settle(page)
    app = page.locator('[data-testid="stApp"]')
    expect(app).to_contain_text("缺少必填列 “年度”、“类型”", timeout=30000)
    expect(app).to_contain_text("第3行作为表头：已识别 县区市、镇街、示范村名称", timeout=30000)
    mapper = page.locator('[data-testid="stExpander"]').filter(has_text="按此对应重新读取")
    expect(mapper).to_contain_text("未识别", timeout=30000)

    labels = {"year": "年度 *", "unit_type": "类型 *"}
    for key, header in VILLAGE_MAP.items():
        pick(page, labels[key], f"第{8 if key == 'year' else 5}列 {header}")
    page.get_by_role("button", name="按此对应重新读取").click()
    settle(page)
    expect(app).to_contain_text("校验通过", timeout=30000)
    expect(app).to_contain_text("按列对应读取：“填报年份”按“年度”读取；“村社别”按“类型”读取", timeout=30000)

    page.get_by_label("提交人").fill("江陵县 王分析")
    page.get_by_role("button", name="确认提交").click()
    settle(page)
    expect(app).to_contain_text("已提交为数据版本 v1", timeout=30000)
    expect(app).to_contain_text("列对应已保存", timeout=30000)

    open_page(page, app_url)
    expect(cards.filter(has_text=f"{BEFORE + FLIPPED}个")).to_have_count(1, timeout=30000)
