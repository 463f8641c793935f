"""What a usage profile costs a month on one model at one provider, every assumption printed (pure).

A ``WorkloadProfile`` says how many tokens flow and how they split; ``workload_cost``
bills each token class at its price and returns the lines of arithmetic
(tokens x USD per million = USD) with the assumptions behind them.

Token classes, per month, with T the visible tokens (input + output) and s the input share:

    input            I = T * s
    cache reads      C = h_in * I        h_in: the cache-hit rate as a share of input tokens
    cache writes     W = w * I           w: share of input tokens written to the cache
    uncached input   U = I - C - W       billed at the input price
    output           O = T * (1 - s)
    reasoning        R = O * r           r: reasoning tokens per output token, on top of T

Cache semantics are explicit because published claims differ. ``cache_reading="input"``:
the hit rate is the share of INPUT tokens that are cache reads (h_in = h). ``"all"``: the
share of ALL tokens (h_in = h / s), which is impossible when h > s: 95% of all tokens
cannot be cache reads when only 90% are input (``ImpossibleWorkloadError``).

Missing prices (decided here, printed every time): a cache read, cache write or 1-hour
cache write price that is not known is billed at the input price (an upper bound for reads,
a lower bound for writes, which most makers charge above input) and the line is flagged;
reasoning tokens without a separate reasoning price are billed at the output price (how
every maker we track bills them); batch or long-context tokens without such a price are
billed at the standard / base-context price, flagged. ``on_missing="refuse"`` raises
``MissingPriceError`` instead of any flagged fallback. A missing input or output price
always raises.

The long-context and batch shares are applied to tokens (every token class alike), not to
requests: a profile in tokens has no request sizes to weigh. They are independent, so a
share b x l of the tokens is batch and long-context at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from pricewatch.analysis.prices import PriceIndex, PricePoint, as_time, offers_at, price_at
from pricewatch.errors import ImpossibleWorkloadError, MissingPriceError
from pricewatch.fields import PRICE_FIELDS
from pricewatch.money import decimal_to_text, grouped, percent, usd

__all__ = [
    "DEFAULT_BLEND_WEIGHTS",
    "FIELD_WORDS",
    "CacheReading",
    "CacheTTL",
    "CostBreakdown",
    "CostLine",
    "MissingPolicy",
    "TokenCounts",
    "TokenPrices",
    "WorkloadCost",
    "WorkloadPrices",
    "WorkloadProfile",
    "blended_price",
    "describe_point",
    "long_context_applies",
    "request_cost",
    "usage_cost",
    "usage_rates",
    "workload_cost",
    "workload_prices_at",
]

CacheReading = Literal["input", "all"]
CacheTTL = Literal["5m", "1h"]
MissingPolicy = Literal["input_price", "refuse"]

#: Input:output weights of the blended price: 3:1, the Artificial Analysis / Epoch convention.
DEFAULT_BLEND_WEIGHTS: tuple[int, int] = (3, 1)

_MILLION = Decimal(1_000_000)
_ONE = Decimal(1)
_ZERO = Decimal(0)


def _dec(value: Any, what: str) -> Decimal:
    """A Decimal from an int, str, float (through str) or Decimal."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        raise ImpossibleWorkloadError(f"{what} must be a number, not {value!r}")
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise ImpossibleWorkloadError(f"{what} must be a number, not {value!r}") from None


def blended_price(
    input_usd_per_mtok: Decimal | None,
    output_usd_per_mtok: Decimal | None,
    weights: Sequence[int | str | Decimal] = DEFAULT_BLEND_WEIGHTS,
) -> Decimal | None:
    """The weighted input/output price, USD per million tokens: (3*input + 1*output) / 4 by default.

    None when either price is unknown.
    """
    if input_usd_per_mtok is None or output_usd_per_mtok is None:
        return None
    w_in, w_out = (_dec(w, "a blend weight") for w in weights)
    if w_in < 0 or w_out < 0 or w_in + w_out == 0:
        raise ValueError(f"blend weights must be non-negative and not both zero, not {tuple(weights)}")
    return (w_in * input_usd_per_mtok + w_out * output_usd_per_mtok) / (w_in + w_out)


# ----------------------------------------------------------------------------- profile


@dataclass(frozen=True)
class WorkloadProfile:
    """A usage profile. Shares are fractions (0.9, not 90); give tokens per day OR per month.

    tokens_per_day / tokens_per_month  visible tokens, input + output (reasoning comes on top)
    input_share            share of those tokens that are input (0.9 for a 90/10 split)
    cache_hit              cache-hit rate, read as ``cache_reading`` says
    cache_reading          "input": share of INPUT tokens that are cache reads;
                           "all": share of ALL tokens that are cache reads
    cache_write_share      share of input tokens written to the cache
    cache_write_ttl        "5m" (the 5-minute cache write price) or "1h"
    long_context_share     share of tokens in requests above the long-context threshold
    batch_share            share of tokens sent through the batch API
    reasoning_per_output   reasoning tokens per visible output token
    days_per_month         days in a month (30 by default)
    """

    tokens_per_day: Decimal | None = None
    tokens_per_month: Decimal | None = None
    input_share: Decimal = Decimal("0.75")
    cache_hit: Decimal = _ZERO
    cache_reading: CacheReading = "input"
    cache_write_share: Decimal = _ZERO
    cache_write_ttl: CacheTTL = "5m"
    long_context_share: Decimal = _ZERO
    batch_share: Decimal = _ZERO
    reasoning_per_output: Decimal = _ZERO
    days_per_month: Decimal = Decimal(30)

    def __post_init__(self) -> None:
        # Accept ints, strings and floats (through str) so callers need not build Decimals.
        for name in (
            "tokens_per_day",
            "tokens_per_month",
            "input_share",
            "cache_hit",
            "cache_write_share",
            "long_context_share",
            "batch_share",
            "reasoning_per_output",
            "days_per_month",
        ):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _dec(value, name.replace("_", " ")))
        self._validate()

    def _validate(self) -> None:
        if (self.tokens_per_day is None) == (self.tokens_per_month is None):
            raise ImpossibleWorkloadError("give tokens per day or tokens per month (exactly one of them)")
        tokens = self.tokens_per_day if self.tokens_per_day is not None else self.tokens_per_month
        if tokens is not None and tokens < 0:
            raise ImpossibleWorkloadError(f"tokens cannot be negative ({grouped(tokens)})")
        for name in ("input_share", "cache_hit", "cache_write_share", "long_context_share", "batch_share"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ImpossibleWorkloadError(
                    f"{name.replace('_', ' ')} must be a share between 0 and 1 (0.9 for 90%), not {value}"
                )
        if self.cache_reading not in ("input", "all"):
            raise ImpossibleWorkloadError(
                f'cache reading must be "input" or "all", not {self.cache_reading!r}'
            )
        if self.cache_write_ttl not in ("5m", "1h"):
            raise ImpossibleWorkloadError(
                f'cache write TTL must be "5m" or "1h", not {self.cache_write_ttl!r}'
            )
        if self.reasoning_per_output < 0:
            raise ImpossibleWorkloadError("reasoning tokens per output token cannot be negative")
        if self.days_per_month <= 0:
            raise ImpossibleWorkloadError("days per month must be positive")
        if self.cache_reading == "all" and self.cache_hit > self.input_share:
            raise ImpossibleWorkloadError(
                f"{percent(self.cache_hit)} of all tokens cannot be cache reads when only "
                f"{percent(self.input_share)} are input"
            )
        if self.input_cache_hit + self.cache_write_share > 1:
            raise ImpossibleWorkloadError(
                f"cache reads ({percent(self.input_cache_hit)} of input) and cache writes "
                f"({percent(self.cache_write_share)} of input) add up to more than the input tokens"
            )

    @property
    def tokens_in_month(self) -> Decimal:
        """Visible tokens (input + output) per month."""
        if self.tokens_per_month is not None:
            return self.tokens_per_month
        assert self.tokens_per_day is not None
        return self.tokens_per_day * self.days_per_month

    @property
    def input_cache_hit(self) -> Decimal:
        """The cache-hit rate as a share of INPUT tokens, whichever reading was given."""
        if self.cache_reading == "input":
            return self.cache_hit
        if self.input_share == 0:
            return _ZERO
        return self.cache_hit / self.input_share

    def scaled(self, factor: int | str | Decimal) -> WorkloadProfile:
        """The same profile with its token volume multiplied by ``factor``."""
        factor = _dec(factor, "factor")
        if self.tokens_per_month is not None:
            return replace(self, tokens_per_month=self.tokens_per_month * factor)
        assert self.tokens_per_day is not None
        return replace(self, tokens_per_day=self.tokens_per_day * factor)


# ----------------------------------------------------------------------------- prices


@dataclass(frozen=True)
class TokenPrices:
    """One price sheet, USD per million tokens (one tier, one context band); None = not known."""

    input: Decimal | None
    output: Decimal | None
    cache_read: Decimal | None = None
    cache_write: Decimal | None = None
    cache_write_1h: Decimal | None = None
    reasoning: Decimal | None = None
    source: str = ""
    point: PricePoint | None = None

    @classmethod
    def from_point(cls, point: PricePoint) -> TokenPrices:
        """The sheet of a stored price, described by provider, tier, date, origin and confidence."""
        return cls(
            input=point.input,
            output=point.output,
            cache_read=point.cache_read,
            cache_write=point.cache_write,
            cache_write_1h=point.cache_write_1h,
            reasoning=point.reasoning,
            source=describe_point(point),
            point=point,
        )

    def value(self, name: str) -> Decimal | None:
        """A price field by name."""
        return getattr(self, name)


def describe_point(point: PricePoint) -> str:
    """One line naming a stored price: who charged it, which tier, since when, and how we know."""
    band = f", prompts >= {point.min_prompt_tokens:,} tokens" if point.min_prompt_tokens else ""
    variant = f", variant {point.variant}" if point.variant else ""
    since = point.valid_from[:10]
    until = f" to {point.valid_to[:10]}" if point.valid_to else ""
    how = point.origin + (f", {point.confidence} confidence" if point.confidence else "")
    return (
        f"{point.model} at {point.provider} ({point.tier}{band}{variant}), valid from {since}{until} ({how})"
    )


@dataclass(frozen=True)
class WorkloadPrices:
    """The price sheets a workload may need at one provider; only ``standard`` is required."""

    standard: TokenPrices
    long_context: TokenPrices | None = None
    long_context_threshold: int | None = None
    batch: TokenPrices | None = None
    batch_long_context: TokenPrices | None = None
    model: str = ""
    provider: str = ""
    at: str = ""

    @property
    def points(self) -> tuple[PricePoint, ...]:
        """The stored prices these sheets came from."""
        sheets = (self.standard, self.long_context, self.batch, self.batch_long_context)
        return tuple(s.point for s in sheets if s is not None and s.point is not None)


def _long_threshold(
    points: Sequence[PricePoint], model: str, provider: str, at: str, tier: str, currency: str = "USD"
) -> int | None:
    candidates = points.for_model(model) if isinstance(points, PriceIndex) else points
    thresholds = sorted(
        {
            p.min_prompt_tokens
            for p in candidates
            if p.model == model and p.provider == provider and p.tier == tier
        }
        - {0}
    )
    for threshold in thresholds:
        if offers_at(
            points, model, at, provider=provider, tier=tier, min_prompt_tokens=threshold, currency=currency
        ):
            return threshold
    return None


def workload_prices_at(
    points: Iterable[PricePoint],
    model: str,
    provider: str,
    at: str | Any,
    *,
    tier: str = "standard",
    variant: str | None = None,
    currency: str = "USD",
) -> WorkloadPrices:
    """The standard, long-context and batch prices a provider charged for a model at ``at``.

    The long-context sheet is the lowest threshold above 0 in force then. Raises
    ``MissingPriceError`` when there is no standard price with input and output. ``tier``
    other than "standard" (priority, flex...) makes that tier's sheet the base one (and no
    batch sheet); ``variant`` picks one product variant (a dated snapshot) of the offer;
    ``currency`` the currency of the offers read.
    """
    points = points if isinstance(points, PriceIndex) else list(points)
    at = as_time(at)
    standard = price_at(points, model, provider, at, tier=tier, variant=variant, currency=currency)
    if standard is None or standard.input is None or standard.output is None:
        raise MissingPriceError(f"no {tier} input and output price for {model} at {provider} on {at[:10]}")
    threshold = _long_threshold(points, model, provider, at, tier, currency)
    long_point = (
        price_at(
            points,
            model,
            provider,
            at,
            tier=tier,
            min_prompt_tokens=threshold,
            variant=variant,
            currency=currency,
        )
        if threshold is not None
        else None
    )
    batch_point = batch_threshold = batch_long_point = None
    if tier == "standard":
        batch_point = price_at(points, model, provider, at, tier="batch", variant=variant, currency=currency)
        batch_threshold = _long_threshold(points, model, provider, at, "batch", currency)
        batch_long_point = (
            price_at(
                points,
                model,
                provider,
                at,
                tier="batch",
                min_prompt_tokens=batch_threshold,
                variant=variant,
                currency=currency,
            )
            if batch_threshold is not None
            else None
        )

    def sheet(point: PricePoint | None) -> TokenPrices | None:
        return TokenPrices.from_point(point) if point is not None else None

    return WorkloadPrices(
        standard=TokenPrices.from_point(standard),
        long_context=sheet(long_point),
        long_context_threshold=threshold if long_point is not None else batch_threshold,
        batch=sheet(batch_point),
        batch_long_context=sheet(batch_long_point),
        model=model,
        provider=provider,
        at=at,
    )


# ----------------------------------------------------------------------------- cost


@dataclass(frozen=True)
class CostLine:
    """One token class in one segment: tokens x USD per million tokens = USD."""

    label: str
    tokens: Decimal
    usd_per_mtok: Decimal
    cost_usd: Decimal
    price_field: str
    segment: str
    fallback: str | None = None

    @property
    def text(self) -> str:
        """The line's arithmetic, exact."""
        note = f"  [{self.fallback}]" if self.fallback else ""
        return (
            f"{self.label} ({self.segment}): {grouped(self.tokens)} tokens x {usd(self.usd_per_mtok)}/M "
            f"= {usd(self.cost_usd)}{note}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "segment": self.segment,
            "tokens": decimal_to_text(self.tokens),
            "usd_per_mtok": decimal_to_text(self.usd_per_mtok),
            "cost_usd": decimal_to_text(self.cost_usd),
            "price_field": self.price_field,
            "fallback": self.fallback,
        }


@dataclass(frozen=True)
class CostBreakdown:
    """A bill: its lines of arithmetic, the total in USD, the assumptions and the flagged fallbacks."""

    lines: tuple[CostLine, ...]
    total_usd: Decimal
    assumptions: tuple[str, ...]
    flags: tuple[str, ...]
    prices: WorkloadPrices

    @property
    def arithmetic(self) -> tuple[str, ...]:
        """Every line's arithmetic, then the sum."""
        total = " + ".join(usd(line.cost_usd) for line in self.lines) or "$0"
        return (*(line.text for line in self.lines), f"total: {total} = {usd(self.total_usd)}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.prices.model,
            "provider": self.prices.provider,
            "at": self.prices.at,
            "total_usd": decimal_to_text(self.total_usd),
            "assumptions": list(self.assumptions),
            "flags": list(self.flags),
            "lines": [line.as_dict() for line in self.lines],
            "arithmetic": list(self.arithmetic),
            "prices": [s for s in _sources(self.prices)],
        }


@dataclass(frozen=True, kw_only=True)
class WorkloadCost(CostBreakdown):
    """A profile's bill for one month; ``total_usd`` is the month, ``daily_cost_usd`` a day of it."""

    profile: WorkloadProfile

    @property
    def monthly_cost_usd(self) -> Decimal:
        """USD per month (full precision; round only to display)."""
        return self.total_usd

    @property
    def daily_cost_usd(self) -> Decimal:
        """USD per day: the month divided by the profile's days per month."""
        return self.total_usd / self.profile.days_per_month

    def as_dict(self) -> dict[str, Any]:
        result = super().as_dict()
        result["monthly_cost_usd"] = decimal_to_text(self.monthly_cost_usd)
        result["daily_cost_usd"] = decimal_to_text(self.daily_cost_usd)
        result["cache_reading"] = self.profile.cache_reading
        return result


def _sources(prices: WorkloadPrices) -> list[str]:
    named = (
        ("standard", prices.standard),
        ("long context", prices.long_context),
        ("batch", prices.batch),
        ("batch long context", prices.batch_long_context),
    )
    return [f"{name}: {sheet.source or 'given prices'}" for name, sheet in named if sheet is not None]


def _as_prices(prices: WorkloadPrices | TokenPrices) -> WorkloadPrices:
    return prices if isinstance(prices, WorkloadPrices) else WorkloadPrices(standard=prices)


FIELD_WORDS = {
    "cache_read": "cache-read",
    "cache_write": "cache-write (5-minute)",
    "cache_write_1h": "cache-write (1-hour)",
    "reasoning": "reasoning",
}


class _Biller:
    """Collects lines, flags and the sheets used while billing token classes."""

    def __init__(self, prices: WorkloadPrices, on_missing: MissingPolicy) -> None:
        self.prices = prices
        self.on_missing = on_missing
        self.lines: list[CostLine] = []
        self.flags: list[str] = []
        self.used: list[TokenPrices] = []

    def _who(self) -> str:
        who = " at ".join(x for x in (self.prices.model, self.prices.provider) if x)
        return f" for {who}" if who else ""

    def _refuse_or_flag(self, message: str) -> None:
        if self.on_missing == "refuse":
            raise MissingPriceError(message + " (refused: on_missing='refuse')")
        if message not in self.flags:
            self.flags.append(message)

    def sheet(self, batch: bool, long: bool) -> tuple[TokenPrices, str, str | None]:
        """The sheet for a segment, its name, and a short note when it stands in for a missing one."""
        p = self.prices
        name = ("batch" if batch else "standard") + (", long context" if long else ", base context")
        exact = {
            (False, False): p.standard,
            (False, True): p.long_context,
            (True, False): p.batch,
            (True, True): p.batch_long_context,
        }[(batch, long)]
        if exact is not None:
            return exact, name, None
        missing = " ".join(
            (["batch"] if batch and p.batch is None else [])
            + (
                ["long-context"]
                if long and (p.batch_long_context if batch else p.long_context) is None
                else []
            )
        )
        # Fall back one dimension at a time: the tier's base context, then the standard tier.
        for candidate, used in (
            ((p.batch if batch else None), "batch base-context price"),
            ((p.long_context if long else None), "standard long-context price"),
            (p.standard, "standard base-context price"),
        ):
            if candidate is not None:
                self._refuse_or_flag(
                    f"no {missing} price known{self._who()}: {name} tokens billed at the {used}"
                )
                return candidate, name, f"{used}: no {missing} price"
        raise MissingPriceError(f"no price known{self._who()}")  # pragma: no cover - standard is required

    def bill(
        self, label: str, tokens: Decimal, sheet: TokenPrices, segment: str, field_name: str, note: str | None
    ) -> None:
        if tokens == 0:
            return
        price = sheet.value(field_name)
        notes = [note] if note else []
        if price is None:
            if field_name in ("input", "output"):
                raise MissingPriceError(f"no {field_name} price known{self._who()} ({segment})")
            substitute = "output" if field_name == "reasoning" else "input"
            price = sheet.value(substitute)
            if price is None:
                raise MissingPriceError(f"no {substitute} price known{self._who()} ({segment})")
            # Every maker we track bills reasoning tokens as output: stated in the assumptions, not flagged.
            if field_name != "reasoning":
                bound = "an upper bound" if field_name == "cache_read" else "likely a lower bound"
                words = FIELD_WORDS[field_name]
                self._refuse_or_flag(
                    f"no {words} price known{self._who()}: {label} billed at the input price ({bound})"
                )
                notes.append(f"input price: no {words} price")
        for used in self.used:
            if used is sheet:
                break
        else:
            self.used.append(sheet)
        self.lines.append(
            CostLine(
                label=label,
                tokens=tokens,
                usd_per_mtok=price,
                cost_usd=tokens * price / _MILLION,
                price_field=field_name,
                segment=segment,
                fallback="; ".join(notes) or None,
            )
        )

    def sources(self) -> list[str]:
        """The sheets the lines used, described."""
        return [f"price: {sheet.source or 'given prices'}" for sheet in self.used]


@dataclass(frozen=True)
class TokenCounts:
    """The tokens of one bill by class; ``input`` is the UNCACHED input (cache reads and writes apart).

    Reasoning tokens come on top of output; ``TokenCounts.of`` takes ints or strings too.
    """

    input: Decimal = _ZERO
    output: Decimal = _ZERO
    cache_read: Decimal = _ZERO
    cache_write: Decimal = _ZERO
    cache_write_1h: Decimal = _ZERO
    reasoning: Decimal = _ZERO

    def __post_init__(self) -> None:
        for name in PRICE_FIELDS:  # the token classes are named as the price fields
            value = getattr(self, name)
            if type(value) is not Decimal:
                value = _dec(value, f"{name.replace('_', ' ')} tokens")
                object.__setattr__(self, name, value)
            if value < 0:
                raise ImpossibleWorkloadError(f"{name.replace('_', ' ')} tokens cannot be negative")

    @classmethod
    def of(
        cls,
        input: int | str | Decimal = 0,
        output: int | str | Decimal = 0,
        cache_read: int | str | Decimal = 0,
        cache_write: int | str | Decimal = 0,
        cache_write_1h: int | str | Decimal = 0,
        reasoning: int | str | Decimal = 0,
    ) -> TokenCounts:
        """Counts from ints, strings or Decimals (kept exact)."""
        return cls(
            *(
                _dec(value, "a token count")
                for value in (input, output, cache_read, cache_write, cache_write_1h, reasoning)
            )
        )

    @property
    def prompt(self) -> Decimal:
        """The request's prompt size: uncached input, cache reads and cache writes."""
        return self.input + self.cache_read + self.cache_write + self.cache_write_1h


# (label, TokenCounts field = price field), in the order every bill lists them.
_CLASSES = (
    ("uncached input", "input"),
    ("cache reads", "cache_read"),
    ("cache writes (5m)", "cache_write"),
    ("cache writes (1h)", "cache_write_1h"),
    ("output", "output"),
    ("reasoning", "reasoning"),
)


def _bill_counts(
    biller: _Biller, counts: TokenCounts, sheet: TokenPrices, segment: str, note: str | None
) -> None:
    """Bill each token class of ``counts`` at ``sheet``: the one billing both workloads and usages go through."""
    for label, name in _CLASSES:
        biller.bill(label, getattr(counts, name), sheet, segment, name, note)


def long_context_applies(prices: WorkloadPrices, counts: TokenCounts) -> bool:
    """True when the request's prompt is above the long-context threshold in force (every
    token of it is then billed at the long-context sheet)."""
    threshold = prices.long_context_threshold
    return threshold is not None and counts.prompt > threshold


def usage_rates(
    prices: WorkloadPrices,
    counts: TokenCounts,
    *,
    batch: bool = False,
    on_missing: MissingPolicy = "input_price",
) -> tuple[tuple[tuple[str, Decimal], ...], tuple[str, ...]]:
    """The (token class, price per million) pairs ``usage_cost`` bills ``counts`` at, in its
    order, and its flags: the same choice of sheet and stand-in prices, for a caller that
    bills many requests of one shape (``sum(count * price / 1e6)`` in this order is
    ``usage_cost``'s total, exactly)."""
    billed = usage_cost(_as_prices(prices), counts, batch=batch, on_missing=on_missing, explain=False)
    return tuple((line.price_field, line.usd_per_mtok) for line in billed.lines), billed.flags


def usage_cost(
    prices: WorkloadPrices | TokenPrices,
    counts: TokenCounts,
    *,
    batch: bool = False,
    on_missing: MissingPolicy = "input_price",
    explain: bool = True,
) -> CostBreakdown:
    """The cost of one request's (or one log row's) tokens, each class at its price.

    The long-context sheet applies when the request's prompt (``counts.prompt``) is above
    the long-context threshold in force (decided per request, every token of it at that
    sheet); ``batch`` bills at the batch sheet. A missing price is billed at a stand-in
    and flagged, as ``workload_cost`` does (``on_missing="refuse"`` raises instead).
    ``explain=False`` leaves the assumptions out (a log of a million rows needs the sums).
    """
    prices = _as_prices(prices)
    biller = _Biller(prices, on_missing)
    threshold = prices.long_context_threshold
    long = long_context_applies(prices, counts)
    sheet, segment, note = biller.sheet(batch, long)
    _bill_counts(biller, counts, sheet, segment, note)
    if not explain:
        return CostBreakdown(
            lines=tuple(biller.lines),
            total_usd=sum((line.cost_usd for line in biller.lines), _ZERO),
            assumptions=(),
            flags=tuple(biller.flags),
            prices=prices,
        )
    band = (
        f"prompt {grouped(counts.prompt)} tokens, above the {threshold:,}-token long-context threshold"
        if long and threshold is not None
        else f"prompt {grouped(counts.prompt)} tokens"
        + (f", within the {threshold:,}-token long-context threshold" if threshold is not None else "")
    )
    assumptions = (band, f"{segment} list prices per million tokens", *biller.sources(), *biller.flags)
    return CostBreakdown(
        lines=tuple(biller.lines),
        total_usd=sum((line.cost_usd for line in biller.lines), _ZERO),
        assumptions=assumptions,
        flags=tuple(biller.flags),
        prices=prices,
    )


def workload_cost(
    profile: WorkloadProfile,
    prices: WorkloadPrices | TokenPrices,
    *,
    on_missing: MissingPolicy = "input_price",
) -> WorkloadCost:
    """The monthly cost of ``profile`` at ``prices``, with its assumptions and arithmetic.

    Raises ``ImpossibleWorkloadError`` for a profile that cannot happen (checked when the
    profile is built) and ``MissingPriceError`` when input or output prices are missing, or
    any price is missing and ``on_missing="refuse"``.
    """
    prices = _as_prices(prices)
    biller = _Biller(prices, on_missing)
    total_tokens = profile.tokens_in_month
    s = profile.input_share
    input_tokens = total_tokens * s
    output_tokens = total_tokens * (_ONE - s)
    cache_reads = input_tokens * profile.input_cache_hit
    cache_writes = input_tokens * profile.cache_write_share
    uncached = input_tokens - cache_reads - cache_writes
    reasoning = output_tokens * profile.reasoning_per_output
    write_field = "cache_write" if profile.cache_write_ttl == "5m" else "cache_write_1h"

    b, lc = profile.batch_share, profile.long_context_share
    segments = [
        (False, False, (_ONE - b) * (_ONE - lc)),
        (False, True, (_ONE - b) * lc),
        (True, False, b * (_ONE - lc)),
        (True, True, b * lc),
    ]
    for batch, long, weight in segments:
        if weight == 0:
            continue
        sheet, segment, note = biller.sheet(batch, long)
        if weight != 1:
            segment = f"{segment}, {percent(weight)} of tokens"
        writes = cache_writes * weight
        counts = TokenCounts(
            input=uncached * weight,
            output=output_tokens * weight,
            cache_read=cache_reads * weight,
            cache_write=writes if write_field == "cache_write" else _ZERO,
            cache_write_1h=writes if write_field == "cache_write_1h" else _ZERO,
            reasoning=reasoning * weight,
        )
        _bill_counts(biller, counts, sheet, segment, note)

    total = sum((line.cost_usd for line in biller.lines), _ZERO)
    assumptions = (
        _assumptions(profile, prices, input_tokens, output_tokens, cache_reads, cache_writes, reasoning)
        + biller.sources()
    )
    return WorkloadCost(
        lines=tuple(biller.lines),
        total_usd=total,
        assumptions=tuple(assumptions + biller.flags),
        flags=tuple(biller.flags),
        prices=prices,
        profile=profile,
    )


def _assumptions(
    profile: WorkloadProfile,
    prices: WorkloadPrices,
    input_tokens: Decimal,
    output_tokens: Decimal,
    cache_reads: Decimal,
    cache_writes: Decimal,
    reasoning: Decimal,
) -> list[str]:
    p = profile
    lines = []
    if p.tokens_per_day is not None:
        lines.append(
            f"{grouped(p.tokens_per_day)} tokens per day x {grouped(p.days_per_month)} days per month "
            f"= {grouped(p.tokens_in_month)} tokens per month (input + output)"
        )
    else:
        lines.append(f"{grouped(p.tokens_in_month)} tokens per month (input + output)")
    lines.append(
        f"input:output split {percent(p.input_share)} / {percent(1 - p.input_share)}: "
        f"{grouped(input_tokens)} input, {grouped(output_tokens)} output tokens"
    )
    if p.cache_hit == 0:
        lines.append("no cache reads")
    elif p.cache_reading == "input":
        lines.append(
            f'cache-hit rate {percent(p.cache_hit)} read as a share of INPUT tokens (reading "input"): '
            f"{grouped(cache_reads)} cache-read tokens"
        )
    else:
        lines.append(
            f'cache-hit rate {percent(p.cache_hit)} read as a share of ALL tokens (reading "all"): '
            f"{percent(p.cache_hit)} / {percent(p.input_share)} = {percent(p.input_cache_hit)} of input tokens, "
            f"{grouped(cache_reads)} cache-read tokens"
        )
    if p.cache_write_share == 0:
        lines.append("no cache writes")
    else:
        ttl = "5-minute" if p.cache_write_ttl == "5m" else "1-hour"
        lines.append(
            f"cache writes: {percent(p.cache_write_share)} of input tokens ({ttl} cache), {grouped(cache_writes)} tokens"
        )
    lines.append("uncached input = input - cache reads - cache writes")
    if p.long_context_share == 0:
        lines.append("no requests above the long-context threshold")
    else:
        threshold = (
            f"{prices.long_context_threshold:,} tokens" if prices.long_context_threshold else "none known"
        )
        lines.append(
            f"{percent(p.long_context_share)} of tokens are in requests above the long-context threshold "
            f"({threshold}), billed at long-context prices (applied to tokens, not requests)"
        )
    if p.batch_share == 0:
        lines.append("no batch: every token at the standard tier")
    else:
        lines.append(f"{percent(p.batch_share)} of tokens sent through batch, billed at batch prices")
    if p.reasoning_per_output == 0:
        lines.append("no reasoning tokens")
    else:
        lines.append(
            f"{grouped(p.reasoning_per_output)} reasoning tokens per output token = {grouped(reasoning)} tokens, on "
            f"top of the visible tokens, billed at the reasoning price or else the output price"
        )
    lines.append("list prices in USD per million tokens; no discounts other than those named above")
    return lines


def request_cost(
    prices: WorkloadPrices | TokenPrices,
    input_tokens: int | str | Decimal,
    output_tokens: int | str | Decimal,
    *,
    cache_read_tokens: int | str | Decimal = 0,
    cache_write_tokens: int | str | Decimal = 0,
    on_missing: MissingPolicy = "input_price",
) -> CostBreakdown:
    """The cost of one request (standard tier, base context): each token class x its price.

    ``input_tokens`` counts every input token; the cache reads and writes are part of it.
    """
    prices = _as_prices(prices)
    n_in = _dec(input_tokens, "input tokens")
    n_out = _dec(output_tokens, "output tokens")
    n_read = _dec(cache_read_tokens, "cache-read tokens")
    n_write = _dec(cache_write_tokens, "cache-write tokens")
    if min(n_in, n_out, n_read, n_write) < 0:
        raise ImpossibleWorkloadError("token counts cannot be negative")
    if n_read + n_write > n_in:
        raise ImpossibleWorkloadError(
            f"cache reads ({grouped(n_read)}) and writes ({grouped(n_write)}) cannot exceed the input tokens ({grouped(n_in)})"
        )
    biller = _Biller(prices, on_missing)
    segment = "standard, base context"
    biller.bill("uncached input", n_in - n_read - n_write, prices.standard, segment, "input", None)
    biller.bill("cache reads", n_read, prices.standard, segment, "cache_read", None)
    biller.bill("cache writes (5m)", n_write, prices.standard, segment, "cache_write", None)
    biller.bill("output", n_out, prices.standard, segment, "output", None)
    assumptions = [
        f"one request: {grouped(n_in)} input tokens ({grouped(n_read)} cache reads, {grouped(n_write)} cache writes), "
        f"{grouped(n_out)} output tokens",
        "standard tier, base-context list prices in USD per million tokens",
        *biller.sources(),
        *biller.flags,
    ]
    return CostBreakdown(
        lines=tuple(biller.lines),
        total_usd=sum((line.cost_usd for line in biller.lines), _ZERO),
        assumptions=tuple(assumptions),
        flags=tuple(biller.flags),
        prices=prices,
    )
