"""Format and encoding detection, page furniture and list numbers, on hand-made input."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from analysis.ingest.readers import (
    FORMATS,
    Document,
    Format,
    UnreadableFile,
    declared_charset,
    decode_bytes,
    decode_html,
    detect_format,
    format_list_number,
    strip_running_lines,
)
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


# --- which format -----------------------------------------------------------------------

def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "fmt", "warning"),
    [
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf", None),
        ("download.bin", b"%PDF-1.4\n", "pdf", "content is PDF although the extension is .bin"),
        ("report.docx", _zip(["[Content_Types].xml", "word/document.xml"]), "docx", None),
        ("page.html", b"<!DOCTYPE html><html><body>x</body></html>", "html", None),
        ("page.htm", b"  <?xml version='1.0'?>\n<!-- saved -->\n<html>", "html", None),
        ("fragment.htm", "<p>一、主要举措</p>".encode(), "html", None),
        ("page.txt", b"<html><head><title>t</title>", "html",
         "content is HTML although the extension is .txt"),
        ("page.html", "<html><body>报告</body></html>".encode("utf-16"), "html", None),
        ("page.mhtml", b"From: <Saved by Blink>\r\nMIME-Version: 1.0\r\n", "mhtml", None),
        ("saved", b"From: <Saved by Blink>\r\nMIME-Version: 1.0\r\nContent-Type: "
         b"multipart/related;\r\n\ttype=\"text/html\"\r\n", "mhtml",
         "content is MHTML although the extension is (none)"),
        ("report.txt", "二〇二四年报告".encode("gbk"), "txt", None),
    ],
)
def test_detect_format(name, data, fmt, warning):
    got, warnings = detect_format(name, data)
    assert got == fmt
    assert warnings == ([warning] if warning else [])


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
         "legacy Word 97-2003 or WPS document"),
        ("old.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "save it as .docx or PDF"),
        ("e.ofd", _zip(["OFD.xml", "Doc_0/Document.xml"]), "OFD document"),
        ("budget.xlsx", _zip(["[Content_Types].xml", "xl/workbook.xml"]),
         "unsupported format .xlsx: an Excel workbook"),
        ("broken.docx", b"PK\x03\x04 cut short", "damaged DOCX file"),
        ("scan.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image, not a text document; OCR"),
        ("notes.md", "# 笔记".encode(), "unsupported format .md"),
        ("letter.rtf", b"{\\rtf1\\ansi", "RTF document"),
        ("blank.pdf", b"  \n", "empty file"),
    ],
)
def test_detect_format_refuses_with_a_reason(name, data, reason):
    with pytest.raises(UnreadableFile, match=re.escape(reason)):
        detect_format(name, data)


def test_every_registered_suffix_is_read_without_a_warning():
    # Detection and the suffix check come from the registry: each format's own suffixes
    # give no "content is … although" warning for content of that format.
    samples = {"txt": TEXT.encode("utf-8"), "html": b"<html><body><p>x</p></body></html>",
               "mhtml": b"MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n",
               "pdf": b"%PDF-1.7\n", "docx": _zip(["[Content_Types].xml", "word/document.xml"])}
    assert set(samples) == set(FORMATS)
    for name, fmt in FORMATS.items():
        for suffix in fmt.suffixes:
            assert detect_format(f"a{suffix}", samples[name]) == (name, []), suffix


def test_unsupported_message_lists_the_registry():
    with pytest.raises(UnreadableFile) as caught:
        detect_format("notes.md", "# 笔记".encode())
    for fmt in FORMATS.values():
        assert fmt.label in str(caught.value) and fmt.suffixes[0] in str(caught.value)


def test_a_new_format_is_one_entry(monkeypatch):
    # What a contributor adds: a module with FORMAT, and its entry in FORMATS.
    fmt = Format(name="md", suffixes=(".md",), label="Markdown",
                 sniff=lambda data, suffix: suffix == ".md",
                 read=lambda data, limits: Document(text=data.decode(), format="md",
                                                    encoding="utf-8"))
    monkeypatch.setitem(FORMATS, "md", fmt)
    assert detect_format("notes.md", "# 笔记".encode()) == ("md", [])
    assert detect_format("notes.txt", "# 笔记".encode())[0] == "txt"


# --- web page encodings -------------------------------------------------------------------

PAGE = ('<html><head><meta charset="{}"><title>厦门市海沧区城市管理局2023年度法治政府建设情况报告'
        "</title></head><body><p>2023年,我局围绕贯彻落实党的二十大、全国两会精神和习近平法治思想,"
        "不断提升城市管理行政执法水平。</p></body></html>")


@pytest.mark.parametrize(
    ("declared", "encoding", "data_encoding", "notes"),
    [
        # GBK bytes, utf-8 declared: UTF-8 decoding fails, detection finds GB18030.
        ("utf-8", "gb18030", "gbk",
         ["encoding GB18030", "declared charset utf-8 is wrong; decoded as gb18030"]),
        # UTF-8 bytes, gb2312 declared: strict UTF-8 succeeds and wins.
        ("gb2312", "utf-8", "utf-8", ["declared charset gb2312 is wrong; decoded as utf-8"]),
        # GBK bytes, gbk declared: GBK and GB2312 are read as their superset GB18030.
        ("gbk", "gb18030", "gbk", ["encoding GB18030"]),
        ("utf-8", "utf-8", "utf-8", []),
        ("no-such-charset", "utf-8", "utf-8", ["declared charset no-such-charset is unknown"]),
    ],
)
def test_decode_html_detection_wins_over_the_declaration(declared, encoding, data_encoding,
                                                         notes):
    page = PAGE.format(declared)
    text, got, warnings = decode_html(page.encode(data_encoding))
    assert text == page
    assert got == encoding
    assert [w.split(" (detected")[0] for w in warnings] == notes
    assert declared_charset(page.encode(data_encoding)) == declared


def test_declared_charset_forms():
    assert declared_charset(b'<meta http-equiv="Content-Type" content="text/html; '
                            b'charset=GB2312">') == "gb2312"
    assert declared_charset(b"<?xml version='1.0' encoding='GBK'?><html>") == "gbk"
    assert declared_charset(b"<html><head><title>x</title>") is None


# --- PDF page furniture -------------------------------------------------------------------

def test_strip_running_lines():
    pages = [
        ["厦门市海沧区城市管理局", "一、主要工作", "正文甲。", "1"],
        ["厦门市海沧区城市管理局", "正文乙。", "第 2 页 共 3 页"],
        ["厦门市海沧区城市管理局", "正文丙。", "长治市城市管理局", "20231227"],
    ]
    kept, removed = strip_running_lines(pages)
    # The header stands on 3 of 3 pages (>= 2 needed); "1" and "第 2 页 共 3 页" are page
    # numbers; the compact signature date 20231227 is neither.
    assert kept == [["一、主要工作", "正文甲。"], ["正文乙。"],
                    ["正文丙。", "长治市城市管理局", "20231227"]]
    assert removed == ["厦门市海沧区城市管理局", "1", "厦门市海沧区城市管理局", "第 2 页 共 3 页",
                       "厦门市海沧区城市管理局"]


def test_strip_running_lines_needs_half_of_the_pages():
    # A line at the top of 1 page of 3 is body; a one-page PDF loses only its page number.
    pages = [["一、主要工作", "正文甲。"], ["正文乙。", "— 2 —"], ["正文丙。", "3/3"]]
    kept, removed = strip_running_lines(pages)
    assert kept == [["一、主要工作", "正文甲。"], ["正文乙。"], ["正文丙。"]]
    assert removed == ["— 2 —", "3/3"]
    assert strip_running_lines([["某局文件", "正文。", "Page 1"]]) == (
        [["某局文件", "正文。"]], ["Page 1"])


@pytest.mark.parametrize(
    ("n", "fmt", "label"),
    [(1, "chineseCounting", "一"), (10, "chineseCounting", "十"),
     (11, "chineseCountingThousand", "十一"), (20, "chineseCounting", "二十"),
     (21, "chineseCounting", "二十一"), (105, "chineseCounting", "一百零五"),
     (110, "chineseCounting", "一百一十"), (3, "ideographTraditional", "丙"),
     (2024, "ideographDigital", "二〇二四"), (3, "decimalEnclosedCircle", "③"),
     (4, "upperRoman", "IV"), (9, "lowerRoman", "ix"), (2, "lowerLetter", "b"),
     (28, "upperLetter", "BB"), (7, "decimalZero", "07"), (5, "decimal", "5"),
     (1, "bullet", "")],
)
def test_format_list_number(n, fmt, label):
    assert format_list_number(n, fmt) == label
