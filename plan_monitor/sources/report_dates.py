"""The report-date rule: a row's 统计截至, a blank read as its year's 12-31. Every reader, check, preview and
store slice uses it, so a blank date means the same everywhere: Arrow tables through report_dates, pandas
columns through report_timestamps, SQL through the macro report_date(as_of, year) in queries/engine/macros.sql
(which writes the same 12-31), and code that needs the year-end date itself through year_end."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:  # imported by report_timestamps, its one pandas reader: the stores read rows without it
    import pandas as pd

YEAR_END = "12-31"  # the year-end 统计截至 as a month-day: what a blank date reads as, the round targets are set on


def year_end(year: int) -> date:
    """The year-end report date of a year, the date a blank 统计截至 stands for."""
    return date.fromisoformat(f"{int(year):04d}-{YEAR_END}")


def is_year_end(day: date) -> bool:
    return f"{day.month:02d}-{day.day:02d}" == YEAR_END


def report_dates(table: pa.Table) -> pa.Array:
    """统计截至 of each row, a blank read as its year's 12-31: the rule the views, the store and the checks share."""
    as_of = table["as_of"]
    if as_of.null_count == 0 and pa.types.is_date32(as_of.type):
        return as_of  # no blank: nothing to read as 12-31
    years = pc.cast(table["year"], pa.string())
    fallback = pc.strptime(pc.binary_join_element_wise(years, pa.scalar(YEAR_END), "-"), "%Y-%m-%d", "s",
                           error_is_null=True)  # a year no date has (-31, 21023) names no report date
    return pc.coalesce(table["as_of"], pc.cast(pc.cast(fallback, pa.timestamp("s")), pa.date32()))


def with_report_dates(table: pa.Table) -> pa.Table:
    """The rows with blank 统计截至 filled by report_dates, so every row names its slice outright."""
    return table.set_column(table.column_names.index("as_of"), "as_of", report_dates(table))


def report_timestamps(as_of, year) -> pd.Series:
    """report_dates for pandas: a 统计截至 column (dates, timestamps or ISO texts) as timestamps, a blank read
    as its year's 12-31. `year` is a column beside it or one year for every row; a row without a year stays NaT."""
    import pandas as pd

    dates = pd.to_datetime(pd.Series(as_of))
    years = pd.Series(year, index=dates.index) if pd.api.types.is_scalar(year) else pd.Series(year).set_axis(dates.index)
    ends = pd.to_datetime(years.astype("Int64").astype("string") + f"-{YEAR_END}", errors="coerce")
    return dates.fillna(ends)
