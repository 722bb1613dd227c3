"""Text from users (file names, cell values, names, reasons) shown in Streamlit's Markdown elements as typed.

st.error, st.info, st.markdown and friends read their text as Markdown: a file named 荆州_2024_村.csv would lose
its underscores to italics, "*" to bold, "$…$" becomes a formula, a leading "1." or "-" a list. Any ASCII
punctuation may be backslash-escaped in CommonMark; only the characters that format running text are escaped
(and list, heading and quote markers at the start of a line), so dates such as 2023-12-31 stay as they are in
the element's source too.
"""

from __future__ import annotations

import re

_INLINE = re.compile(r"([\\`*_\[\]#$<>~|&])")
_LINE_START = re.compile(r"(?m)^(\s*)([-+=]|\d+[.)])")


def plain(text: object) -> str:
    """The text escaped so Markdown shows it literally (line breaks kept)."""
    out = _INLINE.sub(r"\\\1", str(text))
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], out)
