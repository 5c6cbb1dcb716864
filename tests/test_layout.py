"""The package layout the README describes is the tree, and the public API is what it says."""

from __future__ import annotations

import ast
import importlib
import re

import pytest

import analysis
from analysis import paths

MODULES = sorted(p for p in paths.PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)
MAX_LINES = 680  # "about 600": the largest module may run a little over, none far over


def _layout_section() -> str:
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]


def test_readme_layout_names_every_subpackage_and_top_level_module():
    layout = _layout_section()
    for path in MODULES:
        relative = path.relative_to(paths.PACKAGE_DIR.parent)
        if path.parent == paths.PACKAGE_DIR:
            if path.name in ("__init__.py", "__main__.py"):
                continue
            assert f"`{relative.as_posix()}`" in layout, f"README layout lacks {relative}"
        else:
            package = relative.parts[:2]
            assert f"`{'/'.join(package)}/`" in layout, f"README layout lacks {'/'.join(package)}/"


def test_modules_the_readme_layout_lists_exist():
    rows = [line for line in _layout_section().splitlines() if line.startswith("| `analysis/")]
    assert rows
    for row in rows:
        where, what = row.split(" | ", 1)
        folder = paths.PACKAGE_DIR.parent / where.strip("| `")
        if not where.strip("| `").endswith("/"):
            assert folder.is_file(), where
            continue
        # The module names, outside the parentheses that say what each holds.
        while re.search(r"\([^()]*\)", what):
            what = re.sub(r"\([^()]*\)", "", what)
        names = re.findall(r"`([a-z_]+)/?`", what)
        assert names or folder.name == "resources", row
        for name in names:
            assert any(folder.rglob(f"{name}.py")) or (folder / name).is_dir(), (where, name)


def test_no_module_is_much_longer_than_600_lines():
    long = {p.relative_to(paths.PACKAGE_DIR).as_posix(): n for p in MODULES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long


@pytest.mark.parametrize("path", [p for p in MODULES if p.name != "__main__.py"],
                         ids=lambda p: p.relative_to(paths.PACKAGE_DIR).as_posix())
def test_every_module_declares_its_public_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    declared = [node for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                and any(getattr(t, "id", None) == "__all__"
                        for t in getattr(node, "targets", [getattr(node, "target", None)]))]
    if path.name == "paths.py" or (path.name == "__init__.py" and path.parent.name == "ingest"):
        pytest.skip("a module of constants or a namespace with nothing to export")
    assert declared, "no __all__"
    module = importlib.import_module(
        ".".join(path.relative_to(paths.PACKAGE_DIR.parent).with_suffix("").parts)
        .removesuffix(".__init__"))
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing


def test_the_curated_api_resolves_and_keeps_its_prefixes():
    prefixes = ("load_", "build_", "read_", "select_", "add_", "tokenize_", "tag_", "extract_",
                "count_", "score_", "find_", "check_", "pivot_", "list_", "plot_", "save_",
                "show_", "use_", "write_")  # write_: writes a file (write_workbook)
    for name in analysis.__all__:
        assert callable(getattr(analysis, name)), name
        if name[0].islower() and name not in ("kwic", "display"):
            assert name.startswith(prefixes), name
    # load_ parses raw files; nothing that reads a resource or a build is called load_.
    assert [n for n in analysis.__all__ if n.startswith("load_")] == ["load_corpus"]
    with pytest.raises(AttributeError, match="no attribute 'load_tokens'"):
        analysis.load_tokens  # noqa: B018  (renamed tokenize_sentences)
