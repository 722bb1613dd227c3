"""The audit trail as a table to read: Chinese column names and action labels, details in words."""

from __future__ import annotations

import json

import pandas as pd

from plan_monitor.access import AUDIT_ACTIONS, ROLE_LABELS

AUDIT_COLUMNS = ["序号", "时间", "账户", "角色", "操作", "对象", "结果", "来源地址", "详情"]
DETAIL_LABELS = {"reason": "原因", "version": "新版本", "counties": "涉及县", "rows": "行数", "mode": "方式",
                 "failures": "失败次数", "minutes": "锁定分钟", "role": "角色", "display": "姓名",
                 "sessions_ended": "结束会话数", "from": "原为", "to": "改为", "data": "数据目录",
                 "was_locked": "原已锁定", "file": "文件", "what": "内容"}


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
