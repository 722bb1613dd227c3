"""Several plans in one app: plans/plans.yaml names each plan the app and the CLI know, its plan file and its data
folder. The first entry is the default plan (Jingzhou, whose file stays targets.yaml at the repository root).

A plan's data folder may be missing: the plan then has its tasks and no figures yet."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from plan_monitor.errors import PlanError, Problem, UserError
from plan_monitor.paths import ROOT
from plan_monitor.spec.yaml_text import safe_load

PLANS_INDEX = ROOT / "plans" / "plans.yaml"
NAME = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class PlanEntry:
    name: str  # the key: ?plan=NAME, --plan NAME
    title: str  # the plan's name (plan.name in its file)
    targets: Path
    data: Path | None  # None: the index names no data folder

    @property
    def has_data(self) -> bool:
        return self.data is not None and self.data.is_dir()


def index_path() -> Path:
    return Path(os.environ.get("PLAN_MONITOR_PLANS", PLANS_INDEX))


def plan_title(path: Path) -> str:
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
        return str(data["plan"]["name"])
    except Exception:  # an invalid plan file is reported when it is opened, with every problem
        return path.stem


def plan_entries(index: Path | None = None) -> list[PlanEntry]:
    """The plans of the index, the default first; a broken index is a PlanError naming the line."""
    index = index or index_path()
    name = str(index)
    try:
        raw = safe_load(index.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanError([Problem(name, "", "计划清单文件不存在 / plans index not found", "见 README“多个计划”")])
    except yaml.YAMLError as exc:
        raise PlanError([Problem(name, "", f"YAML 语法错误 / YAML syntax error: {exc}", "检查缩进和冒号")])
    plans = raw.get("plans") if isinstance(raw, dict) else None
    if not isinstance(plans, dict) or not plans:
        raise PlanError([Problem(name, "plans", "应为“名称: {file: …, data: …}”的映射 / plans must be a mapping",
                                 "参考 plans/plans.yaml")])
    problems, entries = [], []
    for key, spec in plans.items():
        if not NAME.match(str(key)) or not isinstance(spec, dict) or "file" not in spec \
                or set(spec) - {"file", "data"}:
            problems.append(Problem(name, f"plans.{key}", "每个计划写 名称: {file: 目标文件, data: 数据目录（可省略）} / "
                                    "each plan needs a file", "名称用小写字母、数字和 -"))
            continue
        targets = (index.parent / spec["file"]).resolve()
        data = (index.parent / spec["data"]).resolve() if spec.get("data") else None
        entries.append(PlanEntry(str(key), plan_title(targets), targets, data))
    if problems:
        raise PlanError(problems)
    return entries


def find_plan(name: str, index: Path | None = None) -> PlanEntry:
    entries = plan_entries(index)
    for entry in entries:
        if entry.name == name:
            return entry
    known = "、".join(e.name for e in entries)
    raise UserError(f"没有名为“{name}”的计划；可用：{known}",
                    f"No plan named {name!r}; known: {', '.join(e.name for e in entries)}")
