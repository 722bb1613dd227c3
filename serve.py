"""The server: Streamlit running app.py, plus the sign-in routes (/signin, /signout) and the gate that sends a page
load without a live session to /signin. Start it with `bash scripts/app.sh` (or `streamlit run serve.py`).

`streamlit run app.py` still serves the dashboard, without the sign-in routes: usable in demo mode
(PLAN_MONITOR_AUTH=off) only; with sign-in on, the app says how to start it properly."""

import os

import streamlit as st
from starlette.middleware import Middleware

from plan_monitor.ui.web import MOUNTED_ENV, ROUTES, SignInGate

os.environ[MOUNTED_ENV] = "1"
app = st.App("app.py", routes=ROUTES, middleware=[Middleware(SignInGate)])
