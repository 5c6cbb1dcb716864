"""Tokenizer speed: our policy-aware tokenizer against plain ``jieba.lcut`` on the same text.

Run ``python benchmarks/bench_tokenize.py`` (options: ``--mb``, ``--repeat``). The seeds are
repeated until the corpus reaches ``--mb`` megabytes of UTF-8; every copy is its own document.
Each method runs ``--repeat`` times, interleaved so that all see the same machine load. What
counts is the sum over documents of each document's best time (for ``tokenize_sentences``,
which takes the whole table, the best run), as with ``timeit``: this machine's speed varies
by a third from one run to the next, and a slow spell then spoils no whole run. Since such
sums favour the methods timed document by document, the last lines also compare best whole
runs. Dictionary loading is done before timing.

Methods:
  plain jieba.lcut          stock jieba, global tokenizer, HMM on: the baseline
  ours, reference (jieba)   TokenizerConfig(backend="jieba"): our lexicon and pre-pass on jieba
  ours, default (rjieba)    TokenizerConfig(): the same rules on rjieba (jieba-rs)
  ours, tokenize_sentences  the default config end to end: tokens table, cache off
  rjieba alone              rjieba's cut of the whole document: the engine, with no rules
  floor: scan + cut         the default config's C-level work: the pre-pass scanner's matches
                            and rjieba's cut of their Han runs, with no Python step per token
  floor: + 1 step a token   the same, plus the least a tagger written in Python does per
                            token: one kind lookup and four column appends, with none of
                            our rules. A tagger that takes a Python step per token cannot
                            beat it, so its ratio bounds what ours can reach
The floors count jieba's pieces (and, the second, the scanner's other matches) with the
newlines between runs and the whitespace, which ours drops.

The script checks that the default configuration gives exactly the tokens (strings, kinds and
offsets) of the reference configuration on every document and exits non-zero if not. It
prints numbers and never fails on time.
"""

from __future__ import annotations

import argparse
import functools
import logging
import math
import re
import sys
import time
from collections.abc import Callable

import pandas as pd

from analysis import paths
from analysis import text as tokenizing
from analysis.text import engine as engines
from analysis.text import tokenize

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


def _floor(engine: engines._Engine, text: str, *, per_token: bool) -> list[str]:
    """The default configuration's scan and cut, with (``per_token``) one bare Python step per
    token: what any tagger in Python must at least do. Returns the pieces, or with
    ``per_token`` the token column, for the count."""
    matches = tokenize._matches(engine.protected, text)
    pieces = engine.cut("\n".join([m.group() for m in matches if m.lastgroup == "han"]))
    if not per_token:
        return pieces
    tokens, kinds, starts, ends = [], [], [], []
    add_token, add_kind, add_start, add_end = (
        tokens.append, kinds.append, starts.append, ends.append)
    plain_kinds, start = engine.plain_kinds, 0
    for piece in pieces:
        add_token(piece)
        add_kind(plain_kinds.get(piece))
        add_start(start)
        start += len(piece)
        add_end(start)
    for match in matches:
        if match.lastgroup != "han":
            add_token(match.group())
            add_kind(match.lastgroup)
            add_start(match.start())
            add_end(match.end())
    return tokens


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
    engine = engines._engine(default)  # warm: the floors read its scanner, cut and kinds
    import rjieba

    documents = _documents(args.mb)
    sentences = _sentences(documents)
    megabytes = sum(len(text.encode("utf-8")) for text in documents) / 1e6

    # Each method is a list of calls, one per document (one for the whole table), timed
    # one by one.
    methods: dict[str, list[Callable[[], list]]] = {
        "plain jieba.lcut": [functools.partial(jieba.lcut, text) for text in documents],
        "ours, reference (jieba)": [functools.partial(tokenizing.tokenize_text, text,
                                                      config=reference) for text in documents],
        "ours, default (rjieba)": [functools.partial(tokenizing.tokenize_text, text,
                                                     config=default) for text in documents],
        "ours, tokenize_sentences": [functools.partial(
            tokenizing.tokenize_sentences, sentences, config=default, cache=False)],
        "rjieba alone": [functools.partial(rjieba.cut, text) for text in documents],
        "floor: scan + cut": [functools.partial(_floor, engine, text, per_token=False)
                              for text in documents],
        "floor: + 1 step a token": [functools.partial(_floor, engine, text, per_token=True)
                                    for text in documents],
    }
    best = {name: [math.inf] * len(calls) for name, calls in methods.items()}
    whole = {name: math.inf for name in methods}  # each method's best whole run
    counts: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, calls in methods.items():
            counts[name], total = 0, 0.0
            for number, call in enumerate(calls):
                began = time.perf_counter()
                counts[name] += len(call())
                seconds = time.perf_counter() - began
                best[name][number] = min(best[name][number], seconds)
                total += seconds
            whole[name] = min(whole[name], total)
    runs = {name: sum(times) for name, times in best.items()}

    # Parity on everything the table carries: token, kind and offsets.
    mismatched = [number for number, text in enumerate(documents)
                  if tokenizing.tag_text(text, config=default)
                  != tokenizing.tag_text(text, config=reference)]

    print(f"corpus: {len(documents)} documents, {megabytes:.2f} MB UTF-8, each document's "
          f"best of {args.repeat} runs")
    baseline = runs["plain jieba.lcut"]
    print(f"{'method':<26}{'seconds':>9}{'MB/s':>8}{'tokens':>10}{'tokens/s':>11}"
          f"{'x jieba':>9}")
    for name, seconds in runs.items():
        print(f"{name:<26}{seconds:>9.3f}{megabytes / seconds:>8.2f}{counts[name]:>10}"
              f"{counts[name] / seconds:>11.0f}{baseline / seconds:>9.2f}")
    print(f"ratio default/plain jieba: {baseline / runs['ours, default (rjieba)']:.2f}x "
          f"(#16 asks for 10); the floor of a tagger in Python: "
          f"{baseline / runs['floor: + 1 step a token']:.2f}x")
    # tokenize_sentences is one call, so its best is a whole run's: against plain jieba's
    # best whole run, not the sum of per-document bests, which noise favours.
    print(f"ratio tokenize_sentences/plain jieba, best whole runs: "
          f"{whole['plain jieba.lcut'] / whole['ours, tokenize_sentences']:.2f}x "
          f"(#16 asks for 8); default, best whole runs: "
          f"{whole['plain jieba.lcut'] / whole['ours, default (rjieba)']:.2f}x")
    if mismatched:
        print(f"parity: FAILED, default differs from reference on {len(mismatched)} documents")
        return 1
    print(f"parity: default and reference configurations give identical tokens on all "
          f"{len(documents)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
