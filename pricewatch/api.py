"""The Python API: the price in force on a date, what a request cost then, and which model a name means.

    import pricewatch

    pricewatch.price("anthropic/claude-opus-4.6", at="2026-03-01").output   # Decimal('25')
    pricewatch.cost("gpt-4o-2024-08-06", input_tokens=12_000, output_tokens=800, at="2024-09-01").total
    pricewatch.resolve("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0").model

The module functions read the history that ships with the package (data/history and the
curated prices, loaded as `pricewatch demo` loads them; no network), built into a database
once and cached under the user's cache folder by its content's digest, then held in memory
for the process. ``History(db=...)`` reads a database of your own instead (one that
`pricewatch refresh` keeps). Every price is an exact ``Decimal`` per million tokens; every
answer says where it came from (provider, period, origin, last confirmation).

``cost`` bills through the same code as `pricewatch cost` (``analysis.workloads``): each
token class at its price, a cache price the provider does not publish billed at the input
price and flagged, the long-context sheet when the request's prompt is above its threshold,
a price in another currency converted at that day's reference rate (said in ``converted``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pricewatch.analysis.prices import PricePoint
    from pricewatch.analysis.workloads import WorkloadPrices
    from pricewatch.pricing import PriceBook, Resolved

__all__ = ["Cost", "CostPart", "History", "Model", "Price", "cost", "history", "price", "resolve"]

When = str | date | datetime | None
Tokens = int | str | Decimal


@dataclass(frozen=True)
class Model:
    """The model a name means: ``id`` (what prices are stored under), whether the catalog
    lists it, the snapshot the name names, its release date, and the rule that read the name."""

    name: str
    id: str
    catalogued: bool
    rule: str
    snapshot: str | None = None
    released: date | None = None


@dataclass(frozen=True)
class Price:
    """A provider's price for a model in force at a time, per million tokens (None: not published)."""

    model: str
    provider: str
    tier: str
    input: Decimal
    output: Decimal
    cache_read: Decimal | None
    cache_write: Decimal | None
    cache_write_1h: Decimal | None
    reasoning: Decimal | None
    currency: str
    valid_from: str
    valid_to: str | None
    last_confirmed: str | None
    origin: str
    variant: str = ""
    long_context_threshold: int | None = None
    source_url: str | None = None
    confidence: str | None = None


@dataclass(frozen=True)
class CostPart:
    """One token class of a bill: ``tokens`` x ``price`` per million = ``cost`` (in the price's currency).

    ``substituted`` says which price stood in for one not published (flagged), else None.
    """

    label: str
    tokens: Decimal
    price: Decimal
    cost: Decimal
    field: str
    segment: str
    substituted: str | None = None


@dataclass(frozen=True)
class Cost:
    """What a request cost: ``total`` in USD (exact), its ``parts``, the flags and the price used.

    ``converted`` names the rate when the price was in another currency (the parts are in
    that currency, ``total`` in USD); ``assumptions`` are the lines `pricewatch cost` prints.
    """

    total: Decimal
    currency: str
    parts: tuple[CostPart, ...]
    flags: tuple[str, ...]
    assumptions: tuple[str, ...]
    converted: str | None
    price: Price
    at: str


def _price(point: PricePoint, sheets: WorkloadPrices) -> Price:
    assert point.input is not None and point.output is not None  # sheets have both (else no sheet)
    return Price(
        model=point.model,
        provider=point.provider,
        tier=point.tier,
        input=point.input,
        output=point.output,
        cache_read=point.cache_read,
        cache_write=point.cache_write,
        cache_write_1h=point.cache_write_1h,
        reasoning=point.reasoning,
        currency=point.currency,
        valid_from=point.valid_from,
        valid_to=point.valid_to,
        last_confirmed=point.last_confirmed,
        origin=point.origin,
        variant=point.variant,
        long_context_threshold=sheets.long_context_threshold,
        source_url=point.source_url,
        confidence=point.confidence,
    )


def _model(resolved: Resolved) -> Model:
    return Model(
        name=resolved.name,
        id=resolved.model,
        catalogued=resolved.catalogued,
        rule=resolved.rule,
        snapshot=resolved.snapshot,
        released=resolved.released,
    )


class History:
    """A price history to ask: a database's (``db``), or the shipped one (``db=None``)."""

    def __init__(self, db: str | Path | None = None, *, catalog: str | Path | None = None) -> None:
        from pricewatch.paths import user_cache_dir
        from pricewatch.pricing import load_book, shipped_rates

        self.db = Path(db) if db is not None else None
        self.book: PriceBook = load_book(
            self.db, Path(catalog) if catalog else None, cache_dir=user_cache_dir(), fx_rates=shipped_rates
        )

    @classmethod
    def from_book(cls, book: PriceBook, db: Path | None = None) -> History:
        """A History over a book already loaded (``pricewatch.pricing.load_book``)."""
        history = cls.__new__(cls)
        history.db, history.book = db, book
        return history

    def resolve(self, name: str) -> Model:
        """The model ``name`` means (rules: ``pricewatch.pricing.PriceBook.resolve``); UnknownModelError
        with close names when none maps."""
        return _model(self.book.resolve(name))

    def price(
        self, model: str, provider: str | None = None, tier: str = "standard", at: When = None
    ) -> Price:
        """The price in force at ``at`` (default now; a bare date means the end of that day).

        No provider: the maker's own price (NotSoldByMakerError lists the hosts of a model
        no maker sells). NoPriceThenError names the nearest dates known when there was none.
        """
        sheets = self.book.sheets(model, provider, at, tier=tier)
        assert sheets.standard.point is not None
        return _price(sheets.standard.point, sheets)

    def cost(
        self,
        model: str,
        input_tokens: Tokens = 0,
        output_tokens: Tokens = 0,
        cache_read_tokens: Tokens = 0,
        cache_write_tokens: Tokens = 0,
        cache_write_1h_tokens: Tokens = 0,
        reasoning_tokens: Tokens = 0,
        provider: str | None = None,
        tier: str = "standard",
        at: When = None,
        *,
        refuse_missing: bool = False,
    ) -> Cost:
        """What one request cost at ``at``. ``input_tokens`` are the UNCACHED input tokens (cache
        reads and writes are given apart); reasoning tokens come on top of ``output_tokens``.

        ``tier="batch"`` bills at the batch price (the standard one, flagged, when none is
        known); the long-context price applies when the prompt (input + cache reads + cache
        writes) is above the threshold in force. ``refuse_missing`` raises MissingPriceError
        instead of billing a missing price at a stand-in.
        """
        from pricewatch.analysis.workloads import TokenCounts

        counts = TokenCounts.of(
            input=input_tokens,
            output=output_tokens,
            cache_read=cache_read_tokens,
            cache_write=cache_write_tokens,
            cache_write_1h=cache_write_1h_tokens,
            reasoning=reasoning_tokens,
        )
        batch = tier == "batch"
        sheets = self.book.sheets(model, provider, at, tier="standard" if batch else tier)
        bill = self.book.bill(
            sheets, counts, batch=batch, on_missing="refuse" if refuse_missing else "input_price"
        )
        breakdown = bill.breakdown
        parts = tuple(
            CostPart(
                label=line.label,
                tokens=line.tokens,
                price=line.usd_per_mtok,
                cost=line.cost_usd,
                field=line.price_field,
                segment=line.segment,
                substituted=line.fallback,
            )
            for line in breakdown.lines
        )
        assert sheets.standard.point is not None
        return Cost(
            total=bill.total_usd,
            currency="USD",
            parts=parts,
            flags=breakdown.flags,
            assumptions=breakdown.assumptions,
            converted=bill.fx_note,
            price=_price(sheets.standard.point, sheets),
            at=sheets.at,
        )


_shipped: History | None = None
_lock = threading.Lock()


def history() -> History:
    """The shipped history, loaded on first use and kept for the process."""
    global _shipped
    with _lock:
        if _shipped is None:
            _shipped = History()
        return _shipped


def price(model: str, provider: str | None = None, tier: str = "standard", at: When = None) -> Price:
    """``History.price`` on the shipped history."""
    return history().price(model, provider, tier, at)


def cost(
    model: str,
    input_tokens: Tokens = 0,
    output_tokens: Tokens = 0,
    cache_read_tokens: Tokens = 0,
    cache_write_tokens: Tokens = 0,
    cache_write_1h_tokens: Tokens = 0,
    reasoning_tokens: Tokens = 0,
    provider: str | None = None,
    tier: str = "standard",
    at: When = None,
    *,
    refuse_missing: bool = False,
) -> Cost:
    """``History.cost`` on the shipped history."""
    return history().cost(
        model,
        input_tokens,
        output_tokens,
        cache_read_tokens,
        cache_write_tokens,
        cache_write_1h_tokens,
        reasoning_tokens,
        provider,
        tier,
        at,
        refuse_missing=refuse_missing,
    )


def resolve(name: str) -> Model:
    """``History.resolve`` on the shipped history."""
    return history().resolve(name)
