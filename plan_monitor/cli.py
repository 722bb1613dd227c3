"""python -m plan_monitor: the command line. It calls the same functions as the pages."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from .errors import UserError
from .paths import DEFAULT_DATA, DEFAULT_TARGETS

EXIT_BAD_INPUT = 2


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
    score.add_argument("--level", choices=["city", "county", "town"], default=None)
    score.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
    score.add_argument("--out", default=None, help="输出文件（默认标准输出；xlsx 必须指定）")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except UserError as exc:
        print(f"错误：{exc.zh}", file=sys.stderr)
        if exc.en:
            print(f"Error: {exc.en}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _check(args) -> int:
    from .plan import load_plan

    plan = load_plan(args.targets)
    print(f"{args.targets}: 校验通过 / valid — {plan.plan.name}，{len(plan.indicators)} 项指标，"
          f"{plan.years[0]}–{plan.years[-1]} 年")
    return 0


def _demo(args) -> int:
    from .demo import generate
    from .plan import load_plan

    plan = load_plan(args.targets)
    out = args.out or (str(DEFAULT_DATA) if args.scale == "municipal" else f"data/demo-{args.scale}")
    counts = generate(plan, out, args.scale, args.seed)
    print(f"示例数据已写入 {out}：" + "，".join(f"{k} {v} 行" for k, v in counts.items()))
    return 0


def _scorecard(args) -> int:
    from .export_table import scorecard_table
    from .plan import load_plan
    from .rosters import load_rosters
    from .scorecard import compute_scorecard

    plan = load_plan(args.targets)
    if args.year is not None and args.year not in plan.years:
        raise UserError(f"--year {args.year} 不在计划年度 {plan.years} 内", f"--year must be one of {plan.years}")
    if args.format == "xlsx" and not args.out:
        raise UserError("xlsx 格式须用 --out 指定输出文件", "--format xlsx needs --out FILE")
    card = compute_scorecard(plan, load_rosters(args.data))
    table = scorecard_table(card.select(year=args.year, level=args.level))
    if args.format == "csv":
        text = table.to_csv(index=False, lineterminator="\n")
        _emit(text, args.out)
    elif args.format == "json":
        records = [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in table.to_dict("records")]
        meta = {"plan": plan.plan.name, "demo_data": card.is_demo, "data_version": card.data_version}
        _emit(json.dumps({"meta": meta, "rows": records}, ensure_ascii=False, indent=1, default=str) + "\n", args.out)
    else:
        with pd.ExcelWriter(args.out, engine="openpyxl") as writer:
            table.to_excel(writer, index=False, sheet_name="scorecard")
        print(f"已写入 {args.out}", file=sys.stderr)
    return 0


def _emit(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


_COMMANDS = {"check": _check, "demo-data": _demo, "scorecard": _scorecard}
