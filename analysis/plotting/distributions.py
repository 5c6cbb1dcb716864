"""Distributions: how a quantity spreads around a reference value (days around a deadline)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from analysis.labels import column_label
from analysis.plotting.common import _new_axes, _require_numeric
from analysis.plotting.style import FIGURE_WIDTH, NEGATIVE_COLOR, POSITIVE_COLOR, styled
from analysis.schema import check_columns

__all__ = ["plot_histogram"]


@styled
def plot_histogram(
    df: pd.DataFrame,
    *,
    value: str,
    bin_width: float = 1.0,
    reference: float | None = None,
    reference_label: str | None = None,
    xlabel: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Histogram of one numeric column, split in colour at a reference value.

    Bins are ``bin_width`` wide and aligned on ``reference`` (or 0), so that a bin never
    straddles it: with ``value="days_late"``, ``bin_width=7`` and ``reference=0`` each bar is
    a week, those at or before the deadline in blue and those after it in red. Rows whose
    value is missing are not drawn; the title should say how many (the notebooks do).

    Parameters
    ----------
    df : pandas.DataFrame
        Any table with the numeric ``value`` column (e.g. ``compliance``). Not modified.
    value : str
        The column to count.
    bin_width : float, default 1
        Width of each bar in the column's unit.
    reference : float, optional
        Where the colour changes and a dashed line is drawn; values at or below it are one
        colour, values above it the other.
    reference_label : str, optional
        Text beside the line (e.g. "4月1日 deadline").
    xlabel, title : str, optional
        Axis label (default: the column's Chinese name) and title.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        The histogram; the y axis counts rows.
    """
    check_columns(df, "df", [value])
    _require_numeric(df, value, "plot_histogram")
    if not bin_width > 0:
        raise ValueError(f"bin_width must be positive, got {bin_width!r}")
    values = df[value].dropna().to_numpy(dtype=float)
    ax = _new_axes(ax, (FIGURE_WIDTH, 3.6))
    anchor = 0.0 if reference is None else float(reference)
    if len(values):
        # Bins (anchor + k*w, anchor + (k+1)*w]: a value equal to the reference falls in the
        # bar that ends at it, with the values at or before it.
        low = math.floor((values.min() - anchor) / bin_width - 1e-9)
        high = math.ceil((values.max() - anchor) / bin_width)
        if reference is not None:
            # At least one bar's width on each side of the reference, so that a figure
            # with no late report still shows where late ones would be.
            low, high = min(low, -1), max(high, 1)
        edges = anchor + bin_width * np.arange(low, max(high, low + 1) + 1)
        counts, _ = np.histogram(-values, bins=-edges[::-1])
        counts = counts[::-1]  # histogram of -x gives left-open bins (a, b] of x
        lefts = edges[:-1]
        colors = [NEGATIVE_COLOR if reference is None or left < anchor else POSITIVE_COLOR
                  for left in lefts]
        ax.bar(lefts, counts, width=bin_width, align="edge", color=colors, edgecolor="white",
               linewidth=0.5)
        ax.yaxis.get_major_locator().set_params(integer=True)
    else:
        ax.text(0.5, 0.5, "no values", transform=ax.transAxes, ha="center", va="center")
    if reference is not None:
        ax.axvline(anchor, color="0.2", linestyle="--", linewidth=1)
        if reference_label:
            ax.annotate(reference_label, xy=(anchor, 1), xycoords=("data", "axes fraction"),
                        xytext=(4, -4), textcoords="offset points", ha="left", va="top",
                        fontsize="small")
    ax.set_xlabel(xlabel if xlabel is not None else column_label(value))
    ax.set_ylabel("报告数 reports")
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(title)
    return ax
