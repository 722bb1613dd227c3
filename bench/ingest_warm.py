"""Read + check + preview of the 200,000-row UTF-8 village CSV warm, in one process (issue 17): each process runs
the check four times (the first call, then three warm ones) and reports wall and CPU seconds (user + sys,
getrusage) of each; rounds alternate between an earlier commit and this tree, and paired ratios are printed.

    .venv/bin/python bench/ingest_warm.py --baseline GIT_REF [--rounds R] [--rows N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

WORKER = """
import json, resource, shutil, sys, tempfile, time
tree, csv_path, data_dir = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, tree)
from pathlib import Path
from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.paths import DEFAULT_TARGETS
from plan_monitor.sources import open_store
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.plan import load_plan
plan = load_plan(DEFAULT_TARGETS)
geo = load_geography(plan)
data = Path(csv_path).read_bytes()
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
with tempfile.TemporaryDirectory() as tmp:
    folder = Path(tmp) / "data"
    shutil.copytree(data_dir, folder)
    store = open_store(folder)
    runs = []
    for _ in range(4):
        start, used = time.perf_counter(), cpu()
        checked = check_upload(Path(csv_path).name, data, plan, geo, store)
        checked.summary(), checked.details()
        runs.append((time.perf_counter() - start, cpu() - used))
print(json.dumps({"first": runs[0], "warm": runs[1:]}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the git commit to compare with (e.g. main)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args(argv)
    from ingest_bench import csv_bytes
    from ingest_speed import extract

    from plan_monitor.paths import DEFAULT_DATA

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        trees = {"baseline": extract(args.baseline, tmp / "baseline"), "this tree": ROOT}
        path = tmp / "villages.csv"
        path.write_bytes(csv_bytes(args.rows))
        print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        runs: dict[str, list[dict]] = {n: [] for n in trees}
        for i in range(args.rounds):
            for name in (list(trees) if i % 2 == 0 else list(trees)[::-1]):
                done = subprocess.run([sys.executable, "-c", WORKER, str(trees[name]), str(path), str(DEFAULT_DATA)],
                                      check=True, capture_output=True, text=True)
                runs[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
        print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print("\n| run | warm median s | warm CPU s | best CPU s | rows/s (warm median) | first call s / CPU s |")
    print("|---|---:|---:|---:|---:|---|")
    for name, results in runs.items():
        warm = [w for r in results for w in r["warm"]]
        wall, used = statistics.median(w for w, _ in warm), statistics.median(c for _, c in warm)
        first = statistics.median(r["first"][0] for r in results), statistics.median(r["first"][1] for r in results)
        print(f"| {name} | {wall:.2f} | {used:.2f} | {min(c for _, c in warm):.2f} | {args.rows / wall:,.0f} | "
              f"{first[0]:.2f} / {first[1]:.2f} |")
    ratios = [(statistics.median(w for w, _ in b["warm"]) / statistics.median(w for w, _ in t["warm"]),
               statistics.median(c for _, c in b["warm"]) / statistics.median(c for _, c in t["warm"]))
              for b, t in zip(runs["baseline"], runs["this tree"])]
    print("\npaired ratios baseline / this tree per round (warm medians), wall: "
          + " ".join(f"{w:.2f}" for w, _ in ratios) + "; CPU: " + " ".join(f"{c:.2f}" for _, c in ratios))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
