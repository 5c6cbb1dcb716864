"""Read one input file into text: detect its format and encoding.

Users collect these reports as saved web pages, as the DOCX or PDF attachments under
附件下载, and only rarely as text copied by hand. Every format becomes the same
:class:`Document`: the text a person copying the document would get, one paragraph or
heading per line in reading order, plus what the file says about itself (``meta``). The
normalizer, the page-chrome rules and the segmenter then work the same on every format.

- **Plain text** is decoded by detection (UTF-8 with or without BOM, UTF-16, GB18030/GBK
  and others through charset-normalizer), because pages saved from Chinese government
  sites are often GBK and their declared charset is not to be trusted.
- **HTML** (``.html``, ``.htm``, a ``.txt`` that is really a page, and single-file
  ``.mhtml`` archives) is decoded by the same detection, the ``<meta charset>`` serving
  only to break a tie. trafilatura finds the article; its container is then read line by
  line like a browser's ``innerText``, so headings, short lines, the signature and the
  date stay. The page's title, ``<meta>`` publication date and source, its printed
  发布日期/来源 block and its canonical URL go with it.
- **DOCX** is read with python-docx in document order: paragraphs (with Word's automatic
  list numbers such as 一、 written out), and tables one row per line, cells joined by a
  tab as Word itself puts them on the clipboard.
- **PDF** is read from its text layer with PDFium (pypdfium2). Running headers, footers and
  page numbers are removed, pages are joined, and lines that the layout wrapped are joined
  back into paragraphs. A PDF without a text layer raises :class:`UnreadableFile`.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import math
import re
import statistics
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.normalizing import (
    HEADING_1,
    HEADING_2,
    classify_chrome,
    normalize_line,
    parse_meta_line,
)

if TYPE_CHECKING:
    from lxml.etree import _Element as XmlElement
    from lxml.html import HtmlElement

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".xht")
MHTML_SUFFIXES = (".mht", ".mhtml")
DOCX_SUFFIXES = (".docx", ".docm")
PDF_SUFFIXES = (".pdf",)
NO_TEXT_LAYER = "no text layer (scanned PDF?); OCR needed"


class UnreadableFile(ValueError):
    """A file that cannot become a report; the message is the reason shown in files.csv."""


_MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Caps that keep the memory of reading one file bounded, whatever the file.

    A real report is 10 KB to 2 MB of text; its DOCX or PDF attachment rarely passes 20 MB.
    A file over a cap is skipped with a reason that names the cap, before it is read (or,
    for the extracted text of a PDF, as soon as the text passes it). Processing is linear
    in a file's size, at about 1.5 s and 65 MB of memory per MB of text, so the defaults
    keep one worker under about 2 GB.

    Attributes
    ----------
    max_file_bytes : int
        Any input file's size on disk (default 256 MiB: PDFs with scanned images are large,
        and only their text layer is kept).
    max_text_bytes : int
        A plain-text, HTML or MHTML file's size, and the text extracted from a DOCX or PDF
        as UTF-8 (default 24 MiB).
    max_unpacked_bytes : int
        The inflated size of the XML parts of a DOCX, read from the ZIP directory before
        anything is inflated (default 64 MiB); images and other binary parts are never
        inflated. This is what stops a zip bomb.
    """

    max_file_bytes: int = 256 * _MIB
    max_text_bytes: int = 24 * _MIB
    max_unpacked_bytes: int = 64 * _MIB


DEFAULT_LIMITS = Limits()


def _mib(n: int) -> str:
    # 64 MiB, 0.5 MiB, 12 KiB: a size as a person reads it in a reason.
    if n < _MIB // 10:
        return f"{n / 1024:.0f} KiB"
    return f"{n // _MIB} MiB" if n % _MIB == 0 else f"{n / _MIB:.1f} MiB"


@dataclass
class Document:
    """The text of one input file, before normalization.

    ``format`` is one of txt, html, docx, pdf. ``meta`` holds what the file itself says
    beyond its text: ``url`` (canonical URL), ``page_title`` (an HTML ``<title>``, or the
    title property of a DOCX or PDF), and page facts under the keys the normalizer uses for
    metadata lines (发布日期, 来源…), which inference treats like a printed metadata block.
    The creation and modification dates of a DOCX or PDF are kept as ``created`` and
    ``modified`` only: they are the dates of a file (often of its template), never the
    publication date.
    """

    text: str
    format: str
    encoding: str | None
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    sha256: str | None = None


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Chinese single-byte-looking guesses are all read with GB18030, the superset of GB2312 and GBK.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "hz_gb_2312", "cp936", "euc_cn"}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


_READABLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u206f\x20-\x7e\s]")


def _readable_share(text: str) -> float:
    return len(_READABLE.findall(text)) / max(1, len(text))


def _common_share(text: str) -> float:
    # Share of characters that are ASCII or in GB2312, the 6,763 common simplified hanzi
    # plus punctuation: high for a correct decoding of a mainland report, low for mojibake.
    common = 0
    for ch in text:
        if ch < "\x80":
            common += 1
            continue
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / max(1, len(text))


def decode_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Decode raw bytes by detection.

    Returns
    -------
    (text, encoding, warnings)
        ``warnings`` says when the file was not UTF-8.

    Raises
    ------
    UnreadableFile
        For an empty or binary file, with the reason.
    """
    if not data.strip(b" \t\r\n\x00"):
        raise UnreadableFile("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            warnings = [] if encoding == "utf-8-sig" else [f"encoding {encoding} (BOM)"]
            try:
                return data.decode(encoding), encoding, warnings
            except UnicodeDecodeError:
                # The BOM says what the file is: a few bad bytes are replaced, never a
                # reason to drop the report.
                text = data.decode(encoding, errors="replace")
                bad = text.count("\ufffd")
                return text, encoding, [*warnings, _replaced(bad, encoding)]
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    if b"\x00" not in data:
        # UTF-8 with a few broken bytes (a truncated download, one bad copy): replacing them
        # keeps the report. GBK text read as UTF-8 breaks on nearly every Chinese character,
        # so a handful of errors in a long text cannot be a GBK file.
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - data.count("\ufffd".encode())
        if 0 < bad <= max(3, len(text) // 2000):
            return text, "utf-8", [_replaced(bad, "UTF-8")]
    if b"\x00" in data:
        # UTF-16 without a BOM: Chinese text has few NUL bytes, so judge each byte order by
        # how much of the decoded text is readable.
        scored = []
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            scored.append((_readable_share(text), encoding, text))
        if scored:
            share, encoding, text = max(scored)
            if share > 0.95:
                return text, encoding, [f"encoding {encoding} (detected, no BOM)"]
        raise UnreadableFile("binary file (NUL bytes; not a text report)")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    detected = best.encoding.lower() if best is not None else "none"
    # Detectors misjudge short Chinese texts (a GBK title reads as Korean), so the guess is
    # checked against GB18030 by how much of each decoding is common Chinese text.
    options = []
    for encoding in dict.fromkeys(
            ["gb18030" if detected in _GB_FAMILY else detected, "gb18030"]):
        if encoding == "none":
            continue
        try:
            decoded = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        options.append((_common_share(decoded), encoding == "gb18030", encoding, decoded))
    if not options:
        raise UnreadableFile("binary file (no text encoding fits)")
    _, _, encoding, text = max(options)
    if len(_CONTROL.findall(text)) > max(3, len(text) // 200):
        raise UnreadableFile("binary file (control characters)")
    note = encoding.upper() if encoding == "gb18030" else encoding
    label = f"encoding {note}" + (f" (detected {detected})" if detected != encoding else "")
    return text, encoding, [label]


def _replaced(n: int, encoding: str) -> str:
    return (f"encoding {encoding} with {n} invalid byte sequence{'s' if n > 1 else ''} "
            "replaced by U+FFFD")


# --- which format ---------------------------------------------------------------------

_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|meta|title|base|link|style|script)\b",
    re.IGNORECASE | re.DOTALL,
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"),
                (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"BM", "BMP"))


def _head_text(data: bytes) -> str:
    # The first bytes as text, good enough to see markup whatever the encoding.
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:200]:
        order = "utf-16-be" if head.startswith(codecs.BOM_UTF16_BE) or head[:1] == b"\x00" \
            else "utf-16-le"
        return head.decode(order, errors="ignore").lstrip("\ufeff")
    return head.decode("latin-1").removeprefix("\xef\xbb\xbf")


def detect_format(path: Path | str, data: bytes) -> tuple[str, list[str]]:
    """Decide a file's format from its content first and its extension second.

    Returns
    -------
    (format, warnings)
        ``format`` is txt, html, mhtml, docx or pdf; ``warnings`` says when the content
        contradicts the extension (a ``.txt`` that holds an HTML page).

    Raises
    ------
    UnreadableFile
        For an empty file, and for formats that are recognised but not read, with the reason
        (legacy Word 97-2003 or WPS, OFD, images, other ZIP packages, RTF, unknown).
    """
    suffix = Path(path).suffix.lower()
    if not data.strip(b" \t\r\n\x00"):
        raise UnreadableFile("empty file")
    fmt: str | None = None
    if b"%PDF-" in data[:1024]:
        fmt = "pdf"
    elif data.startswith(b"PK\x03\x04"):
        fmt = _zip_format(data, suffix)
    elif data.startswith(_OLE2):
        raise UnreadableFile(
            "legacy Word 97-2003 or WPS document (.doc/.wps): save it as .docx or PDF")
    elif data.startswith(b"{\\rtf"):
        raise UnreadableFile("RTF document: save it as .docx or PDF")
    else:
        for magic, kind in _IMAGE_MAGIC:
            if data.startswith(magic) and suffix not in TEXT_SUFFIXES + HTML_SUFFIXES:
                raise UnreadableFile(f"{kind} image, not a text document; OCR needed")
        head = _head_text(data)
        if suffix in MHTML_SUFFIXES or (
                "mime-version:" in head[:2048].lower() and "multipart/related" in head.lower()):
            fmt = "mhtml"
        elif _HTML_START.match(head):
            fmt = "html"
        elif suffix in HTML_SUFFIXES:
            # A page fragment without <html>: still markup if it has tags.
            fmt = "html" if re.search(r"<(?:p|div|br|span|table|h\d)\b", head, re.I) else "txt"
        elif suffix in TEXT_SUFFIXES:
            fmt = "txt"
        elif suffix in DOCX_SUFFIXES + PDF_SUFFIXES and b"\x00" not in data[:4096]:
            # Saved as .docx or .pdf but holding plain text (a renamed copy): read the text;
            # the warning below says what the content is.
            fmt = "txt"
    if fmt is None:
        raise UnreadableFile(
            f"unsupported format {suffix or '(no extension)'}: this version reads plain text "
            "(.txt), web pages (.html, .htm, .mhtml), Word (.docx) and PDF (.pdf)")
    expected = {"txt": TEXT_SUFFIXES, "html": HTML_SUFFIXES, "mhtml": MHTML_SUFFIXES,
                "docx": DOCX_SUFFIXES, "pdf": PDF_SUFFIXES}[fmt]
    warnings = []
    if suffix not in expected and not (fmt == "txt" and suffix in HTML_SUFFIXES):
        warnings.append(f"content is {fmt.upper()} although the extension is "
                        f"{suffix or '(none)'}")
    return fmt, warnings


def _zip_format(data: bytes, suffix: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        if suffix in DOCX_SUFFIXES:
            raise UnreadableFile(f"damaged DOCX file: not a valid ZIP package ({exc})") from None
        raise UnreadableFile(f"unsupported format {suffix or '(no extension)'}: a damaged "
                             "ZIP package, not a report document") from None
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names:
        raise UnreadableFile("OFD document (Chinese e-document format) is not read: "
                             "export it as PDF")
    if any(n.startswith("xl/") for n in names):
        kind = "an Excel workbook"
    elif any(n.startswith("ppt/") for n in names):
        kind = "a PowerPoint presentation"
    elif "content.xml" in names:
        kind = "an OpenDocument file"
    else:
        kind = "a ZIP archive"
    raise UnreadableFile(f"unsupported format {suffix or '(no extension)'}: {kind}, "
                         "not a report document")


def read_document(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read one input file into a :class:`Document`, whatever its format.

    The caps of ``limits`` are checked before the file is read into memory: its size on
    disk, and for text and web pages (which are read whole) the text cap.

    Raises
    ------
    UnreadableFile
        With the reason: a file over a cap (named), an unsupported format, an empty or
        binary file, a damaged file, a PDF without a text layer.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise UnreadableFile(f"file is {_mib(size)}, over the cap on input files "
                             f"(max_file_bytes = {_mib(limits.max_file_bytes)})")
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not _is_package(head) and size > limits.max_text_bytes:
        raise UnreadableFile(f"text file is {_mib(size)}, over the cap on text "
                             f"(max_text_bytes = {_mib(limits.max_text_bytes)})")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    fmt, warnings = detect_format(path, data)
    if fmt == "docx":
        doc = read_docx(data, limits=limits)
    elif fmt == "pdf":
        doc = read_pdf(data, limits=limits)
    else:
        doc = {"txt": read_text, "html": read_html, "mhtml": read_mhtml}[fmt](data)
    if len(doc.text) > limits.max_text_bytes // 3 and \
            len(doc.text.encode("utf-8")) > limits.max_text_bytes:
        raise UnreadableFile(f"extracted text is over the cap on text "
                             f"(max_text_bytes = {_mib(limits.max_text_bytes)})")
    doc.warnings = warnings + doc.warnings
    doc.sha256 = digest
    return doc


def _is_package(head: bytes) -> bool:
    # Formats whose size on disk is not their text: ZIP packages (DOCX) and PDFs.
    return head.startswith(b"PK\x03\x04") or b"%PDF-" in head[:1024]


def read_text(data: bytes) -> Document:
    """Read plain text; a text file that turns out to hold an HTML page is read as one.

    Returns
    -------
    Document
        ``format`` txt (or html), the decoded text and the encoding warnings.
    """
    text, encoding, warnings = decode_bytes(data)
    if _HTML_START.match(text.lstrip("\ufeff")):
        return read_html(data)
    return Document(text=text, format="txt", encoding=encoding, warnings=warnings)


# --- HTML ---------------------------------------------------------------------------------

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
        if alternative is not None and _common_share(alternative) >= _common_share(text):
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
_CJK = r"\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# A line break in the source between two Chinese characters is no space (CSS Text 3
# segment-break rules; the quotes, dashes and ellipsis of Chinese text count as Chinese
# here); elsewhere a run of source whitespace is one space.
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


def read_mhtml(data: bytes) -> Document:
    """Read a single-file web archive (``.mhtml``/``.mht``, "Webpage, Single File").

    Returns
    -------
    Document
        As :func:`read_html` for the archive's first HTML part; ``url`` falls back to the
        archive's Content-Location.
    """
    import email
    from email import policy

    message = email.message_from_bytes(data, policy=policy.compat32)
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload.strip():
            continue
        doc = read_html(payload, declared=part.get_content_charset())
        location = part.get("Content-Location") or message.get("Snapshot-Content-Location")
        if location and "url" not in doc.meta:
            doc.meta["url"] = str(location).strip()
        return doc
    raise UnreadableFile("MHTML archive without an HTML page")


# --- DOCX ---------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN_DIGITS = "零一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _chinese_number(n: int) -> str:
    """一, 十, 十一, 二十一, 一百零五: Word's chineseCounting format."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return _CN_DIGITS[hundreds] + "百" if hundreds < 10 else str(n)
    middle = "零" if rest < 10 else ""
    tail = _chinese_number(rest) if rest >= 20 or rest < 10 else "一" + _chinese_number(rest)
    return (_CN_DIGITS[hundreds] + "百" + middle + tail) if hundreds < 10 else str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def format_list_number(n: int, fmt: str) -> str:
    """A list counter in one of Word's number formats (``w:numFmt``).

    Examples
    --------
    >>> [format_list_number(k, "chineseCounting") for k in (1, 10, 12, 20)]
    ['一', '十', '十二', '二十']
    >>> format_list_number(3, "decimalEnclosedCircle"), format_list_number(4, "upperRoman")
    ('③', 'IV')
    """
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
               "taiwaneseCounting", "ideographLegalTraditional", "chineseLegalSimplified"):
        return _chinese_number(n)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return _STEMS[(n - 1) % 10]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n).lower() if fmt == "lowerRoman" else _roman(n)
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class _ListNumbers:
    """Word's automatic list numbers (一、 (一) 1.), which are not in the paragraph text."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str, int, str]] = {}
        self.abstract: dict[str, str] = {}
        self.overrides: dict[tuple[str, int], int] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.styles: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for abstract in root.iter(f"{_W}abstractNum"):
            aid = abstract.get(f"{_W}abstractNumId")
            for lvl in abstract.iter(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                fmt = _val(lvl.find(f"{_W}numFmt")) or "decimal"
                text = _val(lvl.find(f"{_W}lvlText")) or ""
                start = int(_val(lvl.find(f"{_W}start")) or "1")
                suffix = _val(lvl.find(f"{_W}suff")) or "tab"
                self.levels[(aid, ilvl)] = (fmt, text, start, suffix)
        for num in root.iter(f"{_W}num"):
            nid = num.get(f"{_W}numId")
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.abstract[nid] = _val(ref)
            for override in num.iter(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    self.overrides[(nid, int(override.get(f"{_W}ilvl", "0")))] = int(_val(start))
        # Heading styles are often tied to a list, so the number comes from the style.
        for style in document.styles.element.iter(f"{_W}style"):
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                nid = _val(num_pr.find(f"{_W}numId"))
                ilvl = int(_val(num_pr.find(f"{_W}ilvl")) or "0")
                if nid:
                    self.styles[style.get(f"{_W}styleId")] = (nid, ilvl)

    def label(self, p: XmlElement) -> str:
        """The number text of paragraph element ``p`` (a ``w:p``), advancing the counters."""
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        nid, ilvl = None, 0
        if num_pr is not None:
            nid = _val(num_pr.find(f"{_W}numId"))
            ilvl = int(_val(num_pr.find(f"{_W}ilvl")) or "0")
        if nid is None:
            style = _val(p.find(f"{_W}pPr/{_W}pStyle"))
            if style in self.styles:
                nid, ilvl = self.styles[style]
        if not nid or nid == "0" or nid not in self.abstract:
            return ""
        aid = self.abstract[nid]
        if (aid, ilvl) not in self.levels:
            return ""
        counters = self.counters.setdefault(nid, {})
        fmt, text, start, suffix = self.levels[(aid, ilvl)]
        start = self.overrides.get((nid, ilvl), start)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def number(m: re.Match) -> str:
            level = int(m.group(1)) - 1
            lfmt, _, lstart, _ = self.levels.get((aid, level), ("decimal", "", 1, ""))
            return format_list_number(counters.get(level, lstart), lfmt)

        label = re.sub(r"%([1-9])", number, text)
        if fmt in ("bullet", "none") or not label:
            return ""
        # A tab or space after 一、 or (一) is layout, not text.
        if suffix != "nothing" and not re.search(r"[、.．)）:：]$", label):
            label += " "
        return label


def _val(el: XmlElement | None) -> str | None:
    return el.get(f"{_W}val") if el is not None else None


def _paragraph_text(p: XmlElement) -> str:
    # Text, tabs and line breaks in order, including inserted revisions and field results,
    # but not deleted text, tab-stop definitions or text boxes anchored in the paragraph.
    out = []
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"):
        if _inside(el, p, (f"{_W}pPr", f"{_W}txbxContent", f"{_W}rPr")):
            continue
        tag = el.tag
        if tag == f"{_W}t":
            out.append(el.text or "")
        elif tag == f"{_W}tab":
            out.append("\t")
        elif tag == f"{_W}noBreakHyphen":
            out.append("-")
        elif el.get(f"{_W}type") not in ("page", "column"):
            out.append("\n")
    return "".join(out)


def _inside(el: XmlElement, stop: XmlElement, tags: tuple[str, ...]) -> bool:
    for ancestor in el.iterancestors():
        if ancestor is stop:
            return False
        if ancestor.tag in tags:
            return True
    return False


def _table_rows(tbl: XmlElement) -> list[str]:
    rows = []
    for tr in tbl.iter(f"{_W}tr"):
        if next((a for a in tr.iterancestors(f"{_W}tbl")), None) is not tbl:
            continue  # a row of a nested table: its text is in the enclosing cell
        cells = []
        for tc in tr.findall(f"{_W}tc"):
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and _val(merge) in (None, "continue"):
                cells.append("")  # the lower part of a vertically merged cell
                continue
            texts = [_paragraph_text(p).strip() for p in tc.iter(f"{_W}p")]
            cells.append(" ".join(t for t in texts if t))
        if any(cells):
            rows.append("\t".join(cells).rstrip("\t"))
    return rows


def _bounded_package(data: bytes, limits: Limits) -> bytes:
    """The DOCX package with its XML parts checked against the cap and binary parts emptied.

    python-docx inflates every part of the package into memory, so a small file whose
    ``document.xml`` inflates to gigabytes (a zip bomb), or one with hundreds of megabytes of
    photos, would exhaust memory. The sizes in the ZIP directory are what Python's zipfile
    inflates at most (a part that claims less stops at its claimed size and fails its CRC),
    so checking them first bounds what is read.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise UnreadableFile(f"damaged DOCX file: not a valid ZIP package ({exc})") from None
    with archive:
        members = archive.infolist()
        xml = [m for m in members if m.filename.endswith((".xml", ".rels"))]
        unpacked = sum(m.file_size for m in xml)
        if unpacked > limits.max_unpacked_bytes:
            raise UnreadableFile(
                f"DOCX parts inflate to {_mib(unpacked)}, over the cap on unpacked size "
                f"(max_unpacked_bytes = {_mib(limits.max_unpacked_bytes)}); a zip bomb?")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
            for member in members:
                if member.is_dir():
                    continue
                try:
                    blob = archive.read(member) if member in xml else b""
                except (zipfile.BadZipFile, EOFError, ValueError, OSError,
                        NotImplementedError) as exc:
                    raise UnreadableFile(f"damaged DOCX file: part {member.filename} "
                                         f"cannot be read ({exc})") from None
                package.writestr(member.filename, blob)
    return out.getvalue()


def read_docx(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a Word document in document order.

    Paragraphs (headings included, with their automatic list numbers written out) give one
    line each; a table gives one line per row with its cells joined by a tab, as Word copies
    a table as text (the normalizer turns the tab into a space). Page headers and footers,
    footnotes, comments and floating text boxes are not body text.

    Returns
    -------
    Document
        ``format`` docx, ``encoding`` None; ``meta`` with ``page_title`` (the title
        property) and ``created``/``modified`` (ISO; never used as the publication date,
        because they are often the dates of a template).

    Raises
    ------
    UnreadableFile
        For a damaged package.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    package = _bounded_package(data, limits)
    try:
        document = docx.Document(io.BytesIO(package))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile,
            etree.XMLSyntaxError) as exc:
        raise UnreadableFile(f"damaged DOCX file ({exc.__class__.__name__}: {exc})") from None
    numbers = _ListNumbers(document)
    lines: list[str] = []

    def blocks(parent: XmlElement) -> None:
        for child in parent:
            if child.tag == f"{_W}p":
                lines.append(numbers.label(child) + _paragraph_text(child))
            elif child.tag == f"{_W}tbl":
                lines.extend(_table_rows(child))
            elif child.tag in (f"{_W}sdt", f"{_W}customXml", f"{_W}ins"):
                content = child.find(f"{_W}sdtContent")
                blocks(content if content is not None else child)

    blocks(document.element.body)
    meta: dict[str, str] = {}
    props = document.core_properties
    if props.title and props.title.strip():
        meta["page_title"] = props.title.strip()
    for key in ("created", "modified"):
        value = getattr(props, key)
        if value is not None:
            meta[key] = value.isoformat()
    return Document(text="\n".join(lines), format="docx", encoding=None, meta=meta)


# --- PDF ----------------------------------------------------------------------------------

@dataclass
class _Line:
    """One visual line of a PDF page, with its extent in points (origin bottom left)."""

    text: str
    x0: float
    x1: float
    y: float
    em: float


_PAGE_NUMBER = re.compile(
    r"^(?:[-—–~·•<>\[\]]*\d{1,4}[-—–~·•<>\[\]]*|第\d{1,4}页(?:[,/]?共\d{1,4}页)?|"
    r"共\d{1,4}页[,/]?第\d{1,4}页|\d{1,4}/\d{1,4}|(?:page|p\.?)\d{1,4}(?:(?:of|/)\d{1,4})?)$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[。!?;:…][”’」』)]*$")
_IS_CJK = re.compile("[" + _CJK + "]")
# Kangxi and CJK radicals and compatibility ideographs that some PDF fonts map their glyphs
# to (⽇ for 日); NFKC folds exactly these to the usual characters.
_RADICALS = re.compile(r"[\u2e80-\u2fdf\uf900-\ufaff]")


def _fold_radicals(text: str) -> str:
    import unicodedata

    return _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


def _page_lines(page: Any) -> tuple[list[_Line], int]:
    """The visual lines of a PDF page in content order, and its number of images."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
        lines: list[_Line] = []
        chars: list[tuple[str, tuple[float, float, float, float] | None, float]] = []

        def flush() -> None:
            boxes = [(ch, box, size) for ch, box, size in chars if box and not ch.isspace()]
            text = "".join(ch for ch, _, _ in chars)
            chars.clear()
            if not boxes:
                return
            widths = [box[2] - box[0] for ch, box, _ in boxes if _IS_CJK.match(ch)]
            sizes = [size for _, _, size in boxes if size > 1]
            em = statistics.median(widths) if widths else (
                statistics.median(sizes) if sizes else 10.0)
            lines.append(_Line(text=_fold_radicals(text).strip(),
                               x0=min(b[0] for _, b, _ in boxes),
                               x1=max(b[2] for _, b, _ in boxes),
                               y=statistics.median(b[3] for _, b, _ in boxes), em=em))

        previous = ""
        pending_high = None
        for i in range(n):
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
            if 0xD800 <= code < 0xDC00:
                pending_high = code
                continue
            if pending_high is not None and 0xDC00 <= code < 0xE000:
                code = 0x10000 + ((pending_high - 0xD800) << 10) + (code - 0xDC00)
            pending_high = None
            ch = chr(code) if code else ""
            if ch in ("\r", "\n"):
                flush()
                previous = ""
                continue
            if not ch or ch in "\x02\ufffe\uffff":
                continue
            generated = pdfium_c.FPDFText_IsGenerated(textpage.raw, i) == 1
            if generated and ch == " ":
                # PDFium adds a space where glyphs are far apart; between Chinese characters
                # that gap is justification, not a word break.
                nxt = pdfium_c.FPDFText_GetUnicode(textpage.raw, i + 1) if i + 1 < n else 0
                if _IS_CJK.match(previous or " ") and nxt and _IS_CJK.match(chr(nxt)):
                    continue
                chars.append((" ", None, 0.0))
                previous = " "
                continue
            box = textpage.get_charbox(i, loose=True)
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, i)
            chars.append((ch, box, size))
            previous = ch
        flush()
    finally:
        textpage.close()
    images = sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
    return [line for line in lines if line.text], images


def _compact_line(text: str) -> str:
    return re.sub(r"\s+", "", normalize_line(text))


def _running_bounds(pages: list[list[str]]) -> list[tuple[int, int]]:
    """For each page, the slice of lines left once running lines are removed."""
    need = max(2, math.ceil(len(pages) / 2))
    top: Counter[str] = Counter()
    bottom: Counter[str] = Counter()

    def key(line: str) -> str:
        # Digits aside, so 第3页 matches 第4页; a line of digits only (a compact date such
        # as 20231227 under a signature) is no running line unless it is a page number.
        compact = _compact_line(line)
        return compact if compact.isdigit() else re.sub(r"\d+", "#", compact)

    for lines in pages:
        top.update({key(line) for line in lines[:2]})
        bottom.update({key(line) for line in lines[-2:]})

    def running(line: str, counts: Counter[str]) -> bool:
        return bool(_PAGE_NUMBER.match(_compact_line(line))) or (
            len(pages) > 1 and counts[key(line)] >= need)

    bounds = []
    for lines in pages:
        start, end = 0, len(lines)
        while start < min(end, 3) and running(lines[start], top):
            start += 1
        while end > max(start, len(lines) - 3) and running(lines[end - 1], bottom):
            end -= 1
        bounds.append((start, end))
    return bounds


def strip_running_lines(pages: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """Remove running headers, footers and page numbers from the lines of each page.

    A line among the first or last two of a page is running when the same line, digits
    aside, stands there on at least half of the pages (and on two at least); a page number
    (``3``, ``- 3 -``, ``第3页``, ``第3页 共12页``, ``3/12``, ``Page 3``) is removed at the top
    or bottom of any page. At most three lines go at each end of a page.

    Parameters
    ----------
    pages : list of list of str
        The lines of each page, top to bottom.

    Returns
    -------
    (pages, removed)
        The pages without those lines, and the removed lines in page order.

    Examples
    --------
    >>> pages, removed = strip_running_lines(
    ...     [["某局文件", "正文一", "- 1 -"], ["某局文件", "正文二", "- 2 -"]])
    >>> pages, removed
    ([['正文一'], ['正文二']], ['某局文件', '- 1 -', '某局文件', '- 2 -'])
    """
    kept, removed = [], []
    for lines, (start, end) in zip(pages, _running_bounds(pages), strict=True):
        removed += lines[:start] + lines[end:]
        kept.append(lines[start:end])
    return kept, removed


def _join_paragraphs(lines: list[_Line]) -> list[str]:
    """Join the visual lines of the body back into paragraphs.

    Line B continues line A when A is a body line that runs to the right margin, B starts at
    the left margin (no first-line indent, not centred or right-aligned), and B does not open
    a 一、/(一) heading after a finished sentence. In a document whose paragraphs have no
    first-line indent, a line ending a sentence (。;:!?) also ends its paragraph. A centred
    line in the type size of a full line above it, which ends no sentence, is the rest of a
    centred title.
    """
    if not lines:
        return []
    em = statistics.median(line.em for line in lines)
    lefts = Counter(round(line.x0) for line in lines)
    frequent = [x for x, c in lefts.items() if c >= max(2, len(lines) // 10)]
    left = min(frequent) if frequent else min(lefts)
    body_rights = sorted(line.x1 for line in lines if line.x0 <= left + 2.5 * em)
    right = body_rights[int(0.9 * (len(body_rights) - 1))] if body_rights else \
        max(line.x1 for line in lines)

    def indented(line: _Line) -> bool:
        return line.x0 > left + 0.5 * em

    def full(line: _Line) -> bool:
        return line.x1 >= right - 1.5 * em and line.x0 <= left + 2.5 * em

    # Do paragraphs open with an indent? Look at the lines that follow a short body line.
    starts = Counter(indented(b) for a, b in zip(lines, lines[1:], strict=False)
                     if not full(a) and a.x0 <= left + 2.5 * em and b.x0 <= left + 4 * em)
    indent_mode = starts[True] > starts[False]

    def centred_wrap(a: _Line, b: _Line) -> bool:
        # A centred title over two lines: a full first line, then a centred rest in the
        # same type size.
        middle = (left + right) / 2
        return (abs((b.x0 + b.x1) / 2 - middle) <= b.em and abs(a.em - b.em) <= 0.1 * a.em
                and b.x0 > left + 0.5 * em)

    out = [lines[0].text]
    for a, b in zip(lines, lines[1:], strict=False):
        text = normalize_line(b.text)
        ends = bool(_SENTENCE_END.search(normalize_line(a.text)))
        heading = bool(HEADING_1.match(text) or HEADING_2.match(text))
        joins = full(a) and (
            (not indented(b) and not (ends and heading) and (indent_mode or not ends))
            or (not ends and not heading and centred_wrap(a, b)))
        if joins:
            # English words wrapped at a space get it back; a number or Chinese text
            # broken at any character does not.
            glue = " " if re.search(r"[A-Za-z]$", out[-1]) and re.match(r"[A-Za-z]", text) \
                else ""
            out[-1] += glue + b.text
        else:
            out.append(b.text)
    return out


def read_pdf(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a PDF from its text layer.

    PDFium (pypdfium2) reads the text layer: it copes with the embedded CMaps and CID fonts
    of Chinese PDFs where pdfminer returns nothing. Each page's visual lines lose their
    running header, footer and page number (:func:`strip_running_lines`); the pages are
    joined and wrapped lines become paragraphs again (:func:`_join_paragraphs`).

    Returns
    -------
    Document
        ``format`` pdf, ``encoding`` None; ``meta`` with ``page_title`` (the Title entry)
        and ``created``/``modified`` (never used as the publication date). ``warnings``
        lists pages without a text layer in an otherwise readable PDF.

    Raises
    ------
    UnreadableFile
        ``no text layer (scanned PDF?); OCR needed`` for a PDF whose pages carry no text;
        also for an encrypted or damaged file.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableFile("encrypted PDF: a password is needed to read it") from None
        raise UnreadableFile(f"damaged PDF ({exc})") from None
    try:
        pages, images, n_chars = [], [], 0
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                lines, n_images = _page_lines(page)
            finally:
                page.close()
            pages.append(lines)
            images.append(n_images)
            # Stop reading as soon as the text passes the cap (3 bytes per CJK character).
            n_chars += sum(len(line.text) + 1 for line in lines)
            if 3 * n_chars > limits.max_text_bytes:
                raise UnreadableFile(
                    f"PDF text passes the cap on text by page {index + 1} of {len(pdf)} "
                    f"(max_text_bytes = {_mib(limits.max_text_bytes)})")
        info = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    if not pages:
        raise UnreadableFile("PDF without pages")
    bounds = _running_bounds([[line.text for line in lines] for lines in pages])
    body = [line for lines, (start, end) in zip(pages, bounds, strict=True)
            for line in lines[start:end]]
    visible = sum(len(_compact_line(line.text)) for line in body)
    if visible < 20 and (not any(pages) or any(images)):
        # Nothing but page numbers or stamps on images: a scan.
        raise UnreadableFile(NO_TEXT_LAYER)
    warnings = []
    blank = [str(k + 1) for k, lines in enumerate(pages) if not lines and images[k]]
    if blank:
        plural = len(blank) > 1
        warnings.append(f"page{'s' if plural else ''} {', '.join(blank)} without a text layer "
                        f"(scanned?): {'their' if plural else 'its'} text is missing")
    meta: dict[str, str] = {}
    if info.get("Title", "").strip():
        meta["page_title"] = info["Title"].strip()
    for key, name in (("CreationDate", "created"), ("ModDate", "modified")):
        value = _pdf_date(info.get(key, ""))
        if value:
            meta[name] = value
    return Document(text="\n".join(_join_paragraphs(body)), format="pdf", encoding=None,
                    warnings=warnings, meta=meta)


def _pdf_date(value: str) -> str | None:
    # PDF dates look like D:20240311110500+08'00'.
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?", value.strip())
    if not m:
        return None
    y, mo, d, h, mi, s = (g or default for g, default in
                          zip(m.groups(), ("", "01", "01", "00", "00", "00"), strict=True))
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}"
