"""Script: a page in traditional characters is read in simplified characters.

Many government sites serve a 繁體 version of every page (大坪鄉2024年法治政府建設情況報告,
發布時間, 信息來源). The rules of the whole pipeline (metadata keys, part headings, the
tokenizer's lexicon, indicator units) are written in simplified characters, so such a page is
converted with OpenCC's ``t2s`` configuration (the maintained converter, phrase-aware: 乾隆
stays 乾隆) before anything else reads it. A converted report gives the same tables as its
simplified twin, ``doc_id`` included; ``reports.script`` records what the page was written in.
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["MIN_TRADITIONAL", "SCRIPTS", "TRADITIONAL_SHARE", "detect_script", "to_simplified"]

SCRIPTS = ("simplified", "traditional")

#: Share of Han characters that only traditional script writes, above which a page is read
#: as traditional. Traditional prose has 20-30%; a simplified report quoting 著作 or 乾坤 has
#: well under 1%.
TRADITIONAL_SHARE = 0.05
#: ...and at least this many such characters, so that one stray character is no evidence.
MIN_TRADITIONAL = 3

_HAN = re.compile(r"[\u4e00-\u9fff]")


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _traditional_only() -> re.Pattern[str]:
    """A character class of the Han characters (U+4E00-U+9FFF) that only traditional script
    writes: those whose simplified form differs."""
    chars = [chr(code) for code in range(0x4E00, 0xA000)]
    # One conversion of every character, one per line (no phrase spans a line break), in
    # about 15 ms; a call per character would take four times as long.
    converted = _converter().convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # never seen; the slow way is the definition
        converted = [_converter().convert(char) for char in chars]
    return re.compile("[" + "".join(c for c, s in zip(chars, converted, strict=True)
                                    if c != s) + "]")


def detect_script(text: str) -> str:
    """``"traditional"`` when the text is written in traditional characters, else
    ``"simplified"`` (also for a text with no Han characters)."""
    # Two C-level scans instead of a Python step per character: simplified reports, nearly
    # all of them, have fewer than MIN_TRADITIONAL such characters and stop after the first.
    traditional = len(_traditional_only().findall(text))
    if traditional < MIN_TRADITIONAL:
        return "simplified"
    han = len(text) - len(_HAN.sub("", text))
    return "traditional" if traditional >= TRADITIONAL_SHARE * han else "simplified"


def to_simplified(text: str) -> str:
    """The text converted from traditional to simplified characters, line by line.

    Conversion maps characters and phrases one to one in length on report text; lines are
    converted one at a time so that a line break is never moved or lost.
    """
    convert = _converter().convert
    return "\n".join(convert(line) for line in text.split("\n"))
