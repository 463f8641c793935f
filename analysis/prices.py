"""Prices as of a time: the price then in force, retail vs the open-weight market (pure).

Everything here works on ``PricePoint`` values that a thin loader
(``pricewatch.inputs``) builds from the store's values; nothing here does I/O. Every
function takes the time it answers for (``at``), so any figure can be computed for any
day in the history. Times are UTC ISO 8601 text ("2026-08-22T18:35:39Z"), compared as text.

Model facts (who made a model, open weights or not, which providers are its makers) come
from the catalog, passed in as a ``ModelFacts`` mapping so analysis never imports the store.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any, Literal

from pricewatch.fields import PRICE_FIELDS

__all__ = [
    "PRICE_FIELDS",
    "MarketPrice",
    "ModelFacts",
    "ModelVersion",
    "PriceIndex",
    "PricePoint",
    "Statistic",
    "as_index",
    "as_time",
    "is_paid",
    "market_price",
    "offers_at",
    "price_at",
    "retail_price",
]

Statistic = Literal["cheapest", "median"]


def as_time(value: str | date | datetime, *, end_of_day: bool = False) -> str:
    """A time as the store's UTC text ("2026-08-22T00:00:00Z").

    A ``date`` means its first instant, or its last second with ``end_of_day`` (so "as of
    2026-08-22" sees a price observed at 18:35 that day). Text passes through unchanged when
    it is already a full time; a bare "YYYY-MM-DD" is read as a date.
    """
    if isinstance(value, str):
        if len(value) == 10:
            value = date.fromisoformat(value)
        else:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat() + ("T23:59:59Z" if end_of_day else "T00:00:00Z")


@dataclass(frozen=True)
class PricePoint:
    """One period of one offer's token prices (a row of ``prices`` joined to its offer)."""

    model: str
    provider: str
    tier: str
    min_prompt_tokens: int
    variant: str
    currency: str
    valid_from: str
    valid_to: str | None
    input: Decimal | None = None
    output: Decimal | None = None
    cache_read: Decimal | None = None
    cache_write: Decimal | None = None
    cache_write_1h: Decimal | None = None
    reasoning: Decimal | None = None
    origin: str = "live"
    quantization: str | None = None
    confidence: str | None = None
    source_url: str | None = None
    variable: bool = False
    #: The source whose observation opened the period ("curated" for curated rows).
    source: str | None = None
    #: A curated row's event: launch, price-change or observed (None for measured prices).
    event: str | None = None
    # How we know it: the observation time of the last source that saw this price, and which.
    last_confirmed: str | None = None
    confirmed_by: str | None = None
    ended: str | None = None  # why valid_to: "changed", "delisted" or "retired"
    # From this time on no source has confirmed it for longer than the curated window
    # (analysis.lifecycle): not current, though still the latest knowledge of the offer.
    unconfirmed_after: str | None = None

    def in_force(self, at: str) -> bool:
        """True when this price applied at ``at`` (half-open interval)."""
        return self.valid_from <= at and (self.valid_to is None or at < self.valid_to)

    def unconfirmed_at(self, at: str) -> bool:
        """True when, at ``at``, this price is past its confirmation window ("unconfirmed since")."""
        return self.unconfirmed_after is not None and at >= self.unconfirmed_after

    def current_at(self, at: str) -> bool:
        """In force at ``at`` and confirmed recently enough to count as current."""
        return self.in_force(at) and not self.unconfirmed_at(at)

    @property
    def unconfirmed_since(self) -> str:
        """The last confirmation an unconfirmed price rests on (its own date when never re-seen)."""
        return self.last_confirmed or self.valid_from

    def value(self, field: str) -> Decimal | None:
        """A price field by name, per million tokens."""
        return getattr(self, field)


@dataclass(frozen=True)
class ModelVersion:
    """One version of a model (a dated snapshot where the leaderboard names one) and its scores.

    The version is in force from ``valid_from`` (its release, UTC time text) until the next
    version of the model is released; ``None`` means from the model's first price (a model
    with one version whose release date the catalog does not know). A version without a
    score of some name has no score of that name: the older version's score does not carry
    over to it.
    """

    model: str
    version: str
    valid_from: str | None
    scores: Mapping[str, float]


@dataclass(frozen=True)
class ModelFacts:
    """What the analysis needs to know about a model from the catalog.

    ``scores`` is the newest known score of each name (the level a named reference model
    stands for today); ``versions``, oldest first, says which version, and so which scores,
    were in force at each time (``score_at``). Facts built by hand without versions have
    one timeless set of scores.
    """

    id: str
    name: str
    creator: str
    open_weights: bool
    makers: tuple[str, ...] = ()
    scores: Mapping[str, float] | None = None
    versions: tuple[ModelVersion, ...] = ()

    def version_at(self, at: str) -> ModelVersion | None:
        """The version in force at ``at``: the newest released at or before it (None before the first)."""
        released = [v for v in self.versions if (v.valid_from or "") <= at]
        return max(released, key=lambda v: v.valid_from or "") if released else None

    def score_at(self, name: str, at: str) -> tuple[float, str | None] | None:
        """(score, version) of the version in force at ``at``; None when that version has no such score."""
        if not self.versions:
            value = (self.scores or {}).get(name)
            return None if value is None else (value, None)
        version = self.version_at(at)
        if version is None or name not in version.scores:
            return None
        return version.scores[name], version.version or None

    def scores_at(self, at: str) -> dict[str, float]:
        """Every score of the version in force at ``at`` (the timeless scores without versions)."""
        if not self.versions:
            return dict(self.scores or {})
        version = self.version_at(at)
        return dict(version.scores) if version is not None else {}

    @property
    def score_names(self) -> set[str]:
        """Every score name any version of the model has."""
        return {*(self.scores or {}), *(n for v in self.versions for n in v.scores)}

    retired: str | None = None  # YYYY-MM-DD: the maker stopped serving it (a cited catalog date)


@dataclass(frozen=True)
class MarketPrice:
    """A price for a model chosen among several offers, with the offers it rests on."""

    model: str
    statistic: str
    input: Decimal | None
    output: Decimal | None
    cache_read: Decimal | None
    offers: tuple[PricePoint, ...]

    def value(self, field: str) -> Decimal | None:
        """input, output or cache_read."""
        return getattr(self, field)


class PriceIndex(list):
    """Price points with an index by model and offer, for many "price at time t" questions.

    A plain list of PricePoints makes ``offers_at`` scan every point; series over many
    change moments (trends, ratio series) then grow with the square of the data. The
    index keeps each offer's periods sorted by ``valid_from``, so the period in force at a
    time is one bisection per offer. It is still a list: everything that iterates points
    works unchanged.
    """

    def __init__(self, points: Iterable[PricePoint] = ()) -> None:
        super().__init__(points)
        series: dict[str, dict[tuple, list[PricePoint]]] = {}
        for point in self:
            key = (point.provider, point.tier, point.min_prompt_tokens, point.variant, point.currency)
            series.setdefault(point.model, {}).setdefault(key, []).append(point)
        self._series: dict[str, list[tuple[list[str] | None, list[PricePoint]]]] = {}
        # The same entries by (model, tier, prompt band): most questions name all three.
        self._bands: dict[tuple[str, str, int], list[tuple[list[str] | None, list[PricePoint]]]] = {}
        for model, offers in series.items():
            entries: list[tuple[list[str] | None, list[PricePoint]]] = []
            for key, periods in offers.items():
                periods.sort(key=lambda p: p.valid_from)
                disjoint = all(
                    a.valid_to is not None and a.valid_to <= b.valid_from for a, b in pairwise(periods)
                )
                # Hand-made point lists may overlap; those offers are scanned, not bisected.
                entry = ([p.valid_from for p in periods] if disjoint else None, periods)
                entries.append(entry)
                self._bands.setdefault((model, key[1], key[2]), []).append(entry)
            self._series[model] = entries
        self._events: dict[str, list[str]] = {}

    def stretch(self, model: str, at: str) -> int:
        """Which stretch of time between the model's price events ``at`` falls in.

        An event is a period of any of the model's offers starting or ending, or passing its
        confirmation window (``unconfirmed_after``). Between two events no question about the
        model's prices can have another answer, so a result keyed on (model, stretch) may be
        reused for any time in the stretch.
        """
        events = self._events.get(model)
        if events is None:
            events = self._events[model] = sorted(
                {
                    moment
                    for _, periods in self._series.get(model, ())
                    for p in periods
                    for moment in (p.valid_from, p.valid_to, p.unconfirmed_after)
                    if moment
                }
            )
        return bisect_right(events, at)

    def memo(self, name: str) -> dict[Any, Any]:
        """A cache of results about this index's points (it must not change once made)."""
        return self.__dict__.setdefault("_memos", {}).setdefault(name, {})

    def for_models(self, models: Iterable[str]) -> PriceIndex:
        """The index of several models' points, in this index's order (built once per set of models)."""
        wanted = frozenset(models)
        cache = self.__dict__.setdefault("_per_models", {})
        if wanted not in cache:
            position = self.__dict__.get("_position")
            if position is None:
                position = self.__dict__["_position"] = {id(p): i for i, p in enumerate(self)}
            chosen = [p for m in wanted for _, periods in self._series.get(m, ()) for p in periods]
            cache[wanted] = PriceIndex(sorted(chosen, key=lambda p: position[id(p)]))
        return cache[wanted]

    def for_model(self, model: str) -> PriceIndex:
        """The index of one model's points (built once, then reused)."""
        cache = self.__dict__.setdefault("_per_model", {})
        if model not in cache:
            cache[model] = PriceIndex(p for _, periods in self._series.get(model, ()) for p in periods)
        return cache[model]

    def in_force(
        self, model: str, at: str, tier: str | None = None, min_prompt_tokens: int | None = None
    ) -> list[PricePoint]:
        """Every period of the model's offers in force at ``at`` (of one tier and prompt band when given)."""
        found: list[PricePoint] = []
        if tier is not None and min_prompt_tokens is not None:
            entries = self._bands.get((model, tier, min_prompt_tokens), ())
        else:
            entries = self._series.get(model, ())
        for starts, periods in entries:
            if starts is None:
                found.extend(p for p in periods if p.in_force(at))
                continue
            index = bisect_right(starts, at) - 1
            if index >= 0 and periods[index].in_force(at):
                found.append(periods[index])
        return found


def as_index(points: Iterable[PricePoint]) -> PriceIndex:
    """``points`` as a PriceIndex (itself when it already is one)."""
    return points if isinstance(points, PriceIndex) else PriceIndex(points)


def offers_at(
    points: Iterable[PricePoint],
    model: str,
    at: str,
    *,
    provider: str | None = None,
    tier: str = "standard",
    min_prompt_tokens: int = 0,
    currency: str | None = "USD",
    include_unconfirmed: bool = False,
) -> list[PricePoint]:
    """Every offer's price current at ``at`` for a model (optionally one provider).

    A price past its confirmation window is left out unless ``include_unconfirmed`` (a
    check may still rest on it, flagged).
    """
    if isinstance(points, PriceIndex):
        # The index already holds only this model's periods of this tier and band in force.
        return [
            p
            for p in points.in_force(model, at, tier, min_prompt_tokens)
            if (provider is None or p.provider == provider)
            and (currency is None or p.currency == currency)
            and not p.variable
            and (include_unconfirmed or not p.unconfirmed_at(at))
        ]
    candidates = points
    return [
        p
        for p in candidates
        if p.model == model
        and p.tier == tier
        and p.min_prompt_tokens == min_prompt_tokens
        and (provider is None or p.provider == provider)
        and (currency is None or p.currency == currency)
        and not p.variable
        and p.in_force(at)
        and (include_unconfirmed or not p.unconfirmed_at(at))
    ]


# The store's ranks of origins (scraper/timeline.py), best first: measured, curated, third-party.
_ORIGIN_ORDER = {"curated": 1, "third-party": 2}


def _preferred(points: Sequence[PricePoint]) -> PricePoint | None:
    """One offer among a provider's variants: the plain one ('' variant) first, then by origin rank, then newest."""
    if not points:
        return None
    # Two stable sorts: newest first, then plain before variants and measured before curated
    # before a third-party database's figure.
    newest_first = sorted(points, key=lambda p: p.valid_from, reverse=True)
    return sorted(newest_first, key=lambda p: (p.variant != "", _ORIGIN_ORDER.get(p.origin, 0)))[0]


def price_at(
    points: Iterable[PricePoint],
    model: str,
    provider: str,
    at: str,
    *,
    tier: str = "standard",
    min_prompt_tokens: int = 0,
    variant: str | None = None,
    currency: str = "USD",
) -> PricePoint | None:
    """The price a provider charged for a model at ``at`` (its plain offer before variants;
    only ``variant``'s offer when one is named).

    A dated snapshot's price never stands for the model's plain name: when the plain offer
    is in force but past its confirmation window, the answer is None (callers fall back to
    the unconfirmed plain price, flagged), not the snapshot's price that happens to be
    confirmed (GPT-4o's plain $2.50/$10 is not replaced by gpt-4o-2024-05-13's $5/$15).
    """
    offers = offers_at(
        points,
        model,
        at,
        provider=provider,
        tier=tier,
        min_prompt_tokens=min_prompt_tokens,
        currency=currency,
        include_unconfirmed=variant is None,
    )
    if variant is not None:
        return _preferred([p for p in offers if p.variant == variant])
    if any(p.variant == "" for p in offers):
        offers = [p for p in offers if p.variant == ""]
    return _preferred([p for p in offers if not p.unconfirmed_at(at)])


def retail_price(
    points: Iterable[PricePoint], facts: ModelFacts, at: str, *, tier: str = "standard"
) -> PricePoint | None:
    """The maker's own price for its model at ``at`` ("retail"); None when no maker price is known."""
    points = points if isinstance(points, PriceIndex) else list(points)
    for maker in facts.makers:
        found = price_at(points, facts.id, maker, at, tier=tier)
        if found is not None:
            return found
    return None


def is_paid(point: PricePoint) -> bool:
    """True unless the input or output price is $0 (a free offer, in whatever tier it was stored)."""
    return point.input != 0 and point.output != 0


def _blend_order(point: PricePoint) -> tuple[Decimal, str, str]:
    """The 3:1 blended price, then provider and variant: the cheapest offer first."""
    assert point.input is not None and point.output is not None  # market_price keeps priced offers only
    return (point.input * 3 + point.output, point.provider, point.variant)


def market_price(
    points: Iterable[PricePoint],
    model: str,
    at: str,
    *,
    statistic: str = "cheapest",
    exclude_providers: Sequence[str] = ("openrouter",),
    unquantized_only: bool = False,
    tier: str = "standard",
) -> MarketPrice | None:
    """What hosts charge for a model at ``at``.

    ``statistic`` is "cheapest", "median", or a provider id (a named host). OpenRouter's own
    list price is left out by default (it is an aggregator's figure, not a host's); offers
    quantized below 8 bits are left out with ``unquantized_only`` ("fp8"/"bf16"/"fp16" count
    as unquantized, as hosts present them).
    """
    candidates = [p for p in offers_at(points, model, at, tier=tier) if p.provider not in exclude_providers]
    if unquantized_only:
        candidates = [
            p for p in candidates if (p.quantization or "").lower() in {"", "fp8", "bf16", "fp16", "fp32"}
        ]
    if statistic not in ("cheapest", "median"):
        candidates = [p for p in candidates if p.provider == statistic]
    candidates = [p for p in candidates if p.input is not None and p.output is not None]
    if tier != "free":
        # A $0 price is a free tier only when the source says so: never the cheapest paid price.
        candidates = [p for p in candidates if is_paid(p)]
    if not candidates:
        return None
    if statistic == "median":

        def med(field: str) -> Decimal | None:
            values = [v for p in candidates if (v := p.value(field)) is not None]
            return statistics.median(values) if values else None

        return MarketPrice(model, "median", med("input"), med("output"), med("cache_read"), tuple(candidates))
    # cheapest (or the named host): the offer with the lowest 3:1 blended price
    best = min(candidates, key=_blend_order)
    return MarketPrice(model, statistic, best.input, best.output, best.cache_read, (best,))
