"""The app's one stylesheet (theme.css), injected once per run by the frame (app.py)."""

from pathlib import Path

import streamlit as st

_CSS = (Path(__file__).with_name("theme.css")).read_text(encoding="utf-8")


def apply_theme() -> None:
    """st.html with only a <style> goes to Streamlit's event container: styles the page and takes no room."""
    st.html(f"<style>{_CSS}</style>")
