"""The SQL catalog: every header in queries/ parsed and validated once; bad headers rejected with file, line and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from plan_monitor.spec.catalog import FOLDERS, CatalogError, catalog, load_catalog

MEASURE = """-- purpose: villages at or above a threshold.
-- grain: year × county × town
-- reads: villages
SELECT year, county, town, count(*) AS num, count(*) AS den, 0::DOUBLE AS missing, max(as_of) AS as_of FROM villages
WHERE income_wan >= $threshold_wan GROUP BY ALL
"""


def write(root: Path, name: str, text: str) -> None:
    path = root / f"{name}.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_projects_queries_all_parse_into_their_folders():
    cat = catalog()
    assert {f.folder for f in cat.files.values()} == set(FOLDERS)
    assert len(cat.in_folder("measures")) == 13
    assert cat.measure("income_share").reads == ("villages",)
    assert cat.measure("income_share").params == {"threshold_wan"}
    assert cat.measure("shared_sites").level == "county"
    assert cat.measure("demo_villages").level == "town"
    assert cat.unit_twin("income_share").name == "units/income_share"
    assert cat.unit_twin("shared_sites") is None
    checks = cat.in_folder("checks")
    assert checks["trained_exceeds"].templates == ("county_stats",)
    assert checks["required_blank"].templates is None
    assert checks["demo_dropped"].severity == "warning"
    # machinery is not a measure an indicator may name
    assert cat.measure("rollup") is None and cat.get("engine/rollup").purpose


def test_a_good_measure_parses(tmp_path):
    write(tmp_path, "measures/above", MEASURE)
    f = load_catalog(tmp_path).measure("above")
    assert (f.purpose, f.grain, f.reads, f.params, f.level) == (
        "villages at or above a threshold.", "year × county × town", ("villages",), frozenset({"threshold_wan"}), "town")


@pytest.mark.parametrize("name, text, expected", [
    ("measures/m", MEASURE.replace("-- reads: villages\n", ""), "queries/measures/m.sql:1: 缺少文件头字段 -- reads"),
    ("measures/m", MEASURE.replace("-- purpose", "-- purpse"), "queries/measures/m.sql:1: 未知的文件头字段 purpse"),
    ("measures/m", MEASURE.replace("0::DOUBLE AS missing, ", ""), "queries/measures/m.sql: 度量须返回 missing 列"),
    ("measures/m", MEASURE.replace("year × county × town", "village"), "grain “village” 不是度量可用的粒度"),
    ("measures/m", MEASURE.replace("-- reads: villages", "-- reads: towns"), "reads 声明 towns，SQL 实际读取 villages"),
    ("measures/m", MEASURE.replace("-- reads: villages", "-- reads: hamlets"), "reads 中的 hamlets 不是报表视图"),
    ("measures/m", MEASURE.replace("-- grain:", "-- params: threshold\n-- grain:"), "params 声明 ['threshold'] 与 SQL 中使用的 ['threshold_wan'] 不一致"),
    ("measures/m", MEASURE.replace("-- grain: year × county × town", "-- grain: year × county\n-- grain: year × county"),
     "queries/measures/m.sql:3: 文件头字段 grain 重复"),
    ("checks/c", "-- purpose: p\n-- grain: g\n-- template: villages\n-- severity: fatal\nSELECT 1",
     "template 中的 villages 不是报表模板"),
    ("checks/c", "-- purpose: p\n-- grain: g\n-- template: all\n-- severity: fatal\nSELECT 1", "severity “fatal” 只能是 error 或 warning"),
    ("checks/c", "-- purpose: p\n-- grain: g\n-- template: all\nSELECT 1", "缺少文件头字段 -- severity"),
    ("stray", "-- purpose: p\nSELECT 1", "queries/stray.sql: 不在 measures, units, views, checks, engine 之一的目录中"),
    ("units/orphan", MEASURE, "queries/units/orphan.sql: 没有同名的 measures/orphan.sql"),
])
def test_bad_headers_are_rejected_with_where_and_why(tmp_path, name, text, expected):
    write(tmp_path, name, text)
    with pytest.raises(CatalogError) as info:
        load_catalog(tmp_path)
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_every_problem_is_reported_at_once(tmp_path):
    write(tmp_path, "measures/a", MEASURE.replace("-- reads: villages\n", ""))
    write(tmp_path, "checks/b", "-- purpose: p\nSELECT 1")
    with pytest.raises(CatalogError) as info:
        load_catalog(tmp_path)
    assert len(info.value.problems) == 4  # a: reads; b: grain, template, severity
    assert "queries/measures/a.sql" in str(info.value) and "queries/checks/b.sql" in str(info.value)


def test_prose_comment_lines_are_not_keys(tmp_path):
    write(tmp_path, "measures/m", MEASURE.replace("-- reads: villages\n", "-- reads: villages\n-- A blank income counts as below: fine.\n"))
    assert load_catalog(tmp_path).measure("m").purpose
