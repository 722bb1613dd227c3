"""任务进展台账 uploads (ingest.task_sheet): a GB18030 CSV and an xlsx with a title row and a 合计 row read into the exact
events; a missing column, a wrong status, an unknown task, a period not begun and duplicate rows each one problem
with the file's line and column; a row outside the reporter's scope refused, by the write service too, with nothing
stored; the template (outputs.task_template) filled in and uploaded back; a unit plan's units and towns."""

from __future__ import annotations

import io
import shutil
from datetime import date

import openpyxl
import pytest

from plan_monitor.access.roles import Actor
from plan_monitor.errors import AccessDenied
from plan_monitor.ingest.model import UploadError
from plan_monitor.ingest.service import WriteService
from plan_monitor.ingest.task_sheet import SheetProblem, check_task_sheet
from plan_monitor.ledger.state import build_ledger
from plan_monitor.outputs.task_template import COLUMNS, task_template_xlsx, template_rows
from plan_monitor.paths import DEFAULT_DATA, ROOT
from plan_monitor.sources import open_store
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.plan import load_plan

DAY = date(2024, 9, 30)
JIANGLING = Actor("江陵县 王填报", role="county_analyst", counties={"江陵县"})
CITY = Actor("市委组织部 李审核", role="city_analyst")


@pytest.fixture(scope="module")
def geo(plan):
    return load_geography(plan)


@pytest.fixture(scope="module")
def current():
    _, events = open_store(DEFAULT_DATA).task_ledger()
    return events


@pytest.fixture
def store(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, folder)
    return open_store(folder)


def csv_bytes(lines: list[str], encoding: str = "gb18030") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


HEADER = "任务编号,任务名称,填报单位,报告期,进展状态,进展情况,佐证材料,申请销号"
TITLE = "江陵县任务进展台账（2024年9月）,,,,,,,"


def rows_of(sheet) -> list[dict]:
    return sheet.events.to_pylist()


def test_gb18030_csv_with_a_title_and_a_total_row(plan, geo, current):
    data = csv_bytes([
        TITLE,
        HEADER,
        "xunyi-chuxin,开展“寻忆初心”活动,江陵县,,推进中,已开展主题活动12场,活动照片.pdf,否",
        ",,,,,,,",
        "sixiang-cuilian,实施“思想淬炼”工程,江陵县,2024年,已完成,全年学习计划已完成,学习记录.pdf,",
        ",村级后备干部提级管理,江陵县,, 滞后 ,人选调整中，进度滞后,,",
        "合计,,,,,,,",
    ])
    sheet = check_task_sheet("江陵县台账.csv", data, plan, geo, JIANGLING, current, DAY)
    assert sheet.problems == [] and sheet.can_submit and sheet.header_row == 2
    assert rows_of(sheet) == [
        {"kind": "report", "task_id": "xunyi-chuxin", "reporter": "江陵县", "period": "", "status": "in_progress",
         "progress": "已开展主题活动12场", "evidence": "活动照片.pdf", "reason": "", "item": ""},
        {"kind": "report", "task_id": "sixiang-cuilian", "reporter": "江陵县", "period": "2024", "status": "done",
         "progress": "全年学习计划已完成", "evidence": "学习记录.pdf", "reason": "", "item": ""},
        {"kind": "report", "task_id": "houbei-ganbu", "reporter": "江陵县", "period": "", "status": "behind",
         "progress": "人选调整中，进度滞后", "evidence": "", "reason": "", "item": ""},
    ]
    assert sheet.lines == [3, 5, 6]
    assert sheet.notes == ["空白行已跳过：1 行（第4行）", "合计/小计行已跳过：第7行", "第 2 行为表头，其上的 1 行标题已跳过"]
    preview = sheet.preview()
    assert preview.iloc[1].to_dict() == {"行号": 5, "类型": "进展填报", "任务": "实施“思想淬炼”工程", "填报单位": "江陵县",
                                         "报告期": "2024年", "进展状态": "已完成", "进展情况": "全年学习计划已完成",
                                         "佐证材料": "学习记录.pdf", "问题": ""}


def xlsx_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_a_title_row_a_total_row_and_a_close_request(plan, geo, current):
    data = xlsx_bytes([
        ["荆州市任务进展台账"],
        [],
        HEADER.split(","),
        ["hongse-fengchao", "“红色蜂巢”建设行动", "江陵县", None, "已完成", "蜂巢阵地已全部建成", "阵地名单.pdf", "是"],
        ["dangjian-peiyou", None, "江陵县", "2024-Q3", "推进中", "品牌培育推进中", None, None],
        ["合计", None, None, None, None, None, None, None],
    ])
    sheet = check_task_sheet("台账.xlsx", data, plan, geo, JIANGLING, current, DAY)
    assert sheet.problems == [SheetProblem(5, "报告期", "报告期“2024-Q3”不是该任务已开始的一期（最近几期：2022、2023、2024）")]
    assert sheet.lines == [4, 4, 5]
    assert [(r["kind"], r["task_id"], r["status"], r["evidence"]) for r in rows_of(sheet)] == [
        ("report", "hongse-fengchao", "done", "阵地名单.pdf"),
        ("close_request", "hongse-fengchao", "done", "阵地名单.pdf"),
        ("report", "dangjian-peiyou", "in_progress", ""),
    ]
    assert not sheet.can_submit


def test_a_missing_required_column_is_one_problem(plan, geo, current):
    data = csv_bytes(["任务编号,填报单位,报告期,进展情况", "xunyi-chuxin,江陵县,,已开展活动"], "utf-8")
    sheet = check_task_sheet("缺列.csv", data, plan, geo, JIANGLING, current, DAY)
    assert sheet.problems == [SheetProblem(1, "进展状态", "缺少必填列：进展状态（第 1 行为表头）；请按台账模板补上这些列后重新上传")]
    assert len(sheet.events) == 0 and not sheet.can_submit


def test_no_header_at_all_is_refused_as_a_whole(plan, geo, current):
    with pytest.raises(UploadError, match="没有找到台账的表头"):
        check_task_sheet("乱表.csv", csv_bytes(["县,人数", "江陵县,12"]), plan, geo, JIANGLING, current, DAY)


def test_a_wrong_status_an_unknown_task_and_a_period_not_begun(plan, geo, current):
    data = csv_bytes([
        HEADER,
        "xunyi-chuxin,,江陵县,,进行中,已开展活动,,",
        "no-such-task,,江陵县,,推进中,已开展活动,,",
        ",不存在的任务,江陵县,,推进中,已开展活动,,",
        "sixiang-cuilian,,江陵县,2025,推进中,已开展活动,,",
        "hongse-fengchao,,江陵县,,推进中,已开展活动,,可以",
    ])
    sheet = check_task_sheet("台账.csv", data, plan, geo, JIANGLING, current, DAY)
    assert [(p.line, p.column, p.message) for p in sheet.problems] == [
        (2, "进展状态", "进展状态“进行中”无效，应为：未启动、推进中、已完成、滞后"),
        (3, "任务编号", "任务编号“no-such-task”不是本计划的任务"),
        (4, "任务名称", "任务名称“不存在的任务”不是本计划的任务；请填写“任务编号”（见台账模板或任务清单）"),
        (5, "报告期", "报告期“2025”不是该任务已开始的一期（最近几期：2022、2023、2024）"),
        (6, "申请销号", "申请销号“可以”无效，应填“是”或“否”（不申请可留空）"),
    ]
    assert not any(p.refusal for p in sheet.problems)


def test_duplicate_rows(plan, geo, current):
    row = "sixiang-cuilian,,江陵县,2024年,推进中,学习计划推进中,,"
    sheet = check_task_sheet("台账.csv", csv_bytes([HEADER, row, row.replace("2024年", "2024")]), plan, geo, JIANGLING,
                             current, DAY)
    assert [(p.line, p.column, p.message) for p in sheet.problems] == [
        (3, "报告期", "同一任务、同一填报单位、同一期在表中出现多次，只保留一行")]


def test_a_row_outside_the_scope_is_refused_and_nothing_is_stored(plan, geo, store):
    _, before = store.task_ledger()
    data = csv_bytes([HEADER, "xunyi-chuxin,,江陵县,,推进中,已开展活动,,", "xunyi-chuxin,,沙市区,,推进中,已开展活动,,"])
    sheet = check_task_sheet("台账.csv", data, plan, geo, JIANGLING, before, DAY)
    assert sheet.refused and [(p.line, p.column, p.refusal) for p in sheet.problems] == [(3, "填报单位", True)]
    assert sheet.problems[0].message == "江陵县 王填报（县级分析员）只能填报本单位（本地）的任务，不能代“沙市区”填报"
    with pytest.raises(AccessDenied, match="不能代“沙市区”填报；台账未作任何改动"):
        WriteService(store).record_tasks(plan, geo, sheet.events, JIANGLING, "upload", file_name="台账.csv",
                                         original=data, day=DAY)
    batches, after = store.task_ledger()
    assert batches == [] and after.equals(before)


def test_a_clean_sheet_is_recorded_through_the_write_service(plan, geo, store):
    _, before = store.task_ledger()
    data = csv_bytes([HEADER, "hongse-fengchao,,江陵县,,已完成,蜂巢阵地已全部建成,阵地名单.pdf,是"])
    sheet = check_task_sheet("台账.csv", data, plan, geo, JIANGLING, before, DAY)
    entry = WriteService(store).record_tasks(plan, geo, sheet.events, JIANGLING, "upload", file_name="台账.csv",
                                             original=data, day=DAY)
    assert (entry["events"], entry["tasks"], entry["kind"]) == (2, ["hongse-fengchao"], "upload")
    _, after = store.task_ledger()
    ledger = build_ledger(plan, geo, after, DAY)
    row = ledger.assignments.set_index(["task_id", "reporter"]).loc[("hongse-fengchao", "江陵县")]
    assert (row["status"], row["close"], row["close_evidence"], row["requested_by"], row["state"]) == (
        "done", "requested", "阵地名单.pdf", "江陵县 王填报", "requested")


def test_the_template_lists_the_reporters_open_rows_and_round_trips(plan, geo, store):
    _, events = store.task_ledger()
    ledger = build_ledger(plan, geo, events, DAY)
    rows = template_rows(ledger, JIANGLING)
    assert len(rows) == 21 and {r["填报单位"] for r in rows} == {"江陵县"}
    assert rows[:3] == [
        {"任务编号": "sixiang-cuilian", "任务名称": "实施“思想淬炼”工程", "填报单位": "江陵县", "报告期": "2022年",
         "应报时限": "2023年1月10日前"},
        {"任务编号": "sixiang-cuilian", "任务名称": "实施“思想淬炼”工程", "填报单位": "江陵县", "报告期": "2024年",
         "应报时限": "2025年1月10日前"},
        {"任务编号": "xunyi-chuxin", "任务名称": "开展“寻忆初心”活动", "填报单位": "江陵县", "报告期": "",
         "应报时限": "2024年12月31日前"},
    ]
    data = task_template_xlsx(ledger, JIANGLING)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["任务进展台账"]
    assert [c.value for c in sheet[2]] == COLUMNS and sheet.freeze_panes == "A3"
    assert [dv.formula1 for dv in sheet.data_validations.dataValidation] == ['"未启动,推进中,已完成,滞后"', '"是,否"']
    sheet["F3"], sheet["G3"], sheet["H3"] = "已完成", "2022年度学习计划已完成", "学习记录.pdf"
    sheet["F5"], sheet["G5"], sheet["H5"], sheet["I5"] = "已完成", "活动全部完成", "活动名单.pdf", "是"
    buffer = io.BytesIO()
    book.save(buffer)
    read = check_task_sheet("任务进展台账.xlsx", buffer.getvalue(), plan, geo, JIANGLING, events, DAY)
    assert read.problems == [SheetProblem(5, "申请销号", "已申请销号，正在等待审核，不要重复申请")]
    sheet["I5"] = None
    buffer = io.BytesIO()
    book.save(buffer)
    read = check_task_sheet("任务进展台账.xlsx", buffer.getvalue(), plan, geo, JIANGLING, events, DAY)
    assert read.problems == [] and read.lines == [3, 5]
    assert rows_of(read) == [
        {"kind": "report", "task_id": "sixiang-cuilian", "reporter": "江陵县", "period": "2022", "status": "done",
         "progress": "2022年度学习计划已完成", "evidence": "学习记录.pdf", "reason": "", "item": ""},
        {"kind": "report", "task_id": "xunyi-chuxin", "reporter": "江陵县", "period": "", "status": "done",
         "progress": "活动全部完成", "evidence": "活动名单.pdf", "reason": "", "item": ""},
    ]
    assert read.notes[-1] == "未填写进展的行已跳过：第4行、第6行、第7行、第8行、第9行等 19 行"
    WriteService(store).record_tasks(plan, geo, read.events, JIANGLING, "upload", file_name="任务进展台账.xlsx",
                                     original=buffer.getvalue(), day=DAY)
    _, after = store.task_ledger()
    assert len(template_rows(build_ledger(plan, geo, after, DAY), JIANGLING)) == 20  # 2022 is reported now


def test_a_unit_plan_by_unit_and_by_town_in_two_columns():
    plan = load_plan(ROOT / "plans" / "county-action.yaml")
    geo = load_geography(plan)
    _, current = open_store(ROOT / "data" / "county-action").task_ledger()
    day = date(2026, 1, 20)
    unit = Actor("县直单位 张填报", role="unit_reporter", units={"县直单位党组织"})
    data = csv_bytes(["任务编号,填报单位,报告期,进展状态,进展情况",
                      "monthly-contact,县直单位党组织,2026年1月,推进中,本月已联系村党组织3次",
                      "quarterly-scoring,县乡村振兴局,2025-Q4,已完成,已汇总打分"], "utf-8")
    sheet = check_task_sheet("单位台账.csv", data, plan, geo, unit, current, day)
    assert [(r["task_id"], r["reporter"], r["period"]) for r in rows_of(sheet)] == [
        ("monthly-contact", "县直单位党组织", "2026-01"), ("quarterly-scoring", "县乡村振兴局", "2025-Q4")]
    assert [(p.line, p.column, p.refusal) for p in sheet.problems] == [(3, "填报单位", True)]
    county = Actor("金溪县 刘统计", role="county_analyst", counties={"金溪县"})
    data = csv_bytes(["任务编号,县（市、区）,乡镇（街道）,报告期,进展状态,进展情况",
                      "town-report,金溪县,浒湾镇,2025年下半年,已完成,已报送下半年工作报告"], "utf-8")
    sheet = check_task_sheet("乡镇台账.csv", data, plan, geo, county, current, day)
    assert sheet.problems == [] and rows_of(sheet)[0]["reporter"] == "金溪县/浒湾镇"
    assert rows_of(sheet)[0]["period"] == "2025-H2"
