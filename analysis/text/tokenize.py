"""Policy-aware Chinese tokenization: the ``tokens`` table.

Stock jieba splits the fixed formulations (提法) this genre is made of: 习近平法治思想 comes out
as 习近平 / 法治 / 思想. The lexicon's formulations go into a private tokenizer
(:mod:`analysis.text.engine`); a pass before jieba protects spans it cannot keep whole (law
titles in 《》, phrases with punctuation such as 双随机、一公开, plenums named together, numbers,
dates, list markers); agency and place names become tokens of their own
(:mod:`analysis.text.names`); and every token is tagged with a kind so that
:func:`~analysis.text.terms.select_terms` can leave out what is not a word, and with a part of
speech in jieba's tag set (:data:`KIND_POS`, :func:`tokenize_sentences`).

Segmentation is cached on disk under ``analysis.paths.CACHE / "tokens"``, keyed on the sha256
of each document's sentence texts and on :meth:`TokenizerConfig.segmentation_fingerprint`.
The stopword and filler flags and the part-of-speech tags are recomputed on every call, so
editing those lists never forces re-tokenization, while editing the lexicon re-tokenizes
everything."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis import paths, schema
from analysis.text.engine import (
    _CN_DIGITS,
    _CN_NUMERALS,
    _CN_ORDINAL,
    _HAN,
    LEXICON_POS,
    TokenizerConfig,
    _Engine,
    _engine,
    guess_pos,
)
from analysis.text.names import join_org
from analysis.text.resources import jieba_tags, read_filler, read_stopwords

__all__ = ["KIND_POS", "TOKEN_COLUMNS", "Token", "tag_text", "tokenize_sentences",
           "tokenize_text"]

TOKEN_COLUMNS: list[str] = schema.columns("tokens")
_SENTENCE_COLUMNS = ("doc_id", "section_id", "para_id", "sent_id", "text", "start")


class Token(NamedTuple):
    """One token of a text: its string, kind and character offsets into that text."""

    token: str
    kind: str
    start: int
    end: int


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
_LATIN = r"[0-9]*[A-Za-z][A-Za-z0-9]*(?:(?<=[0-9])\.[0-9]+)?"  # APP, 5G, PM2.5, V2.0

# Every character a marker, Latin word, date or number can begin with (\d is any Unicode
# digit, as in their patterns). The scanner tries those four only where one of these stands:
# most matches are runs of Han characters and punctuation, which would otherwise fail each of
# their alternatives first. The order of the alternatives, and so every match, is unchanged.
_FIRST_CHARS = rf"[\dA-Za-z(（\u2460-\u2473\u2776-\u277f{_CN_DIGITS}{_CN_ORDINAL}]"
_SCANNER = re.compile("|".join([
    f"(?={_FIRST_CHARS})(?:(?P<marker>{_MARKER})"
    f"|(?P<latin>{_LATIN})"
    f"|(?P<date>{_DATE})"
    f"|(?P<number>{_NUMBER}))",
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


def _word_kind(token: str, engine: _Engine) -> str:
    """The kind of one of jieba's pieces, or one of the internal kinds of ``_SPECIAL``."""
    if token in engine.lexicon:
        return "word"
    if _NUMERAL_WORD.fullmatch(token):
        return "number"
    names = engine.names
    if len(token) > 1 and not engine.function_chars.isdisjoint(token) \
            and names.made_by_hmm(token):
        # jieba's HMM joins runs of characters its dictionary left single, and a conjunction
        # or particle among them is a word of its own: 县控及以上 gave 控及, 周一夜学等 gave
        # 学等, 省和市 one token. Such a piece is split into its characters.
        return "split"
    kind = names.kind(token)
    if kind is not None:
        return kind
    return "tail" if token in names.tails else "word"


# Kinds that _word_kind gives and _special resolves: "split" (an HMM word to split), "agency"
# (an org after a place or prefix, else a word), "tail" (the end of an agency name that begins
# inside the place before it, else a word), and "org" (which may join the places before it).
_SPECIAL = frozenset({"split", "agency", "tail", "org"})


def _special(engine: _Engine, so_far: tuple[list[str], list[str], list[int], list[int]],
             first: int, piece: str, kind: str, start: int) -> int:
    """Add a piece of a special kind to the token lists; return the offset after it."""
    tokens, kinds, starts, ends = so_far
    if kind == "split":
        for char in piece:
            char_kind = engine.word_kinds.get(char) or _word_kind(char, engine)
            tokens.append(char)
            kinds.append("word" if char_kind in _SPECIAL else char_kind)
            starts.append(start)
            start += 1
            ends.append(start)
        return start
    end = start + len(piece)
    joined = join_org(so_far, first, piece, kind, engine.names, engine.lexicon)
    if joined is None:
        kind = "word"  # 政府 or 人民政府 alone, a tail after no place
    else:
        # 长治市 / 城市管理局 -> 长治市城市管理局: one org token from the first place (or
        # prefix) on.
        kind = "org"
        if joined < len(tokens):
            piece = "".join(tokens[joined:]) + piece
            start = starts[joined]
            for column in so_far:
                del column[joined:]
    tokens.append(piece)
    kinds.append(kind)
    starts.append(start)
    ends.append(end)
    return end


def _matches(protected: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Protected spans and, between them, the scanner's matches, in text order."""
    spans = list(protected.finditer(text))
    if not spans:
        return list(_SCANNER.finditer(text))
    matches: list[re.Match[str]] = []
    position = 0
    for span in spans:
        if span.start() > position:
            matches.extend(_SCANNER.finditer(text, position, span.start()))
        matches.append(span)
        position = span.end()
    if position < len(text):
        matches.extend(_SCANNER.finditer(text, position))
    return matches


class _Columns(NamedTuple):
    """Tokens of one text as parallel lists: cheaper than one object per token."""

    token: list[str]
    kind: list[str]
    start: list[int]
    end: list[int]


# The kind of each scanner and pre-pass group; None for "other", whose kind is the
# character's.
_GROUP_KINDS = {"phrase": "word", "plenums": "word", "dash": "punct", "title": "title",
                "marker": "marker", "latin": "latin", "date": "date", "number": "number",
                "other": None}


def _tag(engine: _Engine, text: str) -> _Columns:
    tokens: list[str] = []
    kinds: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    add_token, add_kind, add_start, add_end = (
        tokens.append, kinds.append, starts.append, ends.append)
    so_far = (tokens, kinds, starts, ends)
    word_kinds, plain_kinds = engine.word_kinds, engine.plain_kinds
    other_kinds = engine.other_kinds
    quotes: list[int] = []
    # Plenums named together (二中、三中全会) are rare: their pattern is tried only when the
    # text has one, since it would otherwise be tried at every numeral.
    protected = engine.protected_plenums if "中全会" in text else engine.protected
    matches = _matches(protected, text)
    # Every run of Han characters goes to jieba in one call, joined by newlines: jieba returns
    # each newline as a piece of its own and never joins it to a word, so the pieces are those
    # of one call per run, without the cost of a call per run.
    pieces = iter(engine.cut("\n".join([match.group() for match in matches
                                         if match.lastgroup == "han"])))
    for match in matches:
        group = match.lastgroup
        if group == "han":
            start = match.start()
            first = len(tokens)
            for piece in pieces:
                # One lookup for most pieces: plain_kinds holds the pieces seen before whose
                # kind is no special one, and never the newline that ends the run.
                kind = plain_kinds.get(piece)
                if kind is None:
                    if piece == "\n":
                        break
                    kind = word_kinds.get(piece)
                    if kind is None:
                        kind = word_kinds[piece] = _word_kind(piece, engine)
                    if kind in _SPECIAL:
                        start = _special(engine, so_far, first, piece, kind, start)
                        continue
                    plain_kinds[piece] = kind
                add_token(piece)
                add_kind(kind)
                add_start(start)
                start += len(piece)
                add_end(start)
            continue
        if group == "space":
            continue
        value = match.group()
        kind = _GROUP_KINDS[group]
        if kind is None:
            if value in _QUOTES:
                quotes.append(len(tokens))
            kind = other_kinds.get(value)
            if kind is None:
                kind = other_kinds[value] = _other_kind(value)
        add_token(value)
        add_kind(kind)
        add_start(match.start())
        add_end(match.end())
    columns = _Columns(tokens, kinds, starts, ends)
    if quotes and engine.lexicon:
        columns = _merge_quoted(columns, engine, quotes)
    return columns




_QUOTES = frozenset("“”‘’\"'「」『』")
_MAX_QUOTED_PARTS = 7  # word pieces plus quotes inside one merged formulation
_MERGEABLE = frozenset(("word", "number", "latin"))


def _quoted_entry(columns: _Columns, index: int, lexicon: frozenset[str],
                  prefixes: frozenset[str]) -> int | None:
    """Return the last index of the longest quoted lexicon entry starting at index, if any."""
    tokens, kinds, starts, ends = columns
    if tokens[index] not in prefixes or kinds[index] not in _MERGEABLE:
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
        joined = "".join(pieces)
        if joined not in prefixes:
            break  # no entry begins so: a longer run cannot spell one either
        if has_quote and joined in lexicon:
            best = stop
    return best


def _merge_quoted(columns: _Columns, engine: _Engine, quotes: Sequence[int]) -> _Columns:
    # Reports quote part of a formulation: 行政执法“三项制度”, “八五”普法, “721”工作法. Join the
    # pieces when, without the quotes, they spell a lexicon entry, so these count with the
    # unquoted form. The merged token is the entry itself; start/end span the quoted text.
    # quotes holds the indexes of the quote marks.
    tokens = columns.token
    lexicon, prefixes = engine.lexicon, engine.lexicon_prefixes
    starts = sorted({i for q in quotes for i in range(max(0, q - _MAX_QUOTED_PARTS + 2), q)})
    merged = _Columns([], [], [], [])
    done = 0  # rows before done are settled

    def keep(stop: int) -> None:
        for target, source in zip(merged, columns, strict=True):
            target.extend(source[done:stop])

    for index in starts:
        if index < done:
            continue
        stop = _quoted_entry(columns, index, lexicon, prefixes)
        if stop is not None:
            keep(index)
            merged.token.append("".join(t for t in tokens[index:stop + 1] if t not in _QUOTES))
            merged.kind.append("word")
            merged.start.append(columns.start[index])
            merged.end.append(columns.end[stop])
            done = stop + 1
    if done == 0:
        return columns
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
        2021—2025年), ``punct``, ``latin`` (APP, 5G, PM2.5), ``marker`` (一是, (一),
        line-initial 一、 and 1.), ``org`` (an agency's name with the places or prefix before
        it: 长治市城市管理局, 市人社局, 省住建厅; see :mod:`analysis.text.names`) and ``place``
        (a gazetteer place name: 海沧区, 长治, 留下街道).
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


# ---------------------------------------------------------------------------------------------
# Parts of speech

KIND_POS: dict[str, str] = {"title": "nz", "number": "m", "date": "t", "punct": "x",
                            "latin": "eng", "marker": "m", "org": "nt", "place": "ns"}
"""The part-of-speech tag of every kind but ``word``, in jieba's (ICTCLAS-style) tag set: a
law title is a named work (nz), numbers and list markers (一是, (一), ①) numerals (m), a date
a time word (t), an agency an organisation (nt), a place a place name (ns). Punctuation is
``x`` and Latin ``eng``, as jieba's posseg and rjieba's ``tag()`` give them (jieba has no
``w``)."""


def _word_pos(engine: _Engine, words: pa.Array) -> pa.Array:
    """The tags of distinct tokens of kind ``word``, each looked up once."""
    tags = jieba_tags(words).to_pylist()
    added, lexicon, guessed = engine.added_tags, engine.lexicon, engine.guessed_pos
    out = []
    for word, tag in zip(words.to_pylist(), tags, strict=True):
        if word in added:
            tag = added[word]  # added with a tag, which jieba and rjieba give it too
        elif tag is None:
            if word in lexicon or not word.isalpha():
                # A lexicon entry, or a pre-pass name with punctuation inside that is none
                # (十九届二中、三中全会): a named formulation.
                tag = LEXICON_POS
            else:
                tag = guessed.get(word)
                if tag is None:
                    tag = guessed[word] = guess_pos(word)
        out.append(tag)
    return pa.array(out, pa.string())


def _pos(engine: _Engine, token: pa.ChunkedArray, kind: pa.ChunkedArray) -> pa.Array:
    # After segmentation and outside its cache, over distinct values: each kind's tag once,
    # and each distinct word's (a corpus has a few thousand for hundreds of thousands of
    # tokens), spread back with take.
    token, kind = token.combine_chunks(), kind.combine_chunks()
    kinds = kind.dictionary_encode()
    by_kind = pa.array([KIND_POS.get(k) for k in kinds.dictionary.to_pylist()], pa.string())
    pos = pc.take(by_kind, kinds.indices)
    words = pc.equal(kind, "word")
    distinct = token.filter(words).dictionary_encode()
    return pc.replace_with_mask(pos, words,
                                pc.take(_word_pos(engine, distinct.dictionary), distinct.indices))


def _check_sentences(sentences: pd.DataFrame) -> None:
    schema.check_columns(sentences, "sentences", _SENTENCE_COLUMNS,
                         "the sentences table comes from load_corpus or read_table")
    # A plain bool array: on an empty string-dtype column, map() keeps the string dtype
    # and pandas 3 refuses .any() on it (a build chunk with no loadable file crashed here).
    text = sentences["text"]
    if isinstance(text.dtype, pd.StringDtype):
        bad = text.isna().to_numpy(dtype=bool)  # a string column holds only str or NA
    else:
        bad = np.fromiter((not isinstance(value, str) for value in text), dtype=bool,
                          count=len(sentences))
    if bad.any():
        row = sentences.loc[bad].iloc[0]
        raise ValueError(f"sentences.text must be str; doc {str(row['doc_id'])!r} sentence"
                         f" {row['sent_id']} has {row['text']!r}")
    start = pd.to_numeric(sentences["start"], errors="coerce")
    if start.isna().any() or (start % 1 != 0).any():
        raise ValueError("sentences.start must hold integer offsets into reports.text; found"
                         f" {sentences['start'][start.isna() | (start % 1 != 0)].iloc[0]!r}")
    if sentences.duplicated(["doc_id", "sent_id"]).any():
        row = sentences.loc[sentences.duplicated(["doc_id", "sent_id"])].iloc[0]
        raise ValueError(f"sentences has duplicate (doc_id, sent_id) = ({row['doc_id']!r},"
                         f" {row['sent_id']!r})")


def tokenize_sentences(
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
        ``pos`` (str, the part of speech in jieba's tag set, below), ``is_stop`` (bool, a
        function word from the stopword list), ``is_filler`` (bool, on the filler list),
        ``in_lexicon`` (bool, a domain lexicon entry), ``start`` and ``end`` (int, offsets into
        ``reports.text``: sentence start plus the offset within the sentence).

    Notes
    -----
    ``pos`` is jieba's ICTCLAS-style tag (n, v, d adverb, c conjunction, p, u, m, t, ns, nt,
    x, eng ...). A token of kind ``word`` gets, in this order: the tag the lexicon's ``pos``
    column gives it, or that of an agency or place name added to the dictionary (nt, ns);
    the tag of stock jieba's dictionary, the one ``jieba.posseg`` and rjieba's ``tag()`` give
    a dictionary word; ``nz`` for another lexicon entry or plenums named together
    (:data:`LEXICON_POS`); and for a word jieba's HMM made, the tag rjieba's ``tag()`` gives
    it (:func:`guess_pos`). Every other
    kind has one tag, :data:`KIND_POS`. The tags of jieba's pieces equal rjieba's ``tag()``
    with the same added words, and both backends give the same column (tested on the seeds).
    ``jieba.posseg`` cannot be matched exactly: it cuts runs of unknown characters with its
    own HMM, which tags as it cuts, so some of its words are not our tokens and some
    dictionary characters in such runs get another tag. On the seeds it cuts 98.6% of
    jieba's pieces alike and gives 99.6% of those the same tag (``tests/text/test_pos.py``).
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
        target = folder / f"{_document_key(texts)}.parquet" if cache else None
        table = _read_cached(target) if target is not None else None
        if table is None:
            table = _segment_document(engine, texts)
            if target is not None:
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
    # The user's extra words add to the shipped lists.
    stopwords = ((read_stopwords(config.stopwords) if config.stopwords else frozenset())
                 | frozenset(config.extra_stopwords))
    filler = ((read_filler(config.filler) if config.filler else frozenset())
              | frozenset(config.extra_filler))
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
        "pos": _pos(engine, token, kind),
        "is_stop": pc.and_(words, listed(stopwords)),
        "is_filler": pc.and_(words, listed(filler)),
        "in_lexicon": listed(engine.lexicon),
        "start": starts + segmented.column("rel_start").to_numpy(),
        "end": starts + segmented.column("rel_end").to_numpy(),
    })
    return table.to_pandas()

