"""`python -m plan_monitor store migrate`: the earlier file store (store/manifest.json + versions/*.parquet) is
imported into DuckLake by command, with the same versions and figures, and a second run changes nothing."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from plan_monitor.cli import main
from plan_monitor.sources import load_rosters, open_store
from plan_monitor.sources.tables import empty_table
from plan_monitor.spec.templates import VILLAGE

YE = date(2024, 12, 31)


def villages(*rows: tuple) -> pa.Table:
    return pa.Table.from_pylist(
        [{"year": 2024, "as_of": a, "county": c, "town": t, "village": v, "unit_type": "村", "is_demo": False,
          "income_wan": i, "reserve_cadres": 2} for c, t, v, a, i in rows], schema=empty_table(VILLAGE).schema)


@pytest.fixture
def legacy(tmp_path) -> Path:
    """A data folder whose store the folder engine wrote: base 甲 村1/村2, then v1 (甲 corrected), v2 (乙 added)."""
    pq.write_table(villages(("甲", "一镇", "村1", None, 10.0), ("甲", "一镇", "村2", None, 20.0)),
                   tmp_path / "village_2024.parquet")
    root = tmp_path / "store"
    (root / "versions").mkdir(parents=True)
    (root / "originals").mkdir()
    entries = []
    for vid, rows in enumerate([villages(("甲", "一镇", "村1", YE, 11.0), ("甲", "一镇", "村2", YE, 22.0)),
                                villages(("乙", "三镇", "村9", YE, 99.0))], start=1):
        parquet, original = f"versions/v{vid:06d}.parquet", f"originals/v{vid:06d}-x-村.csv"
        pq.write_table(rows, root / parquet)
        (root / original).write_bytes(f"file {vid}".encode())
        entries.append({"id": vid, "kind": "upload", "user": "张三", "role": None, "at": f"2024-01-0{vid}T10:00:00+08:00",
                        "file_name": "村.csv", "sha256": hashlib.sha256(f"file {vid}".encode()).hexdigest(), "size": 6,
                        "template": "village", "table": "villages", "rows": len(rows),
                        "scope": [[rows["county"][0].as_py(), 2024, "2024-12-31"]], "counties": [], "years": [2024],
                        "parquet": parquet, "original": original, "changes": {}, "warnings_confirmed": 0,
                        "rollback_to": None, "note": ""})
    (root / "manifest.json").write_text(json.dumps({"format": 1, "entries": entries}, ensure_ascii=False), "utf-8")
    return tmp_path


def incomes(folder: Path) -> dict:
    return {(r["county"], r["village"]): r["income_wan"] for r in load_rosters(folder).tables["villages"].to_pylist()}


def test_migrate_imports_once_and_says_so_when_run_again(legacy, capsys):
    assert main(["store", "migrate", "--data", str(legacy)]) == 0
    assert capsys.readouterr().out.strip() == (
        "已导入旧版本库的 2 个版本（现共 2 个版本），导入前后各表数据一致；旧文件保留，manifest.json 已改名为 manifest.imported.json")
    assert incomes(legacy) == {("甲", "村1"): 11.0, ("甲", "村2"): 22.0, ("乙", "村9"): 99.0}
    assert [e["id"] for e in open_store(legacy).entries()] == [1, 2]
    assert (legacy / "store" / "versions" / "v000001.parquet").exists()  # the old files stay

    assert main(["store", "migrate", "--data", str(legacy)]) == 0
    out = capsys.readouterr().out
    assert "旧版本库已导入" in out and "无需再次导入；当前 2 个版本" in out
    assert [e["id"] for e in open_store(legacy).entries()] == [1, 2]


def test_migrate_without_a_legacy_store_changes_nothing(tmp_path, capsys):
    pq.write_table(villages(("甲", "一镇", "村1", None, 10.0)), tmp_path / "village_2024.parquet")
    assert main(["store", "migrate", "--data", str(tmp_path)]) == 0
    assert "没有需要导入的旧版本库" in capsys.readouterr().out
    assert not (tmp_path / "store").exists()


def test_a_damaged_legacy_version_stops_the_import_in_chinese(legacy, capsys):
    (legacy / "store" / "versions" / "v000002.parquet").write_bytes(b"not parquet")
    assert main(["store", "migrate", "--data", str(legacy)]) == 2
    err = capsys.readouterr().err
    assert "版本 2 的文件 v000002.parquet 缺失或损坏" in err and "Traceback" not in err
    assert (legacy / "store" / "manifest.json").exists()  # not marked imported
