"""The ``pos`` column of the tokens table: jieba's tags, at parity with rjieba's ``tag()``."""

from __future__ import annotations

import collections
import logging
import re

import pandas as pd
import pyarrow as pa
import pytest

from analysis.text import TokenizerConfig, tokenize_sentences
from analysis.text.engine import _HAN, LEXICON_POS, _engine, guess_pos
from analysis.text.resources import jieba_tags
from analysis.text.tokenize import KIND_POS

_PIECE = re.compile(f"[{_HAN}]+")


def _sentences(texts: list[str]) -> pd.DataFrame:
    rows, start = [], 0
    for sent_id, text in enumerate(texts):
        rows.append({"doc_id": "d", "section_id": "s01", "para_id": 0, "sent_id": sent_id,
                     "text": text, "start": start, "end": start + len(text)})
        start += len(text)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def seed_tokens(seeds):
    return tokenize_sentences(seeds.sentences, cache=False)


def _plain_pieces(tokens: pd.DataFrame) -> pd.DataFrame:
    # jieba's own pieces: words that are neither lexicon entries (rjieba gives an entry added
    # without a tag an empty one; ours is nz) nor pre-pass spans with punctuation inside.
    words = tokens[(tokens["kind"] == "word") & ~tokens["in_lexicon"]]
    return words[words["token"].map(lambda t: _PIECE.fullmatch(t) is not None)]


def test_every_kind_has_its_tag():
    text = "2023年,我局和市人社局进一步推进放管服改革,在长治开展《宪法》宣传,APP推广1次。"
    tokens = tokenize_sentences(_sentences([text]), cache=False)
    got = dict(zip(tokens["token"], zip(tokens["kind"], tokens["pos"], strict=True),
                   strict=True))
    # Hand-checked against jieba's dict.txt (和 c, 进一步 d, 推进 v, 开展 v, 宣传 vn, 推广 v,
    # 次 q), the kinds' tags (KIND_POS) and the lexicon (放管服改革, no pos column: nz).
    # 我局 is no dictionary word: the HMM made it, and rjieba's posseg HMM tags it r.
    assert got == {
        "2023年": ("date", "t"), ",": ("punct", "x"), "我局": ("word", "r"),
        "和": ("word", "c"), "市人社局": ("org", "nt"), "进一步": ("word", "d"),
        "推进": ("word", "v"), "放管服改革": ("word", "nz"), "在": ("word", "p"),
        "长治": ("place", "ns"), "开展": ("word", "v"), "《宪法》": ("title", "nz"),
        "宣传": ("word", "vn"), "APP": ("latin", "eng"), "推广": ("word", "v"),
        "1": ("number", "m"), "次": ("word", "q"), "。": ("punct", "x")}
    assert tokens["pos"].notna().all()


def test_markers_and_plenums_named_together():
    tokens = tokenize_sentences(_sentences(["一是学习十九届二中、三中全会精神。"]), cache=False)
    pos = dict(zip(tokens["token"], tokens["pos"], strict=True))
    assert pos["一是"] == KIND_POS["marker"] == "m"
    assert pos["十九届二中、三中全会"] == LEXICON_POS  # a pre-pass name, no jieba piece


def test_lexicon_pos_column_and_extra_terms(tmp_path):
    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text("term\tpos\tsource\n放管服\tv\ttest\n营商环境\t\ttest\n", encoding="utf-8")
    config = TokenizerConfig(lexicon=lexicon, extra_terms=["河长制", "政府"])
    tokens = tokenize_sentences(_sentences(["推进放管服,优化营商环境,落实河长制,政府带头。"]),
                                config=config, cache=False)
    pos = dict(zip(tokens["token"], tokens["pos"], strict=True))
    # The pos column wins; an entry without one is nz, unless jieba's dictionary knows it
    # (政府 n), as jieba.add_word without a tag keeps the dictionary's.
    assert (pos["放管服"], pos["营商环境"], pos["河长制"], pos["政府"]) == ("v", "nz", "nz", "n")


def test_jieba_tags_reads_the_installed_dictionary():
    tags = jieba_tags(pa.array(["和", "进一步", "政府", "放管服", "并且"], pa.string()))
    assert tags.to_pylist() == ["c", "d", "n", None, "c"]
    assert jieba_tags(pa.array([], pa.string())).to_pylist() == []


def test_guessed_tags_of_hmm_words_are_rjiebas():
    import rjieba

    # Words jieba's HMM makes on the seeds; rjieba's tag() in a sentence gives the same tag.
    assert [guess_pos(w) for w in ("我局", "控及", "立行立")] == ["r", "v", "d"]
    assert rjieba.Jieba().tag("县控及以上", True)[1] == ("控及", "v")


@pytest.mark.parametrize("hmm", [True, False])
def test_pieces_have_rjieba_tags_on_the_seeds(seeds, hmm):
    import rjieba

    config = TokenizerConfig(hmm=hmm)
    tokens = tokenize_sentences(seeds.sentences, config=config, cache=False)
    tagger = rjieba.Jieba()
    for term, freq, tag in _engine(config).entries:
        tagger.add_word(term, freq, tag)
    # rjieba tags a word the same way wherever it stands (its dictionary's tag, or its guess
    # from the word alone): one tag per word over every Han run of the seeds.
    in_context = collections.defaultdict(set)
    for text in seeds.reports["text"]:
        for run in _PIECE.findall(text):
            for word, tag in tagger.tag(run, hmm):
                in_context[word].add(tag)
    assert all(len(tags) == 1 for tags in in_context.values())
    plain = _plain_pieces(tokens)
    assert len(plain) > 7000
    expected = []
    for word in plain["token"]:
        if word in in_context:
            expected.append(next(iter(in_context[word])))
        else:  # pieces our rules made (a character split off an HMM word, 被 of 被市)
            tagged = tagger.tag(word, hmm)
            assert len(tagged) == 1, (word, tagged)
            expected.append(tagged[0][1])
    assert plain["pos"].tolist() == expected


def test_both_backends_give_the_same_pos(seeds, seed_tokens):
    reference = tokenize_sentences(seeds.sentences, config=TokenizerConfig(backend="jieba"),
                                   cache=False)
    pd.testing.assert_frame_equal(reference, seed_tokens)


def test_agreement_with_jieba_posseg_on_the_seeds(seeds, seed_tokens):
    # jieba.posseg cuts runs of characters its dictionary leaves single with its own HMM,
    # which tags as it cuts (件 q, not the dictionary's zg); so exact parity is impossible.
    # Measured on the seeds: 98.6% of jieba's pieces are posseg's words too, and 99.6% of
    # those have the same tag (8,062 of 8,095; 我局 r/n, 件 zg/q, 内 n/f lead the rest).
    import jieba
    import jieba.posseg

    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
    finally:
        logger.setLevel(level)
    for term, freq, tag in _engine(TokenizerConfig()).entries:
        tokenizer.add_word(term, freq, tag)
    posseg = jieba.posseg.POSTokenizer(tokenizer)
    spans = {}
    for doc_id, text in zip(seeds.reports["doc_id"], seeds.reports["text"], strict=True):
        for run in _PIECE.finditer(text):
            start = run.start()
            for pair in posseg.lcut(run.group(), HMM=True):
                spans[(doc_id, start, start + len(pair.word))] = pair.flag
                start += len(pair.word)
    plain = _plain_pieces(seed_tokens)
    theirs = [spans.get(key) for key in zip(plain["doc_id"], plain["start"], plain["end"],
                                             strict=True)]
    same_span = [(ours, tag) for ours, tag in zip(plain["pos"], theirs, strict=True)
                 if tag is not None]
    same_tag = sum(ours == tag for ours, tag in same_span)
    assert len(same_span) / len(plain) > 0.98
    assert same_tag / len(same_span) > 0.99
