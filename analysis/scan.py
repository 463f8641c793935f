"""Every checkable claim in an article: found, read, checked, and what could not be read (pure).

``find_claims(text, names, facts)`` splits an article (plain text or markdown) into
sentences, list items and table rows, keeps those that look like claims about prices (a
price per million tokens, "N x cheaper", "P% of the cost", a cost per request, month or
user, "fell N-fold", "P% a year"), and reads each one: first as a sentence in one of the
``check`` forms, then with extractors for the ways articles phrase prices ("$5 per million
input tokens and $25 per million output tokens for Opus 4.6", "Kimi K2.5: $0.45 per million
input tokens", a markdown table of prices or request costs, "roughly 10% of Anthropic's API
price"). ``scan_article`` then checks every claim found (``analysis.claims.evaluate``).

Articles lean on context, and so does the reader here, in three ways only:
- "the model", "it" and "<maker>'s $X" name the model mentioned last (by that maker);
- a list introduced by "... on <provider>:" prices its items at that provider;
- "comparable models", "open-weight models" and similar subjects of a ratio mean the
  open-weight models whose prices the article quoted before, at the providers quoted.
Every claim found carries its quote and line, so a reader can see what it was read as.

A claim-like sentence that yields no claim is reported with the reason, never dropped.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from pricewatch.analysis.article_date import article_date
from pricewatch.analysis.claim_arithmetic import ArticleFigures, derived_claims
from pricewatch.analysis.claim_grammar import (
    APPROX,
    AT_LEAST_WORDS,
    AT_MOST_WORDS,
    CHEAPER_WORDS,
    DASHES,
    DEARER_WORDS,
    FOLD_WORDS,
    MAX_ARTICLE_CHARS,
    MAX_CLAIM_CHARS,
    MONEY_SCALES,
    NUMBER_PATTERN,
    NUMBER_WORDS,
    PER_MILLION_WORDS,
    PER_THOUSAND_WORDS,
    PER_WORDS,
    PERIOD_PARTS,
    SCALES,
    match_form,
    phrase_pattern,
)
from pricewatch.analysis.claim_text import (
    ModelMention,
    Names,
    find_models,
    normalise_text,
    parse_claim,
    parse_number,
    resolve_model_and_host,
    workload_readings,
)
from pricewatch.analysis.claim_time import anchor_claims, stated_period
from pricewatch.analysis.claim_volume import WORDED_AMOUNT as _WORDED
from pricewatch.analysis.claim_volume import implied_volume, main_model, per_use
from pricewatch.analysis.claim_words import GroupSummary, bounded, impossible
from pricewatch.analysis.claims import (
    ArithmeticClaim,
    CapabilityClaim,
    Claim,
    EntryVerdict,
    Figure,
    PriceClaim,
    PriceRef,
    RatioClaim,
    RequestCostClaim,
    TrendClaim,
    Verdict,
    VerdictName,
    combine_verdicts,
    evaluate,
    evaluate_parts,
)
from pricewatch.analysis.figure_search import with_figure_searches
from pricewatch.analysis.prices import ModelFacts, PricePoint
from pricewatch.analysis.ratios import PeerGroup
from pricewatch.analysis.records import Record, record
from pricewatch.analysis.scan_columns import column_models, column_row_claims
from pricewatch.analysis.scan_names import with_article_names
from pricewatch.analysis.scan_profile import Profile, read_profile, read_profile_cost
from pricewatch.analysis.scan_since import is_since_fold, since_fold_claim
from pricewatch.analysis.scan_tables import is_period_table, period_row_claim, row_provider
from pricewatch.analysis.scan_thesis import is_thesis_like, read_thesis
from pricewatch.errors import ClaimError, ClaimTooLongError, UnknownModelError

__all__ = [
    "FoundClaim",
    "ScanReport",
    "TextUnit",
    "UnparsedClaim",
    "find_claims",
    "is_claim_like",
    "scan_article",
    "split_units",
]

UnitKind = Literal["sentence", "list item", "table row", "heading"]


# ----------------------------------------------------------------------------- reports


@record
class FoundClaim(Record):
    """A sentence (or row) that makes a checkable claim, what it was read as, and the verdicts."""

    quote: str
    line: int  # 1-based line of the article
    unit: UnitKind
    combine: Literal["all", "any"]
    verdict: VerdictName  # as of the check's time (``at``): sets the exit code
    results: list[Verdict]
    then: EntryVerdict | None = None  # as of the day the article was made, when known
    group: GroupSummary | None = None  # several parts of one kind: their spread, which hold


@record
class UnparsedClaim(Record):
    """A claim-like sentence that could not be read as a checkable claim, and why."""

    quote: str
    line: int
    unit: UnitKind
    reason: str


@record
class ScanReport(Record):
    """The JSON form of `pricewatch scan`."""

    source: str
    at: str
    verdict: VerdictName  # the worst verdict of the claims found; cannot_check when most claim-like sentences are unread
    summary: str  # how many claims were read and how they fared, how many were unread, and the verdict
    claims: list[FoundClaim]
    unparsed: list[UnparsedClaim]
    made_on: date | None = None  # the article's date: --made-on, or its dateline
    made_on_from: str | None = None  # where that date came from


# ----------------------------------------------------------------------------- splitting


@dataclass(frozen=True)
class TextUnit:
    """One sentence, list item, table row or heading of an article."""

    text: str
    line: int
    kind: UnitKind
    header: tuple[str, ...] = ()  # a table row's column headers
    cells: tuple[str, ...] = ()
    paragraph: int = 0  # units of one paragraph share it ("the model", "it" bind within one)


_ABBREVIATIONS = {"e.g", "i.e", "vs", "etc", "approx", "mr", "dr", "inc", "u.s", "no", "fig", "cf", "ca"}
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*:?-{3,}:?\s*$")


def _sentences(text: str) -> list[str]:
    """Split a paragraph at sentence ends, not at decimals ("$0.39"), versions or abbreviations."""
    out: list[str] = []
    start = 0
    for match in re.finditer(r"[.!?][\"”’')\]]*\s+(?=[A-Z0-9\"“‘($£€])", text):
        before = text[start : match.start()].rsplit(None, 1)
        word = before[-1].lower().rstrip(".") if before else ""
        if word in _ABBREVIATIONS:
            continue
        out.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def split_units(text: str) -> list[TextUnit]:
    """The article as units: sentences of paragraphs, list items, markdown table rows, headings.

    A paragraph ends at a blank line, a table, a list item (each is one) and a line that ends
    a sentence (plain-text articles put one paragraph on each line); a heading opens the
    paragraph under it.
    """
    units: list[TextUnit] = []
    header: tuple[str, ...] | None = None
    paragraph, open_paragraph = 0, False

    def new_paragraph() -> int:
        nonlocal paragraph
        paragraph += 1
        return paragraph

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            header = None
            open_paragraph = False
            continue
        if line.startswith("|"):
            open_paragraph = False
            cells = _cells(line)
            if all(_TABLE_RULE.match(c) for c in cells if c):
                continue
            if header is None:
                header = tuple(cells)
                units.append(
                    TextUnit(normalise_text(" | ".join(cells)), number, "heading", paragraph=new_paragraph())
                )
            else:
                units.append(
                    TextUnit(
                        normalise_text(" | ".join(cells)),
                        number,
                        "table row",
                        header,
                        tuple(cells),
                        paragraph=paragraph,
                    )
                )
            continue
        header = None
        if line.startswith("#"):
            units.append(
                TextUnit(normalise_text(line.lstrip("#")), number, "heading", paragraph=new_paragraph())
            )
            open_paragraph = True  # a heading names what the paragraph under it is about
            continue
        kind: UnitKind = "sentence"
        if _LIST_MARKER.match(line):
            line, kind = _LIST_MARKER.sub("", line, count=1), "list item"
            open_paragraph = False
        elif not re.search(r"[.!?:;\"”)]$", line) and len(line.split()) <= 14:
            units.append(TextUnit(normalise_text(line), number, "heading", paragraph=new_paragraph()))
            open_paragraph = True
            continue
        at = paragraph if open_paragraph else new_paragraph()
        for sentence in _sentences(line):
            units.append(TextUnit(normalise_text(sentence), number, kind, paragraph=at))
        open_paragraph = kind == "sentence" and not re.search(r"[.!?:\"”)]$", line)
    return units


# ----------------------------------------------------------------------------- claim-like

# The article patterns are built from the claim grammar's word tables (analysis.claim_grammar),
# so the words `check` reads and the words a scan looks for are the same.
NUM = NUMBER_PATTERN
DASH = rf"\s*{phrase_pattern(DASHES)}\s*"
SCALE = phrase_pattern(SCALES)
NUM_OR_WORD = rf"(?:{NUM}|{phrase_pattern(NUMBER_WORDS)})"
_FOLD_WORDS = phrase_pattern(FOLD_WORDS)
_PER = rf"{phrase_pattern(PER_WORDS)}\s*(?:1\s*)?"
_PER_MILLION = _PER + phrase_pattern(PER_MILLION_WORDS)
_PER_THOUSAND = _PER + phrase_pattern(PER_THOUSAND_WORDS)
_MONEY = rf"\$\s?{NUM}\s*{phrase_pattern(MONEY_SCALES)}?\b"
_COST_WORDS = r"(?:cheaper|less\s+expensive|more\s+expensive|pricier|less\s+than|lower|reduction|cut|drop|fall|fell|decline|inflat\w*|costs?|price[sd]?|pricing|rates?)"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# Pieces of the chained patterns below (``A[^.]*B`` read by ``_in_order``, never by one regex).
_MONEY_RX = _rx(_MONEY)
_FOLD_NUM = _rx(r"\d\s*(?:x|×|-fold|fold)\b")
_FOLD_NUM_SHORT = _rx(r"\d\s*(?:x|×|-fold)\b")
_COST_RX = _rx(_COST_WORDS)
_MONTHLY_WORDS = _rx(r"\b(?:monthly|per\s+month|a\s+month)\b")
_MONTH_MARKS = _rx(r"/\s*mo\b|/\s*month|per\s+month|a\s+month|monthly")
_EQUALS_MONEY = _rx(rf"(?:≈|~=|=)\s*{_MONEY}")
_PER_PERSON = _rx(
    r"\bper\s+(?:\w+\s+){0,2}(?:user|seat|conversation|session|request|call|query|subscriber|developer)\b"
)
_MONEY_RANGE = _rx(rf"{_MONEY}(?:\s*{DASH}\s*{_MONEY})?")
_PER_WHOM = _rx(
    r"\b(?:per|a|/|for\s+every|each)\s*(?:\w+\s+){0,3}"
    r"(?:user|subscriber|seat|developer|conversation|session|request|call|query)\b"
)


def _in_order(text: str, parts: Sequence[re.Pattern[str]], stops: str) -> bool:
    """Whether ``parts`` match one after another with no character of ``stops`` between two of
    them: what ``A[^.]*B[^.]*C`` says, in linear time.

    One regex of that shape backtracks from every start of A over the rest of the sentence
    (34-60 s on a 9 KB hostile input, issue 18); here each part is searched once per stretch
    between stops, from the first match of the part before (the earliest match leaves the
    most room for the rest), and a start of A in a stretch already tried is skipped.
    """
    stop = re.compile("[" + re.escape(stops) + "]")

    def stretch_end(pos: int) -> int:
        found = stop.search(text, pos)
        return found.start() if found is not None else len(text)

    tried = -1
    for first in parts[0].finditer(text):
        limit = stretch_end(first.end())
        if limit == tried:
            continue
        tried = limit
        pos, found_all = first.end(), True
        for part in parts[1:]:
            # A part may run past a stop it starts before ("$1.50"): a little slack.
            found = part.search(text, pos, min(len(text), limit + 64))
            if found is None or found.start() > limit:
                found_all = False
                break
            pos, limit = found.end(), stretch_end(found.end())
        if found_all:
            return True
    return False


_CLAIM_LIKE = (
    re.compile(rf"{_MONEY}\s*(?:{_PER_MILLION}|{_PER_THOUSAND})", re.I),
    re.compile(rf"{_MONEY}\s*/\s*{_MONEY}", re.I),
    re.compile(r"%\s+of\s+(?:the\s+)?(?:[\w']+\s+){0,3}(?:costs?|price|pricing|rates?|spend)\b", re.I),
    re.compile(
        rf"{_MONEY}(?:\s*(?:{DASH})\s*{_MONEY})?\s*(?:/|per|a|an|each|every)\s*(?:\w+\s+){{0,2}}"
        r"(?:month|mo|day|year|user|seat|request|call|query|conversation|session|subscriber|developer|dev)\b",
        re.I,
    ),
    re.compile(
        rf"{_MONEY}\s+(?:for|per)\s+(?:every|each)\s+(?:[\w-]+\s+){{0,3}}(?:user|subscriber|developer)", re.I
    ),
    re.compile(r"\d\s*%\s*\+?\s*(?:a\s+year|per\s+year|annually|each\s+year|every\s+year|yearly)", re.I),
    re.compile(r"\d\s*(?:x|×|-fold|fold)\s+(?:cost\s+|price\s+)?(?:reduction|drop|decline|fall)", re.I),
)
# (parts, stops): each is ``parts[0][^stops]*parts[1]...`` read by ``_in_order``.
_CLAIM_LIKE_CHAINS: tuple[tuple[tuple[re.Pattern[str], ...], str], ...] = (
    # "3x cheaper", "costs fell 10x" (on one line)
    ((_FOLD_NUM, _COST_RX), "\n"),
    ((_COST_RX, _FOLD_NUM_SHORT), "\n"),
    ((_MONEY_RX, _MONTHLY_WORDS), "."),
    ((_MONEY_RX, _EQUALS_MONEY), ".;"),
    ((_PER_PERSON, _MONEY_RX), ".$"),
    ((_rx(r"\b(?:fell|fallen|dropped|declined)\b"), _rx(rf"\d\s*{_FOLD_WORDS}")), "."),
    ((_rx(r"\binput\b"), _rx(r"\boutput\b"), _rx(r"\bcosts?\b"), _MONEY_RX), "."),
    (
        (
            _rx(r"\b(?:cut|cuts|reduc\w*|lower\w*|slash\w*|sav\w*)\b"),
            _rx(r"\b(?:costs?|price|bill|spend)\b"),
            _rx(r"\bby\s+(?:up\s+to\s+|about\s+|roughly\s+)?\d+(?:\.\d+)?\s*%"),
        ),
        ".",
    ),
)


def is_claim_like(text: str) -> bool:
    """True when a sentence has the shape of a checkable claim about prices or costs.

    Every sentence in one of the forms `check` reads is one (``claim_grammar.match_form``),
    whatever the article patterns below say.
    """
    return (
        any(pattern.search(text) for pattern in _CLAIM_LIKE)
        or any(_in_order(text, parts, stops) for parts, stops in _CLAIM_LIKE_CHAINS)
        or is_thesis_like(text)
        or is_since_fold(text)
        or match_form(text) is not None
    )


# ----------------------------------------------------------------------------- context


@dataclass
class _Context:
    """What the article has said so far that later sentences lean on."""

    mentions: list[str] = field(default_factory=list)  # model ids, oldest first
    list_provider: str | None = None  # "... on OpenRouter:" for the list that follows
    list_profile: Profile | None = None  # "... 500 input and 800 output tokens:" for the list that follows
    quoted: list[tuple[str, str | None]] = field(default_factory=list)  # (model, provider) priced so far
    peers: Sequence[PeerGroup] = ()  # which open models are compared with which closed model
    paragraph: int = -1  # the paragraph being read
    in_paragraph: list[str] = field(default_factory=list)  # models named in it so far
    # (paragraph, field, per-thousand scale) of the last one-field price: "X costs $0.28 per million
    # input tokens. Y costs $3.00." carries its unit to the next sentences of the paragraph
    carried: tuple[int, str, Decimal] | None = None

    def last_model(
        self, maker: str | None = None, facts: Mapping[str, ModelFacts] | None = None
    ) -> str | None:
        if maker is None:  # "the model", "it": the model named last in this paragraph
            return self.in_paragraph[-1] if self.in_paragraph else None
        for model in reversed(self.mentions):
            fact = (facts or {}).get(model)
            if fact is not None and maker in fact.makers:
                return model
        return None

    def model_by_word(self, word: str, facts: Mapping[str, ModelFacts]) -> str | None:
        """The last model mentioned whose name contains ``word`` ("Opus" -> Claude Opus 4.6)."""
        for model in reversed(self.mentions):
            name = facts[model].name if model in facts else model
            if re.search(rf"(?i)\b{re.escape(word)}\b", name):
                return model
        return None


class _Skip(Exception):
    """An extractor saw its kind of claim but could not read it; the message says why."""


def _providers(text: str, names: Names) -> list[tuple[int, str]]:
    """Providers named in a text (capitalised words only: "together" is also an English word)."""
    found = []
    for match in re.finditer(r"\b[A-Z][A-Za-z0-9.]*(?:\s+(?:AI|Cloud|Studio|Bedrock))?", text):
        provider = names.resolve_provider(match.group(0)) or names.resolve_provider(match.group(0).split()[0])
        if provider is not None:
            found.append((match.start(), provider))
    return found


def _strip_asides(text: str) -> str:
    """Parenthetical asides blanked out (same length, so positions still match)."""
    return re.sub(r"\([^)]*\)", lambda m: " " * len(m.group(0)), text)


_GENERIC_SUBJECT = re.compile(
    r"(?i)\b(?:they|these|those|comparable|similar|open[- ]weights?|open[- ]source|competing|"
    r"alternative|other)\b[^.]*?\bmodels?\b|\bthey\b|\bthese\s+providers\b"
)


# ----------------------------------------------------------------------------- extractors

_PRICE_PAIR = re.compile(
    rf"\$\s?(?P<a>{NUM})\s*(?:input\s*)?/\s*\$\s?(?P<b>{NUM})\s*(?:output\s*)?"
    rf"(?P<unit>{_PER_MILLION}(?:\s+tokens)?|{_PER_THOUSAND}(?:\s+tokens)?)?",
    re.I,
)
_PRICE_ONE = re.compile(
    rf"\$\s?(?P<v>{NUM})\s*(?P<unit>{_PER_MILLION}|{_PER_THOUSAND})"
    r"(?:\s+(?P<f1>input|output|prompt|completion|cached\s+input|cache[- ]?reads?|cache[- ]?writes?|cached)"
    r"(?:\s+tokens?)?)?(?:\s+tokens?)?(?:\s+(?:for|of|on)\s+(?P<f2>input|output|cache[- ]?reads?|cached\s+input)\b)?",
    re.I,
)
#: "$0.40–" right before a price: the price is the high end of a range.
_RANGE_BEFORE = re.compile(rf"\$\s?{NUM}\s*(?:-|–|—|\bto\b)\s*$")
_FIELD_WORDS = (
    (re.compile(r"(?i)cache[- ]?reads?|cached(?:\s+input)?|cache\s+hits?"), "cache_read"),
    (re.compile(r"(?i)cache[- ]?writes?"), "cache_write"),
    (re.compile(r"(?i)\b(?:input|prompt)\b"), "input"),
    (re.compile(r"(?i)\b(?:output|completion)\b"), "output"),
)


def _field_of(words: str | None) -> str | None:
    if not words:
        return None
    for pattern, name in _FIELD_WORDS:
        if pattern.search(words):
            return name
    return None


@dataclass
class _PriceMention:
    start: int
    end: int
    values: dict[str, Decimal]
    field_known: bool
    model: str | None = None
    provider: str | None = None
    contrast: bool = False  # "vs", "while": this price is set against the one before


_HOST_AFTER = re.compile(r"(?i)\s*(?:on|at|via|from|through)\s+([A-Z][\w.]*(?:\s+AI)?)")


def _scale(unit: str | None) -> Decimal:
    return (
        Decimal(1000)
        if unit and re.fullmatch(_PER_THOUSAND + r"(?:\s+tokens)?", unit.strip(), re.I)
        else Decimal(1)
    )


def _model_near(
    text: str,
    names: Names,
    ctx: _Context,
    facts: Mapping[str, ModelFacts],
    providers: list[tuple[int, str]],
) -> str | None:
    """The model a stretch of text names: a mention, "the model" / "it", or "<maker>'s"."""
    mentions = find_models(_strip_asides(text), names)
    if mentions:
        return mentions[-1].model
    for _, provider in reversed(providers):
        model = ctx.last_model(provider, facts)
        if model is not None and re.search(r"(?i)'s\b", text):
            return model
    if re.search(r"(?i)\b(?:the|this|that)\s+model\b|\bit\b", text):
        return ctx.last_model()
    return None


def _extract_prices(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> list[Claim]:
    text = unit.text
    mentions: list[_PriceMention] = []
    taken: list[tuple[int, int]] = []
    for match in _PRICE_PAIR.finditer(text):
        # "$3/$15" with no unit: the convention is input/output per million tokens
        scale = _scale(match.group("unit"))
        mentions.append(
            _PriceMention(
                match.start(),
                match.end(),
                {
                    "input": parse_number(match.group("a")) * scale,
                    "output": parse_number(match.group("b")) * scale,
                },
                True,
            )
        )
        taken.append(match.span())
    for match in _PRICE_ONE.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        if _RANGE_BEFORE.search(text, 0, match.start()):
            raise _Skip(
                "a price range per million tokens: a model's price at a host is one figure "
                "(ranges are read in period tables and monthly costs)"
            )
        field_name = _field_of(match.group("f1")) or _field_of(match.group("f2"))
        value = parse_number(match.group("v")) * _scale(match.group("unit"))
        mentions.append(
            _PriceMention(match.start(), match.end(), {field_name or "?": value}, field_name is not None)
        )
    if not mentions:
        return []
    mentions.sort(key=lambda m: m.start)
    # Fields, models and providers from the words around each mention.
    previous_end = 0
    for index, mention in enumerate(mentions):
        left = text[previous_end : mention.start]
        following = mentions[index + 1].start if index + 1 < len(mentions) else len(text)
        right = text[mention.end : following]
        contrast = bool(re.search(r"(?i)\b(?:vs\.?|versus|compared\s+(?:to|with)|while|whereas)\b", left))
        if not mention.field_known:
            field_name = _field_of(left) or _field_of(text[: mention.start] if index == 0 else None)
            if field_name is None and index > 0:
                field_name = next(iter(mentions[index - 1].values))  # "$0.07 vs $0.50": like for like
            if field_name is None or field_name == "?":
                raise _Skip("a price that does not say whether it is for input or output tokens")
            mention.values = {field_name: mention.values["?"]}
        mention.contrast = contrast
        # providers named before the price, not the maker's word inside a model's name ("DeepSeek V3.2")
        named_left = find_models(_strip_asides(left), names)
        providers = [
            (at, provider)
            for at, provider in _providers(_strip_asides(left), names)
            if not any(m.start <= at < m.end for m in named_left)
        ]
        # "... for Claude Opus 4.6": a model right after the price (not one further on)
        after = re.match(r"(?i)\s*(?:for|on|with)\s+", right)
        named_after = find_models(right[after.end() :], names) if after else []
        if named_after and named_after[0].start == 0:
            mention.model = named_after[0].model
        else:
            mention.model = _model_near(left, names, ctx, facts, providers)
        # "$0.45 per million input tokens on DeepInfra": the host right after the price is this price's
        on = None if named_after and named_after[0].start == 0 else _HOST_AFTER.match(right)
        host = names.resolve_provider(on.group(1)) if on else None
        if mention.model is None and index > 0 and not contrast:
            mention.model = mentions[index - 1].model
        mention.provider = host or (providers[-1][1] if providers else None)
        if (
            mention.provider is None
            and index > 0
            and not contrast
            and mention.model == mentions[index - 1].model
        ):
            mention.provider = mentions[index - 1].provider  # a host is carried within one model only
        previous_end = mention.end + (on.end() if on and host else 0)
    # "$5 per million input tokens and $25 per million output tokens for Opus 4.6": the model
    # named after the last price belongs to the earlier ones too.
    for index in range(len(mentions) - 2, -1, -1):
        mention, following_mention = mentions[index], mentions[index + 1]
        if mention.model is None:
            mention.model = following_mention.model
        if (
            mention.provider is None
            and mention.model == following_mention.model
            and not following_mention.contrast
        ):
            mention.provider = following_mention.provider
    # "Anthropic charges $5 per million input tokens and $25 per million output tokens for Opus
    # 4.6": a host named before one model's first price is that model's for the prices after it.
    for index in range(1, len(mentions)):
        mention, before = mentions[index], mentions[index - 1]
        if mention.provider is None and not mention.contrast and mention.model == before.model:
            mention.provider = before.provider
    claims: list[Claim] = []
    groups: dict[tuple[str | None, str | None], dict[str, Decimal]] = {}
    for mention in mentions:
        if mention.model is None:
            raise _Skip("a price per million tokens that names no model")
        provider = mention.provider or (ctx.list_provider if unit.kind == "list item" else None)
        groups.setdefault((mention.model, provider), {}).update(mention.values)
    for (model, provider), values in groups.items():
        claims.append(PriceClaim(text=unit.text, model=model, provider=provider, **values))  # type: ignore[arg-type]
        if "input" in values and "output" in values:
            ctx.quoted.append((model, provider))  # type: ignore[arg-type]
    return claims


_TIMES = re.compile(
    rf"(?P<n>{NUM})(?:{DASH}(?P<n2>{NUM}))?\s*(?:x|×|times)\s+"
    rf"(?P<dir>{phrase_pattern((*CHEAPER_WORDS, 'lower', *DEARER_WORDS))})\s+than\s+(?P<rest>[^.;]+)",
    re.I,
)
_SHARE = re.compile(
    rf"(?P<p>{NUM})(?:{DASH}(?P<p2>{NUM}))?\s*%\s+of\s+(?P<rest>(?:the\s+)?(?:[\w'.-]+\s+){{0,4}}?)"
    r"(?:api\s+|retail\s+|list\s+)*(?P<what>costs?|price|pricing|rates?|spend)\b",
    re.I,
)


def _side_b(
    rest: str, names: Names, ctx: _Context, facts, unit_text: str, a_models: Sequence[str]
) -> str | None:
    """The model a ratio compares against: named, "<maker>'s", or the other model of the sentence."""
    mentions = find_models(rest, names)
    if mentions:
        return mentions[0].model
    for _, provider in _providers(rest, names):
        model = ctx.last_model(provider, facts)
        if model is not None:
            return model
    for word in re.findall(r"[A-Z][A-Za-z]+", rest):
        model = ctx.model_by_word(word, facts)
        if model is not None and model not in a_models:
            return model
    others = [m.model for m in find_models(unit_text, names) if m.model not in a_models]
    if others:
        return others[-1]
    return None


def _side_a(
    before: str, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts], b: str
) -> list[tuple[str, str | None]]:
    """The model(s) a ratio is about: named before the figure, or the open-weight models quoted earlier."""
    mentions = [m for m in find_models(_strip_asides(before), names) if m.model != b]
    if mentions:
        providers = _providers(before, names)
        return [(mentions[-1].model, providers[-1][1] if providers else None)]
    if _GENERIC_SUBJECT.search(before):
        quoted = [
            (model, provider)
            for model, provider in dict.fromkeys(ctx.quoted)
            if model != b and model in facts and facts[model].open_weights
        ]
        if quoted:
            return quoted
        raise _Skip("a ratio whose subject ('comparable models' or similar) names no model quoted before it")
    return []


def _extract_ratios(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> list[Claim]:
    text = unit.text
    claims: list[Claim] = []
    for match in _TIMES.finditer(text):
        low, high = match.group("n"), match.group("n2")
        figure = (
            Figure.point(parse_number(low))
            if not high
            else Figure.span(parse_number(low), parse_number(high))
        )
        before = text[: match.start()]
        first = find_models(_strip_asides(before), names)
        b = _side_b(match.group("rest"), names, ctx, facts, text, [m.model for m in first])
        if b is None:
            raise _Skip("'N x cheaper than' something that is not a model with a price")
        sides = _side_a(before, names, ctx, facts, b)
        if not sides:
            raise _Skip("'N x cheaper' with no model named as the cheaper one")
        swap = re.fullmatch(rf"(?i){phrase_pattern(DEARER_WORDS)}", match.group("dir"))
        for a, provider in sides:
            ref_a, ref_b = PriceRef(model=a, provider=provider), PriceRef(model=b)
            if swap:
                ref_a, ref_b = ref_b, ref_a
            claims.append(RatioClaim(text=text, a=ref_a, b=ref_b, form="times_cheaper", claimed=figure))
    for match in _SHARE.finditer(text):
        low, high = match.group("p"), match.group("p2")
        figure = (
            Figure.point(parse_number(low))
            if not high
            else Figure.span(parse_number(low), parse_number(high))
        )
        before = text[: match.start()]
        first = find_models(_strip_asides(before), names)
        b = _side_b(match.group("rest"), names, ctx, facts, text, [m.model for m in first])
        if b is None:
            raise _Skip("'P% of the cost' of something that is not a model with a price")
        sides = _side_a(before, names, ctx, facts, b)
        if not sides:
            raise _Skip("'P% of the cost' with no model named as the cheaper one")
        for a, provider in sides:
            claims.append(
                RatioClaim(
                    text=text,
                    a=PriceRef(model=a, provider=provider),
                    b=PriceRef(model=b),
                    form="percent_of",
                    claimed=figure,
                )
            )
    return claims


_CACHE_CUT = re.compile(
    rf"(?i)\bcach\w*\b[^.]*?\b(?:cut|cuts|reduce|reduces|lower|lowers|slash|slashes|save|saves)\b[^.]*?"
    rf"\bby\s+(?:up\s+to\s+|about\s+|roughly\s+|~\s*)?(?P<p>{NUM})\s*%"
)
_QUALITY = re.compile(
    rf"(?i)(?P<p>{NUM})\s*%\s+of\s+(?P<b>[\w .-]+?)(?:'s)?\s+(?:quality|performance|capability|intelligence)\b"
)


def _extract_cache_cut(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> list[Claim]:
    match = _CACHE_CUT.search(unit.text)
    if not match:
        return []
    mentions = find_models(unit.text, names)
    model = mentions[0].model if mentions else ctx.last_model()
    if model is None:
        raise _Skip("a cache saving that names no model (and none was mentioned before)")
    ref = PriceRef(model=model)
    return [
        RatioClaim(
            text=unit.text,
            a=ref,
            b=ref,
            a_price="cache_read",
            b_price="input",
            form="percent_cheaper",
            claimed=Figure.point(parse_number(match.group("p"))),
        )
    ]


def _extract_quality(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> list[Claim]:
    match = _QUALITY.search(unit.text)
    if not match:
        return []
    before = find_models(_strip_asides(unit.text[: match.start()]), names)
    if not before:
        return []
    a = before[-1].model
    b = _side_b(match.group("b"), names, ctx, facts, unit.text, [a])
    if b is None:
        return []
    return [CapabilityClaim(text=unit.text, a=a, b=b, claimed=Figure.point(parse_number(match.group("p"))))]


_TOKENS_PER_DAY = re.compile(
    rf"(?i)(?P<t1>{NUM})(?:{DASH}(?P<t2>{NUM}))?\s*(?P<scale>{SCALE})?\s+tokens\s+(?:per|a|/|each)\s*(?P<period>day|month)"
)
_HIT = re.compile(rf"(?i)(?P<h>{NUM})\s*%\s+cache[- ]hit")
_SPLIT = re.compile(rf"(?i)(?P<a>{NUM})\s*/\s*(?P<b>{NUM})\s+input\s*/\s*output")
_MONTHLY = re.compile(
    rf"(?i)\$\s?(?P<x>{NUM})\s*(?P<xs>k|K)?(?:{DASH}\$?\s?(?P<y>{NUM})\s*(?P<ys>k|K)?)?\s*"
    r"(?:/|per|a|each)\s*(?P<per>month|mo|day)\b"
)


def _extract_workload(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> list[Claim]:
    volume = _TOKENS_PER_DAY.search(unit.text)
    cost = _MONTHLY.search(unit.text)
    if not volume or not cost:
        return []
    split = _SPLIT.search(unit.text)
    if not split:
        raise _Skip("a monthly cost of a token volume with no input/output split")
    mentions = find_models(unit.text, names)
    model = mentions[-1].model if mentions else ctx.last_model()
    if model is None:
        raise _Skip("a workload cost that names no model (and none was mentioned before)")
    scale = Decimal(1) if not volume.group("scale") else Decimal(_scale_word(volume.group("scale")))
    t1 = parse_number(volume.group("t1")) * scale
    tokens = (
        Figure.point(t1)
        if not volume.group("t2")
        else Figure.span(t1, parse_number(volume.group("t2")) * scale)
    )

    def money(number: str, k: str | None) -> Decimal:
        return parse_number(number) * (1000 if k else 1)

    x = money(cost.group("x"), cost.group("xs"))
    claimed = (
        Figure.point(x) if not cost.group("y") else Figure.span(x, money(cost.group("y"), cost.group("ys")))
    )
    hit = _HIT.search(unit.text)
    return list(
        workload_readings(
            unit.text,
            model,
            tokens,
            volume.group("period").lower(),
            parse_number(hit.group("h")) if hit else Decimal(0),
            (parse_number(split.group("a")), parse_number(split.group("b"))),
            claimed,
            "day" if cost.group("per").lower() == "day" else "month",
        )
    )


def _scale_word(word: str) -> int:
    return int(SCALES[word.lower()])


_REQUEST = re.compile(
    rf"(?i)(?P<i>{NUM})\s*(?P<is>{SCALE})?\s+input(?:\s+tokens)?\s*(?:,|and|\+|plus)\s*"
    rf"(?P<o>{NUM})\s*(?P<os>{SCALE})?\s+output(?:\s+tokens)?"
)


def _tokens(number: str, scale: str | None) -> int:
    return int(parse_number(number) * (_scale_word(scale) if scale else 1))


def _extract_request(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> list[Claim]:
    if unit.kind == "table row":
        return []
    match = _REQUEST.search(unit.text)
    if not match:
        return []
    claims: list[Claim] = []
    rest = unit.text[match.end() :]
    # "...: Opus 4.6 $7.50, Sonnet 4.6 $4.50" or "cost $7.50 on Opus 4.6"
    pairs = re.findall(rf"([A-Za-z][\w .-]*?)\s*[:=]?\s*{_group_money()}", rest)
    for words, amount in pairs:
        mentions = find_models(words, names)
        if mentions:
            claims.append(
                _request_claim(unit.text, mentions[-1].model, match, Decimal(amount.replace(",", "")))
            )
    if not claims:
        amount_match = re.search(rf"\$\s?({NUM})", rest)
        mentions = find_models(rest, names)
        if amount_match and mentions:
            claims.append(
                _request_claim(
                    unit.text, mentions[0].model, match, Decimal(amount_match.group(1).replace(",", ""))
                )
            )
    if not claims:
        raise _Skip("a request cost with no model and amount after the token counts")
    return claims


def _group_money() -> str:
    return rf"\$\s?({NUM})"


def _request_claim(text: str, model: str, match: re.Match[str], amount: Decimal) -> RequestCostClaim:
    return RequestCostClaim(
        text=text,
        model=model,
        input_tokens=_tokens(match.group("i"), match.group("is")),
        output_tokens=_tokens(match.group("o"), match.group("os")),
        claimed=Figure.point(amount),
    )


def _extract_period_row(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> list[Claim]:
    """ "2023 | GPT-4 level | $30-60 per M output": the cheapest price at that level in that period."""
    if unit.kind != "table row" or not unit.cells or not is_period_table(unit.header):
        return []

    def first_model(text: str) -> str | None:
        mentions = find_models(_strip_asides(text), names)
        return mentions[0].model if mentions else None

    try:
        claim = period_row_claim(unit.text, unit.header, unit.cells, first_model)
    except ValueError as problem:
        raise _Skip(str(problem)) from None
    return [claim] if claim is not None else []


def _resolve_cell(cell: str, names: Names) -> str | None:
    """The model a header cell names whole, else None."""
    try:
        model, _ = resolve_model_and_host(cell, names)
    except (ClaimError, UnknownModelError):
        return None
    return model


def _extract_table_row(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> list[Claim]:
    if unit.kind != "table row" or not unit.cells or is_period_table(unit.header):
        return []
    mentions = find_models(unit.cells[0], names)
    if not mentions:
        columns = column_models(unit.header, lambda cell: _resolve_cell(cell, names))
        if columns:  # the models are the column headers ("| Input Pricing | $0.15 | $1.25 |")
            by_column, reason = column_row_claims(unit.text, unit.cells, columns, _field_of)
            if reason is not None:
                raise _Skip(reason)
            return by_column
        if any("$" in cell for cell in unit.cells):
            raise _Skip(f"a table row whose first cell ({unit.cells[0]!r}) names no model in the catalog")
        return []
    model = mentions[0].model
    prices: dict[str, Decimal] = {}
    claims: list[Claim] = []
    for head, cell in zip(unit.header, unit.cells, strict=False):
        amount = re.search(rf"\$\s?({NUM})", cell)
        if not amount:
            continue
        value = parse_number(amount.group(1))
        request = _REQUEST.search(head)
        if request:
            claims.append(_request_claim(unit.text, model, request, value))
            continue
        field_name = _field_of(head)
        if field_name is not None:
            per_thousand = re.search(r"(?i)\b(?:1k|per\s+k|/\s*k|thousand)\b", head)
            prices[field_name] = value * (1000 if per_thousand else 1)
    if prices:
        try:
            host = row_provider(unit.header, unit.cells, names.resolve_provider)
        except ValueError as problem:
            raise _Skip(str(problem)) from None
        claims.append(PriceClaim(text=unit.text, model=model, provider=host, **prices))  # type: ignore[arg-type]
        ctx.quoted.append((model, host))
    if not claims and any("$" in cell for cell in unit.cells):
        raise _Skip("a table row whose column headers say neither a price field nor a token count")
    return claims


# Words before a claimed figure ("about", "at least", "up to"): the grammar's (claim_words.bounded).
_BOUND = phrase_pattern((*APPROX, *AT_LEAST_WORDS, *AT_MOST_WORDS))
_FOLD = re.compile(
    rf"(?i)(?:(?P<q1>{_BOUND})\s*)?(?P<n>{NUM})(?:{DASH}(?P<n2>{NUM}))?\s*{_FOLD_WORDS}\s+"
    rf"(?:(?:cost|price)\s+)?(?:reduction|drop|decline|fall|decrease|cheaper)\s+"
    rf"(?:in|over|within)\s+(?:the\s+(?:last|past)\s+)?(?P<y>{NUM_OR_WORD})\s+years?"
    rf"|\b(?:fell|dropped|declined|fallen|come\s+down)\s+(?:by\s+)?(?:(?P<q2>{_BOUND})\s*)?"
    rf"(?P<m>{NUM})(?:{DASH}(?P<m2>{NUM}))?\s*{_FOLD_WORDS}\s+(?:in|over|within)\s+"
    rf"(?:the\s+(?:last|past)\s+)?(?P<z>{NUM_OR_WORD})\s+years?"
)
# A fold over a stated period: "a 50-100x cost reduction from early 2024 to early 2026",
# "prices fell 10x between 2023 and 2025", "... since mid-2023" (analysis.claim_time).
_POINT_IN_TIME = rf"(?:{phrase_pattern(PERIOD_PARTS)}\s*)?(?:19|20)\d\d\b"
_FOLD_PERIOD = re.compile(
    rf"(?i)(?:(?:(?P<q1>{_BOUND})\s*)?(?P<n>{NUM})(?:{DASH}(?P<n2>{NUM}))?\s*{_FOLD_WORDS}\s+"
    rf"(?:(?:cost|price)\s+)?(?:reduction|drop|decline|fall|decrease|cheaper)"
    rf"|\b(?:fell|dropped|declined|fallen|come\s+down)\s+(?:by\s+)?(?:(?P<q2>{_BOUND})\s*)?"
    rf"(?P<m>{NUM})(?:{DASH}(?P<m2>{NUM}))?\s*{_FOLD_WORDS})\s+"
    rf"(?:from\s+(?P<a1>{_POINT_IN_TIME})\s+(?:to|until|through)\s+(?P<b1>{_POINT_IN_TIME})"
    rf"|between\s+(?P<a2>{_POINT_IN_TIME})\s+and\s+(?P<b2>{_POINT_IN_TIME})"
    rf"|since\s+(?P<a3>{_POINT_IN_TIME}))"
)
_PERCENT_YEAR = re.compile(
    rf"(?i)\b(?:fall|falls|falling|drop|drops|dropping|decline|declines|declining|shrinks?|shrinking|cheaper)\b"
    rf"\s+(?:by\s+)?(?:(?P<bound>{_BOUND})\s*)?(?P<p>{NUM})(?:{DASH}(?P<p2>{NUM}))?\s*%\s*(?P<plus>\+|or\s+more)?\s*"
    r"(?:a\s+year|per\s+year|annually|each\s+year|every\s+year|yearly|year[- ]over[- ]year)"
)


def _extract_trend(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> list[Claim]:
    claims: list[Claim] = []
    price: Literal["output", "blended"] = "output" if re.search(r"(?i)\boutput\b", unit.text) else "blended"
    for match in _FOLD.finditer(unit.text):
        low, high = match.group("n") or match.group("m"), match.group("n2") or match.group("m2")
        years = match.group("y") or match.group("z")
        claimed = bounded(
            Figure.point(parse_number(low))
            if not high
            else Figure.span(parse_number(low), parse_number(high)),
            match.group("q1") or match.group("q2"),
        )
        claims.append(
            TrendClaim(
                text=unit.text,
                form="fold_over_period",
                claimed=claimed,
                years=parse_number(years),
                price=price,
            )
        )
    for match in _FOLD_PERIOD.finditer(unit.text):
        low, high = match.group("n") or match.group("m"), match.group("n2") or match.group("m2")
        try:
            start, end = stated_period(
                match.group("a1") or match.group("a2") or match.group("a3"),
                match.group("b1") or match.group("b2"),
            )
        except ValueError as error:
            raise _Skip(f"a trend over a period that could not be read: {error}") from None
        claims.append(
            TrendClaim(
                text=unit.text,
                form="fold_over_period",
                claimed=bounded(
                    Figure.point(parse_number(low))
                    if not high
                    else Figure.span(parse_number(low), parse_number(high)),
                    match.group("q1") or match.group("q2"),
                ),
                start=start,
                end=end,
                price=price,
            )
        )
    for match in _PERCENT_YEAR.finditer(unit.text):
        low = parse_number(match.group("p"))
        if match.group("plus"):
            claimed = Figure(low=low, high=None)
        elif match.group("p2"):
            claimed = bounded(Figure.span(low, parse_number(match.group("p2"))), match.group("bound"))
        else:
            claimed = bounded(Figure.point(low), match.group("bound"))
        claims.append(TrendClaim(text=unit.text, form="percent_per_year", claimed=claimed, price=price))
    return claims


def _extract_since_fold(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> list[Claim]:
    """ "Since then ... at this level have come down by a factor of 62": since the model named before."""
    try:
        claim = since_fold_claim(unit.text, ctx.last_model(), facts)
    except ValueError as problem:
        raise _Skip(str(problem)) from None
    return [] if claim is None else [claim]


def _extract_profile_cost(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> list[Claim]:
    """ "- GPT-4o: $73/day" under an intro stating a daily profile: that volume's cost on the model."""
    if unit.kind != "list item" or ctx.list_profile is None:
        return []
    cost = read_profile_cost(unit.text, ctx.list_profile)
    if cost is None:
        return []
    mentions = find_models(_strip_asides(cost.model), names)
    if not mentions:
        raise _Skip(
            f"a cost of the list's usage profile on {cost.model!r}, which names no model in the catalog"
        )
    host = names.resolve_provider(cost.host) if cost.host else None
    return [
        RequestCostClaim(
            text=unit.text,
            model=mentions[0].model,
            provider=host,
            input_tokens=ctx.list_profile.input_tokens,
            output_tokens=ctx.list_profile.output_tokens,
            claimed=Figure.point(cost.usd),
        )
    ]


def _extract_thesis(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> list[Claim]:
    """ "Actual inference costs are about a tenth of retail": the quoted host prices against retail."""
    if find_models(_strip_asides(unit.text), names):
        return []
    claims, reason = read_thesis(
        unit.text, ctx.quoted, facts, ctx.peers, names.resolve_provider, ctx.mentions
    )
    if reason is not None:
        raise _Skip(reason)
    return claims


#: "Claude Sonnet 4.6 costs $3.00.": a price with no unit and no field, read with the unit of the
#: one-field price before it in the paragraph ("DeepSeek V3.2 costs $0.28 per million input tokens.").
_BARE_PRICE = re.compile(
    rf"(?i)^(?P<model>[^$:;]+?)\s+(?:costs|is\s+priced\s+at|charges|is)\s+(?:about\s+|roughly\s+|~\s*)?"
    rf"\$\s?(?P<v>{NUM})\s*[.!]?$"
)


def _extract_bare_price(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> list[Claim]:
    match = _BARE_PRICE.match(unit.text)
    if not match:
        return []
    try:
        model, host = resolve_model_and_host(match.group("model"), names)
    except (ClaimError, UnknownModelError):
        return []
    if ctx.carried is None or ctx.carried[0] != unit.paragraph:
        raise _Skip(
            "a price with no unit and no field ('per million input tokens'), and no price before it "
            "in the paragraph to take them from"
        )
    _, field_name, scale = ctx.carried
    value = parse_number(match.group("v")) * scale
    return [PriceClaim(text=unit.text, model=model, provider=host, **{field_name: value})]  # type: ignore[arg-type]


def _carry_unit(unit: TextUnit, claims: Sequence[Claim], ctx: _Context) -> None:
    """The field and unit of a one-field price, for the bare prices after it in the paragraph."""
    for claim in claims:
        if not isinstance(claim, PriceClaim) or claim.text != unit.text:
            continue
        fields = [
            name
            for name in ("input", "output", "cache_read", "cache_write")
            if getattr(claim, name) is not None
        ]
        if len(fields) == 1:
            per_thousand = re.search(_PER_THOUSAND, unit.text, re.I) and not re.search(
                _PER_MILLION, unit.text, re.I
            )
            ctx.carried = (unit.paragraph, fields[0], Decimal(1000) if per_thousand else Decimal(1))
        elif fields:
            ctx.carried = None


_EXTRACTORS = (
    _extract_period_row,
    _extract_table_row,
    _extract_workload,
    _extract_request,
    _extract_trend,
    _extract_since_fold,
    _extract_profile_cost,
    _extract_cache_cut,
    _extract_quality,
    _extract_ratios,
    _extract_thesis,
    _extract_bare_price,
    _extract_prices,
)


# ----------------------------------------------------------------------------- reasons


def _reason(text: str) -> str:
    """Why a claim-like sentence yields nothing checkable, from its shape."""
    if _in_order(text, (_MONEY_RANGE, _PER_WHOM), ".") or re.search(
        r"(?i)\bper\s+(?:\w+\s+){0,2}(?:user|seat|conversation|session|request|call|query)\b", text
    ):
        return "a cost per user, conversation or request with no token counts or per-token price to check"
    if _in_order(text, (_MONEY_RX, _EQUALS_MONEY), ".;"):
        return "an estimate derived from another figure, with no token counts or per-token price to check"
    if _in_order(text, (_MONEY_RX, _MONTH_MARKS), "."):
        return "a monthly figure (a plan price, spend or loss) with no token volume behind it to price"
    if re.search(r"(?i)\d\s*(?:x|×|-fold|fold)\b", text):
        return "a multiple that names no two models or prices to compare"
    if re.search(r"(?i)%\s+of", text):
        return "a share of a cost that names no model with a price"
    return "no model, token count and price could be read in it"


# ----------------------------------------------------------------------------- finding


@dataclass(frozen=True)
class _Found:
    unit: TextUnit
    claims: tuple[Claim, ...]
    combine: Literal["all", "any"]


def _dedupe(claims: Iterable[Claim]) -> tuple[Claim, ...]:
    seen: dict[str, Claim] = {}
    for claim in claims:
        seen.setdefault(claim.to_json(), claim)
    return tuple(seen.values())


def _update_context(unit: TextUnit, names: Names, ctx: _Context, mentions: Sequence[ModelMention]) -> None:
    ctx.mentions.extend(m.model for m in mentions)
    ctx.in_paragraph.extend(m.model for m in mentions)
    if unit.kind != "list item":
        ctx.list_provider = None
        ctx.list_profile = read_profile(unit.text) if unit.text.endswith(":") else None
        if unit.text.endswith(":"):
            providers = _providers(unit.text, names)
            if providers:
                ctx.list_provider = providers[-1][1]


def find_claims(
    text: str,
    names: Names,
    facts: Mapping[str, ModelFacts],
    named: list[tuple[int, str, list[str]]] | None = None,
    *,
    peers: Sequence[PeerGroup] = (),
) -> tuple[list[_Found], list[UnparsedClaim]]:
    """The claims an article makes (each with its unit) and the claim-like units it could not read.

    ``peers`` (data/peer_groups.toml) say which quoted open models a thesis compares with which
    closed model ("a markup of over 10 times"); without them every quoted open model is.
    ``named``, when given, receives each unit's line, text and the models it names.
    """
    ctx = _Context(peers=peers)
    figures = ArticleFigures()  # the article's own figures so far, for arithmetic on them
    found: list[_Found] = []
    unparsed: list[UnparsedClaim] = []
    for unit in split_units(text):
        if len(unit.text) > MAX_CLAIM_CHARS:
            # Not read: no real claim is this long, and the patterns' work grows with it.
            quote = unit.text[:120] + "…"
            why = str(ClaimTooLongError("this unit", len(unit.text), MAX_CLAIM_CHARS))
            unparsed.append(UnparsedClaim(quote=quote, line=unit.line, unit=unit.kind, reason=why))
            continue
        if unit.paragraph != ctx.paragraph:
            ctx.paragraph, ctx.in_paragraph = unit.paragraph, []
        mentions = find_models(unit.text, names)
        if named is not None:
            named.append((unit.line, unit.text, [m.model for m in mentions]))
        claim_like = (
            is_claim_like(unit.text)
            or (unit.kind == "table row" and "$" in unit.text)
            or _BARE_PRICE.match(unit.text) is not None
        )
        if claim_like:
            claims, combine, reason = _read(unit, names, ctx, facts)
            _carry_unit(unit, claims, ctx)
            refusals = [r for r in (impossible(c) for c in claims) if r is not None]
            if refusals:  # no price can make it true: refused with the reason, as `check` does
                claims, reason = (), f"refused: {refusals[0]}"
            else:
                claims, combine = _with_arithmetic(unit, figures, claims, combine)
            if claims:
                found.append(_Found(unit, claims, combine))
            else:
                unparsed.append(UnparsedClaim(quote=unit.text, line=unit.line, unit=unit.kind, reason=reason))
        else:  # arithmetic on figures stated before, in words no price pattern looks for
            claims, combine = _with_arithmetic(unit, figures, (), "all")
            if claims:
                found.append(_Found(unit, claims, combine))
        _update_context(unit, names, ctx, mentions)
        figures.add(unit.text, unit.line, unit.header, unit.cells)
    return found, unparsed


def _with_arithmetic(
    unit: TextUnit, figures: ArticleFigures, claims: tuple[Claim, ...], combine: Literal["all", "any"]
) -> tuple[tuple[Claim, ...], Literal["all", "any"]]:
    """A unit's claims with its arithmetic on figures the article stated before
    (analysis/claim_arithmetic.py), beside whatever else it reads (a table row's prices, a
    thesis checked against prices)."""
    derived, alternatives = derived_claims(unit.text, unit.line, figures, unit.header, unit.cells)
    if not derived:
        return claims, combine
    if not claims:
        return derived, "any" if alternatives else "all"
    return claims + derived, combine


def _at_list_provider(claim: Claim, unit: TextUnit, ctx: _Context) -> Claim:
    """A price in a list introduced by "... on <provider>:" that names no provider is at that provider."""
    if (
        isinstance(claim, PriceClaim)
        and claim.provider is None
        and unit.kind == "list item"
        and ctx.list_provider
    ):
        return dataclasses.replace(claim, provider=ctx.list_provider)
    return claim


def _read_with_short_names(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> tuple[tuple[Claim, ...], Literal["all", "any"], str] | None:
    """The check form read with the article's short names bound (``analysis.scan_names``), else None."""
    if not ctx.mentions:
        return None
    try:
        parsed = parse_claim(unit.text, with_article_names(names, ctx.mentions, facts), explain=False)
    except (ClaimError, UnknownModelError):
        return None
    bound = tuple(_at_list_provider(claim, unit, ctx) for claim in parsed.claims)
    return bound, parsed.combine, ""


def _best_arithmetic(readings: Sequence[Claim]) -> Claim:
    """The reading of a sentence's own arithmetic that holds (the first when none does)."""
    for claim in readings:
        if evaluate(claim, [], {}, "2000-01-01T00:00:00Z", history=False).verdict == "holds":
            return claim
    return readings[0]


def _read(
    unit: TextUnit, names: Names, ctx: _Context, facts: Mapping[str, ModelFacts]
) -> tuple[tuple[Claim, ...], Literal["all", "any"], str]:
    """The claims of one unit: a check form first, then the article extractors."""
    if unit.kind == "table row" and is_period_table(unit.header):
        try:  # a period table's row is read as one thing only: the price at a level in a period
            return tuple(_extract_period_row(unit, names, ctx, facts)), "all", _reason(unit.text)
        except _Skip as skip:
            return (), "all", str(skip)
    try:
        parsed = parse_claim(unit.text, names, explain=False)
        bound = tuple(_at_list_provider(claim, unit, ctx) for claim in parsed.claims)
        for claim in bound:
            if isinstance(claim, PriceClaim) and claim.input is not None and claim.output is not None:
                ctx.quoted.append((claim.model, claim.provider))
        how = parsed.combine
        own_arithmetic = all(isinstance(claim, ArithmeticClaim) for claim in bound)
        if (
            how == "all" or own_arithmetic
        ):  # "- GPT-4o: $73/day = $2,190/month" is also the list profile's cost
            with contextlib.suppress(_Skip):
                cost = tuple(_extract_profile_cost(unit, names, ctx, facts))
                if cost and how == "any":
                    # readings of the words' own arithmetic (a month of 30 or 365/12 days) need
                    # no prices: the best one stands for the sentence beside the profile's cost
                    bound, how = (_best_arithmetic(bound),), "all"
                bound += cost
        return bound, how, ""
    except UnknownModelError:
        # a short name for a model named before ("K2" after "Kimi K2 Thinking"), else the
        # sentence may hold words around the name: let the extractors look
        read = _read_with_short_names(unit, names, ctx, facts)
        if read is not None:
            return read
    except ClaimError:
        pass
    claims: list[Claim] = []
    reasons: list[str] = []
    for extractor in _EXTRACTORS:
        try:
            claims.extend(extractor(unit, names, ctx, facts))
        except _Skip as skip:
            reasons.append(str(skip))
    claims = list(_dedupe(claims))
    readings = [c for c in claims if getattr(c, "kind", "") == "workload"]
    combine: Literal["all", "any"] = "any" if readings and len(readings) == len(claims) else "all"
    return tuple(claims), combine, (reasons[0] if reasons else _reason(unit.text))


def scan_article(
    text: str,
    names: Names,
    facts: Mapping[str, ModelFacts],
    points: Iterable[PricePoint],
    at: str,
    *,
    source: str = "-",
    made_on: date | None = None,
    peers: Sequence[PeerGroup] = (),
) -> ScanReport:
    """Find every claim in ``text`` and check each as of ``at``; list what could not be read.

    Each claim is also checked as of the day the article was made: ``made_on``, else the date
    its dateline states (``article_date``); a trend claim's period ends on that day.
    Raises ClaimTooLongError for an article over ``MAX_ARTICLE_CHARS``; a unit over
    ``MAX_CLAIM_CHARS`` is listed as unread, not matched.
    """
    if len(text) > MAX_ARTICLE_CHARS:
        raise ClaimTooLongError("the article", len(text), MAX_ARTICLE_CHARS)
    made_on_from = "--made-on" if made_on is not None else None
    if made_on is None:
        dateline = article_date(text)
        if dateline is not None:
            made_on = dateline.day
            made_on_from = f"the article's dateline, line {dateline.line}: {dateline.words!r}"
    points = list(points)
    named: list[tuple[int, str, list[str]]] = []
    found, unparsed = find_claims(text, names, facts, named, peers=peers)
    read = {(item.unit.line, item.unit.text) for item in found}
    notes, unparsed = _volume_notes(named, read, facts, points, at, unparsed)
    results: list[FoundClaim] = []
    for item in found:
        claims = anchor_claims(item.claims, made_on)
        now = with_figure_searches(evaluate_parts(claims, item.combine, points, facts, at), points, at)
        then = None if made_on is None else evaluate_parts(claims, item.combine, points, facts, made_on)
        results.append(
            FoundClaim(
                quote=item.unit.text,
                line=item.unit.line,
                unit=item.unit.kind,
                combine=item.combine,
                verdict=now.verdict,
                results=now.parts,
                then=then,
                group=now.group,
            )
        )
    overall, summary = _overall(results, notes, unparsed)
    results = sorted(results + notes, key=lambda r: r.line)
    return ScanReport(
        source=source,
        at=at,
        verdict=overall,
        summary=summary,
        claims=results,
        unparsed=unparsed,
        made_on=made_on,
        made_on_from=made_on_from,
    )


def _overall(
    results: Sequence[FoundClaim], notes: Sequence[FoundClaim], unparsed: Sequence[UnparsedClaim]
) -> tuple[VerdictName, str]:
    """The article's verdict: the worst of the claims read (the worst decides); but never
    ``holds`` when most claim-like sentences are unread: when the unread (including the costs
    per user that no price can test, ``notes``) outnumber the claims read, ``cannot_check``."""
    verdict = combine_verdicts([r.verdict for r in results]) if results else "cannot_check"
    unread = len(unparsed) + len(notes)
    counts = Counter(r.verdict for r in results)
    parts = ", ".join(
        f"{counts[v]} {v.replace('_', ' ')}" for v in ("holds", "off", "stale", "cannot_check") if counts[v]
    )
    summary = f"{len(results)} claims read ({parts or 'none'}); {unread} claim-like sentences unread"
    if notes:
        summary += f" ({len(notes)} of them a cost per user that no price can test)"
    if unread > len(results) and verdict == "holds":
        verdict = "cannot_check"
        summary += "; most of what the article claims is unread, so it is not said to hold"
    return verdict, f"{summary}: {verdict.upper().replace('_', ' ')}"


_VOLUME_REASONS = ("a cost per user", "a monthly figure", "an estimate derived")


def _volume_notes(
    named: Sequence[tuple[int, str, list[str]]],
    read: set[tuple[int, str]],
    facts: Mapping[str, ModelFacts],
    points: Sequence[PricePoint],
    at: str,
    unparsed: list[UnparsedClaim],
) -> tuple[list[FoundClaim], list[UnparsedClaim]]:
    """Unread costs per user or conversation, as ``cannot_check`` with the tokens they would buy
    (analysis/claim_volume.py), at the model the sentence, its paragraph or the article names."""
    by_line: dict[int, list[str]] = {}
    by_unit: dict[tuple[int, str], list[str]] = {}
    for line, quote, models in named:
        by_line.setdefault(line, []).extend(models)
        by_unit[(line, quote)] = models
    every = [model for models in by_line.values() for model in models]
    main = main_model(every)
    notes: list[FoundClaim] = []
    left: list[UnparsedClaim] = []
    # A cost per use in words ("measured in cents", "in the low single digits per session") is
    # no claim-like shape: looked for among the units that are neither read nor listed.
    listed = {(u.line, u.quote) for u in unparsed} | read
    worded = [
        UnparsedClaim(quote=quote, line=line, unit="sentence", reason=_VOLUME_REASONS[0])
        for line, quote, _ in named
        if (line, quote) not in listed and _WORDED.search(quote)
    ]
    for item in sorted([*unparsed, *worded], key=lambda u: u.line):
        if item in worded and per_use(item.quote) is None:
            continue
        use = per_use(item.quote) if item.reason.startswith(_VOLUME_REASONS) else None
        if use is None:
            left.append(item)
            continue
        own = by_unit.get((item.line, item.quote), [])
        model: str | None
        if own:
            model, model_from = own[0], "named in the sentence"
        elif by_line.get(item.line):
            model, model_from = by_line[item.line][-1], f"named in its paragraph, line {item.line}"
        else:
            model, model_from = main, "the article's main model"
        verdict = implied_volume(item.quote, use, model, model_from, every, points, facts, at)
        notes.append(
            FoundClaim(
                quote=item.quote,
                line=item.line,
                unit=item.unit,
                combine="all",
                verdict=verdict.verdict,
                results=[verdict],
            )
        )
    return notes, left
