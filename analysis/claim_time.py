"""When a claim is about: the period a trend claim states, anchored at the day it was made (pure).

A claim is judged twice: as of now (the check's time, which sets the verdict) and, when the
day it was made is known (``--made-on``, a registry entry's ``made_on``, an article's
dateline), as of that day. The period a trend claim states does not move with the check:
"in two years" (or a rate "a year" with no period) means the years before the day the claim
was made, so both verdicts judge the same period; only what was known differs.

Periods in words: "in two years" (``years``), "from early 2024 to early 2026", "between 2023
and 2025", "since 2023" (``start``/``end``, via ``article_date.period_bound``). An end after
the day the claim was made is that day.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date

from pricewatch.analysis.article_date import period_bound
from pricewatch.analysis.claims import Claim, TrendClaim

__all__ = ["anchor_claim", "anchor_claims", "period_words", "stated_period"]


def anchor_claim(claim: Claim, made_on: date | None) -> Claim:
    """A trend claim whose period has no end gets the day it was made as its end (others unchanged)."""
    if made_on is None or not isinstance(claim, TrendClaim):
        return claim
    if claim.end is None or claim.end > made_on:  # "to late 2026" in an article of 2026-06: its day
        return dataclasses.replace(claim, end=made_on)
    return claim


def anchor_claims(claims: Iterable[Claim], made_on: date | None) -> list[Claim]:
    """``anchor_claim`` over several claims."""
    return [anchor_claim(claim, made_on) for claim in claims]


def period_words(captures: Mapping[str, str], cap: str) -> str | None:
    """The words of one end of a period as the grammar captured them ("early" + "2024")."""
    year = captures.get(cap)
    if year is None:
        return None
    part = (captures.get(f"{cap}_part") or "").replace("-", "").strip()
    return f"{part} {year}".strip()


def stated_period(start_words: str | None, end_words: str | None) -> tuple[date | None, date | None]:
    """The (start, end) days of a period in words; "since 2023" has no end (the made-on day or the check's).

    ValueError when the words are not a period ("from 12 to 15") or it ends before it starts.
    """
    start = period_bound(start_words, "start") if start_words else None
    end = period_bound(end_words, "end") if end_words else None
    for words, day in ((start_words, start), (end_words, end)):
        if words and day is None:
            raise ValueError(f"{words!r} is not a year (1900-2099), a part of one or a month of one")
    if start is not None and end is not None and end <= start:
        raise ValueError(f"a period from {start_words} to {end_words} ends before it starts")
    return start, end
