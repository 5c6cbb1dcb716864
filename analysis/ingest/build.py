"""Build a folder of reports into partitioned Parquet tables: in parallel, incrementally, safely.

``build_corpus`` is what ``python -m analysis build`` runs. It splits the files into chunks
(200 files each), and each worker process turns a chunk into one part file per table, so no
process ever holds the whole corpus: ``OUT/tokens.parquet/part-00003.parquet`` and so on.
pandas (``pd.read_parquet(OUT / "tokens.parquet")``), pyarrow and DuckDB
(``read_parquet('OUT/tokens.parquet/*.parquet')``) read each folder as one table.

A rebuild reads the previous build's state, which records every input file's size, times
and SHA-256: only new or changed files are processed (into new chunks); a removed or
changed file's rows are filtered out of its old chunk; a new lexicon re-tokenizes the stored
sentences without parsing anything again. A change of the parsing code, the caps or the
manifest rebuilds from scratch. The result equals a serial build from scratch (tested).
The small chunks that incremental builds leave are merged (:mod:`analysis.ingest.parts`), so
a folder that grows a report at a time keeps no more part files than a fresh build writes.
With ``scheduler``, the chunks run on a Dask cluster instead of local processes.

Every build takes an exclusive lock on OUT and publishes its tables as a whole, atomically
(:mod:`analysis.ingest.publish`): a build killed at any point leaves the previous build in place,
and the next build equals a clean one (tested by killing builds at every write).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import paths, schema
from analysis.ingest.corpus import (
    FILE_COLUMNS,
    REPORT_COLUMNS,
    Corpus,
    add_labels,
    assemble_corpus,
    read_input,
    select_reports,
)
from analysis.ingest.manifest import resolve_manifests
from analysis.ingest.parts import PART_TABLES, compact_parts, drop_docs, part_path, write_part
from analysis.ingest.publish import (
    check_workers,
    connect,
    current_generation,
    link_entries,
    link_previous,
    locked,
    new_generation,
    prepare_out,
    publish,
    run_tasks,
)
from analysis.ingest.readers import DEFAULT_LIMITS, Limits
from analysis.ingest.scan import scan_sources
from analysis.ingest.state import (
    PUBLISHED_FILES,
    STATE_COLUMNS,
    STATE_DIR,
    entry_frame,
    file_sha256,
    parse_fingerprint,
    read_state,
    same_build,
)

__all__ = ["BuildSummary", "CHUNK_SIZE", "PART_TABLES", "STATE_COLUMNS", "STATE_DIR",
           "build_chunk", "build_corpus", "csv_safe", "parse_fingerprint", "read_table",
           "read_tables"]

CHUNK_SIZE = 200
@dataclass
class BuildSummary:
    """What a build did; ``status`` counts input files by their fate."""

    n_files: int = 0
    processed: int = 0
    reused: int = 0
    removed: int = 0
    retokenized_chunks: int = 0
    compacted_chunks: int = 0
    full: bool = True
    seconds: float = 0.0
    status: dict[str, int] = field(default_factory=dict)
    generation: str = ""
    warnings: list[str] = field(default_factory=list)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = "[" + "".join(_FORMULA_START).replace("-", "\\-") + "]"


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas.

    A title or file name that starts with ``=``, ``+``, ``-`` or ``@`` is a formula to
    Excel and LibreOffice (CSV injection); such a cell gets a leading ``'``, which the
    spreadsheet shows as text. Only the CSV exports are escaped; Parquet keeps the text.

    Returns
    -------
    DataFrame
        The same table with escaped text cells.
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            values = out[column]
            # Only the first character matters: a vectorised test, not a call per cell; on a
            # string column one regular expression in Arrow. In an object column only text
            # counts (a number such as -5 is no formula).
            risky = (values.str.match(_FORMULA_PATTERN) if values.dtype != object
                     else values.str[:1].isin(_FORMULA_START)).fillna(False)
            if bool(risky.to_numpy(dtype=bool).any()):
                out[column] = values.astype("object").where(
                    ~risky.to_numpy(dtype=bool), "'" + values.astype("object").astype(str))
    return out


def _token_tables(sentences: pd.DataFrame, config) -> dict[str, pd.DataFrame]:
    from analysis.stats.readability import score_readability
    from analysis.text import tokenize_sentences

    # The build's own part files are its cache; per-report cache files would only add I/O.
    tokens = tokenize_sentences(sentences, config=config, cache=False)
    # The long document-term table: what term statistics need, a fraction of the tokens' size.
    counts = (tokens.groupby(["doc_id", "token", "kind", "is_stop", "is_filler",
                              "in_lexicon"], sort=True, observed=True)
              .size().rename("n").reset_index())
    # Readability counts per section, so that a notebook scores any grouping by summing
    # them instead of reading every token.
    readability = score_readability(sentences, tokens, by=["doc_id", "section_id"])
    return {"tokens": tokens, "counts": schema.conform(counts, "counts"),
            "readability": schema.conform(readability, "readability")}


def build_chunk(task: dict) -> dict:
    """Parse, tokenize and extract one chunk of files, and write its part files.

    This is the per-partition function: it reads only its own files and writes only its
    own part files, so it runs unchanged in a local process pool or as a Dask or Spark task
    over a shared file system (see the README's "Beyond one machine").

    Parameters
    ----------
    task : dict
        ``out`` (the generation folder being written), ``chunk`` (part number),
        ``entries`` (:class:`analysis.ingest.scan.Entry` of the files), ``manifest`` (the
        manifest rows of these files, or None), ``config`` (TokenizerConfig), ``limits``
        (:class:`analysis.ingest.readers.Limits`).

    Returns
    -------
    dict
        ``chunk``, ``files`` (their rows of files.csv plus ``chunk`` and ``sha256``) and
        ``reports`` (their rows of the reports table without text), for the corpus-wide
        steps: duplicates across chunks, labels, files.csv.
    """
    from analysis.indicators import extract_indicators, select_headlines

    out, chunk = Path(task["out"]), task["chunk"]
    results = [read_input(entry, limits=task["limits"]) for entry in task["entries"]]
    corpus = assemble_corpus(results, manifest=task["manifest"])
    files = corpus.files[corpus.files["status"] != "missing"]
    sha = {r.name: r.sha256 for r in results}
    token_tables = _token_tables(corpus.sentences, task["config"])
    indicators = extract_indicators(corpus.reports, sentences=corpus.sentences,
                                 sections=corpus.sections)
    tables = {"reports": corpus.reports.drop(columns=["label"]), "sections": corpus.sections,
              "paragraphs": corpus.paragraphs, "sentences": corpus.sentences,
              **token_tables, "indicators": indicators,
              "headlines": select_headlines(indicators, corpus.reports)}
    for table, frame in tables.items():
        write_part(frame, part_path(out, table, chunk))
    return {"chunk": chunk,
            "files": files.assign(chunk=chunk, sha256=files["file"].map(sha).astype("object")),
            "reports": corpus.reports.drop(columns=["text", "label"])}


def _retokenize_chunk(task: dict) -> int:
    out, chunk = Path(task["out"]), task["chunk"]
    sentences = pd.read_parquet(part_path(out, "sentences", chunk))
    for table, frame in _token_tables(sentences, task["config"]).items():
        write_part(frame, part_path(out, table, chunk))
    return chunk


def build_corpus(
    reports_dir: Path | str | Sequence[Path | str],
    out: Path | str,
    *,
    manifest: Path | str | None = None,
    workers: int | None = None,
    full: bool = False,
    config=None,
    progress: bool | None = None,
    chunk_size: int = CHUNK_SIZE,
    limits: Limits = DEFAULT_LIMITS,
    follow_symlinks: bool = False,
    wait: bool = False,
    scheduler: str | None = None,
) -> BuildSummary:
    """Build (or rebuild incrementally) the partitioned tables of a folder of reports.

    Parameters
    ----------
    reports_dir : path or list of paths
        A folder of report files (read recursively), a file, or any mix of them in a list,
        named as :func:`~analysis.ingest.corpus.load_corpus` names them; every entry gets a
        row in files.csv.
    out : path
        Output folder (see :mod:`analysis.ingest.publish` for its layout):
        ``<table>.parquet/part-NNNNN.parquet`` for reports, sections, paragraphs,
        sentences, tokens, counts (doc_id, token, kind, flags, n) and indicators;
        ``reports.csv`` (without text, with ``label``) and ``files.csv``. It must not be
        inside a reports folder.
    manifest : path, optional
        Curated metadata in place of the top folder's ``manifest.csv``; every other
        ``manifest.csv`` in the tree applies to its folder (see
        :mod:`analysis.ingest.manifest`).
    workers : int, optional
        Worker processes; default the number of CPUs. 1 runs serially in this process.
    full : bool
        Ignore the saved state and rebuild everything.
    config : TokenizerConfig, optional
        Tokenizer configuration; a change re-tokenizes without re-parsing.
    progress : bool, optional
        Progress bar on stderr; by default for more than 50 files.
    limits : Limits
        Caps on input size; a file over a cap is skipped with a reason naming the cap.
    follow_symlinks : bool
        Follow symbolic links that leave the folder or point to folders.
    wait : bool
        Wait for another build writing into ``out`` to finish, instead of failing.
    scheduler : str, optional
        Run the per-chunk work on a Dask distributed cluster (``pip install
        'fzzf-analysis[distributed]'``): ``"local"`` starts one on this machine with
        ``workers`` processes, ``"tcp://host:8786"`` uses a running one, whose workers must
        see the reports and ``out`` at the same paths (a shared file system). The tables
        are the same as without it. A script that uses ``"local"`` needs the usual
        ``if __name__ == "__main__":`` guard, as with any process pool that spawns.

    Returns
    -------
    BuildSummary

    Raises
    ------
    BuildError
        ``out`` inside the reports folder, or a non-empty folder that is not a build;
        ``scheduler`` without Dask installed, a scheduler that cannot be reached, or a
        worker that cannot see the reports or ``out``.
    BuildLocked
        Another build holds ``out`` (unless ``wait``).
    ManifestError
        A malformed or ambiguous manifest, naming the file and rows.
    """
    sources = [Path(reports_dir)] if isinstance(reports_dir, (str, Path)) else \
        [Path(p) for p in reports_dir]
    if not sources:
        raise FileNotFoundError("no reports folder or file given")
    # One source that is not there is a typo; in a list it is a row of files.csv, as in
    # load_corpus, so that one missing file never stops a build.
    if len(sources) == 1 and not os.path.lexists(sources[0]):
        raise FileNotFoundError(f"{sources[0]}: no such folder or file")
    out = Path(out)
    if scheduler is not None:
        # A worker on another machine has another working folder: every path it gets is
        # absolute (the names in the tables are relative to the sources either way).
        sources, out = [Path(os.path.abspath(s)) for s in sources], Path(os.path.abspath(out))
    for source in (s for s in sources if os.path.lexists(s)):
        # A file given by itself is read alone: OUT may sit beside it, never around it.
        prepare_out(out, source)
    workers = workers or os.cpu_count() or 1
    with locked(out, wait=wait), connect(scheduler, workers=workers) as client:
        return _build_locked(sources, out, manifest=manifest, workers=workers, full=full,
                             config=config, progress=progress, chunk_size=chunk_size,
                             limits=limits, follow_symlinks=follow_symlinks, client=client)


def _build_locked(sources: list[Path], out: Path, *, manifest, workers, full, config,
                  progress, chunk_size, limits, follow_symlinks, client) -> BuildSummary:
    from analysis.text import TokenizerConfig

    started = time.perf_counter()
    config = config if config is not None else TokenizerConfig()
    base, entries = scan_sources(sources if len(sources) > 1 else sources[0],
                                 follow_symlinks=follow_symlinks)
    entries, plan = resolve_manifests(entries, manifest=manifest, base=base)
    meta = {"parse": parse_fingerprint(),
            # The readability counts come from the tokens: a change to their code redoes
            # them with the tokens, as a new tokenizer configuration does.
            "tokens": config.segmentation_fingerprint() + config.fingerprint() + hashlib.sha256(
                (paths.PACKAGE_DIR / "stats" / "readability.py").read_bytes()).hexdigest(),
            "manifest": plan.fingerprint,
            "root": [str(source.resolve()) for source in sources],
            "scan": {"limits": dataclasses.asdict(limits), "follow_symlinks": follow_symlinks}}

    previous = current_generation(out)
    state, index, old_meta, note = (None, pd.DataFrame(), {}, None) if full else \
        read_state(previous, meta)
    summary = BuildSummary(full=state is None)
    if note:
        summary.warnings.append(note)
    reusing = state is not None
    if not reusing:
        state = pd.DataFrame(columns=STATE_COLUMNS)
        index = pd.DataFrame()

    readable = [e for e in entries if e.reason is None]
    by_name = {e.name: e for e in readable}
    scan = entry_frame(readable)
    merged = scan.merge(state[["file", "size", "mtime_ns", "ctime_ns", "sha256", "chunk",
                               "doc_id", "status"]],
                        on="file", how="outer", suffixes=("", "_old"), indicator=True)
    both = merged["_merge"] == "both"
    same_stat = both & (merged["size"] == merged["size_old"]) \
        & (merged["mtime_ns"] == merged["mtime_ns_old"]) \
        & (merged["ctime_ns"] == merged["ctime_ns_old"])
    # Same size, other times: the content decides (a copy, a touch, a chmod leave it as it
    # was; an edit with its mtime put back does not). Only these files are hashed.
    recheck = both & ~same_stat & (merged["size"] == merged["size_old"]) \
        & merged["sha256"].notna()
    same_content = merged.loc[recheck].apply(
        lambda row: file_sha256(by_name[row["file"]].path) == row["sha256"], axis=1)
    unchanged_mask = same_stat.copy()
    if len(same_content):
        unchanged_mask.loc[same_content.index] = same_content.astype(bool)
    unchanged = merged[unchanged_mask]
    gone = merged[merged["_merge"] == "right_only"]
    changed = merged[both & ~unchanged_mask]
    stale = pd.concat([gone, changed])
    # A file that duplicated a report about to disappear must be read again to take its place.
    stale_docs = set(stale["doc_id"].dropna())
    revived = unchanged[(unchanged["status"] == "duplicate") & unchanged["doc_id"].isin(stale_docs)]
    todo = sorted(set(merged.loc[merged["_merge"] == "left_only", "file"])
                  | set(changed["file"]) | set(revived["file"]))
    kept_names = set(unchanged["file"]) - set(revived["file"])
    kept = state[schema.member_mask(state["file"], kept_names)]
    if reusing and not todo and stale.empty and bool(same_stat[both].all()) \
            and same_build(previous, meta, old_meta, entries, limits=limits):
        # Nothing to do: the published build stays as it is, and no generation is written.
        return _unchanged_summary(out, previous, summary, n_files=len(entries),
                                  reused=len(kept), started=started)
    staging, final = new_generation(out)
    if client is not None:
        resources = [config.lexicon, config.stopwords, config.filler,
                     getattr(config, "agency_names", None)]
        # Only what this process can read: an unreadable source is a row of files.csv.
        check_workers(client, readable=[p for p in (*sources, *resources)
                                        if p is not None and os.access(p, os.R_OK)],
                      writable=[staging])
    if reusing:
        link_previous(previous, staging, [f"{t}.parquet" for t in PART_TABLES])
    for chunk, group in stale[stale["status"] == "loaded"].groupby("chunk"):
        drop_docs(staging, int(chunk), set(group["doc_id"]))
    summary.removed, summary.reused = len(gone), len(kept)
    summary.n_files = len(entries)

    show = progress if progress is not None else len(todo) > 50
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="reports", unit="file", file=sys.stderr)
    if not summary.full and old_meta.get("tokens") != meta["tokens"]:
        chunks = sorted(int(c) for c in kept.loc[kept["status"] == "loaded", "chunk"].unique())
        run_tasks(_retokenize_chunk,
                  [{"out": str(staging), "chunk": c, "config": config} for c in chunks],
                  workers=workers, client=client)
        summary.retokenized_chunks = len(chunks)

    first = int(state["chunk"].max()) + 1 if len(state) else 0
    tasks = []
    for k in range(0, len(todo), chunk_size):
        names = todo[k : k + chunk_size]
        rows = plan.rows[plan.rows["file"].isin(names)].reset_index(drop=True)
        tasks.append({"out": str(staging), "chunk": first + k // chunk_size,
                      "entries": [by_name[name] for name in names], "manifest": rows,
                      "config": config, "limits": limits})
    results = run_tasks(build_chunk, tasks, workers=workers, client=client,
                        on_done=(lambda t: bar.update(len(t["entries"]))) if bar else None)
    if not part_path(staging, "reports", 0).parent.is_dir():
        # Nothing readable at all: one empty chunk gives every table its columns.
        results.append(build_chunk({"out": str(staging), "chunk": first, "entries": [],
                                    "manifest": None, "config": config, "limits": limits}))
    if bar is not None:
        bar.close()
    summary.processed = len(todo)

    # Entries that are never read (links not followed, FIFOs, unreadable folders) are
    # listed afresh on every build: their reason can change without their own stat.
    unread = [read_input(e, limits=limits) for e in entries if e.reason is not None]
    unread_rows = pd.DataFrame(
        [{"file": r.name, "status": "skipped", "reason": r.reason, "doc_id": None,
          "format": None, "encoding": None, "chunk": -1, "sha256": None} for r in unread],
        columns=[*FILE_COLUMNS, "chunk", "sha256"])
    parts = [df for df in (kept, *(r["files"] for r in results), unread_rows) if len(df)]
    files = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=STATE_COLUMNS)
    # Every row takes the stat of this scan, so a touched but unchanged file is hashed once.
    files = files.drop(columns=["size", "mtime_ns", "ctime_ns"], errors="ignore") \
        .merge(entry_frame(entries), on="file", how="left")
    new_index = [r["reports"] for r in results]
    kept_docs = set(kept.loc[kept["status"] == "loaded", "doc_id"])
    if len(index):
        index = index[schema.member_mask(index["doc_id"], kept_docs)]
    index = pd.concat([index, *new_index], ignore_index=True)
    files, index = _resolve_duplicates(staging, files, index)
    files, summary.compacted_chunks = compact_parts(staging, files, chunk_size=chunk_size)
    files = _finish(staging, files, index, plan.files, meta)
    publish(out, staging, final, [*(f"{t}.parquet" for t in PART_TABLES), *PUBLISHED_FILES,
                                  STATE_DIR])
    summary.generation = final.name
    summary.status = files["status"].value_counts().sort_index().to_dict()
    summary.seconds = time.perf_counter() - started
    return summary


def _unchanged_summary(out: Path, previous: Path, summary: BuildSummary, *, n_files: int,
                       reused: int, started: float) -> BuildSummary:
    files = pd.read_parquet(previous / STATE_DIR / "files.parquet", columns=["status"])
    # The stable links at the top of OUT, in case one was deleted by hand.
    link_entries(out, [*(f"{t}.parquet" for t in PART_TABLES), *PUBLISHED_FILES, STATE_DIR])
    summary.n_files, summary.reused, summary.generation = n_files, reused, previous.name
    summary.status = files["status"].value_counts().sort_index().to_dict()
    summary.seconds = time.perf_counter() - started
    return summary


def _resolve_duplicates(out: Path, files: pd.DataFrame,
                        index: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    # The same report in two files: the first in path order is kept, as in load_corpus.
    files = files.sort_values("file", kind="stable").reset_index(drop=True)
    holds = files[files["status"].isin(["loaded", "duplicate"]) & files["doc_id"].notna()]
    firsts = holds.drop_duplicates("doc_id")
    first = dict(zip(firsts["doc_id"], firsts["file"], strict=True))
    # Only the later copies need a look, one by one: usually none or a few.
    for k, row in holds.drop(index=firsts.index).iterrows():
        doc_id = row["doc_id"]
        if row["status"] == "loaded":
            drop_docs(out, int(row["chunk"]), {doc_id})
            index = index[~((index["doc_id"] == doc_id) & (index["file"] == row["file"]))]
        files.loc[k, ["status", "reason"]] = ["duplicate", f"same report text as {first[doc_id]}"]
    return files, index.reset_index(drop=True)


def _finish(out: Path, files: pd.DataFrame, index: pd.DataFrame, extra: list[dict],
            meta: dict) -> pd.DataFrame:
    # Writes the CSVs and the state; returns the files rows as written to the state. The
    # manifests' own rows sort among the entries; rows naming missing files go last.
    listed = [row for row in extra if row["status"] != "missing"]
    missing = [row for row in extra if row["status"] == "missing"]
    if listed:
        files = pd.concat([files, pd.DataFrame(listed)], ignore_index=True)
    files = files.sort_values("file", kind="stable").reset_index(drop=True)
    if missing:
        files = pd.concat([files, pd.DataFrame(missing)], ignore_index=True)
    if len(index):
        index = add_labels(index.sort_values("file", kind="stable").reset_index(drop=True))
    else:
        index = pd.DataFrame(columns=[c for c in REPORT_COLUMNS if c != "text"])
    index = index[[c for c in REPORT_COLUMNS if c != "text"]]
    files = files.reindex(columns=STATE_COLUMNS)
    for column in [c for c in FILE_COLUMNS if schema.TABLES["files"][c] == "str"] + ["sha256"]:
        files[column] = files[column].astype("object").where(files[column].notna(), None)
    # UTF-8 with a BOM, so that Excel (Chinese Windows included) opens the CSVs correctly.
    csv_safe(index).to_csv(out / "reports.csv.partial", index=False, encoding="utf-8-sig")
    os.replace(out / "reports.csv.partial", out / "reports.csv")
    csv_safe(files[FILE_COLUMNS]).to_csv(out / "files.csv.partial", index=False,
                                         encoding="utf-8-sig")
    os.replace(out / "files.csv.partial", out / "files.csv")
    _write_headlines_wide(out, index)
    state_dir = out / STATE_DIR
    state_dir.mkdir(exist_ok=True)
    write_part(files, state_dir / "files.parquet")
    write_part(index, state_dir / "reports.parquet")
    (state_dir / "meta.json.partial").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    os.replace(state_dir / "meta.json.partial", state_dir / "meta.json")
    return files


def _write_headlines_wide(out: Path, index: pd.DataFrame) -> None:
    # The spreadsheet a co-author opens: one row per report, one column per indicator.
    from analysis.indicators.headlines import PIVOT_COLUMNS, pivot_headlines

    folder = out / "headlines.parquet"
    parts = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
    # One read of every part and only the columns the spreadsheet shows: the part files
    # one by one, whole, took a fifth of a second at 10,000 reports on every build.
    headlines = (pd.read_parquet([str(p) for p in parts], columns=PIVOT_COLUMNS) if parts
                 else schema.empty("headlines")[PIVOT_COLUMNS])
    wide = pivot_headlines(headlines, index)
    csv_safe(wide).to_csv(out / "headlines_wide.csv.partial", index=False, encoding="utf-8-sig")
    os.replace(out / "headlines_wide.csv.partial", out / "headlines_wide.csv")
    write_part(wide, out / "headlines_wide.parquet")


def read_table(out: Path | str, table: str, *, columns: Sequence[str] | None = None,
               filters=None, text: bool = True, doc_ids=None) -> pd.DataFrame:
    """Read one table of a build, e.g. ``read_table(out, "counts")``.

    ``columns``, pyarrow ``filters`` (``[("doc_id", "in", ids)]``), ``doc_ids`` (the reports
    of a selection, see :func:`~analysis.ingest.corpus.select_reports`) and ``text=False``
    (leave out the long ``text`` column of reports, sections, paragraphs and sentences) read
    only what is needed, so a corpus larger than memory can be queried piece by piece.

    Returns
    -------
    DataFrame
        The named table (``reports``, ``sections``, ``paragraphs``, ``sentences``,
        ``tokens``, ``counts``, ``indicators`` or ``files``), rows in chunk order; with its
        schema's dtypes unless ``columns`` picks some.
    """
    out = _generation(Path(out))
    if doc_ids is not None:
        # A selection (select_reports) read from disk: only the parts' matching rows. An
        # empty selection reads nothing (pyarrow cannot type an empty value set).
        wanted_ids = sorted({str(d) for d in doc_ids})
        if not wanted_ids:
            empty = schema.empty(table)
            return empty[list(columns)] if columns else empty[
                [c for c in empty.columns if text or c != "text"]]
        filters = [*(filters or []), ("doc_id", "in", wanted_ids)]
    if table == "files":
        files = pd.read_parquet(out / STATE_DIR / "files.parquet", columns=FILE_COLUMNS,
                                filters=filters)
        return schema.conform(files, "files")[list(columns) if columns else FILE_COLUMNS]
    folder = out / f"{table}.parquet"
    if not folder.exists():
        raise FileNotFoundError(f"{folder}: no such table; run `python -m analysis build`")
    wanted = list(columns) if columns else [
        c for c in schema.columns(table) if text or c != "text"]
    # ``label`` is unique across the corpus, so it lives with the build's state, not in the
    # part files a chunk writes: it is joined here, and the table is whole either way.
    label = table == "reports" and "label" in wanted
    stored = [c for c in wanted if not (label and c == "label")]
    if label and "doc_id" not in stored:
        stored.append("doc_id")
    parts = sorted(folder.glob("part-*.parquet"))
    coded = [c for c in stored if schema.TABLES[table].get(c) == "category"]
    if coded and parts:
        frame = _read_coded(parts, columns=stored, coded=coded, filters=filters)
    else:
        frames = [pd.read_parquet(p, columns=stored, filters=filters) for p in parts]
        frame = pd.concat(frames, ignore_index=True) if frames else \
            schema.empty(table)[stored]
    if label:
        labels = pd.read_parquet(out / STATE_DIR / "reports.parquet", columns=["doc_id", "label"])
        frame = frame.merge(labels, on="doc_id", how="left", validate="many_to_one")
    frame = frame[wanted]
    if columns or not text:
        return frame
    return schema.conform(frame, table)


def _read_coded(parts: list[Path], *, columns: list[str], coded: list[str],
                filters) -> pd.DataFrame:
    # Dictionary-encoded columns read as one dataset: pyarrow unifies the parts'
    # dictionaries into one categorical, where reading part by part and concatenating
    # would fall back to one string per row (and gigabytes at national scale).
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    fmt = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=coded))
    expression = pq.filters_to_expression(filters) if filters else None
    table = ds.dataset([str(p) for p in parts], format=fmt).to_table(
        columns=columns, filter=expression)
    # Column by column, freeing each Arrow buffer once converted: the peak is one copy.
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    for name in coded:
        frame[name] = schema.sort_categories(frame[name].astype("category"))
    return frame


def read_tables(out: Path | str, *, text: bool = True, where: dict | None = None) -> Corpus:
    """The built tables as a :class:`Corpus`, in the same order as :func:`load_corpus`.

    ``text=False`` leaves out the ``text`` columns, which hold the corpus several times over:
    what a notebook that works from ``counts`` needs at national scale. ``where`` selects
    reports as :func:`~analysis.ingest.corpus.select_reports` does (``{"year": 2024,
    "complete": True}``) and reads only their rows of every table, so
    ``read_tables(out, where=w)`` equals ``load_corpus(folder).select(**w)``.

    Returns
    -------
    Corpus
        reports (with ``label``), sections, paragraphs, sentences, files.
    """
    # Resolve the published generation once, so a build published meanwhile cannot mix in.
    out = _generation(Path(out))
    reports = read_table(out, "reports", text=text)
    doc_ids = None
    if where:
        reports = select_reports(reports, **where)
        doc_ids = reports["doc_id"]
    order = {doc: k for k, doc in enumerate(reports.sort_values("file")["doc_id"])}

    def ordered(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        if frame.empty:
            return frame
        rank = frame["doc_id"].map(order)
        return (frame.assign(_rank=rank).sort_values(["_rank", *keys], kind="stable")
                .drop(columns="_rank").reset_index(drop=True))

    return Corpus(
        ordered(reports, []),
        ordered(read_table(out, "sections", text=text, doc_ids=doc_ids), ["section_id"]),
        ordered(read_table(out, "paragraphs", text=text, doc_ids=doc_ids), ["para_id"]),
        ordered(read_table(out, "sentences", text=text, doc_ids=doc_ids), ["sent_id"]),
        read_table(out, "files", doc_ids=doc_ids),
    )


def _generation(out: Path) -> Path:
    # A build folder reads through its published generation; a bare generation folder (or
    # a Dask task's output) is read as it is.
    return current_generation(out) or out
