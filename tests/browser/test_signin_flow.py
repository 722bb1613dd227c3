"""Sign-in in real headless Chromium, with sign-in on and an accounts store in a temporary home: the session
survives a reload and a second tab (an HttpOnly cookie, nothing readable by JavaScript), sign-out ends it in every
tab, a viewer is refused at /upload, a county analyst's mixed-county file is refused with nothing changed, five
wrong passwords lock, and anonymous viewing reaches only the overview and 汇报模式."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from argon2 import PasswordHasher

from plan_monitor.access import Access, local_admin
from plan_monitor.sources import open_store

from .server import ROOT, demo_copy, streamlit_server
from .test_flows import settle

PASSWORD = "correct horse"


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("home")
    access = Access(folder, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    admin = local_admin("tester")
    access.add("viewer1", PASSWORD, "viewer", admin, display="张查看")
    access.add("jiangling", PASSWORD, "county_analyst", admin, counties=["江陵县"], display="王分析")
    access.add("city", PASSWORD, "city_analyst", admin, display="李统计")
    access.add("locky", PASSWORD, "viewer", admin)
    return folder


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("signin-data"))


@pytest.fixture(scope="module")
def app_url(home, data_dir):
    env = {"PLAN_MONITOR_AUTH": "on", "PLAN_MONITOR_HOME": str(home), "PLAN_MONITOR_DATA": str(data_dir)}
    with streamlit_server(env) as url:
        yield url


def ready(page) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=60000)
    settle(page)


def sign_in(page, url: str, name: str, password: str = PASSWORD, path: str = "/overview") -> None:
    page.goto(url + path)
    page.wait_for_selector("form[action='/signin']")  # the gate sent the page load to /signin
    page.fill("#name", name)
    page.fill("#password", password)
    page.click("button[type=submit]")


def test_sign_in_reload_second_tab_and_sign_out(app_url, page, home):
    sign_in(page, app_url, "city")
    page.wait_for_url(app_url + "/overview*")
    ready(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_contain_text("已登录：李统计（市级分析员）", timeout=30000)
    assert page.evaluate("document.cookie").find("pm_session") == -1  # HttpOnly: JavaScript cannot read it
    cookie = next(c for c in page.context.cookies() if c["name"] == "pm_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    local = page.evaluate("JSON.stringify(Object.assign({}, localStorage, sessionStorage))")
    assert cookie["value"] not in local and PASSWORD not in local

    page.reload()
    ready(page)
    expect(sidebar).to_contain_text("已登录：李统计", timeout=30000)
    assert "/signin" not in page.url

    second = page.context.new_page()
    second.goto(app_url + "/county")
    ready(second)
    expect(second.locator('[data-testid="stSidebar"]')).to_contain_text("已登录：李统计", timeout=30000)
    expect(second.locator('[data-testid="stSidebarNav"]')).to_contain_text("数据上传", timeout=30000)
    sidebar.get_by_role("button", name="退出登录").click()
    settle(page)
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("请先登录", timeout=30000)
    # the other tab is signed out at its next action
    second.locator('[data-testid="stSidebarNav"]').get_by_text("分乡镇").click()
    settle(second)
    expect(second.locator('[data-testid="stMain"]')).to_contain_text("请先登录", timeout=30000)
    assert [e["action"] for e in Access(home).audit()][-2:] == ["sign_in", "sign_out"]
    second.goto(app_url + "/county")  # a fresh page load goes to the sign-in form
    second.wait_for_selector("form[action='/signin']")


def test_a_viewer_never_gets_the_upload_page(app_url, page):
    sign_in(page, app_url, "viewer1", path="/upload")
    page.wait_for_url(app_url + "/upload*")
    ready(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "无权打开“数据上传”" in main and "第一步" not in main
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "数据上传" not in nav and "总览" in nav and "报送情况" in nav


def mixed_report() -> bytes:
    with open(ROOT / "data" / "demo" / "village_2024-09-30.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    county = rows[0].index("县（市、区）")
    body = [r for r in rows[1:] if r[county] == "江陵县"] + [next(r for r in rows[1:] if r[county] == "公安县")]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([rows[0], *body])
    return out.getvalue().encode("utf-8")


def test_a_county_analysts_mixed_county_file_is_refused_and_nothing_changes(app_url, page, data_dir, home, tmp_path):
    before = open_store(data_dir).head()
    file = tmp_path / "江陵县.csv"
    file.write_bytes(mixed_report())
    sign_in(page, app_url, "jiangling", path="/upload")
    page.wait_for_url(app_url + "/upload*")
    ready(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(file))
    page.wait_for_selector("text=第五步", timeout=90000)
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("提交人：王分析（县级分析员）", timeout=30000)
    assert main.get_by_label("提交人").count() == 0  # no free-text box
    box = main.locator('[data-testid="stCheckbox"]')
    if box.count():
        box.first.click()
        settle(page)
    main.get_by_role("button", name="确认提交").click()
    settle(page)
    expect(main).to_contain_text("只能提交 江陵县 的数据，江陵县.csv 含有 公安县 的数据；未提交", timeout=30000)
    assert open_store(data_dir).head() == before
    assert Access(home).audit()[-1]["action"] == "upload_refused"


def test_five_wrong_passwords_lock_the_account(app_url, page):
    for attempt in range(1, 6):
        sign_in(page, app_url, "locky", "wrong password", path="/overview")
        page.wait_for_selector("[role=alert]")
        message = page.locator("[role=alert]").inner_text()
        assert ("已锁定" in message) is (attempt == 5), (attempt, message)
    sign_in(page, app_url, "locky", PASSWORD)
    page.wait_for_selector("[role=alert]")
    expect(page.locator("[role=alert]")).to_contain_text("已锁定", timeout=30000)
    assert page.url.endswith("/signin")


def test_anonymous_viewing_shows_only_the_overview_and_the_presentation(home, data_dir, page):
    env = {"PLAN_MONITOR_AUTH": "on", "PLAN_MONITOR_ANONYMOUS": "on", "PLAN_MONITOR_HOME": str(home),
           "PLAN_MONITOR_DATA": str(data_dir)}
    with streamlit_server(env) as url:
        page.goto(url + "/overview")
        ready(page)
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "总览" in nav and "汇报模式" in nav
        assert not any(title in nav for title in ("分县", "分乡镇", "数据上传", "报送情况", "数据版本"))
        expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("未登录（匿名查看）", timeout=30000)
        for path in ("/county", "/upload"):
            page.goto(url + path)
            ready(page)
            expect(page.locator('[data-testid="stMain"]')).to_contain_text("未登录时只能查看总览和汇报模式", timeout=30000)
        page.goto(url + "/present")
        ready(page)
        assert "未登录时只能" not in page.locator('[data-testid="stMain"]').inner_text()
