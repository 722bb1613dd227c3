"""Errors a user can cause. Each carries a Chinese message first, then English.

They are caught once, at the edge (CLI or page), and shown without a traceback. Anything else is an internal
error: the user sees only a short reference (internal_error_zh / internal_error_en), the traceback goes to the log
under that reference.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in a user's file: where it is, what is wrong, how to fix it."""

    file: str
    path: str
    message: str
    hint: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return f"{text}（提示 hint: {self.hint}）" if self.hint else text


class UserError(Exception):
    """Base of errors caused by input, shown to the user without a traceback."""

    def __init__(self, zh: str, en: str = ""):
        super().__init__(zh)
        self.zh = zh
        self.en = en

    def __str__(self) -> str:
        return f"{self.zh}\n{self.en}" if self.en else self.zh


class PlanError(UserError):
    """The plan file is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"目标配置文件有 {len(self.problems)} 处错误：\n{lines}",
            f"The plan file has {len(self.problems)} error(s); see above.",
        )


class DataError(UserError):
    """Progress data cannot be read or does not fit a roster template."""


class NothingChanged(DataError):
    """An upload whose content is exactly what the store already holds for its slices: no version is created."""


class AccessDenied(UserError):
    """The actor may not do this (no name, a role without the permission, or a county outside the actor's scope);
    nothing was written."""


class SignInFailed(UserError):
    """A sign-in was refused: wrong name or password, a disabled or locked account."""


class AccountError(UserError):
    """An account command cannot be carried out: unknown account, a name taken, a weak password, a bad role."""


class SsoMapError(UserError):
    """The single sign-on mapping file (identity → role and counties) is missing or invalid; names file, line and
    field of every problem."""


def new_reference() -> str:
    """A short reference for one internal error: 8 hex digits, shown to the user and written to the log."""
    return secrets.token_hex(4)


def internal_error_zh(ref: str) -> str:
    return f"内部错误（编号 {ref}），请将编号告知管理员"


def internal_error_en(ref: str) -> str:
    return f"Internal error (ref {ref}); please pass the reference to the administrator"
