"""Open a page of the app in Streamlit's AppTest, as navigation would: app.py's frame around one page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from plan_monitor.paths import ROOT

APP = str(ROOT / "app.py")


def open_page(page: str, **query) -> AppTest:
    """Run app.py switched to app_pages/<page>.py with the given URL parameters; fail on any exception."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)
