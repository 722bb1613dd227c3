"""python -m plan_monitor: the command line. It calls the same functions as the pages.

Exit codes: 0 success; 1 internal error (a short reference on stderr, the traceback in a log file under the system
temp dir, and on stderr too with PLAN_MONITOR_DEBUG set); 2 bad input (UserError, Chinese then English, no
traceback); 141 stdout closed early (`scorecard | head`), quietly, like any Unix tool killed by SIGPIPE.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from plan_monitor.errors import NothingChanged, UserError, internal_error_en, internal_error_zh, new_reference
from plan_monitor.paths import DEFAULT_DATA, DEFAULT_TARGETS
from plan_monitor.spec.templates import TEMPLATES

EXIT_INTERNAL = 1
ROLE_CHOICES = ("viewer", "unit_reporter", "county_analyst", "city_analyst", "admin")
EXIT_BAD_INPUT = 2
EXIT_BROKEN_PIPE = 128 + 13  # as if killed by SIGPIPE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m plan_monitor", description="三年行动计划目标监测看板 Plan Monitor")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="校验目标配置文件 / validate the plan file")
    check.add_argument("--targets", default=str(DEFAULT_TARGETS))

    demo = sub.add_parser("demo-data", help="生成示例数据 / write the demo data set")
    demo.add_argument("--targets", default=str(DEFAULT_TARGETS))
    demo.add_argument("--scale", choices=["municipal", "provincial", "national"], default="municipal")
    demo.add_argument("--out", default=None, help="输出目录（默认 data/demo）")
    demo.add_argument("--seed", type=int, default=2022)

    score = sub.add_parser("scorecard", help="计算目标完成情况 / compute the scorecard")
    score.add_argument("--targets", default=str(DEFAULT_TARGETS))
    score.add_argument("--data", default=str(DEFAULT_DATA))
    score.add_argument("--year", type=int, default=None)
    score.add_argument("--level", choices=["city", "prefecture", "county", "town"], default=None)
    score.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
    score.add_argument("--out", default=None, help="输出文件（默认标准输出；xlsx 必须指定）")
    score.add_argument("--round", default=None, metavar="YYYY-MM-DD",
                       help="按某一轮统计截至计算（默认各县均已报送的最新一轮）")
    score.add_argument("--recompute", action="store_true",
                       help="重新计算，不读取本数据版本已保存的计算结果（结果随后重新保存）")

    ingest = sub.add_parser("ingest", help="上传进度数据（校验、预览、提交）/ validate, preview and store a roster file")
    ingest.add_argument("file", help="报表文件：.xlsx、.csv（UTF-8 或 GB18030）、.parquet")
    ingest.add_argument("--targets", default=str(DEFAULT_TARGETS))
    ingest.add_argument("--data", default=str(DEFAULT_DATA))
    ingest.add_argument("--template", choices=sorted(TEMPLATES), default=None, help="报表类型（默认按表头识别）")
    ingest.add_argument("--table", type=int, default=None, metavar="N",
                        help="工作表上有多个表格时读取第 N 个（默认第 1 个）")
    ingest.add_argument("--dry-run", action="store_true", help="只校验和预览，不提交")
    ingest.add_argument("--yes", action="store_true", help="已核对全部警告，确认提交")
    ingest.add_argument("--user", default=None, help="提交人姓名（默认当前系统用户）；命令行以本机管理员身份写入并记入审计日志")
    ingest.add_argument("--report", default=None, help="把问题清单写入 Excel 文件")
    ingest.add_argument("--mode", choices=["merge", "replace"], default="merge",
                        help="上传方式：merge 补充更正（默认，文件中没有的单位、空白单元格保留原值）；"
                             "replace 整体替换（文件即该县该统计截至的全部单位，文件中没有的单位将删除）")
    ingest.add_argument("--confirm-removals", type=int, default=None, metavar="N",
                        help="整体替换删除单位时，输入预览中的删除数 N 确认")
    ingest.add_argument("--header-row", default=None, metavar="N",
                        help="列对应：第 N 行（文件中的行号）是表头（两行表头时为上一行），不再自动查找")
    ingest.add_argument("--map", action="append", default=[], metavar="列名=字段",
                        help="列对应：文件中的列名对应报表模板的字段（模板中文列名或英文字段名），可重复；"
                             "提交后按县（市、区）和报表类型保存，下次表头不符时自动使用")

    versions = sub.add_parser("versions", help="列出数据版本 / list store versions")
    versions.add_argument("--data", default=str(DEFAULT_DATA))

    store = sub.add_parser("store", help="检查数据版本库 / check the versioned store")
    store_sub = store.add_subparsers(dest="store_command", required=True)
    store_check = store_sub.add_parser("check", help="核对每个版本的数据和原始文件 / verify every version and original")
    store_check.add_argument("--data", default=str(DEFAULT_DATA))
    store_migrate = store_sub.add_parser("migrate", help="把旧版本库（文件版本库）导入 DuckLake，可重复执行 / "
                                                         "import the earlier file store, idempotent")
    store_migrate.add_argument("--data", default=str(DEFAULT_DATA))

    rollback = sub.add_parser("rollback", help="回退到某一数据版本（回退本身也是新版本）/ roll back")
    rollback.add_argument("version", type=int)
    rollback.add_argument("--data", default=str(DEFAULT_DATA))
    rollback.add_argument("--user", default=None, help="提交人姓名（默认当前系统用户）；以本机管理员身份回退")

    users = sub.add_parser("users", help="管理账户（以本机管理员身份）/ manage accounts as the local admin")
    users.add_argument("--home", default=None, help="账户库目录（默认 $PLAN_MONITOR_HOME 或 ~/.plan_monitor）")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="新建账户 / add an account")
    add.add_argument("name", help="账户名（登录用）")
    add.add_argument("--role", required=True, choices=list(ROLE_CHOICES),
                     help="viewer 查看、unit_reporter 责任单位填报员、county_analyst 县级分析员、city_analyst 市级分析员、"
                          "admin 管理员")
    add.add_argument("--county", action="append", default=[], help="县级分析员负责的县（市、区），可重复")
    add.add_argument("--unit", action="append", default=[], help="责任单位填报员负责的单位（按计划写法），可重复")
    add.add_argument("--display", default="", help="姓名（显示为提交人；默认同账户名）")
    add.add_argument("--targets", default=str(DEFAULT_TARGETS), help="按此计划的地区核对县名")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（默认交互输入）")
    role = users_sub.add_parser("role", help="修改角色和负责的县 / change role and counties")
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=list(ROLE_CHOICES))
    role.add_argument("--county", action="append", default=[])
    role.add_argument("--unit", action="append", default=[])
    role.add_argument("--targets", default=str(DEFAULT_TARGETS))
    for command, text in (("disable", "停用账户（立即结束其全部会话）"), ("enable", "启用账户"),
                          ("unlock", "解除锁定")):
        users_sub.add_parser(command, help=text).add_argument("name")
    reset = users_sub.add_parser("reset", help="重设密码（立即结束其全部会话）/ set a new password")
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（默认交互输入）")
    users_sub.add_parser("list", help="列出账户 / list accounts")

    audit = sub.add_parser("audit", help="审计日志 / the audit trail")
    audit.add_argument("--home", default=None, help="账户库目录（默认 $PLAN_MONITOR_HOME 或 ~/.plan_monitor）")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="校验审计日志的哈希链，发现删除或修改的记录 / verify the hash chain")
    listing = audit_sub.add_parser("list", help="列出审计记录 / list entries")
    listing.add_argument("--limit", type=int, default=50, help="最近多少条（默认 50，0 为全部）")
    listing.add_argument("--out", default=None, help="写入 Excel 文件（.xlsx）")

    briefing = sub.add_parser("briefing", help="生成汇报幻灯片（PPTX）/ write the briefing deck as PowerPoint")
    briefing.add_argument("--out", required=True, help="输出文件，如 汇报.pptx")
    briefing.add_argument("--year", type=int, default=None, help="年度（默认有数据的最近一年）")
    briefing.add_argument("--county", default=None, help="县（市、区）：生成该县自己的汇报材料（默认全市）")
    briefing.add_argument("--targets", default=str(DEFAULT_TARGETS))
    briefing.add_argument("--data", default=str(DEFAULT_DATA))
    briefing.add_argument("--round", default=None, metavar="YYYY-MM-DD",
                          help="按某一轮统计截至汇报（默认各县均已报送的最新一轮）")
    briefing.add_argument("--day", default=None, metavar="YYYY-MM-DD",
                          help="任务台账和督办按哪一天统计（默认 --round；示例数据为台账最后一天；否则今天）")
    tasks = sub.add_parser("tasks", help="任务台账 / the task ledger")
    tasks_sub = tasks.add_subparsers(dest="tasks_command", required=True)
    report = tasks_sub.add_parser("report", help="提交任务进展台账（.xlsx / .csv）/ submit a task progress sheet")
    report.add_argument("file", help="台账文件（.xlsx，或 UTF-8 / GB18030 的 .csv）")
    report.add_argument("--targets", default=str(DEFAULT_TARGETS))
    report.add_argument("--data", default=str(DEFAULT_DATA))
    report.add_argument("--user", default=None, help="提交人姓名（默认当前系统用户）；以本机管理员身份提交并记入审计日志")
    report.add_argument("--day", default=None, metavar="YYYY-MM-DD", help="按哪一天判断报告期是否已开始（默认今天）")
    report.add_argument("--dry-run", action="store_true", help="只校验和预览，不提交")
    for command in (check, demo, score, ingest, add, role, briefing, report):
        command.add_argument("--plan", default=None, metavar="NAME",
                             help="按计划清单 plans/plans.yaml 中的名称选计划（代替 --targets，并用该计划的数据目录）")
    return parser


def _choose_plan(args) -> None:
    """--plan NAME: the plan file (and, where the command reads data, the data folder) of that plan in the plans
    index, in place of --targets (and the default --data)."""
    if getattr(args, "plan", None) is None:
        return
    from plan_monitor.spec.plans import find_plan

    if args.targets != str(DEFAULT_TARGETS):
        raise UserError("--plan 与 --targets 只能写一个", "give either --plan or --targets")
    entry = find_plan(args.plan)
    args.targets = str(entry.targets)
    if getattr(args, "data", None) == str(DEFAULT_DATA):
        if not entry.has_data:
            raise UserError(f"计划“{entry.name}”（{entry.title}）还没有进度数据目录"
                            f"{f'（{entry.data}）' if entry.data else ''}，只有任务清单",
                            f"plan {entry.name!r} has no data folder yet")
        args.data = str(entry.data)


def _round_date(text: str | None, option: str = "--round"):
    """--round (or --day) as a date; anything else is bad input. Whether it is a round the Monitor decides."""
    from datetime import date

    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{option} “{text}”不是日期，应写成 YYYY-MM-DD，如 2024-09-30",
                        f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


def _ledger_day(store, chosen):
    """The day a briefing's task ledger is judged on, as the pages choose it (ui.context.ledger_day): the round
    chosen, else ledger.state.default_day (the bundled demo's own "today", else today)."""
    from plan_monitor.ledger.state import default_day

    if chosen is not None:
        return chosen
    return default_day(store.task_ledger()[1], store.is_demo())


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        _choose_plan(args)
        code = _COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe or a full disk shows up here, not in the interpreter's exit
        return code
    except BrokenPipeError:
        _drop_stdout()
        return EXIT_BROKEN_PIPE
    except UserError as exc:
        print(f"错误：{exc.zh}", file=sys.stderr)
        if exc.en:
            print(f"Error: {exc.en}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # noqa: BLE001 - the CLI's error boundary
        return _internal_error(exc, sys.argv[1:] if argv is None else argv)


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of what could not be written stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (e.g. captured in tests): nothing to silence
        pass


def _internal_error(exc: Exception, argv: list[str]) -> int:
    """An unexpected error: the user gets a short reference; the traceback goes to a log file named after it."""
    ref = new_reference()
    trace = "".join(traceback.format_exception(exc))
    log = Path(tempfile.gettempdir()) / f"plan_monitor-error-{ref}.log"
    try:
        log.write_text(f"{datetime.now().isoformat(timespec='seconds')} plan_monitor {' '.join(argv)}\n"
                       f"internal error {ref}\n{trace}", encoding="utf-8")
        where_zh, where_en = f"；详情见 {log}", f"; details in {log}"
    except OSError:
        where_zh, where_en = "；日志无法写入，设置 PLAN_MONITOR_DEBUG=1 重新运行可查看详情", \
            "; the log could not be written, re-run with PLAN_MONITOR_DEBUG=1 for details"
    try:
        sys.stdout.flush()
    except OSError:  # stdout itself failed (e.g. a full disk): drop what is left rather than fail again at exit
        _drop_stdout()
    print(internal_error_zh(ref) + where_zh, file=sys.stderr)
    print(internal_error_en(ref) + where_en, file=sys.stderr)
    if os.environ.get("PLAN_MONITOR_DEBUG"):
        print(trace, file=sys.stderr, end="")
    return EXIT_INTERNAL


def _check(args) -> int:
    from plan_monitor.spec.plan import load_plan

    plan = load_plan(args.targets)
    print(f"{args.targets}: 校验通过 / valid — {plan.plan.name}，{len(plan.indicators)} 项指标，{len(plan.tasks)} 项任务，"
          f"{plan.years[0]}–{plan.years[-1]} 年")
    return 0


def _demo(args) -> int:
    from plan_monitor.sources.demo import generate
    from plan_monitor.spec.plan import load_plan

    plan = load_plan(args.targets)
    out = args.out or (str(DEFAULT_DATA) if args.scale == "municipal" else f"data/demo-{args.scale}")
    counts = generate(plan, out, args.scale, args.seed)
    print(f"示例数据已写入 {out}：" + "，".join(f"{k} {v} 行" for k, v in counts.items()))
    return 0


def _scorecard(args) -> int:
    if args.format == "csv" and not args.recompute and _persisted_csv(args):
        return 0
    import pandas as pd

    from plan_monitor.metrics.monitor import scorecard
    from plan_monitor.metrics.scorecard import CSV_COLUMNS, latest_as_of
    from plan_monitor.outputs.export_table import scorecard_csv_bytes, scorecard_table, scorecard_xlsx
    from plan_monitor.spec.geography import load_geography
    from plan_monitor.spec.plan import load_plan

    plan = load_plan(args.targets)
    _scorecard_checks(plan, args)
    # read back when this plan file, data version and round were computed before (any process), else computed
    # CSV and JSON write CSV_COLUMNS (and prefecture, in a plan with prefectures) only: a persisted card reads back
    # just those (and what select filters on)
    columns = None if args.format == "xlsx" else [*CSV_COLUMNS, "prefecture", "level", "county", "year", "indicator_id"]
    card = scorecard(args.targets, args.data, _round_date(args.round), recompute=args.recompute, plan=plan,
                     columns=columns)
    rows = card.select(year=args.year, level=args.level)
    if args.format == "csv":
        _emit_bytes(scorecard_csv_bytes(rows), args.out)  # scorecard_table(rows).to_csv(…), in UTF-8
    elif args.format == "json":
        table = scorecard_table(rows)
        records = [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in table.to_dict("records")]
        meta = {"plan": plan.plan.name, "demo_data": card.is_demo, "data_version": card.data_version}
        _emit(json.dumps({"meta": meta, "rows": records}, ensure_ascii=False, indent=1, default=str) + "\n", args.out)
    else:
        title = f"{plan.plan.name} 目标完成情况"
        region = load_geography(plan).region_word  # 全省 / 全国 names the region row in a province's plan
        Path(args.out).write_bytes(scorecard_xlsx(rows, latest_as_of(rows), card.is_demo, title, region))
        print(f"已写入 {args.out}", file=sys.stderr)
    return 0


def _scorecard_checks(plan, args) -> None:
    """What scorecard refuses before any figure is read or computed."""
    if not plan.indicators:
        raise UserError("本计划只列出任务，没有量化指标，没有目标完成情况可算；任务进展见 tasks 命令",
                        "the plan has no indicators: no scorecard to compute")
    if args.year is not None and args.year not in plan.years:
        years = list(plan.years)  # a Plan's list, or a persisted card's PlanFacts tuple: written the same
        raise UserError(f"--year {args.year} 不在计划年度 {years} 内", f"--year must be one of {years}")
    if args.format == "xlsx" and not args.out:
        raise UserError("xlsx 格式须用 --out 指定输出文件", "--format xlsx needs --out FILE")


def _persisted_csv(args) -> bool:
    """scorecard's CSV from a persisted card, without pandas: the card's CSV columns read as an Arrow table
    (metrics.persisted.read_rows), selected and formatted in Arrow (outputs.scorecard_csv), byte for byte the CSV
    of the frame. False (nothing written) when there is no card to read back, or when anything is to be said about
    the arguments that the plan's own checks come before (an unreadable --round): the caller then loads, checks and
    computes as always, in the same order."""
    from plan_monitor.metrics.card_table import CSV_COLUMNS, select_table
    from plan_monitor.metrics.persisted import read_rows
    from plan_monitor.outputs.scorecard_csv import table_csv_bytes

    try:
        cutoff = _round_date(args.round)
    except UserError:
        return False
    found = read_rows(args.targets, args.data, cutoff, [*CSV_COLUMNS, "prefecture"])
    if found is None:
        return False
    plan, rows = found  # the plan's years and indicators (PlanFacts), as the card's file names them
    _scorecard_checks(plan, args)
    _emit_bytes(table_csv_bytes(select_table(rows, plan.years[0], args.year, args.level)), args.out)
    return True


def _emit(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _emit_bytes(data: bytes, out: str | None) -> None:
    """UTF-8 text as _emit writes it, without decoding it first when it goes to a file or a UTF-8 stdout."""
    if out:
        Path(out).write_bytes(data)
    elif (getattr(sys.stdout, "encoding", "") or "").lower().replace("-", "") == "utf8" and hasattr(sys.stdout, "buffer"):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(data.decode("utf-8"))


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (e.g. in a container)
        return str(os.getuid())


def _actor(args):
    """Who the command writes as: the local administrator (every county), with --user, else the system user, as
    the 提交人 of the version; the audit trail names the local admin account and the system user."""
    from plan_monitor.access import local_admin

    admin = local_admin(_os_user())
    return type(admin)(args.user or _os_user(), role=admin.role, account=admin.account, address=admin.address)


def _access(args=None):
    from plan_monitor.access import Access

    return Access(getattr(args, "home", None))


def _ingest(args) -> int:
    import pandas as pd

    from plan_monitor.ingest.corrections import MODES
    from plan_monitor.ingest.pipeline import check_upload
    from plan_monitor.ingest.service import WriteService
    from plan_monitor.outputs.upload_report import report_xlsx
    from plan_monitor.sources import open_store
    from plan_monitor.spec.geography import load_geography
    from plan_monitor.spec.plan import load_plan

    path = Path(args.file)
    header_row, mapping = _column_map(args)
    if not path.is_file():
        raise UserError(f"文件 {path} 不存在", f"file {path} not found")
    plan = load_plan(args.targets)
    store = open_store(args.data)
    checked = check_upload(path.name, path.read_bytes(), plan, load_geography(plan), store, args.template,
                           mode=args.mode, table=args.table, header_row=header_row, mapping=mapping,
                           actor=_actor(args))
    out = sys.stdout
    if checked.parsed is not None:
        out.write(f"{path.name}：{checked.parsed.template.title}，{len(checked.rows)} 行数据\n")
    if checked.reading is not None:
        out.write(f"  表头：{checked.reading.summary()}\n")
        if checked.header_rejected or checked.reading.unknown:
            for line in checked.reading.lines():
                out.write(f"    {line}\n")
            out.write("  可用 --header-row N 指定表头行，--map 列名=字段 指定列对应\n")
    for note in checked.notes:
        out.write(f"  处理：{note.message}\n")
    problems = checked.problems()
    for rec in problems.itertuples(index=False):
        where = f"第{rec[1]}行 " if not pd.isna(rec[1]) else ""
        column = f"“{rec[2]}” " if rec[2] else ""
        value = f"（值：{rec[3]}）" if rec[3] and rec[3] not in rec[4] else ""
        out.write(f"  {rec[0]}：{where}{column}{rec[4]}{value}\n")
    if args.report:
        Path(args.report).write_bytes(report_xlsx(checked.parsed, checked.issues, checked.notes, path.name,
                                                  checked.reading))
        out.write(f"问题清单已写入 {args.report}\n")
    if checked.parsed is not None and checked.changes is not None:
        out.write(f"上传方式：{MODES[checked.mode]}\n预览（与当前数据相比）：\n")
        out.write(checked.summary().to_string(index=False) + "\n")
    if checked.errors:
        raise UserError(f"{len(checked.errors)} 个错误，未提交任何数据", f"{len(checked.errors)} error(s); nothing stored")
    if args.dry_run:
        same = "；内容与当前数据相同，提交也不会生成新版本" if checked.unchanged else ""
        out.write(f"试运行：校验通过（{len(checked.warnings)} 条警告）{same}，未提交\n")
        return 0
    if checked.unchanged:
        pass  # the write service says so (and records it), whatever the warnings
    elif checked.warnings and not args.yes:
        raise UserError(f"{len(checked.warnings)} 条警告，核对无误后加 --yes 提交；未提交任何数据",
                        f"{len(checked.warnings)} warning(s): re-run with --yes to confirm; nothing stored")
    elif checked.removed and args.confirm_removals != checked.removed:
        raise UserError(f"整体替换将删除 {checked.removed} 个单位，核对无误后加 --confirm-removals {checked.removed} 提交；"
                        "未提交任何数据",
                        f"replace removes {checked.removed} unit(s): re-run with --confirm-removals {checked.removed}; "
                        "nothing stored")
    try:
        entry = WriteService(store, _access()).commit_upload(checked, _actor(args), confirm_warnings=args.yes,
                                                             confirm_removals=args.confirm_removals)
    except NothingChanged as exc:  # not a failure: the data already is what the file says
        out.write(f"{exc.zh}\n")
        return 0
    out.write(f"已提交为数据版本 v{entry['id']}（以本机管理员身份，已记入审计日志）\n")
    if checked.map_to_save is not None:
        out.write("列对应已保存，下次上传同类报表且表头不符时自动使用\n")
    return 0


def _column_map(args) -> tuple[int | None, dict[str, str] | None]:
    """--header-row N and --map 列名=字段 as read_upload takes them (template key → the file's header text)."""
    from plan_monitor.ingest.header import field_key

    header_row = None
    if args.header_row is not None:
        text = str(args.header_row).strip()
        if not text.isdigit() or int(text) < 1:
            raise UserError(f"--header-row 须为正整数（文件中的行号），收到“{args.header_row}”",
                            f"--header-row must be a positive row number, got {args.header_row!r}")
        header_row = int(text)
    mapping: dict[str, str] = {}
    for item in args.map:
        column, sep, name = item.rpartition("=")
        column, name = column.strip(), name.strip()
        if not sep or not column or not name:
            raise UserError(f"--map 须写成 列名=字段（如 --map 镇街=乡镇（街道）），收到“{item}”",
                            f"--map must be COLUMN=FIELD, got {item!r}")
        key = field_key(name, args.template)
        if key is None:
            template = TEMPLATES[args.template] if args.template else None
            fields = "、".join(dict.fromkeys(c.header for t in ([template] if template else TEMPLATES.values())
                                             for c in t.columns))
            raise UserError(f"--map {item}：“{name}”不是报表模板的字段；可用的字段：{fields}",
                            f"--map {item}: {name!r} is not a template field")
        if key in mapping:
            raise UserError(f"--map：字段“{name}”对应了两列（“{mapping[key]}”和“{column}”）",
                            f"--map: field {key} is mapped twice")
        mapping[key] = column
    return header_row, mapping or None


def _versions(args) -> int:
    from plan_monitor.present.history import ENTRY_COLUMNS, entry_parts
    from plan_monitor.sources import open_store

    entries = open_store(args.data).entries()
    if not entries:
        print("尚无上传版本，当前为初始数据")
        return 0
    print("\t".join([*ENTRY_COLUMNS, "行数"]))
    for e in entries:
        print("\t".join(str(v) for v in [*entry_parts(e).values(), e.get("rows")]))
    return 0


def _store(args) -> int:
    from plan_monitor.sources import open_store

    if args.store_command == "migrate":
        return _migrate(Path(args.data))
    store = open_store(args.data)
    problems = store.check()
    for problem in problems:
        print(problem)
    if problems:
        return EXIT_BAD_INPUT
    print(f"数据版本库完好：{store.head()} 个版本，数据与原始文件均与提交时一致")
    return 0


def _migrate(folder: Path) -> int:
    from plan_monitor.sources import migrate_store

    print(migrate_store(folder))
    return 0


def _rollback(args) -> int:
    from plan_monitor.ingest.service import WriteService
    from plan_monitor.sources import open_store

    store = open_store(args.data)
    entry = WriteService(store, _access()).rollback(args.version, _actor(args), base=store.head())
    print(f"已回退到 v{args.version}，新版本 v{entry['id']}（以本机管理员身份，已记入审计日志）")
    return 0


def _briefing(args) -> int:
    from plan_monitor.metrics.monitor import Monitor
    from plan_monitor.outputs.briefing.bulletin import slide_notes
    from plan_monitor.outputs.briefing.deck import build_deck
    from plan_monitor.outputs.briefing.pptx_export import deck_pptx
    from plan_monitor.outputs.briefing.tasks import briefing_ledger
    from plan_monitor.sources import open_store
    from plan_monitor.spec.geography import load_geography
    from plan_monitor.spec.plan import load_plan

    out = Path(args.out)
    if not out.parent.is_dir():
        raise UserError(f"输出目录 {out.parent} 不存在", f"output folder {out.parent} does not exist")
    # Checked before the scorecard is computed, so a typo fails at once.
    plan = load_plan(args.targets)
    if not plan.indicators:
        raise UserError(f"{plan.plan.name}没有监测指标，无法生成汇报幻灯片",
                        "the plan has no indicators: no briefing deck to write")
    if args.year is not None and args.year not in plan.years:
        raise UserError(f"--year {args.year} 不是计划年度，可选：{'、'.join(map(str, plan.years))}",
                        f"--year must be one of {plan.years}")
    county = None
    if args.county:
        geo = load_geography(plan)
        counties = geo.county_names()
        county = geo.canonical(args.county)
        if county not in counties:
            raise UserError(f"没有名为“{args.county}”的县（市、区），可选：{'、'.join(counties)}",
                            f"unknown county {args.county!r}; valid: {', '.join(counties)}")
    chosen = _round_date(args.round)
    if chosen is not None and args.year is not None and chosen.year != args.year:
        raise UserError(f"--round {chosen.isoformat()} 不在 --year {args.year} 年内",
                        f"--round {chosen.isoformat()} is not in --year {args.year}")
    day = _round_date(args.day, "--day")
    store = open_store(args.data)
    m = Monitor.build(args.targets, store, chosen)
    year = args.year if args.year is not None else (chosen.year if chosen else m.latest_year())
    ledger = briefing_ledger(m.plan, m.geo, store, day or _ledger_day(store, chosen))
    deck = build_deck(m, year, county, ledger)
    out.write_bytes(deck_pptx(deck, slide_notes(deck)))
    print(f"已写入 {out}：{deck.place}{year}年汇报幻灯片，共 {len(deck.slides)} 页，含演讲者备注")
    return 0


def _password(args) -> str:
    """The new password: one line of standard input with --password-stdin, else typed twice at a prompt (never
    an argument, which any user could read in ps)."""
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("没有终端可输入密码：请加 --password-stdin 并从标准输入提供密码",
                        "no terminal for the password prompt: use --password-stdin")
    first = getpass.getpass("密码 Password: ")
    if getpass.getpass("再输入一次 Again: ") != first:
        raise UserError("两次输入的密码不一致，未作改动", "the passwords differ; nothing changed")
    return first


def _counties(args) -> list[str]:
    """--county values as canonical county names of the plan's region (aliases accepted)."""
    if not args.county:
        return []
    from plan_monitor.spec.geography import load_geography
    from plan_monitor.spec.plan import load_plan

    geo = load_geography(load_plan(args.targets))
    valid = geo.county_names()
    out = []
    for raw in args.county:
        name = geo.canonical(raw.strip())
        if name not in valid:
            raise UserError(f"没有名为“{raw}”的县（市、区），可选：{'、'.join(valid)}",
                            f"unknown county {raw!r}")
        out.append(name)
    return out


def _units(args) -> list[str]:
    """--unit values (a unit reporter's units, as the plan writes them); --county is for county analysts."""
    if args.county:
        raise UserError("责任单位填报员负责的是单位，请用 --unit 指定（如 --unit 县委组织部），不用 --county",
                        "a unit reporter takes --unit, not --county")
    return [u.strip() for u in args.unit if u.strip()]


def _users(args) -> int:
    from plan_monitor.access import ROLES, local_admin

    access, me = _access(args), local_admin(_os_user())
    command = args.users_command
    if getattr(args, "unit", None) and args.role != "unit_reporter":
        raise UserError("--unit 只用于责任单位填报员（--role unit_reporter）", "--unit is for --role unit_reporter only")
    if command == "list":
        import time

        accounts = access.accounts()
        if not accounts:
            print(f"尚无账户（账户库 {access.path}）")
            return 0
        print("\t".join(["账户", "姓名", "角色", "负责范围", "状态"]))
        for a in accounts:
            print("\t".join([a.name, a.display, ROLES[a.role], a.scope_text, a.status(time.time())]))
        return 0
    if command == "add":
        counties = _counties(args)
        scope = _units(args) if args.role == "unit_reporter" else counties
        account = access.add(args.name, _password(args), args.role, me, counties=scope, display=args.display)
        print(f"已新建账户 {account.name}（{account.display}，{account.role_label}，{account.scope_text}）")
    elif command == "role":
        scope = _units(args) if args.role == "unit_reporter" else _counties(args)
        account = access.set_role(args.name, args.role, me, counties=scope)
        print(f"账户 {account.name} 现为 {account.role_label}（{account.scope_text}）")
    elif command == "reset":
        access.set_password(args.name, _password(args), me)
        print(f"已重设账户 {args.name} 的密码，其已登录的会话全部结束")
    elif command == "disable":
        access.disable(args.name, me)
        print(f"已停用账户 {args.name}，其已登录的会话全部结束")
    elif command == "enable":
        access.enable(args.name, me)
        print(f"已启用账户 {args.name}")
    elif command == "unlock":
        access.unlock(args.name, me)
        print(f"已解除账户 {args.name} 的锁定")
    print(f"（以本机管理员身份操作，已记入审计日志 {access.path}）", file=sys.stderr)
    return 0


def _audit(args) -> int:
    access = _access(args)
    if args.audit_command == "verify":
        entries = access.audit()
        problems = access.verify()
        if problems:
            print(f"审计日志 {access.path} 校验未通过：", file=sys.stderr)
            for p in problems:
                print(f"  - {p}", file=sys.stderr)
            raise UserError(f"审计日志有 {len(problems)} 处被删除或修改", f"the audit trail has {len(problems)} problem(s)")
        print(f"审计日志校验通过：共 {len(entries)} 条记录，哈希链完整（{access.path}）")
        return 0
    if args.limit < 0:
        raise UserError("--limit 不能为负数", "--limit must not be negative")
    from plan_monitor.present.audit import audit_table

    table = audit_table(access.audit(args.limit or None))
    if args.out:
        from plan_monitor.outputs.xlsx import table_xlsx

        if not args.out.endswith(".xlsx"):
            raise UserError("--out 须为 .xlsx 文件", "--out must be an .xlsx file")
        Path(args.out).write_bytes(table_xlsx(table, "审计日志"))
        print(f"已写入 {args.out}，{len(table)} 条记录", file=sys.stderr)
        return 0
    if table.empty:
        print("审计日志为空")
        return 0
    sys.stdout.write(table.to_csv(index=False, sep="\t", lineterminator="\n"))
    return 0


def _tasks(args) -> int:
    """tasks report FILE: a 台账 read and checked (ingest.task_sheet), its problems printed with the file's line
    numbers, then recorded through the write service as the local admin; non-zero exit on any problem."""
    from datetime import date

    from plan_monitor.ingest.service import WriteService
    from plan_monitor.ingest.task_sheet import check_task_sheet
    from plan_monitor.sources import open_store
    from plan_monitor.spec.geography import load_geography
    from plan_monitor.spec.plan import load_plan

    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"文件 {path} 不存在", f"file {path} not found")
    try:
        day = date.fromisoformat(args.day) if args.day else date.today()
    except ValueError:
        raise UserError(f"--day “{args.day}”不是日期，应写成 YYYY-MM-DD", f"--day {args.day!r} is not a date") from None
    plan = load_plan(args.targets)
    geo = load_geography(plan)
    store = open_store(args.data)
    actor = _actor(args)
    _, current = store.task_ledger()
    sheet = check_task_sheet(path.name, path.read_bytes(), plan, geo, actor, current, day)
    out = sys.stdout
    out.write(f"{path.name}：{len(sheet.events)} 条记录（表头在第 {sheet.header_row} 行）\n")
    for note in sheet.notes:
        out.write(f"  处理：{note}\n")
    for problem in sheet.problems:
        where = f"第{problem.line}行 " if problem.line else ""
        out.write(f"  问题：{where}“{problem.column}” {problem.message}\n")
    if sheet.problems:
        raise UserError(f"{len(sheet.problems)} 处问题，台账未作任何改动", f"{len(sheet.problems)} problem(s); nothing recorded")
    if not len(sheet.events):
        raise UserError("台账中没有填写进展的行，未提交", "no filled rows; nothing recorded")
    if args.dry_run:
        out.write("试运行：校验通过，未提交\n")
        return 0
    entry = WriteService(store, _access()).record_tasks(plan, geo, sheet.events, actor, "upload", file_name=path.name,
                                                        original=sheet.original, day=day, lines=sheet.lines)
    out.write(f"已记录任务台账第 {entry['id']} 批：{entry['events']} 条记录，涉及 {len(entry['tasks'])} 项任务"
              "（以本机管理员身份，已记入审计日志）\n")
    return 0


_COMMANDS = {"check": _check, "demo-data": _demo, "scorecard": _scorecard, "ingest": _ingest, "versions": _versions,
             "rollback": _rollback, "store": _store, "briefing": _briefing, "users": _users, "audit": _audit,
             "tasks": _tasks}
