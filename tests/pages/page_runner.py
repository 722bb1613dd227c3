"""Open a page of the app in Streamlit's AppTest, as navigation would: app.py's frame around one page."""

from __future__ import annotations

from html.parser import HTMLParser

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


def open_routed_page(page: str, **query) -> AppTest:
    """open_page for a page whose url_path is not its file name (task_matrix.py at /task-matrix): AppTest finds such
    a page among those st.navigation registered only after a first run, so the app runs once on 任务清单 first."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("app_pages/tasks.py")
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


class _Cards(HTMLParser):
    """Reads the overview's card grid (plan_monitor.present.cards.cards_html) back into one dict per card."""

    FIELDS = {"pm-card-title": "title", "pm-card-value": "value", "pm-card-detail": "detail", "pm-pill": "pill",
              "pm-card-mark": "marks"}

    def __init__(self):
        super().__init__()
        self.cards: list[dict] = []
        self.notes: list[str] = []
        self._stack: list[str | None] = []  # the field each open tag's text goes to

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        field = self._stack[-1] if self._stack else None
        if "pm-card" in classes:
            self.cards.append({"indicator_id": attrs["data-indicator"], "status": attrs["data-status"], "title": "",
                               "value": "", "detail": "", "pill": "", "marks": ""})
        for cls, name in self.FIELDS.items():
            if cls in classes:
                field = name
                if name == "pill":
                    self.cards[-1].update(pill_status=attrs["data-status"], pill_style=attrs["style"])
        if tag == "li":
            field = "note"
            self.notes.append("")
        self._stack.append(field)

    def handle_endtag(self, tag):
        self._stack.pop()

    def handle_data(self, data):
        field = self._stack[-1] if self._stack else None
        if field == "note":
            self.notes[-1] += data
        elif field is not None:
            self.cards[-1][field] += data


def overview_cards(at: AppTest) -> tuple[list[dict], list[str]]:
    """The overview's cards (title, value, status, pill text and style, detail line) and its numbered notes."""
    grids = [m.value for m in at.markdown if 'class="pm-cards"' in m.value]
    assert len(grids) == 1, len(grids)
    parser = _Cards()
    parser.feed(grids[0])
    return parser.cards, parser.notes
