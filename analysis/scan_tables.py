"""What a table row of an article says beyond its model and prices (pure).

Period tables ("Period | Capability | Cost", rows like "2023 | GPT-4 level | $30-60 per M
output") are read row by row as ``LevelPriceClaim``s: the cheapest price at that capability
level during that period (``analysis.level_prices`` checks them).

A row's host: a column headed "Provider", "Host", "Via" or "Platform", or any cell that reads
"via HOST" ("| Kimi K2.5 | $0.45 | $2.25 | via DeepInfra |"), binds that row's prices to HOST,
not to the cheapest host or the maker; a row names at most one host.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Literal

from pricewatch.analysis.claim_grammar import provider_candidates
from pricewatch.analysis.claims import Figure, LevelPriceClaim

__all__ = ["is_period_table", "parse_period", "period_row_claim", "row_provider"]

_PROVIDER_HEADER = re.compile(
    r"(?i)^\s*(?:provider|host|hosted\s+(?:by|on)|via|platform|served\s+by|api|where)\s*$"
)
_VIA_CELL = re.compile(r"(?i)^\s*(?:via|on|at|through|from)\s+(?P<host>\S.*?)\s*$")


def _lookup(phrase: str, resolve_provider: Callable[[str], str | None]) -> str | None:
    for candidate in provider_candidates(phrase):
        found = resolve_provider(candidate)
        if found is not None:
            return found
    return None


def row_provider(
    header: Sequence[str], cells: Sequence[str], resolve_provider: Callable[[str], str | None]
) -> str | None:
    """The host a table row names: its provider column, or a "via HOST" cell; None when it names none.

    Raises ValueError when the row names a host the catalog does not know, or two hosts.
    """
    named: list[str] = []
    for index, cell in enumerate(cells):
        head = header[index] if index < len(header) else ""
        via = _VIA_CELL.match(cell)
        if via is not None:
            phrase = via.group("host")
        elif _PROVIDER_HEADER.match(head) and cell.strip() and "$" not in cell:
            phrase = cell
        else:
            continue
        host = _lookup(phrase, resolve_provider)
        if host is None:
            if via is None or _PROVIDER_HEADER.match(head):
                raise ValueError(
                    f"a table row whose host {phrase.strip()!r} is not a provider in the catalog"
                )
            continue  # "on demand", "from 2025": not a host
        named.append(host)
    hosts = list(dict.fromkeys(named))
    if len(hosts) > 1:
        raise ValueError(f"a table row that names two hosts ({', '.join(hosts)})")
    return hosts[0] if hosts else None


# ----------------------------------------------------------------------------- period tables

_PERIOD_HEAD = re.compile(r"(?i)\b(?:period|year|years|date|when|time|era)\b")
_LEVEL_HEAD = re.compile(r"(?i)\b(?:capabilit\w*|level|class|tier|quality|performance|model\s+class)\b")
_COST_HEAD = re.compile(r"(?i)\b(?:costs?|prices?|pricing)\b")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
#: Parts of a year and the months they span: (first month, first month after).
_PARTS = {
    "early": (1, 5),
    "mid": (5, 9),
    "late": (9, 13),
    "h1": (1, 7),
    "h2": (7, 13),
    "q1": (1, 4),
    "q2": (4, 7),
    "q3": (7, 10),
    "q4": (10, 13),
}
_PERIOD = re.compile(
    r"(?i)^\s*(?:(?P<part>early|mid|late|h[12]|q[1-4])[\s-]*|(?P<month>[a-z]{3,9})\.?\s+)?(?P<year>(?:19|20)\d\d)"
    r"(?:\s*(?:-|–|—|to)\s*(?P<year2>(?:19|20)\d\d))?\s*$"
)
_COST = re.compile(
    r"(?i)\$\s?(?P<low>\d(?:\d|,(?=\d))*(?:\.\d+)?)(?:\s*(?:-|–|—|to)\s*\$?\s?(?P<high>\d(?:\d|,(?=\d))*(?:\.\d+)?))?"
)


def is_period_table(header: Sequence[str]) -> bool:
    """Whether a table's columns are a period, a capability level and a cost ("Period | capability | cost")."""
    return (
        len(header) >= 3
        and _PERIOD_HEAD.search(header[0]) is not None
        and any(_LEVEL_HEAD.search(h) for h in header[1:])
        and any(_COST_HEAD.search(h) for h in header[1:])
    )


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def parse_period(text: str) -> tuple[date, date] | None:
    """A period cell as [start, end): "2023", "early 2024", "Q3 2025", "Mar 2024", "2024-2025"."""
    found = _PERIOD.match(text.replace("*", ""))
    if found is None:
        return None
    year = int(found.group("year"))
    if found.group("year2"):
        last = int(found.group("year2"))
        return (date(year, 1, 1), date(last + 1, 1, 1)) if last >= year else None
    if found.group("part"):
        first, after = _PARTS[found.group("part").lower()]
        return _month_start(year, first), _month_start(year, after)
    if found.group("month"):
        month = _MONTHS.get(found.group("month").lower())
        return (_month_start(year, month), _month_start(year, month + 1)) if month else None
    return date(year, 1, 1), date(year + 1, 1, 1)


def period_row_claim(
    text: str,
    header: Sequence[str],
    cells: Sequence[str],
    find_model: Callable[[str], str | None],
) -> LevelPriceClaim | None:
    """A period table's row as a claim about the cheapest price at its capability level; None if it has no price.

    Raises ValueError naming the cell it could not read.
    """
    level_at = next(i for i, h in enumerate(header) if i and _LEVEL_HEAD.search(h))
    cost_at = next(i for i, h in enumerate(header) if i and _COST_HEAD.search(h))
    if max(level_at, cost_at) >= len(cells):
        return None
    cost = _COST.search(cells[cost_at])
    if cost is None:
        return None
    period = parse_period(cells[0])
    if period is None:
        raise ValueError(
            f"a period table row whose period {cells[0]!r} is not a year, a part of one "
            "(early/mid/late, H1, Q3, a month) or a span of years"
        )
    reference = find_model(cells[level_at])
    if reference is None:
        raise ValueError(
            f"a period table row whose capability {cells[level_at]!r} names no catalog model "
            "(a level is read as a model's score: 'GPT-4 level')"
        )
    words = f"{header[cost_at]} {cells[cost_at]}"
    price: Literal["input", "output", "blended"] = "blended"
    if re.search(r"(?i)\boutput\b", words):
        price = "output"
    elif re.search(r"(?i)\binput\b", words):
        price = "input"
    scale = Decimal(1000) if re.search(r"(?i)\b(?:1k|per\s+k|/\s*k|thousand)\b", words) else Decimal(1)
    low = Decimal(cost.group("low").replace(",", "")) * scale
    high = Decimal(cost.group("high").replace(",", "")) * scale if cost.group("high") else low
    return LevelPriceClaim(
        text=text,
        reference_model=reference,
        start=period[0],
        end=period[1],
        price=price,
        claimed=Figure.span(low, high),
    )
