"""python -m plan_monitor tasks report and users add/role for a unit reporter: a 台账 recorded through the write
service as the local admin, its problems printed in Chinese with the file's lines and a non-zero exit with nothing
stored; a unit reporter's account holds its units (--unit), never counties."""

from __future__ import annotations

import io
import shutil
import sys

import pytest

from plan_monitor.access import Access
from plan_monitor.cli import main
from plan_monitor.paths import DEFAULT_DATA
from plan_monitor.sources import open_store

PASSWORD = "correct horse"
HEADER = "任务编号,填报单位,报告期,进展状态,进展情况,佐证材料"


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, folder)
    return folder


def run(monkeypatch, capsys, *argv, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_tasks_report_records_a_sheet_and_refuses_a_bad_one(data, tmp_path, monkeypatch, capsys):
    good = tmp_path / "江陵县台账.csv"
    good.write_bytes(f"台账\n{HEADER}\nhongse-touyan,江陵县,,推进中,头雁培训已开班,培训通知.pdf\n".encode("gb18030"))
    code, out, err = run(monkeypatch, capsys, "tasks", "report", str(good), "--data", str(data), "--day",
                         "2024-09-30", "--user", "市委组织部 李统计")
    assert code == 0, err
    assert out.splitlines() == ["江陵县台账.csv：1 条记录（表头在第 2 行）", "  处理：第 2 行为表头，其上的 1 行标题已跳过",
                                "已记录任务台账第 1 批：1 条记录，涉及 1 项任务（以本机管理员身份，已记入审计日志）"]
    batches, _ = open_store(data).task_ledger()
    assert [(b["kind"], b["user"], b["file_name"]) for b in batches] == [("upload", "市委组织部 李统计", "江陵县台账.csv")]

    bad = tmp_path / "错表.csv"
    bad.write_text(f"{HEADER}\nsixiang-cuilian,江陵县,2025,推进中,学习计划推进中,\n", encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "tasks", "report", str(bad), "--data", str(data), "--day", "2024-09-30")
    assert code == 2
    assert "  问题：第2行 “报告期” 报告期“2025”不是该任务已开始的一期（最近几期：2022、2023、2024）" in out.splitlines()
    assert err.splitlines()[0] == "错误：1 处问题，台账未作任何改动"
    assert len(open_store(data).task_ledger()[0]) == 1


def test_a_unit_reporter_account_holds_units(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLAN_MONITOR_HOME", str(tmp_path / "home"))
    code, out, err = run(monkeypatch, capsys, "users", "add", "xianzhi", "--role", "unit_reporter", "--unit",
                         "县直单位党组织", "--display", "张填报", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert out.strip() == "已新建账户 xianzhi（张填报，责任单位填报员，县直单位党组织）"
    access = Access(tmp_path / "home")
    actor = access.actor_for(access.sign_in("xianzhi", PASSWORD))
    assert (actor.units, actor.counties) == (frozenset({"县直单位党组织"}), frozenset())
    code, _, err = run(monkeypatch, capsys, "users", "role", "xianzhi", "--role", "unit_reporter", "--county", "江陵县")
    assert code == 2 and "请用 --unit 指定" in err
    code, _, err = run(monkeypatch, capsys, "users", "role", "xianzhi", "--role", "county_analyst", "--unit", "县委组织部")
    assert code == 2 and "--unit 只用于责任单位填报员" in err
    code, out, _ = run(monkeypatch, capsys, "users", "role", "xianzhi", "--role", "unit_reporter", "--unit", "县委组织部",
                       "--unit", "县直单位党组织")
    assert out.strip() == "账户 xianzhi 现为 责任单位填报员（县委组织部、县直单位党组织）"
