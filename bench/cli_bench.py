"""Cold CLI `scorecard` from a persisted version: this tree beside a baseline checkout, CPU and wall time.

    .venv/bin/python bench/cli_bench.py --baseline DIR [--data DIR] [--scales municipal,provincial,national]
                                        [--rounds R] [--bytecode]

DIR is another checkout's folder (e.g. `git archive main | tar -x -C /tmp/base`), run by its own code with this
virtualenv's Python. Per scale (`--data`/<scale>, default /tmp/persist/bench-data) each tree gets a folder of symbolic
links to the data's files, so the card its CLI persists lands there; one untimed `scorecard` run per tree persists the
card (and, with --bytecode, compiles the modules). Then R rounds (default 5), the trees' order alternating, each a fresh
process `python -m plan_monitor scorecard --targets T --data F --out X.csv`: wall time, CPU seconds (user + system of
the child, os.wait4) and peak RSS. The two trees' CSVs are compared byte for byte every round. Medians of the rounds;
ratios baseline / this tree paired by round.

Bytecode: by default every process runs with PYTHONDONTWRITEBYTECODE=1 (as the shared machine's environment sets it):
the project's modules are compiled from source in every cold process, the libraries' .pyc files under site-packages
are used. --bytecode runs with compiled bytecode for everything, as a deployment would have it: no
PYTHONDONTWRITEBYTECODE, and PYTHONPYCACHEPREFIX pointing at a temporary folder (so no __pycache__ is written into the
checkouts; the untimed run fills it).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scale_bench import linked  # a folder of symbolic links to a scale's files (bench/ is the script's folder)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path("/tmp/persist/bench-data")


def run(tree: Path, folder: Path, out: Path, env: dict) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one cold CLI process."""
    argv = [sys.executable, "-m", "plan_monitor", "scorecard", "--targets", str(tree / "targets.yaml"), "--data",
            str(folder), "--out", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{stderr}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", required=True, type=Path)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--scales", default="municipal,provincial,national")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bytecode", action="store_true")
    args = parser.parse_args()
    trees = {"baseline": args.baseline.resolve(), "this tree": ROOT}
    with tempfile.TemporaryDirectory(prefix="cli-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
        if args.bytecode:
            env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        print(f"bytecode: {'compiled (PYTHONPYCACHEPREFIX)' if args.bytecode else 'PYTHONDONTWRITEBYTECODE=1'}; "
              f"rounds {args.rounds}")
        print("| scale | tree | wall s | CPU s | peak MiB | baseline / this tree, wall | CPU | load start → end |")
        print("|---|---|---:|---:|---:|---:|---:|---|")
        for scale in args.scales.split(","):
            start_load = load()
            folders = {name: linked(args.data / scale, tmp / f"{scale}-{i}") for i, name in enumerate(trees)}
            for name, tree in trees.items():  # persists the card (and with --bytecode compiles)
                run(tree, folders[name], tmp / "warm.csv", env)
            got = {name: [] for name in trees}
            for r in range(args.rounds):
                for name in (list(trees) if r % 2 == 0 else list(trees)[::-1]):
                    got[name].append(run(trees[name], folders[name], tmp / f"{name}.csv", env))
                if not filecmp.cmp(tmp / "baseline.csv", tmp / "this tree.csv", shallow=False):
                    raise SystemExit(f"{scale}: the CSVs differ in round {r + 1}")
            end_load = load()
            for name in trees:
                wall, cpu, peak = (statistics.median(m[i] for m in got[name]) for i in range(3))
                ratios = ""
                if name == "this tree":
                    pairs = list(zip(got["baseline"], got[name]))
                    ratios = (f"{statistics.median(b[0] / t[0] for b, t in pairs):.2f}× | "
                              f"{statistics.median(b[1] / t[1] for b, t in pairs):.2f}× | {start_load} → {end_load}")
                else:
                    ratios = " | | "
                print(f"| {scale} | {name} | {wall:.2f} | {cpu:.2f} | {peak:.0f} | {ratios} |", flush=True)


if __name__ == "__main__":
    main()
