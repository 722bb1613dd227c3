"""账户与审计 for a unit reporter (责任单位填报员): the admin gives the account its units (负责的单位, the plan's units
offered, another typed in) in place of counties, on adding it and on changing its role."""

from __future__ import annotations

from page_runner import open_page
from test_admin_page import button, home, signed_in  # noqa: F401 - home is a fixture


def test_an_admin_adds_a_unit_reporter_with_its_units(home, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", "plans/county-action.yaml")
    signed_in(monkeypatch, home, "boss")
    at = open_page("admin")
    units = at.multiselect(key="pm_admin_add_units")
    assert units.options[:4] == ["县直单位党组织", "名誉村长", "村级党组织", "城市人才"]
    at.text_input(key="pm_admin_add_name").input("xianzhi")
    at.selectbox(key="pm_admin_add_role").set_value("unit_reporter")
    units.set_value(["县直单位党组织"])
    at.text_input(key="pm_admin_add_pw1").input("another horse")
    at.text_input(key="pm_admin_add_pw2").input("another horse")
    button(at, "新建").click().run()
    assert not at.exception
    assert "已新建账户 xianzhi（责任单位填报员）" in at.success[0].value
    assert (home.account("xianzhi").role, home.account("xianzhi").counties) == ("unit_reporter", ("县直单位党组织",))

    at.selectbox(key="pm_admin_account").set_value("xianzhi").run()
    assert at.multiselect(key="pm_admin_role_xianzhi_units").value == ["县直单位党组织"]
    assert at.multiselect(key="pm_admin_role_xianzhi_counties").value == []
    at.multiselect(key="pm_admin_role_xianzhi_units").set_value(["县直单位党组织", "县委组织部"])
    button(at, "保存角色").click().run()
    assert home.account("xianzhi").counties == ("县委组织部", "县直单位党组织")
