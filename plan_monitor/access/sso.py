"""Single sign-on: who an identity vouched for by the site's identity system is here, from a mapping file.

Two ways an identity arrives, both optional and never required (plan_monitor.ui reads them):
- a trusted reverse proxy sets a header (e.g. X-Forwarded-Email) that Streamlit's `server.trustedUserHeaders`
  maps to the `email` key of st.user; the proxy must strip any copy the client sent;
- `st.login` with an OpenID Connect provider (secrets.toml [auth]), which puts the provider's `email` claim in
  st.user.email.

Either way the identity alone grants nothing: its role and county scope come from the mapping file named by
PLAN_MONITOR_SSO_MAP (YAML), and an identity with no entry is refused. The file is read again when it changes,
validated strictly; every problem is a Chinese message naming file, line and field:

    users:
      zhang.san@city.gov.cn:
        name: 张三              # optional, shown on pages and in the audit (default: the identity)
        role: county_analyst    # viewer / county_analyst / city_analyst / admin, or 查看 / 县级分析员 / …
        counties: [江陵县]       # county analysts only, at least one
      li.si@city.gov.cn:
        role: unit_reporter     # 责任单位填报员
        units: [县委组织部]      # unit reporters only, at least one: the units as the plans write them
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import yaml

from plan_monitor.access.roles import ROLES, Actor, scope_of
from plan_monitor.errors import SsoMapError

MAP_ENV = "PLAN_MONITOR_SSO_MAP"
IDENTITY_KEY = "email"  # the st.user key the identity is read from (trustedUserHeaders maps a header to it)
ACCOUNT_PREFIX = "sso:"  # an SSO actor's name in the audit, never mistaken for a local account
FIELDS = {"name", "role", "counties", "units"}
ROLE_BY_LABEL = {label: role for role, label in ROLES.items()}
MAX_NAME = 40


@dataclass(frozen=True)
class SsoEntry:
    identity: str
    role: str
    counties: tuple[str, ...]
    name: str

    def actor(self, address: str = "") -> Actor:
        return Actor(self.name, role=self.role, account=ACCOUNT_PREFIX + self.identity, address=address,
                     **scope_of(self.role, self.counties))


def normalise(identity: str) -> str:
    """Identities compare without case and surrounding space (e-mail addresses, login names)."""
    return (identity or "").strip().lower()


def map_path() -> Path | None:
    raw = os.environ.get(MAP_ENV, "").strip()
    return Path(raw).expanduser() if raw else None


class SsoMap:
    def __init__(self, path: Path, entries: dict[str, SsoEntry]):
        self.path = path
        self.entries = entries

    def entry(self, identity: str) -> SsoEntry | None:
        return self.entries.get(normalise(identity))

    def actor(self, identity: str, address: str = "") -> Actor | None:
        """The actor an identity signs in as, or None when it has no entry (refused)."""
        entry = self.entry(identity)
        return entry.actor(address) if entry else None


def _scalar(node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def load_sso_map(path: Path | str, counties: Collection[str] | None = None) -> SsoMap:
    """The mapping file, validated: SsoMapError listing every problem (file, line, field) otherwise. `counties`,
    when given, are the plan's county names, and every county in the file must be one of them."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SsoMapError(f"单点登录映射文件 {name} 不存在（环境变量 {MAP_ENV}）",
                          f"the SSO mapping file {name} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SsoMapError(f"单点登录映射文件 {name} 无法读取（须为 UTF-8 文本）：{exc}",
                          f"cannot read the SSO mapping file {name}") from None
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"第 {mark.line + 1} 行" if mark else ""
        raise SsoMapError(f"单点登录映射文件 {name} {line}不是有效的 YAML，请检查缩进和冒号",
                          f"{name}: invalid YAML") from None

    problems: list[str] = []

    def problem(node, message: str) -> None:
        problems.append(f"第 {node.start_mark.line + 1} 行：{message}")

    entries: dict[str, SsoEntry] = {}
    lines: dict[str, int] = {}
    users = None
    if not isinstance(root, yaml.MappingNode):
        problems.append("第 1 行：文件须以 users: 开头，其下每个单点登录身份一项")
    else:
        for key, value in root.value:
            if _scalar(key) == "users":
                users = value
            else:
                problem(key, f"未知的字段“{_scalar(key) or key.tag}”，只允许 users")
        if users is None:
            problems.append("缺少 users 字段")
        elif not isinstance(users, yaml.MappingNode):
            problem(users, "users 下须是“身份: 设置”的列表")
            users = None
    for key, value in users.value if users is not None else ():
        identity = (_scalar(key) or "").strip()
        if not identity:
            problem(key, "身份（如邮箱或登录名）不能为空")
            continue
        here = f"“{identity}”"
        norm = normalise(identity)
        if norm in lines:
            problem(key, f"{here}重复（第 {lines[norm]} 行已有同一身份，大小写不计）")
            continue
        lines[norm] = key.start_mark.line + 1
        if not isinstance(value, yaml.MappingNode):
            problem(value, f"{here}下须有 role 字段（及县级分析员的 counties）")
            continue
        fields = {}
        for field_key, field_value in value.value:
            field = _scalar(field_key) or ""
            if field not in FIELDS:
                problem(field_key, f"{here}的字段“{field}”未知，只允许 name、role、counties、units")
            elif field in fields:
                problem(field_key, f"{here}的字段 {field} 重复")
            else:
                fields[field] = field_value
        role = None
        if "role" not in fields:
            problem(key, f"{here}缺少 role 字段（可选：" + "、".join(f"{k}（{v}）" for k, v in ROLES.items()) + "）")
        else:
            raw = (_scalar(fields["role"]) or "").strip()
            role = raw if raw in ROLES else ROLE_BY_LABEL.get(raw)
            if role is None:
                problem(fields["role"], f"{here}的 role“{raw}”无效，可选：" +
                        "、".join(f"{k}（{v}）" for k, v in ROLES.items()))
        county_list: list[str] = []
        well_formed = False
        if "counties" in fields:
            items = _name_items(fields["counties"], problem, f"{here}的 counties 须是县名列表，如 [江陵县, 松滋市]")
            if items is not None:
                well_formed = True
                county_list = sorted({i.value.strip() for i in items if i.value.strip()})
                for item in items:
                    if counties is not None and item.value.strip() not in counties:
                        problem(item, f"{here}的 counties 中“{item.value.strip()}”不是本计划的县（市、区）")
        if role == "county_analyst" and "counties" not in fields:
            problem(key, f"{here}是县级分析员，须有 counties 字段，列出至少一个县（市、区）")
        elif role == "county_analyst" and well_formed and not county_list:
            problem(fields["counties"], f"{here}是县级分析员，counties 须列出至少一个县（市、区）")
        if role is not None and role != "county_analyst" and "counties" in fields:
            problem(fields["counties"], f"{here}是{ROLES[role]}，不限县（市、区），不能有 counties 字段")
        unit_list: list[str] = []
        if "units" in fields:
            items = _name_items(fields["units"], problem, f"{here}的 units 须是单位名称列表，如 [县委组织部, 县民政局]")
            if items is not None:
                unit_list = sorted({i.value.strip() for i in items if i.value.strip()})
        if role == "unit_reporter" and not unit_list:
            problem(fields.get("units", key), f"{here}是责任单位填报员，须有 units 字段，列出至少一个单位（按计划原文写法）")
        if role is not None and role != "unit_reporter" and "units" in fields:
            problem(fields["units"], f"{here}是{ROLES[role]}，不能有 units 字段（只有责任单位填报员列出单位）")
        display = identity
        if "name" in fields:
            display = (_scalar(fields["name"]) or "").strip()
            if not display or len(display) > MAX_NAME:
                problem(fields["name"], f"{here}的 name 须是 1 至 {MAX_NAME} 个字的姓名")
        if role is not None:
            scope = unit_list if role == "unit_reporter" else county_list  # as accounts keep it (roles.scope_of)
            entries[norm] = SsoEntry(identity, role, tuple(scope), display)
    if problems:
        body = "\n".join(f"  - {p}" for p in problems)
        raise SsoMapError(f"单点登录映射文件 {name} 有 {len(problems)} 处错误：\n{body}",
                          f"the SSO mapping file {name} has {len(problems)} error(s)")
    return SsoMap(path, entries)


def _name_items(node, problem, message: str):
    """A YAML list of plain names (counties, units): its items, or None after reporting `message` at the node."""
    items = node.value if isinstance(node, yaml.SequenceNode) else None
    if items is None or any(_scalar(i) is None for i in items):
        problem(node, message)
        return None
    return items


_CACHE: dict[tuple, SsoMap] = {}


def current_map(counties: Collection[str] | None = None) -> SsoMap | None:
    """The mapping file named by PLAN_MONITOR_SSO_MAP (None when unset), read again whenever it changes."""
    path = map_path()
    if path is None:
        return None
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size, tuple(sorted(counties)) if counties is not None else None)
    except OSError:
        key = None
    if key is None or key not in _CACHE:
        loaded = load_sso_map(path, counties)
        if key is not None:
            if len(_CACHE) >= 8:  # older versions of the file
                _CACHE.clear()
            _CACHE[key] = loaded
        return loaded
    return _CACHE[key]
