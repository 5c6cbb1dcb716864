"""Builds survive faults and hostile input: no crash, no lost output, bounded memory.

Each test names the failure it guards against (issue "Builds that survive faults and hostile
input"). Every case checks two things besides its own: the good reports in the folder are
all loaded, and every entry of the folder has a row in files.csv.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import load_corpus
from analysis.ingest.build import build_corpus, read_table, read_tables
from analysis.ingest.manifest import ManifestError, read_manifest
from analysis.ingest.normalize import classify_chrome
from analysis.ingest.publish import BuildError, BuildLocked, locked
from analysis.ingest.readers import Limits
from analysis.ingest.scan import scan_folder
from analysis.paths import ROOT, SEEDS
from analysis.text import tokenize_sentences

sys.path.insert(0, str(ROOT / "benchmarks"))
from make_corpus import make_corpus  # noqa: E402

SEED = sorted(SEEDS.glob("0*.txt"))[0]  # 000_…: Haicang, UTF-8
PYTHON = sys.executable


def _seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def _files(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "files.csv", dtype=str, keep_default_na=False).set_index("file")


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "analysis", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def _same(a, b) -> None:
    for name, table in a.tables().items():
        other = b.tables()[name]
        pd.testing.assert_frame_equal(table.reset_index(drop=True), other.reset_index(drop=True),
                                      check_dtype=False, obj=name)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """Eight generated reports: small enough to build in a second or two."""
    folder = tmp_path_factory.mktemp("small")
    make_corpus(8, folder, seed=11)
    return folder


# --- 1. a chunk with no loadable file ---------------------------------------------------

def test_folder_of_only_bad_files_builds(tmp_path):
    # Guards: a chunk with no loadable file crashed the build (pandas 3 .any() on an empty
    # string column) and left no files.csv.
    reports = tmp_path / "r"
    reports.mkdir()
    (reports / "e.txt").write_bytes(b"")
    (reports / "junk.bin").write_bytes(b"\x00\x01\x02" * 10)
    summary = build_corpus(reports, tmp_path / "o", workers=1)
    files = _files(tmp_path / "o")
    assert files.loc["e.txt", "reason"] == "empty file"
    assert files.loc["junk.bin", "status"] == "skipped"
    assert summary.status == {"skipped": 2}
    corpus = read_tables(tmp_path / "o")
    assert corpus.reports.empty and "doc_id" in corpus.reports.columns
    assert read_table(tmp_path / "o", "tokens").empty


def test_empty_folder_builds_and_rebuilds(tmp_path):
    # Guards: an empty folder crashed the build (an untyped empty scan could not merge).
    (tmp_path / "r").mkdir()
    for _ in range(2):
        summary = build_corpus(tmp_path / "r", tmp_path / "o", workers=1)
        assert summary.status == {} and summary.n_files == 0
    corpus = read_tables(tmp_path / "o")
    assert all(frame.empty for frame in corpus.tables().values())
    assert list(corpus.reports.columns)[:2] == ["doc_id", "file"]


def test_unreadable_file_added_to_built_corpus(small, tmp_path):
    # Guards: an incremental build whose only new file is unreadable crashed.
    reports = tmp_path / "r"
    shutil.copytree(small, reports)
    out = tmp_path / "o"
    build_corpus(reports, out, workers=1)
    (reports / "broken.txt").write_bytes(b"\x00\xff" * 50)
    summary = build_corpus(reports, out, workers=1)
    assert summary.processed == 1
    files = _files(out)
    assert files.loc["broken.txt", "status"] == "skipped"
    assert (files["status"] == "loaded").sum() == 8


def test_tokenize_sentences_on_empty_sentences():
    # Guards: tokenize_sentences raised on an empty corpus.
    empty = load_corpus([]).sentences
    tokens = tokenize_sentences(empty)
    assert tokens.empty and {"doc_id", "token"} <= set(tokens.columns)


# --- 2. file names that are not UTF-8 ---------------------------------------------------

def test_gbk_file_name(tmp_path):
    # Guards: one GBK-encoded file name (from a ZIP made on Chinese Windows) stopped both
    # the build and load_corpus, because pyarrow refuses surrogate-escaped names.
    reports = tmp_path / "r"
    reports.mkdir()
    gbk = os.fsdecode(b"\xb1\xa8\xb8\xe6.txt")  # 报告.txt in GBK
    shutil.copy(SEED, reports / gbk)
    shutil.copy(sorted(SEEDS.glob("0*.txt"))[1], reports / "b.txt")
    build_corpus(reports, tmp_path / "o", workers=1)
    files = _files(tmp_path / "o")
    assert files.loc["报告.txt", "status"] == "loaded"
    assert "not UTF-8" in files.loc["报告.txt", "reason"]
    corpus = load_corpus(reports)
    assert sorted(corpus.reports["file"]) == ["b.txt", "报告.txt"]


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.binary(min_size=1, max_size=40).filter(
    lambda b: b"/" not in b and b"\x00" not in b and b not in (b".", b"..")),
    min_size=1, max_size=4, unique=True),
    encoding=st.sampled_from(["utf-8", "gb18030", "utf-16", "big5", "utf-8-sig"]))
def test_hostile_names_and_encodings(tmp_path_factory, names, encoding):
    # Guards: any byte string a file system allows as a name, and the usual encodings of a
    # report, never stop a load, and every entry gets exactly one row with a UTF-8 name.
    reports = tmp_path_factory.mktemp("hostile")
    text = _seed_text()
    if encoding == "big5":
        text = "".join(ch for ch in text if _encodable(ch, "big5"))
    data = text.encode(encoding, errors="ignore")
    for raw in names:
        # Any stem; the suffix says what the file is (a name without one is refused).
        with open(os.fsencode(reports) + b"/" + raw + b".txt", "wb") as fh:
            fh.write(data)
    corpus = load_corpus(reports, manifest=False)
    assert len(corpus.files) == len(names)
    for name in corpus.files["file"]:
        name.encode("utf-8")  # never a surrogate
    if any(not n.startswith(b".") for n in names):
        assert (corpus.files["status"] == "loaded").sum() == 1  # the rest are duplicates
    corpus.files.to_parquet(io.BytesIO())


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


# --- 3. input size and memory -----------------------------------------------------------

def _zip_bomb(path: Path, *, inflated: int, lie: bool = False) -> None:
    """A DOCX whose document.xml inflates to ``inflated`` bytes of spaces (about 1/1000)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://'
                         'schemas.openxmlformats.org/package/2006/content-types"/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b" " * (1 << 20)
            for _ in range(inflated >> 20):
                fh.write(block)
    data = bytearray(buffer.getvalue())
    if lie:
        # The directory claims 2,000 bytes: the reader must not trust the stream instead.
        for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
            start = 0
            while (k := data.find(signature, start)) >= 0:
                name_len = struct.unpack_from("<H", data, k + (28 if size_at == 24 else 26))[0]
                name_at = k + (46 if size_at == 24 else 30)
                if data[name_at:name_at + name_len] == b"word/document.xml":
                    struct.pack_into("<I", data, k + size_at, 2000)
                start = k + 4
    path.write_bytes(bytes(data))


def test_caps_name_themselves(tmp_path):
    # Guards: input size was not capped; a file over a cap is skipped with the cap's name.
    reports = tmp_path / "r"
    reports.mkdir()
    shutil.copy(SEED, reports / "good.txt")
    _zip_bomb(reports / "bomb.docx", inflated=80 << 20)
    with open(reports / "huge.txt", "wb") as fh:  # sparse: no disk, no time
        fh.truncate(30 << 20)
    corpus = load_corpus(reports)
    files = corpus.files.set_index("file")
    assert "max_unpacked_bytes = 64 MiB" in files.loc["bomb.docx", "reason"]
    assert "max_text_bytes = 24 MiB" in files.loc["huge.txt", "reason"]
    assert files.loc["good.txt", "status"] == "loaded"
    tight = load_corpus(reports, limits=Limits(max_file_bytes=1 << 10)).files.set_index("file")
    size_kib = round(SEED.stat().st_size / 1024)
    assert tight.loc["good.txt", "reason"] == (
        f"file is {size_kib} KiB, over the cap on input files (max_file_bytes = 1 KiB)")


def test_lying_zip_directory_is_not_inflated(tmp_path):
    # Guards: a bomb whose ZIP directory understates its size; Python's zipfile stops at the
    # stated size, so the part fails its CRC instead of inflating.
    _zip_bomb(tmp_path / "liar.docx", inflated=8 << 20, lie=True)
    corpus = load_corpus([tmp_path / "liar.docx"])
    assert corpus.files["status"].iloc[0] == "skipped"
    assert "damaged DOCX" in corpus.files["reason"].iloc[0]


def test_peak_memory_of_zip_bomb_and_200_mb_text(tmp_path):
    # Guards: a 3.2 MB zip bomb reached 6.4 GB and a 200 MB text file 11.4 GB. Measured with
    # getrusage in a child process: peak resident memory of the build stays under 2 GB.
    reports = tmp_path / "r"
    reports.mkdir()
    shutil.copy(SEED, reports / "good.txt")
    _zip_bomb(reports / "bomb.docx", inflated=1 << 30)
    with open(reports / "big.txt", "wb") as fh:
        fh.truncate(200 << 20)
    script = textwrap.dedent(f"""
        import resource
        from analysis.ingest.build import build_corpus
        build_corpus({str(reports)!r}, {str(tmp_path / 'o')!r}, workers=2)
        peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        print(peak)
    """)
    done = subprocess.run([PYTHON, "-c", script], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    peak_kib = int(done.stdout.split()[-1])
    assert peak_kib < 2 * 1024 * 1024, f"peak {peak_kib / 1024:.0f} MiB"
    files = _files(tmp_path / "o")
    assert files.loc["good.txt", "status"] == "loaded"
    assert "max_text_bytes" in files.loc["big.txt", "reason"]
    assert "max_unpacked_bytes" in files.loc["bomb.docx", "reason"]


# --- 4. kill -9 ---------------------------------------------------------------------------

def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_kill_9_leaves_no_workers_and_no_phantoms(tmp_path):
    # Guards: after kill -9 of a build, its workers lived on and wrote part files; a rerun on
    # a folder that had shrunk then reported phantom reports.
    reports = tmp_path / "r"
    make_corpus(40, reports, seed=5)
    out = tmp_path / "o"
    process = subprocess.Popen(
        [PYTHON, "-m", "analysis", "build", str(reports), "--out", str(out), "--workers", "2",
         "--no-progress"], cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    # Kill once a worker has written a part file into the staging generation.
    while time.monotonic() < deadline:
        if any((out / "generations").glob(".staging-*/*.parquet/part-*.parquet")):
            break
        time.sleep(0.05)
    else:
        pytest.fail("the build wrote no part file")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    for _ in range(100):
        if not _group_alive(process.pid):
            break
        time.sleep(0.05)
    assert not _group_alive(process.pid), "worker processes outlived the killed build"
    # Nothing was published: no tables at the top of OUT.
    assert not (out / "current").exists()
    # The folder shrinks; the rerun equals a clean build of what is left.
    for path in sorted(reports.glob("*.txt"))[20:]:
        path.unlink()
    build_corpus(reports, out, workers=2, chunk_size=5)
    fresh = tmp_path / "fresh"
    build_corpus(reports, fresh, workers=1)
    _same(read_tables(out), read_tables(fresh))
    assert len(read_tables(out).reports) == 20


_KILL_AT_WRITE = textwrap.dedent("""
    import os, signal, sys
    from analysis.ingest.build import build_corpus
    target, count = int(sys.argv[3]), [0]
    def killing(real):
        def wrapped(*args, **kwargs):
            count[0] += 1
            if count[0] == target:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return wrapped
    os.replace, os.rename = killing(os.replace), killing(os.rename)
    build_corpus(sys.argv[1], sys.argv[2], workers=1, chunk_size=3)
    print(count[0])
""")



def test_kill_at_write_points_then_rerun_equals_clean_build(small, tmp_path):
    # Guards: a build killed between writing its state and its tables left reports.csv
    # short for good. Every write is an os.replace or os.rename; the build is killed just
    # before a random sample of them (and before the last, the publication), during an
    # incremental rebuild. Readers then still see the previous build whole, and the rerun
    # equals a clean build.
    reports = tmp_path / "r"
    shutil.copytree(small, reports)
    out = tmp_path / "o"
    build_corpus(reports, out, workers=1, chunk_size=3)
    before = read_tables(out)
    # Change the folder: one added, one removed, one edited.
    shutil.copy(SEED, reports / "added.txt")
    (reports / "report_00002.txt").unlink()
    edited = reports / "report_00004.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("。", "。\n", 1),
                      encoding="utf-8")
    fresh = tmp_path / "fresh"
    build_corpus(reports, fresh, workers=1)
    expected = read_tables(fresh)

    probe = tmp_path / "probe"
    shutil.copytree(out, probe, symlinks=True)
    counted = subprocess.run([PYTHON, "-c", _KILL_AT_WRITE, str(reports), str(probe), "0"],
                             capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert counted.returncode == 0, counted.stderr
    n_writes = int(counted.stdout.split()[-1])
    assert n_writes > 10
    points = sorted(random.Random(7).sample(range(1, n_writes), 4)) + [n_writes]
    for point in points:
        target = tmp_path / f"kill{point}"
        shutil.copytree(out, target, symlinks=True)
        killed = subprocess.run([PYTHON, "-c", _KILL_AT_WRITE, str(reports), str(target),
                                 str(point)], capture_output=True, timeout=300, cwd=ROOT)
        assert killed.returncode == -signal.SIGKILL
        _same(read_tables(target), before)  # the previous build, whole
        build_corpus(reports, target, workers=1, chunk_size=3)
        _same(read_tables(target), expected)
        assert not list((target / "generations").glob(".staging-*"))


# --- 5. one writer at a time --------------------------------------------------------------

def test_second_build_is_refused_while_one_runs(small, tmp_path):
    # Guards: two builds into one OUT mixed their tables. The lock refuses the second one
    # with a clear message; with wait=True it runs after the first.
    out = tmp_path / "o"
    build_corpus(small, out, workers=1)
    with locked(out), pytest.raises(BuildLocked, match="another build is writing"):
        build_corpus(small, out, workers=1)
    done = _cli("build", str(small), "--out", str(out))
    assert done.returncode == 0
    holder = subprocess.Popen(
        [PYTHON, "-c", "import sys, time; from pathlib import Path; "
         "from analysis.ingest.publish import locked\n"
         f"with locked(Path({str(out)!r})):\n    print('held', flush=True); time.sleep(3)"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert holder.stdout.readline().strip() == "held"
    refused = _cli("build", str(small), "--out", str(out))
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "another build is writing" in refused.stderr
    started = time.monotonic()
    waited = build_corpus(small, out, workers=1, wait=True)
    assert time.monotonic() - started > 0.5 and waited.processed == 0
    holder.wait()


def test_concurrent_builds_leave_one_whole_build(small, tmp_path):
    # Guards: OUT ended up as a mixture of two builds. Two builds of different folders
    # start together; whatever the order, OUT equals one of the two clean builds.
    other = tmp_path / "other"
    make_corpus(5, other, seed=99)
    out = tmp_path / "o"
    runs = [subprocess.Popen([PYTHON, "-m", "analysis", "build", str(folder), "--out",
                              str(out), "--workers", "1", "--wait"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for folder in (small, other)]
    for run in runs:
        assert run.wait(timeout=300) == 0, run.stderr.read()
    built = read_tables(out)
    n = len(built.reports)
    assert n in (8, 5)
    fresh = tmp_path / "fresh"
    build_corpus(small if n == 8 else other, fresh, workers=1)
    _same(built, read_tables(fresh))


# --- 6. broken bytes ----------------------------------------------------------------------

@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_one_invalid_utf8_byte_keeps_the_report(tmp_path, bom):
    # Guards: one invalid byte dropped the whole report as "binary file"; with a BOM the
    # reason was a raw UnicodeDecodeError.
    data = SEED.read_bytes()
    cut = data.index("二、".encode())
    (tmp_path / "a.txt").write_bytes(bom + data[:cut] + b"\xff" + data[cut:])
    corpus = load_corpus([tmp_path / "a.txt"])
    assert corpus.files["status"].iloc[0] == "loaded"
    assert "1 invalid byte sequence replaced by U+FFFD" in corpus.files["reason"].iloc[0]
    assert "\ufffd二、" in corpus.reports["text"].iloc[0]
    clean = load_corpus([SEED]).reports["n_chars"].iloc[0]
    assert corpus.reports["n_chars"].iloc[0] == clean + 1


def test_gbk_text_is_not_taken_for_broken_utf8(tmp_path):
    # The replacement above must not swallow real GBK files: they fail UTF-8 everywhere.
    (tmp_path / "g.txt").write_bytes(_seed_text().encode("gbk"))
    corpus = load_corpus([tmp_path / "g.txt"])
    assert corpus.files["encoding"].iloc[0] == "gb18030"
    assert corpus.reports["text"].iloc[0] == load_corpus([SEED]).reports["text"].iloc[0]


# --- 7. the end of a build ----------------------------------------------------------------

def test_truncated_state_costs_a_full_rebuild_not_a_failure(small, tmp_path):
    # Guards: a truncated meta.json made every later build fail until --full.
    out = tmp_path / "o"
    build_corpus(small, out, workers=1)
    meta = out / "_build" / "meta.json"
    text = meta.read_text(encoding="utf-8")
    os.chmod(meta, 0o644)
    meta.unlink()
    meta.write_text(text[: len(text) // 2], encoding="utf-8")
    summary = build_corpus(small, out, workers=1)
    assert summary.full and "unreadable" in summary.warnings[0]
    fresh = tmp_path / "fresh"
    build_corpus(small, fresh, workers=1)
    _same(read_tables(out), read_tables(fresh))
    json.loads((out / "_build" / "meta.json").read_text(encoding="utf-8"))


# --- 8. symbolic links, FIFOs, odd paths --------------------------------------------------

def test_every_entry_is_accounted_for(tmp_path):
    # Guards: a symlink to /etc/passwd was read with reason ok; folder symlinks, loops,
    # dangling links, FIFOs and nested build folders were missing from files.csv.
    reports = tmp_path / "r"
    (reports / "sub").mkdir(parents=True)
    shutil.copy(SEED, reports / "sub" / "a.txt")
    outside = tmp_path / "outside.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    os.symlink(outside, reports / "passwd.txt")
    os.symlink(reports / "sub" / "a.txt", reports / "inside.txt")
    os.symlink(reports / "sub", reports / "folder-link")
    os.symlink(reports / "loop2", reports / "loop1")
    os.symlink(reports / "loop1", reports / "loop2")
    os.symlink(tmp_path / "nowhere", reports / "dangling.txt")
    os.mkfifo(reports / "pipe.txt")
    old_build = reports / "old-out"
    old_build.mkdir()
    (old_build / ".fzzf-build").write_text("{}", encoding="utf-8")
    (old_build / "files.csv").write_text("file\n", encoding="utf-8")
    out = tmp_path / "o"
    build_corpus(reports, out, workers=1)
    files = _files(out)
    # A link to a file inside the folder is read like that file; the first in path order
    # is kept and the other is the duplicate.
    assert files.loc["inside.txt", "status"] == "loaded"
    assert files.loc["sub/a.txt", "status"] == "duplicate"
    assert "outside the reports folder, not followed" in files.loc["passwd.txt", "reason"]
    assert "symbolic link to a folder, not followed" in files.loc["folder-link", "reason"]
    assert files.loc["loop1", "reason"] == "symbolic link loop, not followed"
    assert files.loc["dangling.txt", "reason"].startswith("broken symbolic link")
    assert files.loc["pipe.txt", "reason"] == "not a regular file: a FIFO (named pipe)"
    assert files.loc["old-out/", "reason"] == "a build output folder of this tool, not read"
    assert len(files) == 9  # the nine entries above, loop2 included
    followed = load_corpus(reports, follow_symlinks=True).files.set_index("file")
    assert followed.loc["passwd.txt", "status"] == "skipped"  # read, then too short
    assert "Chinese characters" in followed.loc["passwd.txt", "reason"]
    # Followed links read each real folder once: through the link that comes first.
    assert followed.loc["folder-link/a.txt", "status"] == "loaded"
    assert followed.loc["sub/", "reason"] == "folder already read through another link"
    assert followed.loc["loop1", "reason"] == "symbolic link loop, not followed"


def test_fifo_in_a_list_does_not_hang(tmp_path):
    # Guards: load_corpus([fifo]) blocked forever on open().
    os.mkfifo(tmp_path / "p.txt")
    result: list = []
    thread = threading.Thread(target=lambda: result.append(load_corpus([tmp_path / "p.txt"])),
                              daemon=True)
    thread.start()
    thread.join(30)
    assert result, "load_corpus hung on a FIFO"
    assert result[0].files["reason"].iloc[0] == "not a regular file: a FIFO (named pipe)"


def test_path_longer_than_path_max(tmp_path):
    # Guards: a path longer than PATH_MAX crashed the scan.
    reports = tmp_path / "r"
    reports.mkdir()
    shutil.copy(SEED, reports / "ok.txt")
    fd = os.open(reports, os.O_RDONLY)
    try:
        for _ in range(20):  # 20 x 250 characters > 4096
            os.mkdir("d" * 250, dir_fd=fd)
            inner = os.open("d" * 250, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        with os.fdopen(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd),
                       "w") as fh:
            fh.write(_seed_text())
    finally:
        os.close(fd)
    entries = scan_folder(reports)
    assert [e.name for e in entries if e.reason is None] == ["ok.txt"]
    too_long = [e for e in entries if e.reason and "longer than the system allows" in e.reason]
    assert len(too_long) == 1
    corpus = load_corpus(reports)
    assert (corpus.files["status"] == "loaded").sum() == 1 and len(corpus.files) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their mode")
def test_unreadable_subfolder(tmp_path):
    reports = tmp_path / "r"
    (reports / "locked").mkdir(parents=True)
    shutil.copy(SEED, reports / "ok.txt")
    os.chmod(reports / "locked", 0)
    try:
        files = load_corpus(reports).files.set_index("file")
    finally:
        os.chmod(reports / "locked", 0o755)
    assert files.loc["locked/", "reason"].startswith("cannot list folder")


# --- 9. a body sentence that mentions a share widget --------------------------------------

def test_share_widget_words_in_a_body_sentence_stay():
    # Guards: a body paragraph mentioning 微信扫一扫 was deleted as a share widget.
    assert classify_chrome("微信扫一扫") == "share widget"
    assert classify_chrome("扫一扫在手机打开当前页") == "share widget"
    assert classify_chrome("推行“掌上办”,企业群众微信扫一扫即可查询办理进度。") is None
    assert classify_chrome("执法人员在手机打开执法记录仪App,全程留痕") is None


def test_one_line_report_that_mentions_scanning_keeps_its_body(tmp_path):
    line = ("2023年,某区司法局坚持以习近平新时代中国特色社会主义思想为指导,推行行政执法公示,"
            "群众微信扫一扫即可查询执法信息,全年办理行政复议案件120件,依法行政水平不断提高,"
            "法治政府建设取得新成效,人民群众对法治建设的满意度持续上升,营商环境进一步优化。")
    (tmp_path / "one.txt").write_text("某区司法局2023年法治政府建设年度报告\n" + line + "\n",
                                      encoding="utf-8")
    corpus = load_corpus([tmp_path / "one.txt"])
    assert corpus.reports["text"].iloc[0] == line


# --- 10. manifests ------------------------------------------------------------------------

def test_gbk_manifest(tmp_path):
    # Guards: a GBK manifest (Excel on Chinese Windows) raised a bare UnicodeDecodeError.
    (tmp_path / "manifest.csv").write_bytes("file,agency\na.txt,某区司法局\n".encode("gbk"))
    assert read_manifest(tmp_path / "manifest.csv").loc[0, "agency"] == "某区司法局"


def test_unclosed_quote_in_manifest(tmp_path):
    # Guards: an unclosed quote turned the rows below into one 714-character agency.
    (tmp_path / "manifest.csv").write_text(
        'file,agency\na.txt,"某区司法局\nb.txt,某县教育局\nc.txt,某市人民政府\n',
        encoding="utf-8")
    with pytest.raises(ManifestError, match=r"row 2: the 'agency' cell runs over several lines"):
        read_manifest(tmp_path / "manifest.csv")


def test_misspelled_manifest_column_warns(tmp_path):
    # Guards: a misspelled column was ignored without a word.
    reports = tmp_path / "r"
    reports.mkdir()
    shutil.copy(SEED, reports / "a.txt")
    (reports / "manifest.csv").write_text("file,agnecy,notes\na.txt,某区司法局,x\n",
                                          encoding="utf-8")
    with pytest.warns(UserWarning, match="did you mean 'agency'"):
        corpus = load_corpus(reports)
    row = corpus.files.set_index("file").loc["manifest.csv"]
    assert row["status"] == "manifest" and "'agnecy' is not a manifest field" in row["reason"]


def test_manifest_and_out_errors_are_one_line(tmp_path):
    # Guards: errors in the manifest or OUT ended in Python tracebacks.
    reports = tmp_path / "r"
    reports.mkdir()
    shutil.copy(SEED, reports / "a.txt")
    (reports / "manifest.csv").write_text("file,year\na.txt,two thousand\n", encoding="utf-8")
    bad = _cli("build", str(reports), "--out", str(tmp_path / "o"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.startswith("error: ") and "manifest.csv: row 2" in bad.stderr
    (reports / "manifest.csv").unlink()
    inside = _cli("build", str(reports), "--out", str(reports / "out"))
    assert inside.returncode == 2 and "Traceback" not in inside.stderr
    assert "inside the reports folder" in inside.stderr
    assert not (reports / "out").exists()


# --- 11. OUT inside REPORTS ---------------------------------------------------------------

def test_out_inside_reports_is_refused(tmp_path):
    reports = tmp_path / "r"
    reports.mkdir()
    shutil.copy(SEED, reports / "a.txt")
    with pytest.raises(BuildError, match="inside the reports folder"):
        build_corpus(reports, reports / "out")
    with pytest.raises(BuildError, match="is inside the output folder"):
        build_corpus(reports, tmp_path)
    # A folder of someone's files is never taken over: a build replaces what it owns.
    other = tmp_path / "notes"
    other.mkdir()
    (other / "draft.docx").write_bytes(b"mine")
    with pytest.raises(BuildError, match="not empty and is not a build"):
        build_corpus(reports, other)
    assert [p.name for p in other.iterdir()] == ["draft.docx"]


# --- low ------------------------------------------------------------------------------------

def test_html_nested_deeper_than_255_levels(tmp_path):
    # Guards: lxml without huge_tree dropped everything nested deeper than about 255.
    body = _seed_text().split("\n", 1)[1]
    paragraphs = "".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
    page = ("<html><head><title>t</title></head><body>" + "<div>" * 300 + paragraphs
            + "</div>" * 300 + "</body></html>")
    (tmp_path / "deep.html").write_text(page, encoding="utf-8")
    corpus = load_corpus([tmp_path / "deep.html"])
    assert corpus.files["status"].iloc[0] == "loaded"
    assert corpus.reports["n_chars"].iloc[0] > 0.9 * len(body.replace("\n", ""))


def test_docx_that_holds_plain_text(tmp_path):
    # Guards: a .docx holding plain text was refused with a reason contradicting itself.
    shutil.copy(SEED, tmp_path / "a.docx")
    corpus = load_corpus([tmp_path / "a.docx"])
    assert corpus.files["status"].iloc[0] == "loaded"
    assert "content is TXT although the extension is .docx" in corpus.files["reason"].iloc[0]


def test_same_size_edit_with_mtime_restored_is_seen(small, tmp_path):
    # Guards: an edit that kept the size and put the mtime back was never rebuilt.
    reports = tmp_path / "r"
    shutil.copytree(small, reports)
    out = tmp_path / "o"
    build_corpus(reports, out, workers=1)
    path = reports / "report_00001.txt"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("加强", "强化", 1)
    assert len(edited.encode()) == len(text.encode()) and edited != text
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert build_corpus(reports, out, workers=1).processed == 1
    fresh = tmp_path / "fresh"
    build_corpus(reports, fresh, workers=1)
    _same(read_tables(out), read_tables(fresh))
    # A touch that changes nothing costs a hash, not a rebuild.
    os.utime(reports / "report_00002.txt")
    assert build_corpus(reports, out, workers=1).processed == 0


def test_formula_cells_are_escaped_in_csv(tmp_path):
    # Guards: names starting with = + - @ went unescaped into the CSVs (formula injection).
    reports = tmp_path / "r"
    reports.mkdir()
    text = _seed_text().split("\n", 1)
    (reports / "=HYPERLINK(1).txt").write_text("=1+2 " + text[0] + "\n" + text[1],
                                               encoding="utf-8")
    out = tmp_path / "o"
    build_corpus(reports, out, workers=1)
    assert "'=HYPERLINK(1).txt" in _files(out).index
    assert pd.read_csv(out / "reports.csv", dtype=str)["file"].iloc[0] == "'=HYPERLINK(1).txt"
    assert read_tables(out).reports["file"].iloc[0] == "=HYPERLINK(1).txt"
