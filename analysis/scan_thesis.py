"""An article's thesis about retail against host prices, read in the article's context (pure).

Articles state their conclusion without naming a model: "actual inference costs are about a
tenth of retail", "a markup of over 10 times", "open-weight hosts charge half the API price",
"$5,000 in API-equivalent tokens ≈ $500 in actual compute cost" (10% of retail).
Such a sentence compares the prices the article quoted before it: the open-weight models at
the hosts quoted (side A) against the closed model's retail price it named (side B). Which
open models go with which closed model is what data/peer_groups.toml declares: when a group
holds the closed model, only the quoted open models of that group are compared with it.

``read_thesis`` returns the ratio claims a sentence makes, and the reason when it states a
thesis the article gave no prices for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Literal

from pricewatch.analysis.claim_grammar import (
    AT_LEAST_WORDS,
    FRACTIONS,
    MARKUP_WORDS,
    NUMBER_PATTERN,
    phrase_pattern,
)
from pricewatch.analysis.claims import Claim, Figure, PriceRef, RatioClaim
from pricewatch.analysis.prices import ModelFacts
from pricewatch.analysis.ratios import PeerGroup

__all__ = ["NO_PRICES_YET", "is_thesis_like", "read_thesis"]

NO_PRICES_YET = (
    "a comparison with retail prices before the article quoted an open-weight host's price "
    "and a closed model's retail price"
)

NUM = NUMBER_PATTERN
_APPROX = r"(?:(?:about|roughly|around|nearly|only|just|~)\s*)?"
_OVER_WORDS = phrase_pattern(AT_LEAST_WORDS)
_SHARE = rf"(?:(?P<frac>{phrase_pattern(FRACTIONS)})|(?P<p>{NUM})\s*%)"
#: "a tenth of retail", "10% of Anthropic's API price", "half the list price"
_OF_RETAIL = re.compile(
    rf"(?i)\b{_APPROX}{_SHARE}\s+(?:of\s+)?(?:the\s+)?(?:(?P<maker>[A-Z][\w.-]*)(?:'s|’s)\s+)?"
    r"(?:(?:retail|list|api|sticker)\b\s*)+(?:price[sd]?|pricing|rates?|costs?)?"
)
#: "a markup of over 10 times", "a 10x markup"
_MARKUP = re.compile(
    rf"(?i)\b{phrase_pattern(MARKUP_WORDS)}\s+of\s+(?P<over>{_OVER_WORDS}\s+)?{_APPROX}(?P<n>{NUM})\s*"
    rf"(?:x|×|times|-fold|fold)(?!\w)|\b(?P<over2>{_OVER_WORDS}\s+)?(?P<m>{NUM})\s*(?:x|×|-fold)\s+"
    rf"{phrase_pattern(MARKUP_WORDS)}"
)
#: "$5,000 in API-equivalent tokens ≈ $500 in actual compute cost": actual cost = 10% of retail
_RETAIL_TO_ACTUAL = re.compile(
    rf"(?i)\$\s?(?P<x>{NUM})\s*(?P<xk>k)?\s+(?:in|of|worth\s+of)\s+(?:[\w-]+\s+){{0,2}}?"
    r"(?:api|retail|list)[\w-]*\b[^$≈~=]{0,40}?(?:≈|~=|=|~|\bis\s+(?:about|roughly)|\bcomes\s+to)\s*"
    rf"\$\s?(?P<y>{NUM})\s*(?P<yk>k)?\s+(?:in\s+|of\s+)?(?:actual|real|true|underlying)\s+"
    r"(?:compute|inference|serving)"
)
_PERCENTS = {re.sub(r"\s+", " ", phrase.lower()): percent for phrase, percent in FRACTIONS.items()}


def is_thesis_like(text: str) -> bool:
    """Whether a sentence compares something with retail prices or states a markup."""
    return any(rx.search(text) is not None for rx in (_OF_RETAIL, _MARKUP, _RETAIL_TO_ACTUAL))


def _dollars(number: str, thousands: str | None) -> Decimal:
    return Decimal(number.replace(",", "")) * (1000 if thousands else 1)


def _pairs(
    quoted: Sequence[tuple[str, str | None]],
    facts: Mapping[str, ModelFacts],
    peers: Sequence[PeerGroup],
    maker: str | None,
    resolve_provider: Callable[[str], str | None],
    mentioned: Sequence[str],
) -> list[tuple[tuple[str, str | None], str]]:
    """(open model at its host, closed model) pairs from the prices quoted so far.

    The closed side is the closed model priced last (or, if none was priced with both fields,
    named last) by the maker the sentence names, if it names one.
    """
    unique = list(dict.fromkeys(quoted))
    closed = [m for m, _ in unique if m in facts and not facts[m].open_weights]
    closed = closed or [m for m in mentioned if m in facts and not facts[m].open_weights]
    if maker:
        maker_id = resolve_provider(maker)
        closed = [m for m in closed if maker_id is not None and maker_id in facts[m].makers]
    if not closed:
        return []
    b = closed[-1]  # the retail price named last
    opened = [(m, p) for m, p in unique if m in facts and facts[m].open_weights]
    groups = [g for g in peers if b in g.closed]
    if groups:
        members = {m for g in groups for m in g.open}
        opened = [(m, p) for m, p in opened if m in members]
    return [((m, p), b) for m, p in opened]


def read_thesis(
    text: str,
    quoted: Sequence[tuple[str, str | None]],
    facts: Mapping[str, ModelFacts],
    peers: Sequence[PeerGroup],
    resolve_provider: Callable[[str], str | None],
    mentioned: Sequence[str] = (),
) -> tuple[list[Claim], str | None]:
    """The ratio claims of a thesis sentence that names no model, bound to the prices quoted before
    it; with no claims, the reason when the sentence states a thesis (None when it states none)."""
    claims: list[Claim] = []
    share = _OF_RETAIL.search(text)
    markup = _MARKUP.search(text)
    estimate = _RETAIL_TO_ACTUAL.search(text)
    if share is None and markup is None and estimate is None:
        return [], None
    maker = share.group("maker") if share else None
    pairs = _pairs(quoted, facts, peers, maker, resolve_provider, mentioned)
    if not pairs:
        return [], NO_PRICES_YET
    percent: Decimal | str | None = None
    if share is not None:
        if share.group("frac"):
            percent = _PERCENTS[re.sub(r"\s+", " ", share.group("frac").lower())]
        else:
            percent = share.group("p").replace(",", "")
    elif estimate is not None:
        retail = _dollars(estimate.group("x"), estimate.group("xk"))
        actual = _dollars(estimate.group("y"), estimate.group("yk"))
        if retail > 0:
            percent = 100 * actual / retail

    def each_pair(form: Literal["percent_of", "times_cheaper"], claimed: Figure) -> list[RatioClaim]:
        """The thesis for every quoted (open model at its host, closed model) pair."""
        return [
            RatioClaim(
                text=text,
                a=PriceRef(model=a, provider=host),
                b=PriceRef(model=b),
                form=form,
                claimed=claimed,
            )
            for (a, host), b in pairs
        ]

    if percent is not None:
        claims += each_pair("percent_of", Figure.point(percent))
    if markup is not None:
        n = (markup.group("n") or markup.group("m")).replace(",", "")
        claimed = (
            Figure(low=Decimal(n), high=None)
            if markup.group("over") or markup.group("over2")
            else Figure.point(n)
        )
        claims += each_pair("times_cheaper", claimed)
    return claims, None
