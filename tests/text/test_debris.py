"""Debris among the distinctive terms: the share of top-50 terms that are fragments.

The distinctive terms of a report are computed as notebook 03 computes them: the counted
terms (``select_terms`` with ``drop_filler=True, min_len=2`` and the default kinds, so no
agency or place names and no single characters), place names left out (``list_place_terms``),
and ``score_distinctive`` of each report against all the others, top 50 by z. The corpus is
the five seeds plus the twelve development openings.

Every term of these lists was read by hand in its report and labelled in
``tests/data/debris_terms.tsv`` (see its header for what counts as a fragment). A change of
the tokenizer or the lexicon that changes a list fails the first test until the new terms are
read and labelled: the file is the hand check, and the share is computed from it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from analysis import load_corpus, paths
from analysis.ingest.places import list_place_terms
from analysis.stats import score_distinctive
from analysis.text import select_terms, tokenize_sentences

LABELS = Path(__file__).parents[1] / "data" / "debris_terms.tsv"
TOP = 50
MAX_SHARE = 0.02


def top_distinctive(files: list[Path]) -> pd.DataFrame:
    """Top distinctive terms per report, one report against the rest, as in notebook 03."""
    corpus = load_corpus(files, manifest=False)
    tokens = tokenize_sentences(corpus.sentences, cache=False)
    terms = select_terms(tokens, drop_filler=True, min_len=2)
    places = list_place_terms(terms["token"])
    distinctive = score_distinctive(terms, by="doc_id", top=TOP, exclude=places)
    report = {row.doc_id: Path(row.file).name for row in corpus.reports.itertuples()}
    distinctive["report"] = distinctive["doc_id"].map(report)
    distinctive["rank"] = distinctive.groupby("report").cumcount() + 1
    return distinctive[["report", "rank", "term", "z"]]


def read_labels() -> pd.DataFrame:
    with LABELS.open(encoding="utf-8") as fh:
        rows = [row for row in csv.DictReader((line for line in fh if not line.startswith("#")),
                                              delimiter="\t")]
    return pd.DataFrame(rows, columns=["report", "rank", "term", "fragment", "why"])


@pytest.fixture(scope="module")
def lists(dev_openings):
    files = sorted(paths.SEEDS.glob("*.txt")) + sorted(Path(dev_openings).glob("*.txt"))
    return top_distinctive(files)


def test_labels_file_is_well_formed():
    labels = read_labels()
    assert not labels.empty
    assert set(labels["fragment"]) <= {"yes", "no"}
    assert not labels.duplicated(["report", "term"]).any()
    # Every fragment says why.
    assert (labels.loc[labels["fragment"] == "yes", "why"].str.len() > 0).all()


def test_every_listed_term_is_labelled(lists):
    labels = read_labels()
    listed = set(zip(lists["report"], lists["term"], strict=True))
    labelled = set(zip(labels["report"], labels["term"], strict=True))
    unlabelled = sorted(listed - labelled)
    stale = sorted(labelled - listed)
    assert not unlabelled, f"read these terms in their reports and label them: {unlabelled}"
    assert not stale, f"no longer in the top {TOP}, remove from {LABELS.name}: {stale}"


def test_every_report_has_its_top_terms(lists):
    # 17 reports; each has at least 50 distinct counted terms, so every list is full.
    assert lists["report"].nunique() == 17
    assert (lists.groupby("report").size() == TOP).all()


def test_fragment_share_is_at_most_two_percent(lists):
    labels = read_labels().set_index(["report", "term"])["fragment"]
    fragment = labels.reindex(pd.MultiIndex.from_frame(lists[["report", "term"]])) == "yes"
    share = fragment.mean()
    fragments = lists.loc[fragment.to_numpy(), ["report", "term"]].values.tolist()
    assert share <= MAX_SHARE, (share, fragments)
