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
