"""Plan Monitor: 三年行动计划目标监测看板. Run with `bash scripts/app.sh`.

Pages live in app_pages/, not pages/: Streamlit treats a pages/ folder as the legacy page router and
shows "Page not found" for st.navigation URLs before the app has run."""

import streamlit as st

st.set_page_config(page_title="三年行动计划目标监测看板", page_icon="📊", layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title="总览", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("app_pages/county.py", title="分县", icon=":material/account_balance:", url_path="county"),
    st.Page("app_pages/town.py", title="分乡镇", icon=":material/holiday_village:", url_path="town"),
    st.Page("app_pages/trend.py", title="年度趋势", icon=":material/trending_up:", url_path="trend"),
    st.Page("app_pages/definitions.py", title="指标口径", icon=":material/menu_book:", url_path="definitions"),
]
st.navigation(PAGES).run()
