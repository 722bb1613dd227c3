"""A file uploader that reads in Chinese. Streamlit's dropzone has English texts of its own ("Upload",
"200MB per file • XLSX, CSV", "Drag and drop a file here") and no parameter to change them: CSS hides them and
puts the Chinese wording in their place (pseudo-elements, so screen readers keep the widget's own label)."""

from __future__ import annotations

import streamlit as st

BUTTON = "选择文件"


def _css(instruction: str) -> str:
    return f"""<style>
  [data-testid="stFileUploaderDropzoneInstructions"] span {{display:none}}
  [data-testid="stFileUploaderDropzoneInstructions"] > div::after {{content:"{instruction}"; color:inherit}}
  [data-testid="stFileUploaderDropzone"] button[kind="secondary"] [data-testid="stMarkdownContainer"] p {{display:none}}
  [data-testid="stFileUploaderDropzone"] button[kind="secondary"] [data-testid="stMarkdownContainer"]::after {{
    content:"{BUTTON}"}}
</style>"""


def file_uploader(label: str, *, types: list[str], supported: list[str], limit_mb: int, key: str):
    """st.file_uploader with the dropzone's texts in Chinese: the button reads 选择文件 and the instruction names
    the supported types and the size limit (which must equal server.maxUploadSize).

    types: what the widget accepts; it may hold types the checks then refuse with a Chinese explanation (an old
    .xls gets "另存为 .xlsx"), where Streamlit would refuse them itself in English."""
    shown = "、".join(f".{t}" for t in supported)
    st.html(_css(f"将文件拖到此处，或点击“{BUTTON}”；支持 {shown}，单个文件不超过 {limit_mb} MB"))
    return st.file_uploader(label, type=types, key=key)
