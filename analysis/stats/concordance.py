"""Keyword in context and sentence search: every occurrence of a term with what surrounds it.

:func:`kwic` reads the ``tokens`` table and shows each occurrence between the tokens around
it; :func:`find_sentences` reads the ``sentences`` table and finds a pattern anywhere in the
text, inside tokens too (行政复议 in the single tokens 行政复议案件 and 《行政复议法》, which
a whole-token ``term`` misses).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from analysis.schema import check_columns, conform

__all__ = ["find_sentences", "kwic"]

HEADING_SEP = " › "

# ---------------------------------------------------------------------------
# Patterns
# ---------------------------------------------------------------------------


def _compile_pattern(pattern: str | Sequence[str], regex: bool | None) -> re.Pattern[str]:
    """One compiled expression for a regex string or a list of alternatives (OR).

    By default a string is a regular expression and a list or tuple holds literal terms;
    ``regex=True`` or ``False`` makes every item a regex or a literal. Literal terms are
    tried longest first, so that of 行政复议 and 行政复议法 the longer matches where both do.
    """
    if regex is not None and not isinstance(regex, bool):
        raise ValueError(f"regex must be True, False or None, got {regex!r}")
    if isinstance(pattern, str):
        items, literal = [pattern], regex is False
    elif isinstance(pattern, (list, tuple)):
        items, literal = list(dict.fromkeys(pattern)), regex is not True
    else:
        raise ValueError(f"pattern must be a string or a list of strings, got {pattern!r}")
    if not items or any(not isinstance(item, str) or not item for item in items):
        raise ValueError(f"pattern must be a non-empty string or list of strings, got {pattern!r}")
    if literal:
        body = "|".join(re.escape(item) for item in sorted(items, key=len, reverse=True))
    elif len(items) == 1:
        body = items[0]  # unwrapped, so that leading inline flags such as (?i) still work
    else:
        body = "|".join(f"(?:{item})" for item in items)
    try:
        return re.compile(body)
    except re.error as error:
        raise ValueError(
            f"pattern {pattern!r} is not a valid regular expression: {error}") from None


# ---------------------------------------------------------------------------
# Concordance
# ---------------------------------------------------------------------------


def kwic(
    tokens: pd.DataFrame,
    *,
    term: str | Sequence[str] | None = None,
    pattern: str | Sequence[str] | None = None,
    window: int = 5,
    within: Literal["doc", "paragraph", "sentence"] = "doc",
    sep: str = "",
    regex: bool | None = None,
) -> pd.DataFrame:
    """Key word in context: every occurrence of a term, with the tokens around it.

    Parameters
    ----------
    tokens : pandas.DataFrame
        The ``tokens`` table, unfiltered so that the context reads as the text does
        (``doc_id``, ``position``, ``token``; ``para_id``/``sent_id`` for ``within``).
    term : str or sequence of str
        Whole tokens: a string matches one token exactly; a list or tuple matches that run
        of tokens at consecutive ``position`` values (a phrase the tokenizer splits).
    pattern : str or sequence of str
        Instead of ``term``, text inside tokens: a regular expression, or a list or tuple
        of literal terms of which any matches (as in :func:`find_sentences`). It is
        searched in the tokens of each ``within`` unit written one after another, so it
        finds 行政复议 inside the tokens 行政复议案件 and 《行政复议法》; a match never
        spans a gap in ``position`` (tokens left out of the frame). Give exactly one of
        ``term`` and ``pattern``.
    window : int
        Tokens of context on each side (punctuation included).
    within : {"doc", "paragraph", "sentence"}
        Context, and a ``pattern`` match, stop at the edge of this unit.
    sep : str
        Joins tokens in ``term``, ``left`` and ``right``; "" suits Chinese.
    regex : bool, optional
        With ``pattern``: None (default) reads a string as a regex and a list as literal
        terms; True reads every item as a regex, False every item as a literal.

    Returns
    -------
    pandas.DataFrame
        The ``kwic`` table, one row per occurrence: ``doc_id``, then those of
        ``section_id``, ``para_id``, ``sent_id`` present in ``tokens``, ``position``
        (of the first matched token), ``start`` and ``end`` (character span of the match,
        when ``tokens`` has offsets), ``term``, ``window``, ``left``, ``right``. Sorted by
        ``doc_id`` and ``position``.

        With ``pattern``, ``term`` is the matched text (cut with ``sep`` where it crosses
        tokens), and a token the match starts or ends inside counts as matched: ``window``
        whole tokens are taken beyond it, and its unmatched part goes at the inner edge
        of ``left`` or ``right`` (《 and 法》 around 行政复议), so that with ``sep=""``
        ``left + term + right`` reads as the text. ``start``/``end`` are those of the
        matched characters, or of the whole edge token when its text is not its span
        (a lexicon entry merged across quotes: 行政执法三项制度 from 行政执法“三项制度”).

    Raises
    ------
    ValueError
        For neither or both of ``term`` and ``pattern``, an invalid regex (named), a bad
        ``window`` or ``within``, or missing columns.
    """
    if (term is None) == (pattern is None):
        raise ValueError("give exactly one of term and pattern")
    if term is not None:
        phrase = [term] if isinstance(term, str) else list(term)
        if not phrase or any(not isinstance(t, str) or not t for t in phrase):
            raise ValueError(f"term must be a non-empty string or list of strings, got {term!r}")
    else:
        compiled = _compile_pattern(pattern, regex)
    if not isinstance(window, (int, np.integer)) or window < 0:
        raise ValueError(f"window must be a non-negative integer, got {window!r}")
    unit_column = {"doc": None, "paragraph": "para_id", "sentence": "sent_id"}
    if within not in unit_column:
        raise ValueError(f"within must be one of {list(unit_column)}, got {within!r}")
    unit = unit_column[within]
    check_columns(tokens, "tokens", ["doc_id", "position", "token", *([unit] if unit else [])])

    ordered = tokens.sort_values(["doc_id", "position"], kind="mergesort").reset_index(drop=True)
    words = ordered["token"].to_numpy(dtype=object)
    docs = ordered["doc_id"].to_numpy(dtype=object)
    positions = ordered["position"].to_numpy(dtype=np.int64)
    size = len(words)

    # Runs of equal (doc, unit) bound the context.
    boundary = np.ones(size, dtype=bool)
    if size:
        same = docs[1:] == docs[:-1]
        if unit:
            values = ordered[unit].to_numpy()
            same &= pd.Series(values[1:]).eq(pd.Series(values[:-1])).to_numpy()
        boundary[1:] = ~same
    run = np.cumsum(boundary) - 1
    run_start = np.flatnonzero(boundary)
    run_end = np.append(run_start[1:], size)
    has_offsets = "start" in ordered and "end" in ordered

    if term is not None:
        first = _phrase_hits(words, docs, positions, phrase)
        last = first + len(phrase) - 1
        heads = tails = [""] * len(first)
    else:
        found = _pattern_hits(ordered, words, boundary, compiled, sep, has_offsets)
        first, last, texts, heads, tails, starts, ends = found

    left, right = [], []
    for hit, stop, head, tail in zip(first, last, heads, tails, strict=True):
        begin = max(run_start[run[hit]], hit - window)
        finish = min(run_end[run[stop]], stop + 1 + window)
        left.append(sep.join([*words[begin:hit], *([head] if head else [])]))
        right.append(sep.join([*([tail] if tail else []), *words[stop + 1 : finish]]))

    columns = ["doc_id"] + [c for c in ("section_id", "para_id", "sent_id") if c in ordered]
    out = ordered.loc[first, [*columns, "position"]].reset_index(drop=True)
    if has_offsets:
        if term is not None:
            out["start"] = ordered["start"].to_numpy()[first]
            out["end"] = ordered["end"].to_numpy()[last]
        else:
            out["start"] = np.asarray(starts, dtype=np.int64)
            out["end"] = np.asarray(ends, dtype=np.int64)
    out["term"] = sep.join(phrase) if term is not None else texts
    out["window"] = int(window)
    out["left"] = left
    out["right"] = right
    return out.astype({"term": "str", "left": "str", "right": "str"})


def _phrase_hits(words: np.ndarray, docs: np.ndarray, positions: np.ndarray,
                 phrase: list[str]) -> np.ndarray:
    """Row of the first token of each run of whole tokens equal to ``phrase``."""
    size, length = len(words), len(phrase)
    match = np.zeros(size, dtype=bool)
    if size >= length:
        match[: size - length + 1] = True
        for offset, word in enumerate(phrase):
            stop = size - length + 1 + offset
            match[: size - length + 1] &= words[offset:stop] == word
            if offset:
                match[: size - length + 1] &= docs[offset:stop] == docs[: stop - offset]
                match[: size - length + 1] &= positions[offset:stop] == (
                    positions[: stop - offset] + offset
                )
    return np.flatnonzero(match)


def _pattern_hits(ordered: pd.DataFrame, words: np.ndarray, boundary: np.ndarray,
                  compiled: re.Pattern[str], sep: str, has_offsets: bool) -> tuple:
    """Matches of ``compiled`` in the token text of each unit, mapped back to tokens.

    Returns the rows of the first and last token each match touches, the matched text,
    the unmatched part of the first token before it and of the last token after it, and
    the character span of the match (empty lists when ``has_offsets`` is false).
    """
    texts = words
    positions = ordered["position"].to_numpy(dtype=np.int64)
    size = len(texts)
    lengths = ordered["token"].str.len().to_numpy(dtype=np.int64)
    # Where each token begins in the whole frame's text written one after another.
    begins = np.cumsum(lengths) - lengths
    # A match stays within one unit and one run of consecutive positions.
    cut = boundary.copy()
    if size:
        cut[1:] |= positions[1:] != positions[:-1] + 1
    cut_start = np.flatnonzero(cut)
    cut_end = np.append(cut_start[1:], size)[: len(cut_start)]

    spans: list[tuple[int, int]] = []
    for a, b in zip(cut_start, cut_end, strict=True):
        base = int(begins[a])
        spans.extend((base + m.start(), base + m.end())
                     for m in compiled.finditer("".join(texts[a:b])) if m.end() > m.start())
    at = np.array([s for s, _ in spans], dtype=np.int64)
    to = np.array([e for _, e in spans], dtype=np.int64)
    # The token holding the first and the last matched character ('right' steps over
    # empty tokens at the same place).
    first = np.searchsorted(begins, at, side="right") - 1
    last = np.searchsorted(begins, to - 1, side="right") - 1

    matched, heads, tails, starts, ends = [], [], [], [], []
    if has_offsets:
        token_start = ordered["start"].to_numpy(dtype=np.int64)
        token_end = ordered["end"].to_numpy(dtype=np.int64)
    for i, j, s, e in zip(first, last, at, to, strict=True):
        inner, outer = int(s - begins[i]), int(e - begins[j])
        pieces = [texts[k][max(0, s - begins[k]) : e - begins[k]] for k in range(i, j + 1)]
        matched.append(sep.join(p for p in pieces if p))
        heads.append(texts[i][:inner])
        tails.append(texts[j][outer:])
        if has_offsets:
            exact_i = token_end[i] - token_start[i] == lengths[i]
            exact_j = token_end[j] - token_start[j] == lengths[j]
            starts.append(token_start[i] + inner if exact_i else token_start[i])
            ends.append(token_start[j] + outer if exact_j else token_end[j])
    return first, last, matched, heads, tails, starts, ends


# ---------------------------------------------------------------------------
# Sentence search
# ---------------------------------------------------------------------------


def find_sentences(
    sentences: pd.DataFrame,
    *,
    pattern: str | Sequence[str],
    sections: pd.DataFrame | None = None,
    reports: pd.DataFrame | None = None,
    regex: bool | None = None,
) -> pd.DataFrame:
    """Every match of a pattern in the sentences' text, with the sentence and where it is.

    Unlike :func:`kwic` with ``term``, this reads the text, not the tokens, so it finds a
    term inside a longer token (行政复议 in 行政复议案件 and in 《行政复议法》).

    Parameters
    ----------
    sentences : pandas.DataFrame
        The ``sentences`` table (``doc_id``, ``section_id``, ``sent_id``, ``start``,
        ``text``).
    pattern : str or sequence of str
        A regular expression, or a list or tuple of literal terms of which any matches
        (OR; escaped, the longest tried first). Matches do not overlap; a match of no
        characters (``^``, ``x*`` at a non-x) is not a mention and is dropped.
    sections : pandas.DataFrame, optional
        The ``sections`` table; adds ``part`` and ``heading_path``.
    reports : pandas.DataFrame, optional
        The ``reports`` table; adds ``label``.
    regex : bool, optional
        None (default) reads a string as a regex and a list as literal terms; True reads
        every item as a regex, False every item as a literal.

    Returns
    -------
    pandas.DataFrame
        The ``mentions`` table, **one row per match, not per sentence**: a sentence with
        three matches has three rows, so ``len(mentions)`` counts matches and
        ``mentions.drop_duplicates(["doc_id", "sent_id"])`` gives the sentences. Columns:
        ``doc_id``, ``label`` (with ``reports``), ``section_id``, ``part`` and
        ``heading_path`` (with ``sections``: the headings from the top level down to the
        sentence's section joined by " › ", NA in the untitled preamble), ``sent_id``,
        ``match`` (the matched text), ``start`` and ``end`` (offsets into
        ``reports.text``: the sentence's ``start`` plus the match's offset in it), and
        ``sentence`` (its text). Sorted by ``doc_id`` and ``start``.

    Raises
    ------
    ValueError
        Naming the pattern when it is not a valid regular expression, or the columns a
        table lacks.
    """
    compiled = _compile_pattern(pattern, regex)
    check_columns(sentences, "sentences", ["doc_id", "section_id", "sent_id", "start", "text"])
    if sections is not None:
        check_columns(sections, "sections", ["doc_id", "section_id", "parent_id", "heading",
                                             "part"])
    if reports is not None:
        check_columns(reports, "reports", ["doc_id", "label"])

    rows, matched, at, to = [], [], [], []
    for row, text in enumerate(sentences["text"].to_numpy(dtype=object)):
        if not isinstance(text, str):
            continue
        for m in compiled.finditer(text):
            if m.end() > m.start():
                rows.append(row)
                matched.append(m.group())
                at.append(m.start())
                to.append(m.end())
    hits = sentences.iloc[rows]
    begin = hits["start"].to_numpy(dtype=np.int64)
    out = pd.DataFrame({
        "doc_id": hits["doc_id"].to_numpy(dtype=object),
        "section_id": hits["section_id"].to_numpy(dtype=object),
        "sent_id": hits["sent_id"].to_numpy(),
        "match": np.asarray(matched, dtype=object),
        "start": begin + np.asarray(at, dtype=np.int64),
        "end": begin + np.asarray(to, dtype=np.int64),
        "sentence": hits["text"].to_numpy(dtype=object),
    })
    out["label"] = None
    if reports is not None:
        labels = reports.drop_duplicates("doc_id").set_index("doc_id")["label"]
        out["label"] = out["doc_id"].map(labels)
    out["part"] = out["heading_path"] = None
    if sections is not None:
        where = _heading_paths(sections)
        out = out.drop(columns=["part", "heading_path"]).merge(
            where, on=["doc_id", "section_id"], how="left")
    out = conform(out.sort_values(["doc_id", "start"], kind="mergesort"), "mentions")
    absent = [*(["label"] if reports is None else []),
              *(["part", "heading_path"] if sections is None else [])]
    return out.drop(columns=absent)


def _heading_paths(sections: pd.DataFrame) -> pd.DataFrame:
    """``doc_id``, ``section_id``, ``part`` and the path of headings down to each section."""
    table = sections.dropna(subset=["doc_id", "section_id"]).drop_duplicates(
        ["doc_id", "section_id"])
    keys = list(zip(table["doc_id"], table["section_id"], strict=True))
    above = dict(zip(keys, zip(table["parent_id"], table["heading"], strict=True), strict=True))
    paths = []
    for key in keys:
        names, seen = [], set()
        # Walk up parent_id; `seen` stops a malformed tree that loops.
        while key in above and key not in seen:
            seen.add(key)
            parent, heading = above[key]
            if isinstance(heading, str) and heading.strip():
                names.append(heading.strip())
            key = (key[0], parent) if isinstance(parent, str) else None
        paths.append(HEADING_SEP.join(reversed(names)) or None)
    return pd.DataFrame({
        "doc_id": table["doc_id"].to_numpy(dtype=object),
        "section_id": table["section_id"].to_numpy(dtype=object),
        "part": table["part"].to_numpy(dtype=object),
        "heading_path": np.asarray(paths, dtype=object),
    })
