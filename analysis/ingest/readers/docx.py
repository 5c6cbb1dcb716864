"""Word documents (``.docx``), the attachments under 附件下载.

Read with python-docx in document order: paragraphs (with Word's automatic list numbers such
as 一、 written out), and tables one row per line, cells joined by a tab as Word itself puts
them on the clipboard. The package is checked against the caps before python-docx sees it.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING, Any

from analysis.ingest.readers.base import (
    DEFAULT_LIMITS,
    Document,
    Format,
    Limits,
    UnreadableFile,
    describe_size,
)

__all__ = ["DOCX_SUFFIXES", "FORMAT", "format_list_number", "read_docx", "sniff"]

if TYPE_CHECKING:
    from lxml.etree import _Element as XmlElement

DOCX_SUFFIXES = (".docx", ".docm")


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
                f"DOCX parts inflate to {describe_size(unpacked)}, over the cap on unpacked size "
                f"(max_unpacked_bytes = {describe_size(limits.max_unpacked_bytes)}); a zip bomb?")
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



def sniff(data: bytes, suffix: str) -> bool:
    """A ZIP package holding ``word/document.xml``; other packages are refused by name."""
    return data.startswith(b"PK\x03\x04") and _zip_format(data, suffix) == "docx"


FORMAT = Format(name="docx", suffixes=DOCX_SUFFIXES, sniff=sniff,
                read=lambda data, limits: read_docx(data, limits=limits), label="Word")
