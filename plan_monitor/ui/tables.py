"""st.dataframe for the pages: missing cells read "—" (present.cells.readable), never None / nan / NaT."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plan_monitor.present.cells import readable


def dataframe(data, **kwargs):
    """st.dataframe with missing cells as "—"; a Styler is passed on as it is (it formats its own cells)."""
    return st.dataframe(readable(data) if isinstance(data, pd.DataFrame) else data, **kwargs)
