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

Sources have a rank (``rank``): measured observations (live, replay, backfill of a page or
of OpenRouter's API) outrank curated ones, and curated ones outrank a third-party price
database's (origin ``third-party``: LiteLLM, models.dev...). A curated value that contradicts
a measured span is reported as a disagreement and not written. A third-party value goes
further down: it never changes a span of a higher rank in any way (no split, no new
``last_seen``, no merge) and is placed only before the first span of a higher rank (it
fills the time the makers' pages, hosts and curated rows do not cover); a higher-ranked
observation supersedes the third-party spans from its time on.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace

__all__ = [
    "MEASURED_ORIGINS",
    "THIRD_PARTY",
    "Disagreement",
    "Placement",
    "Span",
    "place",
    "rank",
    "reports_agree",
]

MEASURED_ORIGINS = frozenset({"live", "replay", "backfill"})
# The origin of a price that a third-party price database (LiteLLM, models.dev) recorded.
THIRD_PARTY = "third-party"


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


def rank(origin: str) -> int:
    """How much an origin's word counts: measured 2 > curated 1 > third-party 0."""
    if origin in MEASURED_ORIGINS:
        return 2
    return 0 if origin == THIRD_PARTY else 1


def _third(origin: str) -> bool:
    return origin == THIRD_PARTY


def _covers(span: Span, at: str) -> bool:
    return span.valid_from <= at and (span.valid_to is None or at < span.valid_to)


def place(spans: list[Span], at: str, values: Hashable, origin: str) -> Placement:
    """The timeline with an observation of ``values`` at ``at`` placed in it.

    ``spans`` must be sorted by ``valid_from`` and not overlap; times are ISO 8601 UTC
    strings of one fixed format, so they compare as text.
    """
    spans = list(spans)
    if _third(origin):
        dominated = _dominated(spans, at, values, origin)
        if dominated is not None:
            return dominated
    elif any(_third(s.origin) and (s.valid_to is None or s.valid_to > at) for s in spans):
        kept, removed = _supersede(spans, at)
        placement = _place(kept, at, values, origin)
        placement.removed_ids[:0] = removed
        placement.changed = True
        return placement
    return _place(spans, at, values, origin)


def _dominated(spans: list[Span], at: str, values: Hashable, origin: str) -> Placement | None:
    """A third-party observation at or after the first higher-ranked span: never stored."""
    starts = [s.valid_from for s in spans if rank(s.origin) > rank(origin)]
    if not starts or min(starts) > at:
        return None
    covering = next((s for s in spans if _covers(s, at)), None)
    if covering is not None and not _third(covering.origin) and covering.values != values:
        return Placement(spans, disagreements=[_disagree(at, values, origin, covering)])
    return Placement(spans)


def _supersede(spans: list[Span], at: str) -> tuple[list[Span], list[int]]:
    """Third-party spans cut at ``at`` and removed after it: a higher-ranked source speaks from here on."""
    kept: list[Span] = []
    removed: list[int] = []
    for span in spans:
        if not _third(span.origin) or (span.valid_to is not None and span.valid_to <= at):
            kept.append(span)
        elif span.valid_from >= at:
            if span.id is not None:
                removed.append(span.id)
        else:
            last_seen = span.last_seen if span.last_seen < at else span.valid_from
            kept.append(replace(span, valid_to=at, last_seen=last_seen, closed_reason="changed"))
    return kept, removed


def _place(spans: list[Span], at: str, values: Hashable, origin: str) -> Placement:
    index = next((i for i, span in enumerate(spans) if _covers(span, at)), None)
    if index is None:
        return _place_outside(spans, at, values, origin)
    span = spans[index]
    if span.values == values:
        if at > span.last_seen:
            spans[index] = replace(span, last_seen=at)
        return Placement(spans)
    observed_outranked = rank(origin) < rank(span.origin)
    if observed_outranked:
        return Placement(spans, disagreements=[_disagree(at, values, origin, span)])
    disagreements = [_disagree(at, values, origin, span)] if rank(origin) > rank(span.origin) else []
    if at == span.valid_from:
        # Two observations of one instant disagree: the higher rank wins; between equals,
        # a fixed order of the values keeps the result independent of arrival order.
        if rank(origin) == rank(span.origin) and repr(values) < repr(span.values):
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
    if (
        following is not None
        and spans[following].values == values
        and _joinable(spans[following].origin, origin)
    ):
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
        if (
            previous is not None
            and previous.values == span.values
            and previous.valid_to == span.valid_from
            and _joinable(previous.origin, span.origin)
        ):
            keep, drop = (previous, span) if previous.id is not None or span.id is None else (span, previous)
            merged[-1] = replace(
                keep,
                valid_from=previous.valid_from,
                valid_to=span.valid_to,
                last_seen=max(previous.last_seen, span.last_seen),
                closed_reason=span.closed_reason,
                origin=previous.origin if rank(previous.origin) >= rank(span.origin) else span.origin,
            )
            if drop.id is not None:
                removed.append(drop.id)
        else:
            merged.append(span)
    return Placement(merged, changed=True, disagreements=disagreements or [], removed_ids=removed)


def _joinable(a: str, b: str) -> bool:
    """Two spans of equal values join unless one is third-party and the other not (each keeps its origin)."""
    return _third(a) == _third(b)


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
