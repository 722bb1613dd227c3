"""After a write, the page runs again: the confirmation shows there, and the text boxes the write used start empty,
so what was typed for one task is not offered for the next. A box is emptied by setting its key before it is drawn
on that run: a key only removed from the session empties it in AppTest but not in the browser."""

import streamlit as st

_EMPTY = "pm_written_empty"  # the boxes to empty on the next run


def rerun_with(flash_key: str, message: str, *boxes: str) -> None:
    """The page again, with `message` under `flash_key` and the text boxes `boxes` (widget keys) empty."""
    st.session_state[_EMPTY] = boxes
    st.session_state[flash_key] = message
    st.rerun()


def show_written(flash_key: str) -> None:
    """Where the page confirms a write, before its boxes are drawn: empties them and shows the message, once."""
    for key in st.session_state.pop(_EMPTY, ()):
        st.session_state[key] = ""
    message = st.session_state.pop(flash_key, None)
    if message:
        st.success(message)
