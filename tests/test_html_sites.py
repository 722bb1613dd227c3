"""Every place the app hands Streamlit HTML of its own (st.html, or st.markdown / st.caption / … with
unsafe_allow_html=True) is listed here with why it cannot carry a user's string unescaped. A new site, or a site
whose argument changed, fails this test until someone has checked it and listed it: user-supplied text (place
names from uploads, the plan file's names, account names) must reach such a call only through html.escape or
a builder that escapes every value (present/cards.py, outputs/briefing/slide_html.py)."""

from __future__ import annotations

import ast
from collections import Counter

from plan_monitor.paths import ROOT

# (file, the call's first argument as ast.unparse writes it) → why it is safe. The count is how many such calls.
REVIEWED: dict[tuple[str, str], tuple[int, str]] = {
    ("app_pages/task_matrix.py", "f'<div class=\"pm-legend\">{legend}</div>'"):
        (1, "legend: the fixed CELLS labels in the palette's CELL_COLORS / CELL_TEXT, no data"),
    ("app_pages/reporting.py", "legend()"):
        (1, "outputs/reporting_chart.legend: fixed status labels and palette colours, no data"),
    ("app_pages/overview.py", "view['cards']"):
        (1, "memoised f'<div class=\"pm-summary\">{status_summary(cards)}</div>{cards_html(cards)}': status_summary "
            "has fixed labels and counts; cards_html escapes every title, value, detail and note"),
    ("app_pages/overview.py", "view['bars']"):
        (1, "memoised present/bars.completion_bars_html(city): escapes every indicator name and tooltip; the rest "
            "are numbers it formats, palette colours and constant labels"),
    ("app_pages/county.py", "f'### {escape(ind.name)}：{escape(counties_of)}排位\\u3000<small>点击柱条查看该县乡镇</small>'"):
        (1, "the plan's indicator name and counties_of (各县（市、区）, or a gazetteer prefecture name before it) "
            "escaped; the rest constant"),
    ("app_pages/county.py", "f'### {escape(ind.name)}：各市（州）排位\\u3000<small>点击柱条查看该市（州）各县</small>'"):
        (1, "the plan's indicator name escaped; the rest constant"),
    ("app_pages/town.py",
     "f'### {escape(county)} · {escape(ind.name)}：各乡镇（街道）\\u3000<small>点击柱条查看村（社区）名单</small>'"):
        (1, "county and indicator names escaped; the rest constant"),
    ("app_pages/present.py", "frame_css(theme, show_notes) + css(theme)"):
        (1, "style sheets built from the fixed THEMES table (theme is checked against THEMES before use) and a bool"),
    ("app_pages/present.py", "'<div class=\"pm-notes-head\">讲稿（情况通报）</div>'"):
        (1, "constant text"),
    ("app_pages/present.py", "f'<div class=\"pm-deck\">{view.head}</div>'"):
        (1, "slide_html.render escapes every title, subtitle, name and figure it puts in a slide"),
    ("app_pages/present.py", "f'<div class=\"pm-deck pm-fill\">{view.body}</div>'"):
        (2, "slide_html.render escapes every title, subtitle, name and figure it puts in a slide"),
    ("app_pages/present.py", "f'<div class=\"pm-deck\">{view.foot}</div>'"):
        (1, "slide_html.render escapes the as-of line and the source"),
    ("app_pages/present.py", "f'<span class=\"pm-count-text\" data-testid=\"pm-slide-count\">{index} / {total}</span>'"):
        (1, "two integers"),
    ("plan_monitor/ui/theme.py", "f'<style>{_CSS}</style>'"):
        (1, "the app's own style sheet ui/theme.css, read from the package"),
    ("plan_monitor/ui/auth.py", "f'<a href=\"/signin?next=/{next_path}\" target=\"_self\" class=\"pm-signin\">前往登录页</a>'"):
        (1, "next_path is one of app.py's fixed url_paths, never from the request"),
    ("plan_monitor/ui/uploader.py", "_css(f'将文件拖到此处，或点击“{BUTTON}”；支持 {shown}，单个文件不超过 {limit_mb} MB')"):
        (1, "the page's own list of file types and the size limit, both constants of the code"),
    ("plan_monitor/ui/context.py", "f'## {escape(title)}{demo}'"):
        (1, "the page title escaped; demo is a constant badge or empty"),
    ("plan_monitor/ui/context.py", 'f"""<div class="pm-meta">{escape(m.plan.plan.name)} · {year}年 · 数据截至 '
                                   "{fmt_date(as_of)}{(' · 示例数据，非真实统计' if m.card.is_demo else '')}</div>\"\"\""):
        (1, "the plan's name escaped; a year, a formatted date and a constant"),
    ("plan_monitor/ui/context.py", "f'<div class=\"pm-meta pm-round\" style=\"color:#9a3412;font-weight:600\">注意：{escape(note)}，详见“报送情况”</div>'"):
        (1, "the round note (county names inside) escaped"),
    ("plan_monitor/ui/context.py", "f'<div class=\"pm-meta\" style=\"margin:6px 0 12px\">{legend_html()}</div>'"):
        (1, "outputs/charts.legend_html: fixed status labels and palette colours"),
    ("plan_monitor/ui/context.py", "'<span style=\"color:#888\">›</span>'"):
        (1, "a constant"),
}


def html_sites() -> Counter:
    sites: Counter = Counter()
    files = [*sorted((ROOT / "app_pages").glob("*.py")), *sorted((ROOT / "plan_monitor").rglob("*.py")), ROOT / "app.py"]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            unsafe = any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                         for k in node.keywords)
            is_html = isinstance(node.func, ast.Attribute) and node.func.attr == "html" and not (
                isinstance(node.func.value, ast.Name) and node.func.value.id in {"html", "self"})
            if unsafe or is_html:
                first = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in {"body", "text"}),
                                                            None)
                sites[(str(path.relative_to(ROOT)), ast.unparse(first) if first is not None else "")] += 1
    return sites


def test_every_html_site_is_reviewed():
    found = html_sites()
    unreviewed = {site: n for site, n in found.items() if REVIEWED.get(site, (0, ""))[0] != n}
    assert not unreviewed, ("HTML handed to Streamlit at sites nobody has reviewed (new, changed or repeated); check "
                            "that every value in them is escaped or constant, then list them in REVIEWED with why: "
                            f"{unreviewed}")


def test_the_reviewed_list_has_no_stale_entries():
    found = html_sites()
    stale = [site for site in REVIEWED if site not in found]
    assert not stale, f"REVIEWED lists sites that no longer exist; remove them: {stale}"


def test_the_check_sees_a_new_site(tmp_path, monkeypatch):
    page = ROOT / "app_pages" / "zz_probe_html_site.py"
    page.write_text("import streamlit as st\nname = '<b>'\nst.markdown(f'<b>{name}</b>', unsafe_allow_html=True)\n"
                    "st.html(name)\n", encoding="utf-8")
    try:
        found = html_sites()
    finally:
        page.unlink()
    assert found[("app_pages/zz_probe_html_site.py", "f'<b>{name}</b>'")] == 1
    assert found[("app_pages/zz_probe_html_site.py", "name")] == 1
