"""Matrices: heatmaps and a clustered similarity matrix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis.labels import column_label, display
from analysis.plotting.common import (
    _new_axes,
    _ordered,
    _require_numeric,
    _require_unique,
    wrap_label,
)
from analysis.plotting.style import styled
from analysis.schema import check_columns

__all__ = ["plot_clustered_similarity", "plot_heatmap"]

# ----------------------------------------------------------------------------------------------
# Matrices
# ----------------------------------------------------------------------------------------------


@styled
def plot_heatmap(
    df: pd.DataFrame,
    *,
    index: str,
    columns: str,
    values: str,
    row_order: Sequence[Any] | None = None,
    col_order: Sequence[Any] | None = None,
    fill_value: float | None = 0.0,
    annotate: bool = False,
    fmt: str = ".1f",
    cmap: str = "YlOrRd",
    center: float | None = None,
    cbar_label: str | None = None,
    title: str | None = None,
    label_width: int = 8,
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of a long table, e.g. agency by term in rates per 10k tokens.

    Parameters
    ----------
    df : pandas.DataFrame
        Long table, e.g. ``agency_short, term, rate_per_10k``.
    index : str
        Column for the rows.
    columns : str
        Column for the columns.
    values : str
        Numeric column for the colours.
    row_order, col_order : sequence, optional
        Orders, top to bottom and left to right; default sorted.
    fill_value : float or None, default 0.0
        Value for absent pairs (a term never used has rate 0); None leaves them blank.
    annotate : bool, default False
        Write each value in its cell, formatted with ``fmt``.
    fmt : str, default ".1f"
        Format of the annotations.
    cmap : str, default "YlOrRd"
        Colour map; use a diverging one with ``center`` for signed values.
    center : float, optional
        Value at the centre of a diverging colour map.
    cbar_label : str, optional
        Colour bar label (default: ``values``).
    title : str, optional
        Title.
    label_width : int, default 8
        Wrap tick labels after this many Chinese characters.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The heatmap's Axes (the colour bar has its own).

    Raises
    ------
    ValueError
        On missing columns, a non-numeric ``values`` or a repeated (index, column) pair.
    """
    what = "plot_heatmap"
    check_columns(df, f"{what}'s input", [index, columns, values])
    _require_numeric(df, values, what)
    _require_unique(df, [index, columns], what, "aggregate to one row per cell first")
    rows = _ordered(df[index], row_order, what)
    cols = _ordered(df[columns], col_order, what)
    wide = df.pivot(index=index, columns=columns, values=values).reindex(index=rows, columns=cols)
    if fill_value is not None:
        wide = wide.fillna(fill_value)
    wide = wide.astype(float)
    wide.index = [wrap_label(r, width=label_width) for r in rows]
    wide.columns = [wrap_label(c, width=label_width) for c in cols]
    size = (min(2.5 + 0.55 * len(cols), 16.0), min(1.5 + 0.45 * len(rows), 14.0))
    ax = _new_axes(ax, size)
    sns.heatmap(
        wide,
        ax=ax,
        annot=annotate,
        fmt=fmt,
        cmap=cmap,
        center=center,
        linewidths=0.5,
        linecolor="white",
        cbar_kws={"label": column_label(values) if cbar_label is None else cbar_label},
        annot_kws={"fontsize": 9},
        xticklabels=True,
        yticklabels=True,
    )
    ax.tick_params(axis="x", labelrotation=90)
    ax.tick_params(axis="y", labelrotation=0)
    # The style's grid would show through a cell with no value (fill_value=None) as a cross.
    ax.grid(False)
    ax.set_xlabel("")
    ax.set_ylabel("")
    if title:
        # A heatmap of few columns is narrower than its title, which then ran into the
        # colour bar's label: wrap it to the cells' width (about 0.17 in a Chinese character).
        ax.set_title(wrap_label(title, width=max(12, int((0.55 * len(cols) + 1.0) / 0.17)),
                                max_lines=3))
    return ax


def _square_similarity(
    similarity: pd.DataFrame, *, index: str, columns: str, values: str
) -> pd.DataFrame:
    what = "plot_clustered_similarity"
    if not isinstance(similarity, pd.DataFrame):
        raise TypeError(f"{what} expects a pandas DataFrame, got {type(similarity).__name__}")
    if {index, columns, values} <= set(similarity.columns):
        _require_numeric(similarity, values, what)
        _require_unique(similarity, [index, columns], what, "keep one row per pair")
        labels = sorted(set(similarity[index]) | set(similarity[columns]), key=str)
        square = similarity.pivot(index=index, columns=columns, values=values).reindex(
            index=labels, columns=labels
        )
        # A long table may list each pair once (a < b): complete it from the mirror cell.
        square = square.combine_first(square.T).reindex(index=labels, columns=labels)
    else:
        if set(similarity.index) != set(similarity.columns) or not similarity.index.is_unique:
            raise ValueError(
                f"{what}: expects either a long table with columns {index!r}, {columns!r}, "
                f"{values!r} or a square frame whose index and columns are the same labels"
            )
        labels = sorted(similarity.index, key=str)
        square = similarity.reindex(index=labels, columns=labels)
    matrix = np.array(square.to_numpy(dtype=float), copy=True)
    unlisted = np.flatnonzero(np.isnan(np.diag(matrix)))
    matrix[unlisted, unlisted] = 1.0  # self-similarity, when the table does not list it
    if np.isnan(matrix).any():
        raise ValueError(f"{what}: some pairs have no similarity value")
    if not np.allclose(matrix, matrix.T, atol=1e-9):
        raise ValueError(f"{what}: the similarity matrix is not symmetric")
    return pd.DataFrame(matrix, index=labels, columns=labels)


@styled
def plot_clustered_similarity(
    similarity: pd.DataFrame,
    *,
    index: str = "doc_a",
    columns: str = "doc_b",
    values: str = "similarity",
    labels: Mapping[Any, str] | None = None,
    method: str = "average",
    annotate: bool = True,
    fmt: str = ".2f",
    cmap: str = "mako_r",
    vmin: float | None = None,
    vmax: float | None = None,
    title: str | None = None,
    label_width: int = 10,
) -> Figure:
    """Clustered similarity map: a dendrogram beside the reordered similarity heatmap.

    The distance is ``1 - similarity`` (so similarities such as cosine should lie in [0, 1]);
    scipy's hierarchical clustering with optimal leaf ordering orders the rows. The labels
    are sorted before clustering, so the result depends only on the values.

    Parameters
    ----------
    similarity : pandas.DataFrame
        Either a long table with one row per pair (``doc_a, doc_b, similarity``; listing each
        pair once is enough) or a square frame indexed and labelled by the same ids.
    index, columns, values : str
        Column names of the long form.
    labels : mapping, optional
        Display label per id, e.g. ``doc_id -> agency_short``.
    method : str, default "average"
        Linkage method passed to :func:`scipy.cluster.hierarchy.linkage`.
    annotate : bool, default True
        Write each similarity in its cell.
    fmt : str, default ".2f"
        Format of the annotations.
    cmap : str, default "mako_r"
        Colour map.
    vmin, vmax : float, optional
        Ends of the colour scale; default the range of the data, for contrast between
        reports that are all fairly similar.
    title : str, optional
        Figure title.
    label_width : int, default 10
        Wrap labels after this many Chinese characters.

    Returns
    -------
    matplotlib.figure.Figure
        The Figure, because it holds three Axes: ``fig.axes[0]`` the dendrogram,
        ``fig.axes[1]`` the heatmap (rows top to bottom in cluster order), ``fig.axes[2]`` the
        colour bar.

    Raises
    ------
    ValueError
        If the input is neither form, has missing pairs, or is not symmetric.
    """
    from scipy.cluster.hierarchy import dendrogram, linkage
    from scipy.spatial.distance import squareform

    square = _square_similarity(similarity, index=index, columns=columns, values=values)
    n = len(square)
    if n < 2:
        raise ValueError("plot_clustered_similarity: needs at least two items to cluster")
    distance = np.clip(1.0 - square.to_numpy(), 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method=method, optimal_ordering=True)
    side = min(3.0 + 0.6 * n, 14.0)
    fig, (ax_tree, ax_map, ax_bar) = plt.subplots(
        1,
        3,
        figsize=(side + 2.5, side),
        layout="constrained",
        gridspec_kw={"width_ratios": [1.2, 4.0, 0.2]},
    )
    # dendrogram(orientation="left") puts leaf k at y = 10k + 5, counting from the bottom, so
    # the heatmap rows are the leaves read top-down, i.e. reversed.
    leaves = dendrogram(
        tree,
        orientation="left",
        ax=ax_tree,
        no_labels=True,
        color_threshold=0.0,
        above_threshold_color="0.35",
    )["leaves"]
    ax_tree.set_ylim(0, 10 * n)
    ax_tree.axis("off")
    order = [square.index[i] for i in reversed(leaves)]
    shown = square.loc[order, order]
    names = [wrap_label(display(k, labels), width=label_width) for k in order]
    shown.index = names
    shown.columns = names
    sns.heatmap(
        shown,
        ax=ax_map,
        cbar_ax=ax_bar,
        annot=annotate,
        fmt=fmt,
        cmap=cmap,
        vmin=vmin,
        vmax=vmax,
        square=False,
        linewidths=0.5,
        linecolor="white",
        annot_kws={"fontsize": 9},
        xticklabels=True,
        yticklabels=True,
        cbar_kws={"label": values},
    )
    ax_map.tick_params(axis="x", labelrotation=90)
    ax_map.tick_params(
        axis="y", labelrotation=0, left=False, right=True, labelleft=False, labelright=True
    )
    ax_map.set_xlabel("")
    ax_map.set_ylabel("")
    if title:
        fig.suptitle(title, x=0.0, ha="left")
    return fig


