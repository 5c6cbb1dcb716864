"""Read Chinese government rule-of-law annual reports (法治政府建设年度报告) as data.

The package turns a folder of reports into long pandas tables joined on ``doc_id``:
``reports``, ``sections``, ``paragraphs``, ``sentences`` (see :mod:`analysis.loading`),
``tokens`` (:mod:`analysis.tokenizing`) and ``indicators`` (:mod:`analysis.indicators`).
"""

from __future__ import annotations

import logging

# jieba logs "Building prefix dict..." to stderr on first use; strict nbval compares stderr,
# so the message must be silenced before any notebook cell runs.
logging.getLogger("jieba").setLevel(logging.ERROR)

from analysis.loading import Corpus, load_corpus  # noqa: E402

__all__ = ["Corpus", "load_corpus"]
__version__ = "0.1.0"
