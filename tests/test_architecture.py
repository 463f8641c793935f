"""Structure rules that import-linter cannot express, checked on the source files with ast.

The layer rules (the dependency direction of shared/STYLE.md) are import-linter contracts in
pyproject.toml, run by `make test` over the link tree of the installed layout (tools/linktree.py).
"""

from __future__ import annotations

import ast

from conftest import REPO_ROOT


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
