"""The part files of a build: one per table and chunk, written whole, compacted when small.

A build writes every table as a folder of part files, ``OUT/<table>.parquet/part-NNNNN.parquet``,
one per chunk of input files (:data:`PART_TABLES`). A fresh build fills chunks of
``chunk_size`` files; an incremental build puts the new and changed files into new chunks,
so a folder that grows by a few reports at a time would gather one small part per table and
build. :func:`compact_parts` merges the small ones, so that a build never leaves more parts
than a fresh build of the same files would (``ceil(files / chunk_size)``), and rewrites only
as much as that bound needs: the smallest parts first, never a full one.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from analysis import schema

__all__ = ["PART_TABLES", "compact_parts", "drop_docs", "part_path", "write_part"]

PART_TABLES = ("reports", "sections", "paragraphs", "sentences", "tokens", "counts",
               "readability", "indicators", "headlines")


def part_path(out: Path, table: str, chunk: int) -> Path:
    """The part file of ``table`` for ``chunk`` in the generation folder ``out``.

    Returns
    -------
    Path
        ``out/<table>.parquet/part-NNNNN.parquet``.
    """
    return out / f"{table}.parquet" / f"part-{chunk:05d}.parquet"


def write_part(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` as Parquet, atomically.

    Every write is a new file renamed over the old name: a reader never sees half a file,
    and a part hard-linked from the previous generation is never changed in place.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    frame.to_parquet(partial, index=False)
    os.replace(partial, path)


def drop_docs(out: Path, chunk: int, doc_ids: set[str]) -> None:
    """Rewrite the parts of ``chunk`` without the rows of ``doc_ids``."""
    for table in PART_TABLES:
        path = part_path(out, table, chunk)
        if path.exists():
            frame = pd.read_parquet(path)
            write_part(frame[~schema.member_mask(frame["doc_id"], doc_ids)]
                       .reset_index(drop=True), path)


def _chunks_on_disk(out: Path) -> set[int]:
    folder = out / f"{PART_TABLES[0]}.parquet"
    if not folder.is_dir():
        return set()
    return {int(p.name[5:10]) for p in folder.glob("part-*.parquet")}


def _plan(sizes: pd.Series, *, chunk_size: int, target: int) -> list[int]:
    # The chunks to merge: the smallest of the chunks that are not full, as few as keep the
    # total within the target. Keeping one more partial chunk never lowers the total (its
    # files fill at most one merged chunk), so the first K that overshoots ends the search.
    full = int((sizes >= chunk_size).sum())
    partial = sizes[sizes < chunk_size].sort_values(ascending=False, kind="stable")
    keep = None
    for k in range(len(partial) + 1):
        rest = int(partial.iloc[k:].sum())
        merged = math.ceil(rest / chunk_size) if (full + k or rest) else 1
        if full + k + merged <= target:
            keep = k
        else:
            break
    if keep is None or len(partial) - keep < 2 and int(partial.iloc[keep:].sum()) > 0:
        # Nothing to gain: the bound cannot be met by merging (chunks filled by another
        # chunk_size), or merging would rewrite one chunk into one chunk.
        return []
    return sorted(int(c) for c in partial.index[keep:])


def _merged(frames: list[pd.DataFrame]) -> pd.DataFrame:
    # Parts of different chunks carry different dictionaries for their coded columns
    # (counts' doc_id, token, kind); concatenated as they are they would fall back to
    # strings, so each takes the union of the categories, sorted as a chunk writes them.
    frames = [f for f in frames if len(f)] or frames[:1]
    if len(frames) == 1:
        return frames[0]
    coded = [c for c, dtype in frames[0].dtypes.items() if isinstance(dtype, pd.CategoricalDtype)]
    for column in coded:
        union = pd.Index(sorted(set().union(*(
            f[column].cat.categories if isinstance(f[column].dtype, pd.CategoricalDtype)
            else f[column].dropna().unique() for f in frames))))
        dtype = pd.CategoricalDtype(union)
        frames = [f.assign(**{column: f[column].astype(dtype)}) for f in frames]
    return pd.concat(frames, ignore_index=True)


def compact_parts(out: Path, files: pd.DataFrame, *, chunk_size: int) -> tuple[pd.DataFrame, int]:
    """Merge small part files so that there are no more than a fresh build would write.

    A fresh build of ``n`` files writes ``ceil(n / chunk_size)`` parts per table (one when
    ``n`` is 0). When the chunks of ``files`` are more, the chunks that are not full are
    merged into new chunks of up to ``chunk_size`` files, smallest first, until the count
    is within that bound; the largest partial chunks and every full one stay as they are.
    Tables are merged one at a time and one new chunk at a time, so memory stays about that
    of two chunks. The merged parts get new chunk numbers (after every chunk there is), and the
    old ones are removed from ``out`` (a staging generation: the previous generation keeps
    its own links).

    Parameters
    ----------
    out : Path
        The generation folder being written.
    files : DataFrame
        The build's files rows with their ``chunk`` (-1 for entries never read).
    chunk_size : int
        The build's chunk size.

    Returns
    -------
    (DataFrame, int)
        ``files`` with the ``chunk`` of the merged files updated, and the number of chunks
        merged (0 when nothing was done).
    """
    chunk = pd.to_numeric(files["chunk"], errors="coerce").fillna(-1).astype("int64")
    assigned = files[chunk >= 0].assign(chunk=chunk[chunk >= 0])
    on_disk = _chunks_on_disk(out)
    sizes = assigned.groupby("chunk").size().reindex(
        sorted(on_disk | set(assigned["chunk"])), fill_value=0)
    target = max(1, math.ceil(len(assigned) / chunk_size))
    if len(sizes) <= target:
        return files, 0
    merge = _plan(sizes, chunk_size=chunk_size, target=target)
    if not merge:
        return files, 0
    # Members in chunk then file order, so each new chunk draws on consecutive old chunks
    # and every old chunk is read at most twice per table.
    members = assigned[assigned["chunk"].isin(merge)].sort_values(["chunk", "file"],
                                                                  kind="stable")
    n_new = math.ceil(len(members) / chunk_size)
    if n_new == 0 and len(merge) == len(sizes):
        # Every chunk is empty (no readable file): one empty part keeps each table's columns.
        n_new = 1
    first_new = max(sizes.index) + 1
    group_of = pd.Series([first_new + k // chunk_size for k in range(len(members))],
                         index=members.index, dtype="int64")
    loaded = members["status"] == "loaded"
    doc_group = dict(zip(members.loc[loaded, "doc_id"], group_of[loaded], strict=True))
    # Old chunks without files (every file removed) go with the last new chunk; rows whose
    # report is not among the members (none in a consistent build) stay with the first new
    # chunk that reads their old chunk, so nothing is lost either way.
    sources = {first_new + g: sorted(set(members["chunk"][group_of == first_new + g]))
               for g in range(n_new)}
    if n_new:
        sources[first_new + n_new - 1] = sorted(
            set(sources[first_new + n_new - 1]) | (set(merge) - set(members["chunk"])))
    for table in PART_TABLES:
        seen: set[int] = set()
        for new, olds in sources.items():
            frames = []
            for old in olds:
                path = part_path(out, table, old)
                if not path.exists():
                    continue
                frame = pd.read_parquet(path)
                target_of = frame["doc_id"].astype("object").map(doc_group)
                mine = (target_of == new) if n_new > 1 else pd.Series(True, index=frame.index)
                if n_new > 1 and old not in seen:
                    mine |= target_of.isna()
                seen.add(old)
                frames.append(frame[mine.to_numpy(dtype=bool)])
            if frames:
                write_part(_merged(frames).reset_index(drop=True), part_path(out, table, new))
        for old in merge:
            part_path(out, table, old).unlink(missing_ok=True)
    files = files.copy()
    files.loc[group_of.index, "chunk"] = group_of
    return files, len(merge)
