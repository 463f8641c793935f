"""The article harness (bench/claims_articles.py) loaded for the tests, and where its inputs are.

bench/ is not a package; the harness is loaded from its file once, under its own name.
"""

from __future__ import annotations

import importlib.util
import sys

from conftest import REPO_ROOT

ARTICLES = REPO_ROOT.parent / "shared" / "articles"
TRUTH = REPO_ROOT / "tests" / "data" / "article_claims.toml"


def _load():
    name = "claims_articles"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "bench" / "claims_articles.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the file runs
        spec.loader.exec_module(module)
    return sys.modules[name]


harness = _load()
