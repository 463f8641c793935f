"""The words' own arithmetic, exactly: + - * / and brackets over decimal numbers (pure).

Numbers are read from their text as exact decimals (never through a binary float), and
worked in Python's default decimal context (28 digits, half even), as site/static/engine.js's
``calculate`` does, so the claim box gives the same figures.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pricewatch.errors import ExpressionError

__all__ = ["calculate"]

_TOKEN = re.compile(r"\s*(?:(\d(?:\d|,(?=\d))*(?:\.\d+)?|\.\d+)|([-+*/×()]))")


def _tokens(expression: str) -> list[str]:
    out: list[str] = []
    pos = 0
    text = expression.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ExpressionError(expression)
        out.append(match[1].replace(",", "") if match[1] else ("*" if match[2] == "×" else match[2]))
        pos = match.end()
    return out


def calculate(expression: str) -> Decimal:
    """The value of ``expression``; ExpressionError when it is anything but + - * / over numbers."""
    tokens = _tokens(expression)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise ExpressionError(expression)
        pos += 1
        return tokens[pos - 1]

    def factor() -> Decimal:
        token = take()
        if token == "-":
            return -factor()
        if token == "(":
            value = sum_()
            if take() != ")":
                raise ExpressionError(expression)
            return value
        if token[0].isdigit() or token[0] == ".":
            return Decimal(token)
        raise ExpressionError(expression)

    def product() -> Decimal:
        value = factor()
        while peek() in ("*", "/"):
            op = take()
            value = value * factor() if op == "*" else value / factor()
        return value

    def sum_() -> Decimal:
        value = product()
        while peek() in ("+", "-"):
            op = take()
            value = value + product() if op == "+" else value - product()
        return value

    try:
        value = sum_()
    except (InvalidOperation, ZeroDivisionError):
        raise ExpressionError(expression) from None
    if pos != len(tokens):
        raise ExpressionError(expression)
    return value if value != 0 else Decimal(0)  # one zero ("0", never "0.00" or "-0")
