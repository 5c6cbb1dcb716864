"""Single-file web archives (``.mhtml``/``.mht``, "Webpage, Single File")."""

from __future__ import annotations

from analysis.ingest.readers.base import Document, Format, UnreadableFile
from analysis.ingest.readers.html import _head_text, read_html

__all__ = ["FORMAT", "MHTML_SUFFIXES", "read_mhtml", "sniff"]

MHTML_SUFFIXES = (".mht", ".mhtml")


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



def sniff(data: bytes, suffix: str) -> bool:
    """An MHTML suffix, or a MIME header announcing a multipart/related archive."""
    if suffix in MHTML_SUFFIXES:
        return True
    head = _head_text(data)
    return "mime-version:" in head[:2048].lower() and "multipart/related" in head.lower()


# An archive's page is a web page: the reports table says html.
FORMAT = Format(name="mhtml", suffixes=MHTML_SUFFIXES, sniff=sniff,
                read=lambda data, limits: read_mhtml(data), label="web archives")
