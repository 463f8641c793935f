"""tools/linktree.py: the tree that lets static tools read the installed layout."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from conftest import REPO_ROOT


def _linktree():
    spec = importlib.util.spec_from_file_location("pricewatch_linktree", REPO_ROOT / "tools" / "linktree.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_tree_has_every_shipped_package_where_its_import_name_says(tmp_path):
    linktree = _linktree()
    spec = importlib.util.spec_from_file_location("pricewatch_setup", REPO_ROOT / "setup.py")
    setup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup)
    parts = linktree.part_folders()
    assert parts == setup.PART_FOLDERS  # one mapping, read from setup.py
    linktree.build_tree(tmp_path, parts)
    for package in setup.part_packages():
        assert tmp_path.joinpath(*package.split(".")).is_dir(), package
    assert (tmp_path / "pricewatch" / "scraper" / "store.py").resolve() == REPO_ROOT / "scraper" / "store.py"
    assert (tmp_path / "pricewatch" / "cli.py").resolve() == REPO_ROOT / "pricewatch" / "cli.py"
    assert not (tmp_path / "pricewatch" / "__pycache__").exists()


def test_a_rebuild_sees_a_new_module_and_changes_nothing_in_the_checkout(tmp_path):
    linktree = _linktree()
    parts = {"pkg": "a", "pkg.sub": "b"}
    checkout = tmp_path / "checkout"
    for folder in ("a", "b"):
        (checkout / folder).mkdir(parents=True)
        (checkout / folder / "__init__.py").write_text("")
    linktree.REPO_ROOT = checkout
    tree = tmp_path / "tree"
    linktree.build_tree(tree, parts)
    (checkout / "b" / "new.py").write_text("")
    assert (tree / "pkg" / "sub" / "new.py").is_file()  # a whole folder is one link
    (checkout / "a" / "other.py").write_text("")
    linktree.build_tree(tree, parts)
    assert (tree / "pkg" / "other.py").is_file()  # a folder holding a part: rebuilt each run
    assert sorted(p.name for p in (checkout / "a").iterdir()) == ["__init__.py", "other.py"]


def test_reported_paths_point_at_the_checkout():
    linktree = _linktree()
    parts = {"pricewatch": "pricewatch", "pricewatch.scraper": "scraper"}
    tree = Path("build") / "typecheck"
    text = (
        "build/typecheck/pricewatch/scraper/store.py:3: error: x\n"
        "build/typecheck/pricewatch/cli.py:9: error: y\n"
        f"{REPO_ROOT}/build/typecheck/pricewatch/scraper/http.py\n"
    )
    assert linktree.checkout_paths(text, tree, parts) == (
        f"scraper/store.py:3: error: x\npricewatch/cli.py:9: error: y\n{REPO_ROOT}/scraper/http.py\n"
    )
