"""Exact money: Decimal prices per million tokens and their canonical text form.

Prices are held as ``Decimal`` built from the source's own string, never from a float,
and stored as canonical decimal TEXT (``format(d.normalize(), "f")``): "0.000003" per
token is exactly "3" per million. sqlite-utils would store a Decimal as REAL, so the
store converts explicitly through these functions.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

__all__ = [
    "TOKENS_PER_MILLION",
    "decimal_from_text",
    "decimal_to_text",
    "per_million_from_per_token",
    "per_token_from_per_million",
]

TOKENS_PER_MILLION = Decimal(1_000_000)


def decimal_from_text(value: str | int | float | Decimal) -> Decimal:
    """A Decimal from a source's value; floats go through ``str`` so no binary expansion leaks in."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    elif isinstance(value, (int, float)):
        result = Decimal(str(value))
    else:
        text = value.strip().replace(",", "").lstrip("$")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def decimal_to_text(value: Decimal) -> str:
    """Canonical decimal text: no exponent, no trailing zeros ("3", "0.5", "0.0912")."""
    if value.is_zero():
        return "0"
    return format(value.normalize(), "f")


def per_million_from_per_token(per_token: Decimal) -> Decimal:
    """USD per token -> USD per million tokens, exactly."""
    return per_token * TOKENS_PER_MILLION


def per_token_from_per_million(per_million: Decimal) -> Decimal:
    """USD per million tokens -> USD per token, exactly."""
    return per_million / TOKENS_PER_MILLION
