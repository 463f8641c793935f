"""Reading the store for the commands that only read: the ``StoreReader`` protocol and its sqlite3 implementation.

The read-only commands (query, history, status, check, trend, ratios, cost, crosscheck),
the scheduler's due-check and the site build receive a ``StoreReader``; they never see a
connection, a cursor or SQL. ``open_reader`` opens the file through a ``mode=ro`` URI with
the standard library's sqlite3, so nothing can change it and sqlite-utils (and through it
numpy, ~0.25 s) is never imported: those commands must start fast (docs/benchmarks.md).

Methods return plain values: frozen dataclasses where the caller picks fields, and
``dict`` rows only where a command prints the row as it is (history, unmapped names,
quarantine, the current-prices download, a user's own query), their keys being the
printed columns. The conversion into the analysis' types happens above the store
(``pricewatch.inputs``): the store never imports ``pricewatch.analysis``.
"""

from __future__ import annotations

import json
import posixpath
import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from pricewatch.defaults import CURATED_WINDOW_SETTING
from pricewatch.errors import QueryError
from pricewatch.fields import PRICE_FIELDS

__all__ = [
    "CORRECTION_NOTE_SQL",
    "LIST_PRICE_NOTE_SQL",
    "PRIVATE_TABLES",
    "AppliedCorrection",
    "CurrentPrice",
    "ListPriceNote",
    "PeriodCitation",
    "PricePeriod",
    "RunStreak",
    "RunSummary",
    "ScheduledPrice",
    "SqliteStoreReader",
    "StoreReader",
    "StoredModel",
    "StoredProvider",
    "UnitPriceNow",
    "open_reader",
]


#: The tables a published copy leaves empty (``public_copy_to``): the providers' pages and API
#: answers, kept privately for re-parsing. Prices are facts; the pages are the providers' own.
PRIVATE_TABLES = ("raw_responses", "raw_archives", "raw_archive_members")


#: SQL of a period's correction note ("input stored 150, corrected to 0.1: why (url)"; several
#: joined by "; "), for the period whose id is ``{price_id}``. The price_history view uses it too.
CORRECTION_NOTE_SQL = (
    "SELECT group_concat(pc.field || ' stored ' || coalesce(pc.stored, 'none') || ', corrected to ' "
    "|| coalesce(pc.corrected, 'none') || ': ' || c.reason || ' (' || c.source_url || ')', '; ') "
    "FROM price_corrections pc JOIN corrections c ON c.id = pc.correction_id WHERE pc.price_id = {price_id}"
)


#: SQL of a period's list-price note ("list input 0.6, output 2.4 (promotion)"), for the
#: period whose id is ``{price_id}``: the struck-through prices of a promotion.
LIST_PRICE_NOTE_SQL = (
    "SELECT 'list ' || group_concat(lp.field || ' ' || lp.amount, ', ') || ' (promotion)' "
    "FROM list_prices lp WHERE lp.price_id = {price_id}"
)


@dataclass(frozen=True)
class ListPriceNote:
    """A list price of a period sold at a promotional price (the period's own price); amount as decimal text."""

    model: str
    provider: str
    tier: str
    min_prompt_tokens: int
    variant: str
    valid_from: str
    field: str
    amount: str


@dataclass(frozen=True, slots=True)
class PeriodCitation:
    """Where a price period was read: the fetch of its run at its start (docs/schema.md, ``fetches``).

    A field is None where the store does not have it (a curated row's citation is its
    ``source_url`` in ``PricePeriod``, not here) or where the run's fetches at that time
    disagree on it (a run that read several URLs at once); ``path`` is then the folder the
    files read at that time share.
    """

    model: str
    provider: str
    tier: str
    min_prompt_tokens: int
    variant: str
    valid_from: str
    fetched_at: str
    url: str | None
    repository: str | None
    commit: str | None
    path: str | None


@dataclass(frozen=True)
class AppliedCorrection:
    """A stored price a cited correction replaced: the period, the field, both values, why."""

    model: str
    provider: str
    tier: str
    min_prompt_tokens: int
    variant: str
    valid_from: str
    field: str
    stored: str | None
    corrected: str | None
    reason: str
    source_url: str


class PricePeriod(NamedTuple):
    """One period of one offer's token prices (a ``prices`` row joined to its offer).

    ``prices`` are Decimals per million tokens in the order of ``PRICE_FIELDS`` (None: not
    given); ``confidence`` and ``source_url`` are a curated row's citation, when there is
    one. ``source`` is the source of the run that opened the period, ``event`` a curated
    row's event (launch / price-change / observed). A named tuple, not a dataclass: the
    site reads every period of the history, and a tuple is built from the cursor's row
    several times faster.
    """

    model: str
    provider: str
    tier: str
    min_prompt_tokens: int
    variant: str
    currency: str
    valid_from: str
    valid_to: str | None
    origin: str
    quantization: str | None
    confidence: str | None
    source_url: str | None
    variable: bool
    prices: tuple[Decimal | None, ...]
    source: str | None = None
    event: str | None = None
    last_seen: str | None = None  # the last confirmation: when a source last saw these values
    last_seen_by: str | None = None  # which source
    closed_reason: str | None = None  # why valid_to: changed, delisted, ...


@dataclass(frozen=True, slots=True)
class CurrentPrice:
    """One offer's prices in force now, with the source that reports the offer."""

    model: str
    provider: str
    tier: str
    min_prompt_tokens: int
    variant: str
    source: str | None
    origin: str
    currency: str
    valid_from: str
    last_seen: str
    prices: Mapping[str, Decimal | None]


@dataclass(frozen=True, slots=True)
class ScheduledPrice:
    """A price change a source announced for a later day and still announces (not withdrawn)."""

    model: str
    provider: str
    tier: str
    min_prompt_tokens: int
    variant: str
    currency: str
    valid_from: str  # the day it starts, midnight UTC
    announced_at: str
    last_seen: str
    prices: Mapping[str, Decimal | None]


@dataclass(frozen=True)
class StoredModel:
    """A ``models`` row: catalogued, or named by a source the catalog does not know."""

    id: str
    name: str | None
    creator: str | None
    open_weights: bool | None
    context_length: int | None
    hugging_face_id: str | None
    catalogued: bool


@dataclass(frozen=True)
class StoredProvider:
    """A ``providers`` row."""

    id: str
    name: str | None
    kind: str | None


@dataclass(frozen=True)
class UnitPriceNow:
    """A current price that is not per token (per request, image, search, minute); amount as decimal text."""

    model: str
    provider: str
    tier: str
    unit: str
    amount: str
    currency: str
    valid_from: str


@dataclass(frozen=True)
class RunSummary:
    """One ``runs`` row: a source's refresh, load or backfill."""

    id: int
    source: str
    origin: str
    status: str
    started_at: str
    finished_at: str | None
    error: str | None
    observed_at: str | None = None  # when the run's data was observed (a replay's recorded time)
    problems: tuple[str, ...] = ()  # a partial run's unreadable items and failed pages (the first 100)


@dataclass(frozen=True)
class RunStreak:
    """A source's runs seen from its newest usable (ok or partial) one: what the health and the retries read."""

    source: str
    observed_at: str | None  # the newest ok or partial run's observation time (None: none yet)
    failures: int  # failed runs after the newest usable one
    failing_since: str | None  # when the first of those finished (wall clock)
    failed_at: str | None  # when the newest of those finished (wall clock)


class StoreReader(Protocol):
    """What the read-only commands and the site may ask of the store."""

    def price_periods(self) -> list[PricePeriod]:
        """Every price period of every offer, oldest first."""
        ...

    def current_prices(self) -> list[CurrentPrice]:
        """Every offer's current prices, with the source that reported the offer."""
        ...

    def scheduled_prices(self) -> list[ScheduledPrice]:
        """Announced price changes not withdrawn, by start day (whether or not the day has come)."""
        ...

    def current_price_rows(
        self, at: str | None = None, window_days: int | None = None
    ) -> list[dict[str, Any]]:
        """The ``current_prices`` view as printed (prices as decimal text), by model, provider and tier.

        With ``at`` and ``window_days``: the same rule at that reference time and window
        (the site's "as of" and the command line's setting) instead of the stored ones.
        """
        ...

    def open_price_rows(self, at: str | None = None, window_days: int | None = None) -> list[dict[str, Any]]:
        """The ``open_prices`` view (every period in force, with ``status`` and ``status_since``),
        prices as decimal text, by model, provider and tier; ``at``/``window_days`` as in
        ``current_price_rows``."""
        ...

    def period_citations(self) -> list[PeriodCitation]:
        """For every price period whose run recorded fetches: the fetch that cites it."""
        ...

    def current_unit_prices(self) -> list[UnitPriceNow]:
        """Every current non-token price, by provider and unit."""
        ...

    def applied_corrections(self) -> list[AppliedCorrection]:
        """Every stored price a correction replaced, by period ([] before the corrections migration)."""
        ...

    def list_price_notes(self) -> list[ListPriceNote]:
        """Every list price a promotional period notes, by period ([] before the list-prices migration)."""
        ...

    def price_history(
        self, model_id: str, *, provider_id: str | None = None, tier: str | None = None
    ) -> list[dict[str, Any]]:
        """A model's price rows as `pricewatch history` prints them, oldest first."""
        ...

    def has_model(self, model_id: str) -> bool:
        """True when ``models`` has this id (a source's own name the catalog does not map)."""
        ...

    def models(self) -> list[StoredModel]:
        """Every stored model."""
        ...

    def providers(self) -> list[StoredProvider]:
        """Every stored provider."""
        ...

    def run_sources(self) -> list[str]:
        """Every source with a run, by name."""
        ...

    def last_run(self, source: str) -> RunSummary | None:
        """The source's latest run (by id), whatever its status."""
        ...

    def last_ok_run(self, source: str) -> RunSummary | None:
        """The source's latest run (by id) that finished ok."""
        ...

    def last_usable_run(self, source: str) -> RunSummary | None:
        """The latest run of ``source`` that stored prices: ok, or partial (some items unreadable)."""
        ...

    def run_streaks(self) -> dict[str, RunStreak]:
        """Source -> its newest usable run's observation time and the failures since ({} before any run)."""
        ...

    def last_observation_times(self) -> dict[str, str]:
        """Source -> observation time of its newest ok, partial or failed run ({} before the first migration).

        A replay or backfill run is observed when its data was recorded, not when it ran; an
        older database without ``runs.observed_at`` gives each run's start.
        """
        ...

    def live_ok_run_count(self) -> int:
        """How many live refreshes finished ok."""
        ...

    def pending_quarantine_count(self, source: str) -> int:
        """How many of the source's observations the sanity guard holds back."""
        ...

    def pending_quarantine(self) -> list[dict[str, Any]]:
        """Every held observation (id, source, observed_at, offer, reason, ...), oldest first."""
        ...

    def unmapped_names(self) -> list[dict[str, Any]]:
        """Names sources used that the catalog does not map (source, kind, name, first_seen, last_seen)."""
        ...

    def embedded_data_date(self) -> str | None:
        """The newest day of curated or replayed data (YYYY-MM-DD), for a database never refreshed live."""
        ...

    def newest_observation(self) -> str | None:
        """The newest observation time of any price (its last confirmation), or None without prices."""
        ...

    def curated_window_days(self) -> int | None:
        """The curated window stored with the database (``settings``, the one the views apply), or None."""
        ...

    def run_user_query(
        self, sql: str, *, timeout_s: float | None = None
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """A user's own read-only SQL (`pricewatch query`): its columns and rows; QueryError when it
        fails, tries to write (an authorizer refuses ATTACH, VACUUM INTO...) or runs past ``timeout_s``.
        Ctrl-C stops it (KeyboardInterrupt)."""
        ...

    def quick_check(self) -> list[str]:
        """What SQLite's ``PRAGMA quick_check`` finds: [] when the file is intact."""
        ...

    def backup_to(self, path: Path) -> None:
        """A consistent copy of the whole database at ``path``, without a write-ahead log."""
        ...

    def public_copy_to(self, path: Path) -> dict[str, int]:
        """``backup_to`` without the providers' pages (``PRIVATE_TABLES`` emptied); rows left out per table."""
        ...

    def snapshot(self) -> None:
        """From now until ``close``, every read and ``backup_to`` sees one state of the database
        (one read transaction), however many refreshes commit meanwhile."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


_OFFER_ORDER = "ORDER BY model, provider, tier, min_prompt_tokens, variant"


def _agreed(values: Iterable[str | None]) -> str | None:
    """The one value all give (None when they differ or give none)."""
    distinct = {value for value in values if value}
    return distinct.pop() if len(distinct) == 1 else None


def _shared_folder(paths: Iterable[str | None]) -> str | None:
    """The one path all give, else the folder they share (None when none or nothing in common)."""
    given = sorted({path for path in paths if path})
    if len(given) <= 1:
        return given[0] if given else None
    shared = posixpath.commonpath(given)
    return shared or None


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _run(row: Mapping[str, Any] | None) -> RunSummary | None:
    if row is None:
        return None
    return RunSummary(
        id=row["id"],
        source=row["source"],
        origin=row["origin"],
        status=row["status"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        error=row["error"],
        observed_at=row.get("observed_at") or row["finished_at"],
        problems=tuple(json.loads(row["problems"])) if row.get("problems") else (),
    )


class SqliteStoreReader:
    """``StoreReader`` on a stdlib sqlite3 connection (opened ``mode=ro`` by ``open_reader``)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._tables: set[str] | None = None
        self._numeric_views: bool | None = None
        self._columns: dict[str, set[str]] = {}

    # -- plumbing

    def _rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[dict[str, Any]]:
        cursor = self._conn.execute(sql, params)
        columns = [d[0] for d in cursor.description or []]
        return [dict(zip(columns, row, strict=True)) for row in cursor]

    def _one(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> dict[str, Any] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _has_table(self, name: str) -> bool:
        # A database opened read-only may predate a migration (no curated_sources, ...).
        if self._tables is None:
            self._tables = {
                r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        return name in self._tables

    def _has_column(self, table: str, column: str) -> bool:
        # A database opened read-only may predate the migration that added a column.
        if table not in self._columns:
            self._columns[table] = {r[1] for r in self._conn.execute(f"PRAGMA table_info({table})")}
        return column in self._columns[table]

    # -- prices

    def price_periods(self) -> list[PricePeriod]:
        # A database opened read-only before the curated_sources migration has no citations.
        cited = self._has_table("curated_sources")
        columns = {  # PricePeriod's fields before `variable`, in order
            "model": "o.model_id",
            "provider": "o.provider_id",
            "tier": "o.tier",
            "min_prompt_tokens": "o.min_prompt_tokens",
            "variant": "o.variant",
            "currency": "p.currency",
            "valid_from": "p.valid_from",
            "valid_to": "p.valid_to",
            "origin": "p.origin",
            "quantization": "o.quantization",
            "confidence": "cs.confidence" if cited else "NULL",
            "source_url": "cs.source_url" if cited else "NULL",
        }
        join = "LEFT JOIN curated_sources cs ON cs.offer_id = p.offer_id AND cs.valid_from = p.valid_from"
        event = "cs.event" if cited else "NULL"
        seen_by = "p.last_seen_by" if self._has_column("prices", "last_seen_by") else "NULL"
        sql = (
            f"SELECT {', '.join(columns.values())}, p.variable, r.source, {event}, "
            f"{', '.join(f'p.{name}' for name in PRICE_FIELDS)}, p.last_seen, {seen_by}, p.closed_reason "
            f"FROM prices p JOIN offers o ON o.id = p.offer_id LEFT JOIN runs r ON r.id = p.run_id "
            f"{join if cited else ''} ORDER BY p.valid_from, p.id"
        )
        fixed = len(columns)
        end = fixed + 3 + len(PRICE_FIELDS)
        # Built from the row tuple directly: no dict per row (the site reads the whole history).
        return [
            PricePeriod(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                row[7],
                row[8],
                row[9],
                row[10],
                row[11],
                bool(row[fixed]),
                tuple([None if text is None else Decimal(text) for text in row[fixed + 3 : end]]),
                row[fixed + 1],
                row[fixed + 2],
                row[end],
                row[end + 1],
                row[end + 2],
            )
            for row in self._conn.execute(sql)
        ]

    def current_prices(self) -> list[CurrentPrice]:
        fields = ", ".join(f"c.{name}{self._text_suffix()} AS {name}" for name in PRICE_FIELDS)
        sql = (
            f"SELECT c.model, c.provider, c.tier, c.min_prompt_tokens, c.variant, o.source, c.origin, c.currency, "
            f"c.valid_from, c.last_seen, {fields} FROM current_prices c JOIN offers o ON o.id = c.offer_id"
        )
        return [
            CurrentPrice(
                model=row["model"],
                provider=row["provider"],
                tier=row["tier"],
                min_prompt_tokens=row["min_prompt_tokens"],
                variant=row["variant"],
                source=row["source"],
                origin=row["origin"],
                currency=row["currency"],
                valid_from=row["valid_from"],
                last_seen=row["last_seen"],
                prices={name: _decimal(row[name]) for name in PRICE_FIELDS},
            )
            for row in self._rows(sql)
        ]

    def scheduled_prices(self) -> list[ScheduledPrice]:
        # A database opened read-only before issue 14's migration has no scheduled changes.
        if not self._has_table("scheduled_prices"):
            return []
        fields = ", ".join(f"s.{name}" for name in PRICE_FIELDS)
        sql = (
            "SELECT o.model_id AS model, o.provider_id AS provider, o.tier, o.min_prompt_tokens, o.variant, "
            f"s.currency, s.valid_from, s.announced_at, s.last_seen, {fields} FROM scheduled_prices s "
            "JOIN offers o ON o.id = s.offer_id WHERE s.withdrawn_at IS NULL "
            "ORDER BY s.valid_from, o.model_id, o.provider_id, o.tier, o.min_prompt_tokens, o.variant"
        )
        return [
            ScheduledPrice(
                **{k: row[k] for k in row if k not in PRICE_FIELDS},
                prices={name: _decimal(row[name]) for name in PRICE_FIELDS},
            )
            for row in self._rows(sql)
        ]

    def current_price_rows(
        self, at: str | None = None, window_days: int | None = None
    ) -> list[dict[str, Any]]:
        if (at is None and window_days is None) or not self._has_table("model_lifecycle"):
            return self._exact(self._rows(f"SELECT * FROM current_prices {_OFFER_ORDER}"))
        from pricewatch.scraper.store.views import current_columns

        return self._open_rows(at, window_days, current_columns(), "WHERE status = 'current'")

    def open_price_rows(self, at: str | None = None, window_days: int | None = None) -> list[dict[str, Any]]:
        if not self._has_table("model_lifecycle"):
            # A database from before the lifecycle views: what is current is all it can say.
            rows = self.current_price_rows(at, window_days)
            return [{**row, "status": "current", "status_since": None} for row in rows]
        return self._open_rows(at, window_days, "*", "")

    def _open_rows(
        self, at: str | None, window_days: int | None, columns: str, where: str
    ) -> list[dict[str, Any]]:
        from pricewatch.scraper.store.views import REFERENCE_SQL, open_prices_sql

        # The views' own rule with this reference time and window bound as parameters.
        reference = f"SELECT coalesce(?, (SELECT at FROM ({REFERENCE_SQL}))) AS at, coalesce(?, (SELECT days FROM ({REFERENCE_SQL}))) AS days"
        return self._exact(
            self._rows(
                f"SELECT {columns} FROM ({open_prices_sql(reference)}) {where} {_OFFER_ORDER}",
                [at, window_days],
            )
        )

    def _exact(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self._text_suffix():
            # Prices as the exact decimal text under their own names (the view's REAL
            # columns are for sorting in SQL; a download must be exact).
            for row in rows:
                for name in PRICE_FIELDS:
                    row[name] = row.pop(f"{name}_text")
        return rows

    def period_citations(self) -> list[PeriodCitation]:
        if not self._has_column("fetches", "repository"):
            return []
        # Every fetch of every run, by run and time; a period is cited by its run's fetches at
        # its start, or (a dated price placed at its day) the first after it, else the last.
        fetches: dict[int, list[tuple[str, str | None, str | None, str | None, str | None]]] = {}
        for run_id, fetched_at, url, repository, commit, path in self._conn.execute(
            "SELECT run_id, fetched_at, url, repository, git_commit, path FROM fetches "
            "WHERE run_id IS NOT NULL ORDER BY run_id, fetched_at, id"
        ):
            fetches.setdefault(run_id, []).append((fetched_at, url, repository, commit, path))
        times = {run_id: [row[0] for row in rows] for run_id, rows in fetches.items()}
        seen: dict[tuple[int, str], tuple[str | None, ...]] = {}
        citations = []
        for model, provider, tier, band, variant, valid_from, run_id in self._conn.execute(
            "SELECT o.model_id, o.provider_id, o.tier, o.min_prompt_tokens, o.variant, p.valid_from, p.run_id "
            "FROM prices p JOIN offers o ON o.id = p.offer_id WHERE p.run_id IS NOT NULL ORDER BY p.id"
        ):
            rows = fetches.get(run_id)
            if not rows:
                continue
            at = times[run_id]
            index = bisect_left(at, valid_from)
            moment = at[index] if index < len(at) else at[-1]
            cited = seen.get((run_id, moment))
            if cited is None:
                # One commit of a folder backfill is thousands of rows: summed up once.
                same = rows[bisect_left(at, moment) : bisect_right(at, moment)]
                cited = seen[run_id, moment] = (
                    *(_agreed(row[i] for row in same) for i in (1, 2, 3)),
                    _shared_folder(row[4] for row in same),
                )
            citations.append(PeriodCitation(model, provider, tier, band, variant, valid_from, moment, *cited))
        return citations

    def _text_suffix(self) -> str:
        """``"_text"`` when the views give each price as REAL beside its exact ``<field>_text``.

        A database opened read-only before that migration has the old views: prices as text.
        """
        if self._numeric_views is None:
            names = {row[1] for row in self._conn.execute("PRAGMA table_info(current_prices)")}
            self._numeric_views = "input_text" in names
        return "_text" if self._numeric_views else ""

    def applied_corrections(self) -> list[AppliedCorrection]:
        if not self._has_table("price_corrections"):
            return []
        return [
            AppliedCorrection(**row)
            for row in self._rows(
                "SELECT o.model_id AS model, o.provider_id AS provider, o.tier, o.min_prompt_tokens, o.variant, "
                "p.valid_from, pc.field, pc.stored, pc.corrected, c.reason, c.source_url "
                "FROM price_corrections pc JOIN corrections c ON c.id = pc.correction_id "
                "JOIN prices p ON p.id = pc.price_id JOIN offers o ON o.id = p.offer_id "
                "ORDER BY p.valid_from, o.model_id, o.provider_id, pc.field"
            )
        ]

    def list_price_notes(self) -> list[ListPriceNote]:
        if not self._has_table("list_prices"):
            return []
        return [
            ListPriceNote(**row)
            for row in self._rows(
                "SELECT o.model_id AS model, o.provider_id AS provider, o.tier, o.min_prompt_tokens, o.variant, "
                "p.valid_from, lp.field, lp.amount FROM list_prices lp JOIN prices p ON p.id = lp.price_id "
                "JOIN offers o ON o.id = p.offer_id ORDER BY p.valid_from, o.model_id, o.provider_id, lp.field"
            )
        ]

    def current_unit_prices(self) -> list[UnitPriceNow]:
        if not self._has_table("unit_prices"):
            return []
        return [
            UnitPriceNow(**row)
            for row in self._rows(
                "SELECT o.model_id AS model, o.provider_id AS provider, o.tier, u.unit, u.amount, u.currency, "
                "u.valid_from FROM unit_prices u JOIN offers o ON o.id = u.offer_id WHERE u.valid_to IS NULL "
                "ORDER BY o.provider_id, u.unit"
            )
        ]

    def price_history(
        self, model_id: str, *, provider_id: str | None = None, tier: str | None = None
    ) -> list[dict[str, Any]]:
        where = ["o.model_id = ?"]
        params: list[Any] = [model_id]
        if provider_id:
            where.append("o.provider_id = ?")
            params.append(provider_id)
        if tier:
            where.append("o.tier = ?")
            params.append(tier)
        fields = ", ".join(f"p.{name}" for name in PRICE_FIELDS)
        # Curated rows carry their confidence and citation; a low-confidence one is never shown
        # as fact. A database opened read-only before that migration has no curated_sources.
        if self._has_table("curated_sources"):
            cited = (
                "CASE WHEN cs.confidence = 'low' THEN 'low (unverified)' ELSE cs.confidence END AS confidence, "
                "cs.source_url"
            )
            join = (
                "LEFT JOIN curated_sources cs ON p.origin = 'curated' AND cs.offer_id = p.offer_id "
                "AND cs.valid_from = p.valid_from"
            )
        else:
            cited, join = "NULL AS confidence, NULL AS source_url", ""
        # A corrected period says so: what was stored, what is right, why and where from.
        correction = (
            f"({CORRECTION_NOTE_SQL.format(price_id='p.id')}) AS correction"
            if self._has_table("price_corrections")
            else "NULL AS correction"
        )
        # A promotional period names the list price it was sold below.
        listed = (
            f"({LIST_PRICE_NOTE_SQL.format(price_id='p.id')}) AS list_price"
            if self._has_table("list_prices")
            else "NULL AS list_price"
        )
        sql = (
            f"SELECT p.valid_from, p.valid_to, o.provider_id AS provider, o.tier, o.min_prompt_tokens, o.variant, "
            f"{fields}, {listed}, p.currency, p.origin, {cited}, p.closed_reason, p.last_seen, {correction} "
            f"FROM prices p JOIN offers o ON o.id = p.offer_id {join} WHERE {' AND '.join(where)} "
            f"ORDER BY p.valid_from, o.provider_id, o.tier, o.min_prompt_tokens, o.variant"
        )
        return self._rows(sql, params)

    def newest_observation(self) -> str | None:
        row = self._one("SELECT max(last_seen) AS newest FROM prices")
        return row["newest"] if row else None

    def curated_window_days(self) -> int | None:
        if not self._has_table("settings"):
            return None
        row = self._one("SELECT value FROM settings WHERE name = ?", [CURATED_WINDOW_SETTING])
        return int(row["value"]) if row and str(row["value"]).isdigit() else None

    def embedded_data_date(self) -> str | None:
        row = self._one("SELECT max(valid_from) AS newest FROM prices WHERE origin IN ('curated', 'replay')")
        return row["newest"][:10] if row and row["newest"] else None

    # -- catalog rows

    def has_model(self, model_id: str) -> bool:
        return self._one("SELECT id FROM models WHERE id = ?", [model_id]) is not None

    def models(self) -> list[StoredModel]:
        return [
            StoredModel(
                id=row["id"],
                name=row["name"],
                creator=row["creator"],
                open_weights=None if row["open_weights"] is None else bool(row["open_weights"]),
                context_length=row.get("context_length"),
                hugging_face_id=row.get("hugging_face_id"),
                catalogued=bool(row.get("catalogued")),
            )
            for row in self._rows("SELECT * FROM models")
        ]

    def providers(self) -> list[StoredProvider]:
        return [
            StoredProvider(id=row["id"], name=row["name"], kind=row["kind"])
            for row in self._rows("SELECT id, name, kind FROM providers")
        ]

    # -- runs and quarantine

    def run_sources(self) -> list[str]:
        return [r["source"] for r in self._rows("SELECT DISTINCT source FROM runs ORDER BY source")]

    def last_run(self, source: str) -> RunSummary | None:
        return _run(self._one("SELECT * FROM runs WHERE source = ? ORDER BY id DESC LIMIT 1", [source]))

    def last_ok_run(self, source: str) -> RunSummary | None:
        return _run(
            self._one(
                "SELECT * FROM runs WHERE source = ? AND status = 'ok' ORDER BY id DESC LIMIT 1", [source]
            )
        )

    def last_usable_run(self, source: str) -> RunSummary | None:
        return _run(
            self._one(
                "SELECT * FROM runs WHERE source = ? AND status IN ('ok', 'partial') ORDER BY id DESC LIMIT 1",
                [source],
            )
        )

    def run_streaks(self) -> dict[str, RunStreak]:
        if not self._has_table("runs"):  # a file not yet migrated: nothing ran
            return {}
        at = "coalesce(observed_at, started_at)" if self._has_column("runs", "observed_at") else "started_at"
        failed = "r.status = 'failed' AND r.id > coalesce(u.id, 0)"
        rows = self._rows(
            "WITH usable AS ("
            f"  SELECT source, max(id) AS id, max({at}) AS observed_at FROM runs"
            "  WHERE status IN ('ok', 'partial') GROUP BY source) "
            "SELECT r.source AS source, u.observed_at AS observed_at, "
            f"  count(CASE WHEN {failed} THEN 1 END) AS failures, "
            f"  min(CASE WHEN {failed} THEN coalesce(r.finished_at, r.started_at) END) AS failing_since, "
            f"  max(CASE WHEN {failed} THEN coalesce(r.finished_at, r.started_at) END) AS failed_at "
            "FROM runs r LEFT JOIN usable u ON u.source = r.source "
            "WHERE r.status IN ('ok', 'partial', 'failed') GROUP BY r.source"
        )
        return {r["source"]: RunStreak(**r) for r in rows}

    def last_observation_times(self) -> dict[str, str]:
        if not self._has_table("runs"):  # a file not yet migrated: nothing ran
            return {}
        at = "coalesce(observed_at, started_at)" if self._has_column("runs", "observed_at") else "started_at"
        rows = self._rows(
            f"SELECT source, max({at}) AS observed_at FROM runs "
            "WHERE status IN ('ok', 'partial', 'failed') GROUP BY source"
        )
        return {r["source"]: r["observed_at"] for r in rows if r["observed_at"]}

    def live_ok_run_count(self) -> int:
        row = self._one("SELECT count(*) AS n FROM runs WHERE origin = 'live' AND status = 'ok'")
        return row["n"] if row else 0

    def pending_quarantine_count(self, source: str) -> int:
        row = self._one(
            "SELECT count(*) AS n FROM quarantine WHERE source = ? AND status = 'pending'", [source]
        )
        return row["n"] if row else 0

    def pending_quarantine(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM quarantine WHERE status = 'pending' ORDER BY id")

    def unmapped_names(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM unmapped_names ORDER BY source, kind, name")

    # -- the whole file

    def run_user_query(
        self, sql: str, *, timeout_s: float | None = None
    ) -> tuple[list[str], list[dict[str, Any]]]:
        stop = _QueryStop(timeout_s)
        self._conn.set_authorizer(_read_only_authorizer)
        self._conn.set_progress_handler(stop.check, 1000)
        try:
            with stop.on_ctrl_c():
                try:
                    cursor = self._conn.execute(sql)
                    columns = [d[0] for d in cursor.description or []]
                    rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
                except sqlite3.Error as error:
                    stop.raise_if_stopped()
                    if "not authorized" in str(error) or "authorization denied" in str(error):
                        raise QueryError(
                            f"refused ({error}): `query` only reads; ATTACH, VACUUM INTO, writes and "
                            "PRAGMA settings are not allowed"
                        ) from None
                    raise QueryError(str(error)) from None
        finally:
            self._conn.set_progress_handler(None, 0)
            self._conn.set_authorizer(None)
        return columns, rows

    def quick_check(self) -> list[str]:
        from pricewatch.scraper.store.files import quick_check

        return quick_check(self._conn)

    def backup_to(self, path: Path) -> None:
        # SQLite's backup API gives a consistent copy even while a refresh is writing.
        target = sqlite3.connect(path)
        try:
            self._conn.backup(target)
            # A copy is read by others: no write-ahead log beside it.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()

    def public_copy_to(self, path: Path) -> dict[str, int]:
        self.backup_to(path)
        target = sqlite3.connect(path)
        try:
            tables = {r[0] for r in target.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            removed = {}
            with target:
                for table in PRIVATE_TABLES:
                    if table in tables:
                        removed[table] = target.execute(f"DELETE FROM {table}").rowcount
            target.execute("VACUUM")  # the deleted pages leave the file, not only the tables
        finally:
            target.close()
        return removed

    def snapshot(self) -> None:
        # A read transaction pins the write-ahead log's snapshot at its first read; the
        # backup API reads through it too (a build's pages and its download agree).
        if not self._conn.in_transaction:
            self._conn.execute("BEGIN")
            self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()

    def close(self) -> None:
        self._conn.close()


# What `pricewatch query` may do: read. The file is open mode=ro, but ATTACH (and VACUUM
# INTO, which attaches) would still create files at any path; SQLite asks this first.
_READ_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
_READ_PRAGMAS = frozenset(
    {
        "table_info",
        "table_xinfo",
        "table_list",
        "index_list",
        "index_info",
        "index_xinfo",
        "foreign_key_list",
        "function_list",
        "collation_list",
        "compile_options",
    }
)


def _read_only_authorizer(action: int, arg1: str | None, *_: Any) -> int:
    if action in _READ_ACTIONS or (action == sqlite3.SQLITE_PRAGMA and arg1 in _READ_PRAGMAS):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


class _QueryStop:
    """Stops a user's query past its deadline or on Ctrl-C (SQLite's progress handler asks it)."""

    def __init__(self, timeout_s: float | None) -> None:
        import time

        self._clock = time.monotonic
        self.timeout_s = timeout_s
        self._deadline = None if not timeout_s else self._clock() + timeout_s
        self.why: str | None = None

    def check(self) -> int:
        if self.why is None and self._deadline is not None and self._clock() > self._deadline:
            self.why = "timeout"
        return 1 if self.why else 0  # non-zero: SQLite stops the statement

    def raise_if_stopped(self) -> None:
        if self.why == "timeout":
            raise QueryError(f"stopped after {self.timeout_s:g} s (--timeout; 0 means none)")
        if self.why == "interrupt":
            raise KeyboardInterrupt

    def on_ctrl_c(self) -> Any:
        """While the query runs, Ctrl-C asks SQLite to stop (Python's own handler waits for it to end)."""
        import contextlib
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return contextlib.nullcontext()

        @contextlib.contextmanager
        def handled() -> Any:
            def interrupt(signum: int, frame: Any) -> None:
                self.why = "interrupt"

            previous = signal.signal(signal.SIGINT, interrupt)
            try:
                yield
            finally:
                signal.signal(signal.SIGINT, previous)
            self.raise_if_stopped()

        return handled()


def open_reader(path: Path | str) -> SqliteStoreReader:
    """The database at ``path`` opened through a ``mode=ro`` URI, so nothing can change it.

    NoDatabaseError when there is no file (none is created); ForeignDatabaseError for an
    SQLite file that is not ours. Where SQLite cannot open it ``mode=ro`` (a read-only
    folder gives a WAL database no ``-shm``), it is opened ``immutable=1``, which needs
    none: every writer checkpoints its log into the file when it lets go of the lock.
    """
    from pricewatch.scraper.store.files import refuse_foreign, require_database

    path = require_database(path)
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
    try:
        refuse_foreign(conn, path)
    except sqlite3.OperationalError:
        conn.close()
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True)
        refuse_foreign(conn, path)
    except BaseException:
        conn.close()
        raise
    return SqliteStoreReader(conn)
