"""报送情况 (placeholder until built)."""

import streamlit as st

st.markdown("## 报送情况")
st.info("建设中")
