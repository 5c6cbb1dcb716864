"""find_reuse (passages two reports share) and score_reuse (how much of each is reused)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import find_reuse, schema, score_reuse

# ---------------------------------------------------------------------------
# A hand-made corpus: every report opens or closes with the same set sentence, two reports
# share two passages, one passage is in three reports, two share a passage with the set
# sentence inside it, and two share only a short phrase before the set sentence.
# ---------------------------------------------------------------------------

BOILER = "坚持以习近平新时代中国特色社会主义思想为指导,深入学习贯彻习近平法治思想,全面推进法治政府建设,各项工作取得新进展。"
P1 = "全年共办理行政复议案件四十二件,其中维持二十六件,撤销五件,确认违法三件,驳回四件,终止四件,纠错率为百分之十九。"
P2 = "建立重大行政决策目录管理制度,将城市更新、老旧小区改造、公交线路调整等十一项事项纳入目录,全部履行公众参与和合法性审查程序。"
Q1 = "聘请七家律师事务所担任常年法律顾问,审查合同一百零六份,"
Q2 = "出具法律意见书三十四份,为政府挽回经济损失约二千三百万元。"
R = "开展“八五”普法中期评估,发放宣传资料一万二千份,"

# The characters on either side of a shared passage differ between its reports, so the
# passage is exactly the literal, neither longer nor shorter.
TEXTS = {
    "a": BOILER + "本局年内修订权责清单,公布行政许可事项八十三项。" + P1
    + "在规范执法方面,组织案卷评查两次,评查案卷一百二十卷," + P2 + "同时推动公平竞争审查,清理涉企文件十七件。",
    "b": "二〇二三年,区司法局围绕中心大局开展工作:" + BOILER + P2
    + "另外,全区新增人民调解组织九个,调处矛盾纠纷一千四百余起:" + P1
    + "此外还完成了行政执法人员培训,参训人数达到六百人。",
    "c": "城管执法大队坚持教育与处罚相结合。" + Q1 + BOILER + Q2 + "全年未发生行政诉讼败诉案件。",
    "d": "本镇聚焦基层治理现代化目标:" + Q1 + BOILER + Q2 + "今后将继续深化镇村两级法律服务。",
    "e": "街道办事处建立法律明白人队伍。" + R + BOILER + "我们还设立了社区法律服务站三个。",
    "f": "市场监管部门突出食品安全重点," + R + BOILER + "区里组织专项检查四轮次。",
    "g": "县政府常务会议专题学法四次," + P1 + "下一步将巩固提升示范创建成果。" + BOILER,
}


def _reports(rows: list[dict]) -> pd.DataFrame:
    """A reports table from partial rows (the counts every report has filled in)."""
    full = []
    for row in rows:
        text = row.get("text")
        full.append({"n_chars": len(text) if isinstance(text, str) else 0, "n_paragraphs": 1,
                     "n_sections": 1, "truncated": False, "complete": True, **row})
    return schema.frame(full, "reports")


@pytest.fixture
def corpus() -> pd.DataFrame:
    years = {"a": 2022, "b": 2023, "c": 2023, "d": 2023, "e": 2023, "f": 2023, "g": 2021}
    return _reports([{"doc_id": doc, "text": text, "agency": f"机关{doc}", "year": years[doc]}
                     for doc, text in TEXTS.items()])


def _expected(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """The reuse rows of passages (doc_a, doc_b, passage), offsets found with str.index."""
    out = []
    for doc_a, doc_b, passage in rows:
        start_a, start_b = TEXTS[doc_a].index(passage), TEXTS[doc_b].index(passage)
        out.append((doc_a, doc_b, start_a, start_a + len(passage), start_b,
                    start_b + len(passage), len(passage), passage))
    return pd.DataFrame(out, columns=["doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b",
                                      "n_chars", "text"])


def _offsets_point_into_text(reuse: pd.DataFrame, reports: pd.DataFrame) -> None:
    text = reports.set_index("doc_id")["text"]
    for row in reuse.itertuples():
        assert text[row.doc_a][row.start_a:row.end_a] == row.text
        assert text[row.doc_b][row.start_b:row.end_b] == row.text


# ---------------------------------------------------------------------------
# find_reuse
# ---------------------------------------------------------------------------


def test_passages_at_known_offsets_and_boilerplate_left_out(corpus):
    # BOILER is in all 7 reports, more than boilerplate_min_docs=3: boilerplate. P1 is in 3,
    # the others in 2: reuse.
    reuse = find_reuse(corpus, boilerplate_min_docs=3)
    schema_of = {c: str(t) for c, t in reuse.dtypes.items()}
    assert schema_of == schema.TABLES["reuse"]
    expected = _expected(
        ("a", "b", P1),                 # a: P1 at 82, before P2; b: after P2
        ("a", "b", P2),
        ("a", "g", P1),                 # a passage in three reports is a row per pair
        ("b", "g", P1),
        ("c", "d", Q1 + BOILER + Q2),   # boilerplate inside a passage stays in it
    )
    got = reuse[expected.columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert expected.loc[0, ["start_a", "end_a", "start_b", "end_b"]].tolist() == [
        len(BOILER) + 24, len(BOILER) + 24 + 57, len(TEXTS["b"]) - 25 - 57, len(TEXTS["b"]) - 25]
    # P2 follows BOILER directly in b: the boilerplate is cut off the passage's start. R and
    # BOILER together (e and f) are 83 characters, but only R's 25 are not boilerplate.
    assert not reuse["doc_a"].isin(["e", "f"]).any()
    assert reuse["year_a"].tolist() == [2022, 2022, 2022, 2023, 2023]
    assert reuse["year_b"].tolist() == [2023, 2023, 2021, 2021, 2023]
    assert reuse["same_agency"].tolist() == [False] * 5
    _offsets_point_into_text(reuse, corpus)
    stats = reuse.attrs["find_reuse"]
    assert stats["n_reports"] == 7 and stats["n_pairs"] == 21 and stats["boilerplate_limit"] == 3
    assert 4 <= stats["n_candidate_pairs"] <= 21


def test_boilerplate_by_share():
    # The same limit as a share: BOILER in 7 of 7 reports is more than half; P1 in 3 is not.
    reports = _reports([{"doc_id": d, "text": t, "agency": "x", "year": 2023}
                        for d, t in TEXTS.items()])
    reuse = find_reuse(reports, boilerplate_df=0.5, boilerplate_min_docs=0)
    assert reuse.attrs["find_reuse"]["boilerplate_limit"] == 3
    assert reuse["text"].tolist() == [P1, P2, P1, P1, Q1 + BOILER + Q2]
    assert reuse["same_agency"].tolist() == [True] * 5


def test_a_tiny_corpus_has_no_boilerplate(corpus):
    # Seven reports are no more than the default floor of 10: nothing is boilerplate, so the
    # set sentence shared by every report is reuse too (with a shared character around it
    # in some pairs).
    reuse = find_reuse(corpus)
    assert reuse.attrs["find_reuse"]["boilerplate_limit"] == 10
    with_boiler = reuse[reuse["text"].str.contains(BOILER, regex=False)]
    assert len(with_boiler.drop_duplicates(["doc_a", "doc_b"])) == 21
    assert (reuse["text"] == P2).sum() == 1
    _offsets_point_into_text(reuse, corpus)


def test_empty_missing_and_short_texts(corpus):
    out = find_reuse(schema.empty("reports"))
    assert out.empty and list(out.columns) == schema.columns("reuse")
    assert {c: str(t) for c, t in out.dtypes.items()} == schema.TABLES["reuse"]
    scores = score_reuse(out, schema.empty("reports"))
    assert scores.empty and list(scores.columns) == schema.columns("reuse_scores")
    # A missing text and texts shorter than the shingle or than min_chars change nothing.
    extra = _reports([{"doc_id": "h", "text": None, "agency": None, "year": None},
                      {"doc_id": "i", "text": "短", "agency": "x", "year": 2023},
                      {"doc_id": "j", "text": "这份报告只有一句话,不足五十字。", "agency": "x",
                       "year": 2023}])
    both = pd.concat([corpus, extra], ignore_index=True)
    pd.testing.assert_frame_equal(find_reuse(both, boilerplate_min_docs=3),
                                  find_reuse(corpus, boilerplate_min_docs=3))
    assert find_reuse(extra).empty


def test_deterministic_and_independent_of_row_order(corpus):
    first = find_reuse(corpus, boilerplate_min_docs=3)
    again = find_reuse(corpus, boilerplate_min_docs=3)
    shuffled = find_reuse(corpus.sample(frac=1, random_state=3), boilerplate_min_docs=3)
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, shuffled)
    assert first.attrs == again.attrs


def test_same_agency_is_na_when_an_agency_is_unknown():
    reports = _reports([{"doc_id": "a", "text": TEXTS["a"], "agency": None, "year": None},
                        {"doc_id": "b", "text": TEXTS["b"], "agency": "x", "year": 2023}])
    reuse = find_reuse(reports)
    assert reuse["same_agency"].isna().all() and reuse["year_a"].isna().all()


def test_options_are_checked(corpus):
    with pytest.raises(ValueError, match="shingle <= min_chars"):
        find_reuse(corpus, shingle=60)
    with pytest.raises(ValueError, match="threshold"):
        find_reuse(corpus, threshold=1.5)
    with pytest.raises(ValueError, match="doc_id twice or none"):
        find_reuse(pd.concat([corpus, corpus]))
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['year'\]"):
        find_reuse(corpus.drop(columns="year"))


def test_the_input_is_not_changed(corpus):
    before = corpus.copy()
    reuse = find_reuse(corpus, boilerplate_min_docs=3)
    kept = reuse.copy()
    score_reuse(reuse, corpus)
    pd.testing.assert_frame_equal(corpus, before)
    pd.testing.assert_frame_equal(reuse, kept)


# ---------------------------------------------------------------------------
# score_reuse: shares computed by hand
# ---------------------------------------------------------------------------

PLACE = {"province": "福建省", "city": "厦门市", "district": "海沧区"}


@pytest.fixture
def scored() -> pd.DataFrame:
    rows = [
        # r1, a district bureau, 100 characters; its passages: [10, 40) with its district
        # government g, [30, 60) and [55, 70) with e (its own report of the year before).
        {"doc_id": "r1", "unit_kind": "department", "admin_level": "district", "year": 2023,
         **PLACE},
        {"doc_id": "g", "unit_kind": "government", "admin_level": "district", "year": 2023,
         **PLACE},
        {"doc_id": "e", "unit_kind": "department", "admin_level": "district", "year": 2022,
         **PLACE},
        # r2, a street office, shares [0, 20) with u, a city government whose city is unknown.
        {"doc_id": "r2", "unit_kind": "street_office", "admin_level": "street", "year": 2023,
         **PLACE},
        {"doc_id": "u", "unit_kind": "government", "admin_level": "city", "year": 2023,
         "province": "福建省"},
        # r3 has no year and shares [0, 10) with g; q shares nothing; m has no text.
        {"doc_id": "r3", "unit_kind": "department", "admin_level": "district", **PLACE},
        {"doc_id": "q", "unit_kind": "department", "admin_level": "district", "year": 2023},
        {"doc_id": "m", "unit_kind": "department", "admin_level": "district", "year": 2023},
    ]
    for row in rows:
        row.update(agency=row["doc_id"], text=None if row["doc_id"] == "m" else "字" * 100)
    reports = _reports(rows)
    reuse = pd.DataFrame(
        [("e", "r1", 0, 30, 30, 60), ("e", "r1", 40, 55, 55, 70), ("g", "r1", 50, 80, 10, 40),
         ("r2", "u", 0, 20, 5, 25), ("g", "r3", 0, 10, 0, 10)],
        columns=["doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b"])
    return score_reuse(reuse, reports).set_index("doc_id")


def test_scores_by_hand(scored):
    assert {c: str(t) for c, t in scored.reset_index().dtypes.items()} == \
        schema.TABLES["reuse_scores"]
    assert list(scored.index) == ["e", "g", "m", "q", "r1", "r2", "r3", "u"]
    # r1: [10, 40) | [30, 60) | [55, 70) = [10, 70), 60 characters, each counted once;
    # earlier (e, 2022): [30, 60) | [55, 70) = 40; superior (g): [10, 40) = 30.
    assert scored.loc["r1"].tolist() == [100, 60, 2, 0.6, 0.4, 0.3]
    # g: [50, 80) with r1 and [0, 10) with r3 (no year: earlier unknown); a department is no
    # superior of a government.
    assert scored.loc["g", ["reused_chars", "n_partners", "share_reused", "share_superior"]
                      ].tolist() == [40, 2, 0.4, 0.0]
    assert np.isnan(scored.loc["g", "share_earlier"])
    # e: the later report of its agency is not earlier; r1 is a department, not a superior.
    assert scored.loc["e"].tolist() == [100, 45, 1, 0.45, 0.0, 0.0]
    # r2: u governs a city whose name is unknown: whether it contains r2's district is
    # unknown, so the share is NA, not a guess.
    assert scored.loc["r2", "share_reused"] == 0.2 and scored.loc["r2", "share_earlier"] == 0
    assert np.isnan(scored.loc["r2", "share_superior"])
    # u: a street office is never a superior.
    assert scored.loc["u", ["share_reused", "share_superior"]].tolist() == [0.2, 0.0]
    # r3: no year, so nothing is earlier or later; g is its district's government.
    assert np.isnan(scored.loc["r3", "share_earlier"])
    assert scored.loc["r3", ["share_reused", "share_superior"]].tolist() == [0.1, 0.1]
    # q shares nothing; m has no text.
    assert scored.loc["q"].tolist() == [100, 0, 0, 0.0, 0.0, 0.0]
    assert scored.loc["m", ["n_chars", "reused_chars"]].tolist() == [0, 0]
    assert scored.loc["m", ["share_reused", "share_earlier", "share_superior"]].isna().all()


DISTRICT = {"admin_level": "district", **PLACE}


@pytest.mark.parametrize(("source", "report", "superior"), [
    # A government above the report's level whose place contains the report's place.
    ({"unit_kind": "government", "admin_level": "national"},
     {"unit_kind": "department", **DISTRICT}, True),
    ({"unit_kind": "government", "admin_level": "province", "province": "福建省"},
     {"unit_kind": "government", **DISTRICT}, True),
    ({"unit_kind": "joint", "admin_level": "city", "province": "福建省", "city": "厦门市"},
     {"unit_kind": "street_office", **{**DISTRICT, "admin_level": "street"}}, True),
    ({"unit_kind": "government", "admin_level": "province", "province": "广东省"},
     {"unit_kind": "department", **DISTRICT}, False),
    # The government of the same place, for a department only.
    ({"unit_kind": "government", **DISTRICT}, {"unit_kind": "department", **DISTRICT}, True),
    ({"unit_kind": "government", **DISTRICT}, {"unit_kind": "joint", **DISTRICT}, False),
    ({"unit_kind": "government", **{**DISTRICT, "district": "思明区"}},
     {"unit_kind": "department", **DISTRICT}, False),
    # Departments and lower levels are never superiors.
    ({"unit_kind": "department", "admin_level": "province", "province": "福建省"},
     {"unit_kind": "department", **DISTRICT}, False),
    ({"unit_kind": "government", **DISTRICT},
     {"unit_kind": "government", "admin_level": "city", "province": "福建省",
      "city": "厦门市"}, False),
    # Unknown: a kind, a level or a place the decision needs.
    ({"admin_level": "province", "province": "福建省"},
     {"unit_kind": "department", **DISTRICT}, None),
    ({"unit_kind": "government", "province": "福建省"},
     {"unit_kind": "department", **DISTRICT}, None),
    ({"unit_kind": "government", **{**DISTRICT, "city": None}},
     {"unit_kind": "department", **{**DISTRICT, "city": None}}, None),
    # ... unless the known values already rule it out.
    ({"unit_kind": "government", "admin_level": "city", "province": "广东省"},
     {"unit_kind": "department", **DISTRICT}, False),
])
def test_superior(source, report, superior):
    reports = _reports([{"doc_id": "s", "text": "字" * 10, "year": 2023, **source},
                        {"doc_id": "t", "text": "字" * 10, "year": 2023, **report}])
    reuse = pd.DataFrame([("s", "t", 0, 5, 0, 5)],
                         columns=["doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b"])
    share = score_reuse(reuse, reports).set_index("doc_id").loc["t", "share_superior"]
    assert (np.isnan(share) if superior is None else share == (0.5 if superior else 0.0))
