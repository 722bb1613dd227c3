"""Tasks in the plan file: a good task list loads; each kind of error is reported with its line, dotted path and
hint; every error of a file at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from plan_monitor.errors import PlanError
from plan_monitor.paths import DEFAULT_TARGETS, ROOT
from plan_monitor.spec.plan import load_plan

HEAD = """version: 1
plan:
  id: t
  name: 测试计划
  region: {name: 荆州市, code: "421000"}
  years: [2022, 2023, 2024]
  baseline_year: 2021
tasks:
"""
GOOD = HEAD + """  - id: one-off
    wording: 3年内分层级、分领域探索建立150个“党建共享阵地”
    area: 提效赋能行动
    units: [各县（市、区）]
    deadline: 2024-12-31
    evidence: 共享阵地名单
  - id: monthly
    wording: 每月定期联系村党组织
    area: 县直单位党组织
    lead: 县委组织部
    units: [县直单位党组织]
    cadence: monthly
    start: 2022-09-01
    evidence: 联系记录
    applies_to: [沙市区, 岑河镇]
  - id: staged
    wording: 分阶段推进
    area: 工作步骤
    cadence: stages
    stages:
      - {name: 动员部署阶段, start: 2022-09-01, end: 2022-09-10}
      - {name: 行动实施阶段, start: 2022-09-01, end: 2022-12-31}
    evidence: 总结材料
    report_by: county
"""
ALLOWED = ("id, title, wording, area, lead, units, deadline, cadence, stages, start, evidence, applies_to, report_by, "
           "note")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str):
    path = write(tmp_path, text)
    with pytest.raises(PlanError) as info:
        load_plan(path)
    return info.value.problems


def test_good_task_file(tmp_path):
    plan = load_plan(write(tmp_path, GOOD))
    assert [t.id for t in plan.tasks] == ["one-off", "monthly", "staged"]
    assert plan.indicators == []
    assert plan.task("one-off").deadline == date(2024, 12, 31)
    assert plan.task("monthly").owners == ["县委组织部", "县直单位党组织"]
    assert plan.task("monthly").applies_to == ["沙市区", "岑河镇"]
    assert plan.task("staged").stages[1].name == "行动实施阶段"
    assert plan.task("one-off").applies_to == "all"


# old text, new text, dotted path, line, fragment of the message, fragment of the hint
ERRORS = [
    ("    evidence: 共享阵地名单\n", "    evidence: 共享阵地名单\n    owner: 县委\n", "tasks[0].owner", 15,
     "Extra inputs are not permitted", "allowed fields: " + ALLOWED),
    ("    area: 提效赋能行动\n", "", "tasks[0].area", 9, "Field required", "add this field"),
    ("cadence: monthly", "cadence: weekly", "tasks[1].cadence", 20, "Input should be 'monthly'",
     "use one of the listed values"),
    ("deadline: 2024-12-31", "deadline: 2025-03-31", "tasks[0].deadline", 13, "时限 2025-03-31 不在计划期",
     "2022-01-01 至 2024-12-31"),
    ("{name: 行动实施阶段, start: 2022-09-01, end: 2022-12-31}", "{name: 行动实施阶段, start: 2022-09-01, end: 2025-01-31}",
     "tasks[2].stages[1].end", 30, "阶段结束 2025-01-31 不在计划期", "计划期内"),
    ("    deadline: 2024-12-31\n", "", "tasks[0]", 9, "deadline（时限）和 cadence（周期）须且只须写一项",
     "cadence: monthly, quarterly, half-yearly, yearly, stages"),
    ("    cadence: monthly\n", "    cadence: monthly\n    deadline: 2024-06-30\n", "tasks[1]", 15,
     "须且只须写一项", "deadline: YYYY-MM-DD"),
    ("  - id: monthly", "  - id: one-off", "tasks[1].id", 15, "任务编号 one-off 重复 / duplicate task id", "须唯一"),
    ("applies_to: [沙市区, 岑河镇]", "applies_to: [沙市区, 岑河]", "tasks[1].applies_to[1]", 23,
     "“岑河”不是本地区的县（市、区）或乡镇（街道）", "是否为：岑河镇"),
    ("applies_to: [沙市区, 岑河镇]", "applies_to: [沙市]", "tasks[1].applies_to[0]", 23, "unknown unit", "沙市区"),
    ("    stages:\n", "    stages_:\n", "tasks[2].stages_", 28, "Extra inputs", "allowed fields"),
    ("end: 2022-09-10}", "end: 2022-08-10}", "tasks[2].stages[0].end", 29, "阶段结束 2022-08-10 早于开始 2022-09-01",
     "检查日期"),
    ("deadline: 2024-12-31", "deadline: 2024-13-01", "", 13, "YAML 语法错误", "not a real date"),
]


@pytest.mark.parametrize("old, new, path, line, message, hint", ERRORS, ids=[e[2] or "yaml" for e in ERRORS])
def test_each_error_with_line_path_and_hint(tmp_path, old, new, path, line, message, hint):
    assert old in GOOD
    (problem,) = problems(tmp_path, GOOD.replace(old, new, 1))
    assert (problem.path, problem.line) == (path, line)
    assert message in problem.message
    assert hint in problem.hint
    assert str(problem).startswith(f"{tmp_path / 'plan.yaml'}:{line}: ")


def test_stages_without_cadence_stages_and_cadence_stages_without_stages(tmp_path):
    text = GOOD.replace("cadence: stages", "cadence: yearly")
    (problem,) = problems(tmp_path, text)
    assert (problem.path, problem.line) == ("tasks[2].stages", 28) and "stages need cadence: stages" in problem.message
    text = GOOD.replace("    evidence: 共享阵地名单\n", "    evidence: 共享阵地名单\n    cadence: stages\n", 1).replace(
        "    deadline: 2024-12-31\n", "", 1)
    (problem,) = problems(tmp_path, text)
    assert (problem.path, problem.line) == ("tasks[0].stages", 9) and "stages are missing" in problem.message


def test_every_error_reported_at_once(tmp_path):
    text = (GOOD.replace("cadence: monthly", "cadence: weekly")  # schema
            .replace("  - id: staged", "  - id: one-off")  # duplicate id
            .replace("deadline: 2024-12-31", "deadline: 2021-06-30")  # outside the period
            .replace("    evidence: 共享阵地名单\n", "    evidence: 共享阵地名单\n    colour: red\n"))
    found = problems(tmp_path, text)
    # A schema error stops the semantic checks (as for indicators): both schema errors, then fixed, the rest.
    assert sorted((p.path, p.line) for p in found) == [("tasks[0].colour", 15), ("tasks[1].cadence", 21)]
    text = text.replace("cadence: weekly", "cadence: monthly").replace("    colour: red\n", "").replace(
        "applies_to: [沙市区, 岑河镇]", "applies_to: [不存在镇]")
    found = problems(tmp_path, text)
    assert sorted((p.path, p.line) for p in found) == [
        ("tasks[0].deadline", 13), ("tasks[1].applies_to[0]", 23), ("tasks[2].id", 24)]


def test_who_reports_must_be_known(tmp_path):
    """A task nobody is named to report on (no units, report_by unit) is an error with its line and a hint; a
    county-level plan without towns cannot have towns report (report_by town)."""
    text = GOOD.replace("    report_by: county\n", "")
    (problem,) = problems(tmp_path, text)
    assert (problem.path, problem.line) == ("tasks[2].report_by", 24)
    assert "无人填报进展" in problem.message and "report_by: county" in problem.hint
    (problem,) = problems(tmp_path, GOOD.replace("report_by: county", "report_by: village"))
    assert problem.path == "tasks[2].report_by" and "Input should be 'unit', 'county' or 'town'" in problem.message
    assert load_plan(write(tmp_path, GOOD.replace("report_by: county", "report_by: town"))).tasks[2].report_by == "town"


def test_a_plan_needs_indicators_or_tasks(tmp_path):
    (problem,) = problems(tmp_path, HEAD.replace("tasks:\n", ""))
    assert problem.path == "indicators" and "neither indicators nor tasks" in problem.message


EXAMPLES = [DEFAULT_TARGETS, *sorted((ROOT / "examples").glob("*.yaml")), *sorted((ROOT / "plans").glob("*.yaml"))]


@pytest.mark.parametrize("path", [p for p in EXAMPLES if p.name != "plans.yaml"], ids=lambda p: p.name)
def test_every_example_plan_checks(path):
    load_plan(path)


def test_example_task_counts():
    assert len(load_plan(ROOT / "plans" / "suixi.yaml").tasks) == 20
    county = load_plan(ROOT / "plans" / "county-action.yaml")
    assert {t.id: t.cadence for t in county.tasks} == {
        "monthly-contact": "monthly", "three-lists-one-agreement": "yearly", "joint-meeting": "half-yearly",
        "volunteer-service": "monthly", "town-report": "half-yearly", "quarterly-scoring": "quarterly",
        "yearly-grading": "yearly", "work-stages": "stages"}
    jingzhou = load_plan(DEFAULT_TARGETS)
    assert len(jingzhou.indicators) == 13
    titles = [t.title for t in jingzhou.tasks]
    assert {"实施“思想淬炼”工程", "开展“寻忆初心”活动", "全域推进“荆城先锋”行动"} <= set(titles)
    assert len(load_plan(ROOT / "examples" / "huizhou.yaml").tasks) == 10
