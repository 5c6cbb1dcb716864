"""Shared fixtures: the seed corpus is loaded once per test session."""

from __future__ import annotations

import pytest

from analysis import load_corpus
from analysis.paths import DEV_OPENINGS, SEEDS


@pytest.fixture(scope="session")
def seeds():
    """The five seed reports with their manifest."""
    return load_corpus(SEEDS)


@pytest.fixture(scope="session")
def seeds_without_manifest():
    """The seeds with metadata inferred from the text alone."""
    return load_corpus(SEEDS, manifest=False)


@pytest.fixture(scope="session")
def dev_openings():
    """The twelve report openings in ../shared/dev-openings (absent in a user's clone)."""
    if not (DEV_OPENINGS / "truth.tsv").is_file():
        pytest.skip("../shared/dev-openings is not present")
    return DEV_OPENINGS
