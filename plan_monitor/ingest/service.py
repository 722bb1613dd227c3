"""The one way to change the data: a WriteService over a store commits checked uploads and rolls back, each on
behalf of an Actor, after checking that the actor may write every county the change touches. The pages and
the command line call it; nothing else calls Store.commit or Store.rollback.

Every entry it writes records the actor's name (提交人) and role."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from plan_monitor.errors import DataError, UserError
from plan_monitor.ingest.pipeline import Checked
from plan_monitor.sources import Store

ROLES = {"city_analyst": "市级分析员", "county_analyst": "县级分析员"}
MAX_NAMED = 6  # a message naming more counties than this ends with 等


class AccessDenied(UserError):
    """The actor has no name, or the change touches a county outside the actor's scope; nothing was written."""


@dataclass(frozen=True)
class Actor:
    """Who is changing the data. `counties` is the scope the actor may write; None means every county."""

    name: str
    role: str = "city_analyst"
    counties: frozenset[str] | None = None

    def __post_init__(self):
        object.__setattr__(self, "name", (self.name or "").strip())
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; one of {', '.join(ROLES)}")
        if self.counties is not None:
            object.__setattr__(self, "counties", frozenset(self.counties))

    def outside(self, counties: Iterable[str]) -> list[str]:
        """The counties among these the actor may not write, sorted."""
        if self.counties is None:
            return []
        return sorted(set(counties) - self.counties)

    @property
    def scope_text(self) -> str:
        """The actor's scope in words, e.g. 江陵县 or 全部县（市、区）."""
        if self.counties is None:
            return "全部县（市、区）"
        return _names(sorted(self.counties)) if self.counties else "（无）"


class WriteService:
    """Commits and rollbacks on one store, each checked against the actor doing it."""

    def __init__(self, store: Store):
        self.store = store

    def commit_upload(self, checked: Checked, actor: Actor, confirm_warnings: bool = False, note: str = "",
                      confirm_removals: int | None = None) -> dict:
        """Store a checked upload as a new version and return its entry. Refused, with nothing written, while
        errors or unconfirmed warnings remain, when an upload that removes units was not confirmed with the
        number of removals typed (`confirm_removals`), without an actor name, or when the file covers a county
        outside the actor's scope."""
        if not checked.can_commit:
            raise DataError(f"{checked.file_name} 有 {len(checked.errors)} 个错误，不能提交；请按问题清单修改后重新上传",
                            f"{checked.file_name} has {len(checked.errors)} error(s); nothing was stored")
        if checked.warnings and not confirm_warnings:
            raise DataError(f"{checked.file_name} 有 {len(checked.warnings)} 条警告，请逐条核对并确认后再提交",
                            f"{len(checked.warnings)} warning(s) need an explicit confirm")
        _require_name(actor)
        others = actor.outside(c for c in checked.rows["county"].to_pylist() if c is not None)
        if others:
            raise AccessDenied(
                f"{actor.name}（{ROLES[actor.role]}）只能提交 {actor.scope_text} 的数据，{checked.file_name} 含有 "
                f"{_names(others)} 的数据；未提交，数据未作任何改动",
                f"{actor.name} may write {sorted(actor.counties or ())} only; the file covers {others}")
        if checked.removed and confirm_removals != checked.removed:
            typed = "未输入" if confirm_removals is None else f"输入的是 {confirm_removals}"
            raise DataError(f"整体替换将删除 {checked.removed} 个单位，请输入删除数 {checked.removed} 确认（{typed}）；未提交",
                            f"the upload removes {checked.removed} unit(s); confirm with that number "
                            f"(got {confirm_removals}); nothing was stored")
        return self.store.commit(template_key=checked.parsed.template.key, rows=checked.result, mode=checked.mode,
                                 original=checked.original, file_name=checked.file_name, user=actor.name,
                                 role=actor.role, base=checked.base, warnings_confirmed=len(checked.warnings),
                                 note=note)

    def rollback(self, to: int, actor: Actor, base: int, note: str = "") -> dict:
        """A new version whose data is exactly what version `to` showed; `base` is the version the actor saw.
        Refused, with nothing written, without an actor name or when the rollback would rewrite a county
        outside the actor's scope (judged by the store on the exact slices, while no other write can land)."""
        _require_name(actor)

        def allow(slices) -> None:
            others = actor.outside(county for _, county, _, _ in slices)
            if others:
                raise AccessDenied(
                    f"回退到版本 {to} 会改动 {_names(others)} 的数据，{actor.name}（{ROLES[actor.role]}）只能修改 "
                    f"{actor.scope_text} 的数据；未回退，数据未作任何改动",
                    f"rolling back to {to} rewrites {others}; {actor.name} may write "
                    f"{sorted(actor.counties or ())} only")

        return self.store.rollback(to, user=actor.name, role=actor.role, base=base, note=note, allow=allow)


def _require_name(actor: Actor) -> None:
    if not actor.name:
        raise AccessDenied("请填写提交人姓名", "an actor name is required")


def _names(counties: list[str]) -> str:
    return "、".join(counties[:MAX_NAMED]) + ("等" if len(counties) > MAX_NAMED else "")
