"""The task ledger end to end on a real store: reports, 销号 request → approve / return, closed for good, scope
(a unit reporting on another unit's task, a county on another county's) refused with nothing written, the
assignment states and overdue rules at their boundaries, exact rows."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from plan_monitor.access.roles import Actor
from plan_monitor.errors import AccessDenied, DataError
from plan_monitor.ingest.service import WriteService
from plan_monitor.ledger.state import assignments, build_ledger
from plan_monitor.paths import ROOT
from plan_monitor.sources import open_store
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.plan import load_plan

COUNTY_PLAN = load_plan(ROOT / "plans" / "county-action.yaml")
COUNTY_GEO = load_geography(COUNTY_PLAN)
CITY = Actor("李审核", role="city_analyst")
ORG = Actor("周填报", role="unit_reporter", units={"县乡村振兴局"})
JINGLING = Actor("王分析", role="county_analyst", counties={"江陵县"})


def report(task_id, reporter, period="", status="in_progress", progress="按计划推进", evidence="") -> pa.Table:
    return pa.table({"kind": ["report"], "task_id": [task_id], "reporter": [reporter], "period": [period],
                     "status": [status], "progress": [progress], "evidence": [evidence]})


@pytest.fixture
def store(tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    return open_store(folder)


def ledger(store, plan=COUNTY_PLAN, geo=COUNTY_GEO, day=date(2025, 12, 20)):
    return build_ledger(plan, geo, store.task_ledger()[1], day)


def row(led, task_id, reporter):
    a = led.assignments
    found = a[(a["task_id"] == task_id) & (a["reporter"] == reporter)]
    assert len(found) == 1
    return found.iloc[0]


def test_assignments_follow_report_by():
    a = assignments(COUNTY_PLAN, COUNTY_GEO)
    assert list(a[a["task_id"] == "quarterly-scoring"]["reporter"]) == ["县乡村振兴局", "城市社区", "工业园区"]
    towns = a[a["task_id"] == "town-report"]
    assert len(towns) == len(COUNTY_GEO.towns) == 13
    assert towns.iloc[0]["reporter"] == f"金溪县/{towns.iloc[0]['town']}" and set(towns["county"]) == {"金溪县"}
    assert list(a[a["task_id"] == "work-stages"]["reporter"]) == ["县委组织部", "各乡镇", "各县直单位"]


def test_report_then_close_request_then_return_then_approve(store):
    w = WriteService(store)
    day = date(2025, 12, 20)
    w.record_tasks(COUNTY_PLAN, COUNTY_GEO, report("quarterly-scoring", "县乡村振兴局", "2025-Q3", "done",
                                                  "第三季度考核打分已汇总"), ORG, "form", day=day)
    r = row(ledger(store), "quarterly-scoring", "县乡村振兴局")
    assert (r["period"], r["status"], r["progress"], r["close"], r["reported_by"]) == \
        ("2025-Q3", "done", "第三季度考核打分已汇总", "open", "周填报")
    # 2025-Q3 ended 09-30 and was reported; 2025-Q4 is not due until 12-31: nothing overdue, state 已完成待销号
    assert (r["periods_due"], r["periods_overdue"], r["state"], r["group"]) == (1, 0, "done", "ongoing")

    w.request_close(COUNTY_PLAN, COUNTY_GEO, "quarterly-scoring", "县乡村振兴局", "考核汇总表.xlsx", ORG, day=day)
    assert row(ledger(store), "quarterly-scoring", "县乡村振兴局")["state"] == "requested"
    with pytest.raises(DataError, match="已申请销号，正在等待审核"):
        w.request_close(COUNTY_PLAN, COUNTY_GEO, "quarterly-scoring", "县乡村振兴局", "考核汇总表.xlsx", ORG, day=day)
    with pytest.raises(AccessDenied, match="无权审核销号"):
        w.review_close(COUNTY_PLAN, COUNTY_GEO, "quarterly-scoring", "县乡村振兴局", True, ORG, day=day)
    with pytest.raises(DataError, match="须填写退回理由"):
        w.review_close(COUNTY_PLAN, COUNTY_GEO, "quarterly-scoring", "县乡村振兴局", False, CITY, day=day)

    w.review_close(COUNTY_PLAN, COUNTY_GEO, "quarterly-scoring", "县乡村振兴局", False, CITY, reason="缺少第四季度汇总",
                   day=day)
    r = row(ledger(store), "quarterly-scoring", "县乡村振兴局")
    assert (r["close"], r["state"], r["close_reason"], r["close_by"]) == ("returned", "returned", "缺少第四季度汇总",
                                                                          "李审核")
    w.request_close(COUNTY_PLAN, COUNTY_GEO, "quarterly-scoring", "县乡村振兴局", "考核汇总表（补充）.xlsx", ORG, day=day)
    w.review_close(COUNTY_PLAN, COUNTY_GEO, "quarterly-scoring", "县乡村振兴局", True, CITY, day=day)
    r = row(ledger(store), "quarterly-scoring", "县乡村振兴局")
    assert (r["close"], r["state"], r["group"], r["close_by"], r["close_evidence"]) == \
        ("closed", "closed", "closed", "李审核", "考核汇总表（补充）.xlsx")

    # closed for good: no more reports, no second approval, no new request
    with pytest.raises(DataError, match="销号，不再填报"):
        w.record_tasks(COUNTY_PLAN, COUNTY_GEO, report("quarterly-scoring", "县乡村振兴局", "2025-Q4"), ORG, "form",
                       day=day)
    with pytest.raises(DataError, match="没有待审核的销号申请（已销号）"):
        w.review_close(COUNTY_PLAN, COUNTY_GEO, "quarterly-scoring", "县乡村振兴局", True, CITY, day=day)
    batches, events = store.task_ledger()
    assert [b["kind"] for b in batches] == ["form", "close_request", "close_return", "close_request", "close_approve"]
    assert events["kind"].to_pylist() == ["report", "close_request", "close_return", "close_request", "close_approve"]
    assert events["user"].to_pylist() == ["周填报", "周填报", "李审核", "周填报", "李审核"]
    assert events["event"].to_pylist() == [1, 2, 3, 4, 5]


def test_scope_a_unit_cannot_report_for_another_unit_and_nothing_is_written(store):
    w = WriteService(store)
    both = pa.concat_tables([report("quarterly-scoring", "县乡村振兴局", "2025-Q3"),
                             report("quarterly-scoring", "城市社区", "2025-Q3")])
    with pytest.raises(AccessDenied) as err:
        w.record_tasks(COUNTY_PLAN, COUNTY_GEO, both, ORG, "upload", file_name="台账.xlsx", original=b"x",
                       day=date(2025, 12, 20))
    assert "第2条" in err.value.zh and "不能代“城市社区”填报" in err.value.zh and "台账未作任何改动" in err.value.zh
    assert store.task_ledger() == ([], store.task_ledger()[1]) and len(store.task_ledger()[1]) == 0
    # given the events' file lines (an uploaded 台账), the refusal numbers the row as the file and the preview do
    with pytest.raises(AccessDenied) as err:
        w.record_tasks(COUNTY_PLAN, COUNTY_GEO, both, ORG, "upload", file_name="台账.xlsx", original=b"x",
                       day=date(2025, 12, 20), lines=[4, 7])
    assert "第7行：" in err.value.zh and "第2条" not in err.value.zh and "第4行" not in err.value.zh
    assert len(store.task_ledger()[1]) == 0
    # a town's report by the county's towns: a unit reporter may not; the city may
    with pytest.raises(AccessDenied):
        w.record_tasks(COUNTY_PLAN, COUNTY_GEO, report("town-report", "金溪县/对桥镇", "2025-H2"), ORG, "form",
                       day=date(2026, 1, 5))
    w.record_tasks(COUNTY_PLAN, COUNTY_GEO, report("town-report", "金溪县/对桥镇", "2025-H2"), CITY, "form",
                   day=date(2026, 1, 5))
    assert len(store.task_ledger()[1]) == 1


def test_a_county_reports_only_its_own_county(tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(ROOT / "data" / "demo", folder, ignore=shutil.ignore_patterns("store"))
    store = open_store(folder)
    plan = load_plan(ROOT / "targets.yaml")
    geo = load_geography(plan)
    w = WriteService(store)
    before = len(store.task_ledger()[1])
    with pytest.raises(AccessDenied, match="不能代“沙市区”填报"):
        w.record_tasks(plan, geo, report("xunyi-chuxin", "沙市区"), JINGLING, "form", day=date(2024, 9, 30))
    w.record_tasks(plan, geo, report("xunyi-chuxin", "江陵县", status="behind", progress="进度滞后，正在追赶"), JINGLING,
                   "form", day=date(2024, 9, 30))
    events = store.task_ledger()[1]
    assert len(events) == before + 1
    last = events.slice(len(events) - 1).to_pylist()[0]
    assert {k: last[k] for k in ("plan", "kind", "task_id", "reporter", "period", "status", "user", "role")} == {
        "plan": plan.plan.id, "kind": "report", "task_id": "xunyi-chuxin", "reporter": "江陵县",
        "period": "", "status": "behind", "user": "王分析", "role": "county_analyst"}
    r = row(build_ledger(plan, geo, events, date(2024, 9, 30)), "xunyi-chuxin", "江陵县")
    assert (r["status"], r["state"], r["group"]) == ("behind", "behind", "behind")


@pytest.mark.parametrize("field, value, message", [
    ("task_id", "no-such-task", "不是本计划的任务"),
    ("reporter", "县民政局", "不是任务“每季度汇总考核量化打分”的填报单位"),
    ("period", "2026-Q1", "不是该任务已开始的一期"),
    ("period", "", "定期任务须写报告期"),
    ("status", "完成", "进展状态“完成”无效"),
    ("progress", "好", "须填写进展情况"),
])
def test_each_rule_names_the_problem(store, field, value, message):
    values = {"task_id": "quarterly-scoring", "reporter": "县乡村振兴局", "period": "2025-Q4", "status": "done",
              "progress": "按计划推进"} | {field: value}
    with pytest.raises(DataError, match=message):
        WriteService(store).record_tasks(COUNTY_PLAN, COUNTY_GEO, report(**values), CITY, "form",
                                         day=date(2025, 12, 31))
    assert len(store.task_ledger()[1]) == 0


def test_a_period_label_is_accepted_and_a_deadline_task_takes_no_period(tmp_path):
    from plan_monitor.ledger.rules import normalise_period

    assert normalise_period(COUNTY_PLAN, "quarterly-scoring", "2025年第4季度") == "2025-Q4"
    assert normalise_period(COUNTY_PLAN, "town-report", "2025年下半年") == "2025-H2"
    plan = load_plan(ROOT / "targets.yaml")
    folder = tmp_path / "d"
    folder.mkdir()
    with pytest.raises(DataError, match="是一次完成的任务（时限 2024-12-31），报告期留空"):
        WriteService(open_store(folder)).record_tasks(plan, load_geography(plan), report("xunyi-chuxin", "江陵县", "2024"),
                                                      CITY, "form", day=date(2024, 9, 30))


def test_overdue_at_the_boundaries(store):
    """A deadline task is overdue the day after its deadline; a cadence period's report is due at the period's end
    and on time for report_days (10) more days: 逾期 from the 11th day after the end."""
    plan, geo = COUNTY_PLAN, COUNTY_GEO
    # monthly-contact: 2025-09 ends 09-30, on time to 10-10
    on_time = row(ledger(store, day=date(2025, 10, 10)), "monthly-contact", "县直单位党组织")
    assert (on_time["periods_due"], on_time["periods_overdue"], on_time["state"]) == (1, 0, "unreported")
    late = row(ledger(store, day=date(2025, 10, 11)), "monthly-contact", "县直单位党组织")
    assert (late["periods_due"], late["periods_overdue"], late["state"], late["group"]) == (1, 1, "overdue", "behind")
    # the half year 2025-H2 ends 12-31: due on 12-31, overdue from 2026-01-11
    h2 = [row(ledger(store, day=d), "joint-meeting", "村级党组织") for d in
          (date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 10), date(2026, 1, 11))]
    assert [(r["periods_due"], r["periods_overdue"]) for r in h2] == [(0, 0), (1, 0), (1, 0), (1, 1)]
    # stages: 动员部署阶段 ends 2025-09-10, so on 2025-09-21 it is overdue unless reported
    st = row(ledger(store, day=date(2025, 9, 21)), "work-stages", "县委组织部")
    assert (st["periods_due"], st["periods_overdue"]) == (1, 1)
    WriteService(store).record_tasks(plan, geo, report("work-stages", "县委组织部", "动员部署阶段", "done", "动员会已召开"),
                                     CITY, "form", day=date(2025, 9, 21))
    st = row(ledger(store, day=date(2025, 9, 21)), "work-stages", "县委组织部")
    assert (st["periods_due"], st["periods_overdue"], st["state"]) == (1, 0, "done")
    # the matrix: reported late (after 09-20) shows 逾期补报, the next stage 行动实施阶段 is not yet due
    m = ledger(store, day=date(2025, 9, 21)).matrix("work-stages")
    assert m.set_index("reporter").loc["县委组织部", "动员部署阶段"] == "late"
    assert m.set_index("reporter").loc["县委组织部", "行动实施阶段"] == "pending"
    assert m.set_index("reporter").loc["各乡镇", "动员部署阶段"] == "overdue"
