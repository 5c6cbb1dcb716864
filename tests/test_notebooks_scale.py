"""The notebooks run unchanged on another corpus, from its built tables alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from analysis.paths import FIGURES, NOTEBOOKS, ROOT
from analysis.text import TokenizerConfig

sys.path.insert(0, str(ROOT / "benchmarks"))
from make_corpus import make_corpus  # noqa: E402


def test_notebooks_run_on_the_tables_of_200_generated_reports(tmp_path):
    # One data flow: the build parses and tokenizes each report once; the notebooks read
    # the tables. The reports folder is deleted before the notebooks run, so a notebook that
    # parsed it again would fail; and the token cache, which every tokenization with our
    # configuration writes to, stays without an entry for it.
    reports, run, cache = tmp_path / "reports", tmp_path / "run", tmp_path / "cache"
    make_corpus(200, reports, seed=7)
    built = subprocess.run([sys.executable, "-m", "analysis", "build", str(reports), "--out",
                            str(run / "tables")], cwd=ROOT, capture_output=True, text=True,
                           timeout=1200)
    assert built.returncode == 0, built.stderr[-3000:]
    shutil.rmtree(reports)
    committed = {p: p.read_bytes() for p in NOTEBOOKS.glob("*.ipynb")}
    result = subprocess.run([sys.executable, "-m", "analysis", "notebooks", "--tables",
                             str(run / "tables"), "--out", str(run)], cwd=ROOT,
                            capture_output=True, text=True, timeout=1200,
                            env={**os.environ, "FZZF_CACHE": str(cache)})
    assert result.returncode == 0, result.stderr[-3000:]
    executed = sorted(p.name for p in (run / "notebooks").glob("*.ipynb"))
    assert executed == sorted(p.name for p in committed)
    # Every figure the committed notebooks make is made for this corpus too, under OUT only
    # (and more: the seeds have too few reports a year for the year-over-year figure, which
    # a caution replaces).
    made = {p.name for p in (run / "figures").glob("*.png")}
    assert {p.name for p in FIGURES.glob("*.png")} <= made
    assert "04-year-over-year-change.png" in made
    for path, content in committed.items():
        assert path.read_bytes() == content, f"{path.name} was modified"
    ours = TokenizerConfig().segmentation_fingerprint()[:24]
    assert not (cache / "tokens" / ours).exists(), "a notebook tokenized the corpus again"
    # The run is on the generated reports: notebook 01 counts 200 loaded reports.
    overview = json.loads((run / "notebooks" / "01-corpus-overview.ipynb").read_text())
    outputs = "".join(str(o.get("data", {}).get("text/markdown", "")) for cell in
                      overview["cells"] for o in cell.get("outputs", []))
    assert "**200 reports**" in outputs
