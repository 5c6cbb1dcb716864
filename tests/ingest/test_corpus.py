"""The loader on the seeds (hand-checked metadata, parts, body lines) and on bad input."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import load_corpus, select_reports
from analysis.ingest.manifest import ManifestError, read_manifest
from analysis.ingest.normalize import normalize_line
from analysis.paths import ROOT, SEEDS

# Read by hand from each seed file (and, for the two seeds that never name themselves,
# from seeds/manifest.csv, whose source column says why).
EXPECTED = {
    "000_a366b11c6bb12e59.txt": dict(unit_kind="department", agency="厦门市海沧区城市管理局", admin_level="district",
                                     province="福建省", city="厦门市", district="海沧区",
                                     adcode="350205", year=2023, published="2024-03-11", signed=None),
    "001_7e756e6a511fe527.txt": dict(unit_kind="street_office", agency="天津市滨海新区杭州道街道办事处", admin_level="street",
                                     province="天津市", city="天津市", district="滨海新区",
                                     adcode="120116", year=2023, published="2024-03-26",
                                     signed="2023-11-20"),
    "002_e94d2d9e19816d1e.txt": dict(unit_kind="department", agency="江门市城市管理和综合执法局", admin_level="city",
                                     province="广东省", city="江门市", district=None,
                                     adcode="440700", year=2024, published=None, signed=None),
    "003_6cedf000a8b0ee3b.txt": dict(unit_kind="department", agency="吴忠市红寺堡区综合执法局", admin_level="district",
                                     province="宁夏回族自治区", city="吴忠市", district="红寺堡区",
                                     adcode="640303", year=2024, published=None, signed=None),
    "004_f91691d480d248cc.txt": dict(unit_kind="department", agency="长治市城市管理局", admin_level="city",
                                     province="山西省", city="长治市", district=None,
                                     adcode="140400", year=2023,
                                     # The only date is under the signature: signed, not
                                     # published (#10, 9).
                                     published=None, signed="2023-12-27"),
}

# Page chrome and title lines of each seed, listed by hand from the raw files.
CHROME = {
    "000_a366b11c6bb12e59.txt": ["厦门市海沧区城市管理局2023年度法治政府建设情况报告",
                                 "来源 :海沧城管局 时间:2024-03-11 11:05", "附件下载", "分享:"],
    "001_7e756e6a511fe527.txt": ["当前位置:杭州道街> 政务公开> 最新文件",
                                 "天津市滨海新区杭州道街道办事处2023年法治政府建设工作报告",
                                 "发布日期: 2024-03-26 17:24 来源: 杭州道", "字号:",
                                 "• 扫一扫在手机打开当前页", "全国各省市政府网站", "天津市各区政府网站",
                                 "滨海新区政府系统网站", "重点链接"],
    "002_e94d2d9e19816d1e.txt": [],
    "003_6cedf000a8b0ee3b.txt": [],
    "004_f91691d480d248cc.txt": [],
}

# The part of every top-level section, read by hand from the headings.
PARTS = {
    "000_a366b11c6bb12e59.txt": [("一、2023年主要工作", "measures"),
                                 ("二、存在的困难和问题", "shortcomings"),
                                 ("三、2024年工作计划", "plans")],
    "001_7e756e6a511fe527.txt": [("一、主要举措和成效", "measures"),
                                 ("二、履行推进法治建设第一责任人职责情况", "leadership"),
                                 ("三、存在的不足和原因", "shortcomings"),
                                 ("四、2024年推进法治工作计划", "plans")],
    "002_e94d2d9e19816d1e.txt": [("一、2024年主要工作情况", "measures"),
                                 ("二、存在问题和不足", "shortcomings"),
                                 ("三、2025年工作思路", "plans")],
    "003_6cedf000a8b0ee3b.txt": [("一、上一年度推进法治政府建设的主要举措和成效", "measures"),
                                 ("二、党政主要负责人履行推进法治建设第一责任人职责和加强法治政府建设"
                                  "的有关情况", "leadership"),
                                 ("三、存在的问题", "shortcomings"),
                                 ("四、下一步工作计划", "plans")],
    # Changzhi's page lost the numbers of its last four part headings; they are still parts.
    "004_f91691d480d248cc.txt": [("一、2023年推进法治政府建设的主要举措和成效", "measures"),
                                 ("二、2023年推进法治政府建设存在的不足和原因", "shortcomings"),
                                 ("三、上一年度党政主要负责人履行推进法治建设第一责任人职责,落实年度"
                                  "责任清单,加强法治政府建设的有关情况", "leadership"),
                                 ("本部门履行法院生效裁判情况", "other"),
                                 ("2024年推进法治政府建设的主要安排", "plans"),
                                 ("对全市加强法治政府建设的意见建议", "other"),
                                 ("其他需要报告的重要事项", "other")],
}


def _row(corpus, file):
    return corpus.reports.set_index("file").loc[file]


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_seed_metadata(seeds, file):
    row = _row(seeds, file)
    for field, expected in EXPECTED[file].items():
        value = row[field]
        value = None if pd.isna(value) else value
        assert value == expected, f"{file}: {field} is {value!r}, expected {expected!r}"


def test_seed_metadata_from_text_alone(seeds_without_manifest):
    # The three seeds that name themselves need no manifest at all.
    for file in ("000_a366b11c6bb12e59.txt", "001_7e756e6a511fe527.txt",
                 "004_f91691d480d248cc.txt"):
        row = _row(seeds_without_manifest, file)
        for field in ("agency", "admin_level", "province", "year", "published"):
            value = None if pd.isna(row[field]) else row[field]
            assert value == EXPECTED[file][field], (file, field, value)
    # Jiangmen never names itself: the agency stays NA and files.csv says so.
    files = seeds_without_manifest.files.set_index("file")
    assert pd.isna(_row(seeds_without_manifest, "002_e94d2d9e19816d1e.txt")["agency"])
    assert "agency not stated" in files.loc["002_e94d2d9e19816d1e.txt", "reason"]
    # Hongsibao names itself only inside document titles; the text still gives it.
    row = _row(seeds_without_manifest, "003_6cedf000a8b0ee3b.txt")
    assert row["agency"] == "吴忠市红寺堡区综合执法局" and row["agency_source"] == "body"


def test_sources_are_recorded(seeds):
    reports = seeds.reports.set_index("file")
    assert reports.loc["000_a366b11c6bb12e59.txt", "agency_source"] == "title"
    assert reports.loc["000_a366b11c6bb12e59.txt", "published_source"] == "page"
    assert reports.loc["002_e94d2d9e19816d1e.txt", "agency_source"] == "manifest"
    # The page date (2024-03-26) wins over the signature date 2023年11月20日.
    assert reports.loc["001_7e756e6a511fe527.txt", "published_source"] == "page"
    # Changzhi's only date is under its signature: no publication date, no source.
    assert reports.loc["004_f91691d480d248cc.txt", "published_source"] == ""
    assert reports.loc["000_a366b11c6bb12e59.txt", "place_source"] == "place lookup"


@pytest.mark.parametrize("file", sorted(CHROME))
def test_every_body_line_survives_and_no_chrome_does(seeds, file):
    raw = (SEEDS / file).read_text(encoding="utf-8").splitlines()
    chrome = set(CHROME[file])
    expected_body = [normalize_line(x) for x in raw if normalize_line(x)]
    expected_body = [x for x in expected_body if x not in chrome]
    paragraphs = seeds.paragraphs[seeds.paragraphs["doc_id"] == _row(seeds, file)["doc_id"]]
    assert paragraphs["text"].tolist() == expected_body
    text = _row(seeds, file)["text"]
    for line in chrome:
        assert line not in text.split("\n")
    # The closing signature and date are body.
    if file == "001_7e756e6a511fe527.txt":
        assert text.endswith("滨海新区人民政府杭州道街道办事处\n2023年11月20日")
    if file == "004_f91691d480d248cc.txt":
        assert text.endswith("长治市城市管理局\n20231227")


@pytest.mark.parametrize("file", sorted(PARTS))
def test_top_level_parts(seeds, file):
    doc_id = _row(seeds, file)["doc_id"]
    sections = seeds.sections[seeds.sections["doc_id"] == doc_id]
    top = sections[sections["level"] == 1]
    assert list(zip(top["heading"], top["part"], strict=True)) == PARTS[file]
    # Everything below a top-level section inherits its part.
    parts = sections.set_index("section_id")["part"]
    for _, s in sections[sections["level"] > 1].iterrows():
        assert s["part"] == parts[s["parent_id"]]
    assert sections.iloc[0]["part"] == "preamble"


def test_offsets_point_into_report_text(seeds):
    texts = seeds.reports.set_index("doc_id")["text"]
    # A section's paragraphs are contiguous, so its text is one slice of the report text too.
    for table in (seeds.paragraphs, seeds.sentences, seeds.sections):
        for row in table.itertuples():
            assert texts[row.doc_id][row.start:row.end] == row.text
    # Sections partition the text: their lengths plus the line breaks between them add up to
    # the report's length.
    grouped = seeds.sections.groupby("doc_id")
    covered = grouped["n_chars"].sum() + grouped.size() - 1
    assert covered.sort_index().tolist() == seeds.reports.set_index("doc_id")["n_chars"].sort_index().tolist()


def test_doc_id_is_stable_hash_of_body(seeds):
    for row in seeds.reports.itertuples():
        assert row.doc_id == hashlib.sha256(row.text.encode("utf-8")).hexdigest()[:16]
    assert seeds.reports["doc_id"].is_unique


def test_load_is_deterministic():
    a, b = load_corpus(SEEDS), load_corpus(SEEDS)
    for name, table in a.tables().items():
        pd.testing.assert_frame_equal(table, b.tables()[name])


def test_year_is_nullable_int(seeds):
    assert str(seeds.reports["year"].dtype) == "Int64"


# --- bad input ----------------------------------------------------------------------------

@pytest.fixture()
def messy_folder(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    seed = (SEEDS / "000_a366b11c6bb12e59.txt").read_text(encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "chrome_only.txt").write_text("当前位置:首页 > 政务公开\n分享:\n附件下载\n",
                                            encoding="utf-8")
    shutil.copy(SEEDS / "000_a366b11c6bb12e59.txt", folder / "copy_of_000.txt")
    jiangmen = (SEEDS / "002_e94d2d9e19816d1e.txt").read_text(encoding="utf-8")
    (folder / "jiangmen_gbk.txt").write_bytes(jiangmen.replace("2024年,", "2023年,", 1)
                                              .encode("gbk"))
    # The first 1,000 characters of a report, cut mid-sentence.
    (folder / "partial.txt").write_text(seed[:1000], encoding="utf-8")
    (folder / "report.docx").write_bytes(b"PK\x03\x04 not really a docx")
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04 a spreadsheet")
    (folder / "manifest.csv").write_text(
        (SEEDS / "manifest.csv").read_text(encoding="utf-8")
        + "gone.txt,某某局,city,,,,2023,,a row whose file does not exist\n", encoding="utf-8")
    return folder


def test_bad_files_are_listed_with_reasons(messy_folder):
    corpus = load_corpus(messy_folder)
    files = corpus.files.set_index("file")
    assert len(corpus.reports) == 7  # five seeds, the GBK variant, the partial report
    assert files.loc["empty.txt", "status"] == "skipped"
    assert files.loc["empty.txt", "reason"] == "empty file"
    assert files.loc["image.txt", "status"] == "skipped"
    assert files.loc["image.txt", "reason"].startswith("binary file")
    assert files.loc["chrome_only.txt", "status"] == "skipped"
    assert files.loc["chrome_only.txt", "reason"].startswith("no recognisable report body")
    assert files.loc["copy_of_000.txt", "status"] == "duplicate"
    assert files.loc["copy_of_000.txt", "reason"] == "same report text as 000_a366b11c6bb12e59.txt"
    assert files.loc["report.docx", "status"] == "skipped"
    assert files.loc["report.docx", "reason"].startswith("damaged DOCX file")
    assert files.loc["budget.xlsx", "status"] == "skipped"
    assert "unsupported format .xlsx" in files.loc["budget.xlsx", "reason"]
    gbk = files.loc["jiangmen_gbk.txt"]
    assert gbk["status"] == "loaded" and "GB18030" in gbk["reason"]
    assert "no manifest row" in gbk["reason"]
    partial = files.loc["partial.txt"]
    assert partial["status"] == "loaded" and "possibly truncated" in partial["reason"]
    assert files.loc["gone.txt", "status"] == "missing"
    assert "row 7" in files.loc["gone.txt", "reason"]
    # Every file in the folder but the manifest has a row.
    on_disk = {p.name for p in messy_folder.iterdir() if p.name != "manifest.csv"}
    assert on_disk <= set(files.index)
    reports = corpus.reports.set_index("file")
    assert reports.loc["jiangmen_gbk.txt", "text"].startswith("2023年,我局深入学习")
    assert bool(reports.loc["partial.txt", "truncated"]) is True
    assert bool(reports.loc["000_a366b11c6bb12e59.txt", "truncated"]) is False


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,agency\nx.txt,某局\n", "no 'file' column"),
        ("file,year\na.txt,2023\na.txt,2024\n", "row 3: file a.txt is listed again"),
        ("file,year\na.txt,二〇二三\n", "row 2 (a.txt): year '二〇二三' is not a four-digit year"),
        ("file,published\na.txt,2023/03/01\n", "row 2 (a.txt): published '2023/03/01'"),
        ("file,published\na.txt,2023-02-30\n", "not a valid ISO date"),
        ("file,admin_level\na.txt,county\n", "admin_level 'county' is not one of"),
        ("file,year\na.txt,2023,extra\n", "row 2: more cells than header columns"),
    ],
)
def test_malformed_manifest_names_the_row(tmp_path, content, message):
    path = tmp_path / "manifest.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ManifestError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_manifest(path)


def test_list_of_files_and_missing_folder(tmp_path):
    corpus = load_corpus([SEEDS / "004_f91691d480d248cc.txt", SEEDS / "000_a366b11c6bb12e59.txt"])
    assert corpus.reports["file"].tolist() == ["000_a366b11c6bb12e59.txt",
                                               "004_f91691d480d248cc.txt"]
    with pytest.raises(FileNotFoundError, match="no such folder"):
        load_corpus(tmp_path / "nope")


def test_cli_build_writes_tables(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "analysis", "build", str(SEEDS), "--out",
                             str(out)], capture_output=True, text=True, cwd=ROOT, check=True)
    assert "5 loaded" in result.stderr
    # Tables are partitioned Parquet datasets (folders of part files); pandas reads each folder.
    for name in ("reports.parquet", "sections.parquet", "paragraphs.parquet",
                 "sentences.parquet", "tokens.parquet", "counts.parquet", "indicators.parquet"):
        assert list((out / name).glob("part-*.parquet")), name
    for name in ("reports.csv", "files.csv"):
        assert (out / name).is_file(), name
    files = pd.read_csv(out / "files.csv")
    assert list(files.columns[:3]) == ["file", "status", "reason"]
    assert (files["status"] == "loaded").sum() == 5
    reports = pd.read_parquet(out / "reports.parquet")
    assert set(reports["agency"]) == {v["agency"] for v in EXPECTED.values()}
    tokens = pd.read_parquet(out / "tokens.parquet")
    assert set(tokens["doc_id"]) == set(reports["doc_id"])
    # 习近平法治思想 is one token (the policy lexicon) wherever the seeds mention it, or part
    # of a 《…》 title token (《习近平法治思想学习辅导》), which is kept whole.
    whole = (tokens["token"] == "习近平法治思想").sum()
    in_titles = tokens.loc[tokens["kind"] == "title", "token"].str.count("习近平法治思想").sum()
    assert whole + in_titles == sum(t.count("习近平法治思想") for t in reports["text"])
    assert whole >= 20
    indicators = pd.read_parquet(out / "indicators.parquet")
    changzhi = reports.loc[reports["file"] == "004_f91691d480d248cc.txt", "doc_id"].item()
    spans = indicators.loc[indicators["doc_id"] == changzhi, "span"].tolist()
    assert "814起" in spans


def test_seeds_are_unchanged_copies():
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not present")
    for path in sorted(shared.glob("*.txt")):
        assert (SEEDS / path.name).read_bytes() == path.read_bytes()


def test_manifest_covers_every_seed():
    manifest = read_manifest(SEEDS / "manifest.csv")
    assert sorted(manifest["file"]) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert manifest["source"].notna().all()


def test_relative_paths_in_subfolders(tmp_path):
    sub = tmp_path / "r" / "2023"
    sub.mkdir(parents=True)
    shutil.copy(SEEDS / "000_a366b11c6bb12e59.txt", sub / "a.txt")
    corpus = load_corpus(tmp_path / "r")
    assert corpus.files["file"].tolist() == ["2023/a.txt"]
    assert Path(corpus.reports["file"][0]) == Path("2023/a.txt")


def test_truncation_flag(tmp_path):
    opening = ("2023年,我局坚持以习近平新时代中国特色社会主义思想为指导,深入学习贯彻习近平法治思想,"
               "全面推进法治政府建设,各项工作取得新进展。现将有关情况报告如下:\n"
               "一、主要举措和成效\n局党组高度重视法治政府建设工作,多次召开专题会议研究部署,取得了明显成效。\n")
    endings = {"sentence.txt": "二、存在的不足\n普法形式不够新颖。",
               "month.txt": "某某市司法局\n2024年1月",
               "signature.txt": "某某市司法局\n二〇二四年一月十日",
               "cut.txt": "二、存在的不足\n普法形式不够新颖,群众参与"}
    for name, ending in endings.items():
        (tmp_path / name).write_text(opening + ending, encoding="utf-8")
    reports = load_corpus(tmp_path).reports.set_index("file")
    assert reports["truncated"].to_dict() == {"cut.txt": True, "month.txt": False,
                                              "sentence.txt": False, "signature.txt": False}


def test_complete_needs_a_signature_or_a_final_part(tmp_path):
    opening = ("2023年,我局坚持以习近平新时代中国特色社会主义思想为指导,深入学习贯彻习近平法治思想,"
               "全面推进法治政府建设,各项工作取得新进展。现将有关情况报告如下:\n"
               "一、主要举措和成效\n局党组高度重视法治政府建设工作,多次召开专题会议研究部署,取得了明显成效。\n")
    endings = {
        # Ends on a full stop, but nothing shows the page was not cut after a paragraph.
        "sentence.txt": "二、存在的不足\n普法形式不够新颖。",
        "signed.txt": "二、存在的不足\n普法形式不够新颖。\n某某市司法局\n2024年1月10日",
        "plans.txt": "二、存在的不足\n普法形式不够新颖。\n三、2024年工作安排\n继续推进依法行政。",
        "cut.txt": "二、存在的不足\n普法形式不够新颖。\n三、2024年工作安排\n继续推进依法",
    }
    for name, ending in endings.items():
        (tmp_path / name).write_text(opening + ending, encoding="utf-8")
    reports = load_corpus(tmp_path).reports.set_index("file")
    assert reports["complete"].to_dict() == {"cut.txt": False, "plans.txt": True,
                                             "sentence.txt": False, "signed.txt": True}
    assert reports["parts"].to_dict() == {
        "cut.txt": "measures|shortcomings|plans", "plans.txt": "measures|shortcomings|plans",
        "sentence.txt": "measures|shortcomings", "signed.txt": "measures|shortcomings"}
    assert select_reports(reports.reset_index(), complete=True)["file"].tolist() == [
        "plans.txt", "signed.txt"]


def test_complete_on_the_seeds_and_the_openings(seeds, dev_openings):
    # Every seed runs to its signature or its plans; every opening is cut mid-sentence.
    assert seeds.reports["complete"].all()
    assert seeds.reports.set_index("file")["parts"].to_dict() == {
        "000_a366b11c6bb12e59.txt": "measures|shortcomings|plans",
        "001_7e756e6a511fe527.txt": "measures|shortcomings|leadership|plans",
        "002_e94d2d9e19816d1e.txt": "measures|shortcomings|plans",
        "003_6cedf000a8b0ee3b.txt": "measures|shortcomings|leadership|plans",
        "004_f91691d480d248cc.txt": "measures|shortcomings|leadership|plans|other",
    }
    openings = load_corpus(dev_openings).reports
    assert not openings["complete"].any()
    # 司法部's opening has thematic headings with no number and no part word: measures.
    assert openings.set_index("file").loc["031_sifabu_2022_mirror.txt", "parts"] == "measures"
