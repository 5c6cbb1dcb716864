"""Speed work never changes a table: every built table equals the reference fingerprints.

The reference (``tests/data/reference_tables.json``) was written by
``benchmarks/reference_tables.py --write`` before the speed work, from the seeds and from 60
generated reports; a change meant to alter the tables rewrites it in the same commit.
"""

from __future__ import annotations

import json
import sys

from analysis.paths import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from reference_tables import REFERENCE, build_references  # noqa: E402


def test_every_table_equals_the_reference(tmp_path):
    expected = json.loads(REFERENCE.read_text(encoding="utf-8"))
    got = build_references(tmp_path)
    assert set(got) == {"seeds", "generated"}
    for corpus, tables in got.items():
        differ = sorted(t for t in tables if tables[t] != expected[corpus][t])
        assert differ == [], f"{corpus}: {differ} differ from the reference"

