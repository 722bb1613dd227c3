"""The CLI's CSV of a persisted card is made without pandas (metrics.persisted.read_rows, metrics.card_table,
outputs.scorecard_csv.table_csv_bytes): the card's rows read as an Arrow table, selected and formatted in Arrow. It
must be byte for byte the CSV of the frame (export_table.scorecard_csv_bytes of Scorecard.select), for every
selection the CLI makes, a plan with prefectures, and odd numbers and text; and the process that writes it must not
import pandas (pyarrow does, on the first Python value it converts, unless arrays are built from their buffers)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from inline_rosters import DATA, make_rosters

from plan_monitor.metrics import persisted
from plan_monitor.metrics.card_table import CSV_COLUMNS, kept, select_table
from plan_monitor.metrics.scorecard import Scorecard, compute_scorecard
from plan_monitor.outputs.export_table import scorecard_csv_bytes, scorecard_table
from plan_monitor.outputs.scorecard_csv import table_csv_bytes
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS, ROOT
from plan_monitor.spec.plan import load_plan

KEY = "scorecard-test.parquet"
COLUMNS = [*CSV_COLUMNS, "prefecture"]
SELECTIONS = [(None, None), (2023, "county"), (2024, "town"), (2022, None), (None, "city"), (2024, "prefecture"),
              (2021, None)]  # 2021: the baseline year, never selected
ODD_NUMBERS = [np.nan, -0.0, 0.1 + 0.2, 2.675, 1e-7, 5e-7, 1.5e-6, 2.5e-6, 1e-5, 0.0001, 1e12, 1e20, np.inf, -np.inf,
               1 / 3, 3.0, -3.0, 123.4564995, 0.5e-6, -1.0000005, 7.0000000001, 999_999_999.5, 1_234_567_890.25]
ODD_TEXT = ["a,b", 'q"uote', "line\nbreak", "cr\rx", " lead", "", None, "<script>alert(1)</script>", "tab\tx", "全市"]


def read_back(card: Scorecard) -> pa.Table:
    """The card persisted and read back as the CLI's CSV reads it."""
    return persisted.rows_table(persisted.encode(card, KEY), KEY, COLUMNS)


def arrow_csv(card: Scorecard, year=None, level=None) -> bytes:
    return table_csv_bytes(select_table(read_back(card), card.plan.years[0], year, level))


@pytest.mark.parametrize("year,level", SELECTIONS)
def test_every_selection_is_the_frames_csv(demo_scorecard, year, level):
    frame = demo_scorecard.select(year=year, level=level)
    assert arrow_csv(demo_scorecard, year, level) == scorecard_csv_bytes(frame)
    rows = select_table(read_back(demo_scorecard), demo_scorecard.plan.years[0], year, level)
    assert rows.num_rows == len(frame)
    assert rows.column("town").to_pylist() == [None if pd.isna(v) else v for v in frame["town"]]


def test_the_demo_card_gives_the_documented_text(demo_scorecard):
    text = arrow_csv(demo_scorecard).decode("utf-8")
    assert text == scorecard_table(demo_scorecard.select()).to_csv(index=False, lineterminator="\n")
    assert text.startswith(",".join(CSV_COLUMNS) + "\n") and text.count("\n") == len(demo_scorecard.select()) + 1


def stats(year, county, **values):
    return {"year": year, "as_of": None, "county": county, **values}


@pytest.fixture(scope="module")
def prefecture_card():
    """湖北省's plan (tests/data/prefecture_plan.yaml; see tests/metrics/test_prefecture.py) with a few counties'
    reports: rows at the region, prefecture and county levels."""
    reports = [stats(2021, "荆州区", brand_projects=0, shared_sites=0, party_workers=100, party_workers_trained=0),
               stats(2021, "仙桃市", brand_projects=0, shared_sites=0, party_workers=50, party_workers_trained=0),
               stats(2024, "荆州区", brand_projects=3, shared_sites=1, party_workers=100, party_workers_trained=100),
               stats(2024, "仙桃市", brand_projects=2, shared_sites=1, party_workers=50, party_workers_trained=50),
               stats(2024, "江岸区", brand_projects=2, shared_sites=0, party_workers=100, party_workers_trained=10)]
    return compute_scorecard(load_plan(DATA / "prefecture_plan.yaml"), make_rosters(county_stats=reports))


@pytest.mark.parametrize("year,level", [(None, None), (2024, "prefecture"), (2024, "county")])
def test_a_plan_with_prefectures(prefecture_card, year, level):
    frame = prefecture_card.select(year=year, level=level)
    text = arrow_csv(prefecture_card, year, level)
    assert text == scorecard_csv_bytes(frame)
    assert text.split(b"\n")[0].split(b",")[3:6] == [b"level", b"prefecture", b"county"]
    if level == "prefecture":  # a prefecture row names its place in the prefecture column only
        assert all(line.split(b",")[5] == b"" for line in text.split(b"\n")[1:-1])


@pytest.mark.parametrize("seed", [1, 2])
def test_odd_numbers_text_and_days(demo_scorecard, seed):
    rng = np.random.default_rng(seed)
    rows = pd.concat([demo_scorecard.rows.head(len(ODD_TEXT) * 5)] * 40, ignore_index=True)
    for col in ("actual", "target", "gap", "completion"):
        scale = 10.0 ** rng.integers(-8, 12, len(rows))
        rows[col] = rng.random(len(rows)) * scale * rng.choice([-1, 1], len(rows))
        rows.loc[rows.index[: len(ODD_NUMBERS) * 10], col] = rng.choice(ODD_NUMBERS, len(ODD_NUMBERS) * 10)
    rows["county"] = pd.Series((ODD_TEXT * len(rows))[: len(rows)], dtype=object)
    rows["indicator"] = rows["county"].iloc[::-1].to_numpy()
    rows["round"] = pd.Timestamp("2024-09-30")
    rows.loc[rows.index[::3], "carried_from"] = pd.Timestamp("2024-06-30")
    card = Scorecard(demo_scorecard.plan, rows, "v", True)
    expected = scorecard_table(card.select()).to_csv(index=False, lineterminator="\n").encode("utf-8")
    assert arrow_csv(card) == scorecard_csv_bytes(card.select()) == expected
    assert b'"a,b"' in expected and b'"q""uote"' in expected and b',2024-09-30,2024-06-30\n' in expected


def test_plain_text_goes_unquoted_and_a_selection_is_sliced_or_filtered_alike(demo_scorecard):
    rows = read_back(demo_scorecard)
    rng = np.random.default_rng(3)
    keep = rng.random(rows.num_rows) < 0.5
    assert kept(rows, keep).equals(kept(rows, keep, runs=1))  # slices, or (more runs than that) a filter
    assert kept(rows, keep).num_rows == keep.sum()
    assert kept(rows, np.zeros(rows.num_rows, bool)).num_rows == 0 and kept(rows, np.ones(rows.num_rows, bool)) is rows


def test_the_persisted_cli_csv_imports_no_pandas(tmp_path):
    """One CLI run computes and persists the card; the next, in a fresh process, reads it back: the same bytes,
    and none of pandas, openpyxl, plotly or streamlit imported on the way, nor the plan's parser and model (the
    card's file names the plan's years and indicators)."""
    data = Path(shutil.copytree(DEFAULT_DATA, tmp_path / "demo", ignore=shutil.ignore_patterns("store")))
    probe = ("import sys; from plan_monitor.cli import main; code = main(sys.argv[1:]); "
             "print(code, sorted(m for m in ('pandas', 'openpyxl', 'plotly', 'streamlit', 'plan_monitor.spec.plan', "
             "'pydantic', 'yaml') if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outputs = []
    for name in ("computed.csv", "persisted.csv"):
        out = tmp_path / name
        run = subprocess.run([sys.executable, "-c", probe, "scorecard", "--targets", str(DEFAULT_TARGETS), "--data",
                              str(data), "--out", str(out)], capture_output=True, text=True, env=env, cwd=ROOT)
        outputs.append((run.stdout.strip(), out.read_bytes()))
    assert outputs[0][0] == "0 ['pandas', 'plan_monitor.spec.plan', 'pydantic', 'yaml']"  # computed: the Monitor
    assert outputs[1][0] == "0 []"  # read back: no pandas
    assert outputs[0][1] == outputs[1][1] and outputs[0][1].startswith(",".join(CSV_COLUMNS).encode())


def test_the_card_file_names_its_plans_years_and_indicators(tmp_path):
    """read_rows gives the years and indicators of the plan the card was computed from, as the plan file has them
    (what the CLI checks --year against), from the card's file alone; a file without them is computed again."""
    data = Path(shutil.copytree(DEFAULT_DATA, tmp_path / "demo", ignore=shutil.ignore_patterns("store")))
    plan = load_plan(DEFAULT_TARGETS)
    assert persisted.read_rows(DEFAULT_TARGETS, data, None, COLUMNS) is None  # nothing persisted yet
    from plan_monitor.metrics.monitor import scorecard

    card = scorecard(DEFAULT_TARGETS, data)  # computed and persisted
    facts, rows = persisted.read_rows(DEFAULT_TARGETS, data, None, COLUMNS)
    assert facts == persisted.PlanFacts(tuple(plan.years), tuple(i.id for i in plan.indicators))
    assert facts.years == (2022, 2023, 2024) and len(facts.indicators) == 13
    assert rows.num_rows == len(card.rows)
