"""Saved web pages, DOCX and PDF reports load into the same tables as the plain-text seeds.

The files are built at test time from the five seeds with maintained writers: HTML pages in
the style of the government sites the seeds were copied from (navigation menu, date
banner, breadcrumbs, metadata block, share widget, a script, footer links), a single-file
MHTML archive, DOCX with Word heading styles (python-docx), and PDF with a text layer in
the bundled Noto Sans CJK font, a running header and page numbers (fpdf2). Each must give
the .txt seed's body text and sections, whitespace aside.
"""

from __future__ import annotations

import csv
import html
import importlib.util
import io
import re
import subprocess
import sys
from dataclasses import dataclass
from email.charset import QP, Charset
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from analysis.ingest.corpus import load_corpus, load_report
from analysis.ingest.readers import NO_TEXT_LAYER, UnreadableFile, read_document, read_html
from analysis.paths import ROOT, SEEDS

SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))

# How each seed's non-empty raw lines divide into page chrome above the body (the title is
# one of them), body, and page chrome below it, counted by hand on the files:
# 000: title, "来源 :海沧城管局 时间:…" | 17 body lines | "附件下载", "分享:"
# 001: "当前位置:…", title, "发布日期:… 来源:…", "字号:", "• 扫一扫…" | 39 body lines |
#      "全国各省市政府网站", "天津市各区政府网站", "滨海新区政府系统网站", "重点链接"
# 002, 003, 004: copied without page chrome: every line is body.
LAYOUT = {  # name: (lines above the body, index of the title among them, lines below)
    "000_a366b11c6bb12e59.txt": (2, 0, 2),
    "001_7e756e6a511fe527.txt": (5, 1, 4),
    "002_e94d2d9e19816d1e.txt": (0, None, 0),
    "003_6cedf000a8b0ee3b.txt": (0, None, 0),
    "004_f91691d480d248cc.txt": (0, None, 0),
}
# The signature date under each report, read off the files: what a DOCX or PDF attachment,
# which has no page metadata block, gives as the publication date.
SIGNATURE_DATES = {"000_a366b11c6bb12e59.txt": None, "001_7e756e6a511fe527.txt": "2023-11-20",
                   "002_e94d2d9e19816d1e.txt": None, "003_6cedf000a8b0ee3b.txt": None,
                   "004_f91691d480d248cc.txt": "2023-12-27"}
FONT = Path(importlib.util.find_spec("mplfonts").origin).parent / "fonts" \
    / "NotoSansCJKsc-Regular.otf"
LEVEL_1 = re.compile(r"^[一二三四五六七八九十]+、")
LEVEL_2 = re.compile(r"^[(（][一二三四五六七八九十]+[)）]")
HANZI = re.compile(r"^[\u4e00-\u9fff]{2}$")


@dataclass
class Seed:
    name: str
    title: str | None
    above: list[str]  # page chrome lines above the body, the title excluded
    body: list[str]
    below: list[str]


def read_seed(name: str) -> Seed:
    lines = [line.strip() for line in (SEEDS / name).read_text(encoding="utf-8").splitlines()
             if line.strip()]
    n_above, title_at, n_below = LAYOUT[name]
    above = lines[:n_above]
    title = above.pop(title_at) if title_at is not None else None
    return Seed(name, title, above, lines[n_above:len(lines) - n_below],
                lines[len(lines) - n_below:])


def is_heading(line: str) -> bool:
    # A heading on a line of its own (一、主要举措), not a paragraph that opens with (一).
    return bool(LEVEL_1.match(line) or LEVEL_2.match(line)) and len(line) <= 40 \
        and "。" not in line


def is_closing(line: str, seed: Seed) -> bool:
    # The signature and its date, right-aligned on paper: short lines at the very end.
    return line in seed.body[-2:] and len(line) <= 20 and not re.search(r"[,。;:]", line)


# --- writers ------------------------------------------------------------------------------

def write_html(seed: Seed, *, charset: str = "utf-8", declared: str | None = None,
               extra_head: str = "", layout: str = "div") -> str:
    """A saved page in the style of a government site.

    ``layout="div"``: the article in a ``<div class="TRS_Editor">``, one ``<p>`` per
    paragraph, level-1 headings in ``<h3>``. ``layout="table"``: an older site, the article
    in a layout table cell with paragraphs separated by ``<br>``, its source lines wrapped
    in the middle of sentences.
    """
    e = html.escape
    title = seed.title or "信息公开"
    crumbs = [line for line in seed.above if "位置" in line] or ["当前位置:首页 > 政务公开"]
    info = [line for line in seed.above if "位置" not in line]
    paragraphs = []
    for line in seed.body:
        if layout == "table":
            # Editors' HTML wraps long lines; between two hanzi a browser shows no space.
            cut = next((k for k in range(30, len(line)) if HANZI.match(line[k - 1:k + 1])),
                       len(line))
            paragraphs.append(f"&nbsp;&nbsp;{e(line[:cut])}\n   {e(line[cut:])}<br><br>")
        elif is_heading(line) and LEVEL_1.match(line):
            paragraphs.append(f"<h3>{e(line)}</h3>")
        elif is_heading(line):
            paragraphs.append(f"<p><strong>{e(line)}</strong></p>")
        elif is_closing(line, seed):
            paragraphs.append(f'<p style="text-align:right">{e(line)}</p>')
        else:
            paragraphs.append(f'<p style="text-indent:2em">&emsp;&emsp;{e(line)}</p>')
    paragraphs.insert(len(paragraphs) // 2, '<script>var note = "一、此处不是正文";</script>')
    content = "\n".join(paragraphs)
    if layout == "table":
        content = ('<table width="100%"><tr><td class="bt_content" style="font-size:16px">'
                   f"{content}</td></tr></table>")
    tail = "".join(f"<div>{e(line)}</div>" for line in seed.below)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={declared or charset}">
<title>{e(title)}_政府门户网站</title>
<meta name="SiteName" content="政府门户网站">
<meta name="ColumnName" content="政务公开">
{extra_head}
<link rel="stylesheet" href="/css/style.css">
<script type="text/javascript">
  var menu = ["一、首页", "二、政务公开", "(一)通知公告"];
  document.write("<div>今天是" + new Date().toLocaleDateString() + "</div>");
</script>
</head>
<body>
<div class="header">
  <div class="banner">今天是2023年1月1日 星期日</div>
  <ul class="nav">
    <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
    <li><a href="/hdjl/">互动交流</a></li><li><a href="/bsfw/">办事服务</a></li>
  </ul>
</div>
<div class="main">
  <div class="crumb">{"".join(f"<span>{e(c)}</span>" for c in crumbs)}</div>
  <div class="article">
    <h1 class="title">{e(title)}</h1>
    <div class="info">{"".join(f"<span>{e(line)}</span>" for line in info)}</div>
    <div class="share">分享到:<a href="#">微信</a><a href="#">微博</a></div>
    <div class="weixin-popup" style="display:none">扫一扫在手机打开当前页</div>
    <div class="TRS_Editor" id="zoom">
{content}
    </div>
    <div class="attachment">附件下载:</div>
    {tail}
    <div class="tools"><a href="javascript:window.print()">【打印本页】</a>
      <a href="javascript:window.close()">【关闭窗口】</a></div>
  </div>
  <div class="related"><h4>相关链接</h4>
    <ul><li><a href="/a.html">关于开展2024年度普法工作的通知</a></li>
        <li><a href="/b.html">某某区召开2024年依法行政工作会议</a></li></ul>
  </div>
</div>
<div class="footer">
  <p><a href="/map">网站地图</a> | <a href="/contact">联系我们</a> | <a href="/about">关于本站</a></p>
  <p>版权所有:某某区人民政府 主办单位:某某区人民政府办公室</p>
  <p>网站标识码:3502050001 闽ICP备12345678号</p>
</div>
</body>
</html>
"""


def write_docx(seed: Seed, path: Path) -> Path:
    """A Word attachment: title, Heading 1/2 styles, indented paragraphs, right-aligned
    signature."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    if seed.title:
        document.add_paragraph(seed.title, style="Title")
    for line in seed.body:
        if is_heading(line):
            document.add_heading(line, level=1 if LEVEL_1.match(line) else 2)
        else:
            paragraph = document.add_paragraph(line)
            if is_closing(line, seed):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                paragraph.paragraph_format.first_line_indent = Pt(24)
    document.save(path)
    return path


def write_pdf(seed: Seed, path: Path) -> int:
    """A PDF with a text layer: running header, "- n -" page numbers, 2-character
    first-line indents, right-aligned signature. Returns the number of pages."""
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("noto", size=9)
            self.cell(0, 6, "法治政府建设年度报告", align="C")
            self.ln(12)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("noto", size=9)
            self.cell(0, 10, f"- {self.page_no()} -", align="C")

    pdf = Report(format="A4")
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=25)
    pdf.add_font("noto", fname=str(FONT))
    pdf.add_page()
    if seed.title:
        pdf.set_font("noto", size=16)
        pdf.multi_cell(0, 10, seed.title, align="C", wrapmode=WrapMode.CHAR,
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.set_font("noto", size=12)
    for line in seed.body:
        if is_closing(line, seed):
            pdf.multi_cell(0, 7, line, align="R", new_x="LMARGIN", new_y="NEXT")
        else:
            # Chinese typesetting breaks a line at any character, not at spaces.
            pdf.multi_cell(0, 7, "\u3000\u3000" + line, align="L", wrapmode=WrapMode.CHAR,
                           new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return pdf.page_no()


def write_mhtml(page: str, path: Path) -> Path:
    """A "Webpage, Single File" archive as browsers save it: multipart/related, the page
    quoted-printable."""
    archive = MIMEMultipart("related", type="text/html")
    archive["Snapshot-Content-Location"] = "http://www.example.gov.cn/zwgk/t20240311_1.html"
    charset = Charset("utf-8")
    charset.body_encoding = QP
    part = MIMEText(page, "html", charset)
    part["Content-Location"] = "http://www.example.gov.cn/zwgk/t20240311_1.html"
    archive.attach(part)
    path.write_bytes(archive.as_bytes())
    return path


def write_image_pdf(path: Path) -> Path:
    """A scan: one page with an embedded PNG and a drawn frame, and no text."""
    from fpdf import FPDF
    from PIL import Image

    image = io.BytesIO()
    Image.new("L", (200, 280), color=235).save(image, format="PNG")
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(image, x=20, y=20, w=170)
    pdf.rect(15, 15, 180, 260)
    pdf.output(str(path))
    return path


# --- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """Every seed as .txt, .html, .mhtml, .docx and .pdf."""
    folder = tmp_path_factory.mktemp("formats")
    files: dict[str, dict[str, Path]] = {}
    for name in SEED_NAMES:
        seed = read_seed(name)
        stem = Path(name).stem
        page = write_html(seed)
        (folder / f"{stem}.html").write_text(page, encoding="utf-8")
        pages = write_pdf(seed, folder / f"{stem}.pdf")
        assert pages >= 2, f"{name}: the PDF must run over at least two pages"
        files[name] = {
            "txt": SEEDS / name,
            "html": folder / f"{stem}.html",
            "mhtml": write_mhtml(page, folder / f"{stem}.mhtml"),
            "docx": write_docx(seed, folder / f"{stem}.docx"),
            "pdf": folder / f"{stem}.pdf",
        }
    return files


def squeeze(text: str) -> list[str]:
    """Lines without their whitespace: the comparison allows whitespace differences only."""
    return [re.sub(r"\s+", "", line) for line in text.split("\n")]


def section_outline(parsed: dict) -> list[tuple[str, int, str]]:
    return [(re.sub(r"\s+", "", s["heading"]), s["level"], s["part"])
            for s in parsed["sections"]]


# --- every seed in every format -------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["html", "mhtml", "docx", "pdf"])
@pytest.mark.parametrize("name", SEED_NAMES)
def test_same_body_and_sections_as_the_text_seed(built, name, fmt):
    reference = load_report(built[name]["txt"])
    parsed = load_report(built[name][fmt])
    expected_format = "html" if fmt == "mhtml" else fmt
    assert parsed["report"]["format"] == expected_format
    assert squeeze(parsed["report"]["text"]) == squeeze(reference["report"]["text"])
    assert section_outline(parsed) == section_outline(reference)
    assert [p["section_id"] for p in parsed["paragraphs"]] == \
        [p["section_id"] for p in reference["paragraphs"]]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_web_page_keeps_the_page_metadata(built, name):
    # The page carries the seed's title and metadata block, so every inferred field agrees
    # with the .txt seed; the stale 今天是2023年1月1日 banner is no publication date.
    reference = load_report(built[name]["txt"])["report"]
    report = load_report(built[name]["html"])["report"]
    for key in ("title", "agency", "admin_level", "province", "year", "published"):
        assert report[key] == reference[key], key
    assert report["page_title"] == f"{read_seed(name).title or '信息公开'}_政府门户网站"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("name", SEED_NAMES)
def test_attachment_metadata(built, name, fmt):
    # An attachment has the title and the body but no page metadata block: it states no
    # publication date, only the signature date (SIGNATURE_DATES, read by hand), which is
    # `signed`; the file's creation date (python-docx's template says 2013-12-23, fpdf2
    # says today) is neither.
    reference = load_report(built[name]["txt"])["report"]
    report = load_report(built[name][fmt])["report"]
    for key in ("title", "agency", "year"):
        assert report[key] == reference[key], key
    assert report["signed"] == SIGNATURE_DATES[name]
    assert report["published"] is None


@pytest.mark.parametrize("name", SEED_NAMES)
def test_table_layout_page_with_br_paragraphs(tmp_path, name):
    # trafilatura alone gives this page's cell as one line; read through its container,
    # every paragraph keeps its line.
    seed = read_seed(name)
    path = tmp_path / "old.html"
    path.write_text(write_html(seed, layout="table"), encoding="utf-8")
    reference = load_report(SEEDS / name)
    parsed = load_report(path)
    assert squeeze(parsed["report"]["text"]) == squeeze(reference["report"]["text"])
    assert section_outline(parsed) == section_outline(reference)
    # A source line break between two hanzi is no space: the text is exactly the seed's.
    assert parsed["report"]["text"] == reference["report"]["text"]


def test_headings_short_lines_and_a_data_table_in_an_unnamed_container():
    # trafilatura drops the <h2>/<h3> headings of a container it does not recognise; read
    # through the container, they stay, and so do the short lines and the table rows.
    paragraphs = "".join(f"<p>第{k}段,我局认真落实各项制度要求,推进法治政府建设。</p>"
                         for k in range(1, 7))
    page = ("<html><head><title>某局2023年法治政府建设年度报告_某市人民政府</title></head><body>"
            "<div class='nav'><a href='/'>首页</a> <a href='/x'>新闻</a></div>"
            "<div class='c'><h2>一、主要举措</h2>" + paragraphs +
            "<table border=1><tr><td>项目</td><td>数量</td></tr>"
            "<tr><td>行政处罚</td><td>12件</td></tr></table>"
            "<h3>(一)完善机制</h3><p>短句。</p><div>附件:</div>"
            "<p style='text-align:right'>某局</p><p>2023年11月20日</p></div>"
            "<div class='footer'>版权所有 某市人民政府</div></body></html>")
    doc = read_html(page.encode("utf-8"))
    # By hand: the <title> minus the site name comes first, then the container line by
    # line, table cells joined by a tab; the menu and the footer are left out.
    assert doc.text.split("\n") == (
        ["某局2023年法治政府建设年度报告", "一、主要举措"]
        + [f"第{k}段,我局认真落实各项制度要求,推进法治政府建设。" for k in range(1, 7)]
        + ["项目\t数量", "行政处罚\t12件", "(一)完善机制", "短句。", "附件:", "某局",
           "2023年11月20日"])
    assert doc.meta == {"page_title": "某局2023年法治政府建设年度报告_某市人民政府"}


def test_pdf_running_header_and_page_numbers_are_gone(built):
    doc = read_document(built["001_7e756e6a511fe527.txt"]["pdf"])
    lines = doc.text.split("\n")
    assert "法治政府建设年度报告" not in lines
    assert not [line for line in lines if re.fullmatch(r"-\s*\d+\s*-", line.strip())]
    # The signature and its date stay on lines of their own, at the end.
    assert lines[-2:] == ["滨海新区人民政府杭州道街道办事处", "2023年11月20日"]


def test_docx_headings_come_from_heading_styles(built):
    import docx

    document = docx.Document(built["001_7e756e6a511fe527.txt"]["docx"])
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["一、主要举措和成效"] == "Heading 1"
    assert styles["(一)规范文明执法,强化对行政权力的制约和监督"] == "Heading 2"
    sections = load_report(built["001_7e756e6a511fe527.txt"]["docx"])["sections"]
    first = [s for s in sections if s["level"] == 1][0]
    assert (first["heading"], first["part"]) == ("一、主要举措和成效", "measures")


# --- encodings ------------------------------------------------------------------------------

def test_gbk_page_declaring_utf8(tmp_path):
    seed = read_seed("000_a366b11c6bb12e59.txt")
    path = tmp_path / "gbk.html"
    path.write_bytes(write_html(seed, declared="utf-8").encode("gbk"))
    reference = load_report(SEEDS / seed.name)
    parsed = load_report(path)
    assert squeeze(parsed["report"]["text"]) == squeeze(reference["report"]["text"])
    assert parsed["report"]["encoding"] == "gb18030"
    assert parsed["report"]["title"] == "厦门市海沧区城市管理局2023年度法治政府建设情况报告"
    assert any("declared charset utf-8 is wrong" in w for w in parsed["warnings"])


def test_utf8_page_declaring_gb2312(tmp_path):
    seed = read_seed("001_7e756e6a511fe527.txt")
    path = tmp_path / "utf8.htm"
    path.write_bytes(write_html(seed, declared="gb2312").encode("utf-8"))
    reference = load_report(SEEDS / seed.name)
    parsed = load_report(path)
    assert squeeze(parsed["report"]["text"]) == squeeze(reference["report"]["text"])
    assert parsed["report"]["encoding"] == "utf-8"
    assert parsed["report"]["published"] == "2024-03-26"
    assert any("declared charset gb2312 is wrong" in w for w in parsed["warnings"])


def test_gbk_page_declaring_gb2312_has_no_warning_about_the_declaration(tmp_path):
    seed = read_seed("002_e94d2d9e19816d1e.txt")
    path = tmp_path / "gbk.html"
    path.write_bytes(write_html(seed, declared="gb2312").encode("gbk"))
    parsed = load_report(path)
    assert parsed["report"]["encoding"] == "gb18030"
    assert not any("declared" in w for w in parsed["warnings"])


def test_html_saved_as_txt_is_read_as_html(tmp_path):
    seed = read_seed("000_a366b11c6bb12e59.txt")
    path = tmp_path / "page.txt"
    path.write_text(write_html(seed), encoding="utf-8")
    parsed = load_report(path)
    assert parsed["report"]["format"] == "html"
    assert squeeze(parsed["report"]["text"]) == squeeze(load_report(SEEDS / seed.name)
                                                        ["report"]["text"])
    assert "content is HTML although the extension is .txt" in parsed["warnings"]


# --- page metadata --------------------------------------------------------------------------

def test_meta_tags_give_date_source_and_url(tmp_path):
    seed = read_seed("003_6cedf000a8b0ee3b.txt")  # its copied page had no date
    head = ('<meta name="PubDate" content="2025-01-16 09:30">\n'
            '<meta name="ContentSource" content="红寺堡区综合执法局">\n'
            '<link rel="canonical" href="http://www.hsb.gov.cn/zwgk/t20250116_1.html">')
    path = tmp_path / "page.html"
    path.write_text(write_html(seed, extra_head=head), encoding="utf-8")
    doc = read_document(path)
    assert doc.meta["发布日期"] == "2025-01-16 09:30"
    assert doc.meta["来源"] == "红寺堡区综合执法局"
    assert doc.meta["url"] == "http://www.hsb.gov.cn/zwgk/t20250116_1.html"
    report = load_report(path)["report"]
    assert (report["published"], report["published_source"]) == ("2025-01-16", "page")
    assert report["page_source"] == "红寺堡区综合执法局"
    assert report["source_url"] == "http://www.hsb.gov.cn/zwgk/t20250116_1.html"


def test_printed_date_wins_over_the_meta_tag(tmp_path):
    # 001's page prints 发布日期: 2024-03-26 17:24; a <meta> that says otherwise loses.
    seed = read_seed("001_7e756e6a511fe527.txt")
    head = '<meta name="firstpublishedtime" content="2024-04-01-08:00:00">'
    path = tmp_path / "page.html"
    path.write_text(write_html(seed, extra_head=head), encoding="utf-8")
    assert read_document(path).meta["发布日期"] == "2024-04-01-08:00:00"
    assert load_report(path)["report"]["published"] == "2024-03-26"


def test_og_url_when_there_is_no_canonical_link(tmp_path):
    seed = read_seed("002_e94d2d9e19816d1e.txt")
    head = '<meta property="og:url" content="https://www.jiangmen.gov.cn/a/1.html">'
    path = tmp_path / "page.html"
    path.write_text(write_html(seed, extra_head=head), encoding="utf-8")
    assert read_document(path).meta["url"] == "https://www.jiangmen.gov.cn/a/1.html"


def test_mhtml_url_from_the_archive(built):
    doc = read_document(built["004_f91691d480d248cc.txt"]["mhtml"])
    assert doc.format == "html"
    assert doc.meta["url"] == "http://www.example.gov.cn/zwgk/t20240311_1.html"


# --- DOCX details ---------------------------------------------------------------------------

def test_docx_table_rows_and_core_properties(tmp_path):
    import docx

    document = docx.Document()
    document.core_properties.title = "某局2023年法治政府建设年度报告"
    document.add_paragraph("一、主要举措和成效")
    table = document.add_table(rows=3, cols=3)
    cells = [["项目", "2022年", "2023年"], ["行政处罚", "12件", "15件"], ["听证", "", "3场"]]
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    merged = document.add_table(rows=2, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合计"
    merged.cell(1, 0).text = "甲"
    merged.cell(1, 1).text = "乙"
    document.add_paragraph("二、存在的不足")
    path = tmp_path / "t.docx"
    document.save(path)
    doc = read_document(path)
    # One line per row, cells joined by a tab (the empty cell keeps its place); the
    # merged first row of the second table is one cell.
    assert doc.text.split("\n") == [
        "一、主要举措和成效", "项目\t2022年\t2023年", "行政处罚\t12件\t15件", "听证\t\t3场",
        "合计", "甲\t乙", "二、存在的不足"]
    assert doc.meta["page_title"] == "某局2023年法治政府建设年度报告"
    # python-docx's template was created on 2013-12-23: a file date, kept apart from 发布日期.
    assert doc.meta["created"].startswith("2013-12-23")
    assert "发布日期" not in doc.meta


def _numbered_docx(path: Path) -> Path:
    """Headings numbered by Word (一、 and (一) come from numbering.xml, not the text)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="(%2)"/><w:suff w:val="nothing"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%3."/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int) -> None:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))

    numbered("主要举措和成效", 0)
    numbered("完善制度", 1)
    numbered("修订清单", 2)
    numbered("规范执法", 1)
    numbered("存在的不足", 0)
    numbered("学习不够", 1)
    # A heading style tied to the list numbers its paragraphs without a numPr of their own.
    from docx.enum.style import WD_STYLE_TYPE

    style = document.styles.add_style("Report Heading", WD_STYLE_TYPE.PARAGRAPH)
    style.element.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'))
    document.add_paragraph("下一步工作安排", style="Report Heading")
    document.save(path)
    return path


def test_docx_automatic_list_numbers_are_written_out(tmp_path):
    doc = read_document(_numbered_docx(tmp_path / "n.docx"))
    # By hand: level 0 counts 一, 二; level 1 restarts under each level-0 item; the tab
    # that Word puts after "1." by default is layout, as the suffix after 、 and ).
    assert doc.text.split("\n") == ["一、主要举措和成效", "(一)完善制度", "1.修订清单",
                                    "(二)规范执法", "二、存在的不足", "(一)学习不够",
                                    "三、下一步工作安排"]


# --- PDF details ----------------------------------------------------------------------------

def test_image_only_pdf_is_not_loaded(tmp_path):
    path = write_image_pdf(tmp_path / "scan.pdf")
    with pytest.raises(UnreadableFile, match=re.escape(NO_TEXT_LAYER)):
        read_document(path)
    corpus = load_corpus([path])
    assert corpus.reports.empty
    row = corpus.files.iloc[0]
    assert (row["status"], row["reason"]) == ("skipped", NO_TEXT_LAYER)


def test_flush_left_pdf_with_a_scanned_page(tmp_path):
    # No first-line indents: a line ending a sentence ends its paragraph, a full line that
    # does not is wrapped. Each paragraph below has its only 。 at its end, and every
    # character is one em wide, so the lines break at 37 characters on a 453-point measure.
    from fpdf import FPDF
    from fpdf.enums import WrapMode
    from PIL import Image

    paragraphs = ["一、总体情况",
                  "我局坚持以习近平法治思想为指导，" * 6 + "全面推进法治政府建设。",
                  "严格规范公正文明执法，" * 9 + "持续提升行政执法质量。",
                  "二、存在的不足",
                  "普法宣传的形式还不够丰富，" * 5 + "日常针对性有待提高。"]
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20, 25)
    pdf.add_font("noto", fname=str(FONT))
    pdf.set_font("noto", size=12)
    pdf.add_page()
    for text in paragraphs:
        # Some PDF fonts map 日 to the Kangxi radical ⽇ (U+2F47); it must read as 日.
        pdf.multi_cell(0, 7, text.replace("日", "\u2f47"), wrapmode=WrapMode.CHAR,
                       new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    image = io.BytesIO()
    Image.new("L", (100, 140), color=200).save(image, format="PNG")
    pdf.image(image, x=20, y=20, w=170)
    path = tmp_path / "flush.pdf"
    pdf.output(str(path))
    doc = read_document(path)
    # The normalizer folds ， to , afterwards; the reader keeps the characters it read.
    assert doc.text.split("\n") == paragraphs
    assert doc.warnings == ["page 2 without a text layer (scanned?): its text is missing"]


# --- the whole pipeline ---------------------------------------------------------------------

def test_mixed_folder_builds_with_the_cli(built, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    picks = {"000_a366b11c6bb12e59.txt": "txt", "001_7e756e6a511fe527.txt": "html",
             "002_e94d2d9e19816d1e.txt": "docx", "003_6cedf000a8b0ee3b.txt": "pdf",
             "004_f91691d480d248cc.txt": "mhtml"}
    for name, fmt in picks.items():
        source = built[name][fmt]
        (folder / source.name).write_bytes(source.read_bytes())
    write_image_pdf(folder / "scan.pdf")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "analysis", "build", str(folder), "--out",
                             str(out)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    with (out / "files.csv").open(encoding="utf-8-sig") as fh:
        files = {row["file"]: row for row in csv.DictReader(fh)}
    assert set(files) == {p.name for p in folder.iterdir()}
    for name, fmt in picks.items():
        row = files[built[name][fmt].name]
        assert row["status"] == "loaded", row
        assert row["format"] == ("html" if fmt == "mhtml" else fmt)
    assert (files["scan.pdf"]["status"], files["scan.pdf"]["reason"]) == \
        ("skipped", NO_TEXT_LAYER)
    assert files["old.doc"]["status"] == "skipped"
    assert "legacy Word 97-2003" in files["old.doc"]["reason"]
    with (out / "reports.csv").open(encoding="utf-8-sig") as fh:
        reports = list(csv.DictReader(fh))
    assert sorted(r["format"] for r in reports) == ["docx", "html", "html", "pdf", "txt"]
