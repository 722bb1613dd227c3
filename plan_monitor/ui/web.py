"""The sign-in routes served next to Streamlit (serve.py mounts them with st.App): a plain HTML form in Chinese at
/signin that sets the session cookie, /signout that ends it, and a gate that sends a page load without a valid
session to /signin.

The browser never holds the password or anything JavaScript can read: the session token travels in a cookie that
is HttpOnly and SameSite=Strict (and Secure behind HTTPS), only its hash is stored on the server, and the
Streamlit script reads it with st.context.cookies on every run and asks the accounts store whether the session is
still alive — so a reload or a second tab stays signed in, and a sign-out, a disabled account or a new password
ends every tab at its next action. The form is protected against cross-site posting by a double-submit token and
an Origin check."""

from __future__ import annotations

import hmac
import html
import os
import secrets
from urllib.parse import parse_qs, quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from plan_monitor.access import Access
from plan_monitor.access.settings import CSRF_COOKIE, SESSION_COOKIE, anonymous_viewing, sign_in_required
from plan_monitor.access.sso import IDENTITY_KEY, current_map
from plan_monitor.access.store import home_folder
from plan_monitor.errors import UserError

MOUNTED_ENV = "PLAN_MONITOR_SIGNIN_ROUTES"  # set by serve.py: the sign-in routes are served in this process
SECURE_ENV = "PLAN_MONITOR_COOKIE_SECURE"
NOT_PAGES = ("/_stcore", "/static", "/media", "/component", "/signin", "/signout", "/app/static", "/favicon",
             "/auth/", "/oauth2callback")  # the last two: Streamlit's st.login (OIDC) flow
_ACCESS: dict[str, Access] = {}


def access() -> Access:
    """One accounts store per home folder in this process."""
    home = str(home_folder())
    if home not in _ACCESS:
        _ACCESS[home] = Access(home)
    return _ACCESS[home]


def mounted() -> bool:
    return os.environ.get(MOUNTED_ENV) == "1"


def identity_headers() -> list[str]:
    """The request headers a trusted reverse proxy vouches an identity in: those that Streamlit's
    `server.trustedUserHeaders` maps to st.user's `email`. Empty unless that setting names one, and then a header
    of that name sent by a client is never read: the proxy in front must remove any client copy and set its own."""
    from streamlit import config

    try:
        mapping = config.get_option("server.trustedUserHeaders")
    except (KeyError, RuntimeError):
        return []
    return [h for h, key in mapping.items() if key == IDENTITY_KEY] if isinstance(mapping, dict) else []


def header_identity(headers) -> str:
    """The identity the trusted proxy set (the first value of the first configured header, as Streamlit reads it
    into st.user), or "" when the setting is off or the header absent."""
    for header in identity_headers():
        values = headers.getlist(header) if hasattr(headers, "getlist") else headers.get_all(header)
        if values and values[0].strip():
            return values[0].strip()
    return ""


def oidc_configured() -> bool:
    """Whether secrets.toml has an [auth] section, so st.login (OpenID Connect) can be offered."""
    try:
        from streamlit.auth_util import get_secrets_auth_section

        return bool(get_secrets_auth_section())
    except Exception:  # an unreadable secrets file: no OIDC offered, the rest works
        return False


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (no //host, no scheme, no backslash)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _secure(request: Request) -> bool:
    if os.environ.get(SECURE_ENV, "").strip().lower() in {"1", "on", "true", "yes"}:
        return True
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>登录 · 三年行动计划目标监测看板</title>
<style>
 body {{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f5f6f8;margin:0;color:#222}}
 main {{max-width:360px;margin:12vh auto;background:#fff;padding:28px 32px;border-radius:8px;
        box-shadow:0 1px 4px rgba(0,0,0,.12)}}
 h1 {{font-size:1.25rem;margin:0 0 4px}} p.sub {{color:#666;margin:0 0 20px;font-size:.9rem}}
 label {{display:block;margin:12px 0 4px;font-weight:600}}
 input[type=text],input[type=password] {{width:100%;box-sizing:border-box;padding:8px;font-size:1rem;
        border:1px solid #bbb;border-radius:4px}}
 button {{margin-top:20px;width:100%;padding:10px;font-size:1rem;background:#c0392b;color:#fff;border:0;
        border-radius:4px;cursor:pointer}}
 .msg {{padding:8px 10px;border-radius:4px;margin-bottom:8px;font-size:.92rem}}
 .err {{background:#fdecea;color:#8a1c12}} .ok {{background:#e8f5e9;color:#1b5e20}}
</style></head>
<body><main>
<h1>三年行动计划目标监测看板</h1><p class="sub">请使用管理员分配的账户登录</p>
{message}
{oidc}
<form method="post" action="/signin" autocomplete="on">
 <input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{next}">
 <label for="name">账户名</label><input type="text" id="name" name="name" value="{name}" required autofocus
  autocomplete="username">
 <label for="password">密码</label><input type="password" id="password" name="password" required
  autocomplete="current-password">
 <button type="submit">登录</button>
</form>
</main></body></html>"""
HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                                      "frame-ancestors 'none'; base-uri 'none'"}


def _form(request: Request, message: str = "", kind: str = "err", name: str = "", next_: str = "/",
          status: int = 200) -> Response:
    csrf = secrets.token_urlsafe(24)
    box = f'<div class="msg {kind}" role="alert">{html.escape(message)}</div>' if message else ""
    oidc = ('<p class="sub"><a href="/signin/oidc">使用单位统一身份认证登录</a>，或输入本看板的账户：</p>'
            if oidc_configured() else "")
    body = PAGE.format(message=box, oidc=oidc, csrf=csrf, next=html.escape(next_, quote=True), name=html.escape(name, quote=True))
    response = HTMLResponse(body, status_code=status, headers=HEADERS)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=_secure(request), path="/")
    return response


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None  # no Origin (an old browser) is judged by the double-submit token alone
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def _fields(request: Request) -> dict[str, str]:
    body = (await request.body())[:8192].decode("utf-8", errors="replace")
    return {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}


def _csrf_ok(request: Request, fields: dict[str, str]) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie, fields.get("csrf", "")) and _same_origin(request)


async def signin_page(request: Request) -> Response:
    if not sign_in_required():
        return RedirectResponse("/", status_code=303)
    next_ = safe_next(request.query_params.get("next"))
    if request.query_params.get("out"):
        return _form(request, "已退出登录", "ok", next_=next_)
    try:
        empty = not await run_in_threadpool(access().has_accounts)
    except UserError as exc:
        return _form(request, exc.zh, next_=next_)
    if empty:
        return _form(request, "尚未创建任何账户：请管理员在服务器上运行 python -m plan_monitor users add 账户名 "
                              "--role admin 创建第一个管理员账户", next_=next_)
    return _form(request, next_=next_)


async def signin_submit(request: Request) -> Response:
    if not sign_in_required():
        return RedirectResponse("/", status_code=303)
    fields = await _fields(request)
    next_ = safe_next(fields.get("next"))
    name = fields.get("name", "").strip()[:64]
    if not _csrf_ok(request, fields):
        return _form(request, "登录页面已过期，请重新输入账户名和密码", name=name, next_=next_, status=400)
    try:
        token = await run_in_threadpool(access().sign_in, name, fields.get("password", ""), _address(request))
    except UserError as exc:
        return _form(request, exc.zh, name=name, next_=next_, status=401)
    response = RedirectResponse(next_, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


async def signout_submit(request: Request) -> Response:
    fields = await _fields(request)
    if _csrf_ok(request, fields) or not request.cookies.get(SESSION_COOKIE):
        await run_in_threadpool(access().sign_out, request.cookies.get(SESSION_COOKIE), _address(request))
    response = RedirectResponse("/signin?out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def signin_oidc(request: Request) -> Response:
    """Hands over to Streamlit's st.login flow (/auth/login) for the configured OpenID Connect provider
    (PLAN_MONITOR_OIDC_PROVIDER, default: the [auth] section itself); it returns to the app with st.user set."""
    if not oidc_configured():
        return RedirectResponse("/signin", status_code=303)
    from streamlit.user_info import generate_login_redirect_url

    provider = os.environ.get("PLAN_MONITOR_OIDC_PROVIDER", "").strip() or "default"
    return RedirectResponse(generate_login_redirect_url(provider), status_code=303)


REFUSED = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>无权访问 · 三年行动计划目标监测看板</title>
<style>body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f5f6f8;color:#222}}
main{{max-width:520px;margin:12vh auto;background:#fff;padding:28px 32px;border-radius:8px}}</style></head>
<body><main><h1>无权访问</h1><p>您的统一身份认证账户（{identity}）未登记在本看板的单点登录映射中，无权访问。</p>
<p>如需使用，请联系管理员在映射文件中为您指定角色和负责的县（市、区）。</p></main></body></html>"""


def refused_page(identity: str) -> Response:
    return HTMLResponse(REFUSED.format(identity=html.escape(identity)), status_code=403, headers=HEADERS)


ROUTES = [Route("/signin", signin_page, methods=["GET"]), Route("/signin", signin_submit, methods=["POST"]),
          Route("/signin/oidc", signin_oidc, methods=["GET"]), Route("/signout", signout_submit, methods=["POST"])]


class SignInGate:
    """ASGI middleware: a page load (GET of an app address) without a live session goes to /signin, unless sign-in
    is off or anonymous viewing is on. A page load carrying an identity from the trusted proxy (only when
    `server.trustedUserHeaders` names the header) passes when the mapping file has that identity, and gets a
    Chinese 403 page when it has not; one carrying Streamlit's OIDC cookie passes when OIDC is configured. Only a
    convenience: every script run checks the session or the identity itself."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET" and self._is_page(scope["path"]):
            request = Request(scope)
            refused = ""
            try:
                gated = sign_in_required() and not anonymous_viewing()
                alive = gated and await run_in_threadpool(access().actor_for, request.cookies.get(SESSION_COOKIE),
                                                          _address(request))
                identity = header_identity(request.headers) if gated and not alive else ""
                if identity:
                    mapping = await run_in_threadpool(current_map)
                    alive = mapping is not None and mapping.entry(identity) is not None
                    refused = "" if alive else identity
                elif gated and not alive and oidc_configured():
                    alive = any(name.startswith("_streamlit_user") for name in request.cookies)
            except UserError:  # a broken setting, store or mapping file: the page itself shows the message
                gated, alive = False, None
            if refused and "text/html" in request.headers.get("accept", ""):
                await refused_page(refused)(scope, receive, send)
                return
            if gated and not alive and "text/html" in request.headers.get("accept", ""):
                target = scope["path"] + (f"?{scope['query_string'].decode('latin-1')}" if scope["query_string"] else "")
                await RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _is_page(path: str) -> bool:
        last = path.rsplit("/", 1)[-1]
        return not path.startswith(NOT_PAGES) and "." not in last
