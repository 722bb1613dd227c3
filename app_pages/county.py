"""分县: counties ranked for one indicator, gap bars against quota or share target, and the status matrix. In a
province's or the nation's plan, a 市（州） filter narrows the counties to one prefecture's, and with none chosen
the prefectures are ranked first (a click on a prefecture's bar chooses it)."""

from html import escape

import streamlit as st

from plan_monitor.metrics.trajectory import TARGET_SOURCES
from plan_monitor.outputs.charts import county_bars, status_heatmap
from plan_monitor.outputs.export_table import county_export, status_matrix_export, with_carried
from plan_monitor.present.format import fmt_gap, fmt_notes, fmt_rate, fmt_value
from plan_monitor.present.views import county_ranking, marked_matrix
from plan_monitor.spec.plan import SPLIT_BY_LABELS
from plan_monitor.ui.context import breadcrumb, export_note_of, header, indicator_picker, memo, monitor, qp, set_qp
from plan_monitor.ui.downloads import chart_buttons, xlsx_button
from plan_monitor.ui.tables import dataframe


def clicked_county(event) -> str | None:
    """The county of the bar clicked on the ranking chart (its customdata, else its y)."""
    points = event.get("selection", {}).get("points", []) if event else []
    return (points[0].get("customdata") or points[0].get("y")) if points else None


ALL = "全部"  # the 市（州） filter's first option: every county
PREFECTURE = "市（州）"


def build(m, year: int, indicator_id: str, prefecture: str | None = None, level: str = "county") -> dict:
    """The ranking, its chart and its table for a year and indicator (the counties of one prefecture, or the
    prefectures with level "prefecture"), built once per Monitor, year, indicator and filter; shared by every
    session, never changed."""
    ind = m.plan.indicator(indicator_id)
    rows = county_ranking(m, year, indicator_id, prefecture, level)
    place = PREFECTURE if level == "prefecture" else "县（市、区）"
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
    ).rename(columns={"rank": "排位", "county": place})
    table = with_carried(table, rows)
    if "沿用" in table:  # a county of the round shows an empty cell
        table["沿用"] = table["沿用"].fillna("")
    shown = (["排位", place, "实际", "目标", "目标来源", "差距", "完成率", "状态", "走势", "说明"]
             + (["沿用"] if "沿用" in table else []))
    hint = "点击查看该市（州）各县" if level == "prefecture" else "点击查看乡镇"
    return {"rows": rows, "fig": county_bars(rows, ind.unit, ind.kind, ind.direction, hint), "table": table[shown]}


def drill(county: str) -> None:
    set_qp(county=county)
    st.switch_page("app_pages/town.py", query_params={k: v for k, v in st.query_params.items() if k != "town"})


def prefecture_filter(m) -> str | None:
    """The 市（州） whose counties the page shows (None: every county), kept in the URL as prefecture; a click on a
    prefecture's bar (the previous run's) chooses it."""
    names = m.geo.prefecture_names()
    options = [ALL] + names
    if (clicked := clicked_county(st.session_state.get("prefecture_bars"))) in names:
        st.session_state["pm_prefecture"] = clicked
        set_qp(prefecture=clicked)
    if st.session_state.get("pm_prefecture") not in options:
        st.session_state["pm_prefecture"] = qp("prefecture", names, ALL)
    chosen = st.selectbox(PREFECTURE, options, key="pm_prefecture")
    set_qp(prefecture=None if chosen == ALL else chosen)
    return None if chosen == ALL else chosen


def prefecture_ranking(m, year: int, ind, note: str) -> None:
    """The prefectures ranked for the indicator: chart, table and its Excel file."""
    view = memo(m, ("prefecture_page", year, ind.id), lambda: build(m, year, ind.id, level="prefecture"))
    rows = view["rows"]
    if rows["actual"].isna().all():
        return
    st.markdown(f"### {escape(ind.name)}：各市（州）排位　<small>点击柱条查看该市（州）各县</small>",
                unsafe_allow_html=True)
    st.plotly_chart(view["fig"], key="prefecture_bars", on_select="rerun", selection_mode="points",
                    config={"displayModeBar": False})
    chart_buttons(view["fig"], f"各市州排位_{ind.id}_{year}", f"{year}年 {ind.name}：各市（州）", note)
    dataframe(view["table"], hide_index=True, width="stretch")
    xlsx_button(lambda rows=rows, unit=ind.unit: county_export(rows, unit, PREFECTURE),
                f"{year}年 {ind.name}：各市（州）排位", note, f"各市州排位_{ind.id}_{year}")


m, year = monitor()
# A bar click reruns this page only to open the county's towns: go there before drawing this page again.
if clicked := clicked_county(st.session_state.get("county_bars")):
    drill(clicked)
header(m, year, "分县")
breadcrumb()  # 全市: the top level, no links
indicator_id = indicator_picker(m, level="county")
ind = m.plan.indicator(indicator_id)
prefecture = prefecture_filter(m) if m.geo.has_prefectures else None
view = memo(m, ("county_page", year, indicator_id, prefecture), lambda: build(m, year, indicator_id, prefecture))
rows = view["rows"]
note = export_note_of(m, year)
counties_of = f"{prefecture}各县（市、区）" if prefecture else "各县（市、区）"

if prefecture is None and "prefecture" in ind.levels and m.geo.has_prefectures:
    prefecture_ranking(m, year, ind, note)

if rows["actual"].isna().all():
    st.info(f"{year}年{counties_of}尚无“{ind.name}”数据。")
else:
    if (rows["target_source"] == "split").any():
        rule = f"（{SPLIT_BY_LABELS[ind.split.by]}）" if ind.split and ind.split.by else ""
        region = m.geo.region_word
        st.caption(f"说明：各县（市、区）目标为{TARGET_SOURCES['split']}{rule}，由{region}目标测算，"
                   f"合计等于{region}目标，仅供监测比较，不是计划正式下达的任务分解"
                   + ("；市（州）目标为所辖各县目标之和。" if m.geo.has_prefectures else "。"))
    notes = rows.loc[rows["target"].isna(), "target_note_label"].dropna().unique()
    if len(notes):
        st.caption("说明：" + "；".join(notes) + "，县级柱条不显示目标线和状态颜色。")
    st.markdown(f"### {escape(ind.name)}：{escape(counties_of)}排位　<small>点击柱条查看该县乡镇</small>",
                unsafe_allow_html=True)
    fig = view["fig"]
    event = st.plotly_chart(fig, key="county_bars",
                            on_select="rerun", selection_mode="points", config={"displayModeBar": False})
    chart_buttons(fig, f"各县排位_{indicator_id}_{year}", f"{year}年 {ind.name}：{counties_of}", note)
    if clicked := clicked_county(event):
        drill(clicked)
    dataframe(view["table"], hide_index=True, width="stretch")
    xlsx_button(lambda rows=rows, unit=ind.unit: county_export(rows, unit), f"{year}年 {ind.name}：{counties_of}排位", note,
                f"各县排位_{indicator_id}_{year}")

st.markdown("### 县（市、区）× 指标 状态矩阵（红黄绿牌）")
names = {i.id: i.name for i in m.plan.indicators}
matrix, fig = memo(m, ("status_matrix", year, prefecture),  # the same for every indicator: not rebuilt when it changes
                   lambda: (lambda matrix: (matrix, status_heatmap(matrix, names)))(marked_matrix(m, year, prefecture)))
st.plotly_chart(fig, key="matrix", config={"displayModeBar": False})
chart_buttons(fig, f"状态矩阵_{year}", f"{year}年 县（市、区）× 指标 状态矩阵", note)
xlsx_button(lambda matrix=matrix, names=names: status_matrix_export(matrix, names), f"{year}年 县（市、区）× 指标 状态矩阵", note, f"状态矩阵_{year}")
