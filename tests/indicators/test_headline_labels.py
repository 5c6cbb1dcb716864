"""Headline values against hand labels: precision and recall on the seeds and the openings.

``tests/data/headline_labels.tsv`` holds, for every seed and development opening, each
catalogue indicator the report states as a figure of its year's work: the span of the total,
or ``conflict`` where the report gives several figures and no total, or one ``NONE`` row for a
report that states none. The labels were made by reading each text against the catalogue's
definitions, independently of the rules, and checked against the text; two calls the text
does not make (办结案件 not said to be 行政处罚; a lost case never called 败诉) are left out.
A prediction is right when its (report, indicator) is labelled with the same span, or both
say conflict. Where a report states the same figure twice, the label lists both spans
(``42人|42名``) and either is right.
"""

from __future__ import annotations

import csv

import pytest

from analysis import load_corpus
from analysis.indicators import extract_indicators, select_headlines
from analysis.paths import SEEDS, TESTS

LABELS = TESTS / "data" / "headline_labels.tsv"


def _labels() -> list[dict[str, str]]:
    with LABELS.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _scores(folder, files: set[str]) -> tuple[float, float, list]:
    corpus = load_corpus(folder)
    indicators = extract_indicators(corpus.reports, sentences=corpus.sentences,
                                    sections=corpus.sections)
    headlines = select_headlines(indicators, corpus.reports)
    names = dict(zip(corpus.reports["doc_id"], corpus.reports["file"], strict=True))
    got = {(names[r.doc_id], r.indicator): "conflict" if r.conflict else r.span.replace(" ", "")
           for r in headlines.itertuples()}
    want = {(row["file"], row["indicator"]): "conflict" if row["conflict"] == "yes"
            else row["span"] for row in _labels()
            if row["indicator"] != "NONE" and row["file"] in files}
    right_keys = {key for key, value in got.items()
                  if key in want and value in want[key].split("|")}
    right = len(right_keys)
    misses = sorted((k, got.get(k), want.get(k)) for k in set(got) | set(want)
                    if k not in right_keys)
    return right / max(len(got), 1), right / max(len(want), 1), misses


def test_every_label_is_the_text():
    # A label that is not in its report would make every score below meaningless.
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for row in _labels():
        if row["file"] in texts and row["span"]:
            assert all(span in texts[row["file"]] for span in row["span"].split("|")), row
            assert row["evidence"] in texts[row["file"]], row
    assert {row["file"] for row in _labels()} >= set(texts)


def test_headline_precision_and_recall_on_the_seeds():
    files = {p.name for p in SEEDS.glob("*.txt")}
    precision, recall, misses = _scores(SEEDS, files)
    # Measured 1.00 and 0.97 (README); the target for the seeds is precision 0.98.
    assert precision >= 0.98, misses
    assert recall >= 0.95, misses


def test_headline_precision_and_recall_on_the_openings(dev_openings):
    files = {p.name for p in dev_openings.glob("*.txt")}
    texts = {p.name: p.read_text(encoding="utf-8") for p in dev_openings.glob("*.txt")}
    for row in _labels():
        if row["file"] in texts and row["span"]:
            assert all(span in texts[row["file"]] for span in row["span"].split("|")), row
    precision, recall, misses = _scores(dev_openings, files)
    assert precision >= 0.95, misses
    assert recall >= 0.90, misses


@pytest.mark.parametrize("file", ["002_e94d2d9e19816d1e.txt"])
def test_a_report_stating_no_indicator_has_no_headline(seeds, file):
    indicators = extract_indicators(seeds.reports, sentences=seeds.sentences,
                                    sections=seeds.sections)
    headlines = select_headlines(indicators, seeds.reports)
    doc = seeds.reports.set_index("file").loc[file, "doc_id"]
    assert not (headlines["doc_id"] == doc).any()
