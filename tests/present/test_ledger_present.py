"""督办台账 in words (plan_monitor.present.ledger) on small hand-built ledgers of the county action plan: the ledger
table (most urgent first, filters by area, unit and state), one task's reporters and history, and the cadence matrix
at the boundaries of its periods — a month is due on its last day and on time for report_days (10) days after it; a
half year ends on 06-30 and 12-31; stages end on their own days; a report on the last on-time day is 已报, one a day
later 逾期补报. Each expected row is worked out by hand from the plan (plans/county-action.yaml)."""

from __future__ import annotations

from datetime import date

import pytest
from ledger_data import CLOSING, DAY, events, report

from plan_monitor.ledger.state import build_ledger
from plan_monitor.paths import ROOT
from plan_monitor.present.ledger import (
    history_table,
    ledger_table,
    matrix_codes,
    matrix_table,
    measures_by_item,
    overdue_counts,
    reporter_table,
    rollup_table,
    unit_options,
)
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.plan import load_plan

TOWNS = ["秀谷镇", "浒湾镇", "双塘镇", "何源镇", "合市镇", "琅琚镇", "左坊镇", "对桥镇", "黄通乡", "陆坊乡", "陈坊积乡",
         "琉璃乡", "石门乡"]


@pytest.fixture(scope="module")
def plan():
    return load_plan(ROOT / "plans" / "county-action.yaml")


@pytest.fixture(scope="module")
def geo(plan):
    return load_geography(plan)


def matrix_rows(plan, geo, evs, day, task_id, every=False) -> list[list[str]]:
    frame = matrix_table(matrix_codes(build_ledger(plan, geo, evs, day), task_id, every))
    return [list(frame.columns)] + [[name, *cells] for name, cells in zip(frame.index, frame.values.tolist())]


# ---------------------------------------------------------------- a month: due on its last day, on time 10 days after
MONTHLY = events(
    report("monthly-contact", "县直单位党组织", "2025-09", "2025-10-10T23:59:00+08:00"),  # the last on-time day
    report("monthly-contact", "县直单位党组织", "2025-10", "2025-11-11T00:05:00+08:00"),  # one day after 11-10
)


def test_a_month_is_due_on_its_last_day(plan, geo):
    assert matrix_rows(plan, geo, MONTHLY, date(2025, 11, 29), "monthly-contact") == [
        ["2025年9月", "2025年10月", "2025年11月"], ["县直单位党组织", "已报", "逾期补报", "未到期"]]
    assert matrix_rows(plan, geo, MONTHLY, date(2025, 11, 30), "monthly-contact") == [
        ["2025年9月", "2025年10月", "2025年11月"], ["县直单位党组织", "已报", "逾期补报", "未报"]]


def test_a_month_is_overdue_the_day_after_its_report_window(plan, geo):
    on_last_day = matrix_rows(plan, geo, MONTHLY, date(2025, 12, 10), "monthly-contact")
    assert on_last_day[1] == ["县直单位党组织", "已报", "逾期补报", "未报", "未到期"]
    day_after = build_ledger(plan, geo, MONTHLY, date(2025, 12, 11))
    codes = matrix_codes(day_after, "monthly-contact")
    assert matrix_table(codes).loc["县直单位党组织"].tolist() == ["已报", "逾期补报", "逾期", "未到期"]
    assert overdue_counts(codes) == {"overdue": 1, "late": 1, "reporters": 1, "missing": 0}
    row = day_after.assignments.set_index("task_id").loc["monthly-contact"]
    assert (row["state"], row["periods_due"], row["periods_overdue"], row["due"]) == ("overdue", 3, 1, date(2026, 1, 10))


def test_every_period_with_every(plan, geo):
    header = matrix_rows(plan, geo, MONTHLY, date(2025, 11, 30), "monthly-contact", every=True)[0]
    assert len(header) == 16 and header[0] == "2025年9月" and header[-1] == "2026年12月"


# ---------------------------------------------------------------- half years end on 06-30 and 12-31; towns roll up
def test_a_half_year_ends_on_12_31_and_its_towns_roll_up_by_county(plan, geo):
    one = events(report("town-report", "金溪县/秀谷镇", "2025-H2", "2026-01-10T17:00:00+08:00"))
    assert matrix_rows(plan, geo, one, date(2025, 12, 30), "town-report")[1] == ["金溪县/秀谷镇", "已报"]
    assert matrix_rows(plan, geo, one, date(2025, 12, 30), "town-report")[2] == ["金溪县/浒湾镇", "未到期"]
    assert matrix_rows(plan, geo, one, date(2025, 12, 31), "town-report")[2] == ["金溪县/浒湾镇", "未报"]
    assert matrix_rows(plan, geo, one, date(2026, 1, 10), "town-report")[2] == ["金溪县/浒湾镇", "未报", "未到期"]
    rows = matrix_rows(plan, geo, one, date(2026, 1, 11), "town-report")
    assert rows[0] == ["2025年下半年", "2026年上半年"]
    assert [r[0] for r in rows[1:]] == [f"金溪县/{t}" for t in TOWNS]
    assert rows[1] == ["金溪县/秀谷镇", "已报", "未到期"]
    assert {tuple(r[1:]) for r in rows[2:]} == {("逾期", "未到期")}
    ledger = build_ledger(plan, geo, one, date(2026, 1, 11))
    rollup = rollup_table(matrix_codes(ledger, "town-report"))
    assert rollup.columns.tolist() == ["县（市、区）", "乡镇数", "2025年下半年", "2026年上半年"]
    assert rollup.values.tolist() == [["金溪县", 13, "1/13（逾期12）", "—"]]


def test_a_half_year_ends_on_06_30(plan, geo):
    one = events(report("joint-meeting", "县直单位党组织", "2025-H2", "2025-12-31T10:00:00+08:00"))
    assert matrix_rows(plan, geo, one, date(2026, 6, 29), "joint-meeting") == [
        ["2025年下半年", "2026年上半年"], ["县直单位党组织", "已报", "未到期"], ["村级党组织", "逾期", "未到期"]]
    assert matrix_rows(plan, geo, one, date(2026, 6, 30), "joint-meeting")[1] == ["县直单位党组织", "已报", "未报"]
    assert matrix_rows(plan, geo, one, date(2026, 7, 11), "joint-meeting")[1] == ["县直单位党组织", "已报", "逾期", "未到期"]


# ---------------------------------------------------------------- the county action's stages, 2025-09 to 2026-01
STAGES = events(
    report("work-stages", "县委组织部", "动员部署阶段", "2025-09-20T18:00:00+08:00"),  # stage ends 09-10: last day
    report("work-stages", "各乡镇", "动员部署阶段", "2025-09-21T08:30:00+08:00"),  # a day late
    report("work-stages", "县委组织部", "行动实施阶段", "2026-01-10T09:00:00+08:00"),  # ends 12-31, by 01-10
)


def test_stages_each_end_on_their_own_day(plan, geo):
    assert matrix_rows(plan, geo, STAGES, date(2026, 1, 20), "work-stages") == [
        ["动员部署阶段", "行动实施阶段", "总结提升阶段"],
        ["县委组织部", "已报", "已报", "未到期"],
        ["各乡镇", "逾期补报", "逾期", "未到期"],
        ["各县直单位", "逾期", "逾期", "未到期"]]
    codes = matrix_codes(build_ledger(plan, geo, STAGES, date(2026, 1, 20)), "work-stages")
    assert overdue_counts(codes) == {"overdue": 3, "late": 1, "reporters": 2, "missing": 0}
    # on 2025-09-10 the first stage is due (未报) and the second one runs
    assert matrix_rows(plan, geo, events(), date(2025, 9, 10), "work-stages")[1] == ["县委组织部", "未报", "未到期"]


# ---------------------------------------------------------------- the ledger table, its filters, one task


def test_the_ledger_table_puts_overdue_tasks_first(plan, geo):
    table = ledger_table(build_ledger(plan, geo, CLOSING, DAY))
    assert table.columns.tolist() == ["序号", "任务", "牵头单位", "责任单位", "时限", "进展", "状态", "销号", "销号时间",
                                      "task_id"]
    assert table.drop(columns="task_id").values.tolist() == [
        [1, "每月定期联系村党组织", "计划未写明", "县直单位党组织", "每月，下次2025年11月10日前报送", "尚未填报", "逾期",
         "0/1，逾期1", ""],
        [2, "城市人才每月至少参加1次村级服务活动", "计划未写明", "城市人才", "每月，下次2025年11月10日前报送", "尚未填报", "逾期",
         "0/1，逾期1", ""],
        [3, "每季度汇总考核量化打分", "计划未写明", "县乡村振兴局、城市社区、工业园区", "每季度，下次2026年1月10日前报送",
         "城市社区（2025年10月9日）：打分已完成，正在汇总", "逾期", "1/3，逾期1", ""],
        [4, "工作步骤", "县委组织部", "各乡镇、各县直单位", "分阶段，下次2026年1月10日前报送", "尚未填报", "逾期", "0/3，逾期3",
         ""],
        [5, "每年签订“三清单一协议”", "计划未写明", "县直单位党组织、名誉村长", "每年，下次2026年1月10日前报送", "尚未填报",
         "未报", "0/2", ""],
        [6, "每半年召开一次党建联席会议", "计划未写明", "县直单位党组织、村级党组织", "每半年，下次2026年1月10日前报送",
         "尚未填报", "未报", "0/2", ""],
        [7, "乡镇党委每半年反馈工作报告", "计划未写明", "乡镇党委", "每半年，下次2026年1月10日前报送", "尚未填报", "未报",
         "0/13", ""],
        [8, "每年评定等次并报备", "计划未写明", "县乡村振兴局、城市社区、工业园区", "每年，下次2026年1月10日前报送",
         "尚未填报", "未报", "0/3", ""],
    ]


def test_filters_by_state_unit_and_area(plan, geo):
    ledger = build_ledger(plan, geo, CLOSING, DAY)
    closed = ledger_table(ledger, state="closed")
    assert closed.drop(columns="task_id").values.tolist() == [
        [1, "每季度汇总考核量化打分", "计划未写明", "县乡村振兴局、城市社区、工业园区", "每季度",
         "县乡村振兴局（2025年10月5日）：已完成第三季度打分", "已销号", "1/1", "2025年10月8日"]]
    community = ledger_table(ledger, unit="城市社区")
    assert community[["任务", "状态", "销号"]].values.tolist() == [
        ["每季度汇总考核量化打分", "退回", "0/1"], ["每年评定等次并报备", "未报", "0/1"]]
    assert ledger_table(ledger, area="工作要求")["task_id"].tolist() == ["quarterly-scoring", "yearly-grading"]
    # a unit reporting on a task keeps its own row (县委组织部 leads 工作步骤 and reports on it too); a unit named by a
    # task it does not report on keeps every reporter's (乡镇党委: the towns report); a county keeps its towns
    assert ledger_table(ledger, unit="县委组织部")[["任务", "销号"]].values.tolist() == [["工作步骤", "0/1，逾期1"]]
    assert ledger_table(ledger, unit="乡镇党委")[["任务", "销号"]].values.tolist() == [["乡镇党委每半年反馈工作报告", "0/13"]]
    assert ledger_table(ledger, unit="金溪县")[["任务", "销号"]].values.tolist() == [["乡镇党委每半年反馈工作报告", "0/13"]]
    assert ledger_table(ledger, area="城市人才", state="closed").empty
    units = unit_options(ledger)
    assert units[:11] == ["县直单位党组织", "名誉村长", "村级党组织", "城市人才", "乡镇党委", "县乡村振兴局", "城市社区",
                          "工业园区", "县委组织部", "各乡镇", "各县直单位"]
    assert units[11:] == ["金溪县", *[f"金溪县/{t}" for t in TOWNS]]


def test_one_tasks_reporters_and_history(plan, geo):
    ledger = build_ledger(plan, geo, CLOSING, DAY)
    assert reporter_table(ledger, "quarterly-scoring").values.tolist() == [
        ["工业园区", "逾期", "尚未填报", "—", "—", "0/1", 1, "2026年1月10日", "未申请", "—", "—"],
        ["城市社区", "退回", "打分已完成，正在汇总", "推进中", "2025年10月9日", "1/1", 0, "2026年1月10日", "已退回", "—",
         "王五 2025年10月9日 申请（佐证：打分表.pdf）；李四 2025年10月12日 退回：材料不全"],
        ["县乡村振兴局", "已销号", "已完成第三季度打分", "已完成", "2025年10月5日", "1/1", 0, "—", "已销号", "2025年10月8日",
         "张三 2025年10月6日 申请（佐证：汇总表.pdf）；李四 2025年10月8日 审核通过"],
    ]
    assert history_table(ledger, "quarterly-scoring", "城市社区").values.tolist() == [
        ["2025-10-12 16:00", "城市社区", "退回", "—", "—", "理由：材料不全", "李四"],
        ["2025-10-09 11:30", "城市社区", "申请销号", "—", "—", "佐证：打分表.pdf", "王五"],
        ["2025-10-09 11:00", "城市社区", "进展填报", "2025年第3季度", "推进中", "打分已完成，正在汇总", "王五"],
    ]
    assert len(history_table(ledger, "quarterly-scoring")) == 6
    assert history_table(ledger, "yearly-grading").empty


def test_measures_by_item_newest_first(plan, geo):
    key = "brand_projects|金溪县|2025-12-31"
    ledger = build_ledger(plan, geo, events(
        {"kind": "measure", "reporter": "金溪县", "item": key, "progress": "召开专题会议", "user": "赵六",
         "at": "2026-01-05T09:00:00+08:00"},
        {"kind": "measure", "reporter": "金溪县", "item": key, "progress": "约谈乡镇书记", "user": "赵六",
         "at": "2026-01-12T09:00:00+08:00"}), date(2026, 1, 20))
    assert measures_by_item(ledger) == {key: ["2026年1月12日 赵六：约谈乡镇书记", "2026年1月5日 赵六：召开专题会议"]}
    assert measures_by_item(None) == {}
