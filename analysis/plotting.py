"""Figures: one CJK font, one seaborn style, deterministic PNG files and ``plot_*`` helpers.

Every figure of the project goes through this module, so the font and the style are decided in
one place:

- :func:`find_cjk_font` locates the open-licence (SIL OFL) *Noto Sans CJK SC* file that the
  ``mplfonts`` package ships, by path, so a fresh ``pip install`` is enough; if that file is
  missing it falls back to a CJK font installed on the system, and raises
  :class:`CJKFontNotFoundError` when there is none. SimHei is never used: it is not open-licence.
- :func:`use_style` registers that font with matplotlib, puts it first in ``font.family`` and
  ``font.sans-serif``, turns off the Unicode minus (which CJK fonts often lack) and applies one
  seaborn theme with fixed sizes and dpi. Every ``plot_*`` function calls it, so a figure looks
  the same whatever the notebook did before.
- Word clouds do not read matplotlib's settings; :func:`build_wordcloud` passes the *same* font
  file to ``wordcloud.WordCloud(font_path=...)``.
- :func:`save_figure` writes ``<figures dir>/NN-slug-name.png`` with a fixed dpi and without the
  ``Software`` text chunk, so two runs give byte-identical files. The figures folder is, in
  order of precedence: the ``figures_dir`` argument, the ``FZZF_FIGURES`` environment variable
  (a relative value is taken from the repository root, so ``make figures OUT=dir`` can redirect
  the notebooks without touching the committed figures), then :data:`analysis.paths.FIGURES`.

The ``plot_*`` functions take the long tables made by the statistics modules (``doc_id`` or
``agency_short``, ``term``, ``n``, ``rate_per_10k``, ``score``...), never mutate them, and return
the matplotlib ``Axes`` they drew on. The two that need several Axes (facets; dendrogram beside
a heatmap) return the ``Figure`` instead and say so. Long Chinese labels are wrapped and
truncated by :func:`wrap_label`, and figures are made with the constrained layout, so labels do
not overlap.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from analysis import paths

__all__ = [
    "CJKFontNotFoundError",
    "FIGURES_ENV",
    "FIGURE_NAME_PATTERN",
    "SAVE_DPI",
    "build_wordcloud",
    "find_cjk_font",
    "find_missing_glyphs",
    "plot_bar_by_group",
    "plot_clustered_similarity",
    "plot_diverging_bars",
    "plot_heatmap",
    "plot_slope",
    "plot_stacked_shares",
    "plot_top_terms",
    "plot_wordcloud",
    "register_cjk_font",
    "save_figure",
    "use_style",
    "wrap_label",
]

#: The font file shipped by the ``mplfonts`` package (Noto Sans CJK SC, SIL Open Font License).
BUNDLED_FONT_FILE: str = "NotoSansCJKsc-Regular.otf"

#: System font families tried, in order, when the bundled file is missing. All are open
#: licences (OFL, Apache, or GPL with the font exception); SimHei is deliberately absent.
FALLBACK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "AR PL UMing CN",
)

# A fallback font must draw at least the words that every report title contains.
_PROBE_TEXT = "法治政府建设年度报告"

#: Environment variable that redirects :func:`save_figure` (see the module docstring).
FIGURES_ENV: str = "FZZF_FIGURES"

#: Figure names are ``NN-slug-name``: two digits (the notebook), then lower-case ASCII words.
FIGURE_NAME_PATTERN: re.Pattern[str] = re.compile(r"[0-9]{2}(?:-[a-z0-9]+)+")

#: Resolution of saved PNG files, in dots per inch.
SAVE_DPI: int = 150
#: Resolution of figures shown inline in a notebook.
SCREEN_DPI: int = 100
#: Default size of a single-Axes figure, in inches.
FIGSIZE: tuple[float, float] = (8.0, 5.0)
#: Width of every figure whose height grows with the number of bars, in inches.
FIGURE_WIDTH: float = 8.0

POSITIVE_COLOR: str = "#c0392b"
NEGATIVE_COLOR: str = "#2e6da4"
BAR_COLOR: str = "#4c72b0"


class CJKFontNotFoundError(RuntimeError):
    """No font able to draw Chinese characters could be found."""


# ----------------------------------------------------------------------------------------------
# Font and style
# ----------------------------------------------------------------------------------------------


def _bundled_font_path() -> Path | None:
    """Return the font file shipped by ``mplfonts``, or None if it is not installed.

    ``find_spec`` locates the package folder without importing it: importing ``mplfonts``
    would pull in its font-management helpers, which we do not use.
    """
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "fonts" / BUNDLED_FONT_FILE
        if candidate.is_file():
            return candidate
    return None


def _font_cmap(path: Path, index: int = 0) -> dict[int, str]:
    """Return the best Unicode cmap of a font file (index selects a face in a .ttc)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), fontNumber=index, lazy=True) as font:
        return dict(font.getBestCmap() or {})


def _system_font_path() -> Path | None:
    """Return the first system font of :data:`FALLBACK_FAMILIES` that draws Chinese."""
    entries = sorted(
        font_manager.fontManager.ttflist,
        key=lambda e: (str(e.fname), getattr(e, "index", 0)),
    )
    for family in FALLBACK_FAMILIES:
        for entry in entries:
            if entry.name != family or "simhei" in Path(entry.fname).name.lower():
                continue
            path = Path(entry.fname)
            if not path.is_file():
                continue
            try:
                cmap = _font_cmap(path, getattr(entry, "index", 0))
            except Exception:  # an unreadable font is simply not a candidate
                continue
            if all(ord(ch) in cmap for ch in _PROBE_TEXT):
                return path
    return None


@functools.cache
def find_cjk_font() -> Path:
    """Return the path of the CJK font file used by every figure and word cloud.

    The Noto Sans CJK SC file shipped by the ``mplfonts`` package comes first, because it is
    installed with the project; a system font from :data:`FALLBACK_FAMILIES` that covers
    Chinese comes next.

    Returns
    -------
    pathlib.Path
        Absolute path of an OpenType or TrueType font file.

    Raises
    ------
    CJKFontNotFoundError
        If neither the bundled file nor a system CJK font exists.
    """
    bundled = _bundled_font_path()
    if bundled is not None:
        return bundled.resolve()
    system = _system_font_path()
    if system is not None:
        return system.resolve()
    raise CJKFontNotFoundError(
        f"no CJK font found: the mplfonts package (which ships {BUNDLED_FONT_FILE}) is not "
        f"installed and no system font among {', '.join(FALLBACK_FAMILIES[:5])}... covers "
        f"{_PROBE_TEXT!r}. Reinstall the project (pip install -e .) or install a CJK font "
        "such as Debian's fonts-noto-cjk, then delete matplotlib's font cache."
    )


@functools.cache
def _register_font_file(path: str) -> str:
    # addfont appends a new entry on every call, so each file is registered once per process.
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def register_cjk_font() -> str:
    """Register the CJK font file with matplotlib and return its family name.

    Returns
    -------
    str
        The family name matplotlib knows the font by, e.g. ``"Noto Sans CJK SC"``.
    """
    return _register_font_file(str(find_cjk_font()))


def use_style() -> None:
    """Apply the project's one figure style: seaborn theme, CJK font first, fixed sizes.

    Safe to call repeatedly; every ``plot_*`` function calls it so that a figure does not
    depend on what earlier notebook cells changed. It overrides matplotlib's global rcParams.

    Returns
    -------
    None
    """
    family = register_cjk_font()
    # DejaVu Sans stays behind the CJK font so that symbols the CJK font lacks still render.
    sans = [family, "DejaVu Sans"]
    sns.set_theme(
        context="notebook",
        style="whitegrid",
        palette="colorblind",
        rc={
            "font.family": sans,
            "font.sans-serif": sans,
            # CJK fonts often lack U+2212 MINUS SIGN; the ASCII hyphen is always there.
            "axes.unicode_minus": False,
            "figure.figsize": FIGSIZE,
            "figure.dpi": SCREEN_DPI,
            "savefig.dpi": SAVE_DPI,
            "font.size": 11,
            "axes.titlesize": 13,
            "axes.labelsize": 12,
            "xtick.labelsize": 11,
            "ytick.labelsize": 11,
            "legend.fontsize": 11,
            "legend.title_fontsize": 11,
            "figure.titlesize": 14,
            "axes.titlelocation": "left",
            "pdf.fonttype": 42,
            "svg.fonttype": "none",
        },
    )


def find_missing_glyphs(texts: Iterable[str], *, font_path: Path | None = None) -> list[str]:
    """List the characters of ``texts`` that the CJK font cannot draw.

    Whitespace and control characters are ignored. Use it to check labels that contain rare
    characters (some place names do) before plotting.

    Parameters
    ----------
    texts : iterable of str
        Labels, terms or any strings.
    font_path : pathlib.Path, optional
        Font to check; defaults to :func:`find_cjk_font`.

    Returns
    -------
    list of str
        The distinct missing characters, sorted by code point; empty if all are covered.
    """
    cmap = _font_cmap(Path(font_path) if font_path is not None else find_cjk_font())
    chars = {ch for text in texts for ch in str(text)}
    return sorted(
        ch
        for ch in chars
        if not ch.isspace() and unicodedata.category(ch) != "Cc" and ord(ch) not in cmap
    )


# ----------------------------------------------------------------------------------------------
# Labels and small helpers
# ----------------------------------------------------------------------------------------------

# Latin words and numbers are kept whole when wrapping ("2023", "12345").
_LABEL_UNIT = re.compile(r"[A-Za-z0-9.,%+\-]+|.", re.DOTALL)


def _columns(text: str) -> int:
    """Display width in half-width columns: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def wrap_label(label: object, *, width: int = 12, max_lines: int = 2) -> str:
    """Wrap a (Chinese) label into lines of at most ``width`` Chinese characters.

    Chinese has no spaces to break at, so the label is cut by display width: a Chinese
    character counts as 1 and a Latin letter or digit as 1/2; a Latin word or number is not
    split unless it is wider than a line. A label needing more than ``max_lines`` lines is
    truncated with "…".

    Parameters
    ----------
    label : object
        The label; converted with ``str``.
    width : int, default 12
        Line width in Chinese characters.
    max_lines : int, default 2
        Maximum number of lines.

    Returns
    -------
    str
        The label with ``"\\n"`` between lines.
    """
    if width < 1 or max_lines < 1:
        raise ValueError(f"width and max_lines must be at least 1, got {width} and {max_lines}")
    text = " ".join(str(label).split())
    limit = 2 * width
    if _columns(text) <= limit:
        return text
    units: list[str] = []
    for unit in _LABEL_UNIT.findall(text):
        if _columns(unit) > limit:
            units.extend(unit)  # a Latin run longer than a line is split by character
        else:
            units.append(unit)
    lines: list[str] = []
    current = ""
    for unit in units:
        if current and _columns(current + unit) > limit:
            lines.append(current.rstrip())
            current = unit.lstrip()
        else:
            current += unit
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return "\n".join(lines)
    kept = lines[:max_lines]
    last = kept[-1]
    while last and _columns(last + "…") > limit:
        last = last[:-1]
    kept[-1] = last + "…"
    return "\n".join(kept)


def _require_columns(df: pd.DataFrame, columns: Iterable[str | None], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} expects a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}; the frame has {list(df.columns)}")


def _require_unique(df: pd.DataFrame, keys: list[str], what: str, hint: str) -> None:
    duplicated = df.duplicated(subset=keys, keep=False)
    if duplicated.any():
        example = df.loc[duplicated, keys].iloc[0].tolist()
        raise ValueError(f"{what}: several rows share {keys} = {example}; {hint}")


def _require_numeric(df: pd.DataFrame, column: str, what: str) -> None:
    if not pd.api.types.is_numeric_dtype(df[column]):
        raise ValueError(f"{what}: column {column!r} must be numeric, got {df[column].dtype}")


def _ordered(values: Iterable[Any], order: Sequence[Any] | None, what: str) -> list[Any]:
    """Return the distinct values in ``order`` if given, else sorted (deterministic)."""
    distinct = list(dict.fromkeys(values))
    if order is None:
        try:
            return sorted(distinct)
        except TypeError:  # mixed types: fall back to their text
            return sorted(distinct, key=str)
    allowed, present = set(order), set(distinct)
    missing = [v for v in distinct if v not in allowed]
    if missing:
        raise ValueError(f"{what}: values {missing} are not in the given order {list(order)}")
    return [v for v in order if v in present]


def _rank(df: pd.DataFrame, *, value: str, term: str, ascending: bool = False) -> pd.DataFrame:
    """Sort by value, ties broken by term code points, so the order never depends on input."""
    return df.sort_values(
        [value, term], ascending=[ascending, True], kind="mergesort", key=_sort_key
    )


def _sort_key(column: pd.Series) -> pd.Series:
    return column.astype(str) if not pd.api.types.is_numeric_dtype(column) else column


def _new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _bar_height(n_bars: int, *, per_bar: float = 0.32, extra: float = 1.2) -> float:
    return float(min(max(extra + per_bar * n_bars, 3.0), 14.0))


def _number(value: Any) -> str:
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.3g}" if abs(value) < 1000 else f"{float(value):.0f}"
    return str(value)


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
        with open(partial, "wb") as handle:
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
    _require_columns(counts, [term, value, facet], what)
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
    use_style()
    data = counts[keys + [value]].dropna(subset=[value])
    xlabel = value if xlabel is None else xlabel
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


def plot_diverging_bars(
    df: pd.DataFrame,
    *,
    term: str = "term",
    value: str = "log_odds",
    top: int = 10,
    annotate: str | None = None,
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
    annotate : str, optional
        Column written at the end of each bar, e.g. a raw count, so that every score is shown
        with its count.
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
    _require_columns(df, [term, value, annotate], what)
    _require_numeric(df, value, what)
    _require_unique(df, [term], what, "keep one row per term")
    if top < 1:
        raise ValueError(f"{what}: top must be at least 1, got {top}")
    use_style()
    cols = list(dict.fromkeys([term, value] + ([annotate] if annotate else [])))
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
        ax.bar_label(bars, labels=[_number(v) for v in rows[annotate]], padding=3, fontsize=9)
        ax.margins(x=0.12)
    ax.legend(
        handles=[Patch(color=colors[0], label=labels[0]), Patch(color=colors[1], label=labels[1])],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
    )
    ax.set_xlabel(value if xlabel is None else xlabel)
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
    return ax


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
    _require_columns(df, [category, group, value], what)
    _require_numeric(df, value, what)
    _require_unique(df, [category, group], what, "aggregate to one row per pair first")
    use_style()
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
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title=group)
    ax.set_xlabel(value if xlabel is None else xlabel)
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
    return ax


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
    xlabel: str = "share",
    title: str | None = None,
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
    _require_columns(df, [index, columns, values], what)
    _require_numeric(df, values, what)
    if (df[values] < 0).any():
        raise ValueError(f"{what}: column {values!r} has negative values; shares need >= 0")
    use_style()
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
            label=(labels or {}).get(seg, str(seg)),
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
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title=columns)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
    return ax


# ----------------------------------------------------------------------------------------------
# Matrices
# ----------------------------------------------------------------------------------------------


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
    _require_columns(df, [index, columns, values], what)
    _require_numeric(df, values, what)
    _require_unique(df, [index, columns], what, "aggregate to one row per cell first")
    use_style()
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
        cbar_kws={"label": values if cbar_label is None else cbar_label},
        annot_kws={"fontsize": 9},
        xticklabels=True,
        yticklabels=True,
    )
    ax.tick_params(axis="x", labelrotation=90)
    ax.tick_params(axis="y", labelrotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
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
    use_style()
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
    names = [wrap_label((labels or {}).get(k, k), width=label_width) for k in order]
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
    _require_columns(df, [term, x, value], what)
    _require_numeric(df, value, what)
    _require_unique(df, [term, x], what, "keep one row per term and level")
    levels = _ordered(df[x], x_order, what)
    if len(levels) < 2:
        raise ValueError(f"{what}: column {x!r} needs at least two levels, got {levels}")
    use_style()
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
    ax.set_ylabel(value if ylabel is None else ylabel)
    ax.set_xlabel("")
    if title:
        ax.set_title(title)
    return ax


# ----------------------------------------------------------------------------------------------
# Word clouds
# ----------------------------------------------------------------------------------------------


def _frequencies(
    counts: pd.DataFrame | Mapping[str, float], *, term: str, value: str, top: int
) -> dict[str, float]:
    what = "plot_wordcloud"
    if isinstance(counts, pd.DataFrame):
        _require_columns(counts, [term, value], what)
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
    use_style()
    ax = _new_axes(ax, (width / SCREEN_DPI, height / SCREEN_DPI))
    ax.imshow(cloud.to_array(), interpolation="bilinear")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax
