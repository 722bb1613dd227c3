"""任务报送情况 under AppTest: the reporter × period matrix of a cadence task with its 逾期 counts, the task and the
periods shown kept in the URL (?task=, ?periods=all), the towns' roll-up by county for the county action plan's
town reports, its stages, and the empty states of a plan without a data folder."""

from __future__ import annotations

from page_runner import markdown_text, open_routed_page


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def rows(frame) -> list[list[str]]:
    return [list(frame.columns)] + [[name, *cells] for name, cells in zip(frame.index, frame.values.tolist())]


def test_jingzhou_yearly_task_matrix():
    at = open_routed_page("task_matrix")
    assert "## 任务报送情况" in markdown_text(at)
    assert at.selectbox(key="pm_matrix_task").value == "sixiang-cuilian"
    assert at.query_params["task"] in ("sixiang-cuilian", ["sixiang-cuilian"])
    assert metrics(at) == {"填报单位": "9个", "逾期未报": "3期次", "有逾期的单位": "3个", "逾期补报": "3期次"}
    assert rows(at.dataframe[0].value) == [
        ["2022年", "2023年", "2024年"],
        ["沙市区", "已报", "已报", "未到期"], ["荆州区", "已报", "逾期补报", "未到期"], ["公安县", "逾期补报", "逾期", "未到期"],
        ["江陵县", "逾期", "逾期补报", "未到期"], ["石首市", "逾期", "已报", "未到期"], ["洪湖市", "已报", "已报", "未到期"],
        ["松滋市", "已报", "已报", "未到期"], ["监利市", "已报", "已报", "未到期"], ["荆州经济技术开发区", "已报", "已报", "未到期"]]
    legend = next(m.value for m in at.markdown if "pm-legend" in m.value)
    assert [label in legend for label in ("已报", "逾期补报", "未报", "逾期", "未到期", "已销号")] == [True] * 6
    assert "background:#d1242f" in legend  # 逾期 in the palette's red
    assert len(at.dataframe) == 1  # counties report: no roll-up


def test_town_reports_roll_up_by_county():
    at = open_routed_page("task_matrix", plan="county-action", task="town-report", day="2026-01-20")
    assert "按 2026年1月20日 计算" in at.caption[0].value
    assert metrics(at) == {"填报单位": "13个", "逾期未报": "2期次", "有逾期的单位": "2个", "逾期补报": "0期次"}
    rollup, matrix = (d.value for d in at.dataframe)  # the summary first
    assert rows(matrix)[-2:] == [["金溪县/琉璃乡", "逾期", "未到期"], ["金溪县/石门乡", "逾期", "未到期"]]
    assert rollup.values.tolist() == [["金溪县", 13, "11/13（逾期2）", "—"]]
    assert "### 按县（市、区）汇总" in markdown_text(at)


def test_stages_and_every_period_from_the_url():
    at = open_routed_page("task_matrix", plan="county-action", task="work-stages", day="2026-01-20")
    assert rows(at.dataframe[0].value) == [
        ["动员部署阶段", "行动实施阶段", "总结提升阶段"], ["县委组织部", "已报", "已报", "未到期"],
        ["各乡镇", "逾期补报", "已报", "未到期"], ["各县直单位", "已报", "已报", "未到期"]]
    at = open_routed_page("task_matrix", plan="county-action", task="monthly-contact", day="2026-01-20")
    assert list(at.dataframe[0].value.columns) == ["2025年9月", "2025年10月", "2025年11月", "2025年12月", "2026年1月"]
    assert at.dataframe[0].value.loc["县直单位党组织"].tolist() == ["已报", "已报", "已报", "逾期", "未到期"]
    at.toggle(key="pm_matrix_all").set_value(True).run()
    assert at.query_params["periods"] in ("all", ["all"])
    assert len(at.dataframe[0].value.columns) == 16


def test_picking_another_task_goes_into_the_url():
    at = open_routed_page("task_matrix", plan="county-action", day="2026-01-20")
    at.selectbox(key="pm_matrix_task").set_value("joint-meeting").run()
    assert at.query_params["task"] in ("joint-meeting", ["joint-meeting"])
    assert rows(at.dataframe[0].value) == [["2025年下半年", "2026年上半年"], ["县直单位党组织", "已报", "未到期"],
                                           ["村级党组织", "已报", "未到期"]]


def test_a_plan_without_a_data_folder_shows_an_empty_state():
    at = open_routed_page("task_matrix", plan="suixi")
    assert "## 任务报送情况" in markdown_text(at)
    assert at.info[0].value.startswith("本计划还没有数据目录")
    assert not at.dataframe and not at.error
