"""The ``indicator`` id of every quantity (the long ``indicators`` table) against hand labels.

``tests/data/quantity_labels.tsv`` gives, for every quantity extracted from the seeds and the
development openings, the catalogue id it states or nothing. The rows were labelled by reading
each sentence against the catalogue's definitions and ``counts`` column, without the rules or
their output. Where this labelling and ``headline_labels.tsv`` first disagreed, both were
settled by the catalogue's wording, which says so (信访 are complaints, 法律意见书 are legality
reviews, 督查 is not an inspection, 各类文件 are not normative documents), and a loss the text
never calls 败诉 is a litigation case, as in the headline labels.
"""

from __future__ import annotations

import csv
from collections import Counter

import pandas as pd

from analysis import load_corpus
from analysis.indicators import extract_indicators, read_catalogue
from analysis.paths import SEEDS, TESTS

LABELS = TESTS / "data" / "quantity_labels.tsv"


def _labels() -> dict[tuple[str, int], tuple[str, str | None]]:
    with LABELS.open(encoding="utf-8") as fh:
        return {(row["file"], int(row["start"])): (row["span"], row["indicator"] or None)
                for row in csv.DictReader(fh, delimiter="\t")}


def _pairs(folder) -> list[tuple[tuple[str, int], str | None, str | None]]:
    """(file, start), predicted id, labelled id for every extracted quantity of ``folder``."""
    corpus = load_corpus(folder)
    indicators = extract_indicators(corpus.reports, sentences=corpus.sentences,
                                    sections=corpus.sections)
    names = dict(zip(corpus.reports["doc_id"], corpus.reports["file"], strict=True))
    labels = _labels()
    pairs = []
    for row in indicators.itertuples():
        key = (names[row.doc_id], int(row.start))
        # Every quantity is labelled: a row the labels do not know means the extraction changed.
        assert key in labels and labels[key][0] == row.span, (key, row.span)
        pairs.append((key, None if pd.isna(row.indicator) else row.indicator, labels[key][1]))
    assert len(pairs) == sum(1 for file, _ in labels if file in set(names.values()))
    return pairs


def _scores(pairs) -> tuple[dict[str, tuple[int, int, int]], float, float]:
    """Per id (right, predicted, labelled), and micro precision and recall over ids."""
    right = Counter(got for _, got, want in pairs if got is not None and got == want)
    predicted = Counter(got for _, got, _ in pairs if got is not None)
    labelled = Counter(want for _, _, want in pairs if want is not None)
    per_id = {i: (right[i], predicted[i], labelled[i]) for i in set(predicted) | set(labelled)}
    total = sum(right.values())
    return per_id, total / max(sum(predicted.values()), 1), total / max(sum(labelled.values()), 1)


def test_the_labels_use_catalogue_ids_only():
    ids = set(read_catalogue()["id"])
    assert {want for _, want in _labels().values() if want} <= ids


def test_quantity_ids_on_the_seeds():
    per_id, precision, recall = _scores(_pairs(SEEDS))
    misses = [p for p in _pairs(SEEDS) if p[1] != p[2]]
    # Measured: precision 1.00 and recall 0.98 over 190 quantities, 60 of them labelled with
    # an id (README).
    assert precision >= 0.98, misses
    assert recall >= 0.95, misses
    # Per id: no id is wrong more often than right, and the main ones are exact.
    for ident, (right, predicted, _) in per_id.items():
        assert right >= predicted - right, (ident, per_id[ident], misses)
    for ident in ["penalty_cases", "fines", "litigation_cases", "reconsideration_cases",
                  "complaints", "court_appearance_rate"]:
        right, predicted, _ = per_id[ident]
        assert right == predicted, (ident, misses)


def test_quantity_ids_on_the_openings(dev_openings):
    per_id, precision, recall = _scores(_pairs(dev_openings))
    assert precision >= 0.95, per_id
    assert recall >= 0.90, per_id
