"""Start the app as scripts/app.sh does (`streamlit run serve.py`: Streamlit running app.py plus the sign-in routes)
on a free loopback port, and Debian's Chromium for Playwright. The tests' environment has sign-in off
(PLAN_MONITOR_AUTH=off, tests/conftest.py) unless a test passes it on."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
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
        elif path.name == "ledger":  # the task ledger's shipped events (its batch 0)
            shutil.copytree(path, folder / path.name)
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(env: dict | None = None, root: Path = ROOT):
    """The app of the checkout at `root` (default: this one) served on a free loopback port; yields its URL."""
    port = free_port()
    # serve.py (the app plus its sign-in routes) where the checkout has one; an older checkout (bench --baseline)
    # may only have app.py
    entry = root / "serve.py" if (root / "serve.py").exists() else root / "app.py"
    cmd = [sys.executable, "-m", "streamlit", "run", str(entry), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    # The server's output goes to a file, not a pipe nobody reads (a chatty server would block on a full pipe);
    # it is shown only when the server fails to start.
    log = tempfile.TemporaryFile()
    # demo mode (no sign-in) unless the test turns sign-in on; module-scoped servers start before the
    # function-scoped env fixtures of tests/conftest.py, so the default is set here
    proc = subprocess.Popen(cmd, cwd=root, env={**os.environ, "PLAN_MONITOR_AUTH": "off", **(env or {})},
                            stdout=log, stderr=subprocess.STDOUT)
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
            log.seek(0)
            raise RuntimeError("streamlit did not start:\n" + log.read()[-20000:].decode(errors="replace"))
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
