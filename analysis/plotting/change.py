"""Change between years: slope charts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from analysis.labels import column_label
from analysis.plotting.common import (
    _bar_height,
    _new_axes,
    _ordered,
    _require_numeric,
    _require_unique,
    wrap_label,
)
from analysis.plotting.save import _as_figure
from analysis.plotting.style import FIGURE_WIDTH, NEGATIVE_COLOR, POSITIVE_COLOR, styled
from analysis.schema import check_columns

__all__ = ["plot_slope"]

# ----------------------------------------------------------------------------------------------
# Change between years
# ----------------------------------------------------------------------------------------------


def _spread(positions: np.ndarray, min_gap: float) -> np.ndarray:
    """Move sorted-order positions apart to at least ``min_gap``, staying near the originals.

    Overlapping labels are merged into blocks centred on their mean position, repeatedly,
    until no two neighbours are closer than ``min_gap`` (a 1-D label repel). The result keeps
    the input order of ``positions``.
    """
    order = np.argsort(positions, kind="mergesort")
    wanted = positions[order].astype(float)
    blocks: list[list[int]] = []  # each block: indices into `wanted`, placed contiguously
    starts: list[float] = []
    for i, y in enumerate(wanted):
        blocks.append([i])
        starts.append(float(y))
        while len(blocks) > 1 and starts[-1] < starts[-2] + len(blocks[-2]) * min_gap:
            merged = blocks[-2] + blocks[-1]
            centre = float(np.mean(wanted[merged]))
            blocks[-2:] = [merged]
            starts[-2:] = [centre - (len(merged) - 1) * min_gap / 2]
    placed = np.empty_like(wanted)
    for block, start in zip(blocks, starts, strict=True):
        for k, i in enumerate(block):
            placed[i] = start + k * min_gap
    result = np.empty_like(placed)
    result[order] = placed
    return result


@styled
def plot_slope(
    df: pd.DataFrame,
    *,
    term: str = "term",
    x: str = "year",
    value: str = "rate_per_10k",
    x_order: Sequence[Any] | None = None,
    colors: tuple[str, str] = (POSITIVE_COLOR, NEGATIVE_COLOR),
    ylabel: str | None = None,
    title: str | None = None,
    label_width: int = 8,
    ax: Axes | None = None,
) -> Axes:
    """Slope chart: one line per term across the levels of ``x`` (e.g. two years).

    A line is coloured by the sign of its change from the first to the last level. Term
    labels at both ends are spread apart so they do not overlap.

    Parameters
    ----------
    df : pandas.DataFrame
        Long table with one row per (term, x), e.g. ``term, year, rate_per_10k``.
    term : str, default "term"
        Column identifying the lines.
    x : str, default "year"
        Column of the horizontal positions; needs at least two levels.
    value : str, default "rate_per_10k"
        Numeric column of the heights.
    x_order : sequence, optional
        Order of the levels; default sorted.
    colors : tuple of str
        Colours of rising and falling lines.
    ylabel, title : str, optional
        Axis label (default: ``value``) and title.
    label_width : int, default 8
        Wrap term labels after this many Chinese characters.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; ``ax.lines`` holds one line per term, in sorted term order.
    """
    what = "plot_slope"
    check_columns(df, f"{what}'s input", [term, x, value])
    _require_numeric(df, value, what)
    _require_unique(df, [term, x], what, "keep one row per term and level")
    levels = _ordered(df[x], x_order, what)
    if len(levels) < 2:
        raise ValueError(f"{what}: column {x!r} needs at least two levels, got {levels}")
    terms = _ordered(df[term], None, what)
    wide = df.pivot(index=term, columns=x, values=value).reindex(index=terms, columns=levels)
    ax = _new_axes(ax, (FIGURE_WIDTH * 0.75, _bar_height(len(terms), per_bar=0.3, extra=2.0)))
    xs = np.arange(len(levels), dtype=float)
    for name, row in wide.iterrows():
        ys = row.to_numpy(dtype=float)
        known = ~np.isnan(ys)
        rising = known.any() and ys[known][-1] >= ys[known][0]
        ax.plot(
            xs[known],
            ys[known],
            marker="o",
            color=colors[0] if rising else colors[1],
            linewidth=1.5,
            label=str(name),
        )
    finite = wide.to_numpy(dtype=float)
    low, high = float(np.nanmin(finite)), float(np.nanmax(finite))
    pad = (high - low) * 0.05 or 1.0
    ax.set_ylim(low - pad, high + pad)
    # about one text line per label: the axis height in points over the label size
    axis_points = ax.get_position().height * _as_figure(ax).get_figheight() * 72
    min_gap = (high - low + 2 * pad) * 12.0 / max(axis_points, 1.0)
    for column, side, align in ((0, -0.06, "right"), (len(levels) - 1, 0.06, "left")):
        ends = wide.iloc[:, column]
        shown = ends.dropna()
        if shown.empty:
            continue
        placed = _spread(shown.to_numpy(dtype=float), min_gap)
        for name, y in zip(shown.index, placed, strict=True):
            ax.text(
                xs[column] + side,
                y,
                wrap_label(name, width=label_width, max_lines=1),
                ha=align,
                va="center",
                fontsize=10,
            )
    ax.set_xticks(xs, [str(level) for level in levels])
    ax.set_xlim(-0.8, len(levels) - 0.2)
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(column_label(value) if ylabel is None else ylabel)
    ax.set_xlabel("")
    if title:
        ax.set_title(title)
    return ax


