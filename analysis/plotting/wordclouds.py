"""Word clouds, drawn with the same CJK font file as every other figure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from analysis.plotting.common import _new_axes, _rank, _require_numeric, _require_unique
from analysis.plotting.style import SCREEN_DPI, find_cjk_font, styled
from analysis.schema import check_columns

__all__ = ["build_wordcloud", "plot_wordcloud"]

# ----------------------------------------------------------------------------------------------
# Word clouds
# ----------------------------------------------------------------------------------------------


def _frequencies(
    counts: pd.DataFrame | Mapping[str, float], *, term: str, value: str, top: int
) -> dict[str, float]:
    what = "plot_wordcloud"
    if isinstance(counts, pd.DataFrame):
        check_columns(counts, f"{what}'s input", [term, value])
        _require_numeric(counts, value, what)
        _require_unique(counts, [term], what, "aggregate to one row per term first")
        data = counts[[term, value]].dropna()
    elif isinstance(counts, Mapping):
        data = pd.DataFrame({term: list(counts.keys()), value: list(counts.values())})
    else:
        raise TypeError(f"{what} expects a DataFrame or a mapping term -> frequency")
    data = data[data[value] > 0]
    if data.empty:
        raise ValueError(f"{what}: no term with a positive frequency to draw")
    # WordCloud breaks ties in input order; ranking here makes that order explicit.
    ranked = _rank(data, value=value, term=term).head(top)
    return {str(t): float(v) for t, v in zip(ranked[term], ranked[value], strict=True)}


def build_wordcloud(
    counts: pd.DataFrame | Mapping[str, float],
    *,
    term: str = "term",
    value: str = "n",
    top: int = 150,
    random_state: int = 0,
    width: int = 1000,
    height: int = 500,
    background_color: str = "white",
    colormap: str = "Dark2",
    prefer_horizontal: float = 1.0,
) -> Any:
    """Lay out a word cloud with the project's CJK font file and a fixed seed.

    Parameters
    ----------
    counts : pandas.DataFrame or mapping
        Long table with one row per term (``term``, ``value``), or a mapping term -> frequency.
    term, value : str
        Column names when ``counts`` is a DataFrame.
    top : int, default 150
        Number of words drawn (largest values; ties by term code point).
    random_state : int, default 0
        Seed of the layout and colours; ``random.seed`` does not reach the word cloud.
    width, height : int
        Size of the image in pixels (fixed, so the layout is reproducible).
    background_color, colormap : str
        Colours; the default dark qualitative map stays legible on white.
    prefer_horizontal : float, default 1.0
        Share of horizontal words; Chinese rotated by 90 degrees reads badly, hence 1.0.

    Returns
    -------
    wordcloud.WordCloud
        The laid-out cloud; ``font_path`` is :func:`find_cjk_font`.
    """
    from wordcloud import WordCloud

    if not isinstance(random_state, (int, np.integer)) or isinstance(random_state, bool):
        raise TypeError(f"random_state must be an int, got {type(random_state).__name__}")
    frequencies = _frequencies(counts, term=term, value=value, top=top)
    cloud = WordCloud(
        font_path=str(find_cjk_font()),
        width=width,
        height=height,
        random_state=int(random_state),
        background_color=background_color,
        colormap=colormap,
        prefer_horizontal=prefer_horizontal,
        max_words=top,
        collocations=False,
    )
    return cloud.generate_from_frequencies(frequencies)


@styled
def plot_wordcloud(
    counts: pd.DataFrame | Mapping[str, float],
    *,
    term: str = "term",
    value: str = "n",
    top: int = 150,
    random_state: int = 0,
    width: int = 1000,
    height: int = 500,
    background_color: str = "white",
    colormap: str = "Dark2",
    prefer_horizontal: float = 1.0,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw a word cloud of term frequencies on an Axes (see :func:`build_wordcloud`).

    Parameters
    ----------
    counts : pandas.DataFrame or mapping
        Long table with one row per term (``term``, ``value``), or a mapping term -> frequency.
    term, value, top, random_state, width, height, background_color, colormap, prefer_horizontal
        As in :func:`build_wordcloud`.
    title : str, optional
        Title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure of ``width`` x ``height`` pixels at 100 dpi is made if
        omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes holding the word-cloud image (``ax.images[0]``), with the axis turned off.
    """
    cloud = build_wordcloud(
        counts,
        term=term,
        value=value,
        top=top,
        random_state=random_state,
        width=width,
        height=height,
        background_color=background_color,
        colormap=colormap,
        prefer_horizontal=prefer_horizontal,
    )
    ax = _new_axes(ax, (width / SCREEN_DPI, height / SCREEN_DPI))
    ax.imshow(cloud.to_array(), interpolation="bilinear")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax
