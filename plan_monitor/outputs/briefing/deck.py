"""A briefing deck as data: the slides of a leadership-group meeting, built from the scorecard only.

The 汇报模式 page, the PPTX export and the 情况通报 draft all render this one structure, so the figures on the
projector, in the deck and in the bulletin are the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import pandas as pd

from plan_monitor.ledger.state import Ledger
from plan_monitor.metrics.monitor import Monitor
from plan_monitor.metrics.supervision import monitor_items
from plan_monitor.metrics.trajectory import ATTENTION, STATUS_LABELS
from plan_monitor.outputs.briefing.tasks import TaskFigures, task_figures
from plan_monitor.present.format import fmt_carried, fmt_date, fmt_rate, fmt_value
from plan_monitor.present.reporting import round_note
from plan_monitor.present.views import carried_counties, county_ranking, status_matrix
from plan_monitor.spec.plan import LEVEL_LABELS

SlideKind = Literal["title", "overall", "indicator", "matrix", "cards", "tasks", "summary"]
SOURCE = "数据来源：各县（市、区）报送的村（社区）、乡镇（街道）、县级统计表，经监测看板汇总"


@dataclass(frozen=True)
class Slide:
    kind: SlideKind
    title: str
    subtitle: str = ""
    indicator_id: str | None = None
    # The figures the slide shows, as scorecard rows (every column of Scorecard.rows is available):
    #   overall: one row per indicator for the place; indicator: the place's row first, then one row per part
    #   (prefecture, county or town, see part_level); cards: the 红黄牌 rows; matrix: part × indicator status codes.
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    bullets: tuple[str, ...] = ()  # short lines for the title and summary slides
    # An indicator slide whose chart would draw nothing (every value missing or 0): the sentence shown in its
    # place, so the projector, the PPTX and a county deck never show an empty or all-zero chart. "" otherwise.
    no_chart: str = ""
    tasks: TaskFigures | None = None  # the task slide's figures (kind "tasks")
    # The scorecard level of the places below the deck's place that the slide shows (indicator, matrix and cards
    # slides): prefecture, county or town; None on the other slides. An indicator without a prefecture level in a
    # province's deck ranks its counties, so this is the slide's, not only the deck's.
    part_level: str | None = None

    @property
    def below(self) -> str:
        """The name of the slide's parts' level: 市（州）, 县（市、区） or 乡镇（街道）("" without parts)."""
        return LEVEL_LABELS[self.part_level] if self.part_level else ""


@dataclass(frozen=True)
class Deck:
    plan_name: str
    region: str
    year: int
    as_of: date | None  # 数据截至 of the figures
    is_demo: bool
    county: str | None  # None: the city's deck; else one county's own deck
    source: str
    slides: tuple[Slide, ...]
    round_note: str | None = None  # the round note (present/reporting.round_note): an incomplete or newer round
    round_short: str | None = None  # the same in a few words, beside 数据截至 in the footer
    # How the texts name the region as a subject: 全市, or 全省 / 全区 / 全国 in a plan with prefectures
    # (Geography.region_word).
    region_word: str = "全市"
    # The scorecard level of the places below the deck's place: prefecture (a province's or the nation's deck),
    # county (a city's) or town (a county's own deck).
    part_level: str = "county"

    @property
    def place(self) -> str:
        return self.county or self.region

    @property
    def below(self) -> str:
        """The name of the level below the deck's place: 市（州）, 县（市、区） or 乡镇（街道）."""
        return LEVEL_LABELS[self.part_level]

    @property
    def subject(self) -> str:
        """The deck's place as the subject of a sentence: 全市 (全省, 全国) for the region, else the county."""
        return self.county or self.region_word

    @property
    def as_of_text(self) -> str:
        return f"数据截至 {fmt_date(self.as_of)}" + (f"（{self.round_short}）" if self.round_short else "")

    @property
    def footer(self) -> str:
        """The line every slide carries: 数据截至, the source, and the 示例数据 mark when it applies."""
        demo = " · 示例数据，非真实统计" if self.is_demo else ""
        return f"{self.as_of_text} · {self.source}{demo}"


def build_deck(m: Monitor, year: int, county: str | None = None, ledger: Ledger | None = None,
               items: pd.DataFrame | None = None) -> Deck:
    """The slides for one year, for the whole city or (with `county`) one county's own deck. With the plan's task
    ledger (None: the plan has no tasks or no store), a task slide before the summary: the ledger's assignments
    by group and the 督办 items (`items`, metrics.supervision.monitor_items; computed here when not given)."""
    card = m.card
    level = "county" if county else "city"
    as_of = card.data_as_of(year)
    place = card.select(year=year, level=level, county=county)
    order = {ind.id: i for i, ind in enumerate(m.plan.indicators)}
    place = place[place["indicator_id"].isin(order)].sort_values("indicator_id", key=lambda s: s.map(order))
    place = place.reset_index(drop=True)
    name = county or m.geo.region_name
    # The places below the deck's: a county's towns; a province's (the nation's) prefectures; a city's counties.
    below = "town" if county else "prefecture" if m.geo.has_prefectures else "county"
    note = round_note(card, year)
    slides = [_title(m, year, name, as_of, card.is_demo, note), _overall(place, name, year)]
    for ind in m.plan.indicators:
        if level not in ind.levels:
            continue
        own = place[place["indicator_id"] == ind.id]
        if county:
            part_level = "town"
            parts = card.select(year=year, level="town", county=county, indicator_id=ind.id)
        else:
            # An indicator without the prefecture level in a province's plan ranks its counties, as a city's does.
            part_level = below if below in ind.levels else "county"
            parts = county_ranking(m, year, ind.id, level=part_level) if part_level in ind.levels else \
                place.iloc[0:0]
        slides.append(Slide("indicator", ind.name, _indicator_subtitle(own), ind.id,
                            pd.concat([own, _marked(parts)], ignore_index=True),
                            no_chart=no_chart_text(own, parts, f"各{LEVEL_LABELS[part_level]}", name),
                            part_level=part_level))
    if not county:
        slides.append(_matrix(m, year, below))
    cards = _cards(m, year, county, below)
    slides.append(Slide("cards", "红黄牌（严重滞后、滞后）", f"{len(cards)} 项", rows=cards, part_level=below))
    if ledger is not None:
        figures = task_figures(ledger, monitor_items(m) if items is None else items, county)
        if figures is not None:
            slides.append(_tasks(figures, name))
    slides.append(_summary(place, cards, name, year))
    return Deck(m.plan.plan.name, m.geo.region_name, year, None if as_of is None else as_of.date(), card.is_demo,
                county, SOURCE, tuple(slides), note, round_note(card, year, short=True), m.geo.region_word, below)


def _matrix(m: Monitor, year: int, level: str) -> Slide:
    """The region's parts (prefectures or counties) × indicator status codes; counties carried from an older
    report named (a prefecture's row sums its counties, so those are counted)."""
    matrix = status_matrix(m, year, level=level)
    carried = carried_counties(m, year)
    below = LEVEL_LABELS[level]
    if not carried:
        mark = ""
    elif level == "county":
        mark = f"；{'、'.join(carried)} 沿用此前数据"
    else:
        mark = f"；其中 {len(carried)} 个{LEVEL_LABELS['county']}沿用此前数据"
    return Slide("matrix", f"{year}年各{below}指标进度状态", f"行：{below}；列：指标{mark}", rows=matrix,
                 part_level=level)


NO_REPORTS = "本年度尚无报送数据"


def chart_rows(own: pd.DataFrame, parts: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """What an indicator slide's chart plots: the counties (towns) below the place, else the place's own row;
    and the column, 完成率 where any of them has one, else the figure itself."""
    rows = parts if len(parts) else own
    column = "completion" if rows["completion"].notna().any() else "actual"
    return rows, column


def no_chart_text(own: pd.DataFrame, parts: pd.DataFrame, below: str, place: str) -> str:
    """The sentence that replaces a chart with nothing to draw: no value reported (本年度尚无报送数据, naming the
    counties or towns when only they are missing), or every value 0; "" when the chart has a bar to show."""
    rows, column = chart_rows(own, parts)
    values = pd.to_numeric(rows[column], errors="coerce") if len(rows) else pd.Series(dtype=float)
    if values.notna().any() and (values.fillna(0).abs() > 1e-12).any():
        return ""
    zero = fmt_rate(0.0) if column == "completion" else fmt_value(0.0, rows["unit"].iloc[0], rows["kind"].iloc[0])
    if column == "completion" and len(parts) and values.notna().any():
        # Parts without a 完成率 (a target of 0, met) but with a figure: 完成率均为0 is not true of them, and a
        # chart of 完成率 would be empty. Name the parts at 0 and say where the others stand.
        rest = rows[values.isna()]
        if (pd.to_numeric(rest["actual"], errors="coerce").fillna(0).abs() > 1e-12).any():
            return _partly_zero(rows[values.notna()], rest, below.removeprefix("各"), zero)
    who = below if len(parts) else place
    if values.isna().all():
        own_reported = len(own) and own["actual"].notna().any()
        return f"{who}{NO_REPORTS}" if len(parts) and own_reported else NO_REPORTS
    measure = "完成率" if column == "completion" else "完成值"
    return f"{who}{measure}{'均' if values.notna().sum() > 1 else ''}为{zero}"


NAMED_AT_ZERO = 5  # parts a 完成率为0 sentence names; the rest are counted


def _partly_zero(zeros: pd.DataFrame, rest: pd.DataFrame, level: str, zero: str) -> str:
    """武汉市完成率为0.0%，其余13个市（州）已完成: the parts at 0, then the others by their one status (else 无完成率)."""
    names = [r["town"] if r["level"] == "town" else r["county"] for _, r in zeros.iterrows()]
    named = "、".join(names[:NAMED_AT_ZERO]) + (f"等{len(names)}个{level}" if len(names) > NAMED_AT_ZERO else "")
    statuses = rest["status"] if "status" in rest else pd.Series([None] * len(rest), dtype=object)
    codes = set(statuses.dropna())
    state = STATUS_LABELS[codes.pop()] if statuses.notna().all() and len(codes) == 1 else "无完成率"
    return f"{named}完成率{'均' if len(names) > 1 else ''}为{zero}，其余{len(rest)}个{level}{state}"


def _marked(rows: pd.DataFrame) -> pd.DataFrame:
    """County and town rows carried from an older report named with their 沿用 mark, as every slide shows them."""
    if rows.empty or "carried_from" not in rows or rows["carried_from"].isna().all():
        return rows
    rows = rows.copy()
    carried = rows["carried_from"].notna()
    for level in ("county", "town"):
        at = carried & (rows["level"] == level)
        rows.loc[at, level] = [f"{name}（{fmt_carried(day)}）" for name, day in
                               zip(rows.loc[at, level], rows.loc[at, "carried_from"])]
    return rows


def _title(m: Monitor, year: int, name: str, as_of, is_demo: bool, note: str | None = None) -> Slide:
    lines = [f"{name} · {year}年", f"数据截至 {fmt_date(as_of)}"] + ([note] if note else [])
    if is_demo:
        lines.append("示例数据，非真实统计")
    return Slide("title", m.plan.plan.name, "目标任务推进情况汇报", bullets=tuple(lines))


def _overall(place: pd.DataFrame, name: str, year: int) -> Slide:
    counted = place[place["status"].notna()]
    done = int((counted["status"] == "met").sum())
    return Slide("overall", f"{name}{year}年目标完成总体情况",
                 f"{len(place)} 项指标，{len(counted)} 项有进度状态，其中已完成 {done} 项", rows=place)


def _indicator_subtitle(own: pd.DataFrame) -> str:
    if own.empty or pd.isna(own.iloc[0]["status"]):
        return ""
    row = own.iloc[0]
    return f"{STATUS_LABELS[row['status']]} · {row['pace_label']}" if pd.notna(row["pace_label"]) else \
        STATUS_LABELS[row["status"]]


def _cards(m: Monitor, year: int, county: str | None, level: str) -> pd.DataFrame:
    """红牌 (严重滞后) then 黄牌 (滞后), the places at `level` responsible: for a county deck its towns; for the
    region's deck its counties, or its prefectures in a province's (the nation's) plan."""
    rows = m.card.select(year=year, level=level, county=county) if county else m.card.select(year=year, level=level)
    rows = _marked(rows[rows["status"].isin(ATTENTION)])
    rows["card"] = rows["status"].map({"far_behind": "红牌", "behind": "黄牌"})
    rows["responsible"] = rows["town" if level == "town" else "county"]  # a prefecture's name is in its county column
    rows["_rank"] = rows["status"].map({"far_behind": 0, "behind": 1})
    return rows.sort_values(["_rank", "completion"], na_position="last").drop(columns="_rank").reset_index(drop=True)


def _tasks(f: TaskFigures, name: str) -> Slide:
    return Slide("tasks", f"{name}重点任务推进和督办情况",
                 f"{f.tasks} 项任务、{f.reporters} 个填报单位、{f.assignments} 项责任事项 · {f.day_text}", tasks=f)


def _summary(place: pd.DataFrame, cards: pd.DataFrame, name: str, year: int) -> Slide:
    counted = place[place["status"].notna()]
    by_status = counted["status"].value_counts()
    lines = [f"{STATUS_LABELS[s]} {int(by_status.get(s, 0))} 项" for s in STATUS_LABELS]
    lines.append(f"红牌 {int((cards['card'] == '红牌').sum())} 张、黄牌 {int((cards['card'] == '黄牌').sum())} 张")
    worst = cards.groupby("responsible").size().sort_values(ascending=False).head(3) if len(cards) else []
    if len(worst):
        lines.append("亮牌较多：" + "、".join(f"{who}（{n} 项）" for who, n in worst.items()))
    return Slide("summary", f"{name}{year}年推进情况小结", bullets=tuple(lines))
