"""Term counts per group, with rates, document frequencies and tf-idf."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.schema import check_columns
from analysis.stats.frames import PER, as_keys, group_codes, row_weights

__all__ = ["count_terms"]

# ---------------------------------------------------------------------------
# Counts and tf-idf
# ---------------------------------------------------------------------------


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted: one in-place sort, which on tens of millions of integers
    is several times faster than ``np.unique``'s hash table."""
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def count_terms(
    tokens: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("doc_id",),
    smooth_idf: bool = False,
) -> pd.DataFrame:
    """Count terms per group, with rates, document frequencies and tf-idf.

    Every row given is counted: select the terms first
    (``tokens.pipe(select_terms).pipe(count_terms, by=...)``).

    Parameters
    ----------
    tokens : pandas.DataFrame
        The ``tokens`` table or the build's ``counts`` table (a row stands for ``n``
        tokens), with ``doc_id``, ``token`` and the ``by`` columns. Merge
        grouping columns (agency, year, admin_level from ``reports``; part from
        ``sections``) onto it first.
    by : str or sequence of str
        Grouping columns; ``()`` counts the whole corpus as one group.
    smooth_idf : bool
        ``False``: ``idf = ln(G / group_df)``, which is 0 for a term found in every group.
        ``True``: scikit-learn's ``ln((1 + G) / (1 + group_df)) + 1``, never 0.

    Returns
    -------
    pandas.DataFrame
        The ``counts`` table, one row per group and term: the ``by`` columns, ``term``,
        ``n`` (occurrences), ``n_tokens`` (counted tokens in the group),
        ``rate_per_10k`` (``10000 * n / n_tokens``), ``df`` (distinct ``doc_id`` in the
        group containing the term), ``n_docs`` (distinct ``doc_id`` in the group),
        ``group_df`` (groups containing the term), ``tf`` (``n / n_tokens``), ``idf`` and
        ``tf_idf`` (``tf * idf``). Sorted by group (missing values last), then ``n``
        descending, then ``term``.
    """
    keys = as_keys(by)
    check_columns(tokens, "tokens", ["doc_id", "token", *keys])
    codes, key_values = group_codes(tokens, keys)
    # Integer codes and numpy sorts, not one Python string per row or a hash group-by on
    # several columns: a national counts table has tens of millions of rows.
    term_codes, term_names = pd.factorize(tokens["token"])
    doc_codes = pd.factorize(tokens["doc_id"])[0]
    weights = row_weights(tokens)
    n_terms, n_doc_codes = max(len(term_names), 1), max(int(doc_codes.max(initial=-1)) + 1, 1)
    pair, row = np.unique(codes * n_terms + term_codes, return_inverse=True)
    group, term = pair // n_terms, pair % n_terms
    n = np.bincount(row, weights=weights, minlength=len(pair)).astype(np.int64)
    # Document frequency: distinct (group, term, doc) triples per (group, term).
    seen = _distinct(row.astype(np.int64) * n_doc_codes + doc_codes)
    df = np.bincount(seen // n_doc_codes, minlength=len(pair))
    del row, seen
    n_groups = len(key_values) if keys else (1 if len(tokens) else 0)
    n_tokens = np.bincount(codes, weights=weights, minlength=n_groups).astype(np.int64)
    docs_per_group = _distinct(codes * n_doc_codes + doc_codes) // n_doc_codes
    n_docs = np.bincount(docs_per_group, minlength=n_groups)
    group_df = np.bincount(term, minlength=len(term_names))
    totals = n_tokens[group]
    containing = group_df[term].astype(np.float64)
    if smooth_idf:
        idf = np.log((1.0 + n_groups) / (1.0 + containing)) + 1.0
    else:
        idf = np.log(n_groups / containing)
    tf = n / totals if len(n) else np.zeros(0)

    out = (key_values.iloc[group].reset_index(drop=True) if keys
           else pd.DataFrame(index=range(len(pair))))
    out = out.assign(
        term=pd.array(np.asarray(term_names, dtype=object)[term], dtype="str"),
        n=n,
        n_tokens=totals,
        rate_per_10k=PER * tf,
        df=df.astype(np.int64),
        n_docs=n_docs[group].astype(np.int64),
        group_df=containing.astype(np.int64),
        tf=tf,
        idf=idf,
        tf_idf=tf * idf,
        _group=group,
    )
    out = out.sort_values(["_group", "n", "term"], ascending=[True, False, True], kind="mergesort")
    return out.drop(columns="_group").reset_index(drop=True)


