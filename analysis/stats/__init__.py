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
from analysis.stats.concordance import find_sentences, kwic
from analysis.stats.counts import count_terms
from analysis.stats.frames import PER
from analysis.stats.keyness import KEYNESS_COLUMNS, score_keyness
from analysis.stats.similarity import pivot_similarity, score_similarity
from analysis.stats.themes import score_themes

__all__ = ["CHANGE_COLUMNS", "KEYNESS_COLUMNS", "PER", "check_composition", "count_terms",
           "find_new_terms", "find_sentences", "kwic", "pivot_similarity",
           "score_agency_change", "score_change", "score_collocations", "score_distinctive",
           "score_keyness", "score_similarity", "score_themes"]
