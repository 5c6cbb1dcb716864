"""Benchmark the corpus build at scale, against a naive baseline, in the same run.

For each size N it generates (or reuses) a deterministic corpus with ``make_corpus.py``, then
measures, each in a fresh process:

- ``ours``: ``python -m analysis build`` from scratch (parallel, streaming to partitioned
  Parquet): wall time, MB/s, peak RSS summed over the build's processes;
- ``incremental``: the same build after adding one report;
- ``incr. ×K``: K more builds that each add one report (``--incremental-builds``, 100 by
  default): the median and slowest build, and the part files per table they leave, against
  the ``ceil(files / 200)`` a fresh build of the same folder writes (small parts are
  compacted, so the first may never exceed the second);
- ``warm``: adding one report and rebuilding from a process that built before, as a
  notebook kernel calling ``build_corpus`` again does: no imports, the tokenizer and the
  gazetteer already loaded (``--warm-builds``, 5 by default; the median, after one build
  that loads them);
- ``baseline``: the naive pipeline: read every file, plain ``jieba.lcut`` serially, one
  whole-corpus pandas token table, term counts.

    python benchmarks/bench_build.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from make_corpus import make_corpus  # noqa: E402

BASELINE = r"""
import sys, pathlib, jieba, logging, pandas as pd
jieba.setLogLevel(logging.ERROR)
rows = []
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.txt")):
    text = path.read_text(encoding="utf-8")
    rows += [(path.name, token) for token in jieba.lcut(text)]
tokens = pd.DataFrame(rows, columns=["file", "token"])
counts = tokens.groupby(["file", "token"]).size()
print(len(tokens), len(counts))
"""

WARM = r"""
import shutil, sys, time
from pathlib import Path
from analysis.ingest.build import build_corpus
corpus, out, pool, k = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
times = []
for j in range(k + 1):
    shutil.copy(pool / f"report_{j:05d}.txt", corpus / f"warm_{j:05d}.txt")
    began = time.perf_counter()
    build_corpus(corpus, out, progress=False)
    times.append(time.perf_counter() - began)
print(" ".join(f"{t:.3f}" for t in times))
"""


def run(command: list[str], *, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) summed over the process and its children."""
    started = time.perf_counter()
    process = psutil.Popen(command, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, cwd=ROOT)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{command} failed: {process.stderr.read().decode()[-2000:]}")
    return seconds, peak / 1e6


def incremental_builds(n: int, size: float, corpus: Path, out: Path, build: list[str], *,
                       env: dict[str, str], k: int, workdir: Path) -> None:
    """Add one report and rebuild, ``k`` times; print the build times and the part counts."""
    from analysis.ingest.build import CHUNK_SIZE, PART_TABLES

    pool = workdir / f"more-{n}"
    if len(list(pool.glob("*.txt"))) != k:
        shutil.rmtree(pool, ignore_errors=True)
        make_corpus(k, pool, seed=n + 2)
    added = [corpus / f"added_{j:05d}.txt" for j in range(k)]
    times, peak = [], 0.0
    try:
        for j, path in enumerate(added):
            shutil.copy(pool / f"report_{j:05d}.txt", path)
            seconds, rss = run(build, env=env)
            times.append(seconds)
            peak = max(peak, rss)
        n_files = len(list(corpus.glob("*.txt")))
        parts = {t: len(list((out / f"{t}.parquet").glob("part-*.parquet"))) for t in PART_TABLES}
    finally:
        for path in added:
            path.unlink(missing_ok=True)
    times.sort()
    print(f"{n:>6} {size:>7.1f} {f'incr. x{k}':<12} {times[len(times) // 2]:>8.1f} {'':>7} "
          f"{peak:>11.0f}   median build; slowest {times[-1]:.1f} s, total {sum(times):.0f} s",
          flush=True)
    print(f"{n:>6} parts per table after {k} incremental builds: {max(parts.values())} "
          f"(a fresh build of the same {n_files} files: {math.ceil(n_files / CHUNK_SIZE)})",
          flush=True)


def warm_builds(n: int, size: float, corpus: Path, out: Path, *, env: dict[str, str], k: int,
                workdir: Path) -> None:
    """Add one report and rebuild, ``k + 1`` times in one process; print the median of the
    last ``k`` (the first loads the tokenizer and the gazetteer)."""
    pool = workdir / f"warm-{n}"
    if len(list(pool.glob("*.txt"))) != k + 1:
        shutil.rmtree(pool, ignore_errors=True)
        make_corpus(k + 1, pool, seed=n + 3)
    try:
        done = subprocess.run([sys.executable, "-c", WARM, str(corpus), str(out), str(pool),
                               str(k)], env=env, cwd=ROOT, capture_output=True, text=True,
                              check=True)
    finally:
        for path in corpus.glob("warm_*.txt"):
            path.unlink()
    first = float(done.stdout.split()[0])
    times = sorted(float(t) for t in done.stdout.split()[1:])
    print(f"{n:>6} {size:>7.1f} {f'warm x{k}':<12} {times[len(times) // 2]:>8.2f} {'':>7} "
          f"{'':>11}   median; fastest {times[0]:.2f} s, slowest {times[-1]:.2f} s; the "
          f"process's first build {first:.2f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    parser.add_argument("--incremental-builds", type=int, default=100, metavar="K",
                        help="builds that each add one report, for the part count (0: none)")
    parser.add_argument("--warm-builds", type=int, default=5, metavar="K",
                        help="builds that each add one report in one process (0: none)")
    args = parser.parse_args(argv)
    python = sys.executable
    print(f"{'N':>6} {'MB':>7} {'method':<12} {'seconds':>8} {'MB/s':>7} {'peak RSS MB':>11}")
    for n in args.sizes:
        corpus = args.workdir / f"corpus-{n}"
        if not corpus.is_dir() or len(list(corpus.glob("*.txt"))) != n:
            shutil.rmtree(corpus, ignore_errors=True)
            make_corpus(n, corpus, seed=0)
        size = sum(p.stat().st_size for p in corpus.glob("*.txt")) / 1e6
        out = args.workdir / f"out-{n}"
        shutil.rmtree(out, ignore_errors=True)
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "FZZF_CACHE": cache}
            build = [python, "-m", "analysis", "build", str(corpus), "--out", str(out),
                     "--no-progress"]
            seconds, rss = run([*build, "--full"], env=env)
            print(f"{n:>6} {size:>7.1f} {'ours':<12} {seconds:>8.1f} {size / seconds:>7.2f} "
                  f"{rss:>11.0f}", flush=True)
            extra = corpus / "added_report.txt"
            make_corpus(1, args.workdir / "one", seed=n + 1)
            shutil.copy(args.workdir / "one" / "report_00000.txt", extra)
            try:
                inc_seconds, inc_rss = run(build, env=env)
            finally:
                extra.unlink()
            print(f"{n:>6} {size:>7.1f} {'incremental':<12} {inc_seconds:>8.1f} {'':>7} "
                  f"{inc_rss:>11.0f}", flush=True)
            if args.incremental_builds:
                incremental_builds(n, size, corpus, out, build, env=env, k=args.incremental_builds,
                                   workdir=args.workdir)
            if args.warm_builds:
                warm_builds(n, size, corpus, out, env=env, k=args.warm_builds,
                            workdir=args.workdir)
        if not args.no_baseline:
            base_seconds, base_rss = run([python, "-c", BASELINE, str(corpus)])
            print(f"{n:>6} {size:>7.1f} {'baseline':<12} {base_seconds:>8.1f} "
                  f"{size / base_seconds:>7.2f} {base_rss:>11.0f}", flush=True)
            print(f"{n:>6} ratio: ours is {base_seconds / seconds:.2f}x faster than the baseline; "
                  f"the baseline's peak RSS is {base_rss / rss:.2f}x ours", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
