"""Width and whitespace folding, metadata lines, chrome lines and the body boundaries."""

from __future__ import annotations

import pytest

from analysis.ingest.normalize import (
    classify_chrome,
    normalize_line,
    normalize_lines,
    parse_meta_line,
    split_page,
)


def test_normalize_line_folds_width_and_space():
    # Full-width comma/parentheses/digits/colon fold to ASCII; 、。“” stay; U+3000 and
    # U+2002 (en space, used by Changzhi's signature) become spaces and are stripped.
    raw = "\u3000\u3000（一）２０２３年，我局“双随机、一公开”：\u2002\u2002完成。\u00a0"
    assert normalize_line(raw) == "(一)2023年,我局“双随机、一公开”: 完成。"


def test_normalize_lines_keeps_empty_lines_and_line_count():
    assert normalize_lines("甲\r\n\r\n乙\r丙") == ["甲", "", "乙", "丙"]


@pytest.mark.parametrize(
    ("line", "facts"),
    [
        ("来源 :海沧城管局 时间:2024-03-11 11:05", {"来源": "海沧城管局", "时间": "2024-03-11 11:05"}),
        ("发布日期: 2024-03-26 17:24 来源: 杭州道", {"发布日期": "2024-03-26 17:24", "来源": "杭州道"}),
        ("[ 发布机构 ] 万州区后山镇", {"发布机构": "万州区后山镇"}),
        ("- 索 引 号: sm09901-1800-2025-00003", {"索引号": "sm09901-1800-2025-00003"}),
        ("- 备注/文号: 将镛委〔2025〕5号", {"备注/文号": "将镛委〔2025〕5号"}),
        ("字号:", {"字号": ""}),
        # Prose that happens to start with 时间: is body.
        ("时间:全年共开展执法检查120次,发现问题32个,已全部整改到位。", None),
        ("2023年,我局围绕贯彻落实党的二十大精神", None),
    ],
)
def test_parse_meta_line(line, facts):
    assert parse_meta_line(line) == facts


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("当前位置:杭州道街> 政务公开> 最新文件", "breadcrumb"),
        ("首页 > 政务公开 > 工作报告", "breadcrumb"),
        ("今天是:2019年10月31日 星期三 农历十月初七", "date banner"),
        ("• 扫一扫在手机打开当前页", "share widget"),
        ("分享:", "share widget"),
        ("附件下载", "download link"),
        ("【打印】【关闭】", "page tool"),
        ("中国政府网 | 重庆市人民政府网 | 重庆市万州区人民政府网", "link bar"),
        ("全国各省市政府网站", "footer"),
        ("版权所有:某某区人民政府办公室", "footer"),
        ("打印本页 关闭窗口", "page tool"),
        ("【我要打印】【关闭】", "page tool"),
        ("主办:某某市人民政府办公室 承办:某某市大数据中心", "footer"),
        ("地址:某某市某某路1号 邮编:100000", "footer"),
        # The Tianjin report gives its address in a body sentence: a long line is never footer.
        ("如对本报告有任何疑问,请与市人社局法规处联系(地址:天津市和平区建设路18号;邮编:300040;"
         "电话(传真):022-23030851)", None),
        ("打印机采购项目已完成。", None),
        ("滨海新区人民政府杭州道街道办事处", None),
        ("2023年11月20日", None),
        ("三是提升审批服务效能,助力优化营商环境。", None),
    ],
)
def test_classify_chrome(line, kind):
    assert classify_chrome(line) == kind


def test_split_page_header_body_footer():
    raw = "\n".join([
        "今天是:2019年10月31日",
        "您所在的位置:政务公开 > 工作报告",
        "某某区司法局2023年度法治政府建设情况报告",
        "发布日期:2024-03-01 来源:区司法局",
        "某政〔2024〕3号",
        "区委、区政府:",
        "2023年,我局坚持以习近平法治思想为指导,全面推进法治政府建设,现将有关情况报告如下:",
        "一、主要举措和成效",
        "某某区司法局",
        "2024年2月28日",
        "",
        "附件下载",
        "分享:",
        "网站地图 | 联系我们 | 版权声明",
    ])
    page = split_page(normalize_lines(raw))
    assert [line for _, line in page.header] == ["某某区司法局2023年度法治政府建设情况报告",
                                                 "某政〔2024〕3号"]
    # The addressee line starts the body; the signature and its date end it.
    assert [line for _, line in page.body] == [
        "区委、区政府:",
        "2023年,我局坚持以习近平法治思想为指导,全面推进法治政府建设,现将有关情况报告如下:",
        "一、主要举措和成效", "某某区司法局", "2024年2月28日"]
    assert page.chrome.facts == {"发布日期": "2024-03-01", "来源": "区司法局"}
    assert [kind for _, _, kind in page.chrome.removed] == [
        "date banner", "breadcrumb", "metadata", "download link", "share widget", "footer"]
    # Line numbers point back into the raw file.
    assert page.body[0] == (5, "区委、区政府:")


# --- metadata blocks laid out as tables and bullet lists (#10, 1) -----------------------

def test_header_metadata_in_table_rows_and_bullet_lists():
    from analysis.ingest.normalize import parse_header_meta_line

    # Guards against missing the page's date and organisation when a template prints its
    # 政府信息公开 block as a table or a list of bare values.
    assert parse_header_meta_line("| 发布机构 | 武侯区城市管理局 |") == {"发布机构": "武侯区城市管理局"}
    assert parse_header_meta_line("| 生成日期 | 2025-03-18 10:21:05 |") == {
        "生成日期": "2025-03-18 10:21:05"}
    assert parse_header_meta_line("| 索引号 | 11510107/2025-00012 | 主题分类 | 其他 |") == {
        "索引号": "11510107/2025-00012", "主题分类": "其他"}
    assert parse_header_meta_line("发布机构 武侯区城市管理局") == {"发布机构": "武侯区城市管理局"}
    assert parse_header_meta_line(
        "发文字号:武司〔2025〕2号 | 发文时间:2025-02-11 ||| 发文机关:成都市武侯区司法局") == {
        "发文字号": "武司〔2025〕2号", "发文时间": "2025-02-11", "发文机关": "成都市武侯区司法局"}
    assert parse_header_meta_line(
        "• 索引号 • 法制 • 工作报告 • 江宁区司法局 • 2024-03-15 • 2024-03-15") == {
        "日期": "2024-03-15", "发布机构": "江宁区司法局"}
    # Not metadata: a sentence, a bullet list without a key, a table row of figures.
    assert parse_header_meta_line("时间就是生命,我们要抓紧推进") is None
    assert parse_header_meta_line("• 学法 • 用法 • 守法") is None
    assert parse_header_meta_line("| 行政处罚案件 | 814起 |") is None


TABLE_PAGE = """首页 > 信息公开 > 法定主动公开内容
| 索引号 | 11510107MB0000000X/2025-00012 | 主题分类 | 其他 |
| 发布机构 | 武侯区城市管理局 | 生成日期 | 2025-03-18 10:21:05 |
武侯区城市管理局2024年法治政府建设情况报告
2024年,区城市管理局坚持以习近平法治思想为指导,深入推进严格规范公正文明执法,现将有关情况报告如下。
一、主要举措和成效
日期 2024年3月1日,局党组召开专题会议研究部署年度法治工作。
(一)规范执法行为。全年办理行政处罚案件120起。
二、存在的不足和原因
执法人员法治素养仍需提升。
三、2025年工作安排
持续深化城市管理领域法治建设。
"""

BULLET_PAGE = """• 索引号 • 法制 • 工作报告 • 江宁区司法局 • 2024-03-15 • 2024-03-15
江宁区司法局2023年度法治政府建设工作报告
2023年,江宁区司法局在区委、区政府的坚强领导下,全面履行法治建设职能,现将有关情况报告如下。
一、主要举措和成效
深入开展法治宣传教育,全年组织法治讲座36场。
二、存在的不足和原因
基层法治力量仍然薄弱。
三、2024年工作安排
持续推进法治政府建设示范创建。
"""


@pytest.mark.parametrize("page, published, agency_end", [
    (TABLE_PAGE, "2025-03-18", "武侯区城市管理局"),
    (BULLET_PAGE, "2024-03-15", "江宁区司法局"),
])
def test_a_page_whose_metadata_block_is_a_table(tmp_path, page, published, agency_end):
    from analysis import load_corpus

    (tmp_path / "page.txt").write_text(page, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    report = corpus.reports.iloc[0]
    assert report["published"] == published and report["published_source"] == "page"
    assert report["agency"].endswith(agency_end)
    body = corpus.paragraphs["text"].tolist()
    # Every line from the first prose line on is body; no metadata row is.
    first_body = page.splitlines().index(next(line for line in page.splitlines()
                                              if line.startswith("20")))
    assert body == [line for line in page.splitlines()[first_body:] if line]
    # A body line shaped like a table row (日期 2024年3月1日…) stays body.
    if page is TABLE_PAGE:
        assert any(line.startswith("日期 2024年3月1日") for line in body)


# --- a title that is not on a line of its own (#10, 6) -----------------------------------

def test_a_run_in_title_is_split_off_its_banner_and_its_opening():
    from analysis.ingest.normalize import split_run_in_title

    # Guards against losing the title (and so the agency) when a site banner or the
    # opening shares its line.
    assert split_run_in_title(
        "每日更新www.example.com河南省人民政府关于2023年度法治政府建设情况的报告"
        "2023年,省政府坚持以习近平法治思想为指导。") == [
        "每日更新www.example.com", "河南省人民政府关于2023年度法治政府建设情况的报告",
        "2023年,省政府坚持以习近平法治思想为指导。"]
    assert split_run_in_title("政府信息公开 遵义市人民政府关于2021年法治政府建设工作情况的报告") == [
        "政府信息公开", "遵义市人民政府关于2021年法治政府建设工作情况的报告"]
    # Sentences that mention a report are not titles; a title alone stays as it is.
    for line in ("现将我局2023年度法治政府建设情况报告如下:",
                 "根据要求,现将2023年法治政府建设情况报告2024年计划一并报送。",
                 "为深入贯彻落实,我局印发了《2023年法治政府建设工作报告》。",
                 "厦门市海沧区城市管理局2023年度法治政府建设情况报告"):
        assert split_run_in_title(line) == [line]


def test_a_page_whose_title_runs_into_the_opening(tmp_path):
    from analysis import load_corpus

    page = ("河南省人民政府门户网站 每日更新www.example.com河南省人民政府关于2023年度法治政府建设"
            "情况的报告2023年,省政府坚持以习近平法治思想为指导,全面推进依法行政,现将有关情况报告如下。\n"
            "一、主要举措和成效\n全年审查规范性文件120件,办理行政复议案件300余件,推动行政执法"
            "三项制度全面落实。\n二、存在的不足和原因\n基层执法能力有待提升,法治宣传的针对性还不够强。\n"
            "三、2024年工作安排\n持续推进法治政府建设,深化行政执法体制改革。\n")
    (tmp_path / "henan.txt").write_text(page, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    report = corpus.reports.iloc[0]
    assert report["title"] == "河南省人民政府关于2023年度法治政府建设情况的报告"
    assert report["agency"] == "河南省人民政府" and report["year"] == 2023
    # The opening is body, whole; the banner is not.
    assert corpus.paragraphs["text"].iloc[0].startswith("2023年,省政府坚持")
    assert corpus.paragraphs["text"].iloc[0].endswith("现将有关情况报告如下。")
    assert not any("www" in line for line in corpus.paragraphs["text"])
