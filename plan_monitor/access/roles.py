"""Roles, the Actor and the one permission check.

Every action anyone can take (open a dashboard page, export, upload, roll back, manage accounts, read the audit) is
asked of `allowed(actor, action, county)`; `require` turns a refusal into AccessDenied with a Chinese message. The
write service, the CLI and the pages all ask here, so a role means the same thing wherever it acts.

| role              | 中文        | may                                                                    |
|-------------------|-------------|------------------------------------------------------------------------|
| anonymous         | 匿名访客    | the dashboard overview and 汇报模式 (only when anonymous viewing is on) |
| viewer            | 查看        | every read-only page, exports                                          |
| unit_reporter     | 责任单位填报员 | as viewer, and report progress on / ask to close its own units' tasks  |
| county_analyst    | 县级分析员  | as viewer, and upload / roll back rows of their own counties, and report |
|                   |             | on the tasks their counties and towns report on                        |
| city_analyst      | 市级分析员  | as viewer, upload / roll back every county, report on every task, and   |
|                   |             | review 销号 requests (close or send back)                                |
| admin             | 管理员      | everything: accounts, the plan file, rollback of anything, the audit    |

Tasks (清单) are reported by a unit as the plan names it (县委组织部) or by a county or town: who may report for
which is `allowed(actor, "report_tasks", county=…)` for a place and `allowed(actor, "report_tasks", unit=…)` for a
unit; an actor's `units` (a unit reporter's scope) is None, every unit, only for the city roles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from plan_monitor.errors import AccessDenied

ROLES = {"viewer": "查看", "unit_reporter": "责任单位填报员", "county_analyst": "县级分析员", "city_analyst": "市级分析员", "admin": "管理员"}
ANONYMOUS = "anonymous"
ROLE_LABELS = {**ROLES, ANONYMOUS: "匿名访客"}
MAX_NAMED = 6  # a message naming more counties than this ends with 等

# What each action is, in words (for refusals and the audit).
ACTIONS = {
    "view_dashboard": "查看总览和汇报模式",
    "view": "查看数据页面",
    "export": "导出数据",
    "upload": "提交数据",
    "rollback": "回退数据版本",
    "manage_accounts": "管理账户",
    "view_audit": "查看审计日志",
    "edit_plan": "修改目标配置文件",
    "report_tasks": "填报任务进展",
    "review_tasks": "审核销号",
}
SCOPED = frozenset({"upload", "rollback"})  # actions on rows: limited to the actor's counties
_READ = {"view_dashboard", "view", "export"}
_CITY_ROLES = frozenset({"city_analyst", "admin"})  # every unit's tasks
PERMISSIONS: dict[str, frozenset[str]] = {
    ANONYMOUS: frozenset({"view_dashboard"}),
    "viewer": frozenset(_READ),
    "unit_reporter": frozenset(_READ | {"report_tasks"}),
    "county_analyst": frozenset(_READ | SCOPED | {"report_tasks"}),
    "city_analyst": frozenset(_READ | SCOPED | {"report_tasks", "review_tasks"}),
    "admin": frozenset(ACTIONS),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting. `counties` is the scope of the county-scoped actions (upload, rollback); None means every
    county. `account` is the sign-in name behind the actor ("" for a name typed in demo mode), `address` where
    the request came from (for the audit)."""

    name: str
    role: str = "city_analyst"
    counties: frozenset[str] | None = None
    account: str = ""
    address: str = ""
    units: frozenset[str] | None = None  # the units whose tasks the actor reports on; None: every unit (city roles)

    def __post_init__(self):
        object.__setattr__(self, "name", (self.name or "").strip())
        if self.role not in ROLE_LABELS:
            raise ValueError(f"unknown role {self.role!r}; one of {', '.join(ROLE_LABELS)}")
        if self.counties is not None:
            object.__setattr__(self, "counties", frozenset(self.counties))
        if self.role == "unit_reporter" and self.counties is None:
            object.__setattr__(self, "counties", frozenset())  # a unit reporter writes no county's rows
        if self.units is not None or self.role not in _CITY_ROLES:
            object.__setattr__(self, "units", frozenset(self.units or ()))

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def who(self) -> str:
        """The actor in a refusal or the audit: 王分析（县级分析员）."""
        return f"{self.name or '（未署名）'}（{self.role_label}）"

    def outside(self, counties: Iterable[str]) -> list[str]:
        """The counties among these the actor may not write, sorted."""
        return sorted({c for c in counties if not allowed(self, "upload", c)})

    @property
    def scope_text(self) -> str:
        """The actor's scope in words, e.g. 江陵县 or 全部县（市、区）."""
        if self.role == "unit_reporter":
            return names(sorted(self.units)) if self.units else "（无）"
        if "upload" not in PERMISSIONS[self.role]:
            return "（无）"
        if self.counties is None:
            return "全部县（市、区）"
        return names(sorted(self.counties)) if self.counties else "（无）"


def scope_of(role: str, scope: Iterable[str]) -> dict:
    """An account's stored scope list as Actor fields: a county analyst's counties, a unit reporter's units (the
    same column holds either)."""
    if role == "county_analyst":
        return {"counties": frozenset(scope)}
    if role == "unit_reporter":
        return {"counties": frozenset(), "units": frozenset(scope)}
    return {"counties": None}


def anonymous(address: str = "") -> Actor:
    return Actor("匿名访客", role=ANONYMOUS, counties=frozenset(), address=address)


def allowed(actor: Actor | None, action: str, county: str | None = None, unit: str | None = None) -> bool:
    """May this actor take this action (on this county's rows; on the tasks this county, town's county or unit
    reports on)? The one permission check. No actor may do nothing; an unknown action is refused."""
    if actor is None or action not in PERMISSIONS.get(actor.role, ()):
        return False
    if action == "report_tasks":
        if unit is not None and actor.units is not None and unit not in actor.units:
            return False
        if county is not None and actor.counties is not None and county not in actor.counties:
            return False
        return True
    if county is not None and action in SCOPED and actor.counties is not None:
        return county in actor.counties
    return True


def require(actor: Actor | None, action: str, counties: Iterable[str] = ()) -> None:
    """AccessDenied (Chinese) unless the actor may take the action on every one of these counties."""
    if actor is None:
        raise AccessDenied(f"请先登录后再{ACTIONS.get(action, action)}", f"sign in to {action}")
    if not allowed(actor, action):
        raise AccessDenied(f"{actor.who}无权{ACTIONS.get(action, action)}",
                           f"{actor.name} ({actor.role}) may not {action}")
    others = sorted({c for c in counties if not allowed(actor, action, c)})
    if others:
        raise AccessDenied(f"{actor.who}只能{ACTIONS[action]}：{actor.scope_text}，不能涉及 {names(others)}",
                           f"{actor.name} may {action} {sorted(actor.counties or ())} only, not {others}")


def names(counties: list[str]) -> str:
    return "、".join(counties[:MAX_NAMED]) + ("等" if len(counties) > MAX_NAMED else "")
