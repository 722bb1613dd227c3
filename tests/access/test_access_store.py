"""Accounts, sign-in, lock-out and server-side sessions in the accounts store (a real SQLite file in a tmp dir)."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys

import pytest
from argon2 import PasswordHasher

from plan_monitor.access import Access, Actor
from plan_monitor.access.store import FAILURE_WINDOW, IDLE_SECONDS, LOCK_SECONDS, MAX_SESSION_SECONDS, token_hash
from plan_monitor.errors import AccessDenied, AccountError, SignInFailed
from plan_monitor.paths import ROOT

from access_kit import CHEAP, PASSWORD


def actions(access: Access) -> list[tuple[str, str, str]]:
    return [(e["action"], e["actor"], e["outcome"]) for e in access.audit()]


def test_the_store_lives_in_its_home_with_wal_and_private_permissions(people, tmp_path):
    assert people.path == tmp_path / "home" / "access.sqlite"
    assert stat.S_IMODE(people.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(people.home.stat().st_mode) == 0o700
    with sqlite3.connect(people.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stored = conn.execute("SELECT password FROM accounts WHERE name = 'city'").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_the_default_home_is_plan_monitor_home(monkeypatch, tmp_path):
    monkeypatch.setenv("PLAN_MONITOR_HOME", str(tmp_path / "elsewhere"))
    assert Access().path == tmp_path / "elsewhere" / "access.sqlite"
    monkeypatch.delenv("PLAN_MONITOR_HOME")
    assert Access().home.name == ".plan_monitor"


def test_sign_in_gives_a_session_whose_hash_alone_is_stored(people):
    token = people.sign_in("jiangling", PASSWORD, "10.0.0.7")
    actor = people.actor_for(token, "10.0.0.7")
    assert actor == Actor("王分析", role="county_analyst", counties={"江陵县"}, account="jiangling",
                          address="10.0.0.7")
    with sqlite3.connect(people.path) as conn:
        (stored,) = conn.execute("SELECT token_hash FROM sessions").fetchone()
        dump = "\n".join(conn.iterdump())
    assert stored == token_hash(token) and token not in dump
    assert people.actor_for("a" + token) is None and people.actor_for("") is None
    assert actions(people)[-1] == ("sign_in", "jiangling", "成功")


@pytest.mark.parametrize("name, password", [("city", "wrong password"), ("nobody", PASSWORD), ("", "")])
def test_a_wrong_name_or_password_is_one_message(people, name, password):
    with pytest.raises(SignInFailed) as err:
        people.sign_in(name, password, "10.0.0.8")
    assert err.value.zh == "用户名或密码错误"
    last = people.audit()[-1]
    assert (last["action"], last["outcome"], last["address"]) == ("sign_in_failed", "失败", "10.0.0.8")


def test_five_failures_lock_until_expiry_or_an_admin_unlocks(people, clock, admin):
    for _ in range(4):
        with pytest.raises(SignInFailed, match="用户名或密码错误"):
            people.sign_in("city", "wrong password")
        clock.advance(60)
    with pytest.raises(SignInFailed) as err:
        people.sign_in("city", "wrong password")
    assert "已锁定 15 分钟" in err.value.zh
    assert people.account("city").status(clock()) == "已锁定"
    assert actions(people)[-1] == ("locked", "city", "成功")
    with pytest.raises(SignInFailed, match="已锁定"):  # even the right password
        people.sign_in("city", PASSWORD)
    people.unlock("city", admin)
    assert people.actor_for(people.sign_in("city", PASSWORD)).account == "city"
    assert actions(people)[-2] == ("account_unlock", "local-admin", "成功")

    for _ in range(5):
        with pytest.raises(SignInFailed):
            people.sign_in("city", "wrong password")
    clock.advance(LOCK_SECONDS + 1)  # a lock expires by itself
    assert people.sign_in("city", PASSWORD)


def test_failures_spread_beyond_the_window_do_not_lock(people, clock):
    for _ in range(8):
        with pytest.raises(SignInFailed, match="用户名或密码错误"):
            people.sign_in("city", "wrong password")
        clock.advance(FAILURE_WINDOW / 4 + 1)
    assert people.account("city").status(clock()) == "正常"


def test_a_success_forgets_earlier_failures(people):
    for _ in range(4):
        with pytest.raises(SignInFailed):
            people.sign_in("city", "wrong password")
    people.sign_in("city", PASSWORD)
    for _ in range(4):
        with pytest.raises(SignInFailed, match="用户名或密码错误"):
            people.sign_in("city", "wrong password")


def test_sessions_end_on_sign_out_idle_age_disable_and_password_change(people, clock, admin):
    token = people.sign_in("city", PASSWORD)
    other_tab = token  # a second tab of the same browser sends the same cookie
    people.sign_out(token, "10.0.0.9")
    assert people.actor_for(other_tab) is None
    assert actions(people)[-1] == ("sign_out", "city", "成功")

    token = people.sign_in("city", PASSWORD)
    clock.advance(IDLE_SECONDS - 5)
    assert people.actor_for(token) is not None  # use keeps it alive
    clock.advance(IDLE_SECONDS - 5)
    assert people.actor_for(token) is not None
    clock.advance(IDLE_SECONDS + 1)
    assert people.actor_for(token) is None

    token = people.sign_in("city", PASSWORD)
    for _ in range(int(MAX_SESSION_SECONDS / (IDLE_SECONDS / 2)) + 1):
        clock.advance(IDLE_SECONDS / 2)
        people.actor_for(token)
    assert people.actor_for(token) is None  # too old, however busy

    token = people.sign_in("city", PASSWORD)
    people.disable("city", admin)
    assert people.actor_for(token) is None
    with pytest.raises(SignInFailed, match="已停用"):
        people.sign_in("city", PASSWORD)
    people.enable("city", admin)
    token = people.sign_in("city", PASSWORD)
    people.set_password("city", "a new password", admin)
    assert people.actor_for(token) is None
    with pytest.raises(SignInFailed):
        people.sign_in("city", PASSWORD)
    assert people.actor_for(people.sign_in("city", "a new password")).account == "city"


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(tmp_path, clock, admin):
    old = Access(tmp_path, clock=clock, hasher=PasswordHasher(**CHEAP))
    old.add("city", PASSWORD, "city_analyst", admin)
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    new = Access(tmp_path, clock=clock, hasher=stronger)

    def stored():
        with sqlite3.connect(new.path) as conn:
            return conn.execute("SELECT password FROM accounts").fetchone()[0]

    before = stored()
    assert stronger.check_needs_rehash(before)
    new.sign_in("city", PASSWORD)
    assert stored() != before and not stronger.check_needs_rehash(stored()) and "t=2" in stored()


@pytest.mark.parametrize("args, message", [
    (("a b", PASSWORD, "viewer"), "账户名“a b”无效"),
    (("x", "short", "viewer"), "密码至少 8 个字符"),
    (("password1", "password1", "viewer"), "密码不能与账户名相同"),
    (("x", PASSWORD, "god"), "角色“god”无效"),
    (("x", PASSWORD, "county_analyst"), "县级分析员须指定至少一个县"),
    (("city", PASSWORD, "viewer"), "账户“city”已存在"),
])
def test_bad_account_input_is_a_chinese_error(people, admin, args, message):
    with pytest.raises(AccountError, match=message):
        people.add(*args, by=admin)
    with pytest.raises(AccountError, match="不限县"):
        people.add("y", PASSWORD, "viewer", admin, counties=["江陵县"])
    with pytest.raises(AccountError, match="没有名为“ghost”的账户"):
        people.disable("ghost", admin)


def test_only_an_admin_manages_accounts(people, admin):
    for name in ("viewer1", "jiangling", "city"):
        actor = people.account(name).actor()
        with pytest.raises(AccessDenied, match="无权管理账户"):
            people.add("new1", PASSWORD, "viewer", actor)
        with pytest.raises(AccessDenied):
            people.unlock("city", actor)
    boss = people.account("boss").actor()
    people.set_role("viewer1", "county_analyst", boss, counties=["公安县"])
    assert people.account("viewer1").counties == ("公安县",)
    with pytest.raises(AccountError, match="不能停用自己"):
        people.disable("boss", boss)
    assert actions(people)[-1] == ("role_change", "boss", "成功")


def test_two_processes_signing_in_at_once_keep_every_audit_entry(people):
    script = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'tests' / 'access')!r})\n"
              "from argon2 import PasswordHasher\nfrom plan_monitor.access import Access\nfrom access_kit import CHEAP\n"
              f"a = Access({str(people.home)!r}, hasher=PasswordHasher(**CHEAP))\n"
              "for _ in range(15):\n    a.sign_in('city', 'correct horse')\n")
    before = len(people.audit())
    procs = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(3)]
    assert [p.wait(120) for p in procs] == [0, 0, 0]
    assert len(people.audit()) == before + 45
    assert people.verify() == []
