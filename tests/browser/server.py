"""Start the app as scripts/app.sh does (`streamlit run serve.py`: Streamlit running app.py plus the sign-in routes)
on a free loopback port, and Debian's Chromium for Playwright. The tests' environment has sign-in off
(PLAN_MONITOR_AUTH=off, tests/conftest.py) unless a test passes it on."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def demo_copy(folder: Path) -> Path:
    """A writable copy of the bundled demo data, for a test server whose uploads must not touch data/demo."""
    for path in (ROOT / "data" / "demo").iterdir():
        if path.is_file():
            shutil.copy(path, folder / path.name)
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(env: dict | None = None):
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    # demo mode (no sign-in) unless the test turns sign-in on; module-scoped servers start before the
    # function-scoped env fixtures of tests/conftest.py, so the default is set here
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PLAN_MONITOR_AUTH": "off", **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("streamlit did not start:\n" + proc.stdout.read1().decode(errors="replace"))
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
