"""报送情况 on inline rosters: the expected schedule, what was sent, who sent it, and what is missing or late."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from inline_rosters import PLANS, make_rosters
from plan_monitor.errors import PlanError
from plan_monitor.metrics.completeness import (
    expected_rosters,
    expected_rounds,
    missing_counties,
    reported_slices,
    reporting_status,
)
from plan_monitor.paths import DEFAULT_TARGETS, ROOT
from plan_monitor.present.reporting import incomplete_note, lacking, matrix, recent_uploads, requirement_text, sent
from plan_monitor.spec.geography import Geography
from plan_monitor.spec.plan import Reporting, load_plan

D = date
Q2, EOY = D(2024, 6, 30), D(2024, 12, 31)
COUNTIES = ["沙市区", "公安县", "江陵县"]


@pytest.fixture(scope="module")
def base_plan():
    return load_plan(PLANS / "valid.yaml", check_geography=False)


@pytest.fixture(scope="module")
def plan(base_plan):
    """Village and county_stats rosters; mid-year and year-end rounds, the mid-year one only from 2024."""
    reporting = Reporting(rosters=["village", "county_stats"], rounds=["12-31", "06-30"], since=D(2024, 1, 1),
                          due_days=15)
    return base_plan.model_copy(update={"reporting": reporting})


@pytest.fixture(scope="module")
def geo():
    counties = pd.DataFrame({"county": COUNTIES, "code": ["421002", "421022", "421024"], "is_zone": False})
    return Geography("荆州市", counties, pd.DataFrame(columns=["county", "town", "code", "town_type"]), {}, "2025-12-31")


def village(year, county, name, as_of=None):
    return {"year": year, "as_of": as_of, "county": county, "town": "某镇", "village": name, "unit_type": "村",
            "is_demo": False}


def stats(year, county, as_of=None):
    return {"year": year, "as_of": as_of, "county": county, "shared_sites": 1}


# 沙市区 sent both rosters mid-2024 (the stats one through an upload), 公安县 only the village roster,
# 江陵县 a village roster dated 05-31, which is no round of the plan. Year-end 2023: 沙市区 (no 统计截至
# written, read as 12-31) and 公安县 village rosters only. Nothing at all for 2022 or the 2021 baseline.
ROSTERS = make_rosters(
    village=[
        village(2024, "沙市区", "甲村", Q2), village(2024, "沙市区", "乙村", Q2), village(2024, "公安县", "丙村", Q2),
        village(2024, "江陵县", "丁村", D(2024, 5, 31)),
        village(2023, "沙市区", "甲村"), village(2023, "公安县", "丙村", D(2023, 12, 31)),
    ],
    county_stats=[stats(2024, "沙市区", Q2)],
)
ENTRIES = [
    {"id": 1, "kind": "upload", "user": "李四", "at": "2024-07-02T10:00:00+08:00", "file_name": "沙市区村表.csv",
     "template": "village", "table": "villages", "scope": [["沙市区", 2024, "2024-06-30"]]},
    {"id": 2, "kind": "upload", "user": "张三", "at": "2024-07-03T09:15:30+08:00", "file_name": "沙市区二季度.xlsx",
     "template": "county_stats", "table": "county_stats", "scope": [["沙市区", 2024, "2024-06-30"]]},
    {"id": 3, "kind": "rollback", "user": "王五", "at": "2024-07-04T08:00:00+08:00", "file_name": None,
     "template": None, "table": None, "rollback_to": 2, "counties": ["沙市区"],
     "scope": [["villages", "沙市区", 2024, "2024-06-30"]]},
]
# After the rollback to version 2 the village slice is still version 1's; a slice naming version 9,
# which the manifest no longer lists, reads as the folder's own data.
STATE = {("villages", "沙市区", 2024, Q2): 1, ("county_stats", "沙市区", 2024, Q2): 2,
         ("village", "公安县", 2024, Q2): 9}


def plain(value):
    """A cell as a plain value, missing as None (pandas shows missing strings as nan, integers as <NA>)."""
    return None if pd.isna(value) else value


def status_rows(status, year):
    rows = status[status["year"] == year]
    return [(r.county, r.template, r.as_of, r.due, r.rows, r.status, plain(r.reported_by), plain(r.version))
            for r in rows.itertuples()]


# ---------------------------------------------------------------- plan schema


def test_reporting_defaults_keep_existing_plans_valid(base_plan):
    r = base_plan.reporting
    assert (r.rosters, r.rounds, r.since, r.due_days) == (None, ["12-31"], None, 15)
    # valid.yaml's indicators read only the village roster, so that is all a county is asked for
    assert expected_rosters(base_plan) == ["village"]
    assert expected_rounds(base_plan, 2022) == [D(2022, 12, 31)]


def test_bundled_plan_asks_for_quarterly_rounds_from_2024():
    plan = load_plan(DEFAULT_TARGETS)
    assert expected_rosters(plan) == ["village", "town", "county", "county_stats"]
    assert expected_rounds(plan, 2021) == [D(2021, 12, 31)]  # baseline: year-end only
    assert expected_rounds(plan, 2023) == [D(2023, 12, 31)]
    assert expected_rounds(plan, 2024) == [D(2024, 6, 30), D(2024, 9, 30), D(2024, 12, 31)]
    assert expected_rounds(plan, 2025) == []
    assert requirement_text(plan) == (
        "各县（市、区）每年报送 村（社区）情况统计表、乡镇（街道）情况统计表、县（市、区）示范创建情况表、县级党建工作统计表，"
        "统计截至 6月30日、9月30日、12月31日；2024年1月1日 以前只报年末数据；统计截至后 15 天内报送，逾期标为“逾期未报”。")


@pytest.mark.parametrize("example, rosters", [("huizhou", ["village", "town"]), ("lingyun", ["village"])])
def test_examples_ask_only_for_the_rosters_their_indicators_read(example, rosters):
    plan = load_plan(ROOT / "examples" / f"{example}.yaml")
    assert expected_rosters(plan) == rosters


VALID = (PLANS / "valid.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("section, path, message, hint", [
    ("reporting:\n  rosters: [villages]\n", "reporting.rosters[0]",
     "Input should be 'village', 'town', 'county' or 'county_stats'", "use one of the listed values"),
    ("reporting:\n  rosters: []\n", "reporting.rosters", "at least 1 item", "must not be empty"),
    ("reporting:\n  rounds: [\"06-30\", \"6-30\"]\n", "reporting.rounds[1]", "“6-30”应为有效的月-日，写成 MM-DD", ""),
    ("reporting:\n  rounds: [\"02-30\"]\n", "reporting.rounds[0]", "“02-30”应为有效的月-日", ""),
    ("reporting:\n  rounds: [\"02-29\"]\n", "reporting.rounds[0]", "02-29 并非每年都有", ""),
    ("reporting:\n  rounds: [\"12-31\", \"12-31\"]\n", "reporting.rounds", "重复的项：12-31", ""),
    ("reporting:\n  rosters: [town, town]\n", "reporting.rosters", "重复的项：town", ""),
    ("reporting:\n  due_days: -1\n", "reporting.due_days", "greater than or equal to 0", ""),
    ("reporting:\n  since: \"2024-13-01\"\n", "reporting.since", "month value is outside expected range", "YYYY-MM-DD"),
    ("reporting:\n  since: 2024/01/01\n", "reporting.since", "", "YYYY-MM-DD"),
    ("reporting:\n  sinse: 2024-01-01\n", "reporting.sinse", "Extra inputs are not permitted",
     "allowed fields: rosters, rounds, since, due_days"),
])
def test_reporting_section_errors_name_the_field(tmp_path, section, path, message, hint):
    file = tmp_path / "plan.yaml"
    file.write_text(VALID + section, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(file, check_geography=False)
    problems = info.value.problems
    assert [p.path for p in problems] == [path]
    assert message in problems[0].message
    assert hint in problems[0].hint
    assert problems[0].line == VALID.count("\n") + section.count("\n")  # the reporting section's last line


def test_an_impossible_date_is_reported_not_raised(tmp_path):
    file = tmp_path / "plan.yaml"
    file.write_text(VALID + "reporting:\n  since: 2024-13-01\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(file, check_geography=False)
    assert "YAML 语法错误" in info.value.problems[0].message
    assert "month must be in 1..12" in info.value.problems[0].message


def test_a_plan_may_not_name_the_completeness_query_as_a_measure(tmp_path):
    file = tmp_path / "plan.yaml"
    file.write_text(VALID.replace("query: demo_villages", "query: completeness"), encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(file, check_geography=False)
    assert [p.path for p in info.value.problems] == ["indicators[0].query"]


# ---------------------------------------------------------------- what was sent


def test_reported_slices_count_rows_per_county_year_and_date():
    got = sorted(tuple(r.values()) for r in reported_slices(ROSTERS).to_pylist())
    assert got == [
        ("county_stats", "沙市区", 2024, Q2, 1),
        ("villages", "公安县", 2023, D(2023, 12, 31), 1),
        ("villages", "公安县", 2024, Q2, 1),
        ("villages", "江陵县", 2024, D(2024, 5, 31), 1),
        ("villages", "沙市区", 2023, D(2023, 12, 31), 1),  # no 统计截至 written: the year-end report
        ("villages", "沙市区", 2024, Q2, 2),
    ]


# ---------------------------------------------------------------- status


def test_status_inside_the_grace_period(plan, geo):
    status = reporting_status(plan, geo, ROSTERS, ENTRIES, STATE, today=D(2024, 7, 10))
    due_q2, due_eoy = D(2024, 7, 15), D(2025, 1, 15)
    assert status_rows(status, 2024) == [
        ("沙市区", "village", Q2, due_q2, 2, "reported", "李四", 1),
        ("沙市区", "county_stats", Q2, due_q2, 1, "reported", "张三", 2),
        ("沙市区", "village", EOY, due_eoy, 0, "not_due", None, None),
        ("沙市区", "county_stats", EOY, due_eoy, 0, "not_due", None, None),
        ("公安县", "village", Q2, due_q2, 1, "reported", "初始数据", None),  # its owner 9 is not in the manifest
        ("公安县", "county_stats", Q2, due_q2, 0, "missing", None, None),
        ("公安县", "village", EOY, due_eoy, 0, "not_due", None, None),
        ("公安县", "county_stats", EOY, due_eoy, 0, "not_due", None, None),
        ("江陵县", "village", Q2, due_q2, 0, "missing", None, None),  # its 05-31 report is no round
        ("江陵县", "county_stats", Q2, due_q2, 0, "missing", None, None),
        ("江陵县", "village", EOY, due_eoy, 0, "not_due", None, None),
        ("江陵县", "county_stats", EOY, due_eoy, 0, "not_due", None, None),
    ]
    assert list(status.columns) == ["county", "template", "roster", "year", "as_of", "due", "rows", "status",
                                    "status_label", "reported_at", "reported_by", "version", "file_name"]
    first, second = status[status["year"] == 2024].iloc[0], status[status["year"] == 2024].iloc[1]
    assert (first["roster"], first["status_label"], first["file_name"]) == ("村（社区）情况统计表", "已报送", "沙市区村表.csv")
    assert first["reported_at"] == pd.Timestamp(datetime(2024, 7, 2, 10, 0))  # the wall-clock time written
    assert second["reported_at"] == pd.Timestamp(datetime(2024, 7, 3, 9, 15, 30))
    assert status.loc[status["status"] == "missing", "status_label"].unique().tolist() == ["未报送"]
    assert status.loc[status["status"] == "not_due", "status_label"].unique().tolist() == ["未到期"]


def test_status_on_the_due_day_and_after_it(plan, geo):
    on_due = reporting_status(plan, geo, ROSTERS, today=D(2024, 7, 15))
    late = reporting_status(plan, geo, ROSTERS, today=D(2024, 7, 16))
    q2 = lambda s: s[(s["year"] == 2024) & (s["as_of"] == Q2)][["county", "template", "status"]].values.tolist()
    assert q2(on_due) == [["沙市区", "village", "reported"], ["沙市区", "county_stats", "reported"],
                          ["公安县", "village", "reported"], ["公安县", "county_stats", "missing"],
                          ["江陵县", "village", "missing"], ["江陵县", "county_stats", "missing"]]
    assert q2(late) == [["沙市区", "village", "reported"], ["沙市区", "county_stats", "reported"],
                        ["公安县", "village", "reported"], ["公安县", "county_stats", "overdue"],
                        ["江陵县", "village", "overdue"], ["江陵县", "county_stats", "overdue"]]
    assert late.loc[late["status"] == "overdue", "status_label"].unique().tolist() == ["逾期未报"]
    # without a store every row sent is the folder's own
    assert set(late.loc[late["rows"] > 0, "reported_by"]) == {"初始数据"}
    assert late["version"].isna().all()


def test_a_round_is_not_due_up_to_its_own_date(plan, geo):
    status = reporting_status(plan, geo, ROSTERS, today=Q2)
    assert set(status.loc[(status["year"] == 2024) & (status["rows"] == 0), "status"]) == {"not_due"}


def test_years_before_since_expect_only_the_year_end_round(plan, geo):
    status = reporting_status(plan, geo, ROSTERS, today=D(2024, 7, 10))
    assert status_rows(status, 2023) == [
        ("沙市区", "village", D(2023, 12, 31), D(2024, 1, 15), 1, "reported", "初始数据", None),
        ("沙市区", "county_stats", D(2023, 12, 31), D(2024, 1, 15), 0, "overdue", None, None),
        ("公安县", "village", D(2023, 12, 31), D(2024, 1, 15), 1, "reported", "初始数据", None),
        ("公安县", "county_stats", D(2023, 12, 31), D(2024, 1, 15), 0, "overdue", None, None),
        ("江陵县", "village", D(2023, 12, 31), D(2024, 1, 15), 0, "overdue", None, None),
        ("江陵县", "county_stats", D(2023, 12, 31), D(2024, 1, 15), 0, "overdue", None, None),
    ]
    assert sorted(set(status["year"])) == [2021, 2022, 2023, 2024]  # the baseline year is expected too
    assert len(status) == 3 * 2 * (1 + 1 + 1 + 2)


# ---------------------------------------------------------------- missing counties and the header note


def test_missing_counties_of_the_round_the_figures_rest_on(plan, geo):
    status = reporting_status(plan, geo, ROSTERS, today=D(2024, 7, 10))
    # 2024's figures rest on 06-30, the latest round anyone sent; the year-end round is not due yet
    assert missing_counties(status, 2024) == ["公安县", "江陵县"]
    assert missing_counties(status, 2024, EOY) == []
    assert incomplete_note(status, 2024) == "2 个县未报送 2024年6月30日 一轮数据（公安县、江陵县）"
    # 2023: both counties that sent a village roster still lack county_stats
    assert missing_counties(status, 2023) == COUNTIES
    # 2022: nobody sent anything, so every county lacks the past year-end round
    assert incomplete_note(status, 2022) == "3 个县未报送 2022年12月31日 一轮数据（沙市区、公安县、江陵县）"


def test_no_note_when_the_round_is_complete_or_nothing_is_due(plan, geo):
    complete = make_rosters(village=[village(2024, c, "甲村", Q2) for c in COUNTIES],
                            county_stats=[stats(2024, c, Q2) for c in COUNTIES])
    status = reporting_status(plan, geo, complete, today=D(2025, 3, 1))
    assert missing_counties(status, 2024) == []
    assert incomplete_note(status, 2024) is None
    # the year-end round, overdue by then, is what the 报送情况 page lists
    assert missing_counties(status, 2024, EOY) == COUNTIES
    early = reporting_status(plan, geo, make_rosters(), today=D(2021, 6, 1))
    assert incomplete_note(early, 2021) is None  # nothing sent, nothing due


def test_note_names_at_most_six_counties(plan):
    many = [f"{name}县" for name in "甲乙丙丁戊己庚"]
    geo = Geography("某市", pd.DataFrame({"county": many, "code": None, "is_zone": False}),
                    pd.DataFrame(columns=["county", "town", "code", "town_type"]), {}, "")
    status = reporting_status(plan, geo, make_rosters(), today=D(2023, 3, 1))
    assert incomplete_note(status, 2022) == "7 个县未报送 2022年12月31日 一轮数据（甲县、乙县、丙县、丁县、戊县、己县等）"


# ---------------------------------------------------------------- page tables


def test_matrix_lacking_and_sent_tables(plan, geo):
    status = reporting_status(plan, geo, ROSTERS, ENTRIES, STATE, today=D(2024, 7, 16))
    grid = matrix(status, 2024)
    assert list(grid.index) == COUNTIES
    assert list(grid.columns) == ["6月30日 · 村（社区）表", "6月30日 · 县级统计表", "12月31日 · 村（社区）表",
                                  "12月31日 · 县级统计表"]
    assert grid.values.tolist() == [["已报送", "已报送", "未到期", "未到期"],
                                    ["已报送", "逾期未报", "未到期", "未到期"],
                                    ["逾期未报", "逾期未报", "未到期", "未到期"]]
    assert lacking(status, 2024).values.tolist() == [
        ["公安县", "县级党建工作统计表", "2024年6月30日", "2024年7月15日", "逾期未报"],
        ["江陵县", "村（社区）情况统计表", "2024年6月30日", "2024年7月15日", "逾期未报"],
        ["江陵县", "县级党建工作统计表", "2024年6月30日", "2024年7月15日", "逾期未报"],
    ]
    assert sent(status, 2024).values.tolist() == [
        ["沙市区", "村（社区）情况统计表", "2024年6月30日", 2, "李四", "2024-07-02 10:00", "1", "沙市区村表.csv"],
        ["沙市区", "县级党建工作统计表", "2024年6月30日", 1, "张三", "2024-07-03 09:15", "2", "沙市区二季度.xlsx"],
        ["公安县", "村（社区）情况统计表", "2024年6月30日", 1, "初始数据", "—", "初始数据", "—"],
    ]


def test_recent_uploads_newest_first():
    table = recent_uploads(ENTRIES, limit=2)
    assert table.values.tolist() == [
        [3, "回退", "回退到版本 2", "沙市区", "王五", "2024-07-04 08:00", "—"],
        [2, "上传", "县级党建工作统计表", "沙市区", "张三", "2024-07-03 09:15", "沙市区二季度.xlsx"],
    ]
    assert recent_uploads([]).empty


# ---------------------------------------------------------------- with the real store


def test_an_upload_committed_to_the_store_names_its_sender(tmp_path, plan, geo):
    from plan_monitor.sources import History, open_store

    folder = tmp_path / "data"
    folder.mkdir()
    store = open_store(folder)
    assert store.history() == History() and store.rosters().history == History()
    header = "年度,统计截至,县（市、区）,党建共享阵地数（个，累计）\n"
    (folder / "county_stats.csv").write_text(header + "2024,2024-06-30,沙市区,3\n", encoding="utf-8")
    rows = make_rosters(county_stats=[stats(2024, "公安县", Q2)]).tables["county_stats"]
    store.commit(template_key="county_stats", rows=rows, original=b"x", file_name="公安县.csv", user="赵六",
                 base=0)
    rosters = store.rosters()
    history = rosters.history
    assert [e["id"] for e in history.entries] == [1] and history == store.history()
    status = reporting_status(plan, geo, rosters, history.entries, history.owners, today=D(2024, 7, 10))
    # by default the status names the senders of the history the rows were read with
    assert status.equals(reporting_status(plan, geo, rosters, today=D(2024, 7, 10)))
    q2 = status[(status["as_of"] == Q2) & (status["template"] == "county_stats")]
    got = [[plain(v) for v in row] for row in q2[["county", "rows", "reported_by", "version", "file_name"]].values]
    assert got == [["沙市区", 1, "初始数据", None, None], ["公安县", 1, "赵六", 1, "公安县.csv"],
                   ["江陵县", 0, None, None, None]]
