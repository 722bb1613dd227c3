"""督办 page: the demo's items by colour as of ?day=, open items first with their triggering figures, closed ones
with their closing note, and the Excel 督办台账 button; the small four-round plan shows its exact rows."""

from __future__ import annotations

import shutil
from datetime import date

from page_runner import markdown_text, open_page
from supervision_data import supervision_data, supervision_plan

from plan_monitor.paths import DEFAULT_DATA


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_demo_items_by_colour():
    at = open_page("supervision", day="2024-10-10")
    text = markdown_text(at)
    assert "## 督办" in text
    assert metrics(at) == {"督办事项": "51项", "红色（已逾期）": "48项", "黄色（临近时限或仍滞后）": "0项",
                           "蓝色（未到时限）": "1项", "已销号": "2项"}
    assert "### 未销号（49项）" in text and "### 已销号（2项）" in text
    opened, closed = (d.value for d in at.dataframe)
    assert len(opened) == 49 and opened["颜色"].tolist()[-1] == "蓝色"
    assert set(opened["颜色"].iloc[:48]) == {"红色"}
    assert closed["销号情况"].str.endswith("自动销号").all()
    assert [b.label for b in at.get("download_button")] == ["下载 Excel"]


def test_small_plan_rows(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(supervision_plan(tmp_path)))
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(supervision_data(tmp_path / "data")))
    at = open_page("supervision", day="2024-10-25")
    opened, closed = (d.value for d in at.dataframe)
    assert opened[["颜色", "县（市、区）", "立项", "时限"]].values.tolist() == [
        ["红色", "公安县", "第1轮（2022年12月31日）", "2023年1月30日"],
        ["黄色", "荆州区", "第4轮（2024年9月30日）", "2024年10月30日"]]
    assert closed[["县（市、区）", "销号情况"]].values.tolist() == [
        ["沙市区", "第3轮（统计截至 2024年6月30日）恢复为正常推进，自动销号"]]


# ---------------------------------------------------------------- 整改措施 on open items (written into the task ledger)
def _demo_copy(tmp_path, monkeypatch):
    folder = tmp_path / "demo"
    shutil.copytree(DEFAULT_DATA, folder)
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(folder))
    return folder


def test_a_measure_is_attached_and_shown_newest_first(tmp_path, monkeypatch):
    _demo_copy(tmp_path, monkeypatch)
    at = open_page("supervision", day="2024-10-10")
    opened = at.dataframe[0].value
    assert set(opened["整改措施"]) == {"尚未填报"}
    label = at.selectbox(key="pm_measure_item").value  # the first open item, as the table lists it
    county, indicator = opened.iloc[0]["县（市、区）"], opened.iloc[0]["指标"]
    assert label.startswith(f"{county} · {indicator}（")
    for text in ("召开专题推进会，明确责任人", "约谈乡镇党委书记，倒排工期"):
        at.selectbox(key="pm_measure_item").set_value(label)
        at.text_area(key="pm_measure_text").input(text)
        at.text_input(key="pm_measure_user").input("赵六")
        next(b for b in at.button if b.label == "提交整改措施").click().run()
        assert not at.exception and not at.error
    assert at.success[0].value == f"已记录 {label} 的整改措施。"
    opened = at.dataframe[0].value
    lines = opened.iloc[0]["整改措施"].split("\n")
    today = date.today()
    assert lines == [f"{today.year}年{today.month}月{today.day}日 赵六：约谈乡镇党委书记，倒排工期",
                     f"{today.year}年{today.month}月{today.day}日 赵六：召开专题推进会，明确责任人"]
    assert set(opened["整改措施"].iloc[1:]) == {"尚未填报"}
    # the ledger page lists the item with the same 整改措施
    items = open_page("ledger").dataframe[1].value
    assert items[items["整改措施"] != "尚未填报"]["整改措施"].tolist() == ["\n".join(lines)]


def test_a_measure_without_a_name_or_text_is_refused(tmp_path, monkeypatch):
    _demo_copy(tmp_path, monkeypatch)
    at = open_page("supervision", day="2024-10-10")
    at.text_area(key="pm_measure_text").input("召开专题推进会")
    next(b for b in at.button if b.label == "提交整改措施").click().run()
    assert at.error[0].value == "请填写提交人姓名"
    assert set(at.dataframe[0].value["整改措施"]) == {"尚未填报"}


def test_a_county_analyst_may_not_write_another_countys_measure(tmp_path, monkeypatch):
    from argon2 import PasswordHasher

    from plan_monitor.access import Access, local_admin
    from plan_monitor.ui import auth
    from plan_monitor.ui.web import MOUNTED_ENV

    _demo_copy(tmp_path, monkeypatch)
    monkeypatch.setenv("PLAN_MONITOR_AUTH", "on")
    monkeypatch.setenv(MOUNTED_ENV, "1")
    monkeypatch.setenv("PLAN_MONITOR_HOME", str(tmp_path / "home"))
    store = Access(tmp_path / "home", hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    store.add("jiangling", "correct horse", "county_analyst", local_admin("tester"), counties=["江陵县"],
              display="王分析")
    token = store.sign_in("jiangling", "correct horse", "10.0.0.7")
    monkeypatch.setattr(auth, "_token", lambda: token)
    at = open_page("supervision", day="2024-10-10")
    opened = at.dataframe[0].value
    labels = at.selectbox(key="pm_measure_item").options  # 县 · 指标（立项日期）
    other = next(label for label in labels if not label.startswith("江陵县 · "))
    own = next(label for label in labels if label.startswith("江陵县 · "))
    at.selectbox(key="pm_measure_item").set_value(other)
    at.text_area(key="pm_measure_text").input("召开专题推进会")
    next(b for b in at.button if b.label == "提交整改措施").click().run()
    assert "不能为" in at.error[0].value and "填写整改措施" in at.error[0].value
    assert "台账未作任何改动" in at.error[0].value
    at.selectbox(key="pm_measure_item").set_value(own)
    at.text_area(key="pm_measure_text").input("召开专题推进会")
    next(b for b in at.button if b.label == "提交整改措施").click().run()
    assert not at.error
    row = at.dataframe[0].value
    assert row[row["整改措施"] != "尚未填报"]["县（市、区）"].tolist() == ["江陵县"]
    assert len(opened) == len(row)
