"""Price data for the claim tests: the curated history as PricePoints, built without a store.

`pricewatch load-curated` puts data/curated_prices.csv into the store; these tests need the
same history as plain values, so each (provider, model, tier, threshold) row sequence becomes
change-only periods here: a row is in force from its date until the next row of its offer.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from functools import cache

from conftest import REPO_ROOT

from pricewatch.analysis.prices import PricePoint
from pricewatch.scraper.curated import PRICE_COLUMNS

CURATED = REPO_ROOT / "data" / "curated_prices.csv"
_FIELDS = {name: column for column, name in PRICE_COLUMNS.items()}


def _dec(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


@cache
def curated_points() -> tuple[PricePoint, ...]:
    """Every curated row as a price period (oldest first)."""
    with CURATED.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    offers: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        key = (row["model"], row["provider"], row["tier"], int(row["min_prompt_tokens"]))
        offers[key].append(row)
    points = []
    for (model, provider, tier, threshold), history in offers.items():
        history.sort(key=lambda r: r["date"])
        for i, row in enumerate(history):
            valid_to = history[i + 1]["date"] + "T00:00:00Z" if i + 1 < len(history) else None
            points.append(
                PricePoint(
                    model=model,
                    provider=provider,
                    tier=tier,
                    min_prompt_tokens=threshold,
                    variant="",
                    currency=row["currency"],
                    valid_from=row["date"] + "T00:00:00Z",
                    valid_to=valid_to,
                    origin="curated",
                    confidence=row["confidence"],
                    source_url=row["source_url"],
                    **{name: _dec(row[column]) for name, column in _FIELDS.items()},
                )
            )
    return tuple(sorted(points, key=lambda p: p.valid_from))


def point(
    model: str, provider: str, valid_from: str, valid_to: str | None = None, **prices: str
) -> PricePoint:
    """One hand-made price period (prices as decimal text, per million tokens)."""
    return PricePoint(
        model=model,
        provider=provider,
        tier="standard",
        min_prompt_tokens=0,
        variant="",
        currency="USD",
        valid_from=valid_from if "T" in valid_from else valid_from + "T00:00:00Z",
        valid_to=None if valid_to is None else (valid_to if "T" in valid_to else valid_to + "T00:00:00Z"),
        origin="curated",
        confidence="high",
        source_url=f"https://example.test/{provider}",
        **{name: Decimal(value) for name, value in prices.items()},
    )
