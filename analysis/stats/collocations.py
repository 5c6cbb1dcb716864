"""Collocations: adjacent term pairs scored by pointwise mutual information and G2."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.schema import check_columns

__all__ = ["score_collocations"]

# ---------------------------------------------------------------------------
# Collocations
# ---------------------------------------------------------------------------


def score_collocations(
    tokens: pd.DataFrame,
    *,
    min_count: int = 3,
    allow_gaps: bool = False,
) -> pd.DataFrame:
    """Score adjacent term pairs (bigrams) by pointwise mutual information and G2.

    Select the terms first (:func:`~analysis.text.terms.select_terms`). A bigram is two
    tokens of the same sentence (``doc_id``, ``sent_id``) at consecutive ``position``
    values, so a pair never spans a removed stopword or punctuation mark;
    ``allow_gaps=True`` pairs tokens that are neighbours after the selection instead.

    With ``n`` the bigram's count, ``n_first`` the count of bigrams starting with its
    first term, ``n_second`` of bigrams ending with its second, and ``n_bigrams`` all
    bigrams (before ``min_count`` is applied):

    - ``expected = n_first * n_second / n_bigrams``;
    - ``pmi = log2(n / expected)``;
    - ``g2 = 2 * sum(O * ln(O / E))`` on the 2x2 table
      ``[[n, n_first - n], [n_second - n, n_bigrams - n_first - n_second + n]]``,
      negative when ``n < expected``; ``p_g2`` from chi-square with 1 degree of freedom.

    Parameters
    ----------
    tokens : pandas.DataFrame
        The ``tokens`` table (``doc_id``, ``sent_id``, ``position``, ``token``), its terms
        selected; word order is in the tokens table only, so not the build's ``counts``.
    min_count : int
        Keep bigrams seen at least this often; PMI overrates rare pairs.
    allow_gaps : bool
        Pair neighbours after filtering even if tokens were removed between them.

    Returns
    -------
    pandas.DataFrame
        The ``collocations`` table, one row per bigram: ``first``, ``second``, ``bigram``
        (the two joined by a space), ``n``, ``n_first``, ``n_second``, ``n_bigrams``,
        ``expected``, ``pmi``, ``g2``, ``p_g2``. Sorted by ``g2`` descending, then
        ``bigram``.
    """
    check_columns(tokens, "tokens", ["doc_id", "sent_id", "position", "token"])
    kept = tokens.sort_values(["doc_id", "position"], kind="mergesort")
    words = kept["token"].to_numpy(dtype=object)
    docs = kept["doc_id"].to_numpy(dtype=object)
    sentences = kept["sent_id"].to_numpy()
    positions = kept["position"].to_numpy(dtype=np.int64)
    pair = (docs[1:] == docs[:-1]) & (sentences[1:] == sentences[:-1])
    if not allow_gaps:
        pair &= positions[1:] == positions[:-1] + 1
    bigrams = pd.DataFrame({"first": words[:-1][pair], "second": words[1:][pair]})
    table = bigrams.groupby(["first", "second"], sort=True).size().reset_index(name="n")
    n_bigrams = int(table["n"].sum())
    table["n_first"] = table.groupby("first")["n"].transform("sum")
    table["n_second"] = table.groupby("second")["n"].transform("sum")
    table = table.loc[table["n"] >= min_count].reset_index(drop=True)

    n = table["n"].to_numpy(dtype=np.float64)
    first = table["n_first"].to_numpy(dtype=np.float64)
    second = table["n_second"].to_numpy(dtype=np.float64)
    observed = np.stack([n, first - n, second - n, n_bigrams - first - second + n])
    rows = np.stack([first, first, n_bigrams - first, n_bigrams - first])
    columns = np.stack([second, n_bigrams - second, second, n_bigrams - second])
    with np.errstate(divide="ignore", invalid="ignore"):
        expected_cells = rows * columns / n_bigrams
        g2 = 2.0 * np.where(observed > 0, observed * np.log(observed / expected_cells), 0.0).sum(0)
    g2 = np.maximum(g2, 0.0)
    expected = expected_cells[0]
    # Imported here, not at the top: scipy.stats takes about a second, and every build
    # process imports analysis.stats (for the readability counts) without scoring anything.
    from scipy.stats import chi2

    out = pd.DataFrame(
        {
            "first": pd.array(table["first"].to_numpy(dtype=object), dtype="str"),
            "second": pd.array(table["second"].to_numpy(dtype=object), dtype="str"),
            "bigram": pd.array(
                (table["first"] + " " + table["second"]).to_numpy(dtype=object), dtype="str"
            ),
            "n": n.astype(np.int64),
            "n_first": first.astype(np.int64),
            "n_second": second.astype(np.int64),
            "n_bigrams": np.full(len(n), n_bigrams, dtype=np.int64),
            "expected": expected,
            "pmi": np.log2(n / expected),
            "g2": np.sign(n - expected) * g2,
            "p_g2": chi2.sf(g2, 1),
        }
    )
    return out.sort_values(["g2", "bigram"], ascending=[False, True], kind="mergesort").reset_index(
        drop=True
    )


