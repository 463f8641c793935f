"""Structure tests that keep the source registry honest, and adding a source to four places.

A source is added in four places (README, Development): its module (registered in
``SOURCE_NAMES`` beside it), its fixture pair(s), its catalog entries, its README row.
Everything else (the golden runner, the replay builders and their tests, the CLI's source
lists) derives from the registry and the fixture folders. ``missing_places`` names which of
the four a source lacks; a test registers a fake source in-process to show that the checks
see each place and that the derived lists pick the source up with no fifth edit.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import shutil
import sys
import types
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO_ROOT
from golden import FIXTURES, SNAPSHOT, golden_cases

from pricewatch.cli import source_base_urls
from pricewatch.errors import UnknownSourceError
from pricewatch.scraper import sources
from pricewatch.scraper.catalog import Catalog
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import make_record
from pricewatch.scraper.replay import MANIFEST_NAME
from pricewatch.scraper.sources import SOURCE_NAMES, all_sources, base_url_env_var, get_source

KINDS = {"aggregator", "first-party", "host"}
SOURCES_PACKAGE = REPO_ROOT / "scraper" / "sources"
README = REPO_ROOT / "README.md"
# Fixture folders that are not a source's: articles for `scan`.
OTHER_FIXTURES = {"articles", "names"}
_README_ROW = re.compile(r"^\| `([a-z0-9_-]+)` \|", re.MULTILINE)


def readme_sources(readme: str) -> set[str]:
    """The slugs in the first column of the README's Sources table."""
    section = readme.split("\n## Sources\n", 1)[1].split("\n## ", 1)[0]
    return set(_README_ROW.findall(section))


def served_urls(snapshot: Path) -> set[str]:
    """The URLs a replay directory serves."""
    return {entry["url"] for entry in json.loads((snapshot / MANIFEST_NAME).read_text())["responses"]}


def unmapped_names(name: str, catalog: Catalog, **homes: Path) -> list[str]:
    """Names in the source's golden records that the catalog cannot map.

    Every provider must map; a first-party page's models too (an aggregator lists every
    model it sells, and `pricewatch status --unmapped` names the ones the catalog lacks).
    """
    module = get_source(name)
    unmapped = set()
    for case in golden_cases([name], **homes):
        for record in module.parse(case.url, case.body.read_bytes()).records:
            if catalog.resolve_provider(record.provider) is None:
                unmapped.add(f"provider {record.provider!r}")
            model_known = catalog.resolve_model(record.model) or catalog.resolve_snapshot(record.model)
            if module.KIND == "first-party" and not model_known:
                unmapped.add(f"model {record.model!r}")
    return sorted(unmapped)


def missing_places(
    name: str, catalog: Catalog, *, readme: str, fixtures: Path = FIXTURES, snapshot: Path = SNAPSHOT
) -> list[str]:
    """Which of the four places a registered source lacks (its module is there: it imports)."""
    module = get_source(name)
    missing = []
    cases = golden_cases([name], fixtures=fixtures, snapshot=snapshot)
    in_snapshot = set(module.start_urls(module.DEFAULT_BASE_URL)) <= served_urls(snapshot)
    if not cases or not in_snapshot:
        missing.append("fixture pair (expected records, and a body the snapshot serves at its start URL)")
    unmapped = unmapped_names(name, catalog, fixtures=fixtures, snapshot=snapshot)
    if unmapped:
        missing.append(f"catalog entries for {', '.join(unmapped)}")
    if name not in readme_sources(readme):
        missing.append("README row")
    return missing


# ----------------------------------------------------------------------------- the registry


def _module_defines(path: Path, names: set[str]) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assigned = {
        t.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    return names <= assigned | functions


def test_every_source_module_in_the_package_is_registered():
    """A module with NAME, KIND, start_urls and parse is a source: it must be in SOURCE_NAMES."""
    found = set()
    for path in SOURCES_PACKAGE.glob("*.py"):
        if path.name.startswith("_") or not _module_defines(path, {"NAME", "KIND", "start_urls", "parse"}):
            continue
        spec = importlib.util.find_spec(f"pricewatch.scraper.sources.{path.stem}")
        module = importlib.import_module(spec.name) if spec else None
        if module is not None and module.KIND in KINDS:
            found.add(module.NAME)
    assert found == set(SOURCE_NAMES)


def test_openrouter_refreshes_first():
    # Its endpoints list the makers' own prices, which the first-party runs cross-check against.
    assert SOURCE_NAMES[0] == "openrouter"
    assert len(set(SOURCE_NAMES)) == len(SOURCE_NAMES)


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
    # OpenRouter is two sources: its models list and its per-host endpoints sweep.
    aggregators = {"openrouter", "openrouter-endpoints"}
    assert {m.NAME: m.KIND for m in all_sources()} == {
        name: ("aggregator" if name in aggregators else "first-party") for name in SOURCE_NAMES
    }


# ----------------------------------------------------------------------------- the four places


@pytest.mark.parametrize("name", SOURCE_NAMES)
def test_every_source_is_in_all_four_places(name, catalog):
    assert missing_places(name, catalog, readme=README.read_text(encoding="utf-8")) == []


def test_the_readme_gives_the_four_place_recipe():
    recipe = README.read_text(encoding="utf-8").split("\n### Adding a source\n", 1)[1].split("\n## ", 1)[0]
    steps = re.findall(r"^\d\. \*\*(.+?)\*\*", recipe, re.MULTILINE)
    assert steps == ["The module", "Its fixture pair(s)", "Its catalog entries", "Its README row"]
    for path in ("scraper/sources/", "data/snapshot/", "tests/fixtures/", "data/catalog.toml"):
        assert path in recipe and (REPO_ROOT / path).exists()


def test_the_readme_lists_no_source_that_is_not_registered():
    assert readme_sources(README.read_text(encoding="utf-8")) == set(SOURCE_NAMES)


def test_every_fixture_folder_belongs_to_a_registered_source():
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()} - OTHER_FIXTURES
    assert folders <= set(SOURCE_NAMES)


def test_every_snapshot_body_belongs_to_a_registered_source():
    manifest = json.loads((SNAPSHOT / MANIFEST_NAME).read_text())
    owners = {entry["body"].split("/", 1)[0] for entry in manifest["responses"]}
    assert owners <= set(SOURCE_NAMES)
    listed = {entry["body"] for entry in manifest["responses"]}
    on_disk = {str(p.relative_to(SNAPSHOT)) for p in SNAPSHOT.rglob("*") if p.is_file()} - {MANIFEST_NAME}
    assert on_disk == listed


def test_every_fixture_body_is_stored_once():
    """A body lives in data/snapshot/ (shipped, replayed by the demo) or tests/fixtures/, never both."""
    test_bodies = [p for p in FIXTURES.rglob("*") if p.is_file() and not p.name.endswith(".expected.json")]
    contents: dict[bytes, list[Path]] = {}
    for path in [*test_bodies, *(p for p in SNAPSHOT.rglob("*") if p.is_file())]:
        contents.setdefault(path.read_bytes().strip(), []).append(path)
    assert [paths for paths in contents.values() if len(paths) > 1] == []
    # A source's tests-only body is there for a golden case.
    paired = {case.body for case in golden_cases()}
    assert [p for p in test_bodies if p.parent.name not in OTHER_FIXTURES and p not in paired] == []


# ----------------------------------------------------------------------------- a fifth place


def _fake_source(name: str) -> types.ModuleType:
    module = types.ModuleType(f"pricewatch.scraper.sources.{name}")
    module.NAME, module.KIND, module.LISTS_EVERYTHING = name, "first-party", False
    module.DEFAULT_BASE_URL = f"https://{name}.example"
    module.start_urls = lambda base: [f"{base.rstrip('/')}/pricing.md"]

    def parse(url: str, body: bytes) -> Parsed:
        model, provider, price = body.decode().split()
        return Parsed([make_record(model=model, provider=provider, input=price, output=price)])

    module.parse = parse
    return module


def _load_bench(name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up in sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fakesource(monkeypatch):
    """A first-party source registered in-process (the module and its SOURCE_NAMES line)."""
    monkeypatch.setattr(sources, "SOURCE_NAMES", (*SOURCE_NAMES, "fakesource"))
    monkeypatch.setitem(sources._loaded, "fakesource", _fake_source("fakesource"))
    return "fakesource"


def _add_fixture_pair(fixtures: Path, snapshot: Path, body: str, expected: list[dict]) -> None:
    (snapshot / "fakesource").mkdir(parents=True)
    (snapshot / "fakesource" / "current.md").write_text(body)
    manifest = {
        "recorded_at": "2026-09-01T00:00:00Z",
        "responses": [
            {"url": "https://fakesource.example/pricing.md", "status": 200, "body": "fakesource/current.md"}
        ],
    }
    (snapshot / MANIFEST_NAME).write_text(json.dumps(manifest))
    (fixtures / "fakesource").mkdir(parents=True)
    (fixtures / "fakesource" / "current.expected.json").write_text(json.dumps(expected))


def test_a_new_source_needs_exactly_the_four_places(fakesource, catalog, tmp_path):
    fixtures, snapshot = tmp_path / "fixtures", tmp_path / "snapshot"
    readme = README.read_text(encoding="utf-8")
    homes = {"fixtures": fixtures, "snapshot": snapshot}
    fixtures.mkdir()
    snapshot.mkdir()
    (snapshot / MANIFEST_NAME).write_text('{"responses": []}')
    # 1. The module alone: the checks name the three places still to fill.
    assert [place.split(" ")[0] for place in missing_places(fakesource, catalog, readme=readme, **homes)] == [
        "fixture",
        "README",
    ]
    # 2. A fixture pair whose names the catalog does not know: the catalog is named.
    _add_fixture_pair(
        fixtures,
        snapshot,
        "Fake-Model-9 FakeCo 1.5",
        [{"model": "Fake-Model-9", "provider": "FakeCo", "input": "1.5", "output": "1.5"}],
    )
    assert missing_places(fakesource, catalog, readme=readme, **homes) == [
        "catalog entries for model 'Fake-Model-9', provider 'FakeCo'",
        "README row",
    ]
    # 3. Catalog entries (names the shipped catalog maps) and a README row: nothing is missing.
    (snapshot / "fakesource" / "current.md").write_text("claude-opus-4-6 Anthropic 5")
    (fixtures / "fakesource" / "current.expected.json").write_text(
        json.dumps([{"model": "claude-opus-4-6", "provider": "Anthropic", "input": "5", "output": "5"}])
    )
    readme = readme.replace("\n## Sources\n", "\n## Sources\n\n| `fakesource` | x | y | z |\n", 1)
    assert missing_places(fakesource, catalog, readme=readme, **homes) == []
    # The golden runner picks the pair up, from the registry and the folders alone.
    [case] = golden_cases([fakesource], **homes)
    assert case.url == "https://fakesource.example/pricing.md"


def test_the_derived_lists_pick_a_new_source_up(fakesource, monkeypatch, tmp_path):
    from pricewatch.cli import _all_source_names

    assert [m.NAME for m in all_sources()][-1] == fakesource
    assert _all_source_names()[-1] == fakesource  # `refresh` and `status` with no --source
    # The first-party replay builder lists it, and serves it from the snapshot until a
    # recording of its page is named in RECORDINGS (here: none, so no samples are read).
    builder = _load_bench("make_firstparty_replay")
    assert builder.first_party_sources()[-1] == fakesource
    snapshot = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT, snapshot)
    (snapshot / fakesource).mkdir()
    (snapshot / fakesource / "current.md").write_text("claude-opus-4-6 Anthropic 5")
    manifest = json.loads((snapshot / MANIFEST_NAME).read_text())
    entry = {"url": "https://fakesource.example/pricing.md", "method": "GET", "status": 200, "headers": {}}
    manifest["responses"].append({**entry, "body": f"{fakesource}/current.md"})
    (snapshot / MANIFEST_NAME).write_text(json.dumps(manifest))
    monkeypatch.setattr(builder, "RECORDINGS", ())
    built = json.loads(
        builder.build_replay(tmp_path / "no-samples", tmp_path / "out", snapshot=snapshot).read_text()
    )
    assert [r["url"] for r in built["responses"]][-1] == entry["url"]
    assert (tmp_path / "out" / fakesource / "current.md").read_text() == "claude-opus-4-6 Anthropic 5"


def test_base_url_env_var_names_the_override():
    assert base_url_env_var("openrouter") == "PRICEWATCH_OPENROUTER_BASE_URL"
    assert base_url_env_var("some-source") == "PRICEWATCH_SOME_SOURCE_BASE_URL"
    environ = {"PRICEWATCH_ANTHROPIC_BASE_URL": "http://127.0.0.1:9000", "PRICEWATCH_OPENAI_BASE_URL": ""}
    assert source_base_urls(["anthropic", "openai", "google"], environ) == {
        "anthropic": "http://127.0.0.1:9000"
    }


def test_an_unknown_source_raises_with_the_known_names():
    with pytest.raises(UnknownSourceError) as caught:
        get_source("together")
    assert str(caught.value).startswith("Unknown source: together")
    assert "anthropic" in str(caught.value)
