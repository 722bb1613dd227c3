"""Scorecard benchmark: demo data at several scales, timed side by side in one run.

    .venv/bin/python bench/scorecard_bench.py [--scales municipal,provincial] [--national] [--repeats N]
                                              [--breakdown] [--keep DIR] [--baseline GIT_REF [--rounds R]]

For each scale it writes the deterministic demo data (plan_monitor.demo.generate) into a temporary folder, then
times load_rosters and compute_scorecard: one warm-up call each, then the median of N timed calls. The table
shows input rows, scorecard rows, seconds and ratios relative to the municipal scale (or the first scale run).
--breakdown times the steps inside compute_scorecard (same calls, in the same order) to show which dominates.
The national scale (~600k villages × 5 reports) only runs with --national. With --keep DIR, data already
generated under DIR/<scale> is reused (the national set takes ~10 minutes to generate).

--baseline GIT_REF also times the code at that commit (extracted with `git archive` into a temporary folder) on the
same data, side by side: R rounds (default 3), alternating which tree goes first, each round a fresh process per
tree timing load_rosters and compute_scorecard (warm-up, then the median of N calls) and a cold CLI `scorecard`
(CSV to a file, wall time of the whole process). Ratios baseline / this tree are paired round by round (median of
the rounds); the CLI outputs of both trees are compared byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plan_monitor.engine import Engine  # noqa: E402
from plan_monitor.metrics.card_rows import card_rows  # noqa: E402
from plan_monitor.metrics.scorecard import _classify, _classify_tables, _plan_tables, compute_scorecard, measure_rows  # noqa: E402
from plan_monitor.metrics.split import split_quotas  # noqa: E402
from plan_monitor.sources import load_rosters  # noqa: E402
from plan_monitor.sources.demo import SCALES, generate  # noqa: E402
from plan_monitor.spec.geography import load_geography  # noqa: E402
from plan_monitor.spec.plan import load_plan  # noqa: E402


def timed(fn, repeats: int):
    """One warm-up call, then `repeats` timed calls; returns (median seconds, all timings, last result)."""
    result = fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, result


def breakdown(plan, rosters, repeats: int) -> dict[str, float]:
    """Median seconds of each step of compute_scorecard, mirroring plan_monitor.scorecard.compute_scorecard."""
    steps: dict[str, list[float]] = {}

    def step(name, fn):
        start = time.perf_counter()
        out = fn()
        steps.setdefault(name, []).append(time.perf_counter() - start)
        return out

    for i in range(repeats + 1):  # the first pass is the warm-up
        geo = step("load_geography", lambda: load_geography(plan))
        engine = step("Engine.over_rosters(rosters.tables): register + views", lambda: Engine.over_rosters(rosters.tables))
        rows = step(f"measure_rows ({len(plan.indicators)} queries, latest report wins once per view)",
                    lambda: measure_rows(engine, plan))
        engine.register("measure_rows", rows)
        rolled = step("rollup.sql", lambda: engine.run("engine/rollup"))
        tables = step("plan tables and split", lambda: _plan_tables(plan, geo, split_quotas(plan, geo, engine)))
        engine.close()
        tables = {**tables, **_classify_tables(plan, {})}
        table, place = step("card_rows (figures, rounds, notes, order)",
                            lambda: card_rows(tables, rolled, rows, {}, plan.plan.baseline_year, plan.years[0]))
        step("_classify (trajectory, status, pace → pandas)", lambda: _classify(plan, table, tables, place))
        if i == 0:
            steps = {}
    return {name: statistics.median(ts) for name, ts in steps.items()}


def per_query(plan, rosters, repeats: int) -> list[tuple[str, float]]:
    """Median seconds of each indicator's measure query."""
    engine = Engine.over_rosters(rosters.tables)
    common = {"plan_start": plan.years[0], "baseline_year": plan.plan.baseline_year}
    out = []
    for ind in plan.indicators:
        med, _, _ = timed(lambda: engine.run(f"measures/{ind.query}", {**common, **ind.params}), repeats)
        out.append((f"{ind.id} ({ind.query})", med))
    return out


# Run in a fresh process per tree (python -c WORKER TREE DATA TARGETS REPEATS): that tree's code on the data.
WORKER = """
import json, statistics, sys, time
tree, data, targets, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sys.path.insert(0, tree)
from plan_monitor.metrics.scorecard import compute_scorecard
from plan_monitor.sources import load_rosters
from plan_monitor.spec.plan import load_plan
plan = load_plan(targets)
def timed(fn):
    out = fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out
load, rosters = timed(lambda: load_rosters(data))
card, result = timed(lambda: compute_scorecard(plan, rosters))
# VmHWM: this process's own peak (getrusage's maxrss would carry the forking parent's peak across exec)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"load": load, "card": card, "card_rows": len(result.rows), "peak_mib": hwm / 1024}))
"""


def extract(ref: str, into: Path) -> Path:
    """The tree of a commit of this repository, written into a folder (git archive; the repository is untouched)."""
    raw = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        tar.extractall(into, filter="data")
    return into


def side_by_side(trees: dict[str, Path], data: Path, targets: str, repeats: int, rounds: int, out: Path) -> dict:
    """Each tree's timings on the data, `rounds` times, alternating which tree runs first."""
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    digests: dict[str, set[str]] = {name: set() for name in trees}
    env = dict(os.environ)

    def cli(tree: Path, csv: Path) -> float:
        start = time.perf_counter()
        with csv.open("wb") as fh:
            subprocess.run([sys.executable, "-m", "plan_monitor", "scorecard", "--data", str(data), "--targets",
                            targets], cwd=tree, check=True, stdout=fh, env=env)
        return time.perf_counter() - start

    for name, tree in trees.items():  # untimed: byte-compiles each tree and warms the file cache
        cli(tree, out / "cli-warmup.csv")
    for i in range(rounds):
        order = list(trees) if i % 2 == 0 else list(trees)[::-1]
        for name in order:
            tree = trees[name]
            done = subprocess.run([sys.executable, "-c", WORKER, str(tree), str(data), targets, str(repeats)],
                                  check=True, capture_output=True, text=True, env=env)
            run = json.loads(done.stdout.strip().splitlines()[-1])
            csv = out / f"cli-{name.replace(' ', '_')}.csv"
            run["cli"] = cli(tree, csv)
            digests[name].add(hashlib.sha256(csv.read_bytes()).hexdigest())
            runs[name].append(run)
    return {"runs": runs, "identical": len(set().union(*digests.values())) == 1}


def print_side_by_side(scale: str, ref: str, result: dict) -> None:
    base, this = result["runs"]["baseline"], result["runs"]["this tree"]
    print(f"\n{scale}: baseline {ref} vs this tree, {len(base)} rounds (median; ratio = baseline / this tree, "
          f"paired by round); CLI output identical: {'yes' if result['identical'] else 'NO'}\n")
    print("| measure | baseline s | this tree s | ratio |\n|---|---:|---:|---:|")
    for key, label in (("load", "load_rosters"), ("card", "compute_scorecard (warm)"), ("cli", "CLI scorecard, cold process")):
        ratios = [b[key] / t[key] for b, t in zip(base, this)]
        print(f"| {label} | {statistics.median(r[key] for r in base):.3f} | "
              f"{statistics.median(r[key] for r in this):.3f} | {statistics.median(ratios):.2f}× |")
    print(f"| peak memory of the timing process, MiB | {max(r['peak_mib'] for r in base):.0f} | "
          f"{max(r['peak_mib'] for r in this):.0f} | |")
    print(f"| scorecard rows | {base[0]['card_rows']:,} | {this[0]['card_rows']:,} | |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="municipal,provincial",
                        help="comma-separated: municipal, provincial, national (default municipal,provincial)")
    parser.add_argument("--national", action="store_true", help="also run the national scale (large: minutes, GBs)")
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per measurement after a warm-up (default 5)")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--targets", default=str(ROOT / "targets.yaml"))
    parser.add_argument("--breakdown", action="store_true", help="time the steps inside compute_scorecard")
    parser.add_argument("--keep", default=None, help="write the demo data under this folder instead of a temp dir "
                        "(data already there is reused)")
    parser.add_argument("--baseline", default=None, help="also time this git commit side by side (e.g. main)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per tree with --baseline (default 3)")
    args = parser.parse_args(argv)

    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    if args.national and "national" not in scales:
        scales.append("national")
    unknown = [s for s in scales if s not in SCALES]
    if unknown:
        parser.error(f"unknown scale(s) {unknown}; choose from {list(SCALES)}")
    if "national" in scales and not args.national:
        parser.error("the national scale is large (~600k villages × 5 reports); pass --national to run it")

    plan = load_plan(args.targets)
    print(f"# scorecard bench {datetime.now():%Y-%m-%d %H:%M}  python {platform.python_version()}  "
          f"{platform.machine()}  repeats={args.repeats} (median, after one warm-up)")
    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="plan-monitor-bench-")
    base = Path(args.keep or tmp.name)
    results = []
    try:
        for scale in scales:
            out = base / scale
            start = time.perf_counter()
            reused = args.keep and out.is_dir() and any(out.glob("village_*"))
            counts = "reused" if reused else generate(plan, out, scale, args.seed)
            gen_s = time.perf_counter() - start
            load_s, _, rosters = timed(lambda: load_rosters(out), args.repeats)
            card_s, card_times, card = timed(lambda: compute_scorecard(plan, rosters), args.repeats)
            input_rows = sum(t.num_rows for t in rosters.tables.values())
            villages = rosters.tables["villages"].num_rows
            results.append({"scale": scale, "input_rows": input_rows, "village_rows": villages,
                            "card_rows": len(card.rows), "gen": gen_s, "load": load_s, "card": card_s,
                            "card_range": (min(card_times), max(card_times)), "rosters": rosters})
            print(f"  {scale}: generated {counts} in {gen_s:.1f} s", flush=True)

        if args.baseline:
            print(f"\nload average before the side-by-side runs: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            trees = {"baseline": extract(args.baseline, base / "baseline-tree"), "this tree": ROOT}
            for r in results:
                side = side_by_side(trees, base / r["scale"], args.targets, args.repeats, args.rounds, base)
                print_side_by_side(r["scale"], args.baseline, side)
            print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

        ref = next((r for r in results if r["scale"] == "municipal"), results[0])
        print(f"\nratios (×) relative to {ref['scale']}\n")
        head = ("scale", "input rows", "village rows", "scorecard rows", "load_rosters s", "compute_scorecard s",
                "scorecard min–max s", "× rows", "× load", "× scorecard", "generate s")
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---:" if i else "---" for i in range(len(head))) + "|")
        for r in results:
            cells = (r["scale"], f"{r['input_rows']:,}", f"{r['village_rows']:,}", f"{r['card_rows']:,}",
                     f"{r['load']:.3f}", f"{r['card']:.3f}", f"{r['card_range'][0]:.3f}–{r['card_range'][1]:.3f}",
                     f"{r['input_rows'] / ref['input_rows']:.1f}", f"{r['load'] / ref['load']:.1f}",
                     f"{r['card'] / ref['card']:.1f}", f"{r['gen']:.1f}")
            print("| " + " | ".join(cells) + " |")

        if args.breakdown:
            for r in results:
                steps = breakdown(plan, r["rosters"], args.repeats)
                total = sum(steps.values())
                print(f"\ncompute_scorecard steps, {r['scale']} (median s; sum {total:.3f})\n")
                print("| step | seconds | share |\n|---|---:|---:|")
                for name, sec in steps.items():
                    print(f"| {name} | {sec:.3f} | {sec / total:.0%} |")
                queries = per_query(plan, r["rosters"], args.repeats)
                print(f"\nmeasure queries, {r['scale']} (median s each)\n")
                print("| indicator (query) | seconds |\n|---|---:|")
                for name, sec in queries:
                    print(f"| {name} | {sec:.3f} |")
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
