"""A fold "since then" at "this level", bound to the model and day the sentence before names (pure).

"... models of this quality level have only existed since GPT-4 came out in March of 2023.
Since then, however, the price for models at this level have come down by about a factor of
62." The sentence names neither the level nor the start: both come from the model named
before it in the paragraph. The claim is a fold over a stated period: from that model's
release to the day the article was made (``claim_time.anchor_claims``), at that model's
level; when that model is the default trend's reference (GPT-4), it is the default trend
definition (``analysis.trend_default``) over that period. Used by ``analysis.scan`` only:
on its own the sentence says too little for ``check``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from pricewatch.analysis.claim_grammar import (
    APPROX,
    AT_LEAST_WORDS,
    AT_MOST_WORDS,
    NUMBER_PATTERN,
    phrase_pattern,
)
from pricewatch.analysis.claim_words import bounded
from pricewatch.analysis.claims import Figure, TrendClaim
from pricewatch.analysis.prices import ModelFacts
from pricewatch.analysis.trend_default import DEFAULT_TREND_REFERENCE, default_start

__all__ = ["is_since_fold", "since_fold_claim"]

_BOUND = phrase_pattern((*APPROX, *AT_LEAST_WORDS, *AT_MOST_WORDS))
_SINCE_FOLD = re.compile(
    rf"(?i)\bsince\s+then\b.*?\b(?:come|came|gone|went|fallen|fell|dropped|declined|decreased)"
    rf"(?:\s+down)?\s+(?:by\s+)?(?:(?P<bound>{_BOUND})\s+)?"
    rf"(?:a\s+factor\s+of\s+(?P<n>{NUMBER_PATTERN})|(?P<m>{NUMBER_PATTERN})\s*(?:x|×|times|-?fold)\b)"
)
_THIS_LEVEL = re.compile(r"(?i)\b(?:this|that|the\s+same)\s+(?:level|quality|capability|score|performance)\b")


def is_since_fold(text: str) -> bool:
    """True for "since then ... come down by a factor of N" (a claim-like sentence)."""
    return _SINCE_FOLD.search(text) is not None


def since_fold_claim(text: str, model: str | None, facts: Mapping[str, ModelFacts]) -> TrendClaim | None:
    """The fold since ``model``'s release at its level, or None when the sentence is not one.

    Raises ValueError (the reason) when it is one but names no level or no model came before it.
    """
    found = _SINCE_FOLD.search(text)
    if found is None:
        return None
    if not _THIS_LEVEL.search(text):
        raise ValueError("a fall 'since then' that names no capability level ('at this level')")
    if model is None or model not in facts:
        raise ValueError("a fall 'since then' at 'this level' with no model named before it")
    start = default_start(facts, model)
    if start is None:
        raise ValueError(f"a fall since {facts[model].name}'s release, which the catalog does not date")
    number = found.group("n") or found.group("m")
    claimed = bounded(Figure.point(_number(number)), found.group("bound"))
    return TrendClaim(
        text=text,
        form="fold_over_period",
        claimed=claimed,
        reference_model=None if model == DEFAULT_TREND_REFERENCE else model,
        start=date.fromisoformat(start),
    )


def _number(text: str):
    from pricewatch.analysis.claim_text import parse_number

    return parse_number(text)
