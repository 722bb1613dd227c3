"""Ingest time: a 100,000-row UTF-8 village CSV and a 20,000-row .xlsx through the real pipeline.

Each file is made from the demo city's 2024-09-30 village roster, repeated with distinct village names, so every
county and town name is real and every check runs. Steps timed separately: read + check + preview (what the
page does on upload), the downloadable check report (校验报告 .xlsx with the file's rows) and the commit into a
fresh store. Run: .venv/bin/python bench/ingest_bench.py
"""

from __future__ import annotations

import csv
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402

from plan_monitor.ingest.pipeline import check_upload  # noqa: E402
from plan_monitor.ingest.service import Actor, WriteService  # noqa: E402
from plan_monitor.outputs.upload_report import report_xlsx  # noqa: E402
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS  # noqa: E402
from plan_monitor.sources import open_store  # noqa: E402
from plan_monitor.spec.geography import load_geography  # noqa: E402
from plan_monitor.spec.plan import load_plan  # noqa: E402


def roster_rows(n: int) -> tuple[list[str], list[list[str]]]:
    with open(DEFAULT_DATA / "village_2024-09-30.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    out = []
    copy = 0
    while len(out) < n:
        for r in body:
            r = list(r)
            if copy:
                r[4] = f"{r[4]}{copy}组"
            out.append(r)
            if len(out) == n:
                break
        copy += 1
    return header, out


def csv_bytes(n: int) -> bytes:
    header, rows = roster_rows(n)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def xlsx_bytes(n: int) -> bytes:
    header, rows = roster_rows(n)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("填报")
    ws.append(header)
    numeric = {0, 7, 8, 9, 10}
    for r in rows:
        ws.append([float(v) if i in numeric and v else (v or None) for i, v in enumerate(r)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def timed(label: str, name: str, data: bytes, plan, geo, runs: int) -> None:
    checks, reports, commits = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "data"
            shutil.copytree(DEFAULT_DATA, folder)
            store = open_store(folder)
            start = time.perf_counter()
            checked = check_upload(name, data, plan, geo, store)
            checks.append(time.perf_counter() - start)
            assert checked.can_commit, checked.problems().head(5).to_string()
            start = time.perf_counter()
            report_xlsx(checked.parsed, checked.issues, checked.notes, name)
            reports.append(time.perf_counter() - start)
            start = time.perf_counter()
            WriteService(store).commit_upload(checked, Actor("bench"), confirm_warnings=True)
            commits.append(time.perf_counter() - start)
    rows = len(checked.rows)
    print(f"{label:<28} {rows:>7} rows {len(data) / 2**20:6.1f} MB   read+check+preview median "
          f"{statistics.median(checks):6.2f} s   report median {statistics.median(reports):5.2f} s   "
          f"commit median {statistics.median(commits):5.2f} s   "
          f"({runs} runs; {rows / statistics.median(checks):,.0f} rows/s)")


def main() -> None:
    plan = load_plan(DEFAULT_TARGETS)
    geo = load_geography(plan)
    timed("UTF-8 CSV, 100,000 rows", "villages.csv", csv_bytes(100_000), plan, geo, runs=3)
    timed(".xlsx, 20,000 rows", "villages.xlsx", xlsx_bytes(20_000), plan, geo, runs=3)


if __name__ == "__main__":
    main()
