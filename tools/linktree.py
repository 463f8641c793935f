"""Run a static tool (mypy, lint-imports) over a link tree of the installed package layout.

The parts are top-level folders that install under one import name (setup.py's PART_FOLDERS:
scraper/ is ``pricewatch.scraper``). Static tools look for ``pricewatch/scraper/`` and cannot
follow that remapping. pip's strict editable install builds such a tree too, but only at install
time: a new module stays invisible until the next reinstall. This script rebuilds the tree of
symlinks on every run (milliseconds), from the same PART_FOLDERS that setup.py installs, so the
mapping is stated once; runs the tool with the tree first on MYPYPATH and PYTHONPATH; and
rewrites the tree's paths in the tool's output to the checkout's, so errors point at real files.

    python tools/linktree.py mypy -p pricewatch
    python tools/linktree.py --in-tree lint-imports --no-cache "$PWD/pyproject.toml"

``--in-tree`` runs the tool from the tree's root, for tools that put their working directory
first on the import path (lint-imports would find the checkout's bare ``pricewatch/`` folder
there); give such a tool its configuration by an absolute path.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TREE = Path("build") / "typecheck"


def part_folders() -> dict[str, str]:
    """setup.py's mapping from import name to folder (setup.py runs setup() only as a script)."""
    spec = importlib.util.spec_from_file_location("pricewatch_setup", REPO_ROOT / "setup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.PART_FOLDERS)


def build_tree(root: Path, parts: dict[str, str]) -> None:
    """(Re)build ``root`` so that ``root/<import path>`` is each part's folder, by symlinks.

    A part with another part inside it (``pricewatch`` holds ``pricewatch.scraper``) becomes a
    real directory of links to its folder's entries; a part with none is one link to its folder.
    """
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for name in sorted(parts, key=lambda n: n.count(".")):
        folder = REPO_ROOT / parts[name]
        target = root.joinpath(*name.split("."))
        nested = {other[len(name) + 1 :].split(".")[0] for other in parts if other.startswith(name + ".")}
        target.parent.mkdir(parents=True, exist_ok=True)
        if not nested:
            target.symlink_to(os.path.relpath(folder, target.parent), target_is_directory=True)
            continue
        target.mkdir()
        for entry in sorted(folder.iterdir()):
            if entry.name in nested or entry.name == "__pycache__":
                continue
            (target / entry.name).symlink_to(os.path.relpath(entry, target), entry.is_dir())


def checkout_paths(text: str, root: Path, parts: dict[str, str]) -> str:
    """``build/typecheck/pricewatch/scraper/store.py`` -> ``scraper/store.py`` (deepest part first)."""
    prefixes = {str(root.joinpath(*name.split("."))) + "/": parts[name] + "/" for name in parts}
    for tree_path in sorted(prefixes, key=len, reverse=True):
        for base in (f"{REPO_ROOT}/", ""):
            text = text.replace(base + tree_path, base + prefixes[tree_path])
    return text


def main(argv: list[str]) -> int:
    in_tree = argv[:1] == ["--in-tree"]
    argv = argv[1:] if in_tree else argv
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    os.chdir(REPO_ROOT)
    parts = part_folders()
    build_tree(TREE, parts)

    env = dict(os.environ)
    for variable in ("MYPYPATH", "PYTHONPATH"):
        env[variable] = os.pathsep.join(filter(None, [str(REPO_ROOT / TREE), env.get(variable)]))
    # The tool runs from the checkout's venv: the same bin/ as this interpreter, else PATH.
    tool = Path(sys.executable).parent / argv[0]
    command = [str(tool) if tool.is_file() else argv[0], *argv[1:]]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, cwd=REPO_ROOT / TREE if in_tree else None
    )
    sys.stdout.write(checkout_paths(done.stdout, TREE, parts))
    sys.stderr.write(checkout_paths(done.stderr, TREE, parts))
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
