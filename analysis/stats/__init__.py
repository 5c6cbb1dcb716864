"""Statistics over the ``tokens`` table or the build's ``counts`` table.

Every function takes a DataFrame (``tokens``; the build's ``counts``, one row per report and
token with its count ``n``, which gives the same results for everything that only counts; or
the table made by :func:`count_terms`) and returns a new long DataFrame; inputs are never
mutated. Each counts every row it is given: select the terms first, once, with
:func:`analysis.text.select_terms`. Only :func:`kwic` and :func:`score_collocations` need
word order, so the tokens.

- :mod:`~analysis.stats.counts`: :func:`count_terms`, counts, rates, document frequency, tf-idf;
- :mod:`~analysis.stats.keyness`: :func:`score_keyness`, G2, chi-square, weighted log-odds;
- :mod:`~analysis.stats.comparison`: distinctive terms, change between periods, new terms,
  composition of the groups compared;
- :mod:`~analysis.stats.similarity`, :mod:`~analysis.stats.collocations`,
  :mod:`~analysis.stats.concordance` (:func:`kwic`; :func:`find_sentences`, which
  searches the ``sentences`` table instead), :mod:`~analysis.stats.themes`;
- :mod:`~analysis.stats.compliance`: :func:`check_compliance` and :func:`count_compliance`,
  the statutory parts and the 1 April deadline (over ``reports`` and ``sections``);
- :mod:`~analysis.stats.reuse`: :func:`find_reuse`, the passages two reports share word for
  word (over ``reports``), and :func:`score_reuse`, the share of each report found in
  another, an earlier or a superior's report;
- :mod:`~analysis.stats.readability`: :func:`score_readability`, characters and adverbs and
  conjunctions per sentence (徐巍、姚振晔、陈冬华 2021; over ``sentences`` and ``tokens``);
- :mod:`~analysis.stats.frames`: the shared plumbing (group codes, row weights).

Definitions
-----------
For a group *g* (one value of the ``by`` columns) and a term *w*: ``n`` is the occurrences of
*w* in *g*; ``n_tokens`` the counted tokens in *g*; ``rate_per_10k = 10000 * n / n_tokens``;
``df`` the distinct ``doc_id`` within *g* that contain *w*; ``n_docs`` the distinct
``doc_id`` in *g*; ``group_df`` the groups that contain *w*. tf-idf treats groups as the
documents: ``tf = n / n_tokens`` and ``idf = ln(G / group_df)``, which is 0 for a term in
every group; ``smooth_idf=True`` uses scikit-learn's ``ln((1 + G) / (1 + group_df)) + 1``.
"""

from analysis.stats.collocations import score_collocations
from analysis.stats.comparison import (
    CHANGE_COLUMNS,
    check_composition,
    find_new_terms,
    score_agency_change,
    score_change,
    score_distinctive,
)
from analysis.stats.compliance import STATUTORY_PARTS, check_compliance, count_compliance
from analysis.stats.concordance import find_sentences, kwic
from analysis.stats.counts import count_terms
from analysis.stats.frames import PER
from analysis.stats.keyness import KEYNESS_COLUMNS, score_keyness
from analysis.stats.readability import READABILITY_COLUMNS, score_readability
from analysis.stats.reuse import find_reuse, score_reuse
from analysis.stats.similarity import pivot_similarity, score_similarity
from analysis.stats.themes import score_themes

__all__ = ["CHANGE_COLUMNS", "KEYNESS_COLUMNS", "PER", "READABILITY_COLUMNS", "STATUTORY_PARTS",
           "check_compliance",
           "check_composition", "count_compliance", "count_terms",
           "find_new_terms", "find_reuse", "find_sentences", "kwic", "pivot_similarity",
           "score_agency_change", "score_change", "score_collocations", "score_distinctive",
           "score_keyness", "score_readability", "score_reuse", "score_similarity",
           "score_themes"]
