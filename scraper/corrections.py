"""Loading data/corrections.csv: cited corrections of wrong stored prices.

One row corrects one price field of one offer over a time range: every stored period of
that offer overlapping ``valid_from`` (inclusive) to ``valid_until`` (exclusive; empty =
open) whose field holds ``stored`` gets ``corrected`` instead, and the history keeps both
with the ``reason`` and the ``source_url`` (``scraper/store/corrections.py``). ``stored``
guards the correction: a period that no longer holds the wrong value is left alone. An
empty ``stored`` corrects a price that was missing; an empty ``corrected`` removes a price
that does not exist.

A separate file rather than a ``correction`` event in curated_prices.csv: a curated row
states a price from a date and is outranked by measured history, while a correction
overrides a stored observation, measured or curated, for a range, and must say what it
replaces.

Every row is validated before anything is written; a bad row is an error naming its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from pricewatch.errors import CuratedDataError
from pricewatch.fields import PRICE_FIELDS
from pricewatch.money import decimal_to_text
from pricewatch.scraper.catalog import Catalog
from pricewatch.scraper.csvdata import read_validated_rows
from pricewatch.scraper.records import MAX_PRICE_PER_MTOK, Tier

__all__ = [
    "COLUMNS",
    "CorrectionRow",
    "CorrectionsLoad",
    "corrections_summary",
    "load_corrections",
    "read_corrections",
]

COLUMNS = (
    "model",
    "provider",
    "tier",
    "min_prompt_tokens",
    "variant",
    "valid_from",
    "valid_until",
    "field",
    "stored",
    "corrected",
    "reason",
    "source_url",
)
_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$")
_PRICE_RE = re.compile(r"^\d+(\.\d+)?$")


def _time(value: str) -> str:
    """A date (midnight UTC) or a full UTC time, in the store's format."""
    return value if "T" in value else f"{value}T00:00:00Z"


class CorrectionRow(BaseModel, frozen=True, extra="forbid"):
    """One validated row of corrections.csv (prices per million tokens, as stored)."""

    line: int
    model: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    tier: Tier
    min_prompt_tokens: int = Field(ge=0)
    variant: str
    valid_from: str
    valid_until: str | None
    field: str
    stored: str | None
    corrected: str | None
    reason: str = Field(min_length=10)
    source_url: str = Field(pattern=r"^https?://\S+$")

    @field_validator("min_prompt_tokens", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        if not isinstance(value, str) or not value.strip().isdigit():
            raise ValueError("not a whole number of tokens")
        return int(value)

    @field_validator("valid_from", "valid_until", mode="before")
    @classmethod
    def _utc_time(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        if not isinstance(value, str) or not _TIME_RE.match(value.strip()):
            raise ValueError("not a date (YYYY-MM-DD) or UTC time (YYYY-MM-DDTHH:MM:SSZ)")
        return _time(value.strip())

    @field_validator("stored", "corrected", mode="before")
    @classmethod
    def _price(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str) or not _PRICE_RE.match(value.strip()):
            raise ValueError(f"not an exact non-negative decimal: {value!r}")
        amount = Decimal(value.strip())
        if amount > MAX_PRICE_PER_MTOK:
            raise ValueError(f"above {MAX_PRICE_PER_MTOK} per million tokens")
        return decimal_to_text(amount)  # the store's canonical text, so it matches what is stored

    @field_validator("field")
    @classmethod
    def _price_field(cls, value: str) -> str:
        if value.strip() not in PRICE_FIELDS:
            raise ValueError(f"not a price field (one of {', '.join(PRICE_FIELDS)})")
        return value.strip()

    @field_validator("model", "provider", "variant", "reason", "source_url", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _a_change(self) -> CorrectionRow:
        if self.valid_from is None:
            raise ValueError("valid_from is required")
        if self.valid_until is not None and self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        if self.stored == self.corrected:
            raise ValueError("stored and corrected are the same")
        return self

    def record(self) -> dict[str, Any]:
        """The ``corrections`` row."""
        return self.model_dump()


def read_corrections(path: Path, catalog: Catalog) -> list[CorrectionRow]:
    """Every row of the file, validated, with catalog ids where the catalog knows the names.

    A name the catalog does not map stays as written: a wrong observation may be stored
    under a source's own name.
    """
    rows, problems = read_validated_rows(path, COLUMNS, CorrectionRow, CuratedDataError)
    rows = [
        row.model_copy(
            update={
                "model": catalog.resolve_model(row.model) or row.model,
                "provider": catalog.resolve_provider(row.provider) or row.provider,
            }
        )
        for row in rows
    ]
    if problems:
        raise CuratedDataError(path, problems)
    return rows


@dataclass
class CorrectionsLoad:
    """What one load of the corrections file did."""

    path: Path
    rows: int
    corrected: int  # stored period fields changed (or changed back) by this load


def load_corrections(
    db: Any, catalog: Catalog, path: Path, rows: list[CorrectionRow] | None = None
) -> CorrectionsLoad:
    """Replace the stored corrections by the file's and apply them, in one transaction."""
    from pricewatch.scraper.store.corrections import replace_corrections

    if rows is None:
        rows = read_corrections(path, catalog)
    with db.atomic():
        changed = replace_corrections(db, [row.record() for row in rows])
    return CorrectionsLoad(path=path, rows=len(rows), corrected=changed)


def corrections_summary(load: CorrectionsLoad) -> str:
    """One line for the command's report."""
    return (
        f"Loaded {load.rows} corrections from {load.path}: {load.corrected} stored prices corrected "
        "(`pricewatch history` shows what was stored, what is right and why)."
    )
