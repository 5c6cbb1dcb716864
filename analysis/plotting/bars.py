"""Bar charts: ranked terms, diverging bars, grouped bars and stacked shares."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from analysis.labels import column_label, display
from analysis.plotting.common import (
    _bar_height,
    _new_axes,
    _number,
    _ordered,
    _rank,
    _require_numeric,
    _require_unique,
    wrap_label,
)
from analysis.plotting.style import BAR_COLOR, FIGURE_WIDTH, NEGATIVE_COLOR, POSITIVE_COLOR, styled
from analysis.schema import check_columns

__all__ = ["plot_bar_by_group", "plot_diverging_bars", "plot_stacked_shares", "plot_top_terms"]

# ----------------------------------------------------------------------------------------------
# Bars
# ----------------------------------------------------------------------------------------------


def _draw_ranked_bars(
    ax: Axes,
    rows: pd.DataFrame,
    *,
    term: str,
    value: str,
    color: str,
    label_width: int,
) -> None:
    """Horizontal bars in the order of ``rows``, the first row at the top."""
    positions = np.arange(len(rows))
    ax.barh(positions, rows[value].to_numpy(dtype=float), color=color, height=0.7)
    ax.set_yticks(positions, [wrap_label(t, width=label_width) for t in rows[term]])
    ax.set_ylim(len(rows) - 0.5, -0.5)  # inverted: rank 1 on top
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.02)


@styled
def plot_top_terms(
    counts: pd.DataFrame,
    *,
    term: str = "term",
    value: str = "n",
    facet: str | None = None,
    top: int = 20,
    facet_order: Sequence[Any] | None = None,
    ncols: int = 3,
    sharex: bool = False,
    color: str = BAR_COLOR,
    xlabel: str | None = None,
    title: str | None = None,
    label_width: int = 8,
    ax: Axes | None = None,
) -> Axes | Figure:
    """Horizontal bars of the top terms, optionally one panel per report or agency.

    Terms are ranked by ``value`` (largest on top; ties by term code point). With ``facet``
    each panel is ranked by its own values, so a term that appears in several panels sits at
    its own rank in each (the "reorder within facets" problem).

    Parameters
    ----------
    counts : pandas.DataFrame
        Long table with one row per term (per facet), e.g. ``doc_id, term, n, rate_per_10k``.
    term : str, default "term"
        Column of the bar labels.
    value : str, default "n"
        Numeric column of the bar lengths.
    facet : str, optional
        Column to split panels by, e.g. ``"agency_short"`` or ``"doc_id"``.
    top : int, default 20
        Number of bars per panel.
    facet_order : sequence, optional
        Panel order; default sorted facet values.
    ncols : int, default 3
        Panels per row.
    sharex : bool, default False
        Share the value axis across panels (off by default: reports differ in length).
    color : str
        Bar colour.
    xlabel, title : str, optional
        Axis label (default: ``value``) and title (figure title when faceted).
    label_width : int, default 8
        Wrap term labels after this many Chinese characters.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (only without ``facet``).

    Returns
    -------
    matplotlib.axes.Axes or matplotlib.figure.Figure
        The Axes without ``facet``. With ``facet``, the Figure, because there is one Axes per
        panel: ``fig.axes`` lists them in panel order, each titled with its facet value.

    Raises
    ------
    ValueError
        On missing columns, a non-numeric ``value``, a term repeated within a panel, ``top``
        below 1, or ``ax`` given together with ``facet``.
    """
    what = "plot_top_terms"
    check_columns(counts, f"{what}'s input", [term, value, facet])
    _require_numeric(counts, value, what)
    if top < 1:
        raise ValueError(f"{what}: top must be at least 1, got {top}")
    keys = [term] if facet is None else [facet, term]
    _require_unique(
        counts,
        keys,
        what,
        "aggregate first (e.g. groupby(term)[value].sum()) or pass facet=",
    )
    data = counts[keys + [value]].dropna(subset=[value])
    xlabel = column_label(value) if xlabel is None else xlabel
    if facet is None:
        rows = _rank(data, value=value, term=term).head(top)
        ax = _new_axes(ax, (FIGURE_WIDTH * 0.75, _bar_height(len(rows))))
        _draw_ranked_bars(ax, rows, term=term, value=value, color=color, label_width=label_width)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("")
        if title:
            ax.set_title(title)
        return ax
    if ax is not None:
        raise ValueError(f"{what}: ax cannot be used with facet=, which makes one Axes per panel")
    panels = _ordered(data[facet], facet_order, what)
    if not panels:
        raise ValueError(f"{what}: no rows to plot")
    ncols = max(1, min(ncols, len(panels)))
    nrows = math.ceil(len(panels) / ncols)
    fig, grid = plt.subplots(
        nrows,
        ncols,
        figsize=(FIGURE_WIDTH * ncols / 2.4 + 0.6, nrows * _bar_height(min(top, 30), extra=0.9)),
        layout="constrained",
        sharex=sharex,
        squeeze=False,
    )
    flat = list(grid.ravel())
    for panel_ax, panel in zip(flat, panels, strict=False):
        rows = _rank(data[data[facet] == panel], value=value, term=term).head(top)
        _draw_ranked_bars(
            panel_ax, rows, term=term, value=value, color=color, label_width=label_width
        )
        panel_ax.set_title(wrap_label(panel, width=14), loc="left", fontsize=12)
        panel_ax.set_xlabel(xlabel)
        panel_ax.set_ylabel("")
    for unused in flat[len(panels) :]:
        unused.remove()  # so fig.axes is exactly the panels, in order
    if title:
        fig.suptitle(title, x=0.0, ha="left")
    return fig


@styled
def plot_diverging_bars(
    df: pd.DataFrame,
    *,
    term: str = "term",
    value: str = "log_odds",
    top: int = 10,
    annotate: str | tuple[str, str] | None = None,
    labels: tuple[str, str] = ("rising", "falling"),
    colors: tuple[str, str] = (POSITIVE_COLOR, NEGATIVE_COLOR),
    xlabel: str | None = None,
    title: str | None = None,
    label_width: int = 8,
    ax: Axes | None = None,
) -> Axes:
    """Diverging bars: the ``top`` most positive and most negative terms, e.g. by keyness.

    Bars are sorted by value, largest on top (ties by term code point); positive bars take the
    first colour, negative bars the second, and a zero value is not drawn.

    Parameters
    ----------
    df : pandas.DataFrame
        Long table with one row per term, e.g. ``term, log_odds, n_target, n_reference``.
    term : str, default "term"
        Column of the bar labels.
    value : str, default "log_odds"
        Signed numeric column (keyness, log-odds, change in rate...).
    top : int, default 10
        Number of bars on each side.
    annotate : str or (str, str), optional
        Column written at the end of each bar, e.g. a raw count, so that every score is shown
        with its count. A pair names one column for the positive bars and one for the
        negative bars: ``("n_target", "n_reference")`` writes each side's own count.
    labels : tuple of str, default ("rising", "falling")
        Legend entries for the positive and negative sides.
    colors : tuple of str
        Colours of the positive and negative sides.
    xlabel, title : str, optional
        Axis label (default: ``value``) and title.
    label_width : int, default 8
        Wrap term labels after this many Chinese characters.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; tick labels top to bottom are the terms from most positive to most
        negative.
    """
    what = "plot_diverging_bars"
    sides = (annotate, annotate) if isinstance(annotate, str) or annotate is None else annotate
    if len(sides) != 2:
        raise ValueError(f"{what}: annotate must be a column or a pair of columns, got {annotate!r}")
    check_columns(df, f"{what}'s input", [term, value, *[c for c in sides if c]])
    _require_numeric(df, value, what)
    _require_unique(df, [term], what, "keep one row per term")
    if top < 1:
        raise ValueError(f"{what}: top must be at least 1, got {top}")
    cols = list(dict.fromkeys([term, value, *[c for c in sides if c]]))
    data = df[cols].dropna(subset=[value])
    positive = _rank(data[data[value] > 0], value=value, term=term).head(top)
    negative = _rank(data[data[value] < 0], value=value, term=term, ascending=True).head(top)
    rows = pd.concat([positive, negative.iloc[::-1]], ignore_index=True)
    if rows.empty:
        raise ValueError(f"{what}: no non-zero values in column {value!r}")
    ax = _new_axes(ax, (FIGURE_WIDTH * 0.8, _bar_height(len(rows))))
    positions = np.arange(len(rows))
    widths = rows[value].to_numpy(dtype=float)
    bar_colors = [colors[0] if w > 0 else colors[1] for w in widths]
    bars = ax.barh(positions, widths, color=bar_colors, height=0.7)
    ax.set_yticks(positions, [wrap_label(t, width=label_width) for t in rows[term]])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    if annotate:
        texts = [_number(row[sides[0]] if width > 0 else row[sides[1]])
                 for width, (_, row) in zip(widths, rows.iterrows(), strict=True)]
        ax.bar_label(bars, labels=texts, padding=3, fontsize=9)
        ax.margins(x=0.12)
    ax.legend(
        handles=[Patch(color=colors[0], label=labels[0]), Patch(color=colors[1], label=labels[1])],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
    )
    ax.set_xlabel(column_label(value) if xlabel is None else xlabel)
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
    return ax


@styled
def plot_bar_by_group(
    df: pd.DataFrame,
    *,
    category: str,
    group: str,
    value: str,
    category_order: Sequence[Any] | None = None,
    group_order: Sequence[Any] | None = None,
    annotate: bool = False,
    xlabel: str | None = None,
    title: str | None = None,
    legend_title: str | None = None,
    label_width: int = 10,
    ax: Axes | None = None,
) -> Axes:
    """Grouped horizontal bars: for each category, one bar per group (e.g. per agency).

    Meant to compare agencies on indicators or themes that share a unit; plot indicators with
    different units separately. A missing (category, group) pair draws no bar.

    Parameters
    ----------
    df : pandas.DataFrame
        Long table, e.g. ``agency_short, indicator, value`` or ``agency_short, theme, share``.
    category : str
        Column on the vertical axis (one block of bars per value).
    group : str
        Column distinguished by colour (one bar per value inside each block).
    value : str
        Numeric column of the bar lengths.
    category_order, group_order : sequence, optional
        Orders (top to bottom, legend order); default sorted.
    annotate : bool, default False
        Write each value at the end of its bar.
    xlabel, title : str, optional
        Axis label (default: ``value``) and title.
    legend_title : str, optional
        Title of the legend (default: the ``group`` column's Chinese name, see
        :data:`analysis.labels.COLUMN_LABELS`; "" for none).
    label_width : int, default 10
        Wrap category labels after this many Chinese characters.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; the legend sits outside, to the right of the bars.
    """
    what = "plot_bar_by_group"
    check_columns(df, f"{what}'s input", [category, group, value])
    _require_numeric(df, value, what)
    _require_unique(df, [category, group], what, "aggregate to one row per pair first")
    cats = _ordered(df[category], category_order, what)
    groups = _ordered(df[group], group_order, what)
    if not cats or not groups:
        raise ValueError(f"{what}: no rows to plot")
    wide = df.pivot(index=category, columns=group, values=value).reindex(index=cats, columns=groups)
    ax = _new_axes(ax, (FIGURE_WIDTH, _bar_height(len(cats) * max(len(groups), 2), per_bar=0.22)))
    palette = sns.color_palette("colorblind", len(groups))
    height = 0.8 / len(groups)
    base = np.arange(len(cats))
    for i, grp in enumerate(groups):
        offsets = base - 0.4 + height * (i + 0.5)
        widths = wide[grp].to_numpy(dtype=float)
        present = ~np.isnan(widths)
        bars = ax.barh(
            offsets[present],
            widths[present],
            height=height * 0.95,
            color=palette[i],
            label=wrap_label(grp, width=10),
        )
        if annotate:
            ax.bar_label(bars, labels=[_number(v) for v in widths[present]], padding=2, fontsize=9)
    ax.set_yticks(base, [wrap_label(c, width=label_width) for c in cats])
    ax.set_ylim(len(cats) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    if annotate:
        ax.margins(x=0.1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              title=column_label(group) if legend_title is None else legend_title)
    ax.set_xlabel(column_label(value) if xlabel is None else xlabel)
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
    return ax


@styled
def plot_stacked_shares(
    df: pd.DataFrame,
    *,
    index: str,
    columns: str,
    values: str,
    order: Sequence[Any] | None = None,
    row_order: Sequence[Any] | None = None,
    labels: Mapping[Any, str] | None = None,
    annotate: bool = True,
    min_label_share: float = 0.06,
    xlabel: str = "占比",
    title: str | None = None,
    legend_title: str | None = None,
    label_width: int = 10,
    ax: Axes | None = None,
) -> Axes:
    """Stacked horizontal bars of shares, one bar per row, e.g. text share by statutory part.

    ``values`` are summed within each (index, column) pair and divided by the row total, so
    the ``sections`` table with a character count per section can be passed as it is.

    Parameters
    ----------
    df : pandas.DataFrame
        Long table, e.g. ``doc_id, part, n_chars``.
    index : str
        Column with one bar per value (e.g. ``"agency_short"``).
    columns : str
        Column with one segment per value (e.g. ``"part"``).
    values : str
        Numeric, non-negative column to share out.
    order : sequence, optional
        Segment order, left to right and in the legend (e.g. ``("measures", "shortcomings",
        "leadership", "plans", "other", "preamble")``); default sorted.
    row_order : sequence, optional
        Bar order, top to bottom; default sorted.
    labels : mapping, optional
        Legend text per segment value, e.g. ``{"shortcomings": "存在的不足"}``.
    annotate : bool, default True
        Write the percentage inside segments of at least ``min_label_share``.
    min_label_share : float, default 0.06
        Smallest segment that gets a percentage (smaller ones would not fit).
    xlabel, title : str
        Axis label and title.
    legend_title : str, optional
        Title of the legend (default: the ``columns`` column's Chinese name, see
        :data:`analysis.labels.COLUMN_LABELS`; "" for none).
    label_width : int, default 10
        Wrap bar labels after this many Chinese characters.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; the legend sits outside, to the right of the bars.

    Raises
    ------
    ValueError
        On missing columns, negative values, or a row whose total is zero.
    """
    what = "plot_stacked_shares"
    check_columns(df, f"{what}'s input", [index, columns, values])
    _require_numeric(df, values, what)
    if (df[values] < 0).any():
        raise ValueError(f"{what}: column {values!r} has negative values; shares need >= 0")
    rows = _ordered(df[index], row_order, what)
    segments = _ordered(df[columns], order, what)
    wide = (
        df.groupby([index, columns], sort=False, dropna=False)[values]
        .sum()
        .unstack(columns)
        .reindex(index=rows, columns=segments)
        .fillna(0.0)
        .astype(float)
    )
    totals = wide.sum(axis=1)
    if (totals <= 0).any():
        empty = totals[totals <= 0].index.tolist()
        raise ValueError(f"{what}: rows {empty} have a total of 0, so no shares")
    shares = wide.div(totals, axis=0)
    ax = _new_axes(ax, (FIGURE_WIDTH, _bar_height(len(rows), per_bar=0.45)))
    palette = sns.color_palette("colorblind", len(segments))
    positions = np.arange(len(rows))
    left = np.zeros(len(rows))
    for i, seg in enumerate(segments):
        widths = shares[seg].to_numpy()
        bars = ax.barh(
            positions,
            widths,
            left=left,
            height=0.7,
            color=palette[i],
            label=display(seg, labels),
        )
        if annotate:
            texts = [f"{w:.0%}" if w >= min_label_share else "" for w in widths]
            ax.bar_label(bars, labels=texts, label_type="center", fontsize=9, color="white")
        left += widths
    ax.set_yticks(positions, [wrap_label(r, width=label_width) for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              title=column_label(columns) if legend_title is None else legend_title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
    return ax


