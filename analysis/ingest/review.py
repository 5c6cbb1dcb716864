"""The metadata review loop: draft a manifest from what the loader infers, for a person to check.

``python -m analysis manifest REPORTS`` (:func:`write_manifest`) reads every report, as a
build would, and writes ``REPORTS/manifest.csv`` with one row per report: every inferred
field beside the ``*_source`` that says where it came from, and a ``note`` with what the
loader was unsure of. A user corrects or fills the cells in one place (Excel opens the file
as written: UTF-8 with a BOM), and the next build applies them; ``files.csv`` then says, per
file, which row was used (``manifest_row``) and which fields it changed (``overridden``).

Run again after adding reports, it appends rows for the files no manifest names yet and
never changes a row that is already there: a correction is never overwritten, and an empty
cell a user left stays empty (it means "infer").
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis import schema
from analysis.ingest.corpus import assemble_corpus, read_input
from analysis.ingest.manifest import MANIFEST_NAME, read_manifest, resolve_manifests
from analysis.ingest.publish import run_tasks
from analysis.ingest.readers import DEFAULT_LIMITS, Limits
from analysis.ingest.scan import scan_sources

__all__ = ["DRAFT_COLUMNS", "write_manifest"]

# Each field, then where its value came from; `note` is free text the loader never reads.
DRAFT_COLUMNS = ("file", "agency", "agency_source", "agency_short", "admin_level",
                 "admin_level_source", "province", "city", "district", "adcode",
                 "place_source", "year", "year_source", "published", "published_source",
                 "title", "note")
_CHUNK = 200
# Reasons in files.csv that say nothing a reviewer must check.
_QUIET = ("ok", "no manifest row")


def _draft_chunk(task: dict) -> pd.DataFrame:
    # One chunk of files, as the build reads them; only the metadata leaves the worker.
    results = [read_input(entry, limits=task["limits"]) for entry in task["entries"]]
    corpus = assemble_corpus(results, manifest=task["rows"])
    loaded = corpus.files[corpus.files["status"] == "loaded"][["file", "reason"]]
    reports = corpus.reports.drop(columns=["text"]).merge(loaded, on="file", how="left")
    return reports


def write_manifest(
    source: Path | str | Sequence[Path | str],
    path: Path | str | None = None,
    *,
    workers: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    follow_symlinks: bool = False,
) -> pd.DataFrame:
    """Write (or extend) a manifest with every inferred value, for a person to check.

    Parameters
    ----------
    source : path or list of paths
        What :func:`~analysis.ingest.corpus.load_corpus` takes: a folder, a file, or a mix.
    path : path, optional
        The manifest to write; default ``manifest.csv`` in the folder that holds every
        source, which the next build applies by itself. Rows name files relative to that
        folder. An existing manifest at ``path`` is kept row for row and only extended.
    workers : int, optional
        Worker processes (default: the number of CPUs).
    limits : Limits
        Caps on input size, as for a build.
    follow_symlinks : bool
        As for a build.

    Returns
    -------
    DataFrame
        The ``manifest`` table as written: the existing rows unchanged, then one new row per
        loaded report that no manifest names yet, with the columns of
        :data:`DRAFT_COLUMNS` (and any comment columns the existing manifest had).

    Raises
    ------
    ManifestError
        A malformed or ambiguous manifest in the tree, naming the file and rows.
    """
    base, entries = scan_sources(source, follow_symlinks=follow_symlinks)
    target = Path(path) if path is not None else base / MANIFEST_NAME
    # A target elsewhere is applied like --manifest would be, so its rows count as listed.
    inside = os.path.realpath(target) == os.path.realpath(base / MANIFEST_NAME)
    explicit = target if target.is_file() and not inside else None
    entries, plan = resolve_manifests(entries, manifest=explicit, base=base)
    readable = [e for e in entries if e.reason is None]
    tasks = [{"entries": readable[k:k + _CHUNK], "limits": limits,
              "rows": plan.rows[plan.rows["file"].isin({e.name for e in readable[k:k + _CHUNK]})]
              .reset_index(drop=True)}
             for k in range(0, len(readable), _CHUNK)]
    parts = run_tasks(_draft_chunk, tasks, workers=workers or os.cpu_count() or 1)
    reports = pd.concat(parts, ignore_index=True) if parts else \
        schema.empty("reports").assign(reason=pd.Series(dtype="object"))
    # The same report twice: the first file in path order is the one a build keeps.
    reports = reports.sort_values("file", kind="stable").drop_duplicates("doc_id")

    named = set(plan.rows.loc[plan.rows["manifest_row"].notna(), "file"])
    new = reports[~schema.member_mask(reports["file"], named)]
    draft = new.assign(note=new["reason"].map(_note))[list(DRAFT_COLUMNS)].astype("object")
    draft = draft.where(draft.notna(), None)

    existing = read_manifest(target) if target.is_file() else None
    if existing is not None and not len(draft):
        return existing
    columns = list(dict.fromkeys([*(existing.columns if existing is not None else []),
                                  *DRAFT_COLUMNS]))
    written = pd.concat([frame.reindex(columns=columns) for frame in (existing, draft)
                         if frame is not None], ignore_index=True)
    partial = target.with_name(target.name + ".partial")
    written.to_csv(partial, index=False, encoding="utf-8-sig")
    os.replace(partial, target)
    return written.reset_index(drop=True)


def _note(reason: object) -> str | None:
    if not isinstance(reason, str):
        return None
    kept = [part for part in reason.split("; ") if part not in _QUIET]
    return "; ".join(kept) or None
