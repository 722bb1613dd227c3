"""How the app is told whether sign-in is on and whether anonymous viewing is allowed (environment variables, read
on each request so a restart is not the only way to learn them in tests).

- PLAN_MONITOR_AUTH: `on` (default) — every page needs a signed-in account; `off` — demo mode: no sign-in, anyone
  who can reach the port may upload and roll back as a city analyst with a typed 提交人 name, and every page says
  so. `scripts/app.sh` turns it off only when it serves the bundled demo data; the tests run with it off.
- PLAN_MONITOR_ANONYMOUS: `on` lets visitors who are not signed in see the overview and 汇报模式 (a meeting-room
  screen); off by default."""

from __future__ import annotations

import os

from plan_monitor.errors import UserError

AUTH_ENV = "PLAN_MONITOR_AUTH"
ANONYMOUS_ENV = "PLAN_MONITOR_ANONYMOUS"
SESSION_COOKIE = "pm_session"
CSRF_COOKIE = "pm_csrf"
_ON, _OFF = {"on", "1", "true", "yes"}, {"off", "0", "false", "no"}


def _switch(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _ON:
        return True
    if raw in _OFF:
        return False
    raise UserError(f"环境变量 {name} 应为 on 或 off，现为“{raw}”", f"{name} must be on or off, not {raw!r}")


def sign_in_required() -> bool:
    return _switch(AUTH_ENV, True)


def anonymous_viewing() -> bool:
    return _switch(ANONYMOUS_ENV, False)
