"""One palette: the colours of each status wherever it is drawn (pages, charts, Excel, slides)."""

from html import escape

# 红黄牌: green when met or on pace, amber when behind, red when far behind, grey when no status applies.
STATUS_COLORS = {"met": "#1a7f37", "on_pace": "#7bc47f", "behind": "#f2a900", "far_behind": "#d1242f", None: "#9aa0a6"}
# Text on a status colour: white on the dark green, red and grey, dark on the light green and amber.
STATUS_TEXT = {"met": "#ffffff", "on_pace": "#10210f", "behind": "#231a00", "far_behind": "#ffffff", None: "#ffffff"}
# 报送情况: reported green, missing amber, overdue red, not yet due grey.
REPORT_COLORS = {"reported": "#1a7f37", "missing": "#f2a900", "overdue": "#d1242f", "not_due": "#9aa0a6"}


def status_pill(status, text: str) -> str:
    """A status as a small coloured pill (HTML) in its palette colour: the overview cards' 滞后 is the legend's amber,
    严重滞后 its red. `text` is escaped; no status (None or not a code) is grey."""
    code = status if status in STATUS_COLORS else None
    return (f'<span class="pm-pill" data-status="{code or "none"}" style="display:inline-block;padding:1px 10px;'
            f'border-radius:999px;font-size:0.85em;background:{STATUS_COLORS[code]};color:{STATUS_TEXT[code]}">'
            f"{escape(text)}</span>")

# 督办台账 states (ledger.state.STATES codes): 逾期 red, 滞后 amber, 已完成待销号 light green, 已销号 green; others unfilled.
STATE_COLORS = {"overdue": "#d1242f", "behind": "#f2a900", "done": "#7bc47f", "closed": "#1a7f37"}
STATE_TEXT = {"overdue": "#ffffff", "behind": "#231a00", "done": "#10210f", "closed": "#ffffff"}
# A cadence matrix cell (ledger.state.CELLS codes): 已报 green, 逾期补报 light green, 未报 (still in its report window)
# amber, 逾期 red, 未到期 light grey, 已销号 grey.
CELL_COLORS = {"reported": "#1a7f37", "late": "#7bc47f", "missing": "#f2a900", "overdue": "#d1242f",
               "pending": "#eceff1", "closed": "#9aa0a6"}
CELL_TEXT = {"reported": "#ffffff", "late": "#10210f", "missing": "#231a00", "overdue": "#ffffff",
             "pending": "#5f6368", "closed": "#ffffff"}

# 督办 items as of a day (metrics.supervision.colours): overdue red, behind or near its deadline amber, further away
# blue, closed grey; and the text on each.
SUPERVISION_COLORS = {"red": "#d1242f", "yellow": "#f2a900", "blue": "#0969da", "grey": "#9aa0a6"}
SUPERVISION_TEXT = {"red": "#ffffff", "yellow": "#231a00", "blue": "#ffffff", "grey": "#ffffff"}
# The task ledger's groups (ledger.state.GROUPS) in the status colours: 已销号 as 已完成, 推进中 as 正常推进, 滞后 as 滞后;
# an item 逾期 as 严重滞后.
GROUP_STATUS = {"closed": "met", "ongoing": "on_pace", "behind": "behind", "overdue": "far_behind"}
