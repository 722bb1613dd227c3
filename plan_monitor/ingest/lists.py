"""名单, not rosters: a published list that names only some units (a county's 26 示范村) and marks them.

A file is read as a list when its header has a template's unit columns (县（市、区）, 乡镇（街道）, 村（社区）) and
nothing else but 年度, 统计截至, 是否示范 and 示范命名年度 (序号 and other columns outside the template aside), and
either has a 是否示范 column or a title (or file name) saying 名单 or 示范. Its rows are flags for those units:
  - 年度 comes from its column, else from a year in the title or the file name (else the file is refused);
  - 是否示范 from its column, else 是 for every row;
  - under 补充更正 (merge) the other columns of each listed unit are taken from its latest stored report of that
    year or before, so the list marks the units and changes nothing else; a listed unit not stored is an error;
  - under 整体替换 (replace) a list is refused: it would remove every unit it does not name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.ingest import header as headers
from plan_monitor.ingest.header import Header, find_header
from plan_monitor.ingest.model import Issue, Note, Parsed, UploadError
from plan_monitor.sources.report_dates import report_dates
from plan_monitor.sources.tables import reports
from plan_monitor.spec.templates import TEMPLATES, Template

FLAG_KEYS = ("year", "as_of", "is_demo", "demo_year")
_TITLE = re.compile(r"名单|示范")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
WORDS = {"village": ("村", "示范村"), "town": ("乡镇", "示范乡镇"), "county": ("县（市、区）", "示范县（市、区）")}
REPLACE_ZH = ("本文件是名单（只列出部分单位并作标记），不能按“整体替换”上传：整体替换会删除名单以外的全部单位。"
              "请选择“补充更正”，名单中的单位将按标记更新，其余单位保持不变")


@dataclass(frozen=True)
class Listing:
    template: Template
    year: int | None  # from the title or file name, when the file has no 年度 column


def find_header_or_list(file_name: str, head: list[tuple[int, list[str | None]]],
                        template_key: str | None) -> tuple[Header, Listing | None]:
    """find_header; when it refuses the file for missing required columns and every column is understood or
    knowingly ignored (序号, 备注), the file may still be a 名单."""
    try:
        return find_header(file_name, head, template_key), None
    except UploadError as exc:
        if exc.reading is not None and exc.reading.unknown:
            raise  # a column not understood may be a missing one under another name: 列对应 first, not a 名单
        found = _as_list(file_name, head, template_key)
        if found is None:
            raise
        return found


def _as_list(file_name: str, head, template_key: str | None) -> tuple[Header, Listing] | None:
    best = headers._scan(head)
    if best is None:
        return None
    _, first, last, cells = best
    titles = [(n, " ".join(str(v).strip() for v in r if v is not None and str(v).strip())) for n, r in head
              if n < first and any(v is not None and str(v).strip() for v in r)]
    said = " ".join(t for _, t in titles) + " " + PurePath(file_name).stem
    keys = [template_key] if template_key else list(TEMPLATES)
    fits = []
    for key in keys:
        template = TEMPLATES[key]
        if not any(c.key == "is_demo" for c in template.columns):
            continue
        m = headers.match(cells, template)
        if not all(k in m.columns for k in template.unit_keys):
            continue
        if set(m.columns) - {*template.unit_keys, *FLAG_KEYS}:
            continue  # a column of figures: a roster with columns missing, not a list
        if "is_demo" not in m.columns and not _TITLE.search(said):
            continue
        fits.append(m)
    if not fits:
        return None
    m = max(fits, key=lambda f: len(f.template.unit_keys))
    year = None
    if "year" not in m.columns:
        found = _YEAR.search(said)
        if found is None:
            raise UploadError(f"{file_name}：本文件是名单，但没有“年度”列，标题和文件名中也没有年份；"
                              "请在标题中写明年份（如“2023年示范村名单”）或加一列“年度”",
                              f"{file_name}: a list without a year column or a year in its title")
        year = int(found.group(1))
    header = Header(m, cells, first, last, titles, last != first)
    header.notes = headers._notes(header)
    return header, Listing(m.template, year)


def apply(parsed: Parsed, listing: Listing) -> Parsed:
    """The list's rows as flags: 年度 and 是否示范 filled when the file lacks them, and a note saying so."""
    table = parsed.table
    n = len(table)
    if listing.year is not None:
        table = table.set_column(table.column_names.index("year"), "year", pa.array([listing.year] * n, pa.int64()))
        parsed.headers["year"] = "年度"
    if "is_demo" not in parsed.headers:
        table = table.set_column(table.column_names.index("is_demo"), "is_demo", pa.array([True] * n, pa.bool_()))
        parsed.headers["is_demo"] = listing.template.header_of["is_demo"]
    parsed.table = table.cast(parsed.table.schema)
    marked = pc.sum(pc.fill_null(table["is_demo"], False)).as_py() or 0
    unit, demo = WORDS[listing.template.key]
    unmarked = pc.sum(pc.fill_null(pc.invert(table["is_demo"]), False)).as_py() or 0
    tail = f"，{unmarked} 个标为非示范" if unmarked else ""
    where = f"；年度取自标题：{listing.year}年" if listing.year is not None else ""
    parsed.notes.append(Note("listing", f"名单：{marked} 个{unit}标为{demo}{tail}（文件只列出部分单位，按补充更正"
                                        f"标记这些单位，其余单位保持不变{where}）", marked))
    parsed.listing = True
    return parsed


def complete(template: Template, table: pa.Table, row_numbers: list[int], present: set[str],
             current: pa.Table) -> tuple[pa.Table, list[Issue], set[int]]:
    """The listed units' other columns from their latest stored report of the list's year or before (so the
    checks see whole rows and a merge changes only the flag); an error for each listed unit not stored.
    Returns the table, the issues and the file rows of the units not found."""
    keys = list(template.unit_keys)
    fill = [c.key for c in template.columns if c.key not in present and c.key not in (*keys, "year", "as_of")]
    stored = reports(current)
    frame = pd.DataFrame({k: stored[k].to_pylist() for k in [*keys, "year", *fill]})
    frame["_date"] = report_dates(stored).to_pylist()
    frame = frame.sort_values(["year", "_date"], kind="stable")
    mine = pd.DataFrame({k: table[k].to_pylist() for k in [*keys, "year"]})
    mine["date_"] = report_dates(table).to_pylist()
    mine["row_"] = row_numbers
    values: dict[str, list] = {k: [] for k in fill}
    missing: list[int] = []
    issues = []
    groups = {key: g for key, g in frame.groupby(keys, sort=False, dropna=False)} if len(frame) else {}
    for rec in mine.itertuples(index=False):
        unit = tuple(getattr(rec, k) for k in keys)
        history = groups.get(unit)
        if history is not None:
            history = history[(history["year"] <= rec.year) & (history["_date"] <= rec.date_)]
        if history is None or not len(history):
            missing.append(rec.row_)
            issues.append(Issue("error", "list_unknown_unit",
                                f"名单中的“{' '.join(str(u) for u in unit if u)}”在现有数据中没有（{rec.year}年及以前）："
                                "名单只能标记已有单位；请先上传该单位的完整数据，或核对名称",
                                rec.row_, template.header_of[keys[-1]], str(unit[-1])))
            for k in fill:
                values[k].append(None)
            continue
        latest = history.iloc[-1]
        for k in fill:
            values[k].append(None if pd.isna(latest[k]) else latest[k])
    for k in fill:
        typ = table.schema.field(k).type
        table = table.set_column(table.column_names.index(k), k, pa.array(values[k], typ, from_pandas=True))
    return table, issues, set(missing)
