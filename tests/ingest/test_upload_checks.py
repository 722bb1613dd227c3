"""The audits in queries/checks/, name matching and the preview, on small inline uploads with exact expected rows."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from plan_monitor.ingest.model import Issue, Parsed
from plan_monitor.ingest.names import match_names, suggest
from plan_monitor.ingest.preview import compare, summary
from plan_monitor.ingest.validate import check_totals, run_audits
from plan_monitor.sources.report_dates import with_report_dates
from plan_monitor.sources.tables import ARROW_TYPES, empty_table
from plan_monitor.spec.catalog import catalog
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.templates import TEMPLATES

TODAY = date(2024, 10, 15)


@pytest.fixture(scope="module")
def geo(plan):
    return load_geography(plan)


def village(**values) -> dict:
    row = {"year": 2024, "as_of": date(2024, 9, 30), "county": "沙市区", "town": "中山路街道", "village": "谭场村",
           "unit_type": "村", "is_demo": False, "demo_year": None, "income_wan": 20.0, "reserve_cadres": 2,
           "reserve_cadres_u30": 1}
    row.update(values)
    return row


def table_of(key: str, rows: list[dict]) -> pa.Table:
    template = TEMPLATES[key]
    if not rows:
        return empty_table(template)
    return pa.table({c.key: pa.array([r.get(c.key) for r in rows], ARROW_TYPES[c.dtype]) for c in template.columns})


def parsed_of(key: str, rows: list[dict], first_row: int = 2, issues=(), totals=()) -> Parsed:
    template = TEMPLATES[key]
    return Parsed(file_name="t.csv", template=template, encoding="utf-8", header_row=first_row - 1,
                  headers={c.key: c.header for c in template.columns}, table=table_of(key, rows),
                  row_numbers=list(range(first_row, first_row + len(rows))), raw_header=template.headers,
                  raw_rows=[], totals=list(totals), issues=list(issues))


def audit(plan, parsed: Parsed, current: list[dict] = ()) -> list[tuple]:
    issues = run_audits(parsed, parsed.table, plan, table_of(parsed.template.key, list(current)), TODAY)
    return [(i.check, i.severity, i.row, i.column, i.value) for i in issues]


def test_every_audit_declares_its_templates_and_severity():
    audits = catalog().in_folder("checks")
    names = set(audits)
    assert {"required_blank", "out_of_range", "year_outside_plan", "as_of_mismatch", "duplicate_units",
            "demo_dropped", "village_u30_exceeds"} <= names
    for a in audits.values():
        assert a.severity in ("error", "warning") and a.templates is None or set(a.templates) <= set(TEMPLATES), a


def test_a_clean_village_file_passes(plan):
    assert audit(plan, parsed_of("village", [village(), village(village="史庙村")])) == []


@pytest.mark.parametrize("row, expected", [
    (village(village=None), [("required_blank", "error", 2, "村（社区）", None)]),
    (village(income_wan=-3.5), [("out_of_range", "error", 2, "村集体经济收入（万元）", "-3.5")]),
    (village(reserve_cadres=-1, reserve_cadres_u30=None), [("out_of_range", "error", 2, "后备干部人数", "-1"),
                                                            # a village's blank count is missing: warned
                                                            ("blank_cells", "warning", None, "其中30岁以下后备干部人数", None)]),
    (village(year=2026, as_of=date(2026, 3, 31)), [("as_of_mismatch", "error", 2, "统计截至", "2026-03-31"),
                                                  ("year_outside_plan", "error", 2, "年度", "2026")]),
    (village(year=2020, as_of=None), [("year_outside_plan", "error", 2, "年度", "2020")]),
    (village(as_of=date(2023, 6, 30)), [("as_of_mismatch", "error", 2, "统计截至", "2023-06-30")]),
    (village(reserve_cadres=1, reserve_cadres_u30=3), [("village_u30_exceeds", "error", 2, "其中30岁以下后备干部人数", "3")]),
    (village(is_demo=True, demo_year=2025), [("demo_year_after_year", "error", 2, "示范命名年度", "2025")]),
], ids=["blank-village", "negative-income", "negative-count", "future-year", "before-baseline", "as-of-other-year",
        "u30-exceeds", "named-after-year"])
def test_each_audit_flags_the_offending_cell(plan, row, expected):
    assert sorted(audit(plan, parsed_of("village", [row]))) == sorted(expected)


def test_a_cell_that_could_not_be_read_is_not_also_reported_blank(plan):
    bad = Issue("error", "bad_value", "“十二”不是数字", 2, "后备干部人数", "十二")
    parsed = parsed_of("village", [village(reserve_cadres=None)], issues=[bad])
    assert audit(plan, parsed) == []


def test_duplicate_units_list_every_copy(plan):
    rows = [village(), village(village="史庙村"), village(income_wan=30.0)]
    found = run_audits(parsed_of("village", rows), table_of("village", rows), plan, empty_table(TEMPLATES["village"]),
                       TODAY)
    assert [(i.check, i.row, i.value) for i in found] == [("duplicate_units", 2, "沙市区 中山路街道 谭场村"),
                                                          ("duplicate_units", 4, "沙市区 中山路街道 谭场村")]
    assert "第 2、4 行" in found[0].message


def test_a_demo_flag_that_disappears_is_a_warning(plan):
    earlier = [village(year=2023, as_of=date(2023, 12, 31), is_demo=True, demo_year=2023)]
    assert audit(plan, parsed_of("village", [village(is_demo=False)]), earlier) == [
        ("demo_dropped", "warning", 2, "是否示范村（社区）", "否")]
    assert audit(plan, parsed_of("village", [village(is_demo=True, demo_year=2023)]), earlier) == []


def test_total_row_checked_against_the_rows(plan):
    rows = [village(income_wan=10.0), village(village="史庙村", income_wan=15.5)]
    agree = parsed_of("village", rows, totals=[(4, {"income_wan": 25.5, "reserve_cadres": 4})])
    assert check_totals(agree, agree.table) == []
    differ = parsed_of("village", rows, totals=[(4, {"income_wan": 30.0, "reserve_cadres": 4})])
    issues = check_totals(differ, differ.table)
    assert [(i.check, i.severity, i.row, i.column) for i in issues] == [
        ("total_mismatch", "warning", 4, "村集体经济收入（万元）")]
    assert "各行之和为 25.5" in issues[0].message


@pytest.mark.parametrize("county, town, check, needle", [
    ("沙市", "中山路街道", "unknown_county", "是否为：沙市区"),
    ("沙市区", "西城街道", "unknown_town", "属于荆州区，不属于沙市区"),
    # 岑河镇 under 沙市区 (its gazetteer county) is read as the zone's: tests/ingest/test_geography_names.py
    ("沙市区", "中山街道", "unknown_town", "是否为：中山路街道"),
])
def test_unknown_names_get_suggestions(geo, county, town, check, needle):
    parsed = parsed_of("village", [village(county=county, town=town)])
    _, issues, _ = match_names(parsed.table, parsed.row_numbers, parsed.headers, geo)
    assert [(i.check, i.row) for i in issues] == [(check, 2)]
    assert needle in issues[0].message


def test_old_names_are_read_as_current_and_listed(geo):
    town = geo.towns[geo.towns.county == "监利市"].town.iloc[0]
    parsed = parsed_of("village", [village(county="监利县", town=town)])
    table, issues, notes = match_names(parsed.table, parsed.row_numbers, parsed.headers, geo)
    assert issues == []
    assert table["county"].to_pylist() == ["监利市"]
    assert [n.kind for n in notes] == ["alias_name"] and "监利县 → 监利市" in notes[0].message


def test_suggest_prefers_containment():
    assert suggest("公安", ["公安县", "江陵县", "松滋市"]) == ["公安县"]


def test_preview_counts_new_changed_unchanged_removed():
    template = TEMPLATES["village"]
    current = table_of("village", [village(), village(village="史庙村"), village(village="黄场村"),
                                   village(county="荆州区", town="西城街道", village="别处村")])
    incoming = with_report_dates(table_of("village", [village(), village(village="史庙村", income_wan=21.0),
                                                  village(village="新村", as_of=date(2024, 9, 30))]))
    changes = compare(template, incoming, [2, 3, 4], current)
    got = sorted(zip(changes["unit"], changes["status"]))
    assert got == [("沙市区 中山路街道 史庙村", "changed"), ("沙市区 中山路街道 新村", "new"),
                   ("沙市区 中山路街道 谭场村", "unchanged"), ("沙市区 中山路街道 黄场村", "removed")]
    counts = summary(changes)
    assert counts.to_dict("records") == [{"县（市、区）": "沙市区", "年度": 2024, "统计截至": "2024-09-30",
                                          "新增": 1, "修改": 1, "未变": 1, "删除": 1}]


def test_upload_cells_hold_the_blank_cells_of_required_and_quantity_columns_and_those_out_of_bounds():
    """upload_cells, the cell audits' table: a blank 示范命名年度 (optional, no quantity) is a cell no audit names and
    is left out; blank required and quantity cells and a negative count are in, column by column, in row order."""
    from plan_monitor.ingest.validate import _cells

    template = TEMPLATES["village"]
    table = table_of("village", [village(), village(village="甲村", income_wan=None, reserve_cadres=-1),
                                 village(village=None, demo_year=2021, reserve_cadres_u30=None)])
    cells = _cells(table, template, pa.array([3, 4, 5], pa.int64()), {(4, "income_wan")})
    assert [(r["row_no"], r["key"], r["is_null"], r["unreadable"], r["num"]) for r in cells.to_pylist()] == [
        (5, "village", True, False, None),
        (4, "income_wan", True, True, None),
        (4, "reserve_cadres", False, False, -1.0),
        (5, "reserve_cadres_u30", True, False, None),
    ]


def test_preview_details_list_the_first_lines_not_unchanged_or_with_kept_cells(monkeypatch):
    """details: the new, changed and removed lines and the unchanged ones whose blank cells kept a stored value, in
    line order, the first DETAIL_LIMIT of them, with the frame's own row numbers and texts."""
    import pandas as pd

    from plan_monitor.ingest import preview

    monkeypatch.setattr(preview, "DETAIL_LIMIT", 3)
    d = date(2024, 9, 30)
    changes = pd.DataFrame({
        "status": ["unchanged", "changed", "unchanged", "new", "removed", "new"],
        "county": ["沙市区"] * 6, "year": [2024] * 6, "as_of": [d] * 6,
        "unit": ["甲村", "乙村", "丙村", "丁村", "戊村", "己村"],
        "row_no": [2.0, 3.0, 4.0, 5.0, float("nan"), 7.0],
        "changes": [None, [("income_wan", 20.0, 25.0)], None, None, None, None],
        "kept": [(), (), ["reserve_cadres"], (), (), ()],
    }, index=[10, 11, 12, 13, 14, 15])
    shown = preview.details(TEMPLATES["village"], changes)
    assert shown.to_dict("list") == {
        "状态": ["修改", "未变", "新增"], "县（市、区）": ["沙市区"] * 3, "年度": [2024] * 3,
        "统计截至": ["2024-09-30"] * 3, "单位": ["乙村", "丙村", "丁村"], "文件行号": [3, 4, 5],
        "变化": ["村集体经济收入（万元）：20 → 25", "后备干部人数：未填，保留原值", ""]}
