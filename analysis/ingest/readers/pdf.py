"""PDF attachments, read from their text layer with PDFium (pypdfium2).

Running headers, footers and page numbers are removed, pages are joined, and lines that the
layout wrapped are joined back into paragraphs. A PDF without a text layer raises
:class:`UnreadableFile`.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from analysis.ingest.normalize import (
    HEADING_1,
    HEADING_2,
    normalize_line,
)
from analysis.ingest.readers.base import CJK as _CJK
from analysis.ingest.readers.base import (
    DEFAULT_LIMITS,
    Document,
    Format,
    Limits,
    UnreadableFile,
    describe_size,
)

__all__ = ["FORMAT", "NO_TEXT_LAYER", "PDF_SUFFIXES", "read_pdf", "sniff", "strip_running_lines"]

PDF_SUFFIXES = (".pdf",)
NO_TEXT_LAYER = "no text layer (scanned PDF?); OCR needed"


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
                    f"(max_text_bytes = {describe_size(limits.max_text_bytes)})")
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


def sniff(data: bytes, suffix: str) -> bool:
    """The PDF header within the first kilobyte."""
    return b"%PDF-" in data[:1024]


FORMAT = Format(name="pdf", suffixes=PDF_SUFFIXES, sniff=sniff,
                read=lambda data, limits: read_pdf(data, limits=limits), label="PDF")
