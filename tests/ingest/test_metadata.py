"""Metadata inference: hand-made cases and the twelve dev openings with hand-checked truth."""

from __future__ import annotations

import csv
from collections import Counter

import pandas as pd
import pytest

from analysis import load_corpus
from analysis.ingest.metadata import (
    body_agencies,
    expand_agency,
    find_published,
    find_signed,
    find_title,
    parse_date,
    resolve_agency,
    shorten_agency,
    split_party,
    title_agency,
    unit_kind,
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

# Dates the openings state as 成文日期 (the signing date), read by hand.
SIGNED = {"018_wanzhou_houshan_zhen_2024.txt": "2025-01-16"}


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
        # unit_kind follows from the agency the text states (a ministry or a bureau is a
        # department, 后山镇人民政府 a township, 留下街道办事处 a street office); NA where the
        # agency is not stated. The openings are cut before any signature: signed is NA
        # except where the page prints a 成文日期 (SIGNED, read by hand).
        kind = None if (row["file"], "agency") in NOT_IN_TEXT else unit_kind(row["agency"])
        value = None if pd.isna(got["unit_kind"]) else got["unit_kind"]
        if value != kind:
            wrong.append((row["file"], "unit_kind", value, kind))
        signed = None if pd.isna(got["signed"]) else got["signed"]
        if signed != SIGNED.get(row["file"]):
            wrong.append((row["file"], "signed", signed, SIGNED.get(row["file"])))
    assert wrong == []
    kinds = Counter(reports["unit_kind"].dropna())
    # 012, 031, 041, 045; 001, 005; 018, 026; 008 (014, 036, 049 state no agency).
    assert kinds == {"department": 4, "government": 2, "township": 2, "street_office": 1}
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
    # The opening's subject states it too (北山街道以…, #10, 5); determiners are no names.
    assert resolve_agency("北山街道", source="body", context=none).name == "北山街道办事处"
    for raw in ("全镇", "本乡", "各街道", "乡镇"):
        assert resolve_agency(raw, source="title", context=none) is None, raw


def test_unit_kind_of_each_kind_of_body():
    # Guards against counting townships with street offices, or departments with
    # governments (#10, 10): researchers separate them at the same admin_level.
    assert unit_kind("天津市静海区人民政府") == "government"
    assert unit_kind("杭州市西湖区留下街道办事处") == "street_office"
    assert unit_kind("将乐县古镛镇人民政府") == "township"
    assert unit_kind("大坪乡人民政府") == "township"
    assert unit_kind("重庆市涪陵区城市管理局") == "department"
    assert unit_kind("广州市卫生健康委员会") == "department"
    assert unit_kind("司法部") == "department"
    assert unit_kind("宁乡市灰汤镇人民政府", joint=True) == "joint"
    assert unit_kind(None) is None and unit_kind(None, joint=True) is None


def test_split_party_separates_the_committee_from_the_government():
    assert split_party("中共宁乡市灰汤镇委员会 宁乡市灰汤镇人民政府") == (
        "中共宁乡市灰汤镇委员会", "宁乡市灰汤镇人民政府")
    assert split_party("中共巴州区教育局委员会巴州区教育局") == (
        "中共巴州区教育局委员会", "巴州区教育局")
    # 委 alone ends a committee (市委), not the 委 of 委员会.
    assert split_party("中共宁乡市委 宁乡市人民政府") == ("中共宁乡市委", "宁乡市人民政府")
    assert split_party("中共宁乡市委员会") == ("中共宁乡市委员会", "")
    assert split_party("宁乡市人民政府") == (None, "宁乡市人民政府")


JOINT_PAGE = """中共宁乡市灰汤镇委员会 宁乡市灰汤镇人民政府关于2023年度法治政府建设情况的报告
宁乡市人民政府:
2023年,灰汤镇坚持以习近平法治思想为指导,扎实推进法治政府建设,现将有关情况报告如下。
一、主要举措和成效
(一)深入推进依法行政。全年召开党委会议专题研究法治工作4次,开展法治培训6场。
(二)规范行政执法行为。全年办理行政处罚案件9起。
二、存在的不足和原因
一是法治宣传形式还不够丰富;二是执法人员力量仍然不足。
三、党政主要负责人履行推进法治建设第一责任人职责情况
镇党委书记、镇长带头学法,主持召开法治建设专题会议3次。
四、2024年工作安排
继续加强法治宣传教育,提升基层依法治理能力。
中共宁乡市灰汤镇委员会
宁乡市灰汤镇人民政府
2024年3月5日
"""

DEPARTMENT_JOINT_PAGE = """中共巴州区教育局委员会 巴州区教育局 关于2024年度法治政府建设工作情况的报告
2024年,巴州区教育局坚持以习近平法治思想为指导,全面推进依法治教,现将有关情况报告如下。
一、主要举措和成效
(一)完善依法治教制度。修订完善局机关议事规则等制度12项,开展合法性审核28件。
(二)深化法治宣传教育。组织全区中小学开展宪法宣传周活动,覆盖学生5万余人次。
二、存在的不足和原因
部分学校依法治校意识还不够强,法治副校长作用发挥不充分。
三、2025年工作安排
持续推进依法治校示范校创建,加强教育行政执法。
"""


def test_a_joint_report_names_the_government_and_keeps_the_committee_apart(tmp_path):
    # Guards against the glued name 巴州区教育局委员会巴州区教育局 (#10, 4): a glued name
    # is a wrong value; the committee has its own column.
    (tmp_path / "huitang.txt").write_text(JOINT_PAGE, encoding="utf-8")
    (tmp_path / "bazhou.txt").write_text(DEPARTMENT_JOINT_PAGE, encoding="utf-8")
    reports = load_corpus(tmp_path).reports.set_index("file")
    huitang, bazhou = reports.loc["huitang.txt"], reports.loc["bazhou.txt"]
    assert huitang["agency"].endswith("宁乡市灰汤镇人民政府")
    assert huitang["party_committee"] == "中共宁乡市灰汤镇委员会"
    assert huitang["unit_kind"] == "joint"
    assert huitang["signed"] == "2024-03-05" and pd.isna(huitang["published"])
    assert bazhou["agency"].endswith("巴州区教育局")
    assert bazhou["party_committee"] == "中共巴州区教育局委员会"
    assert bazhou["unit_kind"] == "joint"
    for agency in (huitang["agency"], bazhou["agency"]):
        assert "委员会" not in agency and "中共" not in agency


REPOST_WITH_DATE = """生态环境部发布2023年法治政府建设年度报告
发布时间:2024-04-02 来源:中国新闻网
中新网4月2日电 据生态环境部网站消息,生态环境部3月29日发布《生态环境部2023年法治政府建设年度报告》。报告全文如下:
2023年,生态环境部坚持以习近平法治思想为指导,深入推进生态环境法治建设,现将有关情况报告如下。
一、主要举措和成效
(一)推进生态环境立法。出台部门规章5件。
二、存在的不足和原因
生态环境执法能力仍需提升。
三、2024年工作安排
持续推进生态环境领域依法行政。
"""

REPOST_WITHOUT_DATE = """交通运输部2023年法治政府建设年度报告
发布时间:2024-03-30 来源:中国新闻网
中新网 3月30日电 据交通运输部网站消息,交通运输部发布2023年法治政府建设年度报告。全文如下:
2023年,交通运输部坚持以习近平法治思想为指导,全面推进交通运输法治政府部门建设,现将有关情况报告如下。
一、主要举措和成效
(一)完善交通运输法规体系。推动修订行政法规2件。
二、存在的不足和原因
法治宣传教育针对性有待增强。
三、2024年工作安排
持续推进交通运输法治建设。
"""


def test_a_repost_is_the_issuers_report_and_its_date_is_not_the_reposts(tmp_path):
    # Guards against taking the reposting site's date (2024-04-02, 2024-03-30) as the
    # publication date, and its lead as report text (#10, 3).
    (tmp_path / "mee.txt").write_text(REPOST_WITH_DATE, encoding="utf-8")
    (tmp_path / "mot.txt").write_text(REPOST_WITHOUT_DATE, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    reports = corpus.reports.set_index("file")
    assert reports.loc["mee.txt", "agency"] == "生态环境部"
    assert reports.loc["mee.txt", "admin_level"] == "national"
    assert (reports.loc["mee.txt", "published"], reports.loc["mee.txt", "published_source"]) == (
        "2024-03-29", "repost original")
    assert reports.loc["mot.txt", "agency"] == "交通运输部"
    assert pd.isna(reports.loc["mot.txt", "published"])
    assert reports.loc["mot.txt", "published_source"] == "repost"
    first_lines = corpus.paragraphs.groupby("doc_id")["text"].first()
    assert all(line.startswith("2023年,") for line in first_lines)


def test_repost_published_reads_the_original_date():
    from analysis.ingest.metadata import repost_published

    assert repost_published("生态环境部3月29日发布", reposted="2024-04-02") == (
        "2024-03-29", "repost original")
    # A December original reposted in January belongs to the year before.
    assert repost_published("据司法部网站消息,司法部12月30日公布", reposted="2024-01-05") == (
        "2023-12-30", "repost original")
    assert repost_published("2023年3月1日印发", reposted=None) == ("2023-03-01", "repost original")
    assert repost_published("交通运输部发布年度报告", reposted="2024-03-30") == (None, "repost")


def test_level_from_the_addressee_when_the_report_does_not_name_itself():
    from analysis.ingest.metadata import addressee_level

    # Guards against leaving the level NA (or guessing it) for a 我局 report (#10, 8).
    opening = "2023年,我局坚持以习近平法治思想为指导,扎实推进法治建设。"
    assert addressee_level(["市委、市政府:", opening], opening) == "city"
    assert addressee_level(["区委、区人民政府:", opening], opening) == "district"
    assert addressee_level(["中共江苏省委、江苏省人民政府:", opening], opening) == "province"
    assert addressee_level(["国务院:", "2023年,我部坚持依法行政。"], "我部坚持依法行政") == "national"
    # A government reports to the level above its own.
    assert addressee_level(["省委、省政府:", "2023年,我市坚持…"], "我市坚持") == "city"
    assert addressee_level(["区委、区政府:", "2023年,我镇坚持…"], "我镇坚持") == "street"
    # No addressee, or nothing that says which kind of body reports: no guess.
    assert addressee_level([opening], opening) is None
    assert addressee_level(["市委、市政府:", "2023年,全市坚持…"], "全市坚持") is None


def test_a_我局_report_to_the_city_is_a_city_department(tmp_path):
    page = ("2023年度法治政府建设情况报告\n市委、市政府:\n"
            "2023年,我局坚持以习近平法治思想为指导,全面推进依法行政,现将有关情况报告如下。\n"
            "一、主要举措和成效\n全年开展执法检查120次,办理行政处罚案件45起。\n"
            "二、存在的不足和原因\n执法队伍专业化水平有待提高。\n"
            "三、2024年工作安排\n持续深化法治政府建设。\n")
    (tmp_path / "bureau.txt").write_text(page, encoding="utf-8")
    report = load_corpus(tmp_path).reports.iloc[0]
    assert pd.isna(report["agency"])  # the text never names the bureau
    assert (report["admin_level"], report["admin_level_source"]) == ("city", "addressee")


@pytest.mark.parametrize("opening, agency", [
    ("2021年是“十四五”开局之年,遵义市深入学习贯彻习近平法治思想,扎实推进法治政府建设。",
     "遵义市人民政府"),
    ("2023年,江西省委、省政府坚持以习近平新时代中国特色社会主义思想为指导,全面推进依法治省。",
     "江西省人民政府"),
    ("北辰区委、区政府坚持以习近平法治思想为指导,统筹推进法治政府建设。", "天津市北辰区人民政府"),
    ("2024年,北山街道以深入学习贯彻习近平法治思想为主线,推进基层依法治理。", "北山街道办事处"),
])
def test_a_bare_place_as_the_openings_subject_is_its_government(opening, agency):
    # Guards against NA for reports whose only statement of who reports is the opening's
    # subject: a place, or a place's Party committee and government together (#10, 5).
    (found,) = body_agencies([opening])
    assert resolve_agency(found, source="body", context=Counter()).name == agency


XINXING_PAGE = """新兴镇2024年法治政府建设工作情况报告
发布时间:2025-03-10 信息来源:涡阳县新兴镇
2024年,新兴镇在县委、县政府的坚强领导下,深入学习贯彻习近平法治思想,扎实推进法治政府建设。现将有关情况报告如下:
一、主要举措和成效
(一)加强行政执法。全年开展安全生产检查60余次,化解矛盾纠纷45起。
二、存在的不足和原因
一是法治宣传的针对性还不强;二是执法队伍力量不足。
三、2025年工作安排
继续深化法治宣传教育,提升依法行政水平。
新兴镇人民政府
2025年3月8日
"""


def test_a_shared_township_name_is_placed_by_the_pages_source_line(tmp_path):
    # 13 townships are called 新兴镇; the source line says which (#10, 7). Without it the
    # stated name is kept and the place left NA, never guessed.
    (tmp_path / "placed.txt").write_text(XINXING_PAGE, encoding="utf-8")
    (tmp_path / "unplaced.txt").write_text(
        XINXING_PAGE.replace(" 信息来源:涡阳县新兴镇", "").replace("60余次", "70余次"),
        encoding="utf-8")  # another body, or it would be a duplicate
    reports = load_corpus(tmp_path).reports.set_index("file")
    placed, unplaced = reports.loc["placed.txt"], reports.loc["unplaced.txt"]
    assert placed["agency"] == "涡阳县新兴镇人民政府"
    assert (placed["province"], placed["district"]) == ("安徽省", "涡阳县")
    assert placed["unit_kind"] == "township" and placed["admin_level"] == "street"
    assert unplaced["agency"] == "新兴镇人民政府"
    assert pd.isna(unplaced["province"]) and unplaced["admin_level"] == "street"


BEISHAN_PAGE = """2023年度法治政府建设情况报告
西湖区人民政府:
2023年,北山街道以深入学习贯彻习近平法治思想为主线,认真落实《2023年法治西湖建设工作要点》,推进基层依法治理。现将有关情况报告如下:
一、主要举措和成效
(一)加强行政执法。全年开展安全生产检查60余次,化解矛盾纠纷45起。
二、存在的不足和原因
一是法治宣传的针对性还不强;二是执法队伍力量不足。
三、2024年工作安排
继续深化法治宣传教育,提升依法行政水平。
"""


def test_the_addressee_and_cited_local_documents_give_the_parent_place(tmp_path):
    # Six street offices are called 北山街道; the report is addressed to 西湖区人民政府 and
    # cites 法治西湖, and only one 北山街道 lies under a 西湖区 (#10, 5 and 7).
    (tmp_path / "beishan.txt").write_text(BEISHAN_PAGE, encoding="utf-8")
    report = load_corpus(tmp_path).reports.iloc[0]
    assert report["agency"] == "杭州市西湖区北山街道办事处"
    assert (report["city"], report["district"]) == ("杭州市", "西湖区")
    assert report["unit_kind"] == "street_office"


def test_a_parent_hint_that_fits_no_or_several_townships_places_nothing(tmp_path):
    page = BEISHAN_PAGE.replace("西湖区人民政府:", "区委、区政府:").replace("法治西湖", "法治建设")
    (tmp_path / "beishan.txt").write_text(page, encoding="utf-8")
    report = load_corpus(tmp_path).reports.iloc[0]
    assert report["agency"] == "北山街道办事处" and pd.isna(report["district"])


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
