"""Loading any layout of folders and files, every manifest in the tree, and the review loop.

The reports are copies of the seeds laid out in hand-made folder trees; the manifests are
written here, so each expected value can be read off the test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from analysis import load_corpus
from analysis.ingest.build import build_corpus, read_table
from analysis.ingest.manifest import ManifestError
from analysis.ingest.review import write_manifest
from analysis.paths import SEEDS

S0 = "000_a366b11c6bb12e59.txt"  # 厦门市海沧区城市管理局, 2023, published 2024-03-11
S1 = "001_7e756e6a511fe527.txt"  # 天津市滨海新区杭州道街道办事处
S2 = "002_e94d2d9e19816d1e.txt"  # 江门: the text says only 我局
S3 = "003_6cedf000a8b0ee3b.txt"
S4 = "004_f91691d480d248cc.txt"


def _put(folder, *names):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SEEDS / name, folder / name)


def _files(corpus):
    return corpus.files.set_index("file")


def _reports(corpus):
    return corpus.reports.set_index("file")


# --- sources ------------------------------------------------------------------------------

def test_a_list_of_folders_and_a_file(tmp_path):
    # Guards: load_corpus(["seeds", "other"]) returned 0 reports without a word.
    _put(tmp_path / "a", S0, S1)
    _put(tmp_path / "b", S3)
    _put(tmp_path / "c", S4)
    corpus = load_corpus([tmp_path / "a", tmp_path / "b", tmp_path / "c" / S4])
    assert list(corpus.files["file"]) == [f"a/{S0}", f"a/{S1}", f"b/{S3}", f"c/{S4}"]
    assert (corpus.files["status"] == "loaded").all()
    assert len(corpus.reports) == 4
    assert _reports(corpus).loc[f"c/{S4}", "agency"] == "长治市城市管理局"


def test_a_file_named_twice_is_one_entry_and_a_missing_source_is_a_row(tmp_path):
    _put(tmp_path / "a", S0, S1)
    corpus = load_corpus([tmp_path / "a", tmp_path / "a" / S0, tmp_path / "gone.txt"])
    files = _files(corpus)
    assert list(files.index) == [f"a/{S0}", f"a/{S1}", "gone.txt"]
    assert files.loc["gone.txt", "status"] == "skipped"
    assert files.loc["gone.txt", "reason"] == "cannot read: No such file or directory"
    assert len(corpus.reports) == 2


def test_one_folder_and_one_file_keep_their_names(tmp_path):
    _put(tmp_path, S0, S1)
    assert list(load_corpus(tmp_path).files["file"]) == [S0, S1]
    assert list(load_corpus(tmp_path / S1).files["file"]) == [S1]


# --- manifests in the tree ----------------------------------------------------------------

def test_a_manifest_in_a_subfolder_applies_to_its_folder(tmp_path):
    # Guards: sub/manifest.csv was "skipped: unsupported format .csv" and 002 lost its agency.
    _put(tmp_path, S0)
    _put(tmp_path / "sub", S2)
    (tmp_path / "sub" / "manifest.csv").write_text(
        f"file,agency,year\n{S2},江门市城市管理和综合执法局,2024\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    files, reports = _files(corpus), _reports(corpus)
    assert files.loc["sub/manifest.csv", "status"] == "manifest"
    assert files.loc["sub/manifest.csv", "reason"] == "ok"
    assert reports.loc[f"sub/{S2}", "agency"] == "江门市城市管理和综合执法局"
    assert reports.loc[f"sub/{S2}", "agency_source"] == "manifest"
    assert files.loc[f"sub/{S2}", "manifest_row"] == "sub/manifest.csv:2"
    # The agency was not stated (filled); the text opens with 2024年 itself (confirmed).
    assert files.loc[f"sub/{S2}", "overridden"] == "agency"
    # The manifest covers only its folder: the seed above it has no row and needs none.
    assert pd.isna(files.loc[S0, "manifest_row"])
    assert "no manifest row" not in files.loc[S0, "reason"]


def test_files_passed_one_by_one_take_the_manifest_beside_them(tmp_path):
    _put(tmp_path / "sub", S0, S2)
    (tmp_path / "sub" / "manifest.csv").write_text(
        f"file,agency\n{S2},江门市城市管理和综合执法局\n{S0},厦门市海沧区城市管理局\n",
        encoding="utf-8")
    corpus = load_corpus([tmp_path / "sub" / S2])
    files = _files(corpus)
    assert _reports(corpus).loc[S2, "agency"] == "江门市城市管理和综合执法局"
    assert files.loc["manifest.csv", "status"] == "manifest"
    assert "found beside the files passed" in files.loc["manifest.csv", "reason"]
    # The row for the file not passed is not reported missing.
    assert set(files["status"]) == {"loaded", "manifest"}


def test_rows_match_by_relative_path_then_by_name(tmp_path):
    _put(tmp_path / "2023", S0)
    _put(tmp_path / "2024" / "deep", S4)
    (tmp_path / "manifest.csv").write_text(
        f"file,agency_short\n2023/{S0},海沧城管\n{S4},长治城管\nnot_here.txt,x\n",
        encoding="utf-8")
    corpus = load_corpus(tmp_path)
    reports, files = _reports(corpus), _files(corpus)
    assert reports.loc[f"2023/{S0}", "agency_short"] == "海沧城管"
    assert reports.loc[f"2024/deep/{S4}", "agency_short"] == "长治城管"
    assert files.loc[f"2024/deep/{S4}", "manifest_row"] == "manifest.csv:3"
    assert files.loc["not_here.txt", "status"] == "missing"
    assert files.loc["not_here.txt", "reason"] == ("manifest.csv row 4 names a file that is "
                                                   "not in the corpus")
    assert list(corpus.files["file"])[-1] == "not_here.txt"  # missing rows go last


def test_a_name_that_fits_two_files_is_an_error_naming_the_row(tmp_path):
    _put(tmp_path / "2023", S0)
    shutil.copy(SEEDS / S1, tmp_path / "2023" / "report.txt")
    _put(tmp_path / "2024", S4)
    shutil.copy(SEEDS / S3, tmp_path / "2024" / "report.txt")
    (tmp_path / "manifest.csv").write_text(f"file,year\n{S0},2023\nreport.txt,2024\n",
                                           encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest.csv: row 3: report.txt fits 2 files "
                       r"\(2023/report.txt, 2024/report.txt\)"):
        load_corpus(tmp_path)


def test_two_rows_naming_one_file_is_an_error_naming_both(tmp_path):
    _put(tmp_path / "sub", S0)
    (tmp_path / "manifest.csv").write_text(f"file,year\nsub/{S0},2023\n{S0},2022\n",
                                           encoding="utf-8")
    with pytest.raises(ManifestError, match=rf"rows 2 and 3 both name sub/{S0}"):
        load_corpus(tmp_path)


def test_the_nearest_manifest_wins_and_the_outer_one_says_so(tmp_path):
    _put(tmp_path / "sub", S2)
    (tmp_path / "manifest.csv").write_text(f"file,agency\nsub/{S2},某市某局\n", encoding="utf-8")
    (tmp_path / "sub" / "manifest.csv").write_text(
        f"file,agency\n{S2},江门市城市管理和综合执法局\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    files = _files(corpus)
    assert _reports(corpus).loc[f"sub/{S2}", "agency"] == "江门市城市管理和综合执法局"
    assert files.loc[f"sub/{S2}", "manifest_row"] == "sub/manifest.csv:2"
    assert files.loc["manifest.csv", "reason"] == ("rows 2 give way to a manifest in a "
                                                   "folder nearer the file")


def test_a_given_manifest_replaces_the_top_one_only(tmp_path):
    _put(tmp_path, S0)
    _put(tmp_path / "sub", S2)
    (tmp_path / "manifest.csv").write_text(f"file,year\n{S0},2020\n", encoding="utf-8")
    (tmp_path / "sub" / "manifest.csv").write_text(
        f"file,agency\n{S2},江门市城市管理和综合执法局\n", encoding="utf-8")
    other = tmp_path.parent / f"{tmp_path.name}-curated.csv"
    other.write_text(f"file,year\n{S0},2021\n", encoding="utf-8")
    corpus = load_corpus(tmp_path, manifest=other)
    reports, files = _reports(corpus), _files(corpus)
    assert reports.loc[S0, "year"] == 2021
    assert reports.loc[f"sub/{S2}", "agency"] == "江门市城市管理和综合执法局"
    assert files.loc["manifest.csv", "reason"] == f"manifest not used ({other} was given instead)"
    unused = _files(load_corpus(tmp_path, manifest=False))
    assert unused.loc["sub/manifest.csv", "reason"] == "manifest not used (manifest=False)"


# --- the review loop ----------------------------------------------------------------------

def test_write_manifest_round_trip(tmp_path):
    _put(tmp_path, S0, S2)
    written = write_manifest(tmp_path, workers=1)
    path = tmp_path / "manifest.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    row = written.set_index("file").loc[S0]
    # Read off the seed: its title names the agency and the year, its page the date.
    assert (row["agency"], row["agency_source"]) == ("厦门市海沧区城市管理局", "title")
    assert (str(row["year"]), row["year_source"]) == ("2023", "title")
    assert (row["published"], row["published_source"]) == ("2024-03-11", "page")
    assert (row["province"], row["city"], row["district"]) == ("福建省", "厦门市", "海沧区")
    jiangmen = written.set_index("file").loc[S2]
    assert pd.isna(jiangmen["agency"]) and "agency not stated" in jiangmen["note"]

    # Applied as drafted, the manifest changes nothing it confirms.
    files = _files(load_corpus(tmp_path))
    assert files.loc[S0, "manifest_row"] == "manifest.csv:2"
    assert files["overridden"].isna().all()
    assert files.loc["manifest.csv", "reason"] == "ok"

    # The user corrects one cell and fills another; the next load applies both.
    edited = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    edited.loc[edited["file"] == S0, "agency_short"] = "海沧城管"
    edited.loc[edited["file"] == S2, "agency"] = "江门市城市管理和综合执法局"
    edited.to_csv(path, index=False, encoding="utf-8-sig")
    corpus = load_corpus(tmp_path)
    files, reports = _files(corpus), _reports(corpus)
    assert files.loc[S0, "overridden"] == "agency_short"
    assert files.loc[S2, "overridden"] == "agency"
    assert reports.loc[S0, "label"] == "海沧城管"

    # Run again: nothing new, nothing rewritten; a new report gets one row, edits stay.
    before = path.read_bytes()
    write_manifest(tmp_path, workers=1)
    assert path.read_bytes() == before
    _put(tmp_path, S4)
    again = write_manifest(tmp_path, workers=1).set_index("file")
    assert list(again.index) == [S0, S2, S4]
    assert again.loc[S0, "agency_short"] == "海沧城管"
    assert again.loc[S4, "agency"] == "长治市城市管理局"


def test_manifest_command_and_a_build_of_several_sources(tmp_path):
    reports = tmp_path / "reports"
    _put(reports / "a", S0)
    _put(reports / "b", S2)
    done = subprocess.run([sys.executable, "-m", "analysis", "manifest", str(reports / "a"),
                           str(reports / "b"), "--workers", "1"],
                          capture_output=True, text=True, check=True)
    assert "2 rows added, 2 in all" in done.stderr
    assert "agency: empty in 1 rows" in done.stderr
    drafted = pd.read_csv(reports / "manifest.csv", dtype=str, encoding="utf-8-sig")
    assert list(drafted["file"]) == [f"a/{S0}", f"b/{S2}"]

    # The same command again finds the drafted manifest above the two folders: nothing new.
    again = subprocess.run([sys.executable, "-m", "analysis", "manifest", str(reports / "a"),
                            str(reports / "b"), "--workers", "1"],
                           capture_output=True, text=True, check=True)
    assert "0 rows added, 2 in all" in again.stderr

    out = tmp_path / "out"
    sources = [reports / "a", reports / "b", reports / "gone.txt"]
    summary = build_corpus(sources, out, workers=1)
    assert summary.status == {"loaded": 2, "manifest": 1, "skipped": 1}
    built = read_table(out, "files")
    loaded = load_corpus(sources).files
    assert list(built["file"]) == list(loaded["file"]) == [
        f"a/{S0}", f"b/{S2}", "gone.txt", "manifest.csv"]
    assert built["reason"].iloc[2] == "cannot read: No such file or directory"
    # The drafted manifest, in the folder that holds the sources, applies to them.
    files = built.set_index("file")
    assert files.loc[f"a/{S0}", "manifest_row"] == "manifest.csv:2"
    assert files.loc[f"b/{S2}", "manifest_row"] == "manifest.csv:3"
    assert files.loc["manifest.csv", "status"] == "manifest"
    # With another pair of sources under the same folder, b's row is not reported missing,
    # and the new file is said to have no row.
    _put(reports / "c", S4)
    other = load_corpus([reports / "a", reports / "c"]).files.set_index("file")
    assert set(other["status"]) == {"loaded", "manifest"}
    assert other.loc[f"a/{S0}", "manifest_row"] == "manifest.csv:2"
    assert "no manifest row" in other.loc[f"c/{S4}", "reason"]
