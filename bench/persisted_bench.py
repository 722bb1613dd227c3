"""Persisted scorecard benchmark: a cold CLI `scorecard` that computes the card beside one that reads it back.

    .venv/bin/python bench/persisted_bench.py [--scales municipal,provincial] [--national] [--rounds R] [--keep DIR]

For each scale it writes the deterministic demo data (plan_monitor.demo.generate) into a temporary folder (with
--keep DIR, data already under DIR/<scale> is reused; the national set takes ~11 minutes), runs one untimed CLI
`scorecard` (byte-compiles, persists the card), then R rounds (default 5), alternating which goes first, each a fresh
process:

  computed   `scorecard --recompute`: loads the rows, computes the card and persists it again (what the first run
             after a commit costs);
  persisted  `scorecard`: the store's stamp, the key, the card read back; no rows loaded.

Both write the CSV to a file; the two files are compared byte for byte. Then, the same way, a fresh process timing
`Monitor.build` alone (imports excluded) with the card read back or computed (`reuse=False`): what a fresh server's
first page saves. Wall time is the median of the rounds, ratios computed / persisted are paired by round; peak memory
is each child's own maximum resident set (os.wait4), the median of the rounds.
"""

from __future__ import annotations

import argparse
import filecmp
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
sys.path.insert(0, str(ROOT))

TARGETS = ROOT / "targets.yaml"
BUILD = """
import sys, time
from plan_monitor.metrics.monitor import Monitor
start = time.perf_counter()
m = Monitor.build(sys.argv[1], sys.argv[2], reuse=sys.argv[3] == "reuse")
print(time.perf_counter() - start, len(m.card.rows))
"""


def run(argv: list[str], out: Path | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (MiB) and stdout of one fresh process."""
    start = time.perf_counter()
    with open(out, "wb") if out else open(os.devnull, "wb") as sink:
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE if out is None else sink,
                                stderr=subprocess.PIPE)
        stdout = proc.stdout.read().decode() if out is None else ""
        stderr = proc.stderr.read().decode()
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{stderr}")
    return wall, usage.ru_maxrss // 1024, stdout


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def bench_scale(scale: str, folder: Path, rounds: int, tmp: Path) -> dict:
    cli = [sys.executable, "-m", "plan_monitor", "scorecard", "--targets", str(TARGETS), "--data", str(folder)]
    build = [sys.executable, "-c", BUILD, str(TARGETS), str(folder)]
    run(cli, tmp / f"{scale}-warm.csv")  # byte-compiles, persists the card
    kinds = {"computed": (cli + ["--recompute"], build + ["fresh"]), "persisted": (cli, build + ["reuse"])}
    cli_s = {k: [] for k in kinds}
    cli_mem = {k: [] for k in kinds}
    build_s = {k: [] for k in kinds}
    build_mem = {k: [] for k in kinds}
    rows = 0
    for r in range(rounds):
        order = list(kinds) if r % 2 == 0 else list(kinds)[::-1]
        for kind in order:
            wall, mem, _ = run(kinds[kind][0], tmp / f"{scale}-{kind}.csv")
            cli_s[kind].append(wall)
            cli_mem[kind].append(mem)
        if not filecmp.cmp(tmp / f"{scale}-computed.csv", tmp / f"{scale}-persisted.csv", shallow=False):
            raise SystemExit(f"{scale}: the CSV read back differs from the one computed")
        for kind in order:
            _, mem, out = run(kinds[kind][1])
            seconds, n = out.splitlines()[-1].split()  # DuckDB may draw a progress bar first
            build_s[kind].append(float(seconds))
            build_mem[kind].append(mem)
            rows = int(n)
    cache = sorted((folder / "store" / "cache").glob("scorecard-*"), key=lambda p: p.stat().st_mtime)
    return {"scale": scale, "rows": rows, "card_bytes": cache[-1].stat().st_size if cache else 0,
            "cli": cli_s, "cli_mem": cli_mem, "build": build_s, "build_mem": build_mem}


def paired(times: dict[str, list[float]]) -> float:
    return statistics.median(c / p for c, p in zip(times["computed"], times["persisted"]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="municipal,provincial")
    parser.add_argument("--national", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", default=None, help="reuse (or write) the demo data under DIR/<scale>")
    args = parser.parse_args()
    scales = [s for s in args.scales.split(",") if s]
    if args.national and "national" not in scales:
        scales.append("national")
    print(f"{datetime.now().isoformat(timespec='seconds')}  {platform.machine()}, {os.cpu_count()} CPU, "
          f"Python {platform.python_version()}; load average {load()}")
    results = []
    with tempfile.TemporaryDirectory(prefix="persisted-bench-") as tmp_name:
        tmp = Path(tmp_name)
        for scale in scales:
            folder = (Path(args.keep) if args.keep else tmp) / scale
            if not folder.exists():
                from plan_monitor.sources.demo import generate
                from plan_monitor.spec.plan import load_plan

                start = time.perf_counter()
                generate(load_plan(TARGETS), folder, scale, 2022)
                print(f"{scale}: demo data generated in {time.perf_counter() - start:.1f} s")
            results.append(bench_scale(scale, folder, args.rounds, tmp))
            print(f"{scale}: done, load average {load()}")
    med = statistics.median
    print("\n| scale | measure | computed s | persisted s | computed / persisted | peak MiB computed | "
          "peak MiB persisted |\n|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        label = f"{r['scale']} ({r['rows']:,} rows, card {r['card_bytes'] / 1024:,.0f} KiB)"
        print(f"| {label} | CLI `scorecard`, cold process | {med(r['cli']['computed']):.3f} | "
              f"{med(r['cli']['persisted']):.3f} | {paired(r['cli']):.2f}× | {med(r['cli_mem']['computed']):,} | "
              f"{med(r['cli_mem']['persisted']):,} |")
        print(f"| | `Monitor.build` in a fresh process | {med(r['build']['computed']):.3f} | "
              f"{med(r['build']['persisted']):.3f} | {paired(r['build']):.2f}× | {med(r['build_mem']['computed']):,} | "
              f"{med(r['build_mem']['persisted']):,} |")
    print(f"\nload average at the end {load()}; CLI CSVs identical (computed vs persisted) at every scale")


if __name__ == "__main__":
    main()
