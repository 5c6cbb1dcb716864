"""Benchmark find_reuse on corpora with planted reuse: speed, memory, precision and recall.

For each size N it generates (or reuses) a corpus with ``make_reuse_corpus.py``, loads it
with ``analysis.load_corpus`` (the reports table is kept beside the corpus as Parquet, so a
second run skips the loading), runs :func:`analysis.find_reuse` with its defaults and prints:

- the time of ``find_reuse`` (wall and CPU) and the peak resident memory while it runs
  (sampled every 20 ms with psutil), in a fresh process that has only read the reports
  table from the Parquet file (in the process that loaded the corpus the freed memory of
  the loading would hide it), beside what that process held before the call;
- the windows it sketched, the candidate pairs it aligned against all pairs of reports;
- precision and recall against the planted truth, by kind of copy.

Matching. The truth's offsets are moved from the page files into ``reports.text`` by
finding each planted passage's text, which occurs exactly once in each report holding it
(checked). A planted passage of a pair of reports is **found** when one detected passage of
that pair covers at least 90% of its characters in both reports. A detected passage is
**correct** when at least 90% of its characters lie inside passages planted for that pair,
in both reports: a detection a few characters longer than the plant (a shared 。 before it)
is correct, one that runs on into unplanted text is not. Everything the generator shares
by design (the template, the set sentences) is boilerplate and in no truth: a detection
there counts against precision. Only planted passages of 50 characters or more exist, as
``find_reuse``'s ``min_chars`` is 50.

    python benchmarks/bench_reuse.py --sizes 1000 10000

Timings depend on the machine; nothing here fails on time.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from make_reuse_corpus import make_reuse_corpus  # noqa: E402

from analysis import find_reuse, load_corpus, schema, score_reuse  # noqa: E402
from analysis.ingest.normalize import normalize_line  # noqa: E402
from analysis.stats.reuse import _is_superior  # noqa: E402

REPORT_COLUMNS = ["doc_id", "file", "agency", "unit_kind", "admin_level", "province", "city",
                  "district", "year", "text"]
COVER = 0.9


class PeakMemory:
    """Peak RSS of this process while the ``with`` block runs, sampled in a thread."""

    def __init__(self, every: float = 0.02):
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self._process = psutil.Process()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            time.sleep(self.every)

    def __enter__(self) -> PeakMemory:
        self.before = self._process.memory_info().rss
        self.peak = self.before
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def read_reports(cached: Path) -> pd.DataFrame:
    return schema.conform(pd.read_parquet(cached), "reports")


def measure(n: int, work: Path) -> None:
    """In a fresh process: run find_reuse on the cached reports, write what it found and
    print its time, memory and counts as JSON."""
    reports = read_reports(work / f"reuse-{n}.reports.parquet")
    gc.collect()
    with PeakMemory() as memory:
        started, cpu = time.perf_counter(), time.process_time()
        found = find_reuse(reports)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    found.to_parquet(work / f"reuse-{n}.found.parquet")
    print(json.dumps({"seconds": seconds, "cpu": cpu, "before": memory.before,
                      "peak": memory.peak, **found.attrs["find_reuse"]}))


def corpus(n: int, work: Path, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The reports table, the truth and the passages of the corpus of size ``n``."""
    folder = work / f"reuse-{n}"
    truth_file = work / f"reuse-{n}.truth.csv"
    cached = work / f"reuse-{n}.reports.parquet"
    if not truth_file.is_file():
        started = time.perf_counter()
        make_reuse_corpus(n, folder, seed=seed)
        print(f"  generated {n} reports in {time.perf_counter() - started:.1f} s")
    if cached.is_file() and cached.stat().st_mtime >= truth_file.stat().st_mtime:
        reports = read_reports(cached)
    else:
        started = time.perf_counter()
        reports = load_corpus(folder, progress=False).reports
        print(f"  loaded {len(reports)} reports in {time.perf_counter() - started:.1f} s")
        reports.to_parquet(cached)
    truth = pd.read_csv(truth_file)
    passages = pd.read_csv(work / f"reuse-{n}.passages.csv")
    return reports, truth, passages


def truth_in_text(reports: pd.DataFrame, truth: pd.DataFrame,
                  passages: pd.DataFrame) -> pd.DataFrame:
    """The truth with offsets into ``reports.text`` and doc_a < doc_b."""
    by_file = reports.set_index("file")
    text_of = dict(zip(passages["passage"], passages["text"], strict=True))
    rows = []
    for row in truth.itertuples():
        passage = text_of[row.passage]
        assert normalize_line(passage) == passage, "a planted passage the loader would change"
        ends = []
        for file in (row.file_a, row.file_b):
            doc = by_file.loc[file]
            start = doc["text"].find(passage)
            assert start >= 0 and doc["text"].find(passage, start + 1) < 0, (file, row.passage)
            ends.append((doc["doc_id"], start, start + len(passage)))
        (doc_a, sa, ea), (doc_b, sb, eb) = sorted(ends)
        rows.append((row.passage, doc_a, sa, ea, doc_b, sb, eb))
    return pd.DataFrame(rows, columns=["passage", "doc_a", "start_a", "end_a", "doc_b",
                                       "start_b", "end_b"])


def overlap(s1, e1, s2, e2):
    return np.maximum(0, np.minimum(e1, e2) - np.maximum(s1, s2))


def evaluate(found: pd.DataFrame, truth: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Whether each planted passage is found and each detected passage is correct."""
    pairs = found.reset_index().merge(truth.reset_index(), on=["doc_a", "doc_b"],
                                      suffixes=("_d", "_t"))
    cover_a = overlap(pairs.start_a_d, pairs.end_a_d, pairs.start_a_t, pairs.end_a_t)
    cover_b = overlap(pairs.start_b_d, pairs.end_b_d, pairs.start_b_t, pairs.end_b_t)
    planted = pairs.end_a_t - pairs.start_a_t
    hit = (cover_a >= COVER * planted) & (cover_b >= COVER * planted)
    is_found = hit.groupby(pairs["index_t"]).any().reindex(truth.index, fill_value=False)
    # Planted passages of one pair never overlap, so their overlaps add up.
    inside = pd.DataFrame({"a": cover_a, "b": cover_b}).groupby(pairs["index_d"]).sum()
    inside = inside.reindex(found.index, fill_value=0)
    detected = found["end_a"] - found["start_a"]
    is_correct = (inside["a"] >= COVER * detected) & (inside["b"] >= COVER * detected)
    return is_found, is_correct


def bench(n: int, work: Path, seed: int) -> None:
    print(f"N = {n}")
    reports, truth_files, passages = corpus(n, work, seed)
    truth = truth_in_text(reports, truth_files, passages)
    kinds = passages.set_index("passage")["kind"]
    chars = reports["text"].str.len().sum()
    child = subprocess.run([sys.executable, __file__, "--measure", str(n), "--work", str(work)],
                           check=True, capture_output=True, text=True)
    stats = json.loads(child.stdout.strip().splitlines()[-1])
    found = schema.conform(pd.read_parquet(work / f"reuse-{n}.found.parquet"), "reuse")
    is_found, is_correct = evaluate(found, truth)
    print(f"  find_reuse: {stats['seconds']:.1f} s ({stats['cpu']:.1f} s CPU) for "
          f"{len(reports)} reports ({chars / 1e6:.1f} M characters); peak RSS "
          f"{stats['peak'] / 2**20:.0f} MB ({stats['before'] / 2**20:.0f} MB before the call, "
          f"the reports read)")
    print(f"  windows sketched: {stats['n_windows']}; candidate pairs aligned: "
          f"{stats['n_candidate_pairs']} of {stats['n_pairs']} pairs "
          f"({stats['n_candidate_pairs'] / max(stats['n_pairs'], 1):.5%}); boilerplate: "
          f"shingles in more than {stats['boilerplate_limit']} reports")
    print(f"  planted: {passages.shape[0]} passages, {len(truth)} pairs of reports x passage; "
          f"detected: {len(found)} passages")
    print(f"  precision {is_correct.mean():.4f} ({is_correct.sum()}/{len(found)}), "
          f"recall {is_found.mean():.4f} ({is_found.sum()}/{len(truth)})")
    for kind, hits in is_found.groupby(truth["passage"].map(kinds)):
        print(f"    recall, {kind}: {hits.mean():.4f} ({hits.sum()}/{len(hits)})")
    lengths = truth["end_a"] - truth["start_a"]
    short = lengths < 100
    print(f"    recall, passages of 50-99 characters: {is_found[short].mean():.4f} "
          f"({is_found[short].sum()}/{short.sum()})")
    if (~is_correct).any():
        wrong = found[~is_correct.to_numpy()]
        print(f"    incorrect detections, n_chars quartiles: "
              f"{wrong['n_chars'].quantile([0.25, 0.5, 0.75]).tolist()}")
    # The superior definition of score_reuse on the loader's metadata, for the pairs planted
    # from a government into the units it governs.
    started = time.perf_counter()
    scores = score_reuse(found, reports)
    print(f"  score_reuse: {time.perf_counter() - started:.1f} s; mean share_reused "
          f"{scores['share_reused'].mean():.4f}")
    meta = reports.set_index("doc_id")
    doc_of = dict(zip(reports["file"], reports["doc_id"], strict=True))
    source = passages.set_index("passage")["source"].map(doc_of)
    planted = truth[truth["passage"].map(kinds) == "superior"]
    src = planted["passage"].map(source)
    unit = planted["doc_a"].where(planted["doc_b"] == src, planted["doc_b"])
    keep = (planted["doc_a"] == src) | (planted["doc_b"] == src)
    if keep.any():
        verdict = _is_superior(meta.loc[src[keep]].reset_index(),
                               meta.loc[unit[keep]].reset_index())
        counts = pd.Series(verdict).value_counts(dropna=False)
        print(f"  planted government -> governed unit pairs: {keep.sum()}; score_reuse's "
              f"superior: {counts.get(True, 0)} yes, {counts.get(False, 0)} no, "
              f"{int(pd.Series(verdict).isna().sum())} unknown")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench",
                        help="folder for the corpora (default build/bench)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.measure, args.work)
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        bench(n, args.work, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
