"""Read + check + preview of a 200,000-row UTF-8 village CSV (issue 17), side by side with an earlier commit and with
DuckDB's bare read_csv of the same file; optionally the same roster as a GB18030 CSV and a 20,000-row .xlsx.

    .venv/bin/python bench/ingest_speed.py [--baseline GIT_REF] [--rounds R] [--rows N] [--files utf8,gb18030,xlsx]
                                           [--xlsx-rows N]

The file is ingest_bench.csv_bytes(N): the demo city's 2024-09-30 village roster repeated with distinct village
names (the GB18030 file is the same text re-encoded; the .xlsx is ingest_bench.xlsx_bytes). Each measurement is a fresh process (python -c WORKER), so imports, caches and the peak memory (VmHWM, the
process's own) are one run's; rounds alternate which tree (and DuckDB) goes first. "check" is
pipeline.check_upload on a fresh copy of the demo data (what the 数据上传 page and `ingest --dry-run` do: decode,
header, normalisation, gazetteer names, audits, comparison with the stored rows, preview). Both trees must give the
same result (counts of rows, issues, notes and preview lines, and a digest of the stored rows); the script says so.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

WORKER = """
import hashlib, json, shutil, sys, tempfile, time
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
with tempfile.TemporaryDirectory() as tmp:
    folder = Path(tmp) / "data"
    shutil.copytree(data_dir, folder)
    store = open_store(folder)
    data = Path(csv_path).read_bytes()
    start, cpu = time.perf_counter(), time.process_time()
    checked = check_upload(Path(csv_path).name, data, plan, geo, store)
    summary, details = checked.summary(), checked.details()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    # the peak before the digest below turns the stored rows into Python objects
    hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    digest = hashlib.sha256(repr(checked.result.to_pylist()).encode()).hexdigest()[:16]
print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": len(checked.rows), "issues": len(checked.issues),
                  "notes": len(checked.notes), "changes": len(checked.changes), "details": len(details),
                  "digest": digest, "peak_mib": hwm / 1024}))
"""

DUCKDB = """
import json, sys, time
import duckdb
start, cpu = time.perf_counter(), time.process_time()
con = duckdb.connect()
# the path written into the statement: bound as a parameter (con.sql(..., params=[path])) DuckDB 1.5 reads the same
# file about 3x slower (2.0 s against 0.7 s here), which made this reference look slower than it is
path = sys.argv[1].replace("'", "''")
table = con.sql(f"SELECT * FROM read_csv('{path}', all_varchar = true, header = true)").to_arrow_table()
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": table.num_rows, "peak_mib": hwm / 1024}))
"""


def extract(ref: str, into: Path) -> Path:
    """The tree of a commit of this repository, written into a folder (git archive; the repository is untouched)."""
    raw = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        tar.extractall(into, filter="data")
    return into


def run(code: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True,
                          env=dict(os.environ))
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=None, help="also time this git commit (e.g. 892cd07)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--files", default="utf8", help="comma-separated: utf8, gb18030, xlsx")
    parser.add_argument("--xlsx-rows", type=int, default=20_000)
    args = parser.parse_args(argv)
    from ingest_bench import csv_bytes, xlsx_bytes  # noqa: E402

    from plan_monitor.paths import DEFAULT_DATA  # noqa: E402

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        trees = {"this tree": ROOT}
        if args.baseline:
            trees = {"baseline": extract(args.baseline, tmp / "baseline"), **trees}
        text = csv_bytes(args.rows)
        files = {"utf8": ("villages.csv", text, args.rows, f"{args.rows:,}-row UTF-8 village CSV"),
                 "gb18030": ("villages_gb.csv", text.decode("utf-8").encode("gb18030"), args.rows,
                             f"{args.rows:,}-row GB18030 village CSV"),
                 "xlsx": ("villages.xlsx", xlsx_bytes(args.xlsx_rows), args.xlsx_rows,
                          f"{args.xlsx_rows:,}-row village .xlsx")}
        print(f"rounds: {args.rounds}, fresh process per run, load average before: "
              + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        for kind in args.files.split(","):
            name, data, rows, label = files[kind]
            path = tmp / name
            path.write_bytes(data)
            bare = ["duckdb read_csv"] if kind == "utf8" else []
            runs: dict[str, list[dict]] = {n: [] for n in [*trees, *bare]}
            for tree in trees.values():  # untimed: byte-compiles each tree and warms the file cache
                run(WORKER, str(tree), str(path), str(DEFAULT_DATA))
            for i in range(args.rounds):
                order = list(runs) if i % 2 == 0 else list(runs)[::-1]
                for n in order:
                    if n == "duckdb read_csv":
                        runs[n].append(run(DUCKDB, str(path)))
                    else:
                        runs[n].append(run(WORKER, str(trees[n]), str(path), str(DEFAULT_DATA)))
            load = os.getloadavg()
            report(label, len(data) / 2**20, rows, runs, trees, load)
    return 0


def report(label: str, size: float, rows: int, runs: dict[str, list[dict]], trees: dict, load) -> None:
    print(f"\n{label} ({size:.1f} MB), load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    print("| run | median s | CPU s | rows/s | peak MiB | runs s |\n|---|---:|---:|---:|---:|---|")
    medians = {}
    for name, results in runs.items():
        seconds = statistics.median(r["seconds"] for r in results)
        medians[name] = seconds
        each = " / ".join(f"{r['seconds']:.2f}" for r in results)
        print(f"| {name} | {seconds:.2f} | {statistics.median(r['cpu'] for r in results):.2f} | "
              f"{rows / seconds:,.0f} | {max(r['peak_mib'] for r in results):.0f} | {each} |")
    this = medians["this tree"]
    for name, seconds in medians.items():
        if name != "this tree":
            print(f"\n{name} / this tree: {seconds / this:.2f}× (median time ratio)", end="")
    print()
    if "baseline" in runs:
        keys = ("rows", "issues", "notes", "changes", "details", "digest")
        same = all({tuple(r[k] for k in keys) for r in runs[n]} == {tuple(runs["baseline"][0][k] for k in keys)}
                   for n in trees)
        print(f"same result in both trees (rows, issues, notes, preview lines, stored rows digest): "
              f"{'yes' if same else 'NO'}")


if __name__ == "__main__":
    raise SystemExit(main())
