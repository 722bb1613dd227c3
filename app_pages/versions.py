"""数据版本 (placeholder until built)."""

import streamlit as st

st.markdown("## 数据版本")
st.info("建设中")
