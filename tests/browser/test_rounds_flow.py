"""Rounds in real headless Chromium: one county's early year-end upload leaves the overview on the newest complete
round with a note, and choosing the newer round marks the other counties 沿用."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .server import ROOT, demo_copy, streamlit_server
from .test_flows import choose, open_page, settle, shot
from .test_upload_flow import upload

DEMO = ROOT / "data" / "demo"
COUNTY = "荆州区"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("rounds-data"))


@pytest.fixture(scope="module")
def app_url(data_dir):
    with streamlit_server({"PLAN_MONITOR_DATA": str(data_dir)}) as url:
        yield url


def year_end_roster(tmp: Path) -> Path:
    """荆州区's village roster of 2024-09-30, sent again as the 2024-12-31 round."""
    with open(DEMO / "village_2024-09-30.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    as_of = header.index("统计截至")
    body = [[*r[:as_of], "2024-12-31", *r[as_of + 1:]] for r in rows[1:] if r[2] == COUNTY]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *body])
    path = tmp / "荆州区村情况统计表_2024年末.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_an_early_round_keeps_the_overview_on_the_complete_round(app_url, page, tmp_path):
    upload(page, app_url, year_end_roster(tmp_path))
    page.get_by_label("提交人").fill("荆州区 李分析")
    page.get_by_role("button", name="确认提交").click()
    settle(page)
    expect(page.get_by_text("已提交为数据版本 v1").first).to_be_visible()

    open_page(page, app_url)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("数据截至 2024年9月30日")).to_be_visible()
    expect(main.get_by_text("2024年12月31日 一轮已有 1/9 县报送（荆州区）", exact=False)).to_be_visible()
    expect(page.locator(".pm-card-value").filter(has_text="255个")).to_have_count(1)  # 示范村 unchanged
    expect(page.get_by_role("combobox", name="统计截至")).to_have_value("2024-09-30（9/9 县已报送）")
    shot(page, "rounds-default")

    choose(page, "统计截至", "2024-12-31（1/9 县已报送）")
    expect(main.get_by_text("数据截至 2024年12月31日")).to_be_visible()
    expect(main.get_by_text("1/9 县已报送 2024年12月31日 一轮数据", exact=False)).to_be_visible()
    expect(main.get_by_text("8 个县沿用此前数据", exact=False).first).to_be_visible()
    assert "asof=2024-12-31" in page.url
    shot(page, "rounds-carried")

    page.goto(f"{app_url}/county?asof=2024-12-31&indicator=village_income_20w")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60000)
    settle(page)
    bars = page.locator(".js-plotly-plot").first
    expect(bars.get_by_text("沿用 9月30日 数据")).to_have_count(8)  # under each carried county's name
    shot(page, "rounds-county")
