"""Text every export format can hold, whatever got stored.

Uploads refuse control characters (ingest.cells), but text reaches the exports from elsewhere too: a plan's YAML
(a double-quoted "\\a" is a BEL), versions stored before that rule, a base data folder. XML 1.0 — inside .xlsx,
.pptx and .docx alike — cannot hold C0 control characters other than tab, newline and carriage return, and
openpyxl, python-pptx and python-docx fail on them. Each one is shown as its Unicode control picture
(\\x07 → ␇), so the export never fails and the reader still sees that something odd is in the name.
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd

# The same set openpyxl's ILLEGAL_CHARACTERS_RE refuses: C0 controls except \t \n \r.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _picture(match: re.Match) -> str:
    return chr(0x2400 + ord(match.group()))


def printable(value):
    """A str with its illegal control characters shown as control pictures; any other value as it is."""
    if isinstance(value, str) and ILLEGAL.search(value):
        return ILLEGAL.sub(_picture, value)
    return value


def printable_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell, tuples of text included (and column name) printable; the same object when nothing needs changing."""
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c].dtype)
                    and not pd.api.types.is_datetime64_any_dtype(frame[c].dtype)]
    dirty = [c for c in text_columns if frame[c].map(_dirty).any()]
    names_dirty = any(isinstance(c, str) and ILLEGAL.search(c) for c in frame.columns)
    if not dirty and not names_dirty:
        return frame
    out = frame.copy()
    for c in dirty:
        out[c] = out[c].map(_printable_value)
    if names_dirty:
        out.columns = [printable(c) for c in out.columns]
    return out


def _dirty(value) -> bool:
    """A str with an illegal character, or a tuple (a cell listing names) holding one."""
    if isinstance(value, tuple):
        return any(_dirty(v) for v in value)
    return isinstance(value, str) and ILLEGAL.search(value) is not None


def printable_fields(obj):
    """A frozen dataclass (a Deck, a Slide) with every str, tuple of str, DataFrame and nested dataclass made
    printable; the same object when nothing needs changing."""
    changes = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        new = _printable_value(value)
        if new is not value:
            changes[f.name] = new
    return dataclasses.replace(obj, **changes) if changes else obj


def _printable_value(value):
    if isinstance(value, str):
        new = printable(value)
        return value if new == value else new
    if isinstance(value, pd.DataFrame):
        return printable_frame(value)
    if isinstance(value, (tuple, list)):
        items = [_printable_value(v) for v in value]
        if all(a is b for a, b in zip(items, value)):
            return value
        return type(value)(items)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return printable_fields(value)
    return value
