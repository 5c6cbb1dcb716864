"""A build on a Dask cluster gives the default build's tables; its failures are one line, fast.

Dask is the optional extra ``distributed`` (the ``dev`` extra installs it); without it the
cluster tests are skipped, and the default build must not need it at all.
"""

from __future__ import annotations

import importlib.util
import shutil
import socket
import sys
import time
from pathlib import Path

import pytest

from analysis.__main__ import main
from analysis.ingest import publish
from analysis.ingest.build import build_corpus
from analysis.ingest.publish import BuildError, check_workers, connect
from analysis.paths import ROOT, SEEDS
from analysis.text import TokenizerConfig

sys.path.insert(0, str(ROOT / "benchmarks"))
from make_corpus import make_corpus  # noqa: E402
from reference_tables import fingerprints  # noqa: E402

needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="dask.distributed is not installed (extra 'distributed')")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The seeds with their manifest, plus six generated reports."""
    folder = tmp_path_factory.mktemp("reports")
    for path in SEEDS.glob("*"):
        shutil.copy(path, folder / path.name)
    make_corpus(6, folder / "generated", seed=21)
    return folder


def _assert_same_build(a: Path, b: Path) -> None:
    assert fingerprints(a) == fingerprints(b)
    for name in ("reports.csv", "files.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@needs_dask
def test_local_cluster_builds_the_same_tables(folder, tmp_path):
    # Both per-chunk functions run on the cluster: build_chunk in the first build,
    # _retokenize_chunk after a lexicon change. Chunks of three files: four chunks, so both
    # workers get some.
    default, cluster = tmp_path / "default", tmp_path / "cluster"
    build_corpus(folder, default, workers=1, chunk_size=3, progress=False)
    summary = build_corpus(folder, cluster, workers=2, chunk_size=3, progress=False,
                           scheduler="local")
    assert summary.processed == 11 and summary.status["loaded"] == 11
    _assert_same_build(cluster, default)

    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text("term\tsource\n城市管理执法\ttest\n", encoding="utf-8")
    config = TokenizerConfig(lexicon=lexicon)
    build_corpus(folder, default, workers=1, chunk_size=3, progress=False, config=config)
    summary = build_corpus(folder, cluster, workers=2, chunk_size=3, progress=False,
                           config=config, scheduler="local")
    assert summary.processed == 0 and summary.retokenized_chunks == 4
    _assert_same_build(cluster, default)


def _silent_server() -> socket.socket:
    # Accepts connections (the kernel completes them) and never says a word.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    return server


@needs_dask
@pytest.mark.parametrize("kind", ["closed port", "silent server"])
def test_unreachable_scheduler_fails_fast_in_one_line(kind, folder, tmp_path, monkeypatch,
                                                      capsys):
    monkeypatch.setattr(publish, "SCHEDULER_TIMEOUT", 2.0)
    server = _silent_server()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    if kind == "closed port":
        server.close()
    try:
        started = time.monotonic()
        status = main(["build", str(folder), "--out", str(tmp_path / "out"),
                       "--scheduler", address, "--no-progress"])
        seconds = time.monotonic() - started
    finally:
        server.close()
    assert status == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and address in lines[0], lines
    assert "cannot reach the Dask scheduler" in lines[0]
    assert seconds < 8, f"took {seconds:.1f} s"
    assert not (tmp_path / "out" / "current").exists()


@needs_dask
def test_a_worker_that_cannot_see_a_path_is_named(tmp_path):
    with connect("local", workers=1) as client:
        check_workers(client, readable=[SEEDS], writable=[tmp_path])
        with pytest.raises(BuildError, match=r"Dask worker tcp://127\.0\.0\.1:\d+ cannot read "
                           r".*absent: .*same paths \(a shared file system\)"):
            check_workers(client, readable=[SEEDS, tmp_path / "absent"], writable=[tmp_path])


def test_without_dask_the_scheduler_option_says_what_to_install(folder, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(BuildError, match=r"^--scheduler needs dask\.distributed: pip install "
                       r"'fzzf-analysis\[distributed\]'$"):
        build_corpus(folder, tmp_path / "out", scheduler="local")
