"""The 报送情况 matrix as a pandas Styler: each cell coloured by its status, in the status colours of
completeness.py, so it reads the same on screen and in a screenshot."""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from plan_monitor.metrics.completeness import REPORT_LABELS
from plan_monitor.present.palette import REPORT_COLORS

_BY_LABEL = {label: REPORT_COLORS[code] for code, label in REPORT_LABELS.items()}
# Amber and grey need dark text to stay legible; green and red take white.
_TEXT = {"未报送": "#1f2328", "未到期": "#1f2328"}


def _cell(label) -> str:
    color = _BY_LABEL.get(label)
    if color is None:
        return ""
    return f"background-color:{color};color:{_TEXT.get(label, '#ffffff')};font-weight:600;text-align:center"


def styled_matrix(matrix: pd.DataFrame) -> Styler:
    """County × round matrix of status labels, each cell filled with its status colour."""
    return matrix.style.map(_cell)


def legend(labels=None) -> str:
    """Inline HTML swatches naming each status colour."""
    labels = labels or list(REPORT_LABELS.values())
    return "　".join(f'<span style="display:inline-block;width:12px;height:12px;background:{_BY_LABEL[lb]};'
                    f'border-radius:2px;margin-right:4px;vertical-align:middle"></span>{lb}' for lb in labels)
