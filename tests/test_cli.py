"""The command line, run in-process through plan_monitor.cli.main, plus one run of the real entry point."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from inline_rosters import PLANS
from plan_monitor.cli import EXIT_BROKEN_PIPE, main
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS, ROOT
from plan_monitor.spec.plan import load_plan

HEADER = "indicator_id,indicator,unit,level,county,town,year,actual,target,gap,completion,status,pace,round,carried_from"
YEARS = [2022, 2023, 2024]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def city_csv():
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["scorecard", "--level", "city", "--format", "csv"]) == 0
    return buf.getvalue()


@pytest.fixture(scope="module")
def city_rows(city_csv):
    return list(csv.DictReader(io.StringIO(city_csv)))


def baseline_certified_workers() -> int:
    """The 2021 city total of certified workers, read straight from the bundled CSV."""
    with open(DEFAULT_DATA / "county_stats_2021.csv", encoding="utf-8") as fh:
        return sum(int(r["50岁以下持证城市社区工作者数（人）"]) for r in csv.DictReader(fh))


def test_csv_header_is_exact(city_csv):
    assert city_csv.splitlines()[0] == HEADER


def test_csv_lists_every_indicator_for_every_plan_year(city_rows):
    plan = load_plan(DEFAULT_TARGETS)
    ids = [i.id for i in plan.indicators]
    assert len(ids) == 13
    assert [(r["indicator_id"], int(r["year"])) for r in city_rows] == [(i, y) for i in ids for y in YEARS]
    assert {r["level"] for r in city_rows} == {"city"}
    assert {r["county"] for r in city_rows} == {""} and {r["town"] for r in city_rows} == {""}
    names = {i.id: (i.name, i.unit) for i in plan.indicators}
    assert all((r["indicator"], r["unit"]) == names[r["indicator_id"]] for r in city_rows)


EXPECTED_TARGETS = {
    "demo_counties": ["2", "2", "2"],
    "demo_towns": ["10", "20", "30"],
    "demo_subdistricts": ["5", "5", "5"],
    "demo_villages": ["100", "200", "300"],
    "demo_communities": ["30", "40", "50"],
    "smart_platform": ["2", "3", "4"],
    "smart_platform_dense": ["", "", "0"],
    "village_income_20w": ["0.5", "0.6", "0.7"],
    "shared_sites": ["", "", "150"],
    "brand_projects": ["", "", "100"],
    "reserve_cadre_u30": ["", "", "0"],
    "certified_workers": ["", "", "2×baseline"],
    "party_worker_training": ["", "", "1"],
}


def test_target_column_is_exactly_the_plans_targets(city_rows):
    got = {}
    for r in city_rows:
        got.setdefault(r["indicator_id"], []).append(r["target"])
    expected = dict(EXPECTED_TARGETS, certified_workers=["", "", str(2 * baseline_certified_workers())])
    assert got == expected


def test_plan_targets_match_the_table_above():
    plan = load_plan(DEFAULT_TARGETS)
    for ind in plan.indicators:
        if ind.kind == "multiple":
            continue
        want = [f"{ind.targets[y]:g}" if y in ind.targets else "" for y in YEARS]
        assert EXPECTED_TARGETS[ind.id] == want, ind.id


@pytest.mark.parametrize("indicator_id, year, actual, status, pace", [
    ("demo_villages", 2022, "105", "met", "on_track"),
    ("demo_villages", 2024, "255", "behind", "too_slow"),
    ("smart_platform", 2024, "4", "met", "on_track"),
])
def test_csv_values_on_demo_data(city_rows, indicator_id, year, actual, status, pace):
    (row,) = [r for r in city_rows if r["indicator_id"] == indicator_id and int(r["year"]) == year]
    assert (row["actual"], row["status"], row["pace"]) == (actual, status, pace)
    assert float(row["gap"]) == float(row["target"]) - float(row["actual"])


def test_json_format(capsys, city_rows):
    code, out, err = run(capsys, "scorecard", "--level", "city", "--year", "2024", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["meta"]["demo_data"] is True
    assert data["meta"]["plan"] == "荆州市基层党建工作提质增效三年行动计划"
    assert len(data["rows"]) == 13
    assert list(data["rows"][0]) == HEADER.split(",")
    by_id = {r["indicator_id"]: r for r in data["rows"]}
    assert by_id["village_income_20w"]["target"] == 0.7
    assert by_id["shared_sites"]["target"] == 150
    assert by_id["smart_platform_dense"]["target"] == 0
    assert by_id["demo_villages"]["county"] is None
    assert {r["year"] for r in data["rows"]} == {2024}
    csv_2024 = {r["indicator_id"]: r["actual"] for r in city_rows if r["year"] == "2024"}
    assert {k: f"{v['actual']}" for k, v in by_id.items()} == csv_2024


def test_xlsx_format(capsys, tmp_path, city_rows):
    out_file = tmp_path / "card.xlsx"
    code, out, err = run(capsys, "scorecard", "--level", "city", "--format", "xlsx", "--out", str(out_file))
    assert code == 0 and out == "" and str(out_file) in err
    # Chinese headers below the title and 数据截至 lines (scorecard_xlsx); tests/test_xlsx_export.py checks the formats
    sheet = openpyxl.load_workbook(out_file)["目标完成情况"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].endswith("目标完成情况") and rows[1][0].startswith("数据截至 ")
    assert rows[2][:7] == ("指标", "单位", "层级", "县（市、区）", "乡镇（街道）", "年度", "完成值")
    assert len(rows) == 3 + 13 * 3
    targets = [r[7] for r in rows[3:] if r[0] == "示范村"]
    assert targets == [100, 200, 300]


def test_csv_to_file_and_county_level(capsys, tmp_path):
    out_file = tmp_path / "county.csv"
    code, out, _ = run(capsys, "scorecard", "--level", "county", "--year", "2023", "--out", str(out_file))
    assert code == 0 and out == ""
    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    assert {r["level"] for r in rows} == {"county"} and {r["year"] for r in rows} == {"2023"}
    assert "荆州经济技术开发区" in {r["county"] for r in rows}
    # demo_villages has no county quotas in targets.yaml; its monitoring split (by baseline villages) gives 200 in all
    villages = {r["county"]: r["target"] for r in rows if r["indicator_id"] == "demo_villages"}
    assert villages == {"沙市区": "8", "荆州区": "18", "公安县": "31", "江陵县": "16", "石首市": "23",
                        "洪湖市": "28", "松滋市": "31", "监利市": "42", "荆州经济技术开发区": "3"}
    assert {r["target"] for r in rows if r["indicator_id"] == "village_income_20w"} == {"0.6"}


def test_check_command(capsys):
    code, out, err = run(capsys, "check")
    assert code == 0 and "校验通过 / valid" in out and "13 项指标" in out


@pytest.mark.parametrize("argv, zh, en", [
    (["scorecard", "--year", "2030"], "--year 2030 不在计划年度 [2022, 2023, 2024] 内",
     "Error: --year must be one of [2022, 2023, 2024]"),
    (["scorecard", "--targets", "{tmp}/missing.yaml"], "文件不存在 / file not found",
     "Error: The plan file has 1 error(s)"),
    (["scorecard", "--data", "{tmp}/no_such_dir"], "数据目录 {tmp}/no_such_dir 不存在",
     "Error: data folder {tmp}/no_such_dir does not exist"),
    (["scorecard", "--data", "{tmp}/bad_data"], "表头与任何报表模板都不匹配",
     "Error: junk.csv: headers match no roster template"),
    (["scorecard", "--format", "xlsx"], "xlsx 格式须用 --out 指定输出文件", "Error: --format xlsx needs --out FILE"),
    (["check", "--targets", str(PLANS / "three_errors.yaml")], "目标配置文件有 3 处错误",
     "Error: The plan file has 3 error(s)"),
])
def test_user_errors_exit_2_with_chinese_and_english_message(capsys, tmp_path, argv, zh, en):
    (tmp_path / "bad_data").mkdir()
    (tmp_path / "bad_data" / "junk.csv").write_text("甲,乙\n1,2\n", encoding="utf-8")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("错误：")
    assert zh.replace("{tmp}", str(tmp_path)) in err
    assert en.replace("{tmp}", str(tmp_path)) in err
    assert "Traceback" not in err


def test_entry_point_runs_as_a_module():
    proc = subprocess.run([sys.executable, "-m", "plan_monitor", "scorecard", "--level", "city", "--year", "2022"],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 1 + 13


# ---------------------------------------------------------------- the CLI's error boundary

INTERNAL_ZH = re.compile(r"^内部错误（编号 ([0-9a-f]{8})），请将编号告知管理员；详情见 (\S+)$")
INTERNAL_EN = re.compile(r"^Internal error \(ref ([0-9a-f]{8})\); please pass the reference to the administrator; "
                         r"details in (\S+)$")


def cli(*argv, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plan_monitor", *argv], cwd=ROOT, text=True, encoding="utf-8",
                          timeout=120, env={**os.environ, **(env or {})}, **kwargs)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_internal_error_prints_a_reference_and_logs_the_traceback(tmp_path):
    """A full disk is nothing the user typed wrong: exit 1, a reference in Chinese and English, the traceback only
    in the log file (under the system temp dir, here TMPDIR)."""
    proc = cli("scorecard", "--out", "/dev/full", env={"TMPDIR": str(tmp_path)}, capture_output=True)
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 2, proc.stderr
    zh, en = INTERNAL_ZH.match(lines[0]), INTERNAL_EN.match(lines[1])
    assert zh and en, lines
    ref, log = zh.group(1), Path(zh.group(2))
    assert en.groups() == (ref, str(log))
    assert log == tmp_path / f"plan_monitor-error-{ref}.log"
    text = log.read_text(encoding="utf-8")
    assert f"internal error {ref}" in text and "scorecard --out /dev/full" in text
    assert "Traceback (most recent call last)" in text and "No space left on device" in text
    assert "Traceback" not in proc.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_internal_error_in_debug_mode_also_prints_the_traceback(tmp_path):
    proc = cli("scorecard", "--out", "/dev/full", env={"TMPDIR": str(tmp_path), "PLAN_MONITOR_DEBUG": "1"},
               capture_output=True)
    assert proc.returncode == 1
    assert INTERNAL_ZH.match(proc.stderr.splitlines()[0])
    assert "Traceback (most recent call last)" in proc.stderr and "OSError: [Errno 28]" in proc.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_unwritable_stdout_is_an_internal_error_without_noise_at_exit(tmp_path):
    with open("/dev/full", "w") as full:
        proc = cli("scorecard", env={"TMPDIR": str(tmp_path)}, stdout=full, stderr=subprocess.PIPE)
    assert proc.returncode == 1
    assert len(proc.stderr.splitlines()) == 2 and INTERNAL_ZH.match(proc.stderr.splitlines()[0]), proc.stderr
    assert "Exception ignored" not in proc.stderr


def test_closed_stdout_exits_quietly():
    """`scorecard | head`: the reader is gone before the table is written; no BrokenPipeError traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = cli("scorecard", stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert proc.returncode == EXIT_BROKEN_PIPE == 141
    assert proc.stderr == ""


def test_scorecard_piped_into_head_shows_one_line_and_no_error():
    proc = subprocess.run(f"'{sys.executable}' -m plan_monitor scorecard | head -n 1", shell=True, cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.stdout == HEADER + "\n"
    assert proc.stderr == ""


# ---------------------------------------------------------------- --round


@pytest.fixture(scope="module")
def early_data(tmp_path_factory):
    from early_round import early_upload

    return early_upload(tmp_path_factory.mktemp("cli_rounds") / "data")


def test_scorecard_default_round_and_chosen_round(capsys, early_data):
    from early_round import EARLY_COUNTY

    code, out, _ = run(capsys, "scorecard", "--data", str(early_data), "--year", "2024", "--level", "county")
    assert code == 0
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["indicator_id"] == "village_income_20w"]
    assert {(r["round"], r["carried_from"]) for r in rows} == {("2024-09-30", "")}
    code, out, _ = run(capsys, "scorecard", "--data", str(early_data), "--year", "2024", "--level", "county",
                       "--round", "2024-12-31")
    assert code == 0
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["indicator_id"] == "village_income_20w"]
    assert [(r["county"], r["round"], r["carried_from"]) for r in rows] == [
        (r["county"], "2024-12-31", "" if r["county"] == EARLY_COUNTY else "2024-09-30") for r in rows]
    assert len(rows) == 9
    code, out, _ = run(capsys, "scorecard", "--data", str(early_data), "--year", "2024", "--level", "city",
                       "--round", "2024-12-31", "--format", "json")
    first = json.loads(out)["rows"][0]
    assert (first["round"], first["carried_from"]) == ("2024-12-31", None)


@pytest.mark.parametrize("value, message", [
    ("2024-11-30", "错误：2024-11-30 不是已报送的一轮统计截至日期，可选：2021-12-31、2022-12-31、2023-12-31、"
                   "2024-06-30、2024-09-30、2024-12-31"),
    ("2024-1", "错误：--round “2024-1”不是日期，应写成 YYYY-MM-DD，如 2024-09-30"),
])
def test_a_round_that_is_not_one_is_bad_input(capsys, early_data, value, message):
    code, out, err = run(capsys, "scorecard", "--data", str(early_data), "--round", value)
    assert code == 2 and out == ""
    assert err.splitlines()[0] == message
    code, _, err = run(capsys, "briefing", "--data", str(early_data), "--round", value, "--out", "x.pptx")
    assert code == 2 and err.splitlines()[0] == message


def test_briefing_round_note_in_the_footer(capsys, early_data, tmp_path):
    from pptx import Presentation

    out = tmp_path / "汇报.pptx"
    code, text, _ = run(capsys, "briefing", "--data", str(early_data), "--round", "2024-12-31", "--out", str(out))
    assert code == 0 and "2024年" in text
    footers = {shape.text_frame.text for slide in Presentation(str(out)).slides for shape in slide.shapes
               if shape.name == "Footer"}
    assert footers == {"数据截至 2024年12月31日（1/9 县已报送本轮，其余沿用此前数据） · 数据来源：各县（市、区）报送的村（社区）、"
                       "乡镇（街道）、县级统计表，经监测看板汇总 · 示例数据，非真实统计"}
    code, _, _ = run(capsys, "briefing", "--data", str(early_data), "--out", str(out))
    footers = {shape.text_frame.text for slide in Presentation(str(out)).slides for shape in slide.shapes
               if shape.name == "Footer"}
    assert footers == {"数据截至 2024年9月30日（2024年12月31日 一轮已有 1/9 县报送） · 数据来源：各县（市、区）报送的村（社区）、"
                       "乡镇（街道）、县级统计表，经监测看板汇总 · 示例数据，非真实统计"}
