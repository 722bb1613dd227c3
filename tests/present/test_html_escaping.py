"""Every user- or file-supplied string that reaches HTML is escaped: a village, county or plan named
<script>alert(1)</script> shows as those characters."""

from __future__ import annotations

from plan_monitor.present.audit import audit_table
from plan_monitor.present.palette import status_pill

EVIL = "<script>alert(1)</script>"


def test_status_pill_escapes_its_label():
    html = status_pill("lagging", EVIL)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'data-status="none"' in status_pill(EVIL, "x")  # an unknown status is not written into the tag


def test_the_audit_table_is_plain_text():
    entry = {"seq": 1, "at": "2024-01-01T08:00:00+08:00", "actor": EVIL, "role": "viewer", "action": "sign_in",
             "target": EVIL, "outcome": "成功", "address": "10.0.0.1", "detail": '{"reason": "x"}'}
    row = audit_table([entry]).iloc[0]
    assert row["账户"] == EVIL and row["角色"] == "查看" and row["操作"] == "登录" and row["详情"] == "原因：x"
