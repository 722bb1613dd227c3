"""The accounts store: accounts, sign-in with lock-out, server-side sessions and the audit chain, in one SQLite
file outside the repository (`$PLAN_MONITOR_HOME/access.sqlite`, default `~/.plan_monitor/`).

Every change runs in one `BEGIN IMMEDIATE` transaction on a WAL database, so several processes (the app's
workers, the command line) may use the file at once; an audit entry is written in the same transaction as the
change it records, so there is never a change without its entry.

Passwords are hashed with argon2id (argon2-cffi); a hash made with older parameters is replaced at the next
successful sign-in. A session is a random token given to the browser once; only its SHA-256 is stored, so the file
holds nothing a browser could replay. A session ends on sign-out, after `idle_seconds` without use, after
MAX_SESSION_SECONDS, and at once when its account is disabled or its password changed."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from plan_monitor.access.roles import ROLES, Actor, names, require, scope_of
from plan_monitor.errors import AccountError, SignInFailed

HOME_ENV = "PLAN_MONITOR_HOME"
IDLE_ENV = "PLAN_MONITOR_SESSION_IDLE_MINUTES"
FILE_NAME = "access.sqlite"
MAX_FAILURES = 5  # wrong passwords within FAILURE_WINDOW lock the account
FAILURE_WINDOW = 15 * 60
LOCK_SECONDS = 15 * 60  # how long a lock lasts unless an admin unlocks sooner
IDLE_SECONDS = 30 * 60
MAX_SESSION_SECONDS = 12 * 3600
TOUCH_SECONDS = 60  # a session's last use is written at most this often
MIN_PASSWORD = 8
NAME_PATTERN = re.compile(r"^[\w.@-]{1,32}$")
GENESIS = "0" * 64

SCOPED_ROLES = ("county_analyst", "unit_reporter")  # roles whose accounts list a scope (counties, or units)

# Local administrator the command line acts as; named in every audit entry it writes.
LOCAL_ADMIN = "local-admin"

AUDIT_ACTIONS = {
    "sign_in": "登录", "sign_in_failed": "登录失败", "locked": "账户锁定", "sign_out": "退出登录",
    "upload": "提交数据", "upload_refused": "拒绝提交", "upload_unchanged": "重复提交（未改动）",
    "column_map": "保存列对应",
    "tasks_upload": "上传任务台账", "tasks_form": "填报任务进展", "tasks_report": "填报任务进展",
    "tasks_close_request": "申请销号", "tasks_close_approve": "审核销号", "tasks_close_return": "退回销号申请",
    "tasks_measure": "填写整改措施", "tasks_refused": "拒绝任务填报",
    "rollback": "回退", "rollback_refused": "拒绝回退",
    "export": "导出", "account_add": "新建账户", "account_disable": "停用账户", "account_enable": "启用账户",
    "password_reset": "重设密码", "account_unlock": "解锁账户", "role_change": "修改角色",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts(
  name TEXT PRIMARY KEY, display TEXT NOT NULL, role TEXT NOT NULL, counties TEXT NOT NULL,
  password TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, locked_until REAL NOT NULL DEFAULT 0,
  created REAL NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS failures(name TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions(
  token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, created REAL NOT NULL, seen REAL NOT NULL,
  address TEXT NOT NULL, ended REAL, reason TEXT);
CREATE TABLE IF NOT EXISTS audit(
  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL,
  target TEXT NOT NULL, outcome TEXT NOT NULL, address TEXT NOT NULL, detail TEXT NOT NULL,
  prev TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""
AUDIT_FIELDS = ("seq", "at", "actor", "role", "action", "target", "outcome", "address", "detail")


def home_folder() -> Path:
    """Where the accounts store lives: $PLAN_MONITOR_HOME, else ~/.plan_monitor."""
    configured = os.environ.get(HOME_ENV, "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".plan_monitor"


def idle_seconds_setting() -> int:
    raw = os.environ.get(IDLE_ENV, "").strip()
    if not raw:
        return IDLE_SECONDS
    if not raw.isdigit() or int(raw) < 1:
        raise AccountError(f"{IDLE_ENV} 应为正整数（分钟），现为“{raw}”", f"{IDLE_ENV} must be a positive integer")
    return int(raw) * 60


def local_admin(os_user: str = "") -> Actor:
    """The actor the command line writes as: the local administrator, with the system user it runs under."""
    return Actor("本机管理员", role="admin", account=LOCAL_ADMIN, address=f"本机命令行（系统用户 {os_user or '未知'}）")


@dataclass(frozen=True)
class Account:
    name: str
    display: str
    role: str
    counties: tuple[str, ...]
    disabled: bool
    locked_until: float
    created: float

    def actor(self, address: str = "") -> Actor:
        return Actor(self.display or self.name, role=self.role, account=self.name, address=address,
                     **scope_of(self.role, self.counties))

    @property
    def role_label(self) -> str:
        return ROLES[self.role]

    @property
    def scope_text(self) -> str:
        return names(list(self.counties)) if self.role in SCOPED_ROLES else "全部县（市、区）"

    def status(self, now: float) -> str:
        if self.disabled:
            return "已停用"
        return "已锁定" if self.locked_until > now else "正常"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def entry_hash(entry: dict, prev: str) -> str:
    """The hash chaining an audit entry to the one before it: SHA-256 over its fields and the previous hash."""
    body = json.dumps([*(entry[f] for f in AUDIT_FIELDS), prev], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class Access:
    """Accounts, sessions and the audit trail in one SQLite file under `home`."""

    def __init__(self, home: Path | str | None = None, *, clock: Callable[[], float] = time.time,
                 hasher: PasswordHasher | None = None, idle_seconds: int | None = None):
        self.home = Path(home) if home is not None else home_folder()
        self.path = self.home / FILE_NAME
        self.clock = clock
        self.hasher = hasher or PasswordHasher()  # argon2id, RFC 9106 low-memory profile
        self.idle_seconds = idle_seconds if idle_seconds is not None else idle_seconds_setting()
        self._ready = False
        self._dummy: str | None = None

    # ------------------------------------------------------------------ the file

    def _connect(self) -> sqlite3.Connection:
        try:
            self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 30000")
            if not self._ready:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.executescript(SCHEMA)
                os.chmod(self.path, 0o600)
                self._ready = True
            conn.execute("PRAGMA synchronous = FULL")
            return conn
        except (sqlite3.Error, OSError) as exc:
            raise AccountError(f"账户库 {self.path} 无法打开：{exc}", f"cannot open the accounts store {self.path}: "
                                                                     f"{exc}") from None

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, serialised against every other writer of the file (other processes too)."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def exists(self) -> bool:
        """Whether the store has been created (some account was ever added)."""
        return self.path.exists()

    # ------------------------------------------------------------------ audit

    def _now_text(self) -> str:
        return datetime.fromtimestamp(self.clock(), timezone.utc).astimezone().isoformat(timespec="seconds")

    def _append(self, conn: sqlite3.Connection, action: str, actor: Actor | None = None, *, who: str = "",
                role: str = "", target: str = "", outcome: str = "成功", address: str = "",
                detail: dict | None = None) -> None:
        last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (last["seq"] + 1, last["hash"]) if last else (1, GENESIS)
        entry = {"seq": seq, "at": self._now_text(),
                 "actor": who or (actor.account or actor.name if actor else ""),
                 "role": role or (actor.role if actor else ""), "action": action, "target": target,
                 "outcome": outcome, "address": address or (actor.address if actor else ""),
                 "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)}
        digest = entry_hash(entry, prev)
        conn.execute(f"INSERT INTO audit({', '.join(AUDIT_FIELDS)}, prev, hash) VALUES "
                     f"({', '.join('?' * (len(AUDIT_FIELDS) + 2))})", [*entry.values(), prev, digest])
        conn.execute("INSERT INTO meta(key, value) VALUES ('audit_head', ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (f"{seq}:{digest}",))

    def record(self, action: str, actor: Actor | None, *, target: str = "", outcome: str = "成功",
               detail: dict | None = None) -> None:
        """Append one entry to the audit trail (uploads, rollbacks, exports and their refusals)."""
        with self._tx() as conn:
            self._append(conn, action, actor, target=target, outcome=outcome, detail=detail)

    def audit(self, limit: int | None = None) -> list[dict]:
        """The audit entries, oldest first (the newest `limit` when given)."""
        if not self.exists():
            return []
        with self._read() as conn:
            rows = conn.execute("SELECT * FROM audit ORDER BY seq DESC" + (" LIMIT ?" if limit else ""),
                                (limit,) if limit else ()).fetchall()
        return [dict(r) for r in reversed(rows)]

    def verify(self) -> list[str]:
        """Problems in the audit chain, in Chinese; empty when every entry is present, in order and unaltered."""
        if not self.exists():
            return []
        with self._read() as conn:
            rows = [dict(r) for r in conn.execute("SELECT * FROM audit ORDER BY seq")]
            head = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
        problems, expected, prev = [], 1, GENESIS
        for row in rows:
            if row["seq"] != expected:
                gap = row["seq"] - expected
                problems.append(f"第 {expected} 条至第 {row['seq'] - 1} 条记录缺失（共 {gap} 条，已被删除）"
                                if gap > 0 else f"第 {row['seq']} 条记录顺序错乱")
            if row["prev"] != prev:
                problems.append(f"第 {row['seq']} 条记录与前一条记录的链接不符（前一条记录被删除或修改）")
            if entry_hash(row, row["prev"]) != row["hash"]:
                problems.append(f"第 {row['seq']} 条记录的内容被修改（哈希不符）")
            expected, prev = row["seq"] + 1, row["hash"]
        if head is not None:
            seq, _, digest = head["value"].partition(":")
            if int(seq) >= expected:
                problems.append(f"最后的第 {expected} 条至第 {seq} 条记录缺失（已被删除）")
            elif rows and int(seq) == rows[-1]["seq"] and digest != rows[-1]["hash"]:
                problems.append(f"第 {seq} 条记录的内容被修改（与记录的链尾不符）")
        elif rows:
            problems.append("链尾记录缺失")
        return problems

    # ------------------------------------------------------------------ accounts

    def _row(self, conn: sqlite3.Connection, name: str) -> Account | None:
        row = conn.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        return Account(row["name"], row["display"], row["role"], tuple(json.loads(row["counties"])),
                       bool(row["disabled"]), row["locked_until"], row["created"])

    def _existing(self, conn: sqlite3.Connection, name: str) -> Account:
        account = self._row(conn, name)
        if account is None:
            raise AccountError(f"没有名为“{name}”的账户", f"no account named {name!r}")
        return account

    def account(self, name: str) -> Account | None:
        if not self.exists():
            return None
        with self._read() as conn:
            return self._row(conn, name)

    def accounts(self) -> list[Account]:
        if not self.exists():
            return []
        with self._read() as conn:
            names_ = [r["name"] for r in conn.execute("SELECT name FROM accounts ORDER BY name")]
            return [self._row(conn, n) for n in names_]

    def has_accounts(self) -> bool:
        return bool(self.accounts())

    def last_sign_ins(self) -> dict[str, float]:
        """Each account's latest successful sign-in (epoch seconds); accounts never signed in are absent."""
        if not self.exists():
            return {}
        with self._read() as conn:
            return {r["name"]: r["last"] for r in conn.execute("SELECT name, MAX(created) AS last FROM sessions "
                                                                 "GROUP BY name")}

    def _keep_an_admin(self, conn: sqlite3.Connection, before: Account, change: str) -> None:
        """At least one enabled admin account always remains: the last one may not be disabled or given another
        role (an admin would otherwise have to edit the file by hand to manage accounts again)."""
        if before.role != "admin" or before.disabled:
            return
        others = conn.execute("SELECT COUNT(*) FROM accounts WHERE role = 'admin' AND disabled = 0 AND name != ?",
                              (before.name,)).fetchone()[0]
        if not others:
            raise AccountError(f"“{before.name}”是唯一启用的管理员账户，不能{change}：至少须保留一个启用的管理员。"
                               "请先新建或启用另一个管理员账户", f"{before.name} is the last enabled admin")

    def add(self, name: str, password: str, role: str, by: Actor, counties: Iterable[str] = (),
            display: str = "") -> Account:
        """A new account. A county analyst needs at least one county; other roles take none."""
        require(by, "manage_accounts")
        name, display = (name or "").strip(), (display or "").strip()
        if not NAME_PATTERN.match(name):
            raise AccountError(f"账户名“{name}”无效：1 至 32 个字符，只能是汉字、字母、数字和 . _ - @",
                               f"invalid account name {name!r}")
        if len(display) > 40:
            raise AccountError("姓名不超过 40 个字", "display name longer than 40 characters")
        county_list = _scope(role, counties)
        _check_password(name, password)
        digest = self.hasher.hash(password)
        now = self.clock()
        with self._tx() as conn:
            if self._row(conn, name) is not None:
                raise AccountError(f"账户“{name}”已存在", f"account {name!r} exists")
            conn.execute("INSERT INTO accounts(name, display, role, counties, password, created, updated) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (name, display or name, role, json.dumps(county_list, ensure_ascii=False), digest, now, now))
            self._append(conn, "account_add", by, target=name,
                         detail={"role": role, "counties": county_list, "display": display or name})
            return self._row(conn, name)

    def set_role(self, name: str, role: str, by: Actor, counties: Iterable[str] = ()) -> Account:
        require(by, "manage_accounts")
        county_list = _scope(role, counties)
        with self._tx() as conn:
            before = self._existing(conn, name)
            if role != "admin":
                self._keep_an_admin(conn, before, f"改为{ROLES[role]}")
            conn.execute("UPDATE accounts SET role = ?, counties = ?, updated = ? WHERE name = ?",
                         (role, json.dumps(county_list, ensure_ascii=False), self.clock(), name))
            self._append(conn, "role_change", by, target=name,
                         detail={"from": [before.role, list(before.counties)], "to": [role, county_list]})
            return self._row(conn, name)

    def set_password(self, name: str, password: str, by: Actor) -> None:
        """A new password; every session of the account ends at once, and a lock is lifted."""
        require(by, "manage_accounts")
        _check_password(name, password)
        digest = self.hasher.hash(password)
        with self._tx() as conn:
            self._existing(conn, name)
            conn.execute("UPDATE accounts SET password = ?, locked_until = 0, updated = ? WHERE name = ?",
                         (digest, self.clock(), name))
            conn.execute("DELETE FROM failures WHERE name = ?", (name,))
            ended = self._end_sessions(conn, name, "password")
            self._append(conn, "password_reset", by, target=name, detail={"sessions_ended": ended})

    def disable(self, name: str, by: Actor) -> None:
        """The account can no longer sign in; its sessions end at once."""
        require(by, "manage_accounts")
        if by.account == name:
            raise AccountError("不能停用自己正在使用的账户", "you cannot disable your own account")
        with self._tx() as conn:
            self._keep_an_admin(conn, self._existing(conn, name), "停用")
            conn.execute("UPDATE accounts SET disabled = 1, updated = ? WHERE name = ?", (self.clock(), name))
            ended = self._end_sessions(conn, name, "disabled")
            self._append(conn, "account_disable", by, target=name, detail={"sessions_ended": ended})

    def enable(self, name: str, by: Actor) -> None:
        require(by, "manage_accounts")
        with self._tx() as conn:
            self._existing(conn, name)
            conn.execute("UPDATE accounts SET disabled = 0, updated = ? WHERE name = ?", (self.clock(), name))
            self._append(conn, "account_enable", by, target=name)

    def unlock(self, name: str, by: Actor) -> None:
        """Lift a lock-out before it expires, and forget the failed attempts."""
        require(by, "manage_accounts")
        with self._tx() as conn:
            account = self._existing(conn, name)
            conn.execute("UPDATE accounts SET locked_until = 0, updated = ? WHERE name = ?", (self.clock(), name))
            conn.execute("DELETE FROM failures WHERE name = ?", (name,))
            self._append(conn, "account_unlock", by, target=name,
                         detail={"was_locked": account.locked_until > self.clock()})

    # ------------------------------------------------------------------ sign-in and sessions

    def sign_in(self, name: str, password: str, address: str = "") -> str:
        """A new session token for the account, given to the browser once; SignInFailed (Chinese) otherwise.
        Every attempt is in the audit; the MAX_FAILURES-th wrong password within FAILURE_WINDOW locks the account
        for LOCK_SECONDS (an admin may unlock sooner); a locked account refuses even the right password."""
        name = (name or "").strip()
        now = self.clock()
        account = self.account(name) if name else None
        if account is None:
            self._verify(self._dummy_hash(), password or "")  # the same work as for a real account
            verified = False
        else:
            with self._read() as conn:
                stored = conn.execute("SELECT password FROM accounts WHERE name = ?", (name,)).fetchone()["password"]
            verified = self._verify(stored, password or "")
        refusal = None
        token = ""
        with self._tx() as conn:
            fail = {"who": name or "（空）", "address": address, "outcome": "失败"}
            if account is None:
                self._append(conn, "sign_in_failed", detail={"reason": "无此账户"}, **fail)
                refusal = SignInFailed("用户名或密码错误", "wrong name or password")
            else:
                account = self._row(conn, name)  # as it is now, inside the transaction
                fail["role"] = account.role
                if account.disabled:
                    self._append(conn, "sign_in_failed", detail={"reason": "账户已停用"}, **fail)
                    refusal = SignInFailed("该账户已停用，请联系管理员", "the account is disabled")
                elif account.locked_until > now:
                    minutes = max(1, round((account.locked_until - now) / 60))
                    self._append(conn, "sign_in_failed", detail={"reason": "账户已锁定"}, **fail)
                    refusal = SignInFailed(f"该账户因多次密码错误已锁定，请约 {minutes} 分钟后再试，或联系管理员解锁",
                                           "the account is locked")
                elif not verified:
                    conn.execute("INSERT INTO failures(name, at) VALUES (?, ?)", (name, now))
                    count = conn.execute("SELECT COUNT(*) FROM failures WHERE name = ? AND at > ?",
                                         (name, now - FAILURE_WINDOW)).fetchone()[0]
                    self._append(conn, "sign_in_failed", detail={"reason": "密码错误", "failures": count}, **fail)
                    if count >= MAX_FAILURES:
                        conn.execute("UPDATE accounts SET locked_until = ? WHERE name = ?", (now + LOCK_SECONDS, name))
                        conn.execute("DELETE FROM failures WHERE name = ?", (name,))
                        self._append(conn, "locked", who=name, role=account.role, address=address,
                                     detail={"failures": count, "minutes": LOCK_SECONDS // 60})
                        refusal = SignInFailed(
                            f"{FAILURE_WINDOW // 60} 分钟内连续 {MAX_FAILURES} 次密码错误，该账户已锁定 "
                            f"{LOCK_SECONDS // 60} 分钟；可联系管理员解锁", "the account is now locked")
                    else:
                        refusal = SignInFailed("用户名或密码错误", "wrong name or password")
                else:
                    if self._needs_rehash(stored):
                        conn.execute("UPDATE accounts SET password = ? WHERE name = ?",
                                     (self.hasher.hash(password), name))
                    conn.execute("DELETE FROM failures WHERE name = ?", (name,))
                    token = secrets.token_urlsafe(32)
                    conn.execute("INSERT INTO sessions(token_hash, name, created, seen, address) VALUES (?, ?, ?, ?, ?)",
                                 (token_hash(token), name, now, now, address))
                    self._append(conn, "sign_in", who=name, role=account.role, address=address)
        if refusal is not None:
            raise refusal
        return token

    def actor_for(self, token: str | None, address: str = "") -> Actor | None:
        """The signed-in actor behind a session token, or None when the token is unknown, ended, idle too long,
        too old, or its account disabled. Each use keeps the session alive."""
        if not token or not self.exists():
            return None
        now = self.clock()
        digest = token_hash(token)
        with self._read() as conn:
            row = conn.execute("SELECT s.name, s.created, s.seen, s.ended, a.disabled FROM sessions s "
                               "JOIN accounts a ON a.name = s.name WHERE s.token_hash = ?", (digest,)).fetchone()
        if row is None or row["ended"] is not None:
            return None
        expired = now - row["seen"] > self.idle_seconds or now - row["created"] > MAX_SESSION_SECONDS
        if row["disabled"] or expired:
            if expired:
                with self._tx() as conn:
                    conn.execute("UPDATE sessions SET ended = ?, reason = 'expired' WHERE token_hash = ? "
                                 "AND ended IS NULL", (now, digest))
            return None
        if now - row["seen"] > TOUCH_SECONDS:
            with self._tx() as conn:
                conn.execute("UPDATE sessions SET seen = ? WHERE token_hash = ?", (now, digest))
        account = self.account(row["name"])
        return account.actor(address) if account else None

    def sign_out(self, token: str | None, address: str = "") -> None:
        """End the session behind the token (every tab using it is signed out at its next action)."""
        if not token or not self.exists():
            return
        digest = token_hash(token)
        with self._tx() as conn:
            row = conn.execute("SELECT s.name, a.role FROM sessions s JOIN accounts a ON a.name = s.name "
                               "WHERE s.token_hash = ? AND s.ended IS NULL", (digest,)).fetchone()
            if row is None:
                return
            conn.execute("UPDATE sessions SET ended = ?, reason = 'sign_out' WHERE token_hash = ?",
                         (self.clock(), digest))
            self._append(conn, "sign_out", who=row["name"], role=row["role"], address=address)

    def _end_sessions(self, conn: sqlite3.Connection, name: str, reason: str) -> int:
        return conn.execute("UPDATE sessions SET ended = ?, reason = ? WHERE name = ? AND ended IS NULL",
                            (self.clock(), reason, name)).rowcount

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def _needs_rehash(self, stored: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self.hasher.hash(secrets.token_hex(16))
        return self._dummy


def _scope(role: str, counties: Iterable[str]) -> list[str]:
    if role not in ROLES:
        raise AccountError(f"角色“{role}”无效，可选：" + "、".join(f"{k}（{v}）" for k, v in ROLES.items()),
                           f"unknown role {role!r}; one of {', '.join(ROLES)}")
    county_list = sorted({c.strip() for c in counties if c and c.strip()})
    if role == "county_analyst" and not county_list:
        raise AccountError("县级分析员须指定至少一个县（市、区）", "a county analyst needs at least one county")
    if role == "unit_reporter" and not county_list:
        raise AccountError("责任单位填报员须指定至少一个单位（按计划写法，如 县委组织部）",
                           "a unit reporter needs at least one unit")
    if role not in SCOPED_ROLES and county_list:
        raise AccountError(f"{ROLES[role]}不限县（市、区），不能指定县", f"role {role} takes no counties")
    return county_list


def _check_password(name: str, password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符", f"the password needs at least {MIN_PASSWORD} characters")
    if password.strip().lower() == name.lower():
        raise AccountError("密码不能与账户名相同", "the password must differ from the account name")
