"""The server: Streamlit running app.py, plus the sign-in routes (/signin, /signout) and the gate that sends a page
load without a live session to /signin. Start it with `bash scripts/app.sh` (or `streamlit run serve.py`).

`streamlit run app.py` still serves the dashboard, without the sign-in routes: usable in demo mode
(PLAN_MONITOR_AUTH=off) only; with sign-in on, the app says how to start it properly."""

import logging
import os
import threading
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware

from plan_monitor.ui.web import MOUNTED_ENV, ROUTES, SignInGate


@asynccontextmanager
async def warm_up(_app):
    """The default plan's figures and the first page's modules loaded while the server starts taking requests
    (ui.context.warm, in a thread: the server answers at once, and a first page that comes meanwhile waits for
    the same values instead of building them again)."""
    threading.Thread(target=_warm, name=WARM_THREAD, daemon=True).start()
    yield


WARM_THREAD = "pm-warm-up"


def _warm() -> None:
    # the cached functions it calls would log "missing ScriptRunContext" for a thread that is no page's: expected
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: threading.current_thread().name != WARM_THREAD)
    from plan_monitor.ui.context import warm  # imported in the thread: the pages' modules take ~1.5 s to import

    warm()


os.environ[MOUNTED_ENV] = "1"
app = st.App("app.py", routes=ROUTES, middleware=[Middleware(SignInGate)], lifespan=warm_up)
