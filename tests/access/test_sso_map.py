"""The single sign-on mapping file: identities to roles and county scope, validated strictly with every problem
named by file, line and field in Chinese; an identity without an entry gets no actor."""

from __future__ import annotations

import pytest

from plan_monitor.access import allowed
from plan_monitor.access.sso import MAP_ENV, current_map, load_sso_map
from plan_monitor.errors import SsoMapError

COUNTIES = ["江陵县", "松滋市", "公安县"]
GOOD = """\
# who signs in through the site's identity system, and as what
users:
  Zhang.San@city.gov.cn:
    name: 张三
    role: county_analyst
    counties: [江陵县, 松滋市]
  li.si@city.gov.cn:
    role: 市级分析员
  wang:
    role: admin
"""


def write(tmp_path, text: str):
    path = tmp_path / "sso.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_maps_identities_to_actors(tmp_path):
    mapping = load_sso_map(write(tmp_path, GOOD), COUNTIES)
    zhang = mapping.actor(" zhang.san@CITY.gov.cn ", "10.1.2.3")  # case and space do not matter
    assert (zhang.name, zhang.role, zhang.counties, zhang.account, zhang.address) == (
        "张三", "county_analyst", frozenset({"江陵县", "松滋市"}), "sso:Zhang.San@city.gov.cn", "10.1.2.3")
    assert allowed(zhang, "upload", "江陵县") and not allowed(zhang, "upload", "公安县")
    li = mapping.actor("li.si@city.gov.cn")
    assert (li.name, li.role, li.counties) == ("li.si@city.gov.cn", "city_analyst", None)  # a Chinese role label
    assert allowed(mapping.actor("wang"), "manage_accounts")
    assert mapping.actor("nobody@city.gov.cn") is None and mapping.actor("") is None


def test_a_unit_reporter_is_mapped_with_its_units(tmp_path):
    text = "users:\n  zhou@org.gov.cn:\n    name: 周填报\n    role: 责任单位填报员\n    units: [县委组织部, 县民政局]\n"
    zhou = load_sso_map(write(tmp_path, text), COUNTIES).actor("zhou@org.gov.cn")
    assert (zhou.name, zhou.role, zhou.units, zhou.counties) == (
        "周填报", "unit_reporter", frozenset({"县委组织部", "县民政局"}), frozenset())
    assert allowed(zhou, "report_tasks", unit="县民政局") and not allowed(zhou, "report_tasks", unit="县委宣传部")
    assert not allowed(zhou, "upload", "江陵县")


@pytest.mark.parametrize("text, messages", [
    ("users:\n  a@b:\n    role: boss\n", ["第 3 行：“a@b”的 role“boss”无效"]),
    ("users:\n  a@b:\n    role: viewer\n    countys: [江陵县]\n", ["第 4 行：“a@b”的字段“countys”未知"]),
    ("users:\n  a@b:\n    name: 甲\n", ["第 2 行：“a@b”缺少 role 字段"]),
    ("users:\n  a@b:\n    role: county_analyst\n", ["第 2 行：“a@b”是县级分析员，须有 counties 字段"]),
    ("users:\n  a@b:\n    role: county_analyst\n    counties: []\n", ["第 4 行：“a@b”是县级分析员，counties 须列出至少一个"]),
    ("users:\n  a@b:\n    role: county_analyst\n    counties: 江陵县\n", ["第 4 行：“a@b”的 counties 须是县名列表"]),
    ("users:\n  a@b:\n    role: county_analyst\n    counties:\n      - 江陵县\n      - 火星县\n",
     ["第 6 行：“a@b”的 counties 中“火星县”不是本计划的县（市、区）"]),
    ("users:\n  a@b:\n    role: viewer\n    counties: [江陵县]\n", ["第 4 行：“a@b”是查看，不限县（市、区），不能有 counties 字段"]),
    ("users:\n  a@b:\n    role: viewer\n  A@B:\n    role: admin\n", ["第 4 行：“A@B”重复（第 2 行已有同一身份"]),
    ("users:\n  a@b: viewer\n", ["第 2 行：“a@b”下须有 role 字段"]),
    ("users:\n  a@b:\n    role: unit_reporter\n", ["第 2 行：“a@b”是责任单位填报员，须有 units 字段"]),
    ("users:\n  a@b:\n    role: viewer\n    units: [县委组织部]\n", ["第 4 行：“a@b”是查看，不能有 units 字段"]),
    ("people:\n  a@b:\n    role: viewer\n", ["第 1 行：未知的字段“people”，只允许 users", "缺少 users 字段"]),
    ("users:\n  a@b:\n    role: viewer\n    name: ''\n", ["第 4 行：“a@b”的 name 须是 1 至 40 个字的姓名"]),
    ("users:\n  a@b:\n    role: viewer\n   name: x\n", ["第 4 行不是有效的 YAML"]),
    ("- a@b\n", ["第 1 行：文件须以 users: 开头"]),
])
def test_every_problem_names_the_file_the_line_and_the_field(tmp_path, text, messages):
    path = write(tmp_path, text)
    with pytest.raises(SsoMapError) as caught:
        load_sso_map(path, COUNTIES)
    assert f"单点登录映射文件 {path}" in caught.value.zh
    for message in messages:
        assert message in caught.value.zh, caught.value.zh


def test_all_problems_are_listed_at_once(tmp_path):
    text = "users:\n  a@b:\n    role: boss\n  c@d:\n    role: viewer\n    extra: 1\n"
    with pytest.raises(SsoMapError, match="有 2 处错误") as caught:
        load_sso_map(write(tmp_path, text), COUNTIES)
    assert "第 3 行" in caught.value.zh and "第 6 行" in caught.value.zh


def test_a_missing_file_is_named_with_its_setting(tmp_path):
    with pytest.raises(SsoMapError, match=f"不存在（环境变量 {MAP_ENV}）"):
        load_sso_map(tmp_path / "none.yaml")


def test_the_current_map_follows_the_setting_and_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv(MAP_ENV, raising=False)
    assert current_map() is None
    path = write(tmp_path, GOOD)
    monkeypatch.setenv(MAP_ENV, str(path))
    assert current_map(COUNTIES).actor("wang").role == "admin"
    path.write_text(GOOD.replace("role: admin", "role: viewer  # demoted"), encoding="utf-8")
    assert current_map(COUNTIES).actor("wang").role == "viewer"  # read again after a change
    path.write_text(GOOD.replace("  wang:\n    role: admin\n", ""), encoding="utf-8")
    assert current_map(COUNTIES).actor("wang") is None  # removed from the file: refused at once
