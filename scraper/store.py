"""The SQLite store: schema (through sqlite-utils Migrations), writes and common reads.

Functions take the database as their first argument; there is no module-level
connection. Prices are exact: canonical decimal TEXT per million tokens (see
``pricewatch.money``), never REAL; views CAST where they sort or compare. Times are UTC
ISO 8601 text of one format, ``YYYY-MM-DDTHH:MM:SSZ``, so they compare as text.

History is change-only (``prices`` and ``unit_prices`` are timelines per offer, placed by
``pricewatch.scraper.timeline``): an unchanged refresh only moves ``last_seen``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from pricewatch.errors import StoreError
from pricewatch.money import decimal_from_text, decimal_to_text
from pricewatch.scraper.catalog import Catalog
from pricewatch.scraper.records import PRICE_FIELDS
from pricewatch.scraper.timeline import MEASURED_ORIGINS, Span, place

__all__ = [
    "ORIGINS",
    "RUN_STATUSES",
    "ApplyStats",
    "Observation",
    "UnitObservation",
    "abandon_running_runs",
    "apply_observations",
    "delist_missing",
    "finish_run",
    "format_time",
    "latest_prices",
    "migrations",
    "open_database",
    "parse_time",
    "record_unmapped",
    "save_raw_response",
    "start_run",
    "sync_catalog",
]

ORIGINS = ("live", "replay", "backfill", "curated")
RUN_STATUSES = ("running", "ok", "partial", "failed", "abandoned")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def format_time(moment: datetime) -> str:
    """UTC ISO 8601 text with a Z, to the second: the one time format of the store."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware UTC time")
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """The inverse of format_time; also accepts a bare date (midnight UTC)."""
    if len(text) == 10:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def now_text() -> str:
    """The current time in the store's format."""
    return format_time(datetime.now(UTC))


# ----------------------------------------------------------------------------- schema

migrations = Migrations("pricewatch")


@migrations()
def m001_initial(db: Database) -> None:
    db["runs"].create(
        {
            "id": int,
            "source": str,
            "origin": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "records_seen": int,
            "models_seen": int,
            "prices_changed": int,
            "errors": int,
            "error": str,
            "pid": int,
        },
        pk="id",
    )
    db["runs"].create_index(["source", "started_at"])
    db["models"].create(
        {
            "id": str,
            "name": str,
            "creator": str,
            "open_weights": int,
            "catalogued": int,
            "first_source": str,
            "canonical_slug": str,
            "hugging_face_id": str,
            "listed_at": str,
            "context_length": int,
        },
        pk="id",
    )
    db["providers"].create(
        {"id": str, "name": str, "kind": str, "catalogued": int, "first_source": str}, pk="id"
    )
    db["offers"].create(
        {
            "id": int,
            "model_id": str,
            "provider_id": str,
            "tier": str,
            "min_prompt_tokens": int,
            "variant": str,
            "source": str,
            "quantization": str,
            "context_length": int,
            "delisted_at": str,
        },
        pk="id",
        not_null={"model_id", "provider_id", "tier", "min_prompt_tokens", "variant"},
        defaults={"variant": "", "min_prompt_tokens": 0},
    )
    db["offers"].create_index(
        ["model_id", "provider_id", "tier", "min_prompt_tokens", "variant"], unique=True
    )
    db["offers"].create_index(["source"])
    price_columns: dict[str, Any] = {
        "id": int,
        "offer_id": int,
        "valid_from": str,
        "valid_to": str,
        "last_seen": str,
        "run_id": int,
        "origin": str,
        "currency": str,
    }
    price_columns.update({name: str for name in PRICE_FIELDS})
    price_columns.update({"variable": int, "closed_reason": str})
    db["prices"].create(price_columns, pk="id", foreign_keys=[("offer_id", "offers", "id")])
    db["prices"].create_index(["offer_id", "valid_from"])
    db["prices"].create_index(["valid_to"])
    db["unit_prices"].create(
        {
            "id": int,
            "offer_id": int,
            "unit": str,
            "currency": str,
            "amount": str,
            "valid_from": str,
            "valid_to": str,
            "last_seen": str,
            "run_id": int,
            "origin": str,
            "closed_reason": str,
        },
        pk="id",
        foreign_keys=[("offer_id", "offers", "id")],
    )
    db["unit_prices"].create_index(["offer_id", "unit", "valid_from"])
    db["raw_responses"].create({"sha256": str, "size": int, "compression": str, "body": bytes}, pk="sha256")
    db["fetches"].create(
        {
            "id": int,
            "run_id": int,
            "url": str,
            "status": int,
            "fetched_at": str,
            "sha256": str,
            "etag": str,
            "last_modified": str,
            "content_type": str,
            "repository": str,
            "git_commit": str,
            "path": str,
        },
        pk="id",
    )
    db["fetches"].create_index(["url", "fetched_at"])
    db["unmapped_names"].create(
        {"source": str, "kind": str, "name": str, "first_seen": str, "last_seen": str},
        pk=("source", "kind", "name"),
    )
    db["quarantine"].create(
        {
            "id": int,
            "run_id": int,
            "source": str,
            "observed_at": str,
            "offer": str,
            "observation": str,
            "reason": str,
            "status": str,
            "decided_at": str,
        },
        pk="id",
    )
    db["disagreements"].create(
        {
            "id": int,
            "offer_id": int,
            "observed_at": str,
            "observed_origin": str,
            "observed": str,
            "stored_origin": str,
            "stored": str,
            "run_id": int,
        },
        pk="id",
    )
    db["disagreements"].create_index(["offer_id", "observed_at", "observed_origin", "observed"], unique=True)
    _create_views(db)


def _create_views(db: Database) -> None:
    price_list = ", ".join(f"p.{name}" for name in PRICE_FIELDS)
    db.create_view(
        "current_prices",
        f"""
        SELECT o.model_id AS model, o.provider_id AS provider, o.tier, o.min_prompt_tokens,
               o.variant, o.quantization, {price_list}, p.variable, p.currency, p.origin,
               p.valid_from, p.last_seen, o.id AS offer_id
        FROM prices p JOIN offers o ON o.id = p.offer_id
        WHERE p.valid_to IS NULL
        """,
        replace=True,
    )
    old_new = ", ".join(f"prev.{name} AS old_{name}, p.{name} AS new_{name}" for name in PRICE_FIELDS)
    db.create_view(
        "price_changes",
        f"""
        SELECT o.model_id AS model, o.provider_id AS provider, o.tier, o.min_prompt_tokens,
               o.variant, p.valid_from AS changed_at, {old_new}, prev.currency AS old_currency,
               p.currency AS new_currency, p.origin, o.id AS offer_id, p.id AS price_id
        FROM prices p
        JOIN offers o ON o.id = p.offer_id
        JOIN prices prev ON prev.offer_id = p.offer_id AND prev.valid_to = p.valid_from
        """,
        replace=True,
    )


def open_database(path: Path | str, *, read_only: bool = False) -> Database:
    """The database at ``path`` with WAL on and every migration applied.

    ``read_only`` opens it through a ``mode=ro`` URI, so nothing can change it.
    """
    path = Path(path)
    if read_only:
        if not path.exists():
            raise StoreError(f"no database at {path}: run `pricewatch refresh` or `make demo` first")
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        return Database(conn)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA busy_timeout=30000")
    migrations.apply(db)
    return db


# ----------------------------------------------------------------------------- catalog rows


def sync_catalog(db: Database, catalog: Catalog) -> None:
    """Write the catalog's models and providers (catalogued=1); never removes rows."""
    db["models"].upsert_all(
        (
            {
                "id": m.id,
                "name": m.name,
                "creator": m.creator,
                "open_weights": int(m.open_weights),
                "catalogued": 1,
            }
            for m in catalog.models.values()
        ),
        pk="id",
    )
    db["providers"].upsert_all(
        ({"id": p.id, "name": p.name, "kind": p.kind, "catalogued": 1} for p in catalog.providers.values()),
        pk="id",
    )


def record_unmapped(db: Database, source: str, kind: str, names: Iterable[str], seen_at: str) -> None:
    """Remember names a source used that the catalog does not know (for status --unmapped)."""
    rows = [
        {"source": source, "kind": kind, "name": name, "first_seen": seen_at, "last_seen": seen_at}
        for name in sorted(set(names))
    ]
    if not rows:
        return
    db.conn.executemany(
        "INSERT INTO unmapped_names (source, kind, name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(source, kind, name) DO UPDATE SET "
        "first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)",
        [(r["source"], r["kind"], r["name"], r["first_seen"], r["last_seen"]) for r in rows],
    )


# ----------------------------------------------------------------------------- runs


def start_run(
    db: Database, source: str, origin: str, started_at: str | None = None, pid: int | None = None
) -> int:
    """Insert a `running` row for one source's run and commit it at once (it must survive a crash)."""
    if origin not in ORIGINS:
        raise StoreError(f"unknown origin {origin!r}")
    with db.atomic():
        table = db["runs"]
        table.insert(
            {
                "source": source,
                "origin": origin,
                "started_at": started_at or now_text(),
                "status": "running",
                "records_seen": 0,
                "models_seen": 0,
                "prices_changed": 0,
                "errors": 0,
                "pid": pid,
            }
        )
        return int(table.last_pk)


def finish_run(
    db: Database,
    run_id: int,
    status: str,
    *,
    records_seen: int = 0,
    models_seen: int = 0,
    prices_changed: int = 0,
    errors: int = 0,
    error: str | None = None,
) -> None:
    """Close a run with its status and counts (inside the caller's transaction, if any)."""
    if status not in RUN_STATUSES:
        raise StoreError(f"unknown run status {status!r}")
    db["runs"].update(
        run_id,
        {
            "finished_at": now_text(),
            "status": status,
            "records_seen": records_seen,
            "models_seen": models_seen,
            "prices_changed": prices_changed,
            "errors": errors,
            "error": error,
        },
    )


def abandon_running_runs(db: Database) -> int:
    """Mark runs left `running` by a process that died as `abandoned`; call with the writer lock held."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE runs SET status = 'abandoned', finished_at = ?, "
            "error = coalesce(error, 'the process stopped before the run finished') "
            "WHERE status = 'running'",
            [now_text()],
        )
        return cursor.rowcount


def last_ok_run(db: Database, source: str) -> dict[str, Any] | None:
    """The latest run of ``source`` that finished ok, or None."""
    rows = list(
        db.query(
            "SELECT * FROM runs WHERE source = ? AND status = 'ok' ORDER BY started_at DESC, id DESC LIMIT 1",
            [source],
        )
    )
    return rows[0] if rows else None


# ----------------------------------------------------------------------------- raw responses


def save_raw_response(
    db: Database,
    *,
    run_id: int | None,
    url: str,
    status: int,
    body: bytes | None,
    fetched_at: str,
    etag: str | None = None,
    last_modified: str | None = None,
    content_type: str | None = None,
    repository: str | None = None,
    git_commit: str | None = None,
    path: str | None = None,
) -> str | None:
    """Record a fetch; its body is stored once, content-addressed and compressed.

    Backfilled versions pass ``repository``/``git_commit``/``path`` and no body: they are
    referenced, not copied.
    """
    sha = None
    if body is not None:
        sha = hashlib.sha256(body).hexdigest()
        db.execute(
            "INSERT OR IGNORE INTO raw_responses (sha256, size, compression, body) VALUES (?, ?, 'zlib', ?)",
            [sha, len(body), zlib.compress(body, 6)],
        )
    db["fetches"].insert(
        {
            "run_id": run_id,
            "url": url,
            "status": status,
            "fetched_at": fetched_at,
            "sha256": sha,
            "etag": etag,
            "last_modified": last_modified,
            "content_type": content_type,
            "repository": repository,
            "git_commit": git_commit,
            "path": path,
        }
    )
    return sha


def load_raw_body(db: Database, sha256: str) -> bytes:
    """A stored body by its hash."""
    rows = list(db.query("SELECT compression, body FROM raw_responses WHERE sha256 = ?", [sha256]))
    if not rows:
        raise StoreError(f"no stored response {sha256}")
    row = rows[0]
    return zlib.decompress(row["body"]) if row["compression"] == "zlib" else row["body"]


def last_fetch(db: Database, url: str) -> dict[str, Any] | None:
    """The latest successful fetch of ``url`` with a stored body (for conditional requests)."""
    rows = list(
        db.query(
            "SELECT * FROM fetches WHERE url = ? AND status = 200 AND sha256 IS NOT NULL "
            "ORDER BY fetched_at DESC, id DESC LIMIT 1",
            [url],
        )
    )
    return rows[0] if rows else None


# ----------------------------------------------------------------------------- observations


@dataclass(frozen=True)
class UnitObservation:
    """A non-token price of an offer (per request, image, search, minute)."""

    unit: str
    amount: Decimal


@dataclass(frozen=True)
class Observation:
    """One offer's prices at one time, with catalog ids resolved (or the source's own names)."""

    model_id: str
    provider_id: str
    tier: str
    min_prompt_tokens: int
    variant: str
    observed_at: str
    currency: str = "USD"
    prices: tuple[Decimal | None, ...] = (None,) * len(PRICE_FIELDS)
    variable: bool = False
    unit_prices: tuple[UnitObservation, ...] = ()
    quantization: str | None = None
    context_length: int | None = None

    @property
    def offer_key(self) -> tuple[str, str, str, int, str]:
        """(model, provider, tier, min_prompt_tokens, variant)."""
        return (self.model_id, self.provider_id, self.tier, self.min_prompt_tokens, self.variant)

    def stored_values(self) -> tuple[str | int | None, ...]:
        """The comparable, storable form: currency, canonical price texts, variable flag."""
        texts = tuple(None if p is None else decimal_to_text(p) for p in self.prices)
        return (self.currency, *texts, 1 if self.variable else 0)


def observation_to_json(observation: Observation) -> str:
    """A JSON form of an observation (quarantine keeps records aside this way)."""
    return json.dumps(
        {
            "model_id": observation.model_id,
            "provider_id": observation.provider_id,
            "tier": observation.tier,
            "min_prompt_tokens": observation.min_prompt_tokens,
            "variant": observation.variant,
            "observed_at": observation.observed_at,
            "currency": observation.currency,
            "prices": [None if p is None else decimal_to_text(p) for p in observation.prices],
            "variable": observation.variable,
            "unit_prices": [[u.unit, decimal_to_text(u.amount)] for u in observation.unit_prices],
            "quantization": observation.quantization,
            "context_length": observation.context_length,
        },
        sort_keys=True,
    )


def observation_from_json(text: str) -> Observation:
    """The inverse of observation_to_json."""
    data = json.loads(text)
    return Observation(
        model_id=data["model_id"],
        provider_id=data["provider_id"],
        tier=data["tier"],
        min_prompt_tokens=data["min_prompt_tokens"],
        variant=data["variant"],
        observed_at=data["observed_at"],
        currency=data["currency"],
        prices=tuple(None if p is None else decimal_from_text(p) for p in data["prices"]),
        variable=data["variable"],
        unit_prices=tuple(UnitObservation(u, decimal_from_text(a)) for u, a in data["unit_prices"]),
        quantization=data.get("quantization"),
        context_length=data.get("context_length"),
    )


@dataclass
class ApplyStats:
    """What applying a batch of observations did."""

    observations: int = 0
    price_rows_added: int = 0
    offers_changed: set[int] = field(default_factory=set)
    disagreements: int = 0
    offer_ids_seen: set[int] = field(default_factory=set)

    @property
    def prices_changed(self) -> int:
        """Offers whose price timeline changed."""
        return len(self.offers_changed)


_PRICE_VALUE_COLUMNS = ("currency", *PRICE_FIELDS, "variable")


def _offer_ids(db: Database, observations: Sequence[Observation], source: str | None) -> dict[tuple, int]:
    """Offer ids for every observation's key, creating missing offers."""
    keys = {o.offer_key: o for o in observations}
    existing: dict[tuple, int] = {}
    for row in db.query("SELECT id, model_id, provider_id, tier, min_prompt_tokens, variant FROM offers"):
        key = (row["model_id"], row["provider_id"], row["tier"], row["min_prompt_tokens"], row["variant"])
        if key in keys:
            existing[key] = row["id"]
    missing = [k for k in keys if k not in existing]
    if missing:
        db["offers"].insert_all(
            (
                {
                    "model_id": k[0],
                    "provider_id": k[1],
                    "tier": k[2],
                    "min_prompt_tokens": k[3],
                    "variant": k[4],
                    "source": source,
                    "quantization": keys[k].quantization,
                    "context_length": keys[k].context_length,
                }
                for k in missing
            ),
        )
        for row in db.query("SELECT id, model_id, provider_id, tier, min_prompt_tokens, variant FROM offers"):
            key = (row["model_id"], row["provider_id"], row["tier"], row["min_prompt_tokens"], row["variant"])
            if key in keys:
                existing[key] = row["id"]
    return existing


def _load_spans(
    db: Database, table: str, where: str, params: list[Any], value_columns: Sequence[str]
) -> list[Span]:
    rows = db.query(f"SELECT * FROM {table} WHERE {where} ORDER BY valid_from", params)
    return [
        Span(
            valid_from=r["valid_from"],
            valid_to=r["valid_to"],
            last_seen=r["last_seen"],
            values=tuple(r[c] for c in value_columns),
            origin=r["origin"],
            id=r["id"],
            closed_reason=r["closed_reason"],
        )
        for r in rows
    ]


def _write_spans(
    db: Database,
    table: str,
    before: list[Span],
    after: list[Span],
    removed: Sequence[int],
    fixed: dict[str, Any],
    value_columns: Sequence[str],
    run_id: int | None,
) -> int:
    """Write the difference between two versions of one timeline; returns rows inserted."""
    old = {s.id: s for s in before if s.id is not None}
    for span_id in removed:
        db.execute(f"DELETE FROM {table} WHERE id = ?", [span_id])
    inserted = 0
    for span in after:
        row = {
            "valid_from": span.valid_from,
            "valid_to": span.valid_to,
            "last_seen": span.last_seen,
            "origin": span.origin,
            "closed_reason": span.closed_reason,
            **dict(zip(value_columns, span.values, strict=True)),
        }
        if span.id is None:
            db[table].insert({**fixed, **row, "run_id": run_id})
            inserted += 1
        elif old.get(span.id) != span:
            db[table].update(span.id, row)
    return inserted


def apply_observations(
    db: Database,
    observations: Sequence[Observation],
    *,
    origin: str,
    run_id: int | None,
    source: str | None,
) -> ApplyStats:
    """Place every observation in its offer's timeline (call inside the run's transaction).

    The common case, an observation newer than everything stored for its offer, is
    decided from one bulk read of each offer's latest span; older observations load the
    offer's whole timeline and go through ``timeline.place``.
    """
    stats = ApplyStats(observations=len(observations))
    if not observations:
        return stats
    offer_ids = _offer_ids(db, observations, source)
    ids = sorted(set(offer_ids.values()))
    stats.offer_ids_seen.update(ids)
    latest: dict[int, dict[str, Any]] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.query(
            f"SELECT * FROM prices WHERE id IN (SELECT id FROM ("
            f"SELECT id, row_number() OVER (PARTITION BY offer_id ORDER BY valid_from DESC) AS rn "
            f"FROM prices WHERE offer_id IN ({marks})) WHERE rn = 1)",
            chunk,
        ):
            latest[row["offer_id"]] = row
    bump_last_seen: dict[int, str] = {}
    for observation in sorted(observations, key=lambda o: o.observed_at):
        offer_id = offer_ids[observation.offer_key]
        values = observation.stored_values()
        at = observation.observed_at
        current = latest.get(offer_id)
        if observation.quantization or observation.context_length:
            db.execute(
                "UPDATE offers SET quantization = coalesce(?, quantization), "
                "context_length = coalesce(?, context_length), delisted_at = NULL WHERE id = ?",
                [observation.quantization, observation.context_length, offer_id],
            )
        if source is not None and origin != "curated":
            db.execute(
                "UPDATE offers SET source = ? WHERE id = ? AND source IS NOT ?", [source, offer_id, source]
            )
        fast = current is not None and current["valid_to"] is None and at > current["last_seen"]
        if fast and tuple(current[c] for c in _PRICE_VALUE_COLUMNS) == values:
            current["last_seen"] = at
            bump_last_seen[current["id"]] = at
        elif fast and (origin in MEASURED_ORIGINS or current["origin"] not in MEASURED_ORIGINS):
            db.execute(
                "UPDATE prices SET valid_to = ?, closed_reason = 'changed' WHERE id = ?", [at, current["id"]]
            )
            bump_last_seen.pop(current["id"], None)
            row = {
                "offer_id": offer_id,
                "valid_from": at,
                "valid_to": None,
                "last_seen": at,
                "run_id": run_id,
                "origin": origin,
                "closed_reason": None,
                **dict(zip(_PRICE_VALUE_COLUMNS, values, strict=True)),
            }
            db["prices"].insert(row)
            row["id"] = db["prices"].last_pk
            latest[offer_id] = row
            stats.price_rows_added += 1
            stats.offers_changed.add(offer_id)
            if current["origin"] not in MEASURED_ORIGINS and origin in MEASURED_ORIGINS:
                _record_disagreement(db, offer_id, observation, origin, current, run_id)
                stats.disagreements += 1
        else:
            # Flush pending last_seen bumps so the slow path reads the true timeline.
            _flush_last_seen(db, bump_last_seen)
            before = _load_spans(db, "prices", "offer_id = ?", [offer_id], _PRICE_VALUE_COLUMNS)
            placement = place(before, at, values, origin)
            added = _write_spans(
                db,
                "prices",
                before,
                placement.spans,
                placement.removed_ids,
                {"offer_id": offer_id},
                _PRICE_VALUE_COLUMNS,
                run_id,
            )
            stats.price_rows_added += added
            if placement.changed:
                stats.offers_changed.add(offer_id)
            for disagreement in placement.disagreements:
                stored = dict(zip(_PRICE_VALUE_COLUMNS, disagreement.stored_values, strict=True))
                _record_disagreement(
                    db,
                    offer_id,
                    observation,
                    origin,
                    {**stored, "origin": disagreement.stored_origin},
                    run_id,
                )
                stats.disagreements += 1
            rows = list(
                db.query(
                    "SELECT * FROM prices WHERE offer_id = ? ORDER BY valid_from DESC LIMIT 1", [offer_id]
                )
            )
            latest[offer_id] = rows[0] if rows else None
        _apply_unit_prices(db, offer_id, observation, origin, run_id, stats)
    _flush_last_seen(db, bump_last_seen)
    return stats


def _flush_last_seen(db: Database, bumps: dict[int, str]) -> None:
    if bumps:
        db.conn.executemany(
            "UPDATE prices SET last_seen = ? WHERE id = ?", [(at, pid) for pid, at in bumps.items()]
        )
        bumps.clear()


def _apply_unit_prices(
    db: Database, offer_id: int, observation: Observation, origin: str, run_id: int | None, stats: ApplyStats
) -> None:
    for unit_price in observation.unit_prices:
        values = (observation.currency, decimal_to_text(unit_price.amount))
        before = _load_spans(
            db,
            "unit_prices",
            "offer_id = ? AND unit = ?",
            [offer_id, unit_price.unit],
            ("currency", "amount"),
        )
        placement = place(before, observation.observed_at, values, origin)
        if not placement.changed and not any(
            b.last_seen != a.last_seen for b, a in zip(before, placement.spans, strict=False)
        ):
            continue
        stats.price_rows_added += _write_spans(
            db,
            "unit_prices",
            before,
            placement.spans,
            placement.removed_ids,
            {"offer_id": offer_id, "unit": unit_price.unit},
            ("currency", "amount"),
            run_id,
        )
        if placement.changed:
            stats.offers_changed.add(offer_id)


def _record_disagreement(
    db: Database,
    offer_id: int,
    observation: Observation,
    origin: str,
    stored: dict[str, Any],
    run_id: int | None,
) -> None:
    observed = dict(zip(_PRICE_VALUE_COLUMNS, observation.stored_values(), strict=True))
    stored_values = {c: stored.get(c) for c in _PRICE_VALUE_COLUMNS}
    db.execute(
        "INSERT OR IGNORE INTO disagreements (offer_id, observed_at, observed_origin, observed, stored_origin, "
        "stored, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            offer_id,
            observation.observed_at,
            origin,
            json.dumps(observed, sort_keys=True),
            stored.get("origin"),
            json.dumps(stored_values, sort_keys=True),
            run_id,
        ],
    )


def delist_missing(db: Database, source: str, seen_offer_ids: set[int], at: str) -> int:
    """Close the current prices of this source's offers that a complete listing no longer shows."""
    rows = list(
        db.query(
            "SELECT p.id, p.offer_id FROM prices p JOIN offers o ON o.id = p.offer_id "
            "WHERE o.source = ? AND p.valid_to IS NULL AND p.last_seen < ?",
            [source, at],
        )
    )
    gone = [r for r in rows if r["offer_id"] not in seen_offer_ids]
    for row in gone:
        db.execute("UPDATE prices SET valid_to = ?, closed_reason = 'delisted' WHERE id = ?", [at, row["id"]])
        db.execute(
            "UPDATE unit_prices SET valid_to = ?, closed_reason = 'delisted' "
            "WHERE offer_id = ? AND valid_to IS NULL",
            [at, row["offer_id"]],
        )
        db.execute("UPDATE offers SET delisted_at = ? WHERE id = ?", [at, row["offer_id"]])
    return len(gone)


def latest_prices(
    db: Database, keys: Iterable[tuple[str, str, str, int, str]]
) -> dict[tuple, dict[str, Any]]:
    """The current price row of each offer key that has one (for the sanity guard)."""
    wanted = set(keys)
    result: dict[tuple, dict[str, Any]] = {}
    for row in db.query("SELECT * FROM current_prices"):
        key = (row["model"], row["provider"], row["tier"], row["min_prompt_tokens"], row["variant"])
        if key in wanted:
            result[key] = row
    return result
