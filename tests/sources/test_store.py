"""The versioned store (DuckLake under <folder>/store/): slices owned per upload, exact change counts, rollback as
a new version, the folder's own files underneath, rosters() / stamp() seeing every commit, and faults (catalog
deleted or damaged, data files deleted or swapped, originals altered) reported in Chinese, never as other figures."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import filelock
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from plan_monitor.errors import DataError
from plan_monitor.metrics.scorecard import compute_scorecard
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS, ROOT
from plan_monitor.present.history import diff_table, version_table
from plan_monitor.sources import Store, StoreBusy, StoreConflict, load_rosters, open_store
from plan_monitor.sources.store import _lake
from plan_monitor.sources.tables import cut_off, empty_table
from plan_monitor.spec.plan import load_plan
from plan_monitor.spec.templates import COUNTY_STATS, VILLAGE

pytestmark = pytest.mark.usefixtures("catalog_kind")  # every test on the SQLite and on a PostgreSQL catalog


def only(kind: str):
    """A test about one catalog's own kind of fault (the SQLite file; the PostgreSQL database): its counterpart for
    the other catalog is the test next to it."""
    return pytest.mark.parametrize("catalog_kind", [kind], indirect=True)


YE = date(2024, 12, 31)
Q2 = date(2024, 6, 30)


def villages(*rows: tuple) -> pa.Table:
    """(county, town, village, as_of, income) → village rows of 2024."""
    return pa.Table.from_pylist(
        [{"year": 2024, "as_of": a, "county": c, "town": t, "village": v, "unit_type": "村", "is_demo": False,
          "income_wan": i, "reserve_cadres": 2} for c, t, v, a, i in rows],
        schema=empty_table(VILLAGE).schema)


def ordered(table: pa.Table) -> list[dict]:
    return sorted(table.to_pylist(), key=lambda r: (r["county"], r["town"], r["village"], str(r["as_of"])))


@pytest.fixture
def folder(tmp_path) -> Path:
    """A data folder with one base file: county 甲 (three villages) and 乙 (one), 2024 year-end, 统计截至 blank."""
    base = villages(("甲", "一镇", "村1", None, 10.0), ("甲", "一镇", "村2", None, 20.0),
                    ("甲", "二镇", "村3", None, 30.0), ("乙", "三镇", "村9", None, 90.0))
    pq.write_table(base, tmp_path / "village_2024.parquet")
    return tmp_path


def commit(store: Store, rows: pa.Table, base: int | None = None, **kw) -> dict:
    return store.commit(template_key="village", rows=rows, original=kw.pop("original", b"bytes"),
                        file_name=kw.pop("file_name", "村.xlsx"), user=kw.pop("user", "张三"),
                        base=store.head() if base is None else base, **kw)


UPLOAD_1 = (("甲", "一镇", "村1", YE, 10.0), ("甲", "一镇", "村2", YE, 25.0), ("甲", "二镇", "村4", YE, 40.0))


def test_a_folder_without_a_store_reads_its_files_and_creates_nothing(folder):
    store = open_store(folder)
    assert store.head() == 0 and store.entries() == [] and store.owners() == {}
    assert ordered(store.current("villages")) == ordered(pq.read_table(folder / "village_2024.parquet"))
    rosters = load_rosters(folder)
    assert rosters.store_head == 0 and len(rosters.tables["villages"]) == 4
    assert not (folder / "store").exists()


def test_commit_owns_its_slices_drops_missing_units_and_counts_changes(folder, catalog_kind):
    store = open_store(folder)
    original = "年度,县\n2024,甲\n".encode()
    entry = commit(store, villages(*UPLOAD_1), original=original, file_name="../甲县/村.csv", note="一季度")
    assert entry["id"] == 1 and entry["kind"] == "upload" and store.head() == 1
    assert entry["scope"] == [["甲", 2024, "2024-12-31"]] and entry["counties"] == ["甲"] and entry["years"] == [2024]
    assert entry["changes"] == {"new": 1, "changed": 1, "unchanged": 1, "removed": 1}  # 村4 / 村2 / 村1 / 村3
    assert entry["rows"] == 3 and entry["template"] == "village" and entry["table"] == "villages"
    assert entry["sha256"] == hashlib.sha256(original).hexdigest() and entry["size"] == len(original)
    assert entry["note"] == "一季度" and entry["user"] == "张三" and "T" in entry["at"] and entry["at"][-6] in "+-"
    kept = folder / "store" / entry["original"]
    assert kept.parent == folder / "store" / "originals" and kept.read_bytes() == original
    assert kept.name.endswith("-村.csv") and entry["sha256"][:8] in kept.name
    assert open_store(folder).entries() == [entry]
    assert (folder / "store" / "catalog.sqlite").is_file() != catalog_kind.pg  # PostgreSQL: the catalog is there

    assert store.owners() == {("villages", "甲", 2024, YE): 1}
    current = ordered(store.current("villages"))
    assert [(r["village"], r["income_wan"], r["as_of"]) for r in current] == [
        ("村9", 90.0, None), ("村1", 10.0, YE), ("村2", 25.0, YE), ("村4", 40.0, YE)]  # 村3 gone, 乙 from the base file


def test_a_second_report_date_is_its_own_slice_and_both_show(folder):
    store = open_store(folder)
    commit(store, villages(*UPLOAD_1))
    entry = commit(store, villages(("甲", "一镇", "村1", Q2, 5.0)))
    assert entry["changes"] == {"new": 1, "changed": 0, "unchanged": 0, "removed": 0}
    assert store.owners() == {("villages", "甲", 2024, YE): 1, ("villages", "甲", 2024, Q2): 2}
    assert len(store.current("villages")) == 5
    # re-uploading 6-30 leaves the year-end slice alone
    commit(store, villages(("甲", "一镇", "村1", Q2, 6.0), ("甲", "一镇", "村2", Q2, 7.0)))
    assert sorted(r["income_wan"] for r in store.current("villages").to_pylist() if r["as_of"] == Q2) == [6.0, 7.0]
    assert len(store.current("villages")) == 6


def test_rollback_is_a_new_version_that_restores_exact_rows(folder):
    store = open_store(folder)
    base_rows = ordered(store.current("villages"))
    commit(store, villages(*UPLOAD_1))
    after_1 = ordered(store.current("villages"))
    commit(store, villages(("甲", "一镇", "村1", YE, 11.0)))  # drops 村2 and 村4
    commit(store, villages(("乙", "三镇", "村9", YE, 99.0)))
    assert len(store.current("villages")) == 2

    back = store.rollback(1, user="李四", base=3)
    assert back["id"] == 4 and back["kind"] == "rollback" and back["rollback_to"] == 1 and back["user"] == "李四"
    assert ordered(store.current("villages")) == after_1
    assert store.owners() == store.owners(1)
    # 甲: 村1 changed back, 村2 and 村4 reappear; 乙: the base file's row returns
    assert back["changes"] == {"new": 2, "changed": 2, "unchanged": 0, "removed": 0}
    assert back["scope"] == [["villages", "乙", 2024, "2024-12-31"], ["villages", "甲", 2024, "2024-12-31"]]

    zero = store.rollback(0, user="李四", base=4)
    assert zero["id"] == 5 and store.owners() == {}
    assert ordered(store.current("villages")) == base_rows  # blank 统计截至 as in the file, not 12-31
    # nothing was deleted: every version still reads as it showed, and the catalog lists all five versions
    assert [e["id"] for e in store.entries()] == [1, 2, 3, 4, 5]
    assert ordered(store.current("villages", at=3)) != base_rows and len(store.current("villages", at=3)) == 2
    assert store.check() == []
    # rolling back to a rollback replays the state it set
    store.rollback(4, user="王五", base=5)
    assert ordered(store.current("villages")) == after_1
    assert store.owners() == store.owners(4) == store.owners(1) == {("villages", "甲", 2024, YE): 1}


def test_rollback_refuses_no_op_future_and_stale_base(folder):
    store = open_store(folder)
    commit(store, villages(*UPLOAD_1))
    with pytest.raises(DataError, match="早于当前版本"):
        store.rollback(1, user="李四", base=1)
    commit(store, villages(("乙", "三镇", "村9", YE, 99.0)))
    with pytest.raises(StoreConflict, match=r"当前版本 v2，您核对时为 v1"):
        store.rollback(0, user="李四", base=1)
    store.rollback(1, user="李四", base=2)
    with pytest.raises(DataError, match="无需回退"):
        store.rollback(1, user="李四", base=3)  # version 3 shows exactly what version 1 showed
    assert store.head() == 3


def test_diff_lists_what_a_version_changed_with_old_and_new_values(folder):
    store = open_store(folder)
    entry = commit(store, villages(*UPLOAD_1))
    diff = store.diff(1)
    by_village = {r["village"]: r for r in diff.to_dict("records")}
    assert set(by_village) == {"村2", "村3", "村4"}  # unchanged 村1 not listed
    assert by_village["村2"]["status"] == "changed" and by_village["村2"]["changes"] == [("income_wan", 20.0, 25.0)]
    assert by_village["村3"]["status"] == "removed" and by_village["村4"]["status"] == "new"
    assert by_village["村4"]["as_of"] == YE and by_village["村4"]["table"] == "villages"
    counts = diff["status"].value_counts().to_dict()
    assert counts == {k: v for k, v in entry["changes"].items() if v and k != "unchanged"}

    store.rollback(0, user="李四", base=1)
    back = store.diff(2)
    assert sorted(zip(back["status"], back["village"])) == [("changed", "村2"), ("new", "村3"), ("removed", "村4")]

    shown = diff_table(diff)
    assert list(shown.columns) == ["变化", "报表类型", "县（市、区）", "乡镇（街道）", "村（社区）", "年度", "统计截至", "变化内容"]
    changed = shown[shown["村（社区）"] == "村2"].iloc[0]
    assert changed["变化"] == "修改" and changed["报表类型"] == "村（社区）情况统计表"
    assert changed["变化内容"] == "村集体经济收入（万元）：20 → 25" and changed["统计截至"] == "2024-12-31"
    with pytest.raises(DataError):
        store.diff(3)


def test_version_table_marks_the_current_version_newest_first(folder):
    store = open_store(folder)
    commit(store, villages(*UPLOAD_1), note="首次")
    store.rollback(0, user="李四", base=1)
    table = version_table(store.entries())
    assert list(table["版本"]) == [2, 1] and list(table["状态"]) == ["当前", ""]
    first = table.iloc[1]
    assert (first["操作"], first["提交人"], first["文件"], first["内容"], first["县（市、区）"], first["年度"],
            first["统计截至"]) == ("上传", "张三", "村.xlsx", "村（社区）情况统计表", "甲", "2024年", "2024-12-31")
    assert (first["新增"], first["修改"], first["未变"], first["删除"], first["备注"]) == (1, 1, 1, 1, "首次")
    assert len(first["SHA-256"]) == 12
    assert table.iloc[0][["操作", "内容", "文件"]].tolist() == ["回退", "回退到版本 0", "—"]


def test_overlapping_commit_on_a_stale_base_conflicts_disjoint_lands(folder):
    store = open_store(folder)
    commit(store, villages(*UPLOAD_1))
    with pytest.raises(StoreConflict) as err:
        commit(store, villages(("甲", "一镇", "村1", YE, 1.0)), base=0)
    assert err.value.zh == "数据已被他人更新（当前版本 v1，您核对时为 v0），请重新核对预览后再提交"
    entry = commit(store, villages(("乙", "三镇", "村9", YE, 1.0)), base=0)  # 乙 untouched since v0
    assert entry["id"] == 2
    store.rollback(1, user="李四", base=2)
    with pytest.raises(StoreConflict):  # a rollback after the preview touches everything
        commit(store, villages(("乙", "三镇", "村9", Q2, 1.0)), base=2)
    with pytest.raises(StoreConflict):
        commit(store, villages(("乙", "三镇", "村9", Q2, 1.0)), base=7)
    assert store.head() == 3


def test_lock_held_elsewhere_times_out_with_a_chinese_message(folder):
    store = open_store(folder)
    commit(store, villages(*UPLOAD_1))
    with filelock.FileLock(folder / "store" / ".lock"):
        with pytest.raises(StoreBusy) as err:
            commit(store, villages(("乙", "三镇", "村9", YE, 1.0)), lock_timeout=0.2)
    assert err.value.zh == "另一位用户正在提交数据，请稍后重试" and isinstance(err.value, StoreConflict)
    assert store.head() == 1


def test_commit_rejects_empty_and_unknown_and_fills_blank_as_of(folder):
    store = open_store(folder)
    with pytest.raises(DataError, match="没有数据行"):
        commit(store, villages())
    with pytest.raises(DataError, match="未知的报表类型"):
        store.commit(template_key="nope", rows=villages(*UPLOAD_1), original=b"", file_name="x", user="u", base=0)
    entry = commit(store, villages(("甲", "一镇", "村1", None, 10.0)))
    assert entry["scope"] == [["甲", 2024, "2024-12-31"]]
    assert [r["as_of"] for r in store.current("villages").to_pylist() if r["county"] == "甲"] == [YE]


def test_leftovers_of_killed_commits_are_ignored_then_swept(folder, catalog_kind):
    store = open_store(folder)
    commit(store, villages(*UPLOAD_1))
    before = ordered(store.current("villages"))
    root = folder / "store"
    kept = {p.name for p in (root / "data").rglob("*.parquet")}
    stray = [root / "data" / "main" / "villages" / "ducklake-half-written.parquet",
             root / "originals" / "v000002-deadbeef-x.csv", root / "originals" / ".v000002-x.csv.y.tmp"]
    for path in stray:
        path.write_bytes(b"half")
        if catalog_kind.pg:  # a shared data path: only what is older than SWEEP_AGE may be another machine's
            old = time.time() - _lake.SWEEP_AGE - 60
            os.utime(path, (old, old))
    young = root / "originals" / "v000002-cafecafe-y.csv"  # on a shared path: maybe another machine's, landing now
    young.write_bytes(b"half")
    assert ordered(store.current("villages")) == before and store.head() == 1 and store.check() == []
    entry = commit(store, villages(("乙", "三镇", "村9", YE, 1.0)))
    assert entry["original"].startswith("originals/v000002-")
    assert not any(p.exists() for p in stray)
    assert young.exists() == catalog_kind.pg
    young.unlink(missing_ok=True)
    assert kept < {p.name for p in (root / "data").rglob("*.parquet")}
    assert sorted(p.name for p in (root / "originals").iterdir()) == sorted(
        Path(e["original"]).name for e in store.entries())


def test_base_files_fill_every_slice_no_version_owns(folder):
    store = open_store(folder)
    commit(store, villages(*UPLOAD_1))
    version = open_store(folder).stamp()
    # an analyst replaces the base file: 乙's slice follows the file, 甲's stays with the upload
    pq.write_table(villages(("甲", "一镇", "村1", None, 0.0), ("乙", "三镇", "村9", None, 91.0),
                            ("乙", "三镇", "村8", None, 81.0)), folder / "village_2024.parquet")
    assert open_store(folder).stamp() != version
    rows = {(r["county"], r["village"]): r["income_wan"] for r in load_rosters(folder).tables["villages"].to_pylist()}
    assert rows == {("甲", "村1"): 10.0, ("甲", "村2"): 25.0, ("甲", "村4"): 40.0, ("乙", "村9"): 91.0, ("乙", "村8"): 81.0}


def test_other_tables_are_stored_and_read_with_their_own_keys(folder):
    store = open_store(folder)
    stats = pa.Table.from_pylist([{"year": 2024, "as_of": Q2, "county": "甲", "shared_sites": 3}],
                                 schema=empty_table(COUNTY_STATS).schema)
    entry = store.commit(template_key="county_stats", rows=stats, original=b"x", file_name="县.csv", user="u", base=0)
    assert entry["changes"]["new"] == 1 and store.owners() == {("county_stats", "甲", 2024, Q2): 1}
    rosters = load_rosters(folder)
    assert rosters.tables["county_stats"].to_pylist()[0]["shared_sites"] == 3
    assert len(rosters.tables["villages"]) == 4 and rosters.store_head == 1
    assert rosters.tables["county_stats"].schema == empty_table(COUNTY_STATS).schema


# ---------------------------------------------------------------- the bundled demo


@pytest.fixture
def demo_copy(tmp_path) -> Path:
    return Path(shutil.copytree(DEFAULT_DATA, tmp_path / "demo"))


def slice_of(table: pa.Table, county: str, as_of: date) -> pa.Table:
    return table.filter(pc.and_(pc.equal(table["county"], county),
                                pc.equal(table["as_of"], pa.scalar(as_of, pa.date32()))))


def test_load_rosters_shows_a_committed_county_report_and_folder_version_moves(demo_copy):
    before = load_rosters(demo_copy)
    version = open_store(demo_copy).stamp()
    q3 = date(2024, 9, 30)
    old = slice_of(before.tables["villages"], "监利市", q3)
    assert len(old) == 516
    new = old.slice(1).set_column(old.schema.get_field_index("income_wan"), "income_wan",
                                  pc.add(old.slice(1)["income_wan"], 1.0))
    entry = open_store(demo_copy).commit(template_key="village", rows=new, original=b"x", file_name="监利.xlsx",
                                    user="张三", base=0)
    changed = pc.sum(pc.is_valid(old.slice(1)["income_wan"])).as_py()
    # The unit left out of the 09-30 slice without a removal marker is not removed: read as of 09-30 it is its
    # 06-30 report now (whose values differ), so it counts as changed, never as 删除 while readers still see it.
    assert entry["changes"] == {"new": 0, "changed": changed + 1, "unchanged": 515 - changed, "removed": 0}
    assert open_store(demo_copy).stamp() != version
    after = load_rosters(demo_copy)
    assert after.store_head == 1 and after.version != before.version
    assert len(after.tables["villages"]) == len(before.tables["villages"]) - 1
    assert ordered(slice_of(after.tables["villages"], "监利市", q3)) == ordered(new)
    assert ordered(slice_of(after.tables["villages"], "洪湖市", q3)) == ordered(
        slice_of(before.tables["villages"], "洪湖市", q3))
    assert cut_off(after, date(2024, 6, 30)).store_head == 1


def test_recommitting_a_year_end_report_changes_nothing_in_the_scorecard(demo_copy):
    """A stored report has 统计截至 filled (12-31) where the base file left it blank: the figures must not move."""
    plan = load_plan(DEFAULT_TARGETS)
    before = load_rosters(demo_copy)
    card = compute_scorecard(plan, before).rows
    villages_2023 = before.tables["villages"].filter(pc.and_(pc.equal(before.tables["villages"]["year"], 2023),
                                                             pc.equal(before.tables["villages"]["county"], "公安县")))
    entry = open_store(demo_copy).commit(template_key="village", rows=villages_2023, original=b"x", file_name="公安.csv",
                                    user="张三", base=0)
    assert entry["changes"] == {"new": 0, "changed": 0, "unchanged": len(villages_2023), "removed": 0}
    after = load_rosters(demo_copy)
    assert after.store_head == 1
    assert set(slice_of(after.tables["villages"], "公安县", date(2023, 12, 31))["year"].to_pylist()) == {2023}
    again = compute_scorecard(plan, after).rows
    cols = ["indicator_id", "level", "county", "town", "year", "actual", "target"]
    assert again[cols].equals(card[cols])


# ---------------------------------------------------------------- faults


def data_file(folder: Path, version: int) -> Path:
    """The one Parquet file a village upload wrote (DuckLake names it; the rows carry their version id)."""
    found = [p for p in (folder / "store" / "data" / "main" / "villages").rglob("*.parquet")
             if set(pq.read_table(p, columns=["_version"])["_version"].to_pylist()) == {version}]
    assert len(found) == 1
    return found[0]


UPLOAD_2 = (("乙", "三镇", "村9", YE, 99.0),)


def refused_writes(folder: Path, match: str, base: int = 2) -> None:
    """No write proceeds, and none leaves anything behind."""
    before = sorted(p.relative_to(folder) for p in folder.rglob("*") if p.name != ".lock")
    with pytest.raises(DataError, match=match):
        commit(open_store(folder), villages(("乙", "三镇", "村9", Q2, 1.0)), base=base)
    with pytest.raises(DataError, match=match):
        open_store(folder).rollback(0, user="李四", base=base)
    assert sorted(p.relative_to(folder) for p in folder.rglob("*") if p.name != ".lock") == before


def store_check(folder: Path) -> list[str]:
    """`python -m plan_monitor store check` in a process of its own (the catalog setting passed on in its
    environment): it must exit 2 and print the problems in Chinese, which are returned."""
    done = subprocess.run([sys.executable, "-m", "plan_monitor", "store", "check", "--data", str(folder)], cwd=ROOT,
                          env={**os.environ}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    return done.stdout.splitlines()


def test_a_missing_version_file_is_a_chinese_data_error(folder):
    store = open_store(folder)
    commit(store, villages(*UPLOAD_1))
    commit(store, villages(*UPLOAD_2))
    data_file(folder, 1).unlink()
    message = "数据版本 1 的数据文件缺失或损坏，无法读取，请联系管理员从备份恢复"
    with pytest.raises(DataError) as err:
        load_rosters(folder)
    assert err.value.zh == message
    assert open_store(folder).check() == [message] == store_check(folder)
    assert open_store(folder).history().head == 2  # the history itself still reads
    refused_writes(folder, "数据版本 1 的数据文件缺失或损坏")


def test_a_swapped_data_file_is_reported_never_read_as_other_figures(folder):
    store = open_store(folder)
    commit(store, villages(*UPLOAD_1))
    commit(store, villages(*UPLOAD_2))
    first, second = data_file(folder, 1), data_file(folder, 2)
    shutil.copyfile(second, first)  # version 2's file in version 1's place
    message = ("数据版本 1 的数据与提交时记录的校验值不符（数据文件被改动或替换），请联系管理员从备份恢复；"
               "在此之前不显示这些数据")
    with pytest.raises(DataError) as err:
        load_rosters(folder)
    either = (message, "数据版本 1 的数据文件缺失或损坏，无法读取，请联系管理员从备份恢复")
    assert err.value.zh in either
    problems = open_store(folder).check()
    assert len(problems) == 1 and problems[0] == err.value.zh
    # a process of its own may read the swapped file without DuckDB's cached view of it: either message
    printed = store_check(folder)
    assert len(printed) == 1 and printed[0] in either
    # a file rewritten with the same version id and other figures is caught by the checksum
    path = second
    rows = pq.read_table(path)
    pq.write_table(rows.set_column(rows.schema.get_field_index("income_wan"), "income_wan",
                                   pa.array([98.0], pa.float64())), path)
    assert open_store(folder).check()[-1].startswith("数据版本 2 的数据")
    refused_writes(folder, "数据版本 1 的数据")


def test_an_altered_original_is_reported_on_the_next_read_and_blocks_writes(folder):
    store = open_store(folder)
    first = commit(store, villages(*UPLOAD_1), original=b"the file as uploaded")
    commit(store, villages(*UPLOAD_2))
    assert load_rosters(folder).store_head == 2
    kept = folder / "store" / first["original"]
    kept.write_bytes(b"the file as altered!")  # same size
    message = f"数据版本 1 的原始文件 {kept.name} 与提交时记录的 SHA-256 不符（已被改动或替换），请联系管理员从备份恢复"
    with pytest.raises(DataError) as err:
        load_rosters(folder)
    assert err.value.zh == message
    assert open_store(folder).check() == [message] == store_check(folder)
    refused_writes(folder, "SHA-256 不符")
    kept.unlink()
    assert open_store(folder).check() == [f"数据版本 1 的原始文件 {kept.name} 缺失，请联系管理员从备份恢复"]


@only("sqlite")
def test_a_deleted_catalog_stops_reads_and_writes_and_never_starts_a_new_history(folder):
    store = open_store(folder)
    commit(store, villages(*UPLOAD_1))
    commit(store, villages(*UPLOAD_2))
    catalog = folder / "store" / "catalog.sqlite"
    saved = catalog.read_bytes()
    catalog.unlink()
    message = (f"数据版本库 {catalog} 缺失，但数据目录中仍有已上传的数据和原始文件：版本历史无法读取。"
               "请联系管理员从备份恢复该文件；恢复之前不显示数据，也不能提交或回退")
    for read in (load_rosters, lambda f: open_store(f).history(), lambda f: open_store(f).current("villages"),
                 lambda f: store.entries()):  # a store opened before the deletion too
        with pytest.raises(DataError) as err:
            read(folder)
        assert err.value.zh == message
    assert open_store(folder).check() == [message] == store_check(folder)
    with pytest.raises(DataError) as err:
        commit(open_store(folder), villages(("乙", "三镇", "村9", Q2, 1.0)), base=0)
    assert err.value.zh == message and not catalog.exists()
    # restored from the backup, everything is back as it was
    catalog.write_bytes(saved)
    assert load_rosters(folder).store_head == 2 and store.check() == []
    assert commit(store, villages(("乙", "三镇", "村9", Q2, 1.0)))["id"] == 3


@only("sqlite")
def test_a_damaged_catalog_is_a_chinese_data_error(folder):
    store = open_store(folder)
    commit(store, villages(*UPLOAD_1))
    catalog = folder / "store" / "catalog.sqlite"
    catalog.write_bytes(b"not a database" * 100)
    with pytest.raises(DataError) as err:
        load_rosters(folder)
    assert err.value.zh.startswith(f"数据版本库 {catalog} 已损坏，无法读取。请联系管理员从备份恢复该文件")
    with pytest.raises(DataError, match="已损坏"):
        commit(open_store(folder), villages(*UPLOAD_2), base=1)


@only("postgres")
def test_a_dropped_catalog_database_stops_reads_and_writes_and_never_starts_a_new_history(folder, catalog_kind):
    """The PostgreSQL counterpart of a deleted catalog file: the database is dropped on the server (connections
    cut), then recreated empty by an administrator, then restored from a backup."""
    server, name = catalog_kind.server, catalog_kind.dbname
    store = open_store(folder)
    commit(store, villages(*UPLOAD_1))
    commit(store, villages(*UPLOAD_2))
    backup = server.dump(name)
    server.dropdb(name)
    gone = f"无法连接或读取数据版本库 PostgreSQL {catalog_kind.url}："
    for read in (load_rosters, lambda f: open_store(f).history(), lambda f: open_store(f).current("villages"),
                 lambda f: store.entries()):  # a store opened before the drop too
        with pytest.raises(DataError) as err:
            read(folder)
        assert err.value.zh.startswith(gone) and err.value.zh.endswith("恢复之前不显示数据，也不能提交或回退")
    assert open_store(folder).check()[0].startswith(gone) and store_check(folder)[0].startswith(gone)
    refused_writes(folder, "无法连接或读取数据版本库", base=0)

    # an empty database of the same name: the history is still missing, never started over
    server.psql(f'CREATE DATABASE "{name}"')
    empty = (f"数据版本库 PostgreSQL {catalog_kind.url} 中没有版本记录，但共享数据目录 {folder / 'store'} 中仍有已上传的"
             "数据和原始文件")
    with pytest.raises(DataError) as err:
        load_rosters(folder)
    assert err.value.zh.startswith(empty)
    assert open_store(folder).check() == [err.value.zh] == store_check(folder)
    refused_writes(folder, "中没有版本记录", base=0)
    assert server.psql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", name).strip() == "0"

    # restored from the backup, everything is back as it was
    server.dropdb(name)
    server.restore(name, backup)
    assert load_rosters(folder).store_head == 2 and store.check() == []
    assert commit(store, villages(("乙", "三镇", "村9", Q2, 1.0)))["id"] == 3


@only("postgres")
def test_a_damaged_catalog_database_is_a_chinese_data_error(folder, catalog_kind):
    """The PostgreSQL counterpart of a damaged catalog file: DuckLake's own tables in the database are broken."""
    store = open_store(folder)
    commit(store, villages(*UPLOAD_1))
    catalog_kind.server.psql("DROP TABLE ducklake_snapshot CASCADE", catalog_kind.dbname)
    with pytest.raises(DataError) as err:
        load_rosters(folder)
    assert err.value.zh.startswith(f"无法连接或读取数据版本库 PostgreSQL {catalog_kind.url}")
    assert store_check(folder) == [err.value.zh]
    refused_writes(folder, "无法连接或读取数据版本库", base=1)


def test_a_folder_store_is_imported_once_with_the_same_versions_and_figures(folder):
    """A store the earlier folder engine wrote (manifest.json + versions/*.parquet) becomes the DuckLake's history."""
    entries, files = [], {}
    for vid, (rows, at) in enumerate([(villages(*UPLOAD_1), "2024-01-02T10:00:00+08:00"),
                                      (villages(*UPLOAD_2), "2024-01-03T10:00:00+08:00")], start=1):
        parquet, original = f"versions/v{vid:06d}.parquet", f"originals/v{vid:06d}-x-村.csv"
        files[parquet], files[original] = rows, f"file {vid}".encode()
        entries.append({"id": vid, "kind": "upload", "user": "张三", "role": None, "at": at, "file_name": "村.csv",
                        "sha256": hashlib.sha256(f"file {vid}".encode()).hexdigest(), "size": 6,
                        "template": "village", "table": "villages", "rows": len(rows),
                        "scope": [[rows["county"][0].as_py(), 2024, "2024-12-31"]], "counties": [], "years": [2024],
                        "parquet": parquet, "original": original, "changes": {}, "warnings_confirmed": 0,
                        "rollback_to": None, "note": ""})
    entries.append({**entries[0], "id": 3, "kind": "rollback", "rollback_to": 0, "parquet": None, "original": None,
                    "scope": [["villages", "乙", 2024, "2024-12-31"], ["villages", "甲", 2024, "2024-12-31"]]})
    entries.append({**entries[2], "id": 4, "rollback_to": 2})
    root = folder / "store"
    for sub in ("versions", "originals"):
        (root / sub).mkdir(parents=True)
    for name, content in files.items():
        if isinstance(content, bytes):
            (root / name).write_bytes(content)
        else:
            pq.write_table(content, root / name)
    (root / "manifest.json").write_text(json.dumps({"format": 1, "entries": entries}, ensure_ascii=False), "utf-8")

    store = open_store(folder)
    assert [{k: v for k, v in e.items()} for e in store.entries()] == [
        {k: v for k, v in e.items() if k != "parquet"} for e in entries]
    assert not (root / "manifest.json").exists() and (root / "manifest.imported.json").exists()
    assert (root / "versions" / "v000001.parquet").exists()  # the old files stay
    rows = {(r["county"], r["village"]): r["income_wan"] for r in load_rosters(folder).tables["villages"].to_pylist()}
    assert rows == {("甲", "村1"): 10.0, ("甲", "村2"): 25.0, ("甲", "村4"): 40.0, ("乙", "村9"): 99.0}
    assert ordered(store.current("villages", at=3)) == ordered(store.current("villages", at=0))
    assert store.check() == []
    assert open_store(folder).head() == 4  # opened again: nothing imported twice


def test_store_check_command_reports_each_problem_in_chinese(folder, capsys):
    from plan_monitor.cli import main

    store = open_store(folder)
    first = commit(store, villages(*UPLOAD_1), original=b"one")
    commit(store, villages(*UPLOAD_2))
    assert main(["store", "check", "--data", str(folder)]) == 0
    assert capsys.readouterr().out.strip() == "数据版本库完好：2 个版本，数据与原始文件均与提交时一致"
    (folder / "store" / first["original"]).write_bytes(b"two")
    data_file(folder, 2).unlink()
    assert main(["store", "check", "--data", str(folder)]) == 2
    assert capsys.readouterr().out.splitlines() == [
        f"数据版本 1 的原始文件 {Path(first['original']).name} 与提交时记录的 SHA-256 不符（已被改动或替换），请联系管理员从备份恢复",
        "数据版本 2 的数据文件缺失或损坏，无法读取，请联系管理员从备份恢复"]
