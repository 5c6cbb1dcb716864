"""The workbook for co-authors: its sheets, its codebook, Excel's limits and stable bytes.

Expected values are read by hand from seeds/manifest.csv and the seed texts: 002 is
江门市城市管理和综合执法局 (city, 广东省, from the manifest) on 2024 (its opening), 004 is
长治市城市管理局 on 2023, signed 2023-12-27, and states 814起 of penalty cases 截至11月.
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from analysis import build_corpus, read_table, write_workbook
from analysis.ingest import export
from analysis.paths import SEEDS

DATA_SHEETS = ["reports", "headlines_wide", "headlines", "files"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The seeds built once for this module (conftest has only the in-memory seeds)."""
    out = tmp_path_factory.mktemp("export") / "out"
    build_corpus(SEEDS, out, workers=1)
    return out


@pytest.fixture(scope="module")
def workbook(built, tmp_path_factory) -> Path:
    return write_workbook(built, tmp_path_factory.mktemp("xlsx") / "seeds.xlsx")


@pytest.fixture(scope="module")
def sheets(workbook) -> dict[str, pd.DataFrame]:
    return pd.read_excel(workbook, sheet_name=None)


def test_the_sheets_and_the_reports(sheets, built):
    assert list(sheets) == ["reports", "headlines_wide", "headlines", "files", "codebook",
                            "about"]
    reports = sheets["reports"]
    assert len(reports) == 5
    assert "text" not in reports.columns
    # Rows in file order, as reports.csv.
    assert reports["file"].str[:3].tolist() == ["000", "001", "002", "003", "004"]
    assert sorted(reports["doc_id"]) == sorted(read_table(built, "reports")["doc_id"])
    by_file = reports.set_index(reports["file"].str[:3])
    assert by_file.loc["002", ["agency", "admin_level", "province", "year"]].tolist() == [
        "江门市城市管理和综合执法局", "city", "广东省", 2024]
    assert pd.isna(by_file.loc["002", "district"])  # NA is an empty cell
    assert by_file.loc["004", ["agency", "year", "signed"]].tolist() == [
        "长治市城市管理局", 2023, "2023-12-27"]
    assert reports["complete"].dtype == bool and reports["complete"].all()
    assert len(sheets["files"]) == 6  # five reports and the manifest
    assert sheets["files"]["status"].tolist() == ["loaded"] * 5 + ["manifest"]


def test_the_indicator_sheets(sheets, built):
    wide = sheets["headlines_wide"].set_index("label")
    assert len(wide) == 5  # every report, stating something or not
    assert wide.loc["长治市城管局", ["penalty_cases", "penalty_cases_unit",
                                 "penalty_cases_evidence"]].tolist() == [
        814, "起", "814起 (截至11月)"]
    assert pd.isna(wide.loc["海沧区城管局", "penalty_cases"])  # not stated: empty, not 0
    assert wide.loc["杭州道街道", "penalty_cases_evidence"].startswith("conflict: 9起; 41起")
    # The same spreadsheet as the build's headlines_wide.csv.
    csv = pd.read_csv(next(built.rglob("headlines_wide.csv")), encoding="utf-8-sig")
    pd.testing.assert_frame_equal(sheets["headlines_wide"], csv, check_dtype=False)

    headlines = sheets["headlines"]
    assert len(headlines) == 26  # the README's count of seed headlines
    changzhi = headlines[headlines["doc_id"] == wide.loc["长治市城管局", "doc_id"]]
    # Each report's headlines in catalogue order: penalty cases, then fines.
    assert changzhi["indicator"].tolist()[:2] == ["penalty_cases", "fines"]
    fines = changzhi.iloc[1]
    assert (fines["value"], fines["unit"], fines["low"], fines["high"], fines["span"]) == (
        150, "万元", 1_500_000, 1_600_000, "150余万元")


def test_the_codebook_describes_every_column_once(sheets):
    codebook = sheets["codebook"]
    assert list(codebook.columns) == ["sheet", "column", "dtype", "description"]
    assert not codebook.duplicated(["sheet", "column"]).any()
    for name in DATA_SHEETS:
        assert codebook.loc[codebook["sheet"] == name, "column"].tolist() == list(
            sheets[name].columns), name
    assert set(codebook["sheet"]) == set(DATA_SHEETS)
    assert codebook["description"].notna().all()
    assert (codebook["description"].str.strip() != "").all()
    row = codebook.set_index(["sheet", "column"])
    assert row.loc[("reports", "year"), "dtype"] == "Int64"
    assert row.loc[("reports", "complete"), "dtype"] == "bool"
    assert row.loc[("headlines_wide", "fines"), "description"].startswith(
        "罚没款: Fines and confiscations imposed")
    assert "unit of fines_unit" in row.loc[("headlines_wide", "fines"), "description"]
    assert "(元)" in row.loc[("headlines_wide", "fines_unit"), "description"]
    about = dict(sheets["about"].itertuples(index=False))
    assert about["source"] == "build generation 000001"
    assert about["truncated cells"] == 0


def test_the_sheets_are_frozen_filtered_and_sized(workbook, sheets):
    book = load_workbook(workbook)
    for name in DATA_SHEETS:
        sheet, n_rows, n_columns = book[name], *sheets[name].shape
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{get_column_letter(n_columns)}{n_rows + 1}"
        widths = [sheet.column_dimensions[get_column_letter(k)].width
                  for k in range(1, n_columns + 1)]
        assert all(6 <= w <= 60 for w in widths), name
    # 厦门市海沧区城市管理局 is 11 Han characters: 22 wide, plus 2.
    agency = list(sheets["reports"].columns).index("agency") + 1
    assert book["reports"].column_dimensions[get_column_letter(agency)].width >= 24


def test_a_corpus_gives_the_same_sheets_as_its_build(seeds, sheets, tmp_path):
    in_memory = pd.read_excel(write_workbook(seeds, tmp_path / "corpus.xlsx"), sheet_name=None)
    for name in [*DATA_SHEETS, "codebook"]:
        pd.testing.assert_frame_equal(in_memory[name], sheets[name], obj=name)
    assert dict(in_memory["about"].itertuples(index=False))["source"] == "corpus in memory"


def test_where_cuts_every_sheet(built, seeds, tmp_path):
    for source in (built, seeds):
        cut = pd.read_excel(write_workbook(source, tmp_path / "2024.xlsx", where={"year": 2024}),
                            sheet_name=None)
        assert cut["reports"]["file"].str[:3].tolist() == ["002", "003"]
        kept = set(cut["reports"]["doc_id"])
        for name in ("headlines_wide", "files"):
            assert set(cut[name]["doc_id"]) == kept, name
        # tests/data/headline_labels.tsv: 003 states 7 catalogue indicators, 002 none.
        assert set(cut["headlines"]["doc_id"]) == kept - set(
            cut["reports"].loc[cut["reports"]["file"].str.startswith("002"), "doc_id"])
        assert len(cut["headlines"]) == 7
        assert dict(cut["about"].itertuples(index=False))["selection"] == "{'year': 2024}"


def test_excel_limits_are_met_and_said(seeds, tmp_path):
    reports = seeds.reports.copy()
    reports.loc[0, "title"] = "海沧\x07区\x00城管局\x1b报告"  # control characters
    reports.loc[1, "page_title"] = "长" * 40_000
    reports.loc[2, "page_source"] = "=HYPERLINK(\"http://x\")"
    reports["year"] = reports["year"].astype("Int64")
    reports.loc[3, "year"] = pd.NA
    path = write_workbook(dataclasses.replace(seeds, reports=reports), tmp_path / "odd.xlsx")

    sheets = pd.read_excel(path, sheet_name=None)
    out = sheets["reports"]
    assert out.loc[0, "title"] == "海沧区城管局报告"
    long = out.loc[1, "page_title"]
    assert len(long) == 32_767
    assert long == "长" * (32_767 - len(export.TRUNCATION_MARKER)) + export.TRUNCATION_MARKER
    codebook = sheets["codebook"].set_index(["sheet", "column"])["description"]
    assert codebook[("reports", "page_title")].endswith(
        "1 cell(s) longer than 32,767 characters were cut and end in …[truncated].")
    assert "were cut" not in codebook[("reports", "title")]
    assert dict(sheets["about"].itertuples(index=False))["truncated cells"] == 1

    sheet = load_workbook(path)["reports"]
    column = {name: k for k, name in enumerate(out.columns, start=1)}
    formula = sheet.cell(4, column["page_source"])
    assert (formula.value, formula.data_type) == ("=HYPERLINK(\"http://x\")", "s")  # text
    assert sheet.cell(5, column["year"]).value is None  # Int64 NA: an empty cell
    assert sheet.cell(2, column["year"]).value == 2023
    complete = sheet.cell(2, column["complete"])
    assert (complete.value, complete.data_type) == (True, "b")  # TRUE, not "True"


def test_the_same_tables_give_the_same_bytes(built, workbook, tmp_path):
    again = write_workbook(built, tmp_path / "again.xlsx")
    assert again.read_bytes() == workbook.read_bytes()
    # Fixed times, not only the same second: the ZIP entries and the document properties.
    with zipfile.ZipFile(again) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2  # created and modified


def test_a_sheet_too_long_for_excel_is_named(built, tmp_path, monkeypatch):
    # 26 headlines and a header do not fit in a 6-row sheet; reports (5 + 1) do.
    monkeypatch.setattr(export, "ROW_LIMIT", 6)
    with pytest.raises(ValueError, match=r"sheet 'headlines' has 26 rows; an Excel sheet "
                                         r"holds at most 5 below its header"):
        write_workbook(built, tmp_path / "big.xlsx")
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a partial file


def test_a_workbook_name_must_end_in_xlsx(built, tmp_path):
    with pytest.raises(ValueError, match=r"must end in \.xlsx"):
        write_workbook(built, tmp_path / "seeds.xls")
    with pytest.raises(TypeError, match="a Corpus or a build folder, got int"):
        write_workbook(3, tmp_path / "seeds.xlsx")
