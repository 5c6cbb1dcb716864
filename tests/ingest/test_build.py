"""Parallel and incremental builds give the same tables as a serial build from scratch."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import load_corpus, select_reports
from analysis.ingest.build import PART_TABLES, build_corpus, read_table, read_tables
from analysis.paths import ROOT, SEEDS
from analysis.text import TokenizerConfig

sys.path.insert(0, str(ROOT / "benchmarks"))
from make_corpus import make_corpus  # noqa: E402
from reference_tables import fingerprints  # noqa: E402


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Twelve generated reports plus the five seeds, their manifest and one bad file."""
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(12, folder, seed=3)
    for path in SEEDS.glob("*"):
        shutil.copy(path, folder / path.name)
    (folder / "empty.txt").write_bytes(b"")
    return folder


def _copy(folder: Path, target: Path) -> Path:
    shutil.copytree(folder, target)
    return target


def _assert_same(a, b) -> None:
    for name, table in a.tables().items():
        other = b.tables()[name]
        assert list(table.columns) == list(other.columns), name
        pd.testing.assert_frame_equal(table.reset_index(drop=True), other.reset_index(drop=True),
                                      check_dtype=False, obj=name)


def _tokens(out: Path) -> pd.DataFrame:
    return read_table(out, "tokens").sort_values(["doc_id", "position"]).reset_index(drop=True)


def test_parallel_build_equals_serial_and_in_memory(generated, tmp_path):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    build_corpus(generated, serial, workers=1, chunk_size=4)
    build_corpus(generated, parallel, workers=2, chunk_size=4)
    _assert_same(read_tables(serial), read_tables(parallel))
    _assert_same(read_tables(serial), load_corpus(generated))
    pd.testing.assert_frame_equal(_tokens(serial), _tokens(parallel))
    # 17 reports and the empty file, in five chunks of at most four files; the folder's
    # manifest.csv has its own row.
    files = pd.read_csv(serial / "files.csv")
    assert len(files) == 19 and (files["status"] == "loaded").sum() == 17
    # The CSVs start with a UTF-8 BOM, so that Excel on Chinese Windows reads them as UTF-8.
    for name in ("files.csv", "reports.csv", "headlines_wide.csv"):
        raw = (serial / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        assert raw[3:].decode("utf-8").startswith(("file,", "doc_id,")), name
    assert files.set_index("file").loc["manifest.csv", "status"] == "manifest"
    assert len(list((serial / "tokens.parquet").glob("part-*.parquet"))) == 5


def test_incremental_add_change_remove(generated, tmp_path):
    folder = _copy(generated, tmp_path / "reports")
    out = tmp_path / "out"
    first = build_corpus(folder, out, workers=1, chunk_size=4)
    assert first.full and first.processed == 18

    # Add one report: only it is processed.
    shutil.copy(folder / "report_00000.txt", tmp_path / "keep.txt")
    make_corpus(13, tmp_path / "more", seed=3)
    shutil.copy(tmp_path / "more" / "report_00012.txt", folder / "report_00012.txt")
    added = build_corpus(folder, out, workers=1, chunk_size=4)
    assert (added.full, added.processed, added.reused) == (False, 1, 18)
    _assert_same(read_tables(out), load_corpus(folder))

    # Change one, remove another: the changed one is processed again, the removed one dropped.
    text = (folder / "report_00003.txt").read_text(encoding="utf-8")
    (folder / "report_00003.txt").write_text(text.replace("。", "。\n", 1), encoding="utf-8")
    os.remove(folder / "report_00005.txt")
    changed = build_corpus(folder, out, workers=1, chunk_size=4)
    assert (changed.processed, changed.removed) == (1, 1)
    _assert_same(read_tables(out), load_corpus(folder))
    fresh = tmp_path / "fresh"
    build_corpus(folder, fresh, workers=1, chunk_size=4)
    pd.testing.assert_frame_equal(_tokens(out), _tokens(fresh))
    pd.testing.assert_frame_equal(
        read_table(out, "indicators").sort_values(["doc_id", "start"]).reset_index(drop=True),
        read_table(fresh, "indicators").sort_values(["doc_id", "start"]).reset_index(drop=True))

    # Nothing changed: nothing is processed.
    again = build_corpus(folder, out, workers=1, chunk_size=4)
    assert (again.processed, again.removed, again.retokenized_chunks) == (0, 0, 0)


def test_unchanged_folder_keeps_the_published_build(generated, tmp_path):
    folder = _copy(generated, tmp_path / "reports")
    out = tmp_path / "out"
    first = build_corpus(folder, out, workers=1, chunk_size=4)
    files_csv = (out / "files.csv").read_bytes()
    # Nothing changed: no generation is written, and the summary is the previous build's.
    (out / "reports.csv").unlink()  # a stable link deleted by hand comes back
    again = build_corpus(folder, out, workers=1, chunk_size=4)
    assert again.generation == first.generation and not again.full
    # 18 files read (17 reports and the empty file); the manifest is no entry of its own.
    assert (again.processed, again.reused, again.n_files) == (0, 18, first.n_files) \
        == (0, 18, 18)
    assert again.status == first.status == {"loaded": 17, "manifest": 1, "skipped": 1}
    assert (out / "reports.csv").is_symlink() and (out / "files.csv").read_bytes() == files_csv
    # An entry that is never read (a broken link) is new: a new generation lists it.
    os.symlink(tmp_path / "outside.txt", folder / "link.txt")
    linked = build_corpus(folder, out, workers=1, chunk_size=4)
    assert linked.generation != first.generation and linked.processed == 0
    reason = pd.read_csv(out / "files.csv").set_index("file").loc["link.txt", "reason"]
    assert reason.startswith("broken symbolic link")
    # Its target appears outside the folder: same stat of the link, another reason.
    (tmp_path / "outside.txt").write_text("外面", encoding="utf-8")
    relinked = build_corpus(folder, out, workers=1, chunk_size=4)
    assert relinked.generation != linked.generation and relinked.processed == 0
    reason = pd.read_csv(out / "files.csv").set_index("file").loc["link.txt", "reason"]
    assert "outside the reports folder, not followed" in reason
    # Touched but not changed: the content is hashed again and the new stat recorded, once.
    os.utime(folder / "report_00002.txt", ns=(1, 1))
    touched = build_corpus(folder, out, workers=1, chunk_size=4)
    assert touched.generation != relinked.generation and touched.processed == 0
    assert build_corpus(folder, out, workers=1, chunk_size=4).generation == touched.generation
    # Another tokenizer configuration is not the same build.
    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text("term\tsource\n城市管理执法\ttest\n", encoding="utf-8")
    other = build_corpus(folder, out, workers=1, chunk_size=4,
                         config=TokenizerConfig(lexicon=lexicon))
    assert other.generation != touched.generation and other.retokenized_chunks == 5


def test_duplicate_added_later_in_path_order(generated, tmp_path):
    folder = _copy(generated, tmp_path / "reports")
    out = tmp_path / "out"
    build_corpus(folder, out, workers=1, chunk_size=4)
    # A copy that sorts before the original: it becomes the kept one, as in load_corpus.
    shutil.copy(folder / "report_00004.txt", folder / "a_copy.txt")
    build_corpus(folder, out, workers=1, chunk_size=4)
    files = pd.read_csv(out / "files.csv").set_index("file")
    assert files.loc["report_00004.txt", "status"] == "duplicate"
    assert files.loc["report_00004.txt", "reason"] == "same report text as a_copy.txt"
    _assert_same(read_tables(out), load_corpus(folder))
    # Removing the kept copy brings the original back.
    os.remove(folder / "a_copy.txt")
    build_corpus(folder, out, workers=1, chunk_size=4)
    _assert_same(read_tables(out), load_corpus(folder))


def test_lexicon_change_retokenizes_without_parsing(generated, tmp_path):
    out = tmp_path / "out"
    build_corpus(generated, out, workers=1, chunk_size=6)
    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text("term\tsource\n城市管理执法\ttest\n", encoding="utf-8")
    config = TokenizerConfig(lexicon=lexicon)
    summary = build_corpus(generated, out, workers=1, chunk_size=6, config=config)
    assert summary.processed == 0 and summary.retokenized_chunks == 3
    fresh = tmp_path / "fresh"
    build_corpus(generated, fresh, workers=1, chunk_size=6, config=config)
    pd.testing.assert_frame_equal(_tokens(out), _tokens(fresh))
    assert "城市管理执法" in set(_tokens(out)["token"])


def test_counts_table_matches_tokens(generated, tmp_path):
    out = tmp_path / "out"
    build_corpus(generated, out, workers=1)
    counts = read_table(out, "counts")
    tokens = read_table(out, "tokens")
    by_hand = tokens.groupby(["doc_id", "token"]).size()
    assert counts.groupby(["doc_id", "token"])["n"].sum().sort_index().equals(by_hand.sort_index())


def test_selection_is_the_same_in_memory_and_on_disk(generated, tmp_path):
    # A corpus you can cut: the same criteria give the same tables from a build (reading
    # only the kept rows) and from load_corpus.
    out = tmp_path / "out"
    build_corpus(generated, out, workers=1, chunk_size=6)
    corpus = load_corpus(generated)
    for where in ({"year": [2023, 2024]}, {"admin_level": "district", "complete": True},
                  {"province": "广东省"}, {"year": 1990}):
        selected = corpus.select(**where)
        _assert_same(read_tables(out, where=where), selected)
        kept = select_reports(corpus.reports, **where)
        assert list(selected.reports["doc_id"]) == list(kept["doc_id"])
        assert set(selected.sentences["doc_id"]) <= set(kept["doc_id"])
        counts = read_table(out, "counts", doc_ids=kept["doc_id"])
        assert set(counts["doc_id"]) == set(kept["doc_id"])  # every report has tokens, none else
    # Every year kept by hand: the years of the kept reports are exactly those asked for.
    two_years = corpus.select(year=[2023, 2024]).reports
    assert set(two_years["year"]) <= {2023, 2024} and len(two_years) == int(
        corpus.reports["year"].isin([2023, 2024]).sum())
    with pytest.raises(ValueError, match=r"cannot select reports by \['colour'\]"):
        corpus.select(colour="red")


def _parts(out: Path) -> dict[str, int]:
    return {t: len(list((out / f"{t}.parquet").glob("part-*.parquet"))) for t in PART_TABLES}


def test_incremental_builds_keep_no_more_parts_than_a_fresh_build(tmp_path):
    # Guards: every incremental build added one small part per table, so a folder that grew
    # a report at a time gathered a part per build. Thirty builds that each add a report
    # (one also removes a report and edits another, in chunks merged by then) must leave no
    # more parts than a fresh build of the final folder, with the same tables.
    folder, out = tmp_path / "reports", tmp_path / "out"
    make_corpus(10, folder, seed=5)
    make_corpus(30, tmp_path / "more", seed=6)
    build_corpus(folder, out, workers=1, chunk_size=4, progress=False)
    compacted = 0
    for k in range(30):
        shutil.copy(tmp_path / "more" / f"report_{k:05d}.txt", folder / f"added_{k:03d}.txt")
        if k == 15:
            os.remove(folder / "report_00009.txt")
            edited = folder / "report_00008.txt"
            edited.write_text(edited.read_text(encoding="utf-8").replace("。", "。\n", 1),
                              encoding="utf-8")
        summary = build_corpus(folder, out, workers=1, chunk_size=4, progress=False)
        assert summary.processed == (2 if k == 15 else 1)
        n_files = len(list(folder.glob("*.txt")))
        assert max(_parts(out).values()) <= math.ceil(n_files / 4), (k, _parts(out))
        compacted += summary.compacted_chunks
    assert compacted > 0
    # Every file's recorded chunk is a part on disk, so later builds still find its rows.
    state = pd.read_parquet(out / "_build" / "files.parquet")
    on_disk = {int(p.name[5:10]) for p in (out / "reports.parquet").glob("part-*.parquet")}
    assert set(state.loc[state["status"] == "loaded", "chunk"]) <= on_disk
    fresh = tmp_path / "fresh"
    build_corpus(folder, fresh, workers=1, chunk_size=4, progress=False)
    assert all(_parts(out)[t] <= _parts(fresh)[t] for t in PART_TABLES), (_parts(out),
                                                                          _parts(fresh))
    assert fingerprints(out) == fingerprints(fresh)
    _assert_same(read_tables(out), read_tables(fresh))


def test_compaction_splits_many_partial_chunks_and_drops_empty_ones(tmp_path):
    # Chunks of two (a build with a smaller chunk size) merged under chunks of four: the
    # files of six partial chunks are spread over three new ones, a report never split
    # between parts. Then every file of one chunk goes: its empty parts are dropped.
    folder, out = tmp_path / "reports", tmp_path / "out"
    make_corpus(11, folder, seed=8)
    (folder / "report_00010.txt").rename(tmp_path / "later.txt")
    build_corpus(folder, out, workers=1, chunk_size=2, progress=False)
    assert set(_parts(out).values()) == {5}
    (tmp_path / "later.txt").rename(folder / "report_00010.txt")
    summary = build_corpus(folder, out, workers=1, chunk_size=4, progress=False)
    assert summary.compacted_chunks == 6 and set(_parts(out).values()) == {3}
    fresh = tmp_path / "fresh"
    build_corpus(folder, fresh, workers=1, chunk_size=4, progress=False)
    assert fingerprints(out) == fingerprints(fresh)
    state = pd.read_parquet(out / "_build" / "files.parquet")
    assert sorted(state.groupby("chunk").size()) == [3, 4, 4]
    for name in state.loc[state["chunk"] == state["chunk"].max(), "file"]:
        os.remove(folder / name)
    build_corpus(folder, out, workers=1, chunk_size=4, progress=False)
    assert set(_parts(out).values()) == {2}
    shutil.rmtree(fresh)
    build_corpus(folder, fresh, workers=1, chunk_size=4, progress=False)
    assert fingerprints(out) == fingerprints(fresh)


def test_a_build_process_imports_no_optional_or_analysis_only_library(tmp_path):
    # Dask is an optional extra, imported only with --scheduler; scipy.stats alone took about
    # a second in every build process, through analysis.stats (the readability counts). A
    # build neither tests, plots nor searches for reuse.
    report = sorted(p for p in SEEDS.iterdir() if p.name != "manifest.csv")[0]
    script = ("import sys\n"
              "from analysis.__main__ import main\n"
              f"assert main(['build', {str(report)!r}, '--out', "
              f"{str(tmp_path / 'out')!r}, '--workers', '1']) == 0\n"
              "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', "
              "'scipy', 'datasketch', 'matplotlib', 'seaborn', 'sklearn'})\n"
              "assert not loaded, loaded\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
