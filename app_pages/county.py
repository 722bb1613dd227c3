"""分县: counties ranked for one indicator, gap bars against quota or share target, and the status matrix."""

from html import escape

import streamlit as st

from plan_monitor.metrics.trajectory import TARGET_SOURCES
from plan_monitor.outputs.charts import county_bars, status_heatmap
from plan_monitor.outputs.export_table import county_export, status_matrix_export, with_carried
from plan_monitor.present.format import fmt_gap, fmt_notes, fmt_rate, fmt_value
from plan_monitor.present.views import county_ranking, marked_matrix
from plan_monitor.spec.plan import SPLIT_BY_LABELS
from plan_monitor.ui.context import breadcrumb, export_note_of, header, indicator_picker, memo, monitor, set_qp
from plan_monitor.ui.downloads import chart_buttons, xlsx_button
from plan_monitor.ui.tables import dataframe


def clicked_county(event) -> str | None:
    """The county of the bar clicked on the ranking chart (its customdata, else its y)."""
    points = event.get("selection", {}).get("points", []) if event else []
    return (points[0].get("customdata") or points[0].get("y")) if points else None


def build(m, year: int, indicator_id: str) -> dict:
    """The ranking, its chart and its table for a year and indicator, built once per Monitor, year and indicator;
    shared by every session, never changed."""
    ind = m.plan.indicator(indicator_id)
    rows = county_ranking(m, year, indicator_id)
    if rows["actual"].isna().all():
        return {"rows": rows}
    table = rows.assign(
        实际=[fmt_value(v, ind.unit, ind.kind) if v == v else (n if isinstance(n, str) else fmt_value(v, ind.unit, ind.kind))
            for v, n in zip(rows["actual"], rows["missing_note"])],
        目标=[fmt_value(v, ind.unit, ind.kind) if v == v else (n or "—") for v, n in zip(rows["target"], rows["target_note_label"].fillna(""))],
        目标来源=rows["target_source_label"].fillna("—"),
        差距=[fmt_gap(v, ind.unit, ind.kind) for v in rows["gap"]],
        完成率=rows["completion"].map(fmt_rate),
        状态=rows["status_label"].fillna("—"),
        走势=rows["pace_label"].fillna("—"),
        说明=fmt_notes(rows).fillna(""),
    ).rename(columns={"rank": "排位", "county": "县（市、区）"})
    table = with_carried(table, rows)
    if "沿用" in table:  # a county of the round shows an empty cell
        table["沿用"] = table["沿用"].fillna("")
    shown = (["排位", "县（市、区）", "实际", "目标", "目标来源", "差距", "完成率", "状态", "走势", "说明"]
             + (["沿用"] if "沿用" in table else []))
    return {"rows": rows, "fig": county_bars(rows, ind.unit, ind.kind, ind.direction), "table": table[shown]}


def drill(county: str) -> None:
    set_qp(county=county)
    st.switch_page("app_pages/town.py", query_params={k: v for k, v in st.query_params.items() if k != "town"})


m, year = monitor()
# A bar click reruns this page only to open the county's towns: go there before drawing this page again.
if clicked := clicked_county(st.session_state.get("county_bars")):
    drill(clicked)
header(m, year, "分县")
breadcrumb()  # 全市: the top level, no links
indicator_id = indicator_picker(m, level="county")
ind = m.plan.indicator(indicator_id)
view = memo(m, ("county_page", year, indicator_id), lambda: build(m, year, indicator_id))
rows = view["rows"]
note = export_note_of(m, year)

if rows["actual"].isna().all():
    st.info(f"{year}年各县（市、区）尚无“{ind.name}”数据。")
else:
    if (rows["target_source"] == "split").any():
        rule = f"（{SPLIT_BY_LABELS[ind.split.by]}）" if ind.split and ind.split.by else ""
        st.caption(f"说明：各县（市、区）目标为{TARGET_SOURCES['split']}{rule}，由全市目标测算，"
                   "合计等于全市目标，仅供监测比较，不是计划正式下达的任务分解。")
    notes = rows.loc[rows["target"].isna(), "target_note_label"].dropna().unique()
    if len(notes):
        st.caption("说明：" + "；".join(notes) + "，县级柱条不显示目标线和状态颜色。")
    st.markdown(f"### {escape(ind.name)}：各县（市、区）排位　<small>点击柱条查看该县乡镇</small>", unsafe_allow_html=True)
    fig = view["fig"]
    event = st.plotly_chart(fig, key="county_bars",
                            on_select="rerun", selection_mode="points", config={"displayModeBar": False})
    chart_buttons(fig, f"各县排位_{indicator_id}_{year}", f"{year}年 {ind.name}：各县（市、区）", note)
    if clicked := clicked_county(event):
        drill(clicked)
    dataframe(view["table"], hide_index=True, width="stretch")
    xlsx_button(lambda rows=rows, unit=ind.unit: county_export(rows, unit), f"{year}年 {ind.name}：各县（市、区）排位", note,
                f"各县排位_{indicator_id}_{year}")

st.markdown("### 县（市、区）× 指标 状态矩阵（红黄绿牌）")
names = {i.id: i.name for i in m.plan.indicators}
matrix, fig = memo(m, ("status_matrix", year),  # the same for every indicator: not rebuilt when the indicator changes
                   lambda: (lambda matrix: (matrix, status_heatmap(matrix, names)))(marked_matrix(m, year)))
st.plotly_chart(fig, key="matrix", config={"displayModeBar": False})
chart_buttons(fig, f"状态矩阵_{year}", f"{year}年 县（市、区）× 指标 状态矩阵", note)
xlsx_button(lambda matrix=matrix, names=names: status_matrix_export(matrix, names), f"{year}年 县（市、区）× 指标 状态矩阵", note, f"状态矩阵_{year}")
