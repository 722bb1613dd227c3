"""python -m plan_monitor users … and audit …: accounts managed as the local admin, passwords never in argv,
Chinese errors without a traceback, and audit verify failing on a tampered trail."""

from __future__ import annotations

import io
import shutil
import sqlite3
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from plan_monitor.access import Access
from plan_monitor.cli import main
from plan_monitor.paths import DEFAULT_DATA, ROOT

from access_kit import PASSWORD


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    monkeypatch.setenv("PLAN_MONITOR_HOME", str(folder))
    return folder


def run(monkeypatch, capsys, *argv, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_users_add_list_disable_enable_reset_unlock(home, monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, "users", "add", "wang", "--role", "county_analyst", "--county", "江陵县",
                         "--county", "监利县", "--display", "王分析", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    assert out.strip() == "已新建账户 wang（王分析，县级分析员，江陵县、监利市）"  # the old name is read as 监利市
    assert "以本机管理员身份操作" in err
    access = Access(home)
    assert access.actor_for(access.sign_in("wang", PASSWORD)).counties == frozenset({"江陵县", "监利市"})

    assert run(monkeypatch, capsys, "users", "add", "li", "--role", "admin", "--password-stdin",
               stdin="another password\n")[0] == 0
    code, out, _ = run(monkeypatch, capsys, "users", "list")
    assert out.splitlines() == ["账户\t姓名\t角色\t负责范围\t状态", "li\tli\t管理员\t全部县（市、区）\t正常",
                                "wang\t王分析\t县级分析员\t江陵县、监利市\t正常"]
    token = access.sign_in("wang", PASSWORD)
    assert run(monkeypatch, capsys, "users", "disable", "wang")[0] == 0
    assert access.actor_for(token) is None and "已停用" in run(monkeypatch, capsys, "users", "list")[1]
    assert run(monkeypatch, capsys, "users", "enable", "wang")[0] == 0
    assert run(monkeypatch, capsys, "users", "reset", "wang", "--password-stdin", stdin="brand new pw\n")[0] == 0
    assert access.sign_in("wang", "brand new pw")
    for _ in range(5):
        with pytest.raises(Exception):
            access.sign_in("wang", "nope nope")
    assert "已锁定" in run(monkeypatch, capsys, "users", "list")[1]
    assert run(monkeypatch, capsys, "users", "unlock", "wang")[0] == 0
    assert access.sign_in("wang", "brand new pw")
    assert run(monkeypatch, capsys, "users", "role", "wang", "--role", "viewer")[0] == 0
    assert access.account("wang").role == "viewer"

    actions = [(e["action"], e["actor"]) for e in access.audit() if e["actor"] == "local-admin"]
    assert [a for a, _ in actions] == ["account_add", "account_add", "account_disable", "account_enable",
                                       "password_reset", "account_unlock", "role_change"]


@pytest.mark.parametrize("argv, stdin, message", [
    (["users", "add", "x", "--role", "viewer", "--password-stdin"], "short\n", "错误：密码至少 8 个字符"),
    (["users", "add", "x", "--role", "county_analyst", "--county", "火星县", "--password-stdin"], PASSWORD + "\n",
     "错误：没有名为“火星县”的县（市、区）"),
    (["users", "add", "x", "--role", "county_analyst", "--password-stdin"], PASSWORD + "\n",
     "错误：县级分析员须指定至少一个县"),
    (["users", "add", "x y", "--role", "viewer", "--password-stdin"], PASSWORD + "\n", "错误：账户名“x y”无效"),
    (["users", "disable", "ghost"], "", "错误：没有名为“ghost”的账户"),
    (["users", "reset", "ghost"], "", "错误：没有终端可输入密码"),
    (["audit", "list", "--limit", "-1"], "", "错误：--limit 不能为负数"),
])
def test_bad_input_is_a_chinese_message_and_exit_2(home, monkeypatch, capsys, argv, stdin, message):
    code, out, err = run(monkeypatch, capsys, *argv, stdin=stdin)
    assert code == 2 and err.startswith(message) and "Traceback" not in err


def test_an_unreadable_home_is_a_chinese_message(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PLAN_MONITOR_HOME", str(blocker))
    code, _, err = run(monkeypatch, capsys, "users", "list")
    assert code == 0  # nothing there yet: no accounts
    code, _, err = run(monkeypatch, capsys, "users", "add", "x", "--role", "viewer", "--password-stdin",
                       stdin=PASSWORD + "\n")
    assert code == 2 and err.startswith(f"错误：账户库 {blocker}/access.sqlite 无法打开")


def test_the_password_is_never_an_argument():
    text = subprocess.run([sys.executable, "-m", "plan_monitor", "users", "add", "--help"], cwd=ROOT,
                          capture_output=True, text=True).stdout
    assert "--password-stdin" in text and "--password " not in text and "--password=" not in text


def test_audit_verify_list_and_export(home, monkeypatch, capsys, tmp_path):
    assert run(monkeypatch, capsys, "audit", "verify")[1].startswith("审计日志校验通过：共 0 条记录")
    run(monkeypatch, capsys, "users", "add", "li", "--role", "city_analyst", "--password-stdin", stdin=PASSWORD + "\n")
    Access(home).sign_in("li", PASSWORD, "10.1.2.3")
    code, out, _ = run(monkeypatch, capsys, "audit", "verify")
    assert code == 0 and out.startswith("审计日志校验通过：共 2 条记录")
    code, out, _ = run(monkeypatch, capsys, "audit", "list")
    lines = out.splitlines()
    assert lines[0] == "序号\t时间\t账户\t角色\t操作\t对象\t结果\t来源地址\t详情"
    assert lines[1].split("\t")[2:8] == ["li", "市级分析员", "登录", "", "成功", "10.1.2.3"]
    assert lines[2].split("\t")[4:6] == ["新建账户", "li"] and "角色：市级分析员" in lines[2]
    out_file = tmp_path / "audit.xlsx"
    assert run(monkeypatch, capsys, "audit", "list", "--out", str(out_file))[0] == 0
    sheet = load_workbook(out_file).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][:5] == ["序号", "时间", "账户", "角色", "操作"]

    with sqlite3.connect(home / "access.sqlite") as conn:
        conn.execute("DROP TRIGGER audit_append_only_delete")
        conn.execute("DELETE FROM audit WHERE seq = 1")
    code, out, err = run(monkeypatch, capsys, "audit", "verify")
    assert code == 2 and "第 1 条至第 1 条记录缺失" in err and "错误：审计日志有 2 处被删除或修改" in err


def test_cli_writes_act_as_the_local_admin_and_are_audited(home, monkeypatch, capsys, tmp_path):
    data = shutil.copytree(DEFAULT_DATA, tmp_path / "data")
    file = tmp_path / "江陵县.csv"
    lines = (DEFAULT_DATA / "village_2024-09-30.csv").read_text(encoding="utf-8").splitlines()
    rows = [line.split(",") for line in lines[1:] if "江陵县" in line]
    cadres = lines[0].split(",").index("后备干部人数")
    rows[0][cadres] = str(int(rows[0][cadres] or 0) + 1)  # one change: the same data again would store nothing
    file.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n", encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "ingest", str(file), "--data", str(data), "--user", "测试员", "--yes")
    assert code == 0, err
    assert "以本机管理员身份" in out
    code, out, err = run(monkeypatch, capsys, "rollback", "0", "--data", str(data))
    assert code == 0, err
    entries = Access(home).audit()
    assert [(e["action"], e["actor"], e["role"]) for e in entries] == [("upload", "local-admin", "admin"),
                                                                     ("rollback", "local-admin", "admin")]
    assert entries[0]["address"].startswith("本机命令行（系统用户 ")
