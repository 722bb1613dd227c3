"""Streamlit side of 汇报模式: the chrome-free full-screen frame, the keyboard bridge, the Monitor without the
sidebar, and the deck cached per data version."""

from __future__ import annotations

import streamlit as st

from plan_monitor.ledger.state import Ledger
from plan_monitor.metrics.monitor import Monitor
from plan_monitor.metrics.supervision import monitor_items
from plan_monitor.outputs.briefing.deck import Deck, build_deck
from plan_monitor.outputs.briefing.slide_html import THEMES
from plan_monitor.ui.context import cached_monitor, memo, task_ledger

BAR_PX = 50  # height of the control bar under the slide
# With 显示讲稿 the notes panel takes this much of the window between the slide and the bar; the slide shrinks.
NOTES_H = "clamp(150px, 28vh, 320px)"
# The slides' type unit (slide_html's --u), measured on the slide's own box rather than the window, so a slide
# that shares the screen with the notes shrinks as a whole: 1/100 of its width, or of the 16:9 width its height
# (with the bar's height, as when the slide had the window to itself) allows.
U = f"min(1cqw, (100cqh + {BAR_PX}px) * 0.017778)"
U3 = f"calc({U} * 3)"  # the slides' side margin, as in slide_html
NOTES_SCALE = 0.72  # the slide's size beside the notes panel, as a share of the whole window's (U at 28vh)

# Keys go to the parent document (the iframe is same-origin) and press the page's own 上一页/下一页 buttons,
# so a keystroke is exactly a click: the URL, the clamping and the rerun stay in one place. The flag on the
# document keeps reruns (which re-create the iframe) from stacking listeners.
KEYS_JS = """<script>
(function () {
  const doc = window.parent.document;
  if (doc.__pmPresentKeys) return;
  doc.__pmPresentKeys = true;
  const keys = {ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev"};
  doc.addEventListener("keydown", function (e) {
    const dir = keys[e.key];
    if (!dir || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    const button = doc.querySelector('.st-key-pm_' + dir + ' button');
    if (!button || button.disabled) return;
    e.preventDefault();
    button.click();
  });
})();
</script>"""


def frame_css(theme: str, notes: bool = False) -> str:
    """Hide Streamlit's chrome and make the slide fill the window above the control bar; with `notes`, the slide
    shares the window with the notes panel between it and the bar."""
    t = THEMES[theme]
    slide_h = f"calc(100vh - {BAR_PX}px - {NOTES_H})" if notes else f"calc(100vh - {BAR_PX}px)"
    return f"""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], footer,
.st-key-pm-keys {{display: none !important}}
[data-testid="stApp"], [data-testid="stMain"] {{background: {t['bg']} !important}}
[data-testid="stMainBlockContainer"] {{padding: 0 !important; max-width: none !important}}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {{gap: 0 !important}}
div.stVerticalBlock.st-key-pm-slide {{height: {slide_h} !important;
  flex: 0 0 {slide_h} !important; gap: 0 !important; container-type: size;
  overflow: hidden !important; background: {t['bg']}; flex-wrap: nowrap !important}}
.st-key-pm-slide .pm-deck {{--u: {U}}}
/* A click on the slide (or on 下一页) leaves the focus in the page: no focus ring across the slide's text. */
[data-testid="stMain"]:focus, [data-testid="stMain"]:focus-visible, [data-testid="stMainBlockContainer"]:focus,
.st-key-pm-slide:focus, .st-key-pm-slide :focus, .st-key-pm-slide :focus-visible, .st-key-pm-notes :focus {{
  outline: none !important; box-shadow: none !important}}
.st-key-pm-slide > div {{flex: 0 0 auto !important}}
.st-key-pm-slide > div:has(> .st-key-pm-body) {{flex: 1 1 0 !important; min-height: 0 !important}}
div.st-key-pm-body {{height: 100% !important; min-height: 0 !important; overflow: hidden !important;
  gap: {U3} !important;
  padding: 0 {U3} calc(min(1vw, 1.7778vh) * 0.4) !important}}
.st-key-pm-body > div {{min-height: 0 !important; height: 100% !important}}
.st-key-pm-body > div:has(> .st-key-pm-side) {{flex: 0 0 34% !important; max-width: 34% !important}}
.st-key-pm-body > div:has(> .st-key-pm-chart) {{flex: 1 1 0 !important; min-width: 0 !important}}
.st-key-pm-body div.stVerticalBlock {{height: 100% !important; min-height: 0 !important}}
.st-key-pm-body [data-testid="stElementContainer"], .st-key-pm-body [data-testid="stHtml"],
.st-key-pm-body .pm-fill {{height: 100% !important; min-height: 0}}
div.st-key-pm-bar {{height: {BAR_PX}px !important; flex: 0 0 {BAR_PX}px !important; padding: 4px 12px !important;
  gap: 8px !important;
  align-items: center !important; flex-wrap: nowrap !important; overflow: hidden !important;
  border-top: 1px solid {t['line']}; background: {t['panel']}; opacity: 0.6; transition: opacity .2s}}
div.st-key-pm-bar:hover, div.st-key-pm-bar:focus-within {{opacity: 1}}
.st-key-pm_prev button, .st-key-pm_next button {{background-color: #f0f2f6 !important; color: #31333f !important}}
.st-key-pm_prev button:disabled, .st-key-pm_next button:disabled {{opacity: 0.45}}
.st-key-pm-bar .pm-count-text {{color: {t['fg']}; font-weight: 700; font-size: 16px; white-space: nowrap;
  padding: 0 4px}}
.st-key-pm-bar [data-testid="stCheckbox"] p, .st-key-pm-bar [data-testid="stPageLink"] p,
.st-key-pm-bar [data-testid="stPageLink"] span {{color: {t['fg']} !important}}
div.stVerticalBlock.st-key-pm-notes {{height: {NOTES_H} !important; flex: 0 0 {NOTES_H} !important;
  overflow-y: auto !important; padding: 10px {U3} !important; gap: 4px !important; background: {t['panel']};
  color: {t['fg']}; border-top: 1px solid {t['line']}}}
.st-key-pm-notes p {{font-size: 18px; line-height: 1.6; color: {t['fg']}; margin: 0}}
.st-key-pm-notes .pm-notes-head {{font-size: 14px; font-weight: 700; color: {t['muted']}}}
</style>"""


def keyboard_bridge() -> None:
    """Arrow keys and a clicker's PageUp/PageDown turn the slides."""
    with st.container(key="pm-keys"):
        st.iframe(KEYS_JS, height=1)


def load_monitor() -> Monitor:
    """The Monitor for the 统计截至 in the URL (`asof`, latest when absent); no sidebar on this page."""
    m = cached_monitor()
    cutoff = st.query_params.get("asof")
    if cutoff and cutoff in {d.isoformat() for dates in m.rounds.values() for d in dates}:
        m = cached_monitor(cutoff)
    return m


@st.cache_resource(max_entries=32, show_spinner=False)
def _deck(_m: Monitor, key: tuple, year: int, county: str | None, _ledger: Ledger | None, _items) -> Deck:
    return build_deck(_m, year, county, _ledger, _items)


def deck(m: Monitor, year: int, county: str | None) -> Deck:
    """The deck for a year and county, built once per Monitor (the Monitor itself is cached per data version) and
    task ledger (cached per store state and day, as the task pages read it; None without a store, and a plan
    without tasks gets no task slide). The 督办 items are the 督办 page's, memoised on the Monitor."""
    ledger = task_ledger()
    if ledger is not None and not ledger.plan.tasks:
        ledger = None
    items = None if ledger is None else memo(m, ("supervision",), lambda: monitor_items(m))
    key = (id(m), m.card.data_version, id(ledger), None if ledger is None else ledger.day)
    return _deck(m, key, year, county, ledger, items)



AUTO_SECONDS = [0, 10, 15, 20, 30, 60]  # 0: off


def clamp_slide(raw, total: int) -> int:
    """The 1-based slide from the URL, held inside the deck; anything unreadable is the title slide."""
    try:
        number = int(str(raw).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(total, 1))
