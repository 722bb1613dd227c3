"""数据上传 (placeholder until built)."""

import streamlit as st

st.markdown("## 数据上传")
st.info("建设中")
