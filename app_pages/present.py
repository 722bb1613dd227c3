"""汇报模式 (placeholder until built)."""

import streamlit as st

st.markdown("## 汇报模式")
st.info("建设中")
