"""Readability of the reports' prose: the measures of 徐巍、姚振晔、陈冬华 (2021).

Xu, Yao and Chen built three readability measures for Chinese annual reports and tested them
against investors' and analysts' behaviour: 徐巍、姚振晔、陈冬华, 中文年报可读性：衡量与检验,
《会计研究》2021(3): 28–44 (in English: Xu, Yao and Chen, "Chinese annual report readability:
measurement and test", *China Journal of Accounting Studies* 7(3), 2019). Their abstract
names them: the average number of characters of each sentence (每个分句的平均字数), the
adverbs and conjunctions of each sentence (每句话中的副词和连词比例), and the arithmetic mean
of the two, after the Fog index. Higher is harder to read.

cntext, the Python package most users know them from, differs here on purpose:

- **Sentences.** cntext 1.9 splits the text after 。！？；? and drops the character after each
  stop with it (``re.sub('([。！；？;\\?])([^”’])', "[[end]]", text)``): every sentence but the
  first loses its first character. This module counts the ``sentences`` table, which is split
  after the same stops (``analysis.ingest.segment``) and loses nothing.
- **Characters.** cntext 1.9 counts every character but whitespace, punctuation included,
  with each decimal number replaced by the three letters ``num``; cntext 2.2.1's
  ``total_letters`` counts Han characters. Here a character is a Han character (Unicode
  script Han, 〇 included): punctuation, digits, Latin letters and spaces are not read as
  字, and a sentence of figures would otherwise look like hard prose.
- **Adverbs and conjunctions.** cntext looks words up in its own list (``ADV_CONJ.pkl``);
  here they are the tokens that jieba's tags make adverbs (``d``, ``df``, ``dg``) or
  conjunctions (``c``), the ``pos`` column of the tokens table. cntext up to 1.8.2 averaged
  each sentence's share ``n / (words + 1)``; from 1.8.7 (1.9.x) the count per sentence,
  which is the measure here; the share is given beside it.
- **cntext 2.2.1** drops these measures for English formulas whose Chinese word count is
  never incremented (``total_words`` stays 0, then 1), so its ``fog_index`` is 40 times the
  number of words of three or more characters: 6,560 to 13,600 on the seeds. None of its
  bugs is copied here.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis import schema
from analysis.schema import check_columns
from analysis.stats.frames import as_keys, group_codes

__all__ = ["ADVERB_CONJUNCTION_TAGS", "READABILITY_COLUMNS", "score_readability"]

ADVERB_CONJUNCTION_TAGS: tuple[str, ...] = ("d", "c")
"""The ``pos`` tags counted, by their first letter: jieba's adverbs (d, df, dg) and
conjunctions (c). Not ``ad`` (副形词, an adjective used as an adverb) or ``vd``."""

READABILITY_COLUMNS: list[str] = [c for c in schema.columns("readability")
                                   if c not in ("doc_id", "section_id")]
"""The columns of :func:`score_readability` after the group columns."""

_COUNTS = ["n_sentences", "n_chars", "n_words", "n_adverbs_conjunctions"]

# Runs of characters outside the Unicode script Han (RE2 syntax), whose ideographs of every
# block, 〇 and 々 are what is counted. Deleting the runs and measuring what is left is four
# times faster than counting matches of one Han character.
_NOT_HAN = r"\P{Han}+"


def _arrow_text(values: pd.Series) -> pa.Array:
    """A text column as an Arrow string array, without a Python string per row."""
    array = pa.array(values, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = array.cast(pa.string())  # an all-missing column comes as the null type
    return array


def _han_counts(text: pd.Series) -> np.ndarray:
    """The Han characters of each text (0 for a missing one)."""
    han = pc.utf8_length(pc.replace_substring_regex(_arrow_text(text), _NOT_HAN, ""))
    return pc.fill_null(han, 0).to_numpy(zero_copy_only=False).astype(np.int64)


def _sentence_rows(sentences: pd.DataFrame, tokens: pd.DataFrame) -> np.ndarray:
    """The row of ``sentences`` each token belongs to, -1 for a sentence not given."""
    doc_codes, docs = pd.factorize(sentences["doc_id"])
    sent = sentences["sent_id"].to_numpy(dtype=np.int64)
    width = int(sent.max(initial=0)) + 1
    keys = doc_codes.astype(np.int64) * width + sent
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    if len(ordered) > 1 and (ordered[1:] == ordered[:-1]).any():
        raise ValueError("sentences has duplicate (doc_id, sent_id) pairs")
    # A hash lookup in Arrow: no Python string per token.
    token_ids = _arrow_text(tokens["doc_id"])
    token_docs = pc.fill_null(pc.index_in(token_ids, value_set=pa.array(
        [str(doc) for doc in docs], token_ids.type)), -1).to_numpy(zero_copy_only=False)
    token_sent = tokens["sent_id"].to_numpy(dtype=np.int64)
    inside = (token_docs >= 0) & (token_sent >= 0) & (token_sent < width)
    if not len(ordered):
        return np.full(len(tokens), -1, dtype=np.int64)
    token_keys = np.where(inside, token_docs.astype(np.int64) * width + token_sent, -1)
    at = np.minimum(np.searchsorted(ordered, token_keys), len(ordered) - 1)
    return np.where(inside & (ordered[at] == token_keys), order[at], -1)


def _sentence_counts(frame: pd.DataFrame, tokens: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the four counts of each sentence: 1 sentence, its Han characters, words
    and adverbs and conjunctions; all 0 for a sentence without prose, which counts nowhere."""
    check_columns(tokens, "tokens", ["doc_id", "sent_id", "kind", "pos"],
                  "the tokens table comes from tokenize_sentences or read_table(out, 'tokens')")
    chars = _han_counts(frame["text"])
    prose = chars > 0
    row = _sentence_rows(frame, tokens)
    counted = row >= 0
    word = pc.fill_null(pc.not_equal(_arrow_text(tokens["kind"]), "punct"), False)
    pos = _arrow_text(tokens["pos"])
    tagged = functools.reduce(pc.or_, [pc.starts_with(pos, tag)
                                       for tag in ADVERB_CONJUNCTION_TAGS])
    tagged = pc.fill_null(tagged, False)
    words, adverbs = (np.bincount(row[counted],
                                  weights=flags.to_numpy(zero_copy_only=False)[counted],
                                  minlength=len(frame)).round().astype(np.int64)
                      for flags in (word, tagged))
    return frame.assign(n_sentences=prose.astype(np.int64), n_chars=np.where(prose, chars, 0),
                        n_words=np.where(prose, words, 0),
                        n_adverbs_conjunctions=np.where(prose, adverbs, 0))


def score_readability(
    sentences: pd.DataFrame,
    tokens: pd.DataFrame | None = None,
    *,
    by: str | Sequence[str] = ("doc_id",),
    sections: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Readability per group: characters and adverbs and conjunctions per sentence.

    The measures of 徐巍、姚振晔、陈冬华 (2021), 中文年报可读性：衡量与检验, 《会计研究》
    2021(3): 28–44, over the sentences of each group:

    - ``chars_per_sentence`` (their readability1) = ``n_chars / n_sentences``, the Han
      characters per sentence;
    - ``adverbs_conjunctions_per_sentence`` (readability2) = ``n_adverbs_conjunctions /
      n_sentences``, the tokens tagged adverb (d, df, dg) or conjunction (c) per sentence, as
      cntext 1.9 computes it;
    - ``readability`` (readability3) = ``0.5 * (chars_per_sentence +
      adverbs_conjunctions_per_sentence)``, their arithmetic mean, after the Fog index
      (``0.4 * (words per sentence + percentage of complex words)``).

    Higher is harder to read. The paper's abstract calls readability2 a proportion
    (副词和连词比例); ``adverbs_conjunctions_share`` = ``n_adverbs_conjunctions / n_words``
    gives that reading. A sentence is a row of ``sentences`` (split after 。!?;); one without
    a Han character (a row of figures, a bare list marker) is no prose and counts nowhere.
    The module docstring compares these choices with cntext's.

    Parameters
    ----------
    sentences : pandas.DataFrame
        The ``sentences`` table (``doc_id``, ``sent_id``, ``text``) with the ``by`` columns:
        its own (``doc_id``, ``section_id``), report columns added with
        :func:`~analysis.ingest.corpus.add_report_columns`, or ``part`` through
        ``sections``. Give a subset of sentences to score only those. Or, with no
        ``tokens``, the build's ``readability`` table (one row per section, its counts), or
        any table with the four counts: the counts are summed by ``by`` and the measures
        computed from the sums, which gives the same values as scoring the sentences, without
        reading the tokens (tens of millions of rows in a national corpus).
    tokens : pandas.DataFrame, optional
        The ``tokens`` table of the same sentences (``doc_id``, ``sent_id``, ``kind``,
        ``pos``), whole: not after :func:`~analysis.text.terms.select_terms`, which drops the
        function words counted here. Tokens of sentences not given are ignored.
    by : str or sequence of str
        Grouping columns; ``()`` for the whole corpus.
    sections : pandas.DataFrame, optional
        The ``sections`` table: ``by`` columns that ``sentences`` lacks (``part``, the
        section's statutory part) are taken from it on ``doc_id`` and ``section_id``.

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted, missing values last): the ``by`` columns (with
        ``by=["doc_id", "section_id"]``, the build's ``readability`` table), ``n_sentences`` (sentences with a Han character), ``n_chars`` (their
        Han characters), ``n_words`` (their tokens other than punctuation),
        ``n_adverbs_conjunctions``, ``chars_per_sentence``,
        ``adverbs_conjunctions_per_sentence``, ``adverbs_conjunctions_share`` and
        ``readability``; the four ratios are NaN for a group without prose. Empty input
        gives an empty table with these columns.

    Raises
    ------
    ValueError
        Naming the columns a table lacks, or when ``sentences`` repeats a
        (``doc_id``, ``sent_id``) pair.
    """
    keys = as_keys(by)
    frame = sentences
    taken = [k for k in keys if k not in sentences.columns]
    if taken and sections is not None:
        check_columns(sections, "sections", ["doc_id", "section_id", *taken])
        check_columns(sentences, "sentences", ["doc_id", "section_id"])
        where = sections[["doc_id", "section_id", *taken]].drop_duplicates(
            ["doc_id", "section_id"])
        frame = sentences.merge(where, on=["doc_id", "section_id"], how="left",
                                validate="many_to_one")
    if tokens is not None:
        check_columns(frame, "sentences", ["doc_id", "sent_id", "text", *keys],
                      "add report columns with add_report_columns, or pass sections= for part")
        frame = _sentence_counts(frame, tokens)
    # Counts per sentence, or already made (the build's table): their sums by group give the
    # measures.
    check_columns(frame, "readability", [*_COUNTS, *keys],
                  "pass the tokens with the sentences, or the build's readability table "
                  "(read_table(out, 'readability'))")
    codes, key_values = group_codes(frame, keys)
    n_groups = len(key_values) if keys else (1 if len(frame) else 0)
    n_sentences, n_chars, n_words, n_adverbs = (
        np.bincount(codes, weights=frame[name].to_numpy(dtype=float),
                    minlength=n_groups).round().astype(np.int64) for name in _COUNTS)
    with np.errstate(divide="ignore", invalid="ignore"):
        chars_per_sentence = np.where(n_sentences > 0, n_chars / n_sentences, np.nan)
        per_sentence = np.where(n_sentences > 0, n_adverbs / n_sentences, np.nan)
        share = np.where(n_words > 0, n_adverbs / n_words, np.nan)
    out = (key_values.reset_index(drop=True) if keys
           else pd.DataFrame(index=range(n_groups)))
    values = {
        "n_sentences": n_sentences, "n_chars": n_chars, "n_words": n_words,
        "n_adverbs_conjunctions": n_adverbs, "chars_per_sentence": chars_per_sentence,
        "adverbs_conjunctions_per_sentence": per_sentence,
        "adverbs_conjunctions_share": share,
        "readability": 0.5 * (chars_per_sentence + per_sentence),
    }
    dtypes = schema.TABLES["readability"]
    return out.assign(**{name: np.asarray(values[name], dtype=dtypes[name])
                         for name in READABILITY_COLUMNS})
