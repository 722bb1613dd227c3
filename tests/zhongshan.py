"""A town roster for the example plan of 中山市 (examples/zhongshan.yaml), built from the gazetteer's towns, and a data
folder holding it, committed through check_upload and the write service as an analyst would."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from plan_monitor.ingest.pipeline import check_upload
from plan_monitor.ingest.service import Actor, WriteService
from plan_monitor.paths import ROOT
from plan_monitor.sources import open_store
from plan_monitor.spec.geography import gazetteer_units, load_geography
from plan_monitor.spec.plan import load_plan
from plan_monitor.spec.templates import TEMPLATES

ZHONGSHAN = ROOT / "examples" / "zhongshan.yaml"
ANALYST = Actor("中山市委组织部 陈统计")


def zhongshan_towns() -> list[tuple[str, str]]:
    """(town, 镇/乡/街道) of 中山市 in gazetteer order."""
    _, _, towns = gazetteer_units("442000")
    return list(zip(towns["town"], towns["town_type"]))


def town_roster(year: int) -> bytes:
    """中山市's town roster (模板 town) for a year-end, as a UTF-8 CSV with the template's headers.

    Baseline (2023): no demo units, no platform, one secretary candidate per town. 2024: the first 3 镇 and the
    first 2 街道 named demo units in 2024, the first 3 街道 with the smart platform, 2 candidates per town
    (the first 镇 left blank: not reported)."""
    headers = {c.key: c.header for c in TEMPLATES["town"].columns}
    rows = []
    towns = zhongshan_towns()
    zhen = [t for t, kind in towns if kind == "镇"]
    jie = [t for t, kind in towns if kind == "街道"]
    for town, kind in towns:
        later = year > 2023
        demo = later and (town in zhen[:3] or town in jie[:2])
        reserves = "" if later and town == zhen[0] else str(2 if later else 1)
        rows.append({"year": year, "as_of": f"{year}-12-31", "county": "中山市", "town": town, "town_type": kind,
                     "is_demo": "是" if demo else "否", "demo_year": year if demo else "",
                     "has_smart_platform": "是" if later and town in jie[:3] else "否",
                     "is_dense_center": "否", "secretary_reserves": reserves})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([headers[k] for k in rows[0]])
    writer.writerows([[r[k] for k in r] for r in rows])
    return out.getvalue().encode("utf-8")


def committed_data(folder: Path) -> Path:
    """A data folder for the 中山 plan with the 2023 and 2024 town rosters committed."""
    plan = load_plan(ZHONGSHAN)
    geo = load_geography(plan)
    folder.mkdir(parents=True, exist_ok=True)
    for year in (2023, 2024):
        store = open_store(folder)
        checked = check_upload(f"中山市乡镇_{year}.csv", town_roster(year), plan, geo, store, "town")
        assert checked.errors == [], checked.problems().to_string()
        WriteService(store).commit_upload(checked, ANALYST, confirm_warnings=True)
    return folder
