"""The notebooks run unchanged on another folder: a generated corpus of 200 reports."""

from __future__ import annotations

import json
import subprocess
import sys

from analysis.paths import FIGURES, NOTEBOOKS, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from make_corpus import make_corpus  # noqa: E402


def test_notebooks_run_on_200_generated_reports(tmp_path):
    reports, out = tmp_path / "reports", tmp_path / "run"
    make_corpus(200, reports, seed=7)
    committed = {p: p.read_bytes() for p in NOTEBOOKS.glob("*.ipynb")}
    result = subprocess.run([sys.executable, "-m", "analysis", "figures", "--reports",
                             str(reports), "--out", str(out)], cwd=ROOT, capture_output=True,
                            text=True, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    executed = sorted(p.name for p in (out / "notebooks").glob("*.ipynb"))
    assert executed == sorted(p.name for p in committed)
    # Every figure the committed notebooks make is made for this corpus too, under OUT only.
    assert sorted(p.name for p in (out / "figures").glob("*.png")) == sorted(
        p.name for p in FIGURES.glob("*.png"))
    for path, content in committed.items():
        assert path.read_bytes() == content, f"{path.name} was modified"
    # The run is on the generated reports: notebook 01 counts 200 loaded reports.
    overview = json.loads((out / "notebooks" / "01-corpus-overview.ipynb").read_text())
    outputs = "".join(str(o.get("data", {}).get("text/markdown", "")) for cell in
                      overview["cells"] for o in cell.get("outputs", []))
    assert "**200 reports**" in outputs
