"""Users' term -> category dictionaries: read them from the common formats, check them.

Peer tools (cntext, the usual jieba notebooks) come with dictionaries that map terms to
categories: cntext's YAML files, spreadsheets saved as TSV or CSV, folders of one-word-per-line
files. :func:`read_dictionary` reads any of them into the ``dictionary`` table (``term``,
``category``), which :func:`~analysis.stats.score_themes` scores the way it scores the shipped
theme lexicon. A term counts only where the tokenizer keeps it whole, so
:func:`check_dictionary` lists how the tokenizer cuts every entry.
"""

from __future__ import annotations

import csv
import os
import re
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

import pandas as pd

from analysis.schema import check_columns
from analysis.text.engine import TokenizerConfig
from analysis.text.tokenize import tokenize_text

__all__ = ["DICTIONARY_COLUMNS", "DICTIONARY_FORMATS", "MAX_DICTIONARY_BYTES",
           "MAX_DICTIONARY_ENTRIES", "MAX_YAML_BYTES", "check_dictionary", "clean_dictionary",
           "read_dictionary"]

DICTIONARY_COLUMNS: list[str] = ["term", "category"]
DICTIONARY_FORMATS: tuple[str, ...] = ("yaml", "tsv", "csv", "lines")
# The common Chinese category dictionaries (HowNet, DUTIR, NTUSD in cntext's YAML) are under
# 1 MB and 30,000 entries; the limits refuse a wrong file (a corpus, a word-vector file) before
# it fills memory. Entries are counted with repeats, because YAML aliases can repeat one list
# under many keys. YAML has a lower limit: its node tree takes about 30 times the file in
# memory (an 8 MB file, 260 MB), and cntext's largest YAML, a valence table, is about 3 MB.
MAX_DICTIONARY_BYTES = 50 * 2**20
MAX_YAML_BYTES = 10 * 2**20
MAX_DICTIONARY_ENTRIES = 2_000_000

_SUFFIX_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".tsv": "tsv", ".csv": "csv"}
_CATEGORY_COLUMNS = ("category", "theme")
_CNTEXT_LAYOUT = ("cntext's layout is Name, Desc, Refer, Category and Dictionary: "
                  "{category: [word, ...]}")


# ---------------------------------------------------------------------------------------------
# Reading


def read_dictionary(path: Path | str, *,
                    format: Literal["yaml", "tsv", "csv", "lines"] | None = None,
                    ) -> pd.DataFrame:
    """Read a user's term -> category dictionary from a file or a folder.

    Every format gives the same table. Terms and categories are stripped of whitespace and
    byte order marks; empty lines and lines starting with ``#`` are skipped (in YAML, ``#``
    comments are YAML's own); a term may belong to several categories, and a term repeated
    within one category is kept once. Files are decoded as UTF-8 with or without BOM, UTF-16
    with BOM, or GB18030 (which covers GBK and GB2312), detected as the report readers detect
    them.

    Parameters
    ----------
    path : path-like
        One of:

        - a cntext YAML dictionary (``.yaml``, ``.yml``): a mapping whose ``Dictionary`` key maps
          each category to a list of words; ``Name``, ``Desc``, ``Refer`` and ``Category`` are
          allowed and ignored. Words are read as written, never as YAML numbers or booleans
          (``no``, ``on``, ``010`` stay words);
        - a table (``.tsv``, ``.csv``) whose header names ``term`` and ``category`` (or
          ``theme``, the layout of ``analysis/resources/themes.tsv``); other columns are ignored;
        - a folder of one-word-per-line ``.txt`` files, one category per file named by the file's
          stem (``正面.txt`` holds the category 正面); other files are skipped with a warning,
          hidden files (``.DS_Store``) silently;
        - a single one-word-per-line file, whose stem names its one category.

        A ``.txt`` or other file is read as a table if its first line is such a header, as YAML
        if a line starts with ``Dictionary:``, and otherwise as one word per line.
    format : {"yaml", "tsv", "csv", "lines"}, optional
        Override the guess; ``"lines"`` is one word per line (a file or a folder).

    Returns
    -------
    pandas.DataFrame
        The ``dictionary`` table: one row per (term, category) pair, columns ``term`` and
        ``category`` (str), in the order of the file (of the files, sorted by name).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        Naming the file, and the line or key where there is one: a file over
        :data:`MAX_DICTIONARY_BYTES` (a YAML file over :data:`MAX_YAML_BYTES`) or with more
        than :data:`MAX_DICTIONARY_ENTRIES` entries, a file that is not text or has bytes
        invalid in every encoding tried, invalid YAML, a YAML without a ``Dictionary``
        mapping of lists of words (cntext's valence dictionaries map words to scores and are
        refused), a table without the ``term`` and ``category`` columns or with a short row or
        an empty cell, an empty category or an empty dictionary.

    See Also
    --------
    check_dictionary : which entries the tokenizer keeps whole, and so can be counted.
    """
    path = Path(path)
    if format is not None and format not in DICTIONARY_FORMATS:
        raise ValueError(f"unknown dictionary format {format!r}; choose one of "
                         f"{DICTIONARY_FORMATS} or None to guess from the file")
    if not path.exists():
        raise FileNotFoundError(f"dictionary not found: {path}")
    if path.is_dir():
        if format not in (None, "lines"):
            raise ValueError(f"dictionary {path} is a folder: a folder holds one-word-per-line "
                             f"files (format='lines'), not format={format!r}")
        pairs = _folder_pairs(path)
    else:
        text = _read_text(path)
        kind = format or _guess_format(path, text)
        if kind == "yaml":
            pairs = _yaml_pairs(text, path)
        elif kind in ("tsv", "csv"):
            pairs = _table_pairs(text, path, kind)
        else:
            pairs = _word_pairs(text, path, _category_of(path))
    return _collect(pairs, path)


def _collect(pairs: Iterable[tuple[str, str]], path: Path) -> pd.DataFrame:
    unique: dict[tuple[str, str], None] = {}
    for count, pair in enumerate(pairs, start=1):
        if count > MAX_DICTIONARY_ENTRIES:
            raise ValueError(f"dictionary {path} has more than {MAX_DICTIONARY_ENTRIES:,} "
                             "entries (repeats included); is it a dictionary?")
        unique[pair] = None
    if not unique:
        raise ValueError(f"dictionary {path} is empty: it has no (term, category) entries")
    terms, categories = zip(*unique, strict=True)
    return pd.DataFrame({"term": pd.array(terms, dtype="str"),
                         "category": pd.array(categories, dtype="str")})


def _clean(value: str) -> str:
    # A byte order mark survives inside a file made by concatenating files saved with one, and
    # str.strip does not remove it: it is not whitespace.
    return value.replace("\ufeff", "").strip()


def _read_text(path: Path) -> str:
    # Imported here: the readers package loads the report readers, which a process that only
    # tokenizes never needs.
    from analysis.ingest.readers.base import UnreadableFile
    from analysis.ingest.readers.decoding import decode_bytes

    size = path.stat().st_size
    if size > MAX_DICTIONARY_BYTES:
        raise ValueError(f"dictionary {path} is {size / 2**20:.1f} MB: files over "
                         f"{MAX_DICTIONARY_BYTES // 2**20} MB are refused (is it a dictionary?)")
    with path.open("rb") as handle:  # read no more than the limit, even if the file grows
        data = handle.read(MAX_DICTIONARY_BYTES + 1)
    if len(data) > MAX_DICTIONARY_BYTES:
        raise ValueError(f"dictionary {path} is over {MAX_DICTIONARY_BYTES // 2**20} MB")
    if not data.strip(b" \t\r\n\x00"):
        raise ValueError(f"dictionary {path} is empty")
    try:
        text, _, notes = decode_bytes(data)
    except UnreadableFile as err:
        raise ValueError(f"dictionary {path} is not a text file: {err}") from None
    # The report readers keep a text with a few broken bytes; a dictionary must not, because a
    # term with U+FFFD in it silently matches nothing.
    broken = [note for note in notes if "replaced" in note]
    if broken:
        raise ValueError(f"dictionary {path}: {broken[0]}; save it again as UTF-8")
    return text


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for every line that is not empty or a ``#`` comment."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = _clean(line)
        if stripped and not stripped.startswith("#"):
            yield number, line


def _guess_format(path: Path, text: str) -> str:
    known = _SUFFIX_FORMATS.get(path.suffix.lower())
    if known:
        return known
    first = next(_content_lines(text), (0, ""))[1]
    for kind, separator in (("tsv", "\t"), ("csv", ",")):
        header = {_clean(name).lower() for name in first.split(separator)}
        if "term" in header and header & set(_CATEGORY_COLUMNS):
            return kind
    if re.search(r"(?m)^Dictionary[ \t]*:", text):
        return "yaml"
    return "lines"


def _category_of(path: Path) -> str:
    stem = path.stem
    try:
        stem.encode("utf-8")
    except UnicodeEncodeError:
        # A file name from a ZIP made on Chinese Windows is GBK bytes, which Python hands over
        # surrogate-escaped; such a category would break every later write (pyarrow refuses it).
        raw = os.fsencode(stem)
        try:
            stem = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ValueError(f"dictionary file {path!r}: its name {raw!r} is neither UTF-8 nor"
                             " GB18030, so it cannot name a category; rename the file") from None
    category = _clean(stem)
    if not category:
        raise ValueError(f"dictionary file {path}: an empty name cannot name a category")
    return category


def _word_pairs(text: str, path: Path, category: str) -> Iterator[tuple[str, str]]:
    found = False
    for number, line in _content_lines(text):
        term = _clean(line)
        if "\t" in term:
            raise ValueError(f"dictionary {path} line {number}: {line!r} has a tab, but a "
                             "one-word-per-line file holds one term per line (a table needs "
                             "the header 'term<TAB>category')")
        found = True
        yield term, category
    if not found:
        raise ValueError(f"dictionary {path} has no words (category {category!r})")


def _folder_pairs(folder: Path) -> Iterator[tuple[str, str]]:
    entries = sorted(folder.iterdir(), key=lambda entry: entry.name)
    files = [entry for entry in entries if not entry.name.startswith(".") and entry.is_file()
             and entry.suffix.lower() == ".txt"]
    skipped = [entry.name for entry in entries
               if not entry.name.startswith(".") and entry not in files]
    if not files:
        raise ValueError(f"dictionary folder {folder} has no .txt files (one file per "
                         f"category, one word per line); it holds {skipped}")
    if skipped:
        warnings.warn(f"dictionary folder {folder}: skipped {skipped}; only the .txt files are "
                      "read, one category each", UserWarning, stacklevel=4)
    total = sum(file.stat().st_size for file in files)
    if total > MAX_DICTIONARY_BYTES:
        raise ValueError(f"dictionary folder {folder} holds {total / 2**20:.1f} MB of .txt "
                         f"files: over {MAX_DICTIONARY_BYTES // 2**20} MB is refused")
    for file in files:
        yield from _word_pairs(_read_text(file), file, _category_of(file))


def _table_pairs(text: str, path: Path, kind: str) -> Iterator[tuple[str, str]]:
    separator = "\t" if kind == "tsv" else ","
    lines = _content_lines(text)
    number, line = next(lines, (0, ""))
    if not number:
        raise ValueError(f"dictionary {path} holds only comments: no header, no entries")
    header = [_clean(name).lower() for name in _split(line, separator)]
    category_column = next((name for name in _CATEGORY_COLUMNS if name in header), None)
    if "term" not in header or category_column is None:
        raise ValueError(f"dictionary {path} line {number}: a {kind.upper()} dictionary starts "
                         "with a header naming the columns 'term' and 'category' (or 'theme'); "
                         f"found {header}")
    term_at, category_at = header.index("term"), header.index(category_column)
    for number, line in lines:
        fields = _split(line, separator)
        if len(fields) <= max(term_at, category_at):
            raise ValueError(f"dictionary {path} line {number}: expected {len(header)} fields "
                             f"{header}, found {len(fields)}: {line!r}")
        term, category = _clean(fields[term_at]), _clean(fields[category_at])
        if not term or not category:
            empty = "term" if not term else category_column
            raise ValueError(f"dictionary {path} line {number}: the {empty} is empty: {line!r}")
        yield term, category


def _split(line: str, separator: str) -> list[str]:
    if separator == "\t":
        return line.split("\t")
    # CSV quotes a field holding a comma; csv.reader undoes that.
    return next(csv.reader([line]), [])


def _yaml_pairs(text: str, path: Path) -> Iterator[tuple[str, str]]:
    import yaml

    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise ValueError(f"dictionary {path} is {size / 2**20:.1f} MB: YAML files over "
                         f"{MAX_YAML_BYTES // 2**20} MB are refused (save a large dictionary as "
                         "TSV, which is read line by line)")
    # compose, not load: the node tree keeps every word as written (load turns no/on/yes into
    # booleans and 010 into 8) and the line of each key, and builds no Python objects at all,
    # so it is as safe as yaml.safe_load, whose first step it is. libyaml's loader, when PyYAML
    # has it, is ten times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as err:
        raise ValueError(f"dictionary {path} is not valid YAML: {err}") from None
    if not isinstance(root, yaml.MappingNode):
        raise ValueError(f"dictionary {path}: expected a YAML mapping with a 'Dictionary' key "
                         f"({_CNTEXT_LAYOUT}), found {_describe(root)}")
    keys = {key.value: value for key, value in root.value if isinstance(key, yaml.ScalarNode)}
    dictionary = keys.get("Dictionary", keys.get("dictionary"))
    if dictionary is None:
        raise ValueError(f"dictionary {path} has no 'Dictionary' key ({_CNTEXT_LAYOUT}); "
                         f"found the keys {list(keys)}")
    if not isinstance(dictionary, yaml.MappingNode):
        raise ValueError(f"dictionary {path} line {_line(dictionary)}: 'Dictionary' must map "
                         f"each category to a list of words, found {_describe(dictionary)}")
    for key, value in dictionary.value:
        where = f"dictionary {path} line {_line(key)}"
        if not isinstance(key, yaml.ScalarNode) or not _clean(key.value):
            raise ValueError(f"{where}: a category of 'Dictionary' must be a name, found "
                             f"{_describe(key)}")
        category = _clean(key.value)
        if isinstance(value, yaml.MappingNode):
            raise ValueError(f"{where}: {category!r} maps to a mapping, not a list of words; a "
                             "dictionary of scores per word (cntext's valence dictionaries, "
                             "ChineseEmoBank...) is not a category dictionary")
        if isinstance(value, yaml.ScalarNode):
            if not _clean(value.value) or value.tag.endswith(":null"):
                raise ValueError(f"{where}: category {category!r} has no words")
            raise ValueError(f"{where}: category {category!r} must hold a list of words, found "
                             f"the single value {value.value!r}")
        if not value.value:
            raise ValueError(f"{where}: category {category!r} has no words")
        for node in value.value:
            if not isinstance(node, yaml.ScalarNode):
                raise ValueError(f"dictionary {path} line {_line(node)}: an entry of category "
                                 f"{category!r} is {_describe(node)}, not a word")
            term = _clean(node.value)
            if not term:
                raise ValueError(f"dictionary {path} line {_line(node)}: an entry of category "
                                 f"{category!r} is empty")
            yield term, category


def _line(node) -> int:
    return node.start_mark.line + 1


def _describe(node) -> str:
    import yaml

    if node is None:
        return "an empty document"
    if isinstance(node, yaml.ScalarNode):
        return f"the value {node.value!r}"
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


# ---------------------------------------------------------------------------------------------
# Tables of terms


def clean_dictionary(dictionary: pd.DataFrame, *, name: str = "dictionary",
                     prefer: Literal["category", "theme"] = "category") -> pd.DataFrame:
    """The (term, category) pairs of a dictionary or theme table, stripped and deduplicated.

    Parameters
    ----------
    dictionary : pandas.DataFrame
        Columns ``term`` and ``category`` (:func:`read_dictionary`) or ``term`` and ``theme``
        (:func:`~analysis.text.resources.read_themes`); other columns are ignored.
    name : str
        The table's name in error messages.
    prefer : {"category", "theme"}
        The column used when the table has both, and named as missing when it has neither.

    Returns
    -------
    pandas.DataFrame
        The ``dictionary`` table, columns ``term`` and ``category`` (str) in the input's order:
        whitespace and byte order marks stripped, rows with an empty or missing cell dropped,
        repeated pairs kept once. Empty if nothing is left.
    """
    other = "theme" if prefer == "category" else "category"
    column = prefer if prefer in dictionary.columns or other not in dictionary.columns else other
    check_columns(dictionary, name, ["term", column],
                  hint="a dictionary has the columns term and category (read_dictionary), a "
                       "theme lexicon term and theme (read_themes)")
    table = pd.DataFrame({"term": _stripped(dictionary["term"]),
                          "category": _stripped(dictionary[column])})
    keep = table["term"].notna() & table["category"].notna()
    table = table.loc[keep & (table["term"] != "") & (table["category"] != "")]
    return table.drop_duplicates().reset_index(drop=True)


def _stripped(values: pd.Series) -> pd.Series:
    return values.astype("str").str.replace("\ufeff", "", regex=False).str.strip()


def check_dictionary(dictionary: pd.DataFrame, *,
                     config: TokenizerConfig | None = None) -> pd.DataFrame:
    """How the tokenizer cuts every entry of a dictionary: which entries can be counted.

    :func:`~analysis.stats.score_themes` counts a token for a category when the token equals
    one of its terms, so an entry the tokenizer splits (机器学习 -> 机器 / 学习) never counts, and
    neither does one the tokenizer writes differently. Add such entries to the tokenizer,
    ``TokenizerConfig(extra_terms=[...])``, and tokenize the reports again with that config;
    or leave them out.

    Parameters
    ----------
    dictionary : pandas.DataFrame
        Columns ``term`` and ``category`` (:func:`read_dictionary`), or ``term`` and ``theme``
        (:func:`~analysis.text.resources.read_themes`).
    config : TokenizerConfig, optional
        The tokenizer the reports were tokenized with; defaults to ``TokenizerConfig()``.

    Returns
    -------
    pandas.DataFrame
        The ``dictionary`` table with a check of each entry, one row per (term, category) pair
        as :func:`clean_dictionary` leaves them: ``term``, ``category`` (the theme for a theme
        table), ``n_tokens`` (the number of tokens the term becomes), ``tokens`` (those tokens,
        space-separated: a token never holds whitespace) and ``single_token`` (True when the
        term comes out as one token equal to itself, the only case that can match).
    """
    table = clean_dictionary(dictionary)
    cuts = {term: tokenize_text(term, config=config) for term in pd.unique(table["term"])}
    pieces = [cuts[term] for term in table["term"]]
    return table.assign(
        n_tokens=pd.array([len(tokens) for tokens in pieces], dtype="int64"),
        tokens=pd.array([" ".join(tokens) for tokens in pieces], dtype="str"),
        single_token=pd.array([tokens == [term] for term, tokens in zip(table["term"], pieces,
                                                                         strict=True)],
                              dtype="bool"),
    )
