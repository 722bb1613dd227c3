"""A 任务进展台账 file (xlsx as WPS/Excel save it, CSV in UTF-8 or GB18030) read into task events: the reporter's
side of the task ledger through the ingest door.

The file is read with the roster reader's pieces (ingest.decode, csv_rows, xlsx_rows: size and zip-bomb bounds,
encodings; ingest.rows: blank, 合计 and note rows), its header found among the first rows by the columns below
(title rows above it are skipped), and each data row becomes a report event (and a close_request when 申请销号 is
是). The rules a batch keeps are ledger.rules.check_events, on the ledger as it stands; each of its problems is
given back with the file's own line number and column header. Nothing is written here: the write service's
record_tasks commits the events, checking them again under the store's lock.

Columns (Chinese headers, a few aliases): 任务编号 (or 任务名称, matched to the task's title), 填报单位 (a unit as the
plan writes it, a county, or 县/乡镇; or 县（市、区） and 乡镇（街道） in two columns), 报告期 (2024, 2024-Q3, 2024-H2,
2025-09 or the label 2024年第3季度; blank for a deadline task), 进展状态 (未启动/推进中/已完成/滞后), 进展情况, 佐证材料,
申请销号 (是/否). A row with none of 进展状态, 进展情况, 佐证材料 and 申请销号 filled (a template row left blank) is skipped.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from plan_monitor.access.roles import Actor
from plan_monitor.ingest import model
from plan_monitor.ingest.csv_rows import CsvSheet
from plan_monitor.ingest.decode import decode_csv_bytes
from plan_monitor.ingest.header import norm
from plan_monitor.ingest.model import UploadError
from plan_monitor.ingest.rows import classify
from plan_monitor.ingest.sheet import too_many_rows
from plan_monitor.ingest.xlsx_rows import XlsxSheets
from plan_monitor.ledger.cadence import task_periods
from plan_monitor.ledger.rules import check_events, normalise_period
from plan_monitor.ledger.state import EVENT_KINDS, STATUS_BY_LABEL, STATUSES, reporters

MAX_ROWS = 5_000  # a 台账 lists a unit's tasks and periods: hundreds of rows, never thousands
HEAD_ROWS = 20  # title rows above the header
EVENT_COLUMNS = ["kind", "task_id", "reporter", "period", "status", "progress", "evidence", "reason", "item"]

# field → (the header the template writes, aliases)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "task_id": ("任务编号", ("任务代码", "任务id", "task_id", "taskid")),
    "title": ("任务名称", ("任务", "任务内容", "重点任务", "工作任务", "任务标题")),
    "reporter": ("填报单位", ("责任单位", "报送单位", "单位", "单位名称", "填报主体", "reporter")),
    "county": ("县（市、区）", ("县市区", "县", "县区", "县(市、区)", "所属县", "county")),
    "town": ("乡镇（街道）", ("乡镇", "街道", "乡镇街道", "town")),
    "period": ("报告期", ("报告期间", "填报期", "期次", "所属期", "报送期", "period")),
    "status": ("进展状态", ("状态", "完成状态", "进度状态", "推进状态", "status")),
    "progress": ("进展情况", ("工作进展", "进展", "完成情况", "进展描述", "推进情况", "工作开展情况", "progress")),
    "evidence": ("佐证材料", ("佐证", "佐证资料", "证明材料", "佐证材料名称", "evidence")),
    "close": ("申请销号", ("是否申请销号", "销号申请", "申请销号是否", "close")),
}
HEADERS = {key: header for key, (header, _) in COLUMNS.items()}
_LOOKUP = {norm(name): key for key, (header, aliases) in COLUMNS.items() for name in (header, *aliases)}
YES = {"是", "√", "✓", "y", "yes", "1", "true", "申请", "申请销号"}
NO = {"否", "×", "✗", "n", "no", "0", "false", "不申请", "-", "—", "无"}
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})([ T].*)?$")  # a month typed as 2025-09 that Excel kept as a date
_SHORT = re.compile(r"(\d{4})-?([QqHh])([1-4])")


@dataclass(frozen=True)
class SheetProblem:
    line: int | None  # the file's own line number (None: the file as a whole)
    column: str  # the file's column header
    message: str
    refusal: bool = False  # outside what the actor may report for


@dataclass
class TaskSheet:
    """A 台账 file read and checked: the events a submit would record, their file lines, every problem."""

    file_name: str
    original: bytes = field(repr=False)
    header_row: int
    events: pa.Table  # EVENT_COLUMNS, one row per event
    lines: list[int]  # each event's file line
    problems: list[SheetProblem]
    notes: list[str]
    plan: object = field(repr=False, default=None)

    @property
    def refused(self) -> bool:
        return any(p.refusal for p in self.problems)

    @property
    def can_submit(self) -> bool:
        return len(self.events) > 0 and not self.problems

    def problems_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "行号": pd.array([p.line for p in self.problems], dtype="Int64"),
            "列": [p.column for p in self.problems],
            "说明": [p.message for p in self.problems],
        })

    def preview(self) -> pd.DataFrame:
        """One row per event as the reporter wrote it: line, kind, task, reporter, period, status, text."""
        rows = self.events.to_pylist()
        titles = {t.id: (t.title or t.id) for t in self.plan.tasks} if self.plan is not None else {}
        labels = {}
        if self.plan is not None:
            for t in self.plan.tasks:
                for p in task_periods(t, self.plan):
                    labels[(t.id, p.key)] = p.label
        by_line: dict[int, list[str]] = {}
        for p in self.problems:
            if p.line is not None:
                by_line.setdefault(p.line, []).append(p.message)
        return pd.DataFrame({
            "行号": self.lines,
            "类型": [EVENT_KINDS.get(r["kind"], r["kind"]) for r in rows],
            "任务": [titles.get(r["task_id"], r["task_id"]) for r in rows],
            "填报单位": [r["reporter"] for r in rows],
            "报告期": [labels.get((r["task_id"], r["period"]), r["period"]) for r in rows],
            "进展状态": [STATUSES.get(r["status"], r["status"]) for r in rows],
            "进展情况": [r["progress"] for r in rows],
            "佐证材料": [r["evidence"] for r in rows],
            "问题": ["；".join(dict.fromkeys(by_line.get(n, []))) for n in self.lines],
        }, columns=["行号", "类型", "任务", "填报单位", "报告期", "进展状态", "进展情况", "佐证材料", "问题"])


# ---------------------------------------------------------------- reading the file
def _rows(file_name: str, data: bytes):
    """(head rows, read_body(last header row, width)) of the file's sheet with the task header."""
    ext = PurePath(file_name).suffix.lower()
    if ext in (".xls", ".et", ".wps"):
        raise UploadError(f"{file_name}：不支持旧版 Excel/WPS 格式（{ext}）；请另存为 .xlsx 后上传",
                          f"{file_name}: {ext} is not supported")
    if ext not in (".xlsx", ".csv", ".txt", ".tsv"):
        raise UploadError(f"{file_name}：不支持的文件类型“{ext or '无扩展名'}”；请上传台账的 Excel（.xlsx）或 CSV 文件",
                          f"{file_name}: unsupported file type {ext or '(none)'}")
    if not data:
        raise UploadError(f"{file_name}：文件是空的（0 字节）；请检查是否选错了文件", f"{file_name}: empty file")
    if len(data) > model.MAX_BYTES:
        raise UploadError(f"{file_name}：文件大小超过上限 {model.MAX_BYTES // 1048576} MB", f"{file_name}: too large")
    if ext != ".xlsx":
        if data.count(b"\n") > MAX_ROWS + 1_000:
            raise too_many_rows(file_name, MAX_ROWS)
        text, _, _ = decode_csv_bytes(file_name, data)
        sheet = CsvSheet(text, file_name)
        return sheet.head, sheet.body, None
    book = XlsxSheets(file_name, data)
    try:
        scores = [_header_at(head)[1] for _, head, _ in book.sheets]
    except BaseException:
        book.close()
        raise
    if not scores:
        book.close()
        raise UploadError(f"{file_name}：工作簿中没有工作表", f"{file_name}: no worksheets")
    pick = max(range(len(scores)), key=lambda i: (scores[i], -i))
    _, head, _ = book.sheets[pick]
    return head, (lambda last, width: book.body(pick, last, width, MAX_ROWS)), book


def _header_at(head) -> tuple[tuple[int, dict[str, int]] | None, int]:
    """The first row (of the first HEAD_ROWS filled ones) naming a task column and another known column: its
    number and field → column index; and how many known columns it names (to pick the sheet)."""
    seen = 0
    for number, cells in head:
        if not any(c is not None and str(c).strip() for c in cells):
            continue
        seen += 1
        if seen > HEAD_ROWS:
            break
        found: dict[str, int] = {}
        for i, cell in enumerate(cells):
            key = _LOOKUP.get(norm(cell))
            if key is not None and key not in found:
                found[key] = i
        if len(found) >= 2 and ("task_id" in found or "title" in found):
            return (number, found), len(found)
    return None, 0


def check_task_sheet(file_name: str, data: bytes, plan, geo, actor: Actor, current: pa.Table,
                     day: date) -> TaskSheet:
    """Read and check a 台账 file against the plan, the ledger `current` (the store's task events) as of `day` and
    what the actor may report for; writes nothing. UploadError when the file as a whole cannot be read."""
    head, read_body, book = _rows(file_name, data)
    try:
        found, _ = _header_at(head)
        if found is None:
            raise UploadError(
                f"{file_name}：在前 {HEAD_ROWS} 行中没有找到台账的表头；表头须有“任务编号”（或“任务名称”）、“填报单位”、"
                "“报告期”、“进展状态”、“进展情况”等列。请下载台账模板填写后上传",
                f"{file_name}: no task ledger header in the first {HEAD_ROWS} rows")
        header_row, columns = found
        width = max(columns.values()) + 1
        width = max(width, len(next(cells for n, cells in head if n == header_row)))
        body = read_body(header_row, width)
    finally:
        if book is not None:
            book.close()
    headers = {key: _cell_text(next(cells for n, cells in head if n == header_row)[i]) for key, i in columns.items()}
    sheet = TaskSheet(file_name, data, header_row, pa.table({c: pa.array([], pa.string()) for c in EVENT_COLUMNS}),
                      [], [], [], plan)
    missing = []
    if "reporter" not in columns and "county" not in columns:
        missing.append(HEADERS["reporter"])
    missing += [HEADERS[k] for k in ("status", "progress") if k not in columns]
    if missing:
        sheet.problems.append(SheetProblem(header_row, "、".join(missing),
                                           f"缺少必填列：{'、'.join(missing)}（第 {header_row} 行为表头）；"
                                           "请按台账模板补上这些列后重新上传"))
        return sheet
    label_columns = [columns[k] for k in ("reporter", "county", "title") if k in columns]
    kinds = classify(body, label_columns)
    for note in kinds.notes:
        if note.kind == "total_row":  # a 台账 sums nothing: its 合计 row is only skipped
            note_rows = "、".join(f"第{r}行" for r in note.rows)
            sheet.notes.append(f"合计/小计行已跳过：{note_rows}")
        else:
            sheet.notes.append(note.message)
    if header_row > 1:
        sheet.notes.append(f"第 {header_row} 行为表头，其上的 {header_row - 1} 行标题已跳过")
    cells = body.cells.filter(kinds.data)
    numbers = body.rows.filter(kinds.data).to_pylist()
    if not numbers:
        raise UploadError(f"{file_name}：表头下面没有填报的行；请填写后再上传", f"{file_name}: no data rows")
    if len(numbers) > MAX_ROWS:
        raise too_many_rows(file_name, MAX_ROWS)
    values = {key: [_cell_text(v) for v in pc.cast(cells.column(i), pa.string()).to_pylist()]
              for key, i in columns.items()}
    rows, lines, local = _events(plan, geo, values, numbers, headers, sheet.notes)
    sheet.events = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in EVENT_COLUMNS})
    sheet.lines = lines
    problems = list(local)
    if rows and "period" not in columns and any(plan.task(r["task_id"]).cadence for r in rows
                                                 if r["task_id"] in _ids(plan)):
        problems.append(SheetProblem(header_row, HEADERS["period"],
                                     "缺少“报告期”列：定期任务须写明报告期（如 2024、2024-Q3、2024年第3季度）；请补上该列"))
    else:
        where = {"task_id": headers.get("task_id", headers.get("title", HEADERS["task_id"]))}
        for key in ("reporter", "period", "status", "progress", "evidence"):
            where[key] = headers.get(key, headers.get("county", HEADERS[key]) if key == "reporter" else HEADERS[key])
        for p in check_events(plan, geo, actor, sheet.events, current, day):
            line = lines[p.row] if p.row is not None else None
            kind = rows[p.row]["kind"] if p.row is not None else ""
            column = where.get(p.column) or (headers.get("close", HEADERS["close"]) if kind == "close_request"
                                             else where["task_id"])
            problems.append(SheetProblem(line, column, p.message, p.refusal))
    sheet.problems = sorted(dict.fromkeys(problems), key=lambda p: p.line or 0)  # a row's two events: once
    return sheet


def _ids(plan) -> set[str]:
    return {t.id for t in plan.tasks}


def _cell_text(value) -> str:
    return "" if value is None else str(value).strip()


def _events(plan, geo, values: dict[str, list[str]], numbers: list[int], headers: dict[str, str],
            notes: list[str]) -> tuple[list[dict], list[int], list[SheetProblem]]:
    """Each data row → a report event (and a close_request when 申请销号 is 是), the file line of each event, and
    the problems only the file has (a task name matching no task, a 申请销号 that is neither 是 nor 否)."""
    tasks = {t.id: t for t in plan.tasks}
    events, lines, problems, blank = [], [], [], []
    n = len(numbers)
    get = {key: (values[key] if key in values else [""] * n) for key in COLUMNS}
    for i, line in enumerate(numbers):
        if not any(get[k][i] for k in ("status", "progress", "evidence", "close")):
            blank.append(line)
            continue
        task_id = get["task_id"][i]
        if task_id and task_id.lower() in tasks:
            task_id = task_id.lower()
        if task_id not in tasks and get["title"][i]:
            matched, hint = _task_by_title(plan, get["title"][i])
            if matched is None and not task_id:
                problems.append(SheetProblem(line, headers.get("title", HEADERS["title"]),
                                             f"任务名称“{get['title'][i]}”不是本计划的任务；{hint}"))
                continue
            task_id = matched or task_id
        task = tasks.get(task_id)
        reporter = _reporter(task, geo, get["reporter"][i], get["county"][i], get["town"][i])
        period = _period(plan, task, get["period"][i])
        raw_status = get["status"][i]
        status = STATUS_BY_LABEL.get(raw_status, raw_status)
        close = get["close"][i].lower()
        report = {"kind": "report", "task_id": task_id, "reporter": reporter, "period": period, "status": status,
                  "progress": get["progress"][i], "evidence": get["evidence"][i], "reason": "", "item": ""}
        if close and close not in YES and close not in NO:
            problems.append(SheetProblem(line, headers.get("close", HEADERS["close"]),
                                         f"申请销号“{get['close'][i]}”无效，应填“是”或“否”（不申请可留空）"))
        asks = close in YES
        only_close = asks and not raw_status and not get["progress"][i]
        if not only_close:
            events.append(report)
            lines.append(line)
        if asks:
            events.append({**report, "kind": "close_request", "period": "", "status": "done"})
            lines.append(line)
    if blank:
        shown = "、".join(f"第{n}行" for n in blank[:5]) + (f"等 {len(blank)} 行" if len(blank) > 5 else "")
        notes.append(f"未填写进展的行已跳过：{shown}")
    return events, lines, problems


def _task_by_title(plan, title: str) -> tuple[str | None, str]:
    wanted = norm(title)
    exact = [t.id for t in plan.tasks if wanted in (norm(t.title), norm(t.wording)) and wanted]
    if len(exact) == 1:
        return exact[0], ""
    names = [t.title or t.wording[:30] for t in plan.tasks]
    near = difflib.get_close_matches(title, names, n=3, cutoff=0.5)
    return None, ("是否为：" + "、".join(near) + "？" if near else "请填写“任务编号”（见台账模板或任务清单）")


def _reporter(task, geo, unit: str, county: str, town: str) -> str:
    """The assignment's reporter as the ledger writes it: the unit, the county, or 县/乡镇."""
    text = unit or ("/".join(x for x in (county, town) if x))
    if task is None or not text:
        return text
    names = [r for r, _, _ in reporters(task, geo)]
    if text in names:
        return text
    compact = re.sub(r"\s+", "", text).replace("／", "/")
    if compact in names:
        return compact
    if task.report_by == "county":
        canonical = geo.canonical(compact) if hasattr(geo, "canonical") else compact
        return canonical if canonical in names else compact
    if task.report_by == "town":
        if town and county:
            return f"{county}/{town}"
        ends = [r for r in names if r.endswith("/" + compact)]
        if len(ends) == 1:
            return ends[0]
    return compact


def _period(plan, task, text: str) -> str:
    """A period as its key: 2024q3 → 2024-Q3, a month Excel kept as a date (2025-09-01) → 2025-09, a label
    (2024年第3季度) → its key (ledger.rules.normalise_period)."""
    if not text or task is None or task.cadence is None:
        return text
    compact = re.sub(r"\s+", "", text)
    short = _SHORT.fullmatch(compact)
    if short is not None:
        compact = f"{short.group(1)}-{short.group(2).upper()}{short.group(3)}"
    day = _DAY.match(compact)
    if day is not None and task.cadence == "monthly":
        compact = f"{day.group(1)}-{day.group(2)}"
    return normalise_period(plan, task.id, compact)
