"""Hostile and broken files (issue 13): time, peak memory and message of each, and the .xlsx reader old vs new.

Every case runs in a fresh interpreter (`--case KEY`), so its peak memory (VmHWM) is its own: read + check +
preview against a copy of the demo data, exactly what the upload page does on upload. The cases are the test
corpus (tests/hostile_files.py) plus a few at the size limits that are too slow for the test suite. Then the
20,000-row .xlsx of bench/ingest_bench.py is read by the old reader (openpyxl read-only, bench/legacy_xlsx.py) and
the new one (ingest/xlsx_rows.py), median of 3 each, in this same run.

Run: .venv/bin/python bench/hostile_bench.py [--quick]   (--quick: the test corpus only)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.hostile_files import HEADER, ROWS, Case, corpus, peak_mb, sheet_xml, xlsx  # noqa: E402

CEILING_MB, CEILING_S = 500, 30


def _real_rows(n: int) -> list[list[str]]:
    from ingest_bench import roster_rows

    return roster_rows(n)[1]


def _big_csv(n: int) -> bytes:
    return ("\n".join(",".join(r) for r in [HEADER, *_real_rows(n)]) + "\n").encode("utf-8")


def _big_xlsx(n: int) -> bytes:
    """n real rows written straight as sheet XML (openpyxl would take minutes to write them)."""
    rows = _real_rows(n)

    def sheet(zf: zipfile.ZipFile) -> None:
        letters = "ABCDEFGHIJK"
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            head, tail = sheet_xml([]).split("</sheetData>")
            fh.write(head.encode())
            for i, row in enumerate(rows, start=2):
                cells = "".join(f'<c r="{letters[j]}{i}" t="inlineStr"><is><t>{v}</t></is></c>'
                                for j, v in enumerate(row) if v)
                fh.write(f'<row r="{i}">{cells}</row>'.encode())
            fh.write(("</sheetData>" + tail).encode())

    return xlsx(sheet)


def _empty_rows_xlsx(mb: int) -> bytes:
    """The issue's 185 KB file: a sheet of `mb` MB of empty rows."""
    def sheet(zf: zipfile.ZipFile) -> None:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            head, tail = sheet_xml(ROWS).split("</sheetData>")
            fh.write(head.encode())
            n, size = 5, 0
            while size < mb << 20:
                block = "".join(f'<row r="{r}"/>' for r in range(n, n + 10_000)).encode()
                fh.write(block)
                size += len(block)
                n += 10_000
            fh.write(("</sheetData>" + tail).encode())

    return xlsx(sheet)


def _one_town(n: int) -> bytes:
    """n new village names under one town: every one is compared with the town's villages gone from the file."""
    rows = [["2024", "2024-09-30", "沙市区", "中山路街道", f"新建{i}村", "村", "否", "", "10", "1", "0"] for i in range(n)]
    return ("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n").encode("utf-8")


def limit_cases() -> list[Case]:
    return [
        Case("one_town_50k", "一个街道5万村.csv", lambda: _one_town(50_000), "stored", "",
             "一个街道下 5 万个新村名（更名提示）"),
        Case("csv_200k_rows", "20万行.csv", lambda: _big_csv(200_000), "stored", "", "20 万行真实数据 CSV（上限内）"),
        Case("xlsx_200k_rows", "20万行.xlsx", lambda: _big_xlsx(200_000), "stored", "", "20 万行真实数据 .xlsx（上限内）"),
        Case("xlsx_210k_rows", "21万行.xlsx", lambda: _big_xlsx(210_000), "refused", "", "21 万行 .xlsx（超行数上限）"),
        Case("csv_50mb_commas", "5千万逗号.csv", lambda: b"," * 50_000_000 + b"\n", "refused", "",
             "一行 5,000 万个逗号（50 MB）"),
        Case("xlsx_110mb_empty_rows", "空行110MB.xlsx", lambda: _empty_rows_xlsx(110), "refused", "",
             "110 MB 空行的 .xlsx"),
    ]


def _reset_peak() -> bool:
    """Start VmHWM afresh at the current resident size (Linux: writing 5 to /proc/self/clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def run_case(key: str) -> dict:
    from plan_monitor.ingest.pipeline import check_upload
    from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
    from plan_monitor.sources import open_store
    from plan_monitor.spec.geography import load_geography
    from plan_monitor.spec.plan import load_plan

    case = {c.key: c for c in [*corpus(), *limit_cases()]}[key]
    data = case.make()
    plan = load_plan(DEFAULT_TARGETS)
    geo = load_geography(plan)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(DEFAULT_DATA, folder)
        store = open_store(folder)
        reset = _reset_peak()  # making the file is not the reader's memory
        base_mb = peak_mb()
        start = time.perf_counter()
        checked = check_upload(case.file_name, data, plan, geo, store)
        seconds = time.perf_counter() - start
    first = checked.errors[0].message if checked.errors else (
        f"可提交（{len(checked.rows)} 行，{len(checked.warnings)} 条警告）" if checked.can_commit else "无错误")
    return {"key": key, "what": case.what, "bytes": len(data), "seconds": seconds, "peak_mb": peak_mb(),
            "before_mb": base_mb, "reset": reset, "errors": len(checked.errors), "message": first}


def hostile_table(cases: list[Case]) -> None:
    print("| case | file | seconds | peak MB | message (first error, cut at 90 characters) |")  # noqa: T201
    print("|---|---:|---:|---:|---|")
    for case in cases:
        run = subprocess.run([sys.executable, __file__, "--case", case.key], capture_output=True, text=True,
                             cwd=ROOT, timeout=900)
        if run.returncode != 0:
            print(f"| {case.what} | | | | FAILED: {run.stderr.strip().splitlines()[-1]} |")
            continue
        r = json.loads(run.stdout.strip().splitlines()[-1])
        message = r["message"].replace("|", "/").replace("\n", " ")
        message = message if len(message) <= 90 else message[:90] + "…"
        over = " ⚠" if r["peak_mb"] > CEILING_MB or r["seconds"] > CEILING_S else ""
        size = f"{r['bytes'] / 2**20:.2f} MB" if r["bytes"] >= 2**20 / 100 else f"{r['bytes']:,} B"
        print(f"| {r['what']} | {size} | {r['seconds']:.2f} | {r['peak_mb']}{over} | {message} |", flush=True)


def shared_strings_xlsx(n: int) -> bytes:
    """The rows of ingest_bench.xlsx_bytes written by openpyxl's normal mode: text in the shared strings, as Excel
    and WPS save it (write-only mode writes each text inline)."""
    from ingest_bench import roster_rows
    from openpyxl import Workbook

    header, rows = roster_rows(n)
    wb = Workbook()
    ws = wb.active
    ws.title = "填报"
    ws.append(header)
    numeric = {0, 7, 8, 9, 10}
    for r in rows:
        ws.append([float(v) if i in numeric and v else (v or None) for i, v in enumerate(r)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def speedup(runs: int = 3) -> None:
    from ingest_bench import xlsx_bytes

    for label, data in (("inline text (openpyxl write-only, bench/ingest_bench.py)", xlsx_bytes(20_000)),
                        ("shared strings (as Excel and WPS save)", shared_strings_xlsx(20_000))):
        _speedup(label, data, runs)


def _speedup(file_label: str, data: bytes, runs: int) -> None:
    import legacy_xlsx

    from plan_monitor.ingest import read as read_module
    from plan_monitor.ingest import xlsx_rows

    def sheets(reader) -> float:
        start = time.perf_counter()
        book = reader.XlsxSheets("v.xlsx", data)
        body = book.body(0, 1, 11, 200_000)
        book.close()
        assert len(body) == 20_000
        return time.perf_counter() - start

    def whole(reader) -> float:
        read_module.XlsxSheets = reader.XlsxSheets
        try:
            start = time.perf_counter()
            parsed = read_module.read_upload("v.xlsx", data)
            assert parsed.table.num_rows == 20_000
            return time.perf_counter() - start
        finally:
            read_module.XlsxSheets = xlsx_rows.XlsxSheets

    rows = []
    for label, fn in (("rows of the sheet (XlsxSheets + body)", sheets), ("read_upload (rows + typing + notes)", whole)):
        old = statistics.median(fn(legacy_xlsx) for _ in range(runs))
        new = statistics.median(fn(xlsx_rows) for _ in range(runs))
        rows.append((label, old, new))
    print(f"\n.xlsx of 20,000 real rows, {file_label}, {len(data) / 2**20:.1f} MB, median of {runs}:\n")
    print("| step | old: openpyxl read-only, s | new: expat, s | speed-up |")
    print("|---|---:|---:|---:|")
    for label, old, new in rows:
        print(f"| {label} | {old:.2f} | {new:.2f} | {old / new:.1f}× |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case), ensure_ascii=False))
        return
    load = os.getloadavg()
    print(f"# hostile bench {time.strftime('%Y-%m-%d %H:%M')}  python {sys.version.split()[0]}  "
          f"load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}  ceiling {CEILING_MB} MB, {CEILING_S} s (⚠ over)\n")
    hostile_table(corpus() + ([] if args.quick else limit_cases()))
    speedup()


if __name__ == "__main__":
    main()
