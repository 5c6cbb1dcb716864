"""Every path the project uses, computed from this file's location.

nbval runs each notebook from its own folder, so nothing may depend on the
working directory: notebooks, tests and the CLI all import these constants.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR: Path = Path(__file__).resolve().parent
ROOT: Path = PACKAGE_DIR.parent
RESOURCES: Path = PACKAGE_DIR / "resources"
SEEDS: Path = ROOT / "seeds"
NOTEBOOKS: Path = ROOT / "notebooks"
FIGURES: Path = ROOT / "figures"
# The seeds' built tables, which the committed notebooks read (`make tables`, git-ignored).
TABLES: Path = ROOT / "build" / "tables"
TESTS: Path = ROOT / "tests"
# Derived data that can always be rebuilt; git ignores it.
CACHE: Path = Path(os.environ.get("FZZF_CACHE", ROOT / ".cache"))
# Where save_figure writes when neither figures_dir nor FZZF_FIGURES says: running a notebook
# by hand never overwrites the committed figures; only `make figures` writes FIGURES.
SCRATCH_FIGURES: Path = CACHE / "figures"
# Development material outside the repo: present on CI and developer machines, absent in a user's clone.
SHARED: Path = ROOT.parent / "shared"
DEV_OPENINGS: Path = SHARED / "dev-openings"
