"""Tests for analysis.text: kinds, protected spans, backends, the tokens table, the cache."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis import text as tokenizing
from analysis.text import Token, TokenizerConfig, select_terms, tag_text, tokenize_sentences
from analysis.text import tokenize as tokenize_module

SEED_FILES = sorted(paths.SEEDS.glob("*.txt"))
REFERENCE = TokenizerConfig(backend="jieba")


def _seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _sentences(docs: dict[str, list[str]]) -> pd.DataFrame:
    """A sentences table for hand-made documents: one paragraph, sentences joined by nothing."""
    rows = []
    for doc_id, texts in docs.items():
        start = 0
        for sent_id, text in enumerate(texts):
            rows.append({"doc_id": doc_id, "section_id": "s01", "para_id": 0,
                         "sent_id": sent_id, "text": text, "start": start,
                         "end": start + len(text)})
            start += len(text)
    return pd.DataFrame(rows)


# --- kinds and protected spans -------------------------------------------------------------


def test_kinds_on_a_hand_made_sentence():
    text = ("一是2023年11月20日办理案件1400余件,比例为0.39%;落实行政执法“三项制度”"
            "和《中华人民共和国行政处罚法》,推广APP。")
    got = [(t.token, t.kind) for t in tag_text(text)]
    # Checked by hand: 一是 opens the sentence (marker); the full date is one token; 1400余 is an
    # approximate count; 件 is a measure word; 0.39% keeps its percent sign; the quoted
    # 行政执法“三项制度” is the lexicon entry 行政执法三项制度 (the closing quote stays punct);
    # the law title keeps its brackets.
    assert got == [
        ("一是", "marker"), ("2023年11月20日", "date"), ("办理", "word"), ("案件", "word"),
        ("1400余", "number"), ("件", "word"), (",", "punct"), ("比例", "word"), ("为", "word"),
        ("0.39%", "number"), (";", "punct"), ("落实", "word"), ("行政执法三项制度", "word"),
        ("”", "punct"), ("和", "word"), ("《中华人民共和国行政处罚法》", "title"),
        (",", "punct"), ("推广", "word"), ("APP", "latin"), ("。", "punct"),
    ]


def test_offsets_slice_the_text_except_merged_quotes():
    text = "一是落实行政执法“三项制度”,完成814件。"
    tokens = tag_text(text)
    for token in tokens:
        if token.token == "行政执法三项制度":
            # 一是 = 0..2, 落实 = 2..4, then 行政执法 4..8, “ 8..9, 三项制度 9..13.
            assert (token.start, token.end) == (4, 13)
            assert text[token.start:token.end] == "行政执法“三项制度"
        else:
            assert text[token.start:token.end] == token.token
    # ” = 13..14, "," = 14..15, 完成 = 15..17, 814 = 17..20.
    assert Token("814", "number", 17, 20) in tokens


def test_dates_numbers_and_markers():
    text = "(二)统一是原则\n3.加强2021—2025年规划,二〇二三年十二月培训3万余人次,12.5%"
    got = [(t.token, t.kind) for t in tag_text(text)]
    # (二) is a marker anywhere; 统一是 is not (一是 follows a Han character); 3. opens a line;
    # the 2021 of a 2021—2025年 range is a date like 2025年; a Chinese-numeral date is one
    # token; 3万余 is an approximate count.
    assert got == [
        ("(二)", "marker"), ("统一", "word"), ("是", "word"), ("原则", "word"),
        ("3.", "marker"), ("加强", "word"), ("2021", "date"), ("—", "punct"),
        ("2025年", "date"), ("规划", "word"), (",", "punct"), ("二〇二三年十二月", "date"),
        ("培训", "word"), ("3万余", "number"), ("人次", "word"), (",", "punct"),
        ("12.5%", "number"),
    ]


def test_year_is_one_date_token_not_digits_plus_year():
    # Stock jieba gives 2023 / 年度; we keep the year and its 年 or 年度 together.
    assert tokenizing.tokenize_text("2023年度报告和2024年工作") == [
        "2023年度", "报告", "和", "2024年", "工作"]


def test_phrase_with_punctuation_survives_inside_a_han_run():
    # 双随机、一公开 starts in the middle of the run 放管服改革和双随机: found before jieba.
    assert tokenizing.tokenize_text("放管服改革和双随机、一公开监管") == [
        "放管服改革", "和", "双随机、一公开", "监管"]
    assert tokenizing.tokenize_text("推进互联网+政务服务") == ["推进", "互联网+政务服务"]


def test_phrase_inside_a_title_stays_in_the_title():
    assert tokenizing.tokenize_text("《关于推行双随机、一公开的通知》") == [
        "《关于推行双随机、一公开的通知》"]


def test_quoted_pieces_of_a_formulation_merge():
    assert tokenizing.tokenize_text("全面推动“八五”普法活动") == [
        "全面", "推动", "“", "八五普法", "活动"]
    assert tokenizing.tokenize_text("积极落实“721”工作法") == ["积极", "落实", "“", "721工作法"]
    # A quoted phrase that is not an entry stays as it is.
    assert tokenizing.tokenize_text("“一件事”集成办") == ["“", "一件", "事", "”", "集成", "办"]


def test_tokens_without_lexicon_are_stock_jieba_plus_prepass():
    stock = TokenizerConfig(lexicon=None, backend="jieba")
    assert tokenizing.tokenize_text("学习习近平法治思想", config=stock) == [
        "学习", "习近平", "法治", "思想"]
    assert tokenizing.tokenize_text("学习习近平法治思想") == ["学习", "习近平法治思想"]


def test_bad_text_is_rejected():
    with pytest.raises(TypeError, match="text must be str"):
        tag_text(None)


# --- the seeds ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SEED_FILES, ids=[p.stem for p in SEED_FILES])
@pytest.mark.parametrize("term", ["习近平法治思想", "行政执法三项制度"])
def test_policy_terms_are_single_tokens_in_every_seed(path, term):
    text = _seed_text(path)
    tokens = tag_text(text)
    spans = [m.span() for m in re.finditer(re.escape(term), text)]
    for start, end in spans:
        covering = [t for t in tokens if t.start < end and t.end > start]
        # One token covers the occurrence: the term itself, or a law title that contains it.
        assert len(covering) == 1, (term, [t.token for t in covering])
        assert covering[0].token == term or covering[0].kind == "title"
    if term == "行政执法三项制度" and "行政执法“三项制度”" in text:
        assert term in [t.token for t in tokens]


def test_seed_with_quoted_three_systems_is_covered():
    # The parametrized test above must not be vacuous for 行政执法三项制度: at least one seed
    # writes it with quotes (行政执法“三项制度”) and the merge turns that into the term.
    quoted = [p for p in SEED_FILES if "行政执法“三项制度”" in _seed_text(p)]
    assert quoted
    assert "行政执法三项制度" in tokenizing.tokenize_text(_seed_text(quoted[0]))


@pytest.mark.parametrize("hmm", [True, False])
@pytest.mark.parametrize("path", SEED_FILES, ids=[p.stem for p in SEED_FILES])
def test_rjieba_backend_matches_jieba_reference(path, hmm):
    text = _seed_text(path)
    reference = tag_text(text, config=TokenizerConfig(backend="jieba", hmm=hmm))
    fast = tag_text(text, config=TokenizerConfig(backend="rjieba", hmm=hmm))
    assert fast == reference


def test_hmm_changes_tokens_and_the_lexicon_covers_hmm_only_words():
    # Pitfall 3: stock jieba keeps 放管服 only with the HMM on; the lexicon makes both modes
    # agree.
    stock_hmm = TokenizerConfig(lexicon=None)
    stock_plain = TokenizerConfig(lexicon=None, hmm=False)
    assert tokenizing.tokenize_text("放管服", config=stock_hmm) == ["放管服"]
    assert tokenizing.tokenize_text("放管服", config=stock_plain) == ["放", "管", "服"]
    for hmm in (True, False):
        assert tokenizing.tokenize_text("放管服", config=TokenizerConfig(hmm=hmm)) == ["放管服"]
        # 一是 is tagged in the pre-pass, so it is a marker in both modes too.
        assert tag_text("一是部署", config=TokenizerConfig(hmm=hmm))[0] == Token(
            "一是", "marker", 0, 2)


def test_tokens_table_on_the_seed_corpus(seeds):
    tokens = tokenize_sentences(seeds.sentences, cache=False)
    assert list(tokens.columns) == tokenizing.TOKEN_COLUMNS
    assert set(tokens["kind"]) <= set(tokenizing.KINDS)
    texts = dict(zip(seeds.reports["doc_id"], seeds.reports["text"], strict=True))
    sliced = [texts[d][s:e] for d, s, e in zip(tokens["doc_id"], tokens["start"],
                                                tokens["end"], strict=True)]
    plain = [a == b for a, b in zip(sliced, tokens["token"], strict=True)]
    # Only merged quoted formulations differ from their slice, and only by quote marks.
    for same, got, token in zip(plain, sliced, tokens["token"], strict=True):
        if not same:
            assert re.sub("[“”‘’\"']", "", got) == token
    assert sum(plain) >= len(tokens) - 20
    for _, doc in tokens.groupby("doc_id"):
        assert doc["position"].tolist() == list(range(len(doc)))


# --- the tokens table -----------------------------------------------------------------------


def test_tokenize_sentences_columns_offsets_and_flags(tmp_path):
    sentences = _sentences({"b": ["加强行政复议。"], "a": ["我局开展普法,", "共3次。"]})
    before = sentences.copy()
    tokens = tokenize_sentences(sentences, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(sentences, before)  # input not mutated
    # Hand-checked: doc a = 我局 开展 普法 , | 共 3 次 。 with sentence 1 starting at 7;
    # doc b = 加强 行政复议 。. 我局 is a self-reference stopword, 共 a function word, 次 a
    # measure word; 开展/加强 are filler, not stopwords.
    expected = pd.DataFrame({
        "doc_id": ["a"] * 8 + ["b"] * 3,
        "sent_id": [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0],
        "position": [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2],
        "token": ["我局", "开展", "普法", ",", "共", "3", "次", "。", "加强", "行政复议", "。"],
        "kind": ["word", "word", "word", "punct", "word", "number", "word", "punct",
                 "word", "word", "punct"],
        "is_stop": [True, False, False, False, True, False, True, False, False, False, False],
        "is_filler": [False, True, False, False, False, False, False, False, True, False,
                      False],
        "start": [0, 2, 4, 6, 7, 8, 9, 10, 0, 2, 6],
        "end": [2, 4, 6, 7, 8, 9, 10, 11, 2, 6, 7],
    })
    got = tokens[expected.columns].astype(object).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected.astype(object))
    assert tokens.loc[tokens["token"] == "行政复议", "in_lexicon"].tolist() == [False]


def test_tokenize_sentences_rejects_bad_input():
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['start'\]"):
        tokenize_sentences(pd.DataFrame({"doc_id": ["a"], "section_id": ["s"], "para_id": [0],
                                  "sent_id": [0], "text": ["x"]}), cache=False)
    bad = _sentences({"a": ["好"]})
    bad["text"] = bad["text"].astype(object)
    bad.loc[0, "text"] = None
    with pytest.raises(ValueError, match="must be str"):
        tokenize_sentences(bad, cache=False)
    missing = _sentences({"a": ["好", "坏"]}).astype({"text": "string"})
    missing.loc[1, "text"] = pd.NA  # NA in a string column is no text either
    with pytest.raises(ValueError, match="must be str; doc 'a' sentence 1"):
        tokenize_sentences(missing, cache=False)
    offsetless = _sentences({"a": ["好"]}).astype({"start": object})
    offsetless.loc[0, "start"] = None
    with pytest.raises(ValueError, match="integer offsets"):
        tokenize_sentences(offsetless, cache=False)
    twice = pd.concat([_sentences({"a": ["好"]})] * 2)
    with pytest.raises(ValueError, match="duplicate"):
        tokenize_sentences(twice, cache=False)


def test_tokenize_sentences_is_deterministic(tmp_path):
    sentences = _sentences({"x": ["深入学习习近平法治思想。"], "y": ["推行首违不罚。"]})
    first = tokenize_sentences(sentences, cache=False)
    second = tokenize_sentences(sentences.iloc[::-1], cache=False)  # row order does not matter
    pd.testing.assert_frame_equal(first, second)


def test_empty_sentences_give_an_empty_table():
    tokens = tokenize_sentences(_sentences({}).reindex(columns=["doc_id", "section_id", "para_id",
                                                         "sent_id", "text", "start"]),
                         cache=False)
    assert list(tokens.columns) == tokenizing.TOKEN_COLUMNS
    assert len(tokens) == 0


# --- select_terms ---------------------------------------------------------------------------


def _hand_tokens() -> pd.DataFrame:
    return pd.DataFrame({
        "token": ["的", "工作", "营商环境", "2023年", "3", ",", "一是", "APP", "《宪法》", "法"],
        "kind": ["word", "word", "word", "date", "number", "punct", "marker", "latin", "title",
                 "word"],
        "is_stop": [True, False, False, False, False, False, False, False, False, False],
        "is_filler": [False, True, False, False, False, False, False, False, False, False],
    })


def test_select_terms_defaults_keep_words_titles_latin():
    kept = select_terms(_hand_tokens())["token"].tolist()
    # 的 is a stopword; 2023年, 3, ",", 一是 are date, number, punct, marker.
    assert kept == ["工作", "营商环境", "APP", "《宪法》", "法"]


def test_select_terms_options():
    tokens = _hand_tokens()
    before = tokens.copy()
    assert select_terms(tokens, drop_filler=True)["token"].tolist() == [
        "营商环境", "APP", "《宪法》", "法"]
    assert select_terms(tokens, drop_stopwords=False, kinds=("word",))["token"].tolist() == [
        "的", "工作", "营商环境", "法"]
    assert select_terms(tokens, min_len=3)["token"].tolist() == ["营商环境", "APP", "《宪法》"]
    assert select_terms(tokens, exclude=["法", "APP"])["token"].tolist() == [
        "工作", "营商环境", "《宪法》"]
    pd.testing.assert_frame_equal(tokens, before)
    with pytest.raises(ValueError, match="unknown token kind"):
        select_terms(tokens, kinds=("words",))
    # A flag column is needed only by its own filter.
    assert len(select_terms(tokens.drop(columns="is_filler"))) == 5
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['is_filler'\].*drop_filler=False"):
        select_terms(tokens.drop(columns="is_filler"), drop_filler=True)


# --- configuration and cache ----------------------------------------------------------------


def _copy_resources(tmp_path: Path) -> TokenizerConfig:
    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text("term\tsource\n习近平法治思想\ttest\n", encoding="utf-8")
    stopwords = tmp_path / "stopwords.txt"
    stopwords.write_text("的\n", encoding="utf-8")
    filler = tmp_path / "filler.txt"
    filler.write_text("工作\n", encoding="utf-8")
    return TokenizerConfig(lexicon=lexicon, stopwords=stopwords, filler=filler)


def test_fingerprint_tracks_options_and_file_contents(tmp_path):
    config = _copy_resources(tmp_path)
    same = _copy_resources(tmp_path)
    assert config.fingerprint() == same.fingerprint()
    assert TokenizerConfig(hmm=False).fingerprint() != TokenizerConfig().fingerprint()
    segmentation = config.segmentation_fingerprint()
    whole = config.fingerprint()
    config.stopwords.write_text("的\n了\n", encoding="utf-8")
    # Stopwords are flags computed after segmentation: only the full fingerprint moves.
    assert config.segmentation_fingerprint() == segmentation
    assert config.fingerprint() != whole
    config.lexicon.write_text("term\tsource\n习近平法治思想\ttest\n营商环境\ttest\n",
                              encoding="utf-8")
    assert config.segmentation_fingerprint() != segmentation


def test_config_rejects_unknown_backend():
    with pytest.raises(ValueError, match="unknown backend"):
        TokenizerConfig(backend="pkuseg")


def test_cache_invalidates_exactly_what_changed(tmp_path, monkeypatch):
    config = _copy_resources(tmp_path)
    cache_dir = tmp_path / "cache"
    calls: list[list[str]] = []
    segment = tokenize_module._segment_document

    def counting(engine, texts):
        calls.append(list(texts))
        return segment(engine, texts)

    monkeypatch.setattr(tokenize_module, "_segment_document", counting)
    docs = {"a": ["学习习近平法治思想。"], "b": ["优化营商环境工作。"]}

    cold = tokenize_sentences(_sentences(docs), config=config, cache_dir=cache_dir)
    assert len(calls) == 2
    assert len(list(cache_dir.rglob("*.parquet"))) == 2
    assert not list(cache_dir.rglob("*.tmp"))  # temp files were renamed into place

    calls.clear()
    warm = tokenize_sentences(_sentences(docs), config=config, cache_dir=cache_dir)
    assert calls == []
    pd.testing.assert_frame_equal(cold, warm)

    # Edit one document: only that one is segmented again.
    calls.clear()
    edited = {"a": docs["a"], "b": ["优化营商环境。"]}
    tokenize_sentences(_sentences(edited), config=config, cache_dir=cache_dir)
    assert calls == [["优化营商环境。"]]

    # Edit the stopword list: no re-segmentation, but the flags follow the new list.
    calls.clear()
    config.stopwords.write_text("的\n学习\n", encoding="utf-8")
    flagged = tokenize_sentences(_sentences(docs), config=config, cache_dir=cache_dir)
    assert calls == []
    assert flagged.loc[flagged["token"] == "学习", "is_stop"].tolist() == [True]

    # Edit the lexicon: every document is segmented again, and the new entry is a token.
    calls.clear()
    config.lexicon.write_text("term\tsource\n习近平法治思想\ttest\n营商环境\ttest\n",
                              encoding="utf-8")
    relexed = tokenize_sentences(_sentences(docs), config=config, cache_dir=cache_dir)
    assert len(calls) == 2
    assert "营商环境" in relexed["token"].tolist()
    assert "营商环境" not in cold["token"].tolist()  # stock jieba: 营商 / 环境

    # Restore the lexicon: the earlier cache entries are valid again.
    calls.clear()
    config.lexicon.write_text("term\tsource\n习近平法治思想\ttest\n", encoding="utf-8")
    again = tokenize_sentences(_sentences(docs), config=config, cache_dir=cache_dir)
    assert calls == []
    pd.testing.assert_frame_equal(again.drop(columns="is_stop"), cold.drop(columns="is_stop"))


def test_torn_cache_file_is_rebuilt(tmp_path):
    config = _copy_resources(tmp_path)
    sentences = _sentences({"a": ["学习习近平法治思想。"]})
    first = tokenize_sentences(sentences, config=config, cache_dir=tmp_path / "c")
    (cached,) = (tmp_path / "c").rglob("*.parquet")
    cached.write_bytes(b"not parquet")
    second = tokenize_sentences(sentences, config=config, cache_dir=tmp_path / "c")
    pd.testing.assert_frame_equal(first, second)
    assert cached.read_bytes()[:4] == b"PAR1"


def test_tokenizer_load_prints_nothing(tmp_path, capfd):
    # A fresh cache folder forces jieba to build and dump its model: the noisiest first load.
    script = textwrap.dedent("""
        from analysis.text import TokenizerConfig, tokenize_text
        print("|".join(tokenize_text("学习习近平法治思想", config=TokenizerConfig(backend="jieba"))))
        print("|".join(tokenize_text("学习习近平法治思想")))
    """)
    env = {"FZZF_CACHE": str(tmp_path / "fresh-cache"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", script], env=env, check=False)
    out, err = capfd.readouterr()
    assert result.returncode == 0, err
    assert err == ""
    assert out == "学习|习近平法治思想\n学习|习近平法治思想\n"
    assert (tmp_path / "fresh-cache" / "jieba" / "jieba.cache").is_file()


# --- the user's extra words ---------------------------------------------------------------


def test_extra_words_add_to_the_shipped_lists(tmp_path):
    # Guards: a user's stopword file replaced the shipped list, so 的/和 came back to the top.
    sentences = _sentences({"d": ["全面推行河长制和林长制的工作。"]})
    stock = tokenize_sentences(sentences, cache=False)
    assert [t for t in stock["token"]][:3] == ["全面推行", "河长", "制"]  # stock splits 河长制
    words = tmp_path / "extra.txt"
    words.write_text("# our additions\n林长制\n河长制  \n\n", encoding="utf-8")
    config = TokenizerConfig(extra_terms=words, extra_stopwords=["全面推行"],
                             extra_filler=("工作",))
    ours = tokenize_sentences(sentences, config=config, cache=False).set_index("token")
    assert list(ours.index) == ["全面推行", "河长制", "和", "林长制", "的", "工作", "。"]
    assert ours.loc[["河长制", "林长制"], "in_lexicon"].all()
    # The shipped stopwords (和, 的) stay; the extra one joins them; filler likewise.
    assert ours.loc[["全面推行", "和", "的"], "is_stop"].all()
    assert bool(ours.loc["工作", "is_filler"]) and not ours.loc["河长制", "is_stop"]
    # A list and a file of the same words are the same configuration.
    assert TokenizerConfig(extra_terms=["河长制", "林长制"]).fingerprint() == \
        TokenizerConfig(extra_terms=words).fingerprint()
    assert config.segmentation_fingerprint() != TokenizerConfig().segmentation_fingerprint()
    # Stopwords do not change segmentation, so they reuse the cache.
    assert TokenizerConfig(extra_stopwords=["x"]).segmentation_fingerprint() == \
        TokenizerConfig().segmentation_fingerprint()


def test_extra_words_refuse_what_is_not_a_word_list(tmp_path):
    with pytest.raises(TypeError, match="extra_stopwords must hold strings"):
        TokenizerConfig(extra_stopwords=[1, 2])
    with pytest.raises(ValueError, match="extra_terms: cannot read"):
        TokenizerConfig(extra_terms=tmp_path / "missing.txt")
