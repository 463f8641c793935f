"""The analysis' inputs, built at the front from the store's values and the catalog.

The direction is one way: the store (``pricewatch.scraper.store``) returns its own plain
values and never imports ``pricewatch.analysis``; the analysis defines the types it works
on (``PricePoint``, ``ModelFacts``, ``PeerGroup``) and never imports the store or the
scraper. This module, above both, converts one into the other; the CLI's commands and the
site build call it. It holds no SQL: it asks a ``StoreReader``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from pricewatch.analysis.prices import ModelFacts, PricePoint
from pricewatch.analysis.ratios import PeerGroup, parse_peer_groups
from pricewatch.errors import StoreError
from pricewatch.fields import PRICE_FIELDS

if TYPE_CHECKING:
    from pricewatch.scraper.catalog import Catalog
    from pricewatch.scraper.store.reader import PricePeriod, StoreReader

__all__ = ["load_model_facts", "load_peer_groups", "load_price_points", "price_point"]


def price_point(period: PricePeriod) -> PricePoint:
    """The analysis' form of one stored price period."""
    return PricePoint(
        model=period.model,
        provider=period.provider,
        tier=period.tier,
        min_prompt_tokens=period.min_prompt_tokens,
        variant=period.variant,
        currency=period.currency,
        valid_from=period.valid_from,
        valid_to=period.valid_to,
        origin=period.origin,
        quantization=period.quantization,
        confidence=period.confidence,
        source_url=period.source_url,
        variable=period.variable,
        **dict(zip(PRICE_FIELDS, period.prices, strict=True)),
    )


def load_price_points(reader: StoreReader) -> list[PricePoint]:
    """Every price period of every offer, oldest first (curated confidence and citation when known)."""
    return [price_point(period) for period in reader.price_periods()]


def load_model_facts(catalog: Catalog) -> dict[str, ModelFacts]:
    """Catalog models as analysis facts: creator, open weights, makers, scores by name."""
    facts = {}
    for model in catalog.models.values():
        scores: dict[str, float] = {}
        for score in model.extra.get("scores", []):
            # Several snapshots of one score name: keep the newest measurement.
            name = score.get("name")
            if name is not None and "value" in score:
                scores[name] = float(score["value"])
        facts[model.id] = ModelFacts(
            id=model.id,
            name=model.name,
            creator=model.creator,
            open_weights=model.open_weights,
            makers=tuple(catalog.makers_of(model.id)),
            scores=scores,
        )
    return facts


def load_peer_groups(path: Path | None = None) -> dict[str, PeerGroup]:
    """Peer groups from data/peer_groups.toml (or ``path``), in file order."""
    if path is None:
        from pricewatch.paths import shipped_data_dir

        path = shipped_data_dir() / "peer_groups.toml"
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return parse_peer_groups(document)
    except (OSError, tomllib.TOMLDecodeError, ValueError) as error:
        raise StoreError(f"peer groups {path}: {error}") from None
