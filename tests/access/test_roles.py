"""The one permission check: every role × action, allowed and refused, county scope included."""

from __future__ import annotations

import pytest

from plan_monitor.access import ACTIONS, Actor, allowed, anonymous, require
from plan_monitor.errors import AccessDenied

VIEWER = Actor("张查看", role="viewer")
COUNTY = Actor("王分析", role="county_analyst", counties={"江陵县", "公安县"})
CITY = Actor("李统计", role="city_analyst")
ADMIN = Actor("赵管理", role="admin")
UNIT = Actor("周填报", role="unit_reporter", units={"县委组织部"})
ANON = anonymous()

# (actor, every action it may take); everything else is refused
MAY = {
    "anonymous": (ANON, {"view_dashboard"}),
    "viewer": (VIEWER, {"view_dashboard", "view", "export"}),
    "unit_reporter": (UNIT, {"view_dashboard", "view", "export", "report_tasks"}),
    "county_analyst": (COUNTY, {"view_dashboard", "view", "export", "upload", "rollback", "report_tasks"}),
    "city_analyst": (CITY, {"view_dashboard", "view", "export", "upload", "rollback", "report_tasks",
                            "review_tasks"}),
    "admin": (ADMIN, set(ACTIONS)),
}


@pytest.mark.parametrize("role", MAY)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_role_and_action(role, action):
    actor, may = MAY[role]
    assert allowed(actor, action) is (action in may)
    if action in may:
        require(actor, action)
    else:
        with pytest.raises(AccessDenied) as err:
            require(actor, action)
        assert err.value.zh == f"{actor.who}无权{ACTIONS[action]}"


@pytest.mark.parametrize("action", ["upload", "rollback"])
def test_a_county_analyst_is_limited_to_their_counties(action):
    assert allowed(COUNTY, action, "江陵县") and allowed(COUNTY, action, "公安县")
    assert not allowed(COUNTY, action, "沙市区")
    with pytest.raises(AccessDenied) as err:
        require(COUNTY, action, ["江陵县", "沙市区", "石首市"])
    assert "不能涉及 沙市区、石首市" in err.value.zh
    for actor in (CITY, ADMIN):
        assert allowed(actor, action, "沙市区")
        require(actor, action, ["江陵县", "沙市区"])
    assert not allowed(VIEWER, action, "江陵县")


def test_task_reports_are_scoped_to_units_and_places():
    """A unit reporter reports for its units only, a county analyst for its counties (and their towns) only, the
    city for every unit and place; nobody but the city reviews 销号."""
    assert allowed(UNIT, "report_tasks", unit="县委组织部")
    assert not allowed(UNIT, "report_tasks", unit="县民政局")
    assert not allowed(UNIT, "report_tasks", county="江陵县")
    assert not allowed(UNIT, "upload", "江陵县")
    assert allowed(COUNTY, "report_tasks", county="江陵县") and not allowed(COUNTY, "report_tasks", county="沙市区")
    assert not allowed(COUNTY, "report_tasks", unit="县委组织部")
    assert allowed(CITY, "report_tasks", unit="县民政局") and allowed(CITY, "report_tasks", county="沙市区")
    assert UNIT.scope_text == "县委组织部"
    assert not allowed(UNIT, "review_tasks") and not allowed(COUNTY, "review_tasks") and allowed(CITY, "review_tasks")


def test_reading_is_not_county_scoped():
    assert allowed(COUNTY, "view", "沙市区") and allowed(COUNTY, "export", "沙市区")


def test_nobody_and_unknown_actions_are_refused():
    assert not allowed(None, "view_dashboard")
    with pytest.raises(AccessDenied, match="请先登录"):
        require(None, "view")
    assert not allowed(ADMIN, "format_disk")


def test_the_actor_knows_its_scope_in_words():
    assert COUNTY.scope_text == "公安县、江陵县" and CITY.scope_text == "全部县（市、区）"
    assert VIEWER.scope_text == "（无）" and VIEWER.outside(["江陵县"]) == ["江陵县"]
    assert COUNTY.outside(["江陵县", "沙市区"]) == ["沙市区"] and ADMIN.outside(["沙市区"]) == []
    assert COUNTY.who == "王分析（县级分析员）" and ANON.who == "匿名访客（匿名访客）"
