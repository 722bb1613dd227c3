"""Plan Monitor: 三年行动计划目标监测看板. Run with `bash scripts/app.sh`.

Every page has its own address, 总览 included (/overview). Streamlit serves the default page at "/" whatever its
url_path, so a default 总览 would make "/overview" find no page and show "Page not found"; the default page is
therefore a hidden one that forwards "/" to /overview with the URL parameters.

Pages live in app_pages/, not pages/: Streamlit treats a pages/ folder as the legacy page router and
shows "Page not found" for st.navigation URLs before the app has run.

Every page runs inside the one error boundary (plan_monitor.ui.boundary): a known error shows its Chinese message,
anything else 内部错误 with a reference that is also in the server log; no page ever shows a traceback."""

import streamlit as st

from plan_monitor.ui.auth import account_box, navigation
from plan_monitor.ui.boundary import error_boundary
from plan_monitor.ui.context import plan_picker
from plan_monitor.ui.theme import apply_theme

st.set_page_config(page_title="三年行动计划目标监测看板", page_icon="📊", layout="wide")
apply_theme()

OVERVIEW = st.Page("app_pages/overview.py", title="总览", icon=":material/dashboard:", url_path="overview")
PAGES = [
    OVERVIEW,
    st.Page("app_pages/county.py", title="分县", icon=":material/account_balance:", url_path="county"),
    st.Page("app_pages/town.py", title="分乡镇", icon=":material/holiday_village:", url_path="town"),
    st.Page("app_pages/trend.py", title="年度趋势", icon=":material/trending_up:", url_path="trend"),
    st.Page("app_pages/definitions.py", title="指标口径", icon=":material/menu_book:", url_path="definitions"),
    st.Page("app_pages/tasks.py", title="任务清单", icon=":material/checklist:", url_path="tasks"),
    st.Page("app_pages/ledger.py", title="督办台账", icon=":material/task_alt:", url_path="ledger"),
    st.Page("app_pages/task_matrix.py", title="任务报送情况", icon=":material/grid_on:", url_path="task-matrix"),
    st.Page("app_pages/supervision.py", title="督办", icon=":material/assignment_late:", url_path="supervision"),
    st.Page("app_pages/present.py", title="汇报模式", icon=":material/slideshow:", url_path="present"),
]
DATA_PAGES = [
    st.Page("app_pages/upload.py", title="数据上传", icon=":material/upload_file:", url_path="upload"),
    st.Page("app_pages/reporting.py", title="报送情况", icon=":material/fact_check:", url_path="reporting"),
    st.Page("app_pages/versions.py", title="数据版本", icon=":material/history:", url_path="versions"),
    st.Page("app_pages/task_report.py", title="任务填报", icon=":material/edit_note:", url_path="task-report"),
    st.Page("app_pages/task_review.py", title="销号审核", icon=":material/task_alt:", url_path="task-review"),
]
ADMIN_PAGES = [st.Page("app_pages/admin.py", title="账户与审计", icon=":material/admin_panel_settings:", url_path="admin")]


def _to_overview():
    """The app root "/": forwarded to /overview with its URL parameters."""
    st.switch_page(OVERVIEW, query_params=dict(st.query_params))


# url_path "start" only names the page (a default page is served at "/"); hidden, so 总览 is the page highlighted.
START = st.Page(_to_overview, title="总览", url_path="start", default=True, visibility="hidden")
# The action each page needs (plan_monitor.access.allowed; others need "view"). With sign-in on, a page the visitor
# may not open keeps its address but shows a refusal, so /upload typed by a viewer never runs the upload page.
NEEDS = {"": "view_dashboard", "overview": "view_dashboard", "present": "view_dashboard", "upload": "upload",
         "admin": "manage_accounts", "task-report": "report_tasks", "task-review": "review_tasks"}
with error_boundary():
    pages = navigation({"监测看板": [*PAGES, START], "数据管理": DATA_PAGES, "系统管理": ADMIN_PAGES}, NEEDS)
    account_box()
    plan_picker()
    st.navigation(pages, expanded=True).run()  # every page listed: no English "View N more"
