"""Single sign-on from a trusted reverse proxy, in real Chromium against `streamlit run serve.py` with sign-in on.

With `server.trustedUserHeaders` naming X-Remote-Email (set as Streamlit's environment variable, as a deployment
would in its config.toml), a request carrying that header, as the proxy sets it, is signed in with the role and
counties the mapping file gives the identity; an identity the file lacks gets a Chinese refusal. With the setting
off, the same header sent by a client is ignored: the gate sends the page load to /signin, and with anonymous
viewing on the page stays anonymous."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from plan_monitor.access import Access

from .server import streamlit_server
from .test_flows import settle

HEADER = "X-Remote-Email"
MAPPING = """\
users:
  zhang@city.gov.cn:
    name: 张三
    role: county_analyst
    counties: [江陵县]
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sso-home")


@pytest.fixture(scope="module")
def mapping(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sso") / "sso.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def env(home: Path, mapping: Path, **more) -> dict:
    return {"PLAN_MONITOR_AUTH": "on", "PLAN_MONITOR_HOME": str(home), "PLAN_MONITOR_SSO_MAP": str(mapping), **more}


@pytest.fixture(scope="module")
def trusting_url(home, mapping):
    with streamlit_server(env(home, mapping, STREAMLIT_SERVER_TRUSTED_USER_HEADERS=json.dumps({HEADER: "email"}))) \
            as url:
        yield url


def fetch(url: str, identity: str | None = None) -> tuple[int, str, str]:
    """(status, Location, body) of a page load, redirects not followed."""
    headers = {"Accept": "text/html"}
    if identity is not None:
        headers[HEADER] = identity

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, response.headers.get("Location", ""), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", ""), exc.read().decode("utf-8")


def ready(page) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=60000)
    settle(page)


def test_the_gate_lets_a_mapped_identity_through_and_refuses_an_unknown_one(trusting_url):
    status, location, _ = fetch(trusting_url + "/overview")
    assert status == 303 and location.startswith("/signin")
    assert fetch(trusting_url + "/overview", "zhang@city.gov.cn")[0] == 200
    status, _, body = fetch(trusting_url + "/overview", "<b>stranger</b>@city.gov.cn")
    assert status == 403 and "未登记在本看板的单点登录映射中" in body
    assert "&lt;b&gt;stranger&lt;/b&gt;" in body and "<b>stranger" not in body


def test_a_mapped_identity_is_signed_in_with_its_role_and_counties(trusting_url, browser, home):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN",
                                  extra_http_headers={HEADER: "Zhang@City.gov.cn"})
    try:
        page = context.new_page()
        page.goto(trusting_url + "/upload")
        ready(page)
        page.wait_for_selector("text=已登录：张三", timeout=60000)
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert "已登录：张三（县级分析员，江陵县） · 统一身份认证" in sidebar and "退出登录" not in sidebar
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "数据上传" in nav and "账户与审计" not in nav
        page.wait_for_selector("text=第一步", timeout=90000)  # the upload page itself runs
        page.goto(trusting_url + "/admin")
        ready(page)
        page.wait_for_selector("text=无权打开", timeout=60000)
        expect(page.locator('[data-testid="stMain"]')).to_contain_text("无权打开“账户与审计”", timeout=30000)
    finally:
        context.close()
    entry = next(e for e in reversed(Access(home).audit()) if e["action"] == "sign_in")
    assert (entry["actor"], entry["role"]) == ("sso:zhang@city.gov.cn", "county_analyst")
    assert "反向代理" in json.loads(entry["detail"])["method"]


def test_without_the_setting_a_client_sent_header_is_ignored(home, mapping, browser):
    with streamlit_server(env(home, mapping)) as url:
        status, location, _ = fetch(url + "/overview", "zhang@city.gov.cn")
        assert status == 303 and location.startswith("/signin")
    # anonymous viewing lets the page load through the gate: the app itself must not trust the header either
    with streamlit_server(env(home, mapping, PLAN_MONITOR_ANONYMOUS="on")) as url:
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN",
                                      extra_http_headers={HEADER: "zhang@city.gov.cn"})
        try:
            page = context.new_page()
            page.goto(url + "/upload")
            ready(page)
            page.wait_for_selector("text=未登录时只能查看总览和汇报模式", timeout=60000)
            expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("未登录（匿名查看）", timeout=30000)
            expect(page.locator('[data-testid="stMain"]')).to_contain_text("未登录时只能查看总览和汇报模式", timeout=30000)
        finally:
            context.close()


def test_without_oidc_configured_the_signin_page_offers_no_oidc(trusting_url):
    status, _, body = fetch(trusting_url + "/signin")
    assert status == 200 and "统一身份认证登录" not in body
    status, location, _ = fetch(trusting_url + "/signin/oidc")
    assert status == 303 and location == "/signin"
