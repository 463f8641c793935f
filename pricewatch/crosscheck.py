"""The thin side of `pricewatch crosscheck`: read current offers, run the pure check, shape rows.

The comparison itself is ``pricewatch.analysis.crosscheck.crosscheck``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pricewatch.analysis.crosscheck import CrossCheck, CurrentOffer, crosscheck
from pricewatch.scraper.catalog import Catalog

if TYPE_CHECKING:
    from pricewatch.scraper.store.reader import StoreReader

__all__ = ["comparison_rows", "load_current_offers", "run_crosscheck", "unmatched_rows"]


def load_current_offers(reader: StoreReader) -> list[CurrentOffer]:
    """Every offer's current prices, with the source that reported the offer."""
    return [
        CurrentOffer(
            model=price.model,
            provider=price.provider,
            tier=price.tier,
            min_prompt_tokens=price.min_prompt_tokens,
            variant=price.variant,
            source=price.source,
            origin=price.origin,
            currency=price.currency,
            valid_from=price.valid_from,
            last_seen=price.last_seen,
            prices=dict(price.prices),
        )
        for price in reader.current_prices()
    ]


def run_crosscheck(db_path: Path, catalog: Catalog) -> CrossCheck:
    """Read the database (read-only) and compare first-party prices with OpenRouter's."""
    from pricewatch.scraper.store.reader import open_reader

    reader = open_reader(db_path)
    try:
        offers = load_current_offers(reader)
    finally:
        reader.close()
    makers = {model_id: catalog.makers_of(model_id) for model_id in catalog.models}
    return crosscheck(offers, makers)


def _day(text: str) -> str:
    return text[:10]


def comparison_rows(check: CrossCheck, *, disagreements_only: bool = False) -> list[dict[str, Any]]:
    """One row per comparison, disagreements first; prices as exact decimal text."""
    chosen = check.disagreements if disagreements_only else (*check.disagreements, *check.agreements)
    return [
        {
            "model": c.model,
            "tier": c.tier,
            "min_prompt_tokens": c.min_prompt_tokens,
            "variant": c.variant,
            "field": c.field,
            "agrees": "yes" if c.agrees else "no",
            "first_party": format(c.first_party.normalize(), "f"),
            "first_party_as_of": _day(c.first_party_as_of),
            "openrouter": format(c.openrouter.normalize(), "f"),
            "openrouter_figure": c.openrouter_figure,
            "openrouter_as_of": _day(c.openrouter_as_of),
            "ratio": "" if c.ratio is None else f"{c.ratio:.3f}",
        }
        for c in chosen
    ]


def unmatched_rows(check: CrossCheck) -> list[dict[str, Any]]:
    """First-party offers that could not be compared, and why."""
    rows = [
        {
            "model": o.model,
            "provider": o.provider,
            "tier": o.tier,
            "min_prompt_tokens": o.min_prompt_tokens,
            "variant": o.variant,
            "why": "no OpenRouter figure for this model, tier and snapshot",
        }
        for o in check.without_figure
    ]
    rows.extend(
        {
            "model": o.model,
            "provider": o.provider,
            "tier": o.tier,
            "min_prompt_tokens": o.min_prompt_tokens,
            "variant": o.variant,
            "why": f"published in {o.currency}; OpenRouter's figure is in another currency",
        }
        for o in check.other_currency
    )
    return rows
