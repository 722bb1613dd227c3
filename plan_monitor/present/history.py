"""The store's history as the 数据版本 page shows it: Chinese tables of versions and of what one version changed."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from plan_monitor.sources.versions import CHANGE_LABELS
from plan_monitor.spec.templates import TEMPLATES

TITLES = {t.table: t.title for t in TEMPLATES.values()}
HEADERS = {c.key: c.header for t in TEMPLATES.values() for c in t.columns}


def version_label(entry: dict | None) -> str:
    """One line naming a version, for pickers; None is 版本 0, the base data the store started from."""
    if entry is None:
        return "版本 0 · 初始数据"
    what = entry["file_name"] if entry["kind"] == "upload" else f"回退到版本 {entry['rollback_to']}"
    return f"版本 {entry['id']} · {_when(entry['at'])} · {entry['user']} · {what}"


def version_table(entries: list[dict]) -> pd.DataFrame:
    """One row per version, newest first, with the current one marked."""
    head = entries[-1]["id"] if entries else 0
    rows = []
    for e in reversed(entries):
        upload = e["kind"] == "upload"
        tables = [e["table"]] if upload else sorted({s[0] for s in e["scope"]})
        dates = sorted({s[-1] for s in e["scope"]})
        rows.append({
            "版本": e["id"],
            "状态": "当前" if e["id"] == head else "",
            "时间": _when(e["at"]),
            "提交人": e["user"],
            "文件名": e["file_name"] if upload else f"回退到版本 {e['rollback_to']}",
            "报表类型": "、".join(TITLES.get(t, t) for t in tables),
            "范围": f"{'、'.join(e['counties'])} · {'、'.join(f'{y}年' for y in e['years'])}",
            "统计截至": "、".join(dates),
            "行数": e["rows"],
            "新增": e["changes"]["new"],
            "修改": e["changes"]["changed"],
            "未变": e["changes"]["unchanged"],
            "删除": e["changes"]["removed"],
            "SHA-256": e["sha256"][:12] if e["sha256"] else "",
            "备注": e.get("note") or "",
        })
    return pd.DataFrame(rows, columns=["版本", "状态", "时间", "提交人", "文件名", "报表类型", "范围", "统计截至", "行数",
                                       "新增", "修改", "未变", "删除", "SHA-256", "备注"])


def diff_table(diff: pd.DataFrame) -> pd.DataFrame:
    """Store.diff in Chinese: one row per new, changed or removed unit; unit columns no row uses are left out."""
    out = pd.DataFrame({
        "变化": diff["status"].map(CHANGE_LABELS),
        "报表类型": diff["table"].map(TITLES),
        HEADERS["county"]: diff["county"],
        HEADERS["town"]: diff["town"],
        HEADERS["village"]: diff["village"],
        HEADERS["year"]: diff["year"].astype("Int64"),
        HEADERS["as_of"]: [d.isoformat() if isinstance(d, date) else "" for d in diff["as_of"]],
        "变化内容": [_changes(c) for c in diff["changes"]],
    })
    for col in (HEADERS["town"], HEADERS["village"]):
        if out[col].isna().all():
            out = out.drop(columns=col)
        else:
            out[col] = out[col].astype(object).where(out[col].notna(), "")
    return out.reset_index(drop=True)


def _changes(changes) -> str:
    if not isinstance(changes, list):
        return ""
    return "；".join(f"{HEADERS.get(col, col)}：{_fmt(old)} → {_fmt(new)}" for col, old, new in changes)


def _fmt(value) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _when(at: str) -> str:
    return datetime.fromisoformat(at).strftime("%Y-%m-%d %H:%M")
