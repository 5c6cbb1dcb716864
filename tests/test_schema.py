"""Every table has the columns and dtypes that analysis/schema.py declares, from any source."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import load_corpus, read_table, read_tables, schema, select_headlines
from analysis.indicators import extract_indicators
from analysis.ingest.build import build_corpus
from analysis.paths import ROOT, SEEDS
from analysis.text import tokenize_sentences


def _assert_schema(frame: pd.DataFrame, table: str) -> None:
    assert list(frame.columns) == schema.columns(table), table
    assert {c: str(t) for c, t in frame.dtypes.items()} == schema.TABLES[table], table


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("built") / "out"
    build_corpus(SEEDS, out, workers=1)
    return out


def test_in_memory_tables(seeds):
    for table, frame in seeds.tables().items():
        _assert_schema(frame, table)
    _assert_schema(tokenize_sentences(seeds.sentences), "tokens")
    indicators = extract_indicators(seeds.reports, sentences=seeds.sentences,
                                    sections=seeds.sections)
    _assert_schema(indicators, "indicators")
    _assert_schema(select_headlines(indicators, seeds.reports), "headlines")


def test_built_tables(built):
    for table, frame in read_tables(built).tables().items():
        _assert_schema(frame, table)
    for table in ("tokens", "counts", "indicators", "headlines"):
        _assert_schema(read_table(built, table), table)


def test_empty_corpus_has_every_column(tmp_path):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "e.txt").write_bytes(b"")
    corpus = load_corpus(tmp_path / "r")
    for table, frame in corpus.tables().items():
        _assert_schema(frame, table)
    build_corpus(tmp_path / "r", tmp_path / "o", workers=1)
    for table in ("reports", "tokens", "counts", "indicators"):
        _assert_schema(read_table(tmp_path / "o", table), table)


def test_conform_casts_and_names_what_is_missing():
    frame = pd.DataFrame({"file": ["a.txt"], "status": ["skipped"], "reason": [None],
                          "doc_id": [pd.NA], "format": ["txt"], "encoding": [float("nan")],
                          "manifest_row": [None], "overridden": [None], "extra": [1]})
    out = schema.conform(frame, "files")
    _assert_schema(out, "files")
    assert out[["reason", "doc_id", "encoding"]].isna().all(axis=None)
    with pytest.raises(ValueError, match=r"files table lacks column\(s\) \['status'\]"):
        schema.conform(frame.drop(columns="status"), "files")


@pytest.mark.parametrize("dtype", ["str", "object", "category"])
def test_member_mask_is_isin(dtype):
    values = pd.Series(["a.txt", None, "b.txt", "c.txt", "a.txt"], dtype=dtype)
    expected = [True, False, False, True, True]
    assert schema.member_mask(values, {"a.txt", "c.txt", "d.txt"}).tolist() == expected
    assert schema.member_mask(values, ["c.txt", "a.txt"]).tolist() == expected
    assert values.isin({"a.txt", "c.txt"}).tolist() == expected
    assert schema.member_mask(values, set()).tolist() == [False] * 5
    assert schema.member_mask(values.iloc[:0], {"a.txt"}).tolist() == []


def test_readme_lists_the_schema():
    # The README's table of columns is the user's reference: it names exactly these columns.
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| [^|]+ \| (.+) \|$", text, flags=re.M))
    assert set(rows) == set(schema.TABLES)
    for table, cell in rows.items():
        named = re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", cell))
        assert sorted(named) == sorted(schema.columns(table)), table


def test_every_column_a_co_author_receives_is_described():
    # The workbook's codebook (analysis.ingest.export) is written from DESCRIPTIONS.
    exported = {"reports": schema.columns("reports"), "files": schema.columns("files"),
                "headlines": schema.columns("headlines")}
    assert set(schema.DESCRIPTIONS) == set(exported)
    for table, names in exported.items():
        described = schema.DESCRIPTIONS[table]
        assert [c for c in dict.fromkeys(names) if not described.get(c, "").strip()] == [], table
        assert set(described) <= set(names), f"{table}: descriptions of no column"
