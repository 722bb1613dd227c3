"""Interaction speed in a real browser: from a widget change to the last chart drawn, on the demo city.

Run: .venv/bin/python bench/browser_bench.py [--runs N] [--pages load,year,indicator,county,drill] [--no-server-side]

The script starts the app itself (`streamlit run` on a free 127.0.0.1 port, tests/browser/server.py), drives Debian's
Chromium through Playwright at 1920×1080 and, for each interaction, times N runs after one warm-up run that is not
counted. Every run is a real change (the values alternate). Printed side by side, one row per interaction: browser
p50 / p90, the server-side rerun of the same interaction (AppTest in this process, p50), the browser's share above it,
the Plotly charts on the page, the bytes the server sent over the websocket and the main thread's long tasks.
A JSON file with every sample goes to bench/out/browser_bench.json.

What "done" means (DONE_JS below), checked on every animation frame after the change:
  1. the page shows the new state (a text that only the new run writes, e.g. the new year in the header, and the
     page's address for the drill) and, on a page opened afresh, the text of its last element (a new page has no
     stale elements that would tell a run still under way);
  2. Streamlit has finished the rerun: no status widget ("running") and no element left stale from the previous run;
  3. every Plotly chart on the page is drawn: each `.js-plotly-plot` has its `.main-svg` with at least one data trace
     (bars, scatter points or heatmap) inside;
  4. no chart has changed for QUIET_MS: a MutationObserver on the document notes every DOM change inside a chart
     and stamps the next animation frame after it.
The time reported is from the change (the mouseup on the option or bar, stamped in the page; for the first load
the navigation start) to the later of the first frame where 1–3 hold and the frame after the last chart mutation.
The quiet window itself is not counted.

Interactions:
  load       first page load of 总览 (/overview) in a new browser context: empty HTTP cache, a new Streamlit session
  revisit    总览 opened again in a new tab of the same context: scripts from the HTTP cache, a new session
  year       总览: the sidebar 年度 selectbox, 2023年 ↔ 2024年
  indicator  分县: the 指标 selectbox, alternating three indicators
  county     分乡镇: the 县（市、区）selectbox, alternating counties
  drill      分县: click a county's bar → 分乡镇 of that county drawn (the county page is opened before, not timed)

With --floor, bench/floor_app/app.py (a bare Streamlit page with only what the done-check looks for) is served and
timed beside the app for `load` and `year`: Streamlit's own cost of a first page and a selectbox rerun on this
machine, the floor under the app's figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402

os.environ.setdefault("PLAN_MONITOR_AUTH", "off")  # 演示模式 for the server-side AppTest runs, as the browser server
OUT = ROOT / "bench" / "out"
QUIET_MS = 400
TIMEOUT_MS = 90_000
INTERACTIONS = ("load", "revisit", "year", "indicator", "county", "drill")
FLOOR = ("floor (bare Streamlit)", ROOT / "bench" / "floor_app", ("load", "year"))
YEARS = ["2023", "2024"]
INDICATORS = [("village_income_20w", "村集体经济收入过20万元的村占比"), ("demo_villages", None), ("reserve_cadre_u30", None)]
COUNTIES = ["江陵县", "公安县", "监利市"]
OVERVIEW_DONE = ["数据截至", "下载全部指标完成情况"]  # the header, and the last element of 总览
TOWN_END = "点击柱条或在此选择乡镇（街道）"  # the town picker, the last element of 分乡镇 without a town

# Installed in every document before the app's scripts: chart mutations, long tasks, and the change's timestamp.
INIT_JS = """
(() => {
  const pm = window.__pm = {t0: null, armed: false, lastMut: 0, lastPaint: 0, long: []};
  const inChart = (node) => {
    const el = node && (node.nodeType === 1 ? node : node.parentElement);
    return !!(el && el.closest && el.closest('[data-testid="stPlotlyChart"], .js-plotly-plot, .pm-bars'));
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (inChart(r.target) || [...r.addedNodes].some(inChart)) {
        pm.lastMut = performance.now();
        requestAnimationFrame(() => { pm.lastPaint = performance.now(); });
        return;
      }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) pm.long.push([e.startTime, e.duration]);
    }).observe({type: 'longtask', buffered: true});
  } catch (e) {}
  window.addEventListener('mouseup', () => {
    if (pm.armed) { pm.t0 = performance.now(); pm.armed = false; }
  }, true);
})();
"""

# Polled on every animation frame; returns the result once done (see the module docstring).
DONE_JS = """
([text, path, quiet]) => {
  const pm = window.__pm, now = performance.now();
  if (path && !location.pathname.endsWith(path)) { pm.ready = null; return false; }
  const texts = text == null ? [] : [].concat(text);
  if (texts.some(t => !document.body.innerText.includes(t))) { pm.ready = null; return false; }
  if (document.querySelector('[data-testid="stStatusWidget"]') || document.querySelector('[data-stale="true"]')
      || !document.querySelector('[data-testid="stApp"]')) { pm.ready = null; return false; }
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const drawn = plots.every(p => p.querySelector('.main-svg')
      && p.querySelector('.main-svg g.trace, .main-svg .hm, .main-svg g.heatmaplayer image'));
  // a page's charts: Plotly's, or the HTML bars of 总览's 完成率 chart (present/bars.py), drawn once in the DOM
  const html = document.querySelectorAll('.pm-bars').length;
  if (!(plots.length + html) || !drawn) { pm.ready = null; return false; }
  if (pm.ready == null) pm.ready = now;
  if (now - Math.max(pm.ready, pm.lastPaint) < quiet) return false;
  const t0 = pm.t0 == null ? 0 : pm.t0;
  const end = Math.max(pm.ready, pm.lastPaint);
  const longMs = pm.long.filter(([s]) => s >= t0).reduce((a, [, d]) => a + d, 0);
  return {ms: end - t0, plots: plots.length + html, longMs};
}
"""


def pct(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a small sample: p90 of 10 runs is the 9th value."""
    s = sorted(samples)
    return s[max(0, min(len(s) - 1, round(q * len(s) + 0.5) - 1))]


class Bench:
    def __init__(self, browser, url: str):
        self.browser, self.url = browser, url
        self.context = self.page = None
        self.ws_bytes = 0

    def new_page(self):
        if self.context:
            self.context.close()
        self.context = self.browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        self.context.add_init_script(INIT_JS)
        self.page = self.context.new_page()
        self.page.on("websocket", self._ws)
        return self.page

    def _ws(self, ws):
        def count(payload):
            self.ws_bytes += len(payload)
        ws.on("framereceived", count)

    def wait_done(self, text: str | list[str] | None, path: str | None = None) -> dict:
        handle = self.page.wait_for_function(DONE_JS, arg=[text, path, QUIET_MS], polling="raf", timeout=TIMEOUT_MS)
        result = handle.json_value()
        self.page.evaluate("() => { window.__pm.t0 = null; window.__pm.ready = null; }")
        return result

    def goto(self, path: str, text: str | list[str] | None = None) -> dict:
        self.page.goto(self.url + path)
        return self.wait_done(text)

    def arm(self) -> None:
        self.page.evaluate("() => { window.__pm.armed = true; window.__pm.t0 = null; window.__pm.ready = null; }")
        self.ws_bytes = 0

    def choose(self, label: str, option: str) -> None:
        box = self.page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
        box.click()
        item = self.page.get_by_role("option", name=option, exact=True)
        item.wait_for()
        self.arm()
        item.click()
        self.page.mouse.move(5, 5)

    # ---- interactions: each returns one sample dict

    def load(self, i: int) -> dict:
        self.new_page()
        self.ws_bytes = 0
        return {**self.goto("/overview", OVERVIEW_DONE), "ws": self.ws_bytes}

    def revisit(self, i: int) -> dict:
        if i == 0:
            self.new_page()
            self.goto("/overview", OVERVIEW_DONE)
        self.page.close()  # same browser context: its HTTP cache (and compiled scripts) kept, a new Streamlit session
        self.page = self.context.new_page()
        self.page.on("websocket", self._ws)
        self.ws_bytes = 0
        return {**self.goto("/overview", OVERVIEW_DONE), "ws": self.ws_bytes}

    def year(self, i: int) -> dict:
        if i == 0:
            self.new_page()
            self.goto("/overview?year=2024", OVERVIEW_DONE)
        year = YEARS[i % 2]
        self.choose("年度", f"{year}年")
        return {**self.wait_done(f"· {year}年 · 数据截至"), "ws": self.ws_bytes}

    def indicator(self, i: int) -> dict:
        names = self._indicator_names()
        if i == 0:
            self.new_page()
            self.goto(f"/county?year=2024&indicator={INDICATORS[-1][0]}", ["各县（市、区）排位", "状态矩阵（红黄绿牌）"])
        name = names[i % len(names)]
        self.choose("指标", name)
        return {**self.wait_done(f"{name}：各县（市、区）排位"), "ws": self.ws_bytes}

    def county(self, i: int) -> dict:
        if i == 0:
            self.new_page()
            self.goto(f"/town?year=2024&indicator=village_income_20w&county={quote(COUNTIES[-1])}", "各乡镇（街道）")
        county = COUNTIES[i % len(COUNTIES)]
        self.choose("县（市、区）", county)
        return {**self.wait_done(f"{county} · 村集体经济收入过20万元的村占比：各乡镇（街道）"), "ws": self.ws_bytes}

    def drill(self, i: int) -> dict:
        if i == 0:
            self.new_page()
        self.goto("/county?year=2024&indicator=village_income_20w", ["各县（市、区）排位", "状态矩阵（红黄绿牌）"])  # not timed
        chart = self.page.locator(".js-plotly-plot").first
        ticks = chart.locator("g.ytick text").all_text_contents()  # bottom-up, the bars' order
        bars = chart.locator("g.trace.bars").first.locator("path")
        k = (i % 3) * 2  # the bottom bar, the third, the fifth: three different counties in turn
        box = bars.nth(k).bounding_box()
        self.arm()
        self.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.page.mouse.move(5, 5)
        county = ticks[k].split("沿用")[0].strip()
        return {**self.wait_done(f"{county} · 村集体经济收入过20万元的村占比：各乡镇（街道）", "/town"), "ws": self.ws_bytes}

    _names: list[str] | None = None

    def _indicator_names(self) -> list[str]:
        if Bench._names is None:
            from plan_monitor.paths import DEFAULT_TARGETS
            from plan_monitor.spec.plan import load_plan
            plan = load_plan(os.environ.get("PLAN_MONITOR_TARGETS", DEFAULT_TARGETS))
            Bench._names = [plan.indicator(i).name for i, _ in INDICATORS]
        return Bench._names


def browser_side(interactions: list[str], runs: int, env: dict, roots: dict[str, Path], shots: bool
                 ) -> dict[str, dict[str, list[dict]]]:
    """Each checkout in `roots` (label → folder) served by its own server; the runs of an interaction alternate
    between them (run i on the first, then on the second), so both see the same machine load."""
    from contextlib import ExitStack

    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, list[dict]]] = {label: {} for label in roots}
    with ExitStack() as stack, sync_playwright() as p:
        urls = {label: stack.enter_context(streamlit_server(env, root)) for label, root in roots.items()}
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        benches = {label: Bench(browser, url) for label, url in urls.items()}
        for bench in benches.values():
            bench.new_page()
            bench.goto("/overview", "数据截至")  # the server builds its Monitor here: not part of any interaction
        for name in interactions:
            # the floor app has only 总览's year selectbox
            timed = {label: bench for label, bench in benches.items() if label != FLOOR[0] or name in FLOOR[2]}
            for label in timed:
                results[label][name] = []
            for i in range(runs + 1):  # run 0 is the warm-up
                for label, bench in timed.items():
                    sample = getattr(bench, name)(i)
                    if i:
                        results[label][name].append(sample)
            for label, bench in timed.items():
                if shots:
                    OUT.mkdir(parents=True, exist_ok=True)
                    bench.page.screenshot(path=str(OUT / f"browser_bench_{label}_{name}.png"), full_page=True)
                print(f"  {label} {name}: " + " ".join(f"{s['ms']:.0f}" for s in results[label][name]) + " ms",
                      flush=True)
        for bench in benches.values():
            bench.context.close()
        browser.close()
    return results


def server_side(interactions: list[str], runs: int) -> dict[str, list[float]]:
    """The same interactions as Streamlit reruns in this process (AppTest): the server's share of each.
    The drill is the run of 分乡镇 with the clicked county (after the 分县 rerun that follows the click)."""
    import logging

    from streamlit.testing.v1 import AppTest

    # AppTest's query-parameter and page calls from this thread warn that there is no script run context
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())

    def timed(at) -> float:
        start = time.perf_counter()
        at.run()
        assert not at.exception, at.exception
        return (time.perf_counter() - start) * 1000

    def app():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        return at

    app().run()  # builds the Monitor in this process
    out: dict[str, list[float]] = {}
    names = [i for i, _ in INDICATORS]
    for name in interactions:
        samples = []
        at = app()
        if name in ("load", "revisit"):  # a new session opening 总览
            for i in range(runs + 1):
                at = app()
                at.switch_page("app_pages/overview.py")
                samples.append(timed(at))
        elif name == "year":
            at.switch_page("app_pages/overview.py")
            at.run()
            for i in range(runs + 1):
                at.selectbox(key="pm_year").set_value(int(YEARS[i % 2]))
                samples.append(timed(at))
        elif name == "indicator":
            at.switch_page("app_pages/county.py")
            at.run()
            for i in range(runs + 1):
                at.selectbox(key="pm_indicator").set_value(names[i % len(names)])
                samples.append(timed(at))
        elif name == "county":
            at.query_params["indicator"] = "village_income_20w"
            at.switch_page("app_pages/town.py")
            at.run()
            for i in range(runs + 1):
                at.selectbox(key="pm_county").set_value(COUNTIES[i % len(COUNTIES)])
                samples.append(timed(at))
        elif name == "drill":
            for i in range(runs + 1):
                at = app()
                at.query_params.update(year="2024", indicator="village_income_20w")
                at.switch_page("app_pages/county.py")
                at.run()
                at.query_params["county"] = COUNTIES[i % len(COUNTIES)]
                at.switch_page("app_pages/town.py")
                samples.append(timed(at))
        out[name] = samples[1:]
    return out


def checkout(ref: str, folder: Path) -> Path:
    """The files of git revision `ref` (git archive, no .git), with this bench and the browser test helpers of the
    working tree, so that the baseline is served and timed the same way."""
    import shutil
    import subprocess
    import tarfile
    from io import BytesIO

    data = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(folder, filter="data")
    for rel in ("bench/browser_bench.py", "tests/browser/server.py"):
        shutil.copy(ROOT / rel, folder / rel)
    return folder


def server_side_of(root: Path, interactions: list[str], runs: int) -> dict[str, list[float]]:
    """server_side() for the checkout at root, in a process of its own (its modules, not this one's)."""
    import subprocess

    out = root / "bench" / "out" / "server_side.json"
    subprocess.run([sys.executable, str(root / "bench" / "browser_bench.py"), "--server-only", str(out),
                    "--pages", ",".join(interactions), "--runs", str(runs)], cwd=root, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per interaction (after one warm-up)")
    parser.add_argument("--pages", default=",".join(INTERACTIONS),
                        help="interactions to time, comma-separated: " + ",".join(INTERACTIONS))
    parser.add_argument("--baseline", metavar="GIT_REF",
                        help="also serve this git revision and time it side by side (runs alternate between the two)")
    parser.add_argument("--floor", action="store_true",
                        help="also time a bare Streamlit page (bench/floor_app) for load and year: Streamlit's own cost")
    parser.add_argument("--no-server-side", action="store_true", help="skip the AppTest timing of the same reruns")
    parser.add_argument("--server-only", metavar="JSON", help=argparse.SUPPRESS)
    parser.add_argument("--shots", action="store_true", help="screenshot each page's last state into bench/out/")
    parser.add_argument("--json", default=str(OUT / "browser_bench.json"), help="where to write every sample")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for the app server (repeatable)")
    args = parser.parse_args()
    interactions = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = set(interactions) - set(INTERACTIONS)
    if unknown:
        parser.error(f"unknown interaction(s): {', '.join(sorted(unknown))}")
    if args.server_only:
        out = Path(args.server_only)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(server_side(interactions, args.runs)))
        return
    env = dict(kv.split("=", 1) for kv in args.env)
    started = time.perf_counter()
    load = os.getloadavg()
    print(f"# browser bench {datetime.now():%Y-%m-%d %H:%M}  {os.cpu_count()} CPU  load {load[0]:.2f}  "
          f"python {platform.python_version()}  runs={args.runs} (after one warm-up)  env={env or '-'}", flush=True)
    with tempfile.TemporaryDirectory(prefix="browser_bench_") as tmp:
        roots = {"current": ROOT}
        if args.baseline:
            roots = {f"baseline {args.baseline}": checkout(args.baseline, Path(tmp)), "current": ROOT}
        if args.floor:
            roots[FLOOR[0]] = FLOOR[1]
        browser = browser_side(interactions, args.runs, env, roots, args.shots)
        server = {} if args.no_server_side else {
            label: (server_side(interactions, args.runs) if root == ROOT else server_side_of(root, interactions, args.runs))
            for label, root in roots.items() if label != FLOOR[0]}
    end_load = os.getloadavg()[0]
    print()
    for label in roots:
        print(f"{label}:\n")
        print_table([n for n in interactions if n in browser[label]], browser[label], server.get(label, {}))
        print()
    if FLOOR[0] in roots:
        print("current / floor, browser p50: " + "  ".join(
            f"{name} {statistics.median(s['ms'] for s in browser['current'][name]) / statistics.median(s['ms'] for s in browser[FLOOR[0]][name]):.2f}"
            for name in interactions if name in browser[FLOOR[0]]))
    compared = [label for label in roots if label != FLOOR[0]]
    if len(compared) == 2:
        (a, b) = compared
        print("current / baseline, browser p50: " + "  ".join(
            f"{name} {statistics.median(s['ms'] for s in browser[b][name]) / statistics.median(s['ms'] for s in browser[a][name]):.2f}"
            for name in interactions))
    print(f"\nwall {time.perf_counter() - started:.0f} s, load average {load[0]:.2f} at start, {end_load:.2f} at end")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(
        {"when": datetime.now().isoformat(timespec="seconds"), "load": [load[0], end_load], "env": env,
         "runs": args.runs, "browser": browser, "server_ms": server}, ensure_ascii=False, indent=1))


def print_table(interactions: list[str], browser: dict[str, list[dict]], server: dict[str, list[float]]) -> None:
    print("| interaction | browser p50 ms | browser p90 ms | server p50 ms | browser − server p50 ms | charts | "
          "websocket KiB | long tasks ms (p50) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in interactions:
        ms = [s["ms"] for s in browser[name]]
        srv = statistics.median(server[name]) if name in server else float("nan")
        p50 = statistics.median(ms)
        print(f"| {name} | {p50:.0f} | {pct(ms, 0.9):.0f} | {srv:.0f} | {p50 - srv:.0f} | "
              f"{browser[name][-1]['plots']} | {statistics.median(s['ws'] for s in browser[name]) / 1024:.0f} | "
              f"{statistics.median(s['longMs'] for s in browser[name]):.0f} |")


if __name__ == "__main__":
    main()
