"""Structure tests that keep the source registry honest.

Every registered source follows the module contract (scraper/parsing.py), has a golden
fixture pair written by the project, a contract test against the shared recordings, and
a body in the embedded snapshot (so `make demo` replays it); lookups of unknown names fail
with one clear error.
"""

from __future__ import annotations

import ast
import functools
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import FIXTURES, REPO_ROOT

from pricewatch.cli import source_base_urls
from pricewatch.errors import UnknownSourceError
from pricewatch.scraper.sources import SOURCE_NAMES, all_sources, base_url_env_var, get_source

KINDS = {"aggregator", "first-party", "host"}
BODY_SUFFIXES = {".md", ".html", ".json", ".ts", ".txt"}
KEY_FIELDS = ("model", "provider", "tier", "min_prompt_tokens", "variant")
SNAPSHOT = REPO_ROOT / "data" / "snapshot"


def _fixture_pairs(name: str) -> list[tuple[Path, Path]]:
    pairs = []
    for expected in sorted((FIXTURES / name).glob("*.expected.json")):
        case = expected.name.removesuffix(".expected.json")
        bodies = [p for p in expected.parent.glob(f"{case}.*") if p != expected and p.suffix in BODY_SUFFIXES]
        pairs.extend((body, expected) for body in bodies)
    return pairs


@functools.cache
def _imported_sources(test_file: Path) -> set[str]:
    """Names imported from pricewatch.scraper.sources by a test module."""
    tree = ast.parse(test_file.read_text(encoding="utf-8"))
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "pricewatch.scraper.sources"
        for alias in node.names
    }


def test_the_first_party_sources_follow_openrouter_in_refresh_order():
    assert SOURCE_NAMES == (
        "openrouter",
        "anthropic",
        "openai",
        "google",
        "deepseek",
        "mistral",
        "moonshot",
        "minimax",
    )


@pytest.mark.parametrize("name", SOURCE_NAMES)
def test_every_source_follows_the_module_contract(name):
    module = get_source(name)
    assert name == module.NAME
    assert module.KIND in KINDS
    assert isinstance(module.LISTS_EVERYTHING, bool)
    assert urlsplit(module.DEFAULT_BASE_URL).scheme == "https"
    urls = module.start_urls(module.DEFAULT_BASE_URL)
    assert urls and all(url.startswith(module.DEFAULT_BASE_URL.rstrip("/") + "/") for url in urls)
    # A base URL override (PRICEWATCH_<NAME>_BASE_URL) moves every start URL.
    assert all(url.startswith("http://127.0.0.1:8000/") for url in module.start_urls("http://127.0.0.1:8000"))
    assert callable(module.parse)


def test_only_openrouter_is_an_aggregator_the_rest_are_first_party():
    assert {m.NAME: m.KIND for m in all_sources()} == {
        name: ("aggregator" if name == "openrouter" else "first-party") for name in SOURCE_NAMES
    }


@pytest.mark.parametrize("name", SOURCE_NAMES)
def test_every_source_has_a_fixture_pair_with_unique_offers(name):
    pairs = _fixture_pairs(name)
    assert pairs, f"no <case>.<ext> + <case>.expected.json under tests/fixtures/{name}/"
    for _, expected in pairs:
        keys = [tuple(item[k] for k in KEY_FIELDS) for item in json.loads(expected.read_text())]
        # The store keys an offer by these fields: two records with one key would overwrite.
        assert len(keys) == len(set(keys)), expected


@pytest.mark.parametrize("name", SOURCE_NAMES)
def test_every_source_has_a_contract_test_against_the_recordings(name):
    contract_files = sorted(Path(__file__).parent.glob("test_contract_*.py"))
    covering = [f.name for f in contract_files if name in _imported_sources(f)]
    assert covering, f"no tests/test_contract_*.py imports the {name} source"


@pytest.mark.parametrize("name", SOURCE_NAMES)
def test_every_source_is_served_by_the_embedded_snapshot(name):
    module = get_source(name)
    served = {entry["url"] for entry in json.loads((SNAPSHOT / "manifest.json").read_text())["responses"]}
    assert set(module.start_urls(module.DEFAULT_BASE_URL)) <= served


def test_the_snapshot_first_party_bodies_are_the_projects_own_fixtures():
    for entry in json.loads((SNAPSHOT / "manifest.json").read_text())["responses"]:
        folder, _, file_name = entry["body"].partition("/")
        if folder in SOURCE_NAMES:
            assert (SNAPSHOT / entry["body"]).read_bytes() == (FIXTURES / folder / file_name).read_bytes()


def test_base_url_env_var_names_the_override():
    assert base_url_env_var("openrouter") == "PRICEWATCH_OPENROUTER_BASE_URL"
    assert base_url_env_var("some-source") == "PRICEWATCH_SOME_SOURCE_BASE_URL"
    environ = {"PRICEWATCH_ANTHROPIC_BASE_URL": "http://127.0.0.1:9000", "PRICEWATCH_OPENAI_BASE_URL": ""}
    assert source_base_urls(["anthropic", "openai", "google"], environ) == {
        "anthropic": "http://127.0.0.1:9000"
    }


def test_an_unknown_source_raises_with_the_known_names():
    with pytest.raises(UnknownSourceError) as caught:
        get_source("xai")
    assert str(caught.value).startswith("Unknown source: xai")
    assert "anthropic" in str(caught.value)
