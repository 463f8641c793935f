"""Placing one observation in an offer's change-only price timeline (pure).

A timeline is a list of spans, each ``[valid_from, valid_to)`` (``valid_to`` None while
current) holding one set of values, with ``last_seen`` the latest time those values were
observed. Observations may arrive in any date order (curated history, backfill, live);
``place`` puts each where it belongs, so the result equals what date order would give.

Limit, by design: unchanged observations are not stored one by one (that keeps an
unchanged refresh free), so a span only knows when its values were first and last seen.
When a late observation contradicts the *inside* of a span (values A seen at 1 and 3,
then B arrives dated 2), the span is split at 2 and A resumes at its last sighting (3);
A's first part keeps ``last_seen`` = its start. Date order would give the same spans
unless A was also seen between 2 and 3, which the store cannot know.

Measured observations (live, replay, backfill) outrank curated ones: a curated value
that contradicts a measured span is reported as a disagreement and not written.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace

__all__ = ["MEASURED_ORIGINS", "Disagreement", "Placement", "Span", "place", "reports_agree"]

MEASURED_ORIGINS = frozenset({"live", "replay", "backfill"})


@dataclass(frozen=True)
class Span:
    """One row of a timeline. ``id`` is the store's row id (None for a new span)."""

    valid_from: str
    valid_to: str | None
    last_seen: str
    values: Hashable
    origin: str
    id: int | None = None
    closed_reason: str | None = None


@dataclass(frozen=True)
class Disagreement:
    """An observation that contradicts a stored span of higher or equal standing."""

    observed_at: str
    observed_values: Hashable
    observed_origin: str
    stored_values: Hashable
    stored_origin: str


@dataclass
class Placement:
    """The timeline after one observation, and what changed."""

    spans: list[Span]
    changed: bool = False
    disagreements: list[Disagreement] = field(default_factory=list)
    removed_ids: list[int] = field(default_factory=list)


def _rank(origin: str) -> int:
    return 1 if origin in MEASURED_ORIGINS else 0


def _covers(span: Span, at: str) -> bool:
    return span.valid_from <= at and (span.valid_to is None or at < span.valid_to)


def place(spans: list[Span], at: str, values: Hashable, origin: str) -> Placement:
    """The timeline with an observation of ``values`` at ``at`` placed in it.

    ``spans`` must be sorted by ``valid_from`` and not overlap; times are ISO 8601 UTC
    strings of one fixed format, so they compare as text.
    """
    spans = list(spans)
    index = next((i for i, span in enumerate(spans) if _covers(span, at)), None)
    if index is None:
        return _place_outside(spans, at, values, origin)
    span = spans[index]
    if span.values == values:
        if at > span.last_seen:
            spans[index] = replace(span, last_seen=at)
        return Placement(spans)
    observed_outranked = _rank(origin) < _rank(span.origin)
    if observed_outranked:
        return Placement(spans, disagreements=[_disagree(at, values, origin, span)])
    disagreements = [_disagree(at, values, origin, span)] if _rank(origin) > _rank(span.origin) else []
    if at == span.valid_from:
        # Two observations of one instant disagree: the higher rank wins; between equals,
        # a fixed order of the values keeps the result independent of arrival order.
        if _rank(origin) == _rank(span.origin) and repr(values) < repr(span.values):
            return Placement(spans)
        spans[index] = replace(span, values=values, origin=origin)
        return _normalised(spans, disagreements)
    if at > span.last_seen:
        head = replace(span, valid_to=at, closed_reason="changed")
        new = Span(at, span.valid_to, at, values, origin)
        spans[index : index + 1] = [head, new]
        return _normalised(spans, disagreements)
    # Inside [valid_from, last_seen]: split, and the old values resume at their last sighting.
    head = replace(span, valid_to=at, last_seen=span.valid_from, closed_reason="changed")
    middle = Span(at, span.last_seen, at, values, origin, closed_reason="changed")
    tail = Span(
        span.last_seen,
        span.valid_to,
        span.last_seen,
        span.values,
        span.origin,
        closed_reason=span.closed_reason,
    )
    spans[index : index + 1] = [head, middle, tail]
    return _normalised(spans, disagreements)


def _place_outside(spans: list[Span], at: str, values: Hashable, origin: str) -> Placement:
    """An observation before the first span, in a gap (after a delisting), or after the last."""
    following = next((i for i, span in enumerate(spans) if span.valid_from > at), None)
    if following is not None and spans[following].values == values:
        nxt = spans[following]
        spans[following] = replace(nxt, valid_from=at, last_seen=max(nxt.last_seen, at))
        return _normalised(spans)
    valid_to = spans[following].valid_from if following is not None else None
    new = Span(at, valid_to, at, values, origin, closed_reason="changed" if valid_to else None)
    position = following if following is not None else len(spans)
    spans.insert(position, new)
    return _normalised(spans)


def _normalised(spans: list[Span], disagreements: list[Disagreement] | None = None) -> Placement:
    """Join adjacent spans that hold the same values (date order never leaves two such)."""
    merged: list[Span] = []
    removed: list[int] = []
    for span in spans:
        previous = merged[-1] if merged else None
        if previous is not None and previous.values == span.values and previous.valid_to == span.valid_from:
            keep, drop = (previous, span) if previous.id is not None or span.id is None else (span, previous)
            merged[-1] = replace(
                keep,
                valid_from=previous.valid_from,
                valid_to=span.valid_to,
                last_seen=max(previous.last_seen, span.last_seen),
                closed_reason=span.closed_reason,
                origin=previous.origin if _rank(previous.origin) >= _rank(span.origin) else span.origin,
            )
            if drop.id is not None:
                removed.append(drop.id)
        else:
            merged.append(span)
    return Placement(merged, changed=True, disagreements=disagreements or [], removed_ids=removed)


def _disagree(at: str, values: Hashable, origin: str, span: Span) -> Disagreement:
    return Disagreement(at, values, origin, span.values, span.origin)


def reports_agree(stored: tuple, observed: tuple) -> bool:
    """True when two sources' reports of one offer agree on every price both give.

    One offer may be reported by several sources (the maker's page and OpenRouter's
    endpoint of that maker), each listing the prices it knows: Anthropic's page gives a
    1-hour cache write price that OpenRouter's endpoint leaves out. A price one source
    does not give is unknown to it, not removed, so such a report confirms the stored span
    instead of replacing it (which would flip the offer's price at every refresh). The
    tuples are stored values: currency, the price texts in ``PRICE_FIELDS`` order, the
    variable flag; currency and the flag must be equal, and the two must share a price.
    """
    if stored[0] != observed[0] or stored[-1] != observed[-1]:
        return False
    shared = [
        (a, b) for a, b in zip(stored[1:-1], observed[1:-1], strict=True) if a is not None and b is not None
    ]
    return bool(shared) and all(a == b for a, b in shared)
