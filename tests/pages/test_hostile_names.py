"""A place named `<script>alert(1)</script>` (tests/hostile_names.py: an uploaded village, a town in the data
folder) is text on the town page and in its village list: every HTML element of the page has it escaped, and it
reaches the page only as Markdown without HTML (shown as text), widget options and table cells.
tests/browser/test_hostile_names_flow.py looks at the same page in Chromium."""

from __future__ import annotations

import pytest
from hostile_names import BAD, BAD_TOWN, VILLAGE_TOWN, hostile_copy
from page_runner import open_page


@pytest.fixture
def hostile_data(tmp_path, monkeypatch):
    data = hostile_copy(tmp_path, tmp_path / "home")
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(data))
    return data


def assert_no_markup_from_data(at) -> None:
    assert not at.exception
    html = [m.value for m in at.markdown if m.proto.allow_html] + [h.proto.body for h in at.get("html")]
    assert html and not any("<script" in body for body in html), html


def test_a_hostile_village_name_is_a_cell_of_the_village_list(hostile_data):
    at = open_page("town", county="江陵县", town=VILLAGE_TOWN)
    assert_no_markup_from_data(at)
    villages = at.dataframe[-1].value
    assert BAD in villages["村（社区）"].tolist()


def test_a_hostile_town_name_is_text(hostile_data):
    at = open_page("town", county="江陵县", town=BAD_TOWN)
    assert_no_markup_from_data(at)
    town = next(box for box in at.selectbox if box.label == "乡镇（街道）")
    assert town.value == BAD_TOWN  # an option of the town picker, as it is
    plain = [m.value for m in at.markdown if not m.proto.allow_html]
    assert f"#### {BAD_TOWN} · " in "\n".join(plain)  # the village list's heading, Markdown without HTML
