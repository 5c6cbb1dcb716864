"""Keyword in context: every occurrence of a term with the words around it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analysis.schema import check_columns

__all__ = ["kwic"]

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
    check_columns(tokens, "tokens", ["doc_id", "position", "token", *([unit] if unit else [])])

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


