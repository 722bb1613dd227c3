"""Plan Monitor: 三年行动计划目标监测看板. Run with `bash scripts/app.sh`."""

import streamlit as st

st.set_page_config(page_title="三年行动计划目标监测看板", page_icon="📊", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="总览", icon="📊", url_path="overview", default=True),
    st.Page("pages/county.py", title="分县", icon="🏛️", url_path="county"),
    st.Page("pages/town.py", title="分乡镇", icon="🏘️", url_path="town"),
    st.Page("pages/trend.py", title="年度趋势", icon="📈", url_path="trend"),
    st.Page("pages/definitions.py", title="指标口径", icon="📖", url_path="definitions"),
]
st.navigation(PAGES).run()
