"""The audit trail as a table to read (Chinese column names and action labels, details in words, filtered by who,
what and when) and the accounts as a table for the admin page."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

import pandas as pd

from plan_monitor.access import AUDIT_ACTIONS, ROLE_LABELS, Account
from plan_monitor.present.format import fmt_time

AUDIT_COLUMNS = ["序号", "时间", "账户", "角色", "操作", "对象", "结果", "来源地址", "详情"]
DETAIL_LABELS = {"reason": "原因", "version": "新版本", "counties": "涉及县", "rows": "行数", "mode": "方式",
                 "failures": "失败次数", "minutes": "锁定分钟", "role": "角色", "display": "姓名",
                 "sessions_ended": "结束会话数", "from": "原为", "to": "改为", "data": "数据目录",
                 "was_locked": "原已锁定", "file": "文件", "what": "内容", "method": "登录方式"}


def _detail(text: str) -> str:
    try:
        detail = json.loads(text or "{}")
    except ValueError:
        return str(text)
    parts = []
    for key, value in detail.items():
        if isinstance(value, list):
            value = "、".join(map(str, value)) if all(not isinstance(v, list) for v in value) else json.dumps(
                value, ensure_ascii=False)
        if key == "role" and value in ROLE_LABELS:
            value = ROLE_LABELS[value]
        parts.append(f"{DETAIL_LABELS.get(key, key)}：{value}")
    return "；".join(parts)


def audit_table(entries: list[dict]) -> pd.DataFrame:
    """One row per audit entry, newest first."""
    rows = [[e["seq"], e["at"].replace("T", " "), e["actor"], ROLE_LABELS.get(e["role"], e["role"]),
             AUDIT_ACTIONS.get(e["action"], e["action"]), e["target"], e["outcome"], e["address"], _detail(e["detail"])]
            for e in reversed(entries)]
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


ACCOUNT_COLUMNS = ["账户", "姓名", "角色", "负责范围", "启用", "锁定", "最近登录"]


def _moment(epoch: float | None) -> str:
    return fmt_time(pd.Timestamp.fromtimestamp(epoch) if epoch else None, empty="从未登录")


def accounts_table(accounts: list[Account], last_sign_in: dict[str, float], now: float) -> pd.DataFrame:
    """One row per account, for the admin page: enabled, locked (until when) and the latest sign-in."""
    rows = [[a.name, a.display, a.role_label, a.scope_text, "否（已停用）" if a.disabled else "是",
             f"锁定至 {_moment(a.locked_until)}" if a.locked_until > now else "否", _moment(last_sign_in.get(a.name))]
            for a in accounts]
    return pd.DataFrame(rows, columns=ACCOUNT_COLUMNS)


def filter_audit(entries: list[dict], who: str = "", actions: Iterable[str] = (), start: date | None = None,
                 end: date | None = None) -> list[dict]:
    """The entries by an account whose name contains `who` (case-insensitive), of these actions (all when none),
    on days start..end (each end optional; the day of the entry's own time stamp)."""
    who, actions = who.strip().lower(), set(actions)
    return [e for e in entries
            if (not who or who in e["actor"].lower())
            and (not actions or e["action"] in actions)
            and (start is None or e["at"][:10] >= start.isoformat())
            and (end is None or e["at"][:10] <= end.isoformat())]
