"""Find the header row of an analyst's sheet and map its cells to template columns, aliases included.

Analysts retype headers: 年份 for 年度, 县市区 for 县（市、区）, a merged 后备干部 above 人数 and
其中30岁以下. Matching compares normalised text (NFKC, no whitespace, one bracket style, no
punctuation, unit parentheses dropped) against each template's own header, the aliases below and
the English key (for Parquet files written by a program); the aliases live with each column in spec/templates.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from plan_monitor.ingest.model import Note, UploadError
from plan_monitor.spec.templates import TEMPLATES, Template

HEAD_ROWS = 20  # an analyst's title block is a few rows; a header lower than this is not a roster

# 是否示范 in any template: the template's own aliases name the level, so a village file cannot pass for a
# town file because of it; these generic forms are accepted for whichever template's 是否示范 column.
GENERIC_DEMO = ("是否示范", "是否为示范", "是否示范单位")

_BRACKETS = str.maketrans({"[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")", "{": "(", "}": ")"})
_DROP = re.compile(r"[\s*★☆※:;、,，/\\·.\-_|'\"“”‘’]+")
_UNIT = re.compile(r"\((单位)?(万元|万|人|个|名|个累计|人累计|累计)\)")


def norm(text: object) -> str:
    """Header text reduced to what identifies it: 县（市、区） == 县(市,区) == '县 (市、区) '."""
    if text is None:
        return ""
    out = unicodedata.normalize("NFKC", str(text)).lower().translate(_BRACKETS)
    out = _DROP.sub("", out)
    return _UNIT.sub("", out)


def _lookup(template: Template) -> dict[str, str]:
    table: dict[str, str] = {}
    for col in template.columns:
        names = (col.header, col.key, *col.aliases)
        if col.key == "is_demo":
            names += GENERIC_DEMO
        for name in names:
            table.setdefault(norm(name), col.key)
    return table


LOOKUPS: dict[str, dict[str, str]] = {key: _lookup(t) for key, t in TEMPLATES.items()}


@dataclass
class HeaderCell:
    text: str  # as shown to the analyst (two header rows joined with "/")
    candidates: tuple[str, ...]  # texts to try, best first


@dataclass
class Match:
    template: Template
    columns: dict[str, int]  # key → file column index
    via_alias: dict[str, str]  # key → file header text, when it is not the template's own header
    duplicates: list[str]  # header texts that named a column already found

    @property
    def required_found(self) -> int:
        return sum(c.key in self.columns for c in self.template.columns if c.required)

    @property
    def missing_required(self) -> list[str]:
        return [c.header for c in self.template.columns if c.required and c.key not in self.columns]


def match(cells: list[HeaderCell], template: Template) -> Match:
    lookup = LOOKUPS[template.key]
    own = {norm(c.header): c.key for c in template.columns}
    columns: dict[str, int] = {}
    via_alias: dict[str, str] = {}
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        for candidate in cell.candidates:
            key = lookup.get(norm(candidate))
            if key is None:
                continue
            if key in columns:
                duplicates.append(cell.text)
            else:
                columns[key] = index
                if own.get(norm(candidate)) != key:
                    via_alias[key] = cell.text
            break
    return Match(template, columns, via_alias, duplicates)


def _single(row: list[str | None]) -> list[HeaderCell]:
    return [HeaderCell(_clean(v), (_clean(v),) if _clean(v) else ()) for v in row]


def _two_rows(parent: list[str | None], child: list[str | None]) -> list[HeaderCell]:
    """A merged parent spreads over the blank cells to its right; a vertical merge leaves the child blank."""
    width = max(len(parent), len(child))
    parent = list(parent) + [None] * (width - len(parent))
    child = list(child) + [None] * (width - len(child))
    cells = []
    spread = ""
    for p, c in zip(parent, child):
        p, c = _clean(p), _clean(c)
        if p:
            spread = p
        if not c:
            cells.append(HeaderCell(p, (p,) if p else ()))
            spread = spread if p else ""
        elif spread:
            cells.append(HeaderCell(f"{spread}/{c}", (spread + c, c)))
        else:
            cells.append(HeaderCell(c, (c,)))
    return cells


def _clean(value: object) -> str:
    return "" if value is None else str(value).strip()


def _best(cells: list[HeaderCell], templates: list[Template]) -> Match:
    """Most required columns present, then most columns, then fewest required missing; then template order."""
    matches = [match(cells, t) for t in templates]
    return max(matches, key=lambda m: (m.required_found, len(m.columns), -len(m.missing_required)))


@dataclass
class Header:
    match: Match
    cells: list[HeaderCell]
    first_row: int  # file row of the (first) header row
    last_row: int  # file row of the last header row; data starts below it
    title_rows: list[tuple[int, str]]
    two_rows: bool
    notes: list[Note] = field(default_factory=list)

    @property
    def raw_header(self) -> list[str]:
        return [c.text for c in self.cells]


def _scan(head: list[tuple[int, list[str | None]]]) -> tuple[int, int, int, list[HeaderCell]] | None:
    """The best header among the first non-blank rows: (columns matched, first row, last row, cells)."""
    templates = list(TEMPLATES.values())
    filled = [i for i, (_, r) in enumerate(head) if any(_clean(v) for v in r)][:HEAD_ROWS]
    single = {i: _single(head[i][1]) for i in filled}
    scores = {i: len(_best(cells, templates).columns) for i, cells in single.items()}
    best = None
    for i in filled:
        row_no = head[i][0]
        options = [(scores[i], head[i][0], single[i])]
        if i + 1 in scores:
            cells = _two_rows(head[i][1], head[i + 1][1])
            score = len(_best(cells, templates).columns)
            # Two rows only when both add something: a title above a header, or data below it, add nothing.
            if score > max(scores[i], scores[i + 1]):
                options.append((score, head[i + 1][0], cells))
        for score, last, cells in options:
            if best is None or score > best[0]:  # ties keep the earlier row
                best = (score, row_no, last, cells)
    return best


def header_score(head: list[tuple[int, list[str | None]]]) -> int:
    """How many template columns the best header row of these rows names (to pick a workbook's sheet)."""
    best = _scan(head)
    return 0 if best is None else best[0]


def find_header(file_name: str, head: list[tuple[int, list[str | None]]], template_key: str | None) -> Header:
    """The best-matching header among the first rows, with its template (or a whole-file error)."""
    templates = list(TEMPLATES.values())
    best = _scan(head)
    if best is None or best[0] < 2:
        raise UploadError(
            f"{file_name}：前 {HEAD_ROWS} 行中没有找到表头（应有“年度”“县（市、区）”等列名）；请使用报表模板的表头",
            f"{file_name}: no header row found in the first {HEAD_ROWS} rows",
        )
    _, row_no, last_row, cells = best
    detected = _best(cells, templates)
    chosen = _choose(file_name, cells, detected, template_key)
    titles = [(n, " ".join(_clean(v) for v in r if _clean(v))) for n, r in head
              if n < row_no and any(_clean(v) for v in r)]
    header = Header(chosen, cells, row_no, last_row, titles, last_row != row_no)
    header.notes = _notes(header)
    return header


def _choose(file_name: str, cells: list[HeaderCell], detected: Match, template_key: str | None) -> Match:
    if template_key is not None:
        if template_key not in TEMPLATES:
            raise ValueError(f"unknown template key {template_key!r}")
        if detected.template.key != template_key and not detected.missing_required:
            wanted = TEMPLATES[template_key]
            raise UploadError(
                f"{file_name}：所选报表为“{wanted.title}”，但文件表头与“{detected.template.title}”相符；"
                f"请确认上传的文件或选择正确的报表类型",
                f"{file_name}: headers fit template {detected.template.key}, not the chosen {template_key}",
            )
        chosen = match(cells, TEMPLATES[template_key])
    else:
        chosen = detected
    missing = chosen.missing_required
    if missing:
        names = "、".join(f"“{h}”" for h in missing)
        raise UploadError(
            f"{file_name}：按“{chosen.template.title}”读取，缺少必填列 {names}；请补上这些列（可从报表模板复制表头）",
            f"{file_name}: template {chosen.template.key} is missing required column(s): "
            + ", ".join(c.key for c in chosen.template.columns if c.required and c.key not in chosen.columns),
        )
    return chosen


def _notes(header: Header) -> list[Note]:
    notes = []
    m = header.match
    if header.title_rows:
        listed = "；".join(f"第{n}行“{t}”" for n, t in header.title_rows[:5])
        notes.append(Note("title_row", f"表头上方的标题行已跳过：{listed}", len(header.title_rows),
                          tuple(n for n, _ in header.title_rows[:5])))
    if header.two_rows:
        joined = [header.cells[i].text for i in sorted(m.columns.values()) if "/" in header.cells[i].text]
        notes.append(Note("merged_header",
                          f"表头为两行（合并单元格），第{header.first_row}、{header.last_row}行已合并读取"
                          + (f"：{'、'.join(joined)}" if joined else ""),
                          1, (header.first_row, header.last_row)))
    if m.via_alias:
        pairs = [(text, m.template.column(k).header) for k, text in m.via_alias.items()]
        notes.append(Note("header_alias", "列名按模板读取：" + "；".join(f"“{a}”按“{b}”读取" for a, b in pairs),
                          len(pairs), (header.last_row,)))
    used = set(m.columns.values())
    unknown = [c.text for i, c in enumerate(header.cells) if i not in used and c.text and c.text not in m.duplicates]
    if unknown:
        notes.append(Note("unknown_column", f"以下列不属于“{m.template.title}”，已忽略：{'、'.join(unknown)}",
                          len(unknown), (header.last_row,)))
    if m.duplicates:
        notes.append(Note("duplicate_column", f"以下列与前面的列重复，已忽略：{'、'.join(m.duplicates)}",
                          len(m.duplicates), (header.last_row,)))
    return notes
