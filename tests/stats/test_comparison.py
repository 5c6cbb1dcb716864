"""Tests for analysis.stats.comparison: expected numbers are worked out by hand in comments."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import stats as st
from analysis.stats import comparison as cp
from analysis.stats.keyness import adjust_bh
from analysis.text import select_terms


def make_tokens(docs: dict[str, list[str]], **columns: dict[str, object]) -> pd.DataFrame:
    """A tokens table from {doc_id: [token, ...]}, one sentence per report, all words."""
    rows = []
    for doc_id, tokens in docs.items():
        for position, token in enumerate(tokens):
            row = {
                "doc_id": doc_id,
                "section_id": "s01",
                "para_id": 0,
                "sent_id": 0,
                "position": position,
                "token": token,
                "kind": "word",
                "is_stop": False,
            }
            row.update({name: values[doc_id] for name, values in columns.items()})
            rows.append(row)
    frame = pd.DataFrame(rows)
    if "year" in frame:
        frame["year"] = frame["year"].astype("Int64")
    return frame


@pytest.fixture
def two_years() -> pd.DataFrame:
    # 2022 (report r): x 5, y 65 = 70 tokens. 2023 (report t): x 10, y 20 = 30 tokens.
    # For x in 2023 against 2022 the 2x2 table is a = 10, b = 5, c = 20, d = 65.
    return make_tokens(
        {"r": ["x"] * 5 + ["y"] * 65, "t": ["x"] * 10 + ["y"] * 20},
        year={"r": 2022, "t": 2023},
        agency={"r": "A", "t": "B"},
    )


# ---------------------------------------------------------------------------
# score_distinctive
# ---------------------------------------------------------------------------


def test_distinctive_hand_values_for_every_group(two_years):
    table = cp.score_distinctive(select_terms(two_years), by="agency")
    assert list(table.columns) == ["agency", *st.KEYNESS_COLUMNS]
    assert table["agency"].tolist() == ["A", "A", "B", "B"]
    rows = table.set_index(["agency", "term"])
    # B (x 10 of 30) against the rest A (x 5 of 70), corpus prior alpha_x = 15, alpha_0 = 100:
    # log_odds = ln(25/105) - ln(20/150) = 0.579818, z = 0.579818 / sqrt(1/25 + 1/20) = 1.932728;
    # G2 = 2 * (10 ln(10/4.5) + 5 ln(5/10.5) + 20 ln(20/25.5) + 65 ln(65/59.5)) = 10.326358.
    assert rows.loc[("B", "x"), "z"] == pytest.approx(1.932728, abs=1e-6)
    assert rows.loc[("B", "x"), "g2"] == pytest.approx(10.326358, abs=1e-6)
    # A against B is the mirror: ln(20/150) - ln(25/105) = -0.579818, z = -1.932728.
    assert rows.loc[("A", "x"), "z"] == pytest.approx(-1.932728, abs=1e-6)
    assert rows.loc[("A", "x"), ["n_target", "n_reference", "n_tokens_target"]].tolist() == [
        5,
        10,
        70,
    ]
    # y in A: ln((65+85)/(70+100-150)) - ln((20+85)/(30+100-105)) = ln(150/20) - ln(105/25)
    #   = 0.579818; var = 1/150 + 1/105 = 0.016190; z = 4.556824. Sorted first within A.
    assert table.loc[table["agency"] == "A", "term"].tolist() == ["y", "x"]
    assert rows.loc[("A", "y"), "z"] == pytest.approx(4.556824, abs=1e-6)


def test_distinctive_matches_one_keyness_call_per_group():
    tokens = make_tokens(
        {
            "a": ["法治", "法治", "执法"],
            "b": ["法治", "普法", "普法", "普法"],
            "c": ["执法", "执法"],
        }
    )
    table = cp.score_distinctive(select_terms(tokens), by="doc_id")
    for doc in ["a", "b", "c"]:
        single = st.score_keyness(select_terms(tokens), target=doc)
        # Terms absent from the group are left out of the one-against-rest table, and so
        # out of its family of tests: its q-values adjust over the listed terms only.
        expected = single.loc[single["n_target"] > 0].reset_index(drop=True)
        got = table.loc[table["doc_id"] == doc].drop(columns="doc_id").reset_index(drop=True)
        q_columns = ["q_g2", "q_chi2"]
        pd.testing.assert_frame_equal(got.drop(columns=q_columns),
                                      expected.drop(columns=q_columns))
        for q, p in [("q_g2", "p_g2"), ("q_chi2", "p_chi2")]:
            assert got[q].to_numpy() == pytest.approx(adjust_bh(got[p].to_numpy()))


def test_distinctive_top_min_count_and_errors(two_years):
    top = cp.score_distinctive(select_terms(two_years), by="agency", top=1)
    # Highest z per group: A -> y (4.556824), B -> x (1.932728).
    assert list(zip(top["agency"], top["term"], strict=True)) == [("A", "y"), ("B", "x")]
    # min_count=6 drops x in A (5 occurrences), keeps x in B (10).
    kept = cp.score_distinctive(select_terms(two_years), by="agency", min_count=6)
    assert list(zip(kept["agency"], kept["term"], strict=True)) == [
        ("A", "y"),
        ("B", "x"),
        ("B", "y"),
    ]
    with pytest.raises(ValueError, match="fewer than two values"):
        cp.score_distinctive(select_terms(two_years).loc[two_years["agency"] == "A"], by="agency")


# ---------------------------------------------------------------------------
# score_change, score_agency_change
# ---------------------------------------------------------------------------


def test_change_between_two_years_hand_values(two_years):
    change = cp.score_change(select_terms(two_years))
    assert list(change.columns) == cp.CHANGE_COLUMNS
    x = change.set_index("term").loc["x"]
    assert x[
        ["before", "after", "n_after", "n_before", "n_tokens_after", "n_tokens_before"]
    ].tolist() == [
        2022,
        2023,
        10,
        5,
        30,
        70,
    ]
    # Same table as the hand-worked 2x2: G2 = 10.326358, z = 1.932728, rate 10/30 per 10k.
    assert x["g2"] == pytest.approx(10.326358, abs=1e-6)
    assert x["z"] == pytest.approx(1.932728, abs=1e-6)
    assert x["rate_after"] == pytest.approx(3333.3333)
    assert x["direction"] == "rising"
    assert change.set_index("term").loc["y", "direction"] == "falling"
    assert change["before"].dtype == "Int64"


def test_change_over_consecutive_years_and_explicit_pair(two_years):
    later = make_tokens({"u": ["x", "y"]}, year={"u": 2024}, agency={"u": "B"})
    tokens = pd.concat([two_years, later], ignore_index=True)
    change = cp.score_change(select_terms(tokens))
    pairs = change[["before", "after"]].drop_duplicates().apply(tuple, axis=1).tolist()
    assert pairs == [(2022, 2023), (2023, 2024)]
    # 2023 -> 2024 for x: 10 of 30 before, 1 of 2 after.
    step = change.loc[(change["after"] == 2024) & (change["term"] == "x")].iloc[0]
    assert step[["n_before", "n_tokens_before", "n_after", "n_tokens_after"]].tolist() == [
        10,
        30,
        1,
        2,
    ]
    # An explicit pair skips 2023: x 5 of 70 before, 1 of 2 after.
    skip = cp.score_change(select_terms(tokens), before=2022, after=2024).set_index("term")
    assert skip.loc["x", ["n_before", "n_after"]].tolist() == [5, 1]
    with pytest.raises(ValueError, match="both before and after"):
        cp.score_change(select_terms(tokens), before=2022)
    with pytest.raises(ValueError, match="fewer than two values"):
        cp.score_change(select_terms(two_years).loc[two_years["year"] == 2022])


def test_agency_change_only_for_agencies_with_several_years(two_years):
    # Agency A: report r (2022) and report s (2023). Agency B: report t (2023) only.
    extra = make_tokens({"s": ["x", "x", "y"]}, year={"s": 2023}, agency={"s": "A"})
    tokens = pd.concat([two_years, extra], ignore_index=True)
    table = cp.score_agency_change(select_terms(tokens))
    assert list(table.columns) == ["agency", *cp.CHANGE_COLUMNS]
    assert set(table["agency"]) == {"A"}
    # A's 2023 is report s alone: x 2 of 3 against 2022's 5 of 70.
    x = table.set_index("term").loc["x"]
    assert x[["n_after", "n_tokens_after", "n_before", "n_tokens_before"]].tolist() == [2, 3, 5, 70]
    expected = cp.score_change(select_terms(tokens).loc[tokens["agency"] == "A"])
    pd.testing.assert_frame_equal(table.drop(columns="agency"), expected)
    none = cp.score_agency_change(select_terms(two_years))
    assert none.empty and list(none.columns) == ["agency", *cp.CHANGE_COLUMNS]


# ---------------------------------------------------------------------------
# find_new_terms
# ---------------------------------------------------------------------------


@pytest.fixture
def three_years() -> pd.DataFrame:
    return make_tokens(
        {
            "a": ["法治", "执法"],
            "b": ["法治", "三中全会", "三中全会"],
            "c": ["三中全会", "新质生产力", "法治"],
            "d": ["新质生产力", "普法"],
        },
        year={"a": 2022, "b": 2023, "c": 2024, "d": 2024},
    )


def test_new_terms_hand_example(three_years):
    new = cp.find_new_terms(select_terms(three_years))
    # 2022 is the first year: skipped. 2023 adds 三中全会 (x2 of 3 tokens, in report b).
    # 2024 adds 新质生产力 (x2, in c and d) and 普法 (x1, in d); 三中全会 and 法治 are not new.
    assert list(new.columns) == ["year", "term", "n", "n_tokens", "rate_per_10k", "df", "n_docs"]
    assert list(zip(new["year"], new["term"], new["n"], new["df"], strict=True)) == [
        (2023, "三中全会", 2, 1),
        (2024, "新质生产力", 2, 2),
        (2024, "普法", 1, 1),
    ]
    # 2024 has 5 tokens in 2 reports: 新质生产力 10000 * 2/5 = 4000 per 10k.
    assert new["rate_per_10k"].tolist() == pytest.approx([6666.6667, 4000, 2000])
    assert new["n_docs"].tolist() == [1, 2, 2]


def test_new_terms_from_counts_and_min_count(three_years):
    counts = st.count_terms(select_terms(three_years), by="year")
    pd.testing.assert_frame_equal(cp.find_new_terms(counts), cp.find_new_terms(select_terms(three_years)))
    assert cp.find_new_terms(select_terms(three_years), min_count=2)["term"].tolist() == [
        "三中全会",
        "新质生产力",
    ]
    with pytest.raises(ValueError, match="count_terms"):
        cp.find_new_terms(counts.drop(columns="df"))


# ---------------------------------------------------------------------------
# check_composition
# ---------------------------------------------------------------------------


def reports(rows: list[tuple[str, int, str | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["doc_id", "year", "agency"])
    return frame.astype({"year": "Int64"})


def test_composition_flags_years_with_different_agencies():
    table = cp.check_composition(reports([("d1", 2022, "A"), ("d2", 2023, "A"), ("d3", 2023, "B")]))
    assert list(table.columns) == [
        "year",
        "n_docs",
        "n_units",
        "n_unknown",
        "units",
        "n_shared",
        "n_only",
        "confounded",
    ]
    # 2022 = {A}, 2023 = {A, B}: A is in every year, B only in 2023; the sets differ.
    assert table["year"].tolist() == [2022, 2023]
    assert table["n_docs"].tolist() == [1, 2]
    assert table["units"].tolist() == ["A", "A、B"]
    assert table["n_shared"].tolist() == [1, 1]
    assert table["n_only"].tolist() == [0, 1]
    assert table["confounded"].tolist() == [True, True]


def test_composition_same_agencies_is_not_confounded_but_unknown_is():
    same = cp.check_composition(
        reports([("d1", 2022, "A"), ("d2", 2022, "B"), ("d3", 2023, "B"), ("d4", 2023, "A")])
    )
    assert same["confounded"].tolist() == [False, False]
    assert same["n_shared"].tolist() == [2, 2]
    # A report with no known agency could be anyone: the years cannot be shown equal.
    unknown = cp.check_composition(
        reports([("d1", 2022, "A"), ("d2", 2023, "A"), ("d3", 2023, None)])
    )
    assert unknown["n_unknown"].tolist() == [0, 1]
    assert unknown["confounded"].tolist() == [True, True]
    single = cp.check_composition(reports([("d1", 2022, "A")]))
    assert single["confounded"].tolist() == [False]


def test_composition_accepts_tokens_with_report_columns(two_years):
    table = cp.check_composition(two_years)
    # Token rows collapse to one per report: 2022 = {A} (r), 2023 = {B} (t).
    assert table["n_docs"].tolist() == [1, 1]
    assert table["n_only"].tolist() == [1, 1]
    assert table["confounded"].tolist() == [True, True]
