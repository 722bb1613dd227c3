"""A commit killed at any moment leaves the store at the previous version or the new one, never in between.

A real commit runs in a child process; it is stopped with os._exit right after each numbered step (the
PLAN_MONITOR_STORE_CRASH_AT hook) and with SIGKILL at random moments of a commit loop. After every kill the store
must read cleanly: the catalog reads, every version's rows match their committed checksum, every archived
original its hash, and the current rows are exactly those of the version the catalog says is current.

Nothing here depends on the machine's speed: the loop runs until it has made its kills (bounded by attempts, not
seconds), and the moment of each kill is measured from the worker's own markers (a line after each commit) and
a random part of a commit's duration as timed on this machine.
"""

from __future__ import annotations

import hashlib
import os
import queue
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from plan_monitor.paths import ROOT
from plan_monitor.sources import load_rosters, open_store
from plan_monitor.sources.store._lake import CRASH_ENV, SWEEP_AGE

pytestmark = pytest.mark.usefixtures("catalog_kind")  # on the SQLite and on a PostgreSQL catalog (PLAN_MONITOR_CATALOG)

STEPS = ("locked", "original_tmp", "original", "inserted", "committed")
ROWS = 20_000
KILLS = 30  # SIGKILLs the store must survive in the random test, per catalog
MAX_ATTEMPTS = 200  # a generous bound on worker runs to reach them
HANG = 300  # seconds without a marker from a worker that must print one: it hangs, a failure, not a slow machine

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
    print(f"committed {{head + 1}}", flush=True)
    if not loop:
        break
"""


def worker(folder: Path, mode: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WORKER, str(folder), mode], cwd=ROOT,
                            env={**os.environ, **(env or {})},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def leftovers(folder: Path) -> set[str]:
    """Files in the store that no version names: what a commit killed mid-write leaves (an archived original, a
    temporary file, a data file whose rows carry a version id that never landed)."""
    store = folder / "store"
    entries = open_store(folder).entries()
    named = {e["original"] for e in entries}
    found = {f"originals/{p.name}" for p in (store / "originals").iterdir()} if (store / "originals").exists() else set()
    found |= {p.name for p in store.glob(".*.tmp*")} if store.exists() else set()
    for path in (store / "data" / "main" / "villages").rglob("*.parquet") if store.exists() else ():
        try:
            versions = set(pq.read_table(path, columns=["_version"])["_version"].to_pylist())
        except (OSError, pa.ArrowInvalid):  # killed while DuckDB was writing it (an empty or footless file)
            versions = {None}
        if not versions <= {e["id"] for e in entries}:
            found.add(path.name)
    return found - named


def check(folder: Path, known: set[int] | None = None) -> int:
    """The store reads cleanly at exactly one version; returns that version. Every version's rows and original
    are checked against their committed checksum and hash each time; their row counts and bytes only once per
    version (those in `known` were checked by an earlier call, which adds the new ones)."""
    entries = open_store(folder).entries()  # raises on a torn catalog
    head = entries[-1]["id"] if entries else 0
    assert [e["id"] for e in entries] == list(range(1, head + 1))
    assert open_store(folder).check() == []  # every version's rows against their checksum, every original its hash
    for e in entries:
        if known is not None and e["id"] in known:
            continue
        assert len(open_store(folder).current("villages", at=e["id"])) == e["rows"] == ROWS - e["id"] % 7
        kept = (folder / "store" / e["original"]).read_bytes()
        assert hashlib.sha256(kept).hexdigest() == e["sha256"] and kept == f"file {e['id']}".encode() * 150_000
    current = open_store(folder).current("villages")
    assert len(current) == (ROWS - head % 7 if head else 0)
    assert set(current["reserve_cadres"].to_pylist()) <= {head}
    assert set(current["as_of"].to_pylist()) <= {date(2024, 12, 31)}
    rosters = load_rosters(folder)
    assert rosters.store_head == head and rosters.tables["villages"].equals(current)
    if known is not None:
        known.update(e["id"] for e in entries)
    return head


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "README.txt").write_text("an empty data folder: every row comes from the store")
    return tmp_path


def age(folder: Path) -> None:
    """Make every file in the store look older than SWEEP_AGE: on a shared data path (PostgreSQL catalog) a commit
    only sweeps leftovers that old, since a younger one may be another machine's commit in progress."""
    old = time.time() - SWEEP_AGE - 60
    for path in (folder / "store").rglob("*"):
        os.utime(path, (old, old))


def test_exit_right_after_each_step_leaves_old_or_new(folder, catalog_kind):
    head = 0
    for step in STEPS:
        proc = worker(folder, "once", {CRASH_ENV: step})
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 86, err
        now = check(folder)
        assert now == (head + 1 if step == "committed" else head), step
        head = now
    # the next commit sweeps what the killed ones left and lands normally
    if catalog_kind.pg:
        assert leftovers(folder)  # kept for an hour: on a shared path they might be another machine's
        age(folder)
    proc = worker(folder, "once")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert check(folder) == head + 1
    assert not leftovers(folder)
    catalog = [] if catalog_kind.pg else ["catalog.sqlite"]
    assert sorted(p.name for p in (folder / "store").iterdir()) == [".lock", *catalog, "data", "originals"]


class Lines:
    """A worker's stdout lines, read on a thread so that waiting for one cannot hang the test run."""

    def __init__(self, proc: subprocess.Popen):
        self._lines: queue.Queue = queue.Queue()
        self._stream = proc.stdout
        self._reader = threading.Thread(target=self._read, args=(proc.stdout,), daemon=True)
        self._reader.start()

    def _read(self, stream) -> None:
        for line in stream:
            self._lines.put(line.strip())
        self._lines.put(None)

    def next(self) -> str | None:
        try:
            return self._lines.get(timeout=HANG)
        except queue.Empty:
            pytest.fail(f"no output from the worker for {HANG} s")

    def close(self) -> None:
        """After the worker is gone: the reader has seen the end of its output."""
        self._reader.join(HANG)
        self._stream.close()


def test_sigkill_at_random_moments_leaves_a_readable_version(folder, catalog_kind):
    """Each run waits for 0–2 commits to land, then for a random part of one commit's duration (the median of
    those measured so far on this machine), and kills the worker: kills fall anywhere in a commit."""
    rng = random.Random(20240930)
    head = kills = moved = torn = 0
    left: set[str] = set()  # on a PostgreSQL catalog leftovers stay for SWEEP_AGE: count only new ones
    known: set[int] = set()
    commit_seconds: list[float] = []
    for _ in range(MAX_ATTEMPTS):
        if kills >= KILLS and moved:
            break
        proc = worker(folder, "loop")
        lines = Lines(proc)
        assert lines.next() == "ready"
        proc.stdin.write("go\n")
        proc.stdin.flush()
        last = time.monotonic()
        for _ in range(rng.randint(0, 2)):
            line = lines.next()
            assert line and line.startswith("committed "), (line, proc.stderr.read() if line is None else "")
            now = time.monotonic()
            commit_seconds.append(now - last)
            last = now
        time.sleep(rng.uniform(0.0, statistics.median(commit_seconds)) if commit_seconds else 0.0)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=HANG)
        lines.close()
        proc.stdin.close()
        proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL
        kills += 1
        now_head = check(folder, known)
        assert now_head >= head
        moved += now_head > head
        now_left = leftovers(folder)
        torn += bool(now_left - left)
        left = now_left
        head = now_head
    typical = statistics.median(commit_seconds) if commit_seconds else float("nan")
    print(f"{catalog_kind.kind}: {kills} kills, {moved} after a new version landed, {torn} in the middle of writing files "
          f"(a commit took {typical:.3f} s here)")
    assert kills >= KILLS
    assert moved  # kills landed after commits too, not only during start-up (mid-write kills: the step test)
