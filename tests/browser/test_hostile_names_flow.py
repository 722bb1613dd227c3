"""In Chromium, a place named `<script>alert(1)</script>` (tests/hostile_names.py) shows as those characters on the
town page, in its heading and breadcrumb, and no script of it runs (no dialog, no <script> element with it)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hostile_names import BAD, BAD_TOWN, hostile_copy

from .server import streamlit_server
from .test_flows import settle


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    data = hostile_copy(folder, folder / "home")
    with streamlit_server({"PLAN_MONITOR_DATA": str(data)}) as url:
        yield url


def test_a_hostile_town_name_shows_as_its_characters(app_url, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{app_url}/town?county={quote('江陵县')}&town={quote(BAD_TOWN)}")
    page.wait_for_selector('[data-testid="stApp"]', timeout=60000)
    page.wait_for_selector("text=村（社区）名单", timeout=90000)
    settle(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert f"{BAD_TOWN} · " in main  # the heading of the village list, the characters as they are
    assert page.locator("script", has_text="alert(1)").count() == 0
    assert dialogs == []
    assert BAD in main
