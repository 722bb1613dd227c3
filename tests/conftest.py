"""Session fixtures: the bundled plan, the bundled demo data and its scorecard."""

from __future__ import annotations

import pytest

from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS


@pytest.fixture(scope="session")
def plan():
    from plan_monitor.spec.plan import load_plan

    return load_plan(DEFAULT_TARGETS)


@pytest.fixture(scope="session")
def demo_rosters():
    from plan_monitor.sources import load_rosters

    return load_rosters(DEFAULT_DATA)


@pytest.fixture(scope="session")
def demo_scorecard(plan, demo_rosters):
    from plan_monitor.metrics.scorecard import compute_scorecard

    return compute_scorecard(plan, demo_rosters)


@pytest.fixture(scope="session")
def unsplit_targets(tmp_path_factory):
    """The bundled plan without its monitoring splits (split: lines): what the published plan alone gives, seven
    count indicators with no county target."""
    text = DEFAULT_TARGETS.read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("unsplit") / "targets.yaml"
    path.write_text("".join(line for line in text.splitlines(keepends=True) if not line.startswith("    split:")),
                    encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def demo_mode_env(monkeypatch, tmp_path_factory):
    """Every test runs in demo mode (sign-in off, PLAN_MONITOR_AUTH=off) with an accounts home of its own, never the
    user's ~/.plan_monitor, unless it sets these itself. (Its own name, so a module's bundled_env cannot drop it.)"""
    monkeypatch.setenv("PLAN_MONITOR_AUTH", "off")
    monkeypatch.setenv("PLAN_MONITOR_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.delenv("PLAN_MONITOR_ANONYMOUS", raising=False)


@pytest.fixture(autouse=True)
def bundled_env(monkeypatch):
    """Every test starts on the bundled plan and demo data unless it points the env vars elsewhere."""
    monkeypatch.delenv("PLAN_MONITOR_TARGETS", raising=False)
    monkeypatch.delenv("PLAN_MONITOR_DATA", raising=False)
    monkeypatch.delenv("PLAN_MONITOR_DEBUG", raising=False)
