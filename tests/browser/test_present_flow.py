"""汇报模式 in real headless Chromium: keys and a clicker's PageUp/PageDown turn slides, the URL keeps the slide
across a reload, and every slide fits a 1280×720 projector without scrolling. Screenshots of both themes at
1920×1080 and 1280×720 go to artifacts/screenshots/present-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS

from .server import streamlit_server
from .test_flows import SHOTS, settle

SIZES = [(1920, 1080), (1280, 720)]


@pytest.fixture(scope="module")
def deck():
    return build_deck(Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA), 2024)


@pytest.fixture(scope="module")
def app_url():
    with streamlit_server() as url:
        yield url


def new_page(browser, width: int = 1920, height: int = 1080):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    return context, context.new_page()


def open_slide(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".pm-foot", timeout=60000)
    settle(page)
    if page.locator(".st-key-pm-chart").count():
        page.wait_for_selector(".st-key-pm-chart .main-svg", timeout=60000)
        page.wait_for_timeout(500)


def title_of(page) -> str:
    return page.locator(".st-key-pm-slide h1").first.inner_text()


def press(page, key: str) -> None:
    page.keyboard.press(key)
    settle(page)


def slide_param(page) -> str:
    found = re.search(r"[?&]slide=(\d+)", page.url)
    return found.group(1) if found else ""


def test_keys_turn_slides_and_reload_keeps_the_slide(app_url, browser, deck):
    context, page = new_page(browser)
    try:
        open_slide(page, f"{app_url}/present")
        assert title_of(page) == deck.plan_name
        for _ in range(3):
            press(page, "ArrowRight")
        expect(page.locator(".st-key-pm-slide h1")).to_have_text(deck.slides[3].title)
        assert slide_param(page) == "4"
        expect(page.locator(".pm-foot .pm-num")).to_have_text("4 / 18")
        page.reload()
        page.wait_for_selector(".pm-foot", timeout=60000)
        settle(page)
        expect(page.locator(".st-key-pm-slide h1")).to_have_text(deck.slides[3].title)
        assert slide_param(page) == "4"
        press(page, "PageDown")
        expect(page.locator(".st-key-pm-slide h1")).to_have_text(deck.slides[4].title)
        assert slide_param(page) == "5"
        press(page, "PageUp")
        press(page, "PageUp")
        expect(page.locator(".st-key-pm-slide h1")).to_have_text(deck.slides[2].title)
        assert slide_param(page) == "3"
        press(page, "ArrowLeft")
        assert slide_param(page) == "2"
        # One listener however many reruns: a single press still moves exactly one slide.
        press(page, "ArrowRight")
        assert slide_param(page) == "3"
    finally:
        context.close()


def test_auto_advance_loops_for_a_lobby_screen(app_url, browser, deck):
    context, page = new_page(browser, 1280, 720)
    try:
        open_slide(page, f"{app_url}/present?slide=18&auto=10")
        expect(page.locator(".pm-foot .pm-num")).to_have_text("18 / 18")
        # after the last slide the deck starts again from the title; while Streamlit swaps the slide, the old
        # counter may still be on the page beside the new one, so look for the new one among them
        number = page.locator(".pm-foot .pm-num").filter(has_text=re.compile(r"^\s*1 / 18\s*$"))
        expect(number.first).to_be_visible(timeout=25000)
        assert slide_param(page) == "1" and "auto=10" in page.url
    finally:
        context.close()


def fits(page) -> dict:
    """Sizes that show whether anything is cut off or scrolls at this window size."""
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        const slide = document.querySelector('.st-key-pm-slide');
        const foot = document.querySelector('.pm-foot').getBoundingClientRect();
        const bar = document.querySelector('.st-key-pm-bar').getBoundingClientRect();
        const h1 = document.querySelector('.st-key-pm-slide h1');
        const over = [...slide.querySelectorAll('.pm-deck, .pm-deck *, .st-key-pm-body, .st-key-pm-chart')]
            .filter(e => e.scrollHeight > e.clientHeight + 2 && getComputedStyle(e).overflow !== 'visible'
                         && e.clientHeight > 0)
            .map(e => e.className || e.tagName);
        const low = [...slide.querySelectorAll('.pm-deck *')]
            .filter(e => e.getBoundingClientRect().bottom > foot.top + 1 && !e.closest('.pm-foot'))
            .map(e => e.className || e.tagName);
        return {main: [main.scrollHeight, main.clientHeight], doc: [document.documentElement.scrollHeight, innerHeight],
                slide: slide.getBoundingClientRect().bottom, footBottom: foot.bottom, barBottom: bar.bottom,
                barRight: Math.max(...[...document.querySelectorAll('.st-key-pm-bar > div')]
                                   .map(e => e.getBoundingClientRect().right)),
                h1: parseFloat(getComputedStyle(h1).fontSize), over, low};
    }""")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_slides_fit_the_projector_in_both_themes(app_url, browser, deck, theme):
    kinds = {"title": 1, "overall": 2, "indicator": 10, "matrix": 16, "cards": 17, "summary": 18}
    assert [deck.slides[n - 1].kind for n in kinds.values()] == list(kinds)
    for width, height in SIZES:
        context, page = new_page(browser, width, height)
        try:
            for kind, number in kinds.items():
                open_slide(page, f"{app_url}/present?slide={number}&theme={theme}")
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"present-{theme}-{width}x{height}-{kind}.png"))
                m = fits(page)
                where = f"{theme} {width}x{height} {kind}: {m}"
                assert m["main"][0] <= m["main"][1] + 2, where
                assert m["doc"][0] <= m["doc"][1] + 2, where
                assert m["footBottom"] <= m["slide"] + 1 and m["barBottom"] <= height + 1, where
                assert m["barRight"] <= width, where
                assert not m["over"] and not m["low"], where
                if (width, height) == (1280, 720):
                    assert m["h1"] >= 28, where
        finally:
            context.close()


def test_county_deck_from_the_control_bar(app_url, browser):
    context, page = new_page(browser, 1280, 720)
    try:
        open_slide(page, f"{app_url}/present?slide=5")
        page.locator(".st-key-pm_county").click()
        page.get_by_role("option", name="公安县", exact=True).click()
        settle(page)
        assert "county=%E5%85%AC%E5%AE%89%E5%8E%BF" in page.url and slide_param(page) == "1"
        expect(page.locator(".pm-foot .pm-num")).to_have_text("1 / 16")
        expect(page.get_by_text("公安县 · 2024年")).to_be_visible()
        page.get_by_text("退出汇报").click()
        expect(page.get_by_role("heading", name="总览")).to_be_visible(timeout=30000)
        # the chrome the slides hid is back on the dashboard
        expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
        expect(page.locator(".st-key-pm-bar")).to_have_count(0)
    finally:
        context.close()
