"""Cost-per-user claims: what token volume the figure would buy at the model's price (pure).

"Anthropic spends $5,000 for every Claude Code user" or "Inference per conversation: $0.10 to
$2.00" states no tokens, so prices cannot test it: the verdict is ``cannot_check``. It still
says what the figure would mean: the tokens it buys at the 3:1 blended price of the model the
sentence names, else the model its paragraph names, else the article's main model (the model
it names most, at least twice and more than any other), e.g. "$5,000 a month at Claude Opus
4.6's 3:1 blended $10.00/M (anthropic) = 500M tokens a month". With no such model it says
which model it would need.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from pricewatch.analysis.claim_grammar import NUMBER_PATTERN
from pricewatch.analysis.claims import Step, UnverifiableClaim, Verdict, evaluate
from pricewatch.analysis.prices import ModelFacts, PricePoint, as_time, market_price
from pricewatch.money import figure

__all__ = ["WORDED_AMOUNT", "PerUse", "implied_volume", "main_model", "per_use"]

_NUM = NUMBER_PATTERN
_SCALE = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000, "b": 10**9, "billion": 10**9}
_MONEY = rf"\$\s?(?P<{{0}}>{_NUM})(?:\s*(?P<{{0}}s>k|thousand|m|million|b|billion)\b)?"
_RANGE = re.compile(
    _MONEY.format("a") + r"(?:\s*(?:-|–|—|to)\s*" + _MONEY.format("b") + r")?(?!\d|,\d)", re.IGNORECASE
)
_WHO = r"(?P<who>users?|subscribers?|seats?|developers?|conversations?|sessions?|requests?|queries|query|customers?|interactions?)"
_PER_WHOM = re.compile(
    rf"\b(?:per|a|for\s+every|for\s+each|each|every)\s+(?:[\w.-]+\s+){{0,3}}?{_WHO}\b", re.IGNORECASE
)
#: A plan or its user spending an amount: "a $200/month plan can consume about $5,000 in compute".
_CONSUMES = re.compile(
    r"\b(?:plan|subscription|(?P<who>subscriber|user))s?\b[^.$]{0,40}?\b(?:can\s+|could\s+|would\s+)?"
    r"(?:consumes?|consuming|burns?|burning|uses?|using|racks?\s+up|costs?\s+\w+)\b",
    re.IGNORECASE,
)
#: Amounts in words: "in cents" (1-99 cents), "(low) single digits" (dollars, $1-$9).
WORDED_AMOUNT = re.compile(
    r"\b(?:measured\s+)?in\s+(?P<what>cents|(?:the\s+)?(?:low\s+)?single\s+digits)\b", re.IGNORECASE
)
_WORDED_AMOUNTS = {"cents": (Decimal("0.01"), Decimal("0.99")), "digits": (Decimal(1), Decimal(9))}
_MONTHLY = re.compile(r"/\s*mo(?:nth)?\b|\bper\s+month\b|\ba\s+month\b|\bmonthly\b", re.IGNORECASE)
#: A cost per user of something else (a streaming service's content budget) is not about tokens.
_LLM_WORDS = re.compile(
    r"\b(?:anthropic|openai|claude|gpt[\w.-]*|gemini|llms?|ai|models?|inference|api|tokens?|compute)\b",
    re.IGNORECASE,
)
_PLAN_AFTER = re.compile(
    r"^\s*(?:/\s*mo(?:nth)?\s+)?(?:[\w-]+\s+){0,4}?(?:plan|subscription|tier)\b", re.IGNORECASE
)


def _amount(number: str, scale: str | None) -> Decimal:
    value = Decimal(number.replace(",", ""))
    return value * _SCALE[scale.lower()] if scale else value


@dataclass(frozen=True)
class PerUse:
    """A cost per user, conversation or request: the amount (or range), per whom, and whether monthly."""

    low: Decimal
    high: Decimal
    who: str
    monthly: bool

    def text(self) -> str:
        amount = (
            figure(self.low, "$")
            if self.low == self.high
            else f"{figure(self.low, '$')}-{figure(self.high, '$')}"
        )
        return f"{amount} {self.per()}"

    def per(self) -> str:
        who = self.who.lower().rstrip("s") if self.who.lower() != "queries" else "query"
        return f"per {who}" + (" a month" if self.monthly else "")


def per_use(text: str) -> PerUse | None:
    """The cost per user (conversation, request...) a sentence states, or None."""
    whom = list(_PER_WHOM.finditer(text))  # the last: "a team seat is $25 per user"
    who = whom[-1] if whom else _CONSUMES.search(text)  # "the $200/month plan can consume $5,000"
    if who is None or not _LLM_WORDS.search(text):
        return None
    # "$200/month Max plan" is a plan's price, not a cost per user; of the others, the amount
    # nearest before "per user" is its cost ("$20 a month, and a seat is $25 per user"), else
    # the first after it ("per conversation: $0.10 to $2.00").
    amounts = [m for m in _RANGE.finditer(text) if not _PLAN_AFTER.match(text[m.end() :])]
    before = [m for m in amounts if m.start() < who.start()]
    match = before[-1] if before else next((m for m in amounts if m.start() > who.start()), None)
    if match is None:
        worded = WORDED_AMOUNT.search(text)  # "measured in cents", "the low single digits"
        if worded is None:
            return None
        low, high = _WORDED_AMOUNTS[worded["what"].lower().split()[-1]]
        return PerUse(low, high, who["who"] or "subscriber", bool(_MONTHLY.search(text)))
    low = _amount(match["a"], match["as"])
    high = _amount(match["b"], match["bs"]) if match["b"] else low
    return PerUse(min(low, high), max(low, high), who["who"] or "subscriber", bool(_MONTHLY.search(text)))


def main_model(mentions: Iterable[str]) -> str | None:
    """The model an article names most: at least twice and more often than any other."""
    counts = Counter(mentions).most_common(2)
    if not counts or counts[0][1] < 2 or (len(counts) > 1 and counts[1][1] == counts[0][1]):
        return None
    return counts[0][0]


def _tokens(millions: Decimal) -> str:
    if millions >= 1000:
        return f"{figure(millions / 1000)}B"
    if millions >= 1:
        return f"{figure(millions)}M"
    return f"{figure(millions * 1000)}K"


def _blended(points: Sequence[PricePoint], facts: Mapping[str, ModelFacts], model: str, at: str):
    """The model's 3:1 blended price: its maker's own, else the cheapest host's; with who charges it."""
    fact = facts.get(model)
    for statistic in (*(fact.makers if fact else ()), "cheapest"):
        price = market_price(points, model, at, statistic=statistic)
        if price is not None and price.input is not None and price.output is not None:
            where = price.offers[0].provider if price.offers else statistic
            return (3 * price.input + price.output) / 4, where
    return None, None


def _family(quote: str, facts: Mapping[str, ModelFacts]) -> tuple[str, str] | None:
    """(creator, word) when the quote names one maker's model family ("Claude", "Gemini") or
    the maker itself ("Anthropic"), and the word belongs to no other creator's models."""
    creators: dict[str, set[str]] = {}
    for fact in facts.values():
        first = fact.name.split(" ", 1)[0].lower()
        for word in {first, fact.creator.lower()}:
            if len(word) > 2:
                creators.setdefault(word, set()).add(fact.creator)
    for word in re.findall(r"[A-Z][\w-]*", quote):  # a proper name: "Command", not "command"
        owners = creators.get(word.lower())
        if owners is not None and len(owners) == 1:
            return next(iter(owners)), word
    return None


def _family_spread(
    quote: str, use: PerUse, points: Sequence[PricePoint], facts: Mapping[str, ModelFacts], when: str
) -> tuple[str, Step] | None:
    """The tokens the figure buys across the current models of the family the quote names:
    from its dearest model's 3:1 blended price to its cheapest (the maker's own prices)."""
    family = _family(quote, facts)
    if family is None:
        return None
    creator, word = family
    priced = []
    for fact in facts.values():
        if fact.creator != creator or not fact.makers:
            continue
        price = market_price(points, fact.id, when, statistic=fact.makers[0])
        if price is not None and price.input is not None and price.output is not None:
            blended = (3 * price.input + price.output) / 4
            if blended > 0:
                priced.append((blended, fact.name))
    if not priced:
        return None
    dearest, cheapest = max(priced), min(priced)
    low, high = use.low / dearest[0], use.high / cheapest[0]
    said = (
        f"at the {len(priced)} {word} models its maker sells on {when[:10]}, {use.text()} buys "
        f"{_tokens(low)} tokens at {dearest[1]}'s 3:1 blended {figure(dearest[0], '$')}/M to "
        f"{_tokens(high)} at {cheapest[1]}'s {figure(cheapest[0], '$')}/M"
    )
    step = Step(
        label=f"tokens {use.per()} across the {word} models' 3:1 blended prices",
        formula=f"{use.text()} / {figure(dearest[0], '$')} to {use.text()} / {figure(cheapest[0], '$')} per million",
        result=f"{_tokens(low)}-{_tokens(high)} tokens",
    )
    return said, step


def implied_volume(
    quote: str,
    use: PerUse,
    model: str | None,
    model_from: str,
    named: Sequence[str],
    points: Sequence[PricePoint],
    facts: Mapping[str, ModelFacts],
    at: str,
) -> Verdict:
    """``cannot_check``, with the tokens the figure would buy at ``model``'s price (or the model it needs)."""
    when = as_time(at, end_of_day=True)
    head = f"a cost {use.per()} states no tokens, so prices cannot test it"
    steps: list[Step] = []
    if model is None:
        which = ", ".join(facts[m].name if m in facts else m for m in dict.fromkeys(named)) or "none"
        missing = (
            f"{head}; the tokens it would buy need the model whose tokens it pays for: the sentence and its "
            f"paragraph name none and the article has no main model (it names: {which})"
        )
        spread = _family_spread(quote, use, points, facts, when)
        if spread is not None:
            said, step = spread
            missing = f"{missing}; {said}"
            steps.append(step)
    else:
        name = facts[model].name if model in facts else model
        blended, where = _blended(points, facts, model, when)
        if blended is None or blended <= 0:
            missing = (
                f"{head}; no price of {name} ({model_from}) in force on {when[:10]} to turn it into tokens"
            )
        else:
            low, high = use.low / blended, use.high / blended
            volume = _tokens(low) if low == high else f"{_tokens(low)}-{_tokens(high)}"
            per = use.per().replace("per user a month", "a month")
            said = f"{use.text()} at {name}'s 3:1 blended {figure(blended, '$')}/M ({where}) = {volume} tokens {per}"
            missing = f"{head}; {said} ({name}: {model_from})"
            steps.append(
                Step(
                    label=f"tokens {use.per()} at {name}'s 3:1 blended price",
                    formula=f"{use.text()} / {figure(blended, '$')} per million",
                    result=f"{volume} tokens",
                )
            )
    verdict = evaluate(UnverifiableClaim(text=quote, missing=missing), [], facts, at)
    return replace(verdict, steps=steps)
