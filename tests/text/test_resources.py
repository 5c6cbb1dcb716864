"""Tests for the tokenizer's resource files: lexicon, stopwords, filler, themes."""

from __future__ import annotations

import logging
import re

import pytest

from analysis import paths
from analysis import text as tokenizing
from analysis.text import TokenizerConfig, tokenize_text

LEXICON = tokenizing.read_lexicon()
STOPWORDS = tokenizing.read_stopwords()
FILLER = tokenizing.read_filler()
THEMES = tokenizing.read_themes()
README = (paths.RESOURCES / "README.md").read_text(encoding="utf-8")

# Entries that stock jieba keeps whole with the HMM on but splits with it off (pitfall 3).
HMM_ONLY = {"放管服", "述法"}


@pytest.fixture(scope="module")
def stock():
    """A private stock jieba tokenizer: the global jieba.dt is never touched."""
    import jieba

    tokenizer = jieba.Tokenizer()
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        tokenizer.initialize()
    finally:
        logger.setLevel(level)
    return tokenizer


# --- lexicon --------------------------------------------------------------------------------


def test_lexicon_size_and_columns():
    assert len(LEXICON) >= 200
    assert list(LEXICON.columns) == ["term", "freq", "pos", "source"]
    assert LEXICON["term"].is_unique
    assert (LEXICON["source"] != "").all()


@pytest.mark.parametrize("term", LEXICON["term"].tolist())
def test_lexicon_entry_is_split_by_stock_jieba_and_kept_by_us(term, stock):
    if term in HMM_ONLY:
        assert stock.lcut(term) == [term]
        assert len(stock.lcut(term, HMM=False)) > 1
    else:
        assert len(stock.lcut(term)) > 1, f"stock jieba already keeps {term} whole"
    assert tokenize_text(term) == [term]
    assert tokenize_text(term, config=TokenizerConfig(backend="jieba")) == [term]


def test_lexicon_sources_are_documented():
    for source in sorted(set(LEXICON["source"])):
        assert f"`{source}`" in README, f"source code {source} is not explained in README.md"


def test_lexicon_is_written_in_normalized_form():
    # Normalized text has half-width ASCII: a full-width ＋ or （ in an entry would never match.
    assert not [t for t in LEXICON["term"] if re.search("[\uff01-\uff5e]", t)]


def test_read_lexicon_reports_bad_rows(tmp_path):
    path = tmp_path / "lexicon.tsv"
    path.write_text("term\tsource\n营商环境\ta\n营商环境\tb\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3: term '营商环境' repeats line 2"):
        tokenizing.read_lexicon(path)
    path.write_text("term\tfreq\tsource\n营商环境\t0\ta\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a positive integer"):
        tokenizing.read_lexicon(path)
    path.write_text("word\tsource\n营商环境\ta\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['term'\]"):
        tokenizing.read_lexicon(path)
    path.write_text("term\tsource\n营商 环境\ta\n", encoding="utf-8")
    with pytest.raises(ValueError, match="whitespace"):
        tokenizing.read_lexicon(path)


def test_explicit_frequency_is_read(tmp_path):
    path = tmp_path / "lexicon.tsv"
    path.write_text("# comment\nterm\tfreq\tsource\n营商环境\t500\ta\n首违不罚\t\tb\n",
                    encoding="utf-8")
    lexicon = tokenizing.read_lexicon(path)
    assert lexicon["term"].tolist() == ["营商环境", "首违不罚"]
    assert lexicon["freq"].tolist()[0] == 500
    assert lexicon["freq"].isna().tolist() == [False, True]


# --- stopwords and filler -------------------------------------------------------------------


def _entries(name: str) -> list[str]:
    lines = (paths.RESOURCES / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("name", ["stopwords.txt", "filler.txt"])
def test_word_list_file_is_clean(name):
    entries = _entries(name)
    assert entries
    assert len(entries) == len(set(entries)), "duplicates"
    assert all(entry == entry.strip() and " " not in entry for entry in entries)
    assert (paths.RESOURCES / name).read_text(encoding="utf-8").endswith("\n")


def test_stopwords_keep_content_words_out():
    for word in ("加强", "规定", "开展", "要求", "全面", "推进", "通过", "区"):
        assert word not in STOPWORDS
    for word in ("的", "了", "和", "关于", "我局", "件"):
        assert word in STOPWORDS


def test_lists_are_disjoint():
    assert not STOPWORDS & FILLER
    assert not STOPWORDS & set(LEXICON["term"])
    assert not STOPWORDS & set(THEMES["term"])
    assert not FILLER & set(THEMES["term"])


@pytest.mark.parametrize("word", sorted(FILLER))
def test_filler_word_is_one_token(word):
    assert tokenize_text(word) == [word]


# --- themes ---------------------------------------------------------------------------------


def test_themes_cover_the_nine_themes():
    assert list(THEMES.columns) == ["term", "theme"]
    assert set(THEMES["theme"]) == set(tokenizing.THEMES)
    assert THEMES["term"].is_unique
    assert THEMES.groupby("theme").size().min() >= 10
    for theme in tokenizing.THEMES:
        assert f"`{theme}`" in README


@pytest.mark.parametrize("term", THEMES["term"].tolist())
def test_theme_term_is_one_token(term):
    assert tokenize_text(term) == [term]


def test_read_themes_rejects_unknown_theme(tmp_path):
    path = tmp_path / "themes.tsv"
    path.write_text("term\ttheme\n营商环境\tbusiness\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown theme 'business'"):
        tokenizing.read_themes(path)


# Version 2 of the lexicon: each set phrase in a sentence of the kind it was found in, with the
# debris stock jieba (HMM on) left there, checked by hand.
@pytest.mark.parametrize(("sentence", "phrase", "stock_debris"), [
    ("践行“绿水青山就是金山银山”的发展新路", "绿水青山就是金山银山", ["金山", "银山"]),
    ("把金山银山变成百姓的钱袋子", "金山银山", ["金山", "银山"]),
    ("全体干部职工在思想上政治上行动上同党中央保持高度一致", "思想上政治上行动上", ["上同"]),
    ("深入领会“十一个坚持”的深刻内涵", "十一个坚持", ["十一个"]),
    ("学思践悟习近平法治思想", "学思践悟", ["学思践"]),
    ("着力先行先试、改革创新", "先行先试", ["先试"]),
    ("不断提升依法治教水平", "依法治教", ["治教"]),
    ("法治理论考试全覆盖,实现应考尽考", "应考尽考", ["尽考"]),
    ("纳入全市一本账实施", "一本账", ["一本"]),
    ("整合“一制三化”政务服务事项", "一制三化", ["一制", "三化"]),
    ("宜居宜业的港产城融合新城", "港产城融合", ["港产"]),
    ("全域“无废城市”建设", "无废城市", ["无废"]),
    ("深入贯彻党的十九大精神", "党的十九大", ["十九"]),
    ("与行政相对人互动沟通", "行政相对人", ["相对"]),
])
def test_version2_phrase_in_its_sentence(sentence, phrase, stock_debris, stock):
    stock_tokens = stock.lcut(sentence)
    assert phrase not in stock_tokens
    assert set(stock_debris) <= set(stock_tokens)
    for config in (TokenizerConfig(), TokenizerConfig(backend="jieba")):
        tokens = tokenize_text(sentence, config=config)
        assert phrase in tokens
        assert not set(stock_debris) & set(tokens)
