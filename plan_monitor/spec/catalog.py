"""The SQL catalog: every file in queries/ with its header parsed and validated once, at first use.

A file's header is its leading block of `-- ` comment lines. Lines of the form `-- key: value` with a lower-case
key are declarations; any other comment line is prose. Each folder says what its files are and which keys they
must declare:

  measures/  one figure an indicator may name (`query:` in a plan): purpose, grain, reads; returns year, county,
             town, num, den, missing, as_of, where `missing` counts the units whose needed input is blank (missing
             is not zero: such a unit is left out of num and den, and the scorecard says the figure is partial)
  units/     the village-level drill-down twin of a measure of the same name: purpose, grain, reads
  views/     one roster table as queries see it (latest report wins, applied once per engine): purpose, grain
  checks/    one upload audit, returning the offending rows: purpose, grain, template, severity
  engine/    machinery (macros, roll-up, scorecard, completeness): purpose, grain

An unknown or missing key, a grain a measure cannot have, a template or severity that does not exist, or a
`reads` that does not match the views the SQL body uses is a CatalogError naming file, line and fix: these
files are code, so a broken header stops the program at start instead of producing a wrong figure later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from plan_monitor.paths import QUERIES_DIR
from plan_monitor.spec.templates import TEMPLATES

FOLDERS = ("measures", "units", "views", "checks", "engine")
REQUIRED = {
    "measures": ("purpose", "grain", "reads"),
    "units": ("purpose", "grain", "reads"),
    "views": ("purpose", "grain"),
    "checks": ("purpose", "grain", "template", "severity"),
    "engine": ("purpose", "grain"),
}
# What a measure reports at: its grain line names the finest place level it returns.
MEASURE_GRAINS = {"year × county": "county", "year × county × town": "town"}
SEVERITIES = ("error", "warning")
VIEWS = tuple(t.table for t in TEMPLATES.values())  # the allow-list of roster view names
_KEY = re.compile(r"^--\s*([a-z_]+):\s*(.*)$")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


class CatalogError(Exception):
    """A query file's header is invalid: a programming error, reported with every problem at once."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("queries/ 中的 SQL 文件头有误 / invalid SQL file headers:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class SqlFile:
    name: str  # folder/stem, e.g. measures/income_share
    text: str
    purpose: str
    grain: str
    params: frozenset[str]  # the $names the body binds
    reads: tuple[str, ...] = ()  # roster views a measure or unit twin reads
    templates: tuple[str, ...] | None = None  # checks: template keys it applies to; None = every template
    severity: str | None = None  # checks: error (blocks the commit) or warning (needs a confirm)
    views: tuple[str, ...] = ()  # roster views the body uses, in any folder (for measures and units: = reads)

    @property
    def folder(self) -> str:
        return self.name.split("/", 1)[0]

    @property
    def stem(self) -> str:
        return self.name.split("/", 1)[1]

    @property
    def level(self) -> str:
        """The finest place level a measure reports at: town or county."""
        return MEASURE_GRAINS.get(self.grain, "county")


@dataclass(frozen=True)
class Catalog:
    files: dict[str, SqlFile]

    def get(self, name: str) -> SqlFile:
        try:
            return self.files[name]
        except KeyError:
            raise KeyError(f"no query file queries/{name}.sql") from None

    def in_folder(self, folder: str) -> dict[str, SqlFile]:
        """The files of one folder by stem, in name order."""
        return {f.stem: f for name, f in sorted(self.files.items()) if f.folder == folder}

    def measure(self, stem: str) -> SqlFile | None:
        return self.files.get(f"measures/{stem}")

    def unit_twin(self, stem: str) -> SqlFile | None:
        """The village-level drill-down of a measure, if it has one."""
        return self.files.get(f"units/{stem}")


def parse_file(path: Path, name: str) -> tuple[SqlFile | None, list[str]]:
    """One file → its SqlFile, or the problems found in its header."""
    text = path.read_text(encoding="utf-8")
    folder = name.split("/", 1)[0]
    rel = f"queries/{name}.sql"
    problems: list[str] = []
    keys: dict[str, str] = {}
    body_start = 0
    for i, line in enumerate(text.splitlines()):
        if not line.startswith("--"):
            body_start = i
            break
        match = _KEY.match(line)
        if match is None:
            continue
        key, value = match.groups()
        if key not in REQUIRED[folder] and key != "params":
            problems.append(f"{rel}:{i + 1}: 未知的文件头字段 {key} / unknown header key; "
                            f"允许 / allowed: {', '.join(REQUIRED[folder] + ('params',))}（说明文字不要写成“小写词: ”）")
        elif key in keys:
            problems.append(f"{rel}:{i + 1}: 文件头字段 {key} 重复 / duplicate header key")
        keys[key] = value.strip()
    else:
        body_start = len(text.splitlines())
    for key in REQUIRED[folder]:
        if not keys.get(key):
            problems.append(f"{rel}:1: 缺少文件头字段 -- {key}: … / missing header key {key}")
    body = "\n".join(re.sub(r"--[^\n]*", "", line) for line in text.splitlines()[body_start:])
    params = frozenset(_PARAM.findall(body))
    if "params" in keys:
        declared = {p.strip().lstrip("$") for p in keys["params"].split(",") if p.strip()}
        if declared != set(params):
            problems.append(f"{rel}: params 声明 {sorted(declared)} 与 SQL 中使用的 {sorted(params)} 不一致 / "
                            "declared params differ from the $names the body uses")
    grain = keys.get("grain", "")
    if folder == "measures" and grain and grain not in MEASURE_GRAINS:
        problems.append(f"{rel}: grain “{grain}” 不是度量可用的粒度 / not a measure grain; "
                        f"可用 / use: {' 或 '.join(MEASURE_GRAINS)}")
    if folder == "measures" and not re.search(r"\bAS\s+missing\b", body, re.IGNORECASE):
        problems.append(f"{rel}: 度量须返回 missing 列（填报单位中该项空白的单位数，无可空白的输入时写 0::DOUBLE AS missing）"
                        " / a measure must return a `missing` column")
    reads: tuple[str, ...] = ()
    views = tuple(v for v in VIEWS if re.search(rf"\b{v}\b", body)) if folder != "views" else ()
    if folder in ("measures", "units") and keys.get("reads"):
        reads = tuple(r.strip() for r in keys["reads"].split(",") if r.strip())
        unknown = [r for r in reads if r not in VIEWS]
        if unknown:
            problems.append(f"{rel}: reads 中的 {', '.join(unknown)} 不是报表视图 / not a roster view; "
                            f"可用 / use: {', '.join(VIEWS)}")
        used = set(views)
        if used != set(reads) and not unknown:
            problems.append(f"{rel}: reads 声明 {', '.join(reads)}，SQL 实际读取 {', '.join(sorted(used)) or '无'} / "
                            "reads must list exactly the views the body uses")
    templates: tuple[str, ...] | None = None
    severity = None
    if folder == "checks":
        scope = keys.get("template", "")
        if scope and scope != "all":
            templates = tuple(t.strip() for t in scope.split(",") if t.strip())
            unknown = [t for t in templates if t not in TEMPLATES]
            if unknown:
                problems.append(f"{rel}: template 中的 {', '.join(unknown)} 不是报表模板 / unknown template; "
                                f"可用 / use: all 或 {', '.join(TEMPLATES)}")
        severity = keys.get("severity") or None
        if severity and severity not in SEVERITIES:
            problems.append(f"{rel}: severity “{severity}” 只能是 error 或 warning / must be error or warning")
    if problems:
        return None, problems
    return SqlFile(name, text, keys["purpose"], grain, params, reads, templates, severity, views), []


def load_catalog(root: Path = QUERIES_DIR) -> Catalog:
    """Every .sql file under root's folders; CatalogError lists every problem found, including stray files."""
    files: dict[str, SqlFile] = {}
    problems: list[str] = []
    for path in sorted(root.rglob("*.sql")):
        rel = path.relative_to(root)
        if len(rel.parts) != 2 or rel.parts[0] not in FOLDERS:
            problems.append(f"queries/{rel.as_posix()}: 不在 {', '.join(FOLDERS)} 之一的目录中 / "
                            "every query file lives in one of the catalog's folders")
            continue
        parsed, found = parse_file(path, rel.with_suffix("").as_posix())
        problems += found
        if parsed is not None:
            files[parsed.name] = parsed
    for stem in {f.stem for f in files.values() if f.folder == "units"}:
        if f"measures/{stem}" not in files:
            problems.append(f"queries/units/{stem}.sql: 没有同名的 measures/{stem}.sql / a unit twin needs its measure")
    if problems:
        raise CatalogError(problems)
    return Catalog(files)


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The project's catalog, parsed once per process."""
    return load_catalog()


def query_text(name: str) -> str:
    return catalog().get(name).text


def query_params(name: str) -> set[str]:
    """Named parameters ($name) a query file binds."""
    return set(catalog().get(name).params)
