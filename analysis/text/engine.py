"""Tokenizer configuration and its jieba/rjieba engines, one per configuration per process.

Reference configuration: accurate mode (never ``cut_all``, which double-counts) with the HMM
on, as in jieba's own default; 放管服 and 一是 survive only with the HMM. The default backend is
rjieba (jieba-rs), which gives the same tokens as jieba on our input several times faster;
``tests/text/test_tokenize.py`` keeps the two at parity on the seeds, and
``benchmarks/bench_tokenize.py`` measures the speed."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib import metadata as importlib_metadata
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.text.names import Names, build_names
from analysis.text.resources import jieba_word_set, read_lexicon

__all__ = ["BACKENDS", "DEFAULT_LEXICON_FREQ", "LEXICON_POS", "TokenizerConfig", "guess_pos"]

# The pre-pass rules and the name rules live in these files, so their bytes are part of the cache
# key: any edit to the tokenizer invalidates cached tokens without anyone having to remember a
# version bump. places.py holds the rule that decides which gazetteer names are place names.
_SOURCE_DIGEST = hashlib.sha256(b"".join(
    (Path(__file__).parent / name).read_bytes()
    for name in ("engine.py", "tokenize.py", "names.py", "../ingest/places.py"))
).hexdigest()
BACKENDS: tuple[str, ...] = ("rjieba", "jieba")
# A lexicon entry without a frequency gets this one. jieba's suggest_freq would give the bare
# minimum that beats the entry's own split in isolation, often 1 or 2, which loses as soon as a
# neighbouring character offers a better path. 20,000 is the frequency of a common word in
# jieba's dictionary (政府 23,452; the 99.9th percentile is about 20,600).
DEFAULT_LEXICON_FREQ = 20_000
# The part-of-speech tag of a lexicon entry whose pos column is empty and that jieba's
# dictionary does not know: nz (其他专名), as jieba tags 三个代表 and 改革开放, for the
# formulations are named things. rjieba's tag() gives such an added word an empty tag.
LEXICON_POS = "nz"

_HAN = "\u4e00-\u9fd5"  # jieba's own Han range: characters outside it are never segmented
_CN_DIGITS = "〇零一二三四五六七八九"
_CN_ORDINAL = "一二三四五六七八九十"
_CN_NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两")
# jieba's tags of conjunctions (c: 和, 及, 或, 而 ...) and of the particles 等, 之, 的 and 了 (u,
# uj, ul). Not 地, 得, 过 and 着 (uv, ud, ug, uz): in a run of single characters they are more
# often nouns and verbs (地锁, 过渡).
_FUNCTION_TAGS = frozenset({"c", "u", "uj", "ul"})
# ---------------------------------------------------------------------------------------------
# Configuration


def _file_digest(path: Path | None) -> str:
    if path is None:
        return "none"
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        raise FileNotFoundError(f"resource file not found: {path}") from None


@cache
def _backend_version(backend: str) -> str:
    # Looked up once per process: importlib.metadata scans the installed distributions, and
    # the fingerprint is computed on every tokenize_text call.
    try:
        return importlib_metadata.version(backend)
    except importlib_metadata.PackageNotFoundError:
        return "not-installed"


def _word_list(value: object, name: str) -> tuple[str, ...]:
    """Words from a list or a one-word-per-line file, stripped, deduplicated, sorted."""
    if isinstance(value, (str, Path)):
        path = Path(value)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{name}: cannot read {path}: {exc}") from None
        words = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    elif isinstance(value, (list, tuple, set, frozenset)):
        words = [w.strip() if isinstance(w, str) else w for w in value]
        bad = [w for w in words if not isinstance(w, str)]
        if bad:
            raise TypeError(f"{name} must hold strings, got {bad[:3]!r}")
    else:
        raise TypeError(f"{name} must be a list of words or a file path, got {value!r}")
    return tuple(sorted({w for w in words if w}))


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
    agency_names : path or None
        ``agency_names.tsv``: agency names joined with the place or prefix before them into
        tokens of kind ``org`` (长治市城市管理局, 市人社局); ``None``: no ``org`` tokens.
    places : bool
        Tag gazetteer place names (长治市, 海沧区, 江门, 留下街道) as kind ``place``, and add the
        full names jieba does not know to its dictionary.
    extra_terms, extra_stopwords, extra_filler : list of str or path
        Words added to the shipped lexicon, stopword and filler lists (never replacing them):
        a list such as ``["河长制"]`` or a UTF-8 file of one word per line (``#`` comments).
        An extra term is kept whole by the tokenizer and flagged ``in_lexicon``.
    """

    hmm: bool = True
    backend: str = "rjieba"
    lexicon: Path | None = field(default_factory=lambda: paths.RESOURCES / "lexicon.tsv")
    stopwords: Path | None = field(default_factory=lambda: paths.RESOURCES / "stopwords.txt")
    filler: Path | None = field(default_factory=lambda: paths.RESOURCES / "filler.txt")
    agency_names: Path | None = field(
        default_factory=lambda: paths.RESOURCES / "agency_names.tsv")
    places: bool = True
    extra_terms: tuple[str, ...] | Path = ()
    extra_stopwords: tuple[str, ...] | Path = ()
    extra_filler: tuple[str, ...] | Path = ()

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown backend {self.backend!r}; choose one of {BACKENDS}")
        for flag in ("hmm", "places"):
            if not isinstance(getattr(self, flag), bool):
                raise TypeError(f"{flag} must be True or False, got {getattr(self, flag)!r}")
        for name in ("lexicon", "stopwords", "filler", "agency_names"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))
        for name in ("extra_terms", "extra_stopwords", "extra_filler"):
            object.__setattr__(self, name, _word_list(getattr(self, name), name))

    def segmentation_fingerprint(self) -> str:
        """Hash of everything that changes token boundaries or kinds: the cache key.

        Covers the options, the backend's installed version, the source of the tokenizer's
        modules (the pre-pass and name rules, and the place-name rule of
        ``analysis/ingest/places.py``), the bytes of the lexicon and agency names files and
        the versions of jionlp (the gazetteer) and jieba (its dictionary decides which names
        are common words); not the stopword or filler lists, whose flags are recomputed on
        every load.

        Returns
        -------
        str
            A sha256 hex digest.
        """
        payload = {"rules": _SOURCE_DIGEST, "hmm": self.hmm, "backend": self.backend,
                   "backend_version": _backend_version(self.backend),
                   "lexicon": _file_digest(self.lexicon),
                   "agency_names": _file_digest(self.agency_names), "places": self.places,
                   "extra_terms": list(self.extra_terms),
                   "gazetteer": _backend_version("jionlp"),
                   "jieba_dictionary": _backend_version("jieba")}
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
                   "filler": _file_digest(self.filler),
                   "extra_stopwords": list(self.extra_stopwords),
                   "extra_filler": list(self.extra_filler),
                   # The tag of a word jieba's HMM made comes from rjieba (see guess_pos),
                   # whichever backend cuts.
                   "pos_tagger": _backend_version("rjieba")}
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


_Backend = tuple[Callable[[str], list[str]], Callable[[str], bool] | None]


def _make_jieba(hmm: bool, entries: Sequence[_Entry]) -> _Backend:
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

    # jieba's FREQ also holds every prefix of a word: Names checks jieba's word list instead.
    return cut, None


def _make_rjieba(hmm: bool, entries: Sequence[_Entry]) -> _Backend:
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

    # The dictionary rjieba holds is jieba's own words plus the entries added here
    # (tests/text/test_names.py checks the first against jieba's dict.txt), so a process
    # need not load jieba's 349,046 words to tell the HMM's pieces from dictionary words.
    return cut, tokenizer.has_word


def _is_function_char(word: str, frequency: int, tag: str) -> bool:
    return len(word) == 1 and tag in _FUNCTION_TAGS


def _is_han_only(term: str) -> bool:
    return re.fullmatch(f"[{_HAN}]+", term) is not None


class _Engine:
    """A loaded tokenizer: backend, pre-pass regex and lexicon set for one configuration."""

    def __init__(self, config: TokenizerConfig) -> None:
        self.config = config
        if config.lexicon is not None:
            lexicon = read_lexicon(config.lexicon)
            terms = lexicon["term"].tolist()
            freqs = [DEFAULT_LEXICON_FREQ if pd.isna(f) else int(f) for f in lexicon["freq"]]
            tags = [pos or None for pos in lexicon["pos"]]
        else:
            terms, freqs, tags = [], [], []
        extra = [t for t in config.extra_terms if t not in set(terms)]
        terms, freqs, tags = (terms + extra, freqs + [DEFAULT_LEXICON_FREQ] * len(extra),
                              tags + [None] * len(extra))
        self.lexicon = frozenset(terms)
        self.names: Names = build_names(config.agency_names, config.places, known=self.lexicon)
        # The tags of the words added to jieba's dictionary, which jieba and rjieba give them
        # too: the names' (nt, ns) and those the lexicon's pos column sets.
        self.added_tags: dict[str, str] = {
            **{term: tag for term, _, tag in self.names.entries if tag},
            **{term: tag for term, tag in zip(terms, tags, strict=True) if tag}}
        # Conjunctions and particles, by jieba's own tags.
        self.function_chars = jieba_word_set("jieba_function_chars", _is_function_char,
                                             code=Path(__file__))
        # Entries made only of Han characters go into jieba's dictionary; the others contain
        # characters jieba splits on (、+ digits ...) and are matched in the pre-pass instead.
        entries = sorted([*((t, f, pos) for t, f, pos in zip(terms, freqs, tags, strict=True)
                            if _is_han_only(t)), *self.names.entries])
        protected = sorted((t for t in terms if not _is_han_only(t)), key=lambda t: (-len(t), t))
        self.entries: tuple[_Entry, ...] = tuple(entries)
        make = _make_rjieba if config.backend == "rjieba" else _make_jieba
        self.cut, in_dictionary = make(config.hmm, entries)
        if in_dictionary is not None:
            self.names = replace(self.names, in_dictionary=in_dictionary)
        self.protected = _build_protected(protected)
        self.protected_plenums = _build_protected(protected, plenums=True)

    @cached_property
    def word_kinds(self) -> dict[str, str]:
        # Kinds of jieba's pieces, memoized: the vocabulary is small next to the token count.
        return {}

    @cached_property
    def plain_kinds(self) -> dict[str, str]:
        # The entries of word_kinds whose kind is no special one: the tagger's one lookup for
        # most pieces.
        return {}

    @cached_property
    def guessed_pos(self) -> dict[str, str]:
        # Tags of words outside every dictionary (guess_pos), memoized like word_kinds.
        return {}

    @cached_property
    def lexicon_prefixes(self) -> frozenset[str]:
        # Every beginning of a lexicon entry: a quoted run stops being a candidate as soon as
        # its pieces begin no entry.
        return frozenset(term[:end] for term in self.lexicon for end in range(1, len(term) + 1))

    @cached_property
    def other_kinds(self) -> dict[str, str]:
        # Kinds of single characters outside the scanner's classes, memoized the same way.
        return {}


@cache
def _empty_rjieba() -> object:
    import rjieba

    return rjieba.Jieba.empty()


def guess_pos(word: str) -> str:
    """The tag rjieba's ``tag()`` gives a word that no dictionary holds (one jieba's HMM made).

    For such a word, ``tag()`` runs jieba's part-of-speech HMM (the model of ``jieba.posseg``)
    over the word's characters and keeps the tag of the single piece it finds, or of the
    longest. rjieba offers that guess only through ``tag()``, which cuts first; a tokenizer
    with an empty dictionary cuts the word whole (every HMM word of the seeds and the
    development openings), so its ``tag()`` gives the guess. A word it cuts in two is tagged
    ``x`` (unknown). Both backends use this function, so their ``pos`` columns are equal.

    ``jieba.posseg`` itself is no reference here: it segments unknown runs with its own HMM,
    jointly with the tags, and its guesses differ from rjieba's for about one HMM word in six
    (see ``tests/text/test_pos.py``).

    Parameters
    ----------
    word : str
        A run of Han characters.

    Returns
    -------
    str
        A jieba tag (n, v, nr, d ...), or ``x``.
    """
    pieces = _empty_rjieba().tag(word, True)  # type: ignore[attr-defined]
    return pieces[0][1] if len(pieces) == 1 and pieces[0][1] else "x"


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


# Plenary sessions named together share one 全会: 十九届二中、三中、四中、五中全会. jieba sees
# 二中 / 三中 (a middle school's name) between the commas; the whole list is one name, like the
# lexicon's 二十届三中全会.
_PLENUMS = (rf"(?:[{_CN_ORDINAL}]{{1,3}}届)?(?:[{_CN_ORDINAL}]中[、和及与]){{1,8}}"
            rf"[{_CN_ORDINAL}]中全会")


def _build_protected(phrases: Sequence[str], *, plenums: bool = False) -> re.Pattern[str]:
    # Found first, over the whole text: a phrase can start inside a run of Han characters
    # (推行双随机、一公开), where the scanner below would already have consumed it. Titles come
    # first so that a phrase inside a title stays part of the title.
    parts = [r"(?P<title>《[^《》\n]{1,150}》)"]
    if plenums:
        parts.append(f"(?P<plenums>{_PLENUMS})")
    if phrases:
        parts.append("(?P<phrase>" + "|".join(re.escape(t) for t in phrases) + ")")
    return re.compile("|".join(parts))


