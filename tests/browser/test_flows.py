"""Main flows in real headless Chromium against a Streamlit server on a free loopback port.

Screenshots of every page at 1920×1080 go to artifacts/screenshots/ (kept as test artifacts, not committed).
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from .server import ROOT, streamlit_server

SHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def app_url():
    with streamlit_server() as url:
        yield url


def open_page(page, url: str) -> float:
    """Navigate and wait until the app and its charts are drawn; return the seconds it took."""
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_selector(".js-plotly-plot .main-svg, .pm-bars, [data-testid='stExpander']", timeout=60000)
    settle(page)
    return time.perf_counter() - start


def settle(page) -> None:
    """Wait until Streamlit finishes the current run (its status widget disappears)."""
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60000)
    page.wait_for_timeout(300)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def choose(page, label: str, option: str) -> None:
    """Pick a selectbox option. A click that lands while the app is still finishing a run may only focus the box
    (the run redraws it closed): then it is clicked again."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    wanted = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        box.click()
        try:
            wanted.wait_for(timeout=5000)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: the list did not open
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            settle(page)
    wanted.click()
    settle(page)


def test_overview_in_chinese_with_plan_and_data_date(app_url, page):
    seconds = open_page(page, app_url)
    print(f"overview: navigation to charts rendered {seconds:.2f}s")
    expect(page.get_by_role("heading", name="总览")).to_be_visible()
    expect(page.get_by_text("荆州市基层党建工作提质增效三年行动计划").first).to_be_visible()
    expect(page.get_by_text("数据截至 2024年9月30日").first).to_be_visible()
    expect(page.get_by_text("示例数据").first).to_be_visible()
    metrics = page.locator(".pm-card .pm-card-value")
    expect(metrics).to_have_count(13)
    expect(metrics.filter(has_text="255个")).to_have_count(1)  # 示范村, city, as of 2024-09-30
    shot(page, "overview")


def test_switch_year_and_indicator(app_url, page):
    open_page(page, app_url)
    choose(page, "年度", "2023年")
    expect(page.get_by_text("数据截至 2023年12月31日").first).to_be_visible()
    expect(page.locator(".pm-card-value").filter(has_text="190个")).to_have_count(1)  # 示范村 2023
    assert "year=2023" in page.url
    open_page(page, f"{app_url}/county?year=2024")
    choose(page, "指标", "村集体经济收入过20万元的村占比")
    assert "indicator=village_income_20w" in page.url
    expect(page.get_by_text("村集体经济收入过20万元的村占比：各县（市、区）排位")).to_be_visible()
    shot(page, "county")


def test_drill_county_to_town_to_villages_by_clicks(app_url, page):
    open_page(page, f"{app_url}/county?indicator=village_income_20w&year=2024")
    bars = page.locator('.js-plotly-plot').first.locator("g.trace.bars").first.locator("path")
    # Bars are drawn bottom-up in ranking order reversed; the last county in the ranking is the first path.
    bars.first.click(force=True)
    page.wait_for_url("**/town?**", timeout=30000)
    settle(page)
    assert "county=%E6%B1%9F%E9%99%B5%E5%8E%BF" in page.url  # 江陵县, the lowest share, is the bottom bar
    expect(page.get_by_text("江陵县 · 村集体经济收入过20万元的村占比：各乡镇（街道）")).to_be_visible()
    town_bars = page.locator('.js-plotly-plot').first.locator("g.trace.bars").first.locator("path")
    town_bars.last.click(force=True)  # the top bar: the best town
    settle(page)
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="已计入目标")).to_have_count(1)
    expect(page.get_by_text("下载名单（Excel）")).to_be_visible()
    assert "town=" in page.url
    shot(page, "town")


def test_each_town_bar_clicked_opens_its_villages(app_url, page):
    """The chart promises 点击柱条查看村（社区）名单: every click, not only the first, opens the clicked town."""
    county = "江陵县"
    open_page(page, f"{app_url}/town?indicator=village_income_20w&year=2024&county={quote(county)}")
    chart = page.locator('.js-plotly-plot').first
    bars = chart.locator("g.trace.bars").first.locator("path")
    ticks = chart.locator("g.ytick text").all_text_contents()  # bottom-up, in the bars' order
    assert bars.count() == len(ticks) >= 4
    for i in (1, len(ticks) - 1, 2):  # not the picker's first town: three towns, then back down the chart
        bars.nth(i).click(force=True)
        settle(page)
        town = ticks[i]
        expect(page.get_by_text(f"{town} · 村集体经济收入过20万元的村占比：村（社区）名单")).to_be_visible()
        picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="乡镇（街道）").first
        assert picker.locator("input").first.input_value() == town
        assert f"town={quote(town)}" in page.url
        expect(page.locator('[data-testid="stDataFrame"]').last).to_be_visible()
    # the picker still works after clicks, and the next click wins over it again
    choose(page, "乡镇（街道）", ticks[0])
    expect(page.get_by_text(f"{ticks[0]} · 村集体经济收入过20万元的村占比：村（社区）名单")).to_be_visible()
    bars.nth(1).click(force=True)
    settle(page)
    expect(page.get_by_text(f"{ticks[1]} · 村集体经济收入过20万元的村占比：村（社区）名单")).to_be_visible()
    # up to the county by its breadcrumb, then the same bar again opens the same town again
    page.locator('[data-testid="stPageLink"]').get_by_text(county, exact=True).first.click()
    settle(page)
    expect(page.get_by_text("：村（社区）名单")).to_have_count(0)
    bars.nth(1).click(force=True)
    settle(page)
    expect(page.get_by_text(f"{ticks[1]} · 村集体经济收入过20万元的村占比：村（社区）名单")).to_be_visible()
    shot(page, "town-clicks")


def test_breadcrumb_from_a_town_back_to_its_county_and_to_the_city(app_url, page):
    """全市 › 江陵县 › 郝穴镇: each level above is a link back up; the year, the 统计截至 round and the indicator stay."""
    open_page(page, f"{app_url}/town?year=2024&asof=2024-06-30&indicator=village_income_20w"
                    f"&county={quote('江陵县')}&town={quote('郝穴镇')}")
    expect(page.get_by_text("郝穴镇 · 村集体经济收入过20万元的村占比：村（社区）名单")).to_be_visible()
    crumb = page.locator('[data-testid="stPageLink"]')
    crumb.get_by_text("江陵县", exact=True).first.click()
    page.wait_for_url(lambda url: "town=" not in url, timeout=30000)
    settle(page)
    expect(page.get_by_text("江陵县 · 村集体经济收入过20万元的村占比：各乡镇（街道）")).to_be_visible()
    expect(page.get_by_text("：村（社区）名单")).to_have_count(0)
    for part in ("county=%E6%B1%9F%E9%99%B5%E5%8E%BF", "asof=2024-06-30", "indicator=village_income_20w", "year=2024"):
        assert part in page.url
    crumb.get_by_text("全市", exact=True).first.click()
    page.wait_for_url("**/county?**", timeout=30000)
    settle(page)
    expect(page.get_by_text("村集体经济收入过20万元的村占比：各县（市、区）排位")).to_be_visible()
    for part in ("asof=2024-06-30", "indicator=village_income_20w", "year=2024"):
        assert part in page.url
    expect(page.get_by_text("数据截至 2024年6月30日").first).to_be_visible()
    shot(page, "breadcrumb-city")


def test_shared_url_reopens_same_view(app_url, page):
    url = f"{app_url}/town?year=2023&county={quote('公安县')}&indicator=village_income_20w&town={quote('埠河镇')}"
    open_page(page, url)
    expect(page.get_by_text("公安县 · 村集体经济收入过20万元的村占比：各乡镇（街道）")).to_be_visible()
    expect(page.get_by_text("数据截至 2023年12月31日").first).to_be_visible()
    def view():
        boxes = page.locator('[data-testid="stSelectbox"]')
        return [boxes.nth(i).locator("input").first.input_value() for i in range(boxes.count())]

    first_view = view()
    # the plan picker (several plans, issue 16) comes first in the sidebar
    assert first_view == ["荆州市基层党建工作提质增效三年行动计划", "2023年", "2023-12-31（9/9 县已报送）", "公安县",
                          "村集体经济收入过20万元的村占比", "埠河镇"]
    page.reload()
    page.wait_for_selector('[data-testid="stMetric"]')
    settle(page)
    assert view() == first_view
    assert "year=2023" in page.url and "town=" in page.url


@pytest.mark.parametrize("path", ["trend?indicator=village_income_20w", "definitions"])
def test_other_pages_render(app_url, page, path):
    seconds = open_page(page, f"{app_url}/{path}")
    print(f"{path}: navigation to rendered {seconds:.2f}s")
    assert not page.locator('[data-testid="stException"]').count()
    shot(page, path.split("?")[0])


def test_overview_answers_which_indicators_are_behind_on_the_first_projector_screen(app_url, browser):
    """At the projector's 1280×720 every indicator card, with its status, lies within the first screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    try:
        pg = context.new_page()
        open_page(pg, app_url)
        cards = pg.locator(".pm-card")
        expect(cards).to_have_count(13)
        boxes = [cards.nth(i).bounding_box() for i in range(13)]
        assert max(b["y"] + b["height"] for b in boxes) <= 720, boxes
        expect(pg.get_by_text("13 项指标：严重滞后 5 项、滞后 6 项、正常推进 1 项、已完成 1 项")).to_be_in_viewport()
        pg.screenshot(path=str(SHOTS / "overview-1280x720-first-screen.png"))
    finally:
        context.close()
