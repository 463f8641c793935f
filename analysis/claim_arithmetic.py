"""Arithmetic on an article's own numbers: claims checked without any price data (pure).

Two ways in:

- One sentence that states every figure it needs (``check``, ``scan`` and the claim box read
  these through the shared grammar, forms ``share_of``, ``beyond_range`` and ``split_cut`` in
  analysis/claim_grammar.py; the builders are below):

      "10% of $5,000 is about $500"            5000 x 10 / 100 = $500
      "$180 is well above $100-$200"           180 / 200 = 0.9: above the range means > 1
      "a 70/30 split cuts costs by 60-80%"     routing 70% of traffic to a cheaper model saves
                                               at most 70% (were that model free): 80% is impossible

- A figure derived from figures the article stated before (``scan`` only: it needs the
  article). ``ArticleFigures`` keeps every money figure and percentage with its line;
  ``derived_claims`` reads a sentence with a rule whose words state the relation:

      share-of      "$X ... ≈ $Y" after "P% of <words>" sharing a word with X's side:  X x P / 100 = Y
      difference    "loss ... $L": a cost stated before minus a plan price stated before = L
                    ("profit", "margin": the price minus the cost); only a pair that gives L is shown
      duration      "break even ... N+ years" with $X: X / (each monthly price stated nearby) / 12
                    (alternative readings: the best decides)
      multiple      "Nx cost disadvantage" with two prices stated in the sentence before: high / low
      table         a "Total" row: the sum of its column; a "Total" column: the product of a
                    quantity and a unit price, or the sum of the row's other amounts

A rule never invents a relation the words do not state: no cue word, no claim. Every claim
shows the figures it rests on and the line each was stated on (``Given``).

Tolerance: exact, up to the rounding of the claimed figure (half its last digit: "$500"
holds for 499.5 to 500.5); words like "about", "≈", "roughly" allow 5%.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pricewatch.analysis.claim_grammar import APPROX, NUMBER_PATTERN, SCALES
from pricewatch.analysis.claims import ArithmeticClaim, Figure, Given
from pricewatch.money import decimal_to_text, figure

__all__ = [
    "APPROX_TOLERANCE",
    "ArticleFigures",
    "Stated",
    "derived_claims",
    "period_claims",
    "product_claims",
    "range_claims",
    "share_claims",
    "split_claims",
    "tolerance_for",
]

APPROX_TOLERANCE = Decimal("0.05")
_HALF = Decimal("0.5")
_HUNDRED = Decimal(100)

Groups = Mapping[str, str]


# ----------------------------------------------------------------------------- figures


def _number(text: str, scale: str | None = None) -> Decimal:
    value = Decimal(text.replace(",", ""))
    if scale:
        value *= Decimal(SCALES[scale.lower()])
    return value


def _text(value: Decimal) -> str:
    """A figure as the expression writes it: exact, no exponent, no separators."""
    return decimal_to_text(value)


def tolerance_for(claimed: str, approx: bool) -> Decimal:
    """Half the last digit of the claimed figure, relative to it ("500" -> 0.001); 5% when approximate."""
    digits = claimed.replace(",", "")
    value = Decimal(digits)
    if value == 0:
        return APPROX_TOLERANCE if approx else Decimal(0)
    exponent = Decimal(digits).as_tuple().exponent
    step = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    rounding = (_HALF * step / abs(value)).normalize()
    return max(rounding, APPROX_TOLERANCE) if approx else rounding


def _given(value: Decimal, unit: str, line: int, words: str) -> Given:
    return Given(figure=figure(value, unit), line=line, words=words)


# ----------------------------------------------------------------------------- one sentence (the grammar's forms)


def _scaled_group(g: Groups, cap: str) -> Decimal:
    return _number(g[cap], g.get(cap + "_scale"))


def _approx(g: Groups) -> bool:
    return bool(g.get("approx"))


def share_claims(g: Groups, text: str) -> tuple[ArithmeticClaim, ...]:
    """ "10% of $5,000 is about $500": 5000 x 10 / 100 against 500."""
    p, x, y = _number(g["p"]), _scaled_group(g, "x"), _scaled_group(g, "y")
    return (
        ArithmeticClaim(
            text=text,
            expression=f"{_text(x)} * {_text(p)} / 100",
            claimed=Figure.point(y),
            label=f"{figure(p, '%')} of {figure(x, '$')}",
            unit="$",
            tolerance=tolerance_for(g["y"], _approx(g)),
        ),
    )


_ABOVE = frozenset({"above", "over", "higher than", "more than", "greater than", "beyond"})


def range_claims(g: Groups, text: str) -> tuple[ArithmeticClaim, ...]:
    """ "$180 is well above $100-$200": 180 / 200 must be at least 1 (below: 180 / 100 at most 1)."""
    x, low, high = _scaled_group(g, "x"), _scaled_group(g, "lo"), _scaled_group(g, "hi")
    low, high = min(low, high), max(low, high)
    direction = " ".join(g["dir"].lower().split())
    span = f"{figure(low, '$')}-{figure(high, '$')}"
    inside = f"; {figure(x, '$')} lies inside the range" if low <= x <= high else ""
    if direction in _ABOVE:
        expression, claimed = f"{_text(x)} / {_text(high)}", Figure(low=Decimal(1))
        label = f"{figure(x, '$')} over the top of {span} (above the range: at least 1{inside})"
    else:
        expression, claimed = f"{_text(x)} / {_text(low)}", Figure(high=Decimal(1))
        label = f"{figure(x, '$')} over the bottom of {span} (below the range: at most 1{inside})"
    return (
        ArithmeticClaim(
            text=text, expression=expression, claimed=claimed, label=label, unit="", tolerance=Decimal(0)
        ),
    )


def split_claims(g: Groups, text: str) -> tuple[ArithmeticClaim, ...]:
    """ "a 70/30 split cuts 60-80%": routing a share of traffic to a cheaper model saves at most
    that share (were the cheaper model free), so the claim's top must not exceed the larger share."""
    a, b = _number(g["a"]), _number(g["b"])
    top = max(_number(g["p"]), _number(g["p2"]) if g.get("p2") else Decimal(0))
    routed = max(a, b)
    share = _HUNDRED * routed / (a + b)
    label = (
        f"the most a {_text(a)}/{_text(b)} split can save: the {figure(share, '%')} it routes, "
        "were the cheaper model free (a larger cut is impossible)"
    )
    return (
        ArithmeticClaim(
            text=text,
            expression=f"100 * {_text(routed)} / ({_text(a)} + {_text(b)})",
            claimed=Figure(low=top),
            label=label,
            unit="%",
            tolerance=Decimal(0),
        ),
    )


_PER_UNIT = {"million": 1_000_000, "mil": 1_000_000, "m": 1_000_000, "mtok": 1_000_000, "mtoks": 1_000_000}


def product_claims(g: Groups, text: str) -> tuple[ArithmeticClaim, ...]:
    """ "90K × $0.045/1K = $4.05": 90000 x 0.045 / 1000 against 4.05."""
    a, b, c = _scaled_group(g, "a"), _scaled_group(g, "b"), _scaled_group(g, "c")
    unit = (g.get("unit") or "").lower().replace(",", "")
    per = _PER_UNIT.get(unit, 1000 if unit else 1)
    expression = f"{_text(a)} * {_text(b)}" + (f" / {per}" if per != 1 else "")
    label = f"{_text(a)} x {figure(b, '$')}" + (f" per {per:,}" if per != 1 else "")
    return (
        ArithmeticClaim(
            text=text,
            expression=expression,
            claimed=Figure.point(c),
            label=label,
            unit="$",
            tolerance=tolerance_for(g["c"], _approx(g)),
        ),
    )


def equation_claims(g: Groups, text: str) -> tuple[ArithmeticClaim, ...]:
    """ "30 calls × 3,000 tokens = 90,000 tokens", "input 2,500 + output 500 = 3,000": the
    product or sum of two stated numbers against the stated result (units are words here)."""
    a, b, c = _scaled_group(g, "a"), _scaled_group(g, "b"), _scaled_group(g, "c")
    op = "+" if g["op"] == "+" else "*"
    expression = f"{_text(a)} {op} {_text(b)}"
    return (
        ArithmeticClaim(
            text=text,
            expression=expression,
            claimed=Figure.point(c),
            label="the sentence's own " + ("sum" if op == "+" else "product"),
            unit="",
            tolerance=tolerance_for(g["c"], _approx(g)),
        ),
    )


_DAYS = {"day": Decimal(1), "month": Decimal(30), "year": Decimal(365)}


def period_claims(g: Groups, text: str) -> tuple[ArithmeticClaim, ...]:
    """ "$73/day = $2,190/month": 73 x 30 against 2190 (a month of 30 days, a year of 365); a
    day-month conversion is also read with a month of 365 / 12 days (combined "any": per_period)."""
    x, y = _scaled_group(g, "x"), _scaled_group(g, "y")
    p1, p2 = g["p1"].lower(), g["p2"].lower()
    a, b = _DAYS[p1], _DAYS[p2]
    if p1 == "month" and p2 == "year":
        expression = f"{_text(x)} * 12"
    elif a <= b:
        expression = f"{_text(x)} * {_text(b / a)}"
    else:
        expression = f"{_text(x)} / {_text(a / b)}"

    def reading(expression: str, month: str) -> ArithmeticClaim:
        return ArithmeticClaim(
            text=text,
            expression=expression,
            claimed=Figure.point(y),
            label=f"{figure(x, '$')} a {p1} as a {p2} ({month})",
            unit="$",
            tolerance=tolerance_for(g["y"], _approx(g)),
        )

    claims = [reading(expression, "a month of 30 days, a year of 365 days or 12 months")]
    if {p1, p2} == {"day", "month"}:  # a month is also read as 365 / 12 days: the best reading decides
        calendar = f"{_text(x)} * 365 / 12" if p1 == "day" else f"{_text(x)} * 12 / 365"
        claims.append(reading(calendar, "a month of 365 / 12 days"))
    return tuple(claims)


# ----------------------------------------------------------------------------- the article's figures

_NUM = NUMBER_PATTERN
_MONEY = re.compile(
    rf"\$\s?(?P<n>{_NUM})(?:\s*(?P<s>k|thousand|m|million|b|billion)\b)?(?!\d|,\d)", re.IGNORECASE
)
_PERCENT = re.compile(rf"(?P<n>{_NUM})\s*%")
_PER_TOKEN = re.compile(
    r"^\s*(?:/\s*(?:m|mtok|1k|k)\b|(?:per|a|/)\s*(?:1\s*)?(?:million|mtok|m|thousand|1k|1,000|k)\b|"
    r"per\s+(?:1\s*)?(?:million\s+)?(?:input|output|cached)?\s*tokens?\b)",
    re.IGNORECASE,
)
_MONTHLY_AFTER = re.compile(
    r"^\s*(?:/\s*mo(?:nth)?\b|(?:per|a|each)\s+(?:\w+\s+){0,2}month\b|(?:per\s+\w+\s+)?monthly\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z]+")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "its",
        "their",
        "our",
        "your",
        "his",
        "her",
        "this",
        "that",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "it",
        "they",
        "them",
        "with",
        "by",
        "from",
        "as",
        "price",
        "prices",
        "pricing",
        "cost",
        "costs",
        "rate",
        "rates",
    ]
)


@dataclass(frozen=True)
class Stated:
    """A figure an article states: its value, unit ("$" or "%"), line and the words around it."""

    value: Decimal
    unit: str
    line: int
    order: int  # the unit's position in the article
    raw: str  # the number as written (for its rounding)
    written: str  # the figure as written ("$200", "10%")
    before: str  # the words before it in its sentence
    after: str  # the words after it in its sentence

    @property
    def per_token(self) -> bool:
        return bool(_PER_TOKEN.match(self.after))

    @property
    def monthly(self) -> bool:
        return bool(_MONTHLY_AFTER.match(self.after))

    def words(self, n: int = 5) -> str:
        """The figure as written with a few words either side, for a Given."""
        before, after = self.before.split(" "), self.after.split(" ")
        left = ("…" if len(before) > n + 1 else "") + " ".join(before[-(n + 1) :])
        right = " ".join(after[: n + 1]) + ("…" if len(after) > n + 1 else "")
        return (left + self.written + right).strip()

    def given(self) -> Given:
        return _given(self.value, self.unit, self.line, self.words())


def stated_in(text: str, line: int, order: int) -> list[Stated]:
    """The money figures and percentages of one sentence, in order."""
    found: list[tuple[int, Stated]] = []
    for match in _MONEY.finditer(text):
        value = _number(match["n"], match["s"])
        found.append(
            (
                match.start(),
                Stated(
                    value, "$", line, order, match["n"], match[0], text[: match.start()], text[match.end() :]
                ),
            )
        )
    for match in _PERCENT.finditer(text):
        if text[: match.start()].endswith("$"):
            continue
        found.append(
            (
                match.start(),
                Stated(
                    _number(match["n"]),
                    "%",
                    line,
                    order,
                    match["n"],
                    match[0],
                    text[: match.start()],
                    text[match.end() :],
                ),
            )
        )
    return [s for _, s in sorted(found, key=lambda pair: pair[0])]


@dataclass
class ArticleFigures:
    """The figures an article has stated so far (oldest first), and the rows of its current table."""

    stated: list[Stated] = field(default_factory=list)
    units: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of every unit so far
    rows: list[tuple[int, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)  # table rows

    def add(self, text: str, line: int, header: tuple[str, ...] = (), cells: tuple[str, ...] = ()) -> None:
        self.stated.extend(stated_in(text, line, len(self.units)))
        self.units.append((line, text))
        if cells:
            if self.rows and self.rows[-1][1] != header:
                self.rows.clear()
            self.rows.append((line, header, cells))
        else:
            self.rows.clear()


# ----------------------------------------------------------------------------- derived figures


def _content(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text.replace("'s", "").replace("’s", "")) if len(w) > 2} - _STOP


_APPROX_WORDS = "|".join(re.escape(w) for w in APPROX if w != "~")
_EQUALS = re.compile(
    rf"(?:≈|~=|~|=|\b(?:is|are|comes\s+to|equals|means|works\s+out\s+to)\s+(?:{_APPROX_WORDS}|approximately)?\b)",
    re.IGNORECASE,
)
_APPROX_RX = re.compile(rf"≈|~|\b(?:{_APPROX_WORDS}|approximately|roughly)\b", re.IGNORECASE)
_SHARE_OF = re.compile(r"^\s*of\s+(?P<what>(?:[\w'’.-]+\s*){1,5})", re.IGNORECASE)


def _share_of(text: str, line: int, here: list[Stated], before: list[Stated]) -> list[ArithmeticClaim]:
    """ "$5,000 in API-equivalent tokens ≈ $500 in actual compute cost" after "roughly 10% of
    Anthropic's API price": the share stated before, of a thing X's side names."""
    money = [s for s in here if s.unit == "$"]
    if len(money) != 2 or any(s.unit == "%" for s in here):
        return []
    x, y = money
    between = text[len(x.before) : len(y.before)]
    marker = _EQUALS.search(between)
    if marker is None:
        return []
    side = _content(between[: marker.start()])
    for share in reversed([s for s in before if s.unit == "%"]):
        of = _SHARE_OF.match(share.after)
        if of and side & _content(of["what"]):
            return [
                ArithmeticClaim(
                    text=text,
                    expression=f"{_text(x.value)} * {_text(share.value)} / 100",
                    claimed=Figure.point(y.value),
                    label=f"{figure(share.value, '%')} of {figure(x.value, '$')}",
                    unit="$",
                    tolerance=tolerance_for(y.raw, bool(_APPROX_RX.search(between + share.before[-20:]))),
                    given=[share.given(), x.given()],
                )
            ]
    return []


_RECENT = 40
_LOSS = re.compile(r"\b(?:loss|losses|losing|lose|loses|lost|shortfall)\b", re.IGNORECASE)
_GAIN = re.compile(r"\b(?:profit|profits|margin|margins|surplus)\b", re.IGNORECASE)
_PLAN = re.compile(r"\b(?:plan|plans|subscription|subscriptions|subscriber|tier)\b", re.IGNORECASE)


def _is_plan(s: Stated) -> bool:
    near = " ".join(s.before.split()[-3:] + s.after.split()[:6])
    return bool(_PLAN.search(near))


def _difference(text: str, line: int, here: list[Stated], before: list[Stated]) -> list[ArithmeticClaim]:
    """ "Loss ...: $300/month (not $4,800)": a cost stated before minus a plan price stated before."""
    loss, gain = _LOSS.search(text), _GAIN.search(text)
    if not (loss or gain) or any(s.unit == "%" for s in here):
        return []
    # The figures of the last few dozen units only: a long article stays linear.
    recent = [s for s in before[-_RECENT:] if s.unit == "$"]
    plans = [s for s in recent if _is_plan(s)]
    costs = [s for s in recent if not s.per_token and not _is_plan(s)]
    claims: list[ArithmeticClaim] = []
    for claimed in (s for s in here if s.unit == "$"):
        found = None
        slack = claimed.value * tolerance_for(claimed.raw, False)
        for plan in reversed(plans):
            for cost in reversed(costs):
                a, b = (cost, plan) if loss else (plan, cost)
                if abs(a.value - b.value - claimed.value) <= slack:
                    found = (a, b)
                    break
            if found:
                break
        if found is None:
            continue
        a, b = found
        what = "a cost stated before minus the plan's price" if loss else "the plan's price minus a cost"
        claims.append(
            ArithmeticClaim(
                text=text,
                expression=f"{_text(a.value)} - {_text(b.value)}",
                claimed=Figure.point(claimed.value),
                label=f"the {'loss' if loss else 'margin'}: {what}",
                unit="$",
                tolerance=tolerance_for(claimed.raw, False),
                given=[a.given(), b.given()],
            )
        )
    return claims


_RECOUP = re.compile(r"\bbreak\s+even\b|\bpay\s*back\b|\brecoup\w*\b|\bbreak-even\b", re.IGNORECASE)
_DURATION = re.compile(
    rf"(?P<more>more\s+than\s+|over\s+|at\s+least\s+)?(?P<n>{_NUM})\s*(?P<plus>\+)?\s*(?P<u>years?|months?)\b",
    re.IGNORECASE,
)


def _duration(text: str, line: int, here: list[Stated], before: list[Stated]) -> list[ArithmeticClaim]:
    """ "$5,000 per user ... 20+ years just to break even" with "$20 per month" stated nearby."""
    duration = _DURATION.search(text)
    money = [s for s in here if s.unit == "$"]
    if not _RECOUP.search(text) or duration is None or len(money) != 1:
        return []
    total = money[0]
    monthly = [s for s in before if s.unit == "$" and s.monthly and line - s.line <= 2]
    years = duration["u"].lower().startswith("year")
    n = _number(duration["n"])
    bound = bool(duration["plus"] or duration["more"])
    claimed = Figure(low=n) if bound else Figure.point(n)
    claims = []
    for price in monthly:
        expression = f"{_text(total.value)} / {_text(price.value)}" + (" / 12" if years else "")
        claims.append(
            ArithmeticClaim(
                text=text,
                expression=expression,
                claimed=claimed,
                label=f"{figure(total.value, '$')} recouped at {figure(price.value, '$')} a month",
                unit="years" if years else "months",
                tolerance=tolerance_for(duration["n"], False),
                given=[price.given(), total.given()],
            )
        )
    return claims


_MULTIPLE = re.compile(
    rf"(?P<n>{_NUM})\s*(?:x|×|-fold|times)\s+(?:\w+\s+){{0,2}}?"
    r"(?:cost|price|disadvantage|advantage|cheaper|more\s+expensive|pricier|markup|premium|gap|difference)",
    re.IGNORECASE,
)


def _multiple(text: str, line: int, here: list[Stated], before: list[Stated]) -> list[ArithmeticClaim]:
    """ "a 25x cost disadvantage" right after a sentence that states the two prices it compares."""
    match = _MULTIPLE.search(text)
    if match is None or any(s.unit == "$" for s in here) or not before:
        return []
    last = before[-1].order
    prices = [s for s in before if s.order == last and s.unit == "$"]
    if len(prices) != 2 or line - prices[0].line > 1 or min(p.value for p in prices) <= 0:
        return []
    high, low = max(prices, key=lambda s: s.value), min(prices, key=lambda s: s.value)
    return [
        ArithmeticClaim(
            text=text,
            expression=f"{_text(high.value)} / {_text(low.value)}",
            claimed=Figure.point(_number(match["n"])),
            label="the higher price over the lower, both stated in the sentence before",
            unit="x",
            tolerance=tolerance_for(match["n"], bool(_APPROX_RX.search(text[: match.start()][-12:]))),
            given=[high.given(), low.given()],
        )
    ]


_TOTAL = re.compile(r"^\W*(?:grand\s+)?total\b", re.IGNORECASE)
_QUANTITY = re.compile(
    r"\b(?:qty|quantity|count|users|seats|hours|requests|calls|units|months|days|tokens|number|n)\b",
    re.IGNORECASE,
)
_CELL_MONEY = re.compile(rf"^\W*\$\s?(?P<n>{_NUM})\s*(?P<s>k|m|b|million|billion|thousand)?\b", re.IGNORECASE)
_CELL_NUMBER = re.compile(rf"^\s*(?P<n>{_NUM})\s*(?P<s>k|m|b|million|billion|thousand)?\s*$", re.IGNORECASE)


def _cell_money(cell: str) -> Decimal | None:
    match = _CELL_MONEY.match(cell)
    return _number(match["n"], match["s"]) if match else None


def _table(
    line: int,
    header: tuple[str, ...],
    cells: tuple[str, ...],
    earlier: Sequence[tuple[int, tuple[str, ...], tuple[str, ...]]],
) -> list[ArithmeticClaim]:
    """A "Total" row sums its column over the rows above; a "Total" column multiplies a quantity by
    a unit price (or sums the row's other amounts)."""
    claims: list[ArithmeticClaim] = []
    text = " | ".join(cells)
    if cells and _TOTAL.match(cells[0]):
        above = [r for r in earlier if r[2] and not _TOTAL.match(r[2][0])]
        for j, cell in enumerate(cells[1:], start=1):
            total = _cell_money(cell)
            parts = [(r[0], _cell_money(r[2][j]) if j < len(r[2]) else None) for r in above]
            if total is None or not parts or any(v is None for _, v in parts):
                continue
            name = header[j] if j < len(header) else f"column {j + 1}"
            claims.append(
                ArithmeticClaim(
                    text=text,
                    expression=" + ".join(_text(v) for _, v in parts if v is not None),
                    claimed=Figure.point(total),
                    label=f"the {name} column summed",
                    unit="$",
                    tolerance=tolerance_for(_CELL_MONEY.match(cell)["n"], False),  # type: ignore[index]
                    given=[_given(v, "$", n, name) for n, v in parts if v is not None],
                )
            )
        return claims
    totals = [j for j, h in enumerate(header) if _TOTAL.match(h) and j < len(cells)]
    for j in totals:
        total = _cell_money(cells[j])
        if total is None:
            continue
        money = [(k, _cell_money(c)) for k, c in enumerate(cells) if k != j and _cell_money(c) is not None]
        quantities = [
            (k, _CELL_NUMBER.match(c))
            for k, c in enumerate(cells)
            if k != j and k < len(header) and _QUANTITY.search(header[k]) and _CELL_NUMBER.match(c)
        ]
        if len(money) == 1 and len(quantities) == 1:
            (k, price), (q, qm) = money[0], quantities[0]
            assert price is not None and qm is not None
            quantity = _number(qm["n"], qm["s"])
            expression = f"{_text(quantity)} * {_text(price)}"
            given = [_given(quantity, "", line, header[q]), _given(price, "$", line, header[k])]
            label = f"{header[q]} x {header[k]}"
        elif len(money) >= 2 and not quantities:
            expression = " + ".join(_text(v) for _, v in money if v is not None)
            given = [
                _given(v, "$", line, header[k] if k < len(header) else "") for k, v in money if v is not None
            ]
            label = "the row's amounts summed"
        else:
            continue
        claims.append(
            ArithmeticClaim(
                text=text,
                expression=expression,
                claimed=Figure.point(total),
                label=f"{header[j]}: {label}",
                unit="$",
                tolerance=tolerance_for(_CELL_MONEY.match(cells[j])["n"], False),  # type: ignore[index]
                given=given,
            )
        )
    return claims


#: How many of the figures stated last a derived figure may rest on.
_WINDOW = 300
_RULES = (_share_of, _difference, _duration, _multiple)


def derived_claims(
    text: str, line: int, figures: ArticleFigures, header: tuple[str, ...] = (), cells: tuple[str, ...] = ()
) -> tuple[tuple[ArithmeticClaim, ...], bool]:
    """The arithmetic claims a unit makes on figures the article stated before, and whether they
    are alternative readings (the best decides). Nothing unless a rule's words state the relation
    and at least one figure comes from an earlier unit (a sentence that states all its figures is
    the grammar's)."""
    if cells:
        return tuple(_table(line, header, cells, figures.rows)), False
    here = stated_in(text, line, len(figures.units))
    before = figures.stated[-_WINDOW:]  # a long (or hostile) article stays linear
    for rule in _RULES:
        claims = rule(text, line, here, before)
        if claims:
            return tuple(claims), rule is _duration and len(claims) > 1
    return (), False
