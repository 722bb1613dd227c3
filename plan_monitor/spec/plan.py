"""The plan file (targets.yaml): schema, loading, and checks that report every error at once."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from plan_monitor.errors import PlanError, Problem
from plan_monitor.spec.catalog import catalog
from plan_monitor.spec.tasks import Task, task_problems
from plan_monitor.spec.templates import TEMPLATES

SCHEMA_VERSION = 1
# prefecture (市（州）): only in a province's or the nation's plan, between the region (city) and its counties.
LEVELS = ("city", "prefecture", "county", "town")
LEVEL_LABELS = {"city": "全市", "prefecture": "市（州）", "county": "县（市、区）", "town": "乡镇（街道）"}
KIND_LABELS = {
    "count": "数量",
    "share": "达标单位占比",
    "threshold": "全部单位达标（未达标单位数）",
    "multiple": "基期倍数",
    "ratio": "配比",
}
MEASURE_LABELS = {"stock": "年末存量", "flow": "当年新增"}
# How a monitoring split (测算分解) weighs the counties: the units each county has.
SPLIT_BY_LABELS = {
    "villages": "按基期村数",
    "communities": "按基期社区数",
    "towns": "按乡镇数（镇、乡）",
    "subdistricts": "按街道数",
    "equal": "各县（市、区）平均",
}
# Parameters every measure query may use without declaring them in the plan.
ENGINE_PARAMS = ("plan_start", "baseline_year")
class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(Strict):
    name: str = Field(min_length=2)
    code: str = Field(pattern=r"^\d{6}$", description="official 6-digit code of the city or county")


class PlanMeta(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str = Field(min_length=2)
    region: Region
    years: list[int] = Field(min_length=1)
    baseline_year: int
    issued_by: str = ""
    source: str = ""

    @field_validator("years")
    @classmethod
    def _consecutive(cls, years: list[int]) -> list[int]:
        if years != list(range(years[0], years[0] + len(years))):
            raise ValueError("年份须连续递增，如 [2022, 2023, 2024] / years must be consecutive")
        return years


class ExtraTown(Strict):
    name: str
    type: Literal["镇", "乡", "街道"]


class CountyTown(ExtraTown):
    """A town-level unit the gazetteer lacks under an ordinary county (a 管理区 reported like a town)."""

    county: str


class FunctionalZone(Strict):
    """A unit reported like a county but absent from the gazetteer (a development zone, 文旅区).

    managed_towns: gazetteer towns counted under the zone (托管); listed_towns: gazetteer towns real lists put under
    the zone while the plan counts them under their gazetteer county; either kind may be reported under the zone or
    the gazetteer county (read as the plan's unit, with a note). A name that repeats in the region is written
    县/乡镇 (沙市区/西湖街道). towns: the zone's own units absent from the gazetteer (管理区)."""

    name: str
    managed_towns: list[str] = []
    listed_towns: list[str] = []
    towns: list[ExtraTown] = []
    note: str = ""


class PlanGeography(Strict):
    """The plan file's geography section: old names, functional zones and units the gazetteer lacks (the gazetteer
    itself is spec.geography)."""

    aliases: dict[str, str] = {}
    functional_zones: list[FunctionalZone] = []
    extra_towns: list[CountyTown] = []


class StatusRules(Strict):
    # Below this share of the progress expected by now, a card turns red (严重滞后).
    red_below: float = Field(0.5, gt=0, lt=1)
    # Observed yearly change smaller than this share of the needed change counts as standing still.
    stagnation: float = Field(0.05, ge=0, lt=1)


def _month_day(text: str) -> str:
    # 2000 is a leap year, so 02-29 passes here and is rejected below: it is missing three years in four.
    try:
        date.fromisoformat(f"2000-{text}")
        valid = re.fullmatch(r"\d{2}-\d{2}", text) is not None
    except ValueError:
        valid = False
    if not valid:
        raise ValueError(f"“{text}”应为有效的月-日，写成 MM-DD，如 06-30 / must be a month-day written MM-DD")
    if text == "02-29":
        raise ValueError("02-29 并非每年都有，请改用 02-28 或 03-01 / 02-29 is not in every year")
    return text


MonthDay = Annotated[str, AfterValidator(_month_day)]
RosterKey = Literal[tuple(TEMPLATES)]


class Reporting(Strict):
    """What every county must send: which rosters, for which 统计截至 each year, and how soon after it."""

    # None: the rosters the indicators' queries read, so a plan on village data alone asks for nothing else.
    rosters: list[RosterKey] | None = Field(None, min_length=1)
    rounds: list[MonthDay] = Field(["12-31"], min_length=1, description="the 统计截至 dates expected each plan year")
    # Rounds other than the year-end one dated before this are not expected: quarterly reporting often starts
    # mid-plan, while the year-end figure the targets are set on is collected every year.
    since: date | None = None
    due_days: int = Field(15, ge=0, le=366, description="a round is overdue this many days after its 统计截至")

    @field_validator("rosters", "rounds")
    @classmethod
    def _unique(cls, items: list[str] | None) -> list[str] | None:
        repeated = sorted({i for i in items or () if items.count(i) > 1})
        if repeated:
            raise ValueError(f"重复的项：{'、'.join(repeated)} / duplicate entries")
        return items


class Supervision(Strict):
    """督办 from figures: a county's red (严重滞后) figure opens an item due this many days after its round."""

    deadline_days: int = Field(30, ge=1, le=366, description="days from the round that opens a 督办 item to its deadline")
    report_days: int = Field(10, ge=0, le=90, description="days after a task period ends within which its report "
                                                           "is due; later it is 逾期")


class Split(Strict):
    """How an unsplit city target is divided among the counties for monitoring only (测算分解, 非正式下达):
    by a rule (`by`) or by monitoring quotas written out per county and year (`quotas`), never both."""

    by: Literal["villages", "communities", "towns", "subdistricts", "equal"] | None = None
    quotas: dict[str, dict[int, float]] = {}


class Indicator(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=2)
    unit: str = Field(min_length=1)
    kind: Literal["count", "share", "threshold", "multiple", "ratio"]
    direction: Literal["higher", "lower"]
    measure: Literal["stock", "flow"]
    plan_text: str = Field(min_length=2, description="the plan's own wording")
    reading: str = Field(min_length=2, description="the reading taken where the plan is ambiguous")
    query: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    params: dict[str, str | int | float | bool] = {}
    columns: list[str] = Field(min_length=1, description="roster columns the figure is computed from")
    levels: list[Literal["city", "prefecture", "county", "town"]] = Field(min_length=1)
    targets: dict[int, float] = Field(min_length=1)
    quotas: dict[str, dict[int, float]] = {}
    split: Split | None = None


class Plan(Strict):
    version: Literal[1]
    plan: PlanMeta
    geography: PlanGeography = PlanGeography()
    status_rules: StatusRules = StatusRules()
    # A plan of tasks alone (a county's action list) has no indicators; the check asks for one or the other.
    indicators: list[Indicator] = []
    tasks: list[Task] = []
    # Last so the list of allowed top-level fields reads in the order a plan file is written.
    reporting: Reporting = Reporting()
    supervision: Supervision = Supervision()
    # The geography the plan check built (spec.geography.load_geography keeps it here with the region and geography
    # it was built for): a server's first page and every CLI command would otherwise build it twice (~0.3 s each
    # for a province or the nation).
    _geography: object = PrivateAttr(default=None)

    @property
    def years(self) -> list[int]:
        return self.plan.years

    def task(self, task_id: str) -> Task:
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)


# --- loading -------------------------------------------------------------------------------

_HINTS = {
    "missing": "请补上该字段 / add this field",
    "extra_forbidden": "未知字段，可能拼写有误；请对照 README 的字段说明 / unknown field, check spelling",
    "literal_error": "只能取列出的值之一 / use one of the listed values",
    "string_pattern_mismatch": "格式不符，见字段说明 / does not match the required format",
    "int_parsing": "应为整数 / must be an integer",
    "float_parsing": "应为数字；占比写成小数（70% 写 0.7）/ must be a number; shares as fractions",
    "too_short": "不能为空 / must not be empty",
    "date_from_datetime_parsing": "日期写成 YYYY-MM-DD，如 2024-01-01 / write dates as YYYY-MM-DD",
}


def load_plan(path: str | Path, check_geography: bool = True) -> Plan:
    """Load and validate a plan file; raise PlanError listing every problem found."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError([Problem(name, "", "文件不存在 / file not found", "用 --targets 指定目标文件")])
    except UnicodeDecodeError:
        raise PlanError([Problem(name, "", "文件不是 UTF-8 编码 / not UTF-8", "用 UTF-8 另存该文件")])
    try:
        root, data = _parsed(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: an impossible date such as 2024-13-01
        mark = getattr(exc, "problem_mark", None)
        bad_date = None if mark else _impossible_date_line(text)
        line = mark.line + 1 if mark else bad_date
        hint = "检查缩进和冒号 / check indentation and colons" if bad_date is None else \
            "该日期不存在，写成有效的 YYYY-MM-DD / not a real date"
        raise PlanError([Problem(name, "", f"YAML 语法错误 / YAML syntax error: {getattr(exc, 'problem', exc)}",
                                 hint, line)])
    if not isinstance(data, dict):
        raise PlanError([Problem(name, "", "文件应为键值映射 / the file must be a mapping", "参考 targets.yaml 示例")])

    problems = _duplicate_keys(root, name)
    plan = None
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            hint = _HINTS.get(err["type"], "")
            if err["type"] == "extra_forbidden":
                hint = _allowed_fields_hint(loc)
            problems.append(Problem(name, _dotted(loc), err["msg"], hint, _line_of(root, loc)))
    if plan is not None:
        problems += _semantic_problems(plan, root, name, check_geography)
    if problems:
        raise PlanError(problems)
    return plan


def _parsed(text: str):
    """The file's node tree (for line numbers and duplicate keys) and its data, as yaml.compose and yaml.safe_load
    give them. Parsed by libyaml when PyYAML has it (the pure-Python parser takes ~0.1 s for a 14 KB plan, twice);
    a file libyaml does not read through is parsed again in pure Python, whose errors the plan check states."""
    if getattr(yaml, "__with_libyaml__", False):
        try:
            return yaml.compose(text, Loader=yaml.CSafeLoader), yaml.load(text, Loader=yaml.CSafeLoader)
        except Exception:  # noqa: BLE001 - read again below, which raises what the pure-Python loader raises
            pass
    return yaml.compose(text), yaml.safe_load(text)


def _impossible_date_line(text: str) -> int | None:
    """Line of the first date-shaped value that is no date (2024-13-01): PyYAML raises without a mark for it."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    stack = [node]
    while stack:
        node = stack.pop(0)
        if isinstance(node, yaml.MappingNode):
            stack[:0] = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack[:0] = list(node.value)
        elif node is not None and node.tag == "tag:yaml.org,2002:timestamp":
            try:
                yaml.safe_load(node.value)
            except ValueError:
                return node.start_mark.line + 1
    return None


def _allowed_fields_hint(loc: tuple) -> str:
    model: type[BaseModel] = Plan
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            break
        ann = field.annotation
        inner = getattr(ann, "__args__", (ann,))
        nxt = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if nxt is None:
            break
        model = nxt
    return "未知字段；允许的字段 / allowed fields: " + ", ".join(model.model_fields)


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(root, loc: tuple) -> int | None:
    """Line (1-based) of the YAML node at a pydantic error location, or of its nearest parent."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(part)), None)
            key = next((k for k, v in node.value if k.value == str(part)), None)
            if match is None:
                break
            node, line = match, key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _duplicate_keys(node, name: str, path: str = "") -> list[Problem]:
    """PyYAML keeps the last of two equal keys silently; a plan must not lose a target that way."""
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            sub = f"{path}.{key.value}" if path else str(key.value)
            if key.value in seen:
                problems.append(Problem(name, sub, "重复的键 / duplicate key", "删除重复的一项", key.start_mark.line + 1))
            seen.add(key.value)
            problems += _duplicate_keys(value, name, sub)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            problems += _duplicate_keys(item, name, f"{path}[{i}]")
    return problems


def _semantic_problems(plan: Plan, root, name: str, check_geography: bool) -> list[Problem]:
    problems: list[Problem] = []

    def add(loc: tuple, message: str, hint: str) -> None:
        problems.append(Problem(name, _dotted(loc), message, hint, _line_of(root, loc)))

    meta = plan.plan
    if meta.baseline_year >= meta.years[0]:
        add(("plan", "baseline_year"), f"基期年 {meta.baseline_year} 应早于首个计划年 {meta.years[0]} / baseline must precede the plan",
            f"通常为 {meta.years[0] - 1}")
    if not plan.indicators and not plan.tasks:
        add(("indicators",), "计划既没有指标也没有任务 / the plan has neither indicators nor tasks",
            "至少写一项 indicators（指标）或 tasks（任务）")
    task_problems(plan, add)
    seen: set[str] = set()
    for i, ind in enumerate(plan.indicators):
        at = ("indicators", i)
        if ind.id in seen:
            add(at + ("id",), f"指标编号 {ind.id} 重复 / duplicate indicator id", "每个指标的 id 须唯一")
        seen.add(ind.id)
        for year in ind.targets:
            if year not in meta.years:
                add(at + ("targets", year), f"{year} 不在计划年度 {meta.years} 内 / year outside the plan",
                    "目标年份须为 plan.years 之一")
        for year, value in ind.targets.items():
            if ind.kind == "share" and not 0 <= value <= 1:
                add(at + ("targets", year), f"占比目标 {value} 超出 0–1 / share target outside 0–1",
                    "占比写成小数：70% 写 0.7")
            if ind.kind in ("count", "threshold") and value < 0:
                add(at + ("targets", year), f"数量目标 {value} 为负 / negative count", "数量目标不能为负")
            if ind.kind == "multiple" and value <= 0:
                add(at + ("targets", year), "倍数须为正 / multiple must be positive", "如翻倍写 2")
        if ind.kind == "threshold" and ind.direction != "lower":
            add(at + ("direction",), "threshold 类指标统计未达标单位数，方向应为 lower / threshold counts units below, so lower is better",
                "改为 direction: lower")
        if ind.quotas and ind.kind not in ("count", "threshold"):
            add(at + ("quotas",), f"{ind.kind} 类指标不分解到县 / only count indicators take county quotas",
                "占比、倍数类目标对各县同样适用，删除 quotas")
        measure = catalog().measure(ind.query)
        if measure is None:
            available = ", ".join(catalog().in_folder("measures"))
            add(at + ("query",), f"查询文件 queries/measures/{ind.query}.sql 不存在 / query file not found",
                f"可用查询：{available}")
        else:
            used = measure.params - set(ENGINE_PARAMS)
            for missing in sorted(used - set(ind.params)):
                add(at + ("params",), f"查询 {ind.query} 需要参数 {missing} / query needs parameter {missing}",
                    f"在 params 中加入 {missing}: …")
            for extra in sorted(set(ind.params) - used):
                add(at + ("params", extra), f"查询 {ind.query} 不使用参数 {extra} / unused parameter", f"可用参数：{', '.join(sorted(used)) or '无'}")
            if "town" in ind.levels and measure.level != "town":
                add(at + ("levels",), f"查询 {ind.query} 只到县级，不能按乡镇报告 / query has county grain",
                    "从 levels 中删除 town")
        _split_problems(ind, at, add)
        _quota_problems(ind, ind.quotas, at, add, "任务数", "quotas do not cover the city target")
    if check_geography:
        from plan_monitor.spec.geography import load_geography

        try:
            geo = load_geography(plan)
        except Exception as exc:  # a bad region code is reported like any other field
            add(("plan", "region", "code"), str(exc), "使用民政部区划代码，如荆州市 421000")
            return problems
        known = set(geo.county_names())
        if not _region_problems(plan, geo, add):
            return problems
        task_problems(plan, add, geo, only_geography=True)
        _zone_problems(plan, add)
        if not geo.has_prefectures:
            for i, ind in enumerate(plan.indicators):
                if "prefecture" in ind.levels:
                    add(("indicators", i, "levels"),
                        f"{geo.region_name}（{plan.plan.region.code}）不设市（州）一级，指标不能按 prefecture 报告 / "
                        "the region has no prefectures",
                        "从 levels 中删除 prefecture；市（州）一级只用于省或全国的计划（如湖北省 420000、全国 000000）")
        for i, ind in enumerate(plan.indicators):
            for field, quotas in (("quotas", ind.quotas), ("split", ind.split.quotas if ind.split else {})):
                for county in quotas:
                    loc = ("indicators", i, field, county) if field == "quotas" else ("indicators", i, "split", "quotas", county)
                    if county not in known:
                        add(loc, f"“{county}”不是本地区的县（市、区）/ unknown county", "可用：" + "、".join(sorted(known)))
    return problems


def _region_problems(plan: Plan, geo, add) -> bool:
    """A region that yields no county-level unit or no town would pass every other check and then refuse every
    uploaded row; refuse the plan instead. False when the region yields nothing to check against."""
    region = plan.plan.region
    zones = "geography.functional_zones（功能区及其 towns）或 geography.extra_towns"
    if geo.counties.empty:
        add(("plan", "region", "code"),
            f"区划代码 {region.code}（{geo.region_name}）在民政部区划表中没有下辖的县（市、区）或乡镇（街道），"
            "按此计划无法统计任何单位 / the region yields no units",
            "改用下辖乡镇（街道）的市、县的区划代码（如中山市 442000、荆州市 421000）；"
            f"区划表中没有的单位在 {zones} 中声明")
        return False
    if geo.towns.empty:
        add(("plan", "region", "code"),
            f"区划代码 {region.code}（{geo.region_name}）在民政部区划表中没有下辖的乡镇（街道），"
            "村（社区）和乡镇报表的每一行都将无法对应 / the region yields no towns",
            f"改用下辖乡镇（街道）的市、县的区划代码，或在 {zones} 中声明本地区的乡镇（街道）")
    return True


def _zone_problems(plan: Plan, add) -> None:
    """Zone and extra towns checked against the gazetteer units of the region (before the zones move any)."""
    from plan_monitor.spec.geography import gazetteer_units, town_rows

    _, counties, towns = gazetteer_units(plan.plan.region.code)
    geography = plan.geography
    zone_names = [z.name for z in geography.functional_zones]
    for z, zone in enumerate(geography.functional_zones):
        if zone.name in set(counties["county"]):
            add(("geography", "functional_zones", z, "name"), f"“{zone.name}”是区划表中的县（市、区），不是功能区 / "
                "a gazetteer county", "删除该功能区，或改用功能区自己的名称")
        for field in ("managed_towns", "listed_towns"):
            for t, entry in enumerate(getattr(zone, field)):
                rows = town_rows(towns, entry)
                where = ("geography", "functional_zones", z, field, t)
                if not rows.any():
                    add(where, f"“{entry}”不是本地区的乡镇（街道）/ unknown town",
                        "以民政部区划名称为准；区划表中没有的单位写在本功能区的 towns 中（name 和 type）")
                elif rows.sum() > 1:
                    owners = "、".join(towns.loc[rows, "county"])
                    add(where, f"本地区有 {rows.sum()} 个“{entry}”（{owners}）/ the name repeats",
                        f"写成 县名/乡镇名，如 {towns.loc[rows, 'county'].iloc[0]}/{entry}")
        for t, town in enumerate(zone.towns):
            if town_rows(towns, town.name).any():
                add(("geography", "functional_zones", z, "towns", t, "name"),
                    f"“{town.name}”在区划表中，不必另列 / already in the gazetteer",
                    "把它写在 managed_towns（按功能区统计）或 listed_towns（按区划所属县统计）中")
    own = set(counties["county"])
    for t, town in enumerate(geography.extra_towns):
        where = ("geography", "extra_towns", t)
        if town.county not in own:
            add(where + ("county",), f"“{town.county}”不是本地区区划表中的县（市、区）/ unknown county",
                "功能区的单位写在 functional_zones 的 towns 中；可用：" + "、".join(counties["county"]))
        elif town_rows(towns, f"{town.county}/{town.name}").any():
            add(where + ("name",), f"“{town.name}”已在区划表中 {town.county} 下，不必另列 / already in the gazetteer",
                "删除这一项")
    for alias, name in geography.aliases.items():
        if name not in own | set(zone_names) | set(towns["town"]) | {t.name for z in geography.functional_zones
                                                                       for t in z.towns} | {
                t.name for t in geography.extra_towns}:
            add(("geography", "aliases", alias), f"“{alias}”的现名“{name}”不是本地区的县（市、区）、功能区或乡镇（街道）"
                " / alias to an unknown unit", "以民政部区划名称或本文件声明的功能区名称为准")


def _split_problems(ind: Indicator, at: tuple, add) -> None:
    """A monitoring split is checked like quotas, and only where a county has nothing else to be measured against."""
    split = ind.split
    if split is None:
        return
    where = at + ("split",)
    if ind.kind not in ("count", "threshold"):
        add(where, f"{ind.kind} 类指标的目标对各县同样适用，无需测算分解 / only count and threshold targets are split",
            "删除 split")
    elif "county" not in ind.levels:
        add(where, "该指标不按县（市、区）报告，无法分解到县 / the indicator has no county level",
            "在 levels 中加入 county，或删除 split")
    elif ind.quotas:
        add(where, "已有正式下达的任务分解（quotas），不能再测算分解 / split together with quotas",
            "保留 quotas（正式下达）或 split（测算分解）之一")
    elif (split.by is None) == (not split.quotas):
        add(where, "split 须且只须写 by（分解规则）或 quotas（测算任务数）之一 / give either by or quotas",
            "如 split: {by: villages}；可选规则：" + ", ".join(SPLIT_BY_LABELS))
    elif split.by is not None:
        for year, value in ind.targets.items():
            if value != int(value):
                add(at + ("targets", year), f"测算分解按整数分配，全市目标 {value:g} 不是整数 / a split target must be whole",
                    "将目标写成整数，或改用 split.quotas 写明各县测算任务数")
    else:
        _quota_problems(ind, split.quotas, where, add, "测算任务数", "split does not cover the city target")


def _quota_problems(ind: Indicator, quotas: dict, at: tuple, add, word: str, english: str) -> None:
    """County quotas (issued 任务分解 or a monitoring split's): each year needs a city target, and for counts the
    quotas of a year must cover the city target."""
    for county, by_year in quotas.items():
        for year in by_year:
            if year not in ind.targets:
                add(at + ("quotas", county, year), f"{year} 年没有全市目标，无法分解 / no city target that year",
                    f"可分解的年份：{sorted(ind.targets)}")
    for year, city_target in ind.targets.items():
        shares = [q[year] for q in quotas.values() if year in q]
        if shares and ind.kind == "count" and sum(shares) < city_target:
            total = word[:-1] if word.endswith("数") else word
            add(at + ("quotas",), f"{year} 年各县{total}合计 {sum(shares):g} 少于全市目标 {city_target:g} / {english}",
                f"调整各县{word}，使合计不少于全市目标")
