"""Every file the app hands out is audited: each download button in app_pages/ and plan_monitor/ui/ takes its data
from `audited` (plan_monitor.ui.downloads), checked statically so a new button that skips it fails here; and
`audited` records the export of a signed-in visitor (password or single sign-on) and nothing in 演示模式."""

from __future__ import annotations

import ast
import json

from plan_monitor.access import Access, Actor
from plan_monitor.paths import ROOT
from plan_monitor.ui.auth import DEMO, SIGNED_IN, Visitor
from plan_monitor.ui.downloads import audited

SOURCES = [*sorted((ROOT / "app_pages").glob("*.py")), *sorted((ROOT / "plan_monitor" / "ui").glob("*.py"))]


def download_buttons():
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "download_button":
                data = next((k.value for k in node.keywords if k.arg == "data"),
                            node.args[1] if len(node.args) > 1 else None)
                yield f"{path.relative_to(ROOT)}:{node.lineno}", data


def test_every_download_button_goes_through_audited():
    found = list(download_buttons())
    # the Excel, image, template, problem-list and presentation downloads
    assert len(found) >= 7, found
    skipping = [where for where, data in found
                if not (isinstance(data, ast.Call) and isinstance(data.func, ast.Name) and data.func.id == "audited")]
    assert not skipping, f"download buttons whose data is not audited(...): {skipping}"


def test_a_signed_in_export_is_recorded_and_a_demo_one_is_not(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_MONITOR_HOME", str(tmp_path / "home"))
    store = Access(tmp_path / "home")
    demo = audited(lambda: b"png bytes", "各指标完成率_2024.png", "图片：完成率", Visitor(DEMO))
    assert demo() == b"png bytes"
    assert store.audit() == []

    someone = Actor("张三", role="county_analyst", counties=frozenset({"江陵县"}), account="sso:zhang@city.gov.cn",
                    address="10.0.0.9")
    build = audited(lambda: "csv text", "乡镇报表模板.csv", "填报模板：乡镇报表", Visitor(SIGNED_IN, someone))
    assert store.audit() == []  # nothing until the file is asked for
    assert build() == "csv text"
    [entry] = store.audit()
    assert (entry["action"], entry["actor"], entry["role"], entry["target"], entry["address"]) == (
        "export", "sso:zhang@city.gov.cn", "county_analyst", "乡镇报表模板.csv", "10.0.0.9")
    assert json.loads(entry["detail"]) == {"what": "填报模板：乡镇报表"}
    assert store.verify() == []


def test_a_failed_build_records_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_MONITOR_HOME", str(tmp_path / "home"))

    def broken() -> bytes:
        raise RuntimeError("no chromium")

    build = audited(broken, "x.png", "图片", Visitor(SIGNED_IN, Actor("李统计", account="city")))
    try:
        build()
    except RuntimeError:
        pass
    assert Access(tmp_path / "home").audit() == []
