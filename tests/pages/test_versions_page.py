"""数据版本 page under AppTest on a copy of the demo data: the version list, a version's changes, rollback."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from streamlit.testing.v1 import AppTest

from plan_monitor.paths import DEFAULT_DATA, ROOT
from plan_monitor.sources import load_rosters, open_store
from plan_monitor.sources.tables import with_removed

APP = str(ROOT / "app.py")
Q3 = date(2024, 9, 30)


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    folder = Path(shutil.copytree(DEFAULT_DATA, tmp_path / "demo"))
    monkeypatch.setenv("PLAN_MONITOR_DATA", str(folder))
    return folder


def open_versions() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/versions.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def county_q3(folder: Path, county: str) -> pa.Table:
    villages = load_rosters(folder).tables["villages"]
    return villages.filter(pc.and_(pc.equal(villages["county"], county),
                                   pc.equal(villages["as_of"], pa.scalar(Q3, pa.date32()))))


def raise_income(rows: pa.Table, by: float) -> pa.Table:
    i = rows.schema.get_field_index("income_wan")
    return rows.set_column(i, "income_wan", pc.add(rows["income_wan"], by))


def test_no_store_yet_says_initial_data(data):
    at = open_versions()
    assert [i.value for i in at.info] == ["尚无上传版本，当前为初始数据"]
    assert not at.dataframe and not at.button


def test_lists_versions_shows_changes_and_rolls_back(data):
    store = open_store(data)
    jianli = county_q3(data, "监利市")
    honghu = county_q3(data, "洪湖市")
    store.commit(template_key="village", rows=raise_income(jianli, 1.0), original=b"a", file_name="监利_三季度.xlsx",
                 user="张三", base=0, note="补报")
    # an 整体替换 of 洪湖市's 09-30 roster with ten villages: a removal marker for each of the others, so they do not
    # come back from the 06-30 round
    gone = honghu.slice(10)
    store.commit(template_key="village", original=b"b", file_name="洪湖_三季度.csv", user="李四", base=1,
                 rows=pa.concat_tables([honghu.slice(0, 10), with_removed(gone, pa.array([True] * len(gone)))]),
                 mode="replace")

    at = open_versions()
    versions = at.dataframe[0].value
    assert list(versions["版本"]) == [2, 1] and list(versions["状态"]) == ["当前", ""]
    assert list(versions["提交人"]) == ["李四", "张三"] and list(versions["文件"]) == ["洪湖_三季度.csv", "监利_三季度.xlsx"]
    assert list(versions["内容"]) == ["村（社区）情况统计表"] * 2
    assert list(versions["上传方式"]) == ["整体替换", "—"]  # version 1 was stored without a mode
    assert list(versions["县（市、区）"]) == ["洪湖市", "监利市"] and list(versions["年度"]) == ["2024年"] * 2
    assert list(versions["删除"]) == [len(honghu) - 10, 0]
    assert list(versions["未变"]) == [10, len(jianli) - versions["修改"][1]]
    assert versions["备注"][1] == "补报"
    assert "当前版本：**版本 2" in "\n".join(m.value for m in at.markdown)

    # the newest version's changes: 洪湖市 villages beyond the first ten are removed
    changes = at.dataframe[1].value
    assert len(changes) == len(honghu) - 10 and set(changes["变化"]) == {"删除"}
    assert set(changes["县（市、区）"]) == {"洪湖市"} and set(changes["统计截至"]) == {"2024-09-30"}
    at.selectbox(key="pm_versions_show").set_value(1).run()
    changes = at.dataframe[1].value
    assert set(changes["变化"]) == {"修改"} and changes["变化内容"].str.startswith("村集体经济收入（万元）：").all()

    # roll back to version 0 (初始数据): the button waits for the confirm box and a user name
    at.selectbox(key="pm_versions_to").set_value(0).run()
    go = at.button(key="pm_versions_go")
    assert go.disabled
    at.checkbox(key="pm_versions_ok_0_0").check().run()
    assert at.checkbox(key="pm_versions_ok_0_0").label == "我已确认回退到版本 0"
    at.button(key="pm_versions_go").click().run()
    assert [e.value for e in at.error] == ["请填写提交人姓名"] and store.head() == 2
    at.text_input(key="pm_versions_user").input("王五").run()
    at.button(key="pm_versions_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == ["已回退到版本 0，生成新版本 3"]
    entry = store.entries()[-1]
    assert (entry["id"], entry["kind"], entry["rollback_to"], entry["user"]) == (3, "rollback", 0, "王五")
    assert list(at.dataframe[0].value["版本"]) == [3, 2, 1]
    assert at.dataframe[0].value["内容"][0] == "回退到版本 0"
    assert not at.checkbox(key="pm_versions_ok_1_0").value  # the confirm box does not carry over
    at.selectbox(key="pm_versions_show").set_value(3).run()
    cells = [v for frame in at.dataframe for v in frame.value.to_numpy().ravel() if isinstance(v, str)]
    assert not [c for c in cells if re.search(r"\b(nan|None|NaT|<NA>)\b", c)]
    assert set(at.dataframe[1].value["变化"]) == {"修改", "新增"}  # 监利市 incomes back, 洪湖市 villages back
    # the data is the demo's own again
    base = load_rosters(DEFAULT_DATA).tables["villages"]
    assert load_rosters(data).tables["villages"].num_rows == base.num_rows
    assert county_q3(data, "监利市").equals(jianli)


def test_rollback_on_a_stale_page_shows_the_conflict(data):
    store = open_store(data)
    jianli = county_q3(data, "监利市")
    store.commit(template_key="village", rows=raise_income(jianli, 1.0), original=b"a", file_name="a.csv",
                 user="张三", base=0)
    store.commit(template_key="village", rows=raise_income(jianli, 2.0), original=b"b", file_name="b.csv",
                 user="张三", base=1)
    at = open_versions()
    at.selectbox(key="pm_versions_to").set_value(1).run()
    at.text_input(key="pm_versions_user").input("王五")
    at.checkbox(key="pm_versions_ok_0_1").check().run()
    # someone commits after this page was drawn
    store.commit(template_key="village", rows=raise_income(jianli, 3.0), original=b"c", file_name="c.csv",
                 user="赵六", base=2)
    at.button(key="pm_versions_go").click().run()
    assert [e.value for e in at.error] == ["数据已被他人更新（当前版本 v3，您核对时为 v2），请重新核对预览后再提交"]
    assert store.head() == 3
