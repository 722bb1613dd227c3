"""账户与审计 under AppTest with sign-in on: an admin lists, adds, changes, disables / enables, unlocks and resets
accounts through the page, each change in the audit trail under the acting admin; the last admin cannot be
demoted; the audit tab shows the chain's check, filters and exports; a non-admin is refused.

AppTest cannot send the browser's HttpOnly session cookie, so the test hands the page a real session token of a
real sign-in in its accounts store (plan_monitor.ui.auth._token is where the page reads the cookie); the store,
the session check and the permission check are the real ones."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from page_runner import open_page

from plan_monitor.access import Access, local_admin
from plan_monitor.ui import auth
from plan_monitor.ui.web import MOUNTED_ENV

PASSWORD = "correct horse"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_MONITOR_AUTH", "on")
    monkeypatch.setenv(MOUNTED_ENV, "1")
    monkeypatch.setenv("PLAN_MONITOR_HOME", str(tmp_path / "home"))
    store = Access(tmp_path / "home", hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    cli = local_admin("tester")
    store.add("boss", PASSWORD, "admin", cli, display="赵管理")
    store.add("viewer1", PASSWORD, "viewer", cli, display="张查看")
    store.add("jiangling", PASSWORD, "county_analyst", cli, counties=["江陵县"], display="王分析")
    return store


def signed_in(monkeypatch, store: Access, name: str) -> None:
    token = store.sign_in(name, PASSWORD, "10.0.0.7")
    monkeypatch.setattr(auth, "_token", lambda: token)


def button(at, label: str):
    return next(b for b in at.button if b.label.startswith(label))


def test_a_viewer_and_a_county_analyst_are_refused(home, monkeypatch):
    for name in ("viewer1", "jiangling"):
        signed_in(monkeypatch, home, name)
        at = open_page("admin")
        text = " ".join(e.value for e in at.error)
        assert "无权打开“账户与审计”" in text or "仅管理员可管理账户" in text
        assert not at.tabs and not at.dataframe  # neither the accounts nor the audit is shown


def test_demo_mode_has_no_accounts_to_manage(home, monkeypatch):
    monkeypatch.setenv("PLAN_MONITOR_AUTH", "off")
    at = open_page("admin")
    assert "演示模式未启用登录" in at.info[0].value and not at.dataframe


def test_an_admin_sees_every_account_and_a_verified_audit(home, monkeypatch):
    signed_in(monkeypatch, home, "boss")
    at = open_page("admin")
    accounts = at.dataframe[0].value
    assert list(accounts["账户"]) == ["boss", "jiangling", "viewer1"]
    row = accounts.set_index("账户").loc["jiangling"]
    assert (row["角色"], row["负责范围"], row["启用"], row["锁定"], row["最近登录"]) == (
        "县级分析员", "江陵县", "是", "否", "从未登录")
    assert accounts.set_index("账户").loc["boss", "最近登录"] != "从未登录"
    assert any("审计日志校验通过：共 4 条记录" in s.value for s in at.success)
    audit = at.dataframe[1].value
    assert list(audit["序号"]) == [4, 3, 2, 1]  # newest first
    assert audit["操作"].iloc[0] == "登录"


def test_an_admin_adds_changes_disables_and_enables_accounts_audited_as_themself(home, monkeypatch):
    signed_in(monkeypatch, home, "boss")
    at = open_page("admin")
    at.text_input(key="pm_admin_add_name").input("songzi")
    at.text_input(key="pm_admin_add_display").input("孙统计")
    at.selectbox(key="pm_admin_add_role").set_value("county_analyst")
    at.multiselect(key="pm_admin_add_counties").set_value(["松滋市"])
    at.text_input(key="pm_admin_add_pw1").input("another horse")
    at.text_input(key="pm_admin_add_pw2").input("another horse")
    button(at, "新建").click().run()
    assert not at.exception
    assert "已新建账户 songzi（县级分析员）" in at.success[0].value
    added = home.account("songzi")
    assert (added.role, added.counties, added.display) == ("county_analyst", ("松滋市",), "孙统计")

    at.selectbox(key="pm_admin_account").set_value("viewer1").run()
    at.selectbox(key="pm_admin_role_viewer1_role").set_value("city_analyst")
    button(at, "保存角色").click().run()
    assert home.account("viewer1").role == "city_analyst"
    button(at, "停用账户").click().run()
    assert home.account("viewer1").disabled
    button(at, "启用账户").click().run()
    assert not home.account("viewer1").disabled

    entries = home.audit()[-4:]
    assert [e["action"] for e in entries] == ["account_add", "role_change", "account_disable", "account_enable"]
    assert {(e["actor"], e["role"], e["address"]) for e in entries} == {("boss", "admin", "本机")}
    assert json.loads(entries[1]["detail"])["to"] == ["city_analyst", []]


def test_a_refused_change_shows_its_chinese_message_and_changes_nothing(home, monkeypatch):
    signed_in(monkeypatch, home, "boss")
    at = open_page("admin")
    at.text_input(key="pm_admin_add_name").input("x1")
    at.selectbox(key="pm_admin_add_role").set_value("county_analyst")  # no county chosen
    at.text_input(key="pm_admin_add_pw1").input("another horse")
    at.text_input(key="pm_admin_add_pw2").input("another horse")
    button(at, "新建").click().run()
    assert "县级分析员须指定至少一个县" in at.error[0].value and home.account("x1") is None

    at.selectbox(key="pm_admin_account").set_value("boss").run()
    at.selectbox(key="pm_admin_role_boss_role").set_value("viewer")
    button(at, "保存角色").click().run()
    assert "“boss”是唯一启用的管理员账户" in at.error[0].value
    assert home.account("boss").role == "admin"
    button(at, "停用账户").click().run()
    assert "不能停用自己正在使用的账户" in at.error[0].value and not home.account("boss").disabled


def test_an_admin_unlocks_and_resets_a_password(home, monkeypatch):
    for _ in range(5):
        with pytest.raises(Exception):
            home.sign_in("viewer1", "wrong password")
    signed_in(monkeypatch, home, "boss")
    at = open_page("admin")
    assert at.dataframe[0].value.set_index("账户").loc["viewer1", "锁定"].startswith("锁定至 ")
    at.selectbox(key="pm_admin_account").set_value("viewer1").run()
    button(at, "解除锁定").click().run()
    assert home.account("viewer1").locked_until == 0
    at.text_input(key="pm_admin_reset_viewer1_1").input("new password 1")
    at.text_input(key="pm_admin_reset_viewer1_2").input("new password 2")
    button(at, "重设密码").click().run()
    assert "两次输入的密码不一致" in at.error[0].value
    at.text_input(key="pm_admin_reset_viewer1_2").input("new password 1")
    button(at, "重设密码").click().run()
    assert "已重设账户 viewer1 的密码" in at.success[0].value
    assert home.sign_in("viewer1", "new password 1")
    assert [e["action"] for e in home.audit() if e["actor"] == "boss"][-2:] == ["account_unlock", "password_reset"]


def test_the_audit_filters_and_flags_a_broken_chain(home, monkeypatch):
    signed_in(monkeypatch, home, "boss")
    at = open_page("admin")
    at.multiselect(key="pm_audit_actions").set_value(["account_add"]).run()
    audit = at.dataframe[1].value
    assert list(audit["对象"]) == ["jiangling", "viewer1", "boss"] and set(audit["操作"]) == {"新建账户"}
    at.text_input(key="pm_audit_who").input("BOS").run()
    assert at.info[0].value == "没有符合条件的记录"  # boss added no accounts
    at.multiselect(key="pm_audit_actions").set_value([]).run()
    assert list(at.dataframe[1].value["账户"]) == ["boss"]

    import sqlite3
    with sqlite3.connect(home.path) as conn:
        conn.execute("DROP TRIGGER audit_append_only_update")
        conn.execute("UPDATE audit SET actor = 'someone' WHERE seq = 2")
    at = open_page("admin")
    assert "审计日志校验未通过：发现 1 处删除或修改" in at.error[0].value
    assert "第 2 条记录的内容被修改" in at.error[0].value
