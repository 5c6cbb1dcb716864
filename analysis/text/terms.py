"""Term selection: which tokens count as terms. The one place where tokens are left out.

Every statistic in :mod:`analysis.stats` counts the rows it is given, so a notebook selects
its terms once, ``tokens.pipe(select_terms, drop_filler=True)``, and every figure after that
counts the same terms.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.schema import check_columns

__all__ = ["DEFAULT_TERM_KINDS", "KINDS", "NAME_KINDS", "select_terms"]

KINDS: tuple[str, ...] = ("word", "title", "number", "date", "punct", "latin", "marker", "org",
                          "place")
"""Every token kind the tokenizer tags."""

DEFAULT_TERM_KINDS: tuple[str, ...] = ("word", "title", "latin")
"""Token kinds counted as terms by default: not numbers, dates, punctuation or markers, and not
the names of agencies (``org``) and places (``place``), which say who reports, not what."""

NAME_KINDS: tuple[str, ...] = ("org", "place")
"""Agency and place names: add them to count names too, ``kinds=(*DEFAULT_TERM_KINDS,
*NAME_KINDS)``."""


def select_terms(
    tokens: pd.DataFrame,
    *,
    kinds: Iterable[str] | None = DEFAULT_TERM_KINDS,
    drop_stopwords: bool = True,
    drop_filler: bool = False,
    min_len: int = 1,
    exclude: Iterable[str] = (),
) -> pd.DataFrame:
    """Keep the tokens that count as terms for statistics; every exclusion is an option.

    Parameters
    ----------
    tokens : pandas.DataFrame
        The ``tokens`` table (:func:`~analysis.text.tokenize.tokenize_sentences`) or the
        build's ``counts`` table; not modified.
    kinds : iterable of str or None
        Kinds to keep; by default words, titles and latin, so numbers, dates, punctuation,
        list markers and agency and place names (``org``, ``place``: 长治市城市管理局, 海沧区)
        are left out. ``(*DEFAULT_TERM_KINDS, *NAME_KINDS)`` keeps the names; ``None`` keeps
        every kind.
    drop_stopwords : bool
        Drop function words (``is_stop``; a missing flag counts as false).
    drop_filler : bool
        Drop bureaucratic filler words (``is_filler``); off by default because filler words
        are what some research questions count.
    min_len : int
        Drop tokens shorter than this many characters; ``min_len=2`` drops single characters
        (的 is a stopword, but 局, 区 and 年 are pieces, not terms).
    exclude : iterable of str
        Further tokens to drop, for example place names.

    Returns
    -------
    pandas.DataFrame
        The ``tokens`` (or ``counts``) table restricted to the kept rows, same columns and
        dtypes, order kept, index reset.
    """
    needed = ["token", "kind" if kinds is not None else None,
              "is_stop" if drop_stopwords else None, "is_filler" if drop_filler else None]
    check_columns(tokens, "tokens", needed,
                  "tokenize with tokenize_sentences or read the build's tokens or counts; or "
                  "skip that filter (kinds=None, drop_stopwords=False, drop_filler=False)")
    if kinds is not None:
        kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        unknown = sorted(set(kinds) - set(KINDS))
        if unknown:
            raise ValueError(f"unknown token kind(s) {unknown}; known kinds are {KINDS}")
    if not isinstance(min_len, int) or min_len < 0:
        raise ValueError(f"min_len must be a non-negative int, got {min_len!r}")
    keep = np.ones(len(tokens), dtype=bool)
    if kinds is not None:
        keep &= tokens["kind"].isin(kinds).to_numpy(dtype=bool)
    for flag, wanted in (("is_stop", drop_stopwords), ("is_filler", drop_filler)):
        if wanted:
            keep &= ~tokens[flag].fillna(False).to_numpy(dtype=bool)
    if min_len > 1:
        keep &= (tokens["token"].str.len() >= min_len).to_numpy(dtype=bool)
    exclude = {exclude} if isinstance(exclude, str) else set(exclude)
    if exclude:
        keep &= ~tokens["token"].isin(exclude).to_numpy(dtype=bool)
    return tokens.loc[keep].reset_index(drop=True)
