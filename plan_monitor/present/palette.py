"""One palette: the colours of each status wherever it is drawn (pages, charts, Excel, slides)."""

# 红黄牌: green when met or on pace, amber when behind, red when far behind, grey when no status applies.
STATUS_COLORS = {"met": "#1a7f37", "on_pace": "#7bc47f", "behind": "#f2a900", "far_behind": "#d1242f", None: "#9aa0a6"}
# 报送情况: reported green, missing amber, overdue red, not yet due grey.
REPORT_COLORS = {"reported": "#1a7f37", "missing": "#f2a900", "overdue": "#d1242f", "not_due": "#9aa0a6"}
