"""Policy-aware Chinese tokenization: the ``tokens`` table.

Stock jieba splits the fixed formulations (提法) this genre is made of: 习近平法治思想 comes out
as 习近平 / 法治 / 思想. We load a versioned lexicon of such formulations into a private
tokenizer, protect spans that jieba cannot keep whole (law titles in 《》, phrases with
punctuation such as 双随机、一公开, numbers, dates, list markers) in a pass before jieba, and tag
every token with a kind so that statistics can leave out what is not a word.

Reference configuration: accurate mode (never ``cut_all``, which double-counts) with the HMM on,
as in jieba's own default; 放管服 and 一是 survive only with the HMM. The default backend is
rjieba (jieba-rs), which gives the same tokens as jieba on our input several times faster;
``tests/test_tokenizing.py`` keeps the two at parity on the seeds, and
``benchmarks/bench_tokenize.py`` measures the speed. ``analysis/resources/README.md`` documents
the resources and these choices.

Segmentation is cached on disk under ``analysis.paths.CACHE / "tokens"``, keyed on the sha256 of
each document's sentence texts and on :meth:`TokenizerConfig.segmentation_fingerprint`. The
stopword and filler flags are recomputed on every load, so editing those lists never forces
re-tokenization, while editing the lexicon re-tokenizes everything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis import paths, schema

__all__ = [
    "BACKENDS",
    "DEFAULT_LEXICON_FREQ",
    "DEFAULT_TERM_KINDS",
    "KINDS",
    "THEMES",
    "TOKEN_COLUMNS",
    "Token",
    "TokenizerConfig",
    "filter_terms",
    "load_filler",
    "load_lexicon",
    "load_stopwords",
    "load_themes",
    "load_tokens",
    "tag_text",
    "tokenize_text",
]

# The pre-pass rules live in this file, so its bytes are part of the cache key: any edit to the
# tokenizer invalidates cached tokens without anyone having to remember a version bump.
_SOURCE_DIGEST = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()

KINDS: tuple[str, ...] = ("word", "title", "number", "date", "punct", "latin", "marker")
DEFAULT_TERM_KINDS: tuple[str, ...] = ("word", "title", "latin")
BACKENDS: tuple[str, ...] = ("rjieba", "jieba")

TOKEN_COLUMNS: list[str] = schema.columns("tokens")
_SENTENCE_COLUMNS = ("doc_id", "section_id", "para_id", "sent_id", "text", "start")

# A lexicon entry without a frequency gets this one. jieba's suggest_freq would give the bare
# minimum that beats the entry's own split in isolation, often 1 or 2, which loses as soon as a
# neighbouring character offers a better path. 20,000 is the frequency of a common word in
# jieba's dictionary (政府 23,452; the 99.9th percentile is about 20,600).
DEFAULT_LEXICON_FREQ = 20_000

_HAN = "\u4e00-\u9fd5"  # jieba's own Han range: characters outside it are never segmented
_CN_DIGITS = "〇零一二三四五六七八九"
_CN_ORDINAL = "一二三四五六七八九十"
_CN_NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两")


class Token(NamedTuple):
    """One token of a text: its string, kind and character offsets into that text."""

    token: str
    kind: str
    start: int
    end: int


# ---------------------------------------------------------------------------------------------
# Resources


def _read_resource_lines(path: Path) -> list[tuple[int, str]]:
    """Return (line number, stripped line) for non-empty, non-comment lines."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"resource file not found: {path}") from None
    except UnicodeDecodeError as err:
        raise ValueError(f"resource file {path} is not UTF-8: {err}") from None
    lines = []
    for number, line in enumerate(raw.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            lines.append((number, line))
    return lines


def load_lexicon(path: Path | str | None = None) -> pd.DataFrame:
    """Read the domain lexicon of fixed policy formulations.

    Parameters
    ----------
    path : path-like, optional
        A UTF-8 TSV file with a header naming at least ``term`` and ``source``, optionally
        ``freq`` and ``pos``; ``#`` starts a comment line. Defaults to
        ``analysis/resources/lexicon.tsv``.

    Returns
    -------
    pandas.DataFrame
        The ``lexicon`` table, one row per entry in file order, columns ``term`` (str),
        ``freq`` (Int64, NA where the file leaves it empty), ``pos`` (str, "" when absent)
        and ``source`` (str).

    Raises
    ------
    ValueError
        If the header lacks ``term`` or ``source``, a row has the wrong number of fields, a
        term is empty, contains whitespace or repeats, or a frequency is not a positive integer.
    """
    path = Path(path) if path is not None else paths.RESOURCES / "lexicon.tsv"
    lines = _read_resource_lines(path)
    if not lines:
        raise ValueError(f"lexicon {path} is empty: it needs a header line 'term<TAB>source'")
    header = [name.strip() for name in lines[0][1].split("\t")]
    missing = [name for name in ("term", "source") if name not in header]
    if missing:
        raise ValueError(f"lexicon {path} header lacks column(s) {missing}; found {header}")
    rows, seen = [], {}
    for number, line in lines[1:]:
        fields = [value.strip() for value in line.split("\t")]
        if len(fields) != len(header):
            raise ValueError(f"lexicon {path} line {number}: expected {len(header)} tab-separated"
                             f" fields ({header}), found {len(fields)}: {line!r}")
        row = dict(zip(header, fields, strict=True))
        term = row["term"]
        if not term or re.search(r"\s", term):
            raise ValueError(f"lexicon {path} line {number}: term {term!r} is empty or has"
                             " whitespace")
        if term in seen:
            raise ValueError(f"lexicon {path} line {number}: term {term!r} repeats line"
                             f" {seen[term]}")
        seen[term] = number
        freq = row.get("freq", "")
        if freq and not (freq.isdigit() and int(freq) > 0):
            raise ValueError(f"lexicon {path} line {number}: freq {freq!r} is not a positive"
                             " integer")
        rows.append({"term": term, "freq": int(freq) if freq else pd.NA,
                     "pos": row.get("pos", ""), "source": row["source"]})
    frame = pd.DataFrame(rows, columns=["term", "freq", "pos", "source"])
    frame["freq"] = frame["freq"].astype("Int64")
    return frame


def _load_word_list(path: Path, what: str) -> frozenset[str]:
    words = set()
    for number, line in _read_resource_lines(path):
        if re.search(r"\s", line):
            raise ValueError(f"{what} list {path} line {number}: {line!r} contains whitespace")
        words.add(line)
    return frozenset(words)


def load_stopwords(path: Path | str | None = None) -> frozenset[str]:
    """Read a stopword list of function words, one per line (``#`` comments), stripped, deduped.

    Parameters
    ----------
    path : path-like, optional
        Defaults to ``analysis/resources/stopwords.txt``.

    Returns
    -------
    frozenset of str
        The stopwords.
    """
    return _load_word_list(Path(path) if path is not None
                           else paths.RESOURCES / "stopwords.txt", "stopword")


def load_filler(path: Path | str | None = None) -> frozenset[str]:
    """Read the list of bureaucratic filler words (工作, 加强, 推进 ...), one per line.

    Parameters
    ----------
    path : path-like, optional
        Defaults to ``analysis/resources/filler.txt``.

    Returns
    -------
    frozenset of str
        The filler words.
    """
    return _load_word_list(Path(path) if path is not None
                           else paths.RESOURCES / "filler.txt", "filler")


THEMES: tuple[str, ...] = (
    "political_guidance", "enforcement", "legal_publicity", "decision_making", "supervision",
    "disputes_litigation", "business_environment", "digital_governance", "workforce_training",
)


def load_themes(path: Path | str | None = None) -> pd.DataFrame:
    """Read the theme lexicon that maps terms to themes.

    Parameters
    ----------
    path : path-like, optional
        A UTF-8 TSV with header ``term<TAB>theme``; defaults to ``analysis/resources/themes.tsv``.

    Returns
    -------
    pandas.DataFrame
        The ``themes`` table, one row per term in file order, columns ``term`` and ``theme``
        (one of :data:`THEMES`).

    Raises
    ------
    ValueError
        On a malformed row, a repeated term or an unknown theme id.
    """
    path = Path(path) if path is not None else paths.RESOURCES / "themes.tsv"
    lines = _read_resource_lines(path)
    if not lines or [v.strip() for v in lines[0][1].split("\t")] != ["term", "theme"]:
        raise ValueError(f"theme lexicon {path} must start with the header 'term<TAB>theme'")
    rows, seen = [], {}
    for number, line in lines[1:]:
        fields = [value.strip() for value in line.split("\t")]
        if len(fields) != 2 or not fields[0]:
            raise ValueError(f"theme lexicon {path} line {number}: expected 'term<TAB>theme',"
                             f" found {line!r}")
        term, theme = fields
        if theme not in THEMES:
            raise ValueError(f"theme lexicon {path} line {number}: unknown theme {theme!r};"
                             f" known: {THEMES}")
        if term in seen:
            raise ValueError(f"theme lexicon {path} line {number}: term {term!r} repeats line"
                             f" {seen[term]}")
        seen[term] = number
        rows.append({"term": term, "theme": theme})
    return pd.DataFrame(rows, columns=["term", "theme"])


# ---------------------------------------------------------------------------------------------
# Configuration


def _file_digest(path: Path | None) -> str:
    if path is None:
        return "none"
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        raise FileNotFoundError(f"resource file not found: {path}") from None


def _backend_version(backend: str) -> str:
    try:
        return importlib_metadata.version(backend)
    except importlib_metadata.PackageNotFoundError:
        return "not-installed"


@dataclass(frozen=True)
class TokenizerConfig:
    """Everything that decides the ``tokens`` table.

    Parameters
    ----------
    hmm : bool
        Let jieba's HMM join unknown characters into words. On by default: the reference mode.
    backend : {"rjieba", "jieba"}
        ``"jieba"`` is the reference implementation; ``"rjieba"`` (jieba-rs) gives identical
        tokens on our input and is much faster.
    lexicon, stopwords, filler : path or None
        Resource files; ``None`` means no lexicon (stock jieba plus the pre-pass) or an empty list.
    """

    hmm: bool = True
    backend: str = "rjieba"
    lexicon: Path | None = field(default_factory=lambda: paths.RESOURCES / "lexicon.tsv")
    stopwords: Path | None = field(default_factory=lambda: paths.RESOURCES / "stopwords.txt")
    filler: Path | None = field(default_factory=lambda: paths.RESOURCES / "filler.txt")

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown backend {self.backend!r}; choose one of {BACKENDS}")
        if not isinstance(self.hmm, bool):
            raise TypeError(f"hmm must be True or False, got {self.hmm!r}")
        for name in ("lexicon", "stopwords", "filler"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))

    def segmentation_fingerprint(self) -> str:
        """Hash of everything that changes token boundaries or kinds: the cache key.

        Covers the options, the backend's installed version, the source of this module (the
        pre-pass rules) and the bytes of the lexicon file; not the stopword or filler lists,
        whose flags are recomputed on every load.

        Returns
        -------
        str
            A sha256 hex digest.
        """
        payload = {"rules": _SOURCE_DIGEST, "hmm": self.hmm, "backend": self.backend,
                   "backend_version": _backend_version(self.backend),
                   "lexicon": _file_digest(self.lexicon)}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def fingerprint(self) -> str:
        """Hash of the whole configuration and the contents of all its resource files.

        Returns
        -------
        str
            A sha256 hex digest; equal configs over equal files give equal digests.
        """
        payload = {"segmentation": self.segmentation_fingerprint(),
                   "stopwords": _file_digest(self.stopwords),
                   "filler": _file_digest(self.filler)}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Backends: one per configuration per process, created lazily.


@contextlib.contextmanager
def _quiet_jieba() -> Iterator[None]:
    # jieba prints "Building prefix dict ...", "Dumping model to file cache" and, when the
    # cache folder is not writable, an ERROR with a traceback: all harmless, all noise that
    # strict nbval would compare. Raise the level only while we load, and restore it.
    with warnings.catch_warnings():
        # jieba 0.42 imports pkg_resources, which newer setuptools deprecates loudly.
        warnings.simplefilter("ignore")
        import jieba  # noqa: F401 - importing first: jieba's import resets its level to DEBUG
    logger = logging.getLogger("jieba")
    previous = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _jieba_model_dir() -> str:
    # jieba caches its parsed dictionary (~0.6 s to rebuild); keep it under our ignored cache
    # folder rather than the system temp dir, falling back to the temp dir when read-only.
    folder = paths.CACHE / "jieba"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return str(folder)
    except OSError:
        pass
    return tempfile.gettempdir()


_Entry = tuple[str, int, str | None]  # term, frequency, part-of-speech tag


def _make_jieba(hmm: bool, entries: Sequence[_Entry]) -> Callable[[str], list[str]]:
    with _quiet_jieba():
        import jieba

        tokenizer = jieba.Tokenizer()
        tokenizer.tmp_dir = _jieba_model_dir()
        tokenizer.cache_file = "jieba.cache"
        tokenizer.initialize()
    for term, freq, pos in entries:
        tokenizer.add_word(term, freq, pos)

    def cut(text: str) -> list[str]:
        return tokenizer.lcut(text, cut_all=False, HMM=hmm)

    return cut


def _make_rjieba(hmm: bool, entries: Sequence[_Entry]) -> Callable[[str], list[str]]:
    try:
        import rjieba
    except ImportError:
        raise ImportError("backend 'rjieba' needs the rjieba package (pip install rjieba); "
                          "or use TokenizerConfig(backend='jieba')") from None
    tokenizer = rjieba.Jieba()
    for term, freq, pos in entries:
        tokenizer.add_word(term, freq, pos)

    def cut(text: str) -> list[str]:
        return tokenizer.cut(text, hmm)

    return cut


def _is_han_only(term: str) -> bool:
    return re.fullmatch(f"[{_HAN}]+", term) is not None


class _Engine:
    """A loaded tokenizer: backend, pre-pass regex and lexicon set for one configuration."""

    def __init__(self, config: TokenizerConfig) -> None:
        self.config = config
        if config.lexicon is not None:
            lexicon = load_lexicon(config.lexicon)
            terms = lexicon["term"].tolist()
            freqs = [DEFAULT_LEXICON_FREQ if pd.isna(f) else int(f) for f in lexicon["freq"]]
            tags = [pos or None for pos in lexicon["pos"]]
        else:
            terms, freqs, tags = [], [], []
        self.lexicon = frozenset(terms)
        # Entries made only of Han characters go into jieba's dictionary; the others contain
        # characters jieba splits on (、+ digits ...) and are matched in the pre-pass instead.
        entries = sorted((t, f, pos) for t, f, pos in zip(terms, freqs, tags, strict=True)
                         if _is_han_only(t))
        protected = sorted((t for t in terms if not _is_han_only(t)), key=lambda t: (-len(t), t))
        make = _make_rjieba if config.backend == "rjieba" else _make_jieba
        self.cut = make(config.hmm, entries)
        self.protected = _build_protected(protected)

    @cached_property
    def word_kinds(self) -> dict[str, str]:
        # Kinds of jieba's pieces, memoized: the vocabulary is small next to the token count.
        return {}


_ENGINES: dict[str, _Engine] = {}
_ENGINES_LOCK = threading.Lock()
_MAX_ENGINES = 8  # a jieba backend holds ~100 MB; drop the oldest beyond this many configs


def _engine(config: TokenizerConfig | None) -> _Engine:
    config = config if config is not None else TokenizerConfig()
    if not isinstance(config, TokenizerConfig):
        raise TypeError(f"config must be a TokenizerConfig, got {type(config).__name__}")
    # Keyed on what changes segmentation only: a new stopword list reuses the loaded tokenizer.
    key = config.segmentation_fingerprint()
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = _Engine(config)
            while len(_ENGINES) > _MAX_ENGINES:
                del _ENGINES[next(iter(_ENGINES))]
    return engine


# ---------------------------------------------------------------------------------------------
# The pre-pass: spans jieba must not see, each with its kind.

_MARKER = (
    rf"[(（](?:[{_CN_ORDINAL}]{{1,3}}|\d{{1,2}})[)）]"      # (一) (12), full-width too
    rf"|[\u2460-\u2473\u2776-\u277f]"                     # ① ... ⑳, ❶ ...
    rf"|(?<!\w)[{_CN_ORDINAL}]{{1,3}}是"                   # 一是 ... 十是, 十一是, not 统一是
    rf"|(?m:^)(?:[{_CN_ORDINAL}]{{1,3}}|\d{{1,2}})(?:、|\.(?!\d))"  # line-initial 一、 1. 2、
)
_DATE = (
    r"(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?|度)?"
    rf"|[{_CN_DIGITS}]{{4}}年(?:[{_CN_ORDINAL}]{{1,2}}月(?:[{_CN_ORDINAL}]{{1,3}}日)?)?"
    r"|\d{1,2}月(?:\d{1,2}日|份)?"
    r"|(?:19|20)\d{2}(?:-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2}|\.\d{1,2}\.\d{1,2})(?!\d)"
    r"|(?:19|20)\d{2}(?=[^\S\n]*[-—–~至到]{1,2}[^\S\n]*(?:19|20)\d{2}年)"  # 2021 of 2021—2025年
    r"|\d{1,2}:\d{2}(?::\d{2})?(?!\d)"
)
_NUMBER = r"\d+(?:\.\d+)?(?:[万亿]余?|余[万亿]?)?(?:%|‰)?"
_LATIN = r"[0-9]*[A-Za-z][A-Za-z0-9]*"


def _build_protected(phrases: Sequence[str]) -> re.Pattern[str]:
    # Found first, over the whole text: a phrase can start inside a run of Han characters
    # (推行双随机、一公开), where the scanner below would already have consumed it. Titles come
    # first so that a phrase inside a title stays part of the title.
    parts = [r"(?P<title>《[^《》\n]{1,150}》)"]
    if phrases:
        parts.append("(?P<phrase>" + "|".join(re.escape(t) for t in phrases) + ")")
    return re.compile("|".join(parts))


_SCANNER = re.compile("|".join([
    f"(?P<marker>{_MARKER})",
    f"(?P<latin>{_LATIN})",
    f"(?P<date>{_DATE})",
    f"(?P<number>{_NUMBER})",
    rf"(?P<han>[{_HAN}]+)",
    r"(?P<space>\s+)",
    r"(?P<dash>…+|—+|-{2,}|\.{2,})",
    r"(?P<other>.)",
]), re.DOTALL)


def _other_kind(char: str) -> str:
    category = unicodedata.category(char)
    if category[0] == "N":
        return "number"  # 〇, full-width digits, Roman numerals
    if category[0] == "L":
        name = unicodedata.name(char, "")
        return "latin" if "LATIN" in name else "word"  # CJK outside jieba's range is a word
    return "punct"


_NUMERAL_WORD = re.compile("[" + "".join(sorted(_CN_NUMERALS)) + "]+")


def _word_kind(token: str, lexicon: frozenset[str]) -> str:
    if token not in lexicon and _NUMERAL_WORD.fullmatch(token):
        return "number"
    return "word"


def _scan(protected: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Yield protected spans and, between them, the scanner's matches, in text order."""
    position = 0
    for span in protected.finditer(text):
        if span.start() > position:
            yield from _SCANNER.finditer(text, position, span.start())
        yield span
        position = span.end()
    if position < len(text):
        yield from _SCANNER.finditer(text, position)


class _Columns(NamedTuple):
    """Tokens of one text as parallel lists: cheaper than one object per token."""

    token: list[str]
    kind: list[str]
    start: list[int]
    end: list[int]


def _tag(engine: _Engine, text: str) -> _Columns:
    tokens: list[str] = []
    kinds: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    add_token, add_kind, add_start, add_end = (
        tokens.append, kinds.append, starts.append, ends.append)
    cut = engine.cut
    word_kinds = engine.word_kinds
    lexicon = engine.lexicon
    has_quote = False
    for match in _scan(engine.protected, text):
        group = match.lastgroup
        if group == "han":
            start = match.start()
            for piece in cut(match.group()):
                kind = word_kinds.get(piece)
                if kind is None:
                    kind = word_kinds[piece] = _word_kind(piece, lexicon)
                add_token(piece)
                add_kind(kind)
                add_start(start)
                start += len(piece)
                add_end(start)
            continue
        if group == "space":
            continue
        value = match.group()
        if group == "other":
            if value in _QUOTES:
                has_quote = True
            kind = _other_kind(value)
        elif group == "phrase":
            kind = "word"
        elif group == "dash":
            kind = "punct"
        else:
            kind = group
        add_token(value)
        add_kind(kind)
        add_start(match.start())
        add_end(match.end())
    columns = _Columns(tokens, kinds, starts, ends)
    if has_quote and lexicon:
        columns = _merge_quoted(columns, lexicon)
    return columns


_QUOTES = frozenset("“”‘’\"'「」『』")
_MAX_QUOTED_PARTS = 7  # word pieces plus quotes inside one merged formulation
_MERGEABLE = frozenset(("word", "number", "latin"))


def _quoted_entry(columns: _Columns, index: int, lexicon: frozenset[str]) -> int | None:
    """Return the last index of the longest quoted lexicon entry starting at index, if any."""
    tokens, kinds, starts, ends = columns
    if tokens[index] in _QUOTES or kinds[index] not in _MERGEABLE:
        return None
    pieces, has_quote, best = [tokens[index]], False, None
    for stop in range(index + 1, min(len(tokens), index + _MAX_QUOTED_PARTS)):
        if starts[stop] != ends[stop - 1]:
            break
        if tokens[stop] in _QUOTES:
            has_quote = True
            continue
        if kinds[stop] not in _MERGEABLE:
            break
        pieces.append(tokens[stop])
        if has_quote and "".join(pieces) in lexicon:
            best = stop
    return best


def _merge_quoted(columns: _Columns, lexicon: frozenset[str]) -> _Columns:
    # Reports quote part of a formulation: 行政执法“三项制度”, “八五”普法, “721”工作法. Join the
    # pieces when, without the quotes, they spell a lexicon entry, so these count with the
    # unquoted form. The merged token is the entry itself; start/end span the quoted text.
    tokens = columns.token
    quotes = [i for i, token in enumerate(tokens) if token in _QUOTES]
    starts = sorted({i for q in quotes for i in range(max(0, q - _MAX_QUOTED_PARTS + 2), q)})
    merged = _Columns([], [], [], [])
    done = 0  # rows before done are settled

    def keep(stop: int) -> None:
        for target, source in zip(merged, columns, strict=True):
            target.extend(source[done:stop])

    for index in starts:
        if index < done:
            continue
        stop = _quoted_entry(columns, index, lexicon)
        if stop is not None:
            keep(index)
            merged.token.append("".join(t for t in tokens[index:stop + 1] if t not in _QUOTES))
            merged.kind.append("word")
            merged.start.append(columns.start[index])
            merged.end.append(columns.end[stop])
            done = stop + 1
    keep(len(tokens))
    return merged


def tag_text(text: str, *, config: TokenizerConfig | None = None) -> list[Token]:
    """Tokenize one text and tag each token with its kind and offsets.

    Parameters
    ----------
    text : str
        Normalized report text (any text works; whitespace yields no token).
    config : TokenizerConfig, optional
        Defaults to ``TokenizerConfig()``.

    Returns
    -------
    list of Token
        ``(token, kind, start, end)`` in text order. Kinds:
        ``word``, ``title`` (a 《…》 title, brackets kept), ``number`` (814, 0.39, 100%, 1400余,
        3万余, Chinese numerals), ``date`` (2023年, 2023年度, 11月20日, 2024-03-11, the 2021 of
        2021—2025年), ``punct``, ``latin`` (APP, 5G) and ``marker`` (一是, (一), line-initial
        一、 and 1.).
        ``text[start:end] == token`` except for a lexicon entry written with quotes inside,
        such as 行政执法“三项制度”: it becomes one token spelled as the entry, 行政执法三项制度,
        whose offsets span the quoted text.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")
    return [Token(*row) for row in zip(*_tag(_engine(config), text), strict=True)]


def tokenize_text(text: str, *, config: TokenizerConfig | None = None) -> list[str]:
    """Tokenize one text into token strings (whitespace dropped, everything else kept).

    Parameters
    ----------
    text : str
        Normalized report text.
    config : TokenizerConfig, optional
        Defaults to ``TokenizerConfig()``.

    Returns
    -------
    list of str
        The tokens in order; see :func:`tag_text` for kinds and offsets.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")
    return _tag(_engine(config), text).token


# ---------------------------------------------------------------------------------------------
# The tokens table and its cache

_CACHE_COLUMNS = ["sentence", "token", "kind", "rel_start", "rel_end"]


def _document_key(texts: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for text in texts:
        # Length-prefix each sentence so that moving a boundary changes the key.
        encoded = text.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "little"))
        digest.update(encoded)
    return digest.hexdigest()


_CACHE_SCHEMA = pa.schema([("sentence", pa.int64()), ("token", pa.string()),
                           ("kind", pa.string()), ("rel_start", pa.int64()),
                           ("rel_end", pa.int64())])


def _segment_document(engine: _Engine, texts: Sequence[str]) -> pa.Table:
    # One pass over the sentences joined by newlines: cheaper than a call per sentence, and
    # the same tokens, since no token crosses a newline and markers see it as a line start.
    tagged = _tag(engine, "\n".join(texts))
    offsets = np.cumsum([0, *(len(text) + 1 for text in texts[:-1])])
    starts = np.asarray(tagged.start, dtype=np.int64)
    sentence = np.searchsorted(offsets, starts, side="right") - 1
    return pa.table([sentence, pa.array(tagged.token, pa.string()),
                     pa.array(tagged.kind, pa.string()), starts - offsets[sentence],
                     np.asarray(tagged.end, dtype=np.int64) - offsets[sentence]],
                    schema=_CACHE_SCHEMA)


def _read_cached(path: Path) -> pa.Table | None:
    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        return None
    except Exception:
        # A torn, foreign or unreadable file is a cache miss; the caller rebuilds it.
        return None
    if table.schema != _CACHE_SCHEMA:
        return None
    return table


def _write_cached(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename: readers in parallel processes see either the old
    # file or the whole new one, never a partial write.
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    os.close(handle)
    try:
        pq.write_table(table, temp)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _check_sentences(sentences: pd.DataFrame) -> None:
    if not isinstance(sentences, pd.DataFrame):
        raise TypeError(f"sentences must be a pandas DataFrame, got {type(sentences).__name__}")
    missing = [name for name in _SENTENCE_COLUMNS if name not in sentences.columns]
    if missing:
        raise ValueError(f"sentences table lacks column(s) {missing}; it needs"
                         f" {list(_SENTENCE_COLUMNS)} (see analysis.ingest.corpus)")
    # A plain bool array: on an empty string-dtype column, map() keeps the string dtype
    # and pandas 3 refuses .any() on it (a build chunk with no loadable file crashed here).
    bad = np.fromiter((not isinstance(value, str) for value in sentences["text"]), dtype=bool,
                      count=len(sentences))
    if bad.any():
        row = sentences.loc[bad].iloc[0]
        raise ValueError(f"sentences.text must be str; doc {row['doc_id']!r} sentence"
                         f" {row['sent_id']!r} has {row['text']!r}")
    start = pd.to_numeric(sentences["start"], errors="coerce")
    if start.isna().any() or (start % 1 != 0).any():
        raise ValueError("sentences.start must hold integer offsets into reports.text; found"
                         f" {sentences['start'][start.isna() | (start % 1 != 0)].iloc[0]!r}")
    if sentences.duplicated(["doc_id", "sent_id"]).any():
        row = sentences.loc[sentences.duplicated(["doc_id", "sent_id"])].iloc[0]
        raise ValueError(f"sentences has duplicate (doc_id, sent_id) = ({row['doc_id']!r},"
                         f" {row['sent_id']!r})")


def load_tokens(
    sentences: pd.DataFrame,
    *,
    config: TokenizerConfig | None = None,
    cache: bool = True,
    cache_dir: Path | str | None = None,
) -> pd.DataFrame:
    """Tokenize every sentence into the long ``tokens`` table.

    Parameters
    ----------
    sentences : pandas.DataFrame
        The ``sentences`` table: ``doc_id, section_id, para_id, sent_id, text, start`` at least.
        It is not modified.
    config : TokenizerConfig, optional
        Defaults to ``TokenizerConfig()`` (rjieba backend, HMM on, shipped resources).
    cache : bool
        Read and write the on-disk cache, one file per document keyed on the sha256 of its
        sentence texts and :meth:`TokenizerConfig.segmentation_fingerprint`.
    cache_dir : path-like, optional
        Defaults to ``analysis.paths.CACHE / "tokens"`` (``FZZF_CACHE`` moves ``CACHE``).

    Returns
    -------
    pandas.DataFrame
        The ``tokens`` table, one row per token, ordered by ``doc_id`` then ``position``:
        ``doc_id`` (str), ``section_id`` (str), ``para_id``, ``sent_id``, ``position`` (int,
        0-based within the document), ``token`` (str), ``kind`` (one of :data:`KINDS`),
        ``is_stop`` (bool, a function word from the stopword list), ``is_filler`` (bool, on the
        filler list), ``in_lexicon`` (bool, a domain lexicon entry), ``start`` and ``end`` (int,
        offsets into ``reports.text``: sentence start plus the offset within the sentence).
    """
    _check_sentences(sentences)
    config = config if config is not None else TokenizerConfig()
    engine = _engine(config)
    folder = Path(cache_dir) if cache_dir is not None else paths.CACHE / "tokens"
    folder = folder / config.segmentation_fingerprint()[:24]
    ordered = sentences.sort_values(["doc_id", "sent_id"], kind="stable").reset_index(drop=True)
    all_texts = ordered["text"].tolist()
    doc_codes, doc_names = pd.factorize(ordered["doc_id"].astype(str), sort=True)
    section_codes, section_names = pd.factorize(ordered["section_id"].astype(str))
    # Rows are sorted by doc_id, so each document is one slice [first, last).
    firsts = np.flatnonzero(np.diff(doc_codes, prepend=-1)).tolist()
    lasts = [*firsts[1:], len(ordered)][:len(firsts)]
    tables, rows, positions = [], [], []
    for first, last in zip(firsts, lasts, strict=True):
        texts = all_texts[first:last]
        target = folder / f"{_document_key(texts)}.parquet"
        table = _read_cached(target) if cache else None
        if table is None:
            table = _segment_document(engine, texts)
            if cache:
                _write_cached(target, table)
        tables.append(table)
        rows.append(table.column("sentence").to_numpy() + first)
        positions.append(np.arange(table.num_rows, dtype=np.int64))
    segmented = pa.concat_tables(tables) if tables else _CACHE_SCHEMA.empty_table()
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    starts = ordered["start"].to_numpy(dtype=np.int64)[row]

    def labels(codes: np.ndarray, names: pd.Index) -> pa.Array:
        # Dictionary-decode in Arrow rather than build one Python string per token.
        return pa.DictionaryArray.from_arrays(
            pa.array(codes[row], pa.int32()),
            pa.array(names.astype(str).tolist(), pa.string())).dictionary_decode()

    token, kind = segmented.column("token"), segmented.column("kind")
    stopwords = load_stopwords(config.stopwords) if config.stopwords else frozenset()
    filler = load_filler(config.filler) if config.filler else frozenset()
    words = pc.is_in(kind, value_set=pa.array(["word", "latin"]))

    def listed(words_list: frozenset[str]) -> pa.ChunkedArray:
        return pc.is_in(token, value_set=pa.array(sorted(words_list), pa.string()))

    table = pa.table({
        "doc_id": labels(doc_codes, doc_names),
        "section_id": labels(section_codes, section_names),
        "para_id": ordered["para_id"].to_numpy(dtype=np.int64)[row],
        "sent_id": ordered["sent_id"].to_numpy(dtype=np.int64)[row],
        "position": np.concatenate(positions) if positions else np.zeros(0, dtype=np.int64),
        "token": token,
        "kind": kind,
        "is_stop": pc.and_(words, listed(stopwords)),
        "is_filler": pc.and_(words, listed(filler)),
        "in_lexicon": listed(engine.lexicon),
        "start": starts + segmented.column("rel_start").to_numpy(),
        "end": starts + segmented.column("rel_end").to_numpy(),
    })
    return table.to_pandas()


def filter_terms(
    tokens: pd.DataFrame,
    *,
    kinds: Iterable[str] = DEFAULT_TERM_KINDS,
    drop_stopwords: bool = True,
    drop_filler: bool = False,
    min_len: int = 1,
    exclude: Iterable[str] = (),
) -> pd.DataFrame:
    """Keep the tokens that count as terms for statistics; every exclusion is an option.

    Parameters
    ----------
    tokens : pandas.DataFrame
        The ``tokens`` table from :func:`load_tokens`; not modified.
    kinds : iterable of str
        Kinds to keep; by default words, titles and latin, so numbers, dates, punctuation and
        list markers are left out.
    drop_stopwords : bool
        Drop function words (``is_stop``).
    drop_filler : bool
        Drop bureaucratic filler words (``is_filler``); off by default because filler words
        are what some research questions count.
    min_len : int
        Drop tokens shorter than this many characters.
    exclude : iterable of str
        Further tokens to drop, for example place names.

    Returns
    -------
    pandas.DataFrame
        The ``tokens`` table restricted to the kept rows, same columns, order kept, index reset.
    """
    missing = [name for name in ("token", "kind", "is_stop", "is_filler")
               if name not in tokens.columns]
    if missing:
        raise ValueError(f"tokens table lacks column(s) {missing}; build it with load_tokens")
    kinds = tuple(kinds)
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown token kind(s) {unknown}; known kinds are {KINDS}")
    if not isinstance(min_len, int) or min_len < 0:
        raise ValueError(f"min_len must be a non-negative int, got {min_len!r}")
    keep = tokens["kind"].isin(kinds)
    if drop_stopwords:
        keep &= ~tokens["is_stop"].astype(bool)
    if drop_filler:
        keep &= ~tokens["is_filler"].astype(bool)
    if min_len > 1:
        keep &= tokens["token"].str.len() >= min_len
    exclude = set(exclude)
    if exclude:
        keep &= ~tokens["token"].isin(exclude)
    return tokens.loc[keep].reset_index(drop=True)
