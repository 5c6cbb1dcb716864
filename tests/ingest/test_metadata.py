"""Metadata inference: hand-made cases and the twelve dev openings with hand-checked truth."""

from __future__ import annotations

import csv
from collections import Counter

import pandas as pd
import pytest

from analysis import load_corpus
from analysis.ingest.metadata import (
    expand_agency,
    find_published,
    find_signed,
    find_title,
    parse_date,
    resolve_agency,
    shorten_agency,
    title_agency,
    url_date,
)
from analysis.ingest.normalize import normalize_lines, split_page

# Openings whose text does not state a field that truth.tsv records (its note column or a
# read of the opening says so): inference must leave these NA rather than guess.
NOT_IN_TEXT = {
    ("014_shaoxing_sthjj_2023.txt", "agency"),  # says only 我局
    ("014_shaoxing_sthjj_2023.txt", "admin_level"),
    ("036_jiangsu_jyt_2024.txt", "agency"),  # 省教育厅; no province is named
    ("036_jiangsu_jyt_2024.txt", "province"),
    ("049_nanan_cgj_2024.txt", "agency"),  # 区城市管理局; no place is named
    ("049_nanan_cgj_2024.txt", "province"),
}


def test_dev_openings_match_truth(dev_openings):
    with (dev_openings / "truth.tsv").open(encoding="utf-8") as fh:
        truth = list(csv.DictReader(fh, delimiter="\t"))
    corpus = load_corpus(dev_openings)
    reports = corpus.reports.set_index("file")
    wrong = []
    for row in truth:
        got = reports.loc[row["file"]]
        for field in ("agency", "year", "published", "admin_level", "province"):
            expected = row[field] or None
            value = None if pd.isna(got[field]) else str(got[field])
            if (row["file"], field) in NOT_IN_TEXT:
                if value is not None:
                    wrong.append((row["file"], field, value, "should be NA"))
                continue
            # Province values in truth.tsv are short forms (天津 for 天津市).
            ok = (value == expected if field != "province"
                  else (value or "").startswith(expected or "\0") or value == expected)
            if not ok:
                wrong.append((row["file"], field, value, expected))
    assert wrong == []
    # Openings are cut mid-sentence: each is flagged, and still loaded.
    files = corpus.files.set_index("file")
    assert (files["status"] == "loaded").sum() == 12
    assert files["reason"].str.contains("possibly truncated").sum() == 12


def test_stale_banner_date_is_not_publication(dev_openings):
    corpus = load_corpus([dev_openings / "001_jinghai_qzf_2020.txt"])
    row = corpus.reports.iloc[0]
    # 今天是:2019年10月31日 is the site's banner; 更新时间:2021/03/29 is the page date.
    assert row["published"] == "2021-03-29"
    assert row["year"] == 2020


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("时间:2024-03-11 11:05", "2024-03-11"),
        ("更新时间:2021/03/29 11:30:01", "2021-03-29"),
        ("2023年11月20日", "2023-11-20"),
        ("二〇二四年三月十五日", "2024-03-15"),
        ("二〇二三年十二月二十七日", "2023-12-27"),
        ("20231227", "2023-12-27"),
        ("2023年2月30日", None),
        ("2021-2025年", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_split_title_is_joined():
    page = split_page(normalize_lines(
        "首页 > 政务公开 > 法治政府建设\n\n重庆市万州区后山镇人民政府\n\n关于2024年法治政府建设情况的报告\n"
        "2024年,我镇坚持以习近平新时代中国特色社会主义思想为指导,认真学习贯彻习近平法治思想。"))
    assert find_title(page) == "重庆市万州区后山镇人民政府关于2024年法治政府建设情况的报告"


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        ("厦门市海沧区城市管理局2023年度法治政府建设情况报告", "厦门市海沧区城市管理局"),
        ("广州市卫生健康委关于2024年度法治政府建设情况的报告", "广州市卫生健康委"),
        ("2020年静海区法治政府建设情况报告", "静海区"),
        ("关于2023年度法治政府建设情况的报告", None),
    ],
)
def test_title_agency(title, agency):
    assert title_agency(title) == agency


def test_resolve_agency_forms():
    none: Counter[str] = Counter()
    # A bare place is its government; a street office gets 街道办事处.
    assert resolve_agency("静海区", source="title", context=none).name == "天津市静海区人民政府"
    assert resolve_agency("留下街道", source="title", context=none).name == (
        "杭州市西湖区留下街道办事处")
    # Short forms are expanded; county names stand alone, districts carry their city.
    assert resolve_agency("广州市卫生健康委", source="title", context=none).name == (
        "广州市卫生健康委员会")
    assert resolve_agency("古镛镇人民政府", source="page", context=none).name == "将乐县古镛镇人民政府"
    # A relative form is completed by the place the text mentions most.
    agency = resolve_agency("市人社局", source="body", context=Counter({"天津市": 2}))
    assert (agency.name, agency.level) == ("天津市人力资源和社会保障局", "province")
    # ...or by a fuller form of the same name in the text.
    agency = resolve_agency("区城市管理局", source="body", context=none,
                            text="制定《重庆市涪陵区城市管理局2025年法治政府建设工作要点》")
    assert agency.name == "重庆市涪陵区城市管理局"
    # Without either, nothing is guessed.
    assert resolve_agency("区城市管理局", source="body", context=none) is None
    assert resolve_agency("司法部", source="body", context=none).level == "national"


def test_a_township_name_many_counties_share_is_kept_unplaced():
    # Guards against dropping the agency when the gazetteer finds several 新兴镇 (#10, 7):
    # the stated name is the agency, at street level, and no province is guessed.
    none: Counter[str] = Counter()
    for raw, source in [("新兴镇", "title"), ("新兴镇人民政府", "signature"),
                        ("城关镇政府", "page")]:
        agency = resolve_agency(raw, source=source, context=none)
        assert agency is not None, raw
        assert (agency.level, agency.place) == ("street", None)
    assert resolve_agency("新兴镇", source="title", context=none).name == "新兴镇人民政府"
    assert resolve_agency("城关镇政府", source="page", context=none).name == "城关镇人民政府"
    assert resolve_agency("东风街道", source="signature", context=none).name == (
        "东风街道办事处")
    # A sentence of the body is no statement of who reports; determiners are no names.
    assert resolve_agency("新兴镇", source="body", context=none) is None
    for raw in ("全镇", "本乡", "各街道", "乡镇"):
        assert resolve_agency(raw, source="title", context=none) is None, raw


def test_abbreviations_round_trip():
    assert expand_agency("长治市城管局") == "长治市城市管理局"
    assert shorten_agency("长治市城市管理局") == "长治市城管局"
    # 综合执法局 is an official name in many counties: shortened to, never expanded from.
    assert expand_agency("红寺堡区综合执法局") == "红寺堡区综合执法局"
    assert shorten_agency("某县综合行政执法局") == "某县综合执法局"


def test_self_reference_of_a_government(tmp_path):
    # No title, no signature: the report says 我区 and names 天津市静海区 twice, 天津市 once.
    text = ("2023年,我区坚持以习近平新时代中国特色社会主义思想为指导,深入学习贯彻习近平法治思想。"
            "天津市静海区各部门依法履职,我区法治政府建设取得新成效。\n"
            "一、主要举措和成效\n我区制定《天津市静海区重大行政决策程序规定》,规范重大行政决策,"
            "全年审查规范性文件12件,取得了明显成效。\n")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    row = load_corpus(tmp_path).reports.iloc[0]
    assert (row["agency"], row["agency_source"], row["admin_level"]) == (
        "天津市静海区人民政府", "body", "district")


def test_department_self_reference_wins_over_its_city(tmp_path):
    # 我市 three times, 我局 once: still a department, named by its full mention.
    text = ("2023年,我市法治建设持续推进,我局坚持以习近平法治思想为指导,全面推进依法行政。"
            "我市营商环境不断优化,我市群众满意度提升。\n一、主要举措和成效\n"
            "制定《长治市城市管理局行政执法公示办法》,全年办理行政处罚案件814起,取得明显成效。"
            "组织开展全员执法能力提升轮训班,全系统执法队员分期系统学习党的二十大精神和行政处罚法。\n")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    row = load_corpus(tmp_path).reports.iloc[0]
    assert (row["agency"], row["admin_level"]) == ("长治市城市管理局", "city")


@pytest.mark.parametrize(
    ("url", "iso"),
    [
        ("http://www.nanan.gov.cn/zwgk/fzzfjsndbg/202501/t20250120_14123.html", "2025-01-20"),
        ("https://www.sx.gov.cn/art/2024/3/11/art_1229_3912.html", "2024-03-11"),
        ("https://jyt.jiangsu.gov.cn/2025-03/28/c_123.htm", "2025-03-28"),
        ("https://example.gov.cn/t20241399_1.html", None),  # month 13: not a date
        ("https://example.gov.cn/news/123.html", None),
        (None, None),
    ],
)
def test_url_date(url, iso):
    assert url_date(url) == iso


def test_page_date_beats_url_date_and_the_signature_date_is_signed_only():
    body = ["2023年,我局坚持依法行政。", "某某局", "2024年1月15日"]
    assert find_published({"发布日期": "2024-03-26"}, body, "x/t20240301_1.html") == (
        "2024-03-26", "page")
    assert find_published({}, body, "x/t20240301_1.html") == ("2024-03-01", "url")
    # Guards against reading the signing date as the publication date (#10, 9): the
    # 1 April deadline is about publication.
    assert find_published({}, body, None) == (None, "")
    assert find_signed({}, body) == "2024-01-15"
    # A page template's 成文日期 is the signing date too, and never the publication date.
    facts = {"成文日期": "2024-01-10", "发布日期": "2024-03-26"}
    assert find_published(facts, body, None) == ("2024-03-26", "page")
    assert find_signed(facts, body) == "2024-01-10"
    assert find_published({"成文日期": "2024-01-10"}, [], None) == (None, "")
    assert find_signed({}, ["2023年,我局坚持依法行政。"]) is None
