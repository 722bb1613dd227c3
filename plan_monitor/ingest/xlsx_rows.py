"""An .xlsx workbook as rows of cell texts, read straight from its XML parts with every bound checked first.

An .xlsx is a zip of XML parts. Before anything is decompressed, the size of every part and its compression ratio
are checked (a 1 MB file must not unpack to gigabytes: zip bombs of one huge part or of many parts); the shared
strings are read with their size, count and length bounded; each sheet is then streamed (ElementTree's pull
parser, rows dropped as soon as they are read) with its declared <dimension>, the filled rows, the filled columns
and each cell's length bounded. Only filled cells are kept, so a sheet of a million empty rows costs time in
proportion to its XML and no memory. This is also several times faster than openpyxl's read-only mode.

Cells become the text Excel would show for them: 12.0 → "12", a date cell → "2024-06-30", Excel's _x0007_
escapes decoded (so a control character typed into a cell is seen, and refused, by ingest.cells). Merged cells
keep their value in the top-left cell only, which is what header.py's forward fill expects.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from itertools import islice
from xml.etree.ElementTree import ParseError, iterparse
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from plan_monitor.ingest import model
from plan_monitor.ingest.model import UploadError
from plan_monitor.ingest.sheet import Body, body_from_rows, too_many_rows

HEAD_RECORDS = 60
ROW_SLACK = 100  # filled rows beyond max_rows that may still be 合计, 小计 or note rows, not data
SMALL_PART_BYTES = 16 * 1024 * 1024  # workbook.xml, styles.xml, relationship parts
RATIO_FLOOR = 1024 * 1024  # parts smaller than this are never bombs, whatever their ratio
CHUNK = 1 << 16

_MAIN = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
_REL_DOC = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            "http://purl.oclc.org/ooxml/officeDocument/relationships")
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_BROKEN = (expat.ExpatError, zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ParseError, ValueError, IndexError, TypeError,
           zlib.error, EOFError, NotImplementedError, RuntimeError, OSError)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _unescape(text: str) -> str:
    """Excel's _xHHHH_ escapes (how it stores a character XML cannot hold, such as a control character)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def column_index(letters: str, _cache: dict[str, int] = {}) -> int:  # noqa: B006 - a deliberate memo
    """A → 1, Z → 26, AA → 27."""
    found = _cache.get(letters)
    if found is None:
        found = 0
        for ch in letters.upper():
            found = found * 26 + ord(ch) - 64
        if len(_cache) < 20_000:
            _cache[letters] = found
    return found


def column_letters(index: int) -> str:
    out = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _mb(n: int) -> str:
    return f"{n / 1048576:,.1f} MB"


class XlsxSheets:
    """Every worksheet's first rows; the body is then streamed from the one chosen."""

    def __init__(self, file_name: str, data: bytes):
        self.file_name = file_name
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except _BROKEN as exc:
            raise self._corrupt(exc) from exc
        try:
            self._check_parts()
            workbook = self._workbook_path()
            sheets, strings_path, styles_path, epoch = self._workbook(workbook)
            self._epoch = epoch
            self._strings = self._shared_strings(strings_path) if strings_path else []
            self._dates, self._durations = self._date_styles(styles_path) if styles_path else (set(), set())
            self.sheets: list[tuple[str, list[tuple[int, list[str | None]]], Iterator]] = []
            for title, path in sheets:
                rows = self._rows(title, path)
                head, first_after = _head(rows)
                self.sheets.append((title, head, _prepend(first_after, rows)))
        except UploadError:
            self.close()
            raise
        except _BROKEN as exc:
            self.close()
            raise self._corrupt(exc) from exc

    def close(self) -> None:
        self._zip.close()

    # ------------------------------------------------------------------ bounds

    def _refuse(self, zh: str, en: str) -> UploadError:
        return UploadError(f"{self.file_name}：{zh}", f"{self.file_name}: {en}")

    def _corrupt(self, exc: Exception) -> UploadError:
        return UploadError(f"{self.file_name}：无法作为 Excel（.xlsx）文件打开，文件可能已损坏或不是 Excel 文件；"
                           "请在 Excel/WPS 中打开后另存为 .xlsx 再上传",
                           f"{self.file_name}: cannot open as xlsx: {type(exc).__name__}: {exc}")

    def _check_parts(self) -> None:
        """Declared sizes of every part, before any is decompressed (reads stop at the declared size: zipfile
        checks it, so a part cannot unpack to more than it declares)."""
        parts = self._zip.infolist()
        if len(parts) > model.MAX_ZIP_MEMBERS:
            raise self._refuse(f"文件由 {len(parts):,} 个部件组成，超过上限 {model.MAX_ZIP_MEMBERS:,} 个（疑为“压缩炸弹”，"
                               "不是正常的 Excel 文件）；请在 Excel/WPS 中打开后另存为 .xlsx 再上传",
                               f"{len(parts)} zip members, over the {model.MAX_ZIP_MEMBERS} limit")
        total = 0
        for part in parts:
            size, packed = part.file_size, max(part.compress_size, 1)
            if size > model.MAX_PART_BYTES:
                raise self._refuse(f"其中的部件“{part.filename}”解压后 {_mb(size)}，超过单个部件上限 "
                                   f"{_mb(model.MAX_PART_BYTES)}（疑为“压缩炸弹”）；请删除无关内容或拆分后上传",
                                   f"member {part.filename} unpacks to {size} bytes, over {model.MAX_PART_BYTES}")
            if size > RATIO_FLOOR and size > model.MAX_RATIO * packed:
                raise self._refuse(f"其中的部件“{part.filename}”压缩了 {size / packed:,.0f} 倍（{_mb(packed)} 解压后 "
                                   f"{_mb(size)}），超过上限 {model.MAX_RATIO} 倍（疑为“压缩炸弹”，如大量空行）；"
                                   "请在 Excel/WPS 中删除多余的空行空列，另存为 .xlsx 后上传",
                                   f"member {part.filename} ratio {size / packed:.0f}, over {model.MAX_RATIO}")
            total += size
        if total > model.MAX_UNZIPPED_BYTES:
            raise self._refuse(f"各部件解压后共 {_mb(total)}，超过上限 {_mb(model.MAX_UNZIPPED_BYTES)}（疑为“压缩炸弹”）；"
                               "请删除无关的工作表、图片，或拆分后上传",
                               f"members unpack to {total} bytes, over {model.MAX_UNZIPPED_BYTES}")

    def _small(self, path: str) -> bytes:
        info = self._zip.getinfo(path)
        if info.file_size > SMALL_PART_BYTES:
            raise self._refuse(f"其中的部件“{path}”解压后 {_mb(info.file_size)}，超过此类部件上限 {_mb(SMALL_PART_BYTES)}；"
                               "请在 Excel/WPS 中打开后另存为 .xlsx 再上传",
                               f"member {path} is {info.file_size} bytes, over {SMALL_PART_BYTES}")
        return self._zip.read(path)

    # ------------------------------------------------------------------ workbook structure

    def _rels(self, path: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, part path) for the part at `path`."""
        folder, name = posixpath.split(path)
        rels_path = posixpath.join(folder, "_rels", name + ".rels")
        if rels_path not in self._zip.NameToInfo:
            return {}
        out = {}
        for _, el in iterparse(io.BytesIO(self._small(rels_path))):
            if _local(el.tag) == "Relationship" and el.get("TargetMode") != "External":
                target = el.get("Target", "")
                full = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                out[el.get("Id", "")] = (el.get("Type", ""), posixpath.normpath(full))
        return out

    def _workbook_path(self) -> str:
        for kind, path in self._rels("").values():
            if kind.endswith("/officeDocument"):
                return path
        return "xl/workbook.xml"

    def _workbook(self, path: str) -> tuple[list[tuple[str, str]], str | None, str | None, datetime]:
        rels = self._rels(path)
        sheets: list[tuple[str, str]] = []
        epoch = CALENDAR_WINDOWS_1900
        for _, el in iterparse(io.BytesIO(self._small(path))):
            name = _local(el.tag)
            if name == "sheet":
                rid = next((el.get(f"{{{ns}}}id") for ns in _REL_DOC if el.get(f"{{{ns}}}id")), None)
                kind, target = rels.get(rid or "", ("", ""))
                if kind.endswith("/worksheet") and target in self._zip.NameToInfo:
                    sheets.append((el.get("name", ""), target))
            elif name == "workbookPr" and el.get("date1904") in ("1", "true"):
                epoch = CALENDAR_MAC_1904
        strings = next((p for k, p in rels.values() if k.endswith("/sharedStrings")), None)
        styles = next((p for k, p in rels.values() if k.endswith("/styles")), None)
        return (sheets, strings if strings in self._zip.NameToInfo else None,
                styles if styles in self._zip.NameToInfo else None, epoch)

    def _shared_strings(self, path: str) -> list[str]:
        info = self._zip.getinfo(path)
        if info.file_size > model.MAX_SHARED_BYTES:
            raise self._refuse(f"共享字符串部件（{path}）解压后 {_mb(info.file_size)}，超过上限 {_mb(model.MAX_SHARED_BYTES)}；"
                               "请删除无关的文字内容或按县（市、区）拆分后上传",
                               f"shared strings {info.file_size} bytes, over {model.MAX_SHARED_BYTES}")
        strings: list[str] = []
        parts: list[str] = []
        state = {"capture": False, "phonetic": False, "size": 0}
        local = _local_names()

        def too_long(size: int) -> UploadError:
            return self._refuse(f"有一个单元格文字长 {size:,} 个字符以上（第 {len(strings) + 1:,} 个共享字符串），超过单元格上限 "
                                f"{model.MAX_CELL_CHARS:,} 个字符；请删除或缩短该内容后上传",
                                f"shared string {len(strings) + 1} has {size} chars, over {model.MAX_CELL_CHARS}")

        def start(name, attrs):
            name = local(name)
            if name == "t":
                state["capture"] = not state["phonetic"]
            elif name == "si":
                parts.clear()
                state["size"] = 0
            elif name == "rPh":
                state["phonetic"] = True

        def end(name):
            name = local(name)
            if name == "t":
                state["capture"] = False
            elif name == "rPh":
                state["phonetic"] = False
            elif name == "si":
                text = _unescape("".join(parts))
                if len(text) > model.MAX_CELL_CHARS:
                    raise too_long(len(text))
                strings.append(text)
                if len(strings) > model.MAX_SHARED_STRINGS:
                    raise self._refuse(f"不同的文字内容超过 {model.MAX_SHARED_STRINGS:,} 个（共享字符串上限）；"
                                       "请按县（市、区）拆分后上传",
                                       f"more than {model.MAX_SHARED_STRINGS} shared strings")

        def chars(data):
            if state["capture"]:
                parts.append(data)
                state["size"] += len(data)
                if state["size"] > model.MAX_CELL_CHARS * 7:
                    raise too_long(state["size"])

        parser = _expat()
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, chars
        with self._zip.open(path) as fh:
            while chunk := fh.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        return strings

    def _date_styles(self, path: str) -> tuple[set[int], set[int]]:
        """Cell style indices whose number format is a date (openpyxl's rules), and those that are durations."""
        custom: dict[int, str] = {}
        xf_formats: list[int] = []
        depth_xfs = False
        for event, el in iterparse(io.BytesIO(self._small(path)), events=("start", "end")):
            name = _local(el.tag)
            if name == "cellXfs":
                depth_xfs = event == "start"
            elif event == "end" and name == "numFmt":
                try:
                    custom[int(el.get("numFmtId", "-1"))] = el.get("formatCode", "")
                except ValueError:
                    pass
            elif event == "end" and name == "xf" and depth_xfs:
                try:
                    xf_formats.append(int(el.get("numFmtId", "0")))
                except ValueError:
                    xf_formats.append(0)
        dates, durations = set(), set()
        for style, fmt_id in enumerate(xf_formats):
            fmt = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id))
            if fmt and is_date_format(fmt):
                dates.add(style)
                if is_timedelta_format(fmt):
                    durations.add(style)
        return dates, durations

    # ------------------------------------------------------------------ rows

    def _rows(self, title: str, path: str) -> Iterator[tuple[int, list[str | None]]]:
        """The sheet's rows that have a filled cell, as (row number, cell texts from column A); streamed with expat
        callbacks (three times faster than building elements), each chunk's complete rows yielded at once."""
        strings, dates, durations, epoch = self._strings, self._dates, self._durations, self._epoch
        limit_chars, limit_cols = model.MAX_CELL_CHARS, model.MAX_COLUMNS
        done: list[tuple[int, list[str | None]]] = []
        cells: dict[int, str] = {}
        parts: list[str] = []
        codes, learn = _element_codes()
        number = col = style = size = 0
        kind = None
        capture = phonetic = False

        def refuse_long(length: int) -> UploadError:
            where = f"{column_letters(col)}{number}"
            return self._refuse(f"工作表“{title}”单元格 {where} 的文字长 {length:,} 个字符以上，超过单元格上限 "
                                f"{limit_chars:,} 个字符；请删除或缩短该内容后上传",
                                f"sheet {title!r} cell {where}: over {limit_chars} chars")

        def start(name, attrs):
            nonlocal number, col, kind, style, size, capture, phonetic
            code = codes.get(name) or learn(name)
            if code == _C:
                ref = attrs.get("r")
                col = column_index(ref.rstrip("0123456789").strip("$")) if ref else col + 1
                kind = attrs.get("t")
                s = attrs.get("s")
                style = int(s) if s else 0
                size = 0
                parts.clear()
            elif code == _V:
                capture = kind != "inlineStr"
            elif code == _T:
                capture = kind == "inlineStr" and not phonetic
            elif code == _ROW:
                r = attrs.get("r")
                number = int(r) if r else number + 1
                col = 0
                cells.clear()
            elif code == _RPH:
                phonetic = True
            elif code == _DIMENSION:
                self._check_dimension(title, attrs.get("ref", ""))

        def end(name):
            nonlocal capture, phonetic
            code = codes.get(name) or learn(name)
            if code == _C:
                text = _cell(parts, kind, style, strings, dates, durations, epoch)
                if not text:
                    return
                if col > limit_cols:
                    where = f"{column_letters(col)}{number}"
                    raise self._refuse(f"工作表“{title}”单元格 {where} 有内容，位于第 {col:,} 列，超过上限 {limit_cols:,} 列；"
                                       "请删除表格右侧无关的内容后上传",
                                       f"sheet {title!r} cell {where}: column {col} over {limit_cols}")
                if len(text) > limit_chars:
                    raise refuse_long(len(text))
                cells[col] = text
            elif code == _V or code == _T:
                capture = False
            elif code == _ROW:
                if cells:
                    row: list[str | None] = [None] * max(cells)
                    for i, text in cells.items():
                        row[i - 1] = text
                    done.append((number, row))
            elif code == _RPH:
                phonetic = False

        def chars(data):
            nonlocal size
            if capture:
                parts.append(data)
                size += len(data)
                if size > limit_chars * 7:  # an escape (_x0041_) takes at most 7 characters for one
                    raise refuse_long(size)

        parser = _expat()
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, chars
        with self._zip.open(path) as fh:
            while chunk := fh.read(CHUNK):
                parser.Parse(chunk, False)
                if done:
                    yield from done
                    done.clear()
            parser.Parse(b"", True)
        yield from done

    def _check_dimension(self, title: str, ref: str) -> None:
        """The sheet's own statement of its used range, read before any row: an absurd one is refused at once."""
        first, _, last = ref.partition(":")
        a, b = _REF.match(first), _REF.match(last or first)
        if not a or not b:
            return  # no or an unreadable statement: the streaming bounds still hold
        rows = abs(int(b.group(2)) - int(a.group(2))) + 1
        cols = abs(column_index(b.group(1)) - column_index(a.group(1))) + 1
        if rows * cols > model.MAX_DECLARED_CELLS:
            raise self._refuse(f"工作表“{title}”声明的使用范围为 {ref}（{rows:,} 行 × {cols:,} 列），超过上限 "
                               f"{model.MAX_DECLARED_CELLS:,} 个单元格；请在 Excel/WPS 中删除多余的空行空列，另存后上传",
                               f"sheet {title!r} declares {ref}: {rows * cols} cells, over {model.MAX_DECLARED_CELLS}")

    def body(self, sheet: int, last_header_row: int, width: int, max_rows: int) -> Body:
        """Rows below the header; stops (raising) as soon as more than max_rows rows have content,
        so a sheet of a million rows is never held in memory. Blank rows between filled ones are kept (as blank)
        for rows.classify to report, at most max_rows of them."""
        _, head, rows = self.sheets[sheet]
        out: list[tuple[int, list[str | None]]] = []
        pending: list[int] = []  # blank rows, kept only if content follows
        filled = 0
        last = last_header_row
        try:
            for number, cells in _chain(head, last_header_row, rows):
                if number <= last:
                    continue
                if len(pending) < max_rows:
                    pending.extend(islice(range(last + 1, number), max_rows - len(pending)))
                last = number
                if not any(c is not None and c.strip() for c in cells):
                    if len(pending) < max_rows:
                        pending.append(number)
                    continue
                filled += 1
                if filled > max_rows + ROW_SLACK:
                    raise too_many_rows(self.file_name, max_rows)
                out.extend((n, []) for n in pending)
                pending.clear()
                out.append((number, cells[:width]))
        except _BROKEN as exc:
            raise self._corrupt(exc) from exc
        return body_from_rows(out, width)


_C, _V, _T, _ROW, _RPH, _DIMENSION, _OTHER = range(1, 8)  # never 0: `codes.get(name) or learn(name)`
_CODES = {"c": _C, "v": _V, "t": _T, "row": _ROW, "rPh": _RPH, "dimension": _DIMENSION}


def _element_codes() -> tuple[dict[str, int], Callable[[str], int]]:
    """Element name (prefixed or not: x:row) → a small code, memoised, so the callbacks compare integers."""
    codes: dict[str, int] = {}

    def learn(name: str) -> int:
        codes[name] = _CODES.get(name.rpartition(":")[2], _OTHER)
        return codes[name]

    return codes, learn


def _local_names():
    """Element name without its prefix (x:row → row), memoised: files from some tools prefix every element."""
    cache: dict[str, str] = {}

    def local(name: str) -> str:
        found = cache.get(name)
        if found is None:
            found = cache[name] = name.rpartition(":")[2]
        return found

    return local


def _no_doctype(*_args) -> None:
    raise ValueError("a DOCTYPE in a spreadsheet part")  # Excel never writes one; entities are an attack surface


def _expat():
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.StartDoctypeDeclHandler = _no_doctype
    return parser


def _cell(parts: list[str], kind: str | None, style: int, strings: list[str], dates: set[int], durations: set[int],
          epoch: datetime) -> str | None:
    """The text of one cell from its value text and type (openpyxl's rules, data_only)."""
    v = "".join(parts)
    if kind == "inlineStr":
        return _unescape(v) or None
    if not v:
        return None
    if kind is None or kind == "n":
        value = float(v) if ("." in v or "E" in v or "e" in v) else int(v)
        if style in dates:
            try:
                return cell_text(from_excel(value, epoch, timedelta=style in durations))
            except (OverflowError, ValueError):
                pass
        return cell_text(value)
    if kind == "s":
        return strings[int(v)] or None
    if kind == "b":
        return "TRUE" if v.strip() not in ("0", "false") else "FALSE"
    if kind == "d":
        try:
            return cell_text(from_ISO8601(v))
        except ValueError:
            return v
    return _unescape(v)  # str (a formula's text), e (an error such as #N/A)


def _chain(head, last_header_row, rows):
    for number, cells in head:
        if number > last_header_row:
            yield number, cells
    yield from rows


def _head(rows: Iterator) -> tuple[list[tuple[int, list[str | None]]], tuple | None]:
    """Rows 1..HEAD_RECORDS (blank ones as []), and the first row read beyond them, if any."""
    filled: dict[int, list[str | None]] = {}
    after = None
    for number, cells in rows:
        if number > HEAD_RECORDS:
            after = (number, cells)
            break
        filled[number] = cells
    last = max(filled, default=0)
    return [(n, filled.get(n, [])) for n in range(1, last + 1)], after


def _prepend(first: tuple | None, rows: Iterator) -> Iterator:
    if first is not None:
        yield first
    yield from rows


def cell_text(value: object) -> str | None:
    """The text Excel shows for a cell (without its number format): what the analyst typed."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")  # Excel shows 15 significant digits; 25.299999999999997 is 25.3
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)
