"""The claim grammar as data: a tokenizer, token tables and the forms `check` understands (pure).

Defined once here and used three ways: ``analysis.claim_text`` reads one sentence with it,
``analysis.scan`` builds its article patterns from the same word tables (so the two cannot
drift apart), and the site embeds ``tables()`` in the claims page, where the claim box's
JavaScript (site/static/engine.js) runs the same matcher over the same tables. Nothing here
is a regular expression: the two regex dialects (Python's and JavaScript's) differ in what
``\\s``, ``\\b`` and case-folding mean, so the grammar is written over tokens instead, and
the tokenizer and the matcher are a few lines each, written identically in both languages.

Tokens: a number (``4,200``, ``0.39``: digits, inner commas before a digit, one decimal
part), a word (a run of ASCII letters), or any other single character that is not
whitespace (``$``, ``%``, ``/``, ``-``, ``×``). Whitespace is the characters Python's
``str.isspace`` knows, listed in ``WHITESPACE`` and emitted with the tables.

A form is a list of elements, each a JSON array:

    ["lit", [phrase, ...], cap]   one of the phrases (each a list of lower-case token texts)
    ["opt", [element, ...]]       the elements, or nothing (tried in that order)
    ["alt", [[element, ...], ...]]  the first branch that leads to a match
    ["rep", [element, ...]]       the elements zero or more times (as many as lead to a match)
    ["num", cap]                  one number token
    ["span", cap]                 one or more tokens, as few as lead to a match (a name)
    ["end"]                       the end of the sentence

``cap`` (or null) names the capture; a capture is the sentence's text from its first token
to its last. The first form in ``FORM_ORDER`` that matches decides; there is no second try.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "APPROX",
    "AT_LEAST_WORDS",
    "AT_MOST_WORDS",
    "CHEAPER_WORDS",
    "COMPARE_VERBS",
    "DASHES",
    "DEARER_WORDS",
    "DESCRIPTION_WORDS",
    "FOLD_WORDS",
    "FORMS",
    "FORM_ORDER",
    "FORM_TEXTS",
    "FRACTIONS",
    "GRAMMAR",
    "MARKUP_WORDS",
    "MAX_ARTICLE_CHARS",
    "MAX_CLAIM_CHARS",
    "MONEY_SCALES",
    "NO_NAME_WORDS",
    "NUMBER_PATTERN",
    "NUMBER_WORDS",
    "PERIOD_PARTS",
    "PER_MILLION_WORDS",
    "PER_THOUSAND_WORDS",
    "PER_WORDS",
    "PRICE_FIELDS",
    "PROVIDER_WORDS",
    "QUOTES",
    "SCALES",
    "SIZE_LETTERS",
    "WHITESPACE",
    "Token",
    "clean_name",
    "collapse_space",
    "match",
    "match_form",
    "name_variants",
    "normalise_sentence",
    "phrase_pattern",
    "provider_candidates",
    "refusal",
    "strip_space",
    "tables",
    "tokenize",
]

# ----------------------------------------------------------------------------- characters

#: Every character Python's ``str.isspace`` calls whitespace (JavaScript's ``\s`` differs),
#: written out: finding them scans every code point, half a second at each import
#: (tests/test_claim_grammar.py holds the list equal to that scan).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPACE = frozenset(WHITESPACE)
#: Quote characters, dropped from names.
QUOTES = "\"'“”‘’"


def strip_space(text: str) -> str:
    """``text`` without whitespace at either end (``str.strip`` with the table's whitespace)."""
    start, end = 0, len(text)
    while start < end and text[start] in _SPACE:
        start += 1
    while end > start and text[end - 1] in _SPACE:
        end -= 1
    return text[start:end]


def collapse_space(text: str) -> str:
    """Every run of whitespace as one space, none at the ends."""
    out: list[str] = []
    gap = False
    for char in text:
        if char in _SPACE:
            gap = True
            continue
        if gap and out:
            out.append(" ")
        gap = False
        out.append(char)
    return "".join(out)


# ----------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    """One token: its kind ("num", "word", "sym"), text, lower-case text and offsets."""

    kind: str
    text: str
    low: str
    start: int
    end: int


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _is_letter(char: str) -> bool:
    return "a" <= char <= "z" or "A" <= char <= "Z"


def tokenize(text: str) -> list[Token]:
    """Numbers, words and single other characters, with their offsets; whitespace separates."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        start = i
        if char in _SPACE:
            i += 1
            continue
        if _is_digit(char):
            i += 1
            while i < n and (_is_digit(text[i]) or (text[i] == "," and i + 1 < n and _is_digit(text[i + 1]))):
                i += 1
            if i + 1 < n and text[i] == "." and _is_digit(text[i + 1]):
                i += 1
                while i < n and _is_digit(text[i]):
                    i += 1
            kind = "num"
        elif _is_letter(char):
            while i < n and _is_letter(text[i]):
                i += 1
            kind = "word"
        else:
            i += 1
            kind = "sym"
        tokens.append(Token(kind, text[start:i], text[start:i].lower(), start, i))
    return tokens


def _phrase(words: str) -> list[str]:
    return [token.low for token in tokenize(words)]


# ----------------------------------------------------------------------------- word tables

#: Scale words after a number of tokens ("1.5M", "100 thousand") and what they multiply by.
SCALES = {
    "k": "1000",
    "thousand": "1000",
    "m": "1000000",
    "mn": "1000000",
    "mil": "1000000",
    "million": "1000000",
    "b": "1000000000",
    "bn": "1000000000",
    "billion": "1000000000",
}
#: Scale words after an amount of money ("$5K", "$1.2 million").
MONEY_SCALES = ("k", "thousand", "m", "million", "b", "billion")
#: Number words (years in a trend claim: "in two years").
NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
}
DASHES = ("-", "–", "—", "to")
APPROX = ("about", "roughly", "around", "nearly", "~")
#: Words before a claimed figure that make it a bound (``analysis.claim_words``): "at least 10x"
#: holds when the truth is 10x or more, "up to 90%" when it is 90% or less (no tolerance);
#: APPROX words ("about 10x") keep a point, judged within the tolerance.
AT_LEAST_WORDS = ("at least", "over", "more than", "upwards of", "no less than")
AT_MOST_WORDS = ("at most", "under", "up to", "less than", "no more than", "below")
#: Words before a year that name part of it ("early 2024", "mid-2025", "March 2026"): see
#: ``analysis.article_date.period_bound`` for the day each stands for.
PERIOD_PARTS = (
    "early",
    "mid",
    "mid-",
    "late",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
)
#: "per million tokens": one of PER_WORDS, an optional "1", then a scale word.
PER_WORDS = ("per", "/", "a", "for every", "for each")
PER_MILLION_WORDS = ("million", "mil", "m", "mtok", "mtoks")
PER_THOUSAND_WORDS = ("thousand", "k", "1,000")
#: Words that name a price field ("$0.50 per million cached input tokens") and the field.
PRICE_FIELDS = {
    "uncached input": "input",
    "input": "input",
    "prompt": "input",
    "output": "output",
    "completion": "output",
    "cached input": "cache_read",
    "cache read": "cache_read",
    "cache reads": "cache_read",
    "cache-read": "cache_read",
    "cache-reads": "cache_read",
    "cache hits": "cache_read",
    "cache hit": "cache_read",
    "cached": "cache_read",
    "cache write": "cache_write",
    "cache writes": "cache_write",
    "cache-write": "cache_write",
    "cache-writes": "cache_write",
}
#: A price in cents ("28 cents per million").
CENT_WORDS = ("cents", "cent", "¢")
FOLD_WORDS = ("x", "×", "times", "-fold", "fold")
#: Fractions of a price and the percent each is ("a tenth of the price of B" = 10% of B).
FRACTIONS = {
    "half": "50",
    "a half": "50",
    "one half": "50",
    "a quarter": "25",
    "one quarter": "25",
    "a fifth": "20",
    "one fifth": "20",
    "a tenth": "10",
    "one tenth": "10",
    "a twentieth": "5",
    "one twentieth": "5",
}
MARKUP_WORDS = ("markup", "mark-up", "mark up")
CHEAPER_WORDS = ("cheaper", "less expensive", "less")
DEARER_WORDS = ("more expensive", "pricier", "costlier", "dearer", "more")
PROVIDER_WORDS = ("on", "at", "via", "from", "through")
PRICE_VERBS = ("costs", "cost", "is priced at", "charges", "charge", "is", "are")
TREND_NOUNS = ("llm", "ai", "model", "token", "api", "inference")
#: Names are cleaned of these before they are looked up.
NAME_LEADING = ("the", "a", "an", "using", "on", "with")
NAME_QUALIFIERS = ("api", "retail", "list")
NAME_TRAILING = ("price", "prices", "pricing", "rate", "rates", "cost", "costs", "api")
NAME_END_PUNCTUATION = ".,;:!?"
PROVIDER_NOISE = ("api", "platform")
#: Words that are no model's name: "The input price is $5 per million tokens" names no model.
NO_NAME_WORDS = ("the", "a", "an", "its", "their", "this", "that", "it", "our", "your", "his", "her")
#: How a description after a model's name may begin ("Kimi K2.5 1T params with 32B active: $0.45
#: ..."): one of these words, or a number with a size letter ("1T", "671B"). A price form whose
#: subject ends at a colon reads the model from the name before it (``claim_text.leading_model``).
DESCRIPTION_WORDS = ("with", "which", "that", "a", "an", ",", "-", "—", "–", "(")
SIZE_LETTERS = ("t", "b", "m", "k")
#: Verbs that compare two models before "while costing N x less" ("A outperforms B on X while
#: costing 14x less": A is 14x cheaper than B).
COMPARE_VERBS = (
    "outperforms",
    "outperform",
    "beats",
    "beat",
    "matches",
    "match",
    "rivals",
    "rival",
    "exceeds",
    "exceed",
    "surpasses",
    "surpass",
    "outscores",
    "outscore",
)
#: Names that get the maker's prefix tried ("Opus 4.6" -> "Claude Opus 4.6").
PREFIXED_NAMES = {"opus": "Claude ", "sonnet": "Claude ", "haiku": "Claude "}


# ----------------------------------------------------------------------------- elements

Element = list[Any]


def lit(*phrases: str, cap: str | None = None) -> Element:
    return ["lit", [_phrase(p) for p in phrases], cap]


def opt(*elements: Element) -> Element:
    return ["opt", list(elements)]


def alt(*branches: Sequence[Element]) -> Element:
    return ["alt", [list(b) for b in branches]]


def rep(*elements: Element) -> Element:
    return ["rep", list(elements)]


def num(cap: str) -> Element:
    return ["num", cap]


def span(cap: str) -> Element:
    return ["span", cap]


END: list[Element] = [opt(lit(".", "!")), ["end"]]


def _range(low: str, high: str) -> list[Element]:
    return [num(low), opt(lit(*DASHES), num(high))]


def _tokens(cap: str) -> list[Element]:
    return [num(cap), opt(lit(*SCALES, cap=f"{cap}_scale"))]


def _money(cap: str) -> list[Element]:
    return [lit("$"), num(cap), opt(lit(*MONEY_SCALES, cap=f"{cap}_scale"))]


def _per_unit(cap: str) -> list[Element]:
    return [
        lit(*PER_WORDS),
        opt(lit("1")),
        lit(*PER_MILLION_WORDS, *PER_THOUSAND_WORDS, cap=cap),
        opt(lit("tokens")),
    ]


def _price(cap: str) -> Element:
    """An amount per token: "$0.28", "$1.2K" or "28 cents" (``<cap>_cents`` marks cents)."""
    return alt(_money(cap), [num(cap), lit(*CENT_WORDS, cap=f"{cap}_cents")])


def _field_leg(n: int) -> list[Element]:
    """One priced field: "$5 per million input tokens", "$5/M input", "$0.03 per 1K tokens for input"."""
    return [
        _price(f"v{n}"),
        opt(*_per_unit(f"u{n}")),
        opt(lit("for", "of")),
        lit(*PRICE_FIELDS, cap=f"f{n}"),
        opt(lit("tokens", "token")),
        opt(*_per_unit(f"w{n}")),
    ]


_LEG_JOINERS = (", and", ",", "and", "plus", "+", ";")


def _field_legs() -> list[Element]:
    """One to three priced fields ("$5/M input, $25/M output, $0.50/M cache reads")."""
    more = [lit(*_LEG_JOINERS)]
    return [
        *_field_leg(1),
        opt(*more, *_field_leg(2), opt(*more, *_field_leg(3))),
    ]


def _period(cap: str) -> list[Element]:
    """A point in time a trend period starts or ends at: "2023", "early 2024", "March 2026"."""
    return [opt(lit(*PERIOD_PARTS, cap=f"{cap}_part")), num(cap)]


def _trend_period() -> Element:
    """The period a trend claim states: "in two years", "from early 2024 to early 2026",
    "between 2023 and 2025", "since 2023" (``analysis.claim_time`` reads it)."""
    return alt(
        [
            lit("in", "over", "within"),
            opt(lit("the last", "the past")),
            alt([num("y")], [lit(*NUMBER_WORDS, cap="y")]),
            lit("years", "year"),
        ],
        [lit("from"), *_period("since"), lit("to", "until", "through"), *_period("until")],
        [lit("between"), *_period("since"), lit("and"), *_period("until")],
        [lit("since"), *_period("since")],
    )


def _bounded() -> Element:
    """ "about", "at least", "up to"... before a claimed figure (captured as ``bound``)."""
    return opt(lit(*APPROX, *AT_LEAST_WORDS, *AT_MOST_WORDS, cap="bound"))


def _field_suffix() -> Element:
    """ "... than GPT-5 for input tokens": the price field both sides of a ratio are compared on."""
    return opt(
        lit("for", "on", "in"),
        lit(*PRICE_FIELDS, cap="field"),
        opt(lit("tokens", "token")),
        opt(lit("prices", "price", "pricing", "costs", "cost")),
    )


def _approx() -> Element:
    return opt(lit(*APPROX))


def _provider() -> Element:
    return opt(lit(*PROVIDER_WORDS), span("provider"))


#: A workload claim's parts: "150-200 million tokens per day", "with a 95% cache hit rate and a
#: 90/10 input/output split", "would pay roughly $4,200-$6,000/month".
_WORKLOAD_VOLUME: list[Element] = [
    opt(lit("a user processing", "a user using", "a user sending", "a power user processing")),
    *_tokens("t1"),
    opt(lit(*DASHES), *_tokens("t2")),
    lit("tokens"),
    lit("per", "a", "/", "each"),
    lit("day", "month", cap="period"),
]
_WORKLOAD_MIX: list[Element] = [
    lit("with"),
    opt(lit("a")),
    num("hit"),
    lit("%"),
    lit("cache hits", "cache hit", "cache-hits", "cache-hit"),
    opt(lit("rate")),
    opt(lit(",")),
    lit("and"),
    lit("a", "an"),
    num("a"),
    lit("/"),
    num("b"),
    lit("input / output"),
    lit("split"),
]
_WORKLOAD_COST: list[Element] = [
    lit("costs", "cost", "is", "comes to", "would pay", "pays", "would cost"),
    _bounded(),
    *_money("x"),
    opt(lit(*DASHES), *_money("y")),
    lit("per", "a", "/"),
    lit("month", "day", cap="per"),
]
#: "Heavy caching can cut your effective input costs by 90% on Claude Opus 4.6": the cache-read
#: price against the input price of one model.
CACHE_WORDS = ("prompt caching", "caching", "cache hits", "cached input", "cache reads")
CUT_WORDS = (
    "can cut",
    "cuts",
    "cut",
    "can reduce",
    "reduces",
    "reduce",
    "lowers",
    "lower",
    "slashes",
    "saves",
)

#: "X cache reads cost $0.50/MTok vs $5 for uncached input, a 90% saving": one model's (and
#: host's) cache-read price beside its own input price, and the saving between the two.
CACHE_READ_WORDS = (
    "cache reads",
    "cache read",
    "cache-reads",
    "cache-read",
    "cache hits",
    "cached input",
    "cached tokens",
)
VERSUS_WORDS = ("vs .", "vs", "versus", "against", "compared to", "compared with")
UNCACHED_INPUT_WORDS = (
    "uncached input",
    "regular input",
    "standard input",
    "normal input",
    "base input",
    "input",
)
SAVING_WORDS = ("saving", "savings", "discount", "cut", "reduction")

#: "For an LLM of equivalent performance, the cost is decreasing by 10x every year": a fold per
#: year at the default level (analysis.trend_default) over the default window.
LEVEL_WORDS = ("equivalent", "the same", "constant", "comparable", "similar", "equal", "fixed")
FALLING_VERBS = (
    "is decreasing",
    "are decreasing",
    "decreases",
    "decrease",
    "is falling",
    "are falling",
    "falls",
    "fall",
    "is dropping",
    "are dropping",
    "drops",
    "drop",
    "is declining",
    "are declining",
    "declines",
    "decline",
)
PER_YEAR_WORDS = ("every year", "each year", "per year", "a year", "annually", "yearly", "year over year")

#: "A costs / runs at / comes in at P% of B".
_SHARE_VERBS = (
    "costs",
    "cost",
    "is",
    "are",
    "runs at",
    "run at",
    "comes in at",
    "come in at",
    "is priced at",
)

#: The forms, by name. Each builder in ``analysis.claim_text`` reads its captures.
GRAMMAR: dict[str, list[Element]] = {
    "workload": [
        *_WORKLOAD_VOLUME,
        *_WORKLOAD_MIX,
        *_WORKLOAD_COST,
        lit("on"),
        span("model"),
        *END,
    ],
    "workload_on": [
        *_WORKLOAD_VOLUME,
        lit("on"),
        span("model"),
        *_WORKLOAD_MIX,
        *_WORKLOAD_COST,
        *END,
    ],
    "request": [
        *_tokens("inp"),
        lit("input"),
        opt(lit("tokens")),
        lit(",", "and", "+", "plus", "with"),
        *_tokens("out"),
        lit("output"),
        opt(lit("tokens")),
        lit("costs", "cost", "is", "=", "comes to"),
        _bounded(),
        *_money("usd"),
        lit("on", "with", "using", "for", "via"),
        span("model"),
        *END,
    ],
    "price_pair": [
        span("model"),
        lit(*PRICE_VERBS, "=", ":"),
        _price("inp"),
        opt(lit("input")),
        lit("/"),
        _price("out"),
        opt(lit("output")),
        *_per_unit("unit"),
        opt(opt(lit("input / output")), lit("tokens")),
        _provider(),
        *END,
    ],
    "price_fields": [
        opt(span("intro"), lit(",", ":")),
        span("model"),
        lit(*PRICE_VERBS, "=", ":", "pricing :", "pricing is", "prices are", cap="verb"),
        _approx(),
        *_field_legs(),
        _provider(),
        *END,
    ],
    "price_fields_for": [
        opt(span("lead"), lit(":")),
        *_field_legs(),
        lit("for"),
        span("model"),
        _provider(),
        *END,
    ],
    "field_first": [
        opt(lit("the")),
        lit(*PRICE_FIELDS, cap="f1"),
        opt(lit("tokens", "token")),
        opt(lit("price", "prices", "pricing", "rate", "rates")),
        lit("for", "of", "on"),
        span("model"),
        lit(*PRICE_VERBS, "=", ":"),
        _approx(),
        _price("v1"),
        opt(*_per_unit("u1")),
        *END,
    ],
    "model_field": [
        span("model"),
        lit(*PRICE_FIELDS, cap="f1"),
        opt(lit("tokens", "token")),
        opt(lit("price", "prices", "pricing", "rate", "rates")),
        lit(*PRICE_VERBS, "=", ":"),
        _approx(),
        _price("v1"),
        opt(*_per_unit("u1")),
        *END,
    ],
    "times": [
        opt(span("intro"), lit(":")),  # "The difference is cost: A is ..."
        span("a"),
        lit("is", "are", "costs", "cost", "runs", "run"),
        _bounded(),
        *_range("n", "n2"),
        lit(*FOLD_WORDS),
        lit(*CHEAPER_WORDS, *DEARER_WORDS, cap="dir"),
        opt(lit("than")),
        span("b"),
        _field_suffix(),
        *END,
    ],
    "paying": [
        opt(span("intro")),
        lit("paying", "pay", "spending", "spend"),
        _bounded(),
        *_range("n", "n2"),
        lit(*FOLD_WORDS),
        lit(*CHEAPER_WORDS, *DEARER_WORDS, cap="dir"),
        lit("for", "on"),
        span("a"),
        lit("vs", "vs .", "versus", "than", "compared to", "compared with"),
        span("b"),
        *END,
    ],
    "times_while": [
        span("a"),
        lit(*COMPARE_VERBS),
        span("b"),
        opt(lit("on", "in", "across", "at"), span("on")),
        opt(lit(",")),
        lit("while costing", "while being", "and costs", "but costs", "yet costs", "while it costs"),
        _bounded(),
        *_range("n", "n2"),
        lit(*FOLD_WORDS),
        lit(*CHEAPER_WORDS, *DEARER_WORDS, cap="dir"),
        *END,
    ],
    "percent_cheaper": [
        opt(span("intro"), lit(":")),  # "The difference is cost: A is ..."
        span("a"),
        lit("is", "are", "costs", "cost"),
        _bounded(),
        num("p"),
        lit("%"),
        lit("cheaper", "less expensive", "less"),
        lit("than"),
        span("b"),
        _field_suffix(),
        *END,
    ],
    "percent_of": [
        opt(span("intro"), lit(":")),  # "The difference is cost: A is ..."
        span("a"),
        lit(*_SHARE_VERBS),
        _bounded(),
        *_range("p", "p2"),
        lit("%"),
        lit("of"),
        alt(
            [lit("what"), span("b"), lit("costs", "cost", "charges", "charge", "does", "do"), *END],
            [opt(lit("the price of", "the cost of")), span("b"), *END],
        ),
    ],
    "fraction_of": [
        span("a"),
        lit(*_SHARE_VERBS),
        _bounded(),
        lit(*FRACTIONS, cap="frac"),
        alt(
            [lit("of what"), span("b"), lit("costs", "cost", "charges", "charge", "does", "do"), *END],
            [lit("of"), opt(lit("the price of", "the cost of")), span("b"), *END],
            [lit("the price of", "the cost of", "as much as"), span("b"), *END],
        ),
    ],
    "markup": [
        span("b"),
        lit("is", "are", "carries", "carry", "has", "have", "represents", "means"),
        opt(lit("a", "an")),
        lit(*MARKUP_WORDS),
        lit("of"),
        _bounded(),
        *_range("n", "n2"),
        lit(*FOLD_WORDS),
        lit("over", "on", "above", "compared to", "compared with", "relative to"),
        span("a"),
        *END,
    ],
    "cache_vs_input": [
        opt(lit("with")),
        span("model"),
        opt(lit(",")),
        lit(*CACHE_READ_WORDS),
        lit("cost", "costs", "are", "is", "are priced at", "run", ":"),
        _approx(),
        _price("v1"),
        opt(*_per_unit("u1")),
        lit(*VERSUS_WORDS),
        _price("v2"),
        opt(*_per_unit("u2")),
        opt(lit("for", "of")),
        lit(*UNCACHED_INPUT_WORDS),
        opt(lit("tokens")),
        opt(*_per_unit("w2")),
        opt(
            lit(",", "-", "–", "—", ":", ";"),
            lit("a", "an"),
            _bounded(),
            num("p"),
            lit("%"),
            lit(*SAVING_WORDS),
        ),
        *END,
    ],
    "cache_cut": [
        opt(span("intro")),
        lit(*CACHE_WORDS),
        lit(*CUT_WORDS),
        opt(span("what")),
        lit("by"),
        _bounded(),
        num("p"),
        lit("%"),
        lit("on", "with", "for"),
        span("model"),
        *END,
    ],
    "trend_fold": [
        opt(lit("the")),
        rep(lit(*TREND_NOUNS)),
        opt(lit("output", "input", cap="price")),
        lit("prices", "price", "costs", "cost"),
        opt(lit("of"), span("of")),
        lit(
            "fell",
            "dropped",
            "declined",
            "fall",
            "falls",
            "drop",
            "drops",
            "have fallen",
            "has fallen",
            "has dropped",
            "have dropped",
            "has declined",
            "have declined",
            "came down",
            "has come down",
            "have come down",
        ),
        opt(lit("by")),
        _bounded(),
        # "by 1,000x" or "by a factor of 1,000"
        alt([*_range("n", "n2"), lit(*FOLD_WORDS)], [lit("a factor of"), *_range("n", "n2")]),
        _trend_period(),
        *END,
    ],
    "trend_fold_year": [
        opt(span("lead"), lit(":")),
        opt(
            lit("for", "at"),
            opt(lit("a", "an")),
            lit(
                "llm", "llms", "model", "models", "language model", "language models", "ai model", "ai models"
            ),
            lit("of", "at", "with"),
            lit(*LEVEL_WORDS),
            lit("performance", "quality", "capability", "capabilities", "level"),
            opt(lit(",")),
        ),
        opt(lit("the")),
        rep(lit(*TREND_NOUNS)),
        opt(lit("output", "input", cap="price")),
        lit("prices", "price", "costs", "cost"),
        lit(*FALLING_VERBS),
        opt(lit("by")),
        _bounded(),
        *_range("n", "n2"),
        lit(*FOLD_WORDS),
        lit(*PER_YEAR_WORDS),
        *END,
    ],
    "trend_percent": [
        opt(lit("the")),
        rep(lit(*TREND_NOUNS)),
        opt(lit("output", "input", cap="price")),
        lit("prices", "price", "costs", "cost"),
        lit(
            "fall",
            "falls",
            "drop",
            "drops",
            "decline",
            "declines",
            "is falling",
            "is dropping",
            "is declining",
            "are falling",
            "are dropping",
            "are declining",
        ),
        opt(lit("by")),
        _bounded(),
        *_range("p", "p2"),
        lit("%"),
        opt(lit("+", "or more", cap="plus")),
        lit("per year", "a year", "each year", "every year", "annually", "yearly"),
        *END,
    ],
}
#: Arithmetic on the sentence's own figures, no price data (analysis/claim_arithmetic.py builds
#: the claims): "10% of $5,000 is about $500", "$180 is well above $100-$200", "a 70/30 split
#: cuts costs by 60-80%".
SPLIT_VERBS = ("cuts", "cut", "saves", "save", "reduces", "reduce", "lowers", "lower", "slashes", "trims")
ARITHMETIC_GRAMMAR: dict[str, list[Element]] = {
    "share_of": [
        num("p"),
        lit("%"),
        lit("of"),
        *_money("x"),
        lit("is", "are", "=", "≈", "comes to", "equals", "gives", "would be"),
        opt(lit(*APPROX, cap="approx")),
        *_money("y"),
        *END,
    ],
    "beyond_range": [
        opt(span("intro")),
        *_money("x"),
        opt(lit("a month", "per month", "/ month", "/ mo", "monthly", "a year", "per year", "/ year")),
        opt(lit("plan", "subscription", "price", "fee", "bill", "cost")),
        lit("is", "are", "sits", "lies", "remains", "stays"),
        opt(lit("well", "far", "much", "way", "still", "comfortably")),
        lit(
            "above",
            "over",
            "higher than",
            "more than",
            "greater than",
            "beyond",
            "below",
            "under",
            "lower than",
            "less than",
            cap="dir",
        ),
        opt(lit("the")),
        *_money("lo"),
        lit(*DASHES),
        opt(lit("$")),
        num("hi"),
        opt(lit(*MONEY_SCALES, cap="hi_scale")),
        opt(span("tail")),
        *END,
    ],
    "split_cut": [
        alt([span("intro"), lit("a", "an")], [lit("a", "an")], []),
        num("a"),
        lit("/"),
        num("b"),
        opt(span("what")),
        lit("split"),
        opt(span("how")),
        lit(*SPLIT_VERBS),
        opt(span("object")),
        opt(lit("by")),
        opt(lit("up to", *APPROX)),
        *_range("p", "p2"),
        lit("%"),
        opt(span("tail")),
        *END,
    ],
}
_PERIODS = ("day", "month", "year")
ARITHMETIC_GRAMMAR["stated_product"] = [
    opt(span("lead"), lit(":")),
    num("a"),
    opt(lit(*SCALES, cap="a_scale")),
    opt(lit("tokens")),
    lit("×", "x", "*"),
    *_money("b"),
    opt(lit("/", "per"), opt(lit("1")), lit(*PER_MILLION_WORDS, *PER_THOUSAND_WORDS, cap="unit")),
    lit("=", "≈", "→", "->"),
    opt(lit(*APPROX, cap="approx")),
    *_money("c"),
    opt(span("tail")),
    *END,
]
ARITHMETIC_GRAMMAR["per_period"] = [
    opt(span("lead"), lit(":")),
    *_money("x"),
    lit("/", "per", "a"),
    lit(*_PERIODS, cap="p1"),
    lit("=", "≈", "→", "->", "or", "is"),
    opt(lit(*APPROX, cap="approx")),
    *_money("y"),
    lit("/", "per", "a"),
    lit(*_PERIODS, cap="p2"),
    opt(span("tail")),
    *END,
]
#: Words naming a term of a stated sum ("input 2,500 + output 500 = 3,000").
_TERM_WORDS = ("input", "output", "cached", "cache reads", "cache writes", "reasoning")
ARITHMETIC_GRAMMAR["stated_equation"] = [
    opt(span("lead"), lit(":")),
    opt(lit(*_TERM_WORDS)),
    num("a"),
    opt(lit(*SCALES, cap="a_scale")),
    opt(span("a_what")),
    lit("×", "*", "+", cap="op"),  # not "x": "10x cheaper" is a multiple, not a product
    opt(lit(*_TERM_WORDS)),
    num("b"),
    opt(lit(*SCALES, cap="b_scale")),
    opt(span("b_what")),
    lit("=", "→", "->"),
    opt(lit(*APPROX, cap="approx")),
    num("c"),
    opt(lit(*SCALES, cap="c_scale")),
    opt(span("tail")),
    *END,
]
GRAMMAR.update(ARITHMETIC_GRAMMAR)

#: The order forms are tried in (the first that matches decides).
FORM_ORDER = (
    "workload",
    "workload_on",
    "request",
    "price_pair",
    "price_fields",
    "price_fields_for",
    "field_first",
    "model_field",
    "times",
    "times_while",
    "paying",
    "percent_cheaper",
    "percent_of",
    "fraction_of",
    "markup",
    "cache_vs_input",
    "cache_cut",
    "trend_fold",
    "trend_fold_year",
    "trend_percent",
    *ARITHMETIC_GRAMMAR,
)

#: The forms `pricewatch check` understands, for people (shown when a sentence is in none).
FORM_TEXTS = {
    "price_pair": "<model> costs $<in>/$<out> per million tokens [on <provider>]",
    "price_fields": "<model> costs $<in> input and $<out> output per million tokens [on <provider>] "
    "(one, two or three fields: input, output, cache reads; per 1M, per MTok, per 1K, <N> cents)",
    "price_fields_for": "$<in> per million input tokens and $<out> per million output tokens for <model>",
    "field_first": "cache reads for <model> [on <provider>] cost $<X> per million tokens",
    "model_field": "<model> [on <provider>] cache reads: $<X>/MTok",
    "times": "<model A> is <N>x cheaper than <model B>",
    "times_while": "<model A> outperforms <model B> [on <what>] while costing <N>x less",
    "paying": "[you are] paying <N>x more for <model A> vs <model B>",
    "percent_cheaper": "<model A> is <P>% cheaper than <model B>",
    "percent_of": "<model A> costs <P>% of [the price of] <model B> (or: of what <model B> costs)",
    "request": "<N> input and <M> output tokens cost $<X> on <model>",
    "workload": "<N> [million] tokens per day with <H>% cache hits and a <a>/<b> input/output split "
    "costs $<X>[-$<Y>] per month on <model>",
    "workload_on": "<N> tokens per day on <model> with <H>% cache hits and a <a>/<b> input/output split "
    "would pay $<X> per month",
    "fraction_of": "<model A> costs a tenth of [the price of] <model B> (half, a quarter, a fifth, a tenth, "
    "a twentieth; as much as)",
    "markup": "<model B> is a markup of [over] <N>x on <model A>",
    "cache_vs_input": "[with] <model> [on <provider>], cache reads cost $<X>/MTok vs $<Y> for uncached input[, a <P>% saving]",
    "cache_cut": "caching cuts input costs by <P>% on <model>",
    "trend_fold": "<price|cost> fell <N>x (by a factor of <N>) in <Y> years",
    "trend_fold_year": "[for an LLM of equivalent performance,] the cost is decreasing by <N>x every year",
    "trend_percent": "prices fall <P>% per year",
    "share_of": "<P>% of $<X> is [about] $<Y>",
    "beyond_range": "$<X> is [well] above|below $<A>-$<B>",
    "split_cut": "a <a>/<b> split cuts costs by <P>[-<Q>]%",
    "stated_product": "<N>[K|M] × $<price>[/1K|/M] = $<X>",
    "per_period": "$<X>/day = $<Y>/month (day, month, year; = or →)",
    "stated_equation": "<N> [things] × <M> [things] = <P> (× or +; = or →)",
}
#: The forms `pricewatch check` understands, for people (shown when a sentence is in none).
#: A model may be followed by "on|at|via <provider>" wherever a form names one.
FORMS = tuple(FORM_TEXTS.values())


# ----------------------------------------------------------------------------- matching

Captures = dict[str, tuple[int, int]]
_Next = Callable[[int, Captures], Captures | None]


def _seq(
    elements: list[Element],
    i: int,
    pos: int,
    caps: Captures,
    tokens: list[Token],
    k: _Next,
    failed: set[tuple[int, int]] | None = None,
):
    """Match elements[i:] at token ``pos``, then hand over to ``k`` (continuation-passing backtracking).

    ``failed`` (the top-level sequence only, whose ``k`` never fails) remembers the (i, pos)
    already known to fail: whether they match does not depend on the captures, so each is
    tried once and two spans cost O(tokens²), not O(tokens^spans) (issue 18's 9 KB inputs).
    """
    if failed is not None and (i, pos) in failed:
        return None
    found = _seq_step(elements, i, pos, caps, tokens, k, failed)
    if found is None and failed is not None:
        failed.add((i, pos))
    return found


def _seq_step(
    elements: list[Element],
    i: int,
    pos: int,
    caps: Captures,
    tokens: list[Token],
    k: _Next,
    failed: set[tuple[int, int]] | None,
):
    if i == len(elements):
        return k(pos, caps)
    element = elements[i]
    kind = element[0]

    def rest(p: int, c: Captures) -> Captures | None:
        return _seq(elements, i + 1, p, c, tokens, k, failed)

    if kind == "lit":
        for phrase in element[1]:
            end = pos + len(phrase)
            if end <= len(tokens) and all(tokens[pos + j].low == phrase[j] for j in range(len(phrase))):
                found = rest(end, caps if element[2] is None else {**caps, element[2]: (pos, end)})
                if found is not None:
                    return found
        return None
    if kind == "opt":
        found = _seq(element[1], 0, pos, caps, tokens, rest)
        return found if found is not None else rest(pos, caps)
    if kind == "alt":
        for branch in element[1]:
            found = _seq(branch, 0, pos, caps, tokens, rest)
            if found is not None:
                return found
        return None
    if kind == "rep":

        def again(p: int, c: Captures) -> Captures | None:
            found = _seq(element[1], 0, p, c, tokens, lambda q, d: again(q, d) if q > p else None)
            return found if found is not None else rest(p, c)

        return again(pos, caps)
    if kind == "num":
        if pos < len(tokens) and tokens[pos].kind == "num":
            return rest(pos + 1, {**caps, element[1]: (pos, pos + 1)})
        return None
    if kind == "span":
        for end in range(pos + 1, len(tokens) + 1):
            found = rest(end, {**caps, element[1]: (pos, end)})
            if found is not None:
                return found
        return None
    if kind == "end":
        return k(pos, caps) if pos == len(tokens) else None
    raise ValueError(f"unknown grammar element {kind!r}")


def match(elements: list[Element], text: str, tokens: list[Token] | None = None) -> dict[str, str] | None:
    """The captures (name -> text) when the whole of ``text`` matches ``elements``, else None."""
    tokens = tokenize(text) if tokens is None else tokens
    caps = _seq(elements, 0, 0, {}, tokens, lambda p, c: c, set())
    if caps is None:
        return None
    return {name: text[tokens[a].start : tokens[b - 1].end] for name, (a, b) in caps.items()}


def match_form(text: str) -> tuple[str, dict[str, str]] | None:
    """(form name, captures) for the first form in ``FORM_ORDER`` that ``text`` is in, else None."""
    tokens = tokenize(text)
    for name in FORM_ORDER:
        found = match(GRAMMAR[name], text, tokens)
        if found is not None:
            return name, found
    return None


def _reach(elements: list[Element], tokens: list[Token]) -> int | None:
    """The token position the longest prefix of ``elements`` that holds a word or number reaches."""
    for k in range(len(elements), 0, -1):
        prefix = elements[:k]
        if not any(element[0] in ("lit", "num", "alt") for element in prefix):
            return None
        found = _seq(prefix, 0, 0, {}, tokens, lambda p, c: {**c, "": (p, p)}, set())
        if found is not None:
            return found[""][0]
    return None


def refusal(text: str) -> str:
    """Why ``text`` is in no form: the nearest form, the part read and the part it could not read.

    The nearest form is the one whose longest readable beginning reaches furthest into the
    sentence (the first in ``FORM_ORDER`` on a tie).
    """
    tokens = tokenize(text)
    if len(tokens) > MAX_REFUSAL_TOKENS:
        return f"no form is near a sentence of {len(tokens)} words and signs"
    best: tuple[int, str] | None = None
    for name in FORM_ORDER:
        reach = _reach(GRAMMAR[name], tokens)
        if reach is not None and (best is None or reach > best[0]):
            best = (reach, name)
    if best is None or best[0] == 0:
        return "no part of it is in any of the forms"
    reach, name = best
    read = text[: tokens[reach - 1].end]
    if reach == len(tokens):
        return (
            f"the nearest form is {FORM_TEXTS[name]!r}: {read!r} reads, then the sentence stops short of it"
        )
    rest = text[tokens[reach].start :]
    return f"the nearest form is {FORM_TEXTS[name]!r}: {read!r} reads, {rest!r} does not"


#: The longest sentence read as a claim (``check``, and each unit ``scan`` reads). Real claims
#: are under 200 characters; the grammar's spans backtrack, so a limit keeps a hostile 9 KB
#: "sentence" from taking seconds (docs/benchmarks.md, bench/claims_adversarial.py).
MAX_CLAIM_CHARS = 400
#: The longest sentence ``refusal`` looks for a nearest form in (tokens): it tries every
#: beginning of every form, so its work grows faster than the sentence.
MAX_REFUSAL_TOKENS = 80
#: The longest article ``scan`` reads (characters).
MAX_ARTICLE_CHARS = 2_000_000

#: The tokenizer's number rule as a regular expression, for ``analysis.scan``'s article patterns.
NUMBER_PATTERN = r"\d(?:\d|,(?=\d))*(?:\.\d+)?"


def phrase_pattern(phrases: Iterable[str]) -> str:
    """A regex alternation of table phrases, for ``analysis.scan``'s article patterns.

    The tokens of a phrase may be joined by whitespace (two words must be); longer phrases
    come first, and a phrase ending in a word or number ends at a word boundary.
    """
    import re

    parts = []
    for phrase in sorted(phrases, key=len, reverse=True):
        tokens = tokenize(phrase)
        text = ""
        for index, token in enumerate(tokens):
            if index:
                both_words = tokens[index - 1].kind != "sym" and token.kind != "sym"
                text += r"\s+" if both_words else r"\s*"
            text += re.escape(token.text)
        if tokens and tokens[-1].kind != "sym":
            text += r"\b"
        parts.append(text)
    return "(?:" + "|".join(parts) + ")"


# ----------------------------------------------------------------------------- names


def _without_parentheses(text: str) -> str:
    """Each "(...)" replaced by a space: parentheticals are asides, not the name."""
    out, i = [], 0
    while i < len(text):
        close = text.find(")", i + 1) if text[i] == "(" else -1
        if close >= 0:
            out.append(" ")
            i = close + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _strip_chars(text: str, chars: str) -> str:
    start, end = 0, len(text)
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return text[start:end]


def _clean_once(text: str) -> str:
    text = _strip_chars(strip_space(text), " \t" + NAME_END_PUNCTUATION)
    tokens = tokenize(text)
    # "the Opus 4.6" -> "Opus 4.6" (a filler word followed by whitespace)
    if len(tokens) > 1 and tokens[0].low in NAME_LEADING and tokens[1].start > tokens[0].end:
        text = text[tokens[1].start :]
        tokens = tokenize(text)
    # "Anthropic's API price" -> "Anthropic"
    last = len(tokens) - 1
    if last > 0 and tokens[last].low in NAME_TRAILING and tokens[last].start > tokens[last - 1].end:
        first = last
        while (
            first > 1
            and tokens[first - 1].low in NAME_QUALIFIERS
            and tokens[first - 1].start > tokens[first - 2].end
        ):
            first -= 1
        cut = tokens[first - 1].end
        if (
            first >= 3
            and tokens[first - 1].low == "s"
            and tokens[first - 2].text in ("'", "’")
            and tokens[first - 2].end == tokens[first - 1].start
        ):
            cut = tokens[first - 2].start
        text = text[:cut]
    text = "".join(char for char in text if char not in QUOTES)
    return strip_space(text)


def clean_name(phrase: str) -> str:
    """A phrase that should be a name without asides, filler words, price words or quotes."""
    text = _without_parentheses(phrase)
    previous = None
    while previous != text:
        previous = text
        text = _clean_once(text)
    return text


def _replace_runs(text: str, chars: frozenset[str] | str, by: str) -> str:
    out: list[str] = []
    run = False
    for char in text:
        if char in chars:
            if not run:
                out.append(by)
            run = True
        else:
            out.append(char)
            run = False
    return "".join(out)


def name_variants(phrase: str) -> list[str]:
    """Spellings to try for a name: as written, hyphens for spaces, spaces for hyphens, the maker's prefix."""
    phrase = strip_space(phrase)
    out = [phrase, _replace_runs(phrase, _SPACE, "-"), _replace_runs(phrase, _SPACE | {"-"}, " ")]
    tokens = tokenize(phrase)
    if tokens and tokens[0].kind == "word" and tokens[0].low in PREFIXED_NAMES:
        out.append(PREFIXED_NAMES[tokens[0].low] + phrase)
    return list(dict.fromkeys(out))


def provider_candidates(phrase: str) -> list[str]:
    """Spellings to try for a provider phrase ("the OpenRouter API" -> "OpenRouter", ...)."""
    kept = []
    last = 0
    for token in tokenize(phrase):
        if token.kind == "word" and token.low in PROVIDER_NOISE:
            kept.append(phrase[last : token.start] + " ")
            last = token.end
    kept.append(phrase[last:])
    cleaned = clean_name("".join(kept))
    return list(dict.fromkeys([cleaned, cleaned.replace(" ", "-"), cleaned.replace(" ", "")]))


def normalise_sentence(text: str) -> str:
    """One line, plain quotes, no markdown emphasis, no surrounding double quotes."""
    text = collapse_space(text)
    for fancy, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(fancy, plain)
    text = _without_emphasis(text)
    return strip_space(_strip_chars(strip_space(text), '"'))


def _without_emphasis(text: str) -> str:
    """Markdown emphasis marks (runs of *, _ and `) dropped."""
    return "".join(char for char in text if char not in "*_`")


# ----------------------------------------------------------------------------- emitted tables


def tables() -> dict[str, Any]:
    """The grammar and its word tables as plain JSON values (embedded in the claims page)."""
    return {
        "whitespace": WHITESPACE,
        "quotes": QUOTES,
        "forms": GRAMMAR,
        "form_order": list(FORM_ORDER),
        "form_texts": list(FORMS),
        "form_text_of": FORM_TEXTS,
        "scales": SCALES,
        "number_words": NUMBER_WORDS,
        "per_thousand": [_phrase(p)[0] for p in PER_THOUSAND_WORDS],
        "price_fields": {" ".join(_phrase(p)): field for p, field in PRICE_FIELDS.items()},
        "dearer": [" ".join(_phrase(p)) for p in DEARER_WORDS],
        "fractions": {" ".join(_phrase(p)): percent for p, percent in FRACTIONS.items()},
        "name_leading": list(NAME_LEADING),
        "no_name_words": list(NO_NAME_WORDS),
        "description_words": [" ".join(_phrase(p)) for p in DESCRIPTION_WORDS],
        "size_letters": list(SIZE_LETTERS),
        "name_qualifiers": list(NAME_QUALIFIERS),
        "name_trailing": list(NAME_TRAILING),
        "name_end_punctuation": NAME_END_PUNCTUATION,
        "provider_noise": list(PROVIDER_NOISE),
        "prefixed_names": PREFIXED_NAMES,
        "provider_words": [" ".join(_phrase(p)) for p in PROVIDER_WORDS],
        "period_parts": [" ".join(_phrase(p)) for p in PERIOD_PARTS],
        "at_least": [" ".join(_phrase(p)) for p in AT_LEAST_WORDS],
        "at_most": [" ".join(_phrase(p)) for p in AT_MOST_WORDS],
    }
