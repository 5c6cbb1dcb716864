"""Place lookup against jionlp's gazetteer; adcodes checked by hand against the national list."""

from __future__ import annotations

from collections import Counter

import pytest

from analysis.ingest.places import (
    count_place_mentions,
    dominant,
    is_common_word,
    list_place_terms,
    parse_place_prefix,
    place_names,
)


@pytest.mark.parametrize(
    ("name", "canonical", "level", "adcode", "province"),
    [
        ("厦门市海沧区城市管理局", "厦门市海沧区", "county", "350205", "福建省"),
        ("滨海新区人民政府杭州道街道办事处", "天津市滨海新区杭州道街道", "town", "120116", "天津市"),
        ("将乐县古镛镇人民政府", "将乐县古镛镇", "town", "350428", "福建省"),
        ("红寺堡区综合执法局", "吴忠市红寺堡区", "county", "640303", "宁夏回族自治区"),
        ("江苏省教育厅", "江苏省", "province", "320000", "江苏省"),
        ("长治市城市管理局", "长治市", "city", "140400", "山西省"),
    ],
)
def test_parse_place_prefix(name, canonical, level, adcode, province):
    place, used = parse_place_prefix(name)
    assert (place.canonical, place.level, place.adcode, place.province) == (
        canonical, level, adcode, province)


def test_prefix_length_includes_connectors():
    # 滨海新区 (4) + 人民政府 (4) + 杭州道街道 (5): the rest, 办事处, is the agency's own part.
    assert parse_place_prefix("滨海新区人民政府杭州道街道办事处")[1] == 13
    assert parse_place_prefix("长治市城市管理局")[1] == 3
    assert parse_place_prefix("司法部") == (None, 0)


def test_ambiguous_names_need_context():
    # 鼓楼区 is a district of Fuzhou, Nanjing, Xuzhou and Kaifeng.
    assert parse_place_prefix("鼓楼区司法局")[0] is None
    place, _ = parse_place_prefix("鼓楼区司法局", context=Counter({"南京市": 3, "江苏省": 1}))
    assert place.city == "南京市"


def test_count_and_dominant():
    counts = count_place_mentions("江门市委部署。按照《广东省优化营商环境方案》,江门市城市管理局")
    assert counts["江门市"] == 2 and counts["广东省"] == 1
    assert dominant(counts, "city").name == "江门市"
    assert dominant(Counter({"天津市": 1}), "city").name == "天津市"  # a municipality acts as a city


# --- place names: list_place_terms and the tokenizer's place kind ---------------------------


def test_list_place_terms_keeps_real_places():
    # Full names at every level, short forms of provinces and cities (江门, 长治, 天津), of
    # districts and counties (海沧, 红寺堡, 涪陵) and of a street office with a unique name
    # (杭州道 -> 杭州道街道, Binhai New Area).
    true = ["海沧", "红寺堡", "杭州道", "江门", "长治", "天津", "涪陵", "海沧区", "长治市",
            "吴忠市", "红寺堡区", "滨海新区", "将乐县", "杭州道街道", "留下街道", "古镛镇",
            "浙江省"]
    assert list_place_terms(true) == sorted(true)


def test_list_place_terms_leaves_out_common_words():
    # 社区 and 街道 are listed as township-level units by jionlp but are words; 资源, 平安,
    # 金山, 和平 and 南岸 are short forms of 资源县, 平安区, 金山区, 和平区 and 南岸区 but
    # common words (金山 of 金山银山); 城区, 郊区 and 矿区 are districts somewhere but words
    # in a report; 留下, 古镛 and 后山 are short forms of townships, which only count in full;
    # 建设 is the short form of a dozen 建设街道; 新区 and 中心 are no place's name.
    false = ["社区", "街道", "资源", "平安", "金山", "和平", "南岸", "城区", "郊区", "矿区",
             "开发区", "林场", "留下", "古镛", "后山", "建设", "新区", "中心", "长治久安", "执法"]
    assert list_place_terms(false) == []


def test_list_place_terms_mixed_input():
    terms = ["法治", "海沧", "平安", "海沧", None, 3, "江门", "社区", "杭州道"]
    assert list_place_terms(terms) == ["杭州道", "江门", "海沧"]
    assert list_place_terms([]) == []


def test_common_words_by_jieba_frequency_and_tag():
    # jieba 0.42.1: 资源 17,453 (n), 平安 1,438 (a), 金山 291 (nr), 社区 6,115 (n) are common;
    # 海沧 12 (ns), 西湖 567 but tagged ns (a place), 红寺堡 2 (nr) and 古镛 (absent) are not.
    assert [is_common_word(w) for w in ("资源", "平安", "金山", "社区")] == [True] * 4
    assert [is_common_word(w) for w in ("海沧", "西湖", "红寺堡", "古镛")] == [False] * 4
    # 长治 is tagged a noun with frequency 103, yet a city's short form stays a place name.
    assert is_common_word("长治") and "长治" in place_names()


def test_place_names_full_forms_of_common_short_forms():
    # The full names stay place names even where the short form is a word.
    names = place_names()
    assert {"资源县", "平安区", "金山区", "和平区", "南岸区"} <= names
    assert not {"资源", "平安", "金山", "和平", "南岸", "街道", "社区"} & names
