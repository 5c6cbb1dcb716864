"""Compliance with the five statutory parts and the 1 April deadline, on hand-made reports."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import add_report_columns, load_corpus, paths, schema
from analysis.stats.compliance import check_compliance, count_compliance

# A report in the usual layout with all five parts; each body line is a paragraph.
_FIVE_PARTS = """关于2023年法治政府建设情况的报告
今年以来，我局坚持依法行政，现将有关情况报告如下。
一、2023年法治政府建设主要举措和成效
全年办理行政许可事项一百二十件，全部按时办结。
二、存在的不足和原因
执法人员专业能力有待提高。
三、党政主要负责人履行推进法治建设第一责任人职责情况
局主要负责人召开专题会议四次，研究部署法治建设工作。
四、2024年工作安排
持续深化行政执法规范化建设。
五、其他需要报告的事项
无。
某某县市场监督管理局
2024年3月20日
"""

# No shortcomings part; the leaders' duty is a subheading inside the measures part.
_NO_SHORTCOMINGS = """关于2023年法治政府建设情况的报告
一、2023年法治政府建设主要举措和成效
（一）完善制度机制
全年制定规范性文件三件，全部经过合法性审核。
（二）主要负责人履行推进法治建设第一责任人职责情况
局长带头学法，全年讲法治课两次。
二、2024年工作安排
持续深化行政执法规范化建设。
某某县交通运输局
2024年3月25日
"""

# Cut off mid-sentence: the page ends before its later parts.
_TRUNCATED = """关于2023年法治政府建设情况的报告
今年以来，我局坚持以习近平法治思想为指导，深入推进依法行政，现将有关情况报告如下。
一、2023年法治政府建设主要举措和成效
（一）完善制度机制
全年制定规范性文件三件，全部经过合法性审核，备案审查率达到百分之百。
（二）规范行政执法
全年办理行政许可事项一百二十件，全部按时办结，并且
"""


def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture()
def corpus(tmp_path):
    _write(tmp_path, "a.txt", _FIVE_PARTS)
    _write(tmp_path, "b.txt", _NO_SHORTCOMINGS)
    _write(tmp_path, "c.txt", _TRUNCATED)
    # Publication dates from the manifest: a is on time, b a day late, c unknown.
    pd.DataFrame({"file": ["a.txt", "b.txt", "c.txt"], "year": [2023, 2023, 2023],
                  "published": ["2024-03-28", "2024-04-02", ""]}).to_csv(
        tmp_path / "manifest.csv", index=False)
    return load_corpus(tmp_path)


def _by_file(corpus):
    table = check_compliance(corpus.reports, sections=corpus.sections)
    return table.assign(file=table["doc_id"].map(corpus.reports.set_index("doc_id")["file"]))\
        .set_index("file")


def test_parts_and_deadline_on_hand_made_reports(corpus):
    table = _by_file(corpus)
    a, b, c = table.loc["a.txt"], table.loc["b.txt"], table.loc["c.txt"]
    assert bool(a["checked"]) and bool(a["all_parts"]) and a["n_parts"] == 5
    assert [bool(a[f"has_{p}"]) for p in ("measures", "shortcomings", "leadership", "plans",
                                         "other")] == [True] * 5
    # 2024-03-28 is four days before 2024-04-01.
    assert (a["deadline"], a["published"], a["days_late"], a["timing"]) == \
        ("2024-04-01", "2024-03-28", -4, "on_time")
    assert b["n_parts"] == 2 and not b["has_shortcomings"] and not b["all_parts"]
    assert not b["has_leadership"] and b["leadership_in_other_part"]
    # Published on 2 April: late by one day.
    assert (b["days_late"], b["timing"]) == (1, "late")
    # The truncated page: no part check, and no publication date is no verdict.
    assert not c["checked"]
    assert pd.isna(c["has_shortcomings"]) and pd.isna(c["all_parts"]) and pd.isna(c["n_parts"])
    assert pd.isna(c["share_measures"]) and pd.isna(c["days_late"]) and c["timing"] == "unknown"


def test_shares_are_characters_of_each_part_over_the_report(corpus):
    a = _by_file(corpus).loc["a.txt"]
    sections = corpus.sections.merge(corpus.reports[["doc_id", "file"]], on="doc_id")
    sections = sections[sections["file"] == "a.txt"]
    total = sections["n_chars"].sum()
    # Each part is one heading line plus one body line; the shortcomings section is
    # 二、存在的不足和原因 (10) + newline + 执法人员专业能力有待提高。(13) = 23 characters.
    shortcomings = sections.loc[sections["part"] == "shortcomings", "n_chars"].sum()
    assert shortcomings == 10 + 1 + 13
    assert a["share_shortcomings"] == pytest.approx(24 / total)
    assert sum(a[f"share_{p}"] for p in ("measures", "shortcomings", "leadership", "plans",
                                         "other")) + \
        sections.loc[sections["part"] == "preamble", "n_chars"].sum() / total == \
        pytest.approx(1.0)


def _reports(rows):
    """A hand-made reports table: the given fields, zeros and False elsewhere."""
    base = {"n_chars": 0, "n_paragraphs": 0, "n_sections": 0, "truncated": False,
            "complete": True}
    return schema.frame([{**base, **row} for row in rows], "reports")


def test_deadline_edges_on_hand_made_tables():
    reports = _reports([
        {"doc_id": "d1", "year": 2023, "published": "2024-04-01", "complete": True},
        {"doc_id": "d2", "year": 2023, "published": "2024-04-02", "complete": True},
        {"doc_id": "d3", "year": None, "published": "2024-03-01", "complete": True},
        {"doc_id": "d4", "year": 2024, "published": "2025-13-40", "complete": True},
        {"doc_id": "d5", "year": 2020, "published": "2021-05-31", "complete": True},
    ])
    sections = schema.frame([{"doc_id": d, "section_id": "s1", "level": 1,
                              "heading": "一、主要举措", "part": "measures", "start": 0,
                              "end": 10, "n_chars": 10} for d in ["d1", "d2"]], "sections")
    table = check_compliance(reports, sections=sections).set_index("doc_id")
    # 1 April itself is on time; 2 April one day late; 2021-05-31 is 60 days after
    # 2021-04-01 (30 days of April and 30 of May).
    assert table["days_late"].tolist() == [0, 1, pd.NA, pd.NA, 60]
    assert table["timing"].tolist() == ["on_time", "late", "unknown", "unknown", "late"]
    # No year covered: no deadline. A date no calendar has is unknown, not a crash.
    assert pd.isna(table.loc["d3", "deadline"]) and table.loc["d4", "deadline"] == "2025-04-01"
    # Reports without sections have no part and no share.
    assert table.loc["d3", "n_parts"] == 0 and pd.isna(table.loc["d3", "share_measures"])
    assert table.loc["d1", "share_measures"] == 1.0
    assert table.loc["d5", "deadline"] == "2021-04-01"
    with pytest.raises(ValueError, match="no day of the year"):
        check_compliance(reports, sections=sections, deadline_month=13)


def test_count_compliance_counts_unknown_apart(corpus):
    table = check_compliance(corpus.reports, sections=corpus.sections).assign(
        group="all")
    counts = count_compliance(table, by="group").iloc[0]
    # a (five parts, on time), b (two parts, late), c (truncated, no date).
    assert (counts["n_reports"], counts["n_checked"], counts["n_incomplete"]) == (3, 2, 1)
    assert (counts["n_all_parts"], counts["share_all_parts"]) == (1, 0.5)
    assert (counts["n_leadership"], counts["share_leadership"]) == (1, 0.5)
    assert (counts["n_on_time"], counts["n_late"], counts["n_unknown_timing"]) == (1, 1, 1)
    # The unknown report is in neither side of the late share: 1 late of 2 known.
    assert counts["share_late"] == 0.5
    assert counts["median_days_late"] == pytest.approx((-4 + 1) / 2)


def test_count_compliance_keeps_missing_groups_and_needs_its_columns():
    reports = _reports([
        {"doc_id": "d1", "year": 2023, "published": "2024-03-01", "complete": True,
         "admin_level": "city"},
        {"doc_id": "d2", "year": 2023, "published": None, "complete": False,
         "admin_level": None},
    ])
    table = check_compliance(reports, sections=schema.empty("sections"))
    counts = count_compliance(add_report_columns(table, reports, columns=["admin_level"]),
                              by=["admin_level"])
    assert counts["admin_level"].tolist()[0] == "city" and pd.isna(counts["admin_level"][1])
    assert counts["n_reports"].tolist() == [1, 1]
    # The unknown-level group has no checked report: its shares are NA, not 0.
    assert pd.isna(counts["share_all_parts"][1]) and pd.isna(counts["share_late"][1])
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['province'\]"):
        count_compliance(table, by="province")


def test_empty_input_gives_the_declared_table():
    table = check_compliance(schema.empty("reports"), sections=schema.empty("sections"))
    assert table.empty and list(table.columns) == schema.columns("compliance")
    assert dict(table.dtypes.astype(str)) == schema.TABLES["compliance"]


@pytest.mark.skipif(not any(paths.SEEDS.glob("*")), reason="seeds absent")
def test_seeds_checked_by_hand():
    corpus = load_corpus(paths.SEEDS)
    table = check_compliance(corpus.reports, sections=corpus.sections)
    table = table.assign(agency=table["doc_id"].map(
        corpus.reports.set_index("doc_id")["agency_short"])).set_index("agency")
    # 海沧区城管局's page says 2024-03-11 (21 days before 2024-04-01); 杭州道街道's page
    # 2024-03-26 (6 days before); the other three pages give no publication date.
    assert table.loc["海沧区城管局", "days_late"] == -21
    assert table.loc["杭州道街道", "days_late"] == -6
    assert (table["timing"] == "unknown").sum() == 3
    # Only 长治市城管局 has all five parts (其他 included); 海沧区 and 江门市 have no
    # leadership part (read from their headings).
    assert table.index[table["all_parts"].astype(bool)].tolist() == ["长治市城管局"]
    assert not table.loc["海沧区城管局", "has_leadership"]
    assert not table.loc["江门市城管执法局", "has_leadership"]
    assert table["checked"].all()
