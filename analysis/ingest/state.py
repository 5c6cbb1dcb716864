"""The state a build keeps of its inputs, and how a rebuild tells what changed.

Every build records in ``OUT/_build`` each input file's size, times and SHA-256
(``files.parquet``), the reports' metadata (``reports.parquet``) and what the tables depend on
(``meta.json``: the parsing code's fingerprint, the tokenizer configuration, the manifest,
the folders and the caps). :func:`read_state` gives a rebuild the previous state when it can
be reused; :func:`same_build` tells a rebuild that has nothing to do to keep the published
build as it is.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata as importlib_metadata
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.ingest.corpus import FILE_COLUMNS, read_input
from analysis.ingest.readers import Limits
from analysis.ingest.scan import Entry

__all__ = ["PUBLISHED_FILES", "STATE_COLUMNS", "STATE_DIR", "entry_frame", "file_sha256",
           "parse_fingerprint", "read_state", "same_build"]

STATE_DIR = "_build"
# The whole-corpus files a build writes beside the part folders, each linked from OUT.
PUBLISHED_FILES = ("reports.csv", "headlines_wide.csv", "headlines_wide.parquet", "files.csv")
# The rows of files.csv plus what change detection needs.
STATE_COLUMNS = [*FILE_COLUMNS, "chunk", "size", "mtime_ns", "ctime_ns", "sha256"]

# The code and resources whose change alters parsing: any change rebuilds from scratch.
# Every module of the ingest stage counts, so a new reader or rule needs no edit here.
_PARSE_SOURCES = ("schema.py", "resources/agency_names.tsv", "resources/indicator_catalogue.tsv",
                  "resources/indicator_categories.tsv", "resources/indicator_programmes.txt")


def parse_fingerprint() -> str:
    """Hash of the parsing code, its resources and the gazetteer's version."""
    digest = hashlib.sha256()
    ingest = sorted(p.relative_to(paths.PACKAGE_DIR).as_posix()
                    for package in ("ingest", "indicators")
                    for p in (paths.PACKAGE_DIR / package).rglob("*.py"))
    for name in [*ingest, *_PARSE_SOURCES]:
        digest.update(name.encode())
        digest.update((paths.PACKAGE_DIR / name).read_bytes())
    for package in ("jionlp", "trafilatura", "python-docx", "pypdfium2"):
        try:
            digest.update(f"{package}={importlib_metadata.version(package)}".encode())
        except importlib_metadata.PackageNotFoundError:
            digest.update(f"{package}=none".encode())
    return digest.hexdigest()


def entry_frame(entries: list[Entry]) -> pd.DataFrame:
    """The stat of each scanned entry, to compare with the previous build's.

    Returns
    -------
    pandas.DataFrame
        ``file``, ``size``, ``mtime_ns``, ``ctime_ns``; typed even when empty, since an
        empty folder must merge like any other.
    """
    return pd.DataFrame({"file": pd.Series([e.name for e in entries], dtype="object"),
                         "size": pd.Series([e.size for e in entries], dtype="int64"),
                         "mtime_ns": pd.Series([e.mtime_ns for e in entries], dtype="int64"),
                         "ctime_ns": pd.Series([e.ctime_ns for e in entries], dtype="int64")})


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file's bytes (hex), or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def read_state(generation: Path | None, meta: dict) -> tuple[pd.DataFrame | None,
                                                              pd.DataFrame, dict, str | None]:
    """The previous build's state when it can be reused, else None and why not.

    Returns
    -------
    tuple
        The state (rows of ``files`` with ``chunk`` and the stat, for the files that went
        through a chunk) or None, the ``reports`` index without ``label``, the previous
        ``meta.json``, and a warning or None.
    """
    if generation is None:
        return None, pd.DataFrame(), {}, None
    state_dir = generation / STATE_DIR
    try:
        old_meta = json.loads((state_dir / "meta.json").read_text(encoding="utf-8"))
        if any(old_meta.get(k) != meta[k] for k in ("parse", "manifest", "root", "scan")):
            return None, pd.DataFrame(), {}, None
        state = pd.read_parquet(state_dir / "files.parquet")
        index = pd.read_parquet(state_dir / "reports.parquet")
    except (OSError, ValueError, KeyError) as exc:
        # A damaged state (a disk that filled up, a hand edit) costs a full rebuild, never
        # a failed build.
        return None, pd.DataFrame(), {}, (f"the previous build's state is unreadable "
                                          f"({type(exc).__name__}); rebuilt from scratch")
    missing = [c for c in STATE_COLUMNS if c not in state.columns]
    if missing:
        return None, pd.DataFrame(), {}, None
    # Only files that went through a chunk carry over; the manifest's row, missing files
    # and entries never read are listed afresh by every build.
    read = state["status"].isin(["loaded", "skipped", "duplicate"]) & (state["chunk"] >= 0)
    return state[read], index.drop(columns=["label"], errors="ignore"), old_meta, None


def same_build(previous: Path, meta: dict, old_meta: dict, entries: list[Entry], *,
               limits: Limits) -> bool:
    """Whether the previous build is what this one would write.

    The caller has found every file the previous build read with the same stat and nothing
    new to read. What is left to compare: the settings and code (``meta``, through JSON as
    it is stored) and the entries that are never read, with their reasons (they are listed
    afresh by every build: a broken link whose target appears gets another reason).
    """
    if json.loads(json.dumps(meta)) != old_meta:
        return False
    unread = sorted((e.name, read_input(e, limits=limits).reason) for e in entries
                    if e.reason is not None)
    try:
        files = pd.read_parquet(previous / STATE_DIR / "files.parquet",
                                columns=["file", "status", "reason", "chunk"])
    except (OSError, ValueError, KeyError):
        return False
    before = files[(files["status"] == "skipped") & (files["chunk"] < 0)]
    return unread == sorted(zip(before["file"], before["reason"], strict=True))
