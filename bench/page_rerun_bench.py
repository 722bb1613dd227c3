"""Server time of a page rerun after a widget change (AppTest, in one process), for any data and, beside this
tree, another commit of the app.

Run: .venv/bin/python bench/page_rerun_bench.py [--runs N] [--data DIR] [--baseline GIT_REF --rounds R] [--skip 分县]
                                               [--json FILE]

Without --baseline: one process, this tree. It prints the cold first run (load, scorecard, render), then p50/p90 of
reruns after each widget change:
  总览 年度        the sidebar year, alternating the plan's last three years
  总览 统计截至    the sidebar round of the latest year, alternating its rounds (skipped with fewer than two)
  分县 指标        the indicator, alternating three county-level indicators
  分乡镇 县        the county, alternating three counties
  分乡镇 指标      the indicator, alternating three town-level indicators
--data DIR sets PLAN_MONITOR_DATA (the data store the default plan reads; copy shared data first: the first run
persists the scorecard into DIR/store/cache).

With --baseline GIT_REF the commit is extracted with `git archive` into a temporary folder (the repository is not
touched) and R rounds (default 3) run both trees alternately, each in a fresh process with this same script
(`--tree`), the first process of each tree untimed (byte-compiles it and persists its card). Per interaction the
medians over rounds of each tree's p50 and p90 are printed side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("PLAN_MONITOR_AUTH", "off")  # 演示模式: no sign-in (as the page tests run)


def timed(at) -> float:
    start = time.perf_counter()
    at.run()
    assert not at.exception, at.exception
    return time.perf_counter() - start


def cycle(at, key: str, values: list, runs: int) -> list[float]:
    """Reruns after choosing `values` in turn (each a change)."""
    samples = []
    for i in range(runs):
        at.selectbox(key=key).set_value(values[i % len(values)])
        samples.append(timed(at))
    return samples


def page_monitor():
    """The Monitor the page just read (the one the shared memo of ui.context holds): the widgets' values behind their
    labels."""
    from plan_monitor.ui import context
    return next(ref() for ref, _ in context._MEMO.values() if ref() is not None)


def indicator_ids(at, n: int = 3) -> list[str]:
    ids = {i.name: i.id for i in page_monitor().plan.indicators}
    return [ids[label] for label in at.selectbox(key="pm_indicator").options[:n]]


def measure(tree: Path, runs: int, skip: set[str] = frozenset()) -> dict:
    """Every interaction's samples (seconds), the app being the one in `tree`."""
    sys.path.insert(0, str(tree))
    os.chdir(tree)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(tree / "app.py"), default_timeout=600)
    out: dict = {"cold": timed(at)}
    years = [int(label.rstrip("年")) for label in at.selectbox(key="pm_year").options[-3:]]
    out["总览 年度"] = cycle(at, "pm_year", years, runs)
    at.selectbox(key="pm_year").set_value(years[-1])
    timed(at)
    rounds = [r.as_of.isoformat() for r in page_monitor().year_rounds.get(years[-1], [])][:3]
    if len(rounds) >= 2 and any(s.key == "pm_asof" for s in at.selectbox):
        out["总览 统计截至"] = cycle(at, "pm_asof", rounds[1:] + rounds[:1], runs)
        at.selectbox(key="pm_asof").set_value(rounds[0])
        timed(at)
    if "分县" not in skip:
        at.switch_page("app_pages/county.py")
        timed(at)
        out["分县 指标"] = cycle(at, "pm_indicator", indicator_ids(at), runs)
    at.switch_page("app_pages/town.py")
    timed(at)
    out["分乡镇 县"] = cycle(at, "pm_county", list(at.selectbox(key="pm_county").options[1:4]), runs)
    out["分乡镇 指标"] = cycle(at, "pm_indicator", indicator_ids(at), runs)
    return out


def summary(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), sorted(samples)[int(0.9 * (len(samples) - 1))]


def child(tree: Path, data: str | None, runs: int, skip: str = "") -> dict:
    env = dict(os.environ)
    if data:
        env["PLAN_MONITOR_DATA"] = data
    env["PYTHONPATH"] = str(tree)
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--tree", str(tree), "--runs", str(runs),
                        "--json", f.name, "--skip", skip], env=env, check=True, cwd=tree)
        return json.loads(Path(f.name).read_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--data")
    parser.add_argument("--tree", help="the app tree to time (default: this one)")
    parser.add_argument("--baseline")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json")
    parser.add_argument("--skip", default="", help="pages left out, comma-separated (分县: its baseline at national "
                                                   "scale draws each bar label in quadratic time)")
    args = parser.parse_args()
    if args.data:
        os.environ["PLAN_MONITOR_DATA"] = args.data
    if not args.baseline:
        result = measure(Path(args.tree or ROOT).resolve(), args.runs, set(filter(None, args.skip.split(","))))
        if args.json:
            Path(args.json).write_text(json.dumps(result, ensure_ascii=False))
            return
        print(f"cold first run (load + scorecard + render): {result.pop('cold'):.3f}s")
        for name, s in result.items():
            p50, p90 = summary(s)
            print(f"{name:<12} p50 {p50 * 1000:7.1f} ms  p90 {p90 * 1000:7.1f} ms")
        return
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
        trees = {"baseline": base, "this": ROOT}
        for tree in trees.values():  # untimed: byte-compiles, persists the tree's card
            child(tree, args.data, 2, args.skip)
        rounds: dict[str, list[dict]] = {name: [] for name in trees}
        for r in range(args.rounds):
            order = list(trees) if r % 2 == 0 else list(reversed(trees))
            for name in order:
                rounds[name].append(child(trees[name], args.data, args.runs, args.skip))
                print(f"round {r + 1} {name} done", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(rounds, ensure_ascii=False))
    print(f"| interaction | baseline p50 ms | this p50 ms | baseline p90 ms | this p90 ms | baseline / this (p50) |")
    print("|---|---:|---:|---:|---:|---:|")
    for key in rounds["this"][0]:
        if key == "cold":
            b = statistics.median(x["cold"] for x in rounds["baseline"])
            t = statistics.median(x["cold"] for x in rounds["this"])
            print(f"| first run (cold process) | {b * 1000:,.0f} | {t * 1000:,.0f} | | | {b / t:.2f}× |")
            continue
        b50 = statistics.median(summary(x[key])[0] for x in rounds["baseline"] if key in x)
        t50 = statistics.median(summary(x[key])[0] for x in rounds["this"])
        b90 = statistics.median(summary(x[key])[1] for x in rounds["baseline"] if key in x)
        t90 = statistics.median(summary(x[key])[1] for x in rounds["this"])
        print(f"| {key} | {b50 * 1000:,.1f} | {t50 * 1000:,.1f} | {b90 * 1000:,.1f} | {t90 * 1000:,.1f} | "
              f"{b50 / t50:.2f}× |")


if __name__ == "__main__":
    main()
