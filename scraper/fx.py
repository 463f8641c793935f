"""Dated currency reference rates (data/fx_rates.csv) and USD conversion.

Prices are stored in the currency the source publishes (Moonshot in CNY, Mistral also in
EUR). The ``fx_rates`` table holds reference rates as USD per unit of a currency, each
with its date, a citation and a confidence; the ``current_prices_usd`` view converts with
the latest rate of each currency and marks every converted row (``converted``,
``fx_rate``, ``fx_date``). The rates shipped are approximate monthly averages (see
data/README.md): a converted price is an estimate, never the published price.

Reading and converting are pure; ``load_fx_rates`` is the one function that writes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from pricewatch.errors import FxDataError
from pricewatch.money import decimal_to_text
from pricewatch.scraper.records import render_validation_error
from pricewatch.scraper.store import Database
from pricewatch.scraper.store.writer import replace_fx_rates

__all__ = ["COLUMNS", "FxRate", "load_fx_rates", "rate_on", "read_fx_rates", "to_usd"]

COLUMNS = ("date", "currency", "usd_per_unit", "source_url", "note", "confidence")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class FxRate(BaseModel, frozen=True, extra="forbid"):
    """One reference rate: how many US dollars one unit of ``currency`` was worth on ``date``."""

    date: date
    currency: str
    usd_per_unit: Decimal = Field(gt=0)
    source_url: str
    note: str = ""
    confidence: Literal["high", "medium", "low"]

    @field_validator("currency")
    @classmethod
    def _iso_code(cls, value: str) -> str:
        value = value.strip()
        if not _CURRENCY.match(value):
            raise ValueError("expected a three-letter ISO 4217 code such as CNY")
        if value == "USD":
            raise ValueError("USD needs no rate")
        return value

    @field_validator("source_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("expected an http(s) URL")
        return value


def read_fx_rates(path: Path) -> list[FxRate]:
    """Every rate of the file, validated; FxDataError lists all problems with their lines."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise FxDataError(path, [f"cannot read the file ({error.strerror})"]) from None
    problems: list[str] = []
    rates: list[FxRate] = []
    seen: dict[tuple[str, date], int] = {}
    with handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise FxDataError(path, [f"line 1: expected the columns {', '.join(COLUMNS)}"])
        for raw in reader:
            line = reader.line_num
            if None in raw or any(value is None for value in raw.values()):
                problems.append(f"line {line}: expected {len(COLUMNS)} fields")
                continue
            try:
                rate = FxRate.model_validate(raw)
            except ValidationError as error:
                problems.extend(f"line {line}: {message}" for message in render_validation_error(error))
                continue
            key = (rate.currency, rate.date)
            if key in seen:
                problems.append(f"line {line}: {rate.currency} {rate.date} already given on line {seen[key]}")
                continue
            seen[key] = line
            rates.append(rate)
    if problems:
        raise FxDataError(path, problems)
    return sorted(rates, key=lambda r: (r.currency, r.date))


def _row(rate: FxRate) -> dict[str, str]:
    return {
        "date": rate.date.isoformat(),
        "currency": rate.currency,
        "usd_per_unit": decimal_to_text(rate.usd_per_unit),
        "source_url": rate.source_url,
        "note": rate.note,
        "confidence": rate.confidence,
    }


def load_fx_rates(db: Database, rates: Sequence[FxRate]) -> int:
    """Make the ``fx_rates`` table hold exactly ``rates`` (the file is the truth); rows written.

    An unchanged file writes nothing, so every refresh can call this.
    """
    return replace_fx_rates(db, sorted((_row(r) for r in rates), key=lambda r: (r["currency"], r["date"])))


def rate_on(rates: Sequence[FxRate], currency: str, day: date) -> FxRate | None:
    """The latest rate of ``currency`` dated on or before ``day``, or None when there is none."""
    earlier = [r for r in rates if r.currency == currency and r.date <= day]
    return max(earlier, key=lambda r: r.date) if earlier else None


def to_usd(amount: Decimal, rate: FxRate) -> Decimal:
    """``amount`` of ``rate.currency`` in US dollars, exactly (round only for display)."""
    return amount * rate.usd_per_unit
