"""Cross-checking the makers' own prices against OpenRouter's figures for the same models (pure).

OpenRouter sells most models through their maker's own endpoint and lists a price for it,
so every first-party price (a maker's page, read live or replayed) can be compared with
OpenRouter's figure for the same model, tier and long-context threshold:

1. the maker's endpoint on OpenRouter (an offer of a maker of the model, read by the
   ``openrouter`` source, whose variant is the endpoint tag), where one is recorded;
2. else OpenRouter's own list price (provider ``openrouter``).

A dated snapshot sold beside its model keeps the snapshot in the variant on both sides
(``gpt-4o-2024-05-13``; an endpoint's variant is ``tag|snapshot``), so snapshots are
compared with snapshots. Prices are compared field by field, exactly (Decimal), and only
in one currency: a price published in CNY or EUR is listed as not compared, since
OpenRouter's USD figure is then another price list (Moonshot's international site), not a
conversion of it.

Everything here works on ``CurrentOffer`` values that a thin loader
(``pricewatch.crosscheck.load_current_offers``) builds from the store's values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pricewatch.fields import PRICE_FIELDS

__all__ = [
    "OPENROUTER",
    "PRICE_FIELDS",
    "Comparison",
    "CrossCheck",
    "CurrentOffer",
    "crosscheck",
]

# The aggregator's source name and its own provider id (its list price).
OPENROUTER = "openrouter"
# Origins of a first-party price worth checking: read from the maker's page, not curated.
MEASURED = ("live", "replay")
# An endpoint's variant is "tag" or "tag|snapshot" (pricewatch.scraper.refresh).
_SNAPSHOT_SEPARATOR = "|"


@dataclass(frozen=True)
class CurrentOffer:
    """One offer's current prices (a row of ``current_prices`` with the offer's source)."""

    model: str
    provider: str
    tier: str
    min_prompt_tokens: int
    variant: str
    source: str | None
    origin: str
    currency: str
    valid_from: str
    last_seen: str
    prices: Mapping[str, Decimal | None] = field(default_factory=dict)

    def price(self, name: str) -> Decimal | None:
        """A price field, per million tokens (None when not given)."""
        return self.prices.get(name)


@dataclass(frozen=True)
class Comparison:
    """One price field of one first-party offer against one OpenRouter figure."""

    model: str
    tier: str
    min_prompt_tokens: int
    variant: str
    field: str
    first_party: Decimal
    first_party_provider: str
    first_party_as_of: str
    openrouter: Decimal
    openrouter_figure: str  # "maker endpoint <provider> (<tag>)" or "list price"
    openrouter_as_of: str
    currency: str

    @property
    def agrees(self) -> bool:
        """True when the two prices are exactly equal."""
        return self.first_party == self.openrouter

    @property
    def ratio(self) -> Decimal | None:
        """OpenRouter's figure over the maker's (None when the maker's price is 0)."""
        return None if self.first_party == 0 else self.openrouter / self.first_party


@dataclass(frozen=True)
class CrossCheck:
    """Every comparison made, and the first-party offers that could not be compared."""

    comparisons: tuple[Comparison, ...]
    without_figure: tuple[CurrentOffer, ...]  # no OpenRouter offer for that model, tier and snapshot
    other_currency: tuple[CurrentOffer, ...]  # published in a currency OpenRouter does not use

    @property
    def agreements(self) -> tuple[Comparison, ...]:
        """Comparisons whose prices are equal."""
        return tuple(c for c in self.comparisons if c.agrees)

    @property
    def disagreements(self) -> tuple[Comparison, ...]:
        """Comparisons whose prices differ."""
        return tuple(c for c in self.comparisons if not c.agrees)


def _split_variant(variant: str) -> tuple[str, str]:
    tag, _, snapshot = variant.partition(_SNAPSHOT_SEPARATOR)
    return tag, snapshot


def _is_first_party(offer: CurrentOffer, makers: Mapping[str, Sequence[str]]) -> bool:
    return (
        offer.provider in makers.get(offer.model, ())
        and offer.origin in MEASURED
        and offer.source != OPENROUTER
    )


def _openrouter_figures(
    offer: CurrentOffer, candidates: Sequence[CurrentOffer], makers: Mapping[str, Sequence[str]]
) -> list[tuple[str, CurrentOffer]]:
    """The maker endpoints for the offer's model, tier and snapshot; else the list price."""
    same = [
        c
        for c in candidates
        if c.model == offer.model and c.tier == offer.tier and c.min_prompt_tokens == offer.min_prompt_tokens
    ]
    endpoints = [
        (f"maker endpoint {c.provider} ({_split_variant(c.variant)[0]})", c)
        for c in same
        if c.provider in makers.get(offer.model, ())
        and c.variant
        and _split_variant(c.variant)[1] == offer.variant
    ]
    if endpoints:
        return sorted(endpoints, key=lambda pair: pair[0])
    return [("list price", c) for c in same if c.provider == OPENROUTER and c.variant == offer.variant]


def crosscheck(offers: Sequence[CurrentOffer], makers: Mapping[str, Sequence[str]]) -> CrossCheck:
    """Compare every first-party price with OpenRouter's figure for the same model.

    ``makers`` maps a model id to the provider ids that sell it as its maker (the
    catalog's ``maker_of``).
    """
    from_openrouter = [o for o in offers if o.source == OPENROUTER]
    comparisons: list[Comparison] = []
    without_figure: list[CurrentOffer] = []
    other_currency: list[CurrentOffer] = []
    for offer in sorted(
        (o for o in offers if _is_first_party(o, makers)),
        key=lambda o: (o.model, o.tier, o.min_prompt_tokens, o.variant, o.provider),
    ):
        figures = [(label, c) for label, c in _openrouter_figures(offer, from_openrouter, makers)]
        if not figures:
            without_figure.append(offer)
            continue
        if all(c.currency != offer.currency for _, c in figures):
            other_currency.append(offer)
            continue
        for label, figure in figures:
            if figure.currency != offer.currency:
                continue
            for name in PRICE_FIELDS:
                mine, theirs = offer.price(name), figure.price(name)
                if mine is None or theirs is None:
                    continue
                comparisons.append(
                    Comparison(
                        model=offer.model,
                        tier=offer.tier,
                        min_prompt_tokens=offer.min_prompt_tokens,
                        variant=offer.variant,
                        field=name,
                        first_party=mine,
                        first_party_provider=offer.provider,
                        first_party_as_of=offer.last_seen,
                        openrouter=theirs,
                        openrouter_figure=label,
                        openrouter_as_of=figure.last_seen,
                        currency=offer.currency,
                    )
                )
    return CrossCheck(tuple(comparisons), tuple(without_figure), tuple(other_currency))
