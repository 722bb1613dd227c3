"""The overview's indicator cards: what each card says (one value per figure, from the scorecard's city row) and
one HTML grid that draws them all.

The grid is one element, not 13 Streamlit columns with a Plotly figure each: at the projector's 1280×720 every card
must fit on the first screen, so the question "which indicators are behind" is answered before scrolling. The
notes a card cannot hold (沿用, 未填报, what a status without a year target is judged by) become numbered notes under
the grid, as in a printed report, so nothing is dropped to make the cards small. Every text is escaped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html import escape

import pandas as pd

from plan_monitor.metrics.trajectory import STATUS_LABELS
from plan_monitor.present.format import fmt_gap, fmt_rate, fmt_value
from plan_monitor.present.palette import STATUS_COLORS, status_pill

ORDER = ("far_behind", "behind", "on_pace", "met")  # the summary names the worst first


@dataclass(frozen=True)
class Card:
    indicator_id: str
    title: str
    value: str                 # the 实际 figure, formatted ("255个", "—")
    status: str | None         # the status code, None where no status applies
    pill: str                  # the pill's text: status (· pace), else why there is none
    detail: str                # 目标 · 差距 · 完成率 · 时序进度
    notes: list[str] = field(default_factory=list)   # what the card cannot hold, shown as numbered notes


def _text(value) -> str | None:
    """A label column's value, None where it is missing (NaN is truthy, so a plain `or` would keep it)."""
    return value if isinstance(value, str) and value else None


def overview_cards(city: pd.DataFrame) -> list[Card]:
    """One card per indicator, in plan order, from `present.views.overview`'s city rows."""
    cards = []
    for row in city.itertuples():
        status = _text(row.status)
        label = _text(row.status_label) or _text(row.missing_note) or _text(row.target_note_label) or "—"
        pace = _text(row.pace_label)
        target = fmt_value(row.target, row.unit, row.kind) if row.target == row.target else "未设当年目标"
        missing = _text(row.missing_note)
        notes = [n for n in (_text(row.carried_note.removeprefix(" · ")), missing if missing != label else None,
                             _text(row.basis_note)) if n]  # the pill may already say 未填报
        cards.append(Card(
            indicator_id=row.indicator_id, title=row.indicator, value=fmt_value(row.actual, row.unit, row.kind),
            status=status, pill=f"{label} · {pace}" if pace else label,
            detail=(f"目标 {target} · 差距 {fmt_gap(row.gap, row.unit, row.kind)} · 完成率 {fmt_rate(row.completion)}"
                    f" · 时序进度 {fmt_rate(row.time_progress)}"),
            notes=notes))
    return cards


def status_summary(cards: list[Card]) -> str:
    """How many indicators stand in each status, worst first: 13 项指标：严重滞后 2 项、滞后 6 项、…"""
    counts = Counter(card.status for card in cards)
    parts = [f"{STATUS_LABELS[code]} {counts[code]} 项" for code in ORDER if counts[code]]
    if counts[None]:
        parts.append(f"无目标或无数据 {counts[None]} 项")
    return f"{len(cards)} 项指标：" + "、".join(parts)


def cards_html(cards: list[Card]) -> str:
    """The cards as one CSS grid (classes styled in `plan_monitor/ui/theme.css`), with the numbered notes below."""
    notes: list[str] = []
    tiles = []
    for card in cards:
        marks = []
        for note in card.notes:
            notes.append(f"{card.title}：{note}")
            marks.append(str(len(notes)))
        mark = f'<span class="pm-card-mark">注{"、".join(marks)}</span>' if marks else ""
        # each 目标 / 差距 / 完成率 / 时序进度 kept whole when the line wraps
        detail = " · ".join(f"<span>{escape(part)}</span>" for part in card.detail.split(" · "))
        colour = STATUS_COLORS.get(card.status, STATUS_COLORS[None])
        tiles.append(
            f'<div class="pm-card" data-indicator="{escape(card.indicator_id)}" data-status="{card.status or "none"}"'
            f' style="border-left-color:{colour}">'
            f'<div class="pm-card-title">{escape(card.title)}</div>'
            f'<div class="pm-card-row"><span class="pm-card-value">{escape(card.value)}</span>'
            f"{status_pill(card.status, card.pill)}</div>"
            f'<div class="pm-card-detail">{detail}{mark}</div></div>')
    grid = f'<div class="pm-cards">{"".join(tiles)}</div>'
    if notes:
        items = "".join(f"<li>{escape(n)}</li>" for n in notes)
        grid += f'<ol class="pm-card-notes">{items}</ol>'
    return grid
