"""score_themes with a user's dictionary (term, category) as well as the theme lexicon."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis import stats as st
from analysis.text import read_dictionary, read_themes

COLUMNS = ["doc_id", "theme", "n", "n_terms", "n_tokens", "rate_per_10k", "share"]

DICTIONARY_YAML = """\
Name: 手写词典
Desc: two categories sharing the term 执法
Refer: none
Category: [执法监督, 普法宣传]
Dictionary:
    执法监督: [行政执法, 执法, 监督]
    普法宣传: [普法, 宣传, 执法]
"""


def tokens_of(docs: dict[str, list[str]]) -> pd.DataFrame:
    """A minimal tokens table, its terms already selected: one row per token."""
    return pd.DataFrame([{"doc_id": doc_id, "token": token}
                         for doc_id, tokens in docs.items() for token in tokens])


@pytest.fixture
def tokens() -> pd.DataFrame:
    return tokens_of({"a": ["行政执法", "执法", "执法", "普法", "改革", "推进"],
                      "b": ["宣传", "宣传", "监督", "工作"]})


def test_a_user_dictionary_hand_values(tmp_path, tokens):
    path = tmp_path / "mine.yaml"
    path.write_text(DICTIONARY_YAML, encoding="utf-8")
    table = st.score_themes(tokens, themes=read_dictionary(path))
    assert list(table.columns) == COLUMNS
    # The theme column holds the dictionary's categories as given, in dictionary order.
    assert table["theme"].tolist() == ["执法监督", "普法宣传"] * 2
    # a, 6 tokens: 执法监督 = 行政执法 1 + 执法 2 = 3 (2 distinct terms); 普法宣传 = 普法 1 +
    #   执法 2 = 3 (2 terms): 执法 counts in both categories, so the n add up to 6 for the 4
    #   matching tokens. Rates 10000 * 3/6 = 5000 each; shares 3/(3+3) = 1/2 each.
    # b, 4 tokens: 执法监督 = 监督 1 (1 term); 普法宣传 = 宣传 2 (1 term). Rates
    #   10000 * 1/4 = 2500 and 10000 * 2/4 = 5000; shares 1/3 and 2/3.
    assert table["n"].tolist() == [3, 3, 1, 2]
    assert table["n_terms"].tolist() == [2, 2, 1, 1]
    assert table["n_tokens"].tolist() == [6, 6, 4, 4]
    assert table["rate_per_10k"].tolist() == pytest.approx([5000, 5000, 2500, 5000])
    assert table["share"].tolist() == pytest.approx([1 / 2, 1 / 2, 1 / 3, 2 / 3])


def test_a_dictionary_frame_by_hand_is_cleaned_and_the_input_kept(tokens):
    dictionary = pd.DataFrame({"term": ["监督 ", "\ufeff宣传", None, "改革", "监督"],
                               "category": ["监督", "宣传", "宣传", "", "监督"]})
    before = dictionary.copy()
    table = st.score_themes(tokens, by=(), themes=dictionary)
    pd.testing.assert_frame_equal(dictionary, before)
    # Stripped, the missing term and the empty category dropped, the repeat kept once.
    # Whole corpus, 10 tokens: 监督 1, 宣传 2; shares 1/3, 2/3.
    assert table["theme"].tolist() == ["监督", "宣传"]
    assert table["n"].tolist() == [1, 2]
    assert table["rate_per_10k"].tolist() == pytest.approx([1000, 2000])
    assert table["share"].tolist() == pytest.approx([1 / 3, 2 / 3])


def test_a_table_with_theme_and_category_uses_theme_and_bad_tables_are_named(tokens):
    both = pd.DataFrame({"term": ["监督"], "theme": ["supervision"], "category": ["监督"]})
    assert st.score_themes(tokens, themes=both)["theme"].unique().tolist() == ["supervision"]
    with pytest.raises(ValueError, match=r"themes table lacks column\(s\) \['theme'\].*"
                                         r"term and category \(read_dictionary\)"):
        st.score_themes(tokens, themes=pd.DataFrame({"term": ["监督"]}))
    with pytest.raises(ValueError, match=r"no \(term, theme\) rows"):
        st.score_themes(tokens, themes=pd.DataFrame({"term": [" "], "category": ["x"]}))


def test_the_shipped_lexicon_read_as_a_dictionary_scores_the_same(tokens):
    # Existing callers: score_themes(tokens) with the shipped themes is unchanged, and the
    # shipped file read by read_dictionary gives the same table.
    tokens = tokens_of({"a": ["习近平法治思想", "行政执法", "普法", "改革"], "b": ["营商环境"]})
    default = st.score_themes(tokens)
    assert list(default.columns) == COLUMNS
    assert list(pd.unique(default["theme"])) == list(pd.unique(read_themes()["theme"]))
    as_dictionary = st.score_themes(tokens,
                                    themes=read_dictionary(paths.RESOURCES / "themes.tsv"))
    pd.testing.assert_frame_equal(default, as_dictionary)
    np.testing.assert_allclose(default.groupby("doc_id")["share"].sum(), 1.0)


def test_a_counts_table_gives_what_the_tokens_give(tokens):
    dictionary = pd.DataFrame({"term": ["执法", "宣传"], "category": ["执法", "宣传"]})
    counts = (tokens.groupby(["doc_id", "token"]).size().rename("n").reset_index())
    pd.testing.assert_frame_equal(st.score_themes(counts, themes=dictionary),
                                  st.score_themes(tokens, themes=dictionary))
