"""任务填报 under AppTest on a copy of the demo data: the reporter's assignments most urgent first; a 台账 upload
previewed, then submitted (the ledger on the next run shows it); the in-app form; 申请销号. Signed in as a unit
reporter of the county action plan (on a copy of its data): only its own units' tasks are listed, and a 台账 with
another unit's row is refused with nothing stored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from plan_monitor.access import Access, local_admin
from plan_monitor.paths import DEFAULT_DATA, ROOT
from plan_monitor.sources import open_store
from plan_monitor.ui import auth
from plan_monitor.ui.web import MOUNTED_ENV

APP = str(ROOT / "app.py")
PASSWORD = "correct horse"
HEADER = "任务编号,填报单位,报告期,进展状态,进展情况,佐证材料,申请销号"


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, folder)
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(folder))
    return folder


def open_page(page: str, **query) -> AppTest:
    """The app, run once (so the pages are registered under their url_path), then switched to the page at its
    address (task-report, task-review; also when sign-in shows a refusal there instead of the page)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    url_path = page.replace("_", "-")
    at._page_hash = next(h for h, info in at._registered_pages.items() if info.get("url_pathname") == url_path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [e.value for e in at.error] + [s.value for s in at.success]
                     + [i.value for i in at.info] + [c.value for c in at.caption])


def mine(at):
    return at.dataframe[0].value


def test_the_reporters_tasks_most_urgent_first(data):
    at = open_page("task_report", day="2024-09-30")
    assert at.markdown[0].value == "## 任务填报"
    assert {m.label: m.value for m in at.metric} == {"任务": "164项", "逾期": "7项", "滞后": "22项", "待审核": "3项",
                                                     "已销号": "33项"}
    table = mine(at)
    assert list(table.columns) == ["任务", "填报单位", "状态", "最近填报", "下次应报", "逾期期数", "销号"]
    assert list(table["状态"][:8]) == ["逾期"] * 7 + ["滞后"] and table["状态"].iloc[-1] == "已销号"
    assert table.iloc[1].to_dict() == {"任务": "实施“思想淬炼”工程", "填报单位": "江陵县", "状态": "逾期",
                                       "最近填报": "2023年，推进中，2024年2月7日", "下次应报": "2025年1月10日",
                                       "逾期期数": 1, "销号": "未申请"}
    at.selectbox(key="pm_task_reporter").set_value("江陵县").run()
    assert len(mine(at)) == 18 and set(mine(at)["填报单位"]) == {"江陵县"}
    assert [b.label for b in at.get("download_button")] == ["下载台账模板（Excel）"]


def test_an_upload_is_previewed_then_submitted_and_the_ledger_shows_it(data):
    at = open_page("task_report", day="2024-09-30")
    body = ("台账\n" + HEADER + "\nhongse-touyan,江陵县,,推进中,头雁培训已开班,培训通知.pdf,\n"
            "sixiang-cuilian,江陵县,2022年,已完成,补报2022年度完成情况,学习记录.pdf,\n合计,,,,,,\n").encode("gb18030")
    at.file_uploader[0].upload("江陵县台账.csv", body)
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric if m.label in ("记录", "涉及任务", "问题")} == {
        "记录": "2条", "涉及任务": "2项", "问题": "0处"}
    assert "校验通过，请核对下表后提交。" in texts(at)
    preview = at.dataframe[-1].value
    assert preview[["行号", "任务", "报告期", "进展状态"]].values.tolist() == [
        [3, "“红色头雁”提能工程", "", "推进中"], [4, "实施“思想淬炼”工程", "2022年", "已完成"]]
    assert open_store(data).task_ledger()[0] == []  # nothing written before the submit
    at.button(key="pm_task_submit").click().run()
    assert "请填写提交人姓名" in texts(at) and open_store(data).task_ledger()[0] == []
    at.text_input(key="pm_task_user").input("江陵县 王填报")
    at.button(key="pm_task_submit").click().run()
    assert not at.exception
    assert at.success[0].value == "已提交台账 江陵县台账.csv：2 条记录，涉及 2 项任务。"
    batches, _ = open_store(data).task_ledger()
    assert [(b["kind"], b["user"], b["events"], b["file_name"]) for b in batches] == [
        ("upload", "江陵县 王填报", 2, "江陵县台账.csv")]
    at.selectbox(key="pm_task_reporter").set_value("江陵县").run()
    table = mine(at).set_index("任务")
    assert table.loc["“红色头雁”提能工程", "状态"] == "推进中"  # was 未启动: the cached ledger followed the commit
    assert table.loc["实施“思想淬炼”工程", "逾期期数"] == 0


def test_the_in_app_form_and_a_close_request(data):
    at = open_page("task_report", day="2024-09-30")
    at.text_input(key="pm_task_user").input("洪湖市 陈填报")
    at.selectbox(key="pm_task_reporter").set_value("洪湖市").run()
    at.selectbox(key="pm_task_form_task").set_value("dangjian-peiyou").run()
    assert at.selectbox(key="pm_task_form_period").options == ["2024年", "2023年", "2022年"]
    at.selectbox(key="pm_task_form_period").set_value("2023")
    at.selectbox(key="pm_task_form_status").set_value("done")
    at.text_area(key="pm_task_form_progress").input("2023年度培优行动已完成")
    at.button(key="pm_task_form_submit").click().run()
    assert at.success[0].value == "已提交“党建“培优”行动”（洪湖市）的进展。"
    assert at.text_area(key="pm_task_form_progress").value == ""  # the form starts empty for the next report
    row = mine(at).set_index("任务").loc["党建“培优”行动"]
    assert (row["状态"], row["最近填报"], row["逾期期数"]) == ("已完成待销号", row["最近填报"], 0)
    assert row["最近填报"].startswith("2023年，已完成，")

    at.selectbox(key="pm_task_close_pick").set_value("jiti-jingji-bipin|洪湖市")
    at.button(key="pm_task_close_submit").click().run()
    assert "申请销号须写明佐证材料" in " ".join(e.value for e in at.error)
    at.text_area(key="pm_task_close_progress").input("三个项目均已投产").run()
    at.button(key="pm_task_close_submit").click().run()  # refused again: what was typed stays to be corrected
    assert at.text_area(key="pm_task_close_progress").value == "三个项目均已投产"
    at.text_input(key="pm_task_close_evidence").input("项目比拼结果通报.pdf")
    at.button(key="pm_task_close_submit").click().run()
    assert at.success[0].value == "已申请销号：“村级集体经济项目比拼行动”（洪湖市），等待市级审核。"
    # the next task's request starts empty: the evidence written for this one is not offered for it
    assert at.text_input(key="pm_task_close_evidence").value == ""
    assert at.text_area(key="pm_task_close_progress").value == ""
    row = mine(at).set_index("任务").loc["村级集体经济项目比拼行动"]
    assert (row["状态"], row["销号"]) == ("待审核", "待审核")
    batches, _ = open_store(data).task_ledger()
    assert [(b["kind"], b["user"]) for b in batches] == [("form", "洪湖市 陈填报"), ("close_request", "洪湖市 陈填报")]


@pytest.fixture
def unit_signed_in(tmp_path, monkeypatch):
    """The county action plan as the default plan on a copy of its data, sign-in on, a unit reporter signed in."""
    folder = tmp_path / "county-action"
    shutil.copytree(ROOT / "data" / "county-action", folder)
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(ROOT / "plans" / "county-action.yaml"))
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(folder))
    monkeypatch.setenv("PLAN_MONITOR_AUTH", "on")
    monkeypatch.setenv(MOUNTED_ENV, "1")
    monkeypatch.setenv("PLAN_MONITOR_HOME", str(tmp_path / "home"))
    store = Access(tmp_path / "home", hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    store.add("xianzhi", PASSWORD, "unit_reporter", local_admin("tester"), counties=["县直单位党组织"],
              display="张填报")
    token = store.sign_in("xianzhi", PASSWORD, "10.0.0.7")
    monkeypatch.setattr(auth, "_token", lambda: token)
    return folder


def test_a_unit_reporter_sees_its_own_tasks_and_is_refused_on_another_units(unit_signed_in):
    at = open_page("task_report", day="2026-01-20")
    assert "提交人：**张填报**（责任单位填报员）" in texts(at)
    table = mine(at)
    assert set(table["填报单位"]) == {"县直单位党组织"}
    assert sorted(set(table["任务"])) == sorted(["每半年召开一次党建联席会议", "每年签订“三清单一协议”", "每月定期联系村党组织"])
    body = (HEADER + "\nmonthly-contact,县直单位党组织,2026-01,推进中,本月已联系村党组织3次,,\n"
            "quarterly-scoring,县乡村振兴局,2025-Q4,已完成,已汇总打分,,\n").encode("utf-8")
    at.file_uploader[0].upload("台账.csv", body)
    at.run()
    assert not at.exception
    assert "台账中有不属于张填报（责任单位填报员）填报范围的行，不能提交" in texts(at)
    problems = at.dataframe[1].value
    assert problems.values.tolist() == [
        [3, "填报单位", "张填报（责任单位填报员）只能填报本单位（本地）的任务，不能代“县乡村振兴局”填报"]]
    assert at.button(key="pm_task_submit").disabled
    assert open_store(unit_signed_in).task_ledger()[0] == []


def test_a_unit_reporter_may_not_open_the_review(unit_signed_in):
    at = open_page("task_review", day="2026-01-20")
    assert "无权" in " ".join(e.value for e in at.error)
    assert not at.dataframe
