"""What a version is, whatever engine keeps the rows: slices, the slice → owner state an entry list replays to,
and the row comparison the preview, the version counts and the diff share.

A slice is (table, county, year, as_of): one county's report of one table for one 统计截至 date; a base-file
row without 统计截至 belongs to its year's 12-31 slice. An upload owns the slices its rows cover; a rollback to
N sets the owners back to what they were after entry N (0 = the base files). The state maps each slice some
upload owns to that upload's id; the current rows of an owned slice are exactly the owner's rows there, all
other slices come from the base files (版本 0).

An entry is a dict (the store's record of one version), oldest first, ids 1, 2, …:
  id, kind ("upload" | "rollback"), user, role (absent in entries written before roles), at (ISO time),
  file_name, sha256, size, template, table, rows, scope, counties, years, changes {new, changed, unchanged,
  removed}, warnings_confirmed, rollback_to, note; an upload's scope is [[county, year, as_of], …], a
  rollback's [[table, county, year, as_of], …].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.errors import DataError
from plan_monitor.sources.report_dates import report_dates, with_report_dates
from plan_monitor.spec.templates import REPORT_KEYS

if TYPE_CHECKING:  # pandas is imported where a comparison makes a frame: reading a version needs none
    import pandas as pd

Slice = tuple[str, str, int, date]  # table, county, year, as_of
State = dict[Slice, int]  # slice → id of the upload that owns it
CHANGE_LABELS = {"new": "新增", "changed": "修改", "unchanged": "未变", "removed": "删除"}
CHANGE_KINDS = tuple(CHANGE_LABELS)

# Beside the template columns every stored roster table has one more: true on a removal marker, the row a
# 整体替换 upload writes for a unit its file leaves out. A marker is read like a report of its 统计截至 whose
# content is "this unit is gone": the roster views leave out a unit whose latest report on or before the
# cut-off is a marker, so a removed unit never comes back from an earlier round of the year. Null or false
# on every real report (older version files have no such column and read as null).
REMOVED = "removed"


@dataclass(frozen=True)
class History:
    """The store's entries, oldest first, and the slice owners after the last one, read together."""

    entries: tuple[dict, ...] = ()
    owners: State = field(default_factory=dict)

    @classmethod
    def of(cls, entries: list[dict]) -> "History":
        return cls(tuple(entries), replay(entries) if entries else {})

    @property
    def head(self) -> int:
        return self.entries[-1]["id"] if self.entries else 0


def entry_slices(entry: dict) -> set[Slice]:
    """The slices an entry sets: an upload's scope (one table); a rollback's scope names the table per slice."""
    if entry["kind"] == "upload":
        return {(entry["table"], c, int(y), date.fromisoformat(d)) for c, y, d in entry["scope"]}
    return {(t, c, int(y), date.fromisoformat(d)) for t, c, y, d in entry["scope"]}


def replay(entries: list[dict] | tuple[dict, ...], at: int | None = None) -> State:
    """The state after entry `at` (default: the last; 0: the base files only)."""
    at = len(entries) if at is None else at
    if not 0 <= at <= len(entries):
        raise DataError(f"版本 {at} 不存在（最新版本为 {len(entries)}）", f"version {at} does not exist")
    states: list[State] = [{}]
    for entry in entries[:at]:
        if entry["kind"] == "upload":
            state = dict(states[-1])
            state.update(dict.fromkeys(entry_slices(entry), entry["id"]))
        else:
            state = dict(states[entry["rollback_to"]])
        states.append(state)
    return states[at]


def changed_slices(before: State, after: State) -> set[Slice]:
    """The slices whose owner differs between two states: what moving from one to the other rewrites."""
    return {s for s in before.keys() | after.keys() if before.get(s) != after.get(s)}


def is_marker(table: pa.Table) -> pa.Array:
    """True on a removal marker, false on a report (a table without the flag has no markers)."""
    if REMOVED not in table.column_names:
        return pa.array([False] * len(table), pa.bool_())
    return pc.fill_null(table[REMOVED], False)


def slice_keys(table: pa.Table) -> pa.Array:
    """One string per row naming its slice within a table (county|year|as_of, blank as_of read as 12-31)."""
    year = pc.cast(table["year"], pa.string())
    as_of = pc.cast(report_dates(table), pa.string())
    return pc.binary_join_element_wise(pc.fill_null(table["county"], ""), year, as_of, "|")


def covered_slices(table: pa.Table) -> set:
    """The distinct slice_keys of the rows (a null among them when a row names no slice), from their distinct
    (county, year, as_of): slice_keys is row by row, so only those few rows are written out."""
    keys = ["county", "year", "as_of"]
    distinct = table.select(keys).group_by(keys, use_threads=False).aggregate([]) if len(table) else table.select(keys)
    return set(pc.unique(slice_keys(distinct)).to_pylist())


def slice_key(county: str, year: int, as_of: date) -> str:
    return f"{county}|{year}|{as_of.isoformat()}"


def wanted_keys(table: str, slices: set[Slice] | None) -> set[str] | None:
    """The slice keys of one table among `slices` (None: every slice)."""
    return None if slices is None else {slice_key(c, y, d) for t, c, y, d in slices if t == table}


def slice_owners(state: State, table: str, slices: set[Slice] | None = None) -> dict[int, set[str]]:
    """Which version owns which slice keys of one table (limited to some slices): what a reader fetches from each
    version, whatever engine keeps its rows."""
    wanted = wanted_keys(table, slices)
    owners: dict[int, set[str]] = {}
    for (t, county, year, as_of), owner in state.items():
        key = slice_key(county, year, as_of)
        if t == table and (wanted is None or key in wanted):
            owners.setdefault(owner, set()).add(key)
    return owners


def in_slices(table: pa.Table, keys: set[str]) -> pa.Array:
    if not len(table) or not keys:
        return pa.array([False] * len(table), pa.bool_())
    return pc.fill_null(pc.is_in(slice_keys(table), value_set=pa.array(sorted(keys), pa.string())), False)


def overlay(current: pa.Table, rows: pa.Table) -> pa.Table:
    """The current rows with the slices `rows` cover replaced by `rows`: what committing them would show."""
    covered = covered_slices(rows)
    kept = current.filter(pc.invert(in_slices(current, covered)))
    if REMOVED not in rows.column_names:
        rows = rows.append_column(REMOVED, pa.array([False] * len(rows), pa.bool_()))
    return pa.concat_tables([kept, rows.select(kept.column_names).cast(kept.schema)])


def compare_rows(before: pa.Table, after: pa.Table, unit_keys: tuple[str, ...], detail: bool = True) -> pd.DataFrame:
    """Rows matched by unit, year and 统计截至 (blank read as 12-31): one line per unit with its status
    (new / changed / unchanged / removed) and, with `detail`, the (column, old, new) values that differ.

    The join and the comparison stay in Arrow (a 200,000-row upload compared in pandas held the rows several times
    over); only the keys, the status and the differing values of changed rows become Python objects. Lines come in
    key order, as pandas' outer merge gave them."""
    return _compared(before, after, unit_keys, detail)[0]


def _compared(before: pa.Table, after: pa.Table, unit_keys: tuple[str, ...], detail: bool = True,
              latest: bool = True, extra: pa.Table | None = None) -> tuple[pd.DataFrame, pa.Table, Coded | None]:
    """compare_rows, and its lines' keys (unit keys, year, as_of) as an Arrow table, line for line. latest=False:
    the rows already hold one row per unit and report (standing's do), so none is dropped. `extra`: more rows of
    those keys coded with the lines (Coded; None when the lines were not found by codes)."""
    keys = [*unit_keys, *REPORT_KEYS]
    if latest:
        old, new = _latest(_reports(before), keys), _latest(_reports(after), keys)
    else:
        old, new = _reports(before), _reports(after)
    values = [c for c in new.column_names if c not in keys]
    if old.schema != new.schema:  # a version file written before a column's type was settled
        old = old.select(new.column_names).cast(new.schema)
    outer = _outer_lines(old.select(keys), new.select(keys), keys, extra)
    both, coded = outer if outer is not None else (None, None)
    if both is None:
        left = old.select(keys).append_column("_old", pa.array(np.arange(len(old)), pa.int64()))
        right = new.select(keys).append_column("_new", pa.array(np.arange(len(new)), pa.int64()))
        both = left.join(right, keys, join_type="full outer", coalesce_keys=True)
        both = both.sort_by([(k, "ascending") for k in keys])
    i_old, i_new = both["_old"].combine_chunks(), both["_new"].combine_chunks()
    matched = pc.and_(pc.is_valid(i_old), pc.is_valid(i_new))
    pairs = pc.filter(pa.table({"o": i_old, "n": i_new}), matched)
    n = len(both)
    changed = np.zeros(n, dtype=bool)
    at = np.flatnonzero(matched.to_numpy(zero_copy_only=False))  # the matched lines, in line order
    diffs: list[list | None] = [None] * n if detail else []  # a list only on a changed line
    for col in values:
        a = old[col].take(pairs["o"]).combine_chunks()
        b = new[col].take(pairs["n"]).combine_chunks()
        if pa.types.is_null(a.type):  # a column blank on both sides (typed null when read without a schema)
            continue
        same = pc.or_kleene(pc.fill_null(pc.equal(a, b), False), pc.and_(pc.is_null(a), pc.is_null(b)))
        differ = np.flatnonzero(~same.to_numpy(zero_copy_only=False))
        if not len(differ):
            continue
        changed[at[differ]] = True
        if detail:
            olds, news = a.take(pa.array(differ)).to_pylist(), b.take(pa.array(differ)).to_pylist()
            for j, o, v in zip(at[differ].tolist(), olds, news):
                if diffs[j] is None:
                    diffs[j] = []
                diffs[j].append((col, o, v))
    gone = pc.is_null(i_new).to_numpy(zero_copy_only=False)
    added = pc.is_null(i_old).to_numpy(zero_copy_only=False)
    # each line's status as an index into the four names: the frame gets one shared str per status, not 200,000
    status = _STATUS[np.where(changed, 3, np.where(gone, 2, np.where(added, 1, 0)))]
    lines = both.select(keys)
    out = lines.to_pandas(types_mapper=pandas_types().get)
    out.insert(0, "status", status)
    if detail:
        out["changes"] = diffs
    return out.reset_index(drop=True), lines, coded


@dataclass(frozen=True)
class Coded:
    """The lines' keys and some other rows' keys as integers of one coding (group_codes, ordered): equal exactly
    when the keys are, so the other rows are matched to the lines without coding the lines' keys again."""

    lines: np.ndarray
    extra: np.ndarray


_STATUS = np.array(["unchanged", "new", "removed", "changed"], dtype=object)


def _outer_lines(left: pa.Table, right: pa.Table, keys: list[str],
                 extra: pa.Table | None = None) -> tuple[pa.Table, Coded | None] | None:
    """The full outer join of two tables' keys, each row's keys distinct on its side, in key order: the keys, and
    each line's row on the left (_old) and on the right (_new), null on the side without it. A row with a null key
    part matches nothing (as in a join). The keys as one integer per row (group_codes, ordered): a sorted search
    matches them and one sort orders the lines. None when the codes are not made for a key type. `extra`: rows of
    the same keys coded in the same pass (their values only widen each key's dictionary: the lines' codes keep
    their order and equalities), returned with the lines' codes."""
    both = pa.concat_tables([left, right.cast(left.schema)])
    if not len(both):
        return None
    coded = both if extra is None or not len(extra) else pa.concat_tables([both, extra.cast(left.schema)])
    codes = group_codes(coded, keys, ordered=True)
    if codes is None:
        return None
    codes, extra_codes = codes[:len(both)], codes[len(both):]
    n_left = len(left)
    whole = np.ones(len(both), bool)  # no null key part
    for key in keys:
        whole &= pc.is_valid(both[key]).to_numpy(zero_copy_only=False)
    left_codes, right_codes = codes[:n_left], codes[n_left:]
    right_at = np.flatnonzero(whole[n_left:])
    order = right_at[np.argsort(right_codes[right_at], kind="stable")]
    ordered = right_codes[order]
    if len(ordered):
        spot = np.minimum(np.searchsorted(ordered, left_codes), len(ordered) - 1)
        partner = np.where(whole[:n_left] & (ordered[spot] == left_codes), order[spot], -1)
    else:
        partner = np.full(n_left, -1, np.int64)
    alone = np.ones(len(right), bool)
    alone[partner[partner >= 0]] = False
    right_alone = np.flatnonzero(alone)
    # every left row (with its partner or none), then the right rows without a partner; in key order, the left
    # before the right where keys with a null part are equal
    i_old = np.concatenate([np.arange(n_left), np.full(len(right_alone), -1)])
    i_new = np.concatenate([partner, right_alone])
    rows = np.where(i_old >= 0, i_old, n_left + i_new)
    line_order = np.argsort(codes[rows], kind="stable")
    i_old, i_new, rows = i_old[line_order], i_new[line_order], rows[line_order]
    lines = both.take(pa.array(rows, pa.int64()))
    lines = lines.append_column("_old", pa.array(i_old, pa.int64(), mask=i_old < 0)).append_column(
        "_new", pa.array(i_new, pa.int64(), mask=i_new < 0))
    return lines, (Coded(codes[rows], extra_codes) if coded is not both else None)


def _latest(table: pa.Table, keys: list[str]) -> pa.Table:
    """A unit reported twice in one slice counts once, its last row, as the queries' latest-report rule picks one."""
    table = with_report_dates(table)
    if not len(table):
        return table
    return table.take(last_rows(table, keys))


def last_rows(table: pa.Table, keys: list[str]) -> pa.Array:
    """Positions of each key's last row, in row order (pandas' drop_duplicates(keep="last"), by a group-by in
    Arrow; null keys group together as there)."""
    codes = group_codes(table, keys)
    if codes is not None:  # each row's group as one integer: a stable sort finds the last row of each
        order = np.argsort(codes, kind="stable")
        ordered = codes[order]
        last = np.ones(len(ordered), bool)
        last[:-1] = ordered[1:] != ordered[:-1]
        return pa.array(np.sort(order[last]), pa.int64())
    order = pa.array(np.arange(len(table)), pa.int64())
    last = table.select(keys).append_column("_i", order).group_by(keys, use_threads=False).aggregate([("_i", "max")])
    positions = last["_i_max"].combine_chunks()
    return pc.take(positions, pc.sort_indices(positions))


def group_codes(table: pa.Table, keys: list[str], ordered: bool = False) -> np.ndarray | None:
    """One int64 per row, equal exactly when the rows' keys are (a null equal to a null, as a group-by has it), from
    each key's dictionary codes; None for a key type the codes are not made for (floats: NaN), or no rows.
    ordered: the codes also sort as the keys do (Table.sort_by ascending: key by key, a null after every value)."""
    if not len(table):
        return None
    codes, size = np.zeros(len(table), np.int64), 1
    for key in keys:
        column = table[key]
        kind = column.type
        if not (pa.types.is_string(kind) or pa.types.is_integer(kind) or pa.types.is_date(kind)
                or pa.types.is_boolean(kind)):
            return None
        column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        encoded = pc.dictionary_encode(column, null_encoding="encode")
        n = max(len(encoded.dictionary), 1)
        if size * n >= 2**62:  # renumber the groups so far from 0 before they overflow
            _, codes = np.unique(codes, return_inverse=True)
            size = int(codes.max()) + 1
        indices = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        if ordered:  # each dictionary entry's place among the sorted entries
            rank = np.empty(len(encoded.dictionary), np.int64)
            rank[pc.sort_indices(encoded.dictionary).to_numpy()] = np.arange(len(rank))
            indices = rank[indices]
        codes = codes * n + indices
        size *= n
    return codes


def _reports(table: pa.Table) -> pa.Table:
    if REMOVED not in table.column_names:
        return table
    marker = is_marker(table)
    if not pc.any(marker).as_py():  # no marker (the usual table): no copy of every row
        return table.drop_columns([REMOVED])
    return table.filter(pc.invert(marker)).drop_columns([REMOVED])


def standing(rows: pa.Table, rounds: set[tuple[str, int, date]], unit_keys: tuple[str, ...]) -> pa.Table:
    """Each round's roster of a county as the views read it at that 统计截至: for every unit of the county and
    year, its latest report on or before the round (a unit whose latest is a removal marker is gone), re-dated
    to the round. `rounds` are (county, year, as_of); the result has the rows' columns, markers left out."""
    rows = with_report_dates(rows)
    if not rounds or not len(rows):
        return _reports(rows.slice(0, 0))
    wanted = pa.table({"county": [c for c, _, _ in rounds], "year": pa.array([y for _, y, _ in rounds], pa.int64()),
                       "_round": pa.array([d for _, _, d in rounds], pa.date32())})
    if pa.types.is_integer(rows.schema.field("year").type):
        fast = _standing_one_round(rows, rounds, unit_keys)
        if fast is not None:
            return fast
    typed = rows.set_column(rows.column_names.index("year"), "year", pc.cast(rows["year"], pa.int64()))
    # every row joined to each round of its county and year it is not later than
    joined = typed.append_column("_order", pa.array(np.arange(len(typed)), pa.int64())).join(
        wanted, ["county", "year"], join_type="inner")
    joined = joined.filter(pc.less_equal(joined["as_of"], joined["_round"]))
    if not len(joined):
        return _reports(rows.slice(0, 0))
    # the latest per unit and round: stable sort by date, then the file order within a date, keep the last
    joined = joined.sort_by([("_round", "ascending"), ("as_of", "ascending"), ("_order", "ascending")])
    latest = joined.take(last_rows(joined, [*unit_keys, "_round"]))
    latest = latest.filter(pc.invert(is_marker(latest)))
    latest = latest.set_column(latest.column_names.index("as_of"), "as_of", latest["_round"])
    latest = latest.set_column(latest.column_names.index("year"), "year", pc.cast(latest["year"], rows.schema.field("year").type))
    return _reports(latest.select(rows.column_names))


_NO_ROUND = np.iinfo(np.int64).min


def _standing_one_round(rows: pa.Table, rounds: set[tuple[str, int, date]],
                        unit_keys: tuple[str, ...]) -> pa.Table | None:
    """standing when each (county, year) has one round (an upload of one 统计截至 per county): a row meets at most
    that round, so the join is a filter; the sort, the latest row per unit and the markers are found on row
    positions, and the rows are copied once, at the end. The same rows in the same order as the join; None when
    some (county, year) has several rounds, or for key types the positions are not found for."""
    by_pair: dict[tuple[str, int], date] = {}
    for county, year, as_of in rounds:
        if county is None or year is None or as_of is None:  # matches no row (a null key part joins nothing)
            continue
        if (county, year) in by_pair:
            return None
        by_pair[(county, year)] = as_of
    if not by_pair or not (pa.types.is_string(rows.schema.field("county").type)
                           and rows.schema.field("as_of").type == pa.date32()):
        return None
    # each row's round as days since 1970 (_NO_ROUND: none), by a grid of county code × year
    county = pc.dictionary_encode(rows["county"].combine_chunks())
    where = {name: i for i, name in enumerate(county.dictionary.to_pylist())}
    years = np.array(sorted({y for _, y in by_pair}), np.int64)
    grid = np.full((max(len(where), 1), len(years)), _NO_ROUND, np.int64)
    epoch = date(1970, 1, 1)
    for (name, year), as_of in by_pair.items():
        if name in where:
            grid[where[name], int(np.searchsorted(years, year))] = (as_of - epoch).days
    year = pc.cast(rows["year"], pa.int64()).combine_chunks()
    as_of = rows["as_of"].combine_chunks()
    valid = pc.and_(pc.and_(pc.is_valid(county.indices), pc.is_valid(year)), pc.is_valid(as_of))
    y = pc.fill_null(year, 0).to_numpy(zero_copy_only=False)
    slot = np.minimum(np.searchsorted(years, y), len(years) - 1)
    c = pc.fill_null(county.indices, 0).to_numpy(zero_copy_only=False).astype(np.int64)
    round_days = np.where(valid.to_numpy(zero_copy_only=False) & (years[slot] == y), grid[c, slot], _NO_ROUND)
    days = pc.fill_null(pc.cast(as_of, pa.int32()), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    at = np.flatnonzero((round_days != _NO_ROUND) & (days <= round_days))
    if not len(at):
        return _reports(rows.slice(0, 0))
    # the join's sort: by round, then date, then file order
    order = np.lexsort((at, days[at], round_days[at]))
    at, their_round = at[order], round_days[at][order]
    dates = pc.cast(pa.array(their_round.astype(np.int32), pa.int32()), pa.date32())
    keyed = rows.select(list(unit_keys)).take(pa.array(at, pa.int64())).append_column("_round", dates)
    last = last_rows(keyed, [*unit_keys, "_round"])
    latest = rows.take(pa.array(at, pa.int64()).take(last))
    their_round = dates.take(last)
    marker = is_marker(latest)
    if pc.any(marker).as_py():  # else every latest row is a report: no copy
        report = pc.invert(marker)
        latest, their_round = latest.filter(report), their_round.filter(report)
    latest = latest.set_column(latest.column_names.index("as_of"), "as_of", their_round)
    return _reports(latest)


def compare_slices(before: pa.Table, after: pa.Table, slices: set[tuple[str, int, date]],
                   unit_keys: tuple[str, ...], detail: bool = True) -> pd.DataFrame:
    """compare_rows on each slice's whole roster as of its round (standing): what the preview, a version's
    counts, its diff and a rollback's counts all compare, so a unit carried from an earlier round and left
    alone reads 未变, and a unit a removal marker hides reads 删除."""
    return compare_slices_keyed(before, after, slices, unit_keys, detail)[0]


def compare_slices_keyed(before: pa.Table, after: pa.Table, slices: set[tuple[str, int, date]],
                         unit_keys: tuple[str, ...], detail: bool = True,
                         standing_before: pa.Table | None = None) -> tuple[pd.DataFrame, pa.Table]:
    """compare_slices, and its lines' keys (unit keys, year, as_of) as an Arrow table, line for line. standing
    holds one row per unit and round, so compare_rows' latest-row pass (a group-by over every row) is skipped.
    `standing_before`: standing(before, slices, unit_keys) when the caller has it already (an upload's resolution
    made it), so it is not made twice."""
    return compare_slices_coded(before, after, slices, unit_keys, detail, standing_before)[:2]


def compare_slices_coded(before: pa.Table, after: pa.Table, slices: set[tuple[str, int, date]],
                         unit_keys: tuple[str, ...], detail: bool = True, standing_before: pa.Table | None = None,
                         extra: pa.Table | None = None) -> tuple[pd.DataFrame, pa.Table, Coded | None]:
    """compare_slices_keyed, and `extra` (rows of the lines' keys: an upload's file rows) coded with the lines'
    keys in one pass, so a caller matching them to the lines does not code the 200,000 keys again."""
    if standing_before is None:
        standing_before = standing(before, slices, unit_keys)
    return _compared(standing_before, standing(after, slices, unit_keys), unit_keys, detail, latest=False,
                     extra=extra)


# Arrow → pandas for compared keys: one mapping, so frames merged on these keys keep Arrow-backed strings (a merge
# of two string dtypes that differ falls back to Python objects, three times the memory)
@lru_cache(maxsize=1)
def pandas_types() -> dict:
    import pandas as pd

    return {pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype(),
            pa.string(): pd.StringDtype()}


def change_counts(compared: pd.DataFrame) -> dict[str, int]:
    counts = compared["status"].value_counts()
    return {kind: int(counts.get(kind, 0)) for kind in CHANGE_KINDS}
