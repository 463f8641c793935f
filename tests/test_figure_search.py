"""Where and when a price claim's quoted figures held, when the price it was bound to differs (issue 15)."""

from __future__ import annotations

import json

import jsonschema
from claim_data import point
from conftest import REPO_ROOT

from pricewatch.analysis.claims import CheckReport, PriceClaim, evaluate
from pricewatch.analysis.figure_search import search_figures, with_figure_search

SCHEMA = json.loads((REPO_ROOT / "docs" / "claim.schema.json").read_text(encoding="utf-8"))
KIMI = "moonshotai/kimi-k2.5"
POINTS = [
    point(KIMI, "moonshotai", "2026-01-29", input="0.60", output="3.00"),
    point(KIMI, "deepinfra", "2026-05-16", input="0.45", output="2.25", cache_read="0.07"),
    point(KIMI, "openrouter", "2026-06-13", "2026-08-19", input="0.375", output="2.02"),
    point(KIMI, "openrouter", "2026-08-19", "2026-09-01", input="0.45", output="2.25"),
    point(KIMI, "openrouter", "2026-09-01", input="0.30", output="1.50"),
]
AT = "2026-12-05T23:59:59Z"


def test_a_price_that_misses_its_host_says_where_and_when_the_figures_held():
    claim = PriceClaim(text="x", model=KIMI, provider="openrouter", input="0.45", output="2.25")
    verdict = with_figure_search(evaluate(claim, POINTS, {}, AT), POINTS, AT)
    assert verdict.verdict == "stale"  # it held at OpenRouter from 2026-08-19 to 2026-09-01
    assert [
        (h.provider, h.valid_from[:10], h.valid_to and h.valid_to[:10], h.list_price)
        for h in verdict.held_elsewhere
    ] == [
        ("deepinfra", "2026-05-16", None, False),
        ("openrouter", "2026-08-19", "2026-09-01", True),
    ]
    assert verdict.summary.endswith(
        "; $0.45/$2.25 is deepinfra's price since 2026-05-16 and openrouter's list price from 2026-08-19 to 2026-09-01"
    )
    document = json.loads(CheckReport(text="x", at=AT, verdict="stale", results=[verdict]).to_json())
    jsonschema.Draft202012Validator({**SCHEMA, "$ref": "#/$defs/CheckReport"}).validate(document)
    assert document["results"][0]["held_elsewhere"][0]["provider"] == "deepinfra"


def test_only_prices_known_at_the_check_time_and_exact_figures_count():
    claim = PriceClaim(model=KIMI, provider="openrouter", input="0.45", output="2.25")
    assert [h.provider for h in search_figures(claim, POINTS, "2026-07-01T00:00:00Z")] == ["deepinfra"]
    near = PriceClaim(model=KIMI, provider="openrouter", input="0.90", output="4.50")
    verdict = with_figure_search(evaluate(near, POINTS, {}, AT), POINTS, AT)
    assert verdict.held_elsewhere == [] and verdict.summary.endswith(
        "; $0.90/$4.50 is no host's price in the history"
    )
    cache = PriceClaim(model=KIMI, provider="openrouter", cache_read="0.07")
    assert [h.provider for h in search_figures(cache, POINTS, AT)] == ["deepinfra"]


def test_a_claim_that_holds_is_left_as_it_is():
    claim = PriceClaim(model=KIMI, provider="deepinfra", input="0.45", output="2.25")
    verdict = evaluate(claim, POINTS, {}, AT)
    assert with_figure_search(verdict, POINTS, AT) is verdict


def test_a_snapshot_says_its_name_and_other_tiers_or_bands_are_not_the_price():
    """GPT-4o at $5/$15: OpenAI's plain price was that at launch; since then only the dated
    snapshot gpt-4o-2024-05-13 is sold at it (named); a batch or long-prompt price is no match."""
    import dataclasses

    gpt4o = "openai/gpt-4o"
    points = [
        point(gpt4o, "openai", "2024-05-13", "2024-08-06", input="5", output="15"),
        point(gpt4o, "openai", "2024-08-06", input="2.5", output="10"),
        dataclasses.replace(
            point(gpt4o, "openai", "2025-02-06", input="5", output="15"), variant="gpt-4o-2024-05-13"
        ),
        dataclasses.replace(point(gpt4o, "azure", "2025-02-06", input="5", output="15"), tier="batch"),
        dataclasses.replace(
            point(gpt4o, "google", "2025-02-06", input="5", output="15"), min_prompt_tokens=200_000
        ),
    ]
    claim = PriceClaim(text="x", model=gpt4o, input="5", output="15")
    verdict = with_figure_search(evaluate(claim, points, {}, AT), points, AT)
    assert [(h.provider, h.variant) for h in verdict.held_elsewhere] == [
        ("openai", ""),
        ("openai", "gpt-4o-2024-05-13"),
    ]
    assert verdict.summary.endswith(
        "; $5.00/$15.00 is openai's price from 2024-05-13 to 2024-08-06 and openai's price for "
        "gpt-4o-2024-05-13 since 2025-02-06"
    )
