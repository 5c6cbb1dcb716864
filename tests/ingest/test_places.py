"""Place lookup against jionlp's gazetteer; adcodes checked by hand against the national list."""

from __future__ import annotations

from collections import Counter

import pytest

from analysis.ingest.places import count_place_mentions, dominant, parse_place_prefix


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
