"""The tokenizer's word lists: lexicon of formulations, stopwords, filler words, themes.

Each ``read_*`` reads one resource file (``analysis/resources/``, or a path of the user's)
and checks it, naming file and line of a malformed entry. ``analysis/resources/README.md``
documents sources and choices."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis import paths

__all__ = ["THEMES", "jieba_dictionary_file", "jieba_tags", "jieba_word_set", "jieba_words",
           "read_agency_names", "read_filler", "read_jieba_dictionary", "read_lexicon",
           "read_stopwords", "read_themes"]

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


def read_lexicon(path: Path | str | None = None) -> pd.DataFrame:
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


def read_stopwords(path: Path | str | None = None) -> frozenset[str]:
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


def read_filler(path: Path | str | None = None) -> frozenset[str]:
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


def read_agency_names(path: Path | str | None = None) -> frozenset[str]:
    """Read the agency names of ``agency_names.tsv``: every short and every official form.

    Parameters
    ----------
    path : path-like, optional
        A UTF-8 TSV whose header names at least ``short`` and ``full``; defaults to
        ``analysis/resources/agency_names.tsv``.

    Returns
    -------
    frozenset of str
        人社局, 人力资源和社会保障局, 城管局, 城市管理局 ...: both columns, empty cells skipped.

    Raises
    ------
    ValueError
        If the header lacks ``short`` or ``full``, a row has the wrong number of fields or a
        name contains whitespace.
    """
    path = Path(path) if path is not None else paths.RESOURCES / "agency_names.tsv"
    lines = _read_resource_lines(path)
    header = [name.strip() for name in lines[0][1].split("\t")] if lines else []
    missing = [name for name in ("short", "full") if name not in header]
    if missing:
        raise ValueError(f"agency names {path} header lacks column(s) {missing}; found {header}")
    names = set()
    for number, line in lines[1:]:
        fields = [value.strip() for value in line.split("\t")]
        if len(fields) > len(header):
            raise ValueError(f"agency names {path} line {number}: expected at most"
                             f" {len(header)} tab-separated fields, found {len(fields)}")
        row = dict(zip(header, fields, strict=False))
        for name in (row.get("short", ""), row.get("full", "")):
            if re.search(r"\s", name):
                raise ValueError(f"agency names {path} line {number}: {name!r} has whitespace")
            if name:
                names.add(name)
    return frozenset(names)


def jieba_dictionary_file() -> Path:
    """The dictionary file of the installed jieba package (``jieba/dict.txt``)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba is not installed: its dictionary gives the word frequencies")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


@lru_cache(maxsize=1)
def read_jieba_dictionary() -> dict[str, tuple[int, str]]:
    """Read stock jieba's dictionary from the installed jieba package, without loading jieba.

    The tokenizer and the gazetteer use it to tell a common word (资源, 平安) from a name, the
    dictionary's words from those jieba's HMM makes up, and function words by their tags. The
    file is parsed once per machine (:mod:`analysis.cache`), read once per process and never
    changed; the global ``jieba.dt`` is not touched.

    Returns
    -------
    dict
        Word -> (frequency, part-of-speech tag), 349,046 entries for jieba 0.42.1.
    """
    from analysis.cache import load_derived

    path = jieba_dictionary_file()
    return load_derived("jieba_dictionary", [path, Path(__file__)],
                        lambda: _parse_jieba_dictionary(path))


def jieba_word_set(name: str, keep: Callable[[str, int, str], bool], *,
                       code: Path) -> frozenset[str]:
    """The words of jieba's dictionary that ``keep(word, frequency, tag)`` keeps, cached.

    A process that needs only a set of words (the dictionary's words, its common words, its
    conjunctions) reads that set from the cache (:mod:`analysis.cache`), keyed on the
    dictionary and on ``code``, the module that defines ``keep``, and never loads the whole
    dictionary with its frequencies and tags, which takes twice as long.

    Returns
    -------
    frozenset of str
    """
    from analysis.cache import load_derived

    return load_derived(name, [jieba_dictionary_file(), Path(code)], lambda: frozenset(
        word for word, (frequency, tag) in read_jieba_dictionary().items()
        if keep(word, frequency, tag)))


@lru_cache(maxsize=1)
def jieba_words() -> frozenset[str]:
    """Every word of stock jieba's dictionary (349,046 for jieba 0.42.1), for membership."""
    return jieba_word_set("jieba_words", _any_word, code=Path(__file__))


def _any_word(word: str, frequency: int, tag: str) -> bool:
    return True


@lru_cache(maxsize=1)
def _jieba_tag_table() -> tuple[pa.Array, pa.Array]:
    from analysis.cache import load_derived

    # Two Arrow arrays rather than a dict: they unpickle in a few milliseconds, a dict of
    # 349,046 words in about 0.17 s.
    return load_derived("jieba_tags", [jieba_dictionary_file(), Path(__file__)],
                        _build_tag_table)


def _build_tag_table() -> tuple[pa.Array, pa.Array]:
    dictionary = read_jieba_dictionary()
    return (pa.array(list(dictionary), pa.string()),
            pa.array([tag for _, tag in dictionary.values()], pa.string()).dictionary_encode())


def jieba_tags(words: pa.Array) -> pa.Array:
    """The part-of-speech tag that stock jieba's dictionary gives each of ``words``.

    This is the tag ``jieba.posseg`` looks up in its ``word_tag_tab`` and rjieba's ``tag()``
    returns for a word of the dictionary (n, v, d, c, ns ...). The table of words and tags is
    derived once per machine from the installed ``jieba/dict.txt`` (:mod:`analysis.cache`).

    Parameters
    ----------
    words : pyarrow.Array of str
        Distinct words, such as the dictionary of a dictionary-encoded token column.

    Returns
    -------
    pyarrow.Array of str
        One tag per word, in order; null for a word that is not in the dictionary.
    """
    known, tags = _jieba_tag_table()
    words = pa.array(words, pa.string()) if not isinstance(words, pa.Array) else words
    # Hash the words asked for (a corpus's distinct tokens) and probe the dictionary with
    # them: about 10 ms, where a hash table of the dictionary's words takes 0.2 s to build.
    found = pc.is_in(known, value_set=words)
    at = pc.index_in(words, value_set=known.filter(found))
    return pc.take(tags.filter(found), at).cast(pa.string())


def _parse_jieba_dictionary(path: Path) -> dict[str, tuple[int, str]]:
    raw = path.read_text(encoding="utf-8")
    # Every line is "word frequency tag": one split of the whole file is three times faster
    # than a loop over its lines.
    fields = raw.split()
    if len(fields) != 3 * len(raw.splitlines()):
        raise ValueError(f"{path}: expected three fields (word, frequency, tag) on every line")
    return dict(zip(fields[0::3], zip(map(int, fields[1::3]), fields[2::3], strict=True),
                    strict=True))


THEMES: tuple[str, ...] = (
    "political_guidance", "enforcement", "legal_publicity", "decision_making", "supervision",
    "disputes_litigation", "business_environment", "digital_governance", "workforce_training",
)


def read_themes(path: Path | str | None = None) -> pd.DataFrame:
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


