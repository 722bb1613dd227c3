"""The store's history as the 数据版本 page shows it: Chinese tables of versions and of what one version changed."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from plan_monitor.ingest.preview import change_text
from plan_monitor.present.format import fmt_iso, fmt_time
from plan_monitor.sources.versions import CHANGE_LABELS
from plan_monitor.spec.templates import TEMPLATES

TITLES = {t.table: t.title for t in TEMPLATES.values()}
HEADERS = {c.key: c.header for t in TEMPLATES.values() for c in t.columns}  # for the unit and date columns all share
TABLE_HEADERS = {t.table: t.header_of for t in TEMPLATES.values()}
ACTIONS = {"upload": "上传", "rollback": "回退"}
# how an upload treated the rows already stored (ingest.corrections.MODES); entries before modes replaced slices
UPLOAD_MODES = {"merge": "补充更正", "replace": "整体替换", None: "—"}
ENTRY_COLUMNS = ["版本", "操作", "内容", "县（市、区）", "提交人", "时间", "文件"]


def entry_parts(entry: Mapping) -> dict:
    """A store entry in the words every list of versions uses (数据版本, 报送情况's 最近上传, the `versions`
    command): 版本, 操作 (上传 or 回退), 内容 (the roster uploaded, or 回退到版本 N), 县（市、区）, 提交人, 时间, 文件."""
    upload = entry.get("kind") == "upload"
    # an upload's scope is [county, year, as_of]; a rollback's names the table first
    counties = entry.get("counties") or list(dict.fromkeys(s[0 if upload else 1] for s in entry.get("scope") or []))
    if upload:
        template = TEMPLATES.get(entry.get("template"))
        what = template.title if template else TITLES.get(entry.get("table"), str(entry.get("table") or "—"))
    else:
        what = f"回退到版本 {entry.get('rollback_to', '—')}"
    return {"版本": entry.get("id"), "操作": ACTIONS["upload" if upload else "rollback"], "内容": what,
            "县（市、区）": "、".join(counties) or "—", "提交人": entry.get("user") or "—",
            "时间": fmt_time(entry.get("at")), "文件": entry.get("file_name") or "—"}


def version_label(entry: Mapping | None) -> str:
    """One line naming a version, for pickers: its file, or what a rollback went back to; None is 版本 0, the
    base data the store started from."""
    if entry is None:
        return "版本 0 · 初始数据"
    parts = entry_parts(entry)
    what = parts["文件"] if entry.get("kind") == "upload" else parts["内容"]
    return f"版本 {parts['版本']} · {parts['时间']} · {parts['提交人']} · {what}"


def version_table(entries: list[dict]) -> pd.DataFrame:
    """One row per version, newest first, with the current one marked: entry_parts and what the version holds."""
    head = entries[-1]["id"] if entries else 0
    rows = []
    for e in reversed(entries):
        rows.append({
            **entry_parts(e),
            "状态": "当前" if e["id"] == head else "",
            "上传方式": UPLOAD_MODES.get(e.get("mode"), "—") if e.get("kind") == "upload" else "—",
            "年度": "、".join(f"{y}年" for y in e["years"]),
            "统计截至": "、".join(sorted({s[-1] for s in e["scope"]})),
            "行数": e["rows"],
            "新增": e["changes"]["new"],
            "修改": e["changes"]["changed"],
            "未变": e["changes"]["unchanged"],
            "删除": e["changes"]["removed"],
            "SHA-256": e["sha256"][:12] if e["sha256"] else "",
            "备注": e.get("note") or "",
        })
    return pd.DataFrame(rows, columns=["版本", "状态", "操作", "上传方式", "内容", "县（市、区）", "年度", "统计截至", "提交人", "时间",
                                       "文件", "行数", "新增", "修改", "未变", "删除", "SHA-256", "备注"])


def diff_table(diff: pd.DataFrame) -> pd.DataFrame:
    """Store.diff in Chinese: one row per new, changed or removed unit; unit columns no row uses are left out."""
    out = pd.DataFrame({
        "变化": diff["status"].map(CHANGE_LABELS),
        "报表类型": diff["table"].map(TITLES),
        HEADERS["county"]: diff["county"],
        HEADERS["town"]: diff["town"],
        HEADERS["village"]: diff["village"],
        HEADERS["year"]: diff["year"].astype("Int64"),
        HEADERS["as_of"]: [fmt_iso(d, empty="") for d in diff["as_of"]],
        "变化内容": [change_text(c, TABLE_HEADERS.get(t, HEADERS)) for c, t in zip(diff["changes"], diff["table"])],
    })
    for col in (HEADERS["town"], HEADERS["village"]):
        if out[col].isna().all():
            out = out.drop(columns=col)
        else:
            out[col] = out[col].astype(object).where(out[col].notna(), "")
    return out.reset_index(drop=True)
