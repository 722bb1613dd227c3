"""Upload flows in real headless Chromium, on a copy of the demo data so the bundled files stay untouched."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .server import ROOT, demo_copy, streamlit_server
from .test_flows import open_page, settle, shot

DEMO = ROOT / "data" / "demo"
COUNTY = "江陵县"
FLIPPED = 5  # villages of COUNTY newly named 示范村 in the uploaded report


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("upload-data"))


@pytest.fixture(scope="module")
def app_url(data_dir):
    with streamlit_server({"PLAN_MONITOR_DATA": str(data_dir)}) as url:
        yield url


def cached(path: Path) -> bool:
    """A persisted scorecard (store/cache/): figures kept for the next process, not data."""
    return path.parent.name == "cache" and path.parent.parent.name == "store"


def county_report_gb18030(tmp: Path) -> Path:
    """江陵县's 2024-09-30 village roster as WPS saves it: GB18030, a title row, five more 示范村."""
    with open(DEMO / "village_2024-09-30.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], [r for r in rows[1:] if r[2] == COUNTY]
    demo_col, year_col = header.index("是否示范村（社区）"), header.index("示范命名年度")
    flipped = 0
    for r in body:
        if r[demo_col] == "否" and flipped < FLIPPED:
            r[demo_col], r[year_col] = "是", "2024"
            flipped += 1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["荆州市2024年示范村创建情况统计表（江陵县）"] + [""] * (len(header) - 1))
    writer.writerow(header)
    writer.writerows(body)
    path = tmp / "江陵县村情况统计表.csv"
    path.write_bytes(out.getvalue().encode("gb18030"))
    return path


def upload(page, url: str, path: Path) -> None:
    open_page(page, f"{url}/upload")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.wait_for_selector("text=第三步", timeout=60000)
    settle(page)


def test_gb18030_roster_with_title_row_uploads_and_changes_the_overview(app_url, page, tmp_path):
    open_page(page, app_url)
    metrics = page.locator(".pm-card .pm-card-value")
    expect(metrics.filter(has_text="255个")).to_have_count(1)  # 示范村 before the upload

    upload(page, app_url, county_report_gb18030(tmp_path))
    expect(page.get_by_text("校验通过，没有发现问题。")).to_be_visible()
    expect(page.get_by_text("文件编码：GB18030").first).to_be_visible()
    expect(page.get_by_text("荆州市2024年示范村创建情况统计表").first).to_be_visible()  # the skipped title row
    shot(page, "upload-checked")
    page.get_by_label("提交人").fill("江陵县 王分析")
    page.get_by_role("button", name="确认提交").click()
    settle(page)
    expect(page.get_by_text("已提交为数据版本 v1").first).to_be_visible()
    shot(page, "upload-committed")

    open_page(page, app_url)
    expect(page.locator(".pm-card-value").filter(has_text=f"{255 + FLIPPED}个")).to_have_count(1)


def test_a_bad_file_gets_the_chinese_error_report_and_changes_nothing(app_url, page, tmp_path, data_dir):
    before = sorted((p.name, p.stat().st_size) for p in data_dir.rglob("*") if p.is_file() and not cached(p))
    bad = tmp_path / "错误报表.csv"
    bad.write_bytes("年度,县（市、区）,乡镇（街道）,村（社区）,类型,是否示范村（社区）,村集体经济收入（万元）\r\n"
                    "2024,沙市,中山路街道,谭场村,村,是,-5\r\n"
                    "2024,沙市区,中山路街道,史庙村,村,也许,12\r\n".encode("gb18030"))
    upload(page, app_url, bad)
    expect(page.get_by_text("不能提交").first).to_be_visible()
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible()
    shot(page, "upload-rejected")
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "发现 3 个错误" in body, body[:2000]
    assert page.get_by_role("button", name="确认提交").count() == 0
    after = sorted((p.name, p.stat().st_size) for p in data_dir.rglob("*") if p.is_file() and not cached(p))
    assert after == before


def test_a_replace_that_removes_units_needs_the_number_typed(app_url, page, tmp_path, data_dir):
    """整体替换 of 沙市区's 2024-09-30 roster without two of its villages: the preview counts 删除 2 and the
    confirm button waits for the number typed."""
    with open(DEMO / "village_2024-09-30.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    body = [r for r in rows[1:] if r[2] == "沙市区"]
    path = tmp_path / "沙市区整体替换.csv"
    path.write_text("\n".join(",".join(r) for r in [rows[0], *body[2:]]) + "\n", encoding="utf-8")
    open_page(page, f"{app_url}/upload")
    page.get_by_text("整体替换", exact=True).click()
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.wait_for_selector("text=第三步", timeout=60000)
    settle(page)
    expect(page.get_by_text("整体替换将删除 2 个单位。").first).to_be_visible()
    page.get_by_label("提交人").fill("沙市区 李统计")
    page.get_by_text("我已核对以上").click()
    settle(page)
    commit = page.get_by_role("button", name="确认提交")
    expect(commit).to_be_disabled()
    page.get_by_label("输入将删除的单位数").fill("2")
    page.get_by_label("输入将删除的单位数").press("Enter")
    settle(page)
    shot(page, "upload-replace-1920")
    page.set_viewport_size({"width": 1280, "height": 720})
    settle(page)
    shot(page, "upload-replace-1280")
    expect(commit).to_be_enabled()
    commit.click()
    settle(page)
    expect(page.get_by_text("已提交为数据版本").first).to_be_visible()
