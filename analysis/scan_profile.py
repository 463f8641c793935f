"""A usage profile on a list's intro line, carried to the costs the list gives per model (pure).

"For a chat application with one million daily messages averaging 500 input and 800 output
tokens:" then "- GPT-4o: $73/day": the item is the cost of the intro's daily volume (500M
input and 800M output tokens a day) on GPT-4o. Bound only when the intro states the number
of messages, the token counts and a period, and the item names a model and a cost per that
same period ("$73/day" after "daily"; "$2,190/month" is not bound to a daily profile).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pricewatch.analysis.claim_grammar import NUMBER_PATTERN, NUMBER_WORDS, SCALES, phrase_pattern

__all__ = ["Profile", "ProfileCost", "read_profile", "read_profile_cost"]

_NUM = NUMBER_PATTERN
_COUNT = rf"(?P<n>{_NUM}|{phrase_pattern(NUMBER_WORDS)})\s*(?P<scale>{phrase_pattern(SCALES)})?"
_ITEMS = r"(?:messages|requests|calls|queries|conversations|chats|prompts|sessions)"
_PROFILE = re.compile(
    rf"(?i)\b{_COUNT}\s+(?:(?P<adj>daily|monthly)\s+{_ITEMS}|{_ITEMS}\s+(?:a|per|each)\s+(?P<per>day|month))\b"
    rf".*?\b(?:averaging|of|with|at|each\s+with)\s+(?:about\s+|~\s*)?(?P<inp>{_NUM})\s+input"
    rf"(?:\s+tokens)?\s*(?:and|,|\+|plus)\s*(?P<out>{_NUM})\s+output\s+tokens\b.*:\s*$"
)
_COST = re.compile(
    rf"(?i)^(?P<name>[^:$]+?)\s*:\s*(?:~\s*|about\s+)?\$\s?(?P<x>{_NUM})\s*(?:/|per\s+|a\s+)(?P<per>day|month)\b"
)
_HOST = re.compile(r"(?i)\s+(?:via|on|at|through)\s+(?P<host>.+)$")


@dataclass(frozen=True)
class Profile:
    """Tokens per period of a usage profile ("one million daily messages of 500 in + 800 out")."""

    input_tokens: int
    output_tokens: int
    per: str  # "day" or "month"


@dataclass(frozen=True)
class ProfileCost:
    """A list item's cost of the profile: the model phrase, the host phrase (if any), the amount."""

    model: str
    host: str | None
    usd: Decimal


def _number(text: str) -> Decimal:
    words = NUMBER_WORDS.get(text.lower())
    return Decimal(words if words is not None else text.replace(",", ""))


def read_profile(text: str) -> Profile | None:
    """The profile an intro line (ending in ":") states, or None."""
    found = _PROFILE.search(text)
    if found is None:
        return None
    count = _number(found.group("n"))
    if found.group("scale"):
        count *= Decimal(SCALES[found.group("scale").lower()])
    per = "day" if (found.group("adj") or found.group("per") or "").lower() in ("daily", "day") else "month"
    return Profile(
        input_tokens=int(count * _number(found.group("inp"))),
        output_tokens=int(count * _number(found.group("out"))),
        per=per,
    )


def read_profile_cost(text: str, profile: Profile) -> ProfileCost | None:
    """ "GPT-4o: $73/day" (or "X via HOST: $5.20/day") when its period is the profile's, else None."""
    found = _COST.search(text)
    if found is None or found.group("per").lower() != profile.per:
        return None
    name, host = found.group("name").strip(), None
    on = _HOST.search(name)
    if on is not None:
        name, host = name[: on.start()].strip(), on.group("host").strip()
    return ProfileCost(model=name, host=host, usd=_number(found.group("x")))
