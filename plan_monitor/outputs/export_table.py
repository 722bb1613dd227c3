"""The scorecard as a flat table with the documented CSV columns, and the tables of the scorecard and the
pages as they go into Excel."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from plan_monitor.metrics.scorecard import Scorecard, csv_columns, latest_as_of
from plan_monitor.metrics.supervision import COLOUR_LABELS
from plan_monitor.metrics.trajectory import STATUS_LABELS
from plan_monitor.outputs.scorecard_csv import DAYS, NUMERIC, csv_bytes, day_texts, number, number_texts, text_cells
from plan_monitor.present.format import (
    expected_whole,
    fmt_carried,
    fmt_date,
    fmt_iso,
    fmt_notes,
    gap_unit,
    gap_value,
    projected_whole,
)
from plan_monitor.present.reporting import round_note
from plan_monitor.present.supervision import ordered
from plan_monitor.spec.plan import LEVEL_LABELS


def _number(value):
    """Whole numbers print without a decimal point; others keep six decimals. Missing stays empty."""
    return None if pd.isna(value) else number(value)


def _own_county(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows whose county column names a county only: a prefecture row's place is in its prefecture column."""
    if "prefecture" not in rows:
        return rows
    return rows.assign(county=rows["county"].where(rows["level"] != "prefecture", None))


def scorecard_table(rows: pd.DataFrame) -> pd.DataFrame:
    table = _own_county(rows)[csv_columns(rows)].copy()
    for col in NUMERIC:
        table[col] = pd.Series([_number(v) for v in table[col]], index=table.index, dtype=object)
    table["year"] = table["year"].astype(int)
    for col in ("round", "carried_from"):  # dates as ISO text, empty when none
        table[col] = [fmt_iso(v, empty="") or None for v in table[col]]
    return table


def scorecard_csv(rows: pd.DataFrame) -> str:
    """scorecard_table(rows) as CSV text, exactly as `.to_csv(index=False, lineterminator="\n")` writes it, built
    column by column with Arrow's string kernels: a national scorecard has ~700,000 rows × 15 cells, too many to
    format one by one."""
    return scorecard_csv_bytes(rows).decode("utf-8")


def scorecard_csv_bytes(rows: pd.DataFrame) -> bytes:
    """scorecard_csv(rows) encoded as UTF-8, straight from Arrow's buffer (a national CSV is 40 MB: making it a
    Python str and encoding it again costs more than formatting it). The cells are outputs.scorecard_csv's, which
    also formats a persisted card's Arrow table without making a frame (table_csv_bytes)."""
    columns = csv_columns(rows)
    rows = _own_county(rows)
    cells = []
    for col in columns:
        values = rows[col]
        if col in NUMERIC:
            cells.append(number_texts(values.to_numpy(dtype=float, na_value=np.nan)))
        elif col == "year":
            cells.append(pa.array(values.astype(int).to_numpy()).cast(pa.string()))
        elif col in DAYS:  # ISO days, empty when none
            cells.append(day_texts(pd.to_datetime(values).to_numpy()))
        else:
            cells.append(_csv_field(values))
    return csv_bytes(columns, cells, len(rows))


def _csv_field(values: pd.Series) -> pa.Array:
    """Text cells as the csv writer writes them: missing as empty, a cell with a comma, quote or line end quoted."""
    return text_cells(pa.array(values, pa.string(), from_pandas=True))


# ---------------------------------------------------------------- Excel exports of the scorecard and page tables

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCORECARD_COLUMNS = ["指标", "单位", "层级", "县（市、区）", "乡镇（街道）", "年度", "完成值", "年度目标", "差距",
                     "完成率", "时序进度", "状态", "趋势", "说明"]
RATES = {"完成率": "%", "时序进度": "%"}


@dataclass(frozen=True)
class ExportTable:
    """A table as it goes into Excel: Chinese headers, raw numbers, and how to show them."""

    frame: pd.DataFrame
    sheet: str = "数据"
    units: dict[str, str] = field(default_factory=dict)
    status_column: str | tuple[str, ...] | None = None
    unit_column: str | None = None
    point_columns: tuple[str, ...] = ()  # gaps: where the row's unit is %, the figure is in 个百分点

    def xlsx(self, title: str | None, as_of_line: str) -> bytes:
        from plan_monitor.outputs.xlsx import table_xlsx  # openpyxl only for a workbook, not for the CSV

        return table_xlsx(self.frame, self.sheet, self.units, self.status_column, title, as_of_line,
                          unit_column=self.unit_column, point_columns=self.point_columns)


def as_of_note(as_of, is_demo: bool) -> str:
    """The 数据截至 line every export carries, with the demo mark when the figures are not real."""
    return f"数据截至 {fmt_date(as_of)}" + ("；示例数据，非真实统计" if is_demo else "")


def export_note(card: Scorecard, year: int | None = None) -> str:
    """as_of_note for one year of the scorecard (with its round note when the round is incomplete or a newer
    one is waiting), or for its latest report when no year is given."""
    as_of = card.data_as_of(year) if year is not None else latest_as_of(card.select(level="city"))
    note = round_note(card, year) if year is not None else None
    return as_of_note(as_of, card.is_demo) + (f"；{note}" if note else "")


def with_carried(frame: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The table with a 沿用 column (沿用 9月30日 数据) when any of its rows is carried from an older report."""
    if "carried_from" not in rows or rows["carried_from"].isna().all():
        return frame
    marks = pd.Series([fmt_carried(d) or None for d in rows["carried_from"]], index=frame.index, dtype=object)
    return frame.assign(沿用=marks.astype(object).where(marks.notna(), None))


def _text(series: pd.Series) -> pd.Series:
    """Labels with NaN where nothing applies, as plain strings or None."""
    return series.astype(object).where(series.notna(), None)


def scorecard_export(rows: pd.DataFrame, region: str = "全市") -> ExportTable:
    """The scorecard rows as the Excel table; `region` names the region row's 层级 (Geography.region_word: 全省 or
    全国 in a province's or the nation's plan)."""
    frame = pd.DataFrame({
        "指标": rows["indicator"], "单位": rows["unit"], "层级": rows["level"].map({**LEVEL_LABELS, "city": region}),
        "县（市、区）": _text(_own_county(rows)["county"]), "乡镇（街道）": _text(rows["town"]), "年度": rows["year"].astype(int),
        "完成值": rows["actual"], "年度目标": rows["target"], "差距": _gaps(rows), "完成率": rows["completion"],
        "时序进度": rows["time_progress"], "状态": _text(rows["status_label"]), "趋势": _text(rows["pace_label"]),
        "说明": fmt_notes(rows),
    })[SCORECARD_COLUMNS]
    if "prefecture" in rows:  # a province's or the nation's plan: 市（州） before 县（市、区）
        frame.insert(3, "市（州）", _text(rows["prefecture"]))
    return ExportTable(with_carried(frame, rows).reset_index(drop=True), "目标完成情况", RATES, "状态", "单位",
                       point_columns=("差距",))


def _gaps(rows: pd.DataFrame, unit: str | None = None) -> pd.Series:
    """差距 as fmt_gap states it: a share's in percentage points (8.5), a count's whole; NaN stays empty."""
    units = rows["unit"] if unit is None else pd.Series(unit, index=rows.index)
    return pd.Series([gap_value(v, u, k) for v, u, k in zip(rows["gap"], units, rows["kind"])], index=rows.index,
                     dtype=float)


def _wholes(rows: pd.DataFrame, col: str, rounding, unit: str | None = None) -> pd.Series:
    """A figure of each row as the pages print it: a count whole (时序要求 up, 期末推算 down when more is better)."""
    units = rows["unit"] if unit is None else pd.Series(unit, index=rows.index)
    return pd.Series([rounding(v, u, k, d) for v, u, k, d in zip(rows[col], units, rows["kind"], rows["direction"])],
                     index=rows.index, dtype=float)


def scorecard_xlsx(card_rows: pd.DataFrame, as_of, is_demo: bool, title: str | None = None,
                   region: str = "全市") -> bytes:
    """The whole scorecard (every row given, every level and year) as one sheet with Chinese headers."""
    return scorecard_export(card_rows, region).xlsx(title or "目标完成情况", as_of_note(as_of, is_demo))


def attention_export(attention: pd.DataFrame) -> ExportTable:
    frame = pd.DataFrame({
        "状态": attention["status_label"], "指标": attention["indicator"], "地区": attention["place"],
        "单位": attention["unit"], "实际": attention["actual"], "时序要求": _wholes(attention, "expected", expected_whole),
        "年度目标": attention["target"], "完成率": attention["completion"], "时序进度": attention["time_progress"],
    }).reset_index(drop=True)
    return ExportTable(frame, "需关注", RATES, "状态", "单位")


def county_export(rows: pd.DataFrame, unit: str, place: str = "县（市、区）") -> ExportTable:
    """A ranking's table: the counties' (or, with place 市（州）, the prefectures')."""
    frame = pd.DataFrame({
        "排位": rows["rank"], place: rows["county"], "实际": rows["actual"], "目标": rows["target"],
        "差距": _gaps(rows, unit), "完成率": rows["completion"], "状态": _text(rows["status_label"]),
        "走势": _text(rows["pace_label"]), "说明": fmt_notes(rows),
    })
    frame = with_carried(frame, rows).reset_index(drop=True)
    return ExportTable(frame, "各县排位" if place == "县（市、区）" else "各市（州）排位", {"实际": unit, "目标": unit, "差距": gap_unit(unit), **RATES}, "状态")


def status_matrix_export(matrix: pd.DataFrame, names: dict[str, str], place: str = "县（市、区）") -> ExportTable:
    """The status matrix: the counties' (or, with place 市（州）, the prefectures') × indicators."""
    columns = [names.get(c, c) for c in matrix.columns]
    frame = pd.DataFrame([[STATUS_LABELS.get(v) for v in row] for row in matrix.itertuples(index=False)],
                         columns=columns)
    frame.insert(0, place, list(matrix.index))
    return ExportTable(frame, "状态矩阵", status_column=tuple(columns))


def town_export(towns: pd.DataFrame, unit: str) -> ExportTable:
    frame = pd.DataFrame({
        "乡镇（街道）": towns["town"], "实际": towns["actual"], "目标": towns["target"], "差距": _gaps(towns, unit),
        "完成率": towns["completion"], "状态": _text(towns["status_label"]), "说明": fmt_notes(towns),
    })
    frame = with_carried(frame, towns).reset_index(drop=True)
    return ExportTable(frame, "各乡镇", {"实际": unit, "目标": unit, "差距": gap_unit(unit), **RATES}, "状态")


def trend_export(rows: pd.DataFrame, unit: str) -> ExportTable:
    frame = pd.DataFrame({
        "年度": rows["year"].astype(int), "统计截至": rows["as_of"], "实际": rows["actual"], "年度目标": rows["target"],
        "时序要求": _wholes(rows, "expected", expected_whole, unit),
        "期末推算": _wholes(rows, "projected", projected_whole, unit), "状态": rows["status"].map(STATUS_LABELS),
        "走势": _text(rows["pace_label"]),
    }).reset_index(drop=True)
    return ExportTable(frame, "年度趋势", {c: unit for c in ("实际", "年度目标", "时序要求", "期末推算")}, "状态")


def reverse_schedule_export(plan: pd.DataFrame, unit: str) -> ExportTable:
    frame = pd.DataFrame({
        "县（市、区）": plan["county"], "当年还需": plan["to_year"], "剩余季度": plan["quarters_year"],
        "每季度需": plan["per_quarter_year"], "期末还需": plan["to_final"], "期末前每季度需": plan["per_quarter_final"],
    }).reset_index(drop=True)
    return ExportTable(frame, "倒排工期", {c: unit for c in ("当年还需", "每季度需", "期末还需", "期末前每季度需")})


def supervision_export(items: pd.DataFrame, day) -> ExportTable:
    """督办台账 as Excel: 序号, colour, county, indicator, opening round and date, deadline, the triggering figures
    (numbers in the row's unit), and the closing note; open items first."""
    rows = ordered(items, day)
    frame = pd.DataFrame({
        "序号": range(1, len(rows) + 1), "督办颜色": rows["colour"].map(COLOUR_LABELS),
        "县（市、区）": rows["county"], "指标": rows["indicator"], "单位": rows["unit"],
        "立项轮次": [f"第{int(n)}轮" for n in rows["opened_no"]], "立项统计截至": rows["opened_at"],
        "时限": rows["deadline"], "触发时完成值": rows["actual"], "触发时年度目标": rows["target"],
        "触发时完成率": rows["completion"], "触发时时序进度": rows["time_progress"],
        "状态": ["未销号" if o else "已销号" for o in rows["open"]],
        "销号时间": rows["closed_at"], "销号情况": rows["note"].astype(object).where(rows["note"].notna(), None),
    })
    return ExportTable(frame, "督办台账", {"触发时完成率": "%", "触发时时序进度": "%"}, unit_column="单位")
