"""The scorecard's rows with their figures, on whole columns: every indicator × level × place × year (the baseline
year included) with actual, baseline, target, gap, completion, the round each is judged at and the missing notes,
already in the scorecard's order, and each row's place numbered.

What queries/engine/scorecard.sql computed before issue 17's third computation session, the same rules and the
same values to the last bit (tests/metrics/test_compute_paths.py runs that statement beside this on the demo
city's rows, with rounds, prefectures and quotas). It ran ~10 joins over the roll-up's ~700k rows nationally (the
baseline a self-join on four keys, two of them texts compared null-safe), ~1.3 s of CPU, and handed back texts
that were then taken again into the scorecard's order. Here each text column (county, town) is replaced once by
its rank among its distinct texts; the places, their order and the baseline year's figure are looked up on those
integers (a place × year grid, as metrics/scorecard.py `_classify` does for the trajectories); the small tables
(targets, quotas, indicator attributes) are indexed by position, and texts are made only at the end, each from
its dictionary.

Rules (as scorecard.sql had them):
- places: the roll-up's rows at the levels each indicator is shown at, and every gazetteer place (the region,
  prefectures, counties) × year (the baseline year and the plan's) that sent nothing, without figures;
- actual: no figure when no unit reported the value (den 0 with units missing); num / den for shares and ratios
  (none for den 0), else num;
- target: a multiple's the baseline × the year's target; a share's or ratio's and the region's the year's target;
  a zero threshold ("every unit meets it") 0 everywhere; a county's or prefecture's its quota (issued or split);
  target_note says why there is none, target_source where it comes from;
- gap (direction-aware), completion (a threshold: the share of units meeting it); with a round, carried_from on a
  county's or town's row whose report is older, and on the region's row the counties whose newest report of the
  year is of the round (counties_reported) or older (counties_carried);
- a sum with members missing (count, multiple, threshold) is partial in plan years: no gap or completion, and a
  missing note (未填报 / 不含 N 个县（未填报）).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# The Arrow memory the card's columns are made in (here and in metrics/scorecard.py _classify): the system
# allocator's. pyarrow's default (mimalloc) hands large freed buffers back to the OS soon, so in a fresh process
# nearly every column of ~700k rows was made in new pages the kernel had to clear: ~0.5 s of CPU (system time)
# nationally, against ~0.15 s with this pool, which keeps freed memory for the next buffers.
POOL = pa.system_memory_pool()
LEVELS = ("city", "prefecture", "county", "town")  # the scorecard's order of levels (its rank: the position here)
CITY, PREFECTURE, COUNTY, TOWN = range(4)
NOTES = ("no_year_target", "no_baseline", "no_split_base", "no_quota")
SOURCES = ("plan", "city", "issued", "split")
SHARE_KINDS = ("share", "ratio")
COUNT_KINDS = ("count", "threshold")  # kinds split among the counties by quota


def card_rows(tables: Mapping[str, pa.Table], rolled: pa.Table, measure_rows: pa.Table, rounds: Mapping[int, date],
              baseline_year: int, plan_start: int) -> tuple[pa.Table, np.ndarray]:
    """The card's rows (the columns scorecard.sql gave, in its types, but texts as large_string, what the frame's
    str columns hold, and a missing number NaN, as in the frame, not null) in the scorecard's order, and each row's place (indicator × level × county × town) numbered in
    that order.

    tables: indicator_meta (indicator_id, position, kind, direction, noun, query; in the plan's order), indicator_defs
    (indicator_id, levels), plan_targets, quotas, places and years, as metrics/scorecard.py builds them; rolled:
    the roll-up (rollup.sql, with rollup_prefecture.sql's rows); measure_rows: the measures' rows (counted for the
    rounds only)."""
    meta, defs = tables["indicator_meta"], tables["indicator_defs"]
    ids = meta["indicator_id"].combine_chunks()
    n_ind = len(ids)
    if defs["indicator_id"].to_pylist() != ids.to_pylist():
        raise ValueError("indicator_defs and indicator_meta must list the plan's indicators in the same order")
    shown = np.zeros((max(n_ind, 1), len(LEVELS)), dtype=bool)  # indicator × level: shown at that level
    for i, levels in enumerate(defs["levels"].to_pylist()):
        for level in levels:
            if level in LEVELS:
                shown[i, LEVELS.index(level)] = True

    # The roll-up's rows at their indicator's levels (rows of an unknown indicator or level have none).
    r_pos, r_level = _codes(rolled["indicator_id"], ids), _codes(rolled["level"], pa.array(LEVELS))
    known = (r_pos >= 0) & (r_level >= 0)
    listed = np.flatnonzero(known & shown[np.where(known, r_pos, 0), np.where(known, r_level, 0)])

    # Gazetteer places × years, each once (places at the levels an indicator is shown at).
    places = tables["places"]
    p_level = _codes(places["level"], pa.array(LEVELS))
    years = np.unique(np.asarray(tables["years"]["year"].to_numpy(zero_copy_only=False), dtype=np.int64))

    # Texts ranked once over every column that names a county (the roll-up's, the gazetteer's, the quotas'): one
    # integer per text, in the byte order DuckDB sorted them in (missing: 0, first).
    quotas = tables["quotas"]
    county_rank = _text_ranks(pa.chunked_array(
        [*_chunks(rolled["county"]), *_chunks(places["county"]), *_chunks(quotas["county"])], pa.string()))
    n_rolled, n_places = rolled.num_rows, places.num_rows
    r_county, p_county, q_county = np.split(county_rank, [n_rolled, n_rolled + n_places])
    town_rank = _text_ranks(pa.chunked_array([*_chunks(rolled["town"]), *_chunks(places["town"])], pa.string()))
    r_town, p_town = town_rank[:n_rolled], town_rank[n_rolled:]

    check_grain(meta["query"].to_pylist(), r_pos, r_level == TOWN,
                np.asarray(rolled["year"].to_numpy(zero_copy_only=False), np.int64), r_county, r_town)

    g_ind, g_place = np.nonzero(shown[:n_ind][:, np.where(p_level >= 0, p_level, 0)] & (p_level >= 0))
    g_ind, g_place = np.repeat(g_ind, len(years)), np.repeat(g_place, len(years))
    g_year = np.tile(years, len(g_ind) // len(years)) if len(years) else np.empty(0, np.int64)

    position = np.concatenate([r_pos[listed], g_ind]).astype(np.int64)
    level = np.concatenate([r_level[listed], p_level[g_place]]).astype(np.int64)
    county = np.concatenate([r_county[listed], p_county[g_place]])
    town = np.concatenate([r_town[listed], p_town[g_place]])
    year = np.concatenate([np.asarray(rolled["year"].to_numpy(zero_copy_only=False), np.int64)[listed], g_year])
    y0 = int(min(year.min(), baseline_year)) if len(year) else baseline_year
    year_key = year - y0
    place_key = _lexicographic([position, level, county, town])
    key = _lexicographic([place_key, year_key])  # one per place and year (ordered, not yet numbered)
    n_listed = len(listed)
    listed_keys = np.sort(key[:n_listed])
    if (listed_keys[1:] == listed_keys[:-1]).any():
        raise ValueError("the roll-up has more than one row for an indicator × level × place × year")
    # a gazetteer place × year once, and only where the roll-up has no row for it (the gazetteer rows come last)
    g_keys = key[n_listed:]
    _, first = np.unique(g_keys, return_index=True)
    extra = np.zeros(len(g_keys), dtype=bool)
    extra[first] = True
    if len(listed_keys):  # (np.isin against the ~700k listed keys took 0.2 s nationally; they are sorted)
        slot = np.minimum(np.searchsorted(listed_keys, g_keys), len(listed_keys) - 1)
        extra &= listed_keys[slot] != g_keys
    keep = np.concatenate([np.ones(n_listed, dtype=bool), extra])
    position, level, county, town, year, year_key, place_key = (
        a[keep] for a in (position, level, county, town, year, year_key, place_key))

    # The scorecard's order (the plan's order of indicators, year, level, county, town), as _order had it.
    place = np.unique(place_key, return_inverse=True)[1].reshape(-1)
    order = np.argsort(_lexicographic([position, year_key, place]), kind="stable")
    source = np.concatenate([listed, np.full(int(extra.sum()), -1)])[order]  # the roll-up's row, -1: gazetteer
    position, level, county, town, year, place = (a[order] for a in (position, level, county, town, year, place))
    n = len(order)
    from_rolled = source >= 0
    at = np.where(from_rolled, source, 0)

    def rolled_floats(name: str) -> np.ndarray:
        values = _floats(rolled[name])[at]
        values[~from_rolled] = np.nan
        return values

    num, den, units_missing = rolled_floats("num"), rolled_floats("den"), rolled_floats("missing_units")
    counties_missing = np.asarray(pc.fill_null(rolled["missing_counties"], 0).to_numpy(zero_copy_only=False),
                                  np.int64)[at]
    counties_missing[~from_rolled] = 0
    as_of = _days(rolled["as_of"])[at]
    as_of[~from_rolled] = np.datetime64("NaT")
    units_missing = np.where(np.isnan(units_missing), 0.0, units_missing)

    def attribute(name: str, values: tuple[str, ...]) -> np.ndarray:
        """Rows whose indicator's attribute is one of the values (looked up per indicator)."""
        return np.array([v in values for v in meta[name].to_pylist()] or [False], dtype=bool)[position]

    share, multiple, threshold = (attribute("kind", k) for k in (SHARE_KINDS, ("multiple",), ("threshold",)))
    counted, higher = attribute("kind", COUNT_KINDS), attribute("direction", ("higher",))
    sum_kind = np.array(meta["sum_kind"].to_pylist() or [False], dtype=bool)[position]

    with np.errstate(invalid="ignore", divide="ignore"):
        actual = np.where(share, num / np.where(den == 0, np.nan, den), num)
    actual[(den == 0) & (units_missing > 0)] = np.nan  # no unit reported the value: no figure, not 0

    # The baseline year's figure of the same place (the place × year grid's baseline column).
    of_place = np.full(int(place.max()) + 1 if n else 0, np.nan)
    base_rows = year == baseline_year
    of_place[place[base_rows]] = actual[base_rows]
    baseline = of_place[place]

    # The year's target (plan_targets), by indicator position and year.
    targets = tables["plan_targets"]
    t_pos = _codes(targets["indicator_id"], ids)
    t_year = np.asarray(targets["year"].to_numpy(zero_copy_only=False), np.int64) - y0
    span = int(max(year_key.max() if n else 0, t_year.max() if len(t_year) else 0)) + 1
    year_target = np.full((max(n_ind, 1), span), np.nan)
    ok = (t_pos >= 0) & (t_year >= 0)
    year_target[t_pos[ok], t_year[ok]] = _floats(targets["target"])[ok]
    has_target = np.zeros_like(year_target, dtype=bool)
    has_target[t_pos[ok], t_year[ok]] = pc.is_valid(targets["target"]).to_numpy(zero_copy_only=False)[ok]
    year_key = year - y0
    target_of_year, has_year_target = year_target[position, year_key], has_target[position, year_key]

    # County and prefecture quotas: indicator × year × county × level (only these two levels have any).
    q_pos, q_level = _codes(quotas["indicator_id"], ids), _codes(quotas["level"], pa.array(LEVELS))
    q_year = np.asarray(quotas["year"].to_numpy(zero_copy_only=False), np.int64) - y0
    q_ok = (q_pos >= 0) & (q_level >= 0) & (q_county > 0) & (q_year >= 0) & (q_year < span)
    width = [n_ind, span, int(county_rank.max(initial=0)) + 1, len(LEVELS)]
    q_key = _flat([q_pos, q_year, q_county, q_level], width)[q_ok]
    q_order = np.argsort(q_key, kind="stable")
    q_sorted = q_key[q_order]
    if (q_sorted[1:] == q_sorted[:-1]).any():
        raise ValueError("quotas: more than one row for an indicator × year × county × level")
    wanted = ((level == COUNTY) | (level == PREFECTURE)) & (county > 0)
    row_key = _flat([position, year_key, county, level], width)
    slot = np.minimum(np.searchsorted(q_sorted, row_key), max(len(q_sorted) - 1, 0))
    matched = wanted & (len(q_sorted) > 0) & (q_sorted[slot] == row_key if len(q_sorted) else False)
    q_row = np.flatnonzero(q_ok)[q_order][slot] if len(q_sorted) else np.zeros(n, dtype=np.int64)
    quota = np.where(matched, _floats(quotas["quota"])[q_row] if len(q_sorted) else np.nan, np.nan)
    q_source = _codes(quotas["source"], pa.array(SOURCES))
    quota_source = np.where(matched, q_source[q_row] if len(q_sorted) else -1, -1)

    everywhere = has_year_target & threshold & (target_of_year == 0)  # a zero threshold applies to every place
    city = level == CITY
    target = np.select([multiple, share, city, everywhere, (level == COUNTY) | (level == PREFECTURE)],
                       [baseline * target_of_year, target_of_year, target_of_year, 0.0, quota], np.nan)
    note = np.select(
        [~has_year_target, multiple & np.isnan(baseline), counted & ~city & ~everywhere & np.isnan(quota)],
        [NOTES.index("no_year_target"), NOTES.index("no_baseline"),
         np.where(quota_source == SOURCES.index("split"), NOTES.index("no_split_base"), NOTES.index("no_quota"))],
        -1)
    from_quota = counted & ~np.isnan(quota)
    target_source = np.select(
        [np.isnan(target), city, everywhere, from_quota],
        [-1, SOURCES.index("plan"), SOURCES.index("city"), quota_source], SOURCES.index("city"))
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = np.where(higher, target - actual, actual - target)
        completion = np.select(
            [np.isnan(target) | np.isnan(actual), threshold, higher],
            [np.nan, (den - num) / np.where(den == 0, np.nan, den), actual / np.where(target == 0, np.nan, target)],
            target / np.where(actual == 0, np.nan, actual))

    in_plan = year >= plan_start
    incomplete = units_missing > 0
    partial = in_plan & incomplete & sum_kind  # a partial sum: no gap or completion in plan years
    gap[partial], completion[partial] = np.nan, np.nan

    # Rounds: the date each year is judged at; carried_from where a county's or town's report is older.
    round_day = np.full(span, np.datetime64("NaT"), dtype="datetime64[D]")
    for y, day in rounds.items():
        if 0 <= y - y0 < span:
            round_day[y - y0] = np.datetime64(day, "D")
    judged = round_day[year_key]
    has_round = ~np.isnat(judged)
    carried_from = np.where(((level == COUNTY) | (level == TOWN)) & (as_of < judged), as_of, np.datetime64("NaT"))
    reported, carried = _round_counts(measure_rows, ids, rounds, position, year, city & has_round)

    noun = np.asarray(meta["noun"].to_pylist(), dtype=object)
    missing_note = _missing_notes(noun, position, in_plan & incomplete, np.isnan(actual), units_missing,
                                  counties_missing)

    county_text = _decode(pa.chunked_array([*_chunks(rolled["county"]), *_chunks(places["county"]),
                                            *_chunks(quotas["county"])], pa.string()), county_rank, county)
    town_text = _decode(pa.chunked_array([*_chunks(rolled["town"]), *_chunks(places["town"])], pa.string()),
                        town_rank, town)
    table = pa.table({
        "position": pa.array(position, pa.int32()), "level_rank": pa.array(level, pa.int32()),
        "county": county_text, "town": town_text, "year": pa.array(year, pa.int32()),
        "as_of": _dates(as_of), "num": pa.array(num), "den": pa.array(den),
        "missing_units": pa.array(units_missing), "missing_counties": pa.array(counties_missing, pa.int64()),
        "baseline": pa.array(baseline), "actual": pa.array(actual), "target": pa.array(target),
        "target_note": _labels(note, NOTES), "target_source": _labels(target_source, SOURCES),
        "gap": pa.array(gap), "completion": pa.array(completion), "round": _dates(judged),
        "carried_from": _dates(carried_from), "counties_reported": reported, "counties_carried": carried,
        "missing_note": missing_note, "partial_sum": pa.array(partial, pa.bool_()),
    })
    return table, place


def check_grain(queries: list[str], position: np.ndarray, is_town: np.ndarray, year: np.ndarray,
                county: np.ndarray, town: np.ndarray) -> None:
    """Each measure's rows with a town are one per year × county × town (ValueError naming the first query that
    returned more). rollup.sql takes a town's measure row as it is, so the roll-up's town rows are the measures' rows
    with a town, one for one: checked on them, on the ranks card_rows makes of the texts anyway (checking each
    measure's rows on texts of their own took ~0.17 s of CPU nationally). position: the row's indicator (its query
    in `queries`), county and town: ranks of the texts (0: missing)."""
    rows = np.flatnonzero(is_town)
    if not len(rows):
        return
    year = year[rows] - year[rows].min()
    keys = _lexicographic([np.maximum(position[rows], 0), year, county[rows], town[rows]])
    order = np.argsort(keys, kind="stable")
    repeated = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    if len(repeated):
        query = queries[int(position[rows[order[repeated[0]]]])]
        raise ValueError(f"度量 queries/measures/{query}.sql 对同一 年度 × 县 × 乡镇 返回了多行 / "
                         f"measure {query} returned more than one row for a year × county × town")


def _round_counts(measure_rows: pa.Table, ids: pa.Array, rounds: Mapping[int, date], position: np.ndarray,
                  year: np.ndarray, wanted: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """On the region's rows of a year with a round (`wanted`): how many counties' newest report of the year (their
    measure rows' latest as_of, per indicator) is of the round or newer, and how many are older; null elsewhere."""
    reported, carried = np.zeros(len(position), np.int64), np.zeros(len(position), np.int64)
    if rounds and wanted.any():
        rows = measure_rows.filter(pc.and_(pc.is_valid(measure_rows["county"]),
                                           pc.is_in(measure_rows["year"], pa.array(list(rounds), pa.int32()))))
        newest = rows.group_by(["indicator_id", "year", "county"]).aggregate([("as_of", "max")])
        day = _days(newest["as_of_max"])
        n_year = np.asarray(newest["year"].to_numpy(zero_copy_only=False), np.int64)
        of_round = np.array([np.datetime64(rounds[y], "D") for y in n_year.tolist()], dtype="datetime64[D]")
        n_pos = _codes(newest["indicator_id"], ids)
        counts = {}
        for name, hit in (("reported", day >= of_round), ("carried", day < of_round)):
            keys = list(zip(n_pos[hit].tolist(), n_year[hit].tolist()))
            counts[name] = {}
            for k in keys:
                counts[name][k] = counts[name].get(k, 0) + 1
        at = np.flatnonzero(wanted)
        for out, name in ((reported, "reported"), (carried, "carried")):
            out[at] = [counts[name].get(k, 0) for k in zip(position[at].tolist(), year[at].tolist())]
    return pa.array(reported, mask=~wanted, memory_pool=POOL), pa.array(carried, mask=~wanted, memory_pool=POOL)


def _missing_notes(noun: np.ndarray, position: np.ndarray, noted: np.ndarray, no_actual: np.ndarray,
                   units_missing: np.ndarray, counties_missing: np.ndarray) -> pa.Array:
    """未填报 where a noted row has no figure, else 不含 N 个<noun>（未填报）: N counties for a county-level roster,
    else the units, truncated to a whole number; each distinct note made once, then taken."""
    index = np.full(len(position), -1, dtype=np.int64)
    index[noted & no_actual] = 0
    rows = np.flatnonzero(noted & ~no_actual)
    by_county = (noun == "县")[position[rows]]
    counts = np.trunc(np.where(by_county, counties_missing[rows].astype(float), units_missing[rows])).astype(np.int64)
    low = int(counts.min()) if len(counts) else 0
    keys = position[rows] * (int(counts.max()) - low + 1 if len(counts) else 1) + (counts - low)
    distinct, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    texts = ["未填报"] + [f"不含 {int(counts[i])} 个{noun[position[rows[i]]]}（未填报）" for i in first.tolist()]
    index[rows] = inverse.reshape(-1) + 1
    return pc.take(pa.array(texts, pa.large_string()), pa.array(index, mask=index < 0), memory_pool=POOL)


def _codes(column: pa.ChunkedArray | pa.Array, values: pa.Array) -> np.ndarray:
    """Each value's index in `values`, -1 where it is not one of them (or missing)."""
    found = pc.index_in(column, value_set=values)
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), np.int64)


def _chunks(column: pa.ChunkedArray | pa.Array) -> list[pa.Array]:
    column = column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
    return [c.cast(pa.string()) for c in column.chunks] or [pa.array([], pa.string())]


def _text_ranks(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Each value's rank among the column's distinct texts in byte order (1, 2, …; as DuckDB's ORDER BY compared
    them), 0 where missing (first). The chunks are encoded as they are (one dictionary for all of them): putting
    them together first copied every text again."""
    encoded = _encoded(column)
    dictionary = encoded.chunk(encoded.num_chunks - 1).dictionary if encoded.num_chunks else pa.array([], pa.string())
    ranks = np.zeros(len(dictionary) + 1, dtype=np.int64)  # the last one: missing (index -1)
    ranks[pc.sort_indices(dictionary).to_numpy()] = np.arange(1, len(dictionary) + 1)
    indices = [np.asarray(pc.fill_null(chunk.indices, -1).to_numpy(zero_copy_only=False), np.int64)
               for chunk in encoded.chunks]
    return ranks[np.concatenate(indices)] if indices else np.zeros(0, dtype=np.int64)


def _encoded(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """The column dictionary-encoded, every chunk's indices into the last chunk's dictionary (Arrow encodes the
    chunks with one table of texts; put together first where their dictionaries differ)."""
    if isinstance(column, pa.Array):
        column = pa.chunked_array([column])
    encoded = pc.dictionary_encode(column)
    if encoded.num_chunks > 1 and len({len(chunk.dictionary) for chunk in encoded.chunks}) > 1:
        encoded = pa.chunked_array([pc.dictionary_encode(column.combine_chunks())])
    return encoded


def _decode(column: pa.ChunkedArray, ranks: np.ndarray, wanted: np.ndarray) -> pa.Array:
    """The texts of the ranks `wanted` (0: missing), from the column the ranks were made of."""
    if not len(wanted):
        return pa.array([], pa.large_string())
    first = np.zeros(int(ranks.max(initial=0)) + 1, dtype=np.int64)
    first[ranks[::-1]] = np.arange(len(ranks))[::-1]  # a row holding each rank's text
    texts = column.take(pa.array(first)).combine_chunks().cast(pa.large_string())  # the distinct texts only
    return pc.take(texts, pa.array(wanted, mask=wanted == 0), memory_pool=POOL)


def _flat(keys: list[np.ndarray], widths: list[int]) -> np.ndarray:
    """Non-negative integer keys below their widths combined into one integer (mixed radix)."""
    out = np.zeros(len(keys[0]), dtype=np.int64)
    for key, width in zip(keys, widths):
        out = out * max(int(width), 1) + np.asarray(key, np.int64)
    return out


def _lexicographic(keys: list[np.ndarray], limit: int = 2 ** 62) -> np.ndarray:
    """One integer per row ordered as the rows' keys (non-negative integer columns) compared left to right: the
    keys combined as digits, the combination replaced by its dense rank whenever the next digit would pass
    `limit`."""
    combined = np.zeros(len(keys[0]) if keys else 0, dtype=np.int64)
    span = 1
    for key in keys:
        width = int(key.max()) + 1 if len(key) else 1
        if span * width > limit:
            combined = np.unique(combined, return_inverse=True)[1].reshape(-1).astype(np.int64)
            span = int(combined.max()) + 1 if len(combined) else 1
        combined = combined * width + key
        span *= width
    return combined


def _floats(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A float column as numpy, missing values as NaN (a new array)."""
    return np.array(column.to_numpy(zero_copy_only=False), dtype=float)


def _days(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A date column as numpy days, NaT where missing."""
    return np.asarray(pc.cast(column, pa.date32()).to_numpy(zero_copy_only=False), "datetime64[D]")


def _dates(values: np.ndarray) -> pa.Array:
    """Numpy days as a date column, missing where NaT."""
    return pa.array(values.astype("datetime64[D]"), pa.date32(), mask=np.isnat(values), memory_pool=POOL)


def _labels(codes: np.ndarray, keys: tuple[str, ...]) -> pa.Array:
    return pc.take(pa.array(keys, pa.large_string()), pa.array(codes, mask=codes < 0), memory_pool=POOL)
