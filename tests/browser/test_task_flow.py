"""清单销号 in real headless Chromium, with sign-in on: a county analyst (江陵县) uploads its 任务进展台账, asks for
销号 with its evidence; the city analyst approves it in 销号审核; then 督办台账 shows the assignment closed, with
who approved it, and the 汇报模式 task slide counts one more 已销号. Screenshots of each step."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from openpyxl import Workbook
from playwright.sync_api import expect

from plan_monitor.access import Access, local_admin
from plan_monitor.ledger.state import build_ledger
from plan_monitor.sources import open_store
from plan_monitor.spec.geography import load_geography
from plan_monitor.spec.plan import load_plan

from .server import ROOT, demo_copy, streamlit_server
from .test_flows import SHOTS, settle

PASSWORD = "correct horse"
DAY = date(2024, 9, 30)  # the demo's own today
TASK_SLIDE = 18  # the city deck's task slide (before 小结)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("home")
    access = Access(folder, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    admin = local_admin("tester")
    access.add("jiangling", PASSWORD, "county_analyst", admin, counties=["江陵县"], display="王分析")
    access.add("city", PASSWORD, "city_analyst", admin, display="李统计")
    return folder


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("task-data"))


@pytest.fixture(scope="module")
def app_url(home, data_dir):
    env = {"PLAN_MONITOR_AUTH": "on", "PLAN_MONITOR_HOME": str(home), "PLAN_MONITOR_DATA": str(data_dir)}
    with streamlit_server(env) as url:
        yield url


def ledger_now(data_dir: Path):
    plan = load_plan(ROOT / "targets.yaml")
    return plan, build_ledger(plan, load_geography(plan), open_store(data_dir).task_ledger()[1], DAY)


def open_task(data_dir: Path):
    """A deadline task 江陵县 has not asked to close: the one the flow reports on."""
    plan, ledger = ledger_now(data_dir)
    a = ledger.assignments
    mine = a[(a["reporter"] == "江陵县") & (a["close"] == "open")]
    deadline = {t.id for t in plan.tasks if t.deadline is not None}
    return plan.task(next(t for t in mine["task_id"] if t in deadline))


def sheet(task) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["江陵县任务进展台账（2024年9月）"])
    ws.append(["任务编号", "任务名称", "填报单位", "报告期", "进展状态", "进展情况", "佐证材料", "申请销号"])
    ws.append([task.id, task.title, "江陵县", "", "已完成", "已按计划全部完成，材料已归档", "完成情况报告.pdf", "否"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sign_in(browser, url: str, name: str):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    page.goto(url + "/overview")
    page.wait_for_selector("form[action='/signin']", timeout=60000)
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/overview*", timeout=60000)
    page.wait_for_selector('[data-testid="stApp"]', timeout=60000)
    settle(page)
    return context, page


def go(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=60000)
    settle(page)


def pick(page, label: str, option: str) -> None:
    """A selectbox's option by typing part of it (the list may be long) and choosing the exact option."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.keyboard.type(option[:12])
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def choose_tab(page, name: str) -> None:
    tab = page.get_by_role("tab", name=name)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true", timeout=30000)
    settle(page)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"task-flow-{name}.png"), full_page=True)


def closed_tile(page) -> int:
    return int(page.locator('.pm-tgroup[data-group="closed"] .pm-n').inner_text())


def test_upload_ask_to_close_approve_and_the_ledger_and_slide_update(app_url, browser, data_dir, tmp_path):
    task = open_task(data_dir)
    label = f"{task.title} · 江陵县"
    _, before = ledger_now(data_dir)
    closed_before = before.counts()["closed"]

    # the slide before: the city's 已销号 count as the ledger has it
    context, page = sign_in(browser, app_url, "city")
    go(page, f"{app_url}/present?slide={TASK_SLIDE}")
    page.wait_for_selector(".pm-tgroup", timeout=60000)
    assert closed_tile(page) == closed_before
    context.close()

    # 江陵县 uploads its 台账
    context, page = sign_in(browser, app_url, "jiangling")
    go(page, f"{app_url}/task-report")
    choose_tab(page, "上传台账")
    path = tmp_path / "江陵县任务进展台账.xlsx"
    path.write_bytes(sheet(task))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))
    settle(page)
    expect(page.get_by_text("校验通过，请核对下表后提交。")).to_be_visible(timeout=30000)
    shot(page, "1-upload-preview")
    page.get_by_role("button", name="提交台账").click()
    settle(page)
    expect(page.get_by_text("已提交台账 江陵县任务进展台账.xlsx：1 条记录").first).to_be_visible(timeout=30000)
    _, after = ledger_now(data_dir)
    row = after.assignments.set_index(["task_id", "reporter"]).loc[(task.id, "江陵县")]
    assert (row["status"], row["progress"], row["reported_by"]) == ("done", "已按计划全部完成，材料已归档", "王分析")

    # … and asks for 销号 (once the run the upload started has finished: a tab clicked while it is still
    # drawing the page can be drawn back to the one it was on)
    settle(page)
    choose_tab(page, "申请销号")
    pick(page, "任务及填报单位", label)
    page.get_by_label("佐证材料").last.fill("完成情况报告.pdf、参加党员名单.xlsx")
    page.get_by_role("button", name="申请销号").click()
    settle(page)
    expect(page.get_by_text(f"已申请销号：“{task.title}”（江陵县），等待市级审核。").first).to_be_visible(timeout=30000)
    settle(page)
    # the form starts empty for the next task: the evidence written for this one is not offered again
    expect(page.get_by_label("佐证材料").last).to_have_value("", timeout=30000)
    shot(page, "2-asked")
    # a county analyst cannot open the review page
    go(page, f"{app_url}/task-review")
    expect(page.get_by_text("无权").first).to_be_visible(timeout=30000)
    context.close()

    # the city approves
    context, page = sign_in(browser, app_url, "city")
    go(page, f"{app_url}/task-review")
    pick(page, "审核哪一项", label)
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("佐证材料：完成情况报告.pdf、参加党员名单.xlsx",
                                                                  timeout=30000)
    shot(page, "3-review")
    page.get_by_role("button", name="同意销号").click()
    settle(page)
    expect(page.get_by_text(f"已同意销号：“{task.title}”（江陵县）。").first).to_be_visible(timeout=30000)
    _, approved = ledger_now(data_dir)
    row = approved.assignments.set_index(["task_id", "reporter"]).loc[(task.id, "江陵县")]
    assert (row["close"], row["state"], row["close_by"], row["close_evidence"]) == (
        "closed", "closed", "李统计", "完成情况报告.pdf、参加党员名单.xlsx")
    assert approved.counts()["closed"] == closed_before + 1

    # 督办台账: the task's history shows the approval; the slide counts one more 已销号
    go(page, f"{app_url}/ledger?task={task.id}")
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("李统计", timeout=30000)
    expect(main).to_contain_text("已销号", timeout=30000)
    shot(page, "4-ledger")
    go(page, f"{app_url}/present?slide={TASK_SLIDE}")
    page.wait_for_selector(".pm-tgroup", timeout=60000)
    assert closed_tile(page) == closed_before + 1
    shot(page, "5-slide")
    context.close()
