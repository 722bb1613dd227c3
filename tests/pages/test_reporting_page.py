"""The 报送情况 page and the header note under AppTest, on the bundled demo and on a copy with one county's
latest round removed."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from page_runner import markdown_text, open_page
from streamlit.testing.v1 import AppTest

from plan_monitor.metrics.completeness import reporting_status
from plan_monitor.metrics.monitor import Monitor
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS

LATEST = "2024-09-30"



def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def without_gongan(tmp_path, monkeypatch):
    """The demo data with 公安县 missing from every roster of the latest round (2024-09-30)."""
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, folder)
    for path in folder.glob(f"*_{LATEST}.csv"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if ",公安县," not in line]
        assert len(kept) < len(lines)
        path.write_text("".join(kept), encoding="utf-8")
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(folder))
    return folder


def test_demo_every_county_sent_every_round_so_far():
    at = open_page("reporting")
    assert at.sidebar.selectbox(key="pm_year").value == 2024
    grid = at.dataframe[0].value
    assert len(grid) == 9 and len(grid.columns) == 12
    sent = [c for c in grid.columns if not c.startswith("12月31日")]
    assert len(sent) == 8 and set(grid[sent].to_numpy().ravel()) == {"已报送"}
    # the year-end round is judged on today's date: overdue since 2025-01-15
    year_end = "逾期未报" if date.today() > date(2025, 1, 15) else "未报送"
    assert set(grid[[c for c in grid.columns if c.startswith("12月31日")]].to_numpy().ravel()) == {year_end}
    assert metrics(at)["应报"] == "108份" and metrics(at)["已报送"] == "72份"
    late = at.dataframe[1].value
    assert len(late) == 36 and set(late["统计截至"]) == {"2024年12月31日"}
    # 2024's figures rest on 2024-09-30, which every county sent: the header stays quiet
    assert "注意" not in markdown_text(at)
    assert "统计截至 6月30日、9月30日、12月31日" in at.caption[0].value
    assert [i.value for i in at.info] == ["尚无通过“数据上传”提交的数据，当前数据均为数据目录中的初始数据。"]


def test_demo_year_before_quarterly_reporting_is_complete():
    at = open_page("reporting", year="2023")
    grid = at.dataframe[0].value
    assert list(grid.columns) == ["12月31日 · 村（社区）表", "12月31日 · 乡镇（街道）表", "12月31日 · 示范县表",
                                  "12月31日 · 县级统计表"]
    assert set(grid.to_numpy().ravel()) == {"已报送"}
    assert metrics(at) == {"应报": "36份", "已报送": "36份", "未报送": "0份", "逾期未报": "0份"}
    assert [s.value for s in at.success] == ["2023年应报数据均已报送或尚未到期。"]
    details = at.dataframe[1].value
    assert len(details) == 36 and set(details["报送人"]) == {"初始数据"}


def test_a_county_missing_the_latest_round_is_flagged_on_the_page_and_in_the_header(without_gongan):
    at = open_page("reporting")
    # the figures stay on 06-30, the newest round every county sent in full; the header says 09-30 is waiting
    note = "注意：2024年9月30日 一轮已有 8/9 县报送（公安县未报送），按各县均已报齐的 2024年6月30日 一轮统计"
    assert note in markdown_text(at)
    grid = at.dataframe[0].value
    q3 = [c for c in grid.columns if c.startswith("9月30日")]
    assert set(grid.loc["公安县", q3]) == {"逾期未报"}
    assert set(grid.drop(index="公安县")[q3].to_numpy().ravel()) == {"已报送"}
    late = at.dataframe[1].value
    assert late[late["统计截至"] == "2024年9月30日"]["责任单位"].tolist() == ["公安县"] * 4
    # the same note heads the dashboard pages
    assert note in markdown_text(open_page("overview"))
    assert note in markdown_text(open_page("county", indicator="demo_villages"))
    # 2023 is complete, so its pages carry no note
    assert "注意" not in markdown_text(open_page("overview", year="2023"))


def test_the_page_matches_the_core_function(without_gongan):
    m = Monitor.build(DEFAULT_TARGETS, without_gongan)
    status = reporting_status(m.plan, m.geo, m.rosters, today=date.today())
    rows = status[status["year"] == 2024]
    at = open_page("reporting")
    shown = at.dataframe[0].value
    assert (shown.to_numpy().ravel() == rows["status_label"].to_numpy()).all()
    assert metrics(at)["已报送"] == f"{int((rows['status'] == 'reported').sum())}份" == "68份"


def test_an_earlier_cut_off_judges_reporting_on_that_day(without_gongan):
    # as the data stood on 2024-06-30 the 09-30 round had not ended, so nothing is overdue yet
    at = open_page("reporting", asof="2024-06-30")
    grid = at.dataframe[0].value
    assert set(grid[[c for c in grid.columns if c.startswith("6月30日")]].to_numpy().ravel()) == {"已报送"}
    assert set(grid[[c for c in grid.columns if not c.startswith("6月30日")]].to_numpy().ravel()) == {"未到期"}
    assert "注意" not in markdown_text(at)


def test_an_upload_shows_who_sent_it(without_gongan):
    from plan_monitor.sources import load_rosters, open_store

    rows = load_rosters(DEFAULT_DATA).tables["county_stats"]
    rows = rows.filter([c == "公安县" and str(d) == LATEST for c, d in zip(rows["county"].to_pylist(),
                                                                        rows["as_of"].to_pylist())])
    assert len(rows) == 1
    open_store(without_gongan).commit(template_key="county_stats", rows=rows, original=b"x",
                                      file_name="公安县县级统计表.csv", user="赵六", base=0)
    at = open_page("reporting")
    grid = at.dataframe[0].value
    assert grid.loc["公安县", "9月30日 · 县级统计表"] == "已报送"
    details = at.dataframe[2].value
    mine = details[(details["县（市、区）"] == "公安县") & (details["统计截至"] == "2024年9月30日")]
    assert mine[["报表", "报送人", "版本", "文件"]].values.tolist() == [
        ["县级党建工作统计表", "赵六", "1", "公安县县级统计表.csv"]]
    uploads = at.dataframe[3].value
    assert uploads[["版本", "操作", "内容", "县（市、区）", "提交人", "文件"]].values.tolist() == [
        [1, "上传", "县级党建工作统计表", "公安县", "赵六", "公安县县级统计表.csv"]]
    # 公安县 still lacks three rosters of the round
    assert "注意：2024年9月30日 一轮已有 9/9 县报送，公安县未报齐，按各县均已报齐的 2024年6月30日 一轮统计" in markdown_text(at)
