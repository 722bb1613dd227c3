"""A corpus of hostile and broken upload files, generated (never committed as binaries): zip bombs of both kinds,
a huge shared string, an absurd declared dimension, long lines and cells, stray quotes, control and invisible
characters, long and path-like file names, UTF-16 with tabs, mixed encodings.

Each Case names the file, builds its bytes on demand (some take a second) and states the outcome: `refused`
cases are whole-file refusals (the exact Chinese message), `error` and `warning` cases are read and carry an Issue
with that message, `stored` cases are good files under odd names that must commit. Used by
tests/ingest/test_hostile_files.py and bench/hostile_bench.py.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

UPLOADS = Path(__file__).resolve().parent / "data" / "uploads"
HEADER = ["年度", "统计截至", "县（市、区）", "乡镇（街道）", "村（社区）", "类型", "是否示范村（社区）", "示范命名年度",
          "村集体经济收入（万元）", "后备干部人数", "其中30岁以下后备干部人数"]
ROWS = [
    ["2023", "2023-12-31", "沙市区", "中山路街道", "谭场村", "村", "否", "", "132.0", "2", "1"],
    ["2023", "2023-12-31", "沙市区", "中山路街道", "史庙村", "村", "是", "2022", "22.1", "4", "1"],
    ["2023", "2023-12-31", "监利市", "容城镇", "城南社区", "社区", "是", "2023", "", "3", "0"],
]
VILLAGE = 4  # column of 村（社区）


@dataclass(frozen=True)
class Case:
    key: str
    file_name: str
    make: Callable[[], bytes]
    outcome: str  # refused | error | warning | stored
    message: str  # the exact Chinese message (refused: the whole-file message; error/warning: the Issue's)
    what: str  # a few words for the bench table


def peak_mb() -> int:
    """This process's peak resident memory in MB: VmHWM, which starts afresh at exec (ru_maxrss, which does not on
    Linux, only where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def csv_text(rows: list[list[str]], sep: str = ",") -> str:
    return "\n".join(sep.join(r) for r in [HEADER, *rows]) + "\n"


def good_csv() -> bytes:
    return csv_text(ROWS).encode("utf-8")


def _with(row: int, col: int, value: str) -> list[list[str]]:
    rows = [list(r) for r in ROWS]
    rows[row][col] = value
    return rows


# ---------------------------------------------------------------------------------------------------- xlsx

def _cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _row(number: int, values: list[str]) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return f'<row r="{number}">' + "".join(_cell(f"{letters[i]}{number}", v) for i, v in enumerate(values) if v) + "</row>"


def sheet_xml(rows: list[list[str]], dimension: str | None = None, tail: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(_row(i, r) for i, r in enumerate([HEADER, *rows], start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{dim}<sheetData>{body}{tail}</sheetData></worksheet>")


_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>')
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
              '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
             '<sheet name="填报" sheetId="1" r:id="rId1"/></sheets></workbook>')


def _wb_rels(shared: bool) -> str:
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    strings = (f'<Relationship Id="rId2" Type="{base}/sharedStrings" Target="sharedStrings.xml"/>' if shared else "")
    return ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{base}/worksheet" Target="worksheets/sheet1.xml"/>'
            f"{strings}</Relationships>")


def xlsx(sheet: str | Callable[[zipfile.ZipFile], None], shared: str | None = None, extra: int = 0) -> bytes:
    """A minimal workbook written by hand (as Excel lays it out), so a part can be made hostile on purpose."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _wb_rels(shared is not None))
        if callable(sheet):
            sheet(zf)
        else:
            zf.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            zf.writestr("xl/sharedStrings.xml", shared)
        for i in range(extra):
            zf.writestr(f"xl/media/image{i}.bin", b"")
    return buf.getvalue()


def good_xlsx() -> bytes:
    return xlsx(sheet_xml(ROWS))


def _huge_part(zf: zipfile.ZipFile) -> None:
    """A sheet part that unpacks to 300 MB (spaces between rows: valid XML, a 1000:1 ratio)."""
    head = sheet_xml(ROWS).split("</sheetData>")[0]
    with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
        fh.write(head.encode())
        block = b" " * (1 << 20)
        for _ in range(300):
            fh.write(block)
        fh.write(b"</sheetData></worksheet>")


def _padded_sheet() -> str:
    """A sheet with 20 MB of blank space in it (a 1000:1 ratio), under the part size limit."""
    return sheet_xml(ROWS, tail=" " * (20 << 20))


def _empty_rows(rows: int = 50_000, cols: int = 20) -> str:
    """The data, then `rows` rows of formatted empty cells (what WPS writes for a formatted range)."""
    letters = [chr(65 + i) for i in range(cols)]
    tail = "".join(f'<row r="{n}">' + "".join(f'<c r="{c}{n}" s="1"/>' for c in letters) + "</row>"
                   for n in range(5, rows + 5))
    return sheet_xml(ROWS, tail=tail)


def _shared(strings: list[str]) -> str:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
            f'main" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>')


# ---------------------------------------------------------------------------------------------------- corpus

STRAY = "\"谭场村"  # a quote opening a cell that never closes: the rest of the file becomes one cell


def corpus() -> list[Case]:
    long_name = ("荆州市沙市区中山路街道办事处" * 6)[:76] + ".csv"  # 228 bytes of stem: over 80 characters' worth
    return [
        Case("zip_huge_part", "一个巨大部件.xlsx", lambda: xlsx(_huge_part), "refused",
             "一个巨大部件.xlsx：其中的部件“xl/worksheets/sheet1.xml”解压后 300.0 MB，超过单个部件上限 256.0 MB"
             "（疑为“压缩炸弹”）；请删除无关内容或拆分后上传", "zip 炸弹：一个部件解压 300 MB"),
        Case("zip_ratio", "压缩比.xlsx", lambda: xlsx(_padded_sheet()), "refused",
             "压缩比.xlsx：其中的部件“xl/worksheets/sheet1.xml”压缩了 995 倍（0.0 MB 解压后 20.0 MB），超过上限 200 倍"
             "（疑为“压缩炸弹”，如大量空行）；请在 Excel/WPS 中删除多余的空行空列，另存为 .xlsx 后上传", "zip 炸弹：压缩比 1000:1"),
        Case("zip_many_parts", "部件很多.xlsx", lambda: xlsx(sheet_xml(ROWS), extra=3_000), "refused",
             "部件很多.xlsx：文件由 3,005 个部件组成，超过上限 2,000 个（疑为“压缩炸弹”，不是正常的 Excel 文件）；"
             "请在 Excel/WPS 中打开后另存为 .xlsx 再上传", "zip 炸弹：3,005 个部件"),
        Case("xlsx_dimension", "声明范围.xlsx", lambda: xlsx(sheet_xml(ROWS, dimension="A1:XFD1048576")), "refused",
             "声明范围.xlsx：工作表“填报”声明的使用范围为 A1:XFD1048576（1,048,576 行 × 16,384 列），超过上限 "
             "50,000,000 个单元格；请在 Excel/WPS 中删除多余的空行空列，另存后上传", "声明 A1:XFD1048576"),
        Case("xlsx_shared_string", "长共享字符串.xlsx",
             lambda: xlsx(sheet_xml(ROWS), shared=_shared(["村" * 40_000])), "refused",
             "长共享字符串.xlsx：有一个单元格文字长 40,000 个字符以上（第 1 个共享字符串），超过单元格上限 32,767 个字符；"
             "请删除或缩短该内容后上传", "共享字符串 40,000 字"),
        Case("xlsx_long_cell", "长单元格.xlsx", lambda: xlsx(sheet_xml(_with(1, VILLAGE, "村" * 40_000))), "refused",
             "长单元格.xlsx：工作表“填报”单元格 E3 的文字长 40,000 个字符以上，超过单元格上限 32,767 个字符；"
             "请删除或缩短该内容后上传", "单元格 40,000 字"),
        Case("xlsx_far_column", "远列.xlsx",
             lambda: xlsx(sheet_xml(ROWS, tail='<row r="9"><c r="AMZ9" t="inlineStr"><is><t>x</t></is></c></row>')),
             "refused", "远列.xlsx：工作表“填报”单元格 AMZ9 有内容，位于第 1,040 列，超过上限 1,000 列；"
             "请删除表格右侧无关的内容后上传", "第 1,040 列有内容"),
        Case("xlsx_entity_bomb", "实体炸弹.xlsx",
             lambda: xlsx(sheet_xml(ROWS).replace(
                 "<worksheet", '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                 '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><worksheet', 1)
                 .replace("<t>谭场村</t>", "<t>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</t>", 1)),
             "refused", "实体炸弹.xlsx：无法作为 Excel（.xlsx）文件打开，文件可能已损坏或不是 Excel 文件；"
             "请在 Excel/WPS 中打开后另存为 .xlsx 再上传", "XML 实体炸弹（DOCTYPE）"),
        Case("xlsx_empty_rows", "大量空行.xlsx", lambda: xlsx(_empty_rows()), "stored", "", "5 万行格式化空单元格"),
        Case("xlsx_control", "控制字符.xlsx", lambda: xlsx(sheet_xml(_with(0, VILLAGE, "谭场_x0007_村"))), "error",
             "含有控制字符 U+0007（不可见，无法入库）；请删除该字符后重新上传（常见于从网页或其他系统复制的内容）",
             "单元格含 BEL（_x0007_）"),
        Case("csv_comma_line", "逗号行.csv",
             lambda: (csv_text(ROWS) + "," * 2_000_000 + "\n").encode("utf-8"), "refused",
             "逗号行.csv：第 5 行长 2,000,000 个字符，超过单行上限 1,000,000 个字符；请检查该行是否有大量多余的逗号或粘贴进来的无关内容",
             "一行 200 万个逗号"),
        Case("csv_stray_quote", "引号.csv",
             lambda: csv_text(_with(0, VILLAGE, STRAY) + [list(ROWS[1]) for _ in range(20_000)]).encode("utf-8"),
             "refused",
             "引号.csv：第 2 行起的单元格超过 32,767 个字符（单元格上限，实际 131,072 个字符以上）；通常是该处有一个没有配对的"
             "英文双引号（\"），把其后的许多行读成了同一个单元格。请删除或配对该引号后重新上传", "第 2 行一个未配对的引号"),
        Case("csv_stray_quote_late", "引号在后.csv",
             lambda: csv_text([list(ROWS[1]) for _ in range(100)] + _with(0, VILLAGE, STRAY)[:1]
                              + [list(ROWS[1]) for _ in range(20_000)]).encode("utf-8"),
             "refused",
             "引号在后.csv：第 102 行起的单元格超过 32,767 个字符（单元格上限，实际 131,072 个字符以上）；通常是该处有一个没有配对的"
             "英文双引号（\"），把其后的许多行读成了同一个单元格。请删除或配对该引号后重新上传", "第 102 行一个未配对的引号"),
        Case("csv_many_duplicates", "重复两万行.csv",
             lambda: csv_text([list(ROWS[1]) for _ in range(20_000)]).encode("utf-8"), "error",
             "“沙市区 中山路街道 史庙村”在本文件中重复出现（第 2、3、4、5、6 行等，共 20000 行），请只保留一行",
             "同一村重复 20,000 行"),
        Case("csv_long_cell", "长单元格.csv", lambda: csv_text(_with(1, VILLAGE, "村" * 40_000)).encode("utf-8"),
             "refused", "长单元格.csv：第 3 行第 5 列的单元格超过 32,767 个字符（单元格上限，实际 40,000 个字符以上）；"
             "通常是该处有一个没有配对的英文双引号（\"），把其后的许多行读成了同一个单元格。请删除或配对该引号后重新上传",
             "单元格 40,000 字"),
        Case("csv_control", "控制字符.csv", lambda: csv_text(_with(0, VILLAGE, "谭场\x1b村")).encode("utf-8"), "error",
             "含有控制字符 U+001B（不可见，无法入库）；请删除该字符后重新上传（常见于从网页或其他系统复制的内容）",
             "名称含 ESC"),
        Case("csv_nul", "空字符.csv", lambda: csv_text(_with(0, VILLAGE, "谭场\x00村")).encode("utf-8"), "refused",
             "空字符.csv：第 2 行含有空字符（U+0000，不可见，无法入库）；请在 Excel/WPS 中删除该字符（常见于从其他系统复制的名称）后重新上传",
             "名称含 NUL"),
        Case("csv_zero_width", "零宽.csv", lambda: csv_text(_with(1, VILLAGE, "谭场\u200b村")).encode("utf-8"), "error",
             "“沙市区 中山路街道 谭场村”在本文件中重复出现（第 2、3 行），请只保留一行", "零宽空格造出的重复村"),
        Case("csv_bidi", "方向符.csv", lambda: csv_text(_with(0, VILLAGE, "\u202e谭场村")).encode("utf-8"), "warning",
             "含有不可见字符 U+202E（零宽空格或文字方向控制符），已删除，按“谭场村”读取；请核对", "名称含 RLO"),
        Case("utf16_tabs", "Unicode 文本.txt",
             lambda: codecs.BOM_UTF16_LE + csv_text(ROWS, "\t").replace("\n", "\r\n").encode("utf-16-le"),
             "stored", "", "Excel“Unicode 文本”（UTF-16、制表符）"),
        Case("utf16_no_bom", "无BOM.txt", lambda: csv_text(ROWS, "\t").replace("\n", "\r\n").encode("utf-16-le"),
             "stored", "", "UTF-16 无 BOM（制表符）"),
        Case("mixed_encoding", "混合编码.csv",
             lambda: csv_text(ROWS[:2]).encode("utf-8") + ",".join(ROWS[2]).encode("gbk") + b"\n", "refused",
             "混合编码.csv：文件中混用了两种编码：第 1 行是 UTF-8 编码，第 4 行起有 GBK（GB18030）编码的内容；"
             "通常是把不同来源的文字复制到一起保存造成的。请在 Excel/WPS 中打开原表，另存为 .xlsx 或“CSV UTF-8”后上传",
             "UTF-8 与 GBK 混用"),
        Case("long_name", long_name, good_csv, "stored", "", "76 个汉字的文件名"),
        Case("path_name", "../../etc/村\u202e名单\x07.csv", good_csv, "stored", "", "带路径和控制符的文件名"),
    ]


def folder_hash(folder: Path) -> str:
    """Every file under `folder`, names and bytes, as one digest: the store byte for byte before and after. The
    persisted scorecards (store/cache/) are figures kept for the next process, not data: left out."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.relative_to(folder).parts[:2] != ("store", "cache"):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
