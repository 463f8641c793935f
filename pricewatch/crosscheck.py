"""The thin side of `pricewatch crosscheck`: load current offers, run the pure check, shape rows.

The comparison itself is ``pricewatch.analysis.crosscheck.crosscheck``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from pricewatch.analysis.crosscheck import PRICE_FIELDS, CrossCheck, CurrentOffer, crosscheck
from pricewatch.scraper.catalog import Catalog

__all__ = ["comparison_rows", "load_current_offers", "run_crosscheck", "unmatched_rows"]


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def load_current_offers(db: Database) -> list[CurrentOffer]:
    """Every offer's current prices, with the source that reported the offer."""
    fields = ", ".join(f"c.{name}" for name in PRICE_FIELDS)
    sql = (
        f"SELECT c.model, c.provider, c.tier, c.min_prompt_tokens, c.variant, o.source, c.origin, c.currency, "
        f"c.valid_from, c.last_seen, {fields} FROM current_prices c JOIN offers o ON o.id = c.offer_id"
    )
    return [
        CurrentOffer(
            model=row["model"],
            provider=row["provider"],
            tier=row["tier"],
            min_prompt_tokens=row["min_prompt_tokens"],
            variant=row["variant"],
            source=row["source"],
            origin=row["origin"],
            currency=row["currency"],
            valid_from=row["valid_from"],
            last_seen=row["last_seen"],
            prices={name: _decimal(row[name]) for name in PRICE_FIELDS},
        )
        for row in db.query(sql)
    ]


def run_crosscheck(db_path: Path, catalog: Catalog) -> CrossCheck:
    """Read the database (read-only) and compare first-party prices with OpenRouter's."""
    from pricewatch.scraper.store import open_database

    db = open_database(db_path, read_only=True)
    makers = {model_id: catalog.makers_of(model_id) for model_id in catalog.models}
    return crosscheck(load_current_offers(db), makers)


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
