"""What a claim's words say it claims, and what no data can make true (pure).

- ``bounded(figure, words)``: "at least 10x", "over 10x", "more than 10x" claim 10x or more;
  "at most", "under", "up to", "less than" claim that much or less; "about", "roughly" keep
  the figure (judged within the tolerance). The words are the grammar's
  (``claim_grammar.AT_LEAST_WORDS``, ``AT_MOST_WORDS``), so `check`, `scan` and the site's
  claim box read them alike.
- ``impossible(claim)``: why a claim cannot be true whatever the prices (a fall of 100% or
  more a year, a negative price, a saving above 100%), or None. Such a claim is refused
  with the reason, never judged.
- ``group_summary(verdicts)``: a sentence that claims one figure of several things ("comparable
  models at roughly 10% of Anthropic's API price"): the least, the median and the greatest
  actual figure of its parts, and which parts hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from statistics import median
from typing import Any

from pricewatch.analysis.claim_grammar import AT_LEAST_WORDS, AT_MOST_WORDS, tokenize
from pricewatch.analysis.records import Record, record, spec
from pricewatch.money import figure

__all__ = ["GroupSummary", "bound_of", "bounded", "group_summary", "impossible"]

_HUNDRED = Decimal(100)


def _words(text: str) -> str:
    return " ".join(token.low for token in tokenize(text))


_AT_LEAST = frozenset(_words(w) for w in AT_LEAST_WORDS)
_AT_MOST = frozenset(_words(w) for w in AT_MOST_WORDS)


def bound_of(words: str | None) -> str | None:
    """ "low" for at-least words, "high" for at-most words, None for "about" or no word."""
    said = _words(words or "")
    return "low" if said in _AT_LEAST else "high" if said in _AT_MOST else None


def bounded(figure: Any, words: str | None) -> Any:
    """A claimed figure with the bound its words put on it ("over 10x" -> 10x or more)."""
    side = bound_of(words)
    if side == "low":
        return type(figure)(low=figure.low, high=None)
    if side == "high":
        return type(figure)(low=None, high=figure.high)
    return figure


def impossible(claim: Any) -> str | None:
    """Why ``claim`` cannot hold whatever the prices are, or None."""
    kind = getattr(claim, "kind", "")
    claimed: Any = getattr(claim, "claimed", None)
    bounds = [] if claimed is None else [v for v in (claimed.low, claimed.high) if v is not None]
    if kind == "trend" and claim.form == "percent_per_year" and any(v >= _HUNDRED for v in bounds):
        return (
            f"a fall of {claimed.text('%')} a year is impossible: a fall of 100% leaves nothing, "
            "more would make prices negative (90% a year is a 10x fall)"
        )
    if kind == "trend" and claim.form != "percent_per_year" and any(v <= 0 for v in bounds):
        return f"a fall of {claimed.text('x')} is impossible: a fold is above 0 (2x is half the price)"
    if kind == "price":
        negative = [
            f for f in ("input", "output", "cache_read", "cache_write") if (getattr(claim, f) or 0) < 0
        ]
        if negative:
            return f"a negative price ({', '.join(f.replace('_', ' ') for f in negative)}) is impossible"
    if kind in ("request_cost", "workload") and any(v < 0 for v in bounds):
        return f"a negative cost ({claimed.text('$')}) is impossible"
    if kind == "ratio" and claimed is not None:
        if any(v < 0 for v in bounds):
            return f"a negative {'ratio' if claim.form == 'times_cheaper' else 'share'} is impossible"
        if claim.form == "times_cheaper" and claimed.low is not None and claimed.low == 0:
            return "0x cheaper is impossible: a ratio of prices is above 0"
        if claim.form == "percent_cheaper" and any(v > _HUNDRED for v in bounds):
            return f"a saving of {claimed.text('%')} is impossible: 100% cheaper is free, more would be a negative price"
    return None


@record
class GroupSummary(Record):
    """A claim of several parts of one kind: the spread of their actual figures, and which hold."""

    parts: int
    unit: str  # the unit of the figures ("USD per million tokens", "%", "x")
    min: Decimal
    median: Decimal
    max: Decimal
    holding: list[int] = spec(factory=list)  # 1-based numbers of the parts that hold
    text: str = ""


def group_summary(verdicts: Sequence[Any]) -> GroupSummary | None:
    """The min, median and max of the decisive actual figures of several parts in one unit, or None."""
    if len(verdicts) < 2:
        return None
    figures: list[Decimal] = []
    said: set[tuple[str, str]] = set()
    for verdict in verdicts:
        decisive = [c for c in verdict.comparisons if c.decisive]
        if len(decisive) != 1:
            return None  # a part with no figure, or with several (input and output): no one spread
        figures.append(decisive[0].actual)
        said.add((decisive[0].unit, decisive[0].claimed.to_json()))
    if len(said) != 1:
        return None  # one figure claimed of several things ("roughly 10% of X" for two models) only
    ((unit, _),) = said
    holding = [n for n, v in enumerate(verdicts, start=1) if v.verdict == "holds"]
    low, mid, high = min(figures), median(figures), max(figures)
    which = ", ".join(str(n) for n in holding) if holding else "none"
    symbol = "$" if unit.startswith("USD") else unit
    text = (
        f"{len(verdicts)} parts: min {figure(low, symbol)}, median {figure(mid, symbol)}, "
        f"max {figure(high, symbol)}; holding: {which} of {len(verdicts)}"
    )
    return GroupSummary(
        parts=len(verdicts), unit=unit, min=low, median=mid, max=high, holding=holding, text=text
    )
