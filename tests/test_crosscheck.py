"""`pricewatch crosscheck`: first-party prices against OpenRouter's figures for the same models."""

from __future__ import annotations

import json
from decimal import Decimal

from click.testing import CliRunner

from pricewatch.analysis.crosscheck import CurrentOffer, crosscheck
from pricewatch.cli import cli
from pricewatch.scraper.records import PRICE_FIELDS
from pricewatch.scraper.store import Observation, apply_observations, open_database

MAKERS = {
    "anthropic/claude-opus-4.6": ["anthropic"],
    "openai/gpt-4o": ["openai"],
    "moonshotai/kimi-k2": ["moonshotai"],
    "minimax/minimax-m2": ["minimax"],
}
FP_AT = "2026-08-21T00:00:00Z"
OR_AT = "2026-08-22T18:35:39Z"


def _offer(
    model,
    provider,
    *,
    source,
    variant="",
    tier="standard",
    origin="replay",
    currency="USD",
    at=FP_AT,
    **prices,
):
    return CurrentOffer(
        model=model,
        provider=provider,
        tier=tier,
        min_prompt_tokens=0,
        variant=variant,
        source=source,
        origin=origin,
        currency=currency,
        valid_from=at,
        last_seen=at,
        prices={name: Decimal(value) for name, value in prices.items()},
    )


def test_a_maker_endpoint_that_matches_is_an_agreement():
    check = crosscheck(
        [
            _offer("anthropic/claude-opus-4.6", "anthropic", source="anthropic", input="5", output="25"),
            _offer(
                "anthropic/claude-opus-4.6",
                "anthropic",
                source="openrouter",
                variant="anthropic",
                at=OR_AT,
                input="5",
                output="25",
            ),
            # OpenRouter's list price is only the fallback: it is not compared when an endpoint exists.
            _offer(
                "anthropic/claude-opus-4.6",
                "openrouter",
                source="openrouter",
                at=OR_AT,
                input="4",
                output="20",
            ),
            # Another host's endpoint is not the maker's.
            _offer(
                "anthropic/claude-opus-4.6",
                "amazon-bedrock",
                source="openrouter",
                variant="bedrock",
                input="6",
                output="30",
            ),
        ],
        MAKERS,
    )
    assert [(c.field, c.agrees, c.openrouter_figure) for c in check.comparisons] == [
        ("input", True, "maker endpoint anthropic (anthropic)"),
        ("output", True, "maker endpoint anthropic (anthropic)"),
    ]
    assert check.disagreements == ()
    assert check.comparisons[0].first_party_as_of == FP_AT and check.comparisons[0].openrouter_as_of == OR_AT


def test_without_an_endpoint_the_list_price_is_used_and_a_difference_is_a_disagreement():
    check = crosscheck(
        [
            _offer(
                "openai/gpt-4o", "openai", source="openai", input="2.50", output="10.00", cache_read="1.25"
            ),
            _offer("openai/gpt-4o", "openrouter", source="openrouter", at=OR_AT, input="2.5", output="12"),
        ],
        MAKERS,
    )
    assert [(c.field, c.agrees) for c in check.comparisons] == [("input", True), ("output", False)]
    [differs] = check.disagreements
    assert (differs.first_party, differs.openrouter, differs.openrouter_figure) == (
        Decimal("10.00"),
        Decimal("12"),
        "list price",
    )
    assert differs.ratio == Decimal("1.2")


def test_snapshots_are_compared_with_snapshots_and_tiers_with_tiers():
    check = crosscheck(
        [
            _offer(
                "openai/gpt-4o",
                "openai",
                source="openai",
                variant="gpt-4o-2024-05-13",
                input="5",
                output="15",
            ),
            _offer("openai/gpt-4o", "openai", source="openai", tier="batch", input="1.25", output="5"),
            _offer("openai/gpt-4o", "openrouter", source="openrouter", at=OR_AT, input="2.5", output="10"),
            _offer(
                "openai/gpt-4o",
                "openai",
                source="openrouter",
                variant="openai|gpt-4o-2024-05-13",
                at=OR_AT,
                input="5",
                output="15",
            ),
        ],
        MAKERS,
    )
    assert {(c.variant, c.tier, c.field, c.agrees) for c in check.comparisons} == {
        ("gpt-4o-2024-05-13", "standard", "input", True),
        ("gpt-4o-2024-05-13", "standard", "output", True),
    }
    # No batch figure on OpenRouter for gpt-4o: listed, not guessed.
    assert [(o.tier, o.variant) for o in check.without_figure] == [("batch", "")]


def test_prices_in_another_currency_and_curated_prices_are_not_compared():
    check = crosscheck(
        [
            _offer(
                "moonshotai/kimi-k2", "moonshotai", source="moonshot", currency="CNY", input="4", output="16"
            ),
            _offer(
                "moonshotai/kimi-k2", "openrouter", source="openrouter", at=OR_AT, input="0.6", output="2.5"
            ),
            _offer("minimax/minimax-m2", "minimax", source=None, origin="curated", input="0.3", output="1.2"),
            _offer(
                "minimax/minimax-m2",
                "openrouter",
                source="openrouter",
                at=OR_AT,
                input="0.255",
                output="1.02",
            ),
        ],
        MAKERS,
    )
    assert check.comparisons == ()
    assert [o.model for o in check.other_currency] == ["moonshotai/kimi-k2"]


def _prices(**values: str) -> tuple[Decimal | None, ...]:
    return tuple(Decimal(values[name]) if name in values else None for name in PRICE_FIELDS)


def test_the_command_lists_agreements_and_disagreements_with_both_dates(tmp_path):
    db_path = tmp_path / "pw.db"
    db = open_database(db_path)
    first_party = [
        Observation(
            "anthropic/claude-opus-4.6",
            "anthropic",
            "standard",
            0,
            "",
            FP_AT,
            "USD",
            _prices(input="5", output="25"),
        ),
        Observation(
            "openai/gpt-4o", "openai", "standard", 0, "", FP_AT, "USD", _prices(input="2.5", output="10")
        ),
    ]
    from_openrouter = [
        Observation(
            "anthropic/claude-opus-4.6",
            "anthropic",
            "standard",
            0,
            "anthropic",
            OR_AT,
            "USD",
            _prices(input="5", output="25"),
        ),
        Observation(
            "openai/gpt-4o", "openrouter", "standard", 0, "", OR_AT, "USD", _prices(input="2.5", output="12")
        ),
    ]
    with db.atomic():
        apply_observations(db, first_party, origin="replay", run_id=None, source="anthropic")
        apply_observations(db, from_openrouter, origin="replay", run_id=None, source="openrouter")
    result = CliRunner().invoke(cli, ["crosscheck", "--db", str(db_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    # Disagreements come first.
    assert rows[0] == {
        "model": "openai/gpt-4o",
        "tier": "standard",
        "min_prompt_tokens": 0,
        "variant": "",
        "field": "output",
        "agrees": "no",
        "first_party": "10",
        "first_party_as_of": "2026-08-21",
        "openrouter": "12",
        "openrouter_figure": "list price",
        "openrouter_as_of": "2026-08-22",
        "ratio": "1.200",
    }
    assert {(r["model"], r["field"], r["agrees"]) for r in rows[1:]} == {
        ("openai/gpt-4o", "input", "yes"),
        ("anthropic/claude-opus-4.6", "input", "yes"),
        ("anthropic/claude-opus-4.6", "output", "yes"),
    }
    table = CliRunner().invoke(cli, ["crosscheck", "--db", str(db_path), "--disagreements"])
    assert "4 prices compared: 3 agree, 1 differ" in table.output
    assert "claude-opus-4.6" not in table.output
