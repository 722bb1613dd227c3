"""What an upload would change: each unit of its scope new / changed / unchanged / removed, before anything is written."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..plan import query_text
from ..templates import Template
from .validate import unit_labels, year_end

STATUS_LABELS = {"new": "新增", "changed": "修改", "unchanged": "未变", "removed": "删除"}
DETAIL_LIMIT = 2000  # rows listed one by one in the preview; the counts always cover every row


def with_year_end(table: pa.Table) -> pa.Table:
    """Blank 统计截至 stored as the year's 12-31, so a slice has one name in the store and the views."""
    return table.set_column(table.column_names.index("as_of"), "as_of", year_end(table))


def _value_columns(template: Template) -> list[str]:
    keys = {"year", "as_of", *template.unit_keys}
    return [c.key for c in template.columns if c.key not in keys]


def _fingerprint(table: pa.Table, template: Template) -> pa.Array:
    """The non-key values of a row as one string; equal strings mean an unchanged row."""
    parts = [pc.fill_null(pc.cast(table[k], pa.string()), "∅") for k in _value_columns(template)]
    return pc.binary_join_element_wise(*parts, "\x1f")


def _keyed(table: pa.Table, template: Template, row_col: str, rows: pa.Array) -> pa.Table:
    return pa.table({"county": table["county"], "year": table["year"], "as_of": year_end(table),
                     "unit": unit_labels(table, template), "fingerprint": _fingerprint(table, template), row_col: rows})


def compare(template: Template, incoming: pa.Table, rows: list[int], current: pa.Table) -> pd.DataFrame:
    """One row per unit in the upload's scope: county, year, as_of, unit, status, row_no, current_row."""
    con = duckdb.connect(":memory:")
    try:
        con.register("incoming", _keyed(incoming, template, "row_no", pa.array(rows, pa.int64())))
        con.register("current_rows", _keyed(current, template, "row_id", pa.array(range(len(current)), pa.int64())))
        return con.execute(query_text("upload/preview")).df()
    finally:
        con.close()


def summary(changes: pd.DataFrame) -> pd.DataFrame:
    """Counts per county × 年度 × 统计截至, in the order an analyst reads them."""
    counts = (changes.assign(n=1).pivot_table(index=["county", "year", "as_of"], columns="status", values="n",
                                              aggfunc="sum", fill_value=0)
              .reindex(columns=list(STATUS_LABELS), fill_value=0).reset_index())
    counts["as_of"] = pd.to_datetime(counts["as_of"]).dt.strftime("%Y-%m-%d")
    counts.columns.name = None
    return counts.rename(columns={"county": "县（市、区）", "year": "年度", "as_of": "统计截至", **STATUS_LABELS})


def details(template: Template, changes: pd.DataFrame, incoming: pa.Table, rows: list[int],
            current: pa.Table) -> pd.DataFrame:
    """The changed and removed units with what changed (列：旧值 → 新值), for the first DETAIL_LIMIT of them."""
    shown = changes[changes["status"].isin(["new", "changed", "removed"])].head(DETAIL_LIMIT)
    index_of_row = {r: i for i, r in enumerate(rows)}
    headers = {c.key: c.header for c in template.columns}
    cols = _value_columns(template)
    described = []
    for rec in shown.itertuples():
        if rec.status == "changed":
            new = incoming.slice(index_of_row[int(rec.row_no)], 1).to_pylist()[0]
            old = current.slice(int(rec.current_row), 1).to_pylist()[0]
            diff = [f"{headers[k]}：{_show(old[k])} → {_show(new[k])}" for k in cols if old[k] != new[k]]
            described.append("；".join(diff))
        else:
            described.append("")
    return pd.DataFrame({
        "状态": shown["status"].map(STATUS_LABELS).to_list(),
        "县（市、区）": shown["county"].to_list(),
        "年度": shown["year"].to_list(),
        "统计截至": pd.to_datetime(shown["as_of"]).dt.strftime("%Y-%m-%d").to_list(),
        "单位": shown["unit"].to_list(),
        "文件行号": [None if pd.isna(r) else int(r) for r in shown["row_no"]],
        "变化": described,
    })


def _show(value) -> str:
    if value is None:
        return "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    return f"{value:g}" if isinstance(value, float) else str(value)
