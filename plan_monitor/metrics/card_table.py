"""The scorecard's rows as an Arrow table, for a reader that needs no pandas (the CLI's CSV from a persisted card,
metrics.persisted.read_rows): the CSV's columns and Scorecard.select's rows, the same as on the frame.

pyarrow imports pandas, when it is installed, the first time it turns a Python or numpy value into Arrow (pa.array,
pa.scalar, a plain value given to a compute function, Array.to_numpy): ~0.4 s of a cold process. So the arrays and
scalars such a reader needs are built from their buffers here (arrow_array, arrow_strings, arrow_text) and columns
read back into numpy the same way (numpy_values): the values pa.array and to_numpy give, without that import."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CSV_COLUMNS = ["indicator_id", "indicator", "unit", "level", "county", "town", "year",
               "actual", "target", "gap", "completion", "status", "pace", "round", "carried_from"]
_ARROW = {np.dtype(np.float64): pa.float64(), np.dtype(np.int64): pa.int64(), np.dtype(np.int32): pa.int32()}


def csv_column_names(names: Sequence[str]) -> list[str]:
    """The CSV columns of rows with these columns: CSV_COLUMNS, with prefecture (市（州）) after level in a plan with a
    prefecture level (rows with a prefecture column, see metrics.scorecard.with_prefectures)."""
    if "prefecture" not in names:
        return CSV_COLUMNS
    return CSV_COLUMNS[:4] + ["prefecture"] + CSV_COLUMNS[4:]


def select_table(rows: pa.Table, first_year: int, year: int | None = None, level: str | None = None) -> pa.Table:
    """Scorecard.select(year=…, level=…) on the rows as a table: plan years only (from `first_year`, the plan's
    first), of a year and a level (None: any), in the card's order. A missing year or level never matches."""
    years = numpy_values(rows["year"], pa.int64(), np.array([np.iinfo(np.int64).min]))
    keep = years >= first_year
    if year is not None:
        keep &= years == year
    if level is not None:
        same = pc.equal(rows["level"], arrow_text(level).cast(rows.schema.field("level").type))
        keep &= numpy_values(same, pa.int64(), np.array([0], np.int64)) == 1
    return kept(rows, keep)


def kept(rows: pa.Table, keep: np.ndarray, runs: int = 256) -> pa.Table:
    """The rows where `keep` holds, in order. A card's rows are ordered by indicator, year and level, so a selection
    is a few runs of rows: those are sliced (no copy) rather than filtered, unless there are more than `runs`."""
    if keep.all():
        return rows
    edges = np.flatnonzero(np.diff(np.concatenate(([0], keep.astype(np.int8), [0]))))
    starts, ends = edges[::2], edges[1::2]
    if not len(starts):
        return rows.slice(0, 0)
    if len(starts) > runs:
        return rows.filter(arrow_array(keep))
    return pa.concat_tables([rows.slice(start, end - start) for start, end in zip(starts.tolist(), ends.tolist())])


def bitmap(flags: np.ndarray) -> pa.Buffer:
    """Booleans as an Arrow bitmap (validity or bool values)."""
    return pa.py_buffer(np.packbits(flags.astype(bool), bitorder="little"))


def arrow_array(x: np.ndarray, valid: np.ndarray | None = None, type: pa.DataType | None = None) -> pa.Array:
    """A numpy array of booleans, float64, int64 or int32 as Arrow, as pa.array gives it (null where `valid` is
    False); with `type`, its int32 or int64 values as that type (date32, timestamps)."""
    if x.dtype == bool:
        data, arrow = bitmap(x), pa.bool_()
    else:
        data, arrow = pa.py_buffer(np.ascontiguousarray(x)), _ARROW[x.dtype]
    return pa.Array.from_buffers(type or arrow, len(x), [None if valid is None else bitmap(valid), data])


def arrow_strings(texts: Sequence[str]) -> pa.Array:
    """Python strings as an Arrow string array, as pa.array(texts, pa.string()) gives it."""
    encoded = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(encoded), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))])


def arrow_text(text: str) -> pa.Scalar:
    """One Arrow string scalar, as pa.scalar(text) gives it."""
    return arrow_strings([text])[0]


def numpy_values(values: pa.Array | pa.ChunkedArray, type: pa.DataType, fill: np.ndarray) -> np.ndarray:
    """A column cast to `type` (a fixed-width numeric type) as a numpy array of fill's dtype, nulls replaced by
    fill's one value (NaN; or the int64 numpy reads as NaT), as to_numpy gives it."""
    filled = pc.coalesce(pc.cast(values, type), arrow_array(fill)[0])
    filled = filled.combine_chunks() if isinstance(filled, pa.ChunkedArray) else filled
    if not len(filled):
        return np.empty(0, dtype=fill.dtype)
    width = fill.dtype.itemsize
    raw = np.frombuffer(filled.buffers()[1], dtype=np.uint8)[filled.offset * width:(filled.offset + len(filled)) * width]
    return raw.view(fill.dtype)
