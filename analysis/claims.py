"""Claims as structured data, and their verdicts with the arithmetic shown (pure).

A claim is one of these kinds (frozen dataclasses, ``analysis.records``; ``kind`` tells them apart):

    price         a model's price at a provider ("Opus 4.6 costs $5/$25 per million tokens")
    ratio         A is N times cheaper than B, A costs P% of B, or A is P% cheaper than B;
                  A and B may be two prices of one model (cache reads vs uncached input)
    request_cost  N input + M output tokens cost $X on a model
    workload      a usage profile costs $X (or $X-$Y) per month on a model
    trend         a price fell N-fold over a period, falls N-fold or P% a year
    arithmetic    a sum stated in the words ("$6/day ... $180/month": 6 x 30 = 180)
    capability    A reaches P% of B's capability (checked only against a stored score)
    unverifiable  a statement the price data cannot address; names what would be needed

``evaluate(claim, points, facts, at)`` gives exactly one verdict: ``holds`` (within the
claim's tolerance, +-15% unless it says otherwise), ``off`` (with the factor and whether the
claim overstates or understates), ``stale`` (it held from one date to another and no longer
does) or ``cannot_check`` (naming the missing data). Every verdict carries its arithmetic:
the stored prices used (provider, dates, origin, source, curated confidence), each step as a
formula with its result, and the comparison of claimed and actual figures.

"Stale": for kinds that depend on the prices in force (price, ratio, request_cost,
workload) the claim is also evaluated at every change point of the prices it rests on, up to
``at``; if it held during an earlier run and no longer does, the verdict is ``stale`` with
the dates; if it holds, ``held_from`` says since when.

Tolerance: a claimed figure c holds for an actual a when c x (1 - t) <= a <= c x (1 + t)
(a range [lo, hi] when lo x (1 - t) <= a <= hi x (1 + t)). The factor of an ``off`` verdict is
how far the nearest claimed bound is from the actual figure (>= 1), and the direction says
whether the claim is higher than the data (``overstated``) or lower (``understated``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Context, Decimal
from typing import Any, Literal

from pricewatch.analysis.calculator import calculate
from pricewatch.analysis.claim_words import GroupSummary, group_summary, impossible
from pricewatch.analysis.prices import ModelFacts, PriceIndex, PricePoint, as_time, market_price, offers_at
from pricewatch.analysis.records import Record, kind_of, record, spec
from pricewatch.analysis.trend_default import (
    DEFAULT_TREND_REFERENCE,
    DEFAULT_TREND_SCORE,
    default_start,
    reference_level,
)
from pricewatch.analysis.trends import TrendPoint, cheapest_at, cheapest_at_threshold
from pricewatch.analysis.workloads import (
    TokenPrices,
    WorkloadPrices,
    WorkloadProfile,
    blended_price,
    request_cost,
    workload_cost,
    workload_prices_at,
)
from pricewatch.errors import DataError, ExpressionError, ImpossibleWorkloadError, MissingPriceError
from pricewatch.money import decimal_to_text, figure, grouped

__all__ = [
    "DEFAULT_TOLERANCE",
    "PRICED_KINDS",
    "PRICE_WORDS",
    "VERDICTS",
    "VERDICT_ORDER",
    "ArithmeticClaim",
    "CapabilityClaim",
    "CheckReport",
    "Claim",
    "Comparison",
    "EntryVerdict",
    "Figure",
    "FigureHeld",
    "Given",
    "LevelPriceClaim",
    "PriceClaim",
    "PriceRef",
    "PriceUsed",
    "RatioClaim",
    "RegistryEntry",
    "RegistryReport",
    "RegistryResult",
    "RequestCostClaim",
    "Step",
    "TrendClaim",
    "TrendMeasure",
    "UnverifiableClaim",
    "Verdict",
    "WorkloadClaim",
    "check_registry",
    "combine_verdicts",
    "evaluate",
    "evaluate_entry",
    "evaluate_parts",
    "explain",
    "judge_trend",
    "measure_trend",
    "parse_claim_data",
    "parse_registry",
]

DEFAULT_TOLERANCE = Decimal("0.15")
VERDICTS = ("holds", "off", "stale", "cannot_check")
VerdictName = Literal["holds", "off", "stale", "cannot_check"]
Direction = Literal["overstated", "understated"]

# Decimals are written as exact decimal text in JSON ("0.39", never "3.9E-1"), as in the store.
Num = Decimal

_MILLION = Decimal(1_000_000)
_HUNDRED = Decimal(100)
_ONE = Decimal(1)


# ----------------------------------------------------------------------------- claimed figures


@record
class Figure(Record):
    """A claimed (or computed) figure: a point (low == high), a range, or a bound (one side None)."""

    low: Num | None = None  # null = no lower bound
    high: Num | None = None  # null = no upper bound ("50%+")

    @classmethod
    def point(cls, value: Decimal | int | str) -> Figure:
        """A single figure."""
        value = Decimal(str(value))
        return cls(low=value, high=value)

    @classmethod
    def span(cls, low: Decimal | int | str, high: Decimal | int | str) -> Figure:
        """A range (bounds in either order)."""
        a, b = sorted((Decimal(str(low)), Decimal(str(high))))
        return cls(low=a, high=b)

    @staticmethod
    def coerce_input(value: Any) -> Any:
        """Accept a bare number (TOML/JSON `claimed = 7.5`) as a point, a pair as a range."""
        return _figure(value)

    @property
    def is_point(self) -> bool:
        return self.low is not None and self.low == self.high

    def text(self, unit: str = "") -> str:
        """The figure for people: "$5", "$4,200-$6,000", "50%+"."""
        if self.is_point:
            return figure(self.low, unit)
        if self.low is not None and self.high is not None:
            return f"{figure(self.low, unit)}-{figure(self.high, unit)}"
        if self.low is not None:
            return f"at least {figure(self.low, unit)}"
        if self.high is not None:
            return f"at most {figure(self.high, unit)}"
        return "any"


def _figure(value: Any) -> Any:
    """Accept a bare number (TOML/JSON `claimed = 7.5`) as a point figure."""
    if isinstance(value, int | float | str | Decimal) and not isinstance(value, bool):
        return {"low": value, "high": value}
    if isinstance(value, list | tuple) and len(value) == 2:
        return {"low": value[0], "high": value[1]}
    return value


# ----------------------------------------------------------------------------- claims

PriceName = Literal["input", "output", "blended", "cache_read", "cache_write"]
StatisticName = Literal["auto", "retail", "cheapest", "median"]


@record
class PriceRef(Record):
    """Which price of a model: a named provider, or a statistic.

    ``provider`` set: that provider's price (OpenRouter included). Otherwise ``statistic``:
    "retail" (the maker's own price), "cheapest" or "median" over hosts (OpenRouter's own list
    price left out), or "auto": retail where the maker sells the model, else the cheapest
    host (the "auto" basis of ``analysis.ratios``).
    """

    model: str  # catalog model id
    provider: str | None = None  # catalog provider id; null = by statistic
    statistic: StatisticName = "auto"


@record
class _ClaimBase(Record):
    text: str = ""  # the words of the claim, for display
    tolerance: Num = spec(default=DEFAULT_TOLERANCE, ge=0)  # relative tolerance (0.15 = +-15%)


@record
class _OneModel(_ClaimBase):
    model: str  # catalog model id
    provider: str | None = None  # catalog provider id; null = by statistic
    statistic: StatisticName = "auto"

    @property
    def ref(self) -> PriceRef:
        return PriceRef(model=self.model, provider=self.provider, statistic=self.statistic)


@record
class PriceClaim(_OneModel):
    """A model's prices at a provider, USD per million tokens (any of the fields)."""

    kind: Literal["price"] = "price"
    input: Num | None = None
    output: Num | None = None
    cache_read: Num | None = None
    cache_write: Num | None = None


@record
class RatioClaim(_ClaimBase):
    """A relation between two prices, A and B.

    form "times_cheaper": claimed N = B / A ("A is N times cheaper than B");
    form "percent_of": claimed P = 100 x A / B ("A costs P% of B");
    form "percent_cheaper": claimed P = 100 x (1 - A / B) ("A is P% cheaper than B", "cuts
    costs by P%"), checked as the share 100 - P so a 90% cut is judged on the 10% that remains.
    """

    kind: Literal["ratio"] = "ratio"
    a: PriceRef
    b: PriceRef
    a_price: PriceName = "blended"
    b_price: PriceName = "blended"
    form: Literal["times_cheaper", "percent_of", "percent_cheaper"]
    claimed: Figure


@record
class RequestCostClaim(_OneModel):
    """One request of N input and M output tokens costs $X (standard tier, base context)."""

    kind: Literal["request_cost"] = "request_cost"
    input_tokens: int = spec(ge=0)
    output_tokens: int = spec(ge=0)
    cache_read_tokens: int = spec(default=0, ge=0)  # part of input_tokens
    claimed: Figure  # USD


@record
class WorkloadClaim(_OneModel):
    """A usage profile costs $X (or $X-$Y) per month (or per day, with ``per = "day"``)."""

    kind: Literal["workload"] = "workload"
    tokens_per_day: Figure | None = None  # visible tokens (input + output) per day
    tokens_per_month: Figure | None = None
    input_share: Num = spec(default=Decimal("0.75"), ge=0, le=1)
    cache_hit: Num = spec(default=Decimal(0), ge=0, le=1)
    # "input": share of input tokens that are cache reads; "all": of all tokens
    cache_reading: Literal["input", "all"] = "input"
    cache_write_share: Num = spec(default=Decimal(0), ge=0, le=1)
    days_per_month: Num = spec(default=Decimal(30), gt=0)
    per: Literal["month", "day"] = "month"
    claimed: Figure  # USD per month (or per day)


@record
class TrendClaim(_ClaimBase):
    """Prices fell N-fold over a period, or fall N-fold / P% a year, at a fixed capability.

    The series: for each date, the cheapest ``price`` of any model whose ``score`` is at least
    ``threshold`` (or the score of ``reference_model``); closed models at their maker's price,
    open-weight ones at the cheapest host. "fold_over_period" compares the series at ``start``
    and ``end``; the per-year forms fit log price against time over [start, end] (or the
    ``years`` before ``end``, else before the time of the check).
    """

    kind: Literal["trend"] = "trend"
    form: Literal["fold_over_period", "fold_per_year", "percent_per_year"]
    claimed: Figure
    price: Literal["input", "output", "blended"] = "blended"
    score: str | None = None  # catalog score name; null = the evaluator's default
    threshold: float | None = None
    reference_model: str | None = None  # threshold = this model's score
    start: date | None = None
    end: date | None = None
    years: Num | None = spec(default=None, gt=0)


@record
class LevelPriceClaim(_ClaimBase):
    """The cheapest price of any model at a capability level during a period ("2023 | GPT-4 level | $30-60").

    The level is ``reference_model``'s score (its version in force at ``start``); the actual
    figure is the range of the cheapest price at that level over the period (evaluated in
    ``analysis.level_prices``).
    """

    kind: Literal["level_price"] = "level_price"
    reference_model: str  # catalog model id: "GPT-4 level"
    start: date
    end: date  # exclusive
    price: Literal["input", "output", "blended"] = "output"
    score: str | None = None  # catalog score name; null = the evaluator's default
    claimed: Figure  # USD per million tokens


@record
class Given(Record):
    """A figure an arithmetic claim rests on, and where the words state it (line 0: the same sentence)."""

    figure: str  # "$5,000", "10%"
    line: int = 0
    words: str = ""  # the words around it, briefly


@record
class ArithmeticClaim(_ClaimBase):
    """A sum stated in the words: ``expression`` (numbers, + - * / and brackets) equals ``claimed``.

    Arithmetic on the words' own figures (analysis/claim_arithmetic.py): no price data is used.
    ``label`` says what the expression computes, ``unit`` the unit of its result ("$", "%",
    "x", "years"), ``given`` the figures it rests on and the line each was stated on.
    """

    kind: Literal["arithmetic"] = "arithmetic"
    expression: str
    claimed: Figure
    label: str = ""
    unit: str = ""
    given: list[Given] = spec(factory=list)


@record
class CapabilityClaim(_ClaimBase):
    """Model A reaches P% of model B's capability, checked only against a stored index score."""

    kind: Literal["capability"] = "capability"
    a: str
    b: str
    score: str | None = None  # catalog score name; null = the first index both have
    claimed: Figure  # percent


@record
class UnverifiableClaim(_ClaimBase):
    """A statement no price data can check; ``missing`` names what would be needed."""

    kind: Literal["unverifiable"] = "unverifiable"
    missing: str


# Told apart by ``kind`` (records.py reads a claim's dict by it).
Claim = (
    PriceClaim
    | RatioClaim
    | RequestCostClaim
    | WorkloadClaim
    | TrendClaim
    | LevelPriceClaim
    | ArithmeticClaim
    | CapabilityClaim
    | UnverifiableClaim
)
_CLAIM_KINDS: dict[str, type[Record]] = {
    kind_of(cls): cls
    for cls in (
        PriceClaim,
        RatioClaim,
        RequestCostClaim,
        WorkloadClaim,
        TrendClaim,
        LevelPriceClaim,
        ArithmeticClaim,
        CapabilityClaim,
        UnverifiableClaim,
    )
}


def parse_claim_data(data: Mapping[str, Any]) -> Claim:
    """A claim from its JSON/TOML form (raises DataError, a ValueError, naming each problem)."""
    if not isinstance(data, Mapping):
        raise DataError([((), "Input should be a valid dictionary or object")])
    kind = data.get("kind")
    cls = _CLAIM_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        expected = ", ".join(repr(k) for k in _CLAIM_KINDS)
        raise DataError([(("kind",), f"Input should be one of {expected}")])
    return cls.from_dict(data)


# ----------------------------------------------------------------------------- verdicts


@record
class PriceUsed(Record):
    """A stored price a verdict rests on, with where and when it applied and how we know."""

    role: str  # what the price stands for in the claim (A, B, the model...)
    model: str
    model_name: str
    provider: str
    tier: str
    min_prompt_tokens: int = 0
    variant: str = ""
    input: Num | None = None
    output: Num | None = None
    cache_read: Num | None = None
    cache_write: Num | None = None
    currency: str = "USD"
    valid_from: str
    valid_to: str | None = None
    origin: str
    confidence: str | None = None
    source_url: str | None = None
    chosen_by: str = ""  # how this offer was chosen (retail, cheapest of N hosts...)
    last_confirmed: str | None = None  # when a source last saw this price
    confirmed_by: str | None = None  # which source
    # Set when no source has confirmed the price within the curated window: the verdict
    # still rests on it, flagged "unconfirmed since" this date.
    unconfirmed_since: str | None = None


@record
class Step(Record):
    """One line of arithmetic a reader can redo by hand."""

    label: str
    formula: str
    result: str


@record
class Comparison(Record):
    """A claimed figure against the figure the data gives."""

    label: str
    unit: str
    claimed: Figure
    actual: Num
    holds: bool
    factor: Num  # >= 1: how far the nearest claimed bound is from the actual figure
    direction: Direction | None = None
    decisive: bool = True  # false: shown for context, not part of the verdict


@record
class FigureHeld(Record):
    """Where and when a price claim's quoted figures held: one host's run of those exact prices.

    Filled by ``analysis.figure_search`` when the price the claim was bound to does not match
    ("$0.45/$2.25 is deepinfra's price since 2026-05-16").
    """

    provider: str
    valid_from: str
    valid_to: str | None = None  # null: still in force at the check time
    list_price: bool = False  # OpenRouter's own list price, not a host's
    variant: str = (
        ""  # a dated snapshot sold beside the model ("gpt-4o-2024-05-13"); "" = the model's own name
    )


@record
class Verdict(Record):
    """The verdict on one claim at one time, with its arithmetic."""

    verdict: VerdictName
    kind: str
    at: str  # the time the claim was checked for (UTC)
    summary: str
    claim: Claim
    comparisons: list[Comparison] = spec(factory=list)
    factor: Num | None = None
    direction: Direction | None = None
    held_from: str | None = None  # start of the last run of times when the claim held
    held_until: str | None = None  # end (exclusive) of that run, when it ended
    # The oldest last confirmation of an unconfirmed price the verdict rests on (see PriceUsed).
    unconfirmed_since: str | None = None
    missing: list[str] = spec(factory=list)
    prices: list[PriceUsed] = spec(factory=list)
    steps: list[Step] = spec(factory=list)
    assumptions: list[str] = spec(factory=list)
    # A price claim that does not hold: every host and time its quoted figures held, oldest first.
    held_elsewhere: list[FigureHeld] = spec(factory=list)


# ----------------------------------------------------------------------------- formatting


def _day(at: str | None) -> str:
    return (at or "")[:10]


PRICE_WORDS = {
    "input": "input",
    "output": "output",
    "blended": "3:1 blended",
    "cache_read": "cache-read",
    "cache_write": "cache-write",
}


# ----------------------------------------------------------------------------- comparing


_SIGNIFICANT = Context(prec=20)


def _tidy(value: Decimal) -> Decimal:
    """A result to 20 significant digits, so a quotient reads 6.8, not 6.799999999999999999999999997."""
    if not value.is_finite() or value == 0:
        return value
    return _SIGNIFICANT.plus(value).normalize()


def _compare(label: str, unit: str, claimed: Figure, actual: Decimal, tolerance: Decimal) -> Comparison:
    """Claimed against actual, within a relative tolerance (judged on the exact figures).

    A bound ("at least 10x", "up to 90%": one side open) is a bound: it holds when the actual
    figure is on its side, with no tolerance; a point or a range ("about 10x", "50-100x")
    holds within the tolerance.
    """
    bound = (claimed.low is None) != (claimed.high is None)
    if bound:
        tolerance = Decimal(0)
    low_ok = claimed.low is None or actual >= claimed.low * (_ONE - tolerance)
    high_ok = claimed.high is None or actual <= claimed.high * (_ONE + tolerance)
    holds = low_ok and high_ok
    factor = _ONE
    direction: Direction | None = None
    if claimed.low is not None and actual < claimed.low:
        factor = claimed.low / actual if actual > 0 else Decimal("Infinity")
        direction = "overstated"
    elif claimed.high is not None and actual > claimed.high:
        factor = actual / claimed.high if claimed.high > 0 else Decimal("Infinity")
        direction = "understated"
    factor = Decimal("1e9") if factor.is_infinite() else _tidy(factor)
    return Comparison(
        label=label,
        unit=unit,
        claimed=claimed,
        actual=_tidy(actual),
        holds=holds,
        factor=factor,
        direction=direction,
    )


class _Missing(Exception):
    """Data a claim needs is not there (becomes a cannot_check verdict)."""


@dataclass
class _Work:
    """What one evaluation collects on its way to a verdict."""

    comparisons: list[Comparison]
    prices: list[PriceUsed]
    steps: list[Step]
    assumptions: list[str]
    missing: list[str]
    summary: str = ""

    @classmethod
    def empty(cls) -> _Work:
        return cls([], [], [], [], [])

    def step(self, label: str, formula: str, result: str) -> None:
        self.steps.append(Step(label=label, formula=formula, result=result))


# ----------------------------------------------------------------------------- prices


@dataclass(frozen=True)
class _Sheet:
    prices: WorkloadPrices
    points: tuple[PricePoint, ...]
    chosen_by: str
    where: str  # "at Anthropic", "cheapest host (DeepInfra)"
    unconfirmed: tuple[PricePoint, ...] = ()  # points past their confirmation window, as stored


def _name(facts: Mapping[str, ModelFacts], model: str) -> str:
    fact = facts.get(model)
    return fact.name if fact else model


def _sheet(
    ref: PriceRef,
    points: Sequence[PricePoint],
    facts: Mapping[str, ModelFacts],
    at: str,
    *,
    maker_first: bool = False,
) -> _Sheet:
    """The price sheet a reference names at ``at``, or _Missing naming what is not there.

    Current prices first. When none is, a price past its confirmation window is used
    instead, and the sheet says so (the verdict keeps it, flagged "unconfirmed since").
    ``maker_first`` (a price claim): an "auto" reference means the maker's own price while
    the maker sells the model; one whose maker price ended is not judged on a host's.
    """
    try:
        return _current_sheet(ref, points, facts, at, maker_first)
    except _Missing as missing:
        stale = {id(p): p for p in points if p.model == ref.model and p.unconfirmed_at(at)}
        if not stale:
            raise
        lenient = [replace(p, unconfirmed_after=None) if id(p) in stale else p for p in points]
        originals = {
            id(copy): stale[id(p)] for p, copy in zip(points, lenient, strict=True) if id(p) in stale
        }
        try:
            sheet = _current_sheet(ref, lenient, facts, at, maker_first)
        except _Missing:
            raise missing from None
        flagged = tuple(originals[id(p)] for p in sheet.points if id(p) in originals)
        return replace(sheet, unconfirmed=flagged)


def _maker_ended(points: Sequence[PricePoint], fact: ModelFacts | None, at: str) -> PricePoint | None:
    """The maker's last base price of the model when it ended by ``at`` and no maker price is in force."""
    if fact is None:
        return None
    mine = [p for p in points if p.model == fact.id and p.provider in fact.makers]
    if any(p.in_force(at) for p in mine):
        return None
    ended = [
        p
        for p in mine
        if p.tier == "standard" and p.min_prompt_tokens == 0 and p.valid_to is not None and p.valid_to <= at
    ]
    return max(ended, key=lambda p: (p.valid_to or "", p.valid_from)) if ended else None


_END_WORDS = {
    "retired": "retired by its maker",
    "delisted": "no longer listed on its maker's page",
    "changed": "replaced",
}


def _ended_text(
    points: Sequence[PricePoint], facts: Mapping[str, ModelFacts], last: PricePoint, at: str
) -> str:
    """Why a maker price ended, and who sells the model at ``at`` instead (what replaced it)."""
    name = _name(facts, last.model)
    why = _END_WORDS.get(last.ended or "", "ended")
    text = (
        f"{name} is no longer sold by {last.provider}: its price there ended on {_day(last.valid_to)} ({why})"
    )
    hosts = sorted(
        (
            p
            for p in offers_at(points, last.model, at)
            if p.provider not in ("openrouter", last.provider)
            and p.input is not None
            and p.output is not None
        ),
        key=lambda p: (p.provider, p.variant),
    )
    if not hosts:
        return f"{text}; no host sells it on {_day(at)}"
    # Each host's price with its last confirmation: a host list months old says so.
    sold = ", ".join(
        f"{p.provider} ({figure(p.input, '$')} / {figure(p.output, '$')}"
        + (f", confirmed {_day(p.last_confirmed)})" if p.last_confirmed else ")")
        for p in hosts
    )
    return f"{text}; sold on {_day(at)} by {sold}"


def _current_sheet(
    ref: PriceRef, points: Sequence[PricePoint], facts: Mapping[str, ModelFacts], at: str, maker_first: bool
) -> _Sheet:
    fact = facts.get(ref.model)
    name = _name(facts, ref.model)
    if ref.provider is not None:
        try:
            prices = workload_prices_at(points, ref.model, ref.provider, at)
        except MissingPriceError:
            raise _Missing(f"no price for {name} at {ref.provider} in force on {_day(at)}") from None
        return _Sheet(prices, prices.points, f"named provider {ref.provider}", f"at {ref.provider}")
    statistic = ref.statistic
    if statistic in ("auto", "retail"):
        for maker in fact.makers if fact else ():
            try:
                prices = workload_prices_at(points, ref.model, maker, at)
            except MissingPriceError:
                continue
            return _Sheet(prices, prices.points, f"retail: the maker's own price ({maker})", f"at {maker}")
        last = _maker_ended(points, fact, at)
        ended = _ended_text(points, facts, last, at) if last is not None else None
        if statistic == "retail":
            raise _Missing(ended or f"no retail (maker's own) price for {name} in force on {_day(at)}")
        if maker_first and (
            ended
            or any(
                p.in_force(at)
                for p in points
                if p.provider in (fact.makers if fact else ()) and p.model == ref.model
            )
        ):
            # The maker's price ended (stale at the maker), or it is only unconfirmed (then
            # the unconfirmed retail price is the claim's reading, flagged): not a host's.
            raise _Missing(ended or f"only an unconfirmed retail price for {name} on {_day(at)}")
        statistic = "cheapest"  # "auto" as analysis.ratios' basis: retail, else the market
    else:
        ended = None
    market = market_price(points, ref.model, at, statistic=statistic)
    if market is None:
        raise _Missing(ended or f"no host price for {name} in force on {_day(at)}")
    if statistic == "cheapest":
        best = market.offers[0]
        sheet = TokenPrices.from_point(best)
        considered = len({p.provider for p in offers_at(points, ref.model, at)} - {"openrouter"})
        return _Sheet(
            WorkloadPrices(standard=sheet, model=ref.model, provider=best.provider, at=at),
            (best,),
            f"cheapest of {considered} host(s) by 3:1 blended price",
            f"at the cheapest host ({best.provider})",
        )
    sheet = TokenPrices(
        input=market.input,
        output=market.output,
        cache_read=market.cache_read,
        source=f"median of {len(market.offers)} hosts",
    )
    return _Sheet(
        WorkloadPrices(standard=sheet, model=ref.model, provider="median", at=at),
        market.offers,
        f"median of {len(market.offers)} hosts",
        f"at the median of {len(market.offers)} hosts",
    )


def _used(role: str, sheet: _Sheet, facts: Mapping[str, ModelFacts]) -> list[PriceUsed]:
    unconfirmed = {
        (p.provider, p.tier, p.min_prompt_tokens, p.variant, p.valid_from) for p in sheet.unconfirmed
    }
    return [
        PriceUsed(
            role=role,
            model=p.model,
            model_name=_name(facts, p.model),
            provider=p.provider,
            tier=p.tier,
            min_prompt_tokens=p.min_prompt_tokens,
            variant=p.variant,
            input=p.input,
            output=p.output,
            cache_read=p.cache_read,
            cache_write=p.cache_write,
            currency=p.currency,
            valid_from=p.valid_from,
            valid_to=p.valid_to,
            origin=p.origin,
            confidence=p.confidence,
            source_url=p.source_url,
            chosen_by=sheet.chosen_by,
            last_confirmed=p.last_confirmed,
            confirmed_by=p.confirmed_by,
            unconfirmed_since=_day(p.unconfirmed_since)
            if (p.provider, p.tier, p.min_prompt_tokens, p.variant, p.valid_from) in unconfirmed
            else None,
        )
        for p in sheet.points
        if p.min_prompt_tokens == 0 and p.tier == "standard"
    ]


def _price_value(
    sheet: _Sheet, which: PriceName, label: str, work: _Work, facts: Mapping[str, ModelFacts]
) -> Decimal:
    """One price (or the 3:1 blend) from a sheet, with its step; _Missing when not known."""
    s = sheet.prices.standard
    name = _name(facts, sheet.prices.model)
    if which == "blended":
        value = blended_price(s.input, s.output)
        if value is None or s.input is None or s.output is None:  # None together; the check narrows
            raise _Missing(f"no input and output price for {name} {sheet.where}")
        work.step(
            f"{label}: {name} blended price {sheet.where}",
            f"(3 x ${decimal_to_text(s.input)} input + 1 x ${decimal_to_text(s.output)} output) / 4",
            figure(value, "$") + " per million tokens",
        )
        return value
    value = s.value(which)
    if value is None:
        raise _Missing(f"no {PRICE_WORDS[which]} price for {name} {sheet.where}")
    work.step(
        f"{label}: {name} {PRICE_WORDS[which]} price {sheet.where}",
        f"${decimal_to_text(value)} per million tokens",
        figure(value, "$"),
    )
    return value


# ----------------------------------------------------------------------------- evaluators


def _eval_price(claim: PriceClaim, points, facts, at, work: _Work) -> None:
    sheet = _sheet(claim.ref, points, facts, at, maker_first=True)
    work.prices.extend(_used("the model", sheet, facts))
    name = _name(facts, claim.model)
    fields = [(f, getattr(claim, f)) for f in ("input", "output", "cache_read", "cache_write")]
    fields = [(f, v) for f, v in fields if v is not None]
    if not fields:
        raise _Missing("the claim names no price (input, output, cache read or cache write)")
    for field, claimed in fields:
        actual = sheet.prices.standard.value(field)
        if actual is None:
            work.missing.append(f"no {PRICE_WORDS[field]} price for {name} {sheet.where} on {_day(at)}")
            continue
        work.step(
            f"{PRICE_WORDS[field]} price of {name} {sheet.where}",
            f"stored ${decimal_to_text(actual)} per million tokens; claimed ${decimal_to_text(claimed)}",
            f"{figure(actual / claimed if claimed else _ONE, 'x')} the claimed figure",
        )
        work.comparisons.append(
            _compare(
                PRICE_WORDS[field], "USD per million tokens", Figure.point(claimed), actual, claim.tolerance
            )
        )
    if work.missing and not work.comparisons:
        raise _Missing(work.missing.pop(0))
    actual_text = " / ".join(figure(c.actual, "$") for c in work.comparisons)
    claimed_text = " / ".join(c.claimed.text("$") for c in work.comparisons)
    labels = " / ".join(c.label for c in work.comparisons)
    work.summary = f"{name} {sheet.where}: {labels} {actual_text} per million tokens (claimed {claimed_text})"


def _ratio_value(form: str, a: Decimal, b: Decimal) -> Decimal:
    if form == "times_cheaper":
        if a == 0:
            raise _Missing("price A is 0: a ratio to a free price has no meaning")
        return b / a
    if b == 0:
        raise _Missing("price B is 0: a share of a free price has no meaning")
    return _HUNDRED * a / b


def _eval_ratio(claim: RatioClaim, points, facts, at, work: _Work) -> None:
    same = claim.a == claim.b
    sheet_a = _sheet(claim.a, points, facts, at)
    sheet_b = sheet_a if same else _sheet(claim.b, points, facts, at)
    work.prices.extend(_used("A", sheet_a, facts))
    if not same:
        work.prices.extend(_used("B", sheet_b, facts))
    name_a, name_b = _name(facts, claim.a.model), _name(facts, claim.b.model)
    a = _price_value(sheet_a, claim.a_price, "A", work, facts)
    b = _price_value(sheet_b, claim.b_price, "B", work, facts)
    actual = _ratio_value(claim.form, a, b)
    claimed = claim.claimed
    if claim.form == "times_cheaper":
        unit, formula = "x", f"B / A = ${decimal_to_text(b)} / ${decimal_to_text(a)}"
        work.step("ratio", formula, figure(actual, "x"))
    else:
        unit, formula = "%", f"100 x A / B = 100 x ${decimal_to_text(a)} / ${decimal_to_text(b)}"
        work.step("share", formula, figure(actual, "%"))
        if claim.form == "percent_cheaper":
            # "cuts costs by 90%" is judged on the 10% that remains
            claimed = Figure(
                low=None if claimed.high is None else _HUNDRED - claimed.high,
                high=None if claimed.low is None else _HUNDRED - claimed.low,
            )
            work.step(
                "claimed share",
                f"100% - {claim.claimed.text('%')} cheaper",
                claimed.text("%"),
            )
    label = f"{PRICE_WORDS[claim.a_price]}" + (
        "" if claim.a_price == claim.b_price else f" vs {PRICE_WORDS[claim.b_price]}"
    )

    def compared(label: str, value: Decimal) -> Comparison:
        share = _compare(label, unit, claimed, value, claim.tolerance)
        return _as_saving(share, claim.claimed) if claim.form == "percent_cheaper" else share

    work.comparisons.append(compared(label, actual))
    if claim.a_price == claim.b_price == "blended":
        # The blend decides; input and output alone are shown so a reader sees the spread.
        for field in ("input", "output"):
            pa, pb = sheet_a.prices.standard.value(field), sheet_b.prices.standard.value(field)
            if pa is None or pb is None or (claim.form == "times_cheaper" and pa == 0) or pb == 0:
                continue
            value = _ratio_value(claim.form, pa, pb)
            shown = (
                f"B / A = ${decimal_to_text(pb)} / ${decimal_to_text(pa)}"
                if claim.form == "times_cheaper"
                else f"100 x ${decimal_to_text(pa)} / ${decimal_to_text(pb)}"
            )
            work.step(f"{field} only (for context)", shown, figure(value, unit))
            work.comparisons.append(replace(compared(field, value), decisive=False))
    if claim.form == "times_cheaper":
        relation = f"is {figure(actual, 'x')} cheaper than"
    elif claim.form == "percent_of":
        relation = f"costs {figure(actual, '%')} of"
    else:
        relation = f"is {figure(_HUNDRED - actual, '%')} cheaper than"
    context = ", ".join(f"{c.label} {figure(c.actual, unit)}" for c in work.comparisons if not c.decisive)
    what = "" if same else f" {PRICE_WORDS[claim.a_price]} price"
    a_text = f"{name_a}{' ' + PRICE_WORDS[claim.a_price] if same else ''} {sheet_a.where}"
    b_text = f"{name_b}{' ' + PRICE_WORDS[claim.b_price] if same else ''} {sheet_b.where}"
    work.summary = (
        f"{a_text} {relation} {b_text}{' on the' + what if what else ''}"
        f"{f' ({context})' if context else ''}; claimed {claim.claimed.text(unit)}"
    )


def _as_saving(share: Comparison, saving: Figure) -> Comparison:
    """A comparison on the share that remains, told in the claim's own quantity, the saving.

    "90% cheaper" is judged on the 10% left (its tolerance is on the share: +-15% of 10%),
    but a claimed 90% saving that is really 88% is overstated: the figures, the factor and
    the direction shown are the saving's.
    """
    said = _compare(share.label, share.unit, saving, _HUNDRED - share.actual, Decimal(0))
    return replace(said, holds=share.holds, decisive=share.decisive)


def _eval_request_cost(claim: RequestCostClaim, points, facts, at, work: _Work) -> None:
    sheet = _sheet(claim.ref, points, facts, at)
    work.prices.extend(_used("the model", sheet, facts))
    try:
        bill = request_cost(
            sheet.prices,
            claim.input_tokens,
            claim.output_tokens,
            cache_read_tokens=claim.cache_read_tokens,
            on_missing="refuse",
        )
    except MissingPriceError as error:
        raise _Missing(str(error)) from None
    except ImpossibleWorkloadError as error:
        raise _Missing(f"a possible request: {error}") from None
    for line in bill.lines:
        work.step(
            line.label,
            f"{grouped(line.tokens)} tokens x ${decimal_to_text(line.usd_per_mtok)} / 1,000,000",
            figure(line.cost_usd, "$"),
        )
    work.step(
        "total",
        " + ".join(figure(line.cost_usd, "$") for line in bill.lines) or "$0",
        figure(bill.total_usd, "$"),
    )
    work.assumptions.extend(bill.assumptions)
    work.comparisons.append(_compare("cost", "USD", claim.claimed, bill.total_usd, claim.tolerance))
    work.summary = (
        f"{claim.input_tokens:,} input + {claim.output_tokens:,} output tokens on {_name(facts, claim.model)} "
        f"{sheet.where} cost {figure(bill.total_usd, '$')} (claimed {claim.claimed.text('$')})"
    )


def _eval_workload(claim: WorkloadClaim, points, facts, at, work: _Work) -> None:
    if (claim.tokens_per_day is None) == (claim.tokens_per_month is None):
        raise _Missing("a token volume: give tokens per day or tokens per month")
    volume = claim.tokens_per_day or claim.tokens_per_month
    assert volume is not None
    if volume.low is None or volume.high is None:
        raise _Missing("a bounded token volume (a number or a range)")
    per_day = claim.tokens_per_day is not None
    sheet = _sheet(claim.ref, points, facts, at)
    work.prices.extend(_used("the model", sheet, facts))
    ends = [("", volume.low)] if volume.is_point else [("low end", volume.low), ("high end", volume.high)]
    costs: list[tuple[str, Decimal]] = []
    for label, tokens in ends:
        try:
            profile = WorkloadProfile(
                tokens_per_day=tokens if per_day else None,
                tokens_per_month=None if per_day else tokens,
                input_share=claim.input_share,
                cache_hit=claim.cache_hit,
                cache_reading=claim.cache_reading,
                cache_write_share=claim.cache_write_share,
                days_per_month=claim.days_per_month,
            )
            bill = workload_cost(profile, sheet.prices, on_missing="refuse")
        except ImpossibleWorkloadError as error:
            raise _Missing(
                f"a possible profile: the {claim.cache_reading!r} cache reading is impossible: {error}"
            ) from None
        except MissingPriceError as error:
            raise _Missing(str(error)) from None
        prefix = f"{label}: " if label else ""
        for line in bill.lines:
            work.step(
                f"{prefix}{line.label} per month",
                f"{grouped(line.tokens)} tokens x ${decimal_to_text(line.usd_per_mtok)} / 1,000,000",
                figure(line.cost_usd, "$"),
            )
        amount = bill.monthly_cost_usd if claim.per == "month" else bill.daily_cost_usd
        work.step(
            f"{prefix}total per {claim.per}",
            " + ".join(figure(line.cost_usd, "$") for line in bill.lines)
            + ("" if claim.per == "month" else f", / {decimal_to_text(claim.days_per_month)} days"),
            figure(amount, "$"),
        )
        if not work.assumptions:
            work.assumptions.extend(a for a in bill.assumptions if not a.startswith(f"{figure(tokens)} "))
        costs.append((label, amount))
    unit = f"USD per {claim.per}"
    claimed = claim.claimed
    if len(costs) == 2 and not claimed.is_point and claimed.low is not None and claimed.high is not None:
        # a range of volumes against a range of costs: each end against its own
        work.comparisons.append(
            _compare("low end", unit, Figure.point(claimed.low), costs[0][1], claim.tolerance)
        )
        work.comparisons.append(
            _compare("high end", unit, Figure.point(claimed.high), costs[1][1], claim.tolerance)
        )
    else:
        for label, amount in costs:
            work.comparisons.append(_compare(label or "cost", unit, claimed, amount, claim.tolerance))
    reading = {"input": "of input tokens", "all": "of all tokens"}[claim.cache_reading]
    computed = "-".join(figure(c, "$") for _, c in costs)
    hit = f", {figure(claim.cache_hit * _HUNDRED, '%')} cache hits {reading}" if claim.cache_hit else ""
    work.summary = (
        f"{volume.text()} tokens per {'day' if per_day else 'month'}{hit}, "
        f"{figure(claim.input_share * _HUNDRED, '%')} input, on {_name(facts, claim.model)} {sheet.where}: "
        f"{computed} per {claim.per} (claimed {claimed.text('$')})"
    )


def _calculate(expression: str) -> Decimal:
    """Evaluate + - * / over decimal numbers (no names, no calls): the words' own arithmetic."""
    try:
        return calculate(expression)
    except ExpressionError:
        raise _Missing(f"an expression of numbers and + - * / only, not {expression!r}") from None


def _eval_arithmetic(claim: ArithmeticClaim, points, facts, at, work: _Work) -> None:
    for given in claim.given:
        where = f"stated on line {given.line}" if given.line else "stated in the sentence"
        work.step(where, given.words or given.figure, given.figure)
    value = _calculate(claim.expression)
    work.step(claim.label or "the claim's own arithmetic", claim.expression, figure(value, claim.unit))
    work.comparisons.append(_compare("result", claim.unit, claim.claimed, value, claim.tolerance))
    work.summary = (
        f"{claim.expression} = {figure(value, claim.unit)} (claimed {claim.claimed.text(claim.unit)})"
    )
    if claim.label:
        work.summary = f"{claim.label}: {work.summary}"
    work.assumptions.append("arithmetic on the figures the words state: no price data used")


# Ratios of Elo-style ratings mean nothing, so only index scores (0-100 scales) are used.
_INDEX_SCORES = ("aa_intelligence_index_2026_08", "aa_intelligence_index")


def _eval_capability(claim: CapabilityClaim, points, facts, at, work: _Work) -> None:
    name_a, name_b = _name(facts, claim.a), _name(facts, claim.b)
    # The scores of the versions in force at the time asked (a later snapshot's score never counts earlier).
    scores_a = facts[claim.a].scores_at(at) if claim.a in facts else {}
    scores_b = facts[claim.b].scores_at(at) if claim.b in facts else {}
    candidates = [claim.score] if claim.score else list(_INDEX_SCORES)
    for score in candidates:
        if score in scores_a and score in scores_b:
            a, b = Decimal(str(scores_a[score])), Decimal(str(scores_b[score]))
            value = _HUNDRED * a / b
            work.step(
                f"{score}",
                f"100 x {name_a} {decimal_to_text(a)} / {name_b} {decimal_to_text(b)}",
                figure(value, "%"),
            )
            work.comparisons.append(_compare(score, "%", claim.claimed, value, claim.tolerance))
            work.summary = f"{name_a} scores {figure(value, '%')} of {name_b} on {score} (claimed {claim.claimed.text('%')})"
            return

    def has(name: str, scores: dict[str, float]) -> str:
        return f"{name} has " + (", ".join(f"{k} {v:g}" for k, v in sorted(scores.items())) or "no score")

    raise _Missing(
        f"a capability index score ({' or '.join(candidates)}) for both {name_a} and {name_b} "
        f"({has(name_a, scores_a)}; {has(name_b, scores_b)})"
    )


def _eval_unverifiable(claim: UnverifiableClaim, points, facts, at, work: _Work) -> None:
    raise _Missing(claim.missing)


#: The definition a trend claim without one is checked against (DEFLATION_METHODS.md §8.5 asks
#: for a stated definition) is the site's headline trend: analysis/trend_default.py says which
#: and why. A claim with "in N years" and no dates spans the N years before the check.
DEFAULT_TREND_YEARS = Decimal(2)


def _years_before(end: date, years: Decimal) -> date:
    return date.fromordinal(end.toordinal() - round(float(years) * 365.25))


def _fold_from_percent(figure: Figure) -> Figure:
    """A fall of P% a year as a fold per year, 1 / (1 - P/100): 50% -> 2x (100% has no bound)."""

    def fold(percent: Decimal | None) -> Decimal | None:
        if percent is None or percent >= _HUNDRED:
            return None
        return _HUNDRED / (_HUNDRED - percent)

    return Figure(low=fold(figure.low), high=fold(figure.high))


def _percent_from_fold(fold: float) -> float:
    return 100.0 * (1.0 - 1.0 / fold)


def _trend_point_prices(role: str, point: TrendPoint, facts: Mapping[str, ModelFacts]) -> list[PriceUsed]:
    sheet = _Sheet(
        WorkloadPrices(standard=TokenPrices(input=None, output=None), model=point.model),
        tuple(point.price.points),
        point.price.basis,
        "",
    )
    return _used(role, sheet, facts)


@dataclass
class TrendMeasure:
    """What a trend claim is judged against, measured before its claimed figure is known.

    A measure depends on the claim's definition (form, price, score, threshold, window),
    never on the figure it claims, so the site measures its default definitions once at
    build time and the claim box judges any figure against them (``judge_trend``, and
    ``judgeTrend`` in site/static/engine.js). ``missing`` is set when nothing could be measured.
    """

    mode: Literal["fold", "fit", "endpoints"] = "fold"
    missing: str | None = None
    steps: list[Step] = dataclasses.field(default_factory=list)  # before the claimed figure's own step
    after: list[Step] = dataclasses.field(default_factory=list)  # after it
    prices: list[PriceUsed] = dataclasses.field(default_factory=list)
    assumptions: list[str] = dataclasses.field(default_factory=list)
    actual: Num | None = None
    interval: list[Num] | None = None  # the fit's 95% interval: holds when the claim meets it
    head: str = ""  # the summary up to "claimed ..."
    tail: str = ""  # the summary after the claimed figure

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (decimals as exact text), as the claims page embeds it."""
        return {
            "mode": self.mode,
            "missing": self.missing,
            "steps": [s.to_dict() for s in self.steps],
            "after": [s.to_dict() for s in self.after],
            "prices": [p.to_dict() for p in self.prices],
            "assumptions": list(self.assumptions),
            "actual": None if self.actual is None else format(self.actual, "f"),
            "interval": None if self.interval is None else [format(v, "f") for v in self.interval],
            "head": self.head,
            "tail": self.tail,
        }


def measure_trend(claim: TrendClaim, points, facts, at: str) -> TrendMeasure:
    """The measure a trend claim is judged against (its claimed figure is not read)."""
    measure = TrendMeasure()
    work = _Work(
        comparisons=[],
        prices=measure.prices,
        steps=measure.steps,
        assumptions=measure.assumptions,
        missing=[],
    )
    try:
        _measure_trend(claim, points, facts, at, work, measure)
    except _Missing as missing:
        measure.missing = str(missing)
    return measure


def _reference_level(
    facts: Mapping[str, ModelFacts], reference: str, score: str, start: date | None
) -> tuple[float, str]:
    """The threshold a reference model stands for (``trend_default.reference_level``), or _Missing."""
    found = reference_level(facts, reference, score, None if start is None else start.isoformat())
    if found is None:
        raise _Missing(f"a {score} score for {_name(facts, reference)} (the capability threshold)")
    return found.value, found.note


def _version_note(point: TrendPoint) -> str:
    return f"{point.version}, " if point.version else ""


def _known_as_of(points, at: str):
    """What was known as of ``at``: the periods that began by then.

    An index handed in gives an index, made once per time and kept on it, so the trends of
    one build (the site measures a dozen, the registry checks each claim at its own date)
    group the same periods by model once per date instead of once per measure.
    """
    if not isinstance(points, PriceIndex):
        return [p for p in points if p.valid_from <= at]
    cache = points.__dict__.setdefault("_known_as_of", {})
    if at not in cache:
        later = any(p.valid_from > at for p in points)
        cache[at] = PriceIndex(p for p in points if p.valid_from <= at) if later else points
    return cache[at]


def _default_start(claim: TrendClaim, facts: Mapping[str, ModelFacts], end: date) -> date:
    """A claim without dates: the ``years`` it states before ``end``; a rate per year that states no
    period is the site's headline trend, measured from its reference model's release
    (``trend_default``); "fell N-fold" with no period, the two years before ``end``."""
    if claim.years is None and claim.form != "fold_over_period":
        reference = claim.reference_model or DEFAULT_TREND_REFERENCE
        found = default_start(facts, reference)
        if found is not None:
            return date.fromisoformat(found)
    return _years_before(end, claim.years or DEFAULT_TREND_YEARS)


def _measure_trend(claim: TrendClaim, points, facts, at, work: _Work, measure: TrendMeasure) -> None:
    score = claim.score or DEFAULT_TREND_SCORE
    at_day = date.fromisoformat(at[:10])
    end = claim.end or at_day
    start = claim.start or _default_start(claim, facts, end)
    threshold = claim.threshold
    if threshold is None:
        reference = claim.reference_model or DEFAULT_TREND_REFERENCE
        threshold, which = _reference_level(facts, reference, score, start)
        work.step("capability threshold", f"{score} of {_name(facts, reference)}{which}", f"{threshold:g}")
        if claim.score is None and claim.reference_model is None:
            whole = claim.start is None and claim.years is None and claim.form != "fold_over_period"
            work.assumptions.append(
                (
                    "the default definition, the site's headline trend"
                    if whole
                    else "the default level of the site's headline trend"
                )
                + f" (home and trends pages): level {_name(facts, reference)}, threshold {score} >= {threshold:g}{which}; "
                + f"window {start} to {end}"
                + ("" if whole else " (the claim's period)")
                + f"; fit: OLS of ln(cheapest {claim.price} price) on years over the record points"
            )
    if end > at_day:
        raise _Missing(f"prices up to {end} (the period ends after {at_day})")
    known = _known_as_of(points, at)
    work.assumptions.append(
        f"capability: {score} >= {threshold:g}; {claim.price} price (blended = 3:1 input:output); "
        f"closed models at their maker's price, open-weight ones at the cheapest host; "
        f"window {start} to {end}"
    )
    if claim.form == "fold_over_period":
        first = cheapest_at(known, facts, score, threshold, start, price=claim.price)
        last = cheapest_at(known, facts, score, threshold, end, price=claim.price)
        if first is None or last is None:
            raise _Missing(
                f"a price for a model with {score} >= {threshold:g} on "
                + " and ".join(str(d) for d, p in ((start, first), (end, last)) if p is None)
            )
        for label, found in (("start", first), ("end", last)):
            work.step(
                f"cheapest at the {label} ({found.at[:10]})",
                f"{_name(facts, found.model)} ({_version_note(found)}{score} {found.score:g}), {found.price.basis}",
                figure(found.value, "$") + " per million tokens",
            )
            work.prices.extend(_trend_point_prices(label, found, facts))
        if first.value <= 0 or last.value <= 0:  # cheapest_at never returns one; a guard, not a path
            raise _Missing(f"a non-zero price at the start and the end (found ${first.value}, ${last.value})")
        fold = first.value / last.value
        work.step(
            "fall over the period",
            f"${decimal_to_text(first.value)} / ${decimal_to_text(last.value)}",
            figure(fold, "x"),
        )
        measure.mode, measure.actual = "fold", fold
        measure.head = (
            f"the cheapest {claim.price} price at {score} >= {threshold:g} fell {figure(fold, 'x')} from "
            f"{start} ({_name(facts, first.model)}, {figure(first.value, '$')}) to {end} "
            f"({_name(facts, last.model)}, {figure(last.value, '$')}); claimed "
        )
        return
    trend = cheapest_at_threshold(known, facts, score, threshold, end, start=start, price=claim.price)
    work.assumptions.extend(trend.definition)
    work.assumptions.extend(trend.flags)
    for rec in trend.records:
        work.step(
            f"record point {rec.at[:10]}",
            f"{_name(facts, rec.model)} ({_version_note(rec)}{score} {rec.score:g}), {rec.price.basis}",
            figure(rec.value, "$"),
        )
    fit = trend.fit
    if fit is not None:
        low, high = fit.ci95
        measure.after.append(
            Step(
                label="fit", formula="OLS of ln(price) on years over the record points", result=fit.summary()
            )
        )
        measure.mode, measure.actual = "fit", Decimal(str(fit.fold_per_year))
        measure.interval = [Decimal(str(low)), Decimal(str(high))]
        measure.head = (
            f"the cheapest {claim.price} price at {score} >= {threshold:g} fell {fit.fold_per_year:.3g}x a year "
            f"(95% CI {low:.3g}-{high:.3g}x; {_percent_from_fold(fit.fold_per_year):.0f}% a year, CI "
            f"{_percent_from_fold(low):.0f}-{_percent_from_fold(high):.0f}%) over {start} to {end}, "
            f"n = {fit.n}; claimed "
        )
        measure.tail = "; low confidence" if trend.low_confidence else ""
        return
    if trend.endpoint_fold_per_year is None:
        raise _Missing(
            f"at least two record points for {score} >= {threshold:g} between {start} and {end} "
            f"(found {len(trend.records)})"
        )
    actual = Decimal(str(trend.endpoint_fold_per_year))
    measure.after.append(
        Step(
            label="two-endpoint rate (no fit: fewer than 4 points)",
            formula="(first / last) ^ (1 / years)",
            result=figure(actual, "x"),
        )
    )
    measure.mode, measure.actual = "endpoints", actual
    measure.head = (
        f"the cheapest {claim.price} price at {score} >= {threshold:g} fell {figure(actual, 'x')} a year "
        f"between its first and last record point ({start} to {end}; no fit, low confidence); "
        "claimed "
    )


def judge_trend(claim: TrendClaim, measure: TrendMeasure, work: _Work) -> None:
    """A trend claim's claimed figure against its measure: the comparison, the steps, the summary."""
    work.steps.extend(measure.steps)
    work.prices.extend(measure.prices)
    work.assumptions.extend(measure.assumptions)
    if measure.missing is not None:
        raise _Missing(measure.missing)
    assert measure.actual is not None
    if measure.mode == "fold":
        work.comparisons.append(
            _compare("fold over the period", "x", claim.claimed, measure.actual, claim.tolerance)
        )
        work.summary = measure.head + claim.claimed.text("x")
        return
    claimed = claim.claimed if claim.form == "fold_per_year" else _fold_from_percent(claim.claimed)
    if claim.form == "percent_per_year":
        work.step(
            "claimed fall as a fold per year",
            f"1 / (1 - {claim.claimed.text('%')} / 100)",
            claimed.text("x"),
        )
    work.steps.extend(measure.after)
    shown = claim.claimed.text("x" if claim.form == "fold_per_year" else "%")
    if measure.mode == "fit":
        assert measure.interval is not None
        low, high = measure.interval
        inside = _compare("fold per year", "x per year", claimed, measure.actual, Decimal(0))
        # DEFLATION_METHODS.md §8.5: consistent when the claim meets the 95% interval
        meets = (claimed.high is None or low <= claimed.high) and (claimed.low is None or claimed.low <= high)
        work.comparisons.append(replace(inside, holds=meets))
        if meets and low <= _ONE:
            # A fall holds only when the data tell it from a rise: the interval must exclude 1x.
            work.missing.append(
                f"prices not shown to fall: the fit's 95% interval ({figure(low, 'x')}-"
                f"{figure(high, 'x')} a year) includes rising prices (1x or less)"
            )
        per = " a year" if claim.form == "percent_per_year" else " per year"
        work.summary = measure.head + shown + per + measure.tail
        return
    work.comparisons.append(
        _compare("fold per year (two endpoints)", "x per year", claimed, measure.actual, claim.tolerance)
    )
    work.summary = measure.head + shown


def _eval_trend(claim: TrendClaim, points, facts, at, work: _Work) -> None:
    judge_trend(claim, measure_trend(claim, points, facts, at), work)


_EVALUATORS: dict[str, Callable[..., None]] = {
    "price": _eval_price,
    "ratio": _eval_ratio,
    "request_cost": _eval_request_cost,
    "workload": _eval_workload,
    "trend": _eval_trend,
    "arithmetic": _eval_arithmetic,
    "capability": _eval_capability,
    "unverifiable": _eval_unverifiable,
    "level_price": lambda *args: _eval_level_price(*args),
}


def _eval_level_price(claim: LevelPriceClaim, points, facts, at, work: _Work) -> None:
    from pricewatch.analysis.level_prices import evaluate_level_price  # it builds on this module

    evaluate_level_price(claim, points, facts, at, work)


# Kinds whose truth follows the prices in force, so their history can be walked for "stale".
PRICED_KINDS = ("price", "ratio", "request_cost", "workload")


def _models(claim: Claim) -> set[str]:
    if isinstance(claim, RatioClaim):
        return {claim.a.model, claim.b.model}
    model = getattr(claim, "model", None)
    return {model} if model else set()


def _judge(claim: Claim, points: Sequence[PricePoint], facts: Mapping[str, ModelFacts], at: str) -> Verdict:
    """The verdict at one time, without looking at history."""
    work = _Work.empty()
    try:
        reason = impossible(claim)
        if reason is not None:  # no price makes it true: refused with the reason, never judged
            raise _Missing(f"refused: {reason}")
        _EVALUATORS[claim.kind](claim, points, facts, at, work)
    except _Missing as missing:
        work.missing.insert(0, str(missing))
    decisive = [c for c in work.comparisons if c.decisive]
    factor = direction = None
    if work.missing and not decisive:
        verdict: VerdictName = "cannot_check"
        summary = "cannot be checked: " + "; ".join(work.missing)
    elif all(c.holds for c in decisive) and not work.missing:
        verdict = "holds"
        summary = work.summary
    elif all(c.holds for c in decisive):
        verdict = "cannot_check"
        summary = f"{work.summary}; but cannot check: " + "; ".join(work.missing)
    else:
        worst = max((c for c in decisive if not c.holds), key=lambda c: c.factor)
        verdict, factor, direction = "off", worst.factor, worst.direction
        summary = f"{direction} {figure(factor, 'x')}: {work.summary}"
    return Verdict(
        verdict=verdict,
        kind=claim.kind,
        at=at,
        summary=summary,
        claim=claim,
        comparisons=work.comparisons,
        factor=factor,
        direction=direction,
        unconfirmed_since=min(
            (u.unconfirmed_since for u in work.prices if u.unconfirmed_since), default=None
        ),
        missing=work.missing,
        prices=work.prices,
        steps=work.steps,
        assumptions=work.assumptions,
    )


def evaluate(
    claim: Claim,
    points: Iterable[PricePoint],
    facts: Mapping[str, ModelFacts],
    at: str | date | Any,
    *,
    history: bool = True,
) -> Verdict:
    """The verdict on ``claim`` as of ``at``: holds, off, stale or cannot_check, with its arithmetic.

    With ``history`` (the default) a claim about the prices in force is also judged at every
    change point of those prices up to ``at``, to say since when it holds, or from when to
    when it held before it went stale. A price naming no host for a model its maker no longer
    sells is judged at the hosts that sell it (``analysis.unsold_price``).
    """
    from pricewatch.analysis.unsold_price import judge_unsold  # it builds on this module

    at = as_time(at, end_of_day=True) if isinstance(at, date | str) else as_time(at)
    points = points if isinstance(points, PriceIndex) else list(points)
    verdict = _evaluate(claim, points, facts, at, history)
    return judge_unsold(verdict, points, facts, at) if history else verdict


def _evaluate(
    claim: Claim, points: Iterable[PricePoint], facts: Mapping[str, ModelFacts], at: str, history: bool
) -> Verdict:
    models = _models(claim)
    relevant: Sequence[PricePoint]
    if isinstance(points, PriceIndex):
        relevant = points.for_models(models) if models else points
    else:
        relevant = [p for p in points if p.model in models] if models else list(points)
    verdict = _judge(claim, relevant, facts, at)
    if not history or claim.kind not in PRICED_KINDS:
        return verdict
    # A price passing its confirmation window changes what is current as much as a new price.
    times = sorted(
        {
            t
            for p in relevant
            for t in (p.valid_from, p.valid_to, p.unconfirmed_after)
            if t is not None and t <= at
        }
    )
    runs: list[tuple[str, str | None]] = []  # (held from, held until) runs, oldest first
    start: str | None = None
    for t in times:
        holds = (verdict if t == at else _judge(claim, relevant, facts, t)).verdict == "holds"
        if holds and start is None:
            start = t
        elif not holds and start is not None:
            runs.append((start, t))
            start = None
    if start is not None:
        runs.append((start, None))
    if verdict.verdict == "holds":
        held_from = runs[-1][0] if runs and runs[-1][1] is None else None
        return replace(verdict, held_from=held_from)
    if not runs:
        return verdict
    held_from, held_until = runs[-1]
    if held_until is None:  # it held at the last change before ``at`` and not at ``at`` itself
        held_until = at
    return replace(
        verdict,
        verdict="stale",
        held_from=held_from,
        held_until=held_until,
        summary=f"held from {_day(held_from)} to {_day(held_until)}, no longer: {verdict.summary}",
    )


# ----------------------------------------------------------------------------- several parts

#: How verdicts combine: "all" parts must hold (the worst decides), "any" reading may (the best decides).
VERDICT_ORDER = {
    "all": {"off": 0, "stale": 1, "cannot_check": 2, "holds": 3},
    "any": {"holds": 0, "stale": 1, "off": 2, "cannot_check": 3},
}


def combine_verdicts(verdicts: Sequence[VerdictName], how: Literal["all", "any"] = "all") -> VerdictName:
    """One verdict for several: "all" parts must hold (the worst decides: off, stale,
    cannot_check, holds); "any" of several readings may hold (the best decides)."""
    if not verdicts:
        return "cannot_check"
    order = VERDICT_ORDER["all" if how == "all" else "any"]
    return min(verdicts, key=lambda v: order[v])


@record
class RegistryEntry(Record):
    """A headline claim as published: the words, where and when, and its structured parts."""

    id: str = spec(pattern=r"^[a-z0-9][a-z0-9-]*$")
    quote: str  # the words, quoted briefly
    article: str  # title of the article it appeared in
    publisher: str
    url: str | None = None
    made_on: date
    made_on_note: str | None = None  # how the date was established
    statistic: str  # the statistic the claim implies for any open-weight market price
    note: str | None = None
    # "all": every part must hold; "any": alternative readings, the best one decides
    combine: Literal["all", "any"] = "all"
    parts: list[Claim] = spec(min_length=1)


@record
class EntryVerdict(Record):
    """A registered claim's verdict at one time: one per part, and the combined one."""

    verdict: VerdictName
    at: str
    summary: str
    parts: list[Verdict]
    # Several parts of one kind: the min, median and max of their actual figures, which hold.
    group: GroupSummary | None = None


@record
class RegistryResult(Record):
    """A registered claim judged as of the day it was made and as of now."""

    id: str
    quote: str
    article: str
    publisher: str
    made_on: date
    statistic: str
    combine: Literal["all", "any"]
    then: EntryVerdict
    now: EntryVerdict


@record
class RegistryReport(Record):
    """The JSON form of `pricewatch check --registry`."""

    registry: str  # the registry file
    now: str
    verdict: VerdictName  # the combined verdict of every claim now
    claims: list[RegistryResult]


@record
class CheckReport(Record):
    """The JSON form of `pricewatch check TEXT`: the claims read in the text and their verdicts."""

    text: str
    at: str
    verdict: VerdictName  # the combined verdict (the worst part decides)
    results: list[Verdict]
    # The day the claim was made (--made-on), and every part's verdict as of that day.
    made_on: date | None = None
    then: EntryVerdict | None = None
    group: GroupSummary | None = None  # several parts of one kind: their spread, which hold


def parse_registry(document: Mapping[str, Any]) -> list[RegistryEntry]:
    """The entries of a parsed claims.toml; ValueError naming the entry and each problem otherwise."""
    entries: list[RegistryEntry] = []
    for number, data in enumerate(document.get("claims", []), start=1):
        try:
            entries.append(RegistryEntry.from_dict(data))
        except DataError as error:
            name = data.get("id") if isinstance(data, Mapping) else None
            problems = "; ".join(
                f"{'.'.join(str(part) for part in loc) or 'entry'}: {message}"
                for loc, message in error.errors
            )
            raise ValueError(f"claim {number} ({name or 'no id'}): {problems}") from None
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise ValueError(f"claim id {entry.id!r} is used twice")
        seen.add(entry.id)
    return entries


def evaluate_parts(
    parts: Sequence[Claim],
    combine: Literal["all", "any"],
    points: Iterable[PricePoint],
    facts: Mapping[str, ModelFacts],
    at: str | date,
) -> EntryVerdict:
    """The parts of one claim (a registry entry, a sentence) at ``at``, and their combined verdict."""
    verdicts = [evaluate(part, points, facts, at) for part in parts]
    combined = combine_verdicts([p.verdict for p in verdicts], combine)
    if combine == "any":
        chosen = next(p for p in verdicts if p.verdict == combined)
        summary = f"best reading: {chosen.summary}"
    else:
        summary = (
            "; ".join(p.summary for p in verdicts if p.verdict == combined)
            if len(verdicts) > 1
            else verdicts[0].summary
        )
    group = group_summary(verdicts) if combine == "all" else None
    return EntryVerdict(verdict=combined, at=verdicts[0].at, summary=summary, parts=verdicts, group=group)


def evaluate_entry(
    entry: RegistryEntry, points: Sequence[PricePoint], facts: Mapping[str, ModelFacts], at: str | date
) -> EntryVerdict:
    """Every part of a registered claim at ``at`` (periods anchored at its made_on), and their combined verdict."""
    from pricewatch.analysis.claim_time import anchor_claims

    return evaluate_parts(anchor_claims(entry.parts, entry.made_on), entry.combine, points, facts, at)


def check_registry(
    entries: Sequence[RegistryEntry],
    points: Iterable[PricePoint],
    facts: Mapping[str, ModelFacts],
    now: str | Any,
) -> list[RegistryResult]:
    """Each registered claim as of the day it was made (end of that day) and as of ``now``."""
    points = list(points)
    now = as_time(now)
    return [
        RegistryResult(
            id=entry.id,
            quote=entry.quote,
            article=entry.article,
            publisher=entry.publisher,
            made_on=entry.made_on,
            statistic=entry.statistic,
            combine=entry.combine,
            then=evaluate_entry(entry, points, facts, entry.made_on),
            now=evaluate_entry(entry, points, facts, now),
        )
        for entry in entries
    ]


# ----------------------------------------------------------------------------- for people


def explain(verdict: Verdict, indent: str = "  ") -> list[str]:
    """The verdict as lines of text: the verdict, the prices used, the arithmetic, the comparison."""
    head = verdict.verdict.upper().replace("_", " ")
    lines = [f"{head}: {verdict.summary}"]
    if verdict.verdict == "holds" and verdict.held_from:
        lines.append(f"{indent}holds since {_day(verdict.held_from)} (as of {_day(verdict.at)})")
    if verdict.unconfirmed_since:
        lines.append(
            f"{indent}UNCONFIRMED since {verdict.unconfirmed_since}: no source has seen the price it rests on "
            "since then (a curated price past its confirmation window)"
        )
    for price in verdict.prices:
        values = ", ".join(
            f"{name.replace('_', ' ')} {figure(getattr(price, name), '$')}"
            for name in ("input", "output", "cache_read", "cache_write")
            if getattr(price, name) is not None
        )
        until = f" to {_day(price.valid_to)}" if price.valid_to else ""
        how = price.origin + (f", {price.confidence} confidence" if price.confidence else "")
        if price.last_confirmed:
            how += f", last confirmed {_day(price.last_confirmed)}" + (
                f" by {price.confirmed_by}" if price.confirmed_by else ""
            )
        if price.unconfirmed_since:
            how += f", unconfirmed since {price.unconfirmed_since}"
        source = f" {price.source_url}" if price.source_url else ""
        lines.append(
            f"{indent}price {price.role}: {price.model_name} at {price.provider}: {values} per million tokens, "
            f"valid from {_day(price.valid_from)}{until} ({how}; {price.chosen_by}){source}"
        )
    for step in verdict.steps:
        lines.append(f"{indent}{step.label}: {step.formula} = {step.result}")
    for comparison in verdict.comparisons:
        mark = "ok" if comparison.holds else f"{comparison.direction} {figure(comparison.factor, 'x')}"
        context = "" if comparison.decisive else " (context only)"
        lines.append(
            f"{indent}{comparison.label}: claimed {comparison.claimed.text(_unit_symbol(comparison.unit))}, "
            f"actual {figure(comparison.actual, _unit_symbol(comparison.unit))}: {mark}{context}"
        )
    lines.extend(f"{indent}missing: {m}" for m in verdict.missing)
    if verdict.assumptions:
        lines.append(f"{indent}assumptions: " + "; ".join(verdict.assumptions))
    return lines


def _unit_symbol(unit: str) -> str:
    if unit.startswith("USD"):
        return "$"
    return unit
