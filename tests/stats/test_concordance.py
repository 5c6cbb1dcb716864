"""find_sentences (sentence search) and kwic with a pattern: matches inside tokens."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import find_sentences, kwic, load_corpus, schema
from analysis.text import tokenize_sentences

# ---------------------------------------------------------------------------
# A hand-made report: its sentences, sections and reports tables
# ---------------------------------------------------------------------------

# (doc_id, section_id, text), one sentence a line; the report text joins them with "\n".
SENTENCES = [
    ("a", "s000", "2023年,我局依法履职。"),          # 0: 13 chars, starts at 0
    ("a", "s001", "一、主要举措和成效"),              # 1: 9 chars, starts at 14
    ("a", "s002", "(一)化解行政争议"),                # 2: 9 chars, starts at 24
    ("a", "s002", "组织学习《行政复议法》。"),        # 3: 12 chars, starts at 34
    ("a", "s003", "1.行政复议"),                      # 4: 6 chars, starts at 47
    ("a", "s003", "办理行政复议案件3件,行政诉讼案件2件。"),  # 5: starts at 54
    ("a", "s004", "二、存在的不足"),
    ("a", "s004", "复议纠错率偏高。"),
    ("b", "s000", "全年无行政诉讼案件。"),            # b 0: starts at 0
]


@pytest.fixture
def report() -> dict[str, pd.DataFrame]:
    rows, texts, sent_ids = [], {}, {}
    for doc_id, section_id, text in SENTENCES:
        before = texts.get(doc_id)
        start = 0 if before is None else len(before) + 1
        texts[doc_id] = text if before is None else f"{before}\n{text}"
        sent_id = sent_ids[doc_id] = sent_ids.get(doc_id, -1) + 1
        rows.append({"doc_id": doc_id, "section_id": section_id, "para_id": sent_id,
                     "sent_id": sent_id, "start": start, "end": start + len(text),
                     "text": text})
    sentences = schema.conform(pd.DataFrame(rows), "sentences")
    sections = pd.DataFrame(
        [("a", "s000", None, 0, "", "preamble"),
         ("a", "s001", None, 1, "一、主要举措和成效", "measures"),
         ("a", "s002", "s001", 2, "(一)化解行政争议", "measures"),
         ("a", "s003", "s002", 3, "1.行政复议", "measures"),
         ("a", "s004", None, 1, "二、存在的不足", "shortcomings"),
         ("b", "s000", None, 0, "", "preamble")],
        columns=["doc_id", "section_id", "parent_id", "level", "heading", "part"])
    reports = pd.DataFrame({"doc_id": ["a", "b"], "label": ["甲局", "乙局"],
                            "text": [texts["a"], texts["b"]]})
    return {"sentences": sentences, "sections": sections, "reports": reports}


def test_sentence_offsets_in_the_fixture_are_what_the_comments_say(report):
    assert report["sentences"]["start"].tolist() == [0, 14, 24, 34, 47, 54, 75, 83, 0]


def test_find_sentences_or_list_matches_inside_tokens_one_row_per_match(report):
    found = find_sentences(report["sentences"], pattern=["行政复议", "行政诉讼"])
    assert list(found.columns) == ["doc_id", "section_id", "sent_id", "match", "start", "end",
                                   "sentence"]
    # 行政复议 inside 《行政复议法》 (sentence 3) and 行政复议案件 (5), the heading 1.行政复议
    # (4), 行政诉讼 in 5 and in b. Sentence 5 has two matches, so two rows: 5 rows, 4 sentences.
    assert found[["doc_id", "sent_id", "match"]].values.tolist() == [
        ["a", 3, "行政复议"], ["a", 4, "行政复议"], ["a", 5, "行政复议"], ["a", 5, "行政诉讼"],
        ["b", 0, "行政诉讼"]]
    assert len(found.drop_duplicates(["doc_id", "sent_id"])) == 4
    # 组织学习《 is 5 characters: 34 + 5 = 39; 1. is 2: 47 + 2 = 49; 办理 is 2: 54 + 2 = 56;
    # 办理行政复议案件3件, is 11: 54 + 11 = 65; 全年无 is 3.
    assert found[["start", "end"]].values.tolist() == [
        [39, 43], [49, 53], [56, 60], [65, 69], [3, 7]]
    texts = report["reports"].set_index("doc_id")["text"]
    assert [texts[d][s:e] for d, s, e in zip(found["doc_id"], found["start"], found["end"],
                                               strict=True)] == found["match"].tolist()
    assert found.loc[0, "sentence"] == "组织学习《行政复议法》。"


def test_find_sentences_adds_label_part_and_heading_path(report):
    found = find_sentences(report["sentences"], pattern="诉讼|复议",
                           sections=report["sections"], reports=report["reports"])
    assert list(found.columns) == schema.columns("mentions")
    assert {c: str(t) for c, t in found.dtypes.items()} == schema.TABLES["mentions"]
    top, mid, low = "一、主要举措和成效", "(一)化解行政争议", "1.行政复议"
    # 复议 alone in sentence 7 (复议纠错率), under 二、存在的不足; b is in its untitled preamble.
    assert found[["label", "sent_id", "part", "heading_path"]].fillna("NA").values.tolist() == [
        ["甲局", 3, "measures", f"{top} › {mid}"],
        ["甲局", 4, "measures", f"{top} › {mid} › {low}"],
        ["甲局", 5, "measures", f"{top} › {mid} › {low}"],
        ["甲局", 5, "measures", f"{top} › {mid} › {low}"],
        ["甲局", 7, "shortcomings", "二、存在的不足"],
        ["乙局", 0, "preamble", "NA"]]


def test_find_sentences_regex_and_literal_semantics(report):
    sentences = report["sentences"]
    counted = find_sentences(sentences, pattern=r"行政(复议|诉讼)案件\d+件")
    assert counted["match"].tolist() == ["行政复议案件3件", "行政诉讼案件2件"]
    # A list holds literals: "(一)" is escaped and matches the heading's own (一) ...
    assert find_sentences(sentences, pattern=["(一)"])["match"].tolist() == ["(一)"]
    assert find_sentences(sentences, pattern="(一)", regex=False)["match"].tolist() == ["(一)"]
    # ... while the string "(一)" is a regex whose group matches 一 in 一、 and in (一).
    regex = find_sentences(sentences, pattern="(一)")
    assert regex[["sent_id", "match", "start"]].values.tolist() == [[1, "一", 14], [2, "一", 25]]
    # Longest term first: 行政复议法 wins where both match.
    longest = find_sentences(sentences, pattern=["行政复议", "行政复议法"])
    assert longest["match"].tolist() == ["行政复议法", "行政复议", "行政复议"]
    # regex=True reads each list item as a regex.
    items = find_sentences(sentences, pattern=[r"复议(?=法)", "纠错率"], regex=True)
    assert items[["sent_id", "match"]].values.tolist() == [[3, "复议"], [7, "纠错率"]]
    # Matches of no characters are not mentions.
    assert find_sentences(sentences, pattern="x*").empty


def test_find_sentences_rejects_a_bad_pattern_naming_it(report):
    with pytest.raises(ValueError, match=re.escape("pattern '行政(复议' is not a valid regular")):
        find_sentences(report["sentences"], pattern="行政(复议")
    with pytest.raises(ValueError, match="non-empty"):
        find_sentences(report["sentences"], pattern=[])
    with pytest.raises(ValueError, match=r"sentences table lacks column\(s\) \['text'\]"):
        find_sentences(report["sentences"].drop(columns="text"), pattern="复议")


def test_find_sentences_on_empty_input_and_no_match_keeps_the_columns(report):
    for found in (find_sentences(report["sentences"].iloc[:0], pattern="复议",
                                 sections=report["sections"], reports=report["reports"]),
                  find_sentences(report["sentences"], pattern="环境",
                                 sections=report["sections"], reports=report["reports"])):
        assert found.empty
        assert {c: str(t) for c, t in found.dtypes.items()} == schema.TABLES["mentions"]
    bare = find_sentences(report["sentences"].iloc[:0], pattern="复议")
    assert list(bare.columns) == ["doc_id", "section_id", "sent_id", "match", "start", "end",
                                  "sentence"]


def test_find_sentences_does_not_mutate_its_inputs(report):
    before = {name: frame.copy() for name, frame in report.items()}
    find_sentences(report["sentences"].iloc[::-1], pattern=["复议"],
                   sections=report["sections"], reports=report["reports"])
    for name, frame in report.items():
        pd.testing.assert_frame_equal(frame, before[name])


# ---------------------------------------------------------------------------
# kwic with a pattern
# ---------------------------------------------------------------------------


def make_tokens(sentences: list[list[str]]) -> pd.DataFrame:
    """One document "a"; tokens written one after another, positions from 0."""
    rows, position, offset = [], 0, 0
    for sent_id, tokens in enumerate(sentences):
        for token in tokens:
            rows.append({"doc_id": "a", "section_id": "s01", "para_id": 0, "sent_id": sent_id,
                         "position": position, "token": token, "start": offset,
                         "end": offset + len(token)})
            position, offset = position + 1, offset + len(token)
    return pd.DataFrame(rows)


@pytest.fixture
def tokens() -> pd.DataFrame:
    # 0 学习 1 《行政复议法》 2 。 | 3 办理 4 行政复议案件 5 3 6 件 7 , 8 行政 9 诉讼 10 2 11 件 12 。
    # Offsets: 学习 0-2, 《行政复议法》 2-9, 。 9-10, 办理 10-12, 行政复议案件 12-18, 3 18, 件 19,
    # , 20, 行政 21-23, 诉讼 23-25, 2 25, 件 26, 。 27.
    return make_tokens([["学习", "《行政复议法》", "。"],
                        ["办理", "行政复议案件", "3", "件", ",", "行政", "诉讼", "2", "件", "。"]])


def test_kwic_pattern_matches_inside_tokens_and_splits_the_edge_tokens(tokens):
    assert kwic(tokens, term="行政复议").empty  # no token is exactly 行政复议
    lines = kwic(tokens, pattern=["行政复议", "行政诉讼"], window=2)
    assert lines["position"].tolist() == [1, 4, 8]
    assert lines["term"].tolist() == ["行政复议", "行政复议", "行政诉讼"]
    # The edge token counts as matched; its rest sits at the inner edge of left/right, and
    # two whole tokens are taken beyond it.
    assert lines["left"].tolist() == ["学习《", "。办理", "件,"]
    assert lines["right"].tolist() == ["法》。办理", "案件3件", "2件"]
    assert lines[["start", "end"]].values.tolist() == [[3, 7], [12, 16], [21, 25]]
    # A match over two whole tokens gives the same line as the phrase term.
    phrase = kwic(tokens, term=["行政", "诉讼"], window=2)
    pd.testing.assert_frame_equal(lines.iloc[[2]].reset_index(drop=True), phrase)


def test_kwic_pattern_with_sep_within_and_position_gaps(tokens):
    spaced = kwic(tokens, pattern=["行政复议", "行政诉讼"], window=1, sep=" ")
    assert spaced[["left", "term", "right"]].values.tolist() == [
        ["学习 《", "行政复议", "法》 。"], ["办理", "行政复议", "案件 3"], [",", "行政 诉讼", "2"]]
    # Context stops at the sentence edge: nothing after 。 (position 2), nothing before 办理.
    sentence = kwic(tokens, pattern="行政复议", window=2, within="sentence")
    assert sentence[["left", "right"]].values.tolist() == [["学习《", "法》。"],
                                                           ["办理", "案件3件"]]
    # A match may cross the sentence edge within the document, not within a sentence.
    assert kwic(tokens, pattern="。办理")["position"].tolist() == [2]
    assert kwic(tokens, pattern="。办理", within="sentence").empty
    # Without 诉讼 (position 9), 行政 and 2 are neighbours in the frame but not in the text.
    gapped = tokens.loc[tokens["token"] != "诉讼"]
    assert kwic(gapped, pattern="行政2").empty


def test_kwic_pattern_offsets_widen_to_a_token_whose_text_is_not_its_span():
    # The lexicon merges 行政执法“三项制度” into the token 行政执法三项制度 (10 characters).
    merged = make_tokens([["落实", "行政执法三项制度"]])
    merged.loc[1, "end"] = 12
    line = kwic(merged, pattern="三项")
    assert line[["term", "left", "right", "start", "end"]].values.tolist() == [
        ["三项", "落实行政执法", "制度", 2, 12]]


def test_kwic_pattern_on_empty_tokens_has_the_term_columns_and_dtypes(tokens):
    by_pattern = kwic(tokens.iloc[:0], pattern="行政复议")
    by_term = kwic(tokens.iloc[:0], term="行政复议")
    assert by_pattern.empty
    pd.testing.assert_series_equal(by_pattern.dtypes, by_term.dtypes)


def test_kwic_takes_exactly_one_of_term_and_pattern(tokens):
    with pytest.raises(ValueError, match="exactly one of term and pattern"):
        kwic(tokens)
    with pytest.raises(ValueError, match="exactly one of term and pattern"):
        kwic(tokens, term="办理", pattern="办理")
    with pytest.raises(ValueError, match=re.escape("pattern '[行政' is not a valid regular")):
        kwic(tokens, pattern="[行政")


# ---------------------------------------------------------------------------
# Acceptance: every sentence of the seeds and the openings about 行政复议 or 行政诉讼
# ---------------------------------------------------------------------------

# Counted by hand from the texts: (file, a snippet of the sentence, matches in it, whether a
# whole-token kwic of 行政复议 or 行政诉讼 finds it). 11 sentences and 16 matches in the
# seeds, 5 and 5 in the openings: 16 sentences, 21 matches, 4 of the sentences missed by
# the tokens because 行政复议 is inside 《行政复议法》, 《中华人民共和国行政复议法》 or
# 行政复议案件 and nowhere else in the sentence.
SEED_MENTIONS = [
    ("000_a366b11c6bb12e59.txt", "在行政复议、行政诉讼以及处理化解社会矛盾纠纷问题时", 2, True),
    ("001_7e756e6a511fe527.txt", "参与行政处罚审核、行政裁决、行政复议、行政诉讼等工作45件", 2, True),
    ("001_7e756e6a511fe527.txt", "在行政诉讼中,街道能够自觉接受法院监督", 1, True),
    ("001_7e756e6a511fe527.txt", "共计受理滨海新区人民法院行政诉讼案件9件", 1, True),
    # 行政复议案件, 行政复议申请 and 行政复议终止: the last two are whole tokens.
    ("001_7e756e6a511fe527.txt", "共计受理天津市滨海新区人民政府行政复议案件", 3, True),
    ("001_7e756e6a511fe527.txt", "《行政处罚法》、《行政复议法》等一系列法律法规知识", 1, False),
    ("002_e94d2d9e19816d1e.txt", "我局无作为被申请人的信访复查、行政复议案件", 1, False),
    ("003_6cedf000a8b0ee3b.txt", "案卷评查通报12次,行政诉讼案件3起", 1, True),
    ("003_6cedf000a8b0ee3b.txt", "减少行政复议、行政诉讼风险", 2, True),
    ("004_f91691d480d248cc.txt", "认真执行行政复议和行政判决", 1, True),
    ("004_f91691d480d248cc.txt", "全年以我局为被诉讼对象的行政诉讼案件共9起", 1, True),
]
OPENING_MENTIONS = [
    ("045_guangzhou_wjw_2024.txt", "入选司法部化解矛盾纠纷行政复议典型案例", 1, True),
    ("045_guangzhou_wjw_2024.txt", "开展《中华人民共和国行政复议法》《中华人民共和国保守国家秘密法》",
     1, False),
    ("045_guangzhou_wjw_2024.txt", "规范性文件、行政复议和行政应诉、执法监督", 1, True),
    ("049_nanan_cgj_2024.txt", "在行政诉讼、重大合同签订等活动前", 1, True),
    ("049_nanan_cgj_2024.txt", "收到行政复议案件4件,复议维持", 1, False),
]
TERMS = ["行政复议", "行政诉讼"]


def _sentence_of(corpus, rows: pd.DataFrame) -> list[tuple[str, str]]:
    """(file, sentence text) of each distinct (doc_id, sent_id) in rows, in order."""
    files = corpus.reports.set_index("doc_id")["file"]
    texts = corpus.sentences.set_index(["doc_id", "sent_id"])["text"]
    keys = rows[["doc_id", "sent_id"]].drop_duplicates().itertuples(index=False)
    return [(files[d], texts[(d, s)]) for d, s in keys]


def _which(expected: list[tuple], found: list[tuple[str, str]]) -> list[int]:
    """For each found sentence, the index of the one hand-counted snippet it contains."""
    matched = []
    for file, text in found:
        hits = [i for i, (f, snippet, *_) in enumerate(expected) if f == file and snippet in text]
        assert len(hits) == 1, (file, text, hits)
        matched.append(hits[0])
    return matched


def _check_mentions(corpus, expected: list[tuple]) -> None:
    found = find_sentences(corpus.sentences, pattern=TERMS, sections=corpus.sections,
                           reports=corpus.reports)
    # Exactly the hand-counted sentences, each once, with its number of matches.
    sentences = _sentence_of(corpus, found)
    assert sorted(_which(expected, sentences)) == list(range(len(expected)))
    per_sentence = found.groupby(["doc_id", "sent_id"], sort=False).size().tolist()
    assert per_sentence == [expected[i][2] for i in _which(expected, sentences)]
    assert set(found["match"]) <= set(TERMS)
    texts = corpus.reports.set_index("doc_id")["text"]
    assert [texts[d][s:e] for d, s, e in zip(found["doc_id"], found["start"], found["end"],
                                               strict=True)] == found["match"].tolist()

    # The tokens: whole-token kwic misses the sentences marked False; a pattern finds them all,
    # at the same offsets as the sentence search.
    tokens = tokenize_sentences(corpus.sentences, cache=False)
    by_term = pd.concat([kwic(tokens, term=term) for term in TERMS])
    whole = {expected[i][1] for i in _which(expected, _sentence_of(corpus, by_term))}
    assert whole == {snippet for _, snippet, _, kept in expected if kept}
    by_pattern = kwic(tokens, pattern=TERMS)
    assert by_pattern[["doc_id", "start", "end"]].values.tolist() == \
        found[["doc_id", "start", "end"]].values.tolist()
    assert by_pattern["term"].tolist() == found["match"].tolist()


def test_seed_sentences_about_administrative_review_and_litigation(seeds):
    assert sum(n for *_, n, _ in SEED_MENTIONS) == 16
    _check_mentions(seeds, SEED_MENTIONS)


def test_opening_sentences_about_administrative_review_and_litigation(dev_openings):
    _check_mentions(load_corpus(dev_openings), OPENING_MENTIONS)
    assert len(SEED_MENTIONS) + len(OPENING_MENTIONS) == 16
    assert sum(not kept for *_, kept in SEED_MENTIONS + OPENING_MENTIONS) == 4
