"""A small plan and data folder for 督办 from figures: one indicator (卓越党建品牌项目, county_stats) split to three
counties, reported at four rounds (2022-12-31, 2023-12-31, 2024-06-30, 2024-09-30) after a 2021 baseline of 0.

Each county's quota is 30 by 2024, so the trajectory expects 10 at the end of 2022, 20 at the end of 2023, about 25
at 2024-06-30 and about 27.5 at 2024-09-30; below half of the year's expected progress is 严重滞后.
- 沙市区: 2, 5, 26, 27 — red at rounds 1 and 2, on pace at round 3, 滞后 at round 4: one item, closed at round 3.
- 荆州区: 10, 20, 25, 21 — on pace, then red at the last round: one item opened at round 4, still open.
- 公安县: 2, 18, 23, 24 — red at round 1, then 滞后: one item, never closed (滞后 does not close it).
Other counties send nothing (no status, no item)."""

from __future__ import annotations

from pathlib import Path

from plan_monitor.paths import DEFAULT_TARGETS

ROUNDS = {"2022": "2022-12-31", "2023": "2023-12-31", "2024-06-30": "2024-06-30", "2024-09-30": "2024-09-30"}
FIGURES = {"沙市区": [2, 5, 26, 27], "荆州区": [10, 20, 25, 21], "公安县": [2, 18, 23, 24]}
HEADER = "年度,统计截至,县（市、区）,党建共享阵地数（个，累计）,卓越党建品牌项目数（个，累计）"

INDICATOR = """indicators:
  - id: brand_projects
    name: 卓越党建品牌项目
    unit: 个
    kind: count
    direction: higher
    measure: stock
    plan_text: “用3年时间打造品牌项目”
    reading: 测试用：三个县各 30 个
    query: brand_projects
    params: {}
    columns: [卓越党建品牌项目数（个，累计）]
    levels: [city, county]
    targets: {2024: 90}
    quotas: {沙市区: {2024: 30}, 荆州区: {2024: 30}, 公安县: {2024: 30}}
"""


def supervision_plan(folder: Path, deadline_days: int | None = None) -> Path:
    """The bundled plan's header (plan, geography, status rules) with the one indicator above."""
    text = DEFAULT_TARGETS.read_text(encoding="utf-8")
    head = text[:text.index("\nreporting:")]
    extra = f"supervision:\n  deadline_days: {deadline_days}\n" if deadline_days else ""
    reporting = "reporting:\n  rosters: [county_stats]\n  rounds: [\"06-30\", \"09-30\", \"12-31\"]\n"
    path = folder / "targets.yaml"
    path.write_text(head + "\n" + reporting + extra + INDICATOR, encoding="utf-8")
    return path


def supervision_data(folder: Path) -> Path:
    """county_stats files of the 2021 baseline and the four rounds."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [HEADER] + [f"2021,2021-12-31,{c},0,0" for c in FIGURES]
    (folder / "county_stats_2021.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for n, (name, day) in enumerate(ROUNDS.items()):
        lines = [HEADER] + [f"{day[:4]},{day},{c},0,{values[n]}" for c, values in FIGURES.items()]
        (folder / f"county_stats_{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
