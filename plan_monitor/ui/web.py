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
from plan_monitor.access.store import home_folder
from plan_monitor.errors import UserError

MOUNTED_ENV = "PLAN_MONITOR_SIGNIN_ROUTES"  # set by serve.py: the sign-in routes are served in this process
SECURE_ENV = "PLAN_MONITOR_COOKIE_SECURE"
NOT_PAGES = ("/_stcore", "/static", "/media", "/component", "/signin", "/signout", "/app/static", "/favicon")
_ACCESS: dict[str, Access] = {}


def access() -> Access:
    """One accounts store per home folder in this process."""
    home = str(home_folder())
    if home not in _ACCESS:
        _ACCESS[home] = Access(home)
    return _ACCESS[home]


def mounted() -> bool:
    return os.environ.get(MOUNTED_ENV) == "1"


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
    body = PAGE.format(message=box, csrf=csrf, next=html.escape(next_, quote=True), name=html.escape(name, quote=True))
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


ROUTES = [Route("/signin", signin_page, methods=["GET"]), Route("/signin", signin_submit, methods=["POST"]),
          Route("/signout", signout_submit, methods=["POST"])]


class SignInGate:
    """ASGI middleware: a page load (GET of an app address) without a live session goes to /signin, unless sign-in
    is off or anonymous viewing is on. Only a convenience: every script run checks the session itself."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET" and self._is_page(scope["path"]):
            request = Request(scope)
            try:
                gated = sign_in_required() and not anonymous_viewing()
                alive = gated and await run_in_threadpool(access().actor_for, request.cookies.get(SESSION_COOKIE),
                                                          _address(request))
            except UserError:  # a broken setting or store: the page itself shows the message
                gated, alive = False, None
            if gated and not alive and "text/html" in request.headers.get("accept", ""):
                target = scope["path"] + (f"?{scope['query_string'].decode('latin-1')}" if scope["query_string"] else "")
                await RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _is_page(path: str) -> bool:
        last = path.rsplit("/", 1)[-1]
        return not path.startswith(NOT_PAGES) and "." not in last
