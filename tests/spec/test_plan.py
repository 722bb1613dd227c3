"""The plan file: every validation error path, reported with file, line, dotted field path and hint."""

from __future__ import annotations

import pytest

from inline_rosters import PLANS
from plan_monitor.errors import PlanError
from plan_monitor.paths import DEFAULT_TARGETS
from plan_monitor.spec.plan import load_plan

INDICATOR_FIELDS = ("id, name, unit, kind, direction, measure, plan_text, reading, query, params, columns, levels, "
                    "targets, quotas, split")


def problems_of(name: str):
    path = PLANS / name
    with pytest.raises(PlanError) as info:
        load_plan(path)
    for problem in info.value.problems:
        assert problem.file == str(path)
    return info.value.problems


def test_bundled_plan_is_valid():
    plan = load_plan(DEFAULT_TARGETS)
    assert plan.years == [2022, 2023, 2024]
    assert plan.plan.baseline_year == 2021
    assert len(plan.indicators) == 13
    assert plan.indicator("demo_villages").targets == {2022: 100, 2023: 200, 2024: 300}
    with pytest.raises(KeyError):
        plan.indicator("nope")


def test_minimal_fixture_plan_is_valid():
    plan = load_plan(PLANS / "valid.yaml")
    assert [i.id for i in plan.indicators] == ["demo_villages", "village_income_20w"]
    assert plan.status_rules.red_below == 0.5  # defaults apply


# file, dotted path, line, fragment of the message, fragment of the hint
SINGLE_ERRORS = [
    ("missing_field.yaml", "indicators[0].unit", 10, "Field required", "add this field"),
    ("extra_field.yaml", "indicators[0].colour", 13, "Extra inputs are not permitted",
     "allowed fields: " + INDICATOR_FIELDS),
    ("extra_top_field.yaml", "titel", 3, "Extra inputs are not permitted",
     "allowed fields: version, plan, geography, status_rules, indicators"),
    ("wrong_kind.yaml", "indicators[0].kind", 13,
     "Input should be 'count', 'share', 'threshold', 'multiple' or 'ratio'", "use one of the listed values"),
    ("bad_id.yaml", "indicators[0].id", 10, "String should match pattern '^[a-z][a-z0-9_]*$'",
     "does not match the required format"),
    ("share_over_one.yaml", "indicators[1].targets[2024]", 35, "占比目标 70.0 超出 0–1", "70% 写 0.7"),
    ("year_outside.yaml", "indicators[0].targets[2025]", 22, "2025 不在计划年度 [2022, 2023, 2024] 内 / year outside the plan",
     "plan.years"),
    ("baseline_year.yaml", "plan.baseline_year", 8, "基期年 2022 应早于首个计划年 2022 / baseline must precede the plan",
     "通常为 2021"),
    ("non_consecutive.yaml", "plan.years", 7, "years must be consecutive", ""),
    ("duplicate_key.yaml", "indicators[0].name", 13, "重复的键 / duplicate key", "删除重复的一项"),
    ("duplicate_id.yaml", "indicators[1].id", 23, "指标编号 demo_villages 重复 / duplicate indicator id", "须唯一"),
    ("unknown_query.yaml", "indicators[0].query", 18, "queries/measures/no_such_query.sql 不存在 / query file not found",
     "demo_villages, income_below, income_share"),
    ("missing_param.yaml", "indicators[0].params", 19, "查询 demo_villages 需要参数 flow / query needs parameter flow",
     "flow: …"),
    ("unused_param.yaml", "indicators[1].params.colour", 32, "查询 income_share 不使用参数 colour / unused parameter",
     "可用参数：threshold_wan"),
    ("town_level_county_query.yaml", "indicators[0].levels", 21, "查询 shared_sites 只到县级", "从 levels 中删除 town"),
    ("quota_on_share.yaml", "indicators[1].quotas", 36, "share 类指标不分解到县 / only count indicators take county quotas",
     "删除 quotas"),
    ("quota_sum_below.yaml", "indicators[0].quotas", 23,
     "2023 年各县任务合计 190 少于全市目标 200 / quotas do not cover the city target", "合计不少于全市目标"),
    ("quota_year_without_target.yaml", "indicators[0].quotas.沙市区[2022]", 24, "2022 年没有全市目标",
     "可分解的年份：[2023, 2024]"),
    ("unknown_quota_county.yaml", "indicators[0].quotas.不存在县", 25, "“不存在县”不是本地区的县（市、区）/ unknown county",
     "沙市区"),
    ("split_on_share.yaml", "indicators[1].split", 36, "share 类指标的目标对各县同样适用，无需测算分解", "删除 split"),
    ("split_with_quotas.yaml", "indicators[0].split", 25, "已有正式下达的任务分解（quotas），不能再测算分解",
     "保留 quotas（正式下达）或 split（测算分解）之一"),
    ("prefecture_in_city_plan.yaml", "indicators[0].levels", 21, "荆州市（421000）不设市（州）一级，指标不能按 prefecture 报告",
     "从 levels 中删除 prefecture"),
    ("split_city_only.yaml", "indicators[0].split", 23, "该指标不按县（市、区）报告，无法分解到县", "在 levels 中加入 county"),
    ("split_unknown_by.yaml", "indicators[0].split.by", 23,
     "Input should be 'villages', 'communities', 'towns', 'subdistricts' or 'equal'", "use one of the listed values"),
    ("split_by_and_quotas.yaml", "indicators[0].split", 23, "split 须且只须写 by（分解规则）或 quotas（测算任务数）之一",
     "可选规则：villages, communities, towns, subdistricts, equal"),
    ("split_fraction_target.yaml", "indicators[0].targets[2022]", 22, "测算分解按整数分配，全市目标 100.5 不是整数",
     "split.quotas"),
    ("split_sum_below.yaml", "indicators[0].split.quotas", 24,
     "2022 年各县测算任务合计 90 少于全市目标 100 / split does not cover the city target", "合计不少于全市目标"),
    ("split_unknown_county.yaml", "indicators[0].split.quotas.不存在县", 26, "“不存在县”不是本地区的县（市、区）/ unknown county",
     "沙市区"),
    ("unknown_managed_town.yaml", "geography.functional_zones[0].managed_towns[1]", 12,
     "“不存在镇”不是本地区的乡镇（街道）/ unknown town", "民政部"),
    ("bad_region_code.yaml", "plan.region.code", 6, "区划代码 999999 不在民政部区划表中", "421000"),
    ("yaml_syntax.yaml", "", 12, "YAML 语法错误 / YAML syntax error", "check indentation"),
    ("not_mapping.yaml", "", None, "文件应为键值映射 / the file must be a mapping", "targets.yaml"),
    ("not_utf8.yaml", "", None, "文件不是 UTF-8 编码 / not UTF-8", "UTF-8"),
]


@pytest.mark.parametrize("name, path, line, message, hint", SINGLE_ERRORS, ids=[c[0] for c in SINGLE_ERRORS])
def test_single_error(name, path, line, message, hint):
    (problem,) = problems_of(name)
    assert problem.path == path
    assert problem.line == line
    assert message in problem.message
    assert hint in problem.hint
    where = f"{PLANS / name}:{line}" if line else str(PLANS / name)
    assert str(problem).startswith(where + ": " + (path + ": " if path else ""))


def test_every_fixture_plan_is_tested():
    tested = {c[0] for c in SINGLE_ERRORS} | {c[0] for c in MULTIPLE_ERRORS} | {"valid.yaml"}
    assert {p.name for p in PLANS.glob("*.yaml")} == tested


def test_file_not_found():
    with pytest.raises(PlanError) as info:
        load_plan(PLANS / "no_such_plan.yaml")
    (problem,) = info.value.problems
    assert problem.message == "文件不存在 / file not found"
    assert "--targets" in problem.hint
    assert problem.line is None


MULTIPLE_ERRORS = [
    ("three_errors.yaml", [
        ("indicators[0].kind", 14, "Input should be 'count'"),
        ("indicators[0].colour", 13, "Extra inputs are not permitted"),
        ("indicators[1].plan_text", 24, "Field required"),
    ]),
    ("three_semantic_errors.yaml", [
        ("indicators[0].targets[2025]", 22, "year outside the plan"),
        ("indicators[1].id", 23, "duplicate indicator id"),
        ("indicators[1].targets[2024]", 35, "share target outside 0–1"),
    ]),
    ("wrong_type.yaml", [
        ("plan.baseline_year", 8, "valid integer"),
        ("indicators[1].targets[2023]", 35, "valid number"),
    ]),
    ("threshold_higher.yaml", [
        ("indicators[0].targets[2024]", 22, "数量目标 -1.0 为负 / negative count"),
        ("indicators[0].direction", 14, "so lower is better"),
    ]),
]


@pytest.mark.parametrize("name, expected", MULTIPLE_ERRORS, ids=[c[0] for c in MULTIPLE_ERRORS])
def test_several_errors_reported_at_once(name, expected):
    problems = problems_of(name)
    assert len(problems) == len(expected)
    assert sorted((p.path, p.line) for p in problems) == sorted((path, line) for path, line, _ in expected)
    by_path = {p.path: p for p in problems}
    for path, _, message in expected:
        assert message in by_path[path].message


def test_plan_error_text_counts_and_lists_every_problem():
    with pytest.raises(PlanError) as info:
        load_plan(PLANS / "three_errors.yaml")
    err = info.value
    assert err.zh.startswith("目标配置文件有 3 处错误：")
    assert err.en == "The plan file has 3 error(s); see above."
    assert err.zh.count("\n  - ") == 3
    assert f"{PLANS / 'three_errors.yaml'}:13: indicators[0].colour: Extra inputs are not permitted" in err.zh
    assert "（提示 hint: 只能取列出的值之一" in err.zh


def test_duplicate_key_is_reported_beside_schema_errors(tmp_path):
    text = (PLANS / "duplicate_key.yaml").read_text(encoding="utf-8").replace("kind: count", "kind: percent", 1)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert sorted(p.path for p in info.value.problems) == ["indicators[0].kind", "indicators[0].name"]


def test_geography_check_can_be_skipped():
    plan = load_plan(PLANS / "unknown_quota_county.yaml", check_geography=False)
    assert plan.indicator("demo_villages").quotas == {"沙市区": {2022: 60}, "不存在县": {2022: 40}}


VALID = (PLANS / "valid.yaml").read_text(encoding="utf-8")
ZONE = "geography:\n  functional_zones:\n    - name: 区\n"


@pytest.mark.parametrize("old, new, path, line, message, hint", [
    ('code: "421000"}', 'code: "421000", foo: 1}', "plan.region.foo", 6, "Extra inputs", "allowed fields: name, code"),
    ("indicators:\n", ZONE + "      bar: 1\nindicators:\n", "geography.functional_zones[0].bar", 12, "Extra inputs",
     "allowed fields: name, managed_towns, listed_towns, towns, note"),
    ("indicators:\n", ZONE + "      towns:\n        - {name: 甲镇, type: 镇, baz: 1}\nindicators:\n",
     "geography.functional_zones[0].towns[0].baz", 13, "Extra inputs", "allowed fields: name, type"),
    ("indicators:\n", ZONE + "      towns:\n        - {name: 甲镇, type: 村}\nindicators:\n",
     "geography.functional_zones[0].towns[0].type", 13, "Input should be '镇', '乡' or '街道'", "listed values"),
    ("indicators:\n", "status_rules:\n  red_below: 0.5\n  amber: 0.7\nindicators:\n", "status_rules.amber", 11,
     "Extra inputs", "allowed fields: red_below, stagnation"),
    ("indicators:\n", "status_rules:\n  red_below: 1.5\nindicators:\n", "status_rules.red_below", 10,
     "less than 1", ""),
    ("indicators:\n", "supervision:\n  deadline_days: 0\nindicators:\n", "supervision.deadline_days", 10,
     "greater than or equal to 1", ""),
    ("indicators:\n", "supervision:\n  deadline_days: 30\n  colour: red\nindicators:\n", "supervision.colour", 11,
     "Extra inputs", "allowed fields: deadline_days"),
    ("version: 1", "version: 2", "version", 2, "Input should be 1", "listed values"),
    ("direction: higher", "direction: up", "indicators[0].direction", 14, "'higher' or 'lower'", "listed values"),
    ("levels: [city, county, town]", "levels: []", "indicators[0].levels", 21, "at least 1 item", "must not be empty"),
    ('code: "421000"', 'code: "4210"', "plan.region.code", 6, "String should match pattern", "required format"),
    ("{2022: 100, 2023: 200, 2024: 300}", "{2022: 100, 2022: 150, 2023: 200, 2024: 300}",
     "indicators[0].targets.2022", 22, "duplicate key", ""),
])
def test_more_error_paths(tmp_path, old, new, path, line, message, hint):
    assert old in VALID
    file = tmp_path / "plan.yaml"
    file.write_text(VALID.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(file)
    (problem,) = info.value.problems
    assert (problem.path, problem.line) == (path, line)
    assert message in problem.message
    assert hint in problem.hint


def test_year_keys_may_be_quoted(tmp_path):
    file = tmp_path / "plan.yaml"
    file.write_text(VALID.replace("{2022: 100, 2023: 200, 2024: 300}", '{"2022": 100, "2023": 200, "2024": 300}'),
                    encoding="utf-8")
    assert load_plan(file).indicator("demo_villages").targets == {2022: 100, 2023: 200, 2024: 300}
