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

from plan_monitor.ingest.model import ColumnReading, Note, Reading, UploadError
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
# Columns offices add that are no template's data: listed as 已忽略, not as 未识别 (nothing to map them to).
IGNORED = frozenset(norm(t) for t in ("序号", "序", "编号", "No.", "备注", "说明", "联系人", "联系电话", "电话", "填报人",
                                      "审核人", "负责人", "排名", "排序"))


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
    via_mapping: dict[str, str] = field(default_factory=dict)  # key → file header text, as the analyst mapped it

    @property
    def required_found(self) -> int:
        return sum(c.key in self.columns for c in self.template.columns if c.required)

    @property
    def missing_required(self) -> list[str]:
        return [c.header for c in self.template.columns if c.required and c.key not in self.columns]


def match(cells: list[HeaderCell], template: Template, mapped: dict[str, int] | None = None) -> Match:
    """Each cell's template column; `mapped` (key → cell index, the analyst's column mapping) comes first."""
    lookup = LOOKUPS[template.key]
    own = {norm(c.header): c.key for c in template.columns}
    mapped = {k: i for k, i in (mapped or {}).items() if k in lookup.values()}
    columns: dict[str, int] = dict(mapped)
    via_alias: dict[str, str] = {}
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        if index in mapped.values():
            continue
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
    return Match(template, columns, via_alias, duplicates, {k: cells[i].text for k, i in mapped.items()})


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


def _best(cells: list[HeaderCell], templates: list[Template], mapped: dict[str, int] | None = None) -> Match:
    """Most required columns present, then most columns, then fewest required missing; then template order."""
    matches = [match(cells, t, mapped) for t in templates]
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
    chosen: bool = False  # the analyst named the header row

    @property
    def raw_header(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def reading(self) -> Reading:
        return reading(self.cells, self.match, self.first_row, self.last_row, self.chosen)


def reading(cells: list[HeaderCell], m: Match | None, first_row: int, last_row: int, chosen: bool = False) -> Reading:
    """Each file column's reading under a match: read as a template column, ignored, or not understood."""
    keys = {i: k for k, i in m.columns.items()} if m is not None else {}
    others = {n for lookup in LOOKUPS.values() for n in lookup}  # some template's column, not this one's
    width = max([i + 1 for i, c in enumerate(cells) if c.text] + [i + 1 for i in keys], default=0)
    columns = []
    for i, cell in enumerate(cells[:width]):
        key = keys.get(i)
        if key is not None:
            via = ("mapping" if key in m.via_mapping else "alias" if key in m.via_alias else "header")
            columns.append(ColumnReading(i + 1, cell.text, "read", key, m.template.column(key).header, via))
        elif (not cell.text or any(norm(t) in IGNORED for t in cell.candidates)
              or (m is not None and cell.text in m.duplicates) or any(norm(t) in others for t in cell.candidates)):
            columns.append(ColumnReading(i + 1, cell.text, "ignored"))
        else:
            columns.append(ColumnReading(i + 1, cell.text, "unknown"))
    return Reading(first_row, last_row, m.template.key if m else None, m.template.title if m else None,
                   tuple(columns), tuple(m.missing_required) if m else (), chosen)


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


def find_header(file_name: str, head: list[tuple[int, list[str | None]]], template_key: str | None,
                header_row: int | None = None, mapping: dict[str, str] | None = None) -> Header:
    """The best-matching header among the first rows, with its template (or a whole-file error).

    `header_row` (1-based file row) skips the scan: that row is the header, with the next one when the two make a
    two-row header. `mapping` (template key → the file's header text) assigns columns before aliases do."""
    templates = list(TEMPLATES.values())
    _check_keys(file_name, mapping, template_key)
    chosen_row = header_row is not None
    if header_row is None and mapping:
        header_row = _row_with(head, mapping.values())
    best = _scan(head) if header_row is None else _at_row(file_name, head, header_row, chosen_row)
    if best is None or (header_row is None and best[0] < 2):
        found = None
        if best is not None:
            found = reading(best[3], _best(best[3], templates), best[1], best[2])
        raise UploadError(
            f"{file_name}：前 {HEAD_ROWS} 行中没有找到表头（应有“年度”“县（市、区）”等列名）；请使用报表模板的表头"
            + (f"，或在“列对应”中指定表头行和各列对应的字段。{found.summary()}" if found else ""),
            f"{file_name}: no header row found in the first {HEAD_ROWS} rows",
            found,
        )
    _, row_no, last_row, cells = best
    mapped = _mapped(file_name, cells, mapping, row_no, last_row)
    detected = _best(cells, templates, mapped)
    try:
        chosen = _choose(file_name, cells, detected, template_key, mapped)
    except UploadError as exc:
        shown = match(cells, TEMPLATES[template_key], mapped) if template_key in TEMPLATES else detected
        found = reading(cells, shown, row_no, last_row, chosen_row)
        raise UploadError(f"{exc.zh}。{found.summary()}", exc.en, found) from None
    titles = [(n, " ".join(_clean(v) for v in r if _clean(v))) for n, r in head
              if n < row_no and any(_clean(v) for v in r)]
    header = Header(chosen, cells, row_no, last_row, titles, last_row != row_no, chosen=chosen_row)
    header.notes = _notes(header)
    return header


def field_key(name: str, template_key: str | None = None) -> str | None:
    """A template field named by its key, its Chinese header or an alias (for `--map 列名=字段`); None if none."""
    wanted = norm(name)
    keys = [template_key] if template_key else list(TEMPLATES)
    for key in keys:
        for col in TEMPLATES[key].columns:
            if wanted in (norm(col.key), norm(col.header)):
                return col.key
    for key in keys:
        if wanted in LOOKUPS[key]:
            return LOOKUPS[key][wanted]
    return None


def _check_keys(file_name: str, mapping: dict[str, str] | None, template_key: str | None) -> None:
    if not mapping:
        return
    templates = [TEMPLATES[template_key]] if template_key in TEMPLATES else list(TEMPLATES.values())
    known = {c.key for t in templates for c in t.columns}
    for key in mapping:
        if key not in known:
            fields = "、".join(dict.fromkeys(c.header for t in templates for c in t.columns))
            what = f"“{TEMPLATES[template_key].title}”" if template_key in TEMPLATES else "报表模板"
            raise UploadError(f"{file_name}：列对应中的字段“{key}”不是{what}的列；可对应的字段：{fields}",
                              f"{file_name}: column mapping names unknown field {key!r}")


def _row_with(head: list[tuple[int, list[str | None]]], texts) -> int | None:
    """The first row holding every mapped header text (a saved mapping finds its header row this way)."""
    wanted = {norm(t) for t in texts}
    for row_no, row in head[:HEAD_ROWS * 3]:
        if wanted <= {norm(v) for v in row if _clean(v)}:
            return row_no
    return None


def _at_row(file_name: str, head: list[tuple[int, list[str | None]]], header_row: int,
            chosen: bool) -> tuple[int, int, int, list[HeaderCell]]:
    """The header at the row the analyst named, with the next row when the two make a two-row header."""
    index = next((i for i, (n, _) in enumerate(head) if n == header_row), None)
    if index is None or not any(_clean(v) for v in head[index][1]):
        last = head[-1][0] if head else 0
        why = "是空行" if index is not None else f"不在可作为表头的前 {last} 行中"
        raise UploadError(f"{file_name}：指定的表头行第{header_row}行{why}；请指定列名所在的行",
                          f"{file_name}: header row {header_row} is blank or beyond the first rows")
    templates = list(TEMPLATES.values())
    cells = _single(head[index][1])
    score = len(_best(cells, templates).columns)
    if index + 1 < len(head) and head[index + 1][0] == header_row + 1 and any(_clean(v) for v in head[index + 1][1]):
        below = _single(head[index + 1][1])
        joined = _two_rows(head[index][1], head[index + 1][1])
        two = len(_best(joined, templates).columns)
        if two > max(score, len(_best(below, templates).columns)):
            return two, header_row, header_row + 1, joined
    return score, header_row, header_row, cells


def _mapped(file_name: str, cells: list[HeaderCell], mapping: dict[str, str] | None, first_row: int,
            last_row: int) -> dict[str, int]:
    """The analyst's mapping (key → header text) as key → cell index; a text not in the header row is an error."""
    out: dict[str, int] = {}
    for key, text in (mapping or {}).items():
        index = _find_cell(cells, text)
        if index is None:
            found = reading(cells, _best(cells, list(TEMPLATES.values())), first_row, last_row)
            shown = "、".join(c.name for c in found.columns)
            raise UploadError(f"{file_name}：列对应中的列名“{text}”不在第{last_row}行表头中（表头：{shown}）；"
                              "请从表头中选择", f"{file_name}: mapped header {text!r} is not in the header row", found)
        if index in out.values():
            other = next(k for k, i in out.items() if i == index)
            raise UploadError(f"{file_name}：列对应中“{text}”同时对应了“{other}”和“{key}”两个字段；一列只能对应一个字段",
                              f"{file_name}: column {text!r} is mapped to both {other} and {key}")
        out[key] = index
    return out


_NTH = re.compile(r"^第(\d+)列")


def _find_cell(cells: list[HeaderCell], text: str) -> int | None:
    text = _clean(text)
    for same in (lambda c: c.text == text, lambda c: norm(c.text) == norm(text) and norm(text),
                 lambda c: norm(text) in {norm(t) for t in c.candidates} and norm(text)):
        index = next((i for i, c in enumerate(cells) if same(c)), None)
        if index is not None:
            return index
    nth = _NTH.match(text)  # 第5列（无表头）: a column without a header text
    if nth and 1 <= int(nth.group(1)) <= len(cells):
        return int(nth.group(1)) - 1
    return None


def _choose(file_name: str, cells: list[HeaderCell], detected: Match, template_key: str | None,
            mapped: dict[str, int] | None = None) -> Match:
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
        chosen = match(cells, TEMPLATES[template_key], mapped)
    else:
        chosen = detected
    strays = [k for k in (mapped or {}) if k not in chosen.columns]
    if strays:
        raise UploadError(f"{file_name}：列对应中的字段 {'、'.join(strays)} 不是“{chosen.template.title}”的列",
                          f"{file_name}: mapped field(s) {strays} are not columns of {chosen.template.key}")
    missing = chosen.missing_required
    if missing:
        names = "、".join(f"“{h}”" for h in missing)
        raise UploadError(
            f"{file_name}：按“{chosen.template.title}”读取，缺少必填列 {names}；请补上这些列（可从报表模板复制表头），或在“列对应”中为其选择文件中的列",
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
    if header.chosen:
        notes.append(Note("header_row", f"按指定，第{header.first_row}行作为表头读取", 1, (header.first_row,)))
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
    if m.via_mapping:
        pairs = [(text, m.template.column(k).header) for k, text in m.via_mapping.items()]
        notes.append(Note("column_map", "按列对应读取：" + "；".join(f"“{a}”按“{b}”读取" for a, b in pairs),
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
