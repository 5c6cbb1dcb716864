"""Read Chinese government rule-of-law annual reports (法治政府建设年度报告) as data.

The package turns a folder of reports into long pandas tables joined on ``doc_id``:
``reports``, ``sections``, ``paragraphs``, ``sentences`` (see :mod:`analysis.ingest.corpus`),
``tokens`` (:mod:`analysis.text`) and ``indicators`` (:mod:`analysis.indicators`).
"""

from __future__ import annotations

import logging

import jieba  # noqa: F401  (cheap: the dictionary loads on first use)

# jieba logs "Building prefix dict..." to stderr on first use, and sets its logger to DEBUG
# when imported; strict nbval compares stderr, so the logger is quietened after the import
# and before any notebook cell runs.
logging.getLogger("jieba").setLevel(logging.ERROR)

from analysis.ingest.build import build_corpus, read_table, read_tables  # noqa: E402
from analysis.ingest.corpus import Corpus, load_corpus, select_reports  # noqa: E402

__all__ = ["Corpus", "build_corpus", "load_corpus", "read_table", "read_tables",
           "select_reports"]
__version__ = "0.1.0"
