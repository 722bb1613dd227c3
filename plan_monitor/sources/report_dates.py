"""The report-date rule: a row's 统计截至, a blank read as its year's 12-31. Every reader, check, preview and
store slice uses it, so a blank date means the same everywhere."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc


def report_dates(table: pa.Table) -> pa.Array:
    """统计截至 of each row, a blank read as its year's 12-31: the rule the views, the store and the checks share."""
    years = pc.cast(table["year"], pa.string())
    fallback = pc.strptime(pc.binary_join_element_wise(years, pa.scalar("12-31"), "-"), "%Y-%m-%d", "s")
    return pc.coalesce(table["as_of"], pc.cast(pc.cast(fallback, pa.timestamp("s")), pa.date32()))


def with_report_dates(table: pa.Table) -> pa.Table:
    """The rows with blank 统计截至 filled by report_dates, so every row names its slice outright."""
    return table.set_column(table.column_names.index("as_of"), "as_of", report_dates(table))
