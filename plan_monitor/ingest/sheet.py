"""The body of a sheet below its header: one string column per file column, and each row's file row number."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from plan_monitor.ingest.distinct import Distinct
from plan_monitor.ingest.model import UploadError


@dataclass
class Body:
    cells: pa.Table  # columns c0, c1, … as in the file; null for an empty cell
    rows: pa.Array  # int64 file row number of each row
    # each column's Distinct, made on first use: the header search, the blank rows, the row kinds and the
    # normalisation all read the same columns of the same rows, and encode each once
    _distinct: dict[int, Distinct] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return self.cells.num_rows

    def distinct(self, i: int) -> Distinct:
        """Column i as its distinct texts (ingest.distinct), made once per Body."""
        if i not in self._distinct:
            self._distinct[i] = Distinct(self.cells.column(i))
        return self._distinct[i]

    def narrowed(self, width: int) -> "Body":
        """The same rows, the first `width` columns, sharing the columns' Distincts."""
        if width >= self.cells.num_columns:
            return self
        return Body(self.cells.select(list(range(width))), self.rows,
                    {i: d for i, d in self._distinct.items() if i < width})


def body_from_rows(rows: list[tuple[int, list[str | None]]], width: int) -> Body:
    """Rows of texts (ragged allowed: cut or padded to the header's width) → a Body."""
    padded = [(list(cells) + [None] * width)[:width] for _, cells in rows]
    columns = list(zip(*padded)) if padded else [()] * width
    cells = pa.table([pa.array(col, pa.string()) for col in columns], names=[f"c{i}" for i in range(width)])
    return Body(cells, pa.array([n for n, _ in rows], pa.int64()))


def too_many_rows(file_name: str, max_rows: int) -> UploadError:
    return UploadError(
        f"{file_name}：数据超过 {max_rows:,} 行，一次上传不能超过 {max_rows:,} 行；请按县（市、区）拆分后分别上传",
        f"{file_name}: more than {max_rows} data rows",
    )
