"""Rounds on the pages: the 统计截至 selector lists each round with how many counties sent it, the default stays on
the newest complete round after one county's early upload, and choosing the newer round marks the others 沿用."""

from __future__ import annotations

import pytest
from early_round import EARLY_COUNTY, OTHERS, early_upload
from page_runner import markdown_text, open_page, overview_cards

WAITING = ("注意：2024年12月31日 一轮已有 1/9 县报送（荆州区），荆州区未报齐，按各县均已报齐的 2024年9月30日 一轮统计，"
           "详见“报送情况”")
CARRIED = ("注意：1/9 县已报送 2024年12月31日 一轮数据，沙市区、公安县、江陵县、石首市、洪湖市、松滋市等未报送，"
           "沿用本年此前数据（标“沿用”），荆州区未报齐，详见“报送情况”")
MARK = "沿用 9月30日 数据"


@pytest.fixture(scope="module")
def early(tmp_path_factory):
    return early_upload(tmp_path_factory.mktemp("rounds_page") / "data")


@pytest.fixture(autouse=True)
def data(early, monkeypatch):
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(early))


def test_the_default_round_is_the_newest_complete_one():
    at = open_page("overview")
    picker = at.sidebar.selectbox(key="pm_asof")
    assert picker.options == ["2024-12-31（1/9 县已报送）", "2024-09-30（9/9 县已报送）", "2024-06-30（9/9 县已报送）"]
    assert picker.value == "2024-09-30"
    text = markdown_text(at)
    assert "数据截至 2024年9月30日" in text and WAITING in text
    assert "asof" not in at.query_params
    assert MARK not in text + "".join(c.value for c in at.caption)


def test_choosing_the_incomplete_round_marks_the_carried_counties():
    at = open_page("overview")
    at.sidebar.selectbox(key="pm_asof").set_value("2024-12-31").run()
    assert not at.exception
    assert at.query_params["asof"] == "2024-12-31"
    text = markdown_text(at)
    assert "数据截至 2024年12月31日" in text and CARRIED in text
    # the cards say how many counties are carried (a numbered note under the grid, its mark on the card);
    # the attention list names them with the mark
    cards, notes = overview_cards(at)
    assert any(c["detail"].endswith("时序进度 100.0%") and c["marks"] and f"{c['title']}：8 个县沿用此前数据" in notes
               for c in cards), notes
    assert all(c["marks"] for c in cards if any(n.startswith(c["title"] + "：") for n in notes))
    places = list(at.dataframe[0].value["地区"])
    assert places and all(p == "全市" or p.endswith(f"（{MARK}）") or p == EARLY_COUNTY for p in places)
    assert any(p.startswith("公安县（") for p in places)


def test_county_page_table_and_bars_carry_the_mark():
    at = open_page("county", asof="2024-12-31", indicator="village_income_20w")
    table = at.dataframe[0].value.set_index("县（市、区）")
    assert table["沿用"].to_dict() == {**{c: MARK for c in OTHERS}, EARLY_COUNTY: ""}
    import json

    axis = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["yaxis"]
    ticks = dict(zip(axis["tickvals"], axis["ticktext"]))
    assert ticks["荆州区"] == "荆州区"
    assert ticks["公安县"] == f"公安县<br><span style='font-size:11px;color:#9a3412'>{MARK}</span>"
    assert sum(text.endswith(f"{MARK}</span>") for text in ticks.values()) == 8


def test_the_status_matrix_names_the_carried_counties():
    """The 分县 matrix (heatmap, counties across, and export) names each carried county with its mark; 荆州区 sent the round for its
    village roster only, so part of its figures are carried."""
    import json

    at = open_page("county")
    at.sidebar.selectbox(key="pm_asof").set_value("2024-12-31").run()
    assert not at.exception
    heatmaps = [json.loads(c.proto.spec)["data"][0] for c in at.get("plotly_chart")
                if json.loads(c.proto.spec)["data"][0].get("type") == "heatmap"]
    assert len(heatmaps) == 1
    assert sorted(heatmaps[0]["x"]) == sorted([f"{EARLY_COUNTY}（部分{MARK}）"] + [f"{c}（{MARK}）" for c in OTHERS])


def test_the_chosen_round_stays_when_moving_to_another_page():
    """A sidebar page link carries no URL parameters; the session's year and round come back."""
    at = open_page("overview")
    at.sidebar.selectbox(key="pm_asof").set_value("2024-12-31").run()
    for key in list(at.query_params):
        del at.query_params[key]  # what following a sidebar link leaves
    at.switch_page("app_pages/county.py").run()
    assert not at.exception
    assert at.sidebar.selectbox(key="pm_asof").value == "2024-12-31"
    assert at.query_params["asof"] == "2024-12-31" and at.query_params["year"] == "2024"
    assert "数据截至 2024年12月31日" in markdown_text(at)
