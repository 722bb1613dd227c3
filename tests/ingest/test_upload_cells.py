"""Cell normalisation per template dtype, and parse_share, on columns of texts as analysts type them."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from plan_monitor.ingest.cells import NoteLog, normalise, parse_share
from plan_monitor.spec.templates import TEMPLATES

VILLAGE = TEMPLATES["village"]
STATS = TEMPLATES["county_stats"]


def run(template, key, texts):
    col = template.column(key)
    log = NoteLog()
    rows = pa.array(range(10, 10 + len(texts)), pa.int64())
    result = normalise(col, pa.array(texts, pa.string()), rows, col.header, log)
    return result.values.to_pylist(), {n.kind: n for n in log.notes()}, result.issues


CASES = [
    # key, typed, expected value, note kind (None: no note)
    ("income_wan", "25.3万元", 25.3, "unit_suffix"),
    ("income_wan", "25.3 万", 25.3, "unit_suffix"),
    ("income_wan", "１２３，４５６", 123456.0, "fullwidth"),
    ("income_wan", "1,234.5", 1234.5, "thousands"),
    ("income_wan", " 12 ", 12.0, "whitespace"),
    ("income_wan", "—", None, "placeholder"),
    ("income_wan", "/", None, "placeholder"),
    ("income_wan", "", None, None),
    ("income_wan", "0", 0.0, None),
    ("reserve_cadres", "12.0", 12, None),
    ("reserve_cadres", "3人", 3, "unit_suffix"),
    ("reserve_cadres", "3个", 3, "unit_suffix"),
    ("year", "2023年", 2023, "year_suffix"),
    ("year", "2023年度", 2023, "year_suffix"),
    ("year", "2023.0", 2023, None),
    ("year", "２０２３", 2023, "fullwidth"),
    ("demo_year", "2022年", 2022, "year_suffix"),
    ("is_demo", "是", True, None),
    ("is_demo", "否", False, None),
    *[("is_demo", s, True, "bool_symbol") for s in ("√", "✓", "✔", "Y", "y", "1", "TRUE")],
    *[("is_demo", s, False, "bool_symbol") for s in ("×", "✗", "✘", "N", "n", "0", "FALSE")],
    ("is_demo", "　是　", True, "whitespace"),
    ("as_of", "2024-06-30", date(2024, 6, 30), None),
    ("as_of", "2024/6/30", date(2024, 6, 30), "date_format"),
    ("as_of", "2024.6.30", date(2024, 6, 30), "date_format"),
    ("as_of", "2024年6月30日", date(2024, 6, 30), "date_format"),
    ("as_of", "2024-06-30 00:00:00", date(2024, 6, 30), "date_format"),
    ("as_of", "20240630", date(2024, 6, 30), "date_format"),
    ("as_of", "45473", date(2024, 6, 30), "date_format"),
    ("as_of", "2024年6月", date(2024, 6, 30), "date_month"),
    ("as_of", "2024-02", date(2024, 2, 29), "date_month"),
    ("as_of", "2023年2月", date(2023, 2, 28), "date_month"),
    ("as_of", "2024-02-29", date(2024, 2, 29), None),
    ("village", "谭场　村 ", "谭场村", "whitespace"),
    ("county", " 沙 市 区", "沙市区", "whitespace"),
    ("unit_type", " 村 ", "村", "whitespace"),
]


@pytest.mark.parametrize(("key", "typed", "expected", "kind"), CASES, ids=[f"{c[0]}:{c[1]!r}" for c in CASES])
def test_cell_reads_as(key, typed, expected, kind):
    values, notes, issues = run(VILLAGE, key, [typed])
    assert values == [expected]
    assert issues == []
    if kind is None:
        assert notes == {}
    else:
        assert kind in notes
        assert notes[kind].rows == (10,)


BAD = [
    ("income_wan", "十二", "“十二”不是数字，请填写阿拉伯数字"),
    ("income_wan", "253000元", "“253000元”的单位是元，本列单位为万元"),
    ("income_wan", "65%", "“65%”是百分数"),
    ("income_wan", "1,2", "“1,2”不是数字"),
    ("reserve_cadres", "12.5", "“12.5”不是整数，本列应填写整数"),
    ("reserve_cadres", "3万元", "“3万元”不是数字"),  # a unit that is not the column's is not dropped
    ("year", "二〇二三", "“二〇二三”不是年份"),
    ("year", "23年", "“23年”不是年份"),
    ("is_demo", "有", "“有”无法识别为是/否"),
    ("is_demo", "是的吧", "“是的吧”无法识别为是/否"),
    ("as_of", "2024-02-30", "“2024-02-30”不是有效日期"),
    ("as_of", "2023/2/29", "“2023/2/29”不是有效日期"),
    ("as_of", "2024-13-01", "“2024-13-01”不是有效日期"),
    ("as_of", "年中", "“年中”不是有效日期"),
    ("as_of", "2024年13月", "“2024年13月”不是有效日期"),
]


@pytest.mark.parametrize(("key", "typed", "message"), BAD, ids=[f"{b[0]}:{b[1]}" for b in BAD])
def test_unreadable_cell_is_null_with_an_issue(key, typed, message):
    values, _, issues = run(VILLAGE, key, ["", typed])
    assert values[1] is None
    assert len(issues) == 1
    issue = issues[0]
    assert (issue.severity, issue.check, issue.row, issue.value) == ("error", "bad_value", 11, typed)
    assert issue.column == VILLAGE.column(key).header
    assert message in issue.message


def test_note_counts_rows_and_one_example():
    _, notes, _ = run(STATS, "party_workers", ["1,958", "919", "１，４１４", "2,001人"])
    thousands = notes["thousands"]
    assert (thousands.count, thousands.rows) == (3, (10, 12, 13))
    assert thousands.message == ("数字中的千位分隔符已删除：3 处，涉及列 基层党务工作者总数（人）"
                                 "（如 第10行“基层党务工作者总数（人）”：“1,958” → “1958”）")
    assert notes["fullwidth"].count == 1
    assert notes["unit_suffix"].rows == (13,)


def test_notes_merge_across_columns():
    log = NoteLog()
    rows = pa.array([5, 6], pa.int64())
    for key in ("county", "town"):
        col = VILLAGE.column(key)
        normalise(col, pa.array(["沙市区 ", "a"], pa.string()), rows, col.header, log)
    (note,) = log.notes()
    assert note.kind == "whitespace" and note.count == 2
    assert "涉及列 县（市、区）、乡镇（街道）" in note.message


@pytest.mark.parametrize(("texts", "expected", "reading"), [
    (["65%", "0.5%", "100%"], [0.65, 0.005, 1.0], "带 % 的 3 个值已转为小数"),
    (["65", "80", "0.5"], [0.65, 0.8, 0.005], "按百分数读取（有值大于 1"),
    (["0.65", "1", "0"], [0.65, 1.0, 0.0], "按小数读取（均不大于 1"),
    (["65%", "0.8"], [0.65, 0.8], "按小数读取"),
    (["６５％", " 70 "], [0.65, 0.7], "按百分数读取"),
    (["", None, "x"], [None, None, None], None),
])
def test_parse_share(texts, expected, reading):
    values, note = parse_share(texts)
    got = values.to_pylist()
    assert [g is None for g in got] == [e is None for e in expected]
    assert [g for g in got if g is not None] == pytest.approx([e for e in expected if e is not None])
    if reading is None:
        assert note is None
    else:
        assert note.kind == "percent" and reading in note.message
