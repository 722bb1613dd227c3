"""The persisted scorecard (metrics.persisted, Store.keep / Store.cached): a data version's card is computed once and
read back by the next process, byte for byte what a fresh computation gives; a commit, a plan edit, another round or
another code fingerprint computes it again; a damaged, truncated or foreign file is ignored, never shown."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from plan_monitor.cli import main
from plan_monitor.metrics import monitor as monitor_module
from plan_monitor.metrics import persisted
from plan_monitor.metrics.monitor import Monitor, scorecard
from plan_monitor.outputs.export_table import scorecard_csv
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.sources import open_store

COUNTY = "荆州区"


@pytest.fixture
def data(tmp_path) -> Path:
    return Path(shutil.copytree(DEFAULT_DATA, tmp_path / "demo", ignore=shutil.ignore_patterns("store")))


def early(tmp_path: Path) -> Path:
    """The demo data with 荆州区's year-end village roster committed (tests/early_round.py), nothing persisted."""
    from early_round import early_upload

    folder = early_upload(tmp_path / "early")
    shutil.rmtree(folder / "store" / "cache", ignore_errors=True)  # copied with the bundled data folder
    return folder


def cli(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["scorecard", *argv])
    assert code == 0 and err.getvalue() == "", err.getvalue()
    return out.getvalue()


def cache_files(folder: Path) -> list[Path]:
    where = folder / "store" / "cache"
    return sorted(p for p in where.iterdir() if not p.name.startswith(".")) if where.is_dir() else []


def no_computing(monkeypatch) -> None:
    """From here on neither a row is loaded nor a scorecard computed: what comes out was persisted."""
    def refuse(*args, **kwargs):
        raise AssertionError("computed, not read back")

    monkeypatch.setattr(monitor_module, "compute_scorecard", refuse)
    monkeypatch.setattr(type(open_store(DEFAULT_DATA)), "rosters", refuse)


def strictly_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Same columns, dtypes, index and cells, NaN and None told apart."""
    assert list(a.columns) == list(b.columns) and a.index.equals(b.index) and type(a.index) is type(b.index)
    for column in a.columns:
        assert a[column].dtype == b[column].dtype, column
        assert [(type(v), repr(v)) for v in a[column]] == [(type(v), repr(v)) for v in b[column]], column
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_the_card_reads_back_cell_for_cell(demo_scorecard):
    key = "scorecard-test.parquet"
    back = persisted.decode(persisted.encode(demo_scorecard, key), key, demo_scorecard.plan)
    strictly_equal(demo_scorecard.rows, back.rows)
    object_columns = [c for c in back.rows if back.rows[c].dtype == object]
    assert any(back.rows[c].map(lambda v: isinstance(v, float)).any() for c in object_columns)  # NaN kept as NaN
    assert (back.data_version, back.is_demo, back.rounds, back.newer) == (
        demo_scorecard.data_version, demo_scorecard.is_demo, demo_scorecard.rounds, demo_scorecard.newer)


def test_rounds_and_newer_rounds_read_back(tmp_path):
    folder = early(tmp_path)
    m = Monitor.build(DEFAULT_TARGETS, folder)
    assert m.card.newer[2024]  # 荆州区's year-end report, newer than the figures' round
    assert cache_files(folder)
    again = Monitor.build(DEFAULT_TARGETS, folder)
    strictly_equal(m.card.rows, again.card.rows)
    assert (again.card.rounds, again.card.newer, again.card.data_version) == (m.card.rounds, m.card.newer,
                                                                             m.card.data_version)


def test_the_cli_reads_back_the_persisted_card_byte_for_byte(data, monkeypatch):
    computed = cli("--data", str(data))
    assert len(cache_files(data)) == 1
    with monkeypatch.context() as patch:
        no_computing(patch)
        assert cli("--data", str(data)) == computed
        assert cli("--data", str(data), "--level", "county", "--year", "2024") == \
            "".join(computed.splitlines(keepends=True)[:1] + [line for line in computed.splitlines(keepends=True)
                                                                  if ",county," in line and ",2024," in line])
    assert cli("--data", str(data), "--recompute") == computed
    fresh = scorecard_csv(Monitor.build(DEFAULT_TARGETS, data, reuse=False).card.select())
    assert computed == fresh


def test_each_round_has_its_own_card(tmp_path, monkeypatch):
    folder = early(tmp_path)
    default, year_end = cli("--data", str(folder)), cli("--data", str(folder), "--round", "2024-12-31")
    assert default != year_end and len(cache_files(folder)) == 2
    with monkeypatch.context() as patch:
        no_computing(patch)
        assert (cli("--data", str(folder)), cli("--data", str(folder), "--round", "2024-12-31")) == (default, year_end)


def zeroed_incomes() -> pa.Table:
    """荆州区's 2024-09-30 villages with no collective income at all."""
    rows = open_store(DEFAULT_DATA).rosters().tables["villages"]
    rows = rows.filter(pc.and_(pc.equal(rows["county"], COUNTY), pc.equal(rows["year"], 2024)))
    rows = rows.filter(pc.equal(rows["as_of"], pc.max(rows["as_of"])))
    return rows.set_column(rows.column_names.index("income_wan"), "income_wan",
                           pa.array(np.zeros(len(rows)), pa.float64()))


def county_share(text: str) -> str:
    found = [r["actual"] for r in csv.DictReader(io.StringIO(text))
             if (r["indicator_id"], r["level"], r["county"], r["year"]) == ("village_income_20w", "county", COUNTY, "2024")]
    assert len(found) == 1
    return found[0]


def test_a_commit_computes_the_card_again_with_the_new_figures(data):
    before = cli("--data", str(data))
    assert float(county_share(before)) > 0
    store = open_store(data)
    stamp = store.stamp()
    store.commit(template_key="village", rows=zeroed_incomes(), original=b"x", file_name="village.csv", user="test",
                 base=0)
    assert store.stamp() != stamp
    after = cli("--data", str(data))
    assert float(county_share(after)) == 0
    assert after == scorecard_csv(Monitor.build(DEFAULT_TARGETS, data, reuse=False).card.select())
    assert [line for line in after.splitlines() if line not in before.splitlines()]  # only 荆州区's figures moved
    assert len(cache_files(data)) == 2
    store.rollback(0, user="test", base=1)
    assert cli("--data", str(data)) == before  # a rollback is another stamp: computed again, the old figures


def test_a_plan_edit_or_another_code_fingerprint_computes_again(data, tmp_path, monkeypatch):
    targets = tmp_path / "targets.yaml"
    targets.write_bytes(DEFAULT_TARGETS.read_bytes())
    computed = cli("--targets", str(targets), "--data", str(data))
    targets.write_bytes(DEFAULT_TARGETS.read_bytes() + b"\n# an edit that changes no figure\n")
    assert cli("--targets", str(targets), "--data", str(data)) == computed
    assert len(cache_files(data)) == 2
    monkeypatch.setattr(persisted, "code_fingerprint", lambda: "another code")
    assert cli("--targets", str(targets), "--data", str(data)) == computed
    assert len(cache_files(data)) == 3


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "other_key", "not_parquet"])
def test_a_damaged_or_foreign_file_is_ignored_and_computed_again(data, damage, caplog):
    computed = cli("--data", str(data))
    [path] = cache_files(data)
    store = open_store(data)
    raw = path.read_bytes()
    if damage == "flip":
        path.write_bytes(raw[:-100] + bytes([raw[-100] ^ 0xFF]) + raw[-99:])
    elif damage == "truncate":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "other_key":  # whole and checked by the store, but the card of another key
        card = persisted.decode(store.cached(path.name), path.name, Monitor.build(DEFAULT_TARGETS, data).plan)
        store.keep(path.name, persisted.encode(card, "scorecard-another.parquet"))
    else:  # whole and checked by the store, but not a card
        store.keep(path.name, b"PAR1 not a parquet file")
    assert cli("--data", str(data)) == computed
    plan = Monitor.build(DEFAULT_TARGETS, data).plan
    assert persisted.decode(store.cached(path.name), path.name, plan) is not None  # written whole again


def test_a_copy_under_another_name_does_not_pass(data):
    cli("--data", str(data))
    [path] = cache_files(data)
    shutil.copy(path, path.with_name("scorecard-copy.parquet"))
    store = open_store(data)
    assert store.cached(path.name) is not None and store.cached("scorecard-copy.parquet") is None


def test_keeping_is_bounded_least_recently_used_first_and_changes_no_version(data, monkeypatch):
    from plan_monitor.sources.store import _lake

    monkeypatch.setattr(_lake, "CACHE_KEEP", 3)
    store = open_store(data)
    stamp, head = store.stamp(), store.head()
    now = time.time()
    for n in range(3):
        store.keep(f"f{n}", f"bytes {n}".encode())
        os.utime(data / "store" / "cache" / f"f{n}", (now - 300 + n, now - 300 + n))  # used in this order
    assert store.cached("f0") == b"bytes 0"  # used again: now the most recent
    store.keep("f3", b"bytes 3")
    assert [p.name for p in cache_files(data)] == ["f0", "f2", "f3"]
    assert store.cached("f1") is None and store.cached("never") is None
    assert (store.stamp(), store.head()) == (stamp, head)
    with pytest.raises(ValueError):
        store.keep("../escape", b"x")


def test_a_store_that_cannot_be_written_keeps_nothing_silently(data, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError("read-only data folder")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    computed = cli("--data", str(data))
    assert cache_files(data) == []
    monkeypatch.undo()
    assert cli("--data", str(data)) == computed


def test_scorecard_alone_equals_the_monitors(data):
    card = scorecard(DEFAULT_TARGETS, data)
    strictly_equal(card.rows, Monitor.build(DEFAULT_TARGETS, data, reuse=False).card.rows)
    strictly_equal(scorecard(DEFAULT_TARGETS, data).rows, card.rows)


def test_a_missing_plan_file_is_still_the_plans_own_error(data, tmp_path):
    from plan_monitor.errors import PlanError

    with pytest.raises(PlanError, match="文件不存在"):
        Monitor.build(tmp_path / "missing.yaml", data)
    with pytest.raises(PlanError, match="文件不存在"):
        scorecard(tmp_path / "missing.yaml", data)


def test_a_fresh_monitor_reads_its_rounds_back_and_loads_no_row_until_asked(tmp_path, monkeypatch):
    """What Monitor.build derives from the rows besides the card (persisted.Parts) reads back equal to what it
    computed, with no row loaded; the rows, the drill-down engine and 报送情况 are read on first use and equal the
    computed Monitor's."""
    from plan_monitor.present.views import village_list

    folder = early(tmp_path)
    for cutoff in (None, date(2024, 12, 31)):
        computed = Monitor.build(DEFAULT_TARGETS, folder, cutoff)
        with monkeypatch.context() as patch:
            no_computing(patch)
            fresh = Monitor.build(DEFAULT_TARGETS, folder, cutoff)
            strictly_equal(fresh.card.rows, computed.card.rows)
            assert (fresh.year_rounds, fresh.as_of_rounds, fresh.rounds, fresh.chosen) == (
                computed.year_rounds, computed.as_of_rounds, computed.rounds, computed.chosen)
            assert fresh.year_rounds[2024] and fresh.rounds[2024]
        assert fresh.rosters.version == computed.rosters.version
        for name, table in computed.rosters.tables.items():
            assert fresh.rosters.tables[name].equals(table), name
        pd.testing.assert_frame_equal(fresh.reporting, computed.reporting)
        county, town = computed.card.select(year=2024, level="town").iloc[0][["county", "town"]]
        pd.testing.assert_frame_equal(village_list(fresh, 2024, "village_income_20w", county, town),
                                      village_list(computed, 2024, "village_income_20w", county, town))


def test_parts_read_back_exactly(demo_scorecard, tmp_path):
    folder = early(tmp_path)
    m = Monitor.build(DEFAULT_TARGETS, folder, reuse=False)
    parts = persisted.Parts(m.year_rounds, m.as_of_rounds, m.rounds)
    key = "scorecard-test.parquet"
    card, back = persisted.decode_with_parts(persisted.encode(m.card, key, parts), key, m.plan)
    assert back == parts and list(back.year_rounds) == list(parts.year_rounds)
    assert persisted.decode_with_parts(persisted.encode(m.card, key), key, m.plan)[1] is None


def test_a_card_without_parts_is_computed_again_and_persisted_with_them(data):
    computed = Monitor.build(DEFAULT_TARGETS, data)
    [path] = cache_files(data)
    store = open_store(data)
    store.keep(path.name, persisted.encode(computed.card, path.name))  # the card alone, as an older writer kept it
    again = Monitor.build(DEFAULT_TARGETS, data)
    strictly_equal(again.card.rows, computed.card.rows)
    assert again.year_rounds == computed.year_rounds and again.rounds == computed.rounds
    assert persisted.decode_with_parts(store.cached(path.name), path.name, computed.plan)[1] is not None


@pytest.mark.parametrize("damage", ["truncate", "not_parquet", "missing"])
def test_a_damaged_or_missing_file_builds_the_monitor_from_the_rows(data, damage):
    computed = Monitor.build(DEFAULT_TARGETS, data)
    [path] = cache_files(data)
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:-500])
    elif damage == "not_parquet":
        open_store(data).keep(path.name, b"PAR1 not a parquet file")
    else:
        path.unlink()
    again = Monitor.build(DEFAULT_TARGETS, data)
    strictly_equal(again.card.rows, computed.card.rows)
    assert (again.year_rounds, again.as_of_rounds, again.rounds) == (computed.year_rounds, computed.as_of_rounds,
                                                                    computed.rounds)


def test_rows_read_after_a_commit_are_refused_not_shown_under_the_old_figures(data):
    from plan_monitor.errors import DataError

    Monitor.build(DEFAULT_TARGETS, data)
    fresh = Monitor.build(DEFAULT_TARGETS, data)  # from the persisted version: no row read yet
    store = open_store(data)
    store.commit(template_key="village", rows=zeroed_incomes(), original=b"x", file_name="village.csv", user="test",
                 base=0)
    with pytest.raises(DataError, match="刷新"):
        fresh.rosters


def test_a_card_read_back_for_some_columns_holds_exactly_those(data):
    full = scorecard(DEFAULT_TARGETS, data)
    wanted = ["status", "county", "actual", "indicator_id", "year", "level"]
    part = scorecard(DEFAULT_TARGETS, data, columns=wanted)
    assert list(part.rows.columns) == [c for c in full.rows.columns if c in wanted]
    strictly_equal(part.rows, full.rows[list(part.rows.columns)])
    strictly_equal(part.select(year=2024, level="county"), full.select(year=2024, level="county")[list(part.rows.columns)])
