"""督办台账 under AppTest: the Jingzhou demo's ledger as of its last ledger day (2024-09-30) with its counts, tasks
overdue first and its open 督办 items; filters read from and written to the URL; one task's history with ?task=;
the county action plan (?plan=county-action, ?day=); the honest empty state of a plan without a data folder."""

from __future__ import annotations

from page_runner import markdown_text, open_page


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def param(at, name):
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def test_jingzhou_ledger_counts_and_order():
    at = open_page("ledger")
    text = markdown_text(at)
    assert "## 督办台账" in text
    assert "状态按 2024年9月30日 计算" in at.caption[0].value
    assert metrics(at) == {"任务": "19项", "已销号": "33个", "推进中": "102个", "滞后": "29个"}
    assert "按状态：逾期 **7**　滞后 **22**　待审核 **3**　退回 **1**　已完成待销号 **36**　推进中 **44**　未启动 **18**　已销号 **33**" \
        in text
    assert "### 任务（19项）" in text
    tasks, items = (d.value for d in at.dataframe)
    assert tasks.columns.tolist() == ["序号", "任务", "状态", "销号", "时限", "进展", "牵头单位", "责任单位", "销号时间", "详情"]
    assert tasks[["任务", "状态", "销号"]].head(4).values.tolist() == [
        ["实施“思想淬炼”工程", "逾期", "0/9，逾期3"], ["“全域创优、整体跃升”行动", "逾期", "0/9，逾期2"],
        ["党建“培优”行动", "逾期", "0/9，逾期2"], ["开展“寻忆初心”活动", "滞后", "1/9"]]
    assert tasks["详情"].iloc[0] == "ledger?task=sixiang-cuilian"
    assert tasks.iloc[0]["时限"] == "每年，下次2025年1月10日前报送"
    assert tasks.iloc[0]["进展"] == "江陵县（2024年2月7日）：已完成过半，正在查漏补缺"
    assert "### 督办事项（指标严重滞后立项，未销号 49项）" in text
    assert len(items) == 49 and set(items["整改措施"]) == {"尚未填报"}
    assert [b.label for b in at.get("download_button")] == ["下载 Excel"]


def test_filters_come_from_the_url_and_go_back_into_it():
    at = open_page("ledger", unit="公安县", state="overdue")
    assert at.selectbox(key="pm_ledger_unit").value == "公安县"
    assert at.selectbox(key="pm_ledger_state").value == "overdue"
    tasks = at.dataframe[0].value
    assert tasks[["任务", "进展", "状态", "销号"]].values.tolist() == [
        ["实施“思想淬炼”工程", "公安县（2023年1月18日）：已全部完成，成果已汇总上报", "逾期", "0/1，逾期1"],
        ["“全域创优、整体跃升”行动", "公安县（2024年1月5日）：已全部完成，成果已汇总上报", "逾期", "0/1，逾期1"]]
    assert len(at.dataframe[1].value) == 9  # 公安县's open 督办 items (of 49)
    at.selectbox(key="pm_ledger_state").set_value("全部状态").run()
    assert param(at, "state") is None and param(at, "unit") == "公安县"
    assert "### 任务（18项）" in markdown_text(at)  # 公安县 reports on every task but 基层治理智慧平台
    at.selectbox(key="pm_ledger_area").set_value("实施党建主业 提责聚力行动").run()
    assert param(at, "area") == "实施党建主业 提责聚力行动"
    assert at.dataframe[0].value["任务"].tolist() == ["基层党建“书记项目”", "基层党建项目化管理", "基层党建示范创建"]


def test_an_unknown_filter_value_in_the_url_is_ignored():
    at = open_page("ledger", unit="不存在的单位", state="nonsense")
    assert at.selectbox(key="pm_ledger_unit").value == "全部单位"
    assert "### 任务（19项）" in markdown_text(at)


def test_a_tasks_history():
    at = open_page("ledger", task="sixiang-cuilian")
    text = markdown_text(at)
    assert "### 实施“思想淬炼”工程" in text
    assert "逾期 **3**　已完成待销号 **4**　推进中 **2**　（共 9 个填报单位）" in text
    reporters, steps = (d.value for d in at.dataframe)
    assert reporters[["填报单位", "状态", "已报期数", "逾期期数"]].head(3).values.tolist() == [
        ["公安县", "逾期", "1/2", 1], ["江陵县", "逾期", "1/2", 1], ["石首市", "逾期", "1/2", 1]]
    assert len(steps) == 15 and steps.iloc[0].tolist() == [
        "2024-02-07 09:54", "江陵县", "进展填报", "2023年", "推进中",
        "已完成过半，正在查漏补缺；佐证：2023年当年“新思想引领新征程”.pdf", "江陵县填报员"]
    at.selectbox(key="pm_ledger_reporter").set_value("公安县").run()
    assert param(at, "reporter") == "公安县"
    steps = at.dataframe[1].value
    assert steps[["时间", "报告期", "进展状态"]].values.tolist() == [["2023-01-18 15:04", "2022年", "已完成"]]


def test_a_closed_assignment_shows_who_closed_it():
    at = open_page("ledger", task="xunyi-chuxin")
    reporters = at.dataframe[0].value
    closed = reporters[reporters["状态"] == "已销号"]
    assert len(closed) == 1
    assert closed.iloc[0]["销号"] == "已销号" and "审核通过" in closed.iloc[0]["销号情况"]


def test_picking_a_task_opens_its_history():
    at = open_page("ledger", plan="county-action")
    at.selectbox(key="pm_ledger_pick").set_value("town-report").run()
    assert param(at, "task") == "town-report"
    assert "### 乡镇党委每半年反馈工作报告" in markdown_text(at)
    assert at.selectbox(key="pm_ledger_reporter").value == "全部填报单位"


def test_county_action_plan_from_the_url():
    at = open_page("ledger", plan="county-action", day="2026-01-20")
    assert "状态按 2026年1月20日 计算" in at.caption[0].value
    assert metrics(at) == {"任务": "8项", "已销号": "0个", "推进中": "24个", "滞后": "4个"}
    tasks = at.dataframe[0].value
    assert tasks[["任务", "时限", "状态", "销号"]].head(3).values.tolist() == [
        ["每月定期联系村党组织", "每月，下次2026年2月10日前报送", "逾期", "0/1，逾期1"],
        ["乡镇党委每半年反馈工作报告", "每半年，下次2026年7月10日前报送", "逾期", "0/13，逾期2"],
        ["每年评定等次并报备", "每年，下次2027年1月10日前报送", "逾期", "0/3，逾期1"]]
    assert tasks["详情"].iloc[0] == "ledger?task=monthly-contact&plan=county-action&day=2026-01-20"
    assert len(at.dataframe) == 1  # tasks only: no 督办 items without indicators
    assert "督办事项" not in markdown_text(at)


def test_a_plan_without_a_data_folder_shows_an_empty_state():
    at = open_page("ledger", plan="suixi")
    assert "## 督办台账" in markdown_text(at)
    assert at.info[0].value == "本计划还没有数据目录，尚无单位填报任务进展，因此没有可显示的台账。计划共有 20 项任务。"
    assert not at.dataframe and not at.error
