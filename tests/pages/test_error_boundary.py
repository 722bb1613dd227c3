"""The app's one error boundary (plan_monitor.ui.boundary, around st.navigation(...).run() in app.py).

A known error shows its Chinese message exactly once; an unexpected one shows 内部错误 with a reference that is
also in the server log next to the traceback; Streamlit's control flow (st.stop, st.rerun, st.switch_page)
passes through. The unexpected errors come from a real page file that fails: the real app.py is copied next to
the real pages, with the default page (总览) replaced by the failing one.
"""

from __future__ import annotations

import logging
import re
import shutil
import textwrap

import pytest
from streamlit.testing.v1 import AppTest

from plan_monitor.errors import internal_error_zh
from plan_monitor.paths import ROOT

INTERNAL = re.compile(r"^内部错误（编号 ([0-9a-f]{8})），请将编号告知管理员$")
BROKEN_PLAN = "plan: {name: 坏的计划\nindicators: [\n"
ALL_PAGES = ["overview", "county", "town", "trend", "definitions", "present", "upload", "reporting"]


def app_with_page(tmp_path, source: str) -> AppTest:
    """The real app.py and pages, except that 总览 (the default page) is `source`."""
    shutil.copy(ROOT / "app.py", tmp_path / "app.py")
    pages = tmp_path / "app_pages"
    pages.mkdir()
    for page in (ROOT / "app_pages").glob("*.py"):
        (pages / page.name).symlink_to(page)
    (pages / "overview.py").unlink()
    (pages / "overview.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return AppTest.from_file(str(tmp_path / "app.py"), default_timeout=60)


def no_traceback_shown(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    shown = [e.value for e in at.error] + [m.value for m in at.markdown] + [c.value for c in at.code]
    assert not [t for t in shown if "Traceback" in t or 'File "' in t], shown


@pytest.mark.parametrize("page", ALL_PAGES)
def test_broken_plan_shows_its_chinese_message_once(tmp_path, monkeypatch, page):
    bad = tmp_path / "targets.yaml"
    bad.write_text(BROKEN_PLAN, encoding="utf-8")
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(bad))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    no_traceback_shown(at)
    assert len(at.error) == 1, [e.value for e in at.error]
    assert at.error[0].value.startswith("目标配置文件有 1 处错误")
    assert "YAML 语法错误" in at.error[0].value
    assert not INTERNAL.match(at.error[0].value)


def test_known_error_reaching_the_boundary_is_shown_once_in_chinese(tmp_path):
    at = app_with_page(tmp_path, """
        import streamlit as st
        from plan_monitor.errors import DataError

        st.markdown("页面开头")
        raise DataError("报表坏了：第3行日期无法识别", "bad roster")
    """)
    at.run()
    no_traceback_shown(at)
    assert [e.value for e in at.error] == ["报表坏了：第3行日期无法识别"]
    assert [m.value for m in at.markdown] == ["页面开头"]  # what the page wrote before the error stays


def test_unexpected_error_shows_a_reference_that_is_in_the_log(tmp_path, caplog):
    at = app_with_page(tmp_path, """
        import streamlit as st

        st.markdown("页面开头")
        rows = {"公安县": 3}
        st.markdown(rows["监利市"])
    """)
    with caplog.at_level(logging.ERROR, logger="plan_monitor"):
        at.run()
    no_traceback_shown(at)
    assert len(at.error) == 1, [e.value for e in at.error]
    match = INTERNAL.match(at.error[0].value)
    assert match, at.error[0].value
    ref = match.group(1)
    assert at.error[0].value == internal_error_zh(ref)
    logged = [r for r in caplog.records if ref in r.getMessage()]
    assert len(logged) == 1, [r.getMessage() for r in caplog.records]
    record = logged[0]
    assert record.levelno == logging.ERROR and record.name == "plan_monitor.ui"
    assert record.exc_info and record.exc_info[0] is KeyError
    trace = caplog.text[caplog.text.index(ref):]
    assert "Traceback (most recent call last)" in trace and "overview.py" in trace and "KeyError: '监利市'" in trace


def test_each_internal_error_gets_its_own_reference(tmp_path, caplog):
    at = app_with_page(tmp_path, "raise ValueError('boom')\n")
    with caplog.at_level(logging.ERROR, logger="plan_monitor"):
        at.run()
        first = INTERNAL.match(at.error[0].value).group(1)
        at.run()
        second = INTERNAL.match(at.error[0].value).group(1)
    assert first != second
    assert all(any(ref in r.getMessage() for r in caplog.records) for ref in (first, second))


def test_debug_mode_adds_the_traceback_for_developers(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_MONITOR_DEBUG", "1")
    at = app_with_page(tmp_path, "raise ValueError('boom')\n")
    at.run()
    assert INTERNAL.match(at.error[0].value)
    assert len(at.code) == 1 and "ValueError: boom" in at.code[0].value


def test_streamlit_control_flow_passes_through(tmp_path):
    """st.rerun and st.stop are exceptions to Python; the boundary must not report them."""
    at = app_with_page(tmp_path, """
        import streamlit as st

        runs = st.session_state["runs"] = st.session_state.get("runs", 0) + 1
        if runs == 1:
            st.rerun()
        st.markdown(f"第{runs}次运行")
        st.stop()
        st.markdown("st.stop 之后")
    """)
    at.run()
    no_traceback_shown(at)
    assert not at.error
    assert [m.value for m in at.markdown] == ["第2次运行"]


def test_switch_page_passes_through(tmp_path):
    at = app_with_page(tmp_path, """
        import streamlit as st

        st.switch_page("app_pages/definitions.py")
    """)
    at.run()
    no_traceback_shown(at)
    assert not at.error
    assert any("指标口径" in m.value for m in at.markdown)


def test_a_failing_fragment_is_reported_by_the_boundary_once(tmp_path, caplog):
    at = app_with_page(tmp_path, """
        import streamlit as st
        from plan_monitor.ui.boundary import error_boundary

        @st.fragment
        def part():
            with error_boundary():
                st.markdown("片段")
                raise RuntimeError("fragment failed")

        part()
        st.markdown("片段之后")
    """)
    with caplog.at_level(logging.ERROR, logger="plan_monitor"):
        at.run()
    no_traceback_shown(at)
    assert len(at.error) == 1 and INTERNAL.match(at.error[0].value)
    assert [m.value for m in at.markdown] == ["片段", "片段之后"]


def test_streamlit_redacts_whatever_escapes_the_boundary():
    """Widget callbacks and fragment reruns run outside app.py's boundary; Streamlit's own error display is the
    backstop there and must not show details (client.showErrorDetails in .streamlit/config.toml)."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
