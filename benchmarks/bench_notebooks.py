"""Time and peak memory of every curated notebook on the built tables of N generated reports.

The build runs first (its time is the baseline the notebooks are compared with, in the same
run); then each notebook runs on the tables alone, in its own process, as `make figures`
runs it. Peak memory is the kernel's maximum resident set size (getrusage of the process
that ran it), against the issue's target of 2 GB; time against 60 s.

    python benchmarks/bench_notebooks.py 10000 --work build/bench
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from make_corpus import make_corpus

from analysis.paths import NOTEBOOKS, ROOT

_RUN = """
import json, resource, sys, time
import papermill as pm
started = time.perf_counter()
pm.execute_notebook(sys.argv[1], sys.argv[2], parameters=json.loads(sys.argv[3]),
                    cwd=sys.argv[4], progress_bar=False, kernel_name="python3")
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds,
                  "kernel_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of generated reports")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    work = args.work / f"notebooks-{args.n}"
    reports, tables, run = work / "reports", work / "tables", work / "run"
    if not reports.is_dir():
        make_corpus(args.n, reports, seed=args.seed)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "analysis", "build", str(reports), "--out",
                    str(tables), "--full", "--no-progress"], check=True)
    build_seconds = time.perf_counter() - started
    mb = sum(p.stat().st_size for p in reports.iterdir()) / 1e6
    print(f"{args.n:,} reports, {mb:.1f} MB of text; build (baseline): {build_seconds:.1f} s\n")
    print("| notebook | seconds | x the build | kernel peak MB | within 60 s and 2 GB |")
    print("| --- | --- | --- | --- | --- |")
    (run / "notebooks").mkdir(parents=True, exist_ok=True)
    (run / "figures").mkdir(parents=True, exist_ok=True)
    parameters = json.dumps({"tables_dir": str(tables.resolve()),
                             "figures_dir": str((run / "figures").resolve())})
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        done = subprocess.run([sys.executable, "-c", _RUN, str(path),
                               str(run / "notebooks" / path.name), parameters, str(NOTEBOOKS)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"| {path.stem} | failed | | | {done.stderr.strip().splitlines()[-1]} |")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        ok = row["seconds"] <= 60 and row["kernel_mb"] <= 2048
        print(f"| {path.stem} | {row['seconds']:.1f} | {row['seconds'] / build_seconds:.2f} | "
              f"{row['kernel_mb']:,.0f} | {'yes' if ok else 'no'} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
