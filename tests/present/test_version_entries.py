"""One renderer of a store entry (present/history.entry_parts): 数据版本, 报送情况's 最近上传 and the `versions`
command show an upload and a rollback in the same words (上传 / 回退, 提交人)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from plan_monitor.cli import main
from plan_monitor.present.history import ENTRY_COLUMNS, entry_parts, version_label, version_table
from plan_monitor.present.reporting import recent_uploads
from plan_monitor.sources import open_store
from plan_monitor.sources.tables import empty_table
from plan_monitor.spec.templates import VILLAGE

UPLOAD = ["1", "上传", "村（社区）情况统计表", "甲", "张三"]
ROLLBACK = ["2", "回退", "回退到版本 0", "甲", "李四"]


def villages(income: float) -> pa.Table:
    return pa.Table.from_pylist([{"year": 2024, "as_of": date(2024, 12, 31), "county": "甲", "town": "一镇",
                                  "village": "村1", "unit_type": "村", "is_demo": False, "income_wan": income}],
                                schema=empty_table(VILLAGE).schema)


@pytest.fixture
def entries(tmp_path):
    pq.write_table(villages(10.0), tmp_path / "village_2024.parquet")
    store = open_store(tmp_path)
    store.commit(template_key="village", rows=villages(20.0), original=b"x", file_name="村.xlsx", user="张三", base=0)
    store.rollback(0, user="李四", base=1)
    return tmp_path, store.entries()


def words(row) -> list[str]:
    return [str(v) for v in row[:5]]


def test_the_parts_of_an_upload_and_a_rollback(entries):
    _, (upload, rollback) = entries
    assert list(entry_parts(upload)) == ENTRY_COLUMNS
    assert words(list(entry_parts(upload).values())) == UPLOAD and entry_parts(upload)["文件"] == "村.xlsx"
    assert words(list(entry_parts(rollback).values())) == ROLLBACK and entry_parts(rollback)["文件"] == "—"


def test_every_listing_shows_the_same_words(entries, capsys):
    folder, (upload, rollback) = entries
    recent = recent_uploads([upload, rollback])
    table = version_table([upload, rollback])
    assert list(recent.columns) == ENTRY_COLUMNS and set(ENTRY_COLUMNS) <= set(table.columns)
    assert recent.values.tolist() == table[ENTRY_COLUMNS].values.tolist() == [
        list(entry_parts(rollback).values()), list(entry_parts(upload).values())]
    assert [words(r) for r in recent.values.tolist()] == [ROLLBACK, UPLOAD]

    assert main(["versions", "--data", str(folder)]) == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == [*ENTRY_COLUMNS, "行数"]
    assert [line[:5] for line in lines[1:]] == [UPLOAD, ROLLBACK]
    assert [line[5:] for line in lines[1:]] == [[entry_parts(e)["时间"], entry_parts(e)["文件"], str(e["rows"])]
                                              for e in (upload, rollback)]

    time = entry_parts(rollback)["时间"]
    assert version_label(upload) == f"版本 1 · {entry_parts(upload)['时间']} · 张三 · 村.xlsx"
    assert version_label(rollback) == f"版本 2 · {time} · 李四 · 回退到版本 0"
    shown = "\n".join([recent.to_csv(), table.to_csv(), version_label(rollback)])
    assert "回滚" not in shown and "操作人" not in shown


def test_a_change_reads_the_same_in_the_upload_preview_and_on_the_versions_page():
    from plan_monitor.ingest.preview import change_text
    from plan_monitor.present.history import diff_table

    changes = [("income_wan", None, 123456.7), ("is_demo", True, False), ("reserve_cadres", 2.0, 3.0)]
    text = "村集体经济收入（万元）：（空） → 123456.7；是否示范村（社区）：是 → 否；后备干部人数：2 → 3"
    assert change_text(changes, VILLAGE.header_of) == text
    assert change_text(float("nan"), VILLAGE.header_of) == ""
    diff = pd.DataFrame({"status": ["changed"], "table": ["villages"], "county": ["甲"], "town": ["一镇"],
                         "village": ["村1"], "year": [2024], "as_of": [date(2024, 12, 31)], "changes": [changes]})
    assert diff_table(diff)["变化内容"].tolist() == [text]  # 是否示范村（社区）, not another template's 是否示范
