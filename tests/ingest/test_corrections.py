"""Corrections that do what they say (issue #10): 补充更正 (merge) and 整体替换 (replace) on a copy of the demo
data, through the real pipeline, write service, store and roster views, with exact expected rows."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from plan_monitor.errors import NothingChanged

from plan_monitor.cli import main
from plan_monitor.engine import Engine
from plan_monitor.ingest.corrections import similar
from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.ingest.service import Actor, WriteService
from plan_monitor.paths import DEFAULT_DATA
from plan_monitor.sources import load_rosters, open_store
from plan_monitor.sources.tables import cut_off
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.templates import VILLAGE

Q2, Q3 = date(2024, 6, 30), date(2024, 9, 30)
TODAY = date(2024, 10, 15)
COLUMNS = ["year", "as_of", "county", "town", "village", "unit_type", "is_demo", "demo_year", "income_wan",
           "reserve_cadres", "reserve_cadres_u30"]


@pytest.fixture
def data(tmp_path) -> Path:
    return Path(shutil.copytree(DEFAULT_DATA, tmp_path / "data"))


def villages_at(folder: Path, cutoff: date | None = None) -> dict[tuple, dict]:
    """The villages view (what every figure reads), by (county, town, village, year)."""
    rosters = load_rosters(folder)
    rosters = cut_off(rosters, cutoff) if cutoff else rosters
    rows = _view(rosters.tables)
    return {(r["county"], r["town"], r["village"], r["year"]): r for r in rows}


def _view(tables) -> list[dict]:
    engine = Engine.over_rosters(tables)
    try:  # the engine's own roster view, exactly as every measure reads it
        return engine._con.sql("SELECT * FROM villages").to_arrow_table().to_pylist()
    finally:
        engine.close()


def slice_rows(folder: Path, county: str, as_of: date) -> list[dict]:
    view = villages_at(folder, as_of)
    return sorted((r for r in view.values() if r["county"] == county and r["year"] == as_of.year
                   and r["as_of"] == as_of), key=lambda r: (r["town"], r["village"]))


def csv_of(rows: list[dict], drop: tuple[str, ...] = ()) -> bytes:
    """Rows as a roster CSV with the template's Chinese headers, leaving out the columns in `drop`."""
    keys = [k for k in COLUMNS if k not in drop]
    header = ",".join(VILLAGE.header_of[k] for k in keys)

    def cell(v):
        if v is None:
            return ""
        if isinstance(v, bool):
            return "是" if v else "否"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return (header + "\n" + "\n".join(",".join(cell(r.get(k)) for k in keys) for r in rows) + "\n").encode("utf-8")


def check(plan, folder: Path, body: bytes, mode: str = "merge"):
    return check_upload("更正.csv", body, plan, load_geography(plan), open_store(folder), today=TODAY, mode=mode)


def commit(folder: Path, checked, removals: int | None = None) -> dict:
    return WriteService(open_store(folder)).commit_upload(checked, Actor("测试员"), confirm_warnings=True,
                                                          confirm_removals=removals)


def test_a_merge_correction_of_three_units_changes_those_three_only(plan, data):
    before = slice_rows(data, "沙市区", Q3)
    assert len(before) == 158
    villages = [r for r in before if r["income_wan"] is not None][:3]
    fixed = [dict(r, income_wan=r["income_wan"] + 10) for r in villages]
    checked = check(plan, data, csv_of(fixed))
    assert checked.warnings == [] and checked.errors == []
    assert checked.summary().to_dict("records") == [{"县（市、区）": "沙市区", "年度": 2024, "统计截至": "2024-09-30",
                                                     "新增": 0, "修改": 3, "未变": 155, "删除": 0}]
    assert checked.details()[["状态", "单位", "变化"]].to_dict("records") == [
        {"状态": "修改", "单位": f"沙市区 {r['town']} {r['village']}",
         "变化": f"村集体经济收入（万元）：{r['income_wan']:g} → {r['income_wan'] + 10:g}"} for r in villages]
    assert any("本文件含 沙市区 2024年 2024-09-30 的 3 个单位，少于现有的 158 个" in n.message for n in checked.notes)
    entry = commit(data, checked)
    assert entry["mode"] == "merge" and entry["changes"] == {"new": 0, "changed": 3, "unchanged": 155, "removed": 0}
    # every other unit of the slice exactly as it was; the three with their new values
    fixed_by = {(r["town"], r["village"]): r for r in fixed}
    assert slice_rows(data, "沙市区", Q3) == [fixed_by.get((r["town"], r["village"]), r) for r in before]


def test_a_blank_cell_under_merge_keeps_the_stored_value(plan, data):
    before = slice_rows(data, "沙市区", Q3)
    first = next(r for r in before if r["income_wan"] is not None)
    row = dict(first, income_wan=None, reserve_cadres=first["reserve_cadres"] + 1)
    checked = check(plan, data, csv_of([row]))
    detail = checked.details().to_dict("records")
    assert [(d["状态"], d["变化"]) for d in detail] == [
        ("修改", f"后备干部人数：{first['reserve_cadres']} → {first['reserve_cadres'] + 1}；"
                 "村集体经济收入（万元）：未填，保留原值")]
    commit(data, checked)
    stored = next(r for r in slice_rows(data, "沙市区", Q3) if r["village"] == first["village"])
    assert (stored["income_wan"], stored["reserve_cadres"]) == (first["income_wan"], first["reserve_cadres"] + 1)


def test_a_missing_column_merge_keeps_it_replace_asks_then_clears(plan, data):
    before = slice_rows(data, "沙市区", Q3)
    body = csv_of(before, drop=("income_wan",))
    merged = check(plan, data, body)
    assert merged.warnings == []
    assert merged.summary()[["修改", "未变", "删除"]].to_dict("records") == [{"修改": 0, "未变": 158, "删除": 0}]
    with pytest.raises(NothingChanged, match="内容与当前数据相同，未生成新版本"):  # nothing to store: no version
        commit(data, merged)
    assert open_store(data).head() == 0
    assert [r["income_wan"] for r in slice_rows(data, "沙市区", Q3)] == [r["income_wan"] for r in before]

    replaced = check(plan, data, body, mode="replace")
    with_income = sum(r["income_wan"] is not None for r in before)
    assert [i.message for i in replaced.warnings] == [
        f"文件缺少“村集体经济收入（万元）”列，整体替换将清空该列（现有 {with_income} 个单位有值）；如只想更新其他列，请选择“补充更正”"]
    with pytest.raises(Exception, match="条警告"):
        WriteService(open_store(data)).commit_upload(replaced, Actor("测试员"))
    entry = commit(data, replaced)
    assert entry["changes"] == {"new": 0, "changed": with_income, "unchanged": 158 - with_income, "removed": 0}
    assert {r["income_wan"] for r in slice_rows(data, "沙市区", Q3)} == {None}


def test_a_replace_removes_units_from_its_round_on_and_never_brings_them_back(plan, data):
    before = slice_rows(data, "沙市区", Q3)
    dropped = before[:2]
    baseline = villages_at(data, date(2023, 12, 31))
    checked = check(plan, data, csv_of(before[2:]), mode="replace")
    assert checked.removed == 2
    assert checked.summary()[["新增", "修改", "未变", "删除"]].to_dict("records") == [
        {"新增": 0, "修改": 0, "未变": 156, "删除": 2}]
    with pytest.raises(Exception, match="请输入删除数 2 确认"):
        commit(data, checked)
    entry = commit(data, checked, removals=2)
    assert entry["changes"]["removed"] == 2 and entry["markers"] == 2
    gone = {(r["county"], r["town"], r["village"], 2024) for r in dropped}
    # gone as of 09-30 and in the latest read (the view would otherwise bring back their 06-30 reports)
    assert not gone & set(villages_at(data, Q3)) and not gone & set(villages_at(data))
    assert len(slice_rows(data, "沙市区", Q3)) == 156
    # still there when reading as of the earlier round, with their 06-30 values
    assert gone <= set(villages_at(data, Q2))
    assert [villages_at(data, Q2)[k]["as_of"] for k in sorted(gone)] == [Q2, Q2]
    # the baseline year is untouched
    assert villages_at(data, date(2023, 12, 31)) == baseline
    # a version diff names exactly the two
    diff = open_store(data).diff(1)
    assert sorted(zip(diff["status"], diff["village"])) == sorted(("removed", r["village"]) for r in dropped)


def test_a_likely_rename_is_flagged_and_counted_once_after_replace(plan, data):
    before = slice_rows(data, "监利市", Q3)
    town = [r for r in before if r["town"] == "容城镇"]
    renamed = [dict(r, village="董冈村") if r["village"] == "董岗村" else r for r in before]
    merged = check(plan, data, csv_of([r for r in renamed if r["village"] == "董冈村"]))
    assert [i.message for i in merged.warnings] == [
        "疑似更名：董岗村 → 董冈村（补充更正不会移除原名称，两者将同时计入；如确为更名，请改用“整体替换”）"]
    replaced = check(plan, data, csv_of(renamed), mode="replace")
    assert sorted(i.message for i in replaced.warnings) == [
        "整体替换将删除 1 个单位（如 监利市 容城镇 董岗村）：本文件没有，提交后自该统计截至起（本年度以后各期）不再计入；"
        "提交时须输入删除数 1 确认（可在“数据版本”中回退）",
        "疑似更名：董岗村 → 董冈村（整体替换后只计新名称）"]
    commit(data, replaced, removals=1)
    now = [r["village"] for r in slice_rows(data, "监利市", Q3) if r["town"] == "容城镇"]
    assert len(now) == len(town) and "董冈村" in now and "董岗村" not in now
    latest = [k for k in villages_at(data) if k[0] == "监利市" and k[1] == "容城镇" and k[3] == 2024]
    assert len(latest) == len(town)


@pytest.mark.parametrize("old, new, expected", [
    ("董岗村", "董冈村", True), ("红星村", "红星社区", False), ("李家台村", "李家台社区", True), ("谭场村", "谭场村", False),
])
def test_similar_names(old, new, expected):
    assert similar(old, new) is expected


def test_cli_replace_needs_the_number_of_removals(capsys, data, tmp_path):
    before = slice_rows(data, "沙市区", Q3)
    file = tmp_path / "沙市区.csv"
    file.write_bytes(csv_of(before[1:]))
    args = ["ingest", str(file), "--data", str(data), "--user", "测试员", "--mode", "replace", "--yes"]
    assert main(args) == 2 and "加 --confirm-removals 1 提交" in capsys.readouterr().err
    assert main([*args, "--confirm-removals", "3"]) == 2 and open_store(data).head() == 0
    capsys.readouterr()
    assert main([*args, "--confirm-removals", "1"]) == 0 and "上传方式：整体替换" in capsys.readouterr().out
    assert open_store(data).entries()[0]["mode"] == "replace"
    capsys.readouterr()
    # The same file again (as a merge: nothing removed, nothing changed): told so, no second version.
    assert main(["ingest", str(file), "--data", str(data), "--user", "测试员"]) == 0
    assert "沙市区.csv：内容与当前数据相同，未生成新版本" in capsys.readouterr().out
    assert open_store(data).head() == 1


def test_stored_rows_by_a_join_of_the_keys_equal_the_join_of_the_rows():
    """Each file row's stored row, from a join of the keys alone put back in file order: exactly the left outer
    join of the whole rows sorted by file row (what _merge joined before), blank key parts matching nothing."""
    import numpy as np
    import pyarrow as pa

    from plan_monitor.ingest.corrections import _stored_rows

    keys = ["county", "town", "year", "as_of"]
    incoming = pa.table({"county": ["甲", "甲", "乙", None, "甲", "乙"], "town": ["一镇", "二镇", "一镇", "一镇", None, "三镇"],
                         "year": pa.array([2024] * 6, pa.int64()), "as_of": pa.array([Q3] * 6, pa.date32()),
                         "income": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    before = pa.table({"county": ["乙", "甲", None, "甲", "丙"], "town": ["一镇", "一镇", "一镇", None, "一镇"],
                       "year": pa.array([2024] * 5, pa.int64()), "as_of": pa.array([Q3] * 5, pa.date32()),
                       "income": [30.0, 10.0, 40.0, 50.0, 60.0]})
    at = _stored_rows(incoming, before, keys)
    assert at.to_pylist() == [1, None, 0, None, None, None]
    joined = (incoming.append_column("_idx", pa.array(np.arange(6), pa.int64()))
              .join(before.rename_columns([*keys, "old"]), keys, join_type="left outer").sort_by("_idx"))
    assert before["income"].take(at).to_pylist() == joined["old"].to_pylist() == [10.0, None, 30.0, None, None, None]
    # a key the stored rows hold twice: the join's own rows are used instead
    assert _stored_rows(incoming, pa.concat_tables([before, before.slice(1, 1)]), keys) is None
