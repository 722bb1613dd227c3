"""Smoke test of bench/browser_bench.py: one timed run of one interaction prints its row (no speed asserted)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from .server import ROOT


def test_bench_times_a_county_change_and_writes_its_samples(tmp_path):
    out = tmp_path / "samples.json"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "browser_bench.py"), "--runs", "1", "--pages", "county",
                           "--no-server-side", "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    row = re.search(r"^\| county \| (\d+) \| (\d+) \| nan \| nan \| (\d+) \|", done.stdout, re.M)
    assert row, done.stdout
    assert int(row.group(3)) == 1  # the 分乡镇 town chart, drawn
    samples = json.loads(out.read_text())["browser"]["current"]["county"]
    assert len(samples) == 1 and samples[0]["ms"] > 0 and samples[0]["ws"] > 0
