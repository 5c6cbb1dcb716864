"""Build a folder of reports into partitioned Parquet tables: in parallel, and incrementally.

``build_corpus`` is what ``python -m analysis build`` runs. It splits the files into chunks
(200 files each), and each worker process turns a chunk into one part file per table, so no
process ever holds the whole corpus: ``OUT/tokens.parquet/part-00003.parquet`` and so on.
pandas (``pd.read_parquet(OUT / "tokens.parquet")``), pyarrow and DuckDB
(``read_parquet('OUT/tokens.parquet/*.parquet')``) read each folder as one table.

A rebuild reads ``OUT/_build/state.parquet``, which records every input file's size and
modification time: only new or changed files are processed (into new chunks); a removed or
changed file's rows are filtered out of its old chunk; a new lexicon re-tokenizes the stored
sentences without parsing anything again. A change of the parsing code or of the manifest
rebuilds from scratch. The result equals a serial build from scratch (tested).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.loading import (
    FILE_COLUMNS,
    MANIFEST_NAME,
    Corpus,
    add_labels,
    assemble_corpus,
    load_manifest,
    read_input,
)

CHUNK_SIZE = 200
PART_TABLES = ("reports", "sections", "paragraphs", "sentences", "tokens", "counts",
               "indicators")
STATE_DIR = "_build"
# The modules and resources whose change alters parsing: any change rebuilds from scratch.
_PARSE_SOURCES = ("formats.py", "normalizing.py", "metadata.py", "places.py", "segmenting.py",
                  "loading.py", "indicators.py", "building.py", "resources/agency_names.tsv",
                  "resources/indicator_categories.tsv", "resources/indicator_programmes.txt")


def parse_fingerprint() -> str:
    """Hash of the parsing code, its resources and the gazetteer's version."""
    digest = hashlib.sha256()
    for name in _PARSE_SOURCES:
        digest.update(name.encode())
        digest.update((paths.PACKAGE_DIR / name).read_bytes())
    for package in ("jionlp", "trafilatura", "python-docx", "pypdfium2"):
        try:
            digest.update(f"{package}={importlib_metadata.version(package)}".encode())
        except importlib_metadata.PackageNotFoundError:
            digest.update(f"{package}=none".encode())
    return digest.hexdigest()


@dataclass
class BuildSummary:
    """What a build did; ``status`` counts input files by their fate."""

    n_files: int = 0
    processed: int = 0
    reused: int = 0
    removed: int = 0
    retokenized_chunks: int = 0
    full: bool = True
    seconds: float = 0.0
    status: dict[str, int] = field(default_factory=dict)


def _scan(root: Path) -> pd.DataFrame:
    rows = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if name == MANIFEST_NAME or name.startswith(STATE_DIR + "/"):
            continue
        stat = path.stat()
        rows.append({"file": name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    return pd.DataFrame(rows, columns=["file", "size", "mtime_ns"])


def _part(out: Path, table: str, chunk: int) -> Path:
    return out / f"{table}.parquet" / f"part-{chunk:05d}.parquet"


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    frame.to_parquet(partial, index=False)
    os.replace(partial, path)


def _token_tables(sentences: pd.DataFrame, config) -> tuple[pd.DataFrame, pd.DataFrame]:
    from analysis.tokenizing import load_tokens

    # The build's own part files are its cache; per-report cache files would only add I/O.
    tokens = load_tokens(sentences, config=config, cache=False)
    # The long document-term table: what term statistics need, a fraction of the tokens' size.
    counts = (tokens.groupby(["doc_id", "token", "kind", "is_stop", "is_filler",
                              "in_lexicon"], sort=True, observed=True)
              .size().rename("n").reset_index())
    return tokens, counts


def build_chunk(task: dict) -> dict:
    """Parse, tokenize and extract one chunk of files, and write its part files.

    This is the per-partition function: it reads only its own files and writes only its
    own part files, so it runs unchanged in a local process pool or as a Dask or Spark task
    over a shared file system (see the README's "Beyond one machine").

    Parameters
    ----------
    task : dict
        ``root`` (folder of reports), ``out`` (output folder), ``chunk`` (part number),
        ``files`` (names relative to ``root``), ``manifest`` (the manifest rows of these files,
        or None), ``config`` (TokenizerConfig).

    Returns
    -------
    dict
        ``chunk``, ``files`` (their rows of files.csv plus ``chunk``) and ``reports`` (their
        rows of the reports table without text), for the corpus-wide steps: duplicates
        across chunks, labels, files.csv.
    """
    from analysis.indicators import load_indicators

    root, out, chunk = Path(task["root"]), Path(task["out"]), task["chunk"]
    results = [read_input(root / name, name) for name in task["files"]]
    manifest = task["manifest"]
    corpus = assemble_corpus(results, manifest=manifest)
    files = corpus.files[corpus.files["status"] != "missing"]
    tokens, counts = _token_tables(corpus.sentences, task["config"])
    indicators = load_indicators(corpus.reports, sentences=corpus.sentences,
                                 sections=corpus.sections)
    tables = {"reports": corpus.reports.drop(columns=["label"]), "sections": corpus.sections,
              "paragraphs": corpus.paragraphs, "sentences": corpus.sentences,
              "tokens": tokens, "counts": counts, "indicators": indicators}
    for table, frame in tables.items():
        _write(frame, _part(out, table, chunk))
    return {"chunk": chunk, "files": files.assign(chunk=chunk),
            "reports": corpus.reports.drop(columns=["text", "label"])}


def _retokenize_chunk(task: dict) -> int:
    out, chunk = Path(task["out"]), task["chunk"]
    sentences = pd.read_parquet(_part(out, "sentences", chunk))
    tokens, counts = _token_tables(sentences, task["config"])
    _write(tokens, _part(out, "tokens", chunk))
    _write(counts, _part(out, "counts", chunk))
    return chunk


def _drop_docs(out: Path, chunk: int, doc_ids: set[str]) -> None:
    for table in PART_TABLES:
        path = _part(out, table, chunk)
        if path.exists():
            frame = pd.read_parquet(path)
            _write(frame[~frame["doc_id"].isin(doc_ids)].reset_index(drop=True), path)


def _run(function, tasks: list[dict], *, workers: int, progress, weight) -> list:
    results = []
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            results.append(function(task))
            if progress is not None:
                progress.update(weight(task))
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for task, result in zip(tasks, pool.map(function, tasks), strict=True):
            results.append(result)
            if progress is not None:
                progress.update(weight(task))
    return results


def build_corpus(
    reports_dir: Path | str,
    out: Path | str,
    *,
    manifest: Path | str | None = None,
    workers: int | None = None,
    full: bool = False,
    config=None,
    progress: bool | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> BuildSummary:
    """Build (or rebuild incrementally) the partitioned tables of a folder of reports.

    Parameters
    ----------
    reports_dir : path
        Folder of report files, read recursively.
    out : path
        Output folder: ``<table>.parquet/part-NNNNN.parquet`` for reports, sections,
        paragraphs, sentences, tokens, counts (doc_id, token, kind, flags, n) and indicators;
        ``reports.csv`` (without text, with ``label``) and ``files.csv``; ``_build/`` state.
    manifest : path, optional
        Curated metadata; default ``reports_dir/manifest.csv`` when present.
    workers : int, optional
        Worker processes; default the number of CPUs. 1 runs serially in this process.
    full : bool
        Ignore the saved state and rebuild everything.
    config : TokenizerConfig, optional
        Tokenizer configuration; a change re-tokenizes without re-parsing.
    progress : bool, optional
        Progress bar on stderr; by default for more than 50 files.

    Returns
    -------
    BuildSummary
    """
    from analysis.tokenizing import TokenizerConfig

    started = time.perf_counter()
    root, out = Path(reports_dir), Path(out)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such folder")
    config = config if config is not None else TokenizerConfig()
    workers = workers or os.cpu_count() or 1
    manifest_path = Path(manifest) if manifest else (
        root / MANIFEST_NAME if (root / MANIFEST_NAME).is_file() else None)
    manifest_rows = load_manifest(manifest_path) if manifest_path else None
    meta = {"parse": parse_fingerprint(),
            "tokens": config.segmentation_fingerprint() + config.fingerprint(),
            "manifest": hashlib.sha256(manifest_path.read_bytes()).hexdigest()
            if manifest_path else None,
            "root": str(root.resolve())}

    state_dir = out / STATE_DIR
    state, old_meta = None, {}
    if not full and (state_dir / "state.parquet").is_file():
        old_meta = json.loads((state_dir / "meta.json").read_text(encoding="utf-8"))
        if all(old_meta.get(k) == meta[k] for k in ("parse", "manifest", "root")):
            state = pd.read_parquet(state_dir / "state.parquet")
            index = pd.read_parquet(state_dir / "reports.parquet")
    summary = BuildSummary(full=state is None)
    if state is None:
        for table in PART_TABLES:
            # An older build wrote single files where part folders now go.
            target = out / f"{table}.parquet"
            if target.is_file():
                target.unlink()
            shutil.rmtree(target, ignore_errors=True)
        state = pd.DataFrame(columns=[*FILE_COLUMNS, "chunk", "size", "mtime_ns"])
        index = pd.DataFrame()
    out.mkdir(parents=True, exist_ok=True)

    scan = _scan(root)
    merged = scan.merge(state[["file", "size", "mtime_ns", "chunk", "doc_id", "status"]],
                        on="file", how="outer", suffixes=("", "_old"), indicator=True)
    unchanged = merged[(merged["_merge"] == "both") & (merged["size"] == merged["size_old"])
                       & (merged["mtime_ns"] == merged["mtime_ns_old"])]
    gone = merged[merged["_merge"] == "right_only"]
    changed = merged[(merged["_merge"] == "both") & ~merged["file"].isin(unchanged["file"])]
    stale = pd.concat([gone, changed])
    # A file that duplicated a report about to disappear must be read again to take its place.
    stale_docs = set(stale["doc_id"].dropna())
    revived = unchanged[(unchanged["status"] == "duplicate") & unchanged["doc_id"].isin(stale_docs)]
    todo = sorted(set(merged.loc[merged["_merge"] == "left_only", "file"])
                  | set(changed["file"]) | set(revived["file"]))
    kept = state[state["file"].isin(set(unchanged["file"]) - set(revived["file"]))]
    for chunk, group in stale[stale["status"] == "loaded"].groupby("chunk"):
        _drop_docs(out, int(chunk), set(group["doc_id"]))
    summary.removed, summary.reused, summary.n_files = len(gone), len(kept), len(scan)

    show = progress if progress is not None else len(todo) > 50
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="reports", unit="file", file=sys.stderr)
    if not summary.full and old_meta.get("tokens") != meta["tokens"]:
        chunks = sorted(int(c) for c in kept.loc[kept["status"] == "loaded", "chunk"].unique())
        _run(_retokenize_chunk, [{"out": str(out), "chunk": c, "config": config} for c in chunks],
             workers=workers, progress=None, weight=lambda t: 0)
        summary.retokenized_chunks = len(chunks)

    first = int(state["chunk"].max()) + 1 if len(state) else 0
    tasks = []
    for k in range(0, len(todo), chunk_size):
        files = todo[k : k + chunk_size]
        rows = None
        if manifest_rows is not None:
            names = set(files) | {Path(f).name for f in files}
            rows = manifest_rows[manifest_rows["file"].isin(names)].reset_index(drop=True)
        tasks.append({"root": str(root), "out": str(out), "chunk": first + k // chunk_size,
                      "files": files, "manifest": rows, "config": config})
    results = _run(build_chunk, tasks, workers=workers, progress=bar,
                   weight=lambda t: len(t["files"]))
    if bar is not None:
        bar.close()
    summary.processed = len(todo)

    new_files = [r["files"] for r in results]
    files = pd.concat([kept[[*FILE_COLUMNS, "chunk"]], *new_files], ignore_index=True)
    files = files.merge(scan, on="file", how="left")
    new_index = [r["reports"] for r in results]
    index = pd.concat([index[index["doc_id"].isin(set(kept.loc[kept["status"] == "loaded",
                                                               "doc_id"]))]
                       if len(index) else index, *new_index], ignore_index=True)
    files, index = _resolve_duplicates(out, files, index)
    _finish(out, files, index, manifest_rows, meta)
    summary.status = files["status"].value_counts().sort_index().to_dict()
    summary.seconds = time.perf_counter() - started
    return summary


def _resolve_duplicates(out: Path, files: pd.DataFrame,
                        index: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    # The same report in two files: the first in path order is kept, as in load_corpus.
    files = files.sort_values("file", kind="stable").reset_index(drop=True)
    first: dict[str, str] = {}
    for k, row in files.iterrows():
        if row["status"] not in ("loaded", "duplicate") or pd.isna(row["doc_id"]):
            continue
        doc_id = row["doc_id"]
        if doc_id not in first:
            first[doc_id] = row["file"]
            continue
        if row["status"] == "loaded":
            _drop_docs(out, int(row["chunk"]), {doc_id})
            index = index[~((index["doc_id"] == doc_id) & (index["file"] == row["file"]))]
        files.loc[k, ["status", "reason"]] = ["duplicate", f"same report text as {first[doc_id]}"]
    return files, index.reset_index(drop=True)


def _finish(out: Path, files: pd.DataFrame, index: pd.DataFrame,
            manifest_rows: pd.DataFrame | None, meta: dict) -> None:
    files = files.sort_values("file", kind="stable").reset_index(drop=True)
    if manifest_rows is not None:
        present = set(files["file"]) | {Path(f).name for f in files["file"]}
        missing = [{"file": name, "status": "missing",
                    "reason": f"manifest row {n} names a file that is not in the corpus"}
                   for n, name in enumerate(manifest_rows["file"], start=2)
                   if name not in present]
        files = pd.concat([files, pd.DataFrame(missing)], ignore_index=True)
    index = add_labels(index.sort_values("file", kind="stable").reset_index(drop=True))
    index.to_csv(out / "reports.csv", index=False)
    files[FILE_COLUMNS].to_csv(out / "files.csv", index=False)
    state_dir = out / STATE_DIR
    state_dir.mkdir(exist_ok=True)
    _write(files[files["status"] != "missing"], state_dir / "state.parquet")
    _write(index.drop(columns=["label"]), state_dir / "reports.parquet")
    (state_dir / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


def read_table(out: Path | str, table: str, *, columns: Sequence[str] | None = None,
               filters=None) -> pd.DataFrame:
    """Read one partitioned table of a build, e.g. ``read_table(out, "counts")``.

    ``columns`` and pyarrow ``filters`` (``[("doc_id", "in", ids)]``) read only what is
    needed, so a corpus larger than memory can be queried piece by piece.

    Returns
    -------
    DataFrame
        The table's rows in chunk order.
    """
    folder = Path(out) / f"{table}.parquet"
    if not folder.exists():
        raise FileNotFoundError(f"{folder}: no such table; run `python -m analysis build`")
    parts = sorted(folder.glob("part-*.parquet"))
    frames = [pd.read_parquet(p, columns=list(columns) if columns else None, filters=filters)
              for p in parts]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def load_tables(out: Path | str) -> Corpus:
    """The built tables as a :class:`Corpus`, in the same order as :func:`load_corpus`.

    Returns
    -------
    Corpus
        reports (with ``label``), sections, paragraphs, sentences, files.
    """
    out = Path(out)
    index = pd.read_csv(out / "reports.csv", usecols=["doc_id", "label"], dtype=str)
    reports = read_table(out, "reports").merge(index, on="doc_id", how="left")
    order = {doc: k for k, doc in enumerate(reports.sort_values("file")["doc_id"])}

    def ordered(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        if frame.empty:
            return frame
        rank = frame["doc_id"].map(order)
        return (frame.assign(_rank=rank).sort_values(["_rank", *keys], kind="stable")
                .drop(columns="_rank").reset_index(drop=True))

    from analysis.loading import REPORT_COLUMNS, _tidy

    reports = ordered(reports, [])[REPORT_COLUMNS]
    files = pd.read_csv(out / "files.csv", dtype={"doc_id": str}, keep_default_na=True)
    return Corpus(
        _tidy(reports),
        _tidy(ordered(read_table(out, "sections"), ["section_id"])),
        _tidy(ordered(read_table(out, "paragraphs"), ["para_id"])),
        _tidy(ordered(read_table(out, "sentences"), ["sent_id"])),
        _tidy(files),
    )
