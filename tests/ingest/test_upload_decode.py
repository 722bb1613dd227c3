"""CSV bytes → text: BOMs, strict UTF-8, then GB18030; binary and renamed files rejected."""

from __future__ import annotations

import pytest

from plan_monitor.ingest.decode import decode_csv_bytes
from plan_monitor.ingest.model import UploadError
from plan_monitor.ingest.read import read_upload

TEXT = "年度,县（市、区）,是否示范县（市、区）\r\n2023,沙市区,是\r\n"


@pytest.mark.parametrize(("data", "codec", "label"), [
    (TEXT.encode("utf-8"), "utf-8", "UTF-8"),
    (TEXT.encode("utf-8-sig"), "utf-8-sig", "UTF-8（带 BOM）"),
    (TEXT.encode("utf-16"), "utf-16", "UTF-16（带 BOM）"),
    (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16", "UTF-16（带 BOM）"),
    (TEXT.encode("gbk"), "gb18030", "GB18030（WPS/Excel 中文默认）"),
    (TEXT.encode("utf-16-le"), "utf-16-le", "UTF-16 LE（无 BOM）"),
    (TEXT.encode("utf-16-be"), "utf-16-be", "UTF-16 BE（无 BOM）"),
    ((TEXT + "2023,䶮乡,否\r\n").encode("gb18030"), "gb18030", "GB18030"),  # a 4-byte GB18030 character
])
def test_encodings(data, codec, label):
    text, used, note = decode_csv_bytes("f.csv", data)
    assert text.startswith("年度,县（市、区）")
    assert used == codec
    assert note.kind == "encoding" and label in note.message


@pytest.mark.parametrize(("data", "message"), [
    (b"PK\x03\x04\x14\x00", "Excel（.xlsx）"),
    (b"%PDF-1.7\n", "PDF"),
    (b"PAR1\x00\x00", "Parquet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1", "旧版 Excel"),
    (b"\x00" * 40 + "年度,县".encode("utf-8"), "不是文本表格"),
    (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 10, "不是文本表格"),
])
def test_binary_rejected(data, message):
    with pytest.raises(UploadError, match=message):
        decode_csv_bytes("f.csv", data)


def test_old_mac_line_ends_and_excel_quoted_thousands():
    data = "年度,县（市、区）,基层党务工作者总数（人）\r2023,沙市区,\"1,958\"\r".encode("gbk")
    parsed = read_upload("stats.csv", data)
    assert parsed.table.column("party_workers").to_pylist() == [1958]
    assert parsed.row_numbers == [2]


def test_a_few_nul_bytes_name_their_line():
    data = "年度,县（市、区）\r\n2023,沙市\x00区\r\n2023,公安\x00县\r\n".encode("utf-8")
    with pytest.raises(UploadError) as raised:
        decode_csv_bytes("f.csv", data)
    assert raised.value.zh == ("f.csv：第 2 行含有空字符（U+0000，不可见，无法入库），全文件共 2 处；"
                               "请在 Excel/WPS 中删除该字符（常见于从其他系统复制的名称）后重新上传")


def test_utf16_without_bom_but_binary_nuls_is_not_text():
    # NULs in both byte positions: not UTF-16 text
    with pytest.raises(UploadError, match="不是文本表格"):
        decode_csv_bytes("f.csv", b"\x00\x01\x00\x02" * 100)
