"""Similarity of reports: cosine on tf-idf vectors."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.schema import check_columns
from analysis.stats.frames import as_strings, group_counts

__all__ = ["pivot_similarity", "score_similarity"]

# ---------------------------------------------------------------------------
# Similarity
# ---------------------------------------------------------------------------


def score_similarity(
    frame: pd.DataFrame,
    *,
    smooth_idf: bool = True,
    exclude: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Cosine similarity of every pair of reports on their tf-idf vectors.

    tf-idf is as in :func:`count_terms` with reports as the groups. The default here is
    the smoothed idf: with the plain one every term shared by all reports weighs 0, so two
    reports always score 0 against each other. Cosine ignores the tf scaling, so the
    result equals scikit-learn's ``TfidfVectorizer`` (l2 norm) followed by
    ``cosine_similarity``. A report with no weighted term has a missing cosine.

    Parameters
    ----------
    frame : pandas.DataFrame
        A ``tokens`` table, or a ``counts`` table by ``doc_id`` (``doc_id``, ``term``,
        ``n``) from :func:`count_terms`.
    smooth_idf : bool
        Use ``ln((1 + N) / (1 + df)) + 1`` rather than ``ln(N / df)``.
    exclude : iterable of str, optional
        Terms left out of the vectors (for example place names).

    Returns
    -------
    pandas.DataFrame
        The ``similarity`` table, one row per ordered pair of reports, the diagonal
        included: ``doc_a``, ``doc_b``, ``cosine`` (0 to 1). Sorted by ``doc_a``, ``doc_b``.
        :func:`pivot_similarity` makes it square.
    """
    counts = group_counts(frame, by="doc_id")
    keep = counts.n > 0
    excluded = as_strings(exclude)
    if excluded:
        keep &= ~pd.Index(counts.term).isin(excluded)
    n_docs = len(counts.groups)
    term_codes, vocabulary = pd.factorize(counts.term[keep], sort=True)
    group_codes = counts.group[keep]
    doc_freq = np.bincount(term_codes, minlength=len(vocabulary))
    with np.errstate(divide="ignore"):
        if smooth_idf:
            idf = np.log((1.0 + n_docs) / (1.0 + doc_freq)) + 1.0
        else:
            idf = np.log(n_docs / doc_freq)
    # scipy is imported here, not at the top, to keep it out of the build's processes.
    from scipy import sparse

    # tf scaling cancels in the cosine, so raw counts times idf suffice.
    matrix = sparse.csr_matrix(
        (counts.n[keep] * idf[term_codes], (group_codes, term_codes)),
        shape=(n_docs, len(vocabulary)),
    )
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = sparse.diags(np.where(norms > 0, 1.0 / norms, 0.0))
    unit = scale @ matrix
    cosine = np.asarray((unit @ unit.T).todense(), dtype=np.float64)
    cosine = np.clip(cosine, 0.0, 1.0)
    np.fill_diagonal(cosine, 1.0)
    empty = norms == 0
    cosine[empty, :] = np.nan
    cosine[:, empty] = np.nan
    docs = counts.groups.to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "doc_a": pd.array(np.repeat(docs, n_docs), dtype="str"),
            "doc_b": pd.array(np.tile(docs, n_docs), dtype="str"),
            "cosine": cosine.ravel(),
        }
    )


def pivot_similarity(similarity: pd.DataFrame) -> pd.DataFrame:
    """Make the long ``similarity`` table square, for a heatmap or clustering.

    Parameters
    ----------
    similarity : pandas.DataFrame
        The table from :func:`score_similarity` (``doc_a``, ``doc_b``, ``cosine``).

    Returns
    -------
    pandas.DataFrame
        A square matrix of ``cosine``: index ``doc_a``, columns ``doc_b``, both sorted.
    """
    check_columns(similarity, "similarity", ["doc_a", "doc_b", "cosine"])
    square = similarity.pivot(index="doc_a", columns="doc_b", values="cosine")
    return square.sort_index(axis=0).sort_index(axis=1)


