"""At least one enabled admin account always remains: the last one cannot be disabled, demoted or given another
role, whoever asks (the command line's local admin included); with a second admin both changes go through."""

from __future__ import annotations

import json

import pytest

from plan_monitor.errors import AccountError

from access_kit import PASSWORD


def test_the_last_enabled_admin_cannot_be_disabled_or_demoted(people, admin):
    for change in (lambda: people.disable("boss", admin),
                   lambda: people.set_role("boss", "city_analyst", admin),
                   lambda: people.set_role("boss", "county_analyst", admin, counties=["江陵县"])):
        with pytest.raises(AccountError, match="“boss”是唯一启用的管理员账户.*至少须保留一个启用的管理员"):
            change()
    boss = people.account("boss")
    assert (boss.role, boss.disabled) == ("admin", False)
    assert people.audit()[-1]["action"] == "account_add"  # nothing was recorded as done


def test_the_refusal_names_the_change(people, admin):
    with pytest.raises(AccountError, match="不能改为查看"):
        people.set_role("boss", "viewer", admin)
    with pytest.raises(AccountError, match="不能停用"):
        people.disable("boss", admin)


def test_with_a_second_enabled_admin_either_may_go(people, admin):
    people.add("boss2", PASSWORD, "admin", admin)
    people.set_role("boss", "viewer", admin)
    assert people.account("boss").role == "viewer"
    with pytest.raises(AccountError, match="“boss2”是唯一启用的管理员账户"):
        people.disable("boss2", admin)
    people.set_role("boss", "admin", admin)  # promoting is always allowed
    people.disable("boss2", admin)
    assert people.account("boss2").disabled
    entry = people.audit()[-1]
    assert (entry["action"], entry["target"], entry["actor"]) == ("account_disable", "boss2", "local-admin")


def test_a_disabled_admin_does_not_count(people, admin):
    people.add("boss2", PASSWORD, "admin", admin)
    people.disable("boss2", admin)
    with pytest.raises(AccountError, match="唯一启用的管理员"):
        people.disable("boss", admin)
    people.enable("boss2", admin)
    people.disable("boss", admin)
    # a disabled admin may be given another role: it is not one of the enabled admins
    people.set_role("boss", "viewer", admin)
    assert json.loads(people.audit()[-1]["detail"])["to"] == ["viewer", []]


def test_other_accounts_change_freely_when_there_is_no_admin_account(access, admin):
    access.add("v", PASSWORD, "viewer", admin)
    access.set_role("v", "city_analyst", admin)
    access.disable("v", admin)
    assert access.account("v").disabled


def test_last_sign_in_of_each_account(people, clock):
    assert people.last_sign_ins() == {}
    people.sign_in("city", PASSWORD)
    first = clock.now
    clock.advance(600)
    people.sign_in("city", PASSWORD)
    people.sign_in("boss", PASSWORD)
    with pytest.raises(Exception):
        people.sign_in("viewer1", "wrong password")
    assert people.last_sign_ins() == {"city": first + 600, "boss": first + 600}
