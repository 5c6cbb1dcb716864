"""Saving: deterministic PNG (and SVG or PDF) files under the figures folder."""

from __future__ import annotations

import os
from collections.abc import Sequence
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
    return paths.SCRATCH_FIGURES


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


_FORMATS = ("png", "svg", "pdf")
# Deterministic vector files that show the CJK text without the font: SVG draws glyphs as
# paths, PDF embeds the glyphs used as Type 3 procedures (Noto Sans CJK is a CFF font, which
# matplotlib cannot embed as TrueType). No dates or hash salts that change between runs.
_VECTOR_PARAMS = {"svg.fonttype": "path", "svg.hashsalt": "fzzf", "pdf.fonttype": 3}
_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
             "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}


def save_figure(
    fig: Figure | Axes | Any,
    name: str,
    *,
    figures_dir: str | os.PathLike[str] | None = None,
    formats: Sequence[str] = ("png",),
) -> Path:
    """Write a figure as ``<figures dir>/<name>.png`` (and SVG or PDF), byte for byte reproducibly.

    The PNG has a fixed dpi (:data:`SAVE_DPI`), a tight bounding box, a white background, and
    no text chunks: matplotlib's ``Software`` entry is removed, and matplotlib writes no
    timestamp to PNG. SVG and PDF carry no date either; SVG draws the text as outlines and PDF
    embeds the glyphs it uses, so both show the Chinese correctly on a machine without the
    font (the text is then not selectable in the SVG). Each file is written to a temporary
    name and renamed, so a reader never sees a half-written figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure, matplotlib.axes.Axes or seaborn grid
        What to save; an Axes or a grid saves the whole figure it belongs to.
    name : str
        The file name without suffix. In the curated figures folder (:data:`analysis.paths.FIGURES`)
        it must be ``NN-slug-name``: two digits (the notebook number), then lower-case ASCII
        words joined by hyphens, e.g. ``"02-term-frequency-top-terms"``. Elsewhere any file
        name will do (no folder separators).
    figures_dir : path-like, optional
        Folder to write into. Defaults to ``$FZZF_FIGURES`` (relative values are taken from the
        repository root), else the scratch folder :data:`analysis.paths.SCRATCH_FIGURES`
        (``.cache/figures``), so that a notebook run by hand never overwrites the committed
        figures; ``make figures`` sets ``FZZF_FIGURES`` to ``figures/``. Created if missing.
    formats : sequence of {"png", "svg", "pdf"}, default ("png",)
        The files to write, one per format, side by side.

    Returns
    -------
    pathlib.Path
        The path of the file of the first format; the others sit beside it.

    Raises
    ------
    ValueError
        If ``name`` is not a file name, is not of the form ``NN-slug-name`` in the curated
        folder, or a format is not one of png, svg, pdf.
    """
    folder = _figures_dir(figures_dir)
    curated = folder.resolve() == paths.FIGURES.resolve()
    if not isinstance(name, str) or not name.strip() or "/" in name or "\\" in name \
            or name.startswith("."):
        raise ValueError(f"figure name {name!r} is not a file name")
    if curated and not FIGURE_NAME_PATTERN.fullmatch(name):
        hint = " (drop the suffix)" if name.endswith((".png", ".svg", ".pdf")) else ""
        raise ValueError(
            f"figure name {name!r} is not of the form NN-slug-name: two digits, then "
            f"lower-case ASCII letters or digits in words joined by '-', e.g. "
            f"'02-term-frequency-top-terms'{hint}; the curated figures folder {folder} keeps "
            "that pattern (pass figures_dir= to save elsewhere under any name)"
        )
    formats = tuple(formats)
    unknown = [f for f in formats if f not in _FORMATS]
    if unknown or not formats:
        raise ValueError(f"formats must be some of {list(_FORMATS)}, got {list(formats)}")
    figure = _as_figure(fig)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in dict.fromkeys(formats):
        target = folder / f"{name}.{fmt}"
        # A unique temporary name in the same folder, renamed over the target: readers never
        # see a half-written file. open() keeps the user's umask, unlike tempfile.mkstemp.
        partial = folder / f".{name}.{os.getpid()}.partial.{fmt}"
        try:
            # Ticks are made when the figure is drawn, from the rcParams of that moment: the
            # file is drawn in the project's style whatever the caller's global settings are.
            with open(partial, "wb") as handle, \
                    mpl.rc_context({**style_params(), **_VECTOR_PARAMS}):
                figure.savefig(handle, format=fmt, dpi=SAVE_DPI, bbox_inches="tight",
                               pad_inches=0.15, facecolor="white", metadata=_METADATA[fmt])
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        written.append(target)
    return written[0]
