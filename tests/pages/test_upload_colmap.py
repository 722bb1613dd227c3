"""The 数据上传 page's 列对应 step under AppTest: a published table rejected for its headers, mapped in the page, read
again, committed; the mapping remembered for the next upload of the same kind."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from plan_monitor.sources import open_store
from tests.pages.test_upload_page import data, page, text  # noqa: F401 - the fixture
from tests.published_tables import (NAMED_MAP, VILLAGE_EXPECTED, VILLAGE_MAP, note_above_header, village_funding)

KEYS = ["year", "county", "town", "village", "unit_type", "is_demo"]


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].upload(name, content)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def reading_table(at: AppTest) -> list[dict]:
    frames = [d.value for d in at.dataframe if "读取方式" in d.value.columns]
    assert len(frames) == 1
    return frames[0].to_dict("records")


def choose(at: AppTest, mapping: dict[str, str]) -> AppTest:
    """Pick, for each template field, the file column whose header is given, then press 按此对应重新读取."""
    for key, header in mapping.items():
        box = at.selectbox(key=f"pm_colmap_{key}")
        box.select(next(o for o in box.options if o.endswith(f" {header}")))
    at.run()
    at.button(key="pm_colmap_apply").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_rejected_file_offers_the_mapping_reads_again_and_commits_and_remembers(data):
    name, content = village_funding()
    at = upload(page(), name, content)
    body = text(at)
    assert "缺少必填列 “年度”、“类型”" in body
    assert "第3行作为表头：已识别 县区市、镇街、示范村名称、是否示范、截至日期；未识别 村社别、资金（万元）、填报年份" in body
    rows = {r["文件中的列名"]: r["读取方式"] for r in reading_table(at)}
    assert rows["县区市"] == "按“县（市、区）”读取（别名）" and rows["村社别"] == "未识别" and rows["序号"] == "已忽略"
    assert at.number_input(key="pm_colmap_row").value == 3
    assert at.selectbox(key="pm_colmap_county").value == "第2列 县区市"
    assert at.selectbox(key="pm_colmap_year").value == "（不对应）"
    assert not [b for b in at.button if b.key == "pm_upload_commit"]

    at = choose(at, VILLAGE_MAP)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"报表类型": "村（社区）情况统计表", "数据行数": "2", "错误": "0", "警告": "0"}
    rows = {r["文件中的列名"]: r["读取方式"] for r in reading_table(at)}
    assert rows["填报年份"] == "按“年度”读取（按列对应）" and rows["村社别"] == "按“类型”读取（按列对应）"
    at.text_input(key="pm_user").input("沙市区 李统计")
    at.run()
    at.button(key="pm_upload_commit").click()
    at.run()
    assert not at.exception
    assert "已提交为数据版本 v1" in text(at) and "列对应已保存" in text(at)
    store = open_store(data)
    entry = store.entries()[0]
    assert entry["changes"] == {"new": 0, "changed": 1, "unchanged": 157, "removed": 0}
    villages = store.current("villages").to_pandas()
    got = villages[(villages["county"] == "沙市区") & (villages["year"] == 2024)
                   & villages["village"].isin(["谭场村", "史庙村"])].sort_values("village", ascending=False)
    got = got[got["as_of"].astype(str) == "2024-09-30"]
    assert got[KEYS].to_dict("records") == VILLAGE_EXPECTED
    saved = store.column_maps()
    assert [(m["scope"], m["template"], m["mapping"], m["user"]) for m in saved] == [
        ("county:沙市区", "village", VILLAGE_MAP, "沙市区 李统计")]

    # the next upload of the same kind is read with the saved mapping, without a step
    at = upload(at, "示范村资金安排表（第二批）.xlsx", village_funding(rows=[
        [1, "沙市区", "中山路街道", "谭场村", "村", "否", 20, 2024, "2024-09-30"]])[1])
    body = "\n".join(m.value for m in at.markdown)
    assert "已按上次保存的列对应读取" in body
    assert {m.label: m.value for m in at.metric}["错误"] == "0"


def test_the_header_row_is_named_then_the_columns(data):
    name, content = note_above_header()
    at = upload(page(), name, content)
    assert "第1行作为表头" in text(at)
    at.number_input(key="pm_colmap_row").set_value(3)
    at.run()
    at.button(key="pm_colmap_apply").click()
    at.run()
    assert "第3行作为表头" in text(at)
    assert {r["文件中的列名"] for r in reading_table(at)} >= {"所在区", "村庄", "截至日期"}
    # nothing names the kind of table: the analyst picks it in step 1, the header row stays
    at.selectbox(key="pm_upload_template").set_value("village")
    at.run()
    assert "第3行作为表头" in text(at) and at.number_input(key="pm_colmap_row").value == 3
    at = choose(at, NAMED_MAP)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"报表类型": "村（社区）情况统计表", "数据行数": "1", "错误": "0", "警告": "0"}
    assert "按指定，第3行作为表头读取" in "\n".join(m.value for m in at.markdown)
