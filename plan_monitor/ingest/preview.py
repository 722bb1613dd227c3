"""What an upload would change, before anything is written: each unit of its scope (the county × 年度 × 统计截至
slices it covers) new / changed / unchanged, and units of those slices the file drops as removed.

The comparison is the store's own (versions.compare_rows), so the preview and the counts recorded in the
version entry cannot disagree.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.ingest.corrections import rounds_of
from plan_monitor.ingest.validate import unit_labels
from plan_monitor.sources.versions import CHANGE_LABELS, Coded, compare_slices_coded, group_codes, last_rows, overlay
from plan_monitor.spec.templates import Template

NULL_KEY = "\x00null\x00"  # a null key part while joining (no cell holds NUL: the readers refuse it)
NONE_KEPT: tuple[str, ...] = ()  # one shared empty value, not 200,000 empty lists
DETAIL_LIMIT = 2000  # rows listed one by one in the preview; the counts always cover every row


def compare(template: Template, incoming: pa.Table, rows: list[int], current: pa.Table,
            result: pa.Table | None = None, kept: list[list[str]] | None = None,
            before: pa.Table | None = None) -> pd.DataFrame:
    """One line per unit in scope: status, unit keys, year, as_of, changes [(key, old, new)], kept [keys whose
    blank kept the stored value], unit, row_no. `result` is what the commit stores for the file's slices
    (default: the file's rows alone, each slice replaced); the comparison is the store's own (compare_slices).
    `before`: the slices' standing rosters in `current` (corrections.Resolved.before), when already made."""
    # A row without 年度 or county names no slice; it is already an error, and the preview leaves it out.
    placed = pc.and_(pc.is_valid(incoming["year"]), pc.is_valid(incoming["county"]))
    at = pc.indices_nonzero(placed)
    if len(at) < len(incoming):  # else every row is placed: no copy of the table
        incoming = incoming.filter(placed)
    result = incoming if result is None else result
    rounds = rounds_of(incoming)
    keys = list(template.report_keys)
    # the file rows' keys are coded with the lines' (one dictionary encoding of the 200,000 names, not two)
    changes, lines, coded = compare_slices_coded(current, overlay(current, result), rounds, template.unit_keys,
                                                 standing_before=before, extra=incoming.select(keys))
    # each unit's last row in the file (drop_duplicates(keep="last")) and the line of `changes` it is on, found in
    # Arrow (a left merge on the keys, null key parts matching each other as in pandas): only the row numbers and
    # the non-empty kept lists become Python objects
    line_at, file_at, last = _located_last(lines.select(keys), incoming.select(keys), keys, coded)
    file_at = pc.take(pc.take(at, last), pa.array(file_at, pa.int64())).to_numpy()  # the file row, by position
    numbers = np.asarray(rows, dtype=np.int64)[file_at]
    if len(line_at) == len(lines):
        row_no = np.empty(len(lines), np.int64)
    else:  # lines of units the file does not name: NaN, as the merge gave them
        row_no = np.full(len(lines), np.nan)
    row_no[line_at] = numbers
    kept_at = [NONE_KEPT] * len(lines)
    if kept:  # only the lines whose file row kept something are visited (a few among 200,000)
        has = np.fromiter(map(bool, kept), bool, len(kept))[file_at]
        for line, i in zip(line_at[has].tolist(), file_at[has].tolist()):
            kept_at[line] = kept[i]
    changes["row_no"] = row_no
    changes["kept"] = kept_at
    changes["unit"] = unit_labels(lines, template).to_pandas().array
    return changes


def _located_last(lines: pa.Table, incoming: pa.Table, keys: list[str],
                  coded: Coded | None = None) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """_located of each unit's last file row (last_rows), and those rows: the keys of the lines and of the file
    rows made integer codes once, for both. `coded`: those codes, made with the lines (versions.Coded)."""
    if coded is not None and len(incoming):
        line_codes, file_codes = coded.lines, coded.extra
    else:
        codes = group_codes(pa.concat_tables([lines, incoming.cast(lines.schema)]), keys) if len(incoming) else None
        if codes is None:  # no rows, or a key type without codes
            last = last_rows(incoming, keys)
            return *_located(lines, incoming.take(last), keys), last
        line_codes, file_codes = codes[:len(lines)], codes[len(lines):]
    last = _last_of(file_codes)
    return *_search(line_codes, file_codes[last]), pa.array(last, pa.int64())


def _last_of(codes: np.ndarray) -> np.ndarray:
    """Positions of each code's last row, in row order (versions.last_rows on the codes)."""
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    last = np.ones(len(ordered), bool)
    last[:-1] = ordered[1:] != ordered[:-1]
    return np.sort(order[last])


def _search(line_codes: np.ndarray, unit_codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(line, unit) positions where a line's code is a unit's (the units' codes are distinct)."""
    order = np.argsort(unit_codes)
    ordered = unit_codes[order]
    spot = np.minimum(np.searchsorted(ordered, line_codes), len(ordered) - 1)
    hit = ordered[spot] == line_codes
    return np.flatnonzero(hit), order[spot[hit]]


def _located(lines: pa.Table, units: pa.Table, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(line, unit) positions of the lines whose keys a unit has (units' keys are distinct; a null key part
    matching a null): the keys as one integer per row, the units' sorted and searched."""
    codes = group_codes(pa.concat_tables([lines, units.cast(lines.schema)]), keys) if len(units) else None
    if codes is None:  # no units, or a key type without codes: a join
        lined = _nulls_matching(lines, keys).append_column("_line", pa.array(np.arange(len(lines)), pa.int64()))
        found = lined.join(_nulls_matching(units, keys).append_column(
            "_unit", pa.array(np.arange(len(units)), pa.int64())), keys, join_type="inner")
        return found["_line"].to_numpy(), found["_unit"].to_numpy()
    return _search(codes[:len(lines)], codes[len(lines):])


def _nulls_matching(keys: pa.Table, names: list[str]) -> pa.Table:
    """String keys with a null read as a text no cell holds, so a join matches nulls with each other."""
    columns = [pc.fill_null(keys[n], NULL_KEY) if pa.types.is_string(keys.schema.field(n).type) else keys[n]
               for n in names]
    return pa.table(columns, names=names)


def summary(changes: pd.DataFrame) -> pd.DataFrame:
    """Counts per county × 年度 × 统计截至, in the order an analyst reads them."""
    counts = (changes.assign(n=1).pivot_table(index=["county", "year", "as_of"], columns="status", values="n",
                                              aggfunc="sum", fill_value=0)
              .reindex(columns=list(CHANGE_LABELS), fill_value=0).reset_index())
    counts["as_of"] = pd.to_datetime(counts["as_of"]).dt.strftime("%Y-%m-%d")
    counts.columns.name = None
    return counts.rename(columns={"county": "县（市、区）", "year": "年度", "as_of": "统计截至", **CHANGE_LABELS})


def details(template: Template, changes: pd.DataFrame) -> pd.DataFrame:
    """The new, changed and removed units with what changed (列：旧值 → 新值), and the units whose blank cells
    kept their stored values (列：未填，保留原值), the first DETAIL_LIMIT of them."""
    kept = changes["kept"] if "kept" in changes else pd.Series([[]] * len(changes), index=changes.index)
    # the first DETAIL_LIMIT lines to show, found on arrays: only they are copied out of the frame
    listed = ((changes["status"] != "unchanged").to_numpy(dtype=bool)  # on the column's Arrow strings
              | np.fromiter(map(bool, kept.to_numpy(dtype=object)), bool, len(kept)))
    at = np.flatnonzero(listed)[:DETAIL_LIMIT]
    shown, kept = changes.iloc[at], kept.iloc[at]
    headers = template.header_of
    return pd.DataFrame({
        "状态": shown["status"].map(CHANGE_LABELS).to_list(),
        "县（市、区）": shown["county"].to_list(),
        "年度": shown["year"].to_list(),
        "统计截至": pd.to_datetime(shown["as_of"]).dt.strftime("%Y-%m-%d").to_list(),
        "单位": shown["unit"].to_list(),
        "文件行号": pd.array(shown["row_no"].to_list(), dtype="Int64"),
        "变化": ["；".join(filter(None, [change_text(diff, headers),
                                          *(f"{headers.get(k, k)}：未填，保留原值" for k in keep)]))
               for diff, keep in zip(shown["changes"], kept)],
    })


def change_text(changes, headers: dict[str, str]) -> str:
    """compare_rows' (column, old, new) triples as a reader reads them: 村集体经济收入（万元）：20 → 25；…; the
    upload preview and the 数据版本 page both write a change this way."""
    if not isinstance(changes, list):
        return ""
    return "；".join(f"{headers.get(key, key)}：{cell_text(old)} → {cell_text(new)}" for key, old, new in changes)


def cell_text(value) -> str:
    """One stored value in a change: （空）, 是/否, whole numbers without a decimal point, dates in ISO form."""
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
