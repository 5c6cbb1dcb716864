"""Dates in reports and on their pages: parsing, the publication date, the signing date.

``published`` is the date the page says it was published (its metadata block, its address,
or, for a repost, the original date the repost states); ``signed`` is the date under the
signature or the page's 成文日期. They are different facts: studies of the 1 April deadline
need the difference, so one is never filled from the other.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["REPOST_TITLE", "YEAR", "cn_number", "find_published", "find_signed",
           "is_signature_date", "parse_date", "repost_published", "url_date"]

_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "O": "0", "一": "1", "二": "2", "三": "3",
              "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}


def cn_number(text: str) -> int | None:
    """Read 2023, 二〇二三 (digit by digit) or 十二/二十七 (tens) as an int."""
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text):
        return int("".join(_CN_DIGITS[ch] for ch in text))
    m = re.fullmatch(r"([一二三]?)十([一二三四五六七八九]?)", text)
    if m:
        tens = int(_CN_DIGITS[m.group(1)]) if m.group(1) else 1
        return tens * 10 + (int(_CN_DIGITS[m.group(2)]) if m.group(2) else 0)
    return None


YEAR = r"(\d{4}|[〇○零一二三四五六七八九]{4})"
_CN_SMALL = r"(\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_DATE_PATTERNS = [
    re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})"),
    re.compile(YEAR + r"\s*年\s*" + _CN_SMALL + r"\s*月\s*" + _CN_SMALL + r"\s*日"),
    re.compile(r"(?<!\d)(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)"),
]


def parse_date(text: str) -> str | None:
    """The first full date in a string, as ISO ``YYYY-MM-DD``, or None.

    Reads 2024-03-11, 2021/03/29, 2023年11月20日, 二〇二四年三月十五日 and the compact 20231227.
    """
    found = []
    for pattern in _DATE_PATTERNS:
        m = pattern.search(text)
        if m:
            found.append((m.start(), m))
    for _, m in sorted(found, key=lambda t: t[0]):
        y, mo, d = (cn_number(g) for g in m.groups())
        if y is None or mo is None or d is None:
            continue
        try:
            return date(y, mo, d).isoformat()
        except ValueError:
            continue
    return None


_SIGNATURE_DATE = re.compile(
    r"^(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|" + YEAR + r"\s*年\s*" + _CN_SMALL
    + r"\s*月\s*" + _CN_SMALL + r"\s*日|20\d{6})$"
)


def is_signature_date(line: str) -> bool:
    """Whether a body line is only a date, as under a signature (2023年11月20日, 20231227)."""
    return bool(_SIGNATURE_DATE.match(line.strip())) and parse_date(line) is not None



_DATE_KEYS = ("发布日期", "发布时间", "日期", "时间", "更新时间", "更新日期", "发文日期",
              "发文时间", "公开日期", "印发日期", "公文生成日期", "生成日期")
# The date a document was signed, which a page template may print beside its publication date.
_SIGNED_KEYS = ("成文日期", "成文时间")


# Government CMSs put the publication date in the page address: .../t20240311_123.html,
# /art/2024/3/11/art_..., /202403/t20240311_..., /2024-03/11/...
_URL_DATES = (
    re.compile(r"[/_]t(20\d{2})(\d{2})(\d{2})_\d+"),
    re.compile(r"/art/(20\d{2})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/(20\d{2})-(\d{2})/(\d{2})/"),
)


def url_date(url: str | None) -> str | None:
    """The publication date a government page's address encodes, as ISO, or None."""
    for pattern in _URL_DATES if url else ():
        m = pattern.search(url)
        if m:
            try:
                return date(*(int(g) for g in m.groups())).isoformat()
            except ValueError:
                continue
    return None


def find_published(facts: dict[str, str], body: list[str],
                   url: str | None = None) -> tuple[str | None, str]:
    """The publication date: the page's 发布日期/时间 line wins, then a date in the page's
    address (t20240311_…). Never the date under the signature: that is when the report was
    signed (:func:`find_signed`), and studies of the 1 April deadline need the difference."""
    for key in _DATE_KEYS:
        if facts.get(key):
            iso = parse_date(facts[key])
            if iso:
                return iso, "page"
    if (iso := url_date(url)) is not None:
        return iso, "url"
    return None, ""


REPOST_TITLE = re.compile(r"^[\u4e00-\u9fff]{2,30}(?:正式)?(?:发布|公布|印发)(?:\d{4}|[〇○零一二三四五六七八九]{4})年")
_ORIGINAL_DATE = re.compile(r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日"
                            r"(?:正式)?(?:发布|公布|印发|公开)")


def repost_published(lead: str, *, reposted: str | None) -> tuple[str | None, str]:
    """The original publication date a repost's lead states (生态环境部3月29日发布…), with
    the year from the lead or, failing that, from the repost's date (a month after the
    repost's is the previous year). ``(None, "repost")`` when the lead states none.

    Returns
    -------
    (str or None, str)
        ISO date and ``"repost original"``, or None and ``"repost"``.
    """
    m = _ORIGINAL_DATE.search(lead or "")
    if m:
        year = int(m.group("y")) if m.group("y") else (int(reposted[:4]) if reposted else None)
        month, day = int(m.group("m")), int(m.group("d"))
        if year is not None and not m.group("y") and reposted and month > int(reposted[5:7]):
            year -= 1
        if year is not None:
            try:
                return date(year, month, day).isoformat(), "repost original"
            except ValueError:
                pass
    return None, "repost"


def find_signed(facts: dict[str, str], body: list[str]) -> str | None:
    """The date the report was signed: the page's 成文日期, else the date under the
    signature (2023年11月20日, 20231227), as ISO; None when neither is stated."""
    for key in _SIGNED_KEYS:
        if facts.get(key) and (iso := parse_date(facts[key])):
            return iso
    for line in reversed(body[-6:]):
        if is_signature_date(line):
            return parse_date(line)
    return None


