"""The one figure style: a CJK font found by path, a seaborn theme, fixed sizes and dpi.

:func:`style_params` is the style as rcParams; every ``plot_*`` function draws inside
``matplotlib.rc_context(style_params())`` (the :func:`styled` decorator), so a figure looks
the same whatever a notebook set before, and the user's global settings are left alone.
:func:`use_style` applies the same style globally, for a notebook's own figures."""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import matplotlib as mpl
import seaborn as sns
from cycler import cycler
from matplotlib import font_manager

__all__ = ["BAR_COLOR", "BUNDLED_FONT_FILE", "CJKFontNotFoundError", "FALLBACK_FAMILIES",
           "FIGSIZE", "FIGURES_ENV", "FIGURE_NAME_PATTERN", "FIGURE_WIDTH", "NEGATIVE_COLOR",
           "POSITIVE_COLOR", "SAVE_DPI", "SCREEN_DPI", "find_cjk_font", "find_missing_glyphs",
           "register_cjk_font", "style_params", "styled", "use_style"]

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


def style_params() -> dict[str, Any]:
    """The project's figure style as rcParams: seaborn theme, CJK font first, fixed sizes.

    Returns
    -------
    dict
        rcParams for ``matplotlib.rc_context`` or ``matplotlib.rcParams.update``.
    """
    family = register_cjk_font()
    # DejaVu Sans stays behind the CJK font so that symbols the CJK font lacks still render.
    sans = [family, "DejaVu Sans"]
    colors = sns.color_palette("colorblind")
    # What seaborn.set_theme(context="notebook", style="whitegrid", palette="colorblind")
    # sets, as one dict instead of global state.
    params: dict[str, Any] = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook"),
                              "axes.prop_cycle": cycler("color", colors),
                              "patch.facecolor": colors[0]}
    params.update({
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
    })
    return params


def use_style() -> None:
    """Apply the project's figure style globally (matplotlib's rcParams).

    For a notebook's own figures: the ``plot_*`` functions apply the style by themselves,
    inside a ``rc_context``, and do not need this.

    Returns
    -------
    None
    """
    mpl.rcParams.update(style_params())


def styled(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run a plot function inside ``matplotlib.rc_context(style_params())``.

    Returns
    -------
    callable
        ``function``, drawing in the project's style and leaving global settings as they were.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with mpl.rc_context(style_params()):
            return function(*args, **kwargs)

    return wrapper


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


