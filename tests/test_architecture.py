"""The dependency direction of shared/STYLE.md, checked on the source files' imports.

import-linter's graph builder (grimp) cannot follow setuptools' package-dir mapping
(scraper/ is imported as pricewatch.scraper), so the contracts are checked here with ast.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO_ROOT


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((REPO_ROOT / folder).rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(REPO_ROOT)} imports {name}")
    return found


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("analysis", ("httpx", "sqlite_utils", "sqlite3", "pricewatch.scraper", "pricewatch.cli", "jinja2")),
        ("scraper/sources", ("httpx", "sqlite_utils", "pricewatch.scraper.store", "pricewatch.scraper.http")),
        ("scraper", ("pricewatch.cli", "click", "pricewatch.build")),
    ],
    ids=["analysis-is-pure", "sources-are-pure", "scraper-below-cli"],
)
def test_layer_contract(folder, forbidden):
    assert _violations(folder, forbidden) == []


def test_nothing_imports_the_cli():
    offenders = []
    for folder in ("pricewatch", "scraper", "analysis"):
        for path in (REPO_ROOT / folder).rglob("*.py"):
            if path.name != "cli.py" and "pricewatch.cli" in _imports(path):
                offenders.append(str(path.relative_to(REPO_ROOT)))
    assert offenders == []
