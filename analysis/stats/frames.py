"""Shared plumbing of the statistics: group codes, row weights and term counts per group.

Every statistic takes the ``tokens`` table or the build's ``counts`` table (a row stands for
``n`` tokens, see :func:`row_weights`) or a table from :func:`~analysis.stats.counts.count_terms`,
and counts the rows it is given: term selection happens before, in
:func:`analysis.text.terms.select_terms`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.schema import check_columns

__all__ = ["GroupCounts", "PER", "as_keys", "as_strings", "as_values", "group_codes",
           "group_counts", "is_term_counts", "row_weights"]

PER = 10_000
"""Rates are per this many counted tokens."""

# ---------------------------------------------------------------------------
# Input checks and shared plumbing
# ---------------------------------------------------------------------------


def as_keys(by: str | Sequence[str]) -> list[str]:
    """Grouping columns as a list (a string is one column); a column named twice is an error."""
    keys = [by] if isinstance(by, str) else list(by)
    if len(set(keys)) != len(keys):
        raise ValueError(f"by lists a column twice: {keys}")
    return keys


def as_values(value: object) -> list:
    """A scalar or a collection of group values, as a list (a string is a scalar)."""
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Index, pd.Series)):
        values = list(value)
    else:
        values = [value]
    if not values:
        raise ValueError("an empty list of group values was given")
    return values


def as_strings(value: str | Iterable[str] | None) -> list[str] | None:
    """Terms as a list (a string is one term); ``None`` stays ``None``."""
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def is_term_counts(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` is a table from ``count_terms`` (``term`` and ``n``), not tokens."""
    return "term" in frame.columns and "n" in frame.columns


def row_weights(frame: pd.DataFrame) -> np.ndarray:
    """How many occurrences each row stands for.

    A row of the build's ``counts`` table (``doc_id``, ``token``, flags, ``n``: one row per
    report and token) stands for ``n`` tokens; a row of the ``tokens`` table for one. So
    every statistic that only counts gives the same result on either, and a notebook can
    work from ``counts``, a seventh of the size of ``tokens``.
    """
    if "token" in frame.columns and "n" in frame.columns:
        return frame["n"].to_numpy(dtype=np.int64)
    return np.ones(len(frame), dtype=np.int64)


def _plain(values):
    # Group values of a coded (categorical) column as plain values: a categorical would
    # carry every category (every report's label) into the results, facets and pivots.
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        return values.astype(values.dtype.categories.dtype)
    return values


def group_codes(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer code per row for the ``keys`` groups, and one row of key values per code.

    Codes follow the sorted order of the key values (missing values last), so output
    sorted by code is sorted by group.
    """
    if not keys:
        return np.zeros(len(frame), dtype=np.int64), pd.DataFrame(index=range(1))
    codes = frame.groupby(keys, dropna=False, sort=True, observed=True).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    values = frame[keys].iloc[first].reset_index(drop=True)
    for key in keys:
        values[key] = _plain(values[key])
    return codes.astype(np.int64), values


class GroupCounts(NamedTuple):
    """Term counts per group: parallel arrays, plus per-group totals."""

    group: np.ndarray  # group code of each (group, term) row
    term: np.ndarray  # term of each row
    n: np.ndarray  # count of each row
    totals: np.ndarray  # counted tokens per group code
    groups: pd.Index  # group value of each code


def group_counts(frame: pd.DataFrame, *, by: str) -> GroupCounts:
    """Counts per (``by`` value, term) from a tokens table or a counts table.

    A counts table must have one row per (``by``, term). Its group totals come from
    ``n_tokens`` when present (so a table cut to top terms keeps true totals), else from
    the sum of ``n``.
    """
    if not isinstance(by, str):
        raise TypeError(f"by must name one column, got {by!r}")
    if isinstance(frame, pd.DataFrame) and is_term_counts(frame):
        check_columns(frame, "counts", [by, "term", "n"])
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
        return GroupCounts(codes, frame["term"].to_numpy(dtype=object), n, totals, pd.Index(_plain(groups)))
    if isinstance(frame, pd.DataFrame) and "token" in frame.columns:
        check_columns(frame, "tokens", [by])
        codes, groups = pd.factorize(frame[by], sort=True, use_na_sentinel=False)
        weights = row_weights(frame)
        # Codes sorted like the terms, so the (group, term) order is the strings' order.
        term_codes, term_names = pd.factorize(frame["token"], sort=True)
        table = (
            pd.DataFrame({"group": codes, "term": term_codes, "n": weights})
            .groupby(["group", "term"], sort=True)["n"]
            .sum()
            .reset_index(name="n")
        )
        table["term"] = np.asarray(term_names, dtype=object)[table["term"].to_numpy()]
        totals = np.bincount(codes, weights=weights, minlength=len(groups)).astype(np.float64)
        return GroupCounts(
            table["group"].to_numpy(),
            table["term"].to_numpy(dtype=object),
            table["n"].to_numpy(dtype=np.float64),
            totals,
            pd.Index(_plain(groups)),
        )
    check_columns(frame, "frame", [])
    raise ValueError(
        "expected a tokens table (with a token column) or a counts table (with term and n "
        f"columns); got columns {list(frame.columns)}"
    )


