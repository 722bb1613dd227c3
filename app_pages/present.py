"""汇报模式: the briefing deck on the projector, one full-screen slide at a time. The slide, year, county, theme
and auto-advance live in the URL, so a reload (or a shared link) lands on the same slide."""

import time

import streamlit as st

from plan_monitor.outputs.briefing.bulletin import slide_notes
from plan_monitor.outputs.briefing.docx_export import bulletin_docx
from plan_monitor.outputs.briefing.pptx_export import deck_pptx
from plan_monitor.outputs.briefing.slide_html import THEME_LABELS, css, render
from plan_monitor.ui.boundary import error_boundary
from plan_monitor.ui.context import guard, qp, set_qp
from plan_monitor.ui.downloads import audited
from plan_monitor.ui.present import (
    AUTO_SECONDS,
    NOTES_SCALE,
    clamp_slide,
    deck,
    frame_css,
    keyboard_bridge,
    load_monitor,
)

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

m = load_monitor()
years, counties = m.plan.years, list(m.geo.counties["county"])
year = qp("year", years, m.latest_year())
county = qp("county", counties, None)
theme = qp("theme", list(THEME_LABELS), "light")
auto = qp("auto", AUTO_SECONDS, 0)
with guard():
    d = deck(m, year, county)
total = len(d.slides)
index = clamp_slide(st.query_params.get("slide"), total)
set_qp(slide=index, year=year, county=county, theme=theme, auto=auto or None)


def turn(step: int) -> None:
    st.query_params["slide"] = str(clamp_slide(st.query_params.get("slide"), total) + step)


def choose(param: str, key: str, restart: bool) -> None:
    """A control changed: keep it in the URL; a new year or county is a new deck, shown from its title."""
    value = st.session_state[key]
    set_qp(**{param: None if value in (None, 0) else value})
    if restart:
        st.query_params["slide"] = "1"


# The checkbox sits in the bar below; its state is known before it is drawn, so the notes panel can take its
# place between the slide and the bar, and the slide can shrink to make room.
show_notes = bool(st.session_state.get("pm_show_notes", False))
st.html(frame_css(theme, show_notes) + css(theme))
view = render(d, index - 1, theme, NOTES_SCALE if show_notes else 1.0)
with st.container(key="pm-slide"):
    if view.head:
        st.html(f'<div class="pm-deck">{view.head}</div>')
    with st.container(key="pm-body", horizontal=view.figure is not None, gap=None):
        if view.figure is None:
            st.html(f'<div class="pm-deck pm-fill">{view.body}</div>')
        else:
            with st.container(key="pm-side"):
                st.html(f'<div class="pm-deck pm-fill">{view.body}</div>')
            with st.container(key="pm-chart"):
                st.plotly_chart(view.figure, theme=None, height="stretch", key=f"pm_fig_{index}",
                                config={"displayModeBar": False, "responsive": True})
    st.html(f'<div class="pm-deck">{view.foot}</div>')

if show_notes:
    with st.container(key="pm-notes"):
        st.html('<div class="pm-notes-head">讲稿（情况通报）</div>')
        st.markdown(slide_notes(d)[index - 1])

with st.container(key="pm-bar", horizontal=True):
    st.button("上一页", key="pm_prev", on_click=turn, args=(-1,), disabled=index <= 1,
              icon=":material/chevron_left:")
    st.html(f'<span class="pm-count-text" data-testid="pm-slide-count">{index} / {total}</span>', width="content")
    st.button("下一页", key="pm_next", on_click=turn, args=(1,), disabled=index >= total,
              icon=":material/chevron_right:", icon_position="right")
    st.selectbox("县（市、区）", [None] + counties, index=([None] + counties).index(county), key="pm_county",
                 format_func=lambda c: m.geo.region_word if c is None else c, on_change=choose,
                 args=("county", "pm_county", True),
                 width=170, label_visibility="collapsed")
    st.selectbox("年度", years, index=years.index(year), key="pm_year_present", format_func=lambda y: f"{y}年",
                 on_change=choose, args=("year", "pm_year_present", True), width=110, label_visibility="collapsed")
    st.segmented_control("主题", list(THEME_LABELS), default=theme, key="pm_theme", format_func=THEME_LABELS.get,
                         on_change=choose, args=("theme", "pm_theme", False), label_visibility="collapsed",
                         required=True)
    st.selectbox("自动翻页", AUTO_SECONDS, index=AUTO_SECONDS.index(auto), key="pm_auto",
                 format_func=lambda s: "自动翻页：关" if s == 0 else f"每 {s} 秒翻页", on_change=choose,
                 args=("auto", "pm_auto", False), width=150, label_visibility="collapsed")
    st.checkbox("显示讲稿", key="pm_show_notes")
    name = f"{d.place}{d.year}年"
    st.download_button("PPTX", data=audited(lambda: deck_pptx(d, slide_notes(d)), f"{name}汇报.pptx", "汇报幻灯片"),
                       file_name=f"{name}汇报.pptx",
                       mime=PPTX_MIME, on_click="ignore", key="pm_pptx", icon=":material/download:",
                       help="下载本套幻灯片（PowerPoint / WPS 可编辑，图表为原生图表，讲稿在备注中）")
    st.download_button("通报", data=audited(lambda: bulletin_docx(d), f"{name}情况通报（初稿）.docx", "情况通报"),
                       file_name=f"{name}情况通报（初稿）.docx",
                       mime=DOCX_MIME, on_click="ignore", key="pm_docx", icon=":material/download:",
                       help="下载情况通报初稿（Word / WPS）")
    st.page_link("app_pages/overview.py", label="退出汇报", icon=":material/close:")

keyboard_bridge()

if auto:
    st.session_state["pm_shown_at"] = time.monotonic()

    @st.fragment(run_every=auto)
    def advance() -> None:
        """On a lobby screen the deck loops: after the last slide comes the title again. A fragment rerun runs
        outside app.py, so it carries its own error boundary."""
        with error_boundary():
            if time.monotonic() - st.session_state.get("pm_shown_at", 0) >= auto - 0.5:
                st.query_params["slide"] = str(index % total + 1)
                st.rerun()

    advance()
