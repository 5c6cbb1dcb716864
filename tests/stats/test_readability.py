"""score_readability: the measures of 徐巍、姚振晔、陈冬华 (2021), counted by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import add_report_columns, schema
from analysis.stats import score_readability
from analysis.stats.readability import READABILITY_COLUMNS
from analysis.text import tokenize_sentences

# Four hand-written sentences and one without prose. Characters are Han characters; the
# adverbs (d) and conjunctions (c) are those of jieba's dictionary, checked in dict.txt and
# asserted on the tokens in test_hand_written_tokens_are_tagged_as_counted.
#
# a0 我们和他们都已经完成任务。      我们 和 他们 都 已经 完成 任务 。
#    characters 2+1+2+1+2+2+2 = 12; 和 c, 都 d, 已经 d: 3; words (not 。) 7
# a1 今年共办理案件15件。            今年 共 办理 案件 15 件 。
#    characters 2+1+2+2+1 = 8 (15 is no Han); 共 d: 1; words 6
# a2 20231227                        no Han character: no prose, counted nowhere
# b0 但是，我们进一步加强执法并且按时公开。  但是 ， 我们 进一步 加强 执法 并且 按时 公开 。
#    characters 2+2+3+2+2+2+2+2 = 17; 但是 c, 进一步 d, 并且 c, 按时 d: 4; words 8
# b1 因为制度不健全，所以仍然存在问题。  因为 制度 不 健全 ， 所以 仍然 存在 问题 。
#    characters 2+2+1+2+2+2+2+2 = 15; 因为 c, 不 d, 所以 c, 仍然 d: 4; words 8
#
# a: 2 sentences, 20 characters, 13 words, 4 adverbs and conjunctions
#    -> 10.0 characters and 2.0 per sentence, share 4/13, readability 0.5 * 12 = 6.0
# b: 2 sentences, 32 characters, 16 words, 8 -> 16.0, 4.0, share 0.5, readability 10.0
# a and b: 4 sentences, 52 characters, 29 words, 12 -> 13.0, 3.0, 12/29, readability 8.0
TEXTS = {"a": ["我们和他们都已经完成任务。", "今年共办理案件15件。", "20231227"],
         "b": ["但是，我们进一步加强执法并且按时公开。", "因为制度不健全，所以仍然存在问题。"]}
SECTIONS = {("a", 0): "s1", ("a", 1): "s2", ("a", 2): "s2", ("b", 0): "s1", ("b", 1): "s1"}


def _sentences(texts: dict[str, list[str]]) -> pd.DataFrame:
    rows = []
    for doc_id, sentences in texts.items():
        start = 0
        for sent_id, text in enumerate(sentences):
            rows.append({"doc_id": doc_id, "section_id": SECTIONS.get((doc_id, sent_id), "s1"),
                         "para_id": 0, "sent_id": sent_id, "start": start,
                         "end": start + len(text), "text": text})
            start += len(text) + 1
    return schema.conform(pd.DataFrame(rows), "sentences")


@pytest.fixture(scope="module")
def hand():
    sentences = _sentences(TEXTS)
    return sentences, tokenize_sentences(sentences, cache=False)


def test_hand_written_tokens_are_tagged_as_counted(hand):
    _, tokens = hand
    counted = tokens[tokens["pos"].str.match("[dc]")]
    assert counted.groupby(["doc_id", "sent_id"])["token"].agg(list).to_dict() == {
        ("a", 0): ["和", "都", "已经"], ("a", 1): ["共"],
        ("b", 0): ["但是", "进一步", "并且", "按时"], ("b", 1): ["因为", "不", "所以", "仍然"]}


def test_hand_counted_values_per_report(hand):
    sentences, tokens = hand
    before = (sentences.copy(), tokens.copy())
    got = score_readability(sentences, tokens)
    pd.testing.assert_frame_equal(sentences, before[0])  # inputs not mutated
    pd.testing.assert_frame_equal(tokens, before[1])
    assert list(got.columns) == ["doc_id", *READABILITY_COLUMNS]
    assert {c: str(t) for c, t in got.dtypes.items()} == {
        c: t for c, t in schema.TABLES["readability"].items() if c != "section_id"}
    expected = pd.DataFrame({
        "doc_id": ["a", "b"], "n_sentences": [2, 2], "n_chars": [20, 32], "n_words": [13, 16],
        "n_adverbs_conjunctions": [4, 8], "chars_per_sentence": [10.0, 16.0],
        "adverbs_conjunctions_per_sentence": [2.0, 4.0],
        "adverbs_conjunctions_share": [4 / 13, 0.5], "readability": [6.0, 10.0]})
    pd.testing.assert_frame_equal(got, schema.conform(expected.assign(section_id="-"),
                                                      "readability").drop(columns="section_id"))


def test_whole_corpus_and_sections_part(hand):
    sentences, tokens = hand
    whole = score_readability(sentences, tokens, by=())
    assert list(whole.columns) == READABILITY_COLUMNS
    assert whole.iloc[0].tolist() == pytest.approx([4, 52, 29, 12, 13.0, 3.0, 12 / 29, 8.0])
    # part comes from sections: s1 is measures (a0, b0, b1), s2 plans (a1; a2 is no prose).
    sections = pd.DataFrame({"doc_id": ["a", "a", "b"], "section_id": ["s1", "s2", "s1"],
                             "part": ["measures", "plans", "measures"]})
    by_part = score_readability(sentences, tokens, by="part", sections=sections)
    assert by_part["part"].tolist() == ["measures", "plans"]
    assert by_part["n_sentences"].tolist() == [3, 1]
    assert by_part["n_chars"].tolist() == [12 + 17 + 15, 8]
    assert by_part["n_adverbs_conjunctions"].tolist() == [3 + 4 + 4, 1]
    assert by_part["readability"].tolist() == pytest.approx([0.5 * (44 / 3 + 11 / 3), 4.5])
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['part'\]"):
        score_readability(sentences, tokens, by="part")


def test_report_columns_a_subset_and_a_group_without_prose(hand):
    sentences, tokens = hand
    reports = pd.DataFrame({"doc_id": ["a", "b"], "admin_level": ["city", "city"]})
    by_level = score_readability(add_report_columns(sentences, reports,
                                                    columns=["admin_level"]),
                                 tokens, by=["admin_level"])
    assert by_level[["admin_level", "n_sentences", "readability"]].values.tolist() == [
        ["city", 4, 8.0]]
    # Only the sentences given count; the tokens of the others are ignored.
    first = score_readability(sentences[sentences["sent_id"] == 0], tokens)
    assert first["n_chars"].tolist() == [12, 17]
    assert first["n_adverbs_conjunctions"].tolist() == [3, 4]
    # A group whose sentences have no Han character has no sentence and no ratio.
    none = score_readability(sentences, tokens, by=["doc_id", "sent_id"])
    row = none[(none["doc_id"] == "a") & (none["sent_id"] == 2)].iloc[0]
    assert (row["n_sentences"], row["n_chars"], row["n_words"]) == (0, 0, 0)
    assert np.isnan(row[["chars_per_sentence", "adverbs_conjunctions_per_sentence",
                         "adverbs_conjunctions_share", "readability"]].astype(float)).all()


def test_empty_input_and_bad_input(hand):
    sentences, tokens = hand
    empty = score_readability(sentences.iloc[:0], tokens.iloc[:0])
    pd.testing.assert_frame_equal(
        empty, schema.empty("readability").drop(columns="section_id"))
    assert list(score_readability(sentences.iloc[:0], tokens, by=()).columns) == \
        READABILITY_COLUMNS
    assert len(score_readability(sentences.iloc[:0], tokens, by=())) == 0
    with pytest.raises(ValueError, match=r"tokens table lacks column\(s\) \['pos'\]"):
        score_readability(sentences, tokens.drop(columns="pos"))
    with pytest.raises(ValueError, match="duplicate"):
        score_readability(pd.concat([sentences, sentences]), tokens)


def test_one_whole_seed(seeds):
    # Seed 000 (海沧区城管局 2023). Checked by hand: sentence 0 (2023年,我局围绕贯彻落实…真心
    # 为民)。) has 72 Han characters (年 1, 我局围绕贯彻落实党的二十大 13, 全国两会精神和习近平
    # 法治思想 14, 不断提升城市管理行政执法水平 14, 持续打造 4, 五心城市管家 6, the five
    # 四字 phrases 20) and 和 c, 不断 d, 真心 d; sentence 1 (对照《…2023年工作要点》,就法治政府
    # 建设情况,现报告如下:) has 39 (对照 2, the title 23, 就 1, 法治政府建设情况 8, 现报告如下
    # 5) and 就 d; sentences 5 and 6 have 78 and 64, with 就 将 和 and 将 就 及 及时 及 (jieba's
    # dictionary tags 及时 c). Every sentence of this seed has a Han character, so
    # n_sentences is its 75 sentences; a count of Han characters with a plain regular
    # expression over its text gives the same 2,865. The ratios are plausible for this genre:
    # long sentences split only at 。;!? (38 characters), about one adverb or conjunction
    # in 13 words.
    doc = "738d0c538998f7d2"
    sentences = seeds.sentences[seeds.sentences["doc_id"] == doc]
    tokens = tokenize_sentences(sentences, cache=False)
    per_sentence = score_readability(sentences, tokens, by=["doc_id", "sent_id"])
    picked = per_sentence.set_index("sent_id").loc[[0, 1, 5, 6]]
    assert picked["n_chars"].tolist() == [72, 39, 78, 64]
    assert picked["n_adverbs_conjunctions"].tolist() == [3, 1, 3, 5]
    got = score_readability(sentences, tokens).iloc[0]
    assert got["doc_id"] == doc
    assert (got["n_sentences"], got["n_chars"], got["n_words"],
            got["n_adverbs_conjunctions"]) == (75, 2865, 1345, 100)
    assert got["chars_per_sentence"] == pytest.approx(38.2)
    assert got["adverbs_conjunctions_per_sentence"] == pytest.approx(100 / 75)
    assert got["adverbs_conjunctions_share"] == pytest.approx(100 / 1345)
    assert got["readability"] == pytest.approx(0.5 * (38.2 + 100 / 75))


def test_counts_per_section_sum_to_the_same_measures():
    # Two sections of one report and one of another, counts written by hand: report a has
    # 2 + 1 = 3 sentences, 30 + 15 = 45 Han characters, 10 + 5 = 15 words and 2 + 1 = 3
    # adverbs and conjunctions: 15 characters and 1 adverb or conjunction per sentence, a
    # share of 3 / 15 = 0.2 and readability 0.5 * (15 + 1) = 8.
    counts = pd.DataFrame({"doc_id": ["a", "a", "b"], "section_id": ["s1", "s2", "s1"],
                           "n_sentences": [2, 1, 0], "n_chars": [30, 15, 0],
                           "n_words": [10, 5, 0], "n_adverbs_conjunctions": [2, 1, 0]})
    got = score_readability(counts).set_index("doc_id")
    assert got.loc["a", ["n_sentences", "n_chars", "n_words", "n_adverbs_conjunctions"]
                   ].tolist() == [3, 45, 15, 3]
    assert got.loc["a", "chars_per_sentence"] == 15 and got.loc["a", "readability"] == 8
    assert got.loc["a", "adverbs_conjunctions_share"] == pytest.approx(0.2)
    assert np.isnan(got.loc["b", "readability"])  # no prose: no measure, not 0
    with pytest.raises(ValueError, match="lacks column"):
        score_readability(counts.drop(columns="n_words"))


def test_the_builds_table_scores_like_the_sentences(seeds, tmp_path):
    from analysis import build_corpus, read_table, read_tables
    from analysis.paths import SEEDS

    build_corpus(SEEDS, out=tmp_path / "out", progress=False)
    built = read_tables(tmp_path / "out")
    per_section = read_table(tmp_path / "out", "readability")
    assert list(per_section.columns) == schema.columns("readability")
    tokens = read_table(tmp_path / "out", "tokens")
    for by in (["doc_id"], ["part"]):
        direct = score_readability(built.sentences, tokens, by=by, sections=built.sections)
        summed = score_readability(per_section, by=by, sections=built.sections)
        pd.testing.assert_frame_equal(direct, summed)
