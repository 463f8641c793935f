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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from pricewatch.analysis.claim_arithmetic import (
    equation_claims,
    period_claims,
    product_claims,
    range_claims,
    share_claims,
    split_claims,
)
from pricewatch.analysis.claim_grammar import (
    DEARER_WORDS,
    DESCRIPTION_WORDS,
    FORMS,
    FRACTIONS,
    MAX_CLAIM_CHARS,
    MONEY_SCALES,
    NO_NAME_WORDS,
    NUMBER_WORDS,
    PER_THOUSAND_WORDS,
    PRICE_FIELDS,
    PROVIDER_WORDS,
    SCALES,
    SIZE_LETTERS,
    clean_name,
    lit,
    match,
    match_form,
    name_variants,
    normalise_sentence,
    num,
    opt,
    provider_candidates,
    refusal,
    strip_space,
    tokenize,
)
from pricewatch.analysis.claim_words import bounded, impossible
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
from pricewatch.errors import (
    ClaimError,
    ClaimTooLongError,
    DataError,
    RefusedClaimError,
    UnknownModelError,
    UnparseableClaimError,
)

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
    "resolve_model_and_host",
    "resolve_model_phrase",
    "resolve_provider_phrase",
]

#: Forms whose parts are alternative readings of one claim (the best reading decides).
ANY_READING_FORMS = ("workload", "workload_on", "per_period")

DEARER_PHRASES = frozenset(" ".join(t.low for t in tokenize(p)) for p in DEARER_WORDS)


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
    combine: Literal["all", "any"] = "all"
    notes: tuple[str, ...] = field(default_factory=tuple)


# ----------------------------------------------------------------------------- numbers


def parse_number(text: str) -> Decimal:
    """ "4,200" -> 4200, "0.39" -> 0.39, "two" -> 2."""
    text = strip_space(text).lower()
    if text in NUMBER_WORDS:
        return Decimal(NUMBER_WORDS[text])
    return Decimal(text.replace(",", ""))


def _scaled(number: str, scale: str | None) -> Decimal:
    value = parse_number(number)
    if scale:
        value *= Decimal(SCALES[scale.lower()])
    return value


_TOKEN_COUNT = [num("n"), opt(lit(*SCALES, cap="scale")), opt(lit("tokens", "token")), ["end"]]
_AMOUNT = [lit("$"), num("n"), opt(lit(*MONEY_SCALES, cap="scale")), ["end"]]


def parse_tokens(text: str) -> Decimal:
    """A token count: "1M" -> 1,000,000; "100K" -> 100,000; "1.5 billion"; "150" -> 150."""
    found = match(_TOKEN_COUNT, text)
    if found is None:
        raise ValueError(f"not a token count: {text!r}")
    return _scaled(found["n"], found.get("scale"))


def parse_money(text: str) -> Decimal:
    """ "$4,200" -> 4200; "$5K" -> 5000; "$7.50" -> 7.50."""
    found = match(_AMOUNT, text)
    if found is None:
        raise ValueError(f"not an amount of money: {text!r}")
    return _scaled(found["n"], found.get("scale"))


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


def _resolve_exact(phrase: str, names: Names) -> str | None:
    for candidate in name_variants(phrase):
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


def resolve_model_phrase(phrase: str, names: Names) -> str:
    """The catalog id for a phrase that should be one model's name; UnknownModelError otherwise."""
    cleaned = clean_name(phrase)
    found = _resolve_exact(cleaned, names)
    if found is not None:
        return found
    raise UnknownModelError(cleaned, names.suggest_models(cleaned))


def _lookup_provider(phrase: str, names: Names) -> str | None:
    for candidate in provider_candidates(phrase):
        found = names.resolve_provider(candidate)
        if found is not None:
            return found
    return None


def resolve_model_and_host(phrase: str, names: Names) -> tuple[str, str | None]:
    """A model phrase that may end "on|at|via|from|through <host>": (model id, host id or None).

    The host binds to this model only; an aside may name it too ("Kimi K2.5 (on DeepInfra)").
    A host is never dropped from a refusal: an unknown model keeps the host in its "did you
    mean" ("Kimi K2.6x on DeepInfra": "did you mean moonshotai/kimi-k2.5 on DeepInfra?"), and
    a known model with an unknown host is refused for the host ("Unknown provider: DeepInfraa").
    """
    cleaned = clean_name(phrase)
    found = _resolve_exact(cleaned, names)
    if found is not None:
        return found, _aside_host(phrase, names)
    unknown: tuple[str, str] | None = None  # (model id, host phrase) of "<known model> on <unknown host>"
    last_tail: tuple[str, str] | None = None  # (model words, "on <host>") of the last provider word
    for token in tokenize(phrase):
        if token.kind != "word" or token.low not in PROVIDER_WORDS or token.start == 0:
            continue
        words = clean_name(phrase[: token.start])
        tail = strip_space(phrase[token.start :])
        host = _lookup_provider(phrase[token.end :], names)
        model = _resolve_exact(words, names)
        if host is None:
            if model is not None and unknown is None:
                unknown = (model, phrase[token.end :])
            if words:
                last_tail = (words, tail)
            continue
        if model is not None:
            return model, host
        raise UnknownModelError(words, [f"{s} {tail}" for s in names.suggest_models(words)])
    if unknown is not None:
        raise ClaimError(f"Unknown provider: {provider_candidates(unknown[1])[0]} (named for {unknown[0]})")
    if last_tail is not None:
        words, tail = last_tail
        raise UnknownModelError(words, [f"{s} {tail}" for s in names.suggest_models(words)])
    raise UnknownModelError(cleaned, names.suggest_models(cleaned))


def _aside_host(phrase: str, names: Names) -> str | None:
    """The host an aside after a model names: "Kimi K2.5 (on DeepInfra)", "(via OpenRouter)"."""
    start = phrase.find("(")
    while start >= 0:
        close = phrase.find(")", start + 1)
        if close < 0:
            return None
        inner = phrase[start + 1 : close]
        tokens = tokenize(inner)
        if len(tokens) > 1 and tokens[0].kind == "word" and tokens[0].low in PROVIDER_WORDS:
            host = _lookup_provider(inner[tokens[0].end :], names)
            if host is not None:
                return host
        start = phrase.find("(", close + 1)
    return None


def _ref(phrase: str, names: Names) -> PriceRef:
    model, host = resolve_model_and_host(phrase, names)
    return PriceRef(model=model, provider=host)


def _refs(phrase: str, names: Names) -> list[PriceRef]:
    """One model, or a group of them ("GPT-5 and Claude Sonnet 4.6", "A, B and C"): one ref each.

    The group is read only when the whole phrase names no model and every part does; when some
    part is a model, the refusal names the first part that is not, else the whole phrase.
    """
    try:
        return [_ref(phrase, names)]
    except UnknownModelError:
        parts, last = [], 0
        for token in tokenize(phrase):
            if token.low in ("and", ",", "&"):
                parts.append(phrase[last : token.start])
                last = token.end
        parts.append(phrase[last:])
        parts = [part for part in parts if strip_space(part)]
        if len(parts) < 2:
            raise
        refs: list[PriceRef] = []
        refused: Exception | None = None
        for part in parts:
            try:
                refs.append(_ref(part, names))
            except (ClaimError, UnknownModelError) as error:
                refused = refused or error
        if refused is None:
            return refs
        if refs:  # a group with a part that is no model: that part is what could not be read
            raise refused from None
        raise


def leading_model(phrase: str, names: Names, *, described: bool = True) -> str | None:
    """The model the first words of ``phrase`` name, the rest being a description of it, else None.

    ``described``: the rest must start as a description does ("Kimi K2.5 1T params with 32B
    active": a number with a size letter, or one of ``DESCRIPTION_WORDS``); without it any rest
    is the subject's clause ("DeepSeek V3 launched in 2024 as ..., a model that").
    """
    tokens = tokenize(phrase)
    for cut in range(len(tokens) - 1, 0, -1):
        model = _resolve_exact(clean_name(phrase[: tokens[cut - 1].end]), names)
        if model is None:
            continue
        rest = tokens[cut:]
        if not described:
            return model
        if rest[0].low in DESCRIPTION_WORDS or (
            rest[0].kind == "num"
            and len(rest) > 1
            and rest[1].low in SIZE_LETTERS
            and rest[1].start == rest[0].end
        ):
            return model
        return None
    return None


def _no_name(phrase: str, text: str) -> None:
    """ "The input price is $5 per million tokens": the words before the price are no model's name."""
    words = [token.low for token in tokenize(phrase)]
    if all(word in NO_NAME_WORDS for word in words):
        raise ClaimError(
            f"{text!r} names no model: {strip_space(phrase)!r} is not a model's name "
            "(say which model: '<model> input price is $5 per million tokens')"
        )


def _one_host(model: str, named: str | None, host: str | None) -> str | None:
    """The host of a price: "X on A costs ..." and "... on A" are one host; two different ones are refused."""
    if named is not None and host is not None and named != host:
        raise ClaimError(f"two hosts named for {model}: {host} and {named}")
    return named or host


def resolve_provider_phrase(phrase: str, names: Names) -> str:
    """The catalog id for a provider phrase ("DeepInfra", "the OpenRouter API"); ClaimError otherwise."""
    candidates = provider_candidates(phrase)
    for candidate in candidates:
        found = names.resolve_provider(candidate)
        if found is not None:
            return found
    raise ClaimError(f"Unknown provider: {candidates[0]}")


# ----------------------------------------------------------------------------- the forms

Groups = Mapping[str, str]


def _price_unit(unit: str | None) -> Decimal:
    """Per-thousand prices become per-million prices."""
    if unit and unit.lower() in PER_THOUSAND_WORDS:
        return Decimal(1000)
    return Decimal(1)


def _figure(low: str, high: str | None, bound: str | None = None) -> Figure:
    """A claimed figure: a point or a range, a bound when words say so ("at least 10x")."""
    figure = (
        Figure.point(parse_number(low)) if not high else Figure.span(parse_number(low), parse_number(high))
    )
    return bounded(figure, bound)


def _amount(g: Groups, cap: str) -> Decimal:
    """A captured price in dollars ("$0.28", "$1.2K", "28 cents")."""
    value = _scaled(g[cap], g.get(f"{cap}_scale"))
    return value / Decimal(100) if g.get(f"{cap}_cents") else value


def _price_claims(g: Groups, text: str, names: Names) -> tuple[Claim, ...]:
    model, host = resolve_model_and_host(g["model"], names)
    provider = g.get("provider")
    scale = _price_unit(g.get("unit"))
    return (
        PriceClaim(
            text=text,
            model=model,
            provider=_one_host(model, resolve_provider_phrase(provider, names) if provider else None, host),
            input=_amount(g, "inp") * scale,
            output=_amount(g, "out") * scale,
        ),
    )


_FIELD_OF = {" ".join(t.low for t in tokenize(p)): field for p, field in PRICE_FIELDS.items()}


def _field_price_claims(g: Groups, text: str, names: Names) -> tuple[Claim, ...]:
    """One to three priced fields; a leg without its own unit takes the unit another leg names."""
    legs = [n for n in ("1", "2", "3") if g.get(f"v{n}")]
    units = [g.get(f"u{n}") or g.get(f"w{n}") for n in legs]
    shared = next((u for u in units if u), None)
    prices: dict[str, Decimal] = {}
    for n, unit in zip(legs, units, strict=True):
        field_name = _FIELD_OF[" ".join(t.low for t in tokenize(g[f"f{n}"]))]
        prices[field_name] = _amount(g, f"v{n}") * _price_unit(unit or shared)
    _no_name(g["model"], text)
    try:
        model, host = resolve_model_and_host(g["model"], names)
    except UnknownModelError:
        # "Kimi K2.5 1T params with 32B active: $0.45 ...": the name, then a description
        described = leading_model(g["model"], names) if g.get("verb") == ":" else None
        if described is None:
            raise
        model, host = described, None
    provider = g.get("provider")
    named = resolve_provider_phrase(provider, names) if provider else None
    return (
        PriceClaim(
            text=text,
            model=model,
            provider=_one_host(model, named, host) or _lead_provider(g, names),
            **prices,  # type: ignore[arg-type]
        ),
    )


def _lead_provider(g: Groups, names: Names) -> str | None:
    """The host a lead-in ends with ("... comes from Anthropic's retail API pricing: $5 ..."), if any.

    The longest ending of the lead-in that names a provider binds the prices after it.
    """
    lead = g.get("lead")
    if not lead:
        return None
    for token in tokenize(lead):
        for candidate in provider_candidates(lead[token.start :]):
            found = names.resolve_provider(candidate)
            if found is not None:
                return found
    return None


def _compared_field(g: Groups) -> dict[str, str]:
    """ "... for input tokens": both sides compared on that price (else the blend)."""
    if not g.get("field"):
        return {}
    field_name = _FIELD_OF[" ".join(t.low for t in tokenize(g["field"]))]
    return {"a_price": field_name, "b_price": field_name}


def _times_claims(g: Groups, text: str, names: Names) -> tuple[Claim, ...]:
    a = _ref(g["a"], names)
    claims = []
    for b in _refs(g["b"], names):  # "A is 3x cheaper than B and C": one comparison each
        one, other = (b, a) if " ".join(t.low for t in tokenize(g["dir"])) in DEARER_PHRASES else (a, b)
        # "B is 3x more expensive than A" = "A is 3x cheaper than B"
        claims.append(
            RatioClaim(
                text=text,
                a=one,
                b=other,
                form="times_cheaper",
                claimed=_figure(g["n"], g.get("n2"), g.get("bound")),
                **_compared_field(g),  # type: ignore[arg-type]
            )
        )
    return tuple(claims)


def _times_while_claims(g: Groups, text: str, names: Names) -> tuple[Claim, ...]:
    """ "A outperforms B on X while costing 14x less": A is 14x cheaper than B (A is the subject)."""
    try:
        a = _ref(g["a"], names)
    except UnknownModelError:
        subject = leading_model(g["a"], names, described=False)
        if subject is None:
            raise
        a = PriceRef(model=subject)
    b = _ref(g["b"], names)
    if " ".join(t.low for t in tokenize(g["dir"])) in DEARER_PHRASES:
        a, b = b, a
    return (
        RatioClaim(
            text=text, a=a, b=b, form="times_cheaper", claimed=_figure(g["n"], g.get("n2"), g.get("bound"))
        ),
    )


def _percent_claims(g: Groups, text: str, names: Names, form: str) -> tuple[Claim, ...]:
    a = _ref(g["a"], names)
    return tuple(
        RatioClaim(
            text=text,
            a=a,
            b=b,
            form=form,  # type: ignore[arg-type]
            claimed=_figure(g["p"], g.get("p2"), g.get("bound")),
            **_compared_field(g),  # type: ignore[arg-type]
        )
        for b in _refs(g["b"], names)
    )


_PERCENT_OF_FRACTION = {" ".join(t.low for t in tokenize(p)): percent for p, percent in FRACTIONS.items()}


def _fraction_claims(g: Groups, text: str, names: Names) -> tuple[Claim, ...]:
    """ "A costs a tenth of B": A is 10% of B (a fraction is a ratio)."""
    percent = _PERCENT_OF_FRACTION[" ".join(t.low for t in tokenize(g["frac"]))]
    return (
        RatioClaim(
            text=text,
            a=_ref(g["a"], names),
            b=_ref(g["b"], names),
            form="percent_of",
            claimed=bounded(Figure.point(parse_number(percent)), g.get("bound")),
        ),
    )


def _markup_claims(g: Groups, text: str, names: Names) -> tuple[Claim, ...]:
    """ "B is a markup of over 10x on A": B's price is (over) 10 times A's, i.e. A is 10x cheaper."""
    claimed = _figure(g["n"], g.get("n2"), g.get("bound"))
    return (
        RatioClaim(
            text=text,
            a=_ref(g["a"], names),
            b=_ref(g["b"], names),
            form="times_cheaper",
            claimed=claimed,
        ),
    )


def _request_claims(g: Groups, text: str, names: Names) -> tuple[Claim, ...]:
    model, host = resolve_model_and_host(g["model"], names)
    return (
        RequestCostClaim(
            text=text,
            model=model,
            provider=host,
            input_tokens=int(_scaled(g["inp"], g.get("inp_scale"))),
            output_tokens=int(_scaled(g["out"], g.get("out_scale"))),
            claimed=bounded(Figure.point(_scaled(g["usd"], g.get("usd_scale"))), g.get("bound")),
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
    provider: str | None = None,
) -> tuple[Claim, ...]:
    """A workload claim under both cache readings: the hit rate as a share of input, or of all tokens."""
    a, b = split
    per_day = period == "day"
    return tuple(
        WorkloadClaim(
            text=text,
            model=model,
            provider=provider,
            input_share=a / (a + b),
            cache_hit=hit_percent / 100,
            per="day" if per == "day" else "month",
            claimed=claimed,
            tokens_per_day=tokens if per_day else None,
            tokens_per_month=None if per_day else tokens,
            cache_reading=reading,
        )
        for reading in ("input", "all")
    )


def _workload_claims(g: Groups, text: str, names: Names) -> tuple[Claim, ...]:
    low = _scaled(g["t1"], g.get("t1_scale") or g.get("t2_scale"))
    tokens = Figure.point(low)
    if g.get("t2"):
        tokens = Figure.span(low, _scaled(g["t2"], g.get("t2_scale")))
    x = _scaled(g["x"], g.get("x_scale"))
    claimed = Figure.span(x, _scaled(g["y"], g.get("y_scale"))) if g.get("y") else Figure.point(x)
    claimed = bounded(claimed, g.get("bound"))
    model, host = resolve_model_and_host(g["model"], names)
    return workload_readings(
        text,
        model,
        tokens,
        g["period"].lower(),
        parse_number(g["hit"]),
        (parse_number(g["a"]), parse_number(g["b"])),
        claimed,
        g["per"].lower(),
        host,
    )


def _cache_saving(g: Groups, text: str, ref: PriceRef) -> RatioClaim:
    """The saving of caching claimed in ``g["p"]``: ref's cache-read price P% below its input price."""
    return RatioClaim(
        text=text,
        a=ref,
        b=ref,
        a_price="cache_read",
        b_price="input",
        form="percent_cheaper",
        claimed=bounded(Figure.point(parse_number(g["p"])), g.get("bound")),
    )


def _cache_cut_claims(g: Groups, text: str, names: Names) -> tuple[Claim, ...]:
    """ "Caching cuts input costs by 90% on X": X's cache-read price is 90% below its input price."""
    return (_cache_saving(g, text, _ref(g["model"], names)),)


def _cache_vs_input_claims(g: Groups, text: str, names: Names) -> tuple[Claim, ...]:
    """ "X cache reads cost $0.50/MTok vs $5 for uncached input, a 90% saving": both prices of X
    (at the host named, if one is) and the saving computed on those two prices of X there."""
    units = [g.get("u1"), g.get("u2") or g.get("w2")]
    shared = next((u for u in units if u), None)
    model, host = resolve_model_and_host(g["model"], names)
    claims: list[Claim] = [
        PriceClaim(
            text=text,
            model=model,
            provider=host,
            cache_read=_amount(g, "v1") * _price_unit(units[0] or shared),
            input=_amount(g, "v2") * _price_unit(units[1] or shared),
        )
    ]
    if g.get("p"):
        claims.append(_cache_saving(g, text, PriceRef(model=model, provider=host)))
    return tuple(claims)


def _trend_price(g: Groups) -> Literal["input", "output", "blended"]:
    """ "output prices fell ...": that price; no word, the 3:1 blend."""
    word = (g.get("price") or "").lower()
    return "output" if word == "output" else "input" if word == "input" else "blended"


def _trend_fold_claims(g: Groups, text: str, names: Names) -> tuple[Claim, ...]:
    from pricewatch.analysis.claim_time import period_words, stated_period

    claimed = _figure(g["n"], g.get("n2"), g.get("bound"))
    problems = []
    if claimed.low is not None and claimed.low <= 0:  # "fell 0x": no price falls zero-fold
        problems.append(f"a fall of {g['n']}x means nothing (2x is half the price): the fold must be above 0")
    if g.get("y") is None:  # a stated period: "from early 2024 to early 2026", "since 2023"
        try:
            start, end = stated_period(period_words(g, "since"), period_words(g, "until"))
        except ValueError as error:
            raise RefusedClaimError(f"cannot check {text!r}: {error}") from None
        if problems:
            raise RefusedClaimError(f"cannot check {text!r}: {'; '.join(problems)}")
        return (
            TrendClaim(
                text=text,
                form="fold_over_period",
                claimed=claimed,
                start=start,
                end=end,
                price=_trend_price(g),
            ),
        )
    years = parse_number(g["y"])
    if years <= 0:
        problems.append(f"a period of {g['y']} years has no length: the years must be above 0")
    if problems:
        raise RefusedClaimError(f"cannot check {text!r}: {'; '.join(problems)}")
    return (
        TrendClaim(text=text, form="fold_over_period", claimed=claimed, years=years, price=_trend_price(g)),
    )


def _trend_fold_year_claims(g: Groups, text: str, names: Names) -> tuple[Claim, ...]:
    """ "the cost is decreasing by 10x every year": a fold per year at the default level and window."""
    claimed = _figure(g["n"], g.get("n2"), g.get("bound"))
    if claimed.low is not None and claimed.low <= 0:
        raise ClaimError(
            f"cannot check {text!r}: a fall of {g['n']}x means nothing (2x is half the price): the fold must be above 0"
        )
    return (TrendClaim(text=text, form="fold_per_year", claimed=claimed, price=_trend_price(g)),)


def _trend_percent_claims(g: Groups, text: str, names: Names) -> tuple[Claim, ...]:
    low = parse_number(g["p"])
    claimed = Figure(low=low, high=None) if g.get("plus") else _figure(g["p"], g.get("p2"), g.get("bound"))
    return (TrendClaim(text=text, form="percent_per_year", claimed=claimed, price=_trend_price(g)),)


#: What each form of ``claim_grammar.GRAMMAR`` becomes.
_BUILDERS: Mapping[str, Callable[[Groups, str, Names], tuple[Claim, ...]]] = {
    "workload": _workload_claims,
    "workload_on": _workload_claims,
    "request": _request_claims,
    "price_pair": _price_claims,
    "price_fields": _field_price_claims,
    "price_fields_for": _field_price_claims,
    "field_first": _field_price_claims,
    "model_field": _field_price_claims,
    "times": _times_claims,
    "times_while": _times_while_claims,
    "paying": _times_claims,  # "paying 3x more for A vs B": A is 3x more expensive than B
    "percent_cheaper": lambda g, t, n: _percent_claims(g, t, n, "percent_cheaper"),
    "percent_of": lambda g, t, n: _percent_claims(g, t, n, "percent_of"),
    "fraction_of": _fraction_claims,
    "markup": _markup_claims,
    "cache_vs_input": _cache_vs_input_claims,
    "cache_cut": _cache_cut_claims,
    "trend_fold": _trend_fold_claims,
    "trend_fold_year": _trend_fold_year_claims,
    "trend_percent": _trend_percent_claims,
    # arithmetic on the sentence's own figures (analysis/claim_arithmetic.py)
    "share_of": lambda g, t, n: share_claims(g, t),
    "beyond_range": lambda g, t, n: range_claims(g, t),
    "split_cut": lambda g, t, n: split_claims(g, t),
    "stated_product": lambda g, t, n: product_claims(g, t),
    "per_period": lambda g, t, n: period_claims(g, t),
    "stated_equation": lambda g, t, n: equation_claims(g, t),
}


def normalise_text(text: str) -> str:
    """One line, plain quotes and dashes, no surrounding quotes or markdown emphasis."""
    return normalise_sentence(text)


def parse_claim(text: str, names: Names, *, explain: bool = True) -> ParsedClaim:
    """The claim(s) one sentence makes, in one of ``FORMS``.

    Raises ``UnparseableClaimError`` (listing the forms) when the sentence is in none of
    them (with the nearest form unless ``explain`` is False: ``scan`` does not show it),
    ``ClaimTooLongError`` when it is longer than ``MAX_CLAIM_CHARS``, and ``UnknownModelError`` (with "did you mean") when a model name is unknown.
    """
    if len(text) > 2 * MAX_CLAIM_CHARS:  # refused before normalising, which is linear anyway
        raise ClaimTooLongError("the claim", len(text), MAX_CLAIM_CHARS)
    sentence = normalise_text(text)
    if len(sentence) > MAX_CLAIM_CHARS:
        raise ClaimTooLongError("the claim", len(sentence), MAX_CLAIM_CHARS)
    found = match_form(sentence)
    if found is None:
        raise UnparseableClaimError(sentence, FORMS, refusal(sentence) if explain else "")
    form, groups = found
    try:
        claims = _BUILDERS[form](groups, sentence, names)
    except DataError as error:  # a number the claim's record refuses ("in 0 years"): one line, exit 2
        said = "; ".join(
            f"{'.'.join(str(p) for p in loc) or 'value'} {message[:1].lower()}{message[1:]}".replace(
                "input should be", "must be"
            )
            for loc, message in error.errors
        )
        raise RefusedClaimError(f"cannot check {sentence!r}: {said}") from None
    for claim in claims:
        reason = impossible(claim)
        if reason is not None:  # refused: no price can make it true
            raise RefusedClaimError(f"cannot check {sentence!r}: {reason}")
    return ParsedClaim(text=sentence, claims=claims, combine="any" if form in ANY_READING_FORMS else "all")
