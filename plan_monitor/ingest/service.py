"""The one way to change the data: a WriteService over a store commits checked uploads and rolls back, each on
behalf of an Actor, after asking the one permission check (plan_monitor.access.allowed) whether the actor may
take the action on every county the change touches. The pages and the command line call it; nothing else calls
Store.commit or Store.rollback.

Every entry it writes records the actor's name (提交人) and role. Given the accounts store (`access`), every commit,
rollback and refusal is also appended to the audit trail, with who, from where and what."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pyarrow as pa

from plan_monitor.access.roles import ROLE_LABELS, ROLES, Actor, allowed, names
from plan_monitor.access.store import Access
from plan_monitor.errors import AccessDenied, DataError, NothingChanged, UserError
from plan_monitor.ledger.rules import TaskProblem, check_events
from plan_monitor.sources import Store

if TYPE_CHECKING:  # the reader (openpyxl, the upload checks) is imported by the pages that read a file, not by
    # every page's chrome that holds a WriteService: a server's first 总览 does not pay for it
    from plan_monitor.ingest.pipeline import Checked

__all__ = ["ROLES", "AccessDenied", "Actor", "NothingChanged", "WriteService", "UNCHANGED_ZH"]

UNCHANGED_ZH = "内容与当前数据相同，未生成新版本"


class WriteService:
    """Commits and rollbacks on one store, each checked against the actor doing it."""

    def __init__(self, store: Store, access: Access | None = None):
        self.store = store
        self.access = access

    def _audit(self, action: str, actor: Actor, target: str, outcome: str = "成功", **detail) -> None:
        if self.access is not None:
            self.access.record(action, actor, target=target, outcome=outcome,
                               detail={"data": self.store.location, **detail})

    def commit_upload(self, checked: Checked, actor: Actor, confirm_warnings: bool = False, note: str = "",
                      confirm_removals: int | None = None) -> dict:
        """Store a checked upload as a new version and return its entry. Refused, with nothing written, while
        errors or unconfirmed warnings remain, when an upload that removes units was not confirmed with the
        number of removals typed (`confirm_removals`), without an actor name, or when the file covers a county
        outside the actor's scope."""
        try:
            entry = self._commit(checked, actor, confirm_warnings, note, confirm_removals)
        except NothingChanged as exc:  # not a refusal: the file repeats the current data, nothing to store
            self._audit("upload_unchanged", actor, checked.file_name, "未改动", reason=exc.zh, base=checked.base)
            raise
        except UserError as exc:
            self._audit("upload_refused", actor, checked.file_name, "拒绝", reason=exc.zh)
            raise
        self._audit("upload", actor, checked.file_name, version=entry["id"], counties=entry.get("counties"),
                    rows=len(checked.rows), mode=checked.mode)
        if checked.map_to_save is not None:
            self.save_column_map(checked, actor)
        return entry

    def save_column_map(self, checked: Checked, actor: Actor) -> dict | None:
        """Remember the header row and column mapping (列对应) the actor gave for this upload, for the next upload of
        the same template: under the file's county when it covers one, else under the actor's name. Called by
        commit_upload once the rows are stored; None when there is nothing to remember."""
        wanted = checked.map_to_save
        if wanted is None:
            return None
        _require(actor, "upload")
        counties = {c for c in checked.rows["county"].to_pylist() if c is not None} if checked.rows is not None else set()
        others = actor.outside(counties)
        if others:
            raise AccessDenied(f"{actor.name}（{ROLE_LABELS[actor.role]}）只能保存 {actor.scope_text} 的列对应",
                               f"{actor.name} may not save a column mapping for {others}")
        from plan_monitor.ingest.pipeline import map_scopes

        scope = f"county:{next(iter(counties))}" if len(counties) == 1 else map_scopes(actor)[-1]
        entry = self.store.save_column_map(scope=scope, template_key=wanted["template"], mapping=wanted["mapping"],
                                           header_row=wanted["header_row"], user=actor.name)
        self._audit("column_map", actor, checked.file_name, scope=scope, template=wanted["template"],
                    mapping=wanted["mapping"], header_row=wanted["header_row"])
        return entry

    def _commit(self, checked: Checked, actor: Actor, confirm_warnings: bool, note: str,
                confirm_removals: int | None) -> dict:
        if not checked.can_commit:
            raise DataError(f"{checked.file_name} 有 {len(checked.errors)} 个错误，不能提交；请按问题清单修改后重新上传",
                            f"{checked.file_name} has {len(checked.errors)} error(s); nothing was stored")
        # who may write comes first: an out-of-scope file is refused as such, even when it changes nothing
        _require(actor, "upload")
        others = actor.outside(c for c in checked.rows["county"].to_pylist() if c is not None)
        if others:
            raise AccessDenied(
                f"{actor.name}（{ROLE_LABELS[actor.role]}）只能提交 {actor.scope_text} 的数据，{checked.file_name} 含有 "
                f"{names(others)} 的数据；未提交，数据未作任何改动",
                f"{actor.name} may write {sorted(actor.counties or ())} only; the file covers {others}")
        if checked.unchanged:
            raise NothingChanged(f"{checked.file_name}：{UNCHANGED_ZH}",
                                 f"{checked.file_name}: same content as the current version; no version created")
        if checked.warnings and not confirm_warnings:
            raise DataError(f"{checked.file_name} 有 {len(checked.warnings)} 条警告，请逐条核对并确认后再提交",
                            f"{len(checked.warnings)} warning(s) need an explicit confirm")
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
        try:
            _require(actor, "rollback")
        except UserError as exc:
            self._audit("rollback_refused", actor, f"v{to}", "拒绝", reason=exc.zh)
            raise

        def allow(slices) -> None:
            others = sorted({county for _, county, _, _ in slices if not allowed(actor, "rollback", county)})
            if others:
                raise AccessDenied(
                    f"回退到版本 {to} 会改动 {names(others)} 的数据，{actor.name}（{ROLE_LABELS[actor.role]}）只能修改 "
                    f"{actor.scope_text} 的数据；未回退，数据未作任何改动",
                    f"rolling back to {to} rewrites {others}; {actor.name} may write "
                    f"{sorted(actor.counties or ())} only")

        try:
            entry = self.store.rollback(to, user=actor.name, role=actor.role, base=base, note=note, allow=allow)
        except UserError as exc:
            self._audit("rollback_refused", actor, f"v{to}", "拒绝", reason=exc.zh)
            raise
        self._audit("rollback", actor, f"v{to}", version=entry["id"], counties=entry.get("counties"))
        return entry


    # ------------------------------------------------------------------ the task ledger

    def record_tasks(self, plan, geo, events: pa.Table, actor: Actor, kind: str, *, file_name: str | None = None,
                     original: bytes | None = None, note: str = "", day: date | None = None,
                     lines: list[int] | None = None) -> dict:
        """Append a batch of task events (reports, a 销号 request or review, 整改措施) on behalf of the actor, after
        the ledger rules (ledger.rules) pass on the ledger as it stands under the store's lock; refused as a whole,
        with nothing written, on any problem: AccessDenied when the actor may not act for a reporter, else
        DataError listing every problem. `kind` names the batch: upload (a 台账 file, kept as `original`), form,
        close_request, close_approve, close_return, measure. `lines`: each event's line in the uploaded file, so a
        problem found here is numbered as in the file and as the preview numbered it."""
        day = day or date.today()
        target = file_name or kind
        try:
            if not actor.name:
                raise AccessDenied("请填写提交人姓名", "an actor name is required")
            needed = "review_tasks" if kind in ("close_approve", "close_return") else "report_tasks"
            if not allowed(actor, needed):
                raise AccessDenied(f"{actor.who}无权{'审核销号' if needed == 'review_tasks' else '填报任务进展'}；"
                                   "台账未作任何改动", f"{actor.name} ({actor.role}) may not {needed}")
            stamped = events.append_column("plan", pa.array([plan.plan.id] * len(events))) \
                if "plan" not in events.column_names else events

            def check(current: pa.Table) -> None:
                _refuse(check_events(plan, geo, actor, stamped, current, day), file_name, lines)

            entry = self.store.commit_tasks(events=stamped, user=actor.name, role=actor.role, kind=kind,
                                            file_name=file_name, original=original, note=note, check=check)
        except UserError as exc:
            self._audit("tasks_refused", actor, target, "拒绝", reason=exc.zh, kind=kind)
            raise
        self._audit(f"tasks_{kind}" if kind in TASK_AUDIT else "tasks_report", actor, target, batch=entry["id"],
                    events=entry["events"], tasks=entry["tasks"], plan=plan.plan.id)
        return entry

    def request_close(self, plan, geo, task_id: str, reporter: str, evidence: str, actor: Actor,
                      progress: str = "", day: date | None = None) -> dict:
        """Ask the city to close (销号) one reporter's part of a task, with its evidence."""
        return self.record_tasks(plan, geo, _event("close_request", task_id, reporter, evidence=evidence,
                                                   progress=progress, status="done"), actor, "close_request", day=day)

    def review_close(self, plan, geo, task_id: str, reporter: str, approve: bool, actor: Actor, reason: str = "",
                     day: date | None = None) -> dict:
        """Close a waiting 销号 request for good, or send it back with a reason (the city only)."""
        kind = "close_approve" if approve else "close_return"
        return self.record_tasks(plan, geo, _event(kind, task_id, reporter, reason=reason), actor, kind, day=day)

    def attach_measure(self, plan, geo, item: str, county: str, text: str, actor: Actor) -> dict:
        """A county's 整改措施 on a 督办 item (item: the item's key, ledger.state.item_key)."""
        return self.record_tasks(plan, geo, _event("measure", "", county, progress=text, item=item), actor, "measure")


TASK_AUDIT = ("upload", "form", "close_request", "close_approve", "close_return", "measure")


def _event(kind: str, task_id: str, reporter: str, **values) -> pa.Table:
    row = {"kind": kind, "task_id": task_id, "reporter": reporter, "period": "", "status": "", "progress": "",
           "evidence": "", "reason": "", "item": "", **values}
    return pa.table({k: [v] for k, v in row.items()})


def _refuse(problems: list[TaskProblem], file_name: str | None, file_lines: list[int] | None = None) -> None:
    """AccessDenied for scope refusals, else DataError listing every problem: numbered by the file's own line when
    the events' lines are known (第N行, as the preview shows them), else by their place in the batch (第N条)."""
    if not problems:
        return
    where = f"{file_name}：" if file_name else ""

    def numbered(p: TaskProblem) -> str:
        if p.row is None or not file_name:
            return p.message
        if file_lines is not None and p.row < len(file_lines):
            return f"第{file_lines[p.row]}行：{p.message}"
        return f"第{p.row + 1}条：{p.message}"

    lines = list(dict.fromkeys(numbered(p) for p in problems))  # a row's two events (report + 销号 request): once
    shown = "；".join(lines[:10]) + (f"；另有 {len(lines) - 10} 处" if len(lines) > 10 else "")
    refused = [p for p in problems if p.refusal]
    if refused:
        raise AccessDenied(f"{where}{shown}；台账未作任何改动", f"{len(refused)} row(s) outside the actor's scope")
    raise DataError(f"{where}{shown}；台账未作任何改动", f"{len(problems)} problem(s); nothing was recorded")


def _require(actor: Actor, action: str) -> None:
    """A name, and a role that may take the action at all (the counties are checked on the rows)."""
    if not actor.name:
        raise AccessDenied("请填写提交人姓名", "an actor name is required")
    if not allowed(actor, action):
        what = "提交数据" if action == "upload" else "回退数据版本"
        raise AccessDenied(f"{actor.name}（{ROLE_LABELS[actor.role]}）无权{what}；数据未作任何改动",
                           f"{actor.name} ({actor.role}) may not {action}; nothing was written")
