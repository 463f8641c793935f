"""The catalog loader: names resolve, snapshots keep their own offers, the parse cache never goes stale."""

from __future__ import annotations

from datetime import date

import pytest

from pricewatch.errors import StoreError
from pricewatch.paths import default_catalog_path
from pricewatch.scraper.catalog import load_catalog, parse_catalog

SMALL = """
[providers.anthropic]
name = "Anthropic"
maker_of = ["anthropic"]

[models."anthropic/claude-opus-4.6"]
name = "Claude Opus 4.6"
aliases = ["claude-opus-4-6"]
released = 2026-02-05
"""


def test_cached_catalog_equals_the_parsed_one(tmp_path):
    cache = tmp_path / "cache"
    first = load_catalog(default_catalog_path(), cache_dir=cache)
    assert list(cache.glob("catalog-*.json"))
    second = load_catalog(default_catalog_path(), cache_dir=cache)
    assert second.models == first.models
    assert second.providers == first.providers
    assert second.models["openai/gpt-4o"].extra == first.models["openai/gpt-4o"].extra


def test_an_edited_catalog_is_never_served_from_a_stale_cache(tmp_path):
    path, cache = tmp_path / "catalog.toml", tmp_path / "cache"
    path.write_text(SMALL)
    assert load_catalog(path, cache_dir=cache).models["anthropic/claude-opus-4.6"].released == date(
        2026, 2, 5
    )
    path.write_text(SMALL.replace("2026-02-05", "2026-02-06"))
    assert load_catalog(path, cache_dir=cache).models["anthropic/claude-opus-4.6"].released == date(
        2026, 2, 6
    )


def test_names_resolve_case_and_space_insensitively_and_unknown_names_do_not_guess():
    catalog = parse_catalog(__import__("tomllib").loads(SMALL))
    assert catalog.resolve_model("  CLAUDE opus 4.6 ") == "anthropic/claude-opus-4.6"
    assert catalog.resolve_model("claude-opus-4-7") is None
    assert catalog.is_retail("anthropic/claude-opus-4.6", "anthropic")


def test_a_name_given_to_two_models_is_an_error():
    document = __import__("tomllib").loads(SMALL + '\n[models."x/y"]\naliases = ["claude-opus-4-6"]\n')
    with pytest.raises(StoreError, match="given to both"):
        parse_catalog(document)


def test_dated_snapshots_resolve_to_the_model_with_their_own_variant(catalog):
    assert catalog.resolve_snapshot("openai/gpt-4o-2024-05-13") == ("openai/gpt-4o", "gpt-4o-2024-05-13")
    assert catalog.resolve_snapshot("openai/gpt-4o") is None


def test_every_lifecycle_date_is_cited_from_a_stored_source_not_from_memory(catalog):
    dated = [
        (model.id, event, getattr(model, event))
        for model in catalog.models.values()
        for event in ("deprecated", "retired")
        if getattr(model, event) is not None
    ]
    assert dated
    for model_id, event, cited in dated:
        assert cited.source.startswith("https://"), (model_id, event)
        assert "memory" not in cited.evidence.lower(), (model_id, event, cited.evidence)
    # The Anthropic dates that were from memory now cite Anthropic's own pages.
    retired = {m: c.on.isoformat() for m, e, c in dated if e == "retired"}
    assert retired["anthropic/claude-instant-1.2"] == "2024-11-06"
    assert retired["anthropic/claude-2"] == retired["anthropic/claude-2.1"] == "2025-07-21"
    assert retired["anthropic/claude-3.5-sonnet"] == "2025-10-28"


PREVIEWS = """
[models."google/gemini-3-pro-preview"]
name = "Gemini 3 Pro Preview"
aliases = ["gemini-3-pro-preview"]

[models."google/gemini-4-pro-preview"]
name = "Gemini 4 Pro Preview"

[models."google/gemini-4-pro"]
name = "Gemini 4 Pro"

[models."y/one"]
name = "Duo Preview"

[models."y/two"]
name = "Duo 2"
aliases = ["duo-preview"]

[models."x/a-preview"]
name = "Twin Preview"

[models."x/b-preview"]
name = "Twin"
aliases = ["twin-preview"]
"""


def test_prose_drops_preview_only_where_no_other_model_has_the_name():
    """Articles write "Gemini 3 Pro" for gemini-3-pro-preview; a source's name never guesses."""
    catalog = parse_catalog(__import__("tomllib").loads(PREVIEWS))
    assert catalog.resolve_model("Gemini 3 Pro") is None
    assert catalog.resolve_model_in_prose("Gemini 3 Pro") == "google/gemini-3-pro-preview"
    assert catalog.resolve_model_in_prose("gemini-3-pro") == "google/gemini-3-pro-preview"
    assert catalog.resolve_model_in_prose("Gemini 4 Pro") == "google/gemini-4-pro"  # the real one
    assert catalog.resolve_model_in_prose("Gemini 4 Pro Preview") == "google/gemini-4-pro-preview"
    assert catalog.resolve_model_in_prose("duo") is None  # two models' previews would give it
    assert catalog.resolve_model_in_prose("twin") == "x/b-preview"  # its own name, not a shortening
