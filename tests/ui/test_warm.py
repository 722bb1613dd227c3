"""ui.context.warm (started by serve.py with the server): the default plan's Monitor is built into the pages' own
cache before the first page asks, and a warm-up that cannot build anything changes nothing and raises nothing."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

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
    # and the default year's 总览 is built in the page's memo: the first reader's page draws it
    year = context.default_year(warmed)
    built = context._MEMO[id(warmed)][1]
    assert {("overview_page", year), ("data_as_of", year), ("round_note", year), ("export_note", year)} <= set(built)
    from plan_monitor.ui.overview_view import overview_view
    assert overview_view(warmed, year) is built[("overview_page", year)]


def test_warm_without_a_plan_or_data_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(tmp_path / "missing.yaml"))
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(tmp_path / "no-data"))
    context.warm()  # no exception: the first page shows what is wrong, in Chinese
    assert not (tmp_path / "no-data").exists()


class _Owner:  # memo keys values by a Monitor's identity (weakly); any object serves
    pass


def test_memo_waits_for_a_value_being_built_instead_of_building_it_again():
    owner, started, release = _Owner(), threading.Event(), threading.Event()
    calls = []

    def slow():
        calls.append("first")
        started.set()
        release.wait(10)
        return "value"

    first = threading.Thread(target=lambda: context.memo(owner, ("k",), slow))
    first.start()
    assert started.wait(10)
    got = []
    second = threading.Thread(target=lambda: got.append(context.memo(owner, ("k",), lambda: calls.append("again"))))
    second.start()
    second.join(0.3)
    assert second.is_alive()  # waiting for the first build, not building its own
    release.set()
    first.join(10)
    second.join(10)
    assert got == ["value"] and calls == ["first"]


def test_memo_builds_itself_when_the_build_it_waited_for_failed():
    owner, started, release = _Owner(), threading.Event(), threading.Event()

    def failing():
        started.set()
        release.wait(10)
        raise RuntimeError("broken")

    errors = []

    def first_caller():
        try:
            context.memo(owner, ("k",), failing)
        except RuntimeError as exc:
            errors.append(str(exc))

    first = threading.Thread(target=first_caller)
    first.start()
    assert started.wait(10)
    got = []
    second = threading.Thread(target=lambda: got.append(context.memo(owner, ("k",), lambda: "rebuilt")))
    second.start()
    release.set()
    first.join(10)
    second.join(10)
    assert errors == ["broken"] and got == ["rebuilt"]
    assert context.memo(owner, ("k",), lambda: pytest.fail("built again")) == "rebuilt"


def test_memo_asked_again_inside_its_own_build_builds_instead_of_waiting_on_itself():
    owner = _Owner()
    result = []

    def outer():
        return "outer:" + context.memo(owner, ("k",), lambda: "inner")  # the same key, in the same thread

    worker = threading.Thread(target=lambda: result.append(context.memo(owner, ("k",), outer)), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive()  # no thread waiting on itself forever
    assert result == ["outer:inner"]
    assert context.memo(owner, ("k",), lambda: "again") == "outer:inner"  # the outer build is the one kept
