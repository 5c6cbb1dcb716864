"""Plain text copied or saved by hand (``.txt``)."""

from __future__ import annotations

from analysis.ingest.readers.base import Document, Format
from analysis.ingest.readers.decoding import decode_bytes
from analysis.ingest.readers.html import HTML_SUFFIXES, looks_like_html, read_html

__all__ = ["FORMAT", "TEXT_SUFFIXES", "read_text", "sniff"]

TEXT_SUFFIXES = (".txt", ".text")


def read_text(data: bytes) -> Document:
    """Read plain text; a text file that turns out to hold an HTML page is read as one.

    Returns
    -------
    Document
        ``format`` txt (or html), the decoded text and the encoding warnings.
    """
    text, encoding, warnings = decode_bytes(data)
    if looks_like_html(text):
        return read_html(data)
    return Document(text=text, format="txt", encoding=encoding, warnings=warnings)


def sniff(data: bytes, suffix: str) -> bool:
    """A text suffix; an HTML suffix without markup is a text fragment too."""
    return suffix in TEXT_SUFFIXES + HTML_SUFFIXES


FORMAT = Format(name="txt", suffixes=TEXT_SUFFIXES, sniff=sniff,
                read=lambda data, limits: read_text(data), label="plain text")
