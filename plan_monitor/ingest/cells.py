"""Cell texts as analysts type them → typed Arrow columns, column-wise with pyarrow.compute.

Every change is counted in a NoteLog (so the report can say what was done, where, with an example)
and every text that cannot be read becomes null plus an Issue; nothing is changed silently.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.ingest.distinct import Distinct
from plan_monitor.ingest.model import Issue, Note
from plan_monitor.spec.templates import NO, YES, Column

NAME_KEYS = ("county", "town", "village")  # spaces inside a place name are always typing slips
EXAMPLE_ROWS = 5  # row numbers listed per note

TRUE_TEXTS = (*YES, "√", "✓", "✔", "☑", "y", "yes", "1", "true", "对")
FALSE_TEXTS = (*NO, "×", "✗", "✘", "☒", "x", "n", "no", "0", "false", "错")

_ANY_SPACE = r"[\s\p{Z}\x{FEFF}]+"
# Characters that show nothing but change what a name is: zero-width spaces and joiners, the word joiner, the BOM,
# the soft hyphen and the bidirectional controls (a right-to-left override makes 谭场村 display as another name).
# Removed at the door, each cell listed. U+200C/U+200D join characters in some scripts, never in Chinese names.
INVISIBLE = r"[\x{00AD}\x{061C}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{2064}\x{2066}-\x{2069}\x{FEFF}]"
# Control characters no cell should hold (tab, line feed and carriage return are spaces to trim, not controls):
# refused, the cell named. They break every Excel export (openpyxl refuses them) and terminals.
CONTROL = r"[\x{0}-\x{8}\x{B}\x{C}\x{E}-\x{1F}\x{7F}-\x{9F}]"
_CONTROL_PY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INVISIBLE_PY = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Texts clean_text leaves as they are: printable ASCII without space and the CJK unified ideographs (basic block and
# extension A), which have no NFKC mapping, compose with nothing, and are neither spaces, controls nor invisible.
_PLAIN = r"^[\x{21}-\x{7E}\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}]*$"
_PLACEHOLDER = r"^[-—–―－/\\~～]+$"  # an analyst's "not applicable"; the cell is blank
# Texts that say "no value" in a number or date column (after NFKC, so full-width ＮＡ matches too): blank, noted.
_MISSING_TEXT = r"(?i)^(na|n/a|n\.a\.|null|none|nan|#n/a|无|空|暂无)$"
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?\D*$"
_YEAR_SUFFIX = r"^(\d{4})\s*年度?$"
_DATE = (r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
         r"(?:\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")  # a time of day, as Excel exports a datetime, is dropped
_DATE_COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"
_MONTH = r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*月?$"
_SERIAL = r"^\d{5}(\.0+)?$"  # Excel's day count (45473 is 2024-06-30); 5 digits is 1927–2173
_EXCEL_EPOCH_OFFSET = 25569  # days from Excel's 1899-12-30 to 1970-01-01

_LABELS = {
    "invisible": "零宽空格、双向控制符等不可见字符已删除",
    "whitespace": "首尾空格（含全角空格）和名称中的空格已删除",
    "fullwidth": "全角数字、字母、标点已转为半角",
    "placeholder": "“—”“/”等占位符按空白读取",
    "missing_text": "“NA”“N/A”“NULL”“无”等按空白（未填报）读取，不计为 0",
    "thousands": "数字中的千位分隔符已删除",
    "unit_suffix": "数字后与本列单位相同的单位已删除",
    "bool_symbol": "√、×、Y、N、1、0 等已按“是”“否”读取",
    "year_suffix": "年份后的“年”已删除",
    "date_format": "日期已按标准格式（如 2024-06-30）读取",
    "date_month": "只填到月份的日期按当月最后一天读取",
}


@dataclass
class _Tally:
    count: int = 0
    rows: set[int] = field(default_factory=set)
    columns: list[str] = field(default_factory=list)
    example: tuple[int, str, str, str] | None = None  # row, column, before, after


class At:
    """Where a column's results land in the file. A column is normalised once per distinct text (ingest.distinct):
    results are per distinct value, and `spread` gives them back per row, whose file row numbers are `rows`."""

    def __init__(self, rows: pa.Array, distinct: Distinct | None = None):
        self.rows = rows
        self.distinct = distinct

    def spread(self, values: pa.Array) -> pa.Array:
        return values if self.distinct is None else self.distinct.expand(values)

    def where(self, mask: pa.Array) -> pa.Array:
        """Row positions where a per-value mask holds."""
        return pc.indices_nonzero(pc.fill_null(self.spread(mask), False))

    def take(self, values: pa.Array, positions: pa.Array) -> pa.Array:
        """Per-value results at row positions."""
        return pc.take(values, positions) if self.distinct is None else self.distinct.take(values, positions)


class NoteLog:
    """Changes per kind across all columns, turned into one Note per kind."""

    def __init__(self) -> None:
        self._tallies: dict[str, _Tally] = {}

    def record(self, kind: str, before: pa.Array, after: pa.Array, at: At, column: str) -> None:
        changed = pc.fill_null(pc.not_equal(before, after), False)
        if isinstance(after, pa.Array) and after.null_count:
            changed = pc.or_(changed, pc.and_(pc.is_valid(before), pc.is_null(after)))
        if not pc.any(changed).as_py():
            return
        changed = at.spread(changed)
        count = pc.sum(changed).as_py() or 0
        where = pc.indices_nonzero(changed)
        tally = self._tallies.setdefault(kind, _Tally())
        tally.count += count
        tally.columns.append(column)
        first = where[:EXAMPLE_ROWS]
        tally.rows.update(pc.take(at.rows, first).to_pylist())
        if tally.example is None:
            i = first[:1]
            shown = at.take(after, i)[0].as_py()
            tally.example = (at.rows[i[0].as_py()].as_py(), column, at.take(before, i)[0].as_py(),
                             "" if shown is None else str(shown))

    def notes(self) -> list[Note]:
        out = []
        for kind, t in self._tallies.items():
            row, column, before, after = t.example
            message = (f"{_LABELS[kind]}：{t.count} 处，涉及列 {'、'.join(t.columns)}"
                       f"（如 第{row}行“{column}”：“{before}” → “{after}”）")
            out.append(Note(kind, message, t.count, tuple(sorted(t.rows)[:EXAMPLE_ROWS])))
        return out


@dataclass
class ColumnResult:
    values: pa.Array
    issues: list[Issue]


def normalise(col: Column, raw: pa.Array, rows: pa.Array, header: str, log: NoteLog,
              distinct: Distinct | None = None) -> ColumnResult:
    """One column of cell texts (nulls for empty cells) → its template type, with notes and issues. The work runs
    once per distinct text (ingest.distinct); notes and issues still count and name every row. `distinct`: raw's
    Distinct when already made."""
    distinct = Distinct(raw) if distinct is None else distinct
    at = At(rows, distinct if distinct.indices is not None else None)
    values, issues = _normalise(col, distinct.values, at, header, log)
    return ColumnResult(at.spread(values), issues)


def _normalise(col: Column, raw: pa.Array, at: At, header: str, log: NoteLog) -> tuple[pa.Array, list[Issue]]:
    door: list[Issue] = []
    text = clean_text(raw, at, header, log, names=col.key in NAME_KEYS, issues=door)
    if col.dtype == "str":
        return text, door
    text = _replace(text, _PLACEHOLDER, None, "placeholder", at, header, log)
    if col.dtype != "bool":  # 无 in a yes/no column is an answer (否), not a blank; there it stays unreadable
        text = _replace(text, _MISSING_TEXT, None, "missing_text", at, header, log)
    if col.is_year:
        values = _year(text, at, header, log)
    elif col.dtype in ("int", "float"):
        values = _number(text, at, header, log, _unit_pattern(col), col.dtype == "int")
    elif col.dtype == "bool":
        values = _bool(text, at, header, log)
    else:
        values = _date(text, at, header, log)
    return values, door + _issues(raw, text, values, at, header, col)


def clean_text(raw: pa.Array, at: At, header: str, log: NoteLog, names: bool = False,
               issues: list[Issue] | None = None) -> pa.Array:
    """Control characters refused (the cell becomes null, an error in `issues`), invisible characters removed (a
    note and a warning per cell), outer spaces (and, in names, all spaces) removed, full-width forms made half-width
    (NFKC), '' → null."""
    if _plain(raw):  # nothing to refuse, remove, trim or fold (village names): only '' → null
        return pc.if_else(pc.equal(raw, ""), pa.scalar(None, pa.string()), raw)
    return _cleaned(raw, at, header, log, names, issues)


def _cleaned(raw: pa.Array, at: At, header: str, log: NoteLog, names: bool = False,
             issues: list[Issue] | None = None) -> pa.Array:
    """clean_text, every pass run."""
    raw = _door(raw, at, header, log, issues if issues is not None else [])
    trimmed = pc.utf8_trim_whitespace(raw)
    if names:
        trimmed = pc.replace_substring_regex(trimmed, _ANY_SPACE, "")
    log.record("whitespace", raw, trimmed, at, header)
    half = pc.utf8_normalize(trimmed, "NFKC")
    log.record("fullwidth", trimmed, half, at, header)
    return pc.if_else(pc.equal(half, ""), pa.scalar(None, pa.string()), half)


def _plain(raw: pa.Array) -> bool:
    """Whether every text is _PLAIN (nulls aside): then the door, the trims and NFKC would change none of them, and
    one regex pass replaces their five passes and comparisons. The texts are matched as one text (joined with no
    separator: _PLAIN is one character class repeated), a third of the time of matching 200,000 texts one by one."""
    if not pa.types.is_string(raw.type):
        return False
    return not len(raw) or bool(pc.match_substring_regex(joined(raw), _PLAIN)[0].as_py())


def joined(texts: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A column of strings as one text (nulls as empty texts), in an array of one: a pattern that is one character
    class repeated, or one character searched for, holds for every text (some text) exactly when it holds for
    this one text, and one match of it costs a third of 200,000 matches."""
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    whole = pa.ListArray.from_arrays(pa.array([0, len(texts)], pa.int32()), pc.fill_null(texts, ""))
    return pc.binary_join(whole, "")


def _codes(text: str, pattern: re.Pattern) -> str:
    return "、".join(sorted({f"U+{ord(ch):04X}" for ch in pattern.findall(text)}))


def _door(raw: pa.Array, at: At, header: str, log: NoteLog, issues: list[Issue]) -> pa.Array:
    control = pc.fill_null(pc.match_substring_regex(raw, CONTROL), False)
    if pc.any(control).as_py():
        where = at.where(control)
        for row, value in zip(pc.take(at.rows, where).to_pylist(), at.take(raw, where).to_pylist()):
            issues.append(Issue("error", "control_char",
                                f"含有控制字符 {_codes(value, _CONTROL_PY)}（不可见，无法入库）；请删除该字符后重新上传"
                                "（常见于从网页或其他系统复制的内容）", row, header, value))
        raw = pc.if_else(control, pa.scalar(None, pa.string()), raw)
    invisible = pc.fill_null(pc.match_substring_regex(raw, INVISIBLE), False)
    if pc.any(invisible).as_py():
        cleaned = pc.replace_substring_regex(raw, INVISIBLE, "")
        log.record("invisible", raw, cleaned, at, header)
        where = at.where(invisible)
        for row, value, after in zip(pc.take(at.rows, where).to_pylist(), at.take(raw, where).to_pylist(),
                                     at.take(cleaned, where).to_pylist()):
            issues.append(Issue("warning", "invisible_char",
                                f"含有不可见字符 {_codes(value, _INVISIBLE_PY)}（零宽空格或文字方向控制符），已删除，"
                                f"按“{after}”读取；请核对", row, header, value))
        raw = cleaned
    return raw


def numbers_quietly(raw: pa.Array, col: Column) -> pa.Array:
    """A column read as numbers with no notes or issues (for 合计 rows, which are checked, not stored)."""
    log = NoteLog()
    at = At(pa.array(range(len(raw)), pa.int64()))
    text = clean_text(raw, at, "", log)
    return _number(text, at, "", log, _unit_pattern(col), False)


def _replace(text, pattern, replacement, kind, at, header, log) -> pa.Array:
    hit = pc.fill_null(pc.match_substring_regex(text, pattern), False)
    if replacement is None:
        out = pc.if_else(hit, pa.scalar(None, pa.string()), text)
    else:
        out = pc.if_else(hit, pc.replace_substring_regex(text, pattern, replacement), text)
    log.record(kind, text, out, at, header)
    return out


def _unit_pattern(col: Column) -> str:
    if "万元" in col.header:
        return r"\s*万元?$"
    return r"\s*(个|人|名|家|项|次)$"


def _as_float(text: pa.Array) -> pa.Array:
    """Number texts → floats; anything else, and a number too large to hold (1e400 reads as infinity), → null."""
    ok = pc.fill_null(pc.match_substring_regex(text, _NUMBER), False)
    values = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.float64())
    return pc.if_else(pc.fill_null(pc.is_finite(values), False), values, pa.scalar(None, pa.float64()))


def _number(text, at, header, log, unit: str, integer: bool) -> pa.Array:
    has_sep = pc.fill_null(pc.match_substring_regex(text, _THOUSANDS), False)
    no_sep = pc.if_else(has_sep, pc.replace_substring(text, ",", ""), text)
    log.record("thousands", text, no_sep, at, header)
    # Only a unit equal to the column's own is dropped: "253000元" in a 万元 column stays unreadable.
    unit_hit = pc.fill_null(pc.match_substring_regex(no_sep, r"^[+-]?(\d+\.?\d*|\.\d+)" + unit), False)
    bare = pc.if_else(unit_hit, pc.replace_substring_regex(no_sep, unit, ""), no_sep)
    log.record("unit_suffix", no_sep, bare, at, header)
    values = _as_float(bare)
    return _whole(values) if integer else values


def _whole(values: pa.Array) -> pa.Array:
    """Floats → int64 where they are whole (Excel stores 12 as 12.0); 12.5 becomes null (an Issue)."""
    whole = pc.and_(pc.equal(values, pc.floor(values)), pc.less_equal(pc.abs(values), 2.0**53))
    return pc.cast(pc.if_else(whole, values, pa.scalar(None, pa.float64())), pa.int64())


def _year(text, at, header, log) -> pa.Array:
    bare = _replace(text, _YEAR_SUFFIX, r"\1", "year_suffix", at, header, log)
    return _four_digits(_whole(_as_float(bare)))


def _four_digits(years: pa.Array) -> pa.Array:
    """Years 1000–9999 only: 21023 or -31 is a typo (an Issue), and no date can be built from it."""
    ok = pc.and_(pc.greater_equal(years, 1000), pc.less_equal(years, 9999))
    return pc.if_else(pc.fill_null(ok, False), years, pa.scalar(None, years.type))


def _bool(text, at, header, log) -> pa.Array:
    lowered = pc.utf8_lower(text)
    yes = pc.is_in(lowered, pa.array(TRUE_TEXTS))
    no = pc.is_in(lowered, pa.array(FALSE_TEXTS))
    values = pc.if_else(yes, True, pc.if_else(no, False, pa.scalar(None, pa.bool_())))
    symbol = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(text, pa.array(YES + NO))))
    shown = pc.if_else(symbol, pc.if_else(values, "是", "否"), text)
    log.record("bool_symbol", text, shown, at, header)
    return values


def _date(text, at, header, log) -> pa.Array:
    iso = pc.fill_null(pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}$"), False)
    parts = [_ymd(text, _DATE), _ymd(text, _DATE_COMPACT)]
    y = pc.coalesce(*(p[0] for p in parts))
    m = pc.coalesce(*(p[1] for p in parts))
    d = pc.coalesce(*(p[2] for p in parts))
    values = _from_ymd(y, m, d)
    serial = pc.fill_null(pc.match_substring_regex(text, _SERIAL), False)
    if pc.any(serial).as_py():
        days = pc.subtract(pc.cast(pc.cast(pc.if_else(serial, text, None), pa.float64()), pa.int64()),
                           _EXCEL_EPOCH_OFFSET)
        values = pc.coalesce(values, pc.cast(pc.cast(days, pa.int32()), pa.date32()))
    month = pc.fill_null(pc.match_substring_regex(text, _MONTH), False)
    if pc.any(month).as_py():
        y, m, _ = _ymd(text, _MONTH)
        month_values = _from_ymd(y, m, _month_length(y, pc.if_else(_valid_month(m), m, 1)))
        log.record("date_month", pc.if_else(month, text, None), pc.cast(month_values, pa.string()), at, header)
        values = pc.coalesce(values, month_values)
    reformatted = pc.and_(pc.is_valid(values), pc.and_(pc.invert(iso), pc.invert(month)))
    shown = pc.if_else(reformatted, pc.cast(values, pa.string()), text)
    log.record("date_format", text, shown, at, header)
    return values


def _ymd(text: pa.Array, pattern: str) -> tuple[pa.Array, pa.Array, pa.Array | None]:
    found = pc.extract_regex(text, pattern)
    names = {found.type.field(i).name for i in range(found.type.num_fields)}
    return tuple(pc.cast(pc.if_else(pc.is_valid(found), pc.struct_field(found, k), None), pa.int64())
                 if k in names else None for k in ("y", "m", "d"))


def _valid_month(m: pa.Array) -> pa.Array:
    return pc.and_(pc.greater_equal(m, 1), pc.less_equal(m, 12))


def _month_length(y: pa.Array, m: pa.Array) -> pa.Array:
    lengths = pc.take(pa.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], pa.int64()), m)
    leap = pc.and_(pc.equal(_mod(y, 4), 0), pc.or_(pc.not_equal(_mod(y, 100), 0), pc.equal(_mod(y, 400), 0)))
    return pc.add(lengths, pc.cast(pc.and_(leap, pc.equal(m, 2)), pa.int64()))


def _from_ymd(y: pa.Array, m: pa.Array, d: pa.Array) -> pa.Array:
    """Dates from parts, null where the day does not exist (2024-02-30), which strptime would roll over."""
    y = _four_digits(y)  # 0001-01-01 would be cast from "1-01-01" and fail
    month_ok = _valid_month(m)
    lengths = _month_length(y, pc.if_else(month_ok, m, 1))
    ok = pc.and_(month_ok, pc.and_(pc.greater_equal(d, 1), pc.less_equal(d, lengths)))
    iso = pc.binary_join_element_wise(
        pc.cast(y, pa.string()),
        pc.utf8_lpad(pc.cast(m, pa.string()), 2, "0"),
        pc.utf8_lpad(pc.cast(d, pa.string()), 2, "0"),
        "-",
    )
    iso = pc.if_else(pc.fill_null(ok, False), iso, pa.scalar(None, pa.string()))
    return pc.cast(iso, pa.date32())


def _mod(values: pa.Array, n: int) -> pa.Array:
    return pc.subtract(values, pc.multiply(pc.divide(values, n), n))  # integer divide truncates


def _issues(raw, text, values, at: At, header: str, col: Column) -> list[Issue]:
    bad = pc.fill_null(pc.and_(pc.is_valid(text), pc.is_null(values)), False)
    if not pc.any(bad).as_py():
        return []
    where = at.where(bad)
    typed = at.take(raw, where).to_pylist()
    seen = at.take(text, where).to_pylist()
    rows = pc.take(at.rows, where).to_pylist()
    return [Issue("error", "bad_value", explain(col, shown, typed_text), row, header, typed_text)
            for row, shown, typed_text in zip(rows, seen, typed)]


def explain(col: Column, text: str, typed: str) -> str:
    """Why a cell could not be read, and what to type instead (Chinese, for the analyst)."""
    quoted = f"“{typed}”"
    if col.is_year:
        return f"{quoted}不是年份，请填写四位数字年份，如 2023"
    if col.dtype == "bool":
        return f"{quoted}无法识别为是/否，请填写“是”或“否”"
    if col.dtype == "date":
        return f"{quoted}不是有效日期，请按 2024-06-30 格式填写"
    if re.match(_NUMBER, text.replace(",", "")) and not math.isfinite(float(text.replace(",", ""))):
        return f"{quoted}超出可计算的数值范围，请填写实际数值"
    if text.lower().lstrip("+-") in ("inf", "infinity", "∞"):
        return f"{quoted}不是有限数值，请填写实际数值"
    if "%" in text:
        return f"{quoted}是百分数，本列应填写{'整数' if col.dtype == 'int' else '数值'}"
    if "万元" in col.header and re.search(r"\d\s*元$", text):
        return f"{quoted}的单位是元，本列单位为万元，请换算为万元后填写（如 253000元 填 25.3）"
    if col.dtype == "int" and re.match(_NUMBER, text.replace(",", "")):
        return f"{quoted}不是整数，本列应填写整数"
    return f"{quoted}不是数字，请填写阿拉伯数字"


def parse_share(texts: pa.Array | list[str | None]) -> tuple[pa.Array, Note | None]:
    """Shares typed as "65%", "65" or "0.65" → fractions in 0..1, and a Note saying how bare numbers were read.

    Bare numbers are percentages when any of them is above 1 (nobody writes 0.65 and 65 for the same
    measure in one column); otherwise they are fractions already. Unreadable texts become null.
    """
    arr = texts if isinstance(texts, (pa.Array, pa.ChunkedArray)) else pa.array(texts, pa.string())
    text = pc.utf8_normalize(pc.utf8_trim_whitespace(arr), "NFKC")
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    percent = pc.fill_null(pc.match_substring_regex(text, r"^[+-]?(\d+\.?\d*|\.\d+)\s*%$"), False)
    from_percent = pc.divide(_as_float(pc.replace_substring_regex(text, r"\s*%$", "")), 100.0)
    bare = _as_float(pc.if_else(percent, pa.scalar(None, pa.string()), text))
    as_percent = (pc.max(bare).as_py() or 0) > 1
    bare_values = pc.divide(bare, 100.0) if as_percent else bare
    values = pc.if_else(percent, from_percent, bare_values)
    n_percent = pc.sum(percent).as_py() or 0
    n_bare = pc.count(bare).as_py()
    parts = []
    if n_percent:
        parts.append(f"带 % 的 {n_percent} 个值已转为小数（如 65% → 0.65）")
    if n_bare:
        parts.append(f"不带 % 的 {n_bare} 个值按百分数读取（有值大于 1，如 65 → 0.65）" if as_percent
                     else f"不带 % 的 {n_bare} 个值按小数读取（均不大于 1，如 0.65 即 65%）")
    note = Note("percent", "；".join(parts), n_percent + n_bare) if parts else None
    return values, note
