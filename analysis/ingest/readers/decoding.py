"""Text decoding by detection: pages saved from Chinese government sites are often GBK.

UTF-8 with or without BOM, UTF-16 with or without BOM, and GB18030/GBK and others through
charset-normalizer, checked against GB18030 by the share of common Chinese characters
because detectors misjudge short Chinese texts. A few invalid bytes in UTF-8 are replaced.
"""

from __future__ import annotations

import codecs
import re

from analysis.ingest.readers.base import UnreadableFile

__all__ = ["common_share", "decode_bytes"]

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


def common_share(text: str) -> float:
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
        options.append((common_share(decoded), encoding == "gb18030", encoding, decoded))
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

