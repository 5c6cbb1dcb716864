"""The indicator catalogue and the headlines table: one checked value, never a sum of unlike things."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import load_corpus
from analysis.indicators import extract_indicators, read_catalogue, select_headlines
from analysis.indicators.catalogue import indicator_of


def _tables(text: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    reports = pd.DataFrame({"doc_id": ["d"], "text": [text]})
    indicators = extract_indicators(reports)
    return indicators, select_headlines(indicators, reports)


def test_the_catalogue_names_every_indicator_the_issue_lists():
    catalogue = read_catalogue()
    assert {"penalty_cases", "fines", "licences", "inspections", "random_inspections",
            "reconsideration_received", "reconsideration_cases", "reconsideration_corrected",
            "litigation_cases", "litigation_lost", "litigation_loss_rate",
            "court_appearance_rate", "legality_reviews", "normative_documents", "certificates",
            "staff_trained", "publicity_activities", "complaints", "disclosure_requests",
            "legal_advisers"} <= set(catalogue["id"])
    assert catalogue["definition"].str.len().gt(0).all()
    assert catalogue["counts"].str.len().gt(0).all()


@pytest.mark.parametrize("sentence, expected", [
    # Guards against the category claiming more than the row shows (#11).
    ("全年办理行政处罚案件814起。", {"814起": "penalty_cases"}),
    ("下放行政处罚权48项。", {"48项": None}),  # powers, not cases
    ("依法主动公开行政处罚信息104件。", {"104件": None}),  # published decisions
    ("查处游商散贩不规范经营34306起。", {"34306起": None}),  # street vending incidents
    ("发送案件信息共享相关函49份。", {"49份": None}),  # letters
    ("罚款150余万元。", {"150余万元": "fines"}),
    # A breakdown states the indicator of its total, or its own when that is a part of it.
    ("行政诉讼案件共9起。其中,行政处罚案件6起。", {"9起": "litigation_cases", "6起": "litigation_cases"}),
    ("行政诉讼案件共9起,其中败诉1起。", {"9起": "litigation_cases", "1起": "litigation_lost"}),
    ("共承接举报投诉42166件,其中:12345平台14052件,网格平台24883件。",
     {"42166件": "complaints", "14052件": "complaints", "24883件": "complaints"}),
    ("权责事项共657项(行政处罚591项,行政强制23项)。", {"657项": None, "591项": None}),
    ("查处各类案件100起,其中行政处罚案件60起。", {"100起": None, "60起": "penalty_cases"}),
    ("行政诉讼案件共9件,其中行政处罚案件6起。", {"9件": "litigation_cases", "6起": "litigation_cases"}),
    # A number that opens its clause takes its topic from the sentence.
    ("组织执法人员参加法制教育网的培训工作,42名行政执法人员全部完成学习。", {"42名": "staff_trained"}),
    ("负责人出庭应诉率达100%。", {"100%": "court_appearance_rate"}),
    # Normative documents filed or cleaned up; all kinds of documents, the stock in force and
    # issuing are not that.
    ("全面梳理我局成立以来制定印发的各类文件723份,现行有效的行政规范性文件1件。",
     {"723份": None, "1件": None}),
    ("清理行政规范性文件12件。", {"12件": "normative_documents"}),
    # Supervision of one's own staff is not an inspection of others.
    ("2023年,累计执行各类督查检查共102次。", {"102次": None}),
    ("开展执法检查102次。", {"102次": "inspections"}),
    ("报送备案行政规范性文件5件。", {"5件": "normative_documents"}),
    ("印发行政规范性文件5件。", {"5件": None}),
    ("印发各类文件300份。", {"300份": None}),
    # A 进社区/进学校 campaign is legal publicity even where the sentence never says 普法.
    ("组织开展了“城管十进”活动(进广场、进社区、进学校),活动共开展171次。", {"171次": "publicity_activities"}),
    ("组织开展了篮球比赛活动,活动共开展17次。", {"17次": None}),
])
def test_each_quantity_gets_the_indicator_it_states(sentence, expected):
    indicators, _ = _tables("2023年,我局坚持依法行政。" + sentence)
    got = {row.span: (None if pd.isna(row.indicator) else row.indicator)
           for row in indicators.itertuples() if row.span in expected}
    assert got == expected


def test_the_headline_is_the_first_total_with_its_period_and_alternatives():
    _, headlines = _tables("截至11月底,全年共办理行政处罚案件814起,罚款150余万元。"
                           "专项整治中查处处罚案件20起。")
    row = headlines.set_index("indicator").loc["penalty_cases"]
    assert (row["value"], row["unit"], row["period"]) == (814.0, "起", "截至11月")
    assert (row["n_statements"], row["alternatives"], row["conflict"]) == (2, "20起", False)
    fines = headlines.set_index("indicator").loc["fines"]
    assert (fines["low"], fines["high"], fines["approx"]) == (1_500_000.0, 1_600_000.0, True)


def test_conflicting_statements_are_said_not_guessed():
    # The first statement is smaller than a later one, so it cannot be the year's total.
    _, headlines = _tables("开展专项整治,办理行政处罚案件20起。全年共办理行政处罚案件814起。")
    row = headlines.set_index("indicator").loc["penalty_cases"]
    assert bool(row["conflict"]) and pd.isna(row["value"])
    assert row["span"] == "20起" and row["alternatives"] == "814起"


def test_seed_headlines_state_what_the_reports_state(seeds):
    indicators = extract_indicators(seeds.reports, sentences=seeds.sentences,
                                    sections=seeds.sections)
    headlines = select_headlines(indicators, seeds.reports)
    files = dict(zip(seeds.reports["doc_id"], seeds.reports["file"], strict=True))
    by = headlines.assign(file=headlines["doc_id"].map(files)).set_index(["file", "indicator"])
    changzhi = "004_f91691d480d248cc.txt"
    assert by.loc[(changzhi, "penalty_cases"), "value"] == 814
    assert by.loc[(changzhi, "penalty_cases"), "period"] == "截至11月"
    assert by.loc[(changzhi, "fines"), "span"] == "150余万元"
    assert (by.loc[(changzhi, "fines"), "low"], by.loc[(changzhi, "fines"), "high"]) == (
        1_500_000.0, 1_600_000.0)
    # 海沧 states no count of penalty cases: no row, so NA in any wide view.
    assert ("000_a366b11c6bb12e59.txt", "penalty_cases") not in by.index
    # Nothing adds up to 35,120 (814 cases + 34,306 street-vending incidents).
    assert not (headlines["value"] == 35120).any()
    assert not (indicators.loc[indicators["indicator"] == "penalty_cases", "value"] == 34306).any()


def test_extract_quantities_of_one_text_carries_the_indicator():
    from analysis.indicators import extract_quantities

    table = extract_quantities("全年办理行政处罚案件814起,下放行政处罚权48项。")
    assert dict(zip(table["span"], table["indicator"].fillna("NA"), strict=True)) == {
        "814起": "penalty_cases", "48项": "NA"}
    assert indicator_of("行政处罚案件", "办理行政处罚案件", "起") == "penalty_cases"


def test_a_build_writes_headlines(tmp_path):
    from analysis import build_corpus, read_table
    from analysis.paths import SEEDS

    build_corpus(SEEDS, tmp_path / "out", workers=1)
    headlines = read_table(tmp_path / "out", "headlines")
    assert (headlines["indicator"] == "penalty_cases").sum() >= 1
    in_memory = select_headlines(*(lambda c: (extract_indicators(
        c.reports, sentences=c.sentences, sections=c.sections), c.reports))(
        load_corpus(SEEDS)))
    pd.testing.assert_frame_equal(
        headlines.sort_values(["doc_id", "indicator"]).reset_index(drop=True),
        in_memory.sort_values(["doc_id", "indicator"]).reset_index(drop=True))


def test_the_wide_export_has_a_row_per_report_and_never_a_sum(tmp_path):
    import csv

    from analysis import build_corpus
    from analysis.paths import SEEDS

    build_corpus(SEEDS, tmp_path / "out", workers=1)
    with (tmp_path / "out" / "headlines_wide.csv").open(encoding="utf-8-sig") as fh:
        rows = {row["label"]: row for row in csv.DictReader(fh)}
    assert len(rows) == 5  # every report, stating something or not
    changzhi = rows["长治市城管局"]
    assert (changzhi["penalty_cases"], changzhi["penalty_cases_unit"]) == ("814.0", "起")
    assert changzhi["penalty_cases_evidence"] == "814起 (截至11月)"
    assert changzhi["fines_evidence"] == "150余万元 (截至11月)"
    assert rows["海沧区城管局"]["penalty_cases"] == ""  # not stated: empty, not 0 or 104
    assert rows["杭州道街道"]["penalty_cases"] == ""  # its statements conflict
    assert rows["杭州道街道"]["penalty_cases_evidence"].startswith("conflict: 9起; 41起")
    parquet = pd.read_parquet(tmp_path / "out" / "headlines_wide.parquet")
    assert list(parquet.columns) == list(changzhi)
