"""What every reader shares: the Document it returns, the error it raises, the caps it obeys.

A reader module (``text``, ``html``, ``mhtml``, ``docx``, ``pdf``) defines ``FORMAT``, a
:class:`Format`: its name, its file suffixes, how its content is recognised and how it is
read. :mod:`analysis.ingest.readers` registers them; nothing else needs to change to add one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["CJK", "DEFAULT_LIMITS", "Document", "Format", "Limits", "UnreadableFile",
           "describe_size"]


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


def describe_size(n: int) -> str:
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



@dataclass(frozen=True)
class Format:
    """One input format.

    Attributes
    ----------
    name : str
        The value of ``reports.format`` (txt, html, docx, pdf; MHTML archives report html).
    suffixes : tuple of str
        The extensions a file of this format is expected to have; any other gets a warning.
    sniff : callable
        ``sniff(data, suffix)``: whether the content is this format. It may raise
        :class:`UnreadableFile` for content it recognises and refuses (a spreadsheet in a ZIP).
    read : callable
        ``read(data, limits)``: the :class:`Document`.
    label : str
        How the format is named to a user, in the list of what is read.
    """

    name: str
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes, str], bool]
    read: Callable[[bytes, Limits], Document]
    label: str


# CJK characters and punctuation, for the readers that join or render lines.
CJK = r"\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
