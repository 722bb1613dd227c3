"""The 数据上传 page with a sheet holding two tables (tests.published_layouts.two_tables): the page offers
选择表格, reads the first table by default, and the other when chosen."""

from __future__ import annotations

from tests import published_layouts as pl
from tests.pages.test_upload_page import data, page, text  # noqa: F401 - data is a fixture

NAME = "两表.xlsx"


def test_the_page_offers_a_choice_of_tables(data, tmp_path):  # noqa: F811
    rows, merges = pl.two_tables()
    file = pl.write(tmp_path / NAME, rows, merges)
    at = page()
    at.file_uploader[0].upload(NAME, file.read_bytes())
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    choice = at.radio(key="pm_upload_table")
    assert choice.label == "选择表格"
    assert choice.value == 0 and len(choice.options) == 2
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["报表类型"], metrics["数据行数"]) == ("乡镇（街道）情况统计表", "3")
    assert "本工作表有 2 个表格" in " ".join(at.dataframe[0].value["说明"])
    choice.set_value(1)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["报表类型"], metrics["数据行数"]) == ("村（社区）情况统计表", "4")
    assert at.radio(key="pm_upload_table").value == 1
    assert "本次读取表2" in " ".join(at.dataframe[0].value["说明"])
    assert "第8行“二、村（社区）”" in text(at)
