"""ui.text.plain: user text shown by Streamlit's Markdown elements exactly as typed."""

from __future__ import annotations

import pytest

from plan_monitor.ui.text import plain


@pytest.mark.parametrize("text", [
    "荆州_2024_村.csv", "*名单*.csv", "$1$ 与 $2$", "1. 第一行", "- 列表", "# 标题", "[链接](http://x)", "a\\b", "<b>粗</b>",
    "`代码`", "~~删~~", "| 表 |", "沙市区：第 2 行",
])
def test_plain_escapes_every_markdown_character(text):
    escaped = plain(text)
    # removing the escapes gives the text back, and no markdown character is left unescaped
    assert escaped.replace("\\\\", "\x00").replace("\\", "").replace("\x00", "\\") == text
    for i, ch in enumerate(escaped):
        if ch in "*_$#[]`~|<>":
            assert escaped[i - 1] == "\\", (text, escaped)


def test_plain_keeps_chinese_and_line_breaks():
    assert plain("第一行\n\n第二行") == "第一行\n\n第二行"
