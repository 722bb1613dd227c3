"""The demo data generator: deterministic, and the committed data/demo is exactly what it writes."""

from __future__ import annotations

import csv

import pytest

from plan_monitor.paths import DEFAULT_DATA
from plan_monitor.sources import load_rosters
from plan_monitor.sources.demo import generate
from plan_monitor.sources.store._base import DEMO_MARK


def snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "store" not in p.relative_to(folder).parts}


@pytest.fixture(scope="module")
def generated(tmp_path_factory, plan):
    first = tmp_path_factory.mktemp("demo1")
    second = tmp_path_factory.mktemp("demo2")
    counts = generate(plan, first)
    assert generate(plan, second) == counts
    return first, second, counts


def test_generator_is_deterministic(generated):
    first, second, _ = generated
    a, b = snapshot(first), snapshot(second)
    assert a == b
    assert len(a) == 22  # 4 templates × 5 reports, the task ledger and the DEMO mark


def test_committed_demo_data_is_exactly_what_the_generator_writes(generated):
    first, _, _ = generated
    committed = snapshot(DEFAULT_DATA)
    fresh = snapshot(first)
    assert sorted(committed) == sorted(fresh)
    drifted = [name for name in fresh if fresh[name] != committed[name]]
    assert drifted == [], "data/demo differs from the generator; rerun: python -m plan_monitor demo-data"


def test_another_seed_gives_other_data(tmp_path, plan, generated):
    first, _, _ = generated
    generate(plan, tmp_path, seed=7)
    assert snapshot(tmp_path)["village_2022.csv"] != snapshot(first)["village_2022.csv"]


def test_row_counts(generated):
    first, _, counts = generated
    events = counts.pop("task_events")
    assert len((first / "ledger" / "events.csv").read_text(encoding="utf-8").splitlines()) - 1 == events > 300
    for template, n in counts.items():
        files = sorted(first.glob(f"{template}_2*.csv"))
        assert len(files) == 5
        assert sum(len(f.read_text(encoding="utf-8").splitlines()) - 1 for f in files) == n


def test_demo_folder_is_marked_as_demo(demo_rosters, tmp_path):
    assert (DEFAULT_DATA / DEMO_MARK).exists()
    assert demo_rosters.is_demo is True
    for f in DEFAULT_DATA.glob("*.csv"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    assert load_rosters(tmp_path).is_demo is False  # the same files without the mark are not demo


def test_demo_has_a_few_thousand_villages(demo_rosters):
    villages = demo_rosters.tables["villages"].to_pandas()
    latest = villages[villages["year"] == 2022]
    n_villages = int((latest["unit_type"] == "村").sum())
    n_communities = int((latest["unit_type"] == "社区").sum())
    assert 2000 <= n_villages <= 5000, n_villages
    assert 100 <= n_communities < n_villages
    # every report round lists the same units
    with open(DEFAULT_DATA / "village_2021.csv", encoding="utf-8") as fh:
        assert sum(1 for _ in csv.reader(fh)) - 1 == len(latest)


def test_demo_reports_years_and_dates(demo_rosters):
    villages = demo_rosters.tables["villages"].to_pandas()
    dates = sorted({(int(y), str(d)) for y, d in zip(villages["year"], villages["as_of"])})
    assert dates == [(2021, "2021-12-31"), (2022, "2022-12-31"), (2023, "2023-12-31"),
                     (2024, "2024-06-30"), (2024, "2024-09-30")]


def test_demo_uses_the_gazetteer_counties(demo_rosters, plan):
    from plan_monitor.spec.geography import load_geography

    counties = set(demo_rosters.tables["counties"].column("county").to_pylist())
    assert counties == set(load_geography(plan).county_names())
    assert len(counties) == 9


def test_committed_county_action_ledger_is_what_the_generator_writes(tmp_path):
    """The county action plan's demo ledger (its tasks only, no figures) as of 2026-01-20, in its stage 3."""
    from datetime import date

    from plan_monitor.paths import ROOT
    from plan_monitor.sources.demo_ledger import generate_ledger
    from plan_monitor.spec.geography import load_geography
    from plan_monitor.spec.plan import load_plan

    plan = load_plan(ROOT / "plans" / "county-action.yaml")
    n = generate_ledger(plan, load_geography(plan), tmp_path, date(2026, 1, 20))
    fresh = (tmp_path / "ledger" / "events.csv").read_bytes()
    assert fresh == (ROOT / "data" / "county-action" / "ledger" / "events.csv").read_bytes(), \
        "rerun generate_ledger(plan, geo, 'data/county-action', date(2026, 1, 20))"
    assert n == 36
