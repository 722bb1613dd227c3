"""A commit killed at any moment leaves the store at the previous version or the new one, never in between.

A real commit runs in a child process; it is stopped with os._exit right after each numbered step (the
PLAN_MONITOR_STORE_CRASH_AT hook) and with SIGKILL at random moments of a commit loop. After every kill the store
must read cleanly: the manifest parses, every file it names exists and reads, and the current rows are exactly
those of the version the manifest says is current.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from plan_monitor.paths import ROOT
from plan_monitor.sources import load_rosters
from plan_monitor.sources import open_store
from plan_monitor.sources.store._folder import CRASH_ENV

STEPS = ("locked", "parquet_tmp", "parquet", "original_tmp", "original", "manifest_tmp", "manifest")
ROWS = 20_000

# Version k stores ROWS - k % 7 villages whose reserve_cadres is k, so the rows name the version they came from.
WORKER = f"""
import sys
from datetime import date
import pyarrow as pa
from plan_monitor.sources.tables import empty_table
from plan_monitor.sources import open_store
from plan_monitor.spec.templates import VILLAGE

def rows(k):
    n = {ROWS} - k % 7
    cols = ["year", "as_of", "county", "town", "village", "unit_type", "is_demo", "reserve_cadres"]
    return pa.table({{"year": [2024] * n, "as_of": [date(2024, 12, 31)] * n, "county": ["甲"] * n,
                     "town": [f"镇{{i % 20}}" for i in range(n)], "village": [f"村{{i}}" for i in range(n)],
                     "unit_type": ["村"] * n, "is_demo": [i % 3 == 0 for i in range(n)],
                     "reserve_cadres": [k] * n}}).cast(empty_table(VILLAGE).select(cols).schema)

store = open_store(sys.argv[1])
loop = sys.argv[2] == "loop"
print("ready", flush=True)
if loop:
    sys.stdin.readline()
while True:
    head = store.head()
    store.commit(template_key="village", rows=rows(head + 1), original=f"file {{head + 1}}".encode() * 150_000,
                 file_name=f"v{{head + 1}}.csv", user="crash", base=head)
    if not loop:
        break
"""


def worker(folder: Path, mode: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WORKER, str(folder), mode], cwd=ROOT,
                            env={**os.environ, **(env or {})},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def leftovers(folder: Path) -> set[str]:
    """Files in the store that no manifest entry names: what a commit killed mid-write leaves."""
    store = folder / "store"
    named = {e[k] for e in open_store(folder).entries() for k in ("parquet", "original")}
    found = {f"{d.name}/{p.name}" for d in (store / "versions", store / "originals") if d.exists() for p in d.iterdir()}
    found |= {p.name for p in store.glob(".manifest.json.*")} if store.exists() else set()
    return found - named


def check(folder: Path) -> int:
    """The store reads cleanly at exactly one version; returns that version."""
    entries = open_store(folder).entries()  # raises on a torn manifest
    head = entries[-1]["id"] if entries else 0
    assert [e["id"] for e in entries] == list(range(1, head + 1))
    for e in entries:
        assert pq.read_table(folder / "store" / e["parquet"]).num_rows == e["rows"] == ROWS - e["id"] % 7
        kept = (folder / "store" / e["original"]).read_bytes()
        assert hashlib.sha256(kept).hexdigest() == e["sha256"] and kept == f"file {e['id']}".encode() * 150_000
    current = open_store(folder).current("villages")
    assert len(current) == (ROWS - head % 7 if head else 0)
    assert set(current["reserve_cadres"].to_pylist()) <= {head}
    assert set(current["as_of"].to_pylist()) <= {date(2024, 12, 31)}
    rosters = load_rosters(folder)
    assert rosters.store_head == head and rosters.tables["villages"].equals(current)
    return head


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "README.txt").write_text("an empty data folder: every row comes from the store")
    return tmp_path


def test_exit_right_after_each_step_leaves_old_or_new(folder):
    head = 0
    for step in STEPS:
        proc = worker(folder, "once", {CRASH_ENV: step})
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 86, err
        now = check(folder)
        assert now == (head + 1 if step == "manifest" else head), step
        head = now
    # the next commit sweeps what the killed ones left and lands normally
    proc = worker(folder, "once")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert check(folder) == head + 1
    assert not leftovers(folder)
    assert sorted(p.name for p in (folder / "store").iterdir()) == [".lock", "manifest.json", "originals", "versions"]


def test_sigkill_at_random_moments_leaves_a_readable_version(folder):
    rng = random.Random(20240930)
    head, moved, torn, started = 0, 0, 0, time.monotonic()
    runs = 0
    while runs < 40 and time.monotonic() - started < 15:
        proc = worker(folder, "loop")
        assert proc.stdout.readline().strip() == "ready"
        proc.stdin.write("go\n")
        proc.stdin.flush()
        time.sleep(rng.uniform(0.0, 0.35))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        now = check(folder)
        assert now >= head
        moved += now > head
        torn += bool(leftovers(folder))
        head = now
        runs += 1
    print(f"{runs} kills, {moved} after a new version landed, {torn} in the middle of writing files")
    assert runs >= 15
    assert moved  # kills landed after commits too, not only during start-up (mid-write kills: the step test)
