"""Comparisons between groups of reports: distinctive terms, change over time, composition.

These build on :mod:`analysis.stats.keyness` and use the same keyness measures (G2, chi-square
and weighted log-odds with an informative Dirichlet prior); read
:func:`analysis.stats.score_keyness` for the formulas. Each function takes a
``tokens`` table (with the grouping columns merged on from ``reports``) or a ``counts``
table from :func:`analysis.stats.count_terms`, and returns a new long DataFrame.

A comparison between years is only a comparison of the same reporting agencies if every
year holds the same agencies; :func:`check_composition` says whether it does.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Literal

import numpy as np
import pandas as pd

from analysis.schema import check_columns
from analysis.stats.counts import count_terms
from analysis.stats.frames import as_strings, group_counts, is_term_counts
from analysis.stats.keyness import (
    KEYNESS_COLUMNS,
    prior_counts,
    score_arrays,
    score_keyness,
    sort_keyness,
)

__all__ = ["CHANGE_COLUMNS", "check_composition", "find_new_terms", "score_agency_change",
           "score_change", "score_distinctive"]

_CHANGE_NAMES = {
    "n_target": "n_after",
    "n_reference": "n_before",
    "n_tokens_target": "n_tokens_after",
    "n_tokens_reference": "n_tokens_before",
    "rate_target": "rate_after",
    "rate_reference": "rate_before",
}
CHANGE_COLUMNS: list[str] = ["before", "after", *[_CHANGE_NAMES.get(c, c) for c in KEYNESS_COLUMNS]]


def score_distinctive(
    frame: pd.DataFrame,
    *,
    by: str,
    correction: bool = True,
    prior: Literal["corpus", "uniform"] = "corpus",
    alpha: float | None = None,
    exclude: Iterable[str] | None = None,
    min_count: int = 1,
    top: int | None = None,
    sort_by: Literal["z", "log_odds", "g2", "chi2"] = "z",
) -> pd.DataFrame:
    """Distinctive terms of every group against all the other groups (one against the rest).

    For each value *g* of ``by`` and each term found in *g*, this is
    :func:`~analysis.stats.score_keyness` with ``target=g`` and the rest as reference,
    computed for all groups at once; the prior comes from the whole input. Terms absent
    from a group are not listed for it (they could only be under-represented there).

    Parameters
    ----------
    frame : pandas.DataFrame
        A ``tokens`` table with a ``by`` column, or a ``counts`` table with one row per
        (``by``, term).
    by : str
        The grouping column, for example ``"agency"`` or ``"doc_id"``; at least two values.
    correction, prior, alpha, exclude, sort_by
        As in :func:`~analysis.stats.score_keyness`.
    min_count : int
        Keep terms seen at least this often in the group.
    top : int, optional
        Keep only the first ``top`` rows of each group after sorting.

    Returns
    -------
    pandas.DataFrame
        The ``distinctive`` table: the ``by`` column, then the keyness columns ``term``,
        ``n_target`` (count in the group), ``n_reference`` (count in the rest),
        ``n_tokens_target``, ``n_tokens_reference``, ``rate_target``, ``rate_reference``,
        ``direction``, ``g2``, ``p_g2``, ``q_g2``, ``chi2``, ``p_chi2``, ``q_chi2``,
        ``log_odds``, ``z``. The q-values adjust within each group over the terms found in it,
        so they are smaller than :func:`score_keyness`'s, which also tests the terms absent
        from the target. Sorted by group, then ``sort_by``
        descending, then ``term``.
    """
    counts = group_counts(frame, by=by)
    if len(counts.groups) < 2:
        raise ValueError(f"column {by!r} has fewer than two values; nothing to compare")
    alpha_w, alpha0 = prior_counts(counts, prior=prior, alpha=alpha)
    corpus = pd.Series(counts.n).groupby(counts.term).sum()
    keep = (counts.n >= max(min_count, 1)) & ~pd.Index(counts.term).isin(as_strings(exclude) or [])
    term, a, group = counts.term, counts.n, counts.group
    n1 = counts.totals[group]
    # Every term found in a group is scored, then filtered, so that the q-values (one family
    # per group) do not depend on exclude or min_count.
    scores = score_arrays(
        term,
        a,
        corpus.reindex(term).to_numpy() - a,
        n1,
        counts.totals.sum() - n1,
        alpha_w.reindex(term).to_numpy(),
        alpha0,
        correction=correction,
        family=group,
    )[keep].reset_index(drop=True)
    group = group[keep]
    scores.insert(0, "_group", group)
    scores = sort_keyness(scores, sort_by, ["_group"])
    if top is not None:
        scores = scores.groupby("_group", sort=False).head(top).reset_index(drop=True)
    values = counts.groups.take(scores["_group"].to_numpy())
    scores.insert(0, by, pd.Series(values, dtype=counts.groups.dtype))
    return scores.drop(columns="_group")


def _period_values(frame: pd.DataFrame, by: str) -> list:
    column = "term" if is_term_counts(frame) else "token"
    check_columns(frame, "frame", [by, column])
    values = pd.Series(frame[by].dropna().unique())
    return values.sort_values(kind="mergesort").tolist()


def score_change(
    frame: pd.DataFrame,
    *,
    by: str = "year",
    before: Hashable | None = None,
    after: Hashable | None = None,
    correction: bool = True,
    prior: Literal["corpus", "uniform"] = "corpus",
    alpha: float | None = None,
    exclude: Iterable[str] | None = None,
    min_count: int = 1,
    sort_by: Literal["z", "log_odds", "g2", "chi2"] = "z",
) -> pd.DataFrame:
    """Terms rising and falling between two periods, or between each pair of consecutive ones.

    Each comparison is :func:`~analysis.stats.score_keyness` with the later period as
    target and the earlier as reference; the prior comes from the whole input. Rows
    whose ``by`` value is missing take part in the prior only. If the periods hold
    different agencies, the change mixes time with composition: check with
    :func:`check_composition`.

    Parameters
    ----------
    frame : pandas.DataFrame
        A ``tokens`` table with a ``by`` column, or a ``counts`` table with one row per
        (``by``, term).
    by : str
        The period column.
    before, after : optional
        Compare these two values; give both or neither. By default every pair of
        consecutive values present (sorted) is compared.
    correction, prior, alpha, exclude, min_count, sort_by
        As in :func:`~analysis.stats.score_keyness`.

    Returns
    -------
    pandas.DataFrame
        The ``change`` table, one row per comparison and term: ``before``, ``after``,
        ``term``, ``n_after``, ``n_before``, ``n_tokens_after``, ``n_tokens_before``,
        ``rate_after``, ``rate_before`` (per 10k tokens), ``direction`` (``rising``,
        ``falling`` or ``equal``), ``g2``, ``p_g2``, ``q_g2``, ``chi2``, ``p_chi2``,
        ``q_chi2`` (q within each comparison), ``log_odds``, ``z`` (positive for rising
        terms). Sorted by comparison, then ``sort_by``
        descending, then ``term``.
    """
    if (before is None) != (after is None):
        raise ValueError("give both before and after, or neither")
    if before is not None:
        pairs = [(before, after)]
    else:
        values = _period_values(frame, by)
        if len(values) < 2:
            raise ValueError(f"column {by!r} has fewer than two values; nothing to compare")
        pairs = list(zip(values[:-1], values[1:], strict=True))
    if not is_term_counts(frame):
        # Count once rather than once per pair; totals travel in n_tokens.
        frame = count_terms(frame, by=(by,))
    tables = []
    for earlier, later in pairs:
        table = score_keyness(
            frame,
            target=later,
            reference=earlier,
            by=by,
            correction=correction,
            prior=prior,
            alpha=alpha,
            exclude=exclude,
            min_count=min_count,
            sort_by=sort_by,
        )
        table.insert(0, "after", [later] * len(table))
        table.insert(0, "before", [earlier] * len(table))
        tables.append(table)
    out = pd.concat(tables, ignore_index=True).rename(columns=_CHANGE_NAMES)
    out["direction"] = out["direction"].map(
        {"over": "rising", "under": "falling", "equal": "equal"}
    )
    dtype = frame[by].dtype
    return out.astype({"before": dtype, "after": dtype, "direction": "str"})[CHANGE_COLUMNS]


def score_agency_change(
    frame: pd.DataFrame,
    *,
    agency: str = "agency",
    by: str = "year",
    correction: bool = True,
    prior: Literal["corpus", "uniform"] = "corpus",
    alpha: float | None = None,
    exclude: Iterable[str] | None = None,
    min_count: int = 1,
    sort_by: Literal["z", "log_odds", "g2", "chi2"] = "z",
) -> pd.DataFrame:
    """Change between consecutive periods within each agency that reported in several.

    For every ``agency`` value with at least two distinct ``by`` values, this is
    :func:`score_change` on that agency's rows alone (its prior comes from that agency's
    reports), so composition does not enter. Agencies with one period are left out.

    Parameters
    ----------
    frame : pandas.DataFrame
        A ``tokens`` table with ``agency`` and ``by`` columns, or a ``counts`` table with
        one row per (``agency``, ``by``, term).
    agency : str
        The column naming the reporting body.
    by : str
        The period column.
    correction, prior, alpha, exclude, min_count, sort_by
        As in :func:`score_change`.

    Returns
    -------
    pandas.DataFrame
        The ``agency_change`` table: the ``agency`` column, then the columns of
        :func:`score_change` (``before``, ``after``, ``term``, ``n_after``, ``n_before``,
        ...). Empty, with those columns, when no agency reported in two periods. Sorted by
        agency, then as :func:`score_change`.
    """
    column = "term" if is_term_counts(frame) else "token"
    check_columns(frame, "frame", [agency, by, column])
    periods = frame[[agency, by]].dropna().drop_duplicates()
    repeated = periods.groupby(agency, sort=True)[by].nunique()
    repeated = repeated.index[repeated >= 2]
    tables = []
    for name in repeated:
        table = score_change(
            frame.loc[frame[agency] == name],
            by=by,
            correction=correction,
            prior=prior,
            alpha=alpha,
            exclude=exclude,
            min_count=min_count,
            sort_by=sort_by,
        )
        table.insert(0, agency, [name] * len(table))
        tables.append(table)
    if not tables:
        empty = pd.DataFrame(columns=[agency, *CHANGE_COLUMNS])
        return empty.astype({agency: frame[agency].dtype, "before": frame[by].dtype})
    return pd.concat(tables, ignore_index=True).astype({agency: frame[agency].dtype})


def find_new_terms(
    frame: pd.DataFrame,
    *,
    by: str = "year",
    min_count: int = 1,
    exclude: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Terms present in a period and absent from every earlier period.

    The first period present is skipped, since it has nothing earlier. A new term can be
    new in the world (二十届三中全会 from 2024) or new only because a new agency joined the
    corpus that year: :func:`check_composition` tells which reading holds.

    Parameters
    ----------
    frame : pandas.DataFrame
        A ``tokens`` table with a ``by`` column, or a ``counts`` table from
        :func:`~analysis.stats.count_terms` with ``by=(by,)``.
    by : str
        The period column; rows where it is missing are ignored.
    min_count : int
        Keep terms seen at least this often in the period where they are new.
    exclude : iterable of str, optional
        Terms left out of the result.

    Returns
    -------
    pandas.DataFrame
        The ``new_terms`` table: the ``by`` column, ``term``, ``n``, ``n_tokens``,
        ``rate_per_10k``, ``df`` (reports of that period containing the term),
        ``n_docs``. Sorted by period, then ``n`` descending, then ``term``.
    """
    columns = [by, "term", "n", "n_tokens", "rate_per_10k", "df", "n_docs"]
    if is_term_counts(frame):
        check_columns(frame, "counts", columns, f"make them with count_terms(tokens, by=({by!r},))")
        counts = frame[columns]
        if counts.duplicated([by, "term"]).any():
            raise ValueError(f"counts have several rows per ({by}, term); count by {by!r} only")
    else:
        check_columns(frame, "tokens", [by, "doc_id", "token"])
        counts = count_terms(frame.loc[frame[by].notna()], by=(by,))[columns]
    counts = counts.loc[counts[by].notna() & (counts["n"] > 0)]
    excluded = as_strings(exclude)
    if excluded:
        counts = counts.loc[~counts["term"].isin(excluded)]
    first_seen = counts.groupby("term")[by].transform("min")
    periods = _period_values(frame, by)
    new = counts.loc[
        (counts[by] == first_seen) & (counts[by] != periods[0]) & (counts["n"] >= min_count)
    ]
    return new.sort_values(
        [by, "n", "term"], ascending=[True, False, True], kind="mergesort"
    ).reset_index(drop=True)


def check_composition(
    frame: pd.DataFrame,
    *,
    by: str = "year",
    unit: str = "agency",
) -> pd.DataFrame:
    """Whether the periods (or other groups) hold the same reporting units.

    Parameters
    ----------
    frame : pandas.DataFrame
        The ``reports`` table, or any table with ``doc_id``, ``by`` and ``unit`` columns
        (tokens with report columns merged on work too).
    by : str
        The column whose groups are compared, usually ``"year"``.
    unit : str
        The column naming who reports, usually ``"agency"``.

    Returns
    -------
    pandas.DataFrame
        The ``composition`` table, one row per ``by`` value (missing last): the ``by``
        column, ``n_docs`` (distinct reports), ``n_units`` (distinct known units),
        ``n_unknown`` (reports whose unit is missing), ``units`` (the known units,
        sorted, joined by "、"), ``n_shared`` (units present in every group), ``n_only``
        (units present in this group alone), ``confounded`` (true when this group's units
        differ from another group's, or some are unknown: a comparison of this group with
        the others then mixes change with composition).
    """
    check_columns(frame, "frame", ["doc_id", by, unit])
    reports = frame[["doc_id", by, unit]].drop_duplicates()
    codes, groups = pd.factorize(reports[by], sort=True, use_na_sentinel=False)
    unit_sets: list[frozenset] = []
    n_docs, n_unknown = [], []
    for code in range(len(groups)):
        members = reports.loc[codes == code]
        unit_sets.append(frozenset(members[unit].dropna().tolist()))
        n_docs.append(members["doc_id"].nunique())
        n_unknown.append(members.loc[members[unit].isna(), "doc_id"].nunique())
    everywhere = frozenset.intersection(*unit_sets) if unit_sets else frozenset()
    rows = []
    for code, units in enumerate(unit_sets):
        others = [i for i in range(len(unit_sets)) if i != code]
        elsewhere = frozenset().union(*(unit_sets[i] for i in others))
        differs = any(unit_sets[i] != units for i in others)
        # A missing unit could be any agency, so sameness cannot be shown.
        unknown = n_unknown[code] > 0 or any(n_unknown[i] > 0 for i in others)
        rows.append(
            {
                by: groups[code],
                "n_docs": n_docs[code],
                "n_units": len(units),
                "n_unknown": n_unknown[code],
                "units": "、".join(sorted(str(u) for u in units)),
                "n_shared": len(units & everywhere),
                "n_only": len(units - elsewhere),
                "confounded": bool(others) and (differs or unknown),
            }
        )
    columns = [by, "n_docs", "n_units", "n_unknown", "units", "n_shared", "n_only", "confounded"]
    out = pd.DataFrame(rows, columns=columns)
    integers = {c: np.int64 for c in ("n_docs", "n_units", "n_unknown", "n_shared", "n_only")}
    return out.astype({by: reports[by].dtype, "units": "str", "confounded": bool, **integers})
