"""load_plan parses a plan file with libyaml when PyYAML has it (spec.plan._parsed), else, and for any file libyaml
does not read through, with the pure-Python parser: the node tree (types, tags, values, line and column of every
node, which the plan check's messages cite) and the data must be the same either way, for every plan in the
repository; a file with a YAML error is reported as the pure-Python parser reports it."""

from __future__ import annotations

import pytest
import yaml

from plan_monitor.errors import PlanError
from plan_monitor.paths import ROOT
from plan_monitor.spec import plan as plan_module
from plan_monitor.spec.plan import load_plan

PLANS = sorted(p for pattern in ("*.yaml", "examples/*.yaml", "plans/*.yaml", "tests/data/**/*.yaml")
               for p in ROOT.glob(pattern))


def tree(node):
    if isinstance(node, yaml.MappingNode):
        value = [(tree(k), tree(v)) for k, v in node.value]
    elif isinstance(node, yaml.SequenceNode):
        value = [tree(v) for v in node.value]
    else:
        value = node.value
    return type(node).__name__, node.tag, value, node.start_mark.line, node.start_mark.column, node.end_mark.line


def test_libyaml_is_there():
    assert yaml.__with_libyaml__  # else every plan is parsed in pure Python (the same, only slower)


@pytest.mark.parametrize("path", PLANS, ids=lambda p: str(p.relative_to(ROOT)))
def test_both_parsers_give_the_same_tree_and_data(path):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: load_plan says so before parsing")
    try:
        expected = tree(yaml.compose(text)), yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:
        with pytest.raises(type(exc)) as raised:
            plan_module._parsed(text)
        assert str(raised.value) == str(exc)
        return
    root, data = plan_module._parsed(text)
    assert (tree(root), data) == expected


def test_a_yaml_error_is_the_pure_python_parsers(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan:\n  id: x\n  name: [unclosed\nindicators: []\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError) as pure:
        yaml.safe_load(bad.read_text(encoding="utf-8"))
    with pytest.raises(PlanError) as loaded:
        load_plan(bad)
    problem = loaded.value.problems[0]
    assert pure.value.problem in problem.message and problem.line == pure.value.problem_mark.line + 1
