"""The audit trail is append-only and hash-chained: a deleted or edited entry is found by verify."""

from __future__ import annotations

import json
import sqlite3

import pytest

from access_kit import PASSWORD


def tamper(path, *statements):
    """What someone with the file and the sqlite3 shell could do: drop the guards, then change the rows."""
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER audit_append_only_update")
        conn.execute("DROP TRIGGER audit_append_only_delete")
        for sql in statements:
            conn.execute(sql)


@pytest.fixture
def trail(people):
    for _ in range(3):
        people.actor_for(people.sign_in("city", PASSWORD))
    return people


def test_an_untouched_trail_verifies_and_records_who_when_what_where(trail):
    assert trail.verify() == []
    entries = trail.audit()
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    first = entries[0]
    assert (first["action"], first["actor"], first["target"]) == ("account_add", "local-admin", "viewer1")
    assert json.loads(first["detail"])["role"] == "viewer"
    assert "本机命令行" in first["address"] and first["at"].startswith("2023-11-1")
    assert entries[1]["prev"] == first["hash"]


def test_the_trail_refuses_updates_and_deletes_through_sqlite(trail):
    with sqlite3.connect(trail.path) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit SET actor = 'x' WHERE seq = 2")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit WHERE seq = 2")


def test_a_deleted_entry_is_detected(trail):
    tamper(trail.path, "DELETE FROM audit WHERE seq = 3")
    problems = trail.verify()
    assert "第 3 条至第 3 条记录缺失（共 1 条，已被删除）" in problems
    assert any("第 4 条记录与前一条记录的链接不符" in p for p in problems)


def test_an_edited_entry_is_detected(trail):
    tamper(trail.path, "UPDATE audit SET actor = 'someone else' WHERE seq = 2")
    assert trail.verify() == ["第 2 条记录的内容被修改（哈希不符）"]


def test_an_edited_entry_with_its_hash_recomputed_breaks_the_next_link(trail):
    from plan_monitor.access.store import entry_hash

    with sqlite3.connect(trail.path) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM audit WHERE seq = 2").fetchone())
    row["target"] = "boss"
    tamper(trail.path, f"UPDATE audit SET target = 'boss', hash = '{entry_hash(row, row['prev'])}' WHERE seq = 2")
    assert trail.verify() == ["第 3 条记录与前一条记录的链接不符（前一条记录被删除或修改）"]


def test_the_last_entries_deleted_are_detected(trail):
    last = trail.audit()[-1]["seq"]
    tamper(trail.path, f"DELETE FROM audit WHERE seq >= {last - 1}")
    assert trail.verify() == [f"最后的第 {last - 1} 条至第 {last} 条记录缺失（已被删除）"]
