"""Plans on real geography: every county-less city yields units, `check` refuses a region that yields none, and
zone declarations are checked against the gazetteer."""

from __future__ import annotations

from pathlib import Path

import pytest

from plan_monitor.cli import main
from plan_monitor.errors import PlanError
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.plan import load_plan

LINGYUN = Path(__file__).resolve().parents[2] / "examples" / "lingyun.yaml"
REGION = '{name: 凌云县, code: "451027"}'


def plan_file(tmp_path: Path, name: str, code: str, geography: str = "") -> Path:
    """examples/lingyun.yaml moved to another region, with a geography section if given."""
    text = LINGYUN.read_text(encoding="utf-8").replace(REGION, f'{{name: {name}, code: "{code}"}}')
    if geography:
        text = text.replace("\nstatus_rules:", f"\ngeography:\n{geography}\nstatus_rules:", 1)
    path = tmp_path / f"{code}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list:
    with pytest.raises(PlanError) as info:
        load_plan(path)
    return info.value.problems


@pytest.mark.parametrize("name, code, n_towns", [
    ("中山市", "442000", 23), ("东莞市", "441900", 32), ("儋州市", "460400", 17), ("嘉峪关市", "620200", 6),
])
def test_every_county_less_city_yields_units(tmp_path, name, code, n_towns):
    geo = load_geography(load_plan(plan_file(tmp_path, name, code)))
    assert geo.county_names() == [name]
    assert len(geo.towns) == n_towns > 0


def test_a_region_without_any_unit_is_refused(tmp_path):
    path = plan_file(tmp_path, "香港特别行政区", "810000")
    [p] = problems(path)
    assert (p.path, p.line) == ("plan.region.code", 13)
    assert p.message.startswith("区划代码 810000（香港特别行政区）在民政部区划表中没有下辖的县（市、区）或乡镇（街道）")
    assert "中山市 442000" in p.hint and "geography.functional_zones" in p.hint


def test_a_region_without_towns_is_refused(tmp_path):
    [p] = problems(plan_file(tmp_path, "金门县", "350527"))
    assert p.path == "plan.region.code"
    assert "没有下辖的乡镇（街道）" in p.message and "geography.extra_towns" in p.hint


def test_declaring_the_towns_makes_such_a_region_plannable(tmp_path):
    path = plan_file(tmp_path, "金门县", "350527", "  extra_towns: [{county: 金门县, name: 金城镇, type: 镇}]")
    geo = load_geography(load_plan(path))
    assert geo.towns["town"].tolist() == ["金城镇"]


def test_cli_check_refuses_an_empty_region_in_chinese(tmp_path, capsys):
    assert main(["check", "--targets", str(plan_file(tmp_path, "香港特别行政区", "810000"))]) == 2
    err = capsys.readouterr().err
    assert "plan.region.code" in err and "没有下辖的县（市、区）" in err


@pytest.mark.parametrize("geography, path, message", [
    ("  functional_zones:\n    - name: 某区\n      managed_towns: [不存在镇]",
     "geography.functional_zones[0].managed_towns[0]", "“不存在镇”不是本地区的乡镇（街道）"),
    ("  functional_zones:\n    - name: 某区\n      listed_towns: [泗城镇]\n      towns: [{name: 泗城镇, type: 镇}]",
     "geography.functional_zones[0].towns[0].name", "“泗城镇”在区划表中，不必另列"),
    ("  functional_zones:\n    - name: 凌云县", "geography.functional_zones[0].name", "是区划表中的县（市、区），不是功能区"),
    ("  extra_towns: [{county: 乐业县, name: 某管理区, type: 镇}]", "geography.extra_towns[0].county",
     "“乐业县”不是本地区区划表中的县（市、区）"),
    ("  aliases: {泗城: 泗城乡}", "geography.aliases.泗城", "的现名“泗城乡”不是本地区的"),
])
def test_zone_declarations_are_checked_against_the_gazetteer(tmp_path, geography, path, message):
    found = problems(plan_file(tmp_path, "凌云县", "451027", geography))
    assert [(p.path, message in p.message) for p in found] == [(path, True)]


def test_a_repeated_town_name_is_written_with_its_county(tmp_path):
    zone = "  functional_zones:\n    - name: 某开发区\n      managed_towns: [{town}]"
    found = problems(plan_file(tmp_path, "湖北省", "420000", zone.format(town="新华街道")))
    assert len(found) == 1 and "本地区有" in found[0].message and "县名/乡镇名" in found[0].hint
    owner = found[0].hint.split("如 ")[1].split("/")[0]
    plan = load_plan(plan_file(tmp_path, "湖北省", "420000", zone.format(town=f"{owner}/新华街道")))
    geo = load_geography(plan)
    assert geo.towns[geo.towns["county"] == "某开发区"]["town"].tolist() == ["新华街道"]
