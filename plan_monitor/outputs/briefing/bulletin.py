"""The 情况通报 first draft: rule-based sentences over the deck, in the register of a quarterly progress bulletin.

Every figure in the text passes through one of the small formatters below (_fig, _rate, _times, _count), each
reading one scorecard cell, so a test can re-derive every number from the deck's rows. 时序进度 is the scorecard's
time_progress column, the same rate the pages, the Excel export and the slides show. Nothing here invents a
target: where the plan sets none for a place, the text says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from plan_monitor.metrics.trajectory import TARGET_SOURCES
from plan_monitor.outputs.briefing.deck import Deck, Slide
from plan_monitor.outputs.briefing.tasks import TaskFigures
from plan_monitor.present.format import fmt_date, fmt_expected, fmt_rate, fmt_value
from plan_monitor.present.format import is_missing as _missing
from plan_monitor.spec.plan import LEVEL_LABELS

STATUS_PHRASES = {"met": "已完成年度目标", "on_pace": "进度正常", "behind": "进度滞后", "far_behind": "进度严重滞后"}
PACE_PHRASES = {
    "on_track": "按目前进度，到计划期末可以完成目标任务",
    "too_slow": "按目前增速，到计划期末难以完成目标任务",
    "stagnating": "与基期相比基本没有进展，推进停滞",
    "backwards": "与基期相比出现倒退",
}
PART_VERDICTS = {"met": "已完成年度目标", "on_pace": "进度正常", "behind": "滞后（黄牌）", "far_behind": "严重滞后（红牌）"}
CARD_STATUS = {"红牌": "far_behind", "黄牌": "behind"}
NUMERALS = "一二三四五六七八九十"
SECTION_HEADINGS = ("一、主要指标完成情况", "二、红黄牌情况", "三、下一步工作要求")
# with the task ledger: its section before 下一步工作要求
TASK_HEADINGS = ("一、主要指标完成情况", "二、红黄牌情况", "三、重点任务推进和督办情况", "四、下一步工作要求")
ITEMS_NAMED = 5  # 逾期 / 滞后 lines the task paragraph names, the most urgent first; then 等N项
TABLE_COLUMNS = ["指标", "单位", "年度目标", "完成值", "完成率", "时序进度", "状态"]
DEMO_NOTE = "示例数据，非真实统计"
SLOW_NAMED = 3  # the closing names this many slow indicators, then counts the rest


@dataclass(frozen=True)
class Bulletin:
    title: str
    date_line: str  # （数据截至…）, with the 示例数据 mark when the figures are demo data
    opening: str
    paragraphs: list[str]  # one per indicator: leads[i] + the indicator paragraph
    leads: list[str]  # （一）示范村。 — the numbered run-in heading of each paragraph
    cards_paragraph: str
    closing: str
    table: pd.DataFrame  # TABLE_COLUMNS, one row per indicator, figures as text
    source: str  # 数据截至 and 数据来源, the line under the table
    is_demo: bool
    headings: tuple[str, ...] = SECTION_HEADINGS  # TASK_HEADINGS when the deck has a task slide
    tasks_paragraph: str = ""  # the task ledger (empty without a task slide)
    supervision_paragraph: str = ""  # the 督办 items (empty without a task slide)


# --- formatters: the only places a number becomes text -------------------------------------------------------

def _fig(row, col: str) -> str:
    """One scorecard cell in the row's own unit: 255个, 61.5%, 1:1.52."""
    return fmt_value(None if _missing(row[col]) else float(row[col]), row["unit"], row["kind"])


def _expected(row) -> str:
    """时序要求 in the row's unit, a count rounded toward what is required: 应达到 2个, 应压减至 1个以内."""
    value = None if _missing(row["expected"]) else float(row["expected"])
    return fmt_expected(value, row["unit"], row["kind"], row["direction"])


def _rate(value) -> str:
    return fmt_rate(value)


def _times(value) -> str:
    """A multiple of the baseline: 2倍, 1.77倍."""
    return f"{value:g}倍" if float(value).is_integer() else f"{value:.2f}倍"


def _count(n: int) -> str:
    return str(int(n))


def chinese_number(i: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十: enough for a plan's indicators."""
    if i <= 10:
        return NUMERALS[i - 1]
    tens, ones = divmod(i, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + ("" if ones == 0 else NUMERALS[ones - 1])


# --- sentences -----------------------------------------------------------------------------------------------

def _sign(row) -> float:
    return 1.0 if row["direction"] == "higher" else -1.0


def _ahead(row) -> bool:
    return _sign(row) * (float(row["actual"]) - float(row["expected"])) >= -1e-9


def _level_words(deck: Deck) -> tuple[str, str]:
    """(the place as the subject of a sentence, the name of the level below it): 全市 (全省, 全国) and 县（市、区）
    (市（州）) for the region's deck, the county and 乡镇（街道） for a county's own."""
    return deck.subject, deck.below


def _own_level(deck: Deck, below: str) -> str:
    """The level a place's own target was not split to: a county deck's county, the region's level below."""
    return LEVEL_LABELS["county"] if deck.county else below


def _verb(row) -> str:
    if row["kind"] in ("share", "ratio"):
        return "为"
    if row["direction"] == "lower":
        return "为" if str(row["indicator"]).endswith("数") else "仍有"
    return "新增" if row["measure"] == "flow" else "累计达到"


def _note(row, year: int, below: str) -> str:
    note = row["target_note"]
    if note == "no_quota":
        return f"该项目标计划未分解到{below}"
    if note == "no_year_target":
        return f"计划未设{year}年目标"
    return str(row["target_note_label"]) if not _missing(row["target_note_label"]) else ""


def _figure_clause(row, subject: str, year: int) -> str:
    """{place}{indicator}{verb}{actual}[，为基期（…）的x倍]."""
    if row["measure"] == "flow" and row["kind"] == "count":
        text = f"{subject}{year}年{_verb(row)}{row['indicator']}{_fig(row, 'actual')}"
    else:
        text = f"{subject}{row['indicator']}{_verb(row)}{_fig(row, 'actual')}"
    if row["kind"] == "multiple" and not _missing(row["baseline"]) and row["baseline"] > 0:
        text += f"，为基期（{_fig(row, 'baseline')}）的{_times(row['actual'] / row['baseline'])}"
    if not _missing(row.get("missing_note")) and not _missing(row["actual"]):
        text += f"（{row['missing_note']}）"
    return text


def _target_fig(row) -> str:
    """The target as stated: a monitoring split says so (测算分解（非正式下达）), never passing for an issued quota."""
    return _fig(row, "target") + (f"，{TARGET_SOURCES['split']}" if row.get("target_source") == "split" else "")


def _target_clauses(row) -> list[str]:
    """The year's target, completion and the comparison with time progress, in the form the kind reads best."""
    status = row["status"]
    if not _missing(row.get("missing_note")) and _missing(row["completion"]):  # a partial sum is not judged
        return [] if _missing(row["target"]) else [f"年度目标为{_fig(row, 'target')}，部分数据未填报，暂不评价完成情况"]
    if row["kind"] == "multiple" and not _missing(row["baseline"]) and row["baseline"] > 0:
        target = f"年度目标为基期的{_times(row['target'] / row['baseline'])}（{_fig(row, 'target')}）"
    else:
        target = None
    if row["kind"] in ("count", "multiple") and row["direction"] == "higher":
        if _missing(row["completion"]):
            # A target of 0 leaves 完成率 nothing to divide by: the scorecard has none, the table and slides show
            # —, so the sentence states the target and no rate.
            split = f"（{TARGET_SOURCES['split']}）" if row.get("target_source") == "split" else ""
            return [target or f"年度目标为{_fig(row, 'target')}{split}"]
        out = [target] if target else []
        out.append(f"完成年度目标的{_rate(row['completion'])}" if target else
                   f"完成年度目标（{_target_fig(row)}）的{_rate(row['completion'])}")
        tp = row["time_progress"]
        if status != "met" and not _missing(tp):
            out.append(f"{_compare_rates(row, tp)}时序进度（{_rate(tp)}）")
        return out
    if row["direction"] == "lower":
        target_text = f"年度目标为{_fig(row, 'target')}" if row["target"] == 0 else \
            f"年度目标为不超过{_fig(row, 'target')}" + (f"（{TARGET_SOURCES['split']}）" if row.get("target_source") == "split" else "")
        if status == "met":
            return [target_text]
        return [target_text, f"按时序进度应压减至{_expected(row)}以内"]
    out = [f"年度目标为{_fig(row, 'target')}"]
    if status != "met" and not _missing(row["expected"]):
        out.append(f"按时序进度应达到{_expected(row)}")
    return out


def _compare_rates(row, tp: float) -> str:
    ahead = _ahead(row)
    if _rate(row["completion"]) == _rate(tp):
        return "达到" if ahead else "略低于"
    return "快于" if ahead else "低于"


def _no_target_clauses(row, year: int, below: str) -> list[str]:
    """No target for this place this year: say why, and if the plan's trajectory still gives an expected value
    (a three-year target without yearly steps), compare with it."""
    out = [_note(row, year, below)] if _note(row, year, below) else []
    if _missing(row["expected"]) or _missing(row["status"]):
        return out
    if not _missing(row["final_target"]):
        out.append(f"按计划期末目标（{_fig(row, 'final_target')}）和时序进度测算")
    verb = "应压减至" if row["direction"] == "lower" else "应达到"
    tail = "以内" if row["direction"] == "lower" else ""
    out.append(f"{verb}{_expected(row)}{tail}，实际{'快于' if _ahead(row) else '慢于'}时序进度")
    return out


def _own_sentence(deck: Deck, row) -> str:
    subject, below = _level_words(deck)
    if _missing(row["actual"]):
        note = _note(row, deck.year, _own_level(deck, below))
        return f"{subject}该项指标暂无数据" + (f"（{note}）" if note else "") + "。"
    clauses = [_figure_clause(row, subject, deck.year)]
    if _missing(row["target"]):
        clauses += _no_target_clauses(row, deck.year, _own_level(deck, below))
    else:
        clauses += _target_clauses(row)
    status = row["status"]
    if not _missing(status):
        clauses.append(STATUS_PHRASES[status])
    text = "，".join(clauses)
    pace = row["pace"]
    if not _missing(pace):
        hedge = "但" if pace != "on_track" and status in ("met", "on_pace") else ""
        text += f"；{hedge}{PACE_PHRASES[pace]}"
    return f"截至{fmt_date(deck.as_of)}，{text}。"


def _parts_sentence(deck: Deck, parts: pd.DataFrame, below: str, own_unsplit: bool = False) -> str:
    """The prefectures, counties or towns (`below`, the slide's level name) of one indicator: who finished, who is
    on pace, who gets a card, and where no target or no data applies."""
    if parts.empty:
        return ""
    groups = []
    for status in ("met", "on_pace"):
        names = parts.loc[parts["status"] == status, "county" if deck.county is None else "town"]
        if len(names):
            groups.append("、".join(names) + PART_VERDICTS[status])
    for status in ("behind", "far_behind"):
        sel = _worst_first(parts[parts["status"] == status])
        if len(sel):
            groups.append("、".join(f"{_name(deck, r)}（{_fig(r, 'actual')}）" for _, r in sel.iterrows())
                          + PART_VERDICTS[status])
    unrated = parts[parts["status"].isna()]
    with_data = unrated[unrated["actual"].notna()].sort_values(
        "actual", ascending=bool((unrated["direction"] == "lower").all()), kind="stable")
    no_data = unrated[unrated["actual"].isna()]
    notes = set(unrated["target_note"].dropna())
    # A county deck has already said its own target is not split, which covers its towns too.
    prefix = f"该项目标计划未分解到{below}，" if notes == {"no_quota"} and not own_unsplit else ""
    if len(with_data):
        listing = "、".join(f"{_name(deck, r)}{_fig(r, 'actual')}" for _, r in with_data.iterrows())
        groups.append(f"{listing}（未作进度评价）" if groups else f"各{below}完成情况为：{listing}")
    if len(no_data):
        groups.append("、".join(_name(deck, r) for _, r in no_data.iterrows()) + "暂无数据")
    if not groups:
        return ""
    split = f"（各{below}目标为{TARGET_SOURCES['split']}）" if (parts["target_source"] == "split").any() else ""
    lead = prefix or ("" if own_unsplit else f"分{below}看{split}，")
    return lead + "；".join(groups) + "。"


def _worst_first(rows: pd.DataFrame) -> pd.DataFrame:
    """By completion, lowest first; where no completion applies (no target this year), by the figure itself."""
    if rows["completion"].notna().any():
        return rows.sort_values("completion", na_position="last", kind="stable")
    return rows.sort_values("actual", ascending=bool((rows["direction"] == "higher").all()), kind="stable")


def _name(deck: Deck, row) -> str:
    return row["county"] if deck.county is None else row["town"]


def indicator_paragraph(deck: Deck, slide: Slide) -> str:
    """The bulletin's paragraph on one indicator slide: the place's figure against its target and time progress,
    the pace toward the plan's final target, then its counties (or, in a county deck, its towns)."""
    if slide.kind != "indicator":
        raise ValueError(f"not an indicator slide: {slide.kind}")
    rows = slide.rows
    if rows.empty:
        subject, _ = _level_words(deck)
        return f"{subject}暂无{slide.title}数据。"
    own, parts = rows.iloc[0], rows.iloc[1:]
    return _own_sentence(deck, own) + _parts_sentence(deck, parts, slide.below or deck.below,
                                                      own_unsplit=own["target_note"] == "no_quota")


# --- the whole bulletin --------------------------------------------------------------------------------------

def _title(deck: Deck) -> str:
    if deck.county:
        return f"关于{deck.county}推进{deck.plan_name}目标任务情况的通报"
    return f"关于{deck.plan_name}目标任务推进情况的通报"


def _date_line(deck: Deck) -> str:
    line = f"数据截至{fmt_date(deck.as_of)}" if deck.as_of else "暂无数据"
    line += f"；{deck.round_note}" if deck.round_note else ""
    return f"（{line}；{DEMO_NOTE}）" if deck.is_demo else f"（{line}）"


def _overall(deck: Deck) -> pd.DataFrame:
    return next(s.rows for s in deck.slides if s.kind == "overall")


def _cards(deck: Deck) -> pd.DataFrame:
    return next((s.rows for s in deck.slides if s.kind == "cards"), pd.DataFrame(columns=["card", "responsible"]))


def opening(deck: Deck) -> str:
    subject, _ = _level_words(deck)
    place = _overall(deck)
    counts = place["status"].value_counts()
    unrated = int(place["status"].isna().sum())
    when = f"截至{fmt_date(deck.as_of)}" if deck.as_of else "目前"
    text = (f"为全面掌握{deck.plan_name}推进情况，现将{when}{subject}{deck.year}年度目标任务完成情况通报如下。"
            f"纳入监测的{_count(len(place))}项指标中，"
            + "、".join(f"{label}{_count(counts.get(s, 0))}项" for s, label in
                       (("met", "已完成"), ("on_pace", "正常推进"), ("behind", "滞后"), ("far_behind", "严重滞后"))))
    if unrated:
        text += f"，另有{_count(unrated)}项因{_unrated_reasons(deck, place)}，不作进度评价"
    return text + "。"


def _unrated_reasons(deck: Deck, place: pd.DataFrame) -> str:
    rows = place[place["status"].isna()]
    reasons = []
    if (rows["target_note"] == "no_quota").any():
        reasons.append(f"计划未分解到{_own_level(deck, deck.below)}")
    if (rows["target_note"] == "no_year_target").any():
        reasons.append(f"计划未设{deck.year}年目标")
    if (rows["target_note"] == "no_baseline").any():
        reasons.append("缺少基期数据")
    if rows["actual"].isna().any():
        reasons.append("暂无数据")
    return "、".join(reasons[:-1]) + ("或" if len(reasons) > 1 else "") + reasons[-1] if reasons else "暂无进度状态"


def cards_paragraph(deck: Deck) -> str:
    """红黄牌: how many of each, and who holds them with which indicators, worst first."""
    subject, below = _level_words(deck)
    cards = _cards(deck)
    if cards.empty:
        return f"本期{subject}各{below}均未亮红黄牌。"
    red = cards[cards["card"] == "红牌"]
    yellow = cards[cards["card"] == "黄牌"]
    text = f"对照时序进度，本期共亮红牌{_count(len(red))}张、黄牌{_count(len(yellow))}张。"
    for card, rows, verdict in (("红牌", red, "严重滞后"), ("黄牌", yellow, "滞后")):
        if rows.empty:
            continue
        holders = [f"{who}（{'、'.join(g['indicator'])}）" for who, g in rows.groupby("responsible", sort=False)]
        text += f"{verdict}、亮{card}的{below}：{'；'.join(holders)}。"
    return text


def _task_figures(deck: Deck) -> TaskFigures | None:
    return next((s.tasks for s in deck.slides if s.kind == "tasks"), None)


def tasks_paragraph(deck: Deck) -> str:
    """The task ledger in one paragraph: tasks, 填报单位 and 责任事项; each group's count as Ledger.counts() has it,
    the 逾期 among 滞后; then the most urgent 逾期 and 滞后 items named with their 填报单位. "" without a task slide."""
    f = _task_figures(deck)
    if f is None:
        return ""
    c = f.counts
    overdue = f"（其中逾期{_count(f.overdue)}个）" if f.overdue else ""
    text = (f"截至{fmt_date(f.day)}，任务台账共{_count(f.tasks)}项任务、{_count(f.reporters)}个填报单位"
            f"（{_count(f.assignments)}项责任事项）；已销号{_count(c['closed'])}个、推进中{_count(c['ongoing'])}个、"
            f"滞后{_count(c['behind'])}个{overdue}。")
    if f.items.empty:
        return text + "各项任务均无逾期、滞后。"
    named = f.items.head(ITEMS_NAMED)
    groups = []
    for state, label in (("overdue", "逾期的有"), ("behind", "自报滞后的有")):
        rows = named[named["state"] == state]
        if rows.empty:
            continue
        parts = []
        for r in rows.itertuples(index=False):
            extra = f"，{r.detail}" if state == "overdue" else ""
            parts.append(f"{r.title}（{'、'.join(r.reporters)}{extra}）")
        groups.append(f"{label}：{'、'.join(parts)}")
    more = f"等{_count(len(f.items))}项" if len(f.items) > len(named) else ""
    return text + "；".join(groups) + more + "。"


def supervision_paragraph(deck: Deck) -> str:
    """督办 items as of the ledger's day: opened in all, closed automatically, open by colour, and the 整改措施 filed
    on them. "" without a task slide."""
    f = _task_figures(deck)
    if f is None or not f.supervision:
        return ""
    subject, _ = _level_words(deck)
    s = f.supervision
    total = sum(s.values())
    if total == 0:
        return f"督办方面，截至{fmt_date(f.day)}，{subject}尚无因指标严重滞后立项督办的事项。"
    text = (f"督办方面，截至{fmt_date(f.day)}，{subject}因指标严重滞后累计立项督办{_count(total)}项，"
            f"已恢复正常推进或完成、自动销号{_count(s['grey'])}项，未销号{_count(f.open_items)}项"
            f"（红色{_count(s['red'])}项、黄色{_count(s['yellow'])}项、蓝色{_count(s['blue'])}项）")
    who = "各地" if deck.county is None else ""
    if f.measures:
        return text + f"；{who}已报送整改措施{_count(f.measures)}条，涉及{_count(f.measured_items)}项督办事项。"
    return text + f"；{who}尚未报送整改措施。"


def closing(deck: Deck) -> str:
    """下一步工作要求, rule-based: who must catch up, which indicators will miss the plan at the current pace."""
    _, below = _level_words(deck)
    cards = _cards(deck)
    place = _overall(deck)
    items = []
    red = list(dict.fromkeys(cards.loc[cards["card"] == "红牌", "responsible"]))
    yellow = [w for w in dict.fromkeys(cards.loc[cards["card"] == "黄牌", "responsible"]) if w not in red]
    if red:
        items.append(f"亮红牌的{'、'.join(red)}要对照年度目标倒排工期、挂图作战，逐项明确责任人和完成时限，"
                     "尽快扭转被动局面")
    if yellow:
        items.append(f"亮黄牌的{'、'.join(yellow)}要认真查找原因，加快工作进度，确保按时序进度完成目标任务")
    slow = place.loc[place["pace"].isin(["too_slow", "stagnating", "backwards"]), "indicator"]
    if len(slow):
        named = "、".join(slow.iloc[:SLOW_NAMED])
        many = f"等{_count(len(slow))}项指标" if len(slow) > SLOW_NAMED else "等指标"
        items.append(f"{named}{many}按目前增速到计划期末难以完成，牵头单位要加强调度、压实责任")
    missing = place.loc[place["actual"].isna(), "indicator"]
    items.append("各地要严格按照报送要求按时报送统计数据，确保数据真实准确" +
                 (f"，{'、'.join(missing)}暂无数据的要及时补报" if len(missing) else ""))
    if not red and not yellow and not len(slow):
        items.insert(0, "各地要保持工作力度，巩固已取得的成效")
    return "；".join(items) + "。"


def _table_value(row, col: str) -> str:
    unit = row["unit"] if row["unit"] == "%" else ""
    return fmt_value(None if _missing(row[col]) else float(row[col]), unit, row["kind"])


def figures_table(deck: Deck) -> pd.DataFrame:
    """One row per indicator of the place: the bulletin's 附表."""
    rows = []
    for _, r in _overall(deck).iterrows():
        if _missing(r["target"]):
            target = str(r["target_note_label"]) if not _missing(r["target_note_label"]) else "—"
        else:
            target = _table_value(r, "target")
        status = r["status_label"] if not _missing(r["status_label"]) else (
            r["missing_note"] if not _missing(r.get("missing_note")) else "—")
        rows.append([r["indicator"], r["unit"], target, _table_value(r, "actual"), _rate(r["completion"]),
                     _rate(r["time_progress"]), status])
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def bulletin(deck: Deck) -> Bulletin:
    slides = [s for s in deck.slides if s.kind == "indicator"]
    leads = [f"（{chinese_number(i)}）{s.title}。" for i, s in enumerate(slides, 1)]
    paragraphs = [lead + indicator_paragraph(deck, s) for lead, s in zip(leads, slides)]
    source = f"数据截至{fmt_date(deck.as_of)}。" + (f"{deck.round_note}。" if deck.round_note else "") + f"{deck.source}。" + (f"{DEMO_NOTE}。" if deck.is_demo else "")
    tasks = tasks_paragraph(deck)
    return Bulletin(_title(deck), _date_line(deck), opening(deck), paragraphs, leads, cards_paragraph(deck),
                    closing(deck), figures_table(deck), source, deck.is_demo,
                    TASK_HEADINGS if tasks else SECTION_HEADINGS, tasks, supervision_paragraph(deck))


def slide_notes(deck: Deck) -> list[str]:
    """Speaker notes, one per slide in deck order, the same sentences the bulletin uses."""
    subject, below = _level_words(deck)
    notes = []
    for s in deck.slides:
        if s.kind == "title":
            when = f"，数据截至{fmt_date(deck.as_of)}" if deck.as_of else ""
            demo = f"（{DEMO_NOTE}）" if deck.is_demo else ""
            notes.append(f"下面汇报{subject}{deck.year}年{deck.plan_name}目标任务推进情况{when}{demo}。")
        elif s.kind == "overall":
            notes.append(opening(deck))
        elif s.kind == "indicator":
            notes.append(indicator_paragraph(deck, s))
        elif s.kind == "matrix":
            notes.append(f"下表为各{s.below or below}各项指标的进度状态，红色为严重滞后，黄色为滞后，绿色为已完成或正常推进。")
        elif s.kind == "cards":
            notes.append(cards_paragraph(deck))
        elif s.kind == "tasks":
            notes.append(tasks_paragraph(deck) + supervision_paragraph(deck))
        elif s.kind == "summary":
            notes.append(closing(deck))
        else:
            notes.append(s.title)
    return notes
