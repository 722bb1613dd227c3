"""督办 page: the demo's items by colour as of ?day=, open items first with their triggering figures, closed ones
with their closing note, and the Excel 督办台账 button; the small four-round plan shows its exact rows."""

from __future__ import annotations

from page_runner import markdown_text, open_page
from supervision_data import supervision_data, supervision_plan


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
