"""The upload pipeline end to end, through `python -m plan_monitor ingest` (in-process) on a copy of the demo data:
every reject is a clear Chinese message and leaves the data folder byte-for-byte unchanged; accepted files land
as a new version that the dashboard's loader sees."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pyarrow.compute as pc
import pytest

from plan_monitor.cli import main
from plan_monitor.ingest import read as reader
from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.ingest.service import AccessDenied, Actor, WriteService
from plan_monitor.paths import DEFAULT_DATA, ROOT
from plan_monitor.sources import load_rosters, open_store
from plan_monitor.sources.tables import reports
from plan_monitor.spec.geography import load_geography
from tests.hostile_files import folder_hash

UPLOADS = ROOT / "tests" / "data" / "uploads"


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, folder)
    return folder


def ingest(capsys, data: Path, file: Path, *extra) -> tuple[int, str, str]:
    code = main(["ingest", str(file), "--data", str(data), "--user", "测试员", *extra])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name, message", [
    ("empty.csv", "文件是空的"),
    ("header_only.csv", "表头下面没有数据行"),
    ("binary.csv", "不是文本表格"),
    ("renamed_xlsx.csv", "Excel（.xlsx）"),
    ("old.xls", ".xls"),
    ("no_header.csv", "没有找到表头"),
    ("missing_village.csv", "缺少必填列 “村（社区）”"),
    ("town_missing_demo.csv", "缺少必填列 “是否示范"),
    ("village_bad_values.csv", "6 个错误，未提交任何数据"),
    ("village_units.csv", "1 个错误，未提交任何数据"),
])
def test_rejects_change_nothing(capsys, data, name, message):
    before = folder_hash(data)
    code, out, err = ingest(capsys, data, UPLOADS / name, "--yes")
    assert code == 2
    assert message in out + err
    assert folder_hash(data) == before
    assert open_store(data).head() == 0


def test_a_million_rows_is_refused_quickly_and_changes_nothing(capsys, data, tmp_path):
    big = tmp_path / "million.csv"
    with open(big, "w", encoding="utf-8") as f:
        f.write("年度,县（市、区）,是否示范县（市、区）\n")
        f.write("2024,沙市区,是\n" * 1_000_000)
    before = folder_hash(data)
    code, out, err = ingest(capsys, data, big, "--yes")
    assert code == 2 and "一次上传不能超过 200,000 行" in out + err
    assert folder_hash(data) == before


def test_over_the_size_limit_is_refused(capsys, data, monkeypatch):
    monkeypatch.setattr(reader, "MAX_BYTES", 100)
    before = folder_hash(data)
    code, out, err = ingest(capsys, data, UPLOADS / "village_gb18030_title.csv", "--yes")
    assert code == 2 and "超过上限" in out + err
    assert folder_hash(data) == before


def test_warnings_need_yes_and_dry_run_writes_nothing(capsys, data):
    before = folder_hash(data)
    # as 整体替换 the file drops units of its slices: a warning
    code, out, err = ingest(capsys, data, UPLOADS / "village_gb18030_title.csv", "--mode", "replace")
    assert code == 2 and "加 --yes 提交" in err
    code, out, _ = ingest(capsys, data, UPLOADS / "village_gb18030_title.csv", "--mode", "replace", "--dry-run",
                          "--yes")
    assert code == 0 and "试运行" in out
    assert folder_hash(data) == before


def test_a_gb18030_file_with_a_title_row_lands_as_a_version(capsys, data):
    villages = load_rosters(data).tables["villages"]
    in_2023 = lambda county: len(villages.filter(pc.and_(pc.equal(villages["county"], county),  # noqa: E731
                                                          pc.equal(villages["year"], 2023))))
    removals = in_2023("沙市区") - 2 + in_2023("监利市")  # 城南社区 is new to 监利市
    code, out, _ = ingest(capsys, data, UPLOADS / "village_gb18030_title.csv", "--yes", "--mode", "replace",
                          "--confirm-removals", str(removals))
    assert code == 0, out
    assert "文件编码：GB18030" in out and "已提交为数据版本 v1" in out
    entry = open_store(data).entries()[0]
    # a replace stores the file's 3 rows and a removal marker for each unit it drops
    assert (entry["user"], entry["template"], entry["rows"], entry["mode"]) == ("测试员", "village", 3 + removals,
                                                                               "replace")
    assert entry["markers"] == removals == entry["changes"]["removed"]
    assert entry["sha256"] == hashlib.sha256((UPLOADS / "village_gb18030_title.csv").read_bytes()).hexdigest()
    assert (data / "store" / entry["original"]).read_bytes() == (UPLOADS / "village_gb18030_title.csv").read_bytes()
    villages = load_rosters(data).tables["villages"]
    shashi = villages.filter(pc.and_(pc.equal(villages["county"], "沙市区"), pc.equal(villages["year"], 2023)))
    # the slice now holds the file's rows, and a removal marker for each of 沙市区's other 156 villages
    assert sorted(reports(shashi)["village"].to_pylist()) == ["史庙村", "谭场村"]
    assert len(shashi) - len(reports(shashi)) == in_2023("沙市区") - 2
    assert main(["versions", "--data", str(data)]) == 0
    assert "\t上传\t村（社区）情况统计表\t" in (out := capsys.readouterr().out)
    assert f"\tvillage_gb18030_title.csv\t{3 + removals}\n" in out


def test_old_county_names_are_stored_under_the_current_name(plan, data):
    geo = load_geography(plan)
    town = geo.towns[geo.towns.county == "监利市"].town.iloc[0]
    text = ("年度,统计截至,县（市、区）,乡镇（街道）,村（社区）,类型,是否示范村（社区）\n"
            f"2024,2024-09-30,监利县,{town},新建村,村,否\n")
    checked = check_upload("old-name.csv", text.encode("gb18030"), plan, geo, open_store(data),
                           today=date(2024, 10, 15))
    assert [i.check for i in checked.errors] == []
    assert any(n.kind == "alias_name" and "监利县 → 监利市" in n.message for n in checked.notes)
    assert checked.rows["county"].to_pylist() == ["监利市"]


def test_commit_refuses_errors_and_unconfirmed_warnings(plan, data):
    geo = load_geography(plan)
    store = open_store(data)
    service = WriteService(store)
    bad = check_upload("bad.csv", (UPLOADS / "village_bad_values.csv").read_bytes(), plan, geo, store)
    warned = check_upload("ok.csv", (UPLOADS / "village_gb18030_title.csv").read_bytes(), plan, geo, store,
                          mode="replace")
    before = folder_hash(data)
    with pytest.raises(Exception, match="个错误，不能提交"):
        service.commit_upload(bad, Actor("测试员"), confirm_warnings=True)
    with pytest.raises(Exception, match="条警告，请逐条核对并确认后再提交"):
        service.commit_upload(warned, Actor("测试员"))
    with pytest.raises(AccessDenied, match="请填写提交人姓名"):
        service.commit_upload(warned, Actor("  "), confirm_warnings=True)
    with pytest.raises(Exception, match=f"请输入删除数 {warned.removed} 确认"):
        service.commit_upload(warned, Actor("测试员"), confirm_warnings=True, confirm_removals=warned.removed - 1)
    assert folder_hash(data) == before
    assert service.commit_upload(warned, Actor("测试员"), confirm_warnings=True,
                                 confirm_removals=warned.removed)["id"] == 1


def test_preview_matches_the_counts_the_version_records(plan, data):
    geo = load_geography(plan)
    store = open_store(data)
    checked = check_upload("t.csv", (UPLOADS / "village_gb18030_title.csv").read_bytes(), plan, geo, store)
    totals = checked.summary()[["新增", "修改", "未变", "删除"]].sum().to_dict()
    entry = WriteService(store).commit_upload(checked, Actor("测试员"), confirm_warnings=True)
    assert {"new": totals["新增"], "changed": totals["修改"], "unchanged": totals["未变"],
            "removed": totals["删除"]} == entry["changes"]
