"""任务清单 and the plan picker: the picker's choice goes into ?plan= and opens that plan; Suixi's twenty measures by
area with their units; the county action's cadences and stages with the periods due; a plan without figures shows
an empty state, not an error."""

from __future__ import annotations

from page_runner import markdown_text, open_page


def tables(at):
    return [d.value for d in at.dataframe]


def test_picker_choice_goes_into_the_url_and_opens_that_plan():
    at = open_page("overview")
    picker = at.sidebar.selectbox(key="pm_plan")
    assert picker.value == "jingzhou" and "plan" not in at.query_params  # the default plan leaves the URL as it was
    assert "荆州市基层党建工作提质增效三年行动计划" in markdown_text(at)
    picker.set_value("huizhou").run()
    assert not at.exception
    assert at.query_params["plan"] == ["huizhou"] or at.query_params["plan"] == "huizhou"
    assert at.markdown[0].value.startswith("## 惠州市加强党的基层组织建设三年行动计划实施方案")
    assert "还没有进度数据" in at.info[0].value  # no data folder: an honest empty state
    at.sidebar.selectbox(key="pm_plan").set_value("jingzhou").run()
    assert "plan" not in at.query_params
    assert "荆州市基层党建工作提质增效三年行动计划" in markdown_text(at) and not at.info


def test_plan_from_the_url():
    at = open_page("tasks", plan="county-action", day="2026-01-15")
    assert at.sidebar.selectbox(key="pm_plan").value == "county-action"
    assert "“助理治理党员先行”行动（2025—2026年）" in at.caption[0].value


def test_suixi_twenty_measures_by_area_with_their_units():
    at = open_page("tasks", plan="suixi", day="2025-06-30")
    text = markdown_text(at)
    assert "共 **20** 项任务：一次完成 20 项" in text
    areas = [m.value for m in at.markdown if m.value.startswith("### ")]
    assert areas == ["### 总体要求（3项）", "### 突出基层党组织政治引领力，做政治忠诚先锋（4项）",
                     "### 重塑各领域全要素动员力，做平急转换遂行先锋（3项）", "### 增强基层党组织群众组织力，做为民服务先锋（3项）",
                     "### 提升基层党组织攻坚号召力，做担当作为先锋（3项）", "### 加强组织保障（4项）"]
    frames = tables(at)
    assert sum(len(f) for f in frames) == 20
    second = frames[1]
    row = second[second["任务"] == "（五）巩固农村基层党组织领导地位"].iloc[0]
    assert row["责任单位"] == "县委组织部、县民政局、各镇（街）党（工）委"
    assert row["牵头单位"] == "计划未写明"
    assert row["时限或周期"] == "2025年12月31日前" and row["到期情况"] == "距时限 184 天"
    assert frames[0]["责任单位"].tolist() == ["计划未写明"] * 3  # (一)–(三) name no units in 〔…〕


def test_filter_by_unit_is_kept_in_the_url():
    at = open_page("tasks", plan="suixi", day="2025-06-30")
    at.selectbox(key="pm_task_unit").set_value("县委两新工委").run()
    assert at.query_params["unit"] in ("县委两新工委", ["县委两新工委"])
    titles = [t for f in tables(at) for t in f["任务"]]
    assert titles == ["（七）强化对城市各领域基层党组织的领导", "（九）组建机关党组织“平急转换先锋队”",
                      "（十）组建两新组织“志愿服务先锋队”"]
    at = open_page("tasks", plan="suixi", unit="县妇联")
    assert [t for f in tables(at) for t in f["任务"]] == ["（九）组建机关党组织“平急转换先锋队”"]


def test_county_action_cadences_and_periods_due():
    at = open_page("tasks", plan="county-action", day="2026-01-15")
    assert "共 **8** 项任务：定期 7 项、分阶段 1 项" in markdown_text(at)
    rows = {r["任务"]: r for f in tables(at) for _, r in f.iterrows()}
    assert rows["每月定期联系村党组织"]["时限或周期"] == "每月（自2025年9月1日起）"
    assert rows["每月定期联系村党组织"]["到期情况"] == (
        "已到期 4 期：2025年9月、2025年10月、2025年11月、2025年12月；本期：2026年1月（2026年1月31日到期）")
    assert rows["每年签订“三清单一协议”"]["时限或周期"] == "每年（自2025年9月1日起）"
    assert rows["每半年召开一次党建联席会议"]["到期情况"] == "已到期 1 期：2025年下半年；本期：2026年上半年（2026年6月30日到期）"
    assert rows["乡镇党委每半年反馈工作报告"]["责任单位"] == "乡镇党委"
    assert rows["城市人才每月至少参加1次村级服务活动"]["时限或周期"] == "每月（自2025年9月1日起）"
    assert rows["工作步骤"]["牵头单位"] == "县委组织部"
    assert rows["工作步骤"]["到期情况"] == "已到期 2 期：动员部署阶段、行动实施阶段；本期：总结提升阶段（2026年1月31日到期）"


def test_jingzhou_tasks_beside_its_indicators():
    at = open_page("tasks", day="2023-03-01")
    rows = {r["任务"]: r for f in tables(at) for _, r in f.iterrows()}
    assert len(rows) == 19
    assert rows["实施“思想淬炼”工程"]["时限或周期"] == "每年"
    assert rows["基层治理智慧平台"]["适用范围"] == "荆州区、沙市区"


def test_tasks_only_plan_pages_show_an_empty_state():
    for page in ("overview", "county", "town", "trend", "definitions", "present", "upload", "reporting", "versions"):
        at = open_page(page, plan="suixi")
        assert "## 遂溪县“X行先锋”计划" in [m.value for m in at.markdown], page
        assert "本计划只列出任务，没有量化指标" in at.info[0].value, page
        assert not at.error, page
