"""Term statistics on the ``tokens`` table, or on the build's ``counts`` table.

Every function takes a DataFrame (``tokens``; the build's ``counts``, one row per report and
token with its count ``n``, which gives the same results for everything that only counts;
or the table made by :func:`count_terms`) and returns a new long DataFrame; inputs are never
mutated. Only :func:`kwic` and :func:`score_collocations` need word order, so the tokens.

Which tokens are terms
----------------------
Unless told otherwise, statistics count only tokens whose ``kind`` is one of
:data:`DEFAULT_KINDS` (``word``, ``title``, ``latin``) and whose ``is_stop`` flag is
false: numbers, dates, punctuation and enumeration markers (一是, 二是) are left out,
and so are stopwords. Every exclusion is a keyword option (``kinds``, ``drop_stop``,
``exclude``) and :func:`select_terms` applies them on its own. Bureaucratic filler
(``is_filler``) is kept; to drop it, filter first, e.g.
``tokens.pipe(analysis.tokenizing.filter_terms, drop_filler=True).pipe(count_terms)``.

Definitions
-----------
For a group *g* (one value of the ``by`` columns) and a term *w*:

- ``n``: occurrences of *w* in *g*; ``n_tokens``: counted tokens in *g*;
  ``rate_per_10k = 10000 * n / n_tokens``.
- ``df``: number of distinct ``doc_id`` within *g* that contain *w*; ``n_docs``:
  number of distinct ``doc_id`` in *g*. With ``by=("doc_id",)`` ``df`` is always 1.
- ``group_df``: number of groups that contain *w*. tf-idf treats groups as the
  documents: ``tf = n / n_tokens`` and ``idf = ln(G / group_df)`` with *G* the number
  of groups. That idf is 0 for a term present in every group, so its tf-idf is 0 too;
  ``smooth_idf=True`` uses scikit-learn's ``ln((1 + G) / (1 + group_df)) + 1`` instead.

Keyness of a target against a reference compares, for each term, the 2x2 table
``[[a, b], [n1 - a, n2 - b]]`` (a, b: the term's counts in target and reference; n1, n2:
their token totals); see :func:`score_keyness` for the formulas.
"""

from __future__ import annotations

import io
from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import chi2 as chi2_distribution

from analysis import paths

DEFAULT_KINDS: tuple[str, ...] = ("word", "title", "latin")
"""Token kinds counted as terms by default."""

THEMES_FILE: Path = paths.RESOURCES / "themes.tsv"
"""Default theme lexicon: a TSV with columns ``term`` and ``theme``."""

PER = 10_000
"""Rates are per this many counted tokens."""

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
    "chi2",
    "p_chi2",
    "log_odds",
    "z",
]

_SORTABLE = ("z", "log_odds", "g2", "chi2")


# ---------------------------------------------------------------------------
# Input checks and shared plumbing
# ---------------------------------------------------------------------------


def _require(frame: object, columns: Iterable[str], name: str, hint: str = "") -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        message = f"{name} lacks column(s) {missing}; it has {list(frame.columns)}"
        raise ValueError(f"{message}; {hint}" if hint else message)


def _as_keys(by: str | Sequence[str]) -> list[str]:
    keys = [by] if isinstance(by, str) else list(by)
    if len(set(keys)) != len(keys):
        raise ValueError(f"by lists a column twice: {keys}")
    return keys


def _as_values(value: object) -> list:
    """A scalar or a collection of group values, as a list (a string is a scalar)."""
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Index, pd.Series)):
        values = list(value)
    else:
        values = [value]
    if not values:
        raise ValueError("an empty list of group values was given")
    return values


def _as_strings(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _is_counts(frame: pd.DataFrame) -> bool:
    return "term" in frame.columns and "n" in frame.columns


def _weights(frame: pd.DataFrame) -> np.ndarray:
    """How many occurrences each row stands for.

    A row of the build's ``counts`` table (``doc_id``, ``token``, flags, ``n``: one row per
    report and token) stands for ``n`` tokens; a row of the ``tokens`` table for one. So
    every statistic that only counts gives the same result on either, and a notebook can
    work from ``counts``, a seventh of the size of ``tokens``.
    """
    if "token" in frame.columns and "n" in frame.columns:
        return frame["n"].to_numpy(dtype=np.int64)
    return np.ones(len(frame), dtype=np.int64)



def select_terms(
    tokens: pd.DataFrame,
    *,
    kinds: Iterable[str] | None = DEFAULT_KINDS,
    drop_stop: bool = True,
    exclude: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Keep the token rows that count as terms.

    Parameters
    ----------
    tokens : pandas.DataFrame
        The ``tokens`` table (at least ``token``; ``kind`` and ``is_stop`` when the
        matching filter is on).
    kinds : iterable of str or None
        Token kinds to keep; ``None`` keeps every kind.
    drop_stop : bool
        Drop rows whose ``is_stop`` is true (a missing flag counts as false).
    exclude : iterable of str or None
        Tokens to drop, for example place names.

    Returns
    -------
    pandas.DataFrame
        The kept rows of ``tokens`` with all its columns, in their original order.
    """
    _require(tokens, ["token"], "tokens")
    keep = np.ones(len(tokens), dtype=bool)
    if kinds is not None:
        _require(tokens, ["kind"], "tokens", "pass kinds=None to keep every kind")
        keep &= tokens["kind"].isin(_as_strings(kinds)).to_numpy()
    if drop_stop:
        _require(tokens, ["is_stop"], "tokens", "pass drop_stop=False to keep stopwords")
        keep &= ~tokens["is_stop"].fillna(False).astype(bool).to_numpy()
    excluded = _as_strings(exclude)
    if excluded:
        keep &= ~tokens["token"].isin(excluded).to_numpy()
    return tokens.loc[keep].copy()


def _group_codes(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer code per row for the ``keys`` groups, and one row of key values per code.

    Codes follow the sorted order of the key values (missing values last), so output
    sorted by code is sorted by group.
    """
    if not keys:
        return np.zeros(len(frame), dtype=np.int64), pd.DataFrame(index=range(1))
    codes = frame.groupby(keys, dropna=False, sort=True, observed=True).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    values = frame[keys].iloc[first].reset_index(drop=True)
    return codes.astype(np.int64), values


class _Counts(NamedTuple):
    """Term counts per group: parallel arrays, plus per-group totals."""

    group: np.ndarray  # group code of each (group, term) row
    term: np.ndarray  # term of each row
    n: np.ndarray  # count of each row
    totals: np.ndarray  # counted tokens per group code
    groups: pd.Index  # group value of each code


def _group_counts(
    frame: pd.DataFrame,
    *,
    by: str,
    kinds: Iterable[str] | None,
    drop_stop: bool,
) -> _Counts:
    """Counts per (``by`` value, term) from a tokens table or a counts table.

    A counts table must have one row per (``by``, term). Its group totals come from
    ``n_tokens`` when present (so a table cut to top terms keeps true totals), else from
    the sum of ``n``.
    """
    if not isinstance(by, str):
        raise TypeError(f"by must name one column, got {by!r}")
    if isinstance(frame, pd.DataFrame) and _is_counts(frame):
        _require(frame, [by, "term", "n"], "counts")
        duplicated = frame.duplicated([by, "term"])
        if duplicated.any():
            raise ValueError(
                f"counts have several rows per ({by}, term), e.g. "
                f"{frame.loc[duplicated, [by, 'term']].iloc[0].tolist()}; "
                f"count with by=({by!r},) or pass the tokens table"
            )
        codes, groups = pd.factorize(frame[by], sort=True, use_na_sentinel=False)
        n = frame["n"].to_numpy(dtype=np.float64)
        if (n < 0).any() or np.isnan(n).any():
            raise ValueError("counts column n has negative or missing values")
        if "n_tokens" in frame.columns:
            per_group = pd.Series(frame["n_tokens"].to_numpy(dtype=np.float64)).groupby(codes)
            if (per_group.nunique() > 1).any():
                raise ValueError(f"n_tokens differs within one {by} group; it must be the total")
            totals = per_group.first().reindex(range(len(groups))).to_numpy()
        else:
            totals = np.bincount(codes, weights=n, minlength=len(groups))
        return _Counts(codes, frame["term"].to_numpy(dtype=object), n, totals, pd.Index(groups))
    if isinstance(frame, pd.DataFrame) and "token" in frame.columns:
        _require(frame, [by], "tokens")
        kept = select_terms(frame, kinds=kinds, drop_stop=drop_stop)
        codes, groups = pd.factorize(kept[by], sort=True, use_na_sentinel=False)
        weights = _weights(kept)
        # Codes sorted like the terms, so the (group, term) order is the strings' order.
        term_codes, term_names = pd.factorize(kept["token"], sort=True)
        table = (
            pd.DataFrame({"group": codes, "term": term_codes, "n": weights})
            .groupby(["group", "term"], sort=True)["n"]
            .sum()
            .reset_index(name="n")
        )
        table["term"] = np.asarray(term_names, dtype=object)[table["term"].to_numpy()]
        totals = np.bincount(codes, weights=weights, minlength=len(groups)).astype(np.float64)
        return _Counts(
            table["group"].to_numpy(),
            table["term"].to_numpy(dtype=object),
            table["n"].to_numpy(dtype=np.float64),
            totals,
            pd.Index(groups),
        )
    _require(frame, [], "frame")
    raise ValueError(
        "expected a tokens table (with a token column) or a counts table (with term and n "
        f"columns); got columns {list(frame.columns)}"
    )


def _prior(
    counts: _Counts, *, prior: Literal["corpus", "uniform"], alpha: float | None
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


def _keyness_frame(
    term: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    n1: np.ndarray | float,
    n2: np.ndarray | float,
    alpha_w: np.ndarray,
    alpha0: float,
    *,
    correction: bool,
) -> pd.DataFrame:
    """The keyness columns for terms with target counts ``a`` and reference counts ``b``."""
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
            "p_g2": chi2_distribution.sf(g2, 1),
            "chi2": sign * chi2,
            "p_chi2": chi2_distribution.sf(chi2, 1),
            "log_odds": log_odds,
            "z": z,
        }
    )


def _sort_keyness(frame: pd.DataFrame, sort_by: str, first: list[str]) -> pd.DataFrame:
    if sort_by not in _SORTABLE:
        raise ValueError(f"sort_by must be one of {_SORTABLE}, got {sort_by!r}")
    columns = [*first, sort_by, "term"]
    ascending = [True] * len(first) + [False, True]
    return frame.sort_values(columns, ascending=ascending, kind="mergesort").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Counts and tf-idf
# ---------------------------------------------------------------------------


def count_terms(
    tokens: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("doc_id",),
    kinds: Iterable[str] | None = DEFAULT_KINDS,
    drop_stop: bool = True,
    exclude: Iterable[str] | None = None,
    smooth_idf: bool = False,
) -> pd.DataFrame:
    """Count terms per group, with rates, document frequencies and tf-idf.

    Parameters
    ----------
    tokens : pandas.DataFrame
        The ``tokens`` table, with ``doc_id``, ``token`` and the ``by`` columns. Merge
        grouping columns (agency, year, admin_level from ``reports``; part from
        ``sections``) onto it first.
    by : str or sequence of str
        Grouping columns; ``()`` counts the whole corpus as one group.
    kinds, drop_stop, exclude
        Which tokens count as terms; see :func:`select_terms`.
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
    keys = _as_keys(by)
    _require(tokens, ["doc_id", "token", *keys], "tokens")
    kept = select_terms(tokens, kinds=kinds, drop_stop=drop_stop, exclude=exclude)
    codes, key_values = _group_codes(kept, keys)
    # Integer codes, not one Python string per row: a national counts table has tens of
    # millions of rows, and object arrays of them took gigabytes.
    term_codes, term_names = pd.factorize(kept["token"])
    frame = pd.DataFrame(
        {
            "group": codes,
            "doc": pd.factorize(kept["doc_id"])[0],
            "term": term_codes,
            "weight": _weights(kept),
        }
    )
    grouped = frame.groupby(["group", "term"], sort=False)
    table = grouped["weight"].sum().rename("n").to_frame()
    table["df"] = (frame.drop_duplicates(["group", "doc", "term"])
                   .groupby(["group", "term"], sort=False).size())
    table = table.reset_index()
    n_tokens = frame.groupby("group")["weight"].sum()
    n_docs = frame.groupby("group")["doc"].nunique()
    group_df = table.groupby("term").size()
    n_groups = len(n_tokens)

    group = table["group"].to_numpy()
    n = table["n"].to_numpy(dtype=np.int64)
    totals = n_tokens.reindex(group).to_numpy(dtype=np.int64)
    containing = group_df.reindex(table["term"]).to_numpy(dtype=np.float64)
    if smooth_idf:
        idf = np.log((1.0 + n_groups) / (1.0 + containing)) + 1.0
    else:
        idf = np.log(n_groups / containing)
    tf = n / totals if len(n) else np.zeros(0)

    out = key_values.iloc[group].reset_index(drop=True) if keys else pd.DataFrame(index=table.index)
    out = out.assign(
        term=pd.array(np.asarray(term_names, dtype=object)[table["term"].to_numpy()],
                      dtype="str"),
        n=n,
        n_tokens=totals,
        rate_per_10k=PER * tf,
        df=table["df"].to_numpy(dtype=np.int64),
        n_docs=n_docs.reindex(group).to_numpy(dtype=np.int64),
        group_df=containing.astype(np.int64),
        tf=tf,
        idf=idf,
        tf_idf=tf * idf,
        _group=group,
    )
    out = out.sort_values(["_group", "n", "term"], ascending=[True, False, True], kind="mergesort")
    return out.drop(columns="_group").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Keyness
# ---------------------------------------------------------------------------


def score_keyness(
    frame: pd.DataFrame,
    *,
    target: Hashable | Sequence[Hashable],
    reference: Hashable | Sequence[Hashable] | None = None,
    by: str = "doc_id",
    kinds: Iterable[str] | None = DEFAULT_KINDS,
    drop_stop: bool = True,
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
    over-represented terms first; the p-values use their absolute values.

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
    kinds, drop_stop
        Which tokens count as terms when ``frame`` is a tokens table (see
        :func:`select_terms`).
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
        (``over``, ``under`` or ``equal``), ``g2``, ``p_g2``, ``chi2``, ``p_chi2``,
        ``log_odds``, ``z``.
    """
    counts = _group_counts(frame, by=by, kinds=kinds, drop_stop=drop_stop)
    targets = _as_values(target)
    missing = [v for v in targets if not counts.groups.isin([v]).any()]
    if missing:
        raise ValueError(f"target value(s) {missing} not found in column {by!r}")
    in_target = counts.groups.isin(targets)
    if reference is None:
        in_reference = ~in_target
    else:
        references = _as_values(reference)
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

    alpha_w, alpha0 = _prior(counts, prior=prior, alpha=alpha)
    row_target = in_target[counts.group]
    row_reference = in_reference[counts.group]
    a = pd.Series(counts.n[row_target]).groupby(counts.term[row_target]).sum()
    b = pd.Series(counts.n[row_reference]).groupby(counts.term[row_reference]).sum()
    terms = a.index.union(b.index)
    a = a.reindex(terms, fill_value=0.0).to_numpy()
    b = b.reindex(terms, fill_value=0.0).to_numpy()
    keep = (a + b >= max(min_count, 1)) & ~terms.isin(_as_strings(exclude) or [])
    result = _keyness_frame(
        terms.to_numpy(dtype=object)[keep],
        a[keep],
        b[keep],
        n1,
        n2,
        alpha_w.reindex(terms[keep]).to_numpy(),
        alpha0,
        correction=correction,
    )
    return _sort_keyness(result, sort_by, [])


# ---------------------------------------------------------------------------
# Concordance
# ---------------------------------------------------------------------------


def kwic(
    tokens: pd.DataFrame,
    *,
    term: str | Sequence[str],
    window: int = 5,
    within: Literal["doc", "paragraph", "sentence"] = "doc",
    sep: str = "",
) -> pd.DataFrame:
    """Key word in context: every occurrence of a term, with the tokens around it.

    Parameters
    ----------
    tokens : pandas.DataFrame
        The ``tokens`` table, unfiltered so that the context reads as the text does
        (``doc_id``, ``position``, ``token``; ``para_id``/``sent_id`` for ``within``).
    term : str or sequence of str
        A string matches one token exactly; a list or tuple matches that run of tokens
        at consecutive ``position`` values (a phrase the tokenizer splits).
    window : int
        Tokens of context on each side (punctuation included).
    within : {"doc", "paragraph", "sentence"}
        Context stops at the edge of this unit.
    sep : str
        Joins tokens in ``term``, ``left`` and ``right``; "" suits Chinese.

    Returns
    -------
    pandas.DataFrame
        The ``kwic`` table, one row per occurrence: ``doc_id``, then those of
        ``section_id``, ``para_id``, ``sent_id`` present in ``tokens``, ``position``
        (of the first matched token), ``start`` and ``end`` (character span of the match,
        when ``tokens`` has offsets), ``term``, ``window``, ``left``, ``right``. Sorted by
        ``doc_id`` and ``position``.
    """
    phrase = [term] if isinstance(term, str) else list(term)
    if not phrase or any(not isinstance(t, str) or not t for t in phrase):
        raise ValueError(f"term must be a non-empty string or list of strings, got {term!r}")
    if not isinstance(window, (int, np.integer)) or window < 0:
        raise ValueError(f"window must be a non-negative integer, got {window!r}")
    unit_column = {"doc": None, "paragraph": "para_id", "sentence": "sent_id"}
    if within not in unit_column:
        raise ValueError(f"within must be one of {list(unit_column)}, got {within!r}")
    unit = unit_column[within]
    _require(tokens, ["doc_id", "position", "token", *([unit] if unit else [])], "tokens")

    ordered = tokens.sort_values(["doc_id", "position"], kind="mergesort").reset_index(drop=True)
    words = ordered["token"].to_numpy(dtype=object)
    docs = ordered["doc_id"].to_numpy(dtype=object)
    positions = ordered["position"].to_numpy(dtype=np.int64)
    size, length = len(words), len(phrase)

    match = np.zeros(size, dtype=bool)
    if size >= length:
        match[: size - length + 1] = True
        for offset, word in enumerate(phrase):
            stop = size - length + 1 + offset
            match[: size - length + 1] &= words[offset:stop] == word
            if offset:
                match[: size - length + 1] &= docs[offset:stop] == docs[: stop - offset]
                match[: size - length + 1] &= positions[offset:stop] == (
                    positions[: stop - offset] + offset
                )
    hits = np.flatnonzero(match)

    # Runs of equal (doc, unit) bound the context.
    boundary = np.ones(size, dtype=bool)
    if size:
        same = docs[1:] == docs[:-1]
        if unit:
            values = ordered[unit].to_numpy()
            same &= pd.Series(values[1:]).eq(pd.Series(values[:-1])).to_numpy()
        boundary[1:] = ~same
    run = np.cumsum(boundary) - 1
    run_start = np.flatnonzero(boundary)
    run_end = np.append(run_start[1:], size)

    left, right = [], []
    for hit in hits:
        begin = max(run_start[run[hit]], hit - window)
        finish = min(run_end[run[hit]], hit + length + window)
        left.append(sep.join(words[begin:hit]))
        right.append(sep.join(words[hit + length : finish]))

    columns = ["doc_id"] + [c for c in ("section_id", "para_id", "sent_id") if c in ordered]
    out = ordered.loc[hits, [*columns, "position"]].reset_index(drop=True)
    if "start" in ordered and "end" in ordered:
        out["start"] = ordered["start"].to_numpy()[hits]
        out["end"] = ordered["end"].to_numpy()[hits + length - 1]
    out["term"] = sep.join(phrase)
    out["window"] = int(window)
    out["left"] = left
    out["right"] = right
    return out.astype({"term": "str", "left": "str", "right": "str"})


# ---------------------------------------------------------------------------
# Collocations
# ---------------------------------------------------------------------------


def score_collocations(
    tokens: pd.DataFrame,
    *,
    min_count: int = 3,
    kinds: Iterable[str] | None = DEFAULT_KINDS,
    drop_stop: bool = True,
    exclude: Iterable[str] | None = None,
    allow_gaps: bool = False,
) -> pd.DataFrame:
    """Score adjacent term pairs (bigrams) by pointwise mutual information and G2.

    Tokens are first filtered as in :func:`select_terms`. A bigram is two kept tokens of
    the same sentence (``doc_id``, ``sent_id``) at consecutive ``position`` values, so
    a pair never spans a removed stopword or punctuation mark; ``allow_gaps=True`` pairs
    tokens that are neighbours after filtering instead.

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
        The ``tokens`` table (``doc_id``, ``sent_id``, ``position``, ``token`` and the
        filter columns).
    min_count : int
        Keep bigrams seen at least this often; PMI overrates rare pairs.
    kinds, drop_stop, exclude
        The token filter; see :func:`select_terms`.
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
    _require(tokens, ["doc_id", "sent_id", "position", "token"], "tokens")
    kept = select_terms(tokens, kinds=kinds, drop_stop=drop_stop, exclude=exclude)
    kept = kept.sort_values(["doc_id", "position"], kind="mergesort")
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
            "p_g2": chi2_distribution.sf(g2, 1),
        }
    )
    return out.sort_values(["g2", "bigram"], ascending=[False, True], kind="mergesort").reset_index(
        drop=True
    )


# ---------------------------------------------------------------------------
# Similarity
# ---------------------------------------------------------------------------


def score_similarity(
    frame: pd.DataFrame,
    *,
    smooth_idf: bool = True,
    kinds: Iterable[str] | None = DEFAULT_KINDS,
    drop_stop: bool = True,
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
    kinds, drop_stop, exclude
        Which tokens count as terms when ``frame`` is a tokens table.

    Returns
    -------
    pandas.DataFrame
        The ``similarity`` table, one row per ordered pair of reports, the diagonal
        included: ``doc_a``, ``doc_b``, ``cosine`` (0 to 1). Sorted by ``doc_a``, ``doc_b``.
        :func:`pivot_similarity` makes it square.
    """
    counts = _group_counts(frame, by="doc_id", kinds=kinds, drop_stop=drop_stop)
    keep = counts.n > 0
    excluded = _as_strings(exclude)
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
    _require(similarity, ["doc_a", "doc_b", "cosine"], "similarity")
    square = similarity.pivot(index="doc_a", columns="doc_b", values="cosine")
    return square.sort_index(axis=0).sort_index(axis=1)


# ---------------------------------------------------------------------------
# Themes
# ---------------------------------------------------------------------------


def _read_themes(path: Path) -> pd.DataFrame:
    if not Path(path).is_file():
        raise FileNotFoundError(
            f"theme lexicon {path} not found; pass themes=DataFrame(term, theme) instead"
        )
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    # Comment lines document the sources; they are not data.
    body = "\n".join(line for line in lines if line.strip() and not line.startswith("#"))
    return pd.read_csv(io.StringIO(body), sep="\t", dtype=str, keep_default_na=False)


def _clean_themes(themes: pd.DataFrame) -> pd.DataFrame:
    _require(themes, ["term", "theme"], "themes")
    table = pd.DataFrame(
        {
            "term": themes["term"].astype("str").str.strip(),
            "theme": themes["theme"].astype("str").str.strip(),
        }
    )
    table = table.loc[(table["term"] != "") & (table["theme"] != "")]
    if table.empty:
        raise ValueError("the theme lexicon has no (term, theme) rows")
    return table.drop_duplicates().reset_index(drop=True)


def score_themes(
    tokens: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("doc_id",),
    themes: pd.DataFrame | None = None,
    kinds: Iterable[str] | None = DEFAULT_KINDS,
    drop_stop: bool = True,
) -> pd.DataFrame:
    """Theme rates per group, from the theme lexicon.

    A token counts for a theme when it equals one of the theme's terms exactly, so the
    lexicon's terms must be single tokens (entries of the tokenizer's dictionary). A
    term listed under two themes counts for both. The denominator is the same counted
    tokens as in :func:`count_terms`, so theme rates and term rates compare directly.

    Parameters
    ----------
    tokens : pandas.DataFrame
        The ``tokens`` table with the ``by`` columns.
    by : str or sequence of str
        Grouping columns; ``()`` for the whole corpus.
    themes : pandas.DataFrame, optional
        Columns ``term`` and ``theme``; by default ``analysis/resources/themes.tsv``.
    kinds, drop_stop
        Which tokens are counted; see :func:`select_terms`.

    Returns
    -------
    pandas.DataFrame
        The ``themes`` table, one row per group and theme (every theme for every group,
        zeros included): the ``by`` columns, ``theme``, ``n`` (tokens matching the
        theme's terms), ``n_terms`` (distinct theme terms found), ``n_tokens``,
        ``rate_per_10k`` (``10000 * n / n_tokens``), ``share`` (``n`` over the group's
        theme matches of all themes; missing when there are none). Sorted by group, then
        theme in lexicon order.
    """
    keys = _as_keys(by)
    _require(tokens, ["token", *keys], "tokens")
    lexicon = _clean_themes(_read_themes(THEMES_FILE) if themes is None else themes)
    theme_order = pd.unique(lexicon["theme"])
    kept = select_terms(tokens, kinds=kinds, drop_stop=drop_stop)
    codes, key_values = _group_codes(kept, keys)
    n_groups = len(key_values) if keys else (1 if len(kept) else 0)
    weights = _weights(kept)
    n_tokens = np.bincount(codes, weights=weights, minlength=n_groups).astype(np.int64)

    # Only the rows whose token is a theme term become strings.
    listed = kept["token"].isin(lexicon["term"]).to_numpy()
    hits = pd.DataFrame({"group": codes[listed],
                         "term": kept["token"][listed].to_numpy(dtype=object),
                         "weight": weights[listed]}).merge(lexicon, on="term", how="inner")
    theme_code = pd.Categorical(hits["theme"], categories=theme_order).codes
    n_themes = len(theme_order)
    flat = hits["group"].to_numpy() * n_themes + theme_code
    size = n_groups * n_themes
    n = np.bincount(flat, weights=hits["weight"].to_numpy(dtype=np.float64),
                    minlength=size).astype(np.int64)
    distinct = hits.assign(flat=flat).drop_duplicates(["flat", "term"])["flat"].to_numpy()
    n_terms = np.bincount(distinct, minlength=size)

    group = np.repeat(np.arange(n_groups), n_themes)
    out = key_values.iloc[group].reset_index(drop=True) if keys else pd.DataFrame(index=group)
    out = out.reset_index(drop=True)
    totals = n_tokens[group]
    matched = np.bincount(group, weights=n, minlength=n_groups)[group]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(matched > 0, n / matched, np.nan)
    return out.assign(
        theme=pd.array(np.tile(theme_order.astype(object), n_groups), dtype="str"),
        n=n.astype(np.int64),
        n_terms=n_terms.astype(np.int64),
        n_tokens=totals.astype(np.int64),
        rate_per_10k=PER * n / totals if n_groups else np.zeros(0),
        share=share,
    )
