"""Scale benchmark: the app's scorecard against a pandas baseline and a bare-DuckDB plan, at every demo scale.

    .venv/bin/python bench/scale_bench.py [--data DIR] [--scales municipal,provincial,national] [--rounds R]
                                          [--repeats N]

DIR/<scale> holds the demo data of each scale (`python -m plan_monitor demo-data --scale S --out DIR/S`; missing
ones are generated there, national takes ~11 minutes). The data is only read: each scale runs in a temporary folder
of symbolic links to its files, so the persisted cards the CLI writes (store/cache) go there.

Per scale, one untimed CLI `scorecard` (byte-compiles, persists the card), then R rounds (default 3), each a fresh
process per measure, the order rotated every round:

  app        load_rosters, then compute_scorecard: the first call (a fresh process computing a new version's figures)
             and the median of N more calls (warm; default 2);
  pandas     the same rows, then bench/baselines.pandas_actuals: to pandas, latest report wins per unit, a groupby to
             the 13 indicators' actual values at city, county and town level;
  duckdb     the same rows, then bench/baselines.duckdb_actuals: one connection, latest report wins once per roster
             (a table each), then the 13 aggregations over grouping sets;
  cli        `scorecard --recompute` (loads, computes, persists; CSV to a file) and `scorecard` (the persisted card
             read back), wall time of the whole process.

In the first round the three computations' actual values are compared (every place a baseline gives: the app's
actual, exactly; the app's other rows without one) and the two CLI CSVs byte for byte. Peak memory is each process's
own VmHWM (the CLI runs under a two-line wrapper that reads it at exit). Times are medians over the rounds, ratios
are paired by round (median of the per-round ratios); the load average is printed before and after every round.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ROOT / "targets.yaml"
KINDS = ("app", "pandas", "duckdb", "cli_recompute", "cli_persisted")
KEYS = ["indicator_id", "level", "year", "county", "town"]
GOALS = {"app_vs_duckdb": 1.5, "pandas_vs_app": 5.0, "cli_persisted_s": 2.0}

# The CLI under a wrapper that writes the process's VmHWM (KiB) and CPU seconds (user + system) to a file at exit
# (argv: that file, then the CLI's argv).
CLI = """
import resource, runpy, sys
hwm_file = sys.argv.pop(1)
sys.argv[0] = "plan_monitor"
try:
    runpy.run_module("plan_monitor", run_name="__main__", alter_sys=True)
finally:
    hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    use = resource.getrusage(resource.RUSAGE_SELF)
    open(hwm_file, "w").write(f"{hwm} {use.ru_utime + use.ru_stime}")
"""


def hwm_mib() -> float:
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024


def loadavg() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


# ------------------------------------------------------------------------------------------- worker (child process)


def worker(kind: str, data: str, repeats: int, out: str | None) -> None:
    """One fresh process: load the rows, compute once (timed: the fresh figure), then `repeats` more (warm)."""
    sys.path.insert(0, str(ROOT))
    start = time.perf_counter()
    from plan_monitor.sources import load_rosters
    from plan_monitor.spec.plan import load_plan

    plan = load_plan(TARGETS)
    imports = time.perf_counter() - start
    start = time.perf_counter()
    rosters = load_rosters(data)
    load = time.perf_counter() - start
    if kind == "app":
        from plan_monitor.metrics.scorecard import compute_scorecard

        def compute():
            return compute_scorecard(plan, rosters).rows[KEYS + ["actual"]]
    else:
        from bench import baselines

        fn = baselines.pandas_actuals if kind == "pandas" else baselines.duckdb_actuals

        def compute():
            return fn(plan, rosters.tables)
    start, cpu = time.perf_counter(), time.process_time()
    result = compute()
    first, first_cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_first = hwm_mib()
    if out:
        result.to_parquet(out)
    del result
    warm, warm_cpu = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        compute()
        warm.append(time.perf_counter() - start)
        warm_cpu.append(time.process_time() - cpu)
    print(json.dumps({"imports": imports, "load": load, "first": first, "first_cpu": first_cpu,
                      "warm": statistics.median(warm) if warm else None,
                      "warm_cpu": statistics.median(warm_cpu) if warm_cpu else None,
                      "peak_first": peak_first, "peak": hwm_mib(),
                      "rows": sum(t.num_rows for t in rosters.tables.values()),
                      "village_rows": rosters.tables["villages"].num_rows}))


def compare(app: str, other: str) -> str:
    """'' when the baseline's actual values are the app's, else what differs (run in a child process)."""
    import pandas as pd

    card, base = pd.read_parquet(app), pd.read_parquet(other)
    merged = card.merge(base, on=KEYS, how="outer", suffixes=("_app", "_base"), indicator=True)
    problems = []
    if (merged["_merge"] == "right_only").any():
        problems.append(f"{(merged['_merge'] == 'right_only').sum()} places not in the scorecard")
    if merged.loc[merged["_merge"] == "left_only", "actual_app"].notna().any():
        problems.append("scorecard actuals the baseline does not give")
    both = merged[merged["_merge"] == "both"]
    a, b = both["actual_app"].astype(float), both["actual_base"].astype(float)
    differ = ~((a == b) | (a.isna() & b.isna()))
    if differ.any():
        problems.append(f"{differ.sum()} of {len(both)} actual values differ")
    return "; ".join(problems) or f"equal ({len(both):,} values)"


# ------------------------------------------------------------------------------------------ orchestrator (light)


def run(argv: list[str], stdout_file: Path | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    with open(stdout_file, "wb") if stdout_file else open(os.devnull, "wb") as sink:
        done = subprocess.run(argv, cwd=ROOT, stdout=sink if stdout_file else subprocess.PIPE,
                              stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr.decode()[-3000:]}")
    return wall, (done.stdout or b"").decode()


def linked(source: Path, into: Path) -> Path:
    """A folder of symbolic links to the data's files (not its store/): the data stays untouched."""
    into.mkdir(parents=True)
    for entry in source.iterdir():
        if entry.name != "store":
            (into / entry.name).symlink_to(entry.resolve())
    return into


def bench_scale(scale: str, data: Path, rounds: int, repeats: int, tmp: Path) -> dict:
    folder = linked(data, tmp / scale)
    py = sys.executable
    hwm_file = tmp / "hwm"
    cli = [py, "-c", CLI, str(hwm_file), "scorecard", "--targets", str(TARGETS), "--data", str(folder)]
    run(cli, tmp / f"{scale}-warmup.csv")  # byte-compiles, persists the card
    results: dict[str, list[dict]] = {k: [] for k in KINDS}
    for r in range(rounds):
        order = list(KINDS[r % len(KINDS):] + KINDS[:r % len(KINDS)])
        if r % 2:
            order.reverse()
        print(f"  {scale} round {r + 1}/{rounds}: load average {loadavg()}, order {', '.join(order)}", flush=True)
        for kind in order:
            if kind.startswith("cli"):
                argv = cli + (["--recompute"] if kind == "cli_recompute" else [])
                wall, _ = run(argv, tmp / f"{scale}-{kind}.csv")
                hwm, cpu = hwm_file.read_text().split()
                results[kind].append({"wall": wall, "peak": int(hwm) / 1024, "cpu": float(cpu)})
            else:
                out = str(tmp / f"{scale}-{kind}.parquet") if r == 0 else "-"
                wall, stdout = run([py, __file__, "--worker", kind, str(folder), str(repeats), out])
                results[kind].append({**json.loads(stdout.strip().splitlines()[-1]), "wall": wall})
        if r == 0:
            checks = {}
            for kind in ("pandas", "duckdb"):
                _, said = run([py, __file__, "--compare", str(tmp / f"{scale}-app.parquet"),
                               str(tmp / f"{scale}-{kind}.parquet")])
                checks[kind] = said.strip().splitlines()[-1]
            print(f"  {scale}: actual values, pandas: {checks['pandas']}; duckdb: {checks['duckdb']}", flush=True)
        same = filecmp.cmp(tmp / f"{scale}-cli_recompute.csv", tmp / f"{scale}-cli_persisted.csv", shallow=False)
        if not same:
            raise SystemExit(f"{scale}: the CSV read back differs from the one computed")
    print(f"  {scale}: done, load average {loadavg()}", flush=True)
    return {"scale": scale, "runs": results, "checks": checks}


def med(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def paired(a: list[dict], ka: str, b: list[dict], kb: str) -> float:
    """Median over rounds of a[ka] / b[kb]."""
    return statistics.median(x[ka] / y[kb] for x, y in zip(a, b))


def report(results: list[dict], rounds: int, repeats: int) -> None:
    print(f"\nmedians of {rounds} rounds, fresh processes; fresh = first computation in a process (rows loaded), "
          f"warm = median of {repeats} more; peak = VmHWM of the process\n")
    print("| scale | input rows | load_rosters s | app fresh s | app warm s | DuckDB fresh s | DuckDB warm s | "
          "pandas fresh s | pandas warm s | CLI --recompute s | CLI persisted s | peak MiB app / DuckDB / pandas / "
          "CLI recompute / CLI persisted |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for res in results:
        r = res["runs"]
        peaks = " / ".join(f"{med(r[k], 'peak'):,.0f}"
                           for k in ("app", "duckdb", "pandas", "cli_recompute", "cli_persisted"))
        print(f"| {res['scale']} | {r['app'][0]['rows']:,} | {med(r['app'], 'load'):.2f} | "
              f"{med(r['app'], 'first'):.3f} | {med(r['app'], 'warm'):.3f} | {med(r['duckdb'], 'first'):.3f} | "
              f"{med(r['duckdb'], 'warm'):.3f} | {med(r['pandas'], 'first'):.3f} | {med(r['pandas'], 'warm'):.3f} | "
              f"{med(r['cli_recompute'], 'wall'):.2f} | {med(r['cli_persisted'], 'wall'):.2f} | {peaks} |")
    print("\nCPU seconds (user + system of the process while computing; DuckDB's threads add up, pandas has one; "
          "the CLI's whole process, imports included)\n")
    print("| scale | app fresh | app warm | DuckDB fresh | DuckDB warm | pandas fresh | pandas warm | "
          "CLI --recompute | CLI persisted | app / DuckDB fresh | pandas / app fresh |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for res in results:
        r = res["runs"]
        cells = [med(r[k], key) for k, key in (("app", "first_cpu"), ("app", "warm_cpu"), ("duckdb", "first_cpu"),
                                               ("duckdb", "warm_cpu"), ("pandas", "first_cpu"),
                                               ("pandas", "warm_cpu"), ("cli_recompute", "cpu"),
                                               ("cli_persisted", "cpu"))]
        print(f"| {res['scale']} | " + " | ".join(f"{c:.2f}" for c in cells) +
              f" | {paired(r['app'], 'first_cpu', r['duckdb'], 'first_cpu'):.2f}× | "
              f"{paired(r['pandas'], 'first_cpu', r['app'], 'first_cpu'):.2f}× |")
    print("\nratios of wall times, paired by round (goals: app / DuckDB ≤ 1.5×, pandas / app ≥ 5×, persisted CLI "
          "< 2 s; judged at national)\n")
    print("| scale | app / DuckDB fresh | app / DuckDB warm | pandas / app fresh | pandas / app warm | "
          "CLI recompute / persisted | actual values: pandas; DuckDB |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for res in results:
        r = res["runs"]
        print(f"| {res['scale']} | {paired(r['app'], 'first', r['duckdb'], 'first'):.2f}× | "
              f"{paired(r['app'], 'warm', r['duckdb'], 'warm'):.2f}× | "
              f"{paired(r['pandas'], 'first', r['app'], 'first'):.2f}× | "
              f"{paired(r['pandas'], 'warm', r['app'], 'warm'):.2f}× | "
              f"{paired(r['cli_recompute'], 'wall', r['cli_persisted'], 'wall'):.2f}× | "
              f"{res['checks']['pandas']}; {res['checks']['duckdb']} |")
    if len(results) > 1:
        ref = results[0]
        print(f"\ngrowth relative to {ref['scale']} (× of the medians)\n")
        print("| scale | × input rows | × app fresh | × DuckDB fresh | × pandas fresh | × CLI recompute | "
              "× CLI persisted |\n|---|---:|---:|---:|---:|---:|---:|")
        for res in results:
            r, b = res["runs"], ref["runs"]
            cells = [r["app"][0]["rows"] / b["app"][0]["rows"]] + [
                med(r[k], key) / med(b[k], key) for k, key in (("app", "first"), ("duckdb", "first"),
                                                             ("pandas", "first"), ("cli_recompute", "wall"),
                                                             ("cli_persisted", "wall"))]
            print(f"| {res['scale']} | " + " | ".join(f"{c:.1f}" for c in cells) + " |")
    last = next((res for res in results if res["scale"] == "national"), None)
    if last:
        r = last["runs"]
        verdict = lambda ok: "met" if ok else "NOT met"  # noqa: E731
        app_duck = paired(r["app"], "first", r["duckdb"], "first")
        pandas_app = paired(r["pandas"], "first", r["app"], "first")
        cli = med(r["cli_persisted"], "wall")
        print(f"\ngoals at national (wall, fresh process): app / DuckDB {app_duck:.2f}× "
              f"(≤ 1.5×: {verdict(app_duck <= 1.5)}); "
              f"pandas / app {pandas_app:.2f}× (≥ 5×: {verdict(pandas_app >= 5)}); "
              f"persisted CLI {cli:.2f} s (< 2 s: {verdict(cli < 2)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="/tmp/persist/bench-data",
                        help="folder with the demo data under <scale>/ (generated there when missing)")
    parser.add_argument("--scales", default="municipal,provincial,national")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2, help="warm computations per process after the first")
    parser.add_argument("--pages", action="store_true",
                        help="then bench/page_bench.py on the same data and scales: a fresh server's first 总览 and a "
                             "rerun in Chromium, the server's peak memory")
    args = parser.parse_args()
    scales = [s for s in args.scales.split(",") if s]
    print(f"# scale bench {datetime.now().isoformat(timespec='seconds')}  {platform.machine()}, {os.cpu_count()} CPU, "
          f"Python {platform.python_version()}; load average {loadavg()}", flush=True)
    print(f"# {' '.join([Path(sys.executable).name, 'bench/scale_bench.py'] + sys.argv[1:])}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as name:
        tmp = Path(name)
        for scale in scales:
            data = Path(args.data) / scale
            if not data.is_dir():
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "plan_monitor", "demo-data", "--scale", scale,
                                "--out", str(data)], cwd=ROOT, check=True)
                print(f"  {scale}: demo data generated in {time.perf_counter() - start:.0f} s", flush=True)
            results.append(bench_scale(scale, data, args.rounds, args.repeats, tmp))
    report(results, args.rounds, args.repeats)
    print(f"\nload average at the end {loadavg()}", flush=True)
    if args.pages:  # the same data and scales, served: one command for every figure of the goals
        print("\n# pages", flush=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "page_bench.py"), "--data", args.data, "--scales",
                        ",".join(scales), "--rounds", str(args.rounds)], cwd=ROOT, check=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, data, repeats, out = sys.argv[2:6]
        worker(kind, data, int(repeats), None if out == "-" else out)
    elif len(sys.argv) > 1 and sys.argv[1] == "--compare":
        sys.path.insert(0, str(ROOT))
        print(compare(sys.argv[2], sys.argv[3]))
    else:
        main()
