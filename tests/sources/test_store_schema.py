"""Roster templates change after data was stored: versions written before a template gained an optional column
still read (the new column is null for them), and a column a version file has but the template dropped is left
out. The templates are changed the way a release would change them: a new Template in the TEMPLATES registry
every reader looks up."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from plan_monitor.errors import DataError
from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.ingest.service import Actor, WriteService
from plan_monitor.metrics.monitor import Monitor
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS, ROOT
from plan_monitor.sources import open_store
from plan_monitor.sources.store import _lake
from plan_monitor.sources.tables import empty_table
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.templates import TEMPLATES, VILLAGE, Column, Template

UPLOAD = ROOT / "tests" / "data" / "uploads" / "village_gb18030_title.csv"  # 沙市区 and 监利市, 2023 year-end
pytestmark = pytest.mark.usefixtures("catalog_kind")  # on the SQLite and on a PostgreSQL catalog (ADD COLUMN in both)
MEMBERS = Column("party_members", "党员人数", "int", False, "村（社区）党员人数")
Q3 = date(2024, 9, 30)


@pytest.fixture
def data(tmp_path) -> Path:
    return Path(shutil.copytree(DEFAULT_DATA, tmp_path / "data"))


def bundled_villages() -> pa.Table:
    """The bundled demo folder's own village rows (its files only: the test's catalog belongs to the test's copy)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(_lake.CATALOG_ENV, raising=False)
        return open_store(DEFAULT_DATA).current("villages")


def changed(template: Template, add: tuple[Column, ...] = (), drop: tuple[str, ...] = ()) -> Template:
    return replace(template, columns=tuple(c for c in template.columns if c.key not in drop) + add)


def upload(plan, data: Path) -> dict:
    """The test file through the real pipeline and write service, under the templates of the day."""
    store = open_store(data)
    checked = check_upload(UPLOAD.name, UPLOAD.read_bytes(), plan, load_geography(plan), store)
    return WriteService(store).commit_upload(checked, Actor("测试员"), confirm_warnings=True)


def records(diff) -> list[dict]:
    return sorted(diff.to_dict("records"), key=lambda r: (r["county"], r["town"], r["village"], str(r["as_of"])))


def county_q3(table: pa.Table, county: str) -> pa.Table:
    return table.filter(pc.and_(pc.equal(table["county"], county), pc.equal(table["as_of"], pa.scalar(Q3, pa.date32()))))


def test_versions_read_after_a_template_gains_an_optional_column(plan, data, monkeypatch):
    upload(plan, data)
    store = open_store(data)
    old_rows = store.rosters().tables["villages"]
    old_diff = records(store.diff(1))

    monkeypatch.setitem(TEMPLATES, "village", changed(VILLAGE, add=(MEMBERS,)))
    villages = store.rosters().tables["villages"]
    assert villages.schema == empty_table(TEMPLATES["village"]).schema
    assert villages["party_members"].null_count == len(villages)  # neither the base files nor version 1 have it
    assert villages.drop_columns(["party_members"]).equals(old_rows)
    assert records(store.diff(1)) == old_diff
    Monitor.build(DEFAULT_TARGETS, store)  # the scorecard reads the widened table

    # a version written under the new template carries the column; the older rows keep it null
    jianli = county_q3(villages, "监利市")
    members = jianli.set_column(jianli.schema.get_field_index("party_members"), "party_members",
                                pa.array([7] * len(jianli), pa.int64()))
    store.commit(template_key="village", rows=members, original=b"x", file_name="监利.csv", user="张三", base=1)
    villages = store.rosters().tables["villages"]
    filled = pc.is_valid(villages["party_members"])
    assert pc.sum(filled).as_py() == len(jianli) and set(villages.filter(filled)["party_members"].to_pylist()) == {7}
    assert [r["changes"] for r in records(store.diff(2))] == [[("party_members", None, 7)]] * len(jianli)

    # rolling back reads the old version file under the new template, and forward again the new one
    service = WriteService(store)
    back = service.rollback(1, Actor("测试员"), base=2)
    assert back["changes"]["changed"] == len(jianli)
    assert store.rosters().tables["villages"]["party_members"].null_count == len(villages)
    assert [r["changes"] for r in records(store.diff(3))] == [[("party_members", 7, None)]] * len(jianli)
    service.rollback(2, Actor("测试员"), base=3)
    assert store.rosters().tables["villages"].equals(villages)
    service.rollback(0, Actor("测试员"), base=4)
    assert store.current("villages").equals(bundled_villages())


def test_a_column_the_template_dropped_is_left_out_of_older_versions(plan, data, monkeypatch):
    upload(plan, data)
    store = open_store(data)
    # version 2 changes 其中30岁以下后备干部人数 of every 监利市 village and the income of one
    jianli = county_q3(store.current("villages"), "监利市")
    u30 = jianli.schema.get_field_index("reserve_cadres_u30")
    rows = jianli.set_column(u30, "reserve_cadres_u30", pc.add(pc.fill_null(jianli["reserve_cadres_u30"], 0), 1))
    income = rows.schema.get_field_index("income_wan")
    rows = rows.set_column(income, "income_wan", pa.array([1000.0] + rows["income_wan"].to_pylist()[1:], pa.float64()))
    store.commit(template_key="village", rows=rows, original=b"x", file_name="监利.csv", user="张三", base=1)
    old_rows = store.rosters().tables["villages"]
    old_diff = records(store.diff(2))
    assert len(old_diff) == len(jianli) and all(r["changes"][-1][0] == "reserve_cadres_u30" for r in old_diff)

    monkeypatch.setitem(TEMPLATES, "village", changed(VILLAGE, drop=("reserve_cadres_u30",)))
    villages = store.rosters().tables["villages"]
    assert villages.schema == empty_table(TEMPLATES["village"]).schema
    assert villages.equals(old_rows.drop_columns(["reserve_cadres_u30"]))
    first = jianli.slice(0, 1).to_pylist()[0]
    assert records(store.diff(2)) == [{
        "status": "changed", "table": "villages", "county": "监利市", "town": first["town"],
        "village": first["village"], "year": 2024, "as_of": Q3,
        "changes": [("income_wan", first["income_wan"], 1000.0)]}]
    WriteService(store).rollback(0, Actor("测试员"), base=2)
    assert store.current("villages").equals(bundled_villages())


def test_a_column_whose_type_can_no_longer_hold_the_stored_values_is_a_chinese_data_error(tmp_path, monkeypatch):
    store = open_store(tmp_path)  # no base files: every row comes from the store
    rows = pa.Table.from_pylist([{"year": 2024, "as_of": Q3, "county": "甲", "town": "一镇", "village": "村1",
                                  "unit_type": "村", "is_demo": False, "reserve_cadres": 2}],
                                schema=empty_table(VILLAGE).schema)
    store.commit(template_key="village", rows=rows, original=b"x", file_name="甲.csv", user="张三", base=0)
    widened = replace(VILLAGE, columns=tuple(replace(c, dtype="float") if c.key == "reserve_cadres" else c
                                             for c in VILLAGE.columns))
    monkeypatch.setitem(TEMPLATES, "village", widened)  # int → float: the stored value reads as 2.0
    assert store.current("villages")["reserve_cadres"].to_pylist() == [2.0]
    retyped = replace(VILLAGE, columns=tuple(replace(c, dtype="int") if c.key == "unit_type" else c
                                             for c in VILLAGE.columns))
    monkeypatch.setitem(TEMPLATES, "village", retyped)  # 村 is no number
    with pytest.raises(DataError, match="数据版本 1 的“unit_type”列无法按当前报表模板读取"):
        store.rosters()
