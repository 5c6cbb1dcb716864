"""Where the cache goes: the checkout's .cache, the per-user cache folder, or FZZF_CACHE."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from analysis import paths

USER_CACHE = Path(platformdirs.user_cache_dir("fzzf-analysis"))


def _pyproject(root: Path, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    return root


def test_checkout_keeps_its_own_cache(tmp_path):
    root = _pyproject(tmp_path / "clone", '[project]\nname = "fzzf-analysis"\n')
    assert paths.is_checkout(root)
    assert paths.cache_dir(root, environ={}) == root / ".cache"


@pytest.mark.parametrize("text", [
    None,                                      # site-packages: no pyproject.toml at all
    '[project]\nname = "another-project"\n',   # somebody else's pyproject.toml
    '[tool.black]\nline-length = 88\n',        # no [project] table
    'project = "fzzf-analysis"\n',             # [project] is not a table
    '[project\nname = "fzzf-analysis"\n',      # not TOML
])
def test_installed_package_uses_the_per_user_cache(tmp_path, text):
    root = tmp_path / "site-packages"
    root.mkdir()
    if text is not None:
        _pyproject(root, text)
    assert not paths.is_checkout(root)
    cache = paths.cache_dir(root, environ={})
    assert cache == USER_CACHE
    assert not cache.is_relative_to(root)


def test_missing_root_is_not_a_checkout(tmp_path):
    assert not paths.is_checkout(tmp_path / "nowhere")
    assert paths.cache_dir(tmp_path / "nowhere", environ={}) == USER_CACHE


@pytest.mark.parametrize("checkout", [True, False])
def test_fzzf_cache_wins(tmp_path, checkout):
    root = tmp_path / "root"
    root.mkdir()
    if checkout:
        _pyproject(root, '[project]\nname = "fzzf-analysis"\n')
    chosen = tmp_path / "elsewhere"
    assert paths.cache_dir(root, environ={"FZZF_CACHE": str(chosen)}) == chosen
    # Set but empty counts as unset, not as the working directory.
    expected = root / ".cache" if checkout else USER_CACHE
    assert paths.cache_dir(root, environ={"FZZF_CACHE": ""}) == expected


def test_this_clone_is_a_checkout():
    # The tests run from the clone (they are not installed), so ROOT is the project's folder.
    assert paths.is_checkout(paths.ROOT)
    assert paths.SCRATCH_FIGURES == paths.CACHE / "figures"
