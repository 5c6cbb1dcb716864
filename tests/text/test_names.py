"""Agency and place names as tokens (kinds org and place), and the pre-pass's whole terms.

Every expected segmentation below was checked by hand against the sentence; where the old
tokenizer split a name, the comment gives the old split."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.text import (
    DEFAULT_TERM_KINDS,
    KINDS,
    NAME_KINDS,
    TokenizerConfig,
    read_agency_names,
    select_terms,
    tag_text,
    tokenize_text,
)

BACKENDS = [TokenizerConfig(), TokenizerConfig(backend="jieba")]
BACKEND_IDS = ["rjieba", "jieba"]


def _tagged(text: str, config: TokenizerConfig | None = None) -> list[tuple[str, str]]:
    return [(t.token, t.kind) for t in tag_text(text, config=config)]


# --- org ------------------------------------------------------------------------------------


@pytest.mark.parametrize("config", BACKENDS, ids=BACKEND_IDS)
@pytest.mark.parametrize(("text", "expected"), [
    # Old: 长治市 / 城市管理 / 局在 / 全市 / 开展.
    ("长治市城市管理局在全市开展", [("长治市城市管理局", "org"), ("在", "word"),
                                    ("全市", "word"), ("开展", "word")]),
    # Old: 市人 / 社局.
    ("市人社局", [("市人社局", "org")]),
    # Old: 省 / 住 / 建厅.
    ("省住建厅", [("省住建厅", "org")]),
    ("区城市管理局", [("区城市管理局", "org")]),
    ("厦门市海沧区城市管理局", [("厦门市海沧区城市管理局", "org")]),
    ("天津市人力资源和社会保障局", [("天津市人力资源和社会保障局", "org")]),
    ("江门市城市管理和综合执法局", [("江门市城市管理和综合执法局", "org")]),
    ("红寺堡区综合执法局", [("红寺堡区综合执法局", "org")]),
    # A district's short form before a short agency name (a seed's source line).
    ("来源:海沧城管局", [("来源", "word"), (":", "punct"), ("海沧城管局", "org")]),
    # A place between two agencies: the government, then the street office, whose name
    # 街道办事处 begins inside the street's own name 杭州道街道.
    ("滨海新区人民政府杭州道街道办事处", [("滨海新区人民政府", "org"),
                                          ("杭州道街道办事处", "org")]),
    ("将乐县古镛镇人民政府", [("将乐县古镛镇人民政府", "org")]),
    ("重庆市万州区后山镇人民政府", [("重庆市万州区后山镇人民政府", "org")]),
    # The HMM had glued 被 and 市 into 被市; the prefix goes back to the agency.
    ("被市城管局进行全市刊载", [("被", "word"), ("市城管局", "org"), ("进行", "word"),
                                 ("全市", "word"), ("刊载", "word")]),
    # 全市 is a word of jieba's dictionary, not a prefix: the bureau alone is the org.
    ("全市城管局", [("全市", "word"), ("城管局", "org")]),
    # 政府 alone is a word; with a prefix it is an agency.
    ("政府", [("政府", "word")]),
    ("区政府", [("区政府", "org")]),
    ("市政府办公室", [("市政府", "org"), ("办公室", "word")]),
    ("各街道办事处", [("各街道", "word"), ("办事处", "word")]),
])
def test_agency_names_are_one_org_token(text, expected, config):
    assert _tagged(text, config) == expected


def test_org_offsets_slice_the_text():
    text = "2023年,长治市城市管理局在全市开展,被市城管局通报。"
    for token in tag_text(text):
        assert text[token.start:token.end] == token.token
    orgs = [(t.token, t.start, t.end) for t in tag_text(text) if t.kind == "org"]
    # 2023年 = 0..5, "," = 5..6, the bureau 6..14; 被 = 20, 市城管局 = 21..25.
    assert orgs == [("长治市城市管理局", 6, 14), ("市城管局", 21, 25)]


def test_without_agency_names_no_org():
    # The old split and its debris 局在 come back when the agency names are left out.
    config = TokenizerConfig(agency_names=None)
    assert _tagged("长治市城市管理局在", config) == [
        ("长治市", "place"), ("城市管理", "word"), ("局在", "word")]


def test_read_agency_names(tmp_path):
    names = read_agency_names()
    assert {"人社局", "人力资源和社会保障局", "城管局", "城市管理局", "住建厅"} <= names
    path = tmp_path / "agency_names.tsv"
    path.write_text("short\tfull\tdirection\n城管局\t城市管理局\tboth\n\t\t\n", encoding="utf-8")
    assert read_agency_names(path) == {"城管局", "城市管理局"}
    path.write_text("abbr\tfull\n城管局\t城市管理局\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['short'\]"):
        read_agency_names(path)


# --- place ----------------------------------------------------------------------------------


@pytest.mark.parametrize("config", BACKENDS, ids=BACKEND_IDS)
@pytest.mark.parametrize(("text", "expected"), [
    # Old: 静 / 海区.
    ("2020年静海区法治政府建设", [("2020年", "date"), ("静海区", "place"),
                                  ("法治政府建设", "word")]),
    # Old: 西湖区 / 留下 / 街道.
    ("西湖区留下街道", [("西湖区", "place"), ("留下街道", "place")]),
    ("江门、长治和海沧", [("江门", "place"), ("、", "punct"), ("长治", "place"),
                          ("和", "word"), ("海沧", "place")]),
    # Common words that are also short forms of a county stay words.
    ("平安建设和资源共享", [("平安", "word"), ("建设", "word"), ("和", "word"),
                            ("资源共享", "word")]),
    ("社区和街道", [("社区", "word"), ("和", "word"), ("街道", "word")]),
    ("长治久安", [("长治久安", "word")]),
])
def test_place_names_are_place_tokens(text, expected, config):
    assert _tagged(text, config) == expected


def test_without_places_no_place_kind():
    config = TokenizerConfig(places=False, agency_names=None)
    assert {kind for _, kind in _tagged("西湖区留下街道和长治", config)} == {"word"}


# --- terms kept whole -----------------------------------------------------------------------


def test_latin_with_a_decimal_stays_whole():
    # Old: PM2 (latin) / . / 5 (number).
    assert _tagged("PM2.5浓度和PM10下降,APP上线,拨打12345热线") == [
        ("PM2.5", "latin"), ("浓度", "word"), ("和", "word"), ("PM10", "latin"),
        ("下降", "word"), (",", "punct"), ("APP", "latin"), ("上线", "word"), (",", "punct"),
        ("拨打", "word"), ("12345热线", "word")]
    # A sentence-final full stop after a Latin word is not a decimal point.
    assert tokenize_text("推广APP.") == ["推广", "APP", "."]


def test_plenums_named_together_are_one_token():
    # Old: 十九 / 届 / 二中 / 、 / 三中 / 、 / 四中 / 、 / 五中全会.
    assert tokenize_text("贯彻十九届二中、三中、四中、五中全会精神") == [
        "贯彻", "十九届二中、三中、四中、五中全会", "精神"]
    assert tokenize_text("党的二十大和二十届二中、三中全会精神") == [
        "党的二十大", "和", "二十届二中、三中全会", "精神"]
    # One plenum alone is left to the lexicon and jieba.
    assert tokenize_text("二十届三中全会") == ["二十届三中全会"]


def test_hmm_words_holding_a_conjunction_or_particle_are_split():
    # jieba's HMM joined 控+及 and 类+及 (县控 / 及以上, Ⅲ类 / 及以上), 学+等 (周一夜学 / 等)
    # and 省+和+市; 地锁 (a parking lock) keeps its 地, which is mostly a noun.
    assert tokenize_text("县控及以上断面Ⅲ类及以上水质") == [
        "县", "控", "及", "以上", "断面", "Ⅲ", "类", "及", "以上", "水质"]
    assert tokenize_text("周一夜学等形式") == ["周", "一夜", "学", "等", "形式"]
    assert tokenize_text("按照国家、省和市有关部署") == [
        "按照", "国家", "、", "省", "和", "市", "有关", "部署"]
    assert tokenize_text("拆除路桩、地锁152处") == ["拆除", "路桩", "、", "地锁", "152", "处"]


@pytest.mark.parametrize("backend", ["rjieba", "jieba"])
def test_dictionary_words_holding_a_conjunction_stay_whole_without_any_names(backend):
    # Only the HMM's pieces are split at a conjunction: 及时, 情况 and 以及 are words of
    # jieba's dictionary (stock jieba cuts the same five words). With neither places nor
    # agency names, the tokenizer had no word list to tell them apart and split them all:
    # 及 / 时 / 了解 / 情 / 况 / 以 / 及 / 问题.
    config = TokenizerConfig(backend=backend, places=False, agency_names=None)
    assert tokenize_text("及时了解情况以及问题", config=config) == [
        "及时", "了解", "情况", "以及", "问题"]
    # The HMM's own piece is still split: 省和市 (see the test above).
    assert tokenize_text("按照国家、省和市有关部署", config=config) == [
        "按照", "国家", "、", "省", "和", "市", "有关", "部署"]


def test_rjieba_dictionary_holds_exactly_jiebas_words():
    # The tokenizer tells the HMM's pieces from dictionary words with rjieba's has_word
    # rather than loading jieba's word list in every process: the two must agree.
    import rjieba

    from analysis.text.resources import jieba_words

    words = jieba_words()
    stock = rjieba.Jieba()
    assert len(words) > 340_000
    assert all(stock.has_word(word) for word in words)
    # Neither a word's beginnings nor its ends are words unless jieba lists them.
    pieces = {word[:cut] for word in sorted(words)[::50] for cut in range(1, len(word))} | {
        word[cut:] for word in sorted(words)[::50] for cut in range(1, len(word))}
    assert len(pieces - words) > 5_000
    assert not any(stock.has_word(piece) for piece in pieces - words)


# --- kinds and term selection ---------------------------------------------------------------


def test_name_kinds_are_declared_and_left_out_by_default():
    assert set(NAME_KINDS) <= set(KINDS)
    assert not set(NAME_KINDS) & set(DEFAULT_TERM_KINDS)
    tokens = pd.DataFrame({"token": ["长治市城市管理局", "在", "海沧区", "开展", "执法", "局"],
                           "kind": ["org", "word", "place", "word", "word", "word"],
                           "is_stop": [False, True, False, False, False, False],
                           "is_filler": [False, False, False, True, False, False]})
    assert select_terms(tokens)["token"].tolist() == ["开展", "执法", "局"]
    # What the distinctive-term figures pass: no names, no single characters, no filler.
    assert select_terms(tokens, drop_filler=True, min_len=2)["token"].tolist() == ["执法"]
    assert select_terms(tokens, kinds=(*DEFAULT_TERM_KINDS, *NAME_KINDS), min_len=2)[
        "token"].tolist() == ["长治市城市管理局", "海沧区", "开展", "执法"]


def test_seed_tokens_have_org_and_place_kinds(seeds):
    from analysis.text import tokenize_sentences

    tokens = tokenize_sentences(seeds.sentences, cache=False)
    orgs = set(tokens.loc[tokens["kind"] == "org", "token"])
    places = set(tokens.loc[tokens["kind"] == "place", "token"])
    # Read in the seed texts: 长治市城市管理局在市委、市政府的正确领导下 and 在省住建厅有力指导下
    # (004), 滨海新区人民政府杭州道街道办事处 (001), 全面落实省住房城乡建设厅行政处罚自由裁量
    # (002). (红寺堡区综合执法局 occurs only inside titles.)
    assert {"长治市城市管理局", "市政府", "省住建厅", "滨海新区人民政府",
            "杭州道街道办事处", "省住房城乡建设厅", "市城市管理局"} <= orgs
    assert {"长治市", "江门市", "江门", "吴忠市", "红寺堡区", "滨海新区", "杭州道街道"} <= places
    # The old debris of these names is gone.
    assert not {"局在", "社局", "市人", "建厅"} & set(tokens["token"])


# --- the cache key --------------------------------------------------------------------------


def test_segmentation_fingerprint_tracks_names(tmp_path):
    path = tmp_path / "agency_names.tsv"
    path.write_text("short\tfull\n城管局\t城市管理局\n", encoding="utf-8")
    config = TokenizerConfig(agency_names=path)
    before = config.segmentation_fingerprint()
    assert TokenizerConfig(agency_names=path).segmentation_fingerprint() == before
    path.write_text("short\tfull\n城管局\t城市管理局\n人社局\t人力资源和社会保障局\n",
                    encoding="utf-8")
    assert config.segmentation_fingerprint() != before
    assert TokenizerConfig(places=False).segmentation_fingerprint() != (
        TokenizerConfig().segmentation_fingerprint())
    assert TokenizerConfig(agency_names=None).segmentation_fingerprint() != (
        TokenizerConfig().segmentation_fingerprint())
    with pytest.raises(TypeError, match="places must be True or False"):
        TokenizerConfig(places="yes")


def test_cache_key_covers_the_name_rules():
    # The rules live in code: names.py (org joining, dictionary entries) and ingest/places.py
    # (which gazetteer names are place names). Their bytes are part of every cache key.
    import hashlib

    from analysis import paths
    from analysis.text import engine

    files = ["text/engine.py", "text/tokenize.py", "text/names.py", "ingest/places.py"]
    expected = hashlib.sha256(b"".join((paths.PACKAGE_DIR / name).read_bytes()
                                       for name in files)).hexdigest()
    assert engine._SOURCE_DIGEST == expected
