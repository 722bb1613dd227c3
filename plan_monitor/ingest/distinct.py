"""Elementwise work on a column of cell texts done once per distinct text, not once per row.

A roster's columns repeat themselves: 200,000 rows hold a handful of counties, a few hundred towns, two answers
to 是否示范村 and one 统计截至. Each regex, NFKC normalisation or cast then runs on the distinct texts and is spread
back to the rows with one `take`. Only elementwise functions may run this way (the value of a cell depends on that
cell alone), so the result is the same as running them on every row; a null is one more distinct value, so a
function that maps null to something else still does so. A column whose first rows are mostly distinct (village
names) is not encoded: encoding it would cost more than it saves.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

SAMPLE = 4096  # rows looked at to decide whether a column repeats itself
MOSTLY_DISTINCT = 0.5  # share of distinct texts in the sample from which a column is left as it is


class Distinct:
    """A column as its distinct values and each row's position among them (`indices`, None when the column is
    kept as it is: then `values` is the column itself)."""

    def __init__(self, column: pa.Array | pa.ChunkedArray):
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        self.length = len(column)
        self._filled: pa.Array | None = None
        sample = column.slice(0, SAMPLE)
        if not len(sample) or len(pc.unique(sample)) > MOSTLY_DISTINCT * len(sample):
            self.values, self.indices = column, None
            return
        encoded = pc.dictionary_encode(column, null_encoding="encode")
        self.values, self.indices = encoded.dictionary, encoded.indices

    def expand(self, values: pa.Array) -> pa.Array:
        """A result computed on `values`, one per row."""
        return values if self.indices is None else pc.take(values, self.indices)

    def filled(self) -> pa.Array:
        """has_text per row, made once: the blank rows (ingest.layout) and the row kinds (ingest.rows) both ask."""
        if self._filled is None:
            self._filled = self.expand(has_text(self.values))
        return self._filled

    def take(self, values: pa.Array, rows: pa.Array) -> pa.Array:
        """A result computed on `values`, at the given row positions."""
        return pc.take(values, rows if self.indices is None else pc.take(self.indices, rows))


def has_text(texts: pa.Array) -> pa.Array:
    """Whether each text has a character other than whitespace (false for a null)."""
    return pc.fill_null(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(texts)), 0), False)


def per_value(column: pa.Array | pa.ChunkedArray, fn: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """fn (elementwise) applied to each distinct value of the column once, one result per row."""
    distinct = Distinct(column)
    return distinct.expand(fn(distinct.values))


def repeats(column: pa.Array | pa.ChunkedArray) -> bool:
    """Whether the column's first rows repeat themselves (Distinct encodes it)."""
    sample = column.slice(0, SAMPLE)
    return bool(len(sample)) and len(pc.unique(sample)) <= MOSTLY_DISTINCT * len(sample)


def bool_where(column: pa.Array | pa.ChunkedArray, fn: Callable[[pa.Array], pa.Array], where: pa.Array,
               otherwise: bool = False) -> pa.Array:
    """fn (elementwise, giving non-null booleans) on the rows where `where` holds, `otherwise` elsewhere: for a
    column of mostly distinct texts, where only a few rows can still change the answer."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    at = pc.indices_nonzero(where)
    if len(at) == len(column):
        return per_value(column, fn)
    out = pa.array([otherwise] * len(column), pa.bool_())
    if not len(at):
        return out
    return pc.replace_with_mask(out, where, per_value(pc.take(column, at), fn))
