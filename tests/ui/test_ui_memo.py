"""ui.context.memo: what a page derives from a Monitor is built once per Monitor and key (no timing asserted)."""

from __future__ import annotations

import pytest

from plan_monitor.metrics.monitor import Monitor
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.sources import open_store
from plan_monitor.ui import context


@pytest.fixture(scope="module")
def monitors():
    store = open_store(str(DEFAULT_DATA))
    return Monitor.build(str(DEFAULT_TARGETS), store, None), Monitor.build(str(DEFAULT_TARGETS), store, None)


def test_built_once_per_monitor_and_key(monitors):
    m, other = monitors
    calls = []

    def build(tag):
        calls.append(tag)
        return {"tag": tag}

    first = context.memo(m, ("status_matrix", 2024), lambda: build("a"))
    again = context.memo(m, ("status_matrix", 2024), lambda: build("b"))
    assert again is first and calls == ["a"]
    assert context.memo(m, ("status_matrix", 2023), lambda: build("c"))["tag"] == "c"
    # an equal but separate Monitor (another data version or round) has values of its own
    assert context.memo(other, ("status_matrix", 2024), lambda: build("d"))["tag"] == "d"
    assert calls == ["a", "c", "d"]


def test_oldest_values_go_beyond_the_limit(monitors):
    m, _ = monitors
    for i in range(context.MEMO_ENTRIES + 5):
        context.memo(m, ("limit", i), lambda i=i: i)
    assert context.memo(m, ("limit", 0), lambda: "rebuilt") == "rebuilt"
    assert context.memo(m, ("limit", context.MEMO_ENTRIES + 4), lambda: "rebuilt") == context.MEMO_ENTRIES + 4
