"""A copy of the demo data with a place named `<script>alert(1)</script>`: a village of that name uploaded through
the real ingest path (python -m plan_monitor ingest, into 江陵县 熊河镇) and a town of that name (资市镇 renamed in
the data files: the gazetteer refuses such a town at upload, so only a hand-edited data folder can carry one)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from plan_monitor.paths import DEFAULT_DATA, ROOT

BAD = "<script>alert(1)</script>"
BAD_TOWN = f"{BAD}镇"
VILLAGE_TOWN = "熊河镇"


def hostile_copy(folder: Path, home: Path) -> Path:
    data = folder / "data"
    data.mkdir()
    for path in DEFAULT_DATA.iterdir():
        if path.is_file():
            raw = path.read_bytes()
            if path.suffix == ".csv" and path.name.startswith(("town_", "village_")):
                raw = raw.decode("utf-8").replace(",江陵县,资市镇,", f",江陵县,{BAD_TOWN},").encode("utf-8")
            (data / path.name).write_bytes(raw)
    rows = (DEFAULT_DATA / "village_2024-09-30.csv").read_text(encoding="utf-8").splitlines()
    row = next(r for r in rows[1:] if f",江陵县,{VILLAGE_TOWN}," in r)
    village = row.split(",")[4]
    upload = folder / "村报表.csv"
    upload.write_text("\n".join([rows[0], row.replace(f",{village},", f",{BAD},")]) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "plan_monitor", "ingest", str(upload), "--data", str(data), "--yes"],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PLAN_MONITOR_HOME": str(home)})
    assert done.returncode == 0, done.stderr
    return data
