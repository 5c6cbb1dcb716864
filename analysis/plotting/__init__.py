"""Figures: one CJK font, one seaborn style, deterministic PNG files and ``plot_*`` helpers.

- :mod:`~analysis.plotting.style`: :func:`find_cjk_font` locates the open-licence (SIL OFL)
  *Noto Sans CJK SC* file that the ``mplfonts`` package ships, by path, so a fresh install is
  enough; it falls back to a system CJK font and raises :class:`CJKFontNotFoundError` when
  there is none (SimHei is never used: it is not open-licence). :func:`style_params` is the
  style as rcParams; every ``plot_*`` function draws inside ``matplotlib.rc_context`` with it
  and leaves the user's settings alone; :func:`use_style` applies it globally.
- :mod:`~analysis.plotting.save`: :func:`save_figure` writes ``<figures dir>/NN-slug-name.png``
  with a fixed dpi and without the ``Software`` text chunk, so two runs give byte-identical
  files. The figures folder is the ``figures_dir`` argument, else the ``FZZF_FIGURES``
  environment variable (relative to the repository root), else the scratch folder
  :data:`analysis.paths.SCRATCH_FIGURES`; only `make figures` writes :data:`analysis.paths.FIGURES`.
- :mod:`~analysis.plotting.bars`, :mod:`~analysis.plotting.matrices`,
  :mod:`~analysis.plotting.change`, :mod:`~analysis.plotting.distributions`,
  :mod:`~analysis.plotting.wordclouds`: the ``plot_*``
  functions. They take the long tables of the statistics, never mutate them, and return the
  Axes they drew on (the two that need several Axes return the Figure). Labels pass through
  :func:`analysis.labels.display` (Chinese names of ids) and :func:`wrap_label`.
- :mod:`~analysis.plotting.tables`: :func:`show_table` styles a table for reading in
  JupyterLab (text left-aligned and wrapped, headers wrapped).
"""

from analysis.plotting.bars import (
    plot_bar_by_group,
    plot_diverging_bars,
    plot_stacked_shares,
    plot_top_terms,
)
from analysis.plotting.change import plot_slope
from analysis.plotting.common import wrap_label
from analysis.plotting.distributions import plot_histogram
from analysis.plotting.matrices import plot_clustered_similarity, plot_heatmap
from analysis.plotting.save import save_figure
from analysis.plotting.style import (
    FIGURE_NAME_PATTERN,
    FIGURES_ENV,
    SAVE_DPI,
    CJKFontNotFoundError,
    find_cjk_font,
    find_missing_glyphs,
    register_cjk_font,
    style_params,
    styled,
    use_style,
)
from analysis.plotting.tables import ReadableTable, show_table
from analysis.plotting.wordclouds import build_wordcloud, plot_wordcloud

__all__ = ["CJKFontNotFoundError", "FIGURES_ENV", "FIGURE_NAME_PATTERN", "SAVE_DPI",
           "build_wordcloud", "find_cjk_font", "find_missing_glyphs", "plot_bar_by_group",
           "plot_clustered_similarity", "plot_diverging_bars", "plot_heatmap", "plot_histogram",
           "plot_slope",
           "plot_stacked_shares", "plot_top_terms", "plot_wordcloud", "register_cjk_font",
           "ReadableTable", "save_figure", "show_table", "style_params", "styled", "use_style", "wrap_label"]
