"""Split a report body into sections, paragraphs and sentences, and name each section's part.

The rules ask every report for five parts: (1) measures and results, (2) shortcomings,
(3) how the principal leaders fulfilled their duty as first responsible person,
(4) plans for the coming year, (5) other matters. Reports word, merge and order them
differently, and some drop the numbering of their headings, so the part is decided from
the wording of each top-level heading and inherited by everything below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.ingest.normalize import HEADING_1, HEADING_2

__all__ = ["PARTS", "Section", "classify_part", "detect_level", "heading_text", "segment_body",
           "split_sentences"]

PARTS = ("preamble", "measures", "shortcomings", "leadership", "plans", "other")
# Their Chinese names, for figures, are analysis.labels.PART_LABELS.

_LEVEL_3 = re.compile(r"^(?:\d{1,2}\s*[.、．](?!\d)|[一二三四五六七八九十]{1,3}是\s*[::,,]?|"
                      r"第[一二三四五六七八九十]{1,3}\s*[,,、])")
_LEVEL_4 = re.compile(r"^(?:[(（]\s*\d{1,2}\s*[)）]|[①-⑳])")
_CN_NUM = re.compile(r"[一二三四五六七八九十]{1,3}")

# Leadership headings name the first-responsible-person duty; a theme heading such as
# 依法全面履行法定职责 does not.
_LEADERSHIP = re.compile(r"第一责任人|主要负责人|党政主要负责|一把手|主要领导.{0,10}(?:职责|责任)")
_PART_PATTERNS = (
    # 问题 alone is too common in theme headings (聚焦问题整改); it counts next to 存在 or 原因.
    ("shortcomings", re.compile(r"不足|短板|差距|薄弱|欠缺|挑战|存在.{0,4}问题|问题.{0,3}(?:原因|不足)|"
                                r"主要问题|困难和问题|问题和困难")),
    ("other", re.compile(r"其他|其它|意见建议|意见和建议|生效裁判|裁判情况")),
    # A plans heading ends with its noun (2024年工作安排) or looks ahead (下一步, 明年);
    # 落实年度法治建设计划 in the middle of a theme heading is not one.
    ("plans", re.compile(r"(?:计划|安排|打算|思路|设想|工作重点|重点工作|努力方向|目标任务)[。.]?$|"
                         r"下一步|下步|明年|下一年度?|今后|展望|\d{4}\s*年度?的?(?:工作)?(?:重点|目标|任务)")),
    ("measures", re.compile(r"举措|成效|措施|做法|工作情况|主要工作|开展情况|进展|成绩|总体情况|"
                            r"基本情况|完成情况|推进.{0,10}情况|落实情况|工作开展|取得")),
)


def classify_part(heading: str) -> str | None:
    """The statutory part a top-level heading names, or None when its wording names none.

    Leadership wins over everything (its headings often also say 推进…情况); otherwise the
    part named first in the heading wins, so 存在的不足和下一步打算 is a shortcomings heading.

    Examples
    --------
    >>> classify_part("三、存在的不足和原因")
    'shortcomings'
    >>> classify_part("二、履行推进法治建设第一责任人职责情况")
    'leadership'
    """
    if _LEADERSHIP.search(heading):
        return "leadership"
    hits = [(m.start(), part) for part, pattern in _PART_PATTERNS if (m := pattern.search(heading))]
    return min(hits)[1] if hits else None


def _cn_value(text: str) -> int:
    digits = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + digits.get(ones, 0)
    return digits.get(text, 0)


def heading_text(line: str) -> str:
    """The heading of a line: the whole line if short, else its lead-in up to 。 or :."""
    m = re.search(r"[。:;]", line)
    if m and m.start() <= 60:
        return line[: m.start()]
    return line if len(line) <= 60 else line[:60]


def detect_level(line: str) -> int | None:
    """The heading level a body line opens (1 to 4), or None for plain text."""
    if HEADING_1.match(line):
        return 1
    if HEADING_2.match(line):
        return 2
    if _LEVEL_3.match(line):
        return 3
    if _LEVEL_4.match(line):
        return 4
    return None


def _unnumbered_heading(line: str, following: str | None, *, thematic: bool = False) -> bool:
    # Some pages drop the numbering of their part headings (Changzhi: 其他需要报告的重要事项);
    # a short line that names a part and is followed by text is one. On a page with no
    # numbered top-level heading at all (司法部: 统筹推进法治政府建设高质量发展), a short
    # thematic line followed by a paragraph is one too (``thematic``); a line naming the
    # report (…年度报告) or dated is not.
    if (len(line) > 40 or re.search(r"[,,。;;::!?!?、]", line) or following is None):
        return False
    if classify_part(line) is not None:
        return True
    return (thematic and len(line) >= 6 and len(following) >= 40
            and re.search(r"[。;!?]", following) is not None
            and not re.search(r"报告|\d{4}\s*年|[〇○零一二三四五六七八九]{4}年|附件|来源", line)
            and re.search(r"[\u4e00-\u9fff]{4}", line) is not None)


@dataclass
class Section:
    """One heading and the paragraphs under it, before it is turned into a table row."""

    section_id: str
    parent_id: str | None
    level: int
    heading: str
    part: str
    paragraphs: list[int]


def segment_body(lines: list[str]) -> tuple[list[Section], list[str]]:
    """Assign every body line to a section.

    Parameters
    ----------
    lines : list of str
        Normalized body lines (no empty lines).

    Returns
    -------
    (sections, paragraph_section_ids)
        Sections in order, and for each line the id of the section it belongs to. A
        section's paragraphs are its own lines up to the next heading of any level.
    """
    sections: list[Section] = []
    owner: list[str] = []
    stack: list[Section] = []
    last_top_value = 0
    demote = False
    seen_parts: set[str] = set()
    thematic = not any(HEADING_1.match(line) for line in lines)

    def new_id() -> str:
        return f"s{len(sections):03d}"

    for k, line in enumerate(lines):
        level = detect_level(line)
        following = lines[k + 1] if k + 1 < len(lines) else None
        if level is None and _unnumbered_heading(line, following, thematic=thematic):
            level = 1
        if level == 1 and HEADING_1.match(line):
            m = _CN_NUM.match(line)
            value = _cn_value(m.group(0)) if m else last_top_value + 1
            # A second 一、 right after 一、 (留下街道: 一、主要措施 then 一、强化领导责任) numbers
            # sub-items with the top-level style; they stay sub-items until a heading names a part.
            if value <= last_top_value and classify_part(line) in (None, "measures"):
                demote = True
            elif demote and classify_part(line) in (None, "measures"):
                pass
            else:
                demote = False
                last_top_value = value
            if demote:
                level = 2
        if level is None:
            if not sections:
                sections.append(Section(new_id(), None, 0, "", "preamble", []))
                stack = [sections[-1]]
            sections[-1].paragraphs.append(k)
            owner.append(sections[-1].section_id)
            continue
        while stack and stack[-1].level >= level:
            stack.pop()
        parent = next((s for s in reversed(stack) if 0 < s.level < level), None)
        heading = heading_text(line)
        if parent is None:
            part = classify_part(heading)
            if part is None:
                part = "measures" if not seen_parts - {"measures"} else "other"
            seen_parts.add(part)
        else:
            part = parent.part
        section = Section(new_id(), parent.section_id if parent else None, level, heading, part,
                          [k])
        sections.append(section)
        stack.append(section)
        owner.append(section.section_id)
    return sections, owner


_SENTENCE = re.compile(r"[^。!?;！？]*(?:[。!?;！？]+[”’」』)]*|$)")


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of one paragraph (split after 。!?;)."""
    spans = []
    for m in _SENTENCE.finditer(paragraph):
        start, end = m.span()
        while start < end and paragraph[start] == " ":
            start += 1
        while end > start and paragraph[end - 1] == " ":
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans
