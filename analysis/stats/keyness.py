"""Keyness: how over- or under-represented a term is in a target against a reference.

G2, chi-square and the weighted log-odds with an informative Dirichlet prior (Monroe et al.
2008). :func:`score_keyness` compares two groups; :func:`score_arrays` scores count arrays
and is what :mod:`analysis.stats.comparison` builds its one-against-the-rest comparisons on."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analysis.stats.frames import PER, GroupCounts, as_strings, as_values, group_counts

__all__ = ["KEYNESS_COLUMNS", "prior_counts", "score_arrays", "score_keyness", "sort_keyness"]

KEYNESS_COLUMNS: list[str] = [
    "term",
    "n_target",
    "n_reference",
    "n_tokens_target",
    "n_tokens_reference",
    "rate_target",
    "rate_reference",
    "direction",
    "g2",
    "p_g2",
    "q_g2",
    "chi2",
    "p_chi2",
    "q_chi2",
    "log_odds",
    "z",
]

_SORTABLE = ("z", "log_odds", "g2", "chi2")


def prior_counts(
    counts: GroupCounts, *, prior: Literal["corpus", "uniform"], alpha: float | None
) -> tuple[pd.Series, float]:
    """Dirichlet prior pseudo-counts alpha_w per term, and their total alpha_0."""
    corpus = pd.Series(counts.n).groupby(counts.term).sum()
    if prior == "corpus":
        n_corpus = float(counts.totals.sum())
        alpha0 = n_corpus if alpha is None else float(alpha)
        return alpha0 * corpus / n_corpus, alpha0
    if prior == "uniform":
        vocabulary = len(corpus)
        alpha0 = float(vocabulary) if alpha is None else float(alpha)
        return pd.Series(alpha0 / vocabulary, index=corpus.index), alpha0
    raise ValueError(f"prior must be 'corpus' or 'uniform', got {prior!r}")


def adjust_bh(p: np.ndarray, family: np.ndarray | None = None) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values), within each family of tests.

    ``q_(i) = min over j >= i of p_(j) * m / j`` for the ``m`` p-values of a family sorted
    ascending, capped at 1, as R's ``p.adjust(method = "BH")``.
    """
    p = np.asarray(p, dtype=np.float64)
    q = np.empty_like(p)
    keys = np.zeros(len(p), dtype=np.int64) if family is None else pd.factorize(family)[0]
    order = np.lexsort((p, keys))  # by family, then p ascending
    sorted_keys, sorted_p = keys[order], p[order]
    bounds = np.flatnonzero(np.diff(sorted_keys)) + 1
    for chunk_p, chunk_index in zip(np.split(sorted_p, bounds), np.split(order, bounds),
                                    strict=True):
        m = len(chunk_p)
        scaled = chunk_p * m / np.arange(1, m + 1)
        q[chunk_index] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return q


def score_arrays(
    term: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    n1: np.ndarray | float,
    n2: np.ndarray | float,
    alpha_w: np.ndarray,
    alpha0: float,
    *,
    correction: bool,
    family: np.ndarray | None = None,
) -> pd.DataFrame:
    """The keyness columns for terms with target counts ``a`` and reference counts ``b``.

    ``family`` groups the rows into separate comparisons (one per group in
    :func:`~analysis.stats.score_distinctive`) for the Benjamini–Hochberg adjustment."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    n1 = np.broadcast_to(np.asarray(n1, dtype=np.float64), a.shape)
    n2 = np.broadcast_to(np.asarray(n2, dtype=np.float64), a.shape)
    total = n1 + n2
    observed = np.stack([a, b, n1 - a, n2 - b])
    row = np.stack([a + b, a + b, total - a - b, total - a - b])
    column = np.stack([n1, n2, n1, n2])
    expected = row * column / total
    with np.errstate(divide="ignore", invalid="ignore"):
        # 0 * ln(0 / E) is taken as 0, the limit, as in scipy's G-test.
        g2 = 2.0 * np.where(observed > 0, observed * np.log(observed / expected), 0.0).sum(0)
        # In a 2x2 table |O - E| is the same in all four cells.
        gap = np.abs(a - expected[0])
        if correction:
            # Yates, as scipy.stats.chi2_contingency: move O towards E by at most 0.5.
            gap = gap - np.minimum(0.5, gap)
        chi2 = (gap[None, :] ** 2 / expected).sum(0)
        y_target = a + alpha_w
        y_reference = b + alpha_w
        log_odds = np.log(y_target / (n1 + alpha0 - y_target)) - np.log(
            y_reference / (n2 + alpha0 - y_reference)
        )
        z = log_odds / np.sqrt(1.0 / y_target + 1.0 / y_reference)
    g2 = np.maximum(g2, 0.0)  # rounding can leave -1e-16 when O == E
    # Cross-multiplied so that equal rates compare exactly, without float division.
    sign = np.sign(a * n2 - b * n1)
    direction = np.where(sign > 0, "over", np.where(sign < 0, "under", "equal"))
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_target = PER * a / n1
        rate_reference = PER * b / n2
    # Imported here, not at the top: scipy.stats takes about a second, and every build
    # process imports analysis.stats (for the readability counts) without scoring anything.
    from scipy.stats import chi2 as chi2_distribution
    p_g2 = chi2_distribution.sf(g2, 1)
    p_chi2 = chi2_distribution.sf(chi2, 1)
    return pd.DataFrame(
        {
            "term": pd.array(term, dtype="str"),
            "n_target": a.astype(np.int64),
            "n_reference": b.astype(np.int64),
            "n_tokens_target": n1.astype(np.int64),
            "n_tokens_reference": n2.astype(np.int64),
            "rate_target": rate_target,
            "rate_reference": rate_reference,
            "direction": direction,
            "g2": sign * g2,
            "p_g2": p_g2,
            "q_g2": adjust_bh(p_g2, family),
            "chi2": sign * chi2,
            "p_chi2": p_chi2,
            "q_chi2": adjust_bh(p_chi2, family),
            "log_odds": log_odds,
            "z": z,
        }
    )


def sort_keyness(frame: pd.DataFrame, sort_by: str, first: list[str]) -> pd.DataFrame:
    if sort_by not in _SORTABLE:
        raise ValueError(f"sort_by must be one of {_SORTABLE}, got {sort_by!r}")
    columns = [*first, sort_by, "term"]
    ascending = [True] * len(first) + [False, True]
    return frame.sort_values(columns, ascending=ascending, kind="mergesort").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Keyness
# ---------------------------------------------------------------------------


def score_keyness(
    frame: pd.DataFrame,
    *,
    target: Hashable | Sequence[Hashable],
    reference: Hashable | Sequence[Hashable] | None = None,
    by: str = "doc_id",
    correction: bool = True,
    prior: Literal["corpus", "uniform"] = "corpus",
    alpha: float | None = None,
    exclude: Iterable[str] | None = None,
    min_count: int = 1,
    sort_by: Literal["z", "log_odds", "g2", "chi2"] = "z",
) -> pd.DataFrame:
    """Score how over- or under-represented each term is in a target against a reference.

    For each term, with ``a``/``b`` its counts in target/reference and ``n1``/``n2`` their
    token totals, the 2x2 table ``O = [[a, b], [n1 - a, n2 - b]]`` has expected counts
    ``E = row total * column total / (n1 + n2)``:

    - ``g2 = 2 * sum(O * ln(O / E))`` (log-likelihood, 0 * ln 0 = 0), ``p_g2`` from the
      chi-square distribution with 1 degree of freedom;
    - ``chi2 = sum((|O - E| - c)^2 / E)`` (Pearson), where ``c = min(0.5, |O - E|)`` with
      Yates' correction (``correction=True``, the default, as scipy) and 0 without it;
      uncorrected values are unstable for rare terms;
    - weighted log-odds with a Dirichlet prior (Monroe, Colaresi and Quinn 2008):
      ``log_odds = ln((a + α_w) / (n1 + α_0 - a - α_w)) - ln((b + α_w) / (n2 + α_0 - b - α_w))``,
      ``z = log_odds / sqrt(1 / (a + α_w) + 1 / (b + α_w))``.
      With ``prior="corpus"`` (informative) ``α_w = α_0 * y_w / N``, where ``y_w`` is the
      term's count and ``N`` the token total of the whole input (every group, including
      groups in neither target nor reference), and ``α_0`` defaults to ``N``, so
      ``α_w = y_w`` as in tidylo; ``alpha`` sets ``α_0`` to shrink less or more. With
      ``prior="uniform"`` ``α_w = α_0 / V`` over the ``V`` terms, ``α_0`` defaulting to
      ``V`` (one pseudo-count per term). Unlike tidylo, which sets each group against
      the pooled corpus, this compares target with reference directly.

    ``g2`` and ``chi2`` carry the sign of the difference in rates (negative when the term
    is relatively rarer in the target), so sorting them descending lists
    over-represented terms first; the p-values use their absolute values. ``q_g2`` and
    ``q_chi2`` are the p-values adjusted for testing every listed term at once
    (Benjamini–Hochberg, controlling the false discovery rate): with thousands of terms,
    dozens pass ``p < 0.05`` by chance alone, so report a term as significant by its q.

    Which to report: ``z`` (or ``log_odds``) to rank terms by how distinctive they are,
    since it shrinks rare terms toward no difference; ``g2`` with ``q_g2`` to say whether a
    difference is more than chance. Neither says how large the difference is in plain
    terms: give ``rate_target`` and ``rate_reference`` (per 10k tokens) beside them.

    Parameters
    ----------
    frame : pandas.DataFrame
        A ``tokens`` table with a ``by`` column, or a ``counts`` table from
        :func:`count_terms` with one row per (``by``, term); a counts table's totals come
        from its ``n_tokens`` column when present.
    target : value or list of values
        The ``by`` value(s) forming the target.
    reference : value or list of values, optional
        The ``by`` value(s) forming the reference; by default every other value.
    by : str
        The grouping column.
    correction : bool
        Apply Yates' continuity correction to ``chi2``.
    prior : {"corpus", "uniform"}
        Informative prior from corpus counts, or the same pseudo-count for every term.
    alpha : float, optional
        The prior's total pseudo-count ``α_0``.
    exclude : iterable of str, optional
        Terms to drop from the result (for example place names). They stay in the token
        totals, so the other terms' scores do not change.
    min_count : int
        Keep terms with ``a + b >= min_count`` (always at least 1).
    sort_by : {"z", "log_odds", "g2", "chi2"}
        Sort descending on this column, ties by ``term``.

    Returns
    -------
    pandas.DataFrame
        The ``keyness`` table, one row per term found in target or reference: ``term``,
        ``n_target``, ``n_reference``, ``n_tokens_target``, ``n_tokens_reference``,
        ``rate_target`` and ``rate_reference`` (per 10k tokens), ``direction``
        (``over``, ``under`` or ``equal``), ``g2``, ``p_g2``, ``q_g2`` (Benjamini–Hochberg),
        ``chi2``, ``p_chi2``, ``q_chi2``, ``log_odds``, ``z``.
    """
    counts = group_counts(frame, by=by)
    targets = as_values(target)
    missing = [v for v in targets if not counts.groups.isin([v]).any()]
    if missing:
        raise ValueError(f"target value(s) {missing} not found in column {by!r}")
    in_target = counts.groups.isin(targets)
    if reference is None:
        in_reference = ~in_target
    else:
        references = as_values(reference)
        missing = [v for v in references if not counts.groups.isin([v]).any()]
        if missing:
            raise ValueError(f"reference value(s) {missing} not found in column {by!r}")
        in_reference = counts.groups.isin(references)
        if (in_target & in_reference).any():
            overlap = list(counts.groups[in_target & in_reference])
            raise ValueError(f"target and reference share value(s) {overlap}")
    n1 = float(counts.totals[in_target].sum())
    n2 = float(counts.totals[in_reference].sum())
    if n1 == 0 or n2 == 0:
        side = "target" if n1 == 0 else "reference"
        raise ValueError(f"the {side} has no counted tokens")

    alpha_w, alpha0 = prior_counts(counts, prior=prior, alpha=alpha)
    row_target = in_target[counts.group]
    row_reference = in_reference[counts.group]
    a = pd.Series(counts.n[row_target]).groupby(counts.term[row_target]).sum()
    b = pd.Series(counts.n[row_reference]).groupby(counts.term[row_reference]).sum()
    terms = a.index.union(b.index)
    a = a.reindex(terms, fill_value=0.0).to_numpy()
    b = b.reindex(terms, fill_value=0.0).to_numpy()
    keep = (a + b >= max(min_count, 1)) & ~terms.isin(as_strings(exclude) or [])
    # Scored over every term, then filtered: the q-values adjust for every term tested, so
    # leaving terms out of the result (exclude, min_count) does not change the others'.
    result = score_arrays(
        terms.to_numpy(dtype=object),
        a,
        b,
        n1,
        n2,
        alpha_w.reindex(terms).to_numpy(),
        alpha0,
        correction=correction,
    )
    return sort_keyness(result[keep].reset_index(drop=True), sort_by, [])


