"""What reading and checking an upload produces: the typed rows, every normalisation applied, every problem.

Row numbers are the file's own (1-based, as Excel and WPS show them), so an analyst can find the cell.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pyarrow as pa

from plan_monitor.errors import DataError
from plan_monitor.spec.templates import Template

MAX_BYTES = 50 * 1024 * 1024  # a county's quarterly roster is well under 5 MB
MAX_ROWS = 200_000  # a whole province's villages fit; one upload beyond this is a mistake or an attack
# Bounds on the work one file may cause, each checked before the expensive step and refused with a Chinese message
# naming it (issue 13: a 1 MB file must not take gigabytes or minutes).
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell; a longer CSV field is a stray quote swallowing lines
MAX_COLUMNS = 1_000  # filled columns in a row; every template has fewer than 40
MAX_LINE_CHARS = 1_000_000  # one physical CSV line (a line of commas must not become a million cells)
MAX_ZIP_MEMBERS = 2_000  # parts of an .xlsx; Excel writes a dozen plus one per sheet, image or comment
MAX_PART_BYTES = 256 * 1024 * 1024  # uncompressed size of any one part of an .xlsx
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024  # uncompressed size of all parts together
MAX_RATIO = 200  # uncompressed/compressed for a part over 1 MB; real sheets compress 5–30 times
MAX_SHARED_BYTES = 48 * 1024 * 1024  # xl/sharedStrings.xml uncompressed
MAX_SHARED_STRINGS = 1_500_000
MAX_DECLARED_CELLS = 50_000_000  # a sheet's <dimension> (rows × columns)

Severity = Literal["error", "warning"]
# An error blocks the commit, a warning needs an explicit confirm; every list, report and page names them so.
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告"}


@dataclass(frozen=True)
class ColumnReading:
    """How one file column was read: as a template column (via its own header, an alias, the analyst's column
    mapping or the mapping saved last time), ignored (not a template column), or not understood."""

    column: int  # 1-based file column
    text: str  # the header text as in the file (two header rows joined with "/"); "" for a blank header
    status: Literal["read", "ignored", "unknown"]
    key: str | None = None  # template column key when read
    field: str | None = None  # template column header when read
    via: Literal["header", "alias", "mapping", "saved"] | None = None

    @property
    def name(self) -> str:
        """The column as the analyst sees it: its header, or 第N列（无表头）."""
        return self.text or f"第{self.column}列（无表头）"

    @property
    def label(self) -> str:
        if self.status == "read":
            how = {"header": "", "alias": "（别名）", "mapping": "（按列对应）", "saved": "（按上次保存的列对应）"}
            return f"按“{self.field}”读取{how.get(self.via or 'header', '')}"
        return "已忽略" if self.status == "ignored" else "未识别"


@dataclass(frozen=True)
class Reading:
    """The header row taken and each column's reading: what a rejection lists and the 列对应 step starts from."""

    header_row: int  # file row of the (first) header row
    last_row: int  # file row of the last header row (== header_row for a one-row header)
    template_key: str | None
    template_title: str | None
    columns: tuple[ColumnReading, ...]
    missing: tuple[str, ...] = ()  # template headers of required columns not found
    chosen: bool = False  # the analyst named the header row

    @property
    def rows_text(self) -> str:
        return f"第{self.header_row}行" if self.last_row == self.header_row else f"第{self.header_row}—{self.last_row}行"

    @property
    def read(self) -> list[ColumnReading]:
        return [c for c in self.columns if c.status == "read"]

    @property
    def unknown(self) -> list[ColumnReading]:
        return [c for c in self.columns if c.status == "unknown"]

    @property
    def ignored(self) -> list[ColumnReading]:
        return [c for c in self.columns if c.status == "ignored"]

    @property
    def mapping(self) -> dict[str, str]:
        """Template key → file header text of the columns read through a column mapping (given or saved)."""
        return {c.key: c.text for c in self.columns if c.status == "read" and c.via in ("mapping", "saved") and c.key}

    def column_of(self, key: str) -> int:
        """The 1-based file column read as this template column; 0 when none is."""
        return next((c.column for c in self.columns if c.key == key), 0)

    def mapping_for(self, chosen: dict[str, int]) -> dict[str, str]:
        """The column mapping an analyst's choices make (template key → 1-based file column, 0 for none), as
        template key → header text (第N列 for a column without one); choices the headers already say (own header or
        alias) are left out, so a saved mapping names only what needed naming."""
        by_number = {c.column: c for c in self.columns}
        out: dict[str, str] = {}
        for key, number in chosen.items():
            col = by_number.get(number)
            if col is None or (col.key == key and col.via in ("header", "alias")):
                continue
            unique = col.text and sum(c.text == col.text for c in self.columns) == 1
            out[key] = col.text if unique else f"第{col.column}列"
        return out

    def summary(self) -> str:
        """第3行作为表头：已识别 年度、县（市、区）；未识别 镇街、示范村名称"""
        parts = [f"已识别 {'、'.join(c.name for c in self.read) or '无'}"]
        if self.unknown:
            parts.append(f"未识别 {'、'.join(c.name for c in self.unknown)}")
        if self.ignored:
            parts.append(f"已忽略 {'、'.join(c.name for c in self.ignored)}")
        if self.missing:
            parts.append(f"缺少 {'、'.join(self.missing)}")
        return f"{self.rows_text}作为表头：" + "；".join(parts)

    def lines(self) -> list[str]:
        """One line per file column: 第2列“县区市”：按“县（市、区）”读取（别名）."""
        return [f"第{c.column}列“{c.text}”：{c.label}" if c.text else f"{c.name}：{c.label}" for c in self.columns]


class UploadError(DataError):
    """The file as a whole cannot be read (empty, binary, too large, no header): nothing else can be checked.
    When the header was the reason, `reading` says which row was taken and how each column was read."""

    def __init__(self, zh: str, en: str = "", reading: Reading | None = None):
        super().__init__(zh, en)
        self.reading = reading


@dataclass(frozen=True)
class Note:
    """One kind of normalisation applied to the file, listed in the report so no change is silent."""

    kind: str  # machine id: encoding, title_row, blank_rows, header_alias, merged_header, fullwidth, whitespace,
    #            thousands, unit_suffix, percent, bool_symbol, year_suffix, date_format, total_row, note_row, alias_name,
    #            placeholder, missing_text, invisible
    message: str  # Chinese, one line, e.g. "全角数字、标点已转为半角：12 处（如 第5行 １２３ → 123）"
    count: int = 1
    rows: tuple[int, ...] = ()  # file row numbers (the first few) where it applied


@dataclass(frozen=True)
class Issue:
    """One problem: where (file row, column header as in the file), the value, and a Chinese explanation."""

    severity: Severity
    check: str  # machine id, e.g. bad_number, required_blank, unknown_county, duplicate_unit, total_mismatch
    message: str  # Chinese
    row: int | None = None  # file row number; None for a whole-file or whole-column problem
    column: str | None = None  # the header text as it appears in the file (or the template header)
    value: str | None = None  # the cell as the analyst typed it


def sorted_issues(issues: list[Issue]) -> list[Issue]:
    """The order every problem list uses: errors before warnings; within each, whole-file problems first, then by
    file row (stable within a row)."""
    return sorted(issues, key=lambda i: (i.severity != "error", i.row is not None, i.row or 0))


class RawRows(Sequence):
    """(file row, cell texts as typed) for every kept data row, made from the Arrow cells when asked for: as Python
    lists a 200,000-row file would hold some 200 MB for the one report that may never be downloaded."""

    BATCH = 4096

    def __init__(self, cells: pa.Table, rows: pa.Array):
        self._cells = cells
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = range(len(self))[index]
        return self._rows[i].as_py(), [column[i].as_py() for column in self._cells.columns]

    def __iter__(self) -> Iterator[tuple[int, list[str | None]]]:
        for start in range(0, len(self), self.BATCH):
            rows = self._rows[start:start + self.BATCH].to_pylist()
            columns = [c.to_pylist() for c in self._cells.slice(start, self.BATCH).columns]
            for k, row in enumerate(rows):
                yield row, [column[k] for column in columns]


@dataclass
class Parsed:
    """A roster file read into its template: typed rows plus what was done to get them."""

    file_name: str
    template: Template
    encoding: str | None  # "utf-8-sig", "utf-8", "gb18030"; None for xlsx/parquet
    header_row: int  # file row number of the (last) header row
    headers: dict[str, str]  # template key → header text in the file, for the columns found
    table: pa.Table  # template columns by key, typed; a cell that could not be read is null (and has an Issue)
    row_numbers: list[int]  # file row number of each table row
    raw_header: list[str]  # the file's header cells, in file order (merged two-row headers joined)
    raw_rows: Sequence[tuple[int, list[str | None]]]  # (file row, cell texts as typed) per kept data row (RawRows)
    totals: list[tuple[int, dict[str, float | None]]] = field(default_factory=list)  # 合计/总计 rows: file row, key → value
    notes: list[Note] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)  # every table found on the sheet, labelled, when several
    table_index: int = 0  # which of them was read (0-based)
    listing: bool = False  # a 名单: flags for the units it names, not a roster (ingest.lists)
    reading: Reading | None = None  # the header row taken and each file column's reading
