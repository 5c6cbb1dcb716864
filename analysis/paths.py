"""Every path the project uses, computed from this file's location.

nbval runs each notebook from its own folder, so nothing may depend on the
working directory: notebooks, tests and the CLI all import these constants.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
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


def is_checkout(root: Path) -> bool:
    """Whether ``root`` is this project's source tree: it has the pyproject.toml that names
    the distribution ``fzzf-analysis``.

    That holds for a clone (editable install, or the package imported from the working
    directory) and never for site-packages, where a plain ``pip install .`` puts the package
    and where ``root`` is shared by every installed distribution. The name is checked, not only
    the file, so that a stray pyproject.toml of another project does not count.
    """
    try:
        with open(root / "pyproject.toml", "rb") as file:
            project = tomllib.load(file).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False
    return isinstance(project, dict) and project.get("name") == "fzzf-analysis"


def cache_dir(root: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """The folder for derived data that can always be rebuilt (tokens, jieba's dictionary
    cache, scratch figures).

    ``FZZF_CACHE`` when set (and not empty); else ``root/.cache`` in a checkout (git ignores
    it); else the per-user cache folder (``~/.cache/fzzf-analysis`` on Linux), never
    site-packages.
    """
    if environ.get("FZZF_CACHE"):
        return Path(environ["FZZF_CACHE"])
    if is_checkout(root):
        return root / ".cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("fzzf-analysis"))


CACHE: Path = cache_dir(ROOT)
# Where save_figure writes when neither figures_dir nor FZZF_FIGURES says: running a notebook
# by hand never overwrites the committed figures; only `make figures` writes FIGURES.
SCRATCH_FIGURES: Path = CACHE / "figures"
# Development material outside the repo: present on CI and developer machines, absent in a user's clone.
SHARED: Path = ROOT.parent / "shared"
DEV_OPENINGS: Path = SHARED / "dev-openings"
