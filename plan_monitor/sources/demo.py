"""A deterministic demo city (示例数据), written in the same roster templates analysts upload.

Jingzhou's real counties and towns from the gazetteer; invented villages with a 2021 baseline, year-end
reports for 2022 and 2023, and two reports for the current year (Q2 and Q3) so time progress and
"latest report wins" both show. Some counties run ahead, some clearly lag. The same generator builds
provincial (湖北省) and national data sets for benchmarks.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from plan_monitor.sources.report_dates import is_year_end, year_end
from plan_monitor.sources.store._base import DEMO_MARK
from plan_monitor.spec.geography import NATION, gazetteer_units, load_geography
from plan_monitor.spec.plan import Plan
from plan_monitor.spec.templates import COUNTY_ROSTER, COUNTY_STATS, TOWN_ROSTER, VILLAGE, Template

SCALES = {  # region code (None: the plan's own) and how many villages a town has relative to the municipal demo
    "municipal": (None, 1.0),
    "provincial": ("420000", 0.84),
    "national": (NATION, 0.6),
}
# Jingzhou counties that run ahead (>1) or lag (<1); others get a factor from their code.
JINGZHOU_FACTORS = {"沙市区": 1.25, "松滋市": 1.2, "荆州区": 1.1, "石首市": 1.0, "洪湖市": 0.95,
                    "监利市": 0.9, "荆州经济技术开发区": 1.0, "公安县": 0.62, "江陵县": 0.55}
PILOT_PLATFORMS = ["东城街道", "立新街道", "中山路街道", "西城街道"]  # the plan's two pilots first
DENSE_COUNTIES = {"沙市区", "荆州区"}

SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
VILLAGE_SUFFIXES = ["家村", "湾村", "台村", "垸村", "河村", "桥村", "岭村", "铺村", "港村", "嘴村", "场村", "庙村", "岗村", "洲村"]
COMMUNITY_WORDS = ["新华", "建设", "人民", "红星", "幸福", "和平", "胜利", "东方", "青年", "园林", "江汉", "荆江", "长江",
                   "复兴", "民主", "文化", "育才", "朝阳", "花园", "锦绣", "春晖", "滨江", "东岳", "太平", "金港", "白云"]


@dataclass
class Report:
    """One reporting round: a year and its 统计截至, and how far through the year it is."""

    year: int
    as_of: date
    progress: float  # cumulative achievement index used to place this report on each unit's trajectory

    @property
    def tag(self) -> str:
        return str(self.year) if is_year_end(self.as_of) else self.as_of.isoformat()


@dataclass
class Unit:
    county: str
    town: str
    name: str
    kind: str  # 村 / 社区 / 镇 / 乡 / 街道
    factor: float
    values: dict = field(default_factory=dict)


def _reports(plan: Plan) -> list[Report]:
    base = plan.plan.baseline_year
    out = [Report(base, year_end(base), 0.0)]
    for i, year in enumerate(plan.years[:-1], start=1):
        out.append(Report(year, year_end(year), float(i)))
    last = plan.years[-1]
    n = len(plan.years) - 1
    out.append(Report(last, date(last, 6, 30), n + 0.5))
    out.append(Report(last, date(last, 9, 30), n + 0.75))
    return out


def _county_factor(county: str, code: str | None, rng: random.Random) -> float:
    if county in JINGZHOU_FACTORS:
        return JINGZHOU_FACTORS[county]
    return round(0.55 + 0.75 * random.Random(code or county).random(), 2)


def _names(rng: random.Random, n_villages: int, n_communities: int) -> tuple[list[str], list[str]]:
    pool = [s + suf for s in SURNAMES for suf in VILLAGE_SUFFIXES]
    villages = rng.sample(pool, n_villages)
    cpool = [w + "社区" for w in COMMUNITY_WORDS] + [w + suf for w in COMMUNITY_WORDS for suf in ("东社区", "西社区", "南社区", "北社区")]
    return villages, rng.sample(cpool, n_communities)


def _name_in_rounds(units: list[Unit], key: str, counts: list[int], rng: random.Random) -> None:
    """Mark units as named in successive rounds (cumulative counts), favouring units of strong counties.

    A weighted sample without replacement in one sort (Efraimidis–Spirakis keys u^(1/w)), so the national
    data set of ~600,000 villages takes seconds, not hours.
    """
    order = sorted(units, key=lambda u: rng.random() ** (1.0 / u.factor ** 3), reverse=True)
    start = 0
    for round_no, cumulative in enumerate(counts):
        end = max(start, min(cumulative, len(order)))
        for unit in order[start:end]:
            unit.values[key] = round_no
        start = end


def generate(plan: Plan, out_dir: str | Path, scale: str = "municipal", seed: int = 2022) -> dict[str, int]:
    """Write the demo rosters into out_dir; return row counts per template."""
    rng = random.Random(seed)
    region_code, density = SCALES[scale]
    if region_code is None:
        geo = load_geography(plan)
        counties, towns = geo.counties, geo.towns
    else:
        _, counties, towns = gazetteer_units(region_code)
    reports = _reports(plan)
    factors = {c: _county_factor(c, code, rng) for c, code in zip(counties["county"], counties["code"])}

    villages: list[Unit] = []
    town_units: list[Unit] = []
    for county, town, ttype in zip(towns["county"], towns["town"], towns["town_type"]):
        f = factors[county]
        town_units.append(Unit(county, town, town, ttype, f))
        if ttype == "街道":
            nv, nc = rng.randint(0, 4), rng.randint(5, 12)
        elif ttype == "乡":
            nv, nc = rng.randint(8, 20), rng.randint(0, 1)
        else:
            nv, nc = rng.randint(14, 34), rng.randint(1, 3)
        nv, nc = max(0, round(nv * density)), max(0, round(nc * density))
        vnames, cnames = _names(rng, nv, nc)
        villages += [Unit(county, town, n, "村", f) for n in vnames]
        villages += [Unit(county, town, n, "社区", f) for n in cnames]

    size = 1.0 if scale == "municipal" else sum(u.kind == "村" for u in villages) / 2500
    rounds = len(reports) - 1  # naming rounds: one per report after the baseline
    # Cumulative named counts at each report after the baseline, as achieved shares of the plan's targets.
    def plan_curve(values: list[float]) -> list[int]:
        return [round(v * size) for v in values]

    _name_in_rounds([u for u in villages if u.kind == "村"], "named", plan_curve([105, 190, 228, 255])[:rounds], rng)
    _name_in_rounds([u for u in villages if u.kind == "社区"], "named", plan_curve([31, 41, 45, 48])[:rounds], rng)
    _name_in_rounds([u for u in town_units if u.kind != "街道"], "named", plan_curve([11, 19, 22, 24])[:rounds], rng)
    _name_in_rounds([u for u in town_units if u.kind == "街道"], "named", plan_curve([5, 9, 10, 11])[:rounds], rng)

    for u in villages:
        base = rng.lognormvariate(2.93, 0.5) * (0.8 + 0.2 * u.factor)
        growth = max(-0.05, rng.gauss(0.1, 0.06) * u.factor)
        u.values["income"] = [round(base * (1 + growth) ** r.progress, 1) for r in reports]
        has_at = 0.0 if rng.random() < 0.45 else rng.expovariate(0.55 * u.factor)
        u.values["u30"] = [int(r.progress >= has_at) + (rng.random() < 0.1) for r in reports]
        u.values["extra_reserve"] = rng.randint(0, 3)

    platforms = {t: i for i, t in enumerate(PILOT_PLATFORMS)}
    for u in town_units:
        u.values["platform_round"] = {0: 1, 1: 1, 2: 2, 3: 3}.get(platforms.get(u.town, -1)) \
            if u.county in DENSE_COUNTIES else None
        u.values["secretary_reserves"] = rng.randint(0, 3)

    county_rows = _county_units(counties, factors, reports, villages, rng, size)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts = {"village": 0, "town": 0, "county": 0, "county_stats": 0}
    for i, report in enumerate(reports):
        counts["village"] += _write(out / f"village_{report.tag}.csv", VILLAGE,
                                    (_village_row(u, reports, i) for u in villages))
        counts["town"] += _write(out / f"town_{report.tag}.csv", TOWN_ROSTER,
                                 (_town_row(u, reports, i) for u in town_units))
        counts["county"] += _write(out / f"county_{report.tag}.csv", COUNTY_ROSTER,
                                   (row["demo"][i] for row in county_rows))
        counts["county_stats"] += _write(out / f"county_stats_{report.tag}.csv", COUNTY_STATS,
                                         (row["stats"][i] for row in county_rows))
    (out / DEMO_MARK).write_text("示例数据：由 python -m plan_monitor demo-data 生成，非真实统计数据。\n", encoding="utf-8")
    if scale == "municipal" and plan.tasks:  # the task ledger as it stood at the last report
        from plan_monitor.sources.demo_ledger import generate_ledger

        counts["task_events"] = generate_ledger(plan, load_geography(plan), out, reports[-1].as_of, seed)
    return counts


def _county_units(counties, factors, reports, villages, rng, size) -> list[dict]:
    names = list(counties["county"])
    by_factor = sorted(names, key=lambda c: -factors[c])
    demo_round = {c: i // 2 + 1 for i, c in enumerate(by_factor[:5])}  # two a year, one so far this year
    per_county = Counter(v.county for v in villages)  # one pass: counting per county was O(counties × villages)
    weights = {c: factors[c] * max(1, per_county[c]) for c in names}
    total_w = sum(weights.values())
    sites = [0, 46, 97, 118, 131]
    brands = [0, 30, 58, 70, 76]
    certified = [1.0, 1.3, 1.6, 1.72, 1.8]
    trained = [0.0, 0.31, 0.62, 0.76, 0.84]
    rows = []
    for c in names:
        share = weights[c] / total_w
        lag = factors[c]
        base_cert = max(8, round(1150 * size * share / lag ** 0.5))
        workers = max(50, round(12000 * size * share))
        demo, stats = [], []
        for i, r in enumerate(reports):
            k = min(i, len(sites) - 1)
            named = demo_round.get(c)
            demo.append({"year": r.year, "as_of": r.as_of, "county": c, "is_demo": named is not None and named <= i,
                         "demo_year": reports[named].year if named is not None and named <= i else None})
            stats.append({
                "year": r.year, "as_of": r.as_of, "county": c,
                "shared_sites": round(sites[k] * size * share * lag ** 0.5),
                "brand_projects": round(brands[k] * size * share * lag ** 0.5),
                "certified_workers_u50": round(base_cert * (1 + (certified[k] - 1) * lag ** 0.8)),
                "party_workers": workers,
                "party_workers_trained": min(workers, round(workers * trained[k] * lag ** 0.5)),
            })
        rows.append({"demo": demo, "stats": stats})
    return rows


def _village_row(u: Unit, reports: list[Report], i: int) -> dict:
    r = reports[i]
    named = u.values.get("named")
    is_demo = named is not None and named + 1 <= i
    u30 = u.values["u30"][i] if u.kind == "村" else 0
    return {
        "year": r.year, "as_of": r.as_of, "county": u.county, "town": u.town, "village": u.name, "unit_type": u.kind,
        "is_demo": is_demo, "demo_year": reports[named + 1].year if is_demo else None,
        "income_wan": u.values["income"][i] if u.kind == "村" else None,
        "reserve_cadres": u30 + u.values["extra_reserve"] if u.kind == "村" else None,
        "reserve_cadres_u30": u30 if u.kind == "村" else None,
    }


def _town_row(u: Unit, reports: list[Report], i: int) -> dict:
    r = reports[i]
    named = u.values.get("named")
    is_demo = named is not None and named + 1 <= i
    platform = u.values["platform_round"]
    return {
        "year": r.year, "as_of": r.as_of, "county": u.county, "town": u.town, "town_type": u.kind,
        "is_demo": is_demo, "demo_year": reports[named + 1].year if is_demo else None,
        "has_smart_platform": platform is not None and platform <= i,
        "is_dense_center": u.kind == "街道" and u.county in DENSE_COUNTIES,
        "secretary_reserves": u.values["secretary_reserves"],
    }


def _write(path: Path, template: Template, rows) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(template.headers)
        for row in rows:
            writer.writerow([_cell(row.get(c.key), c.dtype) for c in template.columns])
            n += 1
    return n


def _cell(value, dtype: str) -> str:
    if value is None:
        return ""
    if dtype == "bool":
        return "是" if value else "否"
    if dtype == "date":
        return value.isoformat()
    return str(value)
