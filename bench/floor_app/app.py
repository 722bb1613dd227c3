"""The floor under bench/browser_bench.py's figures: a bare Streamlit page with what the bench's done-check looks for
on 总览 (the sidebar 年度 selectbox, the header's 数据截至, one `.pm-bars` element, the last element's text) and
nothing else. What a year change costs here is Streamlit's own round trip and drawing on this machine, which no
change to the app can go below. Served by `browser_bench.py --floor`; no project code is imported.
"""

import streamlit as st


def overview() -> None:
    year = st.sidebar.selectbox("年度", [2023, 2024], index=1, format_func=lambda y: f"{y}年", key="pm_year")
    st.markdown(f"### 总览 · {year}年 · 数据截至 {year}-09-30")
    bars = "".join(f"<div>指标 {i} · {year}年</div>" for i in range(13))
    st.markdown(f'<div class="pm-bars">{bars}</div>', unsafe_allow_html=True)
    st.write("下载全部指标完成情况")


# a second page as the default: the default page is served at "/" whatever its url_path, and the bench opens /overview
st.navigation([st.Page(lambda: st.write("首页"), title="首页", url_path="home", default=True),
               st.Page(overview, title="总览", url_path="overview")]).run()
