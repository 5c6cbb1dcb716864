"""Tests for analysis.stats: every expected number is worked out by hand in a comment."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2, chi2_contingency

from analysis import stats as st
from analysis.text import DEFAULT_TERM_KINDS, read_themes, select_terms

PUNCT = set("，。、；,;")
STOP = {"的", "和"}


def make_tokens(docs: dict[str, list[list[str]]], **columns: dict[str, object]) -> pd.DataFrame:
    """A tokens table from {doc_id: [sentence, ...]}, each sentence a list of tokens.

    Positions and sent_id count from 0 within each document; offsets assume the tokens
    are written one after another. ``columns`` adds per-document columns, e.g.
    ``agency={"a": "X"}``.
    """
    rows = []
    for doc_id, sentences in docs.items():
        position = offset = 0
        for sent_id, sentence in enumerate(sentences):
            for token in sentence:
                if token in PUNCT:
                    kind = "punct"
                elif re.fullmatch(r"\d+", token):
                    kind = "number"
                else:
                    kind = "word"
                row = {
                    "doc_id": doc_id,
                    "section_id": "s01",
                    "para_id": 0,
                    "sent_id": sent_id,
                    "position": position,
                    "token": token,
                    "kind": kind,
                    "is_stop": token in STOP,
                    "in_lexicon": False,
                    "start": offset,
                    "end": offset + len(token),
                }
                row.update({name: values[doc_id] for name, values in columns.items()})
                rows.append(row)
                position += 1
                offset += len(token)
    return pd.DataFrame(rows)


@pytest.fixture
def small() -> pd.DataFrame:
    # Doc a counts 法治 x2, 执法 x1 (的 is a stopword, "，" punctuation, 2023 a number).
    # Doc b counts 法治 x1, 普法 x3. Doc c counts 执法 x2. Agencies: a, c -> X; b -> Y.
    return make_tokens(
        {
            "a": [["法治", "法治", "执法", "的", "，", "2023"]],
            "b": [["法治", "普法", "普法", "普法"]],
            "c": [["执法", "执法"]],
        },
        agency={"a": "X", "b": "Y", "c": "X"},
    )


# ---------------------------------------------------------------------------
# select_terms
# ---------------------------------------------------------------------------


def test_select_terms_drops_stopwords_punctuation_numbers_and_excluded(small):
    kept = select_terms(small, exclude=["普法"])
    # a keeps 法治 法治 执法; b keeps 法治 (普法 excluded); c keeps 执法 执法.
    assert kept["token"].tolist() == ["法治", "法治", "执法", "法治", "执法", "执法"]
    everything = select_terms(small, kinds=None, drop_stopwords=False)
    assert len(everything) == len(small) == 12


def test_select_terms_treats_a_single_kind_string_as_one_kind(small):
    kept = select_terms(small, kinds="number", drop_stopwords=False)
    assert kept["token"].tolist() == ["2023"]


def test_select_terms_names_the_missing_column(small):
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['is_stop'\].*drop_stopwords=False"):
        select_terms(small.drop(columns="is_stop"))
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        select_terms([("法治",)])


# ---------------------------------------------------------------------------
# count_terms
# ---------------------------------------------------------------------------


def test_count_terms_by_report_hand_values(small):
    counts = st.count_terms(select_terms(small))
    assert list(counts.columns) == [
        "doc_id",
        "term",
        "n",
        "n_tokens",
        "rate_per_10k",
        "df",
        "n_docs",
        "group_df",
        "tf",
        "idf",
        "tf_idf",
    ]
    # Sorted by doc, then n descending, then term.
    assert list(zip(counts["doc_id"], counts["term"], counts["n"], strict=True)) == [
        ("a", "法治", 2),
        ("a", "执法", 1),
        ("b", "普法", 3),
        ("b", "法治", 1),
        ("c", "执法", 2),
    ]
    assert counts["n_tokens"].tolist() == [3, 3, 4, 4, 2]
    # a/法治: 10000 * 2 / 3 = 6666.67; b/普法: 10000 * 3 / 4 = 7500.
    assert counts["rate_per_10k"].tolist() == pytest.approx(
        [6666.6667, 3333.3333, 7500, 2500, 10000]
    )
    # Within a report df is 1; 法治 is in a and b, 执法 in a and c, 普法 in b only.
    assert counts["df"].tolist() == [1, 1, 1, 1, 1]
    assert counts["group_df"].tolist() == [2, 2, 1, 2, 2]
    # G = 3 reports: idf(法治) = idf(执法) = ln(3/2) = 0.405465, idf(普法) = ln(3) = 1.098612.
    assert counts["idf"].tolist() == pytest.approx(
        [0.405465, 0.405465, 1.098612, 0.405465, 0.405465], abs=1e-6
    )
    # tf-idf: a/法治 2/3 * 0.405465 = 0.270310; a/执法 1/3 * 0.405465 = 0.135155;
    # b/普法 3/4 * 1.098612 = 0.823959; b/法治 1/4 * 0.405465 = 0.101366; c/执法 1 * 0.405465.
    assert counts["tf_idf"].tolist() == pytest.approx(
        [0.270310, 0.135155, 0.823959, 0.101366, 0.405465], abs=1e-6
    )


def test_count_terms_idf_is_zero_for_a_term_in_every_group_unless_smoothed():
    tokens = make_tokens({"a": [["法治", "执法"]], "b": [["法治", "普法"]]})
    plain = st.count_terms(select_terms(tokens)).set_index(["doc_id", "term"])
    # 法治 is in both reports: idf = ln(2/2) = 0, so tf-idf = 0 (pitfall 9).
    assert plain.loc[("a", "法治"), "idf"] == 0.0
    assert plain.loc[("a", "法治"), "tf_idf"] == 0.0
    # 执法: ln(2/1) = 0.693147; tf = 1/2, tf-idf = 0.346574.
    assert plain.loc[("a", "执法"), "tf_idf"] == pytest.approx(0.346574, abs=1e-6)
    smooth = st.count_terms(select_terms(tokens), smooth_idf=True).set_index(["doc_id", "term"])
    # Smoothed: ln((1+2)/(1+2)) + 1 = 1 for 法治; ln(3/2) + 1 = 1.405465 for 执法.
    assert smooth.loc[("a", "法治"), "idf"] == pytest.approx(1.0)
    assert smooth.loc[("a", "执法"), "idf"] == pytest.approx(1.405465, abs=1e-6)


def test_count_terms_by_agency_counts_documents_within_the_group(small):
    counts = st.count_terms(select_terms(small), by="agency").set_index(["agency", "term"])
    # X = reports a and c: 法治 2 (a only), 执法 1 + 2 = 3 (a and c); 5 tokens, 2 reports.
    assert counts.loc[("X", "执法"), ["n", "n_tokens", "df", "n_docs"]].tolist() == [3, 5, 2, 2]
    assert counts.loc[("X", "法治"), ["n", "df"]].tolist() == [2, 1]
    # Y = report b: 普法 3 of 4. Groups with 法治: X and Y -> group_df 2; 普法: Y only -> 1.
    assert counts.loc[("Y", "普法"), ["n", "n_tokens", "df", "n_docs"]].tolist() == [3, 4, 1, 1]
    assert counts.loc[("X", "法治"), "group_df"] == 2
    # idf over the two groups: 执法 only in X -> ln(2/1) = 0.693147; tf = 3/5 -> 0.415888.
    assert counts.loc[("X", "执法"), "tf_idf"] == pytest.approx(0.415888, abs=1e-6)


def test_count_terms_whole_corpus_with_empty_by(small):
    counts = st.count_terms(select_terms(small), by=())
    # 法治 2 + 1 = 3, 执法 1 + 2 = 3, 普法 3: a three-way tie on n, broken by code point:
    # 执 U+6267 < 普 U+666E < 法 U+6CD5.
    assert counts["term"].tolist() == ["执法", "普法", "法治"]
    assert counts["n"].tolist() == [3, 3, 3]
    assert counts["n_tokens"].tolist() == [9, 9, 9]
    assert counts["df"].tolist() == [2, 1, 2]
    assert counts["n_docs"].tolist() == [3, 3, 3]
    assert "doc_id" not in counts.columns


def test_count_terms_keeps_missing_group_values_last(small):
    tokens = small.assign(year=small["doc_id"].map({"a": 2023, "b": None, "c": 2022}))
    tokens["year"] = tokens["year"].astype("Int64")
    counts = st.count_terms(select_terms(tokens), by="year")
    # 2022 = c (执法 2), 2023 = a (法治 2, 执法 1), missing = b (普法 3, 法治 1).
    assert counts["year"].tolist()[:3] == [2022, 2023, 2023]
    assert counts["year"].isna().tolist() == [False, False, False, True, True]
    assert counts["term"].tolist() == ["执法", "法治", "执法", "普法", "法治"]
    assert counts["year"].dtype == "Int64"


def test_count_terms_does_not_mutate_input_and_is_deterministic(small):
    before = small.copy()
    first = st.count_terms(select_terms(small).sample(frac=1, random_state=1), by="agency")
    second = st.count_terms(select_terms(small), by="agency")
    pd.testing.assert_frame_equal(small, before)
    pd.testing.assert_frame_equal(first, second)


def test_count_terms_agrees_with_scikit_learn_tfidf(small):
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = select_terms(small).groupby("doc_id")["token"].apply(list)
    for smooth in (True, False):
        vectorizer = TfidfVectorizer(
            analyzer=lambda tokens: tokens, lowercase=False, smooth_idf=smooth, norm="l2"
        )
        matrix = vectorizer.fit_transform(docs.tolist()).toarray()
        expected = pd.DataFrame(
            matrix, index=docs.index, columns=vectorizer.get_feature_names_out()
        )
        ours = st.count_terms(select_terms(small), smooth_idf=smooth)
        if smooth:
            weights = ours.pivot(index="doc_id", columns="term", values="tf_idf")
        else:
            # scikit-learn always adds 1 to idf: ln(N/df) + 1. Rebuild that from our columns.
            weights = ours.assign(w=ours["tf"] * (ours["idf"] + 1)).pivot(
                index="doc_id", columns="term", values="w"
            )
        weights = weights.reindex(columns=expected.columns).fillna(0.0)
        # Our tf is n / n_tokens, scikit-learn's is n; the l2 norm removes the difference.
        weights = weights.div(np.sqrt((weights**2).sum(axis=1)), axis=0)
        np.testing.assert_allclose(weights.to_numpy(), expected.to_numpy(), atol=1e-12)


def test_count_terms_rejects_a_missing_grouping_column(small):
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['year'\]"):
        st.count_terms(select_terms(small), by=("year",))


# ---------------------------------------------------------------------------
# score_keyness
# ---------------------------------------------------------------------------


@pytest.fixture
def table_2x2() -> pd.DataFrame:
    # Target T: x 10, y 20 (30 tokens). Reference R: x 5, y 65 (70 tokens).
    # For x: a = 10, b = 5, c = 20, d = 65, N = 100.
    return make_tokens({"T": [["x"] * 10 + ["y"] * 20], "R": [["x"] * 5 + ["y"] * 65]})


def test_keyness_hand_computed_2x2(table_2x2):
    scores = st.score_keyness(select_terms(table_2x2), target="T").set_index("term")
    assert list(scores.reset_index().columns) == st.KEYNESS_COLUMNS
    x = scores.loc["x"]
    assert x[["n_target", "n_reference", "n_tokens_target", "n_tokens_reference"]].tolist() == [
        10,
        5,
        30,
        70,
    ]
    # Rates per 10k: 10/30 -> 3333.33, 5/70 -> 714.29.
    assert x["rate_target"] == pytest.approx(3333.3333)
    assert x["rate_reference"] == pytest.approx(714.2857)
    # E = row * column / N: E11 = 15*30/100 = 4.5, E12 = 15*70/100 = 10.5,
    # E21 = 85*30/100 = 25.5, E22 = 85*70/100 = 59.5.
    # G2 = 2 * (10 ln(10/4.5) + 5 ln(5/10.5) + 20 ln(20/25.5) + 65 ln(65/59.5))
    #    = 2 * (7.985077 - 3.709687 - 4.858924 + 5.746712) = 2 * 5.163179 = 10.326358.
    assert x["g2"] == pytest.approx(10.326358, abs=1e-6)
    # With 1 df, p = erfc(sqrt(G2 / 2)) = erfc(2.272263) = 0.0013114.
    assert x["p_g2"] == pytest.approx(0.0013114, abs=1e-7)
    # |O - E| = 5.5 in every cell; sum(1/E) = 1/4.5 + 1/10.5 + 1/25.5 + 1/59.5 = 0.373483.
    # Yates: (5.5 - 0.5)^2 * 0.373483 = 25 * 0.373483 = 9.337068.
    assert x["chi2"] == pytest.approx(9.337068, abs=1e-6)
    # Corpus prior alpha_w = y_w: alpha_x = 15, alpha_0 = 100.
    # log_odds = ln((10+15)/(30+100-25)) - ln((5+15)/(70+100-20)) = ln(25/105) - ln(20/150)
    #          = -1.435085 + 2.014903 = 0.579818; var = 1/25 + 1/20 = 0.09; z = 0.579818/0.3.
    assert x["log_odds"] == pytest.approx(0.579818, abs=1e-6)
    assert x["z"] == pytest.approx(1.932728, abs=1e-6)
    assert x["direction"] == "over"
    # y is the mirror image: 20/30 < 65/70, so every signed statistic is negative.
    y = scores.loc["y"]
    assert y["direction"] == "under"
    assert y["g2"] == pytest.approx(-10.326358, abs=1e-6)
    # log_odds(y) = ln(105/25) - ln(150/20) = -0.579818; var = 1/105 + 1/150 = 0.016190;
    # z = -0.579818 / 0.127242 = -4.556824.
    assert y["z"] == pytest.approx(-4.556824, abs=1e-6)
    # Sorted by z descending.
    assert scores.index.tolist() == ["x", "y"]


def test_keyness_chi_square_without_correction(table_2x2):
    scores = st.score_keyness(select_terms(table_2x2), target="T", correction=False).set_index("term")
    # 5.5^2 * 0.373483 = 30.25 * 0.373483 = 11.297852.
    assert scores.loc["x", "chi2"] == pytest.approx(11.297852, abs=1e-6)
    assert scores.loc["x", "p_chi2"] == pytest.approx(chi2.sf(11.297852, 1), rel=1e-6)


def test_keyness_prior_size_and_uniform_prior(table_2x2):
    scaled = st.score_keyness(select_terms(table_2x2), target="T", alpha=10).set_index("term")
    # alpha_0 = 10, alpha_x = 10 * 15/100 = 1.5:
    # ln(11.5/(30+10-11.5)) - ln(6.5/(70+10-6.5)) = ln(11.5/28.5) - ln(6.5/73.5)
    #   = -0.907557 + 2.425483 = 1.517926; var = 1/11.5 + 1/6.5 = 0.240803; z = 3.093285.
    assert scaled.loc["x", "log_odds"] == pytest.approx(1.517926, abs=1e-6)
    assert scaled.loc["x", "z"] == pytest.approx(3.093285, abs=1e-6)
    uniform = st.score_keyness(select_terms(table_2x2), target="T", prior="uniform").set_index("term")
    # Two terms, alpha_0 = 2, alpha_w = 1: ln(11/21) - ln(6/66) = -0.646627 + 2.397895
    #   = 1.751268; var = 1/11 + 1/6 = 0.257576; z = 3.450644.
    assert uniform.loc["x", "log_odds"] == pytest.approx(1.751268, abs=1e-6)
    assert uniform.loc["x", "z"] == pytest.approx(3.450644, abs=1e-6)
    with pytest.raises(ValueError, match="prior must be"):
        st.score_keyness(select_terms(table_2x2), target="T", prior="flat")


@pytest.mark.parametrize(
    ("a", "b", "n1", "n2"),
    [(10, 5, 30, 70), (0, 3, 50, 40), (7, 0, 20, 900), (1, 1, 1000, 1000), (40, 2, 41, 60)],
)
def test_keyness_agrees_with_scipy(a, b, n1, n2):
    tokens = make_tokens({"T": [["w"] * a + ["o"] * (n1 - a)], "R": [["w"] * b + ["o"] * (n2 - b)]})
    table = np.array([[a, b], [n1 - a, n2 - b]])
    for correction in (True, False):
        row = st.score_keyness(select_terms(tokens), target="T", correction=correction).set_index("term")
        row = row.loc["w"]
        expected = chi2_contingency(table, correction=correction)
        assert abs(row["chi2"]) == pytest.approx(expected.statistic, rel=1e-9, abs=1e-12)
        assert row["p_chi2"] == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-12)
    g_test = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert abs(row["g2"]) == pytest.approx(g_test.statistic, rel=1e-9, abs=1e-12)
    assert row["p_g2"] == pytest.approx(chi2.sf(abs(row["g2"]), 1), rel=1e-12)
    assert np.sign(row["g2"]) == np.sign(a / n1 - b / n2)


def test_keyness_reference_subset_uses_whole_input_for_the_prior(table_2x2):
    other = make_tokens({"O": [["x"] * 5 + ["y"] * 95]})
    tokens = pd.concat([table_2x2, other], ignore_index=True)
    scores = st.score_keyness(select_terms(tokens), target="T", reference="R").set_index("term")
    # Counts come from T and R only.
    assert scores.loc["x", ["n_target", "n_reference", "n_tokens_reference"]].tolist() == [
        10,
        5,
        70,
    ]
    # Prior from all 200 tokens: alpha_x = y_x = 10 + 5 + 5 = 20, alpha_0 = 200.
    # ln(30/(30+200-30)) - ln(25/(70+200-25)) = ln(0.15) - ln(25/245) = -1.897120 + 2.282382
    #   = 0.385262; var = 1/30 + 1/25 = 0.073333; z = 0.385262/0.270801 = 1.422676.
    assert scores.loc["x", "z"] == pytest.approx(1.422676, abs=1e-6)
    # G2 ignores O: same table as before.
    assert scores.loc["x", "g2"] == pytest.approx(10.326358, abs=1e-6)
    # Default reference = every other group: R and O, 170 tokens, x 10 in reference.
    rest = st.score_keyness(select_terms(tokens), target="T").set_index("term")
    assert rest.loc["x", ["n_reference", "n_tokens_reference"]].tolist() == [10, 170]


def test_keyness_from_counts_matches_tokens_even_when_counts_are_cut(small):
    from_tokens = st.score_keyness(select_terms(small), target="a")
    counts = st.count_terms(select_terms(small))
    pd.testing.assert_frame_equal(st.score_keyness(counts, target="a"), from_tokens)
    # Keep only each report's top term: n_tokens keeps the true totals (a: 3, b+c: 6).
    top = counts.groupby("doc_id").head(1)
    cut = st.score_keyness(top, target="a").set_index("term")
    assert cut.loc["法治", ["n_tokens_target", "n_tokens_reference"]].tolist() == [3, 6]


def test_keyness_exclude_and_min_count_leave_other_scores_unchanged(small):
    full = st.score_keyness(select_terms(small), target="a").set_index("term")
    dropped = st.score_keyness(select_terms(small), target="a", exclude=["普法"]).set_index("term")
    assert "普法" not in dropped.index
    pd.testing.assert_frame_equal(dropped, full.drop(index="普法"))
    # Totals over a, b, c: 法治 3, 执法 3, 普法 3; min_count=4 keeps none.
    assert st.score_keyness(select_terms(small), target="a", min_count=4).empty


def test_keyness_groups_by_any_column_and_rejects_bad_targets(small):
    scores = st.score_keyness(select_terms(small), by="agency", target="Y").set_index("term")
    # Y = b: 普法 3 of 4; X = a + c: 普法 0 of 5.
    assert scores.loc["普法", ["n_target", "n_reference", "n_tokens_reference"]].tolist() == [
        3,
        0,
        5,
    ]
    with pytest.raises(ValueError, match=r"target value\(s\) \['Z'\] not found"):
        st.score_keyness(select_terms(small), by="agency", target="Z")
    with pytest.raises(ValueError, match="share value"):
        st.score_keyness(select_terms(small), target=["a", "b"], reference="b")
    with pytest.raises(ValueError, match="sort_by"):
        st.score_keyness(select_terms(small), target="a", sort_by="p")
    duplicated = pd.concat([st.count_terms(select_terms(small))] * 2)
    with pytest.raises(ValueError, match="several rows per"):
        st.score_keyness(duplicated, target="a")
    with pytest.raises(ValueError, match="tokens table"):
        st.score_keyness(select_terms(small)[["doc_id"]], target="a")


# ---------------------------------------------------------------------------
# kwic
# ---------------------------------------------------------------------------


@pytest.fixture
def concordance() -> pd.DataFrame:
    # Positions: 0 我 1 局 2 坚持 3 习近平法治思想 4 指导 5 。 | 6 深入 7 学习 8 习近平法治思想
    return make_tokens(
        {
            "a": [
                ["我", "局", "坚持", "习近平法治思想", "指导", "。"],
                ["深入", "学习", "习近平法治思想"],
            ]
        }
    )


def test_kwic_single_token_within_document(concordance):
    lines = st.kwic(concordance, term="习近平法治思想", window=3)
    assert lines["position"].tolist() == [3, 8]
    # Three tokens either side: 0..2 = 我局坚持, 4..6 = 指导。深入; 5..7 = 。深入学习, nothing after.
    assert lines["left"].tolist() == ["我局坚持", "。深入学习"]
    assert lines["right"].tolist() == ["指导。深入", ""]
    assert lines["sent_id"].tolist() == [0, 1]
    assert (lines["term"] == "习近平法治思想").all()
    assert (lines["window"] == 3).all()
    # Offsets: 我局坚持 is 4 characters, so the first match spans 4..11.
    assert lines.loc[0, ["start", "end"]].tolist() == [4, 11]


def test_kwic_within_sentence_stops_at_the_sentence_edge(concordance):
    lines = st.kwic(concordance, term="习近平法治思想", window=3, within="sentence")
    # Sentence 0 ends at 。 (position 5); sentence 1 starts at 深入 (position 6).
    assert lines["left"].tolist() == ["我局坚持", "深入学习"]
    assert lines["right"].tolist() == ["指导。", ""]


def test_kwic_phrase_needs_consecutive_positions(concordance):
    lines = st.kwic(concordance, term=["深入", "学习"], window=2)
    assert lines["position"].tolist() == [6]
    assert lines.loc[0, ["term", "left", "right"]].tolist() == [
        "深入学习",
        "指导。",
        "习近平法治思想",
    ]
    # 我 局 坚持 习近平法治思想 指导 。 = 1 + 1 + 2 + 7 + 2 + 1 = 14 characters before 深入.
    assert lines.loc[0, ["start", "end"]].tolist() == [14, 18]
    # Drop 学习 (position 7): 深入 and 习近平法治思想 are now neighbours in the frame but not
    # in the text, so the phrase 深入 习近平法治思想 must not match.
    gapped = concordance.loc[concordance["token"] != "学习"]
    assert st.kwic(gapped, term=["深入", "习近平法治思想"]).empty


def test_kwic_rejects_bad_terms(concordance):
    with pytest.raises(ValueError, match="non-empty"):
        st.kwic(concordance, term=[])
    with pytest.raises(ValueError, match="within"):
        st.kwic(concordance, term="我", within="page")
    with pytest.raises(ValueError, match="window"):
        st.kwic(concordance, term="我", window=-1)


# ---------------------------------------------------------------------------
# score_collocations
# ---------------------------------------------------------------------------


@pytest.fixture
def phrases() -> pd.DataFrame:
    # s0: 依法 行政 ， 依法 行政 | s1: 依法 行政 严格 执法 | s2: 严格 执法 。
    return make_tokens(
        {
            "a": [
                ["依法", "行政", "，", "依法", "行政"],
                ["依法", "行政", "严格", "执法"],
                ["严格", "执法", "。"],
            ]
        }
    )


def test_collocations_hand_values(phrases):
    table = st.score_collocations(select_terms(phrases), min_count=1).set_index("bigram")
    # Adjacent pairs inside a sentence, punctuation removed without joining across it:
    # 依法 行政 x3, 行政 严格 x1, 严格 执法 x2 -> 6 bigrams. 执法|严格 spans s1/s2: excluded.
    assert table["n"].to_dict() == {"依法 行政": 3, "严格 执法": 2, "行政 严格": 1}
    assert (table["n_bigrams"] == 6).all()
    # 依法 行政: n_first = 3, n_second = 3, expected = 3*3/6 = 1.5, PMI = log2(3/1.5) = 1.
    # Table [[3, 0], [0, 3]], all E = 1.5: G2 = 2 * (3 ln 2 + 3 ln 2) = 12 ln 2 = 8.317766.
    assert table.loc["依法 行政", "pmi"] == pytest.approx(1.0)
    assert table.loc["依法 行政", "g2"] == pytest.approx(8.317766, abs=1e-6)
    # 严格 执法: expected 2*2/6 = 0.6667, PMI = log2(3) = 1.584963;
    # table [[2, 0], [0, 4]], E11 = 2/3, E22 = 16/6: G2 = 2 * (2 ln 3 + 4 ln 1.5) = 7.638170.
    assert table.loc["严格 执法", "pmi"] == pytest.approx(1.584963, abs=1e-6)
    assert table.loc["严格 执法", "g2"] == pytest.approx(7.638170, abs=1e-6)
    # 行政 严格: expected 1/6, PMI = log2(6) = 2.584963;
    # table [[1, 0], [0, 5]], E11 = 1/6, E22 = 25/6: G2 = 2 * (ln 6 + 5 ln 1.2) = 5.406735.
    assert table.loc["行政 严格", "pmi"] == pytest.approx(2.584963, abs=1e-6)
    assert table.loc["行政 严格", "g2"] == pytest.approx(5.406735, abs=1e-6)
    assert table.index.tolist() == ["依法 行政", "严格 执法", "行政 严格"]  # by G2
    assert table.loc["依法 行政", ["first", "second"]].tolist() == ["依法", "行政"]


def test_collocations_min_count_and_gaps(phrases):
    # min_count filters rows but n_bigrams still counts all 6.
    table = st.score_collocations(select_terms(phrases), min_count=2)
    assert table["bigram"].tolist() == ["依法 行政", "严格 执法"]
    assert (table["n_bigrams"] == 6).all()
    # allow_gaps joins 行政 and 依法 across the removed comma: one more bigram, 7 in all.
    gapped = st.score_collocations(select_terms(phrases), min_count=1, allow_gaps=True).set_index("bigram")
    assert gapped.loc["行政 依法", "n"] == 1
    assert (gapped["n_bigrams"] == 7).all()


# ---------------------------------------------------------------------------
# score_similarity
# ---------------------------------------------------------------------------


@pytest.fixture
def three_reports() -> pd.DataFrame:
    return make_tokens(
        {"d1": [["法治", "执法"]], "d2": [["法治", "普法"]], "d3": [["法治", "执法"]]}
    )


def test_similarity_hand_values(three_reports):
    sim = st.score_similarity(select_terms(three_reports))
    assert list(sim.columns) == ["doc_a", "doc_b", "cosine"]
    assert len(sim) == 9
    values = sim.set_index(["doc_a", "doc_b"])["cosine"]
    # Smoothed idf with N = 3: 法治 ln(4/4)+1 = 1, 执法 ln(4/3)+1 = 1.287682,
    # 普法 ln(4/2)+1 = 1.693147. d1 = (1, 1.287682, 0), d2 = (1, 0, 1.693147):
    # cos = 1 / (sqrt(2.658125) * sqrt(3.866747)) = 1 / (1.630376 * 1.966417) = 0.311917.
    assert values[("d1", "d2")] == pytest.approx(0.311917, abs=1e-6)
    assert values[("d2", "d1")] == values[("d1", "d2")]
    assert values[("d1", "d3")] == pytest.approx(1.0)
    assert values[("d2", "d2")] == 1.0
    plain = st.score_similarity(select_terms(three_reports), smooth_idf=False).set_index(["doc_a", "doc_b"])
    # Plain idf zeroes 法治 (in every report): d1 = (0, ln 1.5, 0), d2 = (0, 0, ln 3): cos = 0.
    assert plain.loc[("d1", "d2"), "cosine"] == 0.0
    assert plain.loc[("d1", "d3"), "cosine"] == pytest.approx(1.0)


def test_similarity_agrees_with_scikit_learn(small):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    docs = select_terms(small).groupby("doc_id")["token"].apply(list)
    vectorizer = TfidfVectorizer(analyzer=lambda tokens: tokens, lowercase=False)
    expected = cosine_similarity(vectorizer.fit_transform(docs.tolist()))
    square = st.pivot_similarity(st.score_similarity(st.count_terms(select_terms(small))))
    assert square.index.tolist() == square.columns.tolist() == ["a", "b", "c"]
    np.testing.assert_allclose(square.to_numpy(), expected, atol=1e-12)


def test_similarity_is_missing_for_a_report_without_weighted_terms():
    tokens = make_tokens({"a": [["法治", "执法"]], "b": [["法治"]]})
    sim = st.score_similarity(select_terms(tokens), smooth_idf=False).set_index(["doc_a", "doc_b"])["cosine"]
    # Plain idf: 法治 weighs ln(2/2) = 0, so b's vector is all zero and has no direction.
    assert np.isnan(sim[("b", "b")]) and np.isnan(sim[("a", "b")])
    assert sim[("a", "a")] == 1.0


def test_similarity_exclude_removes_terms(three_reports):
    sim = st.score_similarity(select_terms(three_reports), exclude=["执法", "普法"])
    # Only 法治 is left, in every report with the same weight: all cosines are 1.
    assert sim["cosine"].tolist() == pytest.approx([1.0] * 9)


# ---------------------------------------------------------------------------
# score_themes
# ---------------------------------------------------------------------------


@pytest.fixture
def lexicon() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "term": ["习近平法治思想", "执法", "行政执法", "普法", "执法"],
            "theme": [
                "political_guidance",
                "enforcement",
                "enforcement",
                "legal_publicity",
                "enforcement",
            ],
        }
    )


def test_themes_hand_values(lexicon):
    tokens = make_tokens(
        {
            # a: 6 counted tokens (的 is a stopword): guidance 1, enforcement 执法 x2 + 行政执法 = 3.
            "a": [["习近平法治思想", "执法", "执法", "行政执法", "的", "推进", "改革"]],
            # b: 4 tokens: publicity 普法 x1; nothing else.
            "b": [["普法", "宣传", "教育", "活动"]],
        }
    )
    table = st.score_themes(select_terms(tokens), themes=lexicon)
    assert list(table.columns) == [
        "doc_id",
        "theme",
        "n",
        "n_terms",
        "n_tokens",
        "rate_per_10k",
        "share",
    ]
    # Every theme for every report, in lexicon order.
    assert table["theme"].tolist() == ["political_guidance", "enforcement", "legal_publicity"] * 2
    assert table["n"].tolist() == [1, 3, 0, 0, 0, 1]
    assert table["n_terms"].tolist() == [1, 2, 0, 0, 0, 1]  # the duplicate 执法 row counts once
    assert table["n_tokens"].tolist() == [6, 6, 6, 4, 4, 4]
    # a: 10000 * 1/6 = 1666.67, 10000 * 3/6 = 5000; b: 10000 * 1/4 = 2500.
    assert table["rate_per_10k"].tolist() == pytest.approx([1666.6667, 5000, 0, 0, 0, 2500])
    # Shares of a's 4 theme matches: 1/4, 3/4, 0; b: 0, 0, 1.
    assert table["share"].tolist() == pytest.approx([0.25, 0.75, 0, 0, 0, 1])


def test_themes_by_group_and_a_term_in_two_themes():
    tokens = make_tokens(
        {"a": [["营商环境", "法治"]], "b": [["营商环境"]]}, level={"a": "city", "b": "city"}
    )
    themes = pd.DataFrame(
        {"term": ["营商环境", "营商环境"], "theme": ["business_environment", "digital_governance"]}
    )
    table = st.score_themes(select_terms(tokens), by="level", themes=themes)
    # One group of 3 tokens; 营商环境 x2 counts for both themes: 10000 * 2/3 each, share 1/2.
    assert table["n"].tolist() == [2, 2]
    assert table["rate_per_10k"].tolist() == pytest.approx([6666.6667, 6666.6667])
    assert table["share"].tolist() == pytest.approx([0.5, 0.5])


def test_themes_from_a_file_skip_comments_and_a_missing_file_is_named(tmp_path):
    path = tmp_path / "themes.tsv"
    path.write_text("# source: hand-made\nterm\ttheme\n普法\tlegal_publicity\n\n", encoding="utf-8")
    table = st.score_themes(make_tokens({"a": [["普法", "普法", "宣传"]]}), themes=read_themes(path))
    # 2 of 3 tokens: 6666.67 per 10k.
    assert table["rate_per_10k"].tolist() == pytest.approx([6666.6667])
    with pytest.raises(FileNotFoundError, match="absent.tsv"):
        read_themes(tmp_path / "absent.tsv")
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['theme'\]"):
        st.score_themes(make_tokens({"a": [["普法"]]}), themes=pd.DataFrame({"term": ["普法"]}))


def test_themes_resource_file_uses_the_issue_theme_ids():
    lexicon = read_themes()
    assert set(lexicon["theme"]) <= {
        "political_guidance",
        "enforcement",
        "legal_publicity",
        "decision_making",
        "supervision",
        "disputes_litigation",
        "business_environment",
        "digital_governance",
        "workforce_training",
    }


# ---------------------------------------------------------------------------
# The seed reports, through the project's loader and tokenizer
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_tokens(seeds) -> pd.DataFrame:
    """Tokens of the five seeds, with the report columns merged on and ``file`` for lookup."""
    tokenizing = pytest.importorskip("analysis.text")
    tokens = tokenizing.tokenize_sentences(seeds.sentences, cache=False)
    return tokens.merge(seeds.reports[["doc_id", "file", "agency", "year"]], on="doc_id")


def doc_of(tokens: pd.DataFrame, file: str) -> str:
    return tokens.loc[tokens["file"] == file, "doc_id"].iloc[0]


def test_seed_counts_rates_sum_to_ten_thousand(seed_tokens):
    counts = st.count_terms(select_terms(seed_tokens))
    assert counts["doc_id"].nunique() == 5
    totals = counts.groupby("doc_id")["rate_per_10k"].sum()
    np.testing.assert_allclose(totals.to_numpy(), 10_000)
    assert (
        counts.groupby("doc_id")["n"].sum() == counts.groupby("doc_id")["n_tokens"].first()
    ).all()
    # Default filter: no punctuation, numbers, dates or stopwords among the terms.
    kinds = seed_tokens.drop_duplicates("token").set_index("token")["kind"]
    assert set(kinds.reindex(counts["term"].unique())) <= set(DEFAULT_TERM_KINDS)


def test_seed_keyness_ranks_each_reports_own_subjects(seed_tokens):
    # Issue 3: 立法 and 燃气 in the Jiangmen report's top 20 against the other four reports,
    # 户外招牌 (or 招牌) in the Changzhi report's.
    jiangmen = st.score_keyness(select_terms(seed_tokens), target=doc_of(seed_tokens, "002_e94d2d9e19816d1e.txt"))
    assert {"立法", "燃气"} <= set(jiangmen["term"].head(20))
    top = jiangmen.set_index("term").loc[["立法", "燃气"]]
    # Both are absent from the reference, so they are over-represented with positive scores.
    assert (top["n_reference"] == 0).all() and (top["n_target"] >= 3).all()
    assert (top["g2"] > 0).all() and (top["z"] > 0).all() and (top["p_g2"] < 0.05).all()
    changzhi = st.score_keyness(select_terms(seed_tokens), target=doc_of(seed_tokens, "004_f91691d480d248cc.txt"))
    assert {"招牌", "户外招牌"} & set(changzhi["term"].head(20))


def test_seed_similarity_is_a_symmetric_matrix_with_unit_diagonal(seed_tokens):
    square = st.pivot_similarity(st.score_similarity(select_terms(seed_tokens)))
    assert square.shape == (5, 5)
    np.testing.assert_allclose(square.to_numpy(), square.to_numpy().T, atol=1e-12)
    assert (np.diag(square.to_numpy()) == 1.0).all()
    off = square.to_numpy()[~np.eye(5, dtype=bool)]
    assert ((off > 0) & (off < 1)).all()


def test_seed_kwic_and_collocations(seed_tokens):
    lines = st.kwic(seed_tokens, term="习近平法治思想", window=4)
    # 习近平法治思想 is one token in every seed (issue 3), so each report has a line.
    assert len(lines) == int((seed_tokens["token"] == "习近平法治思想").sum())
    assert lines["doc_id"].nunique() == 5
    first = st.score_collocations(select_terms(seed_tokens))
    again = st.score_collocations(select_terms(seed_tokens).iloc[::-1])
    pd.testing.assert_frame_equal(first, again)
    assert (first["n"] >= 3).all() and (first["pmi"] > 0).all()


def test_seed_themes_agree_with_term_counts(seed_tokens):
    themes = st.score_themes(select_terms(seed_tokens))
    lexicon = read_themes()
    assert len(themes) == 5 * lexicon["theme"].nunique()
    shares = themes.groupby("doc_id")["share"].sum()
    np.testing.assert_allclose(shares.to_numpy(), 1.0)
    # A theme's count is the sum of its terms' counts in count_terms (same token filter).
    counts = st.count_terms(select_terms(seed_tokens)).merge(lexicon, on="term")
    expected = counts.groupby(["doc_id", "theme"])["n"].sum()
    got = themes.set_index(["doc_id", "theme"])["n"]
    assert got.reindex(expected.index).tolist() == expected.tolist()
    assert got.drop(expected.index).eq(0).all()


# --- the build's counts table gives what the tokens give ---------------------------------

def _seed_tokens_and_counts(seeds):
    from analysis.ingest.build import _token_tables
    from analysis.ingest.corpus import add_report_columns
    from analysis.text import TokenizerConfig

    tables = _token_tables(seeds.sentences, TokenizerConfig())
    tokens, counts = tables["tokens"], tables["counts"]
    columns = ["label", "year", "agency"]
    return (add_report_columns(tokens, seeds.reports, columns=columns),
            add_report_columns(counts, seeds.reports, columns=columns))


@pytest.mark.parametrize("by", [(), ("label",), ("year",), ("doc_id",)])
def test_count_terms_on_counts_equals_tokens(seeds, by):
    tokens, counts = _seed_tokens_and_counts(seeds)
    assert len(counts) < len(tokens) / 2  # the point of it
    pd.testing.assert_frame_equal(st.count_terms(select_terms(counts), by=by),
                                  st.count_terms(select_terms(tokens), by=by))


def test_theme_similarity_keyness_on_counts_equal_tokens(seeds):
    from analysis.stats import comparison as cp

    tokens, counts = _seed_tokens_and_counts(seeds)
    counts, tokens = select_terms(counts), select_terms(tokens)
    pd.testing.assert_frame_equal(st.score_themes(counts, by=["label"]),
                                  st.score_themes(tokens, by=["label"]))
    pd.testing.assert_frame_equal(st.score_similarity(counts), st.score_similarity(tokens))
    pd.testing.assert_frame_equal(cp.score_distinctive(counts, by="label", top=5),
                                  cp.score_distinctive(select_terms(tokens), by="label", top=5))
    pd.testing.assert_frame_equal(cp.score_change(counts, by="year"),
                                  cp.score_change(select_terms(tokens), by="year"))
    pd.testing.assert_frame_equal(cp.find_new_terms(counts, by="year"),
                                  cp.find_new_terms(select_terms(tokens), by="year"))


def test_word_order_statistics_refuse_counts(seeds):
    _, counts = _seed_tokens_and_counts(seeds)
    with pytest.raises(ValueError, match="position"):
        st.kwic(counts, term="营商环境")


def test_benjamini_hochberg_by_hand():
    from analysis.stats.keyness import adjust_bh

    # Sorted 0.005, 0.01, 0.03, 0.04 (m = 4): p * 4 / rank = 0.02, 0.02, 0.04, 0.04, and the
    # running minimum from the largest p down leaves them so.
    p = np.array([0.01, 0.04, 0.03, 0.005])
    assert adjust_bh(p) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    # Running minimum: 0.04 * 3 / 2 = 0.06 is lowered to the next 0.05 * 3 / 3 = 0.05.
    assert adjust_bh(np.array([0.05, 0.04, 0.001])) == pytest.approx([0.05, 0.05, 0.003])
    # Families are adjusted apart; a q never exceeds 1.
    q = adjust_bh(np.array([0.01, 0.9, 0.01, 0.6]), np.array(["a", "a", "b", "b"]))
    assert q == pytest.approx([0.02, 0.9, 0.02, 0.6])
    assert adjust_bh(np.array([0.9, 0.95])) == pytest.approx([0.95, 0.95])


def test_keyness_and_distinctive_give_q_values_per_comparison(small):
    from analysis.stats.keyness import adjust_bh

    table = st.score_keyness(small, target=small["agency"].iloc[0], by="agency")
    assert table["q_g2"].to_numpy() == pytest.approx(adjust_bh(table["p_g2"].to_numpy()))
    assert (table["q_g2"] >= table["p_g2"]).all()
    per_group = st.score_distinctive(small, by="agency")
    for _, group in per_group.groupby("agency"):
        assert group["q_chi2"].to_numpy() == pytest.approx(adjust_bh(group["p_chi2"].to_numpy()))
    # Leaving terms out of the result does not change the others' q: all were tested.
    fewer = st.score_keyness(small, target=small["agency"].iloc[0], by="agency",
                             exclude=[table["term"].iloc[0]])
    assert fewer["q_g2"].tolist() == table["q_g2"].iloc[1:].tolist()
