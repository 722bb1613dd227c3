"""Find the header row of an analyst's sheet and map its cells to template columns, aliases included.

Analysts retype headers: 年份 for 年度, 县市区 for 县（市、区）, a merged 后备干部 above 人数 and
其中30岁以下. Matching compares normalised text (NFKC, no whitespace, one bracket style, no
punctuation, unit parentheses dropped) against each template's own header, the aliases below and
the English key (for Parquet files written by a program).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from plan_monitor.spec.templates import TEMPLATES, Template
from plan_monitor.ingest.model import Note, UploadError

HEAD_ROWS = 20  # an analyst's title block is a few rows; a header lower than this is not a roster

# Variants analysts type for each template column, keyed by column key. The template's own header
# and the key itself always match too; the unit-stripping in _norm makes "(人)" "(个)" "(万元)" optional.
ALIASES: dict[str, tuple[str, ...]] = {
    "year": ("年度", "年份", "统计年度", "数据年度", "所属年度", "报送年度", "年"),
    "as_of": ("统计截至", "统计截止", "截止日期", "截至日期", "数据截至", "数据截止", "统计时间", "统计日期",
              "统计截至日期", "统计截止日期", "截至时间", "截止时间", "数据截止日期", "数据截至日期"),
    "county": ("县（市、区）", "县市区", "县(市区)", "县区", "所属县市区", "所属县（市、区）", "县（市、区）名称",
               "县市", "县（市、区、功能区）", "县（市、区）/功能区"),
    "town": ("乡镇（街道）", "乡镇", "街道", "乡镇街道", "所属乡镇", "所属乡镇（街道）", "乡镇（街道）名称", "镇（街道）",
             "乡镇/街道", "乡镇名称"),
    "village": ("村（社区）", "村社区", "村名", "村（社区）名称", "村", "社区名称", "村名称", "村/社区", "村（居）",
                "行政村", "村居", "村（社区）名"),
    "unit_type": ("村社区类型", "村（社区）类型", "类别"),
    "demo_year": ("示范命名年度", "命名年度", "命名年份", "示范年度", "示范命名年份", "命名时间"),
    "income_wan": ("村集体经济收入（万元）", "村集体经济收入", "集体经济收入（万元）", "集体经济收入", "村集体经济收入(万元)",
                   "村级集体经济收入", "村集体收入", "集体收入", "村集体经济收入（万）", "集体经济收入（万）"),
    "reserve_cadres": ("后备干部人数", "后备干部数", "后备干部（人）", "后备干部", "村级后备干部人数", "后备干部总数",
                       "后备干部人数合计", "后备干部总人数"),
    "reserve_cadres_u30": ("其中30岁以下", "30岁以下后备干部", "其中30岁以下后备干部人数", "30岁以下后备干部人数",
                           "其中30岁以下人数", "30岁以下", "30岁以下人数", "其中：30岁以下", "后备干部其中30岁以下",
                           "30岁以下后备干部数"),
    "town_type": ("乡镇类型", "乡镇（街道）类型", "类别"),
    "has_smart_platform": ("是否建成综合服务智慧平台", "是否建成智慧平台", "智慧平台", "综合服务智慧平台", "是否建成平台",
                           "是否建成党建引领基层治理综合服务智慧平台", "智慧平台是否建成"),
    "is_dense_center": ("是否中心城区人口密集街道", "中心城区人口密集街道", "是否人口密集街道", "人口密集街道",
                        "是否中心城区街道"),
    "secretary_reserves": ("党委书记后备人选人数", "党委书记后备人选", "书记后备人选人数", "书记后备人选",
                           "党委书记后备人数", "党委书记后备人选数"),
    "shared_sites": ("党建共享阵地数（个，累计）", "党建共享阵地数", "共享阵地数", "党建共享阵地", "累计建成党建共享阵地数"),
    "brand_projects": ("卓越党建品牌项目数（个，累计）", "卓越党建品牌项目数", "党建品牌项目数", "品牌项目数",
                       "卓越党建品牌项目"),
    "certified_workers_u50": ("50岁以下持证城市社区工作者数（人）", "50岁以下持证城市社区工作者数",
                              "50岁以下持证社区工作者数", "50岁以下持证城市社区工作者", "持证城市社区工作者数（50岁以下）"),
    "party_workers": ("基层党务工作者总数（人）", "基层党务工作者总数", "党务工作者总数", "基层党务工作者人数",
                      "党务工作者人数", "基层党务工作者数"),
    "party_workers_trained": ("已完成轮训党务工作者数（人，累计）", "已完成轮训党务工作者数", "已轮训党务工作者数",
                              "轮训党务工作者数", "已轮训人数", "已完成轮训人数"),
}

# 是否示范 names the level, and a village file must not pass for a town file because of it.
DEMO_ALIASES: dict[str, tuple[str, ...]] = {
    "village": ("是否示范村", "示范村", "是否示范村（社区）", "是否为示范村", "是否市级示范村", "示范村（社区）",
                "是否为示范村（社区）", "是否示范社区"),
    "town": ("是否示范乡镇", "示范乡镇", "是否示范街道", "是否示范乡镇（街道）", "示范乡镇（街道）", "是否为示范乡镇"),
    "county": ("是否示范县", "示范县", "是否示范县市区", "示范县（市、区）", "是否为示范县"),
}
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
        names = (col.header, col.key, *ALIASES.get(col.key, ()))
        if col.key == "is_demo":
            names += DEMO_ALIASES.get(template.key, ()) + GENERIC_DEMO
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
