"""Encoding detection on real seed text re-encoded by hand."""

from __future__ import annotations

import pytest

from analysis.formats import UnreadableFile, decode_bytes
from analysis.paths import SEEDS

TEXT = (SEEDS / "000_a366b11c6bb12e59.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("data", "encoding", "warned"),
    [
        (TEXT.encode("utf-8"), "utf-8", False),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig", False),
        (TEXT.encode("gbk"), "gb18030", True),
        (TEXT.encode("utf-16"), "utf-16", True),
        (TEXT.encode("utf-16-le"), "utf-16-le", True),
        (TEXT.encode("utf-16-be"), "utf-16-be", True),
    ],
)
def test_decode_by_detection(data, encoding, warned):
    text, got, warnings = decode_bytes(data)
    assert text == TEXT
    assert got == encoding
    assert bool(warnings) == warned


def test_short_gbk_title():
    text, encoding, warnings = decode_bytes("厦门市海沧区城市管理局2023年度法治政府建设情况报告".encode("gbk"))
    assert text.startswith("厦门市海沧区") and encoding == "gb18030"


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty file"), (b"  \r\n", "empty file"), (bytes(range(256)) * 4, "binary file")],
)
def test_unreadable(data, reason):
    with pytest.raises(UnreadableFile, match=reason):
        decode_bytes(data)
