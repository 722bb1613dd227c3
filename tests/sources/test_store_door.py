"""The data has one door: outside plan_monitor/sources/ no product file imports the store engine's private
modules, names its files or reads the data location itself, the pages and ui/ do not import the store package at
all (ui/context opens the store through plan_monitor.sources.open_store), and only the write service calls a
store's commit or rollback."""

from __future__ import annotations

import ast
from pathlib import Path

from plan_monitor.paths import ROOT

PRODUCT = sorted([*(ROOT / "plan_monitor").rglob("*.py"), *(ROOT / "app_pages").glob("*.py"), ROOT / "app.py"])
SOURCES = ROOT / "plan_monitor" / "sources"
SERVICE = ROOT / "plan_monitor" / "ingest" / "service.py"
CONTEXT = ROOT / "plan_monitor" / "ui" / "context.py"


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def outside(path: Path) -> bool:
    return SOURCES not in path.parents


def test_only_sources_imports_the_store_engine():
    offenders = {rel(p): sorted(m for m in imports(p) if m.startswith("plan_monitor.sources.store."))
                 for p in PRODUCT if outside(p)}
    assert {p: m for p, m in offenders.items() if m} == {}


def test_pages_and_ui_reach_the_data_only_through_ui_context():
    offenders = {}
    for path in PRODUCT:
        where = rel(path)
        banned = ("plan_monitor.sources",) if where.startswith("app_pages/") else (
            ("plan_monitor.sources.store",) if where.startswith("plan_monitor/ui/") else ())
        found = sorted(m for m in imports(path) if m.startswith(banned)) if banned else []
        if found:
            offenders[where] = found
    assert offenders == {}


def test_no_product_file_outside_sources_names_the_store_files_or_reads_the_data_location():
    words = ("manifest", "store_dir", "versions/v", "PLAN_MONITOR_DATA")
    found = {rel(p): [w for w in words if w in p.read_text("utf-8")] for p in PRODUCT if outside(p) and p != CONTEXT}
    assert {p: w for p, w in found.items() if w} == {}
    assert "PLAN_MONITOR_DATA" in CONTEXT.read_text("utf-8")  # the one place that reads the configured location


def test_only_the_write_service_calls_store_commit_or_rollback():
    """Store.commit and Store.rollback take the writer as `user=`; WriteService's own methods take an Actor."""
    callers = []
    for path in PRODUCT:
        if not outside(path) or path == SERVICE:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("commit", "rollback") and any(k.arg == "user" for k in node.keywords)):
                callers.append(f"{rel(path)}:{node.lineno}")
    assert callers == []
    assert ".commit(" in SERVICE.read_text("utf-8") and ".rollback(" in SERVICE.read_text("utf-8")
