"""Theme rates: tokens matching a theme lexicon per group.

The lexicon is the shipped one (``resources/themes.tsv``) or a user's term -> category
dictionary (:func:`~analysis.text.dictionaries.read_dictionary`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.schema import check_columns
from analysis.stats.frames import PER, as_keys, group_codes, row_weights
from analysis.text.dictionaries import clean_dictionary
from analysis.text.resources import read_themes

__all__ = ["score_themes"]


def _clean_themes(themes: pd.DataFrame) -> pd.DataFrame:
    # A theme table (term, theme) or a user's dictionary (term, category): the categories are
    # whatever the user named them, so nothing here checks them against the shipped theme ids
    # (read_themes does, for the shipped file).
    table = clean_dictionary(themes, name="themes", prefer="theme")
    if table.empty:
        raise ValueError("the theme lexicon has no (term, theme) rows")
    return table.rename(columns={"category": "theme"})


def score_themes(
    tokens: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("doc_id",),
    themes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Theme rates per group, from the theme lexicon or a user's dictionary.

    A token counts for a theme when it equals one of the theme's terms exactly, so the
    lexicon's terms must be single tokens (entries of the tokenizer's dictionary): with a
    dictionary of your own, :func:`~analysis.text.dictionaries.check_dictionary` lists the
    entries the tokenizer splits, which can never count. A term listed under two themes
    (categories) counts for both, so the ``n`` of all themes can add up to more than the
    tokens matched. The denominator is the same counted tokens as in :func:`count_terms`, so
    theme rates and term rates compare directly.

    Parameters
    ----------
    tokens : pandas.DataFrame
        The ``tokens`` (or build's ``counts``) table with the ``by`` columns, its terms
        selected (:func:`~analysis.text.terms.select_terms`).
    by : str or sequence of str
        Grouping columns; ``()`` for the whole corpus.
    themes : pandas.DataFrame, optional
        Columns ``term`` and ``theme``; by default ``analysis/resources/themes.tsv``. Or a
        user's dictionary with columns ``term`` and ``category``
        (:func:`~analysis.text.dictionaries.read_dictionary`); a table with both uses
        ``theme``. Terms and themes are stripped, empty ones dropped, repeats kept once.

    Returns
    -------
    pandas.DataFrame
        The ``themes`` table, one row per group and theme (every theme for every group,
        zeros included): the ``by`` columns, ``theme`` (for a user's dictionary, its category
        names as given), ``n`` (tokens matching the theme's terms), ``n_terms`` (distinct
        theme terms found), ``n_tokens``, ``rate_per_10k`` (``10000 * n / n_tokens``),
        ``share`` (``n`` over the sum of ``n`` of all themes in the group, so a token whose
        term is in two themes counts twice there too and the shares still sum to 1; missing
        when there are no matches). Sorted by group, then theme in lexicon (dictionary) order.
    """
    keys = as_keys(by)
    check_columns(tokens, "tokens", ["token", *keys])
    lexicon = _clean_themes(read_themes() if themes is None else themes)
    theme_order = pd.unique(lexicon["theme"])
    codes, key_values = group_codes(tokens, keys)
    n_groups = len(key_values) if keys else (1 if len(tokens) else 0)
    weights = row_weights(tokens)
    n_tokens = np.bincount(codes, weights=weights, minlength=n_groups).astype(np.int64)

    # Only the rows whose token is a theme term become strings.
    listed = tokens["token"].isin(lexicon["term"]).to_numpy()
    hits = pd.DataFrame({"group": codes[listed],
                         "term": tokens["token"][listed].to_numpy(dtype=object),
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
