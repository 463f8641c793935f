"""Claims in plain English -> structured claims (pure).

``parse_claim(text, names)`` reads one sentence in one of the forms listed in ``FORMS``
and returns the structured claim(s) it makes. Model and provider names go through the
``Names`` it is given (the catalog's resolver, passed in so this module reads no files);
a name that resolves to nothing raises ``UnknownModelError`` with the catalog's closest
matches ("did you mean"), and a sentence in none of the forms raises
``UnparseableClaimError`` listing the forms.

The helpers below (numbers, token counts, money, model mentions in free text) are shared
with ``analysis.scan``, which reads whole articles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pricewatch.analysis.claims import (
    Claim,
    Figure,
    PriceClaim,
    PriceRef,
    RatioClaim,
    RequestCostClaim,
    TrendClaim,
    WorkloadClaim,
)
from pricewatch.errors import ClaimError, UnknownModelError, UnparseableClaimError

__all__ = [
    "FORMS",
    "ModelMention",
    "Names",
    "ParsedClaim",
    "find_models",
    "parse_claim",
    "parse_money",
    "parse_number",
    "parse_tokens",
    "resolve_model_phrase",
    "resolve_provider_phrase",
]

#: The forms `pricewatch check` understands (shown when a sentence is in none of them).
FORMS = (
    "<model> costs $<in>/$<out> per million tokens [on <provider>]",
    "<model A> is <N>x cheaper than <model B>",
    "<model A> costs <P>% of <model B>",
    "<N> input and <M> output tokens cost $<X> on <model>",
    "<N> [million] tokens per day with <H>% cache hits and a <a>/<b> input/output split "
    "costs $<X>[-$<Y>] per month on <model>",
    "<price|cost> fell <N>x in <Y> years",
    "prices fall <P>% per year",
)


def _no_suggestions(name: str) -> list[str]:
    return []


def _no_provider(name: str) -> str | None:
    return None


@dataclass(frozen=True)
class Names:
    """How names are looked up: the catalog's resolvers, passed in (analysis reads no files).

    resolve_model      name or alias -> catalog model id, or None
    suggest_models     name -> close catalog ids (for "did you mean")
    resolve_provider   name or alias -> catalog provider id, or None
    """

    resolve_model: Callable[[str], str | None]
    suggest_models: Callable[[str], list[str]] = _no_suggestions
    resolve_provider: Callable[[str], str | None] = _no_provider


@dataclass(frozen=True)
class ParsedClaim:
    """What one sentence claims: one or more structured claims, and how their verdicts combine.

    ``combine`` is "any" when the parts are alternative readings of one claim (a cache-hit
    rate read as a share of input tokens or of all tokens), else "all".
    """

    text: str
    claims: tuple[Claim, ...]
    combine: str = "all"
    notes: tuple[str, ...] = field(default_factory=tuple)


# ----------------------------------------------------------------------------- numbers

NUM = r"\d[\d,]*(?:\.\d+)?"
_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a": 1,
    "a couple of": 2,
}
NUM_OR_WORD = rf"(?:{NUM}|one|two|three|four|five|six|seven|eight|nine|ten)"
DASH = r"\s*(?:-|–|—|to)\s*"
_SCALE = {
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "mil": 1_000_000,
    "million": 1_000_000,
    "b": 1_000_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}
SCALE = r"(?:k|thousand|mn|mil|million|m|bn|billion|b)\b"


def parse_number(text: str) -> Decimal:
    """ "4,200" -> 4200, "0.39" -> 0.39, "two" -> 2."""
    text = text.strip().lower()
    if text in _WORD_NUMBERS:
        return Decimal(_WORD_NUMBERS[text])
    return Decimal(text.replace(",", ""))


def _scaled(number: str, scale: str | None) -> Decimal:
    value = parse_number(number)
    if scale:
        value *= _SCALE[scale.strip().lower()]
    return value


TOKENS = rf"(?P<{{name}}>{NUM})\s*(?P<{{name}}_scale>{SCALE})?"


def parse_tokens(text: str) -> Decimal:
    """A token count: "1M" -> 1,000,000; "100K" -> 100,000; "1.5 billion"; "150" -> 150."""
    match = re.fullmatch(rf"\s*({NUM})\s*({SCALE})?\s*(?:tokens?)?\s*", text, re.IGNORECASE)
    if not match:
        raise ValueError(f"not a token count: {text!r}")
    return _scaled(match.group(1), match.group(2))


MONEY = rf"\$\s?(?P<{{name}}>{NUM})\s*(?P<{{name}}_scale>k|K|thousand|M|million|B|billion)?(?![\w.])"


def parse_money(text: str) -> Decimal:
    """ "$4,200" -> 4200; "$5K" -> 5000; "$7.50" -> 7.50."""
    match = re.fullmatch(rf"\s*\$\s?({NUM})\s*(k|thousand|m|million|b|billion)?\s*", text, re.IGNORECASE)
    if not match:
        raise ValueError(f"not an amount of money: {text!r}")
    return _scaled(match.group(1), match.group(2))


def _group(pattern: str, name: str) -> str:
    return pattern.replace("{name}", name)


# ----------------------------------------------------------------------------- names


@dataclass(frozen=True)
class ModelMention:
    """A catalog model named in a text: where, which words, which id."""

    start: int
    end: int
    words: str
    model: str


_TOKEN = re.compile(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*")
_JOINERS = re.compile(r"[\s\-/_]{1,3}")
_MAX_WORDS = 7


def _variants(phrase: str) -> list[str]:
    """Spellings to try for a phrase: as written, hyphens for spaces, with a maker's prefix."""
    phrase = phrase.strip()
    out = [phrase, re.sub(r"\s+", "-", phrase), re.sub(r"[\s-]+", " ", phrase)]
    lowered = phrase.lower()
    if re.match(r"(opus|sonnet|haiku)\b", lowered):
        out.append("Claude " + phrase)
    return list(dict.fromkeys(out))


def _resolve_exact(phrase: str, names: Names) -> str | None:
    for candidate in _variants(phrase):
        found = names.resolve_model(candidate)
        if found is not None:
            return found
    return None


def find_models(text: str, names: Names) -> list[ModelMention]:
    """Every catalog model named in ``text``, longest names first, left to right, without overlaps.

    Words are runs of letters, digits and inner dots ("Opus 4.6", "K2.5"); a name may span
    words joined by spaces, hyphens or slashes ("Qwen 3.5 397B" inside "Qwen 3.5 397B-A17B").
    """
    tokens = list(_TOKEN.finditer(text))
    mentions: list[ModelMention] = []
    i = 0
    while i < len(tokens):
        found = None
        last = min(len(tokens), i + _MAX_WORDS)
        for j in range(last - 1, i - 1, -1):
            gaps = [text[tokens[k].end() : tokens[k + 1].start()] for k in range(i, j)]
            if any(not _JOINERS.fullmatch(gap) for gap in gaps):
                continue
            words = text[tokens[i].start() : tokens[j].end()]
            if re.fullmatch(r"[\d.]+", words):
                continue  # a bare number is never a model
            model = _resolve_exact(words, names)
            if model is not None:
                found = (j, ModelMention(tokens[i].start(), tokens[j].end(), words, model))
                break
        if found:
            mentions.append(found[1])
            i = found[0] + 1
        else:
            i += 1
    return mentions


_FILLER = re.compile(
    r"^(?:the|a|an|using|on|with)\s+|(?:'s|’s)?\s+(?:api\s+|retail\s+|list\s+)*"
    r"(?:prices?|pricing|rates?|costs?|api)$|[\"'“”‘’]",
    re.IGNORECASE,
)


def _clean(phrase: str) -> str:
    phrase = re.sub(r"\([^)]*\)", " ", phrase)  # parentheticals are asides, not the name
    previous = None
    while previous != phrase:
        previous = phrase
        phrase = _FILLER.sub("", phrase.strip(" \t.,;:!?")).strip()
    return phrase


def resolve_model_phrase(phrase: str, names: Names) -> str:
    """The catalog id for a phrase that should be one model's name; UnknownModelError otherwise."""
    cleaned = _clean(phrase)
    found = _resolve_exact(cleaned, names)
    if found is not None:
        return found
    raise UnknownModelError(cleaned, names.suggest_models(cleaned))


def resolve_provider_phrase(phrase: str, names: Names) -> str:
    """The catalog id for a provider phrase ("DeepInfra", "the OpenRouter API"); ClaimError otherwise."""
    cleaned = _clean(re.sub(r"(?i)\b(?:api|platform)\b", " ", phrase))
    for candidate in (cleaned, cleaned.replace(" ", "-"), cleaned.replace(" ", "")):
        found = names.resolve_provider(candidate)
        if found is not None:
            return found
    raise ClaimError(f"Unknown provider: {cleaned}")


# ----------------------------------------------------------------------------- the forms

_PER_MILLION = r"(?:per|/|a|for\s+every|for\s+each)\s*(?:1\s*)?(?:million|mil|m|mtok|mtoks)\b(?:\s+tokens)?"
_PER_THOUSAND = r"(?:per|/|a|for\s+every|for\s+each)\s*(?:1\s*)?(?:thousand|k|1,000)\b(?:\s+tokens)?"
_END = r"\s*[.!]?\s*$"

_PRICE_PAIR = re.compile(
    rf"^(?P<model>.+?)\s+(?:costs?|is\s+priced\s+at|charges?|is|are|=|:)\s+"
    rf"{_group(MONEY, 'inp')}\s*(?:input\s*)?/\s*{_group(MONEY, 'out')}\s*(?:output\s*)?"
    rf"(?P<unit>{_PER_MILLION}|{_PER_THOUSAND})(?:\s+(?:input\s*/\s*output\s+)?tokens)?"
    rf"(?:\s+(?:on|at|via|from|through)\s+(?P<provider>.+?))?{_END}",
    re.IGNORECASE,
)
_PRICE_SPLIT = re.compile(
    rf"^(?P<model>.+?)\s+(?:costs?|is\s+priced\s+at|charges?|is|are)\s+"
    rf"{_group(MONEY, 'inp')}\s*(?P<unit>{_PER_MILLION}|{_PER_THOUSAND})?\s*(?:input|prompt)(?:\s+tokens)?"
    rf"(?:\s*,)?\s+(?:and|plus|\+)\s+{_group(MONEY, 'out')}\s*(?P<unit2>{_PER_MILLION}|{_PER_THOUSAND})?\s*"
    rf"(?:output|completion)(?:\s+tokens)?(?:\s+(?:on|at|via|from|through)\s+(?P<provider>.+?))?{_END}",
    re.IGNORECASE,
)
_TIMES = re.compile(
    rf"^(?P<a>.+?)\s+(?:is|are|costs?|runs?)\s+(?:about\s+|roughly\s+|around\s+|nearly\s+|~\s*)?"
    rf"(?P<n>{NUM})(?:{DASH}(?P<n2>{NUM}))?\s*(?:x|×|times|-fold|fold)\s+"
    rf"(?P<dir>cheaper|less\s+expensive|less|more\s+expensive|pricier|costlier|dearer|more)\s+"
    rf"(?:than\s+)?(?P<b>.+?){_END}",
    re.IGNORECASE,
)
_PERCENT_OF = re.compile(
    rf"^(?P<a>.+?)\s+(?:costs?|is|are|runs?\s+at)\s+(?:about\s+|roughly\s+|around\s+|~\s*)?"
    rf"(?P<p>{NUM})(?:{DASH}(?P<p2>{NUM}))?\s*%\s+of\s+(?:the\s+(?:price|cost)\s+of\s+)?(?P<b>.+?){_END}",
    re.IGNORECASE,
)
_PERCENT_CHEAPER = re.compile(
    rf"^(?P<a>.+?)\s+(?:is|are|costs?)\s+(?:about\s+|roughly\s+|~\s*)?(?P<p>{NUM})\s*%\s+"
    rf"(?:cheaper|less(?:\s+expensive)?)\s+than\s+(?P<b>.+?){_END}",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    rf"^{_group(TOKENS, 'inp')}\s+input(?:\s+tokens)?\s*(?:,|and|\+|plus|with)\s*"
    rf"{_group(TOKENS, 'out')}\s+output(?:\s+tokens)?\s+(?:costs?|is|=|comes\s+to)\s+"
    rf"(?:about\s+|roughly\s+|~\s*)?{_group(MONEY, 'usd')}\s+(?:on|with|using|for|via)\s+(?P<model>.+?){_END}",
    re.IGNORECASE,
)
_WORKLOAD = re.compile(
    rf"^(?:a\s+user\s+(?:processing|using|sending)\s+)?{_group(TOKENS, 't1')}(?:{DASH}{_group(TOKENS, 't2')})?"
    rf"\s+tokens\s+(?:per|a|/|each)\s*(?P<period>day|month)\s+with\s+(?:a\s+)?(?P<hit>{NUM})\s*%\s+"
    rf"cache[- ]hits?(?:\s+rate)?,?\s+and\s+(?:a|an)\s+(?P<a>{NUM})\s*/\s*(?P<b>{NUM})\s+input\s*/\s*output"
    rf"\s+split\s+(?:costs?|is|comes\s+to)\s+(?:about\s+|roughly\s+|~\s*)?{_group(MONEY, 'x')}"
    rf"(?:{DASH}{_group(MONEY, 'y')})?\s*(?:per|a|/)\s*(?P<per>month|day)\s+on\s+(?P<model>.+?){_END}",
    re.IGNORECASE,
)
_TREND_FOLD = re.compile(
    rf"^(?:the\s+)?(?:(?:llm|ai|model|token|api|inference)\s+)*(?:price|cost)s?(?:\s+of\s+.+?)?\s+"
    rf"(?:fell|dropped|declined|fall|falls|drop|drops|have\s+fallen|has\s+fallen|came\s+down)\s+"
    rf"(?:by\s+)?(?:about\s+|roughly\s+|~\s*)?(?P<n>{NUM})(?:{DASH}(?P<n2>{NUM}))?\s*(?:x|×|-fold|fold|times)\s+"
    rf"(?:in|over|within)\s+(?:the\s+(?:last|past)\s+)?(?P<y>{NUM_OR_WORD})\s+years?{_END}",
    re.IGNORECASE,
)
_TREND_PERCENT = re.compile(
    rf"^(?:the\s+)?(?:(?:llm|ai|model|token|api|inference)\s+)*(?:price|cost)s?\s+"
    rf"(?:fall|falls|drop|drops|decline|declines|(?:is|are)\s+(?:falling|dropping|declining))\s+"
    rf"(?:by\s+)?(?:about\s+|roughly\s+|~\s*)?(?P<p>{NUM})(?:{DASH}(?P<p2>{NUM}))?\s*%\s*(?P<plus>\+|or\s+more)?\s*"
    rf"(?:(?:per|a|each|every)\s+year|annually|yearly){_END}",
    re.IGNORECASE,
)


def _price_unit(unit: str | None) -> Decimal:
    """Per-thousand prices become per-million prices."""
    if unit and re.fullmatch(_PER_THOUSAND, unit.strip(), re.IGNORECASE):
        return Decimal(1000)
    return Decimal(1)


def _figure(low: str, high: str | None) -> Figure:
    return Figure.point(parse_number(low)) if not high else Figure.span(parse_number(low), parse_number(high))


def _price_claims(match: re.Match[str], text: str, names: Names) -> tuple[Claim, ...]:
    model = resolve_model_phrase(match.group("model"), names)
    provider = match.group("provider")
    scale = _price_unit(match.group("unit") or match.groupdict().get("unit2"))
    return (
        PriceClaim(
            text=text,
            model=model,
            provider=resolve_provider_phrase(provider, names) if provider else None,
            input=_scaled(match.group("inp"), match.group("inp_scale")) * scale,
            output=_scaled(match.group("out"), match.group("out_scale")) * scale,
        ),
    )


def _times_claims(match: re.Match[str], text: str, names: Names) -> tuple[Claim, ...]:
    a = resolve_model_phrase(match.group("a"), names)
    b = resolve_model_phrase(match.group("b"), names)
    if re.match(r"(?i)more|pricier|costlier|dearer", match.group("dir")):
        a, b = b, a  # "B is 3x more expensive than A" = "A is 3x cheaper than B"
    return (
        RatioClaim(
            text=text,
            a=PriceRef(model=a),
            b=PriceRef(model=b),
            form="times_cheaper",
            claimed=_figure(match.group("n"), match.group("n2")),
        ),
    )


def _percent_claims(match: re.Match[str], text: str, names: Names, form: str) -> tuple[Claim, ...]:
    return (
        RatioClaim(
            text=text,
            a=PriceRef(model=resolve_model_phrase(match.group("a"), names)),
            b=PriceRef(model=resolve_model_phrase(match.group("b"), names)),
            form=form,  # type: ignore[arg-type]
            claimed=_figure(match.group("p"), match.groupdict().get("p2")),
        ),
    )


def _request_claims(match: re.Match[str], text: str, names: Names) -> tuple[Claim, ...]:
    return (
        RequestCostClaim(
            text=text,
            model=resolve_model_phrase(match.group("model"), names),
            input_tokens=int(_scaled(match.group("inp"), match.group("inp_scale"))),
            output_tokens=int(_scaled(match.group("out"), match.group("out_scale"))),
            claimed=Figure.point(_scaled(match.group("usd"), match.group("usd_scale"))),
        ),
    )


def workload_readings(
    text: str,
    model: str,
    tokens: Figure,
    period: str,
    hit_percent: Decimal,
    split: tuple[Decimal, Decimal],
    claimed: Figure,
    per: str = "month",
) -> tuple[Claim, ...]:
    """A workload claim under both cache readings: the hit rate as a share of input, or of all tokens."""
    a, b = split
    base = {
        "text": text,
        "model": model,
        "input_share": a / (a + b),
        "cache_hit": hit_percent / 100,
        "per": per,
        "claimed": claimed,
        ("tokens_per_day" if period == "day" else "tokens_per_month"): tokens,
    }
    return tuple(WorkloadClaim(**base, cache_reading=reading) for reading in ("input", "all"))


def _workload_claims(match: re.Match[str], text: str, names: Names) -> tuple[Claim, ...]:
    low = _scaled(match.group("t1"), match.group("t1_scale") or match.group("t2_scale"))
    tokens = Figure.point(low)
    if match.group("t2"):
        tokens = Figure.span(low, _scaled(match.group("t2"), match.group("t2_scale")))
    x = _scaled(match.group("x"), match.group("x_scale"))
    claimed = (
        Figure.span(x, _scaled(match.group("y"), match.group("y_scale")))
        if match.group("y")
        else Figure.point(x)
    )
    return workload_readings(
        text,
        resolve_model_phrase(match.group("model"), names),
        tokens,
        match.group("period").lower(),
        parse_number(match.group("hit")),
        (parse_number(match.group("a")), parse_number(match.group("b"))),
        claimed,
        match.group("per").lower(),
    )


def _trend_fold_claims(match: re.Match[str], text: str, names: Names) -> tuple[Claim, ...]:
    return (
        TrendClaim(
            text=text,
            form="fold_over_period",
            claimed=_figure(match.group("n"), match.group("n2")),
            years=parse_number(match.group("y")),
        ),
    )


def _trend_percent_claims(match: re.Match[str], text: str, names: Names) -> tuple[Claim, ...]:
    low = parse_number(match.group("p"))
    if match.group("plus"):
        claimed = Figure(low=low, high=None)
    else:
        claimed = _figure(match.group("p"), match.group("p2"))
    return (TrendClaim(text=text, form="percent_per_year", claimed=claimed),)


_PARSERS: Sequence[tuple[re.Pattern[str], Callable[[re.Match[str], str, Names], tuple[Claim, ...]]]] = (
    (_WORKLOAD, _workload_claims),
    (_REQUEST, _request_claims),
    (_PRICE_PAIR, _price_claims),
    (_PRICE_SPLIT, _price_claims),
    (_TIMES, _times_claims),
    (_PERCENT_CHEAPER, lambda m, t, n: _percent_claims(m, t, n, "percent_cheaper")),
    (_PERCENT_OF, lambda m, t, n: _percent_claims(m, t, n, "percent_of")),
    (_TREND_FOLD, _trend_fold_claims),
    (_TREND_PERCENT, _trend_percent_claims),
)


def normalise_text(text: str) -> str:
    """One line, plain quotes and dashes, no surrounding quotes or markdown emphasis."""
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[*_`]{1,2}", "", text)
    return text.strip().strip('"').strip()


def parse_claim(text: str, names: Names) -> ParsedClaim:
    """The claim(s) one sentence makes, in one of ``FORMS``.

    Raises ``UnparseableClaimError`` (listing the forms) when the sentence is in none of
    them, and ``UnknownModelError`` (with "did you mean") when a model name is unknown.
    """
    sentence = normalise_text(text)
    for pattern, build in _PARSERS:
        match = pattern.match(sentence)
        if match:
            claims = build(match, sentence, names)
            combine = "any" if pattern is _WORKLOAD else "all"
            return ParsedClaim(text=sentence, claims=claims, combine=combine)
    raise UnparseableClaimError(sentence, FORMS)
