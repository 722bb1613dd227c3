"""Sign-in on the Streamlit side: who this run is for (from the HttpOnly session cookie, checked against the accounts
store on every run), which pages they may open, and the sidebar's account box with 退出登录.

Five situations: 演示模式 (PLAN_MONITOR_AUTH=off: no sign-in, labelled on every page), signed in (with a password
session, or by single sign-on: an identity from the trusted proxy's header or st.login, given its role by the
mapping file, plan_monitor.access.sso), an SSO identity the mapping file does not know (refused everywhere),
anonymous viewing (PLAN_MONITOR_ANONYMOUS=on and not signed in: the overview and 汇报模式 only), and signed out."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import streamlit as st

from plan_monitor.access import ANONYMOUS as ANONYMOUS_ROLE
from plan_monitor.access import Actor, allowed, anonymous
from plan_monitor.access.settings import SESSION_COOKIE, anonymous_viewing, sign_in_required
from plan_monitor.access.sso import ACCOUNT_PREFIX, IDENTITY_KEY, current_map
from plan_monitor.errors import UserError
from plan_monitor.paths import DEFAULT_TARGETS
from plan_monitor.ui.boundary import show_known
from plan_monitor.ui.web import access, identity_headers, mounted

DEMO, SIGNED_IN, ANONYMOUS, SIGNED_OUT = "demo", "signed_in", "anonymous", "signed_out"
SSO_REFUSED = "sso_refused"
PASSWORD, HEADER, OIDC = "password", "header", "oidc"  # how a signed-in visitor proved who they are
VIA_LABELS = {HEADER: "统一身份认证", OIDC: "统一身份认证"}


@dataclass(frozen=True)
class Visitor:
    mode: str
    actor: Actor | None = None
    via: str = PASSWORD
    identity: str = ""  # the SSO identity (signed in by it, or refused for want of a mapping entry)

    def may(self, action: str) -> bool:
        """Demo mode may do anything (as the typed 提交人); otherwise the one permission check decides."""
        return self.mode == DEMO or allowed(self.actor, action)


def _token() -> str | None:
    return st.context.cookies.get(SESSION_COOKIE)


def _address() -> str:
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "本机"  # (AppTest has no client: not a str)


def visitor() -> Visitor:
    """Who this run is for. A broken setting, accounts store or SSO mapping file shows its Chinese message and
    stops the page."""
    try:
        if not sign_in_required():
            return Visitor(DEMO)
        actor = access().actor_for(_token(), _address())
        if actor is not None:
            return Visitor(SIGNED_IN, actor)
        by_sso = _sso_visitor()
        if by_sso is not None:
            return by_sso
        return Visitor(ANONYMOUS, anonymous(_address())) if anonymous_viewing() else Visitor(SIGNED_OUT)
    except UserError as exc:
        show_known(exc)
        st.stop()


def _sso_identity() -> tuple[str, str]:
    """(identity, how) from st.user: the trusted proxy's header when server.trustedUserHeaders maps one to
    `email` (Streamlit reads it into st.user only then, so a client's own copy is never seen otherwise), else the
    `email` claim of an st.login (OIDC) sign-in; ("", "") when neither."""
    user = st.user.to_dict()
    identity = user.get(IDENTITY_KEY)
    if not isinstance(identity, str) or not identity.strip():
        return "", ""
    if identity_headers():
        return identity.strip(), HEADER
    return (identity.strip(), OIDC) if user.get("is_logged_in") is True else ("", "")


@lru_cache(maxsize=4)
def _counties_of(targets: str, stamp: int) -> tuple[str, ...] | None:
    from plan_monitor.spec.geography import load_geography
    from plan_monitor.spec.plan import load_plan

    try:
        return tuple(load_geography(load_plan(targets)).county_names())
    except UserError:  # a broken plan: its page says so; the mapping's counties are then not checked against it
        return None


def _plan_counties() -> tuple[str, ...] | None:
    targets = Path(os.environ.get("PLAN_MONITOR_TARGETS", DEFAULT_TARGETS))
    return _counties_of(str(targets), targets.stat().st_mtime_ns if targets.exists() else 0)


def _sso_visitor() -> Visitor | None:
    """The visitor an SSO identity makes, or None when there is none. Its first run in a session is audited
    (sign-in, or its refusal)."""
    identity, via = _sso_identity()
    if not identity:
        return None
    mapping = current_map(_plan_counties())
    actor = mapping.actor(identity, _address()) if mapping is not None else None
    seen = st.session_state.get("pm_sso_audited")
    if seen != (identity, actor is not None):
        st.session_state["pm_sso_audited"] = (identity, actor is not None)
        method = {"method": VIA_LABELS[via] + ("（反向代理）" if via == HEADER else "（OIDC）")}
        if actor is not None:
            access().record("sign_in", actor, detail=method)
        else:
            stranger = Actor(identity, role=ANONYMOUS_ROLE, counties=frozenset(), account=ACCOUNT_PREFIX + identity,
                             address=_address())
            access().record("sign_in_failed", stranger, outcome="失败",
                            detail={**method, "reason": "未登记在单点登录映射文件中" if mapping is not None
                                    else "未配置单点登录映射文件"})
    if actor is None:
        return Visitor(SSO_REFUSED, via=via, identity=identity)
    return Visitor(SIGNED_IN, actor, via=via, identity=identity)


def _signin_link(next_path: str) -> None:
    st.markdown(f'<a href="/signin?next=/{next_path}" target="_self" class="pm-signin">前往登录页</a>',
                unsafe_allow_html=True)  # a fixed address of this site; next_path is one of the app's url_paths


def _refusal(title: str, url_path: str, action: str, who: Visitor):
    def page() -> None:
        st.markdown(f"## {title}")
        if who.mode == SIGNED_IN:
            st.error(f"您的账户（{who.actor.who}）无权打开“{title}”。如需此权限，请联系管理员。")
        elif who.mode == SSO_REFUSED:
            st.error(f"您的统一身份认证账户（{who.identity}）未登记在本看板的单点登录映射中，无权访问。"
                     "如需使用，请联系管理员在映射文件中为您指定角色和负责的县（市、区）。")
        elif who.mode == ANONYMOUS:
            st.info(f"未登录时只能查看总览和汇报模式；查看“{title}”请先登录。")
            _signin_link(url_path)
        else:
            st.info("请先登录。登录后可在本浏览器的其他标签页中继续使用，无需再次登录。")
            _signin_link(url_path)

    page.__name__ = f"refused_{url_path or 'start'}"
    return page


def navigation(sections: dict[str, list], needs: dict[str, str]):
    """What st.navigation gets: the pages this visitor may open, and every other page hidden at its own address
    showing a refusal, so an address typed by hand (/upload for a viewer) never runs the page. `needs`: url_path →
    the action the page needs (default "view")."""
    who = visitor()
    if who.mode == DEMO:
        return sections
    if not mounted():
        st.error("登录服务未启用：请用 bash scripts/app.sh（即 streamlit run serve.py）启动看板；"
                 "仅作演示时可设置 PLAN_MONITOR_AUTH=off（不登录，任何人可提交数据）。")
        st.stop()
    shown, hidden = {}, []
    for section, pages in sections.items():
        for page in pages:
            need = needs.get(page.url_path, "view")
            if who.may(need):
                shown.setdefault(section, []).append(page)
            else:
                hidden.append(st.Page(_refusal(page.title, page.url_path, need, who), title=page.title,
                                      url_path=page.url_path or "start", default=page._default,
                                      visibility="hidden"))
    if not shown:
        return hidden
    first = next(iter(shown))
    shown[first] = [*shown[first], *hidden]
    return shown


def account_box() -> None:
    """The sidebar's account line: 演示模式 warning, the signed-in name with 退出登录, or a link to sign in."""
    who = visitor()
    box = st.sidebar.container()
    if who.mode == DEMO:
        box.warning("演示模式：未启用登录，任何人都可提交和回退数据")
    elif who.mode == SIGNED_IN:
        scope = f"，{who.actor.scope_text}" if who.actor.role == "county_analyst" else ""
        via = f" · {VIA_LABELS[who.via]}" if who.via in VIA_LABELS else ""
        box.caption(f"已登录：{who.actor.name}（{who.actor.role_label}{scope}）{via}")
        if who.via == PASSWORD and box.button("退出登录", key="pm_sign_out", icon=":material/logout:"):
            access().sign_out(_token(), _address())
            st.rerun()
        if who.via == OIDC and box.button("退出登录", key="pm_sign_out", icon=":material/logout:"):
            st.logout()
    elif who.mode == ANONYMOUS:
        box.caption("未登录（匿名查看）")
        with box:
            _signin_link("overview")
