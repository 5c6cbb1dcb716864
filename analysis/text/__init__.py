"""Text: tokenize sentences into the ``tokens`` table, and select the tokens that are terms.

- :mod:`~analysis.text.resources`: the word lists (lexicon, stopwords, filler, themes);
- :mod:`~analysis.text.engine`: :class:`TokenizerConfig` and the jieba/rjieba engines;
- :mod:`~analysis.text.names`: agency and place names, the ``org`` and ``place`` kinds;
- :mod:`~analysis.text.tokenize`: :func:`tokenize_sentences` (the ``tokens`` table),
  :func:`tag_text`, :func:`tokenize_text`;
- :mod:`~analysis.text.terms`: :func:`select_terms`, the one place tokens are left out;
- :mod:`~analysis.text.dictionaries`: users' term -> category dictionaries
  (:func:`read_dictionary`, :func:`check_dictionary`), for :func:`~analysis.stats.score_themes`.
"""

from analysis.text.dictionaries import check_dictionary, read_dictionary
from analysis.text.engine import BACKENDS, DEFAULT_LEXICON_FREQ, TokenizerConfig
from analysis.text.resources import (
    THEMES,
    read_agency_names,
    read_filler,
    read_lexicon,
    read_stopwords,
    read_themes,
)
from analysis.text.terms import DEFAULT_TERM_KINDS, KINDS, NAME_KINDS, select_terms
from analysis.text.tokenize import TOKEN_COLUMNS, Token, tag_text, tokenize_sentences, tokenize_text

__all__ = ["BACKENDS", "DEFAULT_LEXICON_FREQ", "DEFAULT_TERM_KINDS", "KINDS", "NAME_KINDS",
           "THEMES", "TOKEN_COLUMNS", "Token", "TokenizerConfig", "check_dictionary",
           "read_agency_names", "read_dictionary", "read_filler", "read_lexicon",
           "read_stopwords", "read_themes", "select_terms", "tag_text", "tokenize_sentences",
           "tokenize_text"]
