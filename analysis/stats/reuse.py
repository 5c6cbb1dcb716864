"""Text reuse: passages that two reports share word for word, and how much of each is reused.

Reports are often written from a superior's template or recycled from the agency's previous
year. :func:`find_reuse` finds the passages two reports share (the ``reuse`` table, offsets
into ``reports.text``), leaving out the set phrases nearly every report uses;
:func:`score_reuse` says how much of each report is found in another report, in an earlier
one and in a superior's (``reuse_scores``). Candidate pairs come from MinHash LSH
(``datasketch``) on short windows of the text; only they are aligned exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.schema import check_columns, conform, empty

__all__ = ["LEVEL_RANKS", "SUPERIOR_KINDS", "find_reuse", "score_reuse"]

LEVEL_RANKS = {"national": 0, "province": 1, "city": 2, "district": 3, "street": 4}
"""Rank of each ``admin_level``, from the top."""

SUPERIOR_KINDS = ("government", "joint")
"""The ``unit_kind`` values whose report can be a superior's (see :func:`score_reuse`)."""

# The place columns that name a unit's place down to each level, from the top.
_PLACE_COLUMNS = ("province", "city", "district")

# Polynomial rolling hash of a shingle's code points, modulo 2**64 (numpy wraps silently),
# then the splitmix64 finaliser, so that the 32 bits kept depend on every character.
_BASE = np.uint64(0x100000001B3)
_MIX = ((np.uint64(30), np.uint64(0xBF58476D1CE4E5B9)),
        (np.uint64(27), np.uint64(0x94D049BB133111EB)))
_PARTITIONS = 16  # document frequencies are counted a sixteenth of the hash range at a time
# A shingle more often than this in one report (a row of 。 or ─) is left out of the search:
# two reports with such a row of n would otherwise match n * n times.
_MAX_REPEATS = 32

# ---------------------------------------------------------------------------
# Shingles and their document frequency
# ---------------------------------------------------------------------------


def _codes(text: str) -> np.ndarray:
    """The text's code points (one per character, as Python indexes a str)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _shingle_hashes(text: str, shingle: int) -> np.ndarray:
    """32-bit hash of the ``shingle`` characters starting at each position of ``text``."""
    codes = _codes(text).astype(np.uint64)
    n = codes.size - shingle + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint32)
    hashes = np.zeros(n, dtype=np.uint64)
    for offset in range(shingle):
        hashes *= _BASE
        hashes += codes[offset:offset + n]
    for shift, multiplier in _MIX:
        hashes ^= hashes >> shift
        hashes *= multiplier
    hashes ^= hashes >> np.uint64(31)
    # 32 bits halve the memory of the counts. A collision makes two shingles look alike: as
    # every aligned passage is checked character by character, it never makes a wrong
    # passage; at worst a rare shingle looks frequent (odds: frequent shingles / 2**32).
    return (hashes >> np.uint64(32)).astype(np.uint32)


def _sort_with_order(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """32-bit ``values`` sorted, and the stable order that sorts them.

    numpy's argsort is about ten times slower than its sort on these arrays, so each value's
    position rides in the low half of a 64-bit key and one sort gives both.
    """
    key = values.astype(np.uint64) << np.uint64(32)
    key |= np.arange(values.size, dtype=np.uint64)
    key.sort()
    low = (key & np.uint64(0xFFFFFFFF)).astype(np.int64)
    return (key >> np.uint64(32)).astype(np.uint32), low


def _unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique takes a slower hash-table path in numpy 2)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if values.size else values


def _unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values, sorted, and where each value is among them."""
    ordered, order = _sort_with_order(values)
    first = np.concatenate(([True], ordered[1:] != ordered[:-1]))[:values.size]
    inverse = np.empty(values.size, dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _document_frequencies(uniques: list[np.ndarray], cap: int) -> list[np.ndarray]:
    """For each report's distinct hashes (sorted), the number of reports that have each.

    Counts above ``cap`` are stored as ``cap`` (all that matters is whether a count is
    above the boilerplate limit), in 16 bits when they fit. The count runs over a sixteenth
    of the hash range at a time, so its temporary arrays stay a sixteenth of the corpus.
    """
    dtype = np.uint16 if cap < 2**16 else np.int32
    edges = [np.uint32(p * (2**32 // _PARTITIONS)) for p in range(1, _PARTITIONS)]
    bounds = [np.concatenate(([0], np.searchsorted(u, edges), [u.size])) for u in uniques]
    freqs = [np.empty(u.size, dtype=dtype) for u in uniques]
    for part in range(_PARTITIONS):
        pieces = [u[b[part]:b[part + 1]] for u, b in zip(uniques, bounds, strict=True)]
        pooled = np.concatenate(pieces) if pieces else np.empty(0, np.uint32)
        if pooled.size == 0:
            continue
        ordered, order = _sort_with_order(pooled)
        group = np.cumsum(np.concatenate(([True], ordered[1:] != ordered[:-1]))) - 1
        counts = np.empty(pooled.size, dtype=dtype)
        counts[order] = np.minimum(np.bincount(group), cap)[group]
        at = 0
        for freq, b, piece in zip(freqs, bounds, pieces, strict=True):
            freq[b[part]:b[part + 1]] = counts[at:at + piece.size]
            at += piece.size
    return freqs


# ---------------------------------------------------------------------------
# Reports prepared for the search
# ---------------------------------------------------------------------------


@dataclass
class _Kept:
    """The shingles of one report that can belong to a shared passage: those found in two
    reports or more, in a run of at least ``min_chars - shingle + 1`` such shingles in a row.
    The rest cannot, and a report that shares nothing keeps little."""

    pos: np.ndarray  # positions (start character) of the kept shingles, ascending
    hashes: np.ndarray | None  # their hashes (dropped once the windows are made)
    boiler: np.ndarray  # whether each is boilerplate
    sorted_hashes: np.ndarray  # the hashes sorted, for lookups from the other report
    sorted_pos: np.ndarray  # the positions in that order
    order: np.ndarray  # the indexes of the hashes in that order (hashes[order] is sorted)


def _runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of each run of True in a boolean array."""
    edges = np.diff(np.concatenate(([0], flags.view(np.int8), [0])))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _windows(start: int, end: int, width: int, step: int) -> Iterator[tuple[int, int]]:
    """Windows of ``width`` positions every ``step`` over a run, the last flush with its end.

    A short run is one window. With the first window at the run's start and the last at its
    end, the two copies of a passage that is all two reports share there cut alike."""
    if end - start <= width:
        yield start, end
        return
    for left in range(start, end - width, step):
        yield left, left + width
    yield end - width, end


def _keep(hashes: np.ndarray, freqs: np.ndarray, limit: int, min_run: int) -> _Kept | None:
    """The kept shingles of a report (see :class:`_Kept`), or None when it keeps none.

    ``freqs`` is the document frequency of each of the report's distinct hashes, sorted.
    """
    inverse = _unique_inverse(hashes)[1]
    freq = freqs[inverse]
    starts, ends = _runs((freq >= 2) & (np.bincount(inverse)[inverse] <= _MAX_REPEATS))
    long = (ends - starts) >= min_run
    if not long.any():
        return None
    pos = np.concatenate([np.arange(s, e) for s, e in zip(starts[long], ends[long], strict=True)])
    kept = hashes[pos]
    sorted_hashes, order = _sort_with_order(kept)
    # 32-bit positions and indexes: a corpus whose reports share most of their text keeps
    # nearly every shingle, and these arrays are then most of find_reuse's memory.
    return _Kept(pos=pos.astype(np.int32), hashes=kept, boiler=freq[pos] > limit,
                 sorted_hashes=sorted_hashes, sorted_pos=pos[order].astype(np.int32),
                 order=order.astype(np.int32))


def _window_sets(kept: _Kept, width: int, step: int, least: int) -> Iterator[np.ndarray]:
    """The distinct non-boilerplate hashes of each window over the runs of kept shingles,
    for the windows that have at least ``least``."""
    breaks = np.flatnonzero(np.diff(kept.pos) != 1) + 1
    run_starts = np.concatenate(([0], breaks))
    run_ends = np.concatenate((breaks, [kept.pos.size]))
    for run_start, run_end in zip(run_starts, run_ends, strict=True):
        for left, right in _windows(int(run_start), int(run_end), width, step):
            values = kept.hashes[left:right][~kept.boiler[left:right]]
            if values.size >= least:
                values = _unique(values)
                if values.size >= least:
                    yield values


# ---------------------------------------------------------------------------
# Exact alignment of a candidate pair
# ---------------------------------------------------------------------------


def _segments(a: _Kept, b: _Kept,
              min_positions: int) -> Iterator[tuple[int, int, int, np.ndarray]]:
    """Runs of matching shingles on one diagonal: (start in a, start in b, length, flags).

    The kept shingles of ``a`` found among those of ``b``, grouped by diagonal (position in a
    minus position in b) and split where the position jumps: each run is a stretch of text
    in both. ``flags`` says which of the run's shingles are boilerplate."""
    # Searching a's hashes in sorted order walks b's sorted array once, cache-friendly:
    # several times faster than searching them in text order.
    order_a = a.order
    left, right = np.empty(order_a.size, dtype=np.int64), np.empty(order_a.size, dtype=np.int64)
    left[order_a] = np.searchsorted(b.sorted_hashes, a.sorted_hashes, side="left")
    right[order_a] = np.searchsorted(b.sorted_hashes, a.sorted_hashes, side="right")
    counts = right - left
    total = int(counts.sum())
    if total < min_positions:
        return
    index_a = np.repeat(np.arange(a.order.size), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    pos_a = a.pos[index_a]
    diagonal = pos_a - b.sorted_pos[left[index_a] + offsets]
    order = np.lexsort((pos_a, diagonal))
    pos_a, diagonal, index_a = pos_a[order], diagonal[order], index_a[order]
    breaks = np.flatnonzero((np.diff(diagonal) != 0) | (np.diff(pos_a) != 1)) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [pos_a.size]))
    long = ends - starts >= min_positions
    for start, end in zip(starts[long], ends[long], strict=True):
        start_a = int(pos_a[start])
        flags = a.boiler[index_a[start:end]]
        yield start_a, start_a - int(diagonal[start]), int(end - start), flags


def _exact_spans(text_a: str, text_b: str, start_a: int, start_b: int,
                 n_chars: int) -> list[tuple[int, int]]:
    """The stretches (offsets from the starts) where the two texts really are equal: equal
    hashes almost always mean equal text; a 32-bit collision splits the run here."""
    if text_a[start_a:start_a + n_chars] == text_b[start_b:start_b + n_chars]:
        return [(0, n_chars)]
    equal = (_codes(text_a[start_a:start_a + n_chars])
             == _codes(text_b[start_b:start_b + n_chars]))
    starts, ends = _runs(equal)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _trim(flags: np.ndarray, lo: int, hi: int, shingle: int) -> tuple[int, int, int]:
    """``[lo, hi)`` (character offsets within a run) without boilerplate at either end, and
    the number of its characters that are not boilerplate: not covered by a boilerplate
    shingle inside ``[lo, hi)`` (only those are the same text in both reports)."""
    inside = flags[lo:max(hi - shingle + 1, lo)]
    if inside.size and inside.all():
        return lo, lo, 0  # boilerplate shingles start at every position: all is covered
    boiler = np.flatnonzero(inside)
    if boiler.size == 0:
        return lo, hi, hi - lo
    # How many boilerplate shingles cover each character: +1 where one starts, -1 where it
    # ends, summed (bincount, far cheaper than np.add.at on these small arrays).
    size = hi - lo + 1
    cover = (np.bincount(boiler, minlength=size)[:size]
             - np.bincount(boiler + shingle, minlength=size)[:size])
    novel = np.flatnonzero(np.cumsum(cover[:-1]) == 0)
    if novel.size == 0:
        return lo, lo, 0
    return lo + int(novel[0]), lo + int(novel[-1]) + 1, int(novel.size)


def _passages(text_a: str, text_b: str, a: _Kept, b: _Kept, shingle: int,
              min_chars: int) -> Iterator[tuple[int, int, int]]:
    """(start in a, start in b, length) of every shared passage of a candidate pair."""
    for start_a, start_b, n_positions, flags in _segments(a, b, min_chars - shingle + 1):
        n_chars = n_positions + shingle - 1
        for lo, hi in _exact_spans(text_a, text_b, start_a, start_b, n_chars):
            if hi - lo < min_chars:
                continue
            first, last, n_novel = _trim(flags, lo, hi, shingle)
            if n_novel >= min_chars:
                yield start_a + first, start_b + first, last - first


# ---------------------------------------------------------------------------
# The search
# ---------------------------------------------------------------------------


def _identity(value: int) -> int:
    """The hash datasketch applies to a window's values, which are hashes already."""
    return value


def _reuse_frame(rows: list[tuple], docs: pd.DataFrame) -> pd.DataFrame:
    """The ``reuse`` table from the passages found (a, b, start_a, start_b, n_chars, text)."""
    if not rows:
        return empty("reuse")
    a, b, start_a, start_b, n_chars = (np.array(column, dtype=np.int64)
                                       for column in list(zip(*rows, strict=True))[:5])
    doc_id, year = docs["doc_id"].to_numpy(dtype=object), docs["year"].array
    agency = docs["agency"].to_numpy(dtype=object)
    known = pd.notna(agency[a]) & pd.notna(agency[b])
    reuse = pd.DataFrame({
        "doc_a": doc_id[a], "doc_b": doc_id[b], "start_a": start_a, "end_a": start_a + n_chars,
        "start_b": start_b, "end_b": start_b + n_chars, "n_chars": n_chars,
        "year_a": year.take(a), "year_b": year.take(b),
        "same_agency": pd.array(np.where(known, agency[a] == agency[b], None), dtype="boolean"),
        "text": [row[5] for row in rows],
    })
    reuse = reuse.sort_values(["doc_a", "doc_b", "start_a", "start_b"], kind="stable")
    return conform(reuse, "reuse")


def _candidate_pairs(windows: list[np.ndarray], window_doc: list[int], *, threshold: float,
                     num_perm: int, seed: int) -> list[tuple[int, int]]:
    """Pairs of reports (row numbers, ascending) with a pair of windows LSH finds similar."""
    if not windows:
        return []
    # Imported here: datasketch pulls in scipy, which build processes never need.
    from datasketch import MinHash, MinHashLSH

    # MinHash.generator sets up the permutations once; the sketches are not kept.
    sketches = MinHash.generator((values.tolist() for values in windows), num_perm=num_perm,
                                 seed=seed, hashfunc=_identity)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    with lsh.insertion_session() as session:
        for key, sketch in enumerate(sketches):
            session.insert(key, sketch, check_duplication=False)
    # Windows in one bucket of one band are candidates: read the buckets once rather than
    # query every window, which would hash its bands a second time.
    pairs: set[tuple[int, int]] = set()
    for table in lsh.hashtables:
        for bucket in table.keys():
            members = table.get(bucket)
            if len(members) > 1:
                docs = sorted({window_doc[key] for key in members})
                pairs.update(itertools.combinations(docs, 2))
    return sorted(pairs)


def find_reuse(
    reports: pd.DataFrame,
    *,
    min_chars: int = 50,
    shingle: int = 8,
    threshold: float = 0.3,
    boilerplate_df: float = 0.05,
    boilerplate_min_docs: int = 10,
    num_perm: int = 64,
    seed: int = 1,
) -> pd.DataFrame:
    """Every passage of at least ``min_chars`` characters that two reports share exactly.

    A passage is a stretch of text found word for word in two reports, as long as it runs
    (maximal), with the boilerplate at either end cut off; boilerplate inside it stays, since
    the passage was copied through it. It counts when at least ``min_chars`` of its
    characters are not boilerplate, so set phrases, alone or strung together, are not reuse.

    **Boilerplate.** A shingle (``shingle`` consecutive characters) is boilerplate when more
    than ``boilerplate_df`` of the reports with text (default 5%) *and* more than
    ``boilerplate_min_docs`` reports (default 10) have it, as 以习近平新时代中国特色社会主义思想为指导
    has; a character is boilerplate when a boilerplate shingle covers it. The floor keeps a
    small corpus's reuse: with 3 reports a share alone would mask every shingle two share.
    Below ``boilerplate_min_docs / boilerplate_df`` reports (200 by default) the floor
    decides, and with ``boilerplate_min_docs`` reports or fewer nothing is boilerplate: every
    shared passage is reported, set phrases included. ``boilerplate_df=1`` turns masking off.
    A passage copied into more reports than the limit is masked too: at national scale a
    provincial template in 5% of all reports looks like a set phrase.

    **Search.** (1) Every report's shingles are hashed and counted across reports. (2) Only
    shingles found in two reports or more, in runs long enough to make up ``min_chars``
    characters, can belong to a shared passage (a shingle repeated more than 32 times in
    one report, as in a row of 。, is left out); they are cut into windows of
    ``2 * (min_chars - shingle + 1)`` shingles every ``min_chars - shingle + 1``, and each
    window with at least ``(min_chars - shingle + 2) // 2`` distinct non-boilerplate
    shingles gets a MinHash of them (``num_perm`` permutations, ``seed``). Windows, not whole
    reports, find two reports that share two passages and nothing else. (3) MinHash LSH
    (``datasketch.MinHashLSH`` at Jaccard ``threshold``; 21 bands of 3 by default) gives the
    pairs of reports with two windows in one bucket: the candidate pairs. (4) Each
    candidate pair is aligned exactly: shingles equal in both, on one diagonal and in a row,
    make a passage, checked character by character. Nothing compares every pair of reports,
    and memory grows with the text and the reuse found, not with the square of the reports.
    LSH is probabilistic: two windows of Jaccard 0.5 become candidates with probability 0.94
    (0.3: 0.44), but the two copies of a passage usually cut into identical windows.

    Parameters
    ----------
    reports : pandas.DataFrame
        The ``reports`` table (``doc_id``, ``text``, ``agency``, ``year``). Reports whose
        text is missing or shorter than ``min_chars`` share nothing.
    min_chars : int
        Characters not boilerplate a passage must have to be reported (so its shortest
        length too).
    shingle : int
        Characters per shingle (at most ``min_chars``): the unit of matching and of
        boilerplate. Set phrases shorter than this are never boilerplate on their own.
    threshold : float
        Jaccard similarity of two windows above which LSH makes them (most likely)
        candidates. Lower finds more at the cost of more candidate pairs to align.
    boilerplate_df : float
        Share of the reports (0 to 1) a shingle must exceed to be boilerplate.
    boilerplate_min_docs : int
        Number of reports a shingle must also exceed to be boilerplate.
    num_perm : int
        MinHash permutations per window.
    seed : int
        Seed of the MinHash permutations. The same inputs and options always give the same
        table; another seed can only change which pairs are candidates.

    Returns
    -------
    pandas.DataFrame
        The ``reuse`` table, one row per passage shared by two reports: ``doc_a`` <
        ``doc_b``; ``start_a``, ``end_a``, ``start_b``, ``end_b``, character offsets into each
        report's ``text`` (``reports.text[start_a:end_a] == text``); ``n_chars``; ``year_a``
        and ``year_b``; ``same_agency`` (NA when an agency is unknown); ``text``. A passage
        in three reports is three rows, one per pair. Sorted by ``doc_a``, ``doc_b``,
        ``start_a``, ``start_b``. ``attrs["find_reuse"]`` counts the reports searched, the
        windows, the candidate pairs aligned and all pairs, and gives the boilerplate
        limit (a shingle in more reports than this was masked).

    Raises
    ------
    ValueError
        On a missing column, a ``doc_id`` given twice or an option out of range.
    """
    check_columns(reports, "reports", ["doc_id", "text", "agency", "year"])
    if min_chars < 1 or not 1 <= shingle <= min_chars:
        raise ValueError(f"need 1 <= shingle <= min_chars, got shingle={shingle}, "
                         f"min_chars={min_chars}")
    if not 0 < threshold < 1 or not 0 < boilerplate_df <= 1 or boilerplate_min_docs < 0:
        raise ValueError("need 0 < threshold < 1, 0 < boilerplate_df <= 1 and "
                         "boilerplate_min_docs >= 0")
    if reports["doc_id"].duplicated().any() or reports["doc_id"].isna().any():
        raise ValueError("reports has a doc_id twice or none: one row per report, please")
    # Sorted by doc_id, so the output does not depend on the order of the rows and doc_a <
    # doc_b follows from the pair's order. The text is not copied with the other columns.
    order = np.argsort(reports["doc_id"].to_numpy(dtype=object), kind="stable")
    docs = reports[["doc_id", "agency", "year"]].iloc[order].reset_index(drop=True)
    texts = [t if isinstance(t, str) else ""
             for t in reports["text"].to_numpy(dtype=object)[order]]
    hashed = [i for i, t in enumerate(texts) if len(t) >= shingle]
    limit = int(max(np.floor(boilerplate_df * len(hashed)), boilerplate_min_docs))
    freqs: list[np.ndarray | None] = _document_frequencies(
        [_unique(_shingle_hashes(texts[i], shingle)) for i in hashed], cap=max(limit + 1, 2))
    min_run = min_chars - shingle + 1
    kept: dict[int, _Kept] = {}
    windows: list[np.ndarray] = []
    window_doc: list[int] = []
    for at, i in enumerate(hashed):
        freq, freqs[at] = freqs[at], None  # freed as the loop goes
        if len(texts[i]) < min_chars:
            continue
        found = _keep(_shingle_hashes(texts[i], shingle), freq, limit, min_run)
        if found is None:
            continue
        for values in _window_sets(found, 2 * min_run, min_run, (min_run + 1) // 2):
            windows.append(values)
            window_doc.append(i)
        # The alignment reads the hashes in sorted order only: the copy in text order goes.
        found.hashes = None
        kept[i] = found
    pairs = _candidate_pairs(windows, window_doc, threshold=threshold, num_perm=num_perm,
                             seed=seed)
    del windows
    rows = [(a, b, start_a, start_b, n_chars, texts[a][start_a:start_a + n_chars])
            for a, b in pairs
            for start_a, start_b, n_chars in _passages(texts[a], texts[b], kept[a], kept[b],
                                                      shingle, min_chars)]
    reuse = _reuse_frame(rows, docs)
    reuse.attrs["find_reuse"] = {
        "n_reports": len(hashed), "n_windows": len(window_doc),
        "n_candidate_pairs": len(pairs), "n_pairs": len(hashed) * (len(hashed) - 1) // 2,
        "boilerplate_limit": limit,
    }
    return reuse


# ---------------------------------------------------------------------------
# Scores per report
# ---------------------------------------------------------------------------


def _known_equal(left: pd.Series, right: pd.Series) -> pd.arrays.BooleanArray:
    """left == right, NA where either is missing."""
    known = (left.notna() & right.notna()).to_numpy()
    equal = left.to_numpy(dtype=object) == right.to_numpy(dtype=object)
    return pd.array(np.where(known, equal, None), dtype="boolean")


def _is_superior(source: pd.DataFrame, report: pd.DataFrame) -> pd.arrays.BooleanArray:
    """Whether each row of ``source`` is a superior of the same row of ``report``: True,
    False, or NA when the metadata that would decide it is missing (see :func:`score_reuse`).
    """
    kind = source["unit_kind"]
    is_government = pd.array(np.where(kind.notna(), kind.isin(SUPERIOR_KINDS), None),
                             dtype="boolean")
    rank_s = pd.array(source["admin_level"].map(LEVEL_RANKS), dtype="Int64")
    rank_r = pd.array(report["admin_level"].map(LEVEL_RANKS), dtype="Int64")
    unit = report["unit_kind"]
    is_department = pd.array(np.where(unit.notna(), unit == "department", None), dtype="boolean")
    level = (rank_s < rank_r) | ((rank_s == rank_r) & is_department)
    place = pd.array(np.ones(len(source), dtype=bool), dtype="boolean")
    for depth, column in enumerate(_PLACE_COLUMNS, start=1):
        # A place at the source's level or below must be the same on both sides.
        needed = rank_s >= depth
        place &= ~needed | _known_equal(source[column], report[column])
    return is_government & level & place


def _union_lengths(sides: pd.DataFrame, flag: str | None) -> pd.Series:
    """Characters covered by the intervals of each doc_id (each character once)."""
    part = sides if flag is None else sides[sides[flag].fillna(False).to_numpy(dtype=bool)]
    if part.empty:
        return pd.Series(dtype="int64")
    part = part.sort_values(["doc_id", "start", "end"], kind="stable")
    # Each interval adds what lies past the furthest end of the intervals before it.
    reach = part.groupby("doc_id", sort=False)["end"].cummax()
    before = reach.groupby(part["doc_id"], sort=False).shift(1).fillna(0).astype("int64")
    added = (part["end"] - np.maximum(part["start"], before)).clip(lower=0)
    return added.groupby(part["doc_id"], sort=False).sum()


def score_reuse(reuse: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """How much of each report's text is found in another report, an earlier one, a superior's.

    Characters are counted once however many passages cover them (the union of the
    passages' intervals in the report).

    **Earlier.** A passage's other report is earlier when its ``year`` is smaller. A report
    without a year is neither earlier nor later than any other: ``share_earlier`` is NA for
    a report that has a passage in common with a report when either year is missing.

    **Superior.** Report S is a superior of report R when S's ``unit_kind`` is government or
    joint (a government's report, or one issued with its Party committee) and either

    - S's ``admin_level`` is above R's (national > province > city > district > street) and
      S's place contains R's: the same ``province`` for a provincial S; the same
      ``province`` and ``city`` for a city S; the same ``province``, ``city`` and
      ``district`` for a district S (a national S contains every place); or
    - R is a department and S is the government of R's place: the same level and the same
      place columns down to it.

    Any ancestor counts, not only the next level up (a provincial government is a superior
    of a district bureau in its province). A department's or a street office's report is
    never a superior. When a level, a kind or a needed place column is missing on either
    side and the known values do not already rule S out, whether S is a superior is unknown,
    and ``share_superior`` of a report with a passage in common with such a report is NA:
    never a guess. So are the units of a county directly under its province (no ``city``).

    Parameters
    ----------
    reuse : pandas.DataFrame
        The ``reuse`` table from :func:`find_reuse` (``doc_a``, ``doc_b``, ``start_a``,
        ``end_a``, ``start_b``, ``end_b``), possibly filtered.
    reports : pandas.DataFrame
        The ``reports`` table (``doc_id``, ``text``, ``year``, ``unit_kind``,
        ``admin_level``, ``province``, ``city``, ``district``): every report scored, and the
        metadata of the other reports of the passages (a passage whose other report is not
        here makes the earlier and superior shares of its report NA).

    Returns
    -------
    pandas.DataFrame
        The ``reuse_scores`` table, one row per report, sorted by ``doc_id``: ``n_chars``
        (length of its ``text``, 0 when missing); ``reused_chars`` (characters found in at
        least one other report); ``n_partners`` (other reports it shares a passage with);
        ``share_reused``, ``share_earlier`` and ``share_superior`` (characters found in any
        other report, in an earlier report, in a superior's report, over ``n_chars``; NaN
        when ``n_chars`` is 0 or, as above, when unknown).
    """
    check_columns(reuse, "reuse", ["doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b"])
    meta_columns = ["doc_id", "text", "year", "unit_kind", "admin_level", *_PLACE_COLUMNS]
    check_columns(reports, "reports", meta_columns)
    if reports["doc_id"].duplicated().any():
        raise ValueError("reports has a doc_id twice; score_reuse needs one row per report")
    if reports.empty:
        return empty("reuse_scores")
    meta = reports[meta_columns[:1] + meta_columns[2:]].assign(
        n_chars=reports["text"].str.len().fillna(0).astype("int64"))
    meta = meta.sort_values("doc_id", kind="stable").reset_index(drop=True)
    n_chars = meta["n_chars"].to_numpy()
    # Each passage is two sides: the report, its partner and where it lies in the report.
    sides = pd.DataFrame({side: pd.concat([reuse[a], reuse[b]], ignore_index=True).astype(dtype)
                          for side, a, b, dtype in (("doc_id", "doc_a", "doc_b", "str"),
                                                    ("partner", "doc_b", "doc_a", "str"),
                                                    ("start", "start_a", "start_b", "int64"),
                                                    ("end", "end_a", "end_b", "int64"))})
    sides = sides[sides["doc_id"].isin(meta["doc_id"])].reset_index(drop=True)
    by_id = meta.set_index("doc_id")
    this = by_id.reindex(sides["doc_id"]).reset_index(drop=True)
    other = by_id.reindex(sides["partner"]).reset_index(drop=True)
    sides["earlier"] = pd.array(other["year"], dtype="Int64") < pd.array(this["year"],
                                                                        dtype="Int64")
    sides["superior"] = _is_superior(other, this)
    index = pd.Index(meta["doc_id"])
    counted = {name: _union_lengths(sides, flag).reindex(index, fill_value=0).to_numpy()
               for name, flag in (("reused", None), ("earlier", "earlier"),
                                  ("superior", "superior"))}
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = {name: np.where(n_chars > 0, chars / np.maximum(n_chars, 1), np.nan)
                  for name, chars in counted.items()}
    for name in ("earlier", "superior"):
        unknown = sides.loc[sides[name].isna().to_numpy(dtype=bool), "doc_id"].unique()
        shares[name] = np.where(index.isin(unknown), np.nan, shares[name])
    partners = sides.groupby("doc_id")["partner"].nunique().reindex(index, fill_value=0)
    scores = pd.DataFrame({
        "doc_id": meta["doc_id"], "n_chars": n_chars, "reused_chars": counted["reused"],
        "n_partners": partners.to_numpy(), "share_reused": shares["reused"],
        "share_earlier": shares["earlier"], "share_superior": shares["superior"],
    })
    return conform(scores, "reuse_scores")
