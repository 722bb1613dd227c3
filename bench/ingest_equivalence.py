"""Every sample upload read and checked, its whole outcome saved, to compare two trees of the reader (issue 17).

    .venv/bin/python bench/ingest_equivalence.py save DIR      # before a change
    .venv/bin/python bench/ingest_equivalence.py check DIR     # after it: every case must give the same

Cases: every file in tests/data/uploads, the hostile corpus (tests/hostile_files.py), the published layouts
(tests/published_tables.py), problem files with every kind of problem (tests/ingest/test_distinct_paths.py) at
6,000 and 60,000 rows, and the bench files: 200,000-row UTF-8 and GB18030 CSVs and a 20,000-row .xlsx; each in both
upload modes. Saved per case: the text `ingest --dry-run` prints (header reading, notes, problems, preview), every
Issue and Note with all fields, the parsed table, row numbers, totals, typed rows, the stored result and the
preview frames (Parquet).
"""

from __future__ import annotations

import argparse
import pickle
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

from plan_monitor.ingest.pipeline import check_upload  # noqa: E402
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS  # noqa: E402
from plan_monitor.sources import open_store  # noqa: E402
from plan_monitor.spec.geography import load_geography  # noqa: E402
from plan_monitor.spec.plan import load_plan  # noqa: E402

TODAY = date(2026, 11, 1)


def cases() -> list[tuple[str, str, bytes]]:
    from ingest_bench import csv_bytes, xlsx_bytes

    from tests import hostile_files, published_tables
    from tests.ingest.test_distinct_paths import problem_file

    out = []
    for path in sorted((ROOT / "tests" / "data" / "uploads").iterdir()):
        if path.is_file() and path.suffix != ".py":
            out.append((f"uploads/{path.name}", path.name, path.read_bytes()))
    for case in hostile_files.corpus():
        out.append((f"hostile/{case.key}", case.file_name, case.make()))
    for name in ("village_funding", "town_counts", "note_above_header"):
        file_name, data = getattr(published_tables, name)()
        out.append((f"published/{name}", file_name, data))
    out.append(("problems/6000", "villages.csv", problem_file(6000)))
    out.append(("problems/60000", "villages.csv", problem_file(60_000)))
    big = csv_bytes(200_000)
    out.append(("bench/utf8_200k", "villages.csv", big))
    out.append(("bench/gb18030_200k", "villages.csv", big.decode("utf-8").encode("gb18030")))
    out.append(("bench/xlsx_20k", "villages.xlsx", xlsx_bytes(20_000)))
    return out


def outcome(checked) -> dict:
    """Everything the check gives, as plain values and Arrow tables."""
    parsed = checked.parsed
    text = []
    if parsed is not None:
        text.append(f"{parsed.template.title}，{len(checked.rows)} 行数据")
    if checked.reading is not None:
        text.append(f"表头：{checked.reading.summary()}")
        text += list(checked.reading.lines())
    text += [f"处理：{n.message}" for n in checked.notes]
    text += [" | ".join(map(str, r)) for r in checked.problems().itertuples(index=False)]
    if parsed is not None and checked.changes is not None:
        text.append(checked.summary().to_string(index=False))
    return {
        "text": "\n".join(text),
        "issues": [repr(i) for i in checked.issues],
        "notes": [repr(n) for n in checked.notes],
        "parsed": None if parsed is None else {
            "table": parsed.table, "row_numbers": list(parsed.row_numbers), "totals": repr(parsed.totals),
            "headers": parsed.headers, "header_row": parsed.header_row, "encoding": parsed.encoding,
            "raw_header": list(parsed.raw_header), "raw_rows": [(r, list(c)) for r, c in parsed.raw_rows],
            "tables": list(parsed.tables), "reading": repr(parsed.reading)},
        "rows": checked.rows,
        "result": checked.result,
        "changes": checked.changes,
        "summary": checked.summary(),
        "details": checked.details(),
        "new_reports": checked.new_reports,
        "unchanged": checked.unchanged,
        "can_commit": checked.can_commit,
    }


def run_all(only: str | None = None):
    plan = load_plan(DEFAULT_TARGETS)
    geo = load_geography(plan)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(DEFAULT_DATA, folder)
        store = open_store(folder)
        for key, file_name, data in cases():
            if only and only not in key:
                continue
            for mode in ("merge", "replace"):
                start = time.perf_counter()
                checked = check_upload(file_name, data, plan, geo, store, today=TODAY, mode=mode)
                yield f"{key}@{mode}", outcome(checked), time.perf_counter() - start


def differ(a, b, where: str) -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{where}: keys {sorted(a)} != {sorted(b)}"]
        return [d for k in a for d in differ(a[k], b[k], f"{where}.{k}")]
    if isinstance(a, pa.Table) or isinstance(b, pa.Table):
        if a is None or b is None or not a.equals(b, check_metadata=False):
            return [f"{where}: tables differ"]
        return []
    if isinstance(a, pd.DataFrame) or isinstance(b, pd.DataFrame):
        try:
            pd.testing.assert_frame_equal(a, b)
        except (AssertionError, TypeError) as exc:
            return [f"{where}: frames differ: {str(exc)[:300]}"]
        return []
    return [] if a == b else [f"{where}: {str(a)[:300]!r} != {str(b)[:300]!r}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "check"])
    parser.add_argument("folder")
    parser.add_argument("--only", default=None, help="only the cases whose key contains this")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    bad = 0
    for key, got, seconds in run_all(args.only):
        path = folder / (key.replace("/", "__") + ".pickle")
        if args.action == "save":
            path.write_bytes(pickle.dumps(got))
            print(f"saved {key} ({seconds:.2f} s)")
            continue
        want = pickle.loads(path.read_bytes())
        diffs = differ(want, got, key)
        bad += bool(diffs)
        print(f"{'SAME' if not diffs else 'DIFF'} {key} ({seconds:.2f} s)")
        for d in diffs[:10]:
            print("   ", d)
    if args.action == "check":
        print("all cases identical" if not bad else f"{bad} case(s) differ")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
