"""The store (issue 15): commit and read times for a 100,000-row upload, DuckLake (this checkout) against the
earlier file store (manifest.json + Parquet versions, from a git commit), measured side by side in one run.

Each measurement runs in a fresh interpreter (`--worker ROOT`), with ROOT's plan_monitor imported, against a
fresh copy of the demo data: check the file (not timed), commit it through the write service (timed), then, in
another fresh interpreter, open the store and read the villages table as the pages do (cold read, timed) and read
it again in that process (warm). Rounds alternate the engines, so a change in the machine's load hits both;
ratios are per round, then the median.

Run: .venv/bin/python bench/store_bench.py [--baseline COMMIT] [--rounds N] [--rows N] [--pg HOST:PORT]
     (--pg: a PostgreSQL server reachable as user postgres without a password; each DuckLake-on-PostgreSQL run
     gets a fresh database there, made with createdb, and a third column is measured)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "d8e0e30"  # main just before the DuckLake store replaced the file store


def worker(root: str, csv_path: str, folder: str, step: str) -> dict:
    sys.path.insert(0, root)
    from plan_monitor.paths import DEFAULT_TARGETS
    from plan_monitor.sources import open_store

    if step == "read":
        start = time.perf_counter()
        store = open_store(folder)
        cold = store.current("villages")
        first = time.perf_counter() - start
        start = time.perf_counter()
        warm = store.current("villages")
        second = time.perf_counter() - start
        assert len(cold) == len(warm)
        return {"read_cold": first, "read_warm": second, "rows": len(cold), "head": store.head()}

    from plan_monitor.ingest.pipeline import check_upload
    from plan_monitor.ingest.service import Actor, WriteService
    from plan_monitor.spec.geography import load_geography
    from plan_monitor.spec.plan import load_plan

    plan = load_plan(DEFAULT_TARGETS)
    store = open_store(folder)
    data = Path(csv_path).read_bytes()
    checked = check_upload("villages.csv", data, plan, load_geography(plan), store)
    assert checked.can_commit, checked.problems().head(5).to_string()
    start = time.perf_counter()
    WriteService(store).commit_upload(checked, Actor("bench"), confirm_warnings=True)
    return {"commit": time.perf_counter() - start, "committed": len(checked.rows)}


def run(root: Path, csv_path: Path, data: Path, env: dict | None = None) -> dict:
    env = {**os.environ, **(env or {})}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(data, folder)
        out = {}
        for step in ("commit", "read"):
            done = subprocess.run([sys.executable, __file__, "--worker", str(root), str(csv_path), str(folder), step],
                                  capture_output=True, text=True, cwd=root, env=env)
            if done.returncode:
                raise SystemExit(f"{root} {step} failed:\n{done.stderr[-2000:]}")
            out.update(json.loads(done.stdout.strip().splitlines()[-1]))
        size = sum(p.stat().st_size for p in (folder / "store").rglob("*") if p.is_file())
        out["store_mb"] = size / 2**20
        return out


def _pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if found is None:
        raise SystemExit(f"{name} not found (Debian: apt-get install postgresql)")
    return str(found)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", nargs=4)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pg", help="HOST:PORT of a PostgreSQL server (user postgres, trust authentication)")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from ingest_bench import csv_bytes

    tmp = Path(tempfile.mkdtemp(prefix="store-bench-"))
    try:
        old = tmp / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(old), args.baseline],
                       check=True)
        csv_path = tmp / "villages.csv"
        csv_path.write_bytes(csv_bytes(args.rows))
        runs: dict[str, list[dict]] = {"file store": [], "DuckLake": [], "pg": []}
        for number in range(args.rounds):
            runs["file store"].append(run(old, csv_path, ROOT / "data" / "demo"))
            runs["DuckLake"].append(run(ROOT, csv_path, ROOT / "data" / "demo", {"PLAN_MONITOR_CATALOG": ""}))
            if args.pg:
                host, port = args.pg.rsplit(":", 1)
                name = f"store_bench_{os.getpid()}_{number}"
                subprocess.run([_pg_bin("createdb"), "-h", host, "-p", port, "-U", "postgres", name], check=True)
                runs["pg"].append(run(ROOT, csv_path, ROOT / "data" / "demo",
                                      {"PLAN_MONITOR_CATALOG": f"postgresql://postgres@{host}:{port}/{name}"}))
        lake = "DuckLake, SQLite catalog"
        load = os.getloadavg()
        print(f"# store bench {time.strftime('%Y-%m-%d %H:%M')}, {args.rows:,}-row village CSV, {args.rounds} "
              f"rounds, baseline {args.baseline}, load {load[0]:.1f}")
        pg = bool(runs["pg"])
        print("| step | file store s | " + lake + " s | ratio |" + (" DuckLake, PostgreSQL catalog s | ratio |" if pg else ""))
        print("|---|---:|---:|---:|" + ("---:|---:|" if pg else ""))
        for key, label in [("commit", "commit (write service)"), ("read_cold", "read villages, fresh process"),
                           ("read_warm", "read villages again, same process")]:
            a = [r[key] for r in runs["file store"]]
            line = f"| {label} | {statistics.median(a):.2f} |"
            for engine in ("DuckLake", "pg") if pg else ("DuckLake",):
                b = [r[key] for r in runs[engine]]
                ratio = statistics.median(y / x for x, y in zip(a, b))  # per round, then the median
                line += f" {statistics.median(b):.2f} | {ratio:.2f}× |"
            print(line)
        print(f"| store folder after the commit, MB | {runs['file store'][0]['store_mb']:.1f} | "
              f"{runs['DuckLake'][0]['store_mb']:.1f} | |" + (f" {runs['pg'][0]['store_mb']:.1f} | |" if pg else ""))
        print(f"rows committed {runs['DuckLake'][0]['committed']:,}; villages read after it "
              f"{runs['DuckLake'][0]['rows']:,} (DuckLake) / {runs['file store'][0]['rows']:,} (file store)")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tmp / "baseline")],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
