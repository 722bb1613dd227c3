"""The scorecard CSV, formatted column by column with Arrow's string kernels and without pandas: the cells of
`export_table.scorecard_table(rows).to_csv(index=False, lineterminator="\n")`, in UTF-8. export_table.scorecard_csv_bytes
formats a frame's columns with these functions; table_csv_bytes formats the same columns of an Arrow table (the CLI's
CSV from a persisted card, which never makes a frame). Arrays and scalars are built
from their buffers (metrics.card_table's arrow_array and the like), which keeps pandas out of that CSV's process."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from plan_monitor.metrics.card_table import arrow_array, arrow_strings, arrow_text, csv_column_names, numpy_values

NUMERIC = ("actual", "target", "gap", "completion")
DAYS = ("round", "carried_from")  # ISO days, empty when none
_QUOTE = r'[,"\n]'  # what Python's csv writer (QUOTE_MINIMAL, "\n" line ends) quotes
NAN = np.array([np.nan])
NAT = np.array([np.iinfo(np.int64).min])  # numpy's NaT as int64
NO = np.array([False])


def number(value: float) -> int | float:
    """A figure as the CSV writes it: a whole number without a decimal point, others rounded to six decimals."""
    value = round(float(value), 6)
    return int(value) if value.is_integer() else value


def number_texts(x: np.ndarray) -> pa.Array:
    """str(number(v)) for each value, vectorised: missing null (an empty cell), whole numbers without a decimal
    point, others rounded to six decimals in Python's shortest form. numpy's rint(v × 10⁶) is Python's round(v, 6)
    except within rounding error of a half, and Arrow writes a float as Python does between 1e-4 and 1e9; other
    cells (a half, a tiny or huge or infinite value) go through number itself."""
    x = np.ascontiguousarray(x, dtype=np.float64)
    missing = np.isnan(x)
    scaled = x * 1e6
    with np.errstate(invalid="ignore"):
        near_half = np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) <= np.abs(scaled) * 1e-15 + 1e-9
        micro = np.where(np.isfinite(x) & (np.abs(scaled) < 2.0 ** 50) & ~near_half, np.rint(scaled), np.nan)
        whole = micro % 1_000_000 == 0
        rounded = micro / 1e6
        fast = whole | ((np.abs(rounded) >= 1e-4) & (np.abs(rounded) < 1e9))
    text = arrow_array(np.where(whole, micro // 1_000_000, 0).astype(np.int64), ~missing).cast(pa.string())
    decimals = fast & ~whole
    if decimals.any():
        text = pc.replace_with_mask(text, arrow_array(decimals), arrow_array(rounded[decimals]).cast(pa.string()))
    slow = ~fast & ~missing
    if slow.any():
        text = pc.replace_with_mask(text, arrow_array(slow), arrow_strings([str(number(v)) for v in x[slow]]))
    return text


def day_texts(days: np.ndarray) -> pa.Array:
    """Dates or timestamps (numpy datetime64, NaT where none) as ISO days, null (an empty cell) when none."""
    days = days.astype("datetime64[D]")
    valid = ~np.isnat(days)
    numbers = np.where(valid, days.view(np.int64), 0).astype(np.int32)
    return arrow_array(numbers, valid, pa.date32()).cast(pa.string())


def text_cells(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text cells as the csv writer writes them: a cell with a comma, quote or line end quoted, missing null (an
    empty cell). Text without any of those characters (a byte scan of the column) comes back as it is."""
    if _plain(text):
        return text
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    text = text.cast(pa.string())
    quoted = pc.match_substring_regex(text, _QUOTE)
    if pc.any(quoted).as_py():
        mark = arrow_text('"')
        wrapped = pc.binary_join_element_wise(mark, pc.replace_substring(text, '"', '""'), mark, arrow_text(""))
        text = pc.if_else(quoted, wrapped, text)
    return text


def _plain(text: pa.Array | pa.ChunkedArray) -> bool:
    """Whether no cell of a text column holds a comma, quote or line end: none of those bytes in the text its cells
    span (UTF-8 encodes no other character with them)."""
    for chunk in text.chunks if isinstance(text, pa.ChunkedArray) else [text]:
        if not len(chunk):
            continue
        if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            return False
        _, offsets, data = chunk.buffers()
        ends = np.frombuffer(offsets, np.int64 if pa.types.is_large_string(chunk.type) else np.int32)
        start, end = int(ends[chunk.offset]), int(ends[chunk.offset + len(chunk)])
        if data is None or start == end:
            continue
        span = np.frombuffer(data, np.uint8)[start:end]
        if (span == 44).any() or (span == 34).any() or (span == 10).any():  # , " \n
            return False
    return True


def csv_bytes(columns: list[str], cells: list[pa.Array | pa.ChunkedArray], rows: int) -> bytes:
    """The header and each row's cells (text, already quoted where needed; null an empty cell) joined with commas,
    lines ended by "\n", as UTF-8. Arrow's CSV writer puts them together unquoted; a quoted cell (which it refuses
    to write unquoted) sends the rows through a join of the cells instead."""
    header = ",".join(text_cells(arrow_strings(columns)).to_pylist()).encode("utf-8")
    if not rows:
        return header + b"\n"
    table = pa.Table.from_arrays(cells, names=[f"c{i}" for i in range(len(cells))])
    sink = pa.BufferOutputStream()
    try:
        pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    except pa.ArrowInvalid:  # "CSV values may not contain structural characters": a quoted cell
        texts = [cell.cast(pa.string()) for cell in cells]
        texts = [t.combine_chunks() if isinstance(t, pa.ChunkedArray) else t for t in texts]
        lines = pc.binary_join_element_wise(*texts, arrow_text(","), null_handling="replace")
        whole = pa.ListArray.from_arrays(arrow_array(np.array([0, len(lines)], np.int32)), lines)
        body = pc.binary_join(whole, arrow_text("\n"))
        return b"".join([header, b"\n", body[0].as_buffer(), b"\n"])
    return b"".join([header, b"\n", sink.getvalue()])


def own_county(rows: pa.Table) -> pa.Array | pa.ChunkedArray:
    """The county column naming a county only: a prefecture row's place is in its prefecture column."""
    if "prefecture" not in rows.column_names:
        return rows["county"]
    level = rows.schema.field("level").type
    prefecture_row = pc.coalesce(pc.equal(rows["level"], arrow_text("prefecture").cast(level)), arrow_array(NO)[0])
    return pc.if_else(prefecture_row, pa.nulls(rows.num_rows, rows.schema.field("county").type), rows["county"])


def table_csv_bytes(rows: pa.Table) -> bytes:
    """The CSV of scorecard rows held as an Arrow table (the card's column types: float figures, integer year,
    timestamp rounds, text), byte for byte what export_table.scorecard_csv_bytes writes for the same rows as a frame."""
    columns = csv_column_names(rows.column_names)
    cells = []
    for col in columns:
        values = own_county(rows) if col == "county" else rows[col]
        if col in NUMERIC:
            cells.append(number_texts(numpy_values(values, pa.float64(), NAN)))
        elif col == "year":
            cells.append(pc.cast(values, pa.string()))
        elif col in DAYS:
            unit = values.type.unit
            ints = numpy_values(values, pa.int64(), NAT)
            cells.append(day_texts(ints.view(f"datetime64[{unit}]")))
        else:
            cells.append(text_cells(values))
    return csv_bytes(columns, cells, rows.num_rows)
