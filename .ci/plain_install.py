"""The two halves of .ci/check_plain_install.sh.

``write FOLDER`` (run with the project's .venv, which has python-docx and fpdf2): three made-up
annual reports, one each as a saved HTML page, a Word DOCX and a PDF with a CJK text layer,
written the way tests/ingest/test_reader_files.py writes its fixtures.

``check FOLDER`` (run with the Python of a fresh venv holding a plain ``pip install .``):
load the folder with ``analysis.load_corpus`` and fail unless all three files are loaded with
their body text, the package and its data files come from site-packages, and the cache
(``analysis.paths.CACHE``) is outside site-packages.
"""

from __future__ import annotations

import html
import importlib.util
import re
import sys
from pathlib import Path

# Three reports, so that no two bodies are the same text (a repeated body is a "duplicate").
REPORTS = {
    "html": ("示例市生态环境局", 2023, "生态环境保护", "排污许可"),
    "docx": ("示例县市场监督管理局", 2024, "市场监管", "食品安全"),
    "pdf": ("示例区司法局", 2022, "公共法律服务", "人民调解"),
}
LEVEL_1 = re.compile(r"^[一二三四五六七八九十]+、")
LEVEL_2 = re.compile(r"^[(（][一二三四五六七八九十]+[)）]")
CJK = re.compile(r"[\u4e00-\u9fff]")
MIN_CJK = 100  # the loader skips a body with fewer Chinese characters


def report_lines(agency: str, year: int, field: str, topic: str) -> list[str]:
    """Title, then the body: headings 一、/(一) and paragraphs, signature and date."""
    return [
        f"{agency}关于{year}年度法治政府建设情况的报告",
        f"{year}年,{agency}坚持以习近平法治思想为指导,认真贯彻落实党中央、国务院关于法治政府"
        f"建设的决策部署,围绕{field}中心工作,全面推进依法行政,各项工作取得积极成效。"
        "现将有关情况报告如下:",
        f"一、{year}年推进法治政府建设的主要举措和成效",
        "(一)加强组织领导,压实第一责任人职责",
        "局党组把法治政府建设摆在全局工作的重要位置,主要负责人切实履行推进法治建设第一责任人"
        "职责,年内召开党组会议专题研究法治政府建设工作4次,制定年度工作要点和任务清单,"
        "明确责任分工和完成时限,确保各项任务落到实处。",
        "(二)严格规范公正文明执法",
        f"全面落实行政执法公示、执法全过程记录和重大执法决定法制审核制度,围绕{topic}等重点领域"
        f"开展专项检查,全年办理行政处罚案件{year % 100 + 37}件,组织案卷评查2次,"
        "发现并整改问题12个,行政执法质量明显提升。",
        "(三)深入开展普法宣传",
        f"落实“谁执法谁普法”普法责任制,结合{field}工作特点开展法治宣传进企业、进社区、进学校"
        "活动,发放宣传资料三千余份,解答群众咨询五百余人次。",
        "二、存在的问题和不足",
        "一是部分执法人员法治意识和业务能力有待提高;二是行政执法与刑事司法衔接机制还需完善;"
        "三是运用信息化手段开展监管的水平有待提升。",
        f"三、{year + 1}年工作打算",
        f"{year + 1}年,我局将继续深入学习贯彻习近平法治思想,健全依法决策机制,提升行政执法"
        "规范化水平,加强执法监督,持续优化法治化营商环境,为经济社会高质量发展提供法治保障。",
        agency,
        f"{year + 1}年1月15日",
    ]


def is_heading(line: str) -> bool:
    return bool(LEVEL_1.match(line) or LEVEL_2.match(line)) and "。" not in line


def write_html(lines: list[str], path: Path) -> None:
    """A saved government page: navigation, the article in a TRS_Editor div, a footer."""
    e = html.escape
    title, body = lines[0], lines[1:]
    paragraphs = []
    for line in body:
        if LEVEL_1.match(line) and is_heading(line):
            paragraphs.append(f"<h3>{e(line)}</h3>")
        elif is_heading(line):
            paragraphs.append(f"<p><strong>{e(line)}</strong></p>")
        elif line in body[-2:]:
            paragraphs.append(f'<p style="text-align:right">{e(line)}</p>')
        else:
            paragraphs.append(f'<p style="text-indent:2em">&emsp;&emsp;{e(line)}</p>')
    content = "\n".join(paragraphs)
    path.write_text(f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{e(title)}_示例市人民政府门户网站</title>
</head>
<body>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul>
<div class="crumb">当前位置:首页 &gt; 政务公开 &gt; 法治政府建设</div>
<div class="article">
  <h1 class="title">{e(title)}</h1>
  <div class="info"><span>发布日期:2024-01-15</span><span>来源:{e(lines[-2])}</span></div>
  <div class="TRS_Editor" id="zoom">
{content}
  </div>
</div>
<div class="footer"><p>版权所有:示例市人民政府 网站标识码:0000000000</p></div>
</body>
</html>
""", encoding="utf-8")


def write_docx(lines: list[str], path: Path) -> None:
    """A Word attachment: Title style, Heading 1/2, indented paragraphs."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.add_paragraph(lines[0], style="Title")
    for line in lines[1:]:
        if is_heading(line):
            document.add_heading(line, level=1 if LEVEL_1.match(line) else 2)
        else:
            document.add_paragraph(line).paragraph_format.first_line_indent = Pt(24)
    document.save(path)


def write_pdf(lines: list[str], path: Path) -> None:
    """A PDF with a text layer in the Noto Sans CJK font that mplfonts ships."""
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    font = Path(importlib.util.find_spec("mplfonts").origin).parent / "fonts" \
        / "NotoSansCJKsc-Regular.otf"
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20, 25)
    pdf.add_font("noto", fname=str(font))
    pdf.add_page()
    pdf.set_font("noto", size=16)
    pdf.multi_cell(0, 10, lines[0], align="C", wrapmode=WrapMode.CHAR,
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("noto", size=12)
    for line in lines[1:]:
        indent = "" if is_heading(line) else "\u3000\u3000"
        pdf.multi_cell(0, 7, indent + line, align="L", wrapmode=WrapMode.CHAR,
                       new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    writers = {"html": write_html, "docx": write_docx, "pdf": write_pdf}
    for fmt, (agency, year, field, topic) in REPORTS.items():
        lines = report_lines(agency, year, field, topic)
        path = folder / f"report_{year}.{fmt}"
        writers[fmt](lines, path)
        n_cjk = len(CJK.findall("".join(lines[1:])))
        print(f"wrote {path.name}: {path.stat().st_size} bytes, {n_cjk} Chinese characters "
              "of body")


def check(folder: Path) -> None:
    import sysconfig

    import analysis
    from analysis import load_corpus, paths

    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    print(f"python {sys.version.split()[0]} at {sys.executable}")
    print(f"analysis {analysis.__version__} from {paths.PACKAGE_DIR}")
    problems = []
    if not paths.PACKAGE_DIR.is_relative_to(site):
        problems.append(f"analysis is imported from {paths.PACKAGE_DIR}, not from {site}")
    resources = sorted(p.name for p in paths.RESOURCES.glob("*") if p.is_file())
    print(f"resources: {len(resources)} files in {paths.RESOURCES}")
    if "lexicon.tsv" not in resources or "stopwords.txt" not in resources:
        problems.append(f"data files missing from {paths.RESOURCES}: {resources}")
    print(f"cache: {paths.CACHE}")
    if paths.CACHE.resolve().is_relative_to(site):
        problems.append(f"the cache {paths.CACHE} is inside site-packages {site}")

    corpus = load_corpus(folder)
    files = corpus.files.merge(corpus.reports[["doc_id", "title", "text"]], on="doc_id",
                               how="left")
    for row in files.itertuples():
        text = row.text if isinstance(row.text, str) else ""
        n_cjk = len(CJK.findall(text))
        print(f"{row.file}: {row.status} ({row.reason}), format {row.format}, "
              f"{n_cjk} Chinese characters of body, title {row.title!r}")
        if row.status != "loaded" or n_cjk < MIN_CJK:
            problems.append(f"{row.file}: {row.status}, {n_cjk} Chinese characters of body")
    loaded = set(files.loc[files["status"] == "loaded", "format"])
    if loaded != {"html", "docx", "pdf"}:
        problems.append(f"formats loaded: {sorted(loaded)}, expected docx, html and pdf")
    for problem in problems:
        print(f"FAIL: {problem}", flush=True)
    # Four checks (package in site-packages, data files, cache, formats) and one per file.
    n_checks = 4 + len(files)
    print(f"plain_install: {n_checks - len(problems)} passed, {len(problems)} failed")
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "check"):
        sys.exit("usage: plain_install.py write|check FOLDER")
    {"write": write, "check": check}[sys.argv[1]](Path(sys.argv[2]))
