"""ui.context.warm (started by serve.py with the server): the default plan's Monitor is built into the pages' own
cache before the first page asks, and a warm-up that cannot build anything changes nothing and raises nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from plan_monitor.metrics import persisted
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.sources import open_store
from plan_monitor.ui import context


def test_warm_builds_the_default_monitor_the_pages_read(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data, ignore=shutil.ignore_patterns("store"))
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(data))
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(DEFAULT_TARGETS))
    store = open_store(str(data))
    key = persisted.card_key(persisted.plan_bytes(DEFAULT_TARGETS), store.stamp(), store.is_demo(), None)
    assert store.cached(key) is None  # nothing computed for this copy yet

    context.warm()

    assert store.cached(key) is not None  # computed (and persisted) by the warm-up
    targets = Path(DEFAULT_TARGETS)
    args = (str(targets), context._open_store(str(data)).location, targets.stat().st_mtime_ns, store.stamp(), None)
    warmed = context._monitor(*args)
    assert context._monitor(*args) is warmed  # the pages' cache holds it: the first page does not build another
    assert warmed.card.rows.equals(persisted.load(store, key, warmed.plan).rows)


def test_warm_without_a_plan_or_data_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(tmp_path / "missing.yaml"))
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(tmp_path / "no-data"))
    context.warm()  # no exception: the first page shows what is wrong, in Chinese
    assert not (tmp_path / "no-data").exists()
