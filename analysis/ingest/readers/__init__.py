"""Read one input file into text: the registry of input formats.

Users collect these reports as saved web pages, as the DOCX or PDF attachments under
附件下载, and only rarely as text copied by hand. Every format becomes the same
:class:`Document`: the text a person copying the document would get, one paragraph or
heading per line in reading order, plus what the file says about itself (``meta``). The
normalizer, the page-chrome rules and the segmenter then work the same on every format.

Each format is one module with a ``FORMAT`` (:class:`~analysis.ingest.readers.base.Format`):
:mod:`.pdf`, :mod:`.docx`, :mod:`.mhtml`, :mod:`.html`, :mod:`.text`. Detection, the
expected-suffix warning and the "unsupported format" message are all derived from
:data:`FORMATS`, so a new format is one module and one entry below. Formats that are
recognised and refused (legacy Word, RTF, images; OFD and spreadsheets inside ZIPs, in
:mod:`.docx`) say what to do instead.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from analysis.ingest.readers import docx, html, mhtml, pdf, text
from analysis.ingest.readers.base import (
    DEFAULT_LIMITS,
    Document,
    Format,
    Limits,
    UnreadableFile,
    describe_size,
)
from analysis.ingest.readers.decoding import decode_bytes
from analysis.ingest.readers.docx import format_list_number, read_docx
from analysis.ingest.readers.html import declared_charset, decode_html, read_html
from analysis.ingest.readers.mhtml import read_mhtml
from analysis.ingest.readers.pdf import NO_TEXT_LAYER, read_pdf, strip_running_lines
from analysis.ingest.readers.text import read_text

__all__ = ["DEFAULT_LIMITS", "FORMATS", "NO_TEXT_LAYER", "Document", "Format", "Limits",
           "UnreadableFile", "declared_charset", "decode_bytes", "decode_html",
           "detect_format", "format_list_number", "read_document", "read_docx", "read_html",
           "read_mhtml", "read_pdf", "read_text", "strip_running_lines"]

# In the order content is tested: binary signatures first, then markup, then plain text.
FORMATS: dict[str, Format] = {f.name: f for f in (pdf.FORMAT, docx.FORMAT, mhtml.FORMAT,
                                                  html.FORMAT, text.FORMAT)}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"),
                (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"BM", "BMP"))


def _refuse(data: bytes, suffix: str) -> None:
    # Formats people do save reports in, which this version does not read: say what to do.
    if data.startswith(_OLE2):
        raise UnreadableFile(
            "legacy Word 97-2003 or WPS document (.doc/.wps): save it as .docx or PDF")
    if data.startswith(b"{\\rtf"):
        raise UnreadableFile("RTF document: save it as .docx or PDF")
    text_like = text.TEXT_SUFFIXES + html.HTML_SUFFIXES
    for magic, kind in _IMAGE_MAGIC:
        if data.startswith(magic) and suffix not in text_like:
            raise UnreadableFile(f"{kind} image, not a text document; OCR needed")


def _supported() -> str:
    labels = {name: f"{fmt.label} ({', '.join(fmt.suffixes)})" for name, fmt in FORMATS.items()}
    return "; ".join(labels[name] for name in ("txt", "html", "mhtml", "docx", "pdf")
                     if name in labels)


def detect_format(path: Path | str, data: bytes) -> tuple[str, list[str]]:
    """Decide a file's format from its content first and its extension second.

    Returns
    -------
    (format, warnings)
        ``format`` is a key of :data:`FORMATS`; ``warnings`` says when the content
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
    _refuse(data, suffix)
    fmt = next((name for name, candidate in FORMATS.items()
                if candidate.sniff(data, suffix)), None)
    if fmt is None and b"\x00" not in data[:4096] and any(
            suffix in candidate.suffixes for candidate in FORMATS.values()):
        # Saved as .docx or .pdf but holding plain text (a renamed copy): read the text;
        # the warning below says what the content is.
        fmt = "txt"
    if fmt is None:
        raise UnreadableFile(f"unsupported format {suffix or '(no extension)'}: this version "
                             f"reads {_supported()}")
    warnings = []
    if suffix not in FORMATS[fmt].suffixes and not (
            fmt == "txt" and suffix in html.HTML_SUFFIXES):
        warnings.append(f"content is {fmt.upper()} although the extension is "
                        f"{suffix or '(none)'}")
    return fmt, warnings


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
        raise UnreadableFile(f"file is {describe_size(size)}, over the cap on input files "
                             f"(max_file_bytes = {describe_size(limits.max_file_bytes)})")
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not _is_package(head) and size > limits.max_text_bytes:
        raise UnreadableFile(f"text file is {describe_size(size)}, over the cap on text "
                             f"(max_text_bytes = {describe_size(limits.max_text_bytes)})")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    fmt, warnings = detect_format(path, data)
    doc = FORMATS[fmt].read(data, limits)
    if len(doc.text) > limits.max_text_bytes // 3 and \
            len(doc.text.encode("utf-8")) > limits.max_text_bytes:
        raise UnreadableFile(f"extracted text is over the cap on text "
                             f"(max_text_bytes = {describe_size(limits.max_text_bytes)})")
    doc.warnings = warnings + doc.warnings
    doc.sha256 = digest
    return doc


def _is_package(head: bytes) -> bool:
    # Formats whose size on disk is not their text: ZIP packages (DOCX) and PDFs.
    return head.startswith(b"PK\x03\x04") or b"%PDF-" in head[:1024]
