"""Normalize report text: unify character widths and whitespace, and separate page chrome from body.

A report copied or crawled from a government site carries the site's chrome: breadcrumbs
(当前位置…), a metadata block (发布日期/来源/字号…), share widgets (扫一扫…, 分享), a
download link (附件下载) and footer link blocks. The functions here keep every body line
and move the chrome's facts into a dictionary, so nothing is lost and nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

__all__ = ["HEADING_1", "HEADING_2", "META_KEYS", "REPOST_LEAD", "Chrome", "Page",
           "classify_chrome", "is_body_start", "is_doc_number", "normalize_line",
           "normalize_lines", "parse_header_meta_line", "parse_meta_line", "split_page",
           "split_run_in_title"]

# Full-width ASCII variants (U+FF01-U+FF5E) fold to ASCII; CJK punctuation (、。《》“”…—)
# has no ASCII twin and stays, so the result is one consistent convention.
# The fold is declared once here; normalize_line applies it with str.translate, and
# normalize_lines over a whole text in numpy.
_FULL_WIDTH = (0xFF01, 0xFF5E)  # first and last code point
_FULL_WIDTH_OFFSET = 0xFEE0
_WIDTH_SINGLES = {0x3000: 0x20, 0xFFE5: 0xA5}  # the ideographic space, the full-width yen
_WIDTH = {cp: cp - _FULL_WIDTH_OFFSET for cp in range(_FULL_WIDTH[0], _FULL_WIDTH[1] + 1)}
_WIDTH.update(_WIDTH_SINGLES)
# Every kind of space a web page uses (nbsp, en/em spaces, zero-width) becomes one space.
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200b\u202f\u205f\u2060\ufeff]+")


def normalize_line(line: str) -> str:
    """Fold full-width ASCII to half-width, collapse whitespace and strip the line.

    Examples
    --------
    >>> normalize_line("\u3000\u3000（一）完善机制，统筹建设。")
    '(一)完善机制,统筹建设。'
    """
    return _tidy(line.translate(_WIDTH))


def _tidy(line: str) -> str:
    # Every run of spaces becomes one space, and the ends are stripped.
    return _SPACES.sub(" ", line).strip()


def normalize_lines(text: str) -> list[str]:
    """Split raw text into normalized lines, keeping empty lines as ``""``."""
    # The widths are folded once for the whole text, as normalize_line folds a line: the
    # fold maps no character to or from a line break, so the lines are the same.
    folded = _fold_width(text)
    return [_tidy(line) for line in re.split(r"\r\n|\r|\n|\u2028|\u2029", folded)]


def _fold_width(text: str) -> str:
    # str.translate with _WIDTH, over code points in numpy: translate looks each character
    # up in the dict (160 ns a character, 3% of a build); this is a few ns. Lone surrogates
    # (from a lenient decoder) pass through unchanged.
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    full = (codes >= _FULL_WIDTH[0]) & (codes <= _FULL_WIDTH[1])
    codes[full] -= _FULL_WIDTH_OFFSET
    for source, target in _WIDTH_SINGLES.items():
        codes[codes == source] = target
    return codes.tobytes().decode("utf-32-le", "surrogatepass")


# --- page chrome --------------------------------------------------------------------

# Keys of the metadata blocks that sites put above the article; the value follows a colon
# (发布日期: 2024-03-26) or the key is bracketed ([ 发布日期 ] 2025-01-16).
META_KEYS = (
    "发布日期", "发布时间", "成文日期", "公文生成日期", "生成日期", "更新时间", "更新日期",
    "印发日期", "发文日期", "发文时间", "公开日期", "公开时间", "日期", "时间", "发布机构",
    "发布单位", "发文机关", "文章来源", "信息来源",
    "来源", "作者", "责任编辑", "编辑", "字号", "点击率", "点击数", "点击量", "浏览次数",
    "浏览量", "阅读次数", "访问次数", "索引号", "发文字号", "备注/文号", "文号", "主题分类",
    "体裁分类", "信息分类", "组配分类", "有效性", "文种", "主题词", "关键词", "所属机构",
    "公开方式", "公开范围", "公开时限", "服务对象", "发布人", "有效期", "废止日期",
)
_KEY_SPACED = r"(?:" + "|".join(
    r"\s*".join(re.escape(ch) for ch in k) for k in sorted(META_KEYS, key=len, reverse=True)
) + r")"
_META_START = re.compile(r"^[-•·*\s]*(?:\[\s*(?P<bkey>" + _KEY_SPACED + r")\s*\]|(?P<key>"
                         + _KEY_SPACED + r")\s*[::])")
_META_ANY = re.compile(r"(?:\[\s*(?P<bkey>" + _KEY_SPACED + r")\s*\]|(?P<key>" + _KEY_SPACED
                       + r")\s*[::])")

_CHROME_LINE = [
    (re.compile(r"^(?:您)?(?:当前|现在|所在)(?:的)?位置|^当前页面|^所在位置"), "breadcrumb"),
    (re.compile(r"^\S{0,12}(?:\s*[>›»]\s*\S{1,20}){2,}$"), "breadcrumb"),
    (re.compile(r"^今天是"), "date banner"),
    # A widget line is short and is not a sentence: 微信扫一扫, 扫一扫在手机打开当前页. A body
    # sentence may mention the same words (群众微信扫一扫即可办理。) and must stay.
    (re.compile(r"^[^,。;!?]{0,30}(?:扫一扫|在手机(?:上)?打开|手机扫码|扫描二维码|用手机扫|微信扫)"
                r"[^,。;!?]{0,30}$"), "share widget"),
    (re.compile(r"^[•·\-\s]*分享(?:到)?\s*[::]?\s*$|^分享到"), "share widget"),
    (re.compile(r"^附件下载\s*[::]?$|^相关附件\s*[::]?$"), "download link"),
    (re.compile(r"^(?:【\s*)?(?:打印(?:本页|此页)?|关闭(?:窗口|本页)?|收藏|纠错|返回顶部|"
                r"语音播报|朗读|加入收藏|我要纠错)(?:\s*】)?(?:\s*[【\[]?\s*(?:打印|关闭|收藏|"
                r"纠错|返回顶部)\s*[】\]]?)*$"), "page tool"),
    (re.compile(r"^字号\s*[::]?\s*(?:[大中小]\s*){0,3}$|^【?\s*字体\s*[::]?.*[大中小]\s*】?$"),
     "page tool"),
    (re.compile(r"^(?:上一篇|下一篇|上一条|下一条)\s*[::]"), "page navigation"),
    (re.compile(r"版权所有|主办(?:单位)?\s*[::]|承办(?:单位)?\s*[::]|技术支持\s*[::]|ICP\s*备|"
                r"公网安备|网站标识码|网站地图|联系我们|政府网站找错|无障碍浏览|适老化|关于本站|"
                r"网站声明|隐私声明|^[^,。]*邮编\s*[::]?\s*\d{6}[^,。]*$"), "footer"),
    (re.compile(r"^\S.*(?:\s*\|\s*\S[^|]*){2,}$"), "link bar"),
    (re.compile(r"^(?:重点链接|友情链接|相关链接|相关文章|相关阅读|相关新闻|热点推荐|"
                r"政务新媒体|专题专栏)\s*[::]?$"), "footer"),
    (re.compile(r"^[\u4e00-\u9fff、·]{2,20}(?:网站|政府网|门户网|政务网|网站群)$"), "footer"),
    # A line made only of page-tool words: 打印本页 关闭窗口, 【我要打印】【关闭】, 扫码查看.
    (re.compile(r"^(?:打印本页|打印此页|我要打印|打印|关闭窗口|关闭本页|关闭|收藏本页|加入收藏|收藏|"
                r"我要纠错|纠错|返回顶部|扫码查看|扫一扫|网站首页|视力保护色|字号|默认|朗读|"
                r"语音播报|[大中小])+$"), "page tool"),
]
# Footer and link-bar words can occur in a body sentence (the Tianjin report gives its
# address and 邮编 in its preamble); they mark chrome only on a short line.
_SHORT_ONLY = {"footer", "link bar"}
_SHORT = 80


@dataclass
class Chrome:
    """Facts taken from page chrome, and the lines removed with the reason for each."""

    facts: dict[str, str] = field(default_factory=dict)
    removed: list[tuple[int, str, str]] = field(default_factory=list)


def parse_meta_line(line: str) -> dict[str, str] | None:
    """Parse a metadata line such as ``来源 :海沧城管局 时间:2024-03-11 11:05``.

    Returns
    -------
    dict or None
        Key -> value (empty values kept as ""), or None when the line is not a metadata line.
    """
    if not _META_START.match(line):
        return None
    matches = list(_META_ANY.finditer(line))
    facts: dict[str, str] = {}
    for i, m in enumerate(matches):
        key = re.sub(r"\s+", "", m.group("bkey") or m.group("key"))
        stop = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        value = line[m.end() : stop].strip(" -•·|")
        facts.setdefault(key, value)
    # A metadata line is short; a prose sentence that starts with 时间: is not chrome.
    values = "".join(facts.values())
    if len(values) > 80 or re.search(r"[。;]", values):
        return None
    return facts


# Page templates (政府信息公开) also print their metadata block as a table, a row per line:
# | 发布机构 | 武侯区城市管理局 |, 发布机构 | 武侯区城市管理局, or, with the cells' tab
# collapsed, 发布机构 武侯区城市管理局; and as a bullet list of bare values,
# • 索引号 • 法制 • 工作报告 • 某区司法局 • 2024-03-15. These forms are read only before
# the body starts: inside the body a line of that shape may be report text.
_KEY_CELL = re.compile(r"^" + _KEY_SPACED + r"$")
_DATE_CELL = re.compile(r"^(?:19|20)\d{2}(?:[-./年]\d{1,2}(?:[-./月]\d{1,2}日?)?)"
                        r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ORGANISATION_CELL = re.compile(r"^[\u4e00-\u9fff()]{2,30}(?:人民政府|办事处|委员会|管委会|"
                                r"办公室|办公厅|局|厅|委|部|署|院|中心|镇|乡|街道)$")


def _parse_table_row(line: str) -> dict[str, str] | None:
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) < 2:
        # 发布机构 武侯区城市管理局: a two-cell row whose tab became a space.
        m = re.match(r"^(" + _KEY_SPACED + r")\s+(\S[^。;]{0,40})$", line)
        if not m or "[" in line or re.search(r"[::]", m.group(1)):
            return None
        cells = [m.group(1), m.group(2)]
    facts: dict[str, str] = {}
    k = 0
    while k < len(cells) - 1:
        if _KEY_CELL.match(cells[k]) and not _KEY_CELL.match(cells[k + 1]):
            facts.setdefault(re.sub(r"\s+", "", cells[k]), cells[k + 1])
            k += 2
        else:
            k += 1
    return facts or None


def _parse_bullets(line: str) -> dict[str, str] | None:
    items = [c.strip() for c in re.split(r"[•·]", line) if c.strip()]
    if len(items) < 3 or not any(_KEY_CELL.match(item) for item in items):
        return None
    facts: dict[str, str] = {}
    # A bare date in the block is the page's date; its organisation is who published it.
    if date := next((item for item in items if _DATE_CELL.match(item)), None):
        facts["日期"] = date
    if organisation := next((item for item in items if not _KEY_CELL.match(item)
                             and _ORGANISATION_CELL.match(item)), None):
        facts["发布机构"] = organisation
    return facts or None


def parse_header_meta_line(line: str) -> dict[str, str] | None:
    """Parse a metadata line of the page header, in any layout page templates use.

    Besides :func:`parse_meta_line`'s ``键:值`` and ``[ 键 ] 值`` forms: table rows
    (``| 发布机构 | 武侯区城市管理局 |``, several pairs per row) and bullet lists of bare values
    (``• 索引号 • 法制 • 某区司法局 • 2024-03-15``, whose date is read as ``日期`` and
    organisation as ``发布机构``).

    Returns
    -------
    dict or None
        Key -> value, or None when the line is not a metadata line.
    """
    facts = parse_meta_line(line)
    if facts is not None:
        return facts
    facts = _parse_bullets(line) if re.match(r"^\s*[•·]", line) else _parse_table_row(line)
    if facts is None or len("".join(facts.values())) > 80:
        return None
    return facts


# The lead of a repost (中新网3月30日电 据交通运输部网站消息,交通运输部发布…全文如下:):
# the reposting site's words before the report, read only in the header.
REPOST_LEAD = re.compile(
    r"^[^,。]{0,12}?(?:网|社|报|台|新闻|客户端)\s*(?:\d{4}年)?\d{1,2}月\d{1,2}日\s*电"
    r"|^据[^,。]{2,30}(?:网站|官网|公众号|客户端)消息"
    # Not 报告如下: 现将我局2023年法治政府建设情况报告如下: opens many reports themselves.
    r"|^[^。]{0,60}(?:全文如下|原文如下)\s*[::]?$")


def classify_chrome(line: str, *, header: bool = False) -> str | None:
    """Name the kind of page chrome a normalized line is, or None for a body line.

    ``header=True`` also reads what only a page header has: metadata tables and bullet
    lists (:func:`parse_header_meta_line`) and the lead of a repost."""
    if not line:
        return None
    if (parse_header_meta_line(line) if header else parse_meta_line(line)) is not None:
        return "metadata"
    if header and len(line) <= 200 and REPOST_LEAD.search(line):
        return "repost lead"
    bare = re.sub(r"[【】\[\]()|:\s]", "", line)
    for pattern, kind in _CHROME_LINE:
        if kind in _SHORT_ONLY and len(line) > _SHORT:
            continue
        if pattern.search(bare if kind == "page tool" else line):
            return kind
    return None


# --- where the body starts and ends ------------------------------------------------

HEADING_1 = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|第[一二三四五六七八九十]{1,3}(?:部分|章)"
                       r"|[IVX]{1,4}\s*[、.])")
HEADING_2 = re.compile(r"^[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）]")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*\d{1,4}\s*号$")
_ADDRESSEE = re.compile(r"^[^。;,]{0,4}[\u4e00-\u9fff、,]{2,60}"
                        r"(?:委员会|委|政府|人大常委会|领导|同志|办公室|局|办|处)[::]$")
_PROSE = re.compile(r"[,。;:、]")


def is_body_start(line: str) -> bool:
    """Whether a header-region line already belongs to the report body."""
    if not line or classify_chrome(line, header=True):
        return False
    if HEADING_1.match(line) or HEADING_2.match(line):
        return True
    if _ADDRESSEE.match(line):
        return True
    if re.match(r"^\d{4}\s*年(?:度|以来)?\s*[,,]", line):
        return True
    return len(line) >= 40 and bool(_PROSE.search(line))


@dataclass
class Page:
    """A report split into header, body and chrome.

    ``body`` and ``header`` hold ``(raw_line_number, text)`` pairs, 0-based, so every body
    line can be traced back to the raw file.
    """

    header: list[tuple[int, str]]
    body: list[tuple[int, str]]
    chrome: Chrome


# A report title inside a longer line: after a site banner or watermark
# (…每日更新www.example.com河南省人民政府关于2023年度法治政府建设情况的报告), or run into the
# opening (…情况报告2024年,大坪乡在…). The title is a run of Han characters through a year and
# a rule-of-law phrase to 报告.
_RUN_IN_TITLE = re.compile(
    r"(?P<title>[\u4e00-\u9fff]{2,40}?(?:关于)?(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年度?"
    r"[\u4e00-\u9fff]{0,16}?(?:法治政府|依法行政|法治建设)[\u4e00-\u9fff]{0,20}?报告)")
_OPENER = re.compile(r"^(?:(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年(?:度|以来)?\s*[,,]|"
                     r"[一二三四五六七八九十]+、|现将|近年来|今年以来)")
_RUN_IN_LINES = 40  # only the top of a page holds its title


def split_run_in_title(line: str) -> list[str]:
    """Split a title off the banner before it or the opening after it.

    Returns
    -------
    list of str
        ``[banner, title, opening]`` without the empty parts, or ``[line]`` when the line
        holds no run-in title. Only a title that a non-Han character precedes (a URL, a
        space) or that the report's opening follows is split: 现将我局2023年度法治政府建设情况
        报告如下 is a sentence, not a title.
    """
    # The pattern backtracks over every Han run; a line without its fixed words cannot match.
    if "报告" not in line or "年" not in line or not any(
            phrase in line for phrase in ("法治政府", "依法行政", "法治建设")):
        return [line]
    for m in _RUN_IN_TITLE.finditer(line):
        before, after = line[: m.start()], line[m.end():]
        if not before and not after:
            return [line]
        banner = bool(before) and not re.match(r"[\u4e00-\u9fff]", before[-1])
        opening = bool(after) and bool(_OPENER.match(after))
        if (banner or not before) and (opening or not after):
            return [part.strip() for part in (before, m.group("title"), after) if part.strip()]
    return [line]


def split_page(lines: list[str]) -> Page:
    """Separate normalized lines into header, body and chrome.

    The header is everything before the first body-like line (title, metadata block,
    breadcrumbs, document number, channel labels). The footer is the run of chrome
    lines at the end (download links, share widgets, link blocks). Chrome lines met
    inside the body (a metadata or share line) are removed too; every removal is
    recorded with its reason.

    Returns
    -------
    Page
    """
    chrome = Chrome()
    # A title run into a banner or into the opening is split off first; its parts keep the
    # raw line's number, so every body line still traces back to the file.
    numbered = [(i, part) for i, line in enumerate(lines) if line
                for part in (split_run_in_title(line) if i < _RUN_IN_LINES else [line])]
    start = next((k for k, (_, line) in enumerate(numbered) if is_body_start(line)), None)
    if start is None:
        start = len(numbered)
    header: list[tuple[int, str]] = []
    for i, line in numbered[:start]:
        kind = classify_chrome(line, header=True)
        if kind == "metadata":
            for key, value in (parse_header_meta_line(line) or {}).items():
                chrome.facts.setdefault(key, value)
        elif kind == "repost lead":
            chrome.facts.setdefault("repost", line)
        if kind:
            chrome.removed.append((i, line, kind))
        else:
            header.append((i, line))
    end = len(numbered)
    while end > start:
        i, line = numbered[end - 1]
        kind = classify_chrome(line)
        if not kind:
            break
        chrome.removed.append((i, line, kind))
        end -= 1
    body: list[tuple[int, str]] = []
    for i, line in numbered[start:end]:
        kind = classify_chrome(line)
        if kind in {"metadata", "breadcrumb", "share widget", "download link", "page tool",
                    "date banner"}:
            if kind == "metadata":
                for key, value in (parse_meta_line(line) or {}).items():
                    chrome.facts.setdefault(key, value)
            chrome.removed.append((i, line, kind))
            continue
        body.append((i, line))
    chrome.removed.sort()
    return Page(header=header, body=body, chrome=chrome)


def is_doc_number(line: str) -> bool:
    """Whether a line is a document number such as 将镛委〔2025〕5号."""
    return bool(_DOC_NUMBER.match(line))
