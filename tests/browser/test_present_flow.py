"""汇报模式 in real headless Chromium: keys and a clicker's PageUp/PageDown turn slides, the URL keeps the slide
across a reload, and every slide fits a 1280×720 projector without scrolling. Screenshots of both themes at
1920×1080 and 1280×720 go to artifacts/screenshots/present-*.png."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.outputs.briefing.deck import build_deck
from plan_monitor.outputs.briefing.tasks import briefing_ledger
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.sources import open_store

from .server import streamlit_server
from .test_flows import SHOTS, settle

SIZES = [(1920, 1080), (1280, 720)]


@pytest.fixture(scope="module")
def deck():
    m = Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)  # with the demo's task ledger, as the page reads it
    return build_deck(m, 2024, None, briefing_ledger(m.plan, m.geo, open_store(DEFAULT_DATA), date(2024, 9, 30)))


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
        expect(page.locator(".pm-foot .pm-num")).to_have_text("4 / 19", timeout=30000)
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
        open_slide(page, f"{app_url}/present?slide=19&auto=10")
        expect(page.locator(".pm-foot .pm-num")).to_have_text("19 / 19", timeout=30000)
        # after the last slide the deck starts again from the title; while Streamlit swaps the slide, the old
        # counter may still be on the page beside the new one, so look for the new one among them
        number = page.locator(".pm-foot .pm-num").filter(has_text=re.compile(r"^\s*1 / 19\s*$"))
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
    kinds = {"title": 1, "overall": 2, "indicator": 10, "matrix": 16, "cards": 17, "tasks": 18, "summary": 19}
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
        expect(page.locator(".pm-foot .pm-num")).to_have_text("1 / 17", timeout=30000)
        expect(page.get_by_text("公安县 · 2024年")).to_be_visible(timeout=30000)
        page.get_by_text("退出汇报").click()
        expect(page.get_by_role("heading", name="总览")).to_be_visible(timeout=30000)
        # the chrome the slides hid is back on the dashboard
        expect(page.locator('[data-testid="stSidebar"]')).to_be_visible(timeout=30000)
        expect(page.locator(".st-key-pm-bar")).to_have_count(0)
    finally:
        context.close()


BOXES = """() => {
    const box = s => { const e = document.querySelector(s); if (!e) return null;
                       const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
    const text = document.querySelector('.st-key-pm-notes [data-testid="stMarkdownContainer"]');
    return {notes: box('.st-key-pm-notes'), text: box('.st-key-pm-notes [data-testid="stMarkdownContainer"] p'),
            notesText: text ? text.innerText : '', slide: box('.st-key-pm-slide'), foot: box('.pm-foot'),
            bar: box('.st-key-pm-bar'), doc: document.documentElement.scrollHeight, w: innerWidth, h: innerHeight};
}"""


NOTES_SHOWN = """t => { const e = document.querySelector('.st-key-pm-notes [data-testid="stMarkdownContainer"]');
                          return !!e && e.innerText.includes(t); }"""


@pytest.mark.parametrize("width,height", SIZES)
def test_speaker_notes_share_the_screen_with_the_slide(app_url, browser, deck, width, height):
    from plan_monitor.outputs.briefing.bulletin import slide_notes

    notes = slide_notes(deck)
    context, page = new_page(browser, width, height)
    try:
        open_slide(page, f"{app_url}/present?slide=4")
        page.get_by_text("显示讲稿").click()
        settle(page)
        page.wait_for_selector(".st-key-pm-chart .main-svg", timeout=60000)
        page.wait_for_timeout(500)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"present-notes-{width}x{height}.png"))
        for number in (4, 5):
            expect(page.locator(".st-key-pm-notes")).to_contain_text(notes[number - 1][:40])
            # the panel's own text, not a transient element of a rerun still being drawn (once seen: 上一页)
            page.wait_for_function(NOTES_SHOWN, arg=notes[number - 1][:40], timeout=30000)
            b = page.evaluate(BOXES)
            where = f"{width}x{height} slide {number}: {b}"
            assert notes[number - 1][:40] in b["notesText"], where
            n, t = b["notes"], b["text"]
            # the panel and its first lines are inside the window ...
            assert n["top"] >= 0 and n["bottom"] <= height + 0.5 and n["left"] >= 0 and n["right"] <= width, where
            assert t["top"] >= n["top"] and t["top"] + 20 <= min(n["bottom"], height), where
            # ... between the slide (its footer included) and the control bar, overlapping neither
            assert n["top"] >= b["slide"]["bottom"] - 0.5 and n["top"] >= b["foot"]["bottom"] - 0.5, where
            assert n["bottom"] <= b["bar"]["top"] + 0.5 and b["bar"]["bottom"] <= height + 0.5, where
            assert n["bottom"] - n["top"] >= 140, where
            assert b["doc"] <= height + 2, where  # nothing scrolls: the slide shrank to make room
            m = fits(page)
            assert not m["over"] and not m["low"], f"{where} {m}"
            if number == 4:
                page.locator(".st-key-pm_next button").click()
                settle(page)
                expect(page.locator(".pm-foot .pm-num")).to_have_text("5 / 19", timeout=30000)
    finally:
        context.close()


FOCUS = """() => {
    const a = document.activeElement;
    const slide = document.querySelector('.st-key-pm-slide');
    const cs = getComputedStyle(a);
    return {tag: a.tagName, testid: a.getAttribute('data-testid'),
            inSlideArea: slide.contains(a) || a.contains(slide),
            outline: cs.outlineStyle, width: parseFloat(cs.outlineWidth) || 0, shadow: cs.boxShadow};
}"""


def _no_ring(state: dict, where: str) -> None:
    assert state["inSlideArea"], where  # the click left the focus on the slide or the page around it
    assert state["outline"] == "none" or state["width"] == 0, where
    assert state["shadow"] in ("none", ""), where


def test_no_focus_ring_on_the_slide_after_a_click_or_the_next_button(app_url, browser):
    context, page = new_page(browser, 1280, 720)
    try:
        open_slide(page, f"{app_url}/present?slide=4")
        page.locator(".st-key-pm-slide h1").click()
        page.wait_for_timeout(200)
        state = page.evaluate(FOCUS)
        _no_ring(state, f"after a click on the title: {state}")
        page.locator(".st-key-pm_next button").click()
        settle(page)
        expect(page.locator(".pm-foot .pm-num")).to_have_text("5 / 19", timeout=30000)
        page.locator(".st-key-pm-slide .pm-kpi").first.click()
        page.wait_for_timeout(200)
        state = page.evaluate(FOCUS)
        _no_ring(state, f"after 下一页 and a click on the slide: {state}")
        # Whatever on the slide takes the focus, by click or by keyboard, draws no ring across the text: a
        # title made focusable and focused as the keyboard would (Chromium's own style is a focus ring there).
        state = page.evaluate("""() => {
            const h1 = document.querySelector('.st-key-pm-slide h1');
            h1.tabIndex = -1; h1.focus({focusVisible: true});
            const cs = getComputedStyle(h1);
            return {tag: 'H1', testid: null, inSlideArea: document.activeElement === h1, outline: cs.outlineStyle,
                    width: parseFloat(cs.outlineWidth) || 0, shadow: cs.boxShadow, visible: h1.matches(':focus-visible')};
        }""")
        assert state["visible"], state
        _no_ring(state, f"a focused title: {state}")
        main = page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
            m.focus({focusVisible: true}); const cs = getComputedStyle(m);
            return {tag: 'MAIN', testid: 'stMain', inSlideArea: true, outline: cs.outlineStyle,
                    width: parseFloat(cs.outlineWidth) || 0, shadow: cs.boxShadow}; }""")
        _no_ring(main, f"the page around the slide: {main}")
    finally:
        context.close()
