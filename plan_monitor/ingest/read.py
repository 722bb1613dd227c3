"""Read an analyst's roster file (.csv, .xlsx, .parquet) into its template: the one entry point for uploads.

Whole-file problems raise UploadError; everything else is read as far as possible, with each
normalisation listed as a Note and each unreadable cell as an Issue (and a null in the table).
Checking the values (names, duplicates, ranges) is validate.py's job, on Parsed.table.
"""

from __future__ import annotations

import io
from pathlib import PurePath

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from plan_monitor.ingest import layout, lists, model
from plan_monitor.ingest.cells import NAME_KEYS, NoteLog, normalise, numbers_quietly
from plan_monitor.ingest.csv_rows import CsvSheet
from plan_monitor.ingest.decode import decode_csv_bytes
from plan_monitor.ingest.header import Header, find_header, header_score
from plan_monitor.ingest.model import Issue, Note, Parsed, RawRows, UploadError
from plan_monitor.ingest.rows import RowKinds, classify
from plan_monitor.ingest.sheet import Body, too_many_rows
from plan_monitor.ingest.xlsx_rows import XlsxSheets
from plan_monitor.sources.tables import ARROW_TYPES
from plan_monitor.spec.templates import TEMPLATES, Template

MAX_BYTES = model.MAX_BYTES
MAX_ROWS = model.MAX_ROWS
TEXT_TABLES = (".txt", ".tsv")  # Excel's "Unicode 文本" and "文本文件（制表符分隔）": tab-separated, read as CSV
HEAD_SLACK = 1_000  # lines a CSV may have beyond MAX_ROWS data rows: titles, headers, blank and note rows


def read_upload(file_name: str, data: bytes, template_key: str | None = None, *, table: int | None = None,
                header_row: int | None = None, mapping: dict[str, str] | None = None) -> Parsed:
    """The file read into its template (detected from the headers unless template_key is given). With several
    tables on the sheet (ingest.layout) the first is read, or table N (1-based) when given. `header_row` (1-based
    file row) names the header row instead of the scan; `mapping` (template key → the file's header text) assigns
    columns before aliases do (header.find_header); either makes the sheet one table, the analyst's."""
    where = {"header_row": header_row, "mapping": mapping}
    if template_key is not None and template_key not in TEMPLATES:
        raise ValueError(f"unknown template key {template_key!r}")  # a caller's bug, not the analyst's
    ext = PurePath(file_name).suffix.lower()
    if ext in (".xls", ".et", ".wps", ".xlsb"):
        raise UploadError(f"{file_name}：不支持旧版 Excel/WPS 格式（{ext}）；请在 Excel 或 WPS 中“另存为” .xlsx 后上传",
                          f"{file_name}: {ext} is not supported; save as .xlsx")
    if ext not in (".csv", ".xlsx", ".parquet", *TEXT_TABLES):
        raise UploadError(f"{file_name}：不支持的文件类型“{ext or '无扩展名'}”；请上传 Excel（.xlsx）或 CSV 文件",
                          f"{file_name}: unsupported file type {ext or '(none)'}; use .xlsx or .csv")
    if not data:
        raise UploadError(f"{file_name}：文件是空的（0 字节）；请检查是否选错了文件", f"{file_name}: empty file")
    if len(data) > MAX_BYTES:
        raise UploadError(f"{file_name}：文件大小 {len(data) / 1048576:.1f} MB，超过上限 {MAX_BYTES / 1048576:.0f} MB；"
                          "请删除无关的工作表、图片，或按县（市、区）拆分后上传",
                          f"{file_name}: {len(data)} bytes exceeds the {MAX_BYTES}-byte limit")
    if ext == ".csv" or ext in TEXT_TABLES:
        return _read_csv(file_name, data, template_key, table, where)
    if ext == ".xlsx":
        return _read_xlsx(file_name, data, template_key, table, where)
    if table not in (None, 1):
        raise layout.no_such_table(file_name, table, 1)
    return _read_parquet(file_name, data, template_key, where)


def _read_csv(file_name: str, data: bytes, template_key: str | None, table: int | None, where: dict) -> Parsed:
    # Counting newlines costs no memory and rejects a million-row file before it is decoded.
    if data.count(b"\n") > MAX_ROWS + HEAD_SLACK:
        raise too_many_rows(file_name, MAX_ROWS)
    text, encoding, encoding_note = decode_csv_bytes(file_name, data)
    sheet = CsvSheet(text, file_name)
    return _read_sheet(file_name, sheet.head, sheet.body, template_key, table, encoding, [encoding_note], where)


def _read_sheet(file_name: str, head, read_body, template_key: str | None, number: int | None,
                encoding: str | None, notes: list[Note], where: dict) -> Parsed:
    """One sheet's rows: its tables (ingest.layout), the chosen one read; a 名单 read as flags (ingest.lists).
    read_body(last header row, width) is called once. A header row or mapping the analyst gives (列对应) names the
    one table to read."""
    if where["header_row"] is not None or where["mapping"]:
        if number not in (None, 1):
            raise layout.no_such_table(file_name, number, 1)
        header = find_header(file_name, head, template_key, **where)
        body, note = layout.sub_header(read_body(header.last_row, len(header.cells)), header)
        return _assemble(file_name, header, body, encoding, [*notes, *([note] if note else [])])
    tables = layout.find_tables(file_name, head, read_body)
    if not tables:
        if number not in (None, 1):
            raise layout.no_such_table(file_name, number, 1)
        header, listing = lists.find_header_or_list(file_name, head, template_key)
        body, note = layout.sub_header(read_body(header.last_row, len(header.cells)), header)
        parsed = _assemble(file_name, header, body, encoding, [*notes, *([note] if note else [])])
        return lists.apply(parsed, listing) if listing is not None else parsed
    index = layout.pick(file_name, tables, number, template_key)
    chosen = tables[index]
    header = find_header(file_name, chosen.head, template_key)
    parsed = _assemble(file_name, header, chosen.body, encoding, [*notes, *([chosen.note] if chosen.note else [])],
                       chosen.kinds)
    if len(tables) > 1:
        zh, _ = layout.several_tables_message(tables, index)
        parsed.issues.insert(0, Issue("warning", "several_tables", zh))
        parsed.tables = [t.label(i + 1) for i, t in enumerate(tables)]
        parsed.table_index = index
    return parsed


def _read_xlsx(file_name: str, data: bytes, template_key: str | None, table: int | None, where: dict) -> Parsed:
    book = XlsxSheets(file_name, data)
    try:
        scores = [header_score(head) for _, head, _ in book.sheets]
        if not scores:
            raise UploadError(f"{file_name}：工作簿中没有工作表", f"{file_name}: no worksheets")
        pick = max(range(len(scores)), key=lambda i: (scores[i], -i))
        title, head, _ = book.sheets[pick]
        notes = [Note("sheet", f"读取工作表“{title}”（共 {len(scores)} 个工作表）")] if len(scores) > 1 else []
        return _read_sheet(file_name, head, lambda last, width: book.body(pick, last, width, MAX_ROWS), template_key,
                           table, None, notes, where)
    finally:
        book.close()


def _read_parquet(file_name: str, data: bytes, template_key: str | None, where: dict) -> Parsed:
    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
        if parquet.metadata.num_rows > MAX_ROWS:
            raise too_many_rows(file_name, MAX_ROWS)
        table = parquet.read()
    except (pa.ArrowException, OSError) as exc:
        raise UploadError(f"{file_name}：无法作为 Parquet 文件读取，文件可能已损坏", f"{file_name}: bad parquet: {exc}") from exc
    names = table.column_names
    header = find_header(file_name, [(1, list(names))], template_key, **where)
    cells = pa.table([_as_text(table.column(i)) for i in range(len(names))], names=[f"c{i}" for i in range(len(names))])
    body = Body(cells, pa.array(range(2, table.num_rows + 2), pa.int64()))
    return _assemble(file_name, header, body, None, [])


def _as_text(column: pa.ChunkedArray) -> pa.Array:
    """A typed Parquet column as the texts a spreadsheet would show, so one normalisation path serves all."""
    column = column.combine_chunks()
    kind = column.type
    if pa.types.is_dictionary(kind):
        column, kind = column.cast(kind.value_type), kind.value_type
    if pa.types.is_boolean(kind):
        return pc.if_else(column, "是", "否")
    if pa.types.is_timestamp(kind):
        column = pc.cast(column, pa.date32())
    try:
        return pc.cast(column, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.nulls(len(column), pa.string())  # nested values fit no template column


def _assemble(file_name: str, header: Header, body: Body, encoding: str | None, notes: list[Note],
              kinds: RowKinds | None = None) -> Parsed:
    """`kinds`: the body's rows already classified (ingest.layout), reused when made with the same label columns."""
    match = header.match
    template = match.template
    labels = [match.columns[k] for k in NAME_KEYS if k in match.columns]
    if kinds is None or kinds.labels != frozenset(labels) | {0}:
        kinds = classify(body, labels)
    data_count = pc.sum(kinds.data).as_py() or 0
    if data_count == 0:
        raise UploadError(f"{file_name}：表头下面没有数据行；请填写数据后再上传",
                          f"{file_name}: no data rows below the header")
    if data_count > MAX_ROWS:
        raise too_many_rows(file_name, MAX_ROWS)

    every = data_count == len(body) and not kinds.data.null_count  # every row is data: the body as it is
    cells = body.cells if every else body.cells.filter(kinds.data)
    rows = body.rows if every else body.rows.filter(kinds.data)
    log = NoteLog()
    arrays: list[pa.Array] = []
    issues: list[Issue] = []
    for col in template.columns:
        index = match.columns.get(col.key)
        if index is None:
            arrays.append(pa.nulls(len(rows), ARROW_TYPES[col.dtype]))
            continue
        result = normalise(col, cells.column(index).combine_chunks(), rows, header.cells[index].text, log,
                           body.distinct(index) if every else None)
        arrays.append(pc.cast(result.values, ARROW_TYPES[col.dtype]))
        issues.extend(result.issues)
    issues.sort(key=lambda i: (i.row or 0, _column_order(header, i.column)))
    table = pa.table(arrays, names=[c.key for c in template.columns])

    row_list = rows.to_pylist()
    return Parsed(
        file_name=file_name,
        template=template,
        encoding=encoding,
        header_row=header.last_row,
        headers={k: header.cells[i].text for k, i in match.columns.items()},
        table=table,
        row_numbers=row_list,
        raw_header=header.raw_header,
        raw_rows=RawRows(cells, rows),
        totals=_totals(template, header, body, kinds.totals),
        notes=[*notes, *header.notes, *kinds.notes, *log.notes()],
        issues=issues,
        reading=header.reading,
    )


def _column_order(header: Header, column: str | None) -> int:
    texts = header.raw_header
    return texts.index(column) if column in texts else len(texts)


def _totals(template: Template, header: Header, body: Body,
            mask: pa.Array) -> list[tuple[int, dict[str, float | None]]]:
    """合计/总计 rows' numbers by key, for validate.py to compare with the sum of the data rows."""
    if not pc.any(mask).as_py():
        return []
    cells = body.cells.filter(mask)
    rows = body.rows.filter(mask).to_pylist()
    values: dict[str, list] = {}
    for col in template.columns:
        index = header.match.columns.get(col.key)
        if index is None or not col.is_quantity:
            continue
        numbers = numbers_quietly(cells.column(index).combine_chunks(), col)
        values[col.key] = pc.cast(numbers, pa.float64()).to_pylist()
    return [(row, {k: v[i] for k, v in values.items()}) for i, row in enumerate(rows)]
