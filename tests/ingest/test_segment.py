"""Headings, levels, parts, and sentence spans on hand-made reports."""

from __future__ import annotations

import pytest

from analysis.ingest.segment import classify_part, detect_level, segment_body, split_sentences


@pytest.mark.parametrize(
    ("heading", "part"),
    [
        ("一、2023年主要工作", "measures"),
        ("一、上一年度推进法治政府建设的主要举措和成效", "measures"),
        ("二、存在的困难和问题", "shortcomings"),
        ("三、上一年度党政主要负责人履行推进法治建设第一责任人职责的情况", "leadership"),
        ("四、2024年推进法治工作计划", "plans"),
        ("三、2025年工作思路", "plans"),
        ("三、存在的不足和下一步打算", "shortcomings"),  # merged: the first named part wins
        ("其他需要报告的重要事项", "other"),
        ("一、深入践行习近平法治思想", None),  # a theme heading names no part
        # Theme headings that borrow part words are not parts.
        ("二、依法全面履行法定职责", None),
        ("三、聚焦问题整改,推动法治建设", None),
        ("一、严格落实年度法治建设计划,提升依法行政水平", None),
        ("二、存在的困难和问题", "shortcomings"),
        ("三、工作中存在的问题及原因", "shortcomings"),
        ("四、下一年度推进法治政府建设的主要安排", "plans"),
        ("四、2024年工作重点", "plans"),
        ("三、主要负责人履行推进法治建设第一责任人职责情况", "leadership"),
    ],
)
def test_classify_part(heading, part):
    assert classify_part(heading) == part


@pytest.mark.parametrize(
    ("line", "level"),
    [("一、主要举措", 1), ("(二)完善机制", 2), ("1.城市综合执法工作:", 3), ("3、社会治安", 3),
     ("一是夯实党建抓总之基。", 3), ("(1)加强学习", 4), ("①加强学习", 4),
     ("2023年,我局坚持", None), ("2023.5完成", None)],
)
def test_detect_level(line, level):
    assert detect_level(line) == level


def test_segment_body_hierarchy_and_parts():
    lines = [
        "2023年,我局坚持以习近平法治思想为指导。",
        "一、深入践行习近平法治思想",
        "(一)加强学习。一是全面部署。二是定期学习。",
        "一是夯实党建抓总之基。局党组将法治建设列为一把手工程。",
        "二、存在的问题",
        "普法方式方法不够创新。",
        "三、下一步工作计划",
        "(一)抓创新。",
    ]
    sections, owner = segment_body(lines)
    got = [(s.section_id, s.parent_id, s.level, s.heading, s.part) for s in sections]
    assert got == [
        ("s000", None, 0, "", "preamble"),
        ("s001", None, 1, "一、深入践行习近平法治思想", "measures"),  # a theme before any other part
        ("s002", "s001", 2, "(一)加强学习", "measures"),
        ("s003", "s002", 3, "一是夯实党建抓总之基", "measures"),
        ("s004", None, 1, "二、存在的问题", "shortcomings"),
        ("s005", None, 1, "三、下一步工作计划", "plans"),
        ("s006", "s005", 2, "(一)抓创新", "plans"),
    ]
    assert owner == ["s000", "s001", "s002", "s003", "s004", "s004", "s005", "s006"]


def test_repeated_top_number_is_demoted():
    # 留下街道 numbers its sub-items 一、 again under 一、; they are sub-items of the first.
    lines = ["一、2022年法治政府建设主要措施", "一、强化领导责任,夯实法治政府建设基础",
             "街道党工委高度重视法治政府建设工作。", "二、深化依法行政,提升治理水平",
             "街道推进依法决策。", "二、存在的问题和不足", "问题一。"]
    sections, _ = segment_body(lines)
    assert [(s.level, s.part) for s in sections] == [
        (1, "measures"), (2, "measures"), (2, "measures"), (1, "shortcomings")]


def test_unnumbered_part_heading():
    lines = ["一、主要举措和成效", "做了很多工作。", "其他需要报告的重要事项", "下一步,我局将坚持依法行政。"]
    sections, _ = segment_body(lines)
    assert [(s.level, s.heading, s.part) for s in sections] == [
        (1, "一、主要举措和成效", "measures"), (1, "其他需要报告的重要事项", "other")]


def test_split_sentences_spans():
    text = "一是全面部署。二是定期学习;三是“年终问效。”结尾"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["一是全面部署。", "二是定期学习;", "三是“年终问效。”", "结尾"]


def test_unnumbered_thematic_headings_count_as_measures_on_a_page_without_numbers():
    # 司法部's page: headings carry neither a number nor a part word.
    lines = ["2022年,司法部坚持以习近平新时代中国特色社会主义思想为指导,扎实推进法治政府建设,各项工作取得重要进展和成效。",
             "统筹推进法治政府建设高质量发展",
             "坚持把学习宣传贯彻党的二十大精神作为首要政治任务,切实贯彻落实到推进法治政府建设全过程和各方面。",
             "深化行政执法体制改革",
             "全面推行行政执法三项制度,组织开展行政执法案卷评查,行政执法质量不断提升,群众满意度明显提高。"]
    sections, _ = segment_body(lines)
    assert [(s.level, s.heading, s.part) for s in sections] == [
        (0, "", "preamble"), (1, "统筹推进法治政府建设高质量发展", "measures"),
        (1, "深化行政执法体制改革", "measures")]


def test_short_lines_are_not_thematic_headings_where_they_should_not_be():
    paragraph = "全面推行行政执法三项制度,组织开展行政执法案卷评查,行政执法质量不断提升,群众满意度明显提高。"
    # A page with numbered headings keeps its short unnumbered lines as text.
    numbered = ["一、主要举措和成效", paragraph, "深化行政执法体制改革", paragraph]
    assert [s.heading for s in segment_body(numbered)[0]] == ["一、主要举措和成效"]
    # A repeated title, a dated line and a short next line are not headings.
    for line, following in [("某某市2023年法治政府建设年度报告", paragraph),
                            ("二〇二四年三月十日印发", paragraph),
                            ("深化行政执法体制改革", "持续推进。")]:
        assert [s.part for s in segment_body(["前言。", line, following])[0]] == ["preamble"]
