"""销号审核 under AppTest on a copy of the demo data: the three waiting requests with their evidence; 同意销号 closes
one for good and 退回 needs a reason, each recorded through the write service and shown by the ledger on the next
run (the queue shrinks, the latest reviews list it, the reporter's 任务填报 shows 已销号 / 已退回)."""

from __future__ import annotations

from test_task_report_page import data, open_page, texts  # noqa: F401 - data is a fixture

from plan_monitor.sources import open_store


def queue(at):
    return at.dataframe[0].value


def test_waiting_requests_with_their_evidence(data):  # noqa: F811
    at = open_page("task_review", day="2024-09-30")
    assert at.markdown[0].value == "## 销号审核"
    assert {m.label: m.value for m in at.metric} == {"待审核": "3项", "已销号": "33项", "已退回": "1项"}
    assert queue(at).values.tolist() == [
        ["开展“寻忆初心”活动", "江陵县", "活动开展情况及参加党员名单.pdf", "江陵县填报员", "2024-09-17 13:52", "已全部完成，成果已汇总上报"],
        ["社区人才队伍培养工程", "松滋市", "持证社区工作者名单（指标“50岁.pdf", "松滋市填报员", "2024-09-26 12:47", "已全部完成，成果已汇总上报"],
        ["村级后备干部提级管理", "江陵县", "村级后备干部选拔、培养和管理工作.pdf", "江陵县填报员", "2024-09-29 14:06", "已全部完成，成果已汇总上报"],
    ]
    recent = at.dataframe[1].value
    assert recent.iloc[0].to_dict() == {"任务": "城乡融合发展典型项目培育工程", "填报单位": "沙市区", "结果": "同意销号",
                                        "审核人": "市委组织部审核员", "审核时间": "2024-09-30 12:38", "退回理由": "材料齐全，同意销号"}


def test_approve_and_return(data):  # noqa: F811
    at = open_page("task_review", day="2024-09-30")
    at.text_input(key="pm_review_user").input("市委组织部 李审核")
    at.selectbox(key="pm_review_pick").set_value("shequ-rencai|松滋市")
    at.button(key="pm_review_approve").click().run()
    assert not at.exception
    assert at.success[0].value == "已同意销号：“社区人才队伍培养工程”（松滋市）。"
    assert [r[0] for r in queue(at).values.tolist()] == ["开展“寻忆初心”活动", "村级后备干部提级管理"]
    assert at.dataframe[1].value.iloc[0][["任务", "填报单位", "结果", "审核人"]].tolist() == [
        "社区人才队伍培养工程", "松滋市", "同意销号", "市委组织部 李审核"]

    at.selectbox(key="pm_review_pick").set_value("houbei-ganbu|江陵县")
    at.button(key="pm_review_return").click().run()
    assert "退回须写明理由" in " ".join(e.value for e in at.error)
    assert len(open_store(data).task_ledger()[0]) == 1  # the return without a reason wrote nothing
    at.text_area(key="pm_review_reason").input("佐证材料不全，请补充培养台账")
    at.button(key="pm_review_return").click().run()
    assert at.success[0].value == "已退回：“村级后备干部提级管理”（江陵县），理由：佐证材料不全，请补充培养台账"
    assert at.text_area(key="pm_review_reason").value == ""  # the next review starts without this reason
    assert {m.label: m.value for m in at.metric} == {"待审核": "1项", "已销号": "34项", "已退回": "2项"}
    batches, _ = open_store(data).task_ledger()
    assert [(b["kind"], b["user"]) for b in batches] == [("close_approve", "市委组织部 李审核"),
                                                          ("close_return", "市委组织部 李审核")]

    report = open_page("task_report", day="2024-09-30")
    report.selectbox(key="pm_task_reporter").set_value("江陵县").run()
    row = report.dataframe[0].value.set_index("任务").loc["村级后备干部提级管理"]
    assert (row["状态"], row["销号"]) == ("退回", "已退回")
    report.selectbox(key="pm_task_close_pick").set_value("houbei-ganbu|江陵县").run()
    assert "上次申请已退回：佐证材料不全，请补充培养台账" in " ".join(w.value for w in report.warning)
