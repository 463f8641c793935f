"""Tables whose models are the column headers (pure).

A comparison table often puts one model per column and one property per row:

    | Feature       | Kimi K2 Thinking  | GPT-5             |
    | Input Pricing | $0.15 / 1M tokens | $1.25 / 1M tokens |
    | Cost Ratio    | 8.3x cheaper      | Baseline          |

A row whose first cell names a price field ("Input Pricing", "Output (per 1M tokens)") is one
price claim per model column holding a price; a row with "N x cheaper" (or "more expensive")
under one model and "Baseline" (or "1x") under another is a ratio of the two (on the field the
first cell names, else the 3:1 blend). A price row whose first cell names no field is not
guessed: it is listed with the reason. Columns that name no model ("Advantage") are not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from pricewatch.analysis.claim_grammar import CHEAPER_WORDS, DEARER_WORDS, NUMBER_PATTERN, phrase_pattern
from pricewatch.analysis.claims import Claim, Figure, PriceClaim, PriceRef, RatioClaim

__all__ = ["column_models", "column_row_claims"]

_PRICE_CELL = re.compile(rf"^\s*~?\s*\$\s?(?P<v>{NUMBER_PATTERN})\b")
_PER_THOUSAND = re.compile(r"(?i)(?:/|\bper)\s*(?:1\s*)?(?:k|thousand)\b|\b1,000\b")
_RATIO_CELL = re.compile(
    rf"(?i)^\s*(?:~\s*)?(?P<n>{NUMBER_PATTERN})\s*(?:x|×|times)\s+"
    rf"(?P<dir>{phrase_pattern((*CHEAPER_WORDS, 'lower', *DEARER_WORDS))})\b"
)
_BASELINE_CELL = re.compile(r"(?i)^\s*(?:baseline|reference|1(?:\.0+)?\s*(?:x|×))\s*$")
_DEARER = re.compile(rf"(?i)^{phrase_pattern(DEARER_WORDS)}$")


def column_models(header: Sequence[str], resolve: Callable[[str], str | None]) -> dict[int, str]:
    """Column index -> model for the header cells after the first that are a model's whole name."""
    models = {}
    for index, cell in enumerate(header):
        if index == 0:
            continue
        model = resolve(cell)
        if model is not None:
            models[index] = model
    return models


def column_row_claims(
    text: str,
    cells: Sequence[str],
    models: dict[int, str],
    field_of: Callable[[str], str | None],
) -> tuple[list[Claim], str | None]:
    """The claims of one row of a models-as-columns table (see the module's docstring), and the
    reason a row holding prices or a ratio could not be read (else None)."""
    label = cells[0] if cells else ""
    field_name = field_of(label)
    claims: list[Claim] = []
    prices = {i: _PRICE_CELL.match(cells[i]) for i in models if i < len(cells)}
    priced = {i: m for i, m in prices.items() if m}
    if priced:
        if field_name is None:
            return [], (
                f"a table row of prices under model columns whose first cell ({label!r}) says no price field "
                "(input or output)"
            )
        for index, found in priced.items():
            scale = Decimal(1000) if _PER_THOUSAND.search(cells[index]) or _PER_THOUSAND.search(label) else 1
            value = Decimal(found.group("v").replace(",", "")) * scale
            claims.append(PriceClaim(text=text, model=models[index], **{field_name: value}))  # type: ignore[arg-type]
        return claims, None
    ratios = {i: _RATIO_CELL.match(cells[i]) for i in models if i < len(cells)}
    bases = [i for i in models if i < len(cells) and _BASELINE_CELL.match(cells[i])]
    for index, said in ratios.items():
        if said is None:
            continue
        others = [i for i in models if i != index]
        base = bases[0] if bases else (others[0] if len(others) == 1 else None)
        if base is None:
            return claims, "a ratio under one model column with no baseline column to compare it with"
        a, b = PriceRef(model=models[index]), PriceRef(model=models[base])
        if _DEARER.match(said.group("dir")):
            a, b = b, a
        compared = field_name if field_name in ("input", "output") else "blended"
        claims.append(
            RatioClaim(
                text=text,
                a=a,
                b=b,
                a_price=compared,  # type: ignore[arg-type]
                b_price=compared,  # type: ignore[arg-type]
                form="times_cheaper",
                claimed=Figure.point(Decimal(said.group("n").replace(",", ""))),
            )
        )
    return claims, None
