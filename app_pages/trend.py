"""年度趋势: target trajectory vs actual with the projection to the plan's end, and the reverse schedule (倒排工期)."""

import streamlit as st

from plan_monitor.metrics.trajectory import TARGET_SOURCES
from plan_monitor.outputs.charts import trend_chart
from plan_monitor.outputs.export_table import reverse_schedule_export, trend_export
from plan_monitor.present.format import fmt_need, fmt_projected, fmt_value
from plan_monitor.present.views import reverse_schedule, trend
from plan_monitor.ui.context import export_note_of, header, indicator_picker, memo, monitor, qp, set_qp
from plan_monitor.ui.downloads import chart_buttons, xlsx_button
from plan_monitor.ui.tables import dataframe


def trend_view(m, indicator_id: str, place: str, level: str = "county"):
    """The trend rows of a place (the region, a prefecture or a county) and their chart (None without data), built
    once per Monitor, indicator and place; shared by every session, never changed."""
    rows = trend(m, indicator_id, None if place == m.geo.region_word else place, level)
    if rows["actual"].isna().all():
        return rows, None
    return rows, trend_chart(rows, m.plan.indicator(indicator_id).unit, m.plan.years[-1])


m, year = monitor()
header(m, year, "年度趋势")
left, right = st.columns(2)
with left:
    indicator_id = indicator_picker(m)
ind = m.plan.indicator(indicator_id)
region = m.geo.region_word  # 全市, or 全省 / 全国 in a plan with prefectures
counties = list(m.geo.counties["county"]) if "county" in ind.levels else []
# a province's or the nation's prefectures (市（州）) before the counties; one named like a county (东莞市 standing in
# as its own county) is that county's place already
prefectures = [p for p in m.geo.prefecture_names() if p not in counties] if "prefecture" in ind.levels else []
places = [region] + prefectures + counties
with right:
    place = st.selectbox("地区", places, index=places.index(qp("county", places, region)), key="pm_place")
set_qp(county=None if place == region else place)
level = "prefecture" if place in prefectures else "county"

rows, fig = memo(m, ("trend_page", indicator_id, place), lambda: trend_view(m, indicator_id, place, level))
if rows["actual"].isna().all():
    st.info(f"{place}尚无“{ind.name}”数据。")
else:
    st.markdown(f"### {place} · {ind.name}")
    st.plotly_chart(fig, key="trend", config={"displayModeBar": False})
    # the trend runs through every plan year, so it is as recent as the latest report, whatever year is picked
    chart_buttons(fig, f"年度趋势_{place}_{indicator_id}", f"{place} · {ind.name}：年度趋势", export_note_of(m))
    xlsx_button(lambda rows=rows, unit=ind.unit: trend_export(rows, unit), f"{place} · {ind.name}：年度趋势",
                export_note_of(m),
                f"年度趋势_{place}_{indicator_id}")
    last = rows.dropna(subset=["actual"]).iloc[-1]
    if last["pace_label"] == last["pace_label"] and last["pace_label"]:
        st.markdown(f"**走势判断：{last['pace_label']}**　按当前年均进度推算，计划期末可达 "
                    f"{fmt_projected(last['projected'], ind.unit, ind.kind, ind.direction)}，期末目标 {fmt_value(last['final_target'], ind.unit, ind.kind)}。")

if "county" in ind.levels:
    st.markdown(f"### 倒排工期：{year}年各县（市、区）还需完成")
    plan = memo(m, ("reverse_schedule", year, indicator_id), lambda: reverse_schedule(m, year, indicator_id))
    note = export_note_of(m, year)
    unit = "个村" if ind.kind == "share" and ind.unit == "%" and "村" in ind.name else ("人" if ind.unit == "%" else ind.unit)
    if plan["target"].isna().all():
        st.info("该指标目标未分解到县（市、区），暂无各县（市、区）的年度目标可作比较，因此不倒排各县工期；"
                "如需分县监测，请与计划管理部门商定任务分解或测算分解办法。")
    else:
        if (plan["target_source"] == "split").any():
            st.caption(f"各县（市、区）目标为{TARGET_SOURCES['split']}，由全市目标测算，仅供监测比较。")
        table = plan.assign(
            当年还需=[fmt_need(v, unit) for v in plan["to_year"]],
            剩余季度=plan["quarters_year"],
            每季度需=[fmt_need(v, unit) for v in plan["per_quarter_year"]],
            期末还需=[fmt_need(v, unit) for v in plan["to_final"]],
            期末前每季度需=[fmt_need(v, unit) for v in plan["per_quarter_final"]],
        ).rename(columns={"county": "县（市、区）"})
        dataframe(table[["县（市、区）", "当年还需", "剩余季度", "每季度需", "期末还需", "期末前每季度需"]],
                     hide_index=True, width="stretch")
        xlsx_button(lambda plan=plan, unit=unit: reverse_schedule_export(plan, unit), f"倒排工期：{year}年 {ind.name} 各县（市、区）还需完成", note,
                    f"倒排工期_{indicator_id}_{year}")
