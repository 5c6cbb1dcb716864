"""Saved web pages (``.html``, ``.htm``, and a ``.txt`` that is really a page).

Decoded by the same detection as text, the ``<meta charset>`` serving only to break a tie.
trafilatura finds the article; its container is then read line by line like a browser's
``innerText``, so headings, short lines, the signature and the date stay. The page's
title, ``<meta>`` publication date and source, its printed 发布日期/来源 block and its
canonical URL go with it.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

from analysis.ingest.normalize import (
    classify_chrome,
    normalize_line,
    parse_meta_line,
)
from analysis.ingest.readers.base import CJK as _CJK
from analysis.ingest.readers.base import Document, Format, UnreadableFile
from analysis.ingest.readers.decoding import common_share, decode_bytes

__all__ = ["FORMAT", "HTML_SUFFIXES", "declared_charset", "decode_html", "looks_like_html",
           "read_html", "sniff"]

if TYPE_CHECKING:
    from lxml.html import HtmlElement

HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".xht")
_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|meta|title|base|link|style|script)\b",
    re.IGNORECASE | re.DOTALL,
)


def _head_text(data: bytes) -> str:
    # The first bytes as text, good enough to see markup whatever the encoding.
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:200]:
        order = "utf-16-be" if head.startswith(codecs.BOM_UTF16_BE) or head[:1] == b"\x00" \
            else "utf-16-le"
        return head.decode(order, errors="ignore").lstrip("\ufeff")
    return head.decode("latin-1").removeprefix("\xef\xbb\xbf")



_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def _codec(name: str) -> str | None:
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    # The whole GB family is read as GB18030 (see decode_bytes); utf-8-sig is utf-8.
    return {"gb2312": "gb18030", "gbk": "gb18030", "hz": "gb18030",
            "utf-8-sig": "utf-8"}.get(canonical, canonical)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in ``<meta charset>``, http-equiv or ``<?xml encoding>``."""
    head = data[:8192]
    m = _CHARSET.search(head) or _XML_ENCODING.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def decode_html(data: bytes, *, declared: str | None = None) -> tuple[str, str, list[str]]:
    """Decode a web page by detection; the declared charset only breaks a tie.

    Pages from Chinese government sites often declare utf-8 while serving GBK, or
    gb2312 while serving UTF-8. Strict UTF-8 and byte-order marks are never wrong, so they
    win outright; otherwise the declaration is used only when it decodes the page strictly
    and reads at least as much common Chinese text as the detected encoding.

    Parameters
    ----------
    data : bytes
        The page.
    declared : str, optional
        A charset declared outside the page (the MIME part of an MHTML archive); by
        default the page's own declaration.

    Returns
    -------
    (text, encoding, warnings)
        ``warnings`` names a non-UTF-8 encoding and a declaration that was wrong.
    """
    text, encoding, warnings = decode_bytes(data)
    declared = declared or declared_charset(data)
    if not declared:
        return text, encoding, warnings
    wanted, used = _codec(declared), _codec(encoding)
    if wanted is None:
        warnings.append(f"declared charset {declared} is unknown")
        return text, encoding, warnings
    if wanted == used or used is None:
        return text, encoding, warnings
    by_detection = encoding not in ("utf-8", "utf-8-sig", "utf-32") and not any(
        w.endswith("(BOM)") for w in warnings)
    if by_detection:
        try:
            alternative = data.decode(wanted)
        except (UnicodeDecodeError, LookupError):
            alternative = None
        if alternative is not None and common_share(alternative) >= common_share(text):
            note = wanted.upper() if wanted == "gb18030" else wanted
            return alternative, wanted, [f"encoding {note} (declared)"]
    warnings.append(f"declared charset {declared} is wrong; decoded as {encoding}")
    return text, encoding, warnings


# <meta> names for the publication date and the source, in order of trust. PubDate and
# ContentSource are the names the national guideline for government sites prescribes.
_DATE_META = ("pubdate", "firstpublishedtime", "publishdate", "publish_date", "publishtime",
              "article:published_time", "og:release_date", "datepublished", "dc.date.issued",
              "dcterms.issued", "dc.date", "releasedate", "release_date")
_SOURCE_META = ("contentsource", "source", "dc.publisher")
_TITLE_META = ("articletitle", "og:title", "dc.title")
_URL_META = ("og:url", "url", "dc.identifier")
_SKIP_TAGS = frozenset("""script style noscript template head title select option button
    textarea iframe object embed svg canvas map audio video datalist""".split())
_BLOCK_TAGS = frozenset("""address article aside blockquote body caption center dd details
    dialog dir div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup
    hr legend li main menu nav ol p pre section summary table tbody tfoot thead tr ul""".split())
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CJK_TEXT = _CJK + "\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"
_SOURCE_BREAK = re.compile("(?<=[" + _CJK_TEXT + "])\x01+(?=[" + _CJK_TEXT + "])")


def _source_whitespace(text: str) -> str:
    return re.sub(r"[ \t\r\n\f]+", lambda m: "\x01" if "\n" in m.group(0) else " ", text)


def _render_lines(root: HtmlElement, *, stop: HtmlElement | None = None) -> list[str]:
    """The visible text of an element, one line per block, like a browser's innerText.

    Block elements and ``<br>`` break lines; table cells are separated by a tab, so a data
    table gives one line per row. Hidden elements, scripts and form controls are skipped.
    With ``stop``, rendering ends where that element begins.
    """
    parts: list[str] = []
    stopped = False

    def walk(el: HtmlElement) -> None:
        nonlocal stopped
        if el is stop:
            stopped = True
            return
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if tag is not None and tag not in _SKIP_TAGS and not (
                el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or "")):
            if tag == "br":
                parts.append("\n")
            elif tag in _BLOCK_TAGS:
                parts.append("\n")
            elif tag in ("td", "th"):
                parts.append("\t")
            if el.text and tag != "br":
                parts.append(_source_whitespace(el.text))
            for child in el:
                walk(child)
                if stopped:
                    return
            if tag in _BLOCK_TAGS:
                parts.append("\n")
        if el.tail:
            parts.append(_source_whitespace(el.tail))

    walk(root)
    text = _SOURCE_BREAK.sub("", "".join(parts)).replace("\x01", " ")
    lines = []
    for line in text.split("\n"):
        line = line.strip(" \t")
        if line.strip():
            lines.append(line)
    return lines


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", normalize_line(text))


def _is_prose(line: str) -> bool:
    normalized = normalize_line(line)
    return (len(_compact(normalized)) >= 20 and bool(re.search(r"[,。;:、]", normalized))
            and classify_chrome(normalized) is None)


def _content_root(body: HtmlElement, extracted: list[str]) -> HtmlElement | None:
    """The element holding the article: the deepest one that holds the first and the last
    prose paragraph the extractor found, in that order."""
    # The extractor writes table cells between pipes; they are no part of the page text.
    anchors = [_compact(line.replace("|", " ")) for line in extracted
               if _is_prose(line.replace("|", " "))]
    if not anchors:
        return None

    def deepest(head: str, tail: str) -> HtmlElement | None:
        best, best_depth = None, -1
        depth: dict = {}
        for el in body.iter():
            if not isinstance(el.tag, str):
                continue
            depth[el] = depth.get(el.getparent(), -1) + 1
            if depth[el] <= best_depth or el.tag.lower() in _SKIP_TAGS:
                continue
            text = _compact(el.text_content())
            at = text.find(head)
            if at >= 0 and text.rfind(tail) >= at:
                best, best_depth = el, depth[el]
        return best

    # Whole paragraphs first; their ends if the extractor changed a paragraph's inside.
    root = deepest(anchors[0], anchors[-1])
    if root is None:
        root = deepest(anchors[0][:16], anchors[-1][-16:])
    # A single paragraph is not the article: its block container is.
    while root is not None and root.tag.lower() in _INLINE_OR_LEAF \
            and root.getparent() is not None:
        root = root.getparent()
    return root


_INLINE_OR_LEAF = frozenset("""p span font strong b em i u a h1 h2 h3 h4 h5 h6 li dd dt
    label small big sub sup""".split())


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if key and value:
            found.setdefault(key, value)
    return found


def _page_title_parts(title: str) -> str:
    # "报告标题_栏目_网站名" or "网站名-报告标题": the longest part is the article's title.
    parts = [p.strip() for p in re.split(r"\s*(?:_|\||｜|\s-\s|--|——)\s*", title) if p.strip()]
    return max(parts, key=len) if parts else ""


def read_html(data: bytes, *, declared: str | None = None) -> Document:
    """Read a saved web page.

    The main-content extractor trafilatura (``favor_recall``, tables included) finds the
    article; its container in the page is then read line by line, which keeps the headings
    and short lines (signature, date) that the extractor sometimes drops. Before it come
    the article title and the printed metadata lines (发布日期, 来源…) found above the
    article, as on the page.

    Returns
    -------
    Document
        ``format`` html; ``meta`` with ``url``, ``page_title`` and the ``<meta>`` facts
        发布日期 (PubDate, firstpublishedtime, article:published_time…) and 来源
        (ContentSource).

    Raises
    ------
    UnreadableFile
        For an empty or unparsable page.
    """
    import trafilatura
    from lxml import etree
    from lxml import html as lxml_html

    text, encoding, warnings = decode_html(data, declared=declared)
    try:
        # huge_tree: without it libxml2 silently drops what is nested deeper than about
        # 255 elements, and some CMS pages nest their article that deep.
        parser = lxml_html.HTMLParser(huge_tree=True)
        tree = lxml_html.document_fromstring(_XML_DECLARATION.sub("", text, count=1),
                                             parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFile(f"HTML page cannot be parsed ({exc})") from None
    tags = _meta_tags(tree)
    meta: dict[str, str] = {}
    page_title = " ".join((tree.findtext(".//title") or "").split())
    if page_title:
        meta["page_title"] = page_title
    canonical = next((el.get("href") for el in tree.iter("link")
                      if "canonical" in (el.get("rel") or "").lower() and el.get("href")), None)
    url = canonical or next((tags[k] for k in _URL_META if k in tags), None)
    if url:
        meta["url"] = url.strip()
    date = next((tags[k] for k in _DATE_META if k in tags), None)
    if date:
        meta["发布日期"] = date
    source = next((tags[k] for k in _SOURCE_META if k in tags), None)
    if source:
        meta["来源"] = source
    article_title = next((tags[k] for k in _TITLE_META if k in tags), None) \
        or _page_title_parts(page_title)

    body = tree.find(".//body")
    if body is None:
        body = tree
    extracted = trafilatura.extract(
        _copy(tree), output_format="txt", include_tables=True, favor_recall=True,
        include_comments=False, include_images=False, include_links=False,
        include_formatting=False, deduplicate=False, with_metadata=False,
    ) or ""
    extracted_lines = [line for line in extracted.splitlines() if line.strip()]
    root = _content_root(body, extracted_lines)
    if root is not None:
        header = _render_lines(body, stop=root)
        lines = _render_lines(root)
    elif extracted_lines:
        header, lines = [], [line.replace("| ", "\t").strip("|\t ") for line in extracted_lines]
        warnings.append("article container not found; the extractor's text was used")
    else:
        header, lines = [], _render_lines(body)
        warnings.append("no main content found; the whole page text was read")

    top: list[str] = []
    compact_title = _compact(article_title) if article_title else ""
    title_at = None
    if compact_title:
        title_at = next((k for k, line in enumerate(header)
                         if _compact(line) == compact_title
                         or (len(_compact(line)) >= 10 and _compact(line) in compact_title)),
                        None)
        in_article = any(compact_title in _compact(line) for line in lines[:5])
        if not in_article:
            top.append(header[title_at] if title_at is not None else article_title)
    # The printed metadata block sits between the title and the article; lines above the
    # title (date banners, sidebars) are left out.
    for line in header[(title_at + 1 if title_at is not None else 0):]:
        if parse_meta_line(normalize_line(line)) is not None:
            top.append(line)
    return Document(text="\n".join(top + lines), format="html", encoding=encoding,
                    warnings=warnings, meta=meta)


def _copy(tree: HtmlElement) -> HtmlElement:
    # trafilatura prunes the tree it is given.
    import copy

    return copy.deepcopy(tree)



def looks_like_html(text: str) -> bool:
    """Whether decoded text starts like a web page (doctype, <html>, <head>, <meta>…)."""
    return bool(_HTML_START.match(text.lstrip("\ufeff")))


def sniff(data: bytes, suffix: str) -> bool:
    """Markup at the start, or a page fragment with tags under an HTML suffix."""
    head = _head_text(data)
    if _HTML_START.match(head):
        return True
    return suffix in HTML_SUFFIXES and bool(
        re.search(r"<(?:p|div|br|span|table|h\d)\b", head, re.I))


FORMAT = Format(name="html", suffixes=HTML_SUFFIXES, sniff=sniff,
                read=lambda data, limits: read_html(data), label="web pages")
