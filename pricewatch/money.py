"""Exact money: Decimal prices, their canonical text, and every way a number is shown.

Prices are held as ``Decimal`` built from the source's own string, never from a float,
and stored as canonical decimal TEXT (``format(d.normalize(), "f")``): "0.000003" per
token is exactly "3" per million. sqlite-utils would store a Decimal as REAL, so the
store converts explicitly through these functions.

This is the one formatter module: the CLI, the analysis texts, the site, its feeds and
downloads all format numbers through the functions below, so no output shows a binary
float's expansion. Exact forms (``decimal_to_text``, ``grouped``, ``dollars``) are for data
and arithmetic shown step by step; rounded forms (``money``, ``figure``, ``fixed``,
``cents``, ``percent``, ``fold``, ``tick``) are for display only.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

__all__ = [
    "DOUBLE_DIGITS",
    "SHORT_DIGITS",
    "TOKENS_PER_MILLION",
    "cents",
    "decimal_from_text",
    "decimal_to_text",
    "dollars",
    "figure",
    "fixed",
    "fold",
    "grouped",
    "json_number",
    "money",
    "per_million_from_per_token",
    "per_token_from_per_million",
    "percent",
    "tick",
    "usd",
    "without_float_noise",
]

TOKENS_PER_MILLION = Decimal(1_000_000)
# Significant decimal digits a binary double always holds. A price string with more was
# printed from a double (OpenRouter's "0.0000009499999999999999" is 0.95 / 1e6 in floats).
DOUBLE_DIGITS = 15
# A float rendering (more than DOUBLE_DIGITS) is read as its rounding to this many digits.
SHORT_DIGITS = 10
# No price, rate or count we read is 10**40 or 10**-40: a figure like "1e1000000" or
# "1e-999999999" would overflow (or silently underflow to 0) in arithmetic, so it is refused.
EXPONENT_LIMIT = 40


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
    if not result.is_zero() and abs(result.adjusted()) > EXPONENT_LIMIT:
        raise ValueError(f"out of range: {str(value)[:40]!r}")
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


def without_float_noise(value: Decimal) -> Decimal:
    """The short decimal a printed binary float stands for (the rule issue 14 documents).

    A value with more than ``DOUBLE_DIGITS`` (15) significant digits, more than a double
    holds, was printed from a float; it is read as its rounding to ``SHORT_DIGITS`` (10)
    significant digits: "0.0000009499999999999999" (OpenRouter's rendering of 0.95 per
    million tokens) -> 0.00000095, "0.00000008333333333333334" -> 0.00000008333333333.
    Anything with 15 digits or fewer is kept as sent. Only the parsed figure changes; the
    raw body keeps what the source sent.
    """
    if not value.is_finite() or value.is_zero():
        return value
    if len(value.normalize().as_tuple().digits) <= DOUBLE_DIGITS:
        return value
    return _significant(value, SHORT_DIGITS)


def _significant(value: Decimal, digits: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(value.adjusted() - digits + 1), ROUND_HALF_EVEN).normalize()


# ----------------------------------------------------------------------------- exact forms


def grouped(value: Decimal | int) -> str:
    """An exact number with thousands separators and no exponent: 202,500,000.5."""
    value = Decimal(value)
    value = value.normalize() if value != 0 else Decimal(0)
    whole, _, fraction = format(value, "f").partition(".")
    sign = "-" if whole.startswith("-") else ""
    return sign + f"{int(whole.lstrip('-')):,}" + ("." + fraction if fraction else "")


def usd(value: Decimal) -> str:
    """Exact dollars with thousands separators: $14,186.253."""
    return "$" + grouped(value)


def dollars(value: Decimal | str | None) -> str:
    """A price as the source gave it, exactly: "$0.5415"; None is "not offered"."""
    if value is None:
        return "not offered"
    return "$" + decimal_to_text(Decimal(value))


def json_number(value: Any) -> str | None:
    """A figure for embedded JSON: exact text for a Decimal, None kept, anything else as ``str``."""
    if isinstance(value, Decimal):
        return decimal_to_text(value)
    return None if value is None else str(value)


# ----------------------------------------------------------------------------- rounded for display


def money(value: Any, currency: str = "USD") -> str:
    """A price for display: "$5.00", "$0.5415", "$0.95" (for 0.9499999999999999), "—" when unknown.

    Rounding is for display only: at least two decimals, at most four significant digits
    below $1; the exact value stays in the page's data attributes and downloads.
    """
    if value is None or value == "":
        return "—"
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    if amount == 0:
        text = "0"
    elif abs(amount) >= 1:
        text = f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_EVEN):,}"
    else:
        exponent = abs(amount).adjusted()  # -1 for 0.5, -2 for 0.09
        places = max(2, 3 - exponent)
        text = f"{amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN):f}"
        whole, _, fraction = text.partition(".")
        fraction = fraction.rstrip("0").ljust(2, "0")
        text = f"{whole}.{fraction}"
    if currency == "USD":
        return ("-$" + text[1:]) if text.startswith("-") else "$" + text
    return f"{text} {currency}"


def figure(value: Decimal | float | None, unit: str = "") -> str:
    """A figure in a verdict (rounded for display only): "$7.50", "11.76x", "60%", "1,000,000"."""
    if value is None:
        return "?"
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    magnitude = abs(d)
    if unit == "$" and magnitude >= 1:
        text = f"{d:,.2f}"
    elif magnitude >= 1000:
        text = f"{d:,.0f}"
    elif magnitude >= 100:
        text = f"{d:,.1f}".rstrip("0").rstrip(".")
    elif magnitude >= 1 or magnitude == 0:
        text = f"{d:.2f}"
        if unit != "$":
            text = text.rstrip("0").rstrip(".")
    else:
        # small prices: four significant digits
        exponent = magnitude.adjusted()
        text = f"{d:.{max(2, 3 - exponent)}f}".rstrip("0")
        if unit == "$" and len(text.split(".")[1]) < 2:
            text = f"{d:.2f}"
        text = text.rstrip(".")
    if unit == "$":
        return ("-$" + text[1:]) if text.startswith("-") else "$" + text
    if unit == "%":
        return text + "%"
    if unit == "x":
        return text + "x"
    return text + (f" {unit}" if unit else "")


def fixed(value: Decimal | None, places: int = 4) -> str:
    """A price in a terminal table: at most ``places`` decimals, trailing zeros dropped ("" if None)."""
    if value is None:
        return ""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return text or "0"


def cents(value: Decimal) -> str:
    """Dollars and cents: $14,186.25."""
    return f"${value:,.2f}"


def percent(share: Decimal) -> str:
    """A share as a percentage: 0.95 -> "95%", 1/0.9 -> "105.6%"."""
    text = f"{share * 100:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def fold(value: Decimal | float | None, missing: str = "") -> str:
    """A ratio: "16.5x", "1,234x" (three significant digits, never an exponent); ``missing`` if None."""
    if value is None:
        return missing
    number = float(value)
    if abs(number) >= 100:
        return f"{number:,.0f}x"
    return _three_digits(number) + "x"


def tick(value: float, _position: Any = None) -> str:
    """A chart's price axis label: $0, $0.005, $0.10, $2.50, $40, $1,200, $0.0000001."""
    if value <= 0:
        return "$0"
    if value >= 100:
        return f"${value:,.0f}"
    if value >= 0.01:
        return f"${value:,.2f}"
    return "$" + _three_digits(value)


def _three_digits(number: float) -> str:
    """Three significant digits as "g" gives them, but never an exponent for tiny numbers."""
    if number and abs(number) < 0.0001:  # where "g" would switch to an exponent
        tiny = Decimal(repr(float(number)))  # float(): numpy scalars repr as np.float64(...)
        return f"{tiny:.{2 - tiny.adjusted()}f}".rstrip("0").rstrip(".")
    return f"{number:.3g}"
