"""Loading data/curated_prices.csv: dated list prices with a citation and a confidence per row.

Curated rows are history, not news: there is no sanity guard, and a measured observation
(live, replay, backfill) outranks a curated one in the store's timeline, so a curated value
that contradicts measured history goes to ``disagreements`` instead of ``prices``. Each
row's confidence, event and citation go to ``curated_sources`` (keyed by offer and
``valid_from``) so that whatever shows a curated price can show how sure it is.

Every row is validated before anything is written: a bad row is an error naming its line,
never a zero; an id the catalog does not know is an error listing it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from pricewatch.errors import CuratedDataError
from pricewatch.fields import PRICE_FIELDS, usd_per_mtok_column
from pricewatch.scraper.catalog import Catalog
from pricewatch.scraper.csvdata import read_validated_rows
from pricewatch.scraper.records import MAX_PRICE_PER_MTOK, Tier
from pricewatch.scraper.refresh import PRICE_JUMP_FACTOR
from pricewatch.scraper.store import (
    ApplyStats,
    Database,
    Observation,
    apply_observations,
    finish_run,
    start_run,
)
from pricewatch.scraper.store.writer import curated_disagreements, write_curated_sources

__all__ = [
    "COLUMNS",
    "CuratedLoad",
    "CuratedRow",
    "LargeMove",
    "curated_disagreements",
    "curated_observations",
    "large_moves",
    "load_curated",
    "read_curated",
    "run_load_curated",
]

# The price fields a curated row may give: every one but reasoning, which no list page dates.
CURATED_FIELDS = tuple(name for name in PRICE_FIELDS if name != "reasoning")
COLUMNS = (
    "date",
    "provider",
    "model",
    "tier",
    "min_prompt_tokens",
    *(usd_per_mtok_column(name) for name in CURATED_FIELDS),
    "currency",
    "event",
    "source_url",
    "evidence",
    "confidence",
)
# CSV price column -> store price field.
PRICE_COLUMNS = {usd_per_mtok_column(name): name for name in CURATED_FIELDS}
SOURCE = "curated"
ORIGIN = "curated"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Exact decimal text only: "0.0375", never "3.75e-2", "$1" or "1,000".
_PRICE_RE = re.compile(r"^\d+(\.\d+)?$")

PriceText = Decimal | None


class CuratedRow(BaseModel, frozen=True, extra="forbid"):
    """One validated row of curated_prices.csv (prices in USD per million tokens)."""

    line: int
    date: date
    provider: str = Field(min_length=1)
    model: str = Field(min_length=1)
    tier: Tier
    min_prompt_tokens: int = Field(ge=0)
    input_usd_per_mtok: PriceText = Field(default=None, ge=0, le=MAX_PRICE_PER_MTOK)
    output_usd_per_mtok: PriceText = Field(default=None, ge=0, le=MAX_PRICE_PER_MTOK)
    cache_read_usd_per_mtok: PriceText = Field(default=None, ge=0, le=MAX_PRICE_PER_MTOK)
    cache_write_usd_per_mtok: PriceText = Field(default=None, ge=0, le=MAX_PRICE_PER_MTOK)
    cache_write_1h_usd_per_mtok: PriceText = Field(default=None, ge=0, le=MAX_PRICE_PER_MTOK)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    event: Literal["launch", "price-change", "observed"]
    source_url: str = Field(pattern=r"^https?://\S+$")
    evidence: str = Field(min_length=1)
    confidence: Literal["high", "medium", "low"]

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        # pydantic would read "1715558400" as a Unix time; the file only has ISO dates.
        if not isinstance(value, str) or not _DATE_RE.match(value.strip()):
            raise ValueError("not an ISO date (YYYY-MM-DD)")
        return value.strip()

    @field_validator("min_prompt_tokens", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        if not isinstance(value, str) or not value.strip().isdigit():
            raise ValueError("not a whole number of tokens")
        return int(value)

    @field_validator(*PRICE_COLUMNS, mode="before")
    @classmethod
    def _price(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None  # blank: not known or not offered, never free
        if not isinstance(value, str) or not _PRICE_RE.match(value.strip()):
            raise ValueError(f"not an exact non-negative decimal: {value!r}")
        return Decimal(value.strip())

    @field_validator("provider", "model", "source_url", "evidence", "currency", "tier", "event", "confidence")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @model_validator(mode="after")
    def _has_a_price(self) -> CuratedRow:
        if all(getattr(self, column) is None for column in PRICE_COLUMNS):
            raise ValueError("a row needs at least one price")
        return self

    @property
    def observed_at(self) -> str:
        """The row's date at midnight UTC, in the store's time format."""
        return f"{self.date.isoformat()}T00:00:00Z"

    @property
    def offer_key(self) -> tuple[str, str, str, int, str]:
        """(model, provider, tier, min_prompt_tokens, variant): curated rows have no variant."""
        return (self.model, self.provider, self.tier, self.min_prompt_tokens, "")

    def prices(self) -> tuple[Decimal | None, ...]:
        """The price fields in the store's PRICE_FIELDS order."""
        by_field = {name: getattr(self, column) for column, name in PRICE_COLUMNS.items()}
        return tuple(by_field.get(name) for name in PRICE_FIELDS)


def read_curated(path: Path, catalog: Catalog) -> list[CuratedRow]:
    """Every row of the file, validated and with catalog ids; CuratedDataError lists all problems."""
    validated, problems = read_validated_rows(path, COLUMNS, CuratedRow, CuratedDataError)
    rows: list[CuratedRow] = []
    unknown_models: set[str] = set()
    unknown_providers: set[str] = set()
    for row in validated:
        model_id = catalog.resolve_model(row.model)
        provider_id = catalog.resolve_provider(row.provider)
        if model_id is None:
            unknown_models.add(row.model)
        if provider_id is None:
            unknown_providers.add(row.provider)
        if model_id is None or provider_id is None:
            continue
        rows.append(row.model_copy(update={"model": model_id, "provider": provider_id}))
    if unknown_models:
        problems.append(f"model ids not in the catalog: {', '.join(sorted(unknown_models))}")
    if unknown_providers:
        problems.append(f"provider ids not in the catalog: {', '.join(sorted(unknown_providers))}")
    first_line: dict[tuple, int] = {}
    for row in rows:
        key = (row.date, *row.offer_key)
        if key in first_line:
            problems.append(f"line {row.line}: the same price key as line {first_line[key]}")
        first_line.setdefault(key, row.line)
    if problems:
        raise CuratedDataError(path, problems)
    return rows


def curated_observations(rows: Sequence[CuratedRow]) -> list[Observation]:
    """Store observations, one per row, at the row's date (midnight UTC)."""
    return [
        Observation(
            model_id=row.model,
            provider_id=row.provider,
            tier=row.tier,
            min_prompt_tokens=row.min_prompt_tokens,
            variant="",
            observed_at=row.observed_at,
            currency=row.currency,
            prices=row.prices(),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class LargeMove:
    """A price that moved more than PRICE_JUMP_FACTOR between two consecutive rows of one offer."""

    offer: str
    field: str
    old_at: str
    old: Decimal
    new_at: str
    new: Decimal

    @property
    def factor(self) -> Decimal:
        """How many times larger the bigger price is than the smaller one."""
        return max(self.new / self.old, self.old / self.new)


def large_moves(rows: Sequence[CuratedRow]) -> list[LargeMove]:
    """Moves above 10x between consecutive rows (by date) of each offer: reported, never held back."""
    by_offer: dict[tuple, list[CuratedRow]] = {}
    for row in rows:
        by_offer.setdefault(row.offer_key, []).append(row)
    moves = []
    for key, offer_rows in sorted(by_offer.items()):
        offer_rows.sort(key=lambda r: r.date)
        for before, after in itertools.pairwise(offer_rows):
            for name, old, new in zip(PRICE_FIELDS, before.prices(), after.prices(), strict=True):
                if old is None or new is None or old <= 0 or new <= 0:
                    continue
                if max(new / old, old / new) > PRICE_JUMP_FACTOR:
                    moves.append(
                        LargeMove(
                            offer=_offer_label(key),
                            field=name,
                            old_at=before.observed_at[:10],
                            old=old,
                            new_at=after.observed_at[:10],
                            new=new,
                        )
                    )
    return moves


def _offer_label(key: Sequence[Any]) -> str:
    model, provider, tier, threshold, variant = key
    label = f"{model} @ {provider} {tier}"
    if threshold:
        label += f" >={threshold}"
    return label + (f" [{variant}]" if variant else "")


@dataclass
class CuratedLoad:
    """What one load of the curated file did."""

    path: Path
    rows: int
    run_id: int
    stats: ApplyStats
    low_confidence: int
    moves: list[LargeMove] = field(default_factory=list)
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    corrections: Any = None  # a scraper.corrections.CorrectionsLoad when a corrections file was loaded


def load_curated(
    db: Database, catalog: Catalog, path: Path, rows: Sequence[CuratedRow] | None = None
) -> CuratedLoad:
    """Validate the file (unless ``rows`` were read already), then write it in one transaction
    with its `runs` row. The caller holds the writer lock."""
    if rows is None:
        rows = read_curated(path, catalog)
    observations = curated_observations(rows)
    run_id = start_run(db, SOURCE, ORIGIN)
    try:
        with db.atomic():
            stats = apply_observations(db, observations, origin=ORIGIN, run_id=run_id, source=SOURCE)
            _write_sources(db, rows)
            finish_run(
                db,
                run_id,
                "ok",
                records_seen=len(rows),
                models_seen=len({row.model for row in rows}),
                prices_changed=stats.prices_changed,
                # Curated data is as of its newest row, not of the load.
                observed_at=max((o.observed_at for o in observations), default=None),
            )
    except Exception as error:  # the run row must say why, whatever went wrong
        with db.atomic():
            finish_run(db, run_id, "failed", errors=1, error=f"{type(error).__name__}: {error}")
        raise
    return CuratedLoad(
        path=path,
        rows=len(rows),
        run_id=run_id,
        stats=stats,
        low_confidence=sum(1 for row in rows if row.confidence == "low"),
        moves=large_moves(rows),
        disagreements=curated_disagreements(db),
    )


def _write_sources(db: Database, rows: Sequence[CuratedRow]) -> None:
    """One curated_sources row per CSV row, keyed by (offer_id, valid_from); re-loading overwrites."""
    write_curated_sources(
        db,
        (
            {
                "offer_key": row.offer_key,
                "valid_from": row.observed_at,
                "confidence": row.confidence,
                "event": row.event,
                "source_url": row.source_url,
                "evidence": row.evidence,
            }
            for row in rows
        ),
    )


def run_load_curated(
    db_path: Path,
    catalog: Catalog,
    csv_path: Path,
    *,
    corrections_path: Path | None = None,
    wait: bool = True,
    on_wait: Callable[[Path], None] | None = None,
    curated_window_days: int | None = None,
) -> CuratedLoad:
    """Open the database under the writer lock and load the curated file into it, then the
    corrections file (``corrections_path``, when given and present). ``curated_window_days``,
    when given, is stored with the catalog (the window the views apply to curated prices)."""
    from pricewatch.scraper.corrections import load_corrections, read_corrections
    from pricewatch.scraper.lock import writer_lock
    from pricewatch.scraper.store import abandon_running_runs, open_database, sync_catalog

    rows = read_curated(csv_path, catalog)  # a bad file fails before waiting for the lock
    fixes = None
    if corrections_path is not None and corrections_path.exists():
        fixes = read_corrections(corrections_path, catalog)
    with writer_lock(db_path, wait=wait, on_wait=on_wait):
        db = open_database(db_path)
        abandon_running_runs(db)
        sync_catalog(db, catalog, curated_window_days=curated_window_days)
        load = load_curated(db, catalog, csv_path, rows)
        if corrections_path is not None and fixes is not None:
            load.corrections = load_corrections(db, catalog, corrections_path, fixes)
        return load
