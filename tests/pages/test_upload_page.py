"""The 数据上传 page under AppTest on a copy of the demo data: the report, the preview, the confirm, and rejects
that leave the data folder unchanged."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from plan_monitor.paths import DEFAULT_DATA, ROOT
from plan_monitor.sources import open_store

UPLOADS = ROOT / "tests" / "data" / "uploads"


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, folder)
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(folder))
    return folder


def folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/upload.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, name: str) -> AppTest:
    at.file_uploader[0].upload(name, (UPLOADS / name).read_bytes())
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
                     + [s.value for s in at.success] + [c.value for c in at.caption])


def test_before_upload_the_page_explains_formats_and_offers_templates(data):
    at = page()
    body = text(at)
    assert "GB18030" in body and "第二步" in body and "当前数据版本 v0" in body
    labels = [b.label for b in at.get("download_button")]
    assert "村（社区）情况统计表（Excel）" in labels and "县级党建工作统计表（CSV）" in labels


def test_a_clean_file_is_previewed_then_committed_only_on_confirm(data):
    at = page()
    at.radio(key="pm_upload_mode").set_value("replace")  # 整体替换: the file is the whole roster of its slices
    at = upload(at, "village_gb18030_title.csv")
    body = text(at)
    assert "文件编码：GB18030" in body and "荆州市2023年示范村创建情况统计表" in body
    assert "有 1 条警告" in body  # the file drops units of the slices it covers
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"报表类型": "村（社区）情况统计表", "数据行数": "3", "错误": "0", "警告": "1"}
    preview = at.dataframe[-2].value
    assert preview.to_dict("records")[0] == {"县（市、区）": "沙市区", "年度": 2023, "统计截至": "2023-12-31",
                                             "新增": 0, "修改": 0, "未变": 2, "删除": 156}
    commit = at.button(key="pm_upload_commit")
    assert commit.disabled  # the warning is not confirmed yet
    assert open_store(data).head() == 0
    at.text_input(key="pm_user").input("沙市区 李统计")
    at.checkbox(key="pm_upload_confirm").check()
    at.run()
    assert "整体替换将删除 672 个单位" in text(at)
    assert at.button(key="pm_upload_commit").disabled  # the number of removals is not typed yet
    at.text_input(key="pm_upload_removals").input("671")
    at.run()
    assert at.button(key="pm_upload_commit").disabled and "不一致" in text(at)
    at.text_input(key="pm_upload_removals").input("672")
    at.run()
    assert not at.button(key="pm_upload_commit").disabled
    at.button(key="pm_upload_commit").click()
    at.run()
    assert not at.exception
    assert "已提交为数据版本 v1" in text(at)
    entry = open_store(data).entries()[0]
    assert (entry["user"], entry["rows"], entry["warnings_confirmed"], entry["mode"], entry["markers"]) == (
        "沙市区 李统计", 3 + 672, 1, "replace", 672)
    assert entry["changes"] == {"new": 1, "changed": 0, "unchanged": 2, "removed": 672}


def test_a_short_file_defaults_to_merge_and_says_so(data):
    at = upload(page(), "village_gb18030_title.csv")
    body = text(at)
    assert "上传方式：补充更正" in body and "校验通过，没有发现问题" in body
    notes = " ".join(e.value for e in at.markdown)
    assert "本文件含 沙市区 2023年 2023-12-31 的 2 个单位，少于现有的 158 个" in notes
    preview = at.dataframe[-2].value.to_dict("records")
    assert preview == [
        {"县（市、区）": "沙市区", "年度": 2023, "统计截至": "2023-12-31", "新增": 0, "修改": 0, "未变": 158, "删除": 0},
        {"县（市、区）": "监利市", "年度": 2023, "统计截至": "2023-12-31", "新增": 1, "修改": 0, "未变": 516, "删除": 0}]
    assert not [t for t in at.text_input if t.key == "pm_upload_removals"]
    at.text_input(key="pm_user").input("沙市区 李统计")
    at.run()
    at.button(key="pm_upload_commit").click()
    at.run()
    assert not at.exception and "已提交为数据版本 v1" in text(at)
    entry = open_store(data).entries()[0]
    assert (entry["mode"], entry["changes"]) == ("merge", {"new": 1, "changed": 0, "unchanged": 674, "removed": 0})


@pytest.mark.parametrize("name, message", [
    ("village_bad_values.csv", "发现 6 个错误，不能提交"),
    ("binary.csv", "不是文本表格"),
    ("missing_village.csv", "缺少必填列"),
])
def test_bad_files_get_the_chinese_report_and_change_nothing(data, name, message):
    before = folder_hash(data)
    at = upload(page(), name)
    assert message in text(at) or message in at.dataframe[0].value.to_string()
    assert not [b for b in at.button if b.key == "pm_upload_commit"]
    labels = [b.label for b in at.get("download_button")]
    assert "下载问题清单（Excel，问题单元格已标色）" in labels
    assert folder_hash(data) == before


def test_an_error_row_names_the_file_row_column_and_value(data):
    at = upload(page(), "village_bad_values.csv")
    problems = at.dataframe[0].value
    first = problems.iloc[0].to_dict()
    assert (first["级别"], first["行号"], first["列"], first["值"]) == ("错误", 2, "年度", "二〇二三")
    assert set(problems["级别"]) <= {"错误", "警告"}
