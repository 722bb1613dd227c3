"""Fresh-server benchmark: a server started on a persisted data version, its first 总览 in a real browser, a rerun
after a widget change, and the server's peak memory, at every demo scale.

    .venv/bin/python bench/page_bench.py [--data DIR] [--scales municipal,provincial,national] [--rounds N]
                                         [--runs R] [--baseline CHECKOUT] [--drill] [--keep]

DIR/<scale> holds the demo data of each scale (default /tmp/persist/bench-data; `python -m plan_monitor demo-data
--scale S --out DIR/S`). The data is only read: every tree and scale runs in a temporary folder of symbolic links to
its files (as bench/scale_bench.py), so the cards the app persists (store/cache) land there.

Per scale and tree (this checkout; with --baseline also another checkout's folder, e.g. one made with
`git archive main | tar -x -C /tmp/base`, served by its own code): one untimed CLI `scorecard` run of that tree,
which persists the version, then N rounds (default 3, the trees' order alternating), each:

  1. a fresh server: `streamlit run serve.py` (what scripts/app.sh starts; app.py for a tree without it) on a free
     127.0.0.1 port, the default plan's data pointed at the scale's
     folder (PLAN_MONITOR_DATA; PLAN_MONITOR_TARGETS = the tree's targets.yaml; sign-in off);
  2. first 总览: Debian's Chromium (Playwright, headless) opens /overview in a new context; the time from the
     navigation start to the first animation frame at which `[data-testid="stApp"]` is there, the overview's header
     and last element (数据截至, 下载全部指标完成情况) are rendered, no status widget ("running") and no stale
     element is left, and every Plotly chart on the page has its data drawn (bench/browser_bench.py's check, with a
     400 ms quiet window that is not counted). This is what the first reader of a fresh server waits for: the
     server builds its Monitor from the persisted version here;
  3. rerun: the sidebar 年度 changed R times (default 5, alternating 2023 ↔ 2024), each timed in the browser from the
     option's mouseup to the same check with the new year in the header; the median is reported;
  4. with --drill: 分乡镇 of one town opened in a new context (the same town for every tree, a town of the plan's own
     counties found with this checkout's code); its village list needs the rows, which a Monitor built from a
     persisted version reads here; timed from the navigation start;
  5. peak memory: VmHWM of the streamlit process (/proc/PID/status) after all of the above, then the server is
     stopped by its PID.

With --settle S the first 总览 is opened S seconds after the server answers its health check instead of at once:
the first reader after a restart rather than one waiting at the door (serve.py starts loading the default plan's
figures as the server starts; see ui.context.warm).

Times are medians of the rounds; the load average is printed before and after each scale.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from browser_bench import OVERVIEW_DONE, Bench  # noqa: E402
from scale_bench import linked  # noqa: E402

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SCALES = ("municipal", "provincial", "national")
START_TIMEOUT = 120  # s for the server to answer its health check


def loadavg() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vm_hwm_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024


def persist(root: Path, folder: Path) -> float:
    """One CLI `scorecard` run of the tree at `root` on the folder (persists the version); its wall seconds."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "plan_monitor", "scorecard", "--targets", str(root / "targets.yaml"),
                    "--data", str(folder), "--out", os.devnull], cwd=root, check=True)
    return time.perf_counter() - start


class Server:
    """`streamlit run serve.py` (as scripts/app.sh; app.py in a tree without serve.py) of the tree at `root` on a free
    loopback port, stopped by its PID."""

    def __init__(self, root: Path, folder: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PLAN_MONITOR_DATA": str(folder), "PLAN_MONITOR_TARGETS": str(root / "targets.yaml"),
               "PLAN_MONITOR_AUTH": "off", "PLAN_MONITOR_PLANS": str(folder / "no-plans-index.yaml")}
        self.log = open(log, "wb")
        entry = root / "serve.py" if (root / "serve.py").exists() else root / "app.py"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(entry), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"], cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + START_TIMEOUT
        while True:
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    self.stop()
                    raise RuntimeError(f"streamlit did not start, see {log}")
                time.sleep(0.2)

    def peak_mib(self) -> float:
        return vm_hwm_mib(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def one_round(browser, root: Path, folder: Path, scale: str, runs: int, drill: tuple[str, str] | None,
              log: Path, settle: float = 0.0) -> dict:
    server = Server(root, folder, log)
    step = "first 总览"
    try:
        time.sleep(settle)
        bench = Bench(browser, server.url)
        bench.new_page()
        bench.ws_bytes = 0
        first = bench.goto("/overview", OVERVIEW_DONE)  # t0 = the navigation start
        sample = {"first_ms": first["ms"], "first_ws_kib": bench.ws_bytes / 1024}
        step = "year rerun"
        reruns = [bench.year(i)["ms"] for i in range(2, runs + 2)]  # 2023, 2024, …: the default is the latest
        sample["rerun_ms"] = statistics.median(reruns)
        sample["rerun_samples"] = reruns
        if drill:
            step = "drill"
            county, town = drill
            bench.new_page()
            try:
                done = bench.goto(f"/town?year=2024&indicator=village_income_20w&county={quote(county)}"
                                  f"&town={quote(town)}", [f"{town} · ", "：村（社区）名单"])
                sample["drill_ms"] = done["ms"]
            except Exception as exc:  # noqa: BLE001 - reported, the round's other figures kept
                shot = log.with_suffix(".png")
                bench.page.screenshot(path=str(shot), full_page=True)
                print(f"  drill to {county} {town} not done ({type(exc).__name__}); screenshot {shot}", flush=True)
                sample["drill_ms"] = float("nan")
        sample["peak_mib"] = server.peak_mib()
        bench.context.close()
        return sample
    except Exception:
        print(f"  {scale}: failed at {step}; server log {log} ends:\n" + log.read_text(errors="replace")[-3000:],
              flush=True)
        raise
    finally:
        server.stop()


def drill_place(root: Path, folder: Path) -> tuple[str, str]:
    """The first town of one of the plan's own counties with a 2024 figure in the persisted card (read with this
    checkout's code): a county the 分乡镇 page lists."""
    code = ("import sys; from plan_monitor.metrics.monitor import scorecard; "
            "from plan_monitor.spec.geography import load_geography; "
            "card = scorecard(sys.argv[1], sys.argv[2]); counties = set(load_geography(card.plan).counties['county']); "
            "r = card.select(year=2024, level='town', indicator_id='village_income_20w'); "
            "r = r[r['actual'].notna() & r['county'].isin(counties)].iloc[0]; print(r['county']); print(r['town'])")
    out = subprocess.run([sys.executable, "-c", code, str(root / "targets.yaml"), str(folder)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.splitlines()
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/tmp/persist/bench-data", help="folder with one demo data folder per scale")
    parser.add_argument("--scales", default=",".join(SCALES))
    parser.add_argument("--rounds", type=int, default=3, help="fresh servers per scale and tree")
    parser.add_argument("--runs", type=int, default=5, help="year changes timed per server")
    parser.add_argument("--baseline", metavar="CHECKOUT", help="another checkout's folder, served the same way")
    parser.add_argument("--drill", action="store_true", help="also open one town's village list (reads the rows)")
    parser.add_argument("--settle", type=float, default=0.0,
                        help="seconds between the server's health check and the first 总览 (default 0: at once)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (server logs, screenshots)")
    args = parser.parse_args()
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    trees = {"this": ROOT}
    if args.baseline:
        trees = {"baseline": Path(args.baseline).resolve(), "this": ROOT}
    print(f"# page bench {datetime.now():%Y-%m-%d %H:%M}  {os.cpu_count()} CPU  python {platform.python_version()}  "
          f"rounds={args.rounds} runs={args.runs} settle={args.settle:g} s  trees: " + ", ".join(f"{k}={v}" for k, v in trees.items()),
          flush=True)
    from playwright.sync_api import sync_playwright

    results: dict[tuple[str, str], list[dict]] = {}
    loads: dict[str, tuple[str, str]] = {}
    tmp = tempfile.mkdtemp(prefix="page_bench_")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for scale in scales:
            source = Path(args.data) / scale
            if not source.is_dir():
                print(f"  {scale}: no data at {source}, skipped", flush=True)
                continue
            before = loadavg()
            folders = {}
            for label, root in trees.items():
                folders[label] = linked(source, Path(tmp) / label / scale)
                print(f"  {scale} {label}: persisted by the CLI in {persist(root, folders[label]):.1f} s", flush=True)
            place = drill_place(ROOT, folders["this"]) if args.drill else None
            for r in range(args.rounds):
                order = list(trees) if r % 2 == 0 else list(trees)[::-1]
                for label in order:
                    sample = one_round(browser, trees[label], folders[label], scale, args.runs, place,
                                       Path(tmp) / f"{label}-{scale}-{r}.log", args.settle)
                    results.setdefault((scale, label), []).append(sample)
                    print(f"  {scale} {label} round {r + 1}: first 总览 {sample['first_ms']:.0f} ms, rerun "
                          f"{sample['rerun_ms']:.0f} ms ({' '.join(f'{x:.0f}' for x in sample['rerun_samples'])}), "
                          + (f"drill {sample['drill_ms']:.0f} ms, " if 'drill_ms' in sample else "")
                          + f"peak {sample['peak_mib']:.0f} MiB, load {loadavg()}", flush=True)
            loads[scale] = (before, loadavg())
        browser.close()
    if args.keep:
        print(f"  kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    drill = " | drill ms" if args.drill else ""
    print(f"| scale | tree | first 总览 ms | year rerun ms | server peak MiB{drill} | load before → after |")
    print("|---|---|---:|---:|---:|" + ("---:|" if args.drill else "") + "---|")
    for (scale, label), samples in results.items():
        med = {k: statistics.median(s[k] for s in samples) for k in ("first_ms", "rerun_ms", "peak_mib")}
        extra = f" | {statistics.median(s['drill_ms'] for s in samples):,.0f}" if args.drill else ""
        print(f"| {scale} | {label} | {med['first_ms']:,.0f} | {med['rerun_ms']:,.0f} | {med['peak_mib']:,.0f}{extra} | "
              f"{loads[scale][0]} → {loads[scale][1]} |")


if __name__ == "__main__":
    main()
