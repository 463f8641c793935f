"""The cheapest price at a capability level during a period: a period table's row, checked (pure).

Articles tabulate what a level of capability cost over time ("2023 | GPT-4 level | $30-60 per M
output"), and such tables are often wrong. A row is a ``LevelPriceClaim``: the level is the
reference model's score (its version in force at the period's start, as for trend claims),
the actual figure is the cheapest price of any model at or above that level (version scores:
a model counts from the version that reached the level) at the period's start and on the
first of each month in it, up to its end or the check time. The row holds when the lowest
and the highest of those cheapest prices both lie in the claimed range (within the
tolerance); the verdict names both, with the model, host and score behind each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from pricewatch.analysis.claims import (
    DEFAULT_TREND_SCORE,
    LevelPriceClaim,
    _compare,
    _Missing,
    _name,
    _reference_level,
    _trend_point_prices,
    _Work,
)
from pricewatch.analysis.prices import ModelFacts, PricePoint, as_time
from pricewatch.analysis.trends import TrendPoint, cheapest_at
from pricewatch.money import figure

__all__ = ["evaluate_level_price", "sample_times"]


def sample_times(start: date, end: date, at: str) -> list[str]:
    """The period's start and the first of each month in it, before ``end`` and not after ``at``."""
    times: list[str] = []
    day = start
    while day < end:
        moment = as_time(day)
        if moment > at:
            break
        times.append(moment)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    last = as_time(end - timedelta(days=1), end_of_day=True)
    if times and last <= at and last not in times:
        times.append(last)
    return times


def _point_text(point: TrendPoint, facts: Mapping[str, ModelFacts], score: str) -> str:
    version = f", version {point.version}" if point.version else ""
    shown = f"{point.score:g}" if point.score is not None else "?"
    return f"{_name(facts, point.model)} ({score} {shown}{version}) {figure(point.value, '$')}"


def evaluate_level_price(
    claim: LevelPriceClaim,
    points: Sequence[PricePoint],
    facts: Mapping[str, ModelFacts],
    at: str,
    work: _Work,
) -> None:
    """Fill ``work`` with the cheapest prices at the claim's level over its period."""
    score = claim.score or DEFAULT_TREND_SCORE
    threshold, note = _reference_level(facts, claim.reference_model, score, claim.start)
    how = note.replace(" (", ", ", 1).removesuffix(")") if note else ""
    level = f"the level of {_name(facts, claim.reference_model)} ({score} >= {threshold:g}{how})"
    times = sample_times(claim.start, claim.end, at)
    if not times:
        raise _Missing(f"prices for {claim.start} to {claim.end}: the period starts after {at[:10]}")
    found = [
        p for p in (cheapest_at(points, facts, score, threshold, t, price=claim.price) for t in times) if p
    ]
    if not found:
        raise _Missing(f"a {claim.price} price of any model at {level} between {claim.start} and {claim.end}")
    low = min(found, key=lambda p: (p.value, p.at))
    high = max(found, key=lambda p: (p.value, p.at))
    period = f"from {claim.start} to {claim.end - timedelta(days=1)}"
    for label, point in (("lowest", low), ("highest", high)):
        work.step(
            f"{label} cheapest {claim.price} price at {level} {period}",
            f"on {point.at[:10]}: {_point_text(point, facts, score)} per million tokens",
            figure(point.value, "$"),
        )
        work.prices.extend(_trend_point_prices(f"the {label}", point, facts))
        work.comparisons.append(
            _compare(
                f"{label} cheapest price",
                "USD per million tokens",
                claim.claimed,
                point.value,
                claim.tolerance,
            )
        )
    work.assumptions.append(
        f"the cheapest price at the level, sampled on {len(times)} days (the period's start, the first "
        "of each month, its last day); models count from the version whose score reaches the level"
    )
    shown = (
        figure(low.value, "$")
        if low.value == high.value
        else f"{figure(low.value, '$')}-{figure(high.value, '$')}"
    )
    work.summary = (
        f"the cheapest {claim.price} price at {level} {period} was {shown} per million tokens "
        f"({_point_text(low, facts, score)} on {low.at[:10]}; {_point_text(high, facts, score)} on {high.at[:10]}); "
        f"claimed {claim.claimed.text('$')}"
    )
