"""Read Chinese government rule-of-law annual reports (法治政府建设年度报告) as data.

The package turns a folder of reports into long pandas tables joined on ``doc_id`` and
offers the verbs that the notebooks use, importable from here::

    from analysis import read_tables, read_table, select_terms, count_terms, plot_top_terms

One prefix means one thing:

- ``load_``: parse raw report files (:func:`load_corpus`); ``build_``: parse a folder into
  tables on disk (:func:`build_corpus`); ``read_``: read what is stored, a build's tables or a
  resource file (:func:`read_table`, :func:`read_tables`, :func:`read_lexicon`...);
- ``select_``: keep rows (:func:`select_reports`, :func:`select_terms`); ``add_``: add
  columns (:func:`add_report_columns`); ``tokenize_``/``tag_``: cut text into tokens;
  ``extract_``: find values in text (:func:`extract_indicators`);
- ``count_``, ``score_``, ``find_``, ``check_``, ``pivot_``: statistics on a table;
- ``plot_``: draw a figure and return its Axes or Figure; ``save_figure`` writes it;
- ``write_``: write tables to a file for people outside Python (:func:`write_workbook`,
  :func:`write_manifest`).

Subpackages follow the data flow: :mod:`analysis.ingest` (formats, normalize, segment,
metadata, places, build), :mod:`analysis.text` (tokenize, word lists, term selection),
:mod:`analysis.stats`, :mod:`analysis.indicators` and :mod:`analysis.plotting`;
:mod:`analysis.schema` declares every table, :mod:`analysis.labels` every display name and
:mod:`analysis.paths` every path.
"""

from __future__ import annotations

import importlib

# jieba is not imported here: importing it costs a quarter of a second in every build worker,
# and the package only uses it through analysis.text.engine, which keeps it quiet while it
# loads (strict nbval compares stderr).

__version__ = "0.1.0"

# Name -> module. Imported on first use (PEP 562), so `import analysis` stays cheap for build
# workers, which never plot.
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(["Corpus", "add_report_columns", "load_corpus", "select_reports"],
                   "analysis.ingest.corpus"),
    "read_manifest": "analysis.ingest.manifest",
    **dict.fromkeys(["build_corpus", "read_table", "read_tables"], "analysis.ingest.build"),
    "list_place_terms": "analysis.ingest.places",
    "write_workbook": "analysis.ingest.export",
    "write_manifest": "analysis.ingest.review",
    **dict.fromkeys(["TokenizerConfig", "check_dictionary", "read_agency_names",
                     "read_dictionary", "read_filler", "read_lexicon", "read_stopwords",
                     "read_themes", "select_terms", "tag_text", "tokenize_sentences",
                     "tokenize_text"], "analysis.text"),
    **dict.fromkeys(["check_compliance", "check_composition", "count_compliance", "count_terms",
                     "find_new_terms", "find_reuse", "find_sentences", "kwic",
                     "pivot_similarity", "score_agency_change", "score_change", "score_reuse",
                     "score_collocations", "score_distinctive", "score_keyness",
                     "score_readability", "score_similarity", "score_themes"],
                   "analysis.stats"),
    **dict.fromkeys(["extract_indicators", "extract_quantities", "pivot_indicators",
                     "read_catalogue", "select_headlines"], "analysis.indicators"),
    **dict.fromkeys(["plot_bar_by_group", "plot_clustered_similarity", "plot_diverging_bars",
                     "plot_heatmap", "plot_histogram", "plot_slope", "plot_stacked_shares",
                     "plot_top_terms", "plot_wordcloud", "save_figure", "show_table", "use_style"],
                   "analysis.plotting"),
    "display": "analysis.labels",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
