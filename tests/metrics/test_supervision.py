"""督办 from figures: an item opens at a county's first red (严重滞后) round, closes itself at the first later round
back on pace (正常推进 or 已完成) with a note, stays open through 滞后; colours by date; the demo's items pinned."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook
from supervision_data import supervision_data, supervision_plan

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.metrics.supervision import colours, monitor_items, plan_rounds, round_statuses
from plan_monitor.outputs.export_table import as_of_note, supervision_export
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.present.supervision import closed_table, counts, open_table, with_notes

T = pd.Timestamp
SHOWN = ["county", "opened_no", "opened_at", "deadline", "actual", "open", "latest_status", "closed_no", "closed_at",
         "note"]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("supervision")
    return Monitor.build(supervision_plan(folder), supervision_data(folder / "data"))


def rows(items: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in items[SHOWN].itertuples(index=False)]


def test_statuses_are_the_scorecards_own_at_every_round(small):
    s = round_statuses(small)
    assert plan_rounds(small) == [date(2022, 12, 31), date(2023, 12, 31), date(2024, 6, 30), date(2024, 9, 30)]
    got = s[s["actual"].notna()].set_index(["county", "round"])["status"].to_dict()
    assert got == {
        ("公安县", T("2022-12-31")): "far_behind", ("公安县", T("2023-12-31")): "behind",
        ("公安县", T("2024-06-30")): "behind", ("公安县", T("2024-09-30")): "behind",
        ("沙市区", T("2022-12-31")): "far_behind", ("沙市区", T("2023-12-31")): "far_behind",
        ("沙市区", T("2024-06-30")): "on_pace", ("沙市区", T("2024-09-30")): "behind",
        ("荆州区", T("2022-12-31")): "on_pace", ("荆州区", T("2023-12-31")): "on_pace",
        ("荆州区", T("2024-06-30")): "on_pace", ("荆州区", T("2024-09-30")): "far_behind"}
    # the default round's figures are the Monitor's scorecard, value for value
    card = small.card.select(year=2024, level="county").set_index("county")
    last = s[s["round"] == T("2024-09-30")].set_index("county")
    for county in ("公安县", "沙市区", "荆州区"):
        assert last.loc[county, "status"] == card.loc[county, "status"]
        assert last.loc[county, "expected"] == card.loc[county, "expected"]


def test_red_opens_on_pace_closes_behind_keeps_open(small):
    items = with_notes(monitor_items(small))
    assert rows(items) == [
        ("公安县", 1, T("2022-12-31"), T("2023-01-30"), 2.0, True, "behind", None, None, None),
        ("荆州区", 4, T("2024-09-30"), T("2024-10-30"), 21.0, True, "far_behind", None, None, None),
        ("沙市区", 1, T("2022-12-31"), T("2023-01-30"), 2.0, False, "behind", 3, T("2024-06-30"),
         "第3轮（统计截至 2024年6月30日）恢复为正常推进，自动销号"),
    ]
    # the triggering figures of the last round's red: actual, county target, completion, 时序进度 and 时序要求
    jz = items[items["county"] == "荆州区"].iloc[0]
    assert (jz["target"], jz["completion"], round(jz["time_progress"], 6), round(jz["expected"], 6)) == (
        30.0, 0.7, round(27.486339 / 30, 6), 27.486339)


def test_a_later_red_opens_a_new_item(small):
    s = round_statuses(small)
    # 沙市区 red again at the last round: a second item, the first still closed at round 3
    s.loc[(s["county"] == "沙市区") & (s["round"] == T("2024-09-30")), "status"] = "far_behind"
    from plan_monitor.metrics.supervision import supervision_items
    items = supervision_items(s, 30, plan_rounds(small))
    sha = items[items["county"] == "沙市区"]
    assert [(r.opened_no, r.open, None if pd.isna(r.closed_no) else r.closed_no) for r in sha.itertuples()] == [
        (4, True, None), (1, False, 3)]


@pytest.mark.parametrize("day, colour", [
    (date(2024, 10, 10), "blue"),  # 20 days left
    (date(2024, 10, 23), "yellow"),  # 7 days left
    (date(2024, 10, 30), "yellow"),  # due today
    (date(2024, 10, 31), "red"),  # overdue
])
def test_colour_of_the_open_item_by_date(small, day, colour):
    items = monitor_items(small)
    by_county = dict(zip(items["county"], colours(items, day)))
    assert by_county == {"荆州区": colour, "公安县": "red", "沙市区": "grey"}


def test_behind_and_not_overdue_is_yellow(small):
    items = monitor_items(small)
    assert dict(zip(items["county"], colours(items, date(2023, 1, 1)))) == {
        "公安县": "yellow", "荆州区": "blue", "沙市区": "grey"}  # 公安县 is 滞后 at the latest round


def test_deadline_days_from_the_plan(tmp_path):
    m = Monitor.build(supervision_plan(tmp_path, deadline_days=10), supervision_data(tmp_path / "data"))
    assert m.plan.supervision.deadline_days == 10
    items = monitor_items(m)
    assert items.set_index("county")["deadline"].to_dict() == {
        "公安县": T("2023-01-10"), "荆州区": T("2024-10-10"), "沙市区": T("2023-01-10")}


def test_tables_and_export(small):
    items = monitor_items(small)
    day = date(2024, 10, 10)
    assert counts(items, day) == {"red": 1, "yellow": 0, "blue": 1, "grey": 1}
    opened = open_table(items, day)
    assert opened[["颜色", "县（市、区）", "立项", "时限"]].values.tolist() == [
        ["红色", "公安县", "第1轮（2022年12月31日）", "2023年1月30日"],
        ["蓝色", "荆州区", "第4轮（2024年9月30日）", "2024年10月30日"]]
    assert opened.loc[1, "触发数据"] == "完成值 21个，年度目标 30个，完成率 70.0%，时序进度 91.6%，时序要求 28个"
    assert opened.loc[0, "最新状态"] == "滞后（2024年9月30日）"
    closed = closed_table(items)
    assert closed[["县（市、区）", "销号情况"]].values.tolist() == [
        ["沙市区", "第3轮（统计截至 2024年6月30日）恢复为正常推进，自动销号"]]
    data = supervision_export(items, day).xlsx("督办台账", as_of_note(date(2024, 9, 30), False))
    ws = load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0][0] == "督办台账" and values[1][0] == "数据截至 2024年9月30日"
    assert values[2][:4] == ["序号", "督办颜色", "县（市、区）", "指标"]
    assert [(r[0], r[1], r[2], r[12]) for r in values[3:]] == [
        (1, "红色（已逾期）", "公安县", "未销号"), (2, "蓝色（未到时限）", "荆州区", "未销号"), (3, "已销号", "沙市区", "已销号")]
    assert values[5][-1] == "第3轮（统计截至 2024年6月30日）恢复为正常推进，自动销号"


def test_demo_items_pinned():
    m = Monitor.build(DEFAULT_TARGETS, DEFAULT_DATA)
    items = monitor_items(m)
    assert (len(items), int(items["open"].sum()), int((~items["open"]).sum())) == (51, 49, 2)
    assert counts(items, date(2024, 10, 10)) == {"red": 48, "yellow": 0, "blue": 1, "grey": 2}
    assert sorted(with_notes(items).loc[~items["open"], "note"]) == [
        "第2轮（统计截至 2023年12月31日）恢复为已完成，自动销号", "第4轮（统计截至 2024年9月30日）恢复为已完成，自动销号"]
