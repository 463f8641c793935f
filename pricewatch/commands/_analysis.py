"""What the analysis commands (trend, ratios, cost) share: loading inputs, dates, shares, display.

The store and the catalog are read here, at the edge, and handed to the pure functions in
``pricewatch.analysis``; today's date is read here too (the analysis takes the clock as an
argument). Imports of the analysis and the store happen inside the functions, so
``pricewatch --help`` does not pay for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import click

__all__ = [
    "AnalysisInputs",
    "DateType",
    "FiniteFloatType",
    "NumberType",
    "ShareType",
    "TokenCountType",
    "finite_decimal",
    "load_inputs",
    "today",
]


def today() -> date:
    """Today in UTC: the default "as of" of the analysis commands."""
    return datetime.now(UTC).date()


@dataclass
class AnalysisInputs:
    """Prices, model facts and the catalog, read once."""

    points: list[Any]
    facts: dict[str, Any]
    catalog: Any

    def resolve_model(self, name: str) -> str:
        """A catalog id for a name or alias; UnknownModelError (with 'did you mean') otherwise."""
        return self.catalog.get_model(name).id

    def resolve_provider(self, name: str) -> str:
        """A provider id for a name or alias (catalog, or a host with stored prices); UnknownValueError
        (exit 2, with close names) otherwise."""
        from pricewatch.errors import UnknownValueError
        from pricewatch.queries import close_matches
        from pricewatch.scraper.catalog import provider_slug

        found = self.catalog.resolve_provider(name)
        if found:
            return found
        stored = {point.provider for point in self.points}
        if provider_slug(name) in stored:
            return provider_slug(name)
        known = sorted(set(self.catalog.providers) | stored)
        raise UnknownValueError("provider", name, close_matches(name, known), known)


def load_inputs(db_path: Path, catalog_path: Path | None) -> AnalysisInputs:
    """Read every price period and the catalog's model facts (read-only), with the command
    line's curated window (``pricewatch --curated-window-days``, else the database's)."""
    from pricewatch.commands._common import curated_window_days, load_catalog
    from pricewatch.inputs import load_model_facts, load_price_points
    from pricewatch.scraper.store.reader import open_reader

    catalog = load_catalog(catalog_path)
    reader = open_reader(db_path)
    facts = load_model_facts(catalog)
    try:
        points = load_price_points(reader, facts, window_days=curated_window_days())
    finally:
        reader.close()
    return AnalysisInputs(points=points, facts=facts, catalog=catalog)


class DateType(click.ParamType):
    """A YYYY-MM-DD date."""

    name = "DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


def finite_decimal(text: str) -> Decimal | None:
    """``text`` as a finite Decimal, or None (not a number, NaN, Infinity, past Decimal's range)."""
    try:
        number = Decimal(text)
    except ArithmeticError:  # InvalidOperation (ConversionSyntax), Overflow
        return None
    return number if number.is_finite() else None


class NumberType(click.ParamType):
    """A finite number (a Decimal): NaN, Infinity and words are usage errors (exit 2), not tracebacks."""

    name = "NUMBER"

    def __init__(self, minimum: Decimal | None = None) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: Any, ctx: Any) -> Decimal:
        if isinstance(value, Decimal) and value.is_finite():
            return value
        number = finite_decimal(str(value).strip())
        if number is None:
            self.fail(f"{value!r} is not a finite number", param, ctx)
        if self.minimum is not None and number < self.minimum:
            self.fail(f"{value!r} is below {self.minimum}", param, ctx)
        return number


class FiniteFloatType(NumberType):
    """A finite number as a float (a capability score): NaN and Infinity are usage errors."""

    name = "FLOAT"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:  # type: ignore[override]
        if isinstance(value, float):
            value = repr(value)
        return float(super().convert(value, param, ctx))


class ShareType(click.ParamType):
    """A share: 0.9 or 90%."""

    name = "SHARE"

    def convert(self, value: Any, param: Any, ctx: Any) -> Decimal:
        if isinstance(value, Decimal):
            return value
        text = str(value).strip()
        share = finite_decimal(text[:-1] if text.endswith("%") else text)
        if share is None:
            self.fail(f"{value!r} is not a share (0.9 or 90%)", param, ctx)
        if text.endswith("%"):
            try:
                share /= 100
            except ArithmeticError:  # past Decimal's range
                self.fail(f"{value!r} is not a share between 0 and 1 (write 0.9 or 90%)", param, ctx)
        if not 0 <= share <= 1:
            self.fail(f"{value!r} is not a share between 0 and 1 (write 0.9 or 90%)", param, ctx)
        return share


class TokenCountType(click.ParamType):
    """A token count: 150000000, 150,000,000, 150M, 1.5B or 200k."""

    name = "TOKENS"
    _SUFFIXES: ClassVar[dict[str, int]] = {"k": 10**3, "m": 10**6, "b": 10**9}

    def convert(self, value: Any, param: Any, ctx: Any) -> Decimal:
        if isinstance(value, Decimal):
            return value
        text = str(value).strip().replace(",", "").replace("_", "")
        factor = 1
        if text and text[-1].lower() in self._SUFFIXES:
            factor = self._SUFFIXES[text[-1].lower()]
            text = text[:-1]
        number = finite_decimal(text)
        if number is None:
            self.fail(f"{value!r} is not a token count (e.g. 150000000 or 150M)", param, ctx)
        try:
            count = number * factor
        except ArithmeticError:  # past Decimal's range
            self.fail(f"{value!r} is not a token count (e.g. 150000000 or 150M)", param, ctx)
        if count < 0:
            self.fail("a token count cannot be negative", param, ctx)
        return count
