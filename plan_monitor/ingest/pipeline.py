"""The one upload pipeline the page and `python -m plan_monitor ingest` share: read, check, preview; the commit
is ingest.service.WriteService.commit_upload.

Nothing is written here; a commit happens only when there is no error, every warning was confirmed and the
actor may write every county the file covers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.access.roles import Actor
from plan_monitor.ingest import lists
from plan_monitor.ingest.corrections import MERGE, MODES, resolve, rounds_of
from plan_monitor.ingest.model import SEVERITY_LABELS, Issue, Note, Parsed, Reading, UploadError, sorted_issues
from plan_monitor.ingest.names import match_names
from plan_monitor.ingest.preview import compare, details, summary
from plan_monitor.ingest.read import read_upload
from plan_monitor.ingest.validate import check_totals, run_audits
from plan_monitor.sources import Store
from plan_monitor.sources.report_dates import with_report_dates
from plan_monitor.sources.tables import reports
from plan_monitor.spec.geography import Geography
from plan_monitor.spec.plan import Plan


@dataclass
class Checked:
    file_name: str
    sha256: str
    size: int
    parsed: Parsed | None
    rows: pa.Table | None  # the file's rows, typed, 统计截至 filled
    issues: list[Issue]
    notes: list[Note]
    changes: pd.DataFrame | None  # one row per unit of the scope: status new/changed/unchanged/removed
    base: int  # the store version the preview was computed against
    original: bytes = field(repr=False, default=b"")
    mode: str = MERGE  # 补充更正 (merge) or 整体替换 (replace): what the file does to the rows already stored
    result: pa.Table | None = None  # exactly what a commit would store: the new content of the file's slices
    # (county, year, 统计截至) reports the file sends that the store does not hold yet: a new round is a report
    # even when every figure equals the standing one (报送情况 counts it), so it is never "unchanged"
    new_reports: int = 0
    # 列对应: the header row taken and each column's reading (also when the file was rejected for its header), the
    # header row and mapping the analyst gave, and the saved mapping applied when the analyst gave none
    reading: Reading | None = None
    header_row: int | None = None
    mapping: dict[str, str] | None = None
    saved_map: dict | None = None

    @property
    def header_rejected(self) -> bool:
        """Rejected as a whole for its header (no header, required columns missing, another template): the page
        offers the 列对应 step."""
        return self.parsed is None and self.reading is not None

    @property
    def map_to_save(self) -> dict | None:
        """What a commit remembers for the next upload: the analyst's header row and mapping, when given."""
        if self.parsed is None or self.reading is None or not (self.mapping or self.header_row):
            return None
        return {"template": self.parsed.template.key, "mapping": self.reading.mapping,
                "header_row": self.header_row}

    @property
    def removed(self) -> int:
        """Units the commit removes (整体替换 only): a commit must be confirmed with this number typed."""
        return int((self.changes["status"] == "removed").sum()) if self.changes is not None else 0

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def unchanged(self) -> bool:
        """Every unit of the file's slices would stay as it is: committing would only repeat the current version."""
        return (self.changes is not None and len(self.changes) > 0 and not self.new_reports
                and bool((self.changes["status"] == "unchanged").all()))

    @property
    def can_commit(self) -> bool:
        return self.rows is not None and len(self.rows) > 0 and not self.errors

    def summary(self) -> pd.DataFrame:
        return summary(self.changes) if self.changes is not None and len(self.changes) else pd.DataFrame()

    def details(self) -> pd.DataFrame:
        if self.changes is None or self.parsed is None:
            return pd.DataFrame()
        return details(self.parsed.template, self.changes)

    def problems(self) -> pd.DataFrame:
        """Errors first, then warnings, each in file-row order: what the report and the page list."""
        ordered = sorted_issues(self.issues)
        return pd.DataFrame({
            "级别": [SEVERITY_LABELS[i.severity] for i in ordered],
            "行号": pd.array([i.row for i in ordered], dtype="Int64"),
            "列": [i.column or "" for i in ordered],
            "值": [i.value if i.value is not None else "" for i in ordered],
            "说明": [i.message for i in ordered],
        })


def check_upload(file_name: str, data: bytes, plan: Plan, geo: Geography, store: Store,
                 template_key: str | None = None, today: date | None = None, mode: str = MERGE,
                 table: int | None = None, header_row: int | None = None, mapping: dict[str, str] | None = None,
                 actor: Actor | None = None) -> Checked:
    """Read and check one file against the plan, the gazetteer and the store's latest version, as an upload in
    `mode` (merge: 补充更正, replace: 整体替换; ingest.corrections); writes nothing. `table`: which table of the
    sheet to read (1-based; ingest.layout), the first by default. A 名单 (ingest.lists) only marks units: it is
    refused under replace. `header_row` and `mapping` are the analyst's 列对应 (read.read_upload); without them, a
    file whose headers do not fit is read with the mapping saved last time (the actor's county or name first), when
    one fits."""
    if mode not in MODES:
        raise ValueError(f"unknown upload mode {mode!r}")
    sha = hashlib.sha256(data).hexdigest()
    base = store.head()
    given = {"header_row": header_row, "mapping": dict(mapping) if mapping else None}
    saved = None
    try:
        parsed = read_upload(file_name, data, template_key, table=table, header_row=header_row, mapping=mapping)
    except UploadError as exc:
        parsed, error = None, exc
    else:
        error = None
    if header_row is None and not mapping:
        reading = error.reading if error is not None else parsed.reading
        if reading is not None and (error is not None or reading.unknown):
            found = _saved_read(file_name, data, template_key, store, actor, reading, parsed is None)
            if found is not None:
                parsed, saved = found
                error = None
    if parsed is None:
        return Checked(file_name, sha, len(data), None, None, [Issue("error", "file", error.zh)], [], None, base, data,
                       mode, reading=error.reading, **given)
    template = parsed.template
    table, name_issues, name_notes = match_names(parsed.table, parsed.row_numbers, parsed.headers, geo)
    current = store.current(template.table, at=base)  # the preview describes exactly version `base`
    issues = list(parsed.issues) + name_issues
    unlisted: set[int] = set()
    if parsed.listing:
        if mode != MERGE:
            return Checked(file_name, sha, len(data), parsed, with_report_dates(table),
                           [*issues, Issue("error", "list_replace", lists.REPLACE_ZH)], list(parsed.notes), None, base,
                           data, mode)
        table, list_issues, unlisted = lists.complete(template, table, parsed.row_numbers, set(parsed.headers),
                                                      current)
        issues += list_issues
    audits = run_audits(parsed, table, plan, reports(current), today or date.today(), mode)
    issues += [i for i in audits if not (i.row in unlisted and i.check == "required_blank")]
    issues += check_totals(parsed, table)
    notes = list(parsed.notes) + name_notes
    if saved is not None:
        pairs = "；".join(f"“{c.text}”按“{c.field}”读取" for c in parsed.reading.read if c.via == "saved")
        notes.insert(0, Note("saved_column_map", f"已按上次保存的列对应读取（{saved.get('user') or '—'} "
                                                 f"{str(saved.get('saved_at', ''))[:10]} 保存）：{pairs}"))
    blank_as_of = pc.sum(pc.is_null(table["as_of"])).as_py()
    if blank_as_of:
        notes.append(Note("year_end", f"统计截至为空的 {blank_as_of} 行按该年度 12月31日（年末）入库", blank_as_of))
    rows = with_report_dates(table)
    placed = pc.and_(pc.is_valid(rows["year"]), pc.is_valid(rows["county"]))
    everywhere = placed.null_count == 0 and bool(pc.all(placed).as_py())  # the usual file: no Python list per row
    if everywhere:
        numbers, placed_rows = parsed.row_numbers, rows
    else:
        numbers = [r for r, ok in zip(parsed.row_numbers, placed.to_pylist()) if ok]
        placed_rows = rows.filter(placed)
    if not numbers:  # no row names its year and county (a wrong header row read as data): nothing to compare
        return Checked(file_name, sha, len(data), parsed, rows, issues, notes, None, base, data, mode, None, 0,
                       parsed.reading, saved_map=saved, **given)
    # a 名单's other columns were filled from the store (lists.complete): the merge keeps exactly those values
    present = {c.key for c in template.columns} if parsed.listing else set(parsed.headers)
    resolved = resolve(template, placed_rows, numbers, present, current, mode)
    issues += resolved.issues
    notes += resolved.notes
    if everywhere:
        kept_per_row = resolved.kept
    else:
        kept = iter(resolved.kept)
        kept_per_row = [next(kept) if ok else [] for ok in placed.to_pylist()]
    # the same rows and rounds as the resolution's (compare leaves out the rows not placed): its standing serves
    changes = compare(template, rows, parsed.row_numbers, current, resolved.rows, kept_per_row, resolved.before)
    removed = changes[changes["status"] == "removed"]
    if len(removed):
        examples = "、".join(removed["unit"].head(5))
        issues.append(Issue("warning", "removed_units",
                            f"整体替换将删除 {len(removed)} 个单位（如 {examples}）：本文件没有，提交后自该统计截至起"
                            f"（本年度以后各期）不再计入；提交时须输入删除数 {len(removed)} 确认（可在“数据版本”中回退）"))
    return Checked(file_name, sha, len(data), parsed, rows, issues, notes, changes, base, data, mode, resolved.rows,
                   _new_reports(placed_rows, current), parsed.reading, saved_map=saved, **given)


MAX_SAVED_TRIES = 12  # saved mappings tried on one file


def map_scopes(actor: Actor | None) -> list[str]:
    """Where a mapping is remembered for this actor, most specific first: each county of a county-scoped actor,
    then the actor's own name."""
    if actor is None:
        return []
    counties = [f"county:{c}" for c in sorted(actor.counties or ())]
    return counties + ([f"user:{actor.name}"] if actor.name else [])


def _saved_read(file_name: str, data: bytes, template_key: str | None, store: Store, actor: Actor | None,
                reading: Reading, rejected: bool) -> tuple[Parsed, dict] | None:
    """The file read with a saved mapping of its template that fits it (the actor's own first, then the newest),
    or None. A file that was read (with some columns not understood) is re-read only with a mapping that names one
    of those columns."""
    scopes = map_scopes(actor)
    unknown = {c.text for c in reading.unknown}
    maps = [m for m in store.column_maps() if template_key is None or m.get("template") == template_key]
    maps = [m for m in maps if rejected or unknown & set(m["mapping"].values())]
    maps.sort(key=lambda m: scopes.index(m["scope"]) if m.get("scope") in scopes else len(scopes))
    for saved in maps[:MAX_SAVED_TRIES]:
        for row in dict.fromkeys((None, saved.get("header_row"))):
            try:
                parsed = read_upload(file_name, data, saved.get("template"), header_row=row, mapping=saved["mapping"])
            except UploadError:
                continue
            columns = tuple(replace(c, via="saved") if c.via == "mapping" else c for c in parsed.reading.columns)
            parsed.reading = replace(parsed.reading, columns=columns)
            return parsed, saved
    return None


def _new_reports(rows: pa.Table, current: pa.Table) -> int:
    """How many of the file's (county, year, 统计截至) reports the store does not hold yet."""
    def keys(table: pa.Table) -> set:
        return rounds_of(with_report_dates(table))
    held = keys(reports(current)) if len(current) else set()
    return len(keys(rows) - held)
