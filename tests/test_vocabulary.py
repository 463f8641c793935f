"""Small vocabularies are written once: the price field names live in pricewatch/fields.py."""

from __future__ import annotations

import ast

from conftest import REPO_ROOT

from pricewatch.fields import PRICE_FIELDS

HOME = REPO_ROOT / "pricewatch" / "fields.py"
FOLDERS = ("pricewatch", "scraper", "analysis", "site", "tests", "bench")


def test_the_price_field_list_is_written_only_in_pricewatch_fields():
    """A tuple, list or set naming five or more price fields is a copy: import PRICE_FIELDS instead."""
    copies = []
    for folder in FOLDERS:
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            if path == HOME:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Tuple | ast.List | ast.Set):
                    items = node.elts
                    names = {
                        i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)
                    }
                    if len(names & set(PRICE_FIELDS)) >= 5:
                        copies.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert copies == []
