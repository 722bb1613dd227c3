"""Server time of a page rerun after a widget change, on the demo city (AppTest, same process).

Run: .venv/bin/python bench/page_rerun_bench.py [--runs N]
Prints the cold first run, then p50/p90 of reruns after switching the year or the indicator, side by side.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def timed(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    assert not at.exception, at.exception
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    cold = timed(at)
    results = {}
    years = [2022, 2023, 2024]
    samples = []
    for i in range(args.runs):
        at.selectbox(key="pm_year").set_value(years[i % 3])
        samples.append(timed(at))
    results["总览: change 年度"] = samples
    at.switch_page("app_pages/county.py")
    timed(at)
    ids = ["village_income_20w", "demo_villages", "reserve_cadre_u30"]
    samples = []
    for i in range(args.runs):
        at.selectbox(key="pm_indicator").set_value(ids[i % 3])
        samples.append(timed(at))
    results["分县: change 指标"] = samples
    print(f"cold first run (load + scorecard + render): {cold:.3f}s")
    base = None
    for name, s in results.items():
        p50 = statistics.median(s)
        p90 = sorted(s)[int(0.9 * (len(s) - 1))]
        base = base or p50
        print(f"{name:<22} p50 {p50 * 1000:7.1f} ms  p90 {p90 * 1000:7.1f} ms  ratio to first {p50 / base:.2f}  "
              f"cold/p50 {cold / p50:.1f}x")


if __name__ == "__main__":
    main()
