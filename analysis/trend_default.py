"""The one default price trend: what "prices fall N% per year" means when a claim names no level (pure).

The site's trend headline and ``pricewatch check``'s default for a trend claim that names no
capability level (``TrendClaim.score``, ``threshold`` and ``reference_model`` all unset) are the
same definition, built here:

- level: GPT-4 (``openai/gpt-4``), the threshold being the LMArena text score of the GPT-4 version
  in force at the window's start; over the whole history that is gpt-4-0314, the GPT-4 that
  launched on 2023-03-14 at $30 / $60 per million tokens;
- score: ``lmarena_text_score_2026_07``, every model read from one leaderboard snapshot (the
  catalog's header says why scores of two snapshots are never compared);
- window: from the reference model's release (GPT-4's launch) to the time of the check;
- price and fit: the 3:1 blended list price, closed models at their maker's price, open-weight
  ones at the cheapest host; OLS of ln(price) on years over the record points
  (``analysis.trends.cheapest_at_threshold``).

Why this one: the home page says "at GPT-4 level", and a reader takes that to be the GPT-4 of the
famous launch price, priced from then on: "what GPT-4 cost when it came out, and what the same
capability costs now". The checker's earlier default (GPT-4 Turbo's score at the start of the two
years before the check) answered another question than the page showed, so the page and
``check "prices fall 93% per year"`` disagreed on the same words. A claim that states its own
level or period keeps it: this is only the default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pricewatch.analysis.prices import ModelFacts, as_time

__all__ = [
    "DEFAULT_TREND_PRICE",
    "DEFAULT_TREND_REFERENCE",
    "DEFAULT_TREND_SCORE",
    "ReferenceLevel",
    "default_start",
    "reference_level",
]

DEFAULT_TREND_SCORE = "lmarena_text_score_2026_07"
DEFAULT_TREND_REFERENCE = "openai/gpt-4"
DEFAULT_TREND_PRICE: Literal["blended"] = "blended"


@dataclass(frozen=True)
class ReferenceLevel:
    """The threshold a reference model stands for, and which of its versions set it."""

    value: float
    version: str | None
    note: str  # "(gpt-4-0314, the version in force on 2023-03-14)" or ""


def default_start(facts: Mapping[str, ModelFacts], reference: str = DEFAULT_TREND_REFERENCE) -> str | None:
    """The default window's start: the reference model's release (its first version), YYYY-MM-DD.

    None when the catalog gives no release date (facts built by hand): the window then starts
    at the first price of a qualifying model.
    """
    fact = facts.get(reference)
    starts = sorted(v.valid_from for v in (fact.versions if fact else ()) if v.valid_from)
    return starts[0][:10] if starts else None


def reference_level(
    facts: Mapping[str, ModelFacts], reference: str, score: str, start: str | None
) -> ReferenceLevel | None:
    """The score of ``reference``'s version in force at ``start`` (YYYY-MM-DD), else of its first scored version.

    "Equivalent capability to GPT-4 Turbo" over 2024-02-01 to 2026-02-01 means the GPT-4 Turbo
    of 2024-02-01 (gpt-4-1106-preview), not a later snapshot. None when no version has the score.
    """
    fact = facts.get(reference)
    if fact is None:
        return None
    if start is not None:
        found = fact.score_at(score, as_time(start))
        if found is not None:
            value, version = found
            return ReferenceLevel(
                value, version, f" ({version}, the version in force on {start})" if version else ""
            )
    for later in sorted(fact.versions, key=lambda v: v.valid_from or ""):
        if score in later.scores:
            since = (later.valid_from or "")[:10]
            return ReferenceLevel(
                later.scores[score],
                later.version or None,
                f" ({later.version}, its first scored version, from {since})",
            )
    newest = (fact.scores or {}).get(score)
    return None if newest is None else ReferenceLevel(newest, None, "")
