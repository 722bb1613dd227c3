"""The demo data after one county's early year-end report: 荆州区 sends its 2024-12-31 village roster (its
2024-09-30 rows re-dated) while every other county, and 荆州区's other rosters, stay on 2024-09-30."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.paths import DEFAULT_DATA

EARLY_COUNTY = "荆州区"
YEAR_END = date(2024, 12, 31)
Q3 = date(2024, 9, 30)
OTHERS = ["沙市区", "公安县", "江陵县", "石首市", "洪湖市", "松滋市", "监利市", "荆州经济技术开发区"]  # gazetteer order


def early_rows() -> pa.Table:
    """荆州区's 2024-09-30 village rows, dated 2024-12-31."""
    from plan_monitor.sources import load_rosters

    rows = load_rosters(DEFAULT_DATA).tables["villages"]
    mask = pc.and_(pc.equal(rows["county"], EARLY_COUNTY), pc.equal(rows["as_of"], pa.scalar(Q3, pa.date32())))
    rows = rows.filter(mask)
    return rows.set_column(rows.column_names.index("as_of"), "as_of",
                           pa.array([YEAR_END] * len(rows), pa.date32()))


def early_upload(folder: Path) -> Path:
    """A copy of the demo data in `folder` with 荆州区's 2024-12-31 village roster committed as version 1."""
    from plan_monitor.sources import open_store

    shutil.copytree(DEFAULT_DATA, folder)
    open_store(folder).commit(template_key="village", rows=early_rows(), original=b"x",
                              file_name="荆州区村（社区）表.csv", user="张三", base=0)
    return folder
