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
        ("scraper", ("pricewatch.cli", "click", "pricewatch.site.build")),
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


def test_every_error_class_is_defined_in_the_one_error_module():
    """One error tree in one module (pricewatch/errors.py); private control-flow signals aside."""
    control_flow = {"ExitWith"}  # leaves a command with a code after its output; not an error
    offenders = []
    for folder in ("pricewatch", "scraper", "analysis", "site"):
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            if path == REPO_ROOT / "pricewatch" / "errors.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.ClassDef)
                    and not node.name.startswith("_")
                    and node.name not in control_flow
                ):
                    bases = {getattr(base, "id", getattr(base, "attr", "")) for base in node.bases}
                    if node.name.endswith(("Error", "Exception")) or bases & {"Exception", "ValueError"}:
                        offenders.append(f"{path.relative_to(REPO_ROOT)}: {node.name}")
    assert offenders == []
