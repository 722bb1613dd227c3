"""What an upload does to the rows already stored, by mode, before anything is written:

  补充更正 (merge, the default)  the file's units are updated or added; units not in the file keep their values;
                                a blank cell, and every cell of a column the file lacks, keeps the stored value.
  整体替换 (replace)             the file is the whole roster of its county × 统计截至: units of that roster not in
                                the file are removed (a removal marker is stored for each, so they do not come
                                back from an earlier round of the year); a column the file lacks is cleared.

Either way the result is the full new content of each slice (county × 年度 × 统计截至) the file covers: the store
stays slice-owner based, and the preview counts and the commit's counts come from the same comparison
(sources.versions.compare_slices) of the same rows.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.ingest.cells import joined
from plan_monitor.ingest.model import Issue, Note
from plan_monitor.sources.tables import REMOVED, reports, with_removed
from plan_monitor.sources.versions import covered_slices, in_slices, standing
from plan_monitor.spec.templates import REPORT_KEYS, Template

MODES = {"merge": "补充更正", "replace": "整体替换"}
MERGE, REPLACE = MODES
RENAME_PAIRS = 200_000  # name pairs compared in all (~10 µs each) before the rename hints stop
RENAME_RATIO = 0.6  # difflib ratio from which two names of one parent unit read as one renamed unit
MAX_NAMED = 5


@dataclass
class Resolved:
    rows: pa.Table  # the new content of every slice the file covers, removal markers included
    before: pa.Table  # each covered slice's roster as of its round before the upload (standing)
    # per file row: the keys whose blank kept the stored value (None where none did: no list per untouched row)
    kept: list[list[str] | None] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def rounds_of(rows: pa.Table) -> set[tuple[str, int, object]]:
    """The distinct (county, year, 统计截至) of the rows, found by a group-by in Arrow (nulls included, as a set of
    the rows' tuples has them), so 200,000 rows never become Python tuples."""
    keys = ["county", "year", "as_of"]
    if not len(rows):
        return set()
    found = rows.select(keys).group_by(keys, use_threads=False).aggregate([])
    return set(zip(*(found[k].to_pylist() for k in keys)))


def _report_ids(table: pa.Table, template: Template) -> pa.Array:
    parts = [pc.fill_null(pc.cast(table[k], pa.string()), "") for k in template.report_keys]
    return pc.binary_join_element_wise(*parts, "|")


def resolve(template: Template, incoming: pa.Table, row_numbers: list[int], present: set[str],
            current: pa.Table, mode: str) -> Resolved:
    """The slices' new rows under `mode`. `incoming` are the file's placed rows (年度 and county given, 统计截至
    filled), `present` the template keys of the columns the file has, `current` the stored rows (markers
    included) the preview is computed against."""
    if mode not in MODES:
        raise ValueError(f"unknown upload mode {mode!r}")
    rounds = rounds_of(incoming)
    before = standing(current, rounds, template.unit_keys)
    values = [c.key for c in template.columns if c.key not in template.report_keys]
    out = Resolved(incoming, before, [None] * len(incoming))
    if mode == MERGE:
        out.rows = _merge(template, incoming, present, current, before, values, out)
        out.notes += _partial_notes(template, incoming, before)
    else:
        out.rows = _replace(template, incoming, before)
        out.issues += _cleared_columns(template, incoming, present, before, values)
    out.issues += _renames(template, incoming, row_numbers, before, mode)
    return out


def _merge(template: Template, incoming: pa.Table, present: set[str], current: pa.Table, before: pa.Table,
           values: list[str], out: Resolved) -> pa.Table:
    keys = list(template.report_keys)
    partner = _stored_rows(incoming, before, keys)
    if partner is None:  # keys that repeat in the stored rows: the join as it gives them
        old = before.select([*keys, *values]).rename_columns([*keys, *(f"{c}__old" for c in values)])
        joined = (incoming.append_column("_idx", pa.array(np.arange(len(incoming)), pa.int64()))
                  .join(old, keys, join_type="left outer").sort_by("_idx"))
    filled = incoming
    for col in values:
        if partner is None:
            stored = joined[f"{col}__old"].combine_chunks()
            given = joined[col].combine_chunks() if col in present else pa.nulls(len(joined), stored.type)
        else:
            stored = before[col].combine_chunks().take(partner)
            given = incoming[col].combine_chunks() if col in present else pa.nulls(len(incoming), stored.type)
        kept = pc.and_(pc.is_null(given), pc.is_valid(stored)).to_numpy(zero_copy_only=False)
        for i in kept.nonzero()[0].tolist():
            if out.kept[i] is None:
                out.kept[i] = []
            out.kept[i].append(col)
        filled = filled.set_column(filled.column_names.index(col), col, pc.coalesce(given, stored))
    slice_rows = current.filter(in_slices(current, covered_slices(incoming)))
    if len(slice_rows):  # (a new round has no stored rows: none of them can be the file's)
        mine = _report_ids(_may_name(incoming, slice_rows, template), template)
        untouched = slice_rows.filter(pc.invert(_among(_report_ids(slice_rows, template), mine)))
    else:
        untouched = slice_rows
    n_kept = sum(len(k) for k in out.kept if k)
    if n_kept:
        cols = sorted({c for k in out.kept if k for c in k}, key=values.index)
        out.notes.append(Note("kept_blank", f"补充更正：{n_kept} 个单元格未填（或文件无此列），保留原值；涉及列 "
                                            + "、".join(template.header_of[c] for c in cols), n_kept))
    return pa.concat_tables([untouched, with_removed(filled).select(untouched.column_names).cast(untouched.schema)])


def _may_name(incoming: pa.Table, stored: pa.Table, template: Template) -> pa.Table:
    """The file rows whose _report_ids may equal a stored row's: when no name on either side holds the separator
    "|", two ids are equal exactly when every part is, so a row whose unit name no stored row has cannot match and
    its id is not written out (a correction of a few units among 200,000). Otherwise every row."""
    name = template.unit_keys[-1]
    names = [k for k in template.unit_keys if pa.types.is_string(incoming.schema.field(k).type)]
    if name not in names or not pa.types.is_string(stored.schema.field(name).type):
        return incoming
    for table in (incoming, stored):  # a year or a date written as text has no "|"
        if any(len(table) and pc.match_substring(joined(table[k]), "|")[0].as_py() for k in names):
            return incoming
    maybe = pc.is_in(pc.fill_null(incoming[name], ""), value_set=pc.fill_null(stored[name], ""))
    return incoming.filter(maybe)


def _among(ids: pa.Array, others: pa.Array) -> pa.Array:
    """pc.is_in(ids, value_set=others) with the hash table built on `ids`, the slices' few stored rows, not on the
    file's 200,000: the file's ids that are some stored row's are found first, then the stored ids among those."""
    named = pc.filter(others, pc.is_in(others, value_set=ids))
    return pc.is_in(ids, value_set=pc.unique(named))


def _stored_rows(incoming: pa.Table, before: pa.Table, keys: list[str]) -> pa.Array | None:
    """Each file row's stored row (its position in `before`, null where none) by a left outer join of the keys
    alone, the positions put back in file order: the left outer join of the whole rows sorted by file row, without
    carrying every column through the join and the sort. None when some file row meets several stored rows."""
    left = incoming.select(keys).append_column("_idx", pa.array(np.arange(len(incoming)), pa.int64()))
    right = before.select(keys).append_column("_old", pa.array(np.arange(len(before)), pa.int64()))
    joined = left.join(right, keys, join_type="left outer")
    if len(joined) != len(incoming):
        return None
    partner = np.full(len(incoming), -1, np.int64)
    partner[joined["_idx"].to_numpy()] = pc.fill_null(joined["_old"], -1).to_numpy()
    return pa.array(partner, pa.int64(), mask=partner < 0)


def _replace(template: Template, incoming: pa.Table, before: pa.Table) -> pa.Table:
    mine = pc.unique(_report_ids(incoming, template))
    gone = before.filter(pc.invert(pc.is_in(_report_ids(before, template), mine)))
    markers = pa.table({name: gone[name] if name in template.report_keys else pa.nulls(len(gone), typ)
                        for name, typ in zip(before.schema.names, before.schema.types)}, schema=before.schema)
    markers = with_removed(markers, pa.array([True] * len(markers), pa.bool_()))
    rows = with_removed(incoming)
    return pa.concat_tables([rows, markers.select(rows.column_names).cast(rows.schema)])


def _round_counts(rows: pa.Table) -> dict[tuple, int]:
    """Rows per (county, year, 统计截至), by a group-by in Arrow."""
    keys = ["county", "year", "as_of"]
    if not len(rows):
        return {}
    found = rows.select(keys).group_by(keys, use_threads=False).aggregate([([], "count_all")])
    return dict(zip(zip(*(found[k].to_pylist() for k in keys)), found["count_all"].to_pylist()))


def _partial_notes(template: Template, incoming: pa.Table, before: pa.Table) -> list[Note]:
    notes = []
    counted = _round_counts(incoming), _round_counts(before)
    for county, year, as_of in sorted(rounds_of(incoming)):
        def units(counts: dict[tuple, int]) -> int:
            # a null key part equals nothing (as a filter on it would keep no row)
            return 0 if None in (county, year, as_of) else counts.get((county, year, as_of), 0)
        have, stored = units(counted[0]), units(counted[1])
        if have < stored:
            notes.append(Note("merge_partial", f"本文件含 {county} {year}年 {as_of.isoformat()} 的 {have} 个单位，少于现有的 "
                                               f"{stored} 个：按“补充更正”处理，文件中没有的单位保留原值；"
                                               "如要删除单位，请选择“整体替换”", have))
    return notes


def _cleared_columns(template: Template, incoming: pa.Table, present: set[str], before: pa.Table,
                     values: list[str]) -> list[Issue]:
    issues = []
    for col in values:
        if col in present:
            continue
        stored = pc.sum(pc.is_valid(before[col])).as_py() or 0
        if stored:
            header = template.header_of[col]
            issues.append(Issue("warning", "cleared_column",
                                f"文件缺少“{header}”列，整体替换将清空该列（现有 {stored} 个单位有值）；"
                                "如只想更新其他列，请选择“补充更正”", None, header))
    return issues


def similar(old: str, new: str) -> bool:
    """Two names of one parent that read as one unit renamed: one character different, or a difflib ratio of
    at least RENAME_RATIO (董岗村 → 董冈村)."""
    if old == new:
        return False
    if len(old) == len(new) and sum(a != b for a, b in zip(old, new)) == 1:
        return True
    return difflib.SequenceMatcher(None, old, new).ratio() >= RENAME_RATIO


def _renames(template: Template, incoming: pa.Table, row_numbers: list[int], before: pa.Table, mode: str) -> list[Issue]:
    """A unit gone and a new one of a similar name under the same parent: likely one unit renamed. Which units are
    gone and which are new is found by anti-joins in Arrow, so only those (a handful in a correction) become Python
    objects, never the whole file."""
    if len(template.unit_keys) < 2:
        return []
    parent, name = list(template.unit_keys[:-1]), template.unit_keys[-1]
    scope = [*parent, *REPORT_KEYS]
    unit = [*scope, name]
    given = incoming.select(unit).append_column("_i", pa.array(np.arange(len(incoming)), pa.int64()))
    given = given.filter(pc.is_valid(given[name]))
    stored = before.select(unit).cast(given.select(unit).schema)
    # the stored units the file lacks: a right anti join builds its hash table on the few stored rows, not the file's
    # (the order of `gone` does not matter: it is grouped and sorted below)
    gone = given.select(unit).join(stored, unit, join_type="right anti")
    if not len(gone):
        return []
    fresh = given.join(stored, unit, join_type="left anti").join(
        gone.select(scope).group_by(scope, use_threads=False).aggregate([]), scope, join_type="left semi")
    fresh = fresh.sort_by("_i")
    gone_by: dict[tuple, list[str]] = {}
    for old, *key in zip(gone[name].to_pylist(), *(gone[k].to_pylist() for k in scope)):
        gone_by.setdefault(tuple(key), []).append(old)
    issues = []
    budget = RENAME_PAIRS
    for new, i, *key in zip(fresh[name].to_pylist(), fresh["_i"].to_pylist(), *(fresh[k].to_pylist() for k in scope)):
        olds = sorted(set(gone_by.get(tuple(key), ())))
        if not olds:
            continue
        budget -= len(olds)
        if budget < 0:  # a courtesy warning: a file of 200,000 new names under one town must not take minutes
            return issues
        match = max(olds, key=lambda o: difflib.SequenceMatcher(None, o, new).ratio())
        if not similar(match, new):
            continue
        tail = ("整体替换后只计新名称" if mode == REPLACE else
                "补充更正不会移除原名称，两者将同时计入；如确为更名，请改用“整体替换”")
        issues.append(Issue("warning", "likely_rename", f"疑似更名：{match} → {new}（{tail}）",
                            row_numbers[i], template.header_of[name], new))
    return issues


def markers_of(rows: pa.Table) -> int:
    return len(rows) - len(reports(rows)) if REMOVED in rows.column_names else 0
