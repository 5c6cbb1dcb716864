"""Saving: deterministic PNG files under the figures folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis import paths
from analysis.plotting.style import FIGURE_NAME_PATTERN, FIGURES_ENV, SAVE_DPI, style_params

__all__ = ["save_figure"]

# ----------------------------------------------------------------------------------------------
# Saving
# ----------------------------------------------------------------------------------------------


def _figures_dir(figures_dir: str | os.PathLike[str] | None) -> Path:
    if figures_dir is not None:
        return Path(figures_dir)
    override = os.environ.get(FIGURES_ENV, "").strip()
    if override:
        path = Path(override).expanduser()
        # nbval and papermill run notebooks from notebooks/, so a relative override is taken
        # from the repository root (where make runs), not from the working directory.
        return path if path.is_absolute() else paths.ROOT / path
    return paths.FIGURES


def _as_figure(fig: Any) -> Figure:
    # Axes, SubFigure and seaborn grids all have .figure; a SubFigure's leads to its root.
    current = fig
    for _ in range(4):
        if isinstance(current, Figure):
            return current
        current = getattr(current, "figure", None)
        if current is None:
            break
    raise TypeError(
        f"save_figure expects a matplotlib Figure, an Axes or a seaborn grid, got {type(fig)}"
    )


def save_figure(
    fig: Figure | Axes | Any,
    name: str,
    *,
    figures_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Write a figure as ``<figures dir>/<name>.png``, byte for byte reproducibly.

    The PNG has a fixed dpi (:data:`SAVE_DPI`), a tight bounding box, a white background, and
    no text chunks: matplotlib's ``Software`` entry is removed, and matplotlib writes no
    timestamp to PNG. The file is written to a temporary name and renamed, so a reader never
    sees a half-written figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure, matplotlib.axes.Axes or seaborn grid
        What to save; an Axes or a grid saves the whole figure it belongs to.
    name : str
        ``NN-slug-name``: two digits (the notebook number), then lower-case ASCII words joined
        by hyphens, e.g. ``"02-term-frequency-top-terms"``; no ``.png`` suffix.
    figures_dir : path-like, optional
        Folder to write into. Defaults to ``$FZZF_FIGURES`` (relative values are taken from the
        repository root), else :data:`analysis.paths.FIGURES`. Created if missing.

    Returns
    -------
    pathlib.Path
        The path of the written PNG file.

    Raises
    ------
    ValueError
        If ``name`` is not of the form ``NN-slug-name``.
    """
    if not isinstance(name, str) or not FIGURE_NAME_PATTERN.fullmatch(name):
        hint = " (drop the .png suffix)" if isinstance(name, str) and name.endswith(".png") else ""
        raise ValueError(
            f"figure name {name!r} is not of the form NN-slug-name: two digits, then "
            f"lower-case ASCII letters or digits in words joined by '-', e.g. "
            f"'02-term-frequency-top-terms'{hint}"
        )
    figure = _as_figure(fig)
    folder = _figures_dir(figures_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.png"
    # A unique temporary name in the same folder, renamed over the target: readers never see
    # a half-written file. open() keeps the user's umask, unlike tempfile.mkstemp (0600).
    partial = folder / f".{name}.{os.getpid()}.partial.png"
    try:
        # Ticks are made when the figure is drawn, from the rcParams of that moment: the file
        # is drawn in the project's style whatever the caller's global settings are.
        with open(partial, "wb") as handle, mpl.rc_context(style_params()):
            figure.savefig(
                handle,
                format="png",
                dpi=SAVE_DPI,
                bbox_inches="tight",
                pad_inches=0.15,
                facecolor="white",
                metadata={"Software": None},
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


