"""Shared page chrome: the opened data store, the cached Monitor, global year / 统计截至 selectors kept in the
URL, the header, and the Actor a page writes as."""

from __future__ import annotations

import logging
import os
import threading
import weakref
from contextlib import contextmanager
from datetime import date
from html import escape
from pathlib import Path

import streamlit as st

from plan_monitor.errors import UserError
from plan_monitor.ingest.service import Actor, WriteService
from plan_monitor.ledger.state import Ledger, build_ledger, default_day
from plan_monitor.metrics.monitor import Monitor
from plan_monitor.metrics.rounds import round_label
from plan_monitor.outputs.charts import legend_html
from plan_monitor.outputs.export_table import export_note
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.present.format import fmt_date
from plan_monitor.present.reporting import round_note
from plan_monitor.sources import Store, open_store
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.plan import Plan, load_plan
from plan_monitor.spec.plans import PlanEntry, index_path, plan_entries, plan_title
from plan_monitor.ui.auth import DEMO, visitor
from plan_monitor.ui.boundary import show_known
from plan_monitor.ui.web import access

LOG = logging.getLogger(__name__)
PLAN_KEY = "pm_plan"  # the plan picker's widget
PLAN_KEPT = "pm_plan_kept"  # the plan this session chose last, for page links that drop the URL's ?plan=


@st.cache_data(show_spinner=False, max_entries=4)
def _entries(index: str, stamp: int) -> list[PlanEntry]:
    return plan_entries(Path(index))


def plans() -> list[PlanEntry]:
    """The plans of the plans index (plans/plans.yaml), the default first; [] without an index."""
    index = index_path()
    if not index.exists():
        return []
    with guard():
        return _entries(str(index), index.stat().st_mtime_ns)


def chosen_plan() -> PlanEntry | None:
    """The plan chosen by ?plan=NAME (or this session's last choice); None for the default plan, which is the plan
    file and data configured as before plans could be chosen (PLAN_MONITOR_TARGETS, PLAN_MONITOR_DATA)."""
    entries = plans()
    name = st.query_params.get("plan", st.session_state.get(PLAN_KEPT))
    return next((e for e in entries[1:] if e.name == name), None)


def targets_path() -> Path:
    entry = chosen_plan()
    if entry is not None:
        return entry.targets
    return _default_targets()


def _default_targets() -> Path:
    return Path(os.environ.get("PLAN_MONITOR_TARGETS", DEFAULT_TARGETS))


def _default_location() -> str:
    return os.environ.get("PLAN_MONITOR_DATA", str(DEFAULT_DATA))


def _data_location() -> str | None:
    """Where the chosen plan's data store lives: for the default plan PLAN_MONITOR_DATA, else the bundled demo; for
    another plan its data folder in the plans index; None when that plan has no data yet."""
    entry = chosen_plan()
    if entry is not None:
        return str(entry.data) if entry.has_data else None
    return _default_location()


@st.cache_resource(max_entries=16, show_spinner=False)
def _plan(path: str, stamp: int) -> Plan:
    return load_plan(path)


def current_plan() -> Plan:
    """The chosen plan file, validated (a Chinese error on the page when it is invalid)."""
    path = targets_path()
    with guard():
        return _plan(str(path), path.stat().st_mtime_ns if path.exists() else 0)


def _plan_changed() -> None:
    """A new plan from the picker: into the URL (the default plan leaves it out), and the year and round of the
    plan left behind dropped, so the new plan opens on its own defaults."""
    entries = plans()
    name = st.session_state[PLAN_KEY]
    st.session_state[PLAN_KEPT] = name
    set_qp(plan=None if entries and name == entries[0].name else name, year=None, asof=None, unit=None)
    for key in ("pm_year", "pm_asof", VIEW_KEY):
        st.session_state.pop(key, None)


def plan_picker() -> None:
    """计划 in the sidebar, shown when the plans index lists more than one plan; the choice is kept in ?plan=."""
    entries = plans()
    if len(entries) < 2:
        return
    names = [e.name for e in entries]
    entry = chosen_plan()
    current = entry.name if entry is not None else names[0]
    if entry is not None and "plan" not in st.query_params:  # a page link dropped it: this session's choice
        st.query_params["plan"] = current
    if st.session_state.get(PLAN_KEY) != current:
        st.session_state[PLAN_KEY] = current
    titles = {e.name: e.title for e in entries}
    default_file = _default_targets()
    if default_file.resolve() != entries[0].targets:  # the default plan is configured to another file
        titles[names[0]] = plan_title(default_file)
    st.sidebar.selectbox("计划", names, format_func=titles.get, key=PLAN_KEY, on_change=_plan_changed,
                         help="选择要查看的行动计划；每个计划有自己的指标、任务和数据")


def no_figures(plan: Plan) -> None:
    """The honest empty state of a plan without figures (no data folder yet, or tasks only), then stop the page."""
    st.markdown(f"## {escape(plan.plan.name)}")
    why = "本计划只列出任务，没有量化指标" if not plan.indicators else "本计划还没有进度数据（尚未建立数据目录或上传报表）"
    st.info(f"{why}，因此本页没有可显示的数字。计划共有 {len(plan.indicators)} 项指标、{len(plan.tasks)} 项任务。")
    if plan.tasks:
        st.page_link("app_pages/tasks.py", label="查看任务清单", icon=":material/checklist:")
    st.stop()


@st.cache_resource(max_entries=8, show_spinner=False)
def _open_store(location: str) -> Store:
    """A store keeps no state besides its location, so one opened store serves every session."""
    return open_store(location)


def data_store() -> Store:
    """The configured data store, opened once per location; a Chinese error on the page when there is none, and the
    empty state for a plan that has no data folder yet."""
    location = _data_location()
    if location is None:
        no_figures(current_plan())
    with guard():
        return _open_store(location)


def actor(name: str = "") -> Actor:
    """The Actor a page writes as: the signed-in account; in 演示模式 (sign-in off) the name typed in the page's
    提交人 box, as a city analyst who may write every county. The write service refuses an empty name."""
    who = visitor()
    if who.mode == DEMO:
        return Actor(name)
    return who.actor or Actor("")


def submitter(key: str, value: str = "") -> str:
    """The 提交人 line of a write form: in 演示模式 a box to type a name in (returned); signed in, the account's
    name, shown, not editable."""
    who = visitor()
    if who.mode == DEMO:
        return st.text_input("提交人", value=value, key=key, placeholder="请填写姓名")
    if who.actor is not None:
        st.markdown(f"提交人：**{who.actor.name}**（{who.actor.role_label}）")
    return ""


def ledger_store() -> Store | None:
    """The chosen plan's store, where its task ledger lives; None when the plan has no data folder yet."""
    location = _data_location()
    if location is None or not Path(location).is_dir():
        return None
    with guard():
        return _open_store(location)


@st.cache_resource(show_spinner=False, max_entries=16)
def _ledger(targets: str, location: str, plan_stamp: int, data_stamp: str, day: str) -> Ledger:
    """Computed once per plan file, store state and day; the stamps are only cache keys."""
    plan = load_plan(targets)
    _, events = _open_store(location).task_ledger()
    return build_ledger(plan, load_geography(plan), events, date.fromisoformat(day))


def ledger_day(store: Store | None = None) -> date:
    """The day the ledger's states are judged on: ?day=YYYY-MM-DD, else the chosen 统计截至 (?asof), else for the
    bundled demo its own "today" (ledger.state.default_day), else today."""
    for name in ("day", "asof"):
        try:
            return date.fromisoformat(st.query_params.get(name, ""))
        except ValueError:
            pass
    if store is None or not store.is_demo():
        return date.today()
    with guard():
        return date.fromisoformat(_demo_day(store.location, store.ledger_stamp()))


@st.cache_data(show_spinner=False, max_entries=16)
def _demo_day(location: str, ledger_stamp: str) -> str:
    """The demo's own today, read from its ledger once per ledger state (not on every rerun)."""
    return default_day(_open_store(location).task_ledger()[1], True).isoformat()


def task_ledger(day: date | None = None) -> Ledger | None:
    """The chosen plan's task ledger as of a day (default ledger_day()); None when the plan has no store."""
    store = ledger_store()
    if store is None:
        return None
    targets = targets_path()
    day = day or ledger_day(store)
    with guard():
        return _ledger(str(targets), store.location, targets.stat().st_mtime_ns if targets.exists() else 0,
                       store.ledger_stamp(), day.isoformat())


@st.cache_resource(show_spinner=False, max_entries=8)
def _geography(targets: str, plan_stamp: int):
    return load_geography(load_plan(targets))


def plan_geography():
    """The chosen plan's geography (counties and towns), loaded once per plan file."""
    targets = targets_path()
    with guard():
        return _geography(str(targets), targets.stat().st_mtime_ns if targets.exists() else 0)


def may(action: str) -> bool:
    """Whether this visitor may take the action (always in 演示模式)."""
    return visitor().may(action)


def write_service(store: Store) -> WriteService:
    """The write service for a page: with sign-in on it appends every write and refusal to the audit trail."""
    return WriteService(store, None if visitor().mode == DEMO else access())


@st.cache_resource(show_spinner="正在计算……", max_entries=8)
def _monitor(targets: str, location: str, plan_stamp: int, data_stamp: str, cutoff: str | None) -> Monitor:
    """Computed once per plan file, data version and 统计截至 cut-off; the stamps are only cache keys."""
    return Monitor.build(targets, _open_store(location), date.fromisoformat(cutoff) if cutoff else None)


_MEMO: dict[int, tuple[weakref.ref, dict]] = {}  # id(Monitor) → (the Monitor, its derived values by key)
_MEMO_LOCK = threading.Lock()
# id(Monitor) → keys being built: the event set when done, and the thread building it
_BUILDING: dict[int, dict[tuple, tuple[threading.Event, int]]] = {}
MEMO_ENTRIES = 64  # per Monitor; the oldest goes first


def memo(m: Monitor, key: tuple, build):
    """A value a page derives from the Monitor (a view table, a figure), built once per Monitor (plan file, data
    version and 统计截至 round) and key, so that a widget change that does not touch it does not rebuild it (the
    分县 status matrix when the indicator changes). Shared by every session: callers must not change what it returns.
    A value being built (by the server's warm-up or another session) is waited for, not built a second time beside
    it on a busy machine; if that build fails, the waiter builds it itself (and meets the error itself)."""
    while True:
        with _MEMO_LOCK:
            entry = _MEMO.get(id(m))
            if entry is None or entry[0]() is not m:  # a Monitor no longer cached may have left its id to this one
                for dead in [k for k, (ref, _) in _MEMO.items() if ref() is None]:
                    del _MEMO[dead]
                    _BUILDING.pop(dead, None)
                entry = _MEMO[id(m)] = (weakref.ref(m), {})
                _BUILDING[id(m)] = {}
            values, building = entry[1], _BUILDING.setdefault(id(m), {})
            if key in values:
                return values[key]
            being = building.get(key)
            if being is None:
                done = threading.Event()
                building[key] = (done, threading.get_ident())
                break
            if being[1] == threading.get_ident():  # asked again inside its own build: waiting would never end
                return build()
            done = being[0]
        done.wait()  # outside the lock; then look again: built, or failed (this caller builds it)
    try:
        value = build()  # outside the lock
        with _MEMO_LOCK:
            values[key] = value
            while len(values) > MEMO_ENTRIES:
                del values[next(iter(values))]
        return value
    finally:
        with _MEMO_LOCK:
            building.pop(key, None)
        done.set()


def export_note_of(m: Monitor, year: int | None = None) -> str:
    """outputs.export_table.export_note (the 数据截至 line of a page's exports and chart images) for a year, or for
    the latest report (None), once per Monitor and year."""
    return memo(m, ("export_note", year), lambda: export_note(m.card, year))


@contextmanager
def guard():
    """A known error here is shown (as the app's error boundary shows it) and the page stops at this point.
    Unexpected errors pass on to the boundary in app.py."""
    try:
        yield
    except UserError as exc:
        show_known(exc)
        st.stop()


def qp(name: str, options: list, default):
    """A filter value from the URL if it is one of the options, else the default."""
    raw = st.query_params.get(name)
    for option in options:
        if raw is not None and str(option) == raw:
            return option
    return default


def set_qp(**values) -> None:
    for key, value in values.items():
        if value is None:
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = str(value)


def cached_monitor(cutoff: str | None = None) -> Monitor:
    """The cached Monitor of the configured plan and data store, as of a 统计截至 (None: latest). A plan without
    indicators or without data shows its empty state instead."""
    if chosen_plan() is not None and not current_plan().indicators:
        no_figures(current_plan())
    targets, store = targets_path(), data_store()
    with guard():
        plan_stamp = targets.stat().st_mtime_ns if targets.exists() else 0
        return _monitor(str(targets), store.location, plan_stamp, store.stamp(), cutoff)


def warm() -> None:
    """What the first reader of a fresh server waits for, built before anyone asks: the plans index and the default
    plan's Monitor (read back from its persisted version when there is one), in the same caches the pages use.
    serve.py runs it in a thread when the server starts; a page asking meanwhile waits for the same value (each
    cached value is computed once). Failures are left for the page to show, with its own message."""
    try:
        # the first page's own modules (总览), imported here rather than in its first run; and Streamlit's emoji
        # catalogue (~0.35 s), which it loads on the first alert or page icon with a non-ASCII text (all of ours)
        try:
            import streamlit.emojis  # noqa: F401
        except ImportError:  # moved in another Streamlit: only a warm-up lost
            pass
        import plan_monitor.outputs.charts  # noqa: F401
        import plan_monitor.present.views  # noqa: F401
        import plan_monitor.ui.downloads  # noqa: F401
        import plan_monitor.ui.tables  # noqa: F401

        index = index_path()
        if index.exists():
            _entries(str(index), index.stat().st_mtime_ns)
        targets = _default_targets()
        if targets.exists():  # as cached_monitor() asks for the default plan
            store = _open_store(_default_location())
            m = _monitor(str(targets), store.location, targets.stat().st_mtime_ns, store.stamp(), None)
            # and the default view of 总览 (the year monitor() opens on, no round in the URL), as the page builds it
            from plan_monitor.ui.overview_view import overview_view

            year = default_year(m)
            header_values(m, year)
            export_note_of(m, year)
            overview_view(m, year)
    except Exception as exc:  # noqa: BLE001 - the page that needs it reports it
        LOG.info("warm-up left to the first page: %s", exc)


def monitor() -> tuple[Monitor, int]:
    """The Monitor for the year and 统计截至 (reporting round) chosen in the sidebar (both kept in the URL), and the
    year. Each round is listed with how many counties sent it; the default is the year's default round (the
    newest every county sent in full), which the URL leaves out. A round in the URL shows the data as it stood
    on that day (later reports left out)."""
    _restore_view()
    full = cached_monitor()
    years = full.plan.years
    year = qp("year", years, default_year(full))
    year = st.sidebar.selectbox("年度", years, index=years.index(year), format_func=lambda y: f"{y}年", key="pm_year")
    rounds = full.year_rounds.get(year, [])
    options = [r.as_of.isoformat() for r in rounds]
    labels = {r.as_of.isoformat(): round_label(r) for r in rounds}
    default = full.as_of_rounds[year].isoformat() if year in full.as_of_rounds else None
    chosen = qp("asof", options, default)
    explicit = st.query_params.get("asof") in options  # a round named in the URL: the data as it stood that day
    if options:
        chosen = st.sidebar.selectbox("统计截至", options, index=options.index(chosen), format_func=labels.get,
                                      key="pm_asof", help="各轮报送日期及已报送的县数；默认为各县均已报送的最新一轮")
    set_qp(year=year, asof=chosen if explicit or chosen != default else None)
    st.session_state[VIEW_KEY] = {key: st.query_params[key] for key in VIEW if key in st.query_params}
    return (full if not explicit and chosen == default else cached_monitor(chosen)), year


def default_year(m: Monitor) -> int:
    """The year a page opens on without one in the URL: the latest year with reports."""
    return memo(m, ("latest_year",), m.latest_year)


VIEW = ("year", "asof")  # what every dashboard page shares: the year and the 统计截至 round
VIEW_KEY = "pm_view"


def _restore_view() -> None:
    """The sidebar's page links drop the URL's parameters: bring back the year and round this session chose last,
    so moving from 总览 to 分县 keeps the round the reader is looking at. Parameters in the URL win."""
    kept = st.session_state.get(VIEW_KEY, {})
    if not any(key in st.query_params for key in VIEW):
        for key, value in kept.items():
            st.query_params[key] = value


def header_values(m: Monitor, year: int) -> tuple:
    """The header's 数据截至 and round note for the year: full-frame filters, once per Monitor and year."""
    return (memo(m, ("data_as_of", year), lambda: m.card.data_as_of(year)),
            memo(m, ("round_note", year), lambda: round_note(m.card, year)))


def header(m: Monitor, year: int, title: str) -> None:
    """Page title with the plan's name, 数据截至 (the round the figures are computed as of), the round note
    and the 示例数据 mark on every page."""
    demo = '<span class="pm-badge pm-demo">示例数据</span>' if m.card.is_demo else ""
    st.markdown(f"## {escape(title)}{demo}", unsafe_allow_html=True)
    as_of, note = header_values(m, year)
    st.markdown(f'<div class="pm-meta">{escape(m.plan.plan.name)} · {year}年 · 数据截至 {fmt_date(as_of)}'
                f'{" · 示例数据，非真实统计" if m.card.is_demo else ""}</div>', unsafe_allow_html=True)
    if note:  # a round some counties have not sent: counted from their older report, or a newer one waiting
        st.markdown(f'<div class="pm-meta pm-round" style="color:#9a3412;font-weight:600">注意：{escape(note)}，'
                    f'详见“报送情况”</div>', unsafe_allow_html=True)
    st.markdown(f'<div class="pm-meta" style="margin:6px 0 12px">{legend_html()}</div>', unsafe_allow_html=True)


def indicator_picker(m: Monitor, level: str | None = None, label: str = "指标") -> str:
    inds = [i for i in m.plan.indicators if level is None or level in i.levels]
    ids = [i.id for i in inds]
    names = {i.id: i.name for i in inds}
    current = qp("indicator", ids, ids[0])
    chosen = st.selectbox(label, ids, index=ids.index(current), format_func=names.get, key="pm_indicator")
    set_qp(indicator=chosen)
    return chosen


CRUMB_KEEP = ("year", "asof", "indicator")  # what going up keeps: the year, the 统计截至 round, the indicator


def breadcrumb(county: str | None = None, town: str | None = None, where=None) -> None:
    """全市 › 县 › 乡镇: where the reader is, each level above a link back up that keeps the year, the 统计截至 round
    and the indicator. 全市 is the counties' ranking (分县); a county is its towns (分乡镇 without a town). `where`: a
    placeholder drawn earlier on the page (default: here)."""
    keep = {key: st.query_params[key] for key in CRUMB_KEEP if key in st.query_params}
    levels = [(plan_geography().region_word, "app_pages/county.py", keep)]  # 全市, or 全省 / 全国 with prefectures
    if county is not None:
        levels.append((county, "app_pages/town.py", {**keep, "county": county}))
    if town is not None:
        levels.append((town, None, {}))
    row = (where or st).container(horizontal=True, gap="small", vertical_alignment="center")
    for i, (label, page, params) in enumerate(levels):
        if i:
            row.markdown('<span style="color:#888">›</span>', unsafe_allow_html=True, width="content")
        if i == len(levels) - 1:  # where the reader is: plain text
            row.markdown(f"**{label}**", width="content")
        else:
            row.page_link(page, label=label, query_params=params)
