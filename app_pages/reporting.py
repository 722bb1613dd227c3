"""报送情况: which county has sent which roster for the chosen year and 统计截至, what is missing or late,
and the latest uploads."""

from datetime import date

import streamlit as st

from plan_monitor.metrics.completeness import reporting_status
from plan_monitor.outputs.reporting_chart import legend, styled_matrix
from plan_monitor.present.reporting import lacking, matrix, recent_uploads, requirement_text, sent
from plan_monitor.ui.context import header, monitor
from plan_monitor.ui.tables import dataframe

m, year = monitor()
header(m, year, "报送情况")
# With an earlier 统计截至 chosen in the sidebar, reporting is judged as it stood on that day.
cutoff = st.query_params.get("asof")
today = date.fromisoformat(cutoff) if cutoff else date.today()
# who sent what: the store's entries and slice owners, read with the rows the figures rest on
history = m.rosters.history
status = reporting_status(m.plan, m.geo, m.rosters, history.entries, history.owners, today)
st.caption(requirement_text(m.plan))

counts = status.loc[status["year"] == year, "status"].value_counts()
cols = st.columns(4)
cols[0].metric("应报", f"{int(counts.sum())}份")
for col, code, label in zip(cols[1:], ("reported", "missing", "overdue"), ("已报送", "未报送", "逾期未报")):
    col.metric(label, f"{int(counts.get(code, 0))}份")

st.markdown(f"### {year}年 各县（市、区）报送矩阵")
st.markdown(legend(), unsafe_allow_html=True)
# the county names pinned at the width of the longest (荆州经济技术开发区) while the rounds scroll beside them
dataframe(styled_matrix(matrix(status, year)), width="stretch",
          column_config={"_index": st.column_config.TextColumn("县（市、区）", width=150, pinned=True)})

st.markdown("### 未报送和逾期未报")
late = lacking(status, year)
if late.empty:
    st.success(f"{year}年应报数据均已报送或尚未到期。")
else:
    dataframe(late, hide_index=True, width="stretch")

with st.expander("报送明细（报送人、时间、版本）"):
    dataframe(sent(status, year), hide_index=True, width="stretch")

st.markdown("### 最近上传")
uploads = recent_uploads(history.entries)
if uploads.empty:
    st.info("尚无通过“数据上传”提交的数据，当前数据均为数据目录中的初始数据。")
else:
    dataframe(uploads, hide_index=True, width="stretch")
