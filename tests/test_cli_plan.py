"""--plan NAME on the commands that take --targets: the plan file (and data folder) of that plan in plans/plans.yaml."""

from __future__ import annotations

from plan_monitor.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_by_plan_name(capsys):
    code, out, _ = run(capsys, "check", "--plan", "suixi")
    assert code == 0 and "plans/suixi.yaml: 校验通过" in out and "0 项指标，20 项任务，2023–2025 年" in out
    code, out, _ = run(capsys, "check", "--plan", "county-action")
    assert code == 0 and "8 项任务，2025–2026 年" in out
    code, out, _ = run(capsys, "check", "--plan", "jingzhou")
    assert code == 0 and "targets.yaml: 校验通过" in out and "13 项指标，19 项任务" in out


def test_default_check_is_unchanged(capsys):
    code, out, _ = run(capsys, "check")
    assert code == 0 and "targets.yaml: 校验通过" in out and "13 项指标" in out


def test_unknown_plan_and_plan_with_targets_are_refused(capsys):
    code, _, err = run(capsys, "check", "--plan", "nope")
    assert code == 2 and "没有名为“nope”的计划；可用：jingzhou、suixi、county-action" in err
    code, _, err = run(capsys, "check", "--plan", "suixi", "--targets", "examples/huizhou.yaml")
    assert code == 2 and "--plan 与 --targets 只能写一个" in err


def test_scorecard_of_a_plan_uses_its_data_and_a_plan_without_data_says_so(capsys):
    code, by_name, _ = run(capsys, "scorecard", "--plan", "jingzhou", "--year", "2023", "--level", "county")
    assert code == 0
    code, default, _ = run(capsys, "scorecard", "--year", "2023", "--level", "county")
    assert by_name == default and by_name.count("\n") > 10
    code, _, err = run(capsys, "scorecard", "--plan", "suixi")
    assert code == 2 and "计划“suixi”（遂溪县“X行先锋”计划）还没有进度数据目录，只有任务清单" in err


def test_scorecard_of_a_plan_of_tasks_alone_says_it_has_no_indicators(capsys):
    code, out, err = run(capsys, "scorecard", "--plan", "county-action")
    assert code == 2 and out == ""
    assert "本计划只列出任务，没有量化指标" in err and "内部错误" not in err
