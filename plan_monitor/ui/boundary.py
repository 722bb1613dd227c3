"""The app's error boundary: what a user sees when a page fails.

app.py runs every page inside error_boundary(). A known error (UserError and its subclasses) shows its Chinese
message once; anything else shows 内部错误 with a short reference, and the full traceback goes to the server log
(logger "plan_monitor.ui") under the same reference. Streamlit's control flow (st.stop, st.rerun, st.switch_page)
raises BaseException subclasses (streamlit.runtime.scriptrunner_utils.exceptions.ScriptControlException) and
passes through untouched, as does FragmentHandledException (a fragment's error Streamlit has already shown).

PLAN_MONITOR_DEBUG=1 also puts the traceback on the page, for developers only.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from contextlib import contextmanager

import streamlit as st
from streamlit.errors import FragmentHandledException

from plan_monitor.errors import UserError, internal_error_zh, new_reference
from plan_monitor.ui.text import plain

LOG = logging.getLogger("plan_monitor.ui")


def _ensure_log_handler() -> None:
    """`streamlit run` configures only its own loggers; without a handler anywhere, ours would fall back to
    logging.lastResort (bare messages). Add a stderr handler unless the host has configured logging."""
    package = logging.getLogger("plan_monitor")
    if package.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    package.addHandler(handler)
    package.setLevel(logging.INFO)


def _debug_trace(exc: BaseException) -> None:
    if os.environ.get("PLAN_MONITOR_DEBUG"):
        st.code("".join(traceback.format_exception(exc)))


def show_known(exc: UserError) -> None:
    """The one place a known error is put on the page: its Chinese message."""
    st.error(plain(exc.zh))  # the message quotes file names and cell values: shown as typed
    _debug_trace(exc)


def show_internal(exc: BaseException) -> str:
    """An unexpected error: log the traceback under a new reference and show only the reference. Returns it."""
    ref = new_reference()
    _ensure_log_handler()
    LOG.error("internal error %s: %s: %s", ref, type(exc).__name__, exc, exc_info=exc)
    st.error(internal_error_zh(ref))
    _debug_trace(exc)
    return ref


@contextmanager
def error_boundary():
    """Run a page (or a fragment's body) so that no exception reaches the user as a traceback."""
    try:
        yield
    except FragmentHandledException:
        raise
    except UserError as exc:
        show_known(exc)
    except Exception as exc:  # noqa: BLE001 - this is the boundary; control flow is BaseException and passes
        show_internal(exc)
