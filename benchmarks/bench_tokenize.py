"""Tokenizer speed: our policy-aware tokenizer against plain ``jieba.lcut`` on the same text.

Run ``python benchmarks/bench_tokenize.py`` (options: ``--mb``, ``--repeat``). The seeds are
repeated until the corpus reaches ``--mb`` megabytes of UTF-8; every copy is its own document.
Each method runs ``--repeat`` times, interleaved so that all see the same machine load, and the
best run counts, as with ``timeit``. Dictionary loading is done before timing.

Methods:
  plain jieba.lcut          stock jieba, global tokenizer, HMM on: the baseline
  ours, reference (jieba)   TokenizerConfig(backend="jieba"): our lexicon and pre-pass on jieba
  ours, default (rjieba)    TokenizerConfig(): the same rules on rjieba (jieba-rs)
  ours, tokenize_sentences         the default config end to end: tokens table, cache off

The script checks that the default configuration gives exactly the tokens (strings, kinds and
offsets) of the reference configuration on every document and exits non-zero if not. It prints numbers and never fails
on time.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from collections.abc import Callable

import pandas as pd

from analysis import paths
from analysis import text as tokenizing

# Stand-in for the loader's sentence splitter: after 。!?; and at line ends.
_SENTENCE = re.compile(r"[^。!?;！？；\n]+[。!?;！？；]*")


def _documents(megabytes: float) -> list[str]:
    seeds = [path.read_text(encoding="utf-8") for path in sorted(paths.SEEDS.glob("*.txt"))]
    if not seeds:
        sys.exit(f"no seed reports in {paths.SEEDS}")
    documents, size = [], 0
    while size < megabytes * 1e6:
        for text in seeds:
            documents.append(text)
            size += len(text.encode("utf-8"))
    return documents


def _sentences(documents: list[str]) -> pd.DataFrame:
    rows = []
    for number, text in enumerate(documents):
        for sent_id, match in enumerate(_SENTENCE.finditer(text)):
            rows.append({"doc_id": f"d{number:05d}", "section_id": "s00", "para_id": 0,
                         "sent_id": sent_id, "text": match.group(), "start": match.start()})
    return pd.DataFrame(rows)


def _best(runs: dict[str, list[float]], name: str, seconds: float) -> None:
    runs.setdefault(name, []).append(seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=2.0, help="corpus size in MB (default 2)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method (default 3)")
    args = parser.parse_args(argv)

    import jieba

    logging.getLogger("jieba").setLevel(logging.ERROR)
    jieba.initialize()
    reference = tokenizing.TokenizerConfig(backend="jieba")
    default = tokenizing.TokenizerConfig()
    tokenizing.tokenize_text("预热", config=reference)
    tokenizing.tokenize_text("预热", config=default)

    documents = _documents(args.mb)
    sentences = _sentences(documents)
    megabytes = sum(len(text.encode("utf-8")) for text in documents) / 1e6

    def plain() -> int:
        return sum(len(jieba.lcut(text)) for text in documents)

    def ours(config: tokenizing.TokenizerConfig) -> Callable[[], int]:
        return lambda: sum(len(tokenizing.tokenize_text(text, config=config))
                           for text in documents)

    def table() -> int:
        return len(tokenizing.tokenize_sentences(sentences, config=default, cache=False))

    methods: dict[str, Callable[[], int]] = {
        "plain jieba.lcut": plain,
        "ours, reference (jieba)": ours(reference),
        "ours, default (rjieba)": ours(default),
        "ours, tokenize_sentences": table,
    }
    runs: dict[str, list[float]] = {}
    counts: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, method in methods.items():
            began = time.perf_counter()
            counts[name] = method()
            _best(runs, name, time.perf_counter() - began)

    # Parity on everything the table carries: token, kind and offsets.
    mismatched = [number for number, text in enumerate(documents)
                  if tokenizing.tag_text(text, config=default)
                  != tokenizing.tag_text(text, config=reference)]

    print(f"corpus: {len(documents)} documents, {megabytes:.2f} MB UTF-8, best of "
          f"{args.repeat} runs")
    baseline = min(runs["plain jieba.lcut"])
    print(f"{'method':<26}{'seconds':>9}{'MB/s':>8}{'tokens':>10}{'tokens/s':>11}"
          f"{'x jieba':>9}")
    for name, seconds in runs.items():
        best = min(seconds)
        print(f"{name:<26}{best:>9.3f}{megabytes / best:>8.2f}{counts[name]:>10}"
              f"{counts[name] / best:>11.0f}{baseline / best:>9.2f}")
    print(f"ratio default/plain jieba: {baseline / min(runs['ours, default (rjieba)']):.2f}x "
          f"(target >= 3)")
    if mismatched:
        print(f"parity: FAILED, default differs from reference on {len(mismatched)} documents")
        return 1
    print(f"parity: default and reference configurations give identical tokens on all "
          f"{len(documents)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
