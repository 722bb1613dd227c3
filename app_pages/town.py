"""分乡镇: a county's towns for one indicator, then the villages/communities of a town — which count and which do not."""

import pandas as pd
from html import escape

import streamlit as st

from plan_monitor.outputs.charts import town_bars
from plan_monitor.outputs.export_table import town_export
from plan_monitor.present.views import town_table, village_list
from plan_monitor.ui.context import breadcrumb, export_note_of, header, indicator_picker, memo, monitor, qp, set_qp
from plan_monitor.ui.downloads import chart_buttons, xlsx_button
from plan_monitor.ui.tables import dataframe

SHOWN_KEY = "pm_town_shown"  # the town the page last showed (and wrote to the URL)
CLICKED_KEY = "pm_town_clicked"  # the bar click the page last followed
CHART_KEY = "pm_town_chart"  # the town chart's generation: a new one drops the old chart's selection


def clicked_town(event, names: list[str]) -> str | None:
    """The town of the bar clicked on the chart (its customdata, else its y), if it is one of this county's."""
    for point in (event.selection.points if event else []):
        value = point.get("customdata")
        value = value[0] if isinstance(value, (list, tuple)) and value else value
        for town in (value, point.get("y")):
            if town in names:
                return town
    return None


def town_view(m, year: int, indicator_id: str, county: str):
    """A county's towns for an indicator and their chart, built once per Monitor, year, indicator and county;
    shared by every session, never changed."""
    towns = town_table(m, year, indicator_id, county)
    if towns.empty or towns["actual"].isna().all():
        return towns, None
    return towns, town_bars(towns, m.plan.indicator(indicator_id).unit)


def follow_url(names: list[str]) -> int:
    """Before the chart is drawn: when the URL's town is not the one this page last showed (a shared link, the county
    drill, a breadcrumb going up to the county, another county picked), the URL's town (or none) is the one shown,
    and the chart starts afresh so that an old bar selection does not reopen its town. Returns the chart's
    generation, part of its key."""
    state = st.session_state
    url_town = qp("town", names, None)
    if url_town != state.get(SHOWN_KEY) or state.get("pm_town") not in names:
        if url_town != state.get(SHOWN_KEY):
            state[CHART_KEY] = state.get(CHART_KEY, 0) + 1
            state[CLICKED_KEY] = None
        state["pm_town"] = url_town
    return state.get(CHART_KEY, 0)


def pick_town(clicked: str | None) -> str:
    """A new click on a bar opens that town in the town picker (set before the picker is drawn; its key returned).
    The bar stays selected on the chart across reruns: each click is followed once, so that the picker still works."""
    state = st.session_state
    if clicked is not None and clicked != state.get(CLICKED_KEY):
        state["pm_town"] = clicked
    state[CLICKED_KEY] = clicked
    return "pm_town"


m, year = monitor()
header(m, year, "分乡镇")
crumbs = st.empty()  # filled once the county and town are known
counties = list(m.geo.counties["county"])
left, right = st.columns(2)
with left:
    county = st.selectbox("县（市、区）", counties, index=counties.index(qp("county", counties, counties[0])), key="pm_county")
with right:
    indicator_id = indicator_picker(m, level="town")
set_qp(county=county)
breadcrumb(county, where=crumbs)
ind = m.plan.indicator(indicator_id)
towns, fig = memo(m, ("town_page", year, indicator_id, county), lambda: town_view(m, year, indicator_id, county))
note = export_note_of(m, year)

if towns.empty or towns["actual"].isna().all():
    st.info(f"{county}{year}年尚无乡镇（街道）层级的“{ind.name}”数据。")
    st.stop()

st.markdown(f"### {escape(county)} · {escape(ind.name)}：各乡镇（街道）　<small>点击柱条查看村（社区）名单</small>", unsafe_allow_html=True)
names = list(towns["town"])
event = st.plotly_chart(fig, key=f"town_bars_{follow_url(names)}", on_select="rerun", selection_mode="points",
                        config={"displayModeBar": False})
chart_buttons(fig, f"{county}_各乡镇_{indicator_id}_{year}", f"{county} {year}年 {ind.name}：各乡镇（街道）", note)
xlsx_button(lambda towns=towns, unit=ind.unit: town_export(towns, unit), f"{county} {year}年 {ind.name}：各乡镇（街道）", note, f"{county}_各乡镇_{indicator_id}_{year}")
town = st.selectbox("乡镇（街道）", names, index=None, placeholder="点击柱条或在此选择乡镇（街道）",
                    key=pick_town(clicked_town(event, names)))
set_qp(town=town)
st.session_state[SHOWN_KEY] = town
if town is None:
    st.stop()
breadcrumb(county, town, where=crumbs)

villages = memo(m, ("village_list", year, indicator_id, county, town),
                lambda: village_list(m, year, indicator_id, county, town))
if villages is None:
    st.info(f"“{ind.name}”按乡镇（街道）统计，没有村级名单。")
    st.stop()
st.markdown(f"#### {town} · {ind.name}：村（社区）名单")
breadcrumb(county, town)
if villages.empty:
    st.info(f"{town}{year}年没有报送村（社区）数据。")
    st.stop()
meets = villages["meets"].astype("boolean")  # NA: the unit left the needed cell blank (未填报), neither way
met, short, blank = int((meets == True).sum()), int((meets == False).sum()), int(meets.isna().sum())  # noqa: E712
verb = "已计入目标" if ind.direction == "higher" else "已达标"
cols = st.columns(3 if blank else 2)
cols[0].metric(verb, f"{met}个")
cols[1].metric("尚未计入" if ind.direction == "higher" else "未达标", f"{short}个")
if blank:
    cols[2].metric("未填报", f"{blank}个", help="该项空白的单位不计入，也不算未达标；请督促补报")
table = villages.assign(
    是否计入=["未填报" if pd.isna(ok) else ("✔ 计入" if ok else "✘ 未计入") for ok in meets],
    示范=villages["is_demo"].map({True: "是", False: "否"}),
).rename(columns={"village": "村（社区）", "unit_type": "类型", "demo_year": "示范命名年度",
                  "income_wan": "村集体经济收入（万元）", "reserve_cadres_u30": "30岁以下后备干部（人）", "as_of": "统计截至"})
cols = ["村（社区）", "类型", "是否计入", "示范", "示范命名年度", "村集体经济收入（万元）", "30岁以下后备干部（人）", "统计截至"]
dataframe(table[cols], hide_index=True, width="stretch")
xlsx_button(table[cols], f"{county}{town} {ind.name} {year}年 村（社区）名单", note, f"{county}_{town}_{indicator_id}_{year}",
            label="下载名单（Excel）", sheet=town)
