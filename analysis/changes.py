"""What happened to prices: the events of the change log, from the price periods (pure).

Three kinds of event, and the rules that keep non-events out (issue 13, "Changes are
changes"). The store's ``price_changes`` view applies the same rules in SQL
(``scraper/store/views.py``); a test holds the two equal.

- **change**: a period that starts where the same offer's previous one ended, with at
  least one price field different, unless both are third-party figures from two different
  databases (one database's figure giving way to another's is no move of the market). A field a *curated* period does not record is
  unknown, not removed (nor added): it is compared only when both periods know it. A
  measured period that lacks a field means the source no longer lists that price.
- **new**: an offer appearing in the market, which we know only when someone saw it
  appear: a curated row whose event is ``launch``, or a measured first sighting by a
  source that had already observed before (its earlier observations did not list it). A
  source's first observation is the start of our coverage, not news; and a first sighting
  of something the market already sold earlier, at any price, is not an event either
  (same model, provider, tier and prompt band, any variant, same currency: a curated
  price later measured under an endpoint tag, an endpoint or listing that comes back: it
  existed before, so it is not new; its prices are on the model page).
- **ended**: a period that closed with no period of its offer after it, unless another
  variant of the same offer in force then sells it at the same prices.

Periods without any token price (an auto router, a model priced per minute) are no events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pricewatch.analysis.prices import PricePoint
from pricewatch.fields import PRICE_FIELDS

__all__ = [
    "MEASURED_ORIGINS",
    "PriceEvent",
    "changed_fields",
    "first_observations",
    "known",
    "price_events",
    "same_prices",
]

#: The origin of a third-party price database's rows.
THIRD_PARTY = "third-party"

#: Origins of observations (not curated history).
MEASURED_ORIGINS = ("live", "replay", "backfill")


@dataclass(frozen=True)
class PriceEvent:
    """One event: ``point`` is the new period ("new", "change") or the one that ended ("ended").

    ``fields`` names the price fields the event is about: those that changed, or for
    "new" and "ended" those that have a price.
    """

    at: str
    kind: str  # "new", "change" or "ended"
    point: PricePoint
    previous: PricePoint | None = None
    fields: tuple[str, ...] = ()

    @property
    def model(self) -> str:
        return self.point.model


def known(point: PricePoint, field: str) -> bool:
    """Whether ``point`` says anything about ``field``: a curated row that leaves it empty does not."""
    return point.value(field) is not None or point.origin != "curated"


def has_prices(point: PricePoint) -> bool:
    """Whether the period has any token price."""
    return any(point.value(name) is not None for name in PRICE_FIELDS)


def changed_fields(before: PricePoint, after: PricePoint) -> tuple[str, ...]:
    """The fields both periods know that differ (every such priced field when the currency changed)."""
    fields = []
    for name in PRICE_FIELDS:
        old, new = before.value(name), after.value(name)
        if not (known(before, name) and known(after, name)) or (old is None and new is None):
            continue
        if old != new or before.currency != after.currency:
            fields.append(name)
    return tuple(fields)


def same_prices(a: PricePoint, b: PricePoint) -> bool:
    """Same currency, and equal in every field both know."""
    return a.currency == b.currency and all(
        a.value(name) == b.value(name) for name in PRICE_FIELDS if known(a, name) and known(b, name)
    )


def first_observations(points: Iterable[PricePoint]) -> dict[str, str]:
    """Source -> the start of its earliest measured period with a price: where its coverage begins."""
    first: dict[str, str] = {}
    for p in points:
        source = p.source
        if source is None or p.origin not in MEASURED_ORIGINS or not has_prices(p):
            continue
        if source not in first or p.valid_from < first[source]:
            first[source] = p.valid_from
    return first


def _is_news(point: PricePoint, first: Mapping[str, str]) -> bool:
    if point.origin == "curated":
        return point.event == "launch"
    start = first.get(point.source) if point.source is not None else None
    return start is not None and start < point.valid_from


def price_events(points: Iterable[PricePoint]) -> list[PriceEvent]:
    """Every event of every offer in ``points``, newest first (ties by model, provider, tier, band, variant)."""
    priced = [p for p in points if has_prices(p)]
    first = first_observations(priced)
    by_offer: dict[tuple, list[PricePoint]] = defaultdict(list)
    by_market: dict[tuple, list[PricePoint]] = defaultdict(list)
    for p in priced:
        by_offer[(p.model, p.provider, p.tier, p.min_prompt_tokens, p.variant)].append(p)
        by_market[(p.model, p.provider, p.tier, p.min_prompt_tokens, p.currency)].append(p)
    events: list[PriceEvent] = []
    for periods in by_offer.values():
        ends = {p.valid_to: p for p in periods if p.valid_to is not None}
        starts = {p.valid_from for p in periods}
        for p in periods:
            market = by_market[(p.model, p.provider, p.tier, p.min_prompt_tokens, p.currency)]
            previous = ends.get(p.valid_from)
            if previous is not None:
                fields = changed_fields(previous, p)
                if fields and not _between_databases(previous, p):
                    events.append(PriceEvent(p.valid_from, "change", p, previous, fields))
            elif not any(e.valid_from < p.valid_from for e in market) and _is_news(p, first):
                events.append(PriceEvent(p.valid_from, "new", p, None, _priced(p)))
            if p.valid_to is not None and p.valid_to not in starts:
                continued = any(
                    s is not p
                    and s.variant != p.variant
                    and s.valid_from <= p.valid_to
                    and (s.valid_to is None or s.valid_to > p.valid_to)
                    and same_prices(s, p)
                    for s in market
                )
                if not continued:
                    events.append(PriceEvent(p.valid_to, "ended", p, None, _priced(p)))
    events.sort(
        key=lambda e: (
            e.at,
            e.point.model,
            e.point.provider,
            e.point.tier,
            e.point.min_prompt_tokens,
            e.point.variant,
            e.kind,
        ),
        reverse=True,
    )
    return events


def _between_databases(before: PricePoint, after: PricePoint) -> bool:
    """Two third-party databases that disagree (LiteLLM's figure, then genai-prices'): no market event."""
    return before.origin == after.origin == THIRD_PARTY and before.source != after.source


def _priced(point: PricePoint) -> tuple[str, ...]:
    return tuple(name for name in PRICE_FIELDS if point.value(name) is not None)
