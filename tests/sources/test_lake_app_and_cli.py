"""Two processes on one PostgreSQL catalog, as two app replicas would be: the app (the 数据版本 page under AppTest,
in this process) and the CLI (`python -m plan_monitor ingest` in another process) share a data folder and the
catalog; each sees the other's commit at its next run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.ingest.service import Actor, WriteService
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS, ROOT
from plan_monitor.sources import open_store
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.plan import load_plan

UPLOADS = ROOT / "tests" / "data" / "uploads"


@pytest.fixture
def data(tmp_path, catalog, monkeypatch) -> Path:
    folder = Path(shutil.copytree(DEFAULT_DATA, tmp_path / "demo"))
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(folder))
    return folder


def versions_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/versions.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plan_monitor", *argv], cwd=ROOT, env=os.environ,
                          capture_output=True, text=True, timeout=300)


def test_the_app_and_the_cli_see_each_others_commits_through_the_catalog(data, catalog):
    at = versions_page()
    assert [i.value for i in at.info] == ["尚无上传版本，当前为初始数据"]

    done = cli("ingest", str(UPLOADS / "village_utf8.csv"), "--data", str(data), "--yes", "--user", "另一台机器")
    assert done.returncode == 0, done.stderr
    assert "已提交为数据版本 v1" in done.stdout

    at.run()  # the app's next rerun
    assert not at.exception
    shown = at.dataframe[0].value
    assert list(shown["版本"]) == [1] and list(shown["提交人"]) == ["另一台机器"]

    # the app commits (a correction of one village) and the CLI, a separate process, lists both
    plan = load_plan(DEFAULT_TARGETS)
    store = open_store(data)
    corrected = (UPLOADS / "village_utf8.csv").read_text("utf-8").replace("谭场村,村,否,,132.0", "谭场村,村,否,,133.0", 1)
    checked = check_upload("沙市区更正.csv", corrected.encode("utf-8"), plan, load_geography(plan), store)
    assert checked.can_commit, checked.problems().to_string()
    entry = WriteService(store).commit_upload(checked, Actor("看板 王分析"), confirm_warnings=True)
    assert entry["id"] == 2
    listed = cli("versions", "--data", str(data))
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.strip().splitlines()[1:]]
    assert sorted((r[0], r[4]) for r in rows) == [("1", "另一台机器"), ("2", "看板 王分析")]
    assert catalog.startswith("postgresql://")
    assert not (data / "store" / "catalog.sqlite").exists()  # the catalog is the server's, not a local file
