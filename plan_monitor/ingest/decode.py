"""Bytes of a CSV as Excel or WPS saved it → text, and the Note saying which encoding that was."""

from __future__ import annotations

import codecs
import re

from plan_monitor.ingest.model import Note, UploadError

# Checked in this order: a BOM is explicit; strict UTF-8 almost never decodes GBK text by accident,
# while GB18030 (a superset of GBK and GB2312) decodes nearly anything, so it must come last.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8（带 BOM）"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16（带 BOM）"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16（带 BOM）"),
)
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_CONTROLS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f]")
_LABELS = {"utf-8": "UTF-8", "gb18030": "GB18030（WPS/Excel 中文默认）"}

# Magic numbers of files analysts most often rename to .csv by mistake.
_MAGIC = (
    (b"PK\x03\x04", "这是一个 Excel（.xlsx）或其他压缩格式文件，被命名为 .csv；请保留 .xlsx 扩展名直接上传",
     "an xlsx/zip file renamed to .csv"),
    (b"\xd0\xcf\x11\xe0", "这是旧版 Excel（.xls）文件，被命名为 .csv；请在 Excel/WPS 中另存为 .xlsx 后上传",
     "an old .xls file renamed to .csv"),
    (b"PAR1", "这是 Parquet 文件，被命名为 .csv；请保留 .parquet 扩展名上传", "a parquet file renamed to .csv"),
    (b"%PDF", "这是 PDF 文件，不是表格；请上传 Excel（.xlsx）或 CSV 文件", "a PDF renamed to .csv"),
)


def decode_csv_bytes(file_name: str, data: bytes) -> tuple[str, str, Note]:
    """The text, the Python codec used, and a Note naming the encoding for the report."""
    for magic, zh, en in _MAGIC:
        if data.startswith(magic):
            raise UploadError(f"{file_name}：{zh}", f"{file_name}: {en}")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise _binary(file_name) from exc
            return _checked(file_name, text), codec, _note(label)
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            codec, label = utf16
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise _binary(file_name) from exc
            return _checked(file_name, text), codec, _note(label)
        raise _nul(file_name, data)
    try:
        return _checked(file_name, data.decode("utf-8")), "utf-8", _note(_LABELS["utf-8"])
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        # Neither encoding reads the whole file: if the lines before the first non-UTF-8 one hold Chinese in
        # UTF-8, it is two files' worth of lines saved together, not a binary file.
        first_bad = data.count(b"\n", 0, bad_at) + 1
        if _has_chinese(data[:bad_at].decode("utf-8", "ignore")):
            raise _mixed(file_name, _first_utf8_line(data), first_bad) from exc
        raise _binary(file_name) from exc
    utf8_line = _first_utf8_line(data)  # GB18030 decodes UTF-8 bytes as nonsense without an error
    if utf8_line is not None:
        raise _mixed(file_name, utf8_line, data.count(b"\n", 0, bad_at) + 1)
    return _checked(file_name, text), "gb18030", _note(_LABELS["gb18030"])


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without its BOM (some exports from other systems): in a table every line has ASCII tabs,
    commas, digits or line breaks, whose second (LE) or first (BE) byte is 0, so one byte position is mostly NUL
    and the other hardly ever. Text in an 8-bit encoding has no NUL at all, a binary file NULs in both positions."""
    sample = data[:65536]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    for zeros, other, codec, label in ((odd, even, "utf-16-le", "UTF-16 LE（无 BOM）"),
                                       (even, odd, "utf-16-be", "UTF-16 BE（无 BOM）")):
        if zeros >= half * 0.2 and other == 0:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            if "\n" in text and ("\t" in text or "," in text) and "\x00" not in text:
                return codec, label
    return None


def _nul(file_name: str, data: bytes) -> UploadError:
    """A text file with a few NUL bytes (a name pasted from another system) is not a binary file: name the line."""
    count = data.count(b"\x00")
    if count > 16 or not _text_without_nul(data.replace(b"\x00", b"")):
        return _binary(file_name)
    line = data.count(b"\n", 0, data.index(b"\x00")) + 1
    return UploadError(
        f"{file_name}：第 {line} 行含有空字符（U+0000，不可见，无法入库）"
        + (f"，全文件共 {count} 处" if count > 1 else "")
        + "；请在 Excel/WPS 中删除该字符（常见于从其他系统复制的名称）后重新上传",
        f"{file_name}: NUL byte(s) in line {line} ({count} in all)",
    )


def _text_without_nul(data: bytes) -> bool:
    """The bytes, NULs taken out, are a text table: lines, decodable, hardly any other control character."""
    for codec in ("utf-8", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        sample = text[:65536]
        return "\n" in text and len(_CONTROLS.findall(sample)) <= max(8, len(sample) // 100)
    return False


def _has_chinese(text: str) -> bool:
    return _CHINESE.search(text) is not None


def _first_utf8_line(data: bytes) -> int | None:
    """The first line that is valid UTF-8 with Chinese in it (GBK text almost never is)."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            decoded = line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(_CHINESE.findall(decoded)) >= 2:
            return number
    return None


def _mixed(file_name: str, utf8_line: int | None, other_line: int) -> UploadError:
    utf8 = f"第 {utf8_line} 行是 UTF-8 编码，" if utf8_line else ""
    return UploadError(
        f"{file_name}：文件中混用了两种编码：{utf8}第 {other_line} 行起有 GBK（GB18030）编码的内容；"
        "通常是把不同来源的文字复制到一起保存造成的。请在 Excel/WPS 中打开原表，另存为 .xlsx 或“CSV UTF-8”后上传",
        f"{file_name}: mixed encodings (UTF-8 at line {utf8_line}, GBK at line {other_line})",
    )


def _checked(file_name: str, text: str) -> str:
    # A decodable file can still be binary (GB18030 accepts most byte pairs); text files have no NUL
    # and hardly any other C0 control characters.
    if "\x00" in text:
        raise _binary(file_name)
    sample = text[:65536]
    controls = len(_CONTROLS.findall(sample))
    if controls > max(8, len(sample) // 100):
        raise _binary(file_name)
    return text


def _note(label: str) -> Note:
    return Note("encoding", f"文件编码：{label}")


def _binary(file_name: str) -> UploadError:
    return UploadError(
        f"{file_name}：文件内容不是文本表格（可能是其他文件改了扩展名）；请在 Excel/WPS 中打开原表，另存为 .xlsx 或 CSV 后上传",
        f"{file_name}: not a text CSV (binary content or undecodable bytes)",
    )
