"""Is the pipeline linear in a file's size? MB/s of one large report, against a 1 MB one.

Each report is the body of seed 000 repeated to the size (one file, as an oversized real
report would be), once with its line breaks and once as a single line, because a cost that
rescans a line per match only shows on the latter. Each size runs in its own process, which
builds it with one worker and reports its time and peak memory (getrusage). The baseline,
in the same run, is the 1 MB file: a linear pipeline keeps a ratio near 1.00.

    python benchmarks/bench_file_size.py --sizes 1 5 20
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from analysis.paths import SEEDS

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from analysis.ingest.build import build_chunk
from analysis.ingest.readers import Limits
from analysis.ingest.scan import scan_paths
from analysis.text import TokenizerConfig
path, out = Path(sys.argv[1]), sys.argv[2]
entries = scan_paths([path])
config = TokenizerConfig()
build_chunk({"out": out + "/warm", "chunk": 0, "entries": scan_paths([sys.argv[3]]),
             "manifest": None, "config": config, "limits": Limits()})
started = time.perf_counter()
result = build_chunk({"out": out, "chunk": 0, "entries": entries, "manifest": None,
                      "config": config, "limits": Limits()})
seconds = time.perf_counter() - started
status = result["files"]["status"].iloc[0]
print(json.dumps({"seconds": seconds, "status": status,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_report(size_mb: float, folder: Path, *, one_line: bool) -> Path:
    """A report of about ``size_mb`` MB: seed 000's title, then its body repeated."""
    seed = sorted(SEEDS.glob("0*.txt"))[0].read_text(encoding="utf-8")
    lines = seed.splitlines()
    body = lines[len(lines) // 5:]
    unit = ("" if one_line else "\n").join(body)
    copies = max(1, int(size_mb * 1_000_000 // len(unit.encode("utf-8"))))
    joiner = "" if one_line else "\n"
    path = folder / f"{size_mb:g}mb{'-one-line' if one_line else ''}.txt"
    path.write_text(lines[0] + "\n" + joiner.join([unit] * copies), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 5, 20])
    args = parser.parse_args(argv)
    sizes = sorted(set([1.0, *args.sizes]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        warm = make_report(0.05, folder, one_line=False)
        print("| shape | MB | seconds | MB/s | x the 1 MB file | peak MB |")
        print("| --- | --- | --- | --- | --- | --- |")
        for one_line in (False, True):
            base = None
            for size in sizes:
                path = make_report(size, folder, one_line=one_line)
                mb = path.stat().st_size / 1e6
                done = subprocess.run(
                    [sys.executable, "-c", _CHILD, str(path), str(folder / f"out-{path.stem}"),
                     str(warm)], capture_output=True, text=True, check=True)
                row = json.loads(done.stdout.strip().splitlines()[-1])
                rate = mb / row["seconds"]
                base = base or rate
                shape = "one line" if one_line else "paragraphs"
                print(f"| {shape} | {mb:.1f} | {row['seconds']:.1f} | {rate:.2f} | "
                      f"{rate / base:.2f} | {row['peak_mb']:.0f} |", flush=True)
                if row["status"] != "loaded":
                    print(f"  ({path.name}: {row['status']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
