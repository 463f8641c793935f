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
import io
import json
import sqlite3
import tarfile
import threading
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


@migrations()
def m002_fetches_change_only(db: Database) -> None:
    # An unchanged refresh must cost nothing: a fetch that returns the body already
    # stored for its URL only moves `last_fetched_at` on the existing row.
    db["fetches"].add_column("last_fetched_at", str)
    db.execute("UPDATE fetches SET last_fetched_at = fetched_at")


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


@migrations()
def m003_curated_sources(db: Database) -> None:
    # Confidence and citation of each curated row, so whatever shows a curated price can
    # say how sure it is (a `low` row is never shown as fact). Keyed like the price row
    # the curated value opened: (offer_id, valid_from).
    db["curated_sources"].create(
        {
            "offer_id": int,
            "valid_from": str,
            "confidence": str,
            "event": str,
            "source_url": str,
            "evidence": str,
        },
        pk=("offer_id", "valid_from"),
        foreign_keys=[("offer_id", "offers", "id")],
    )


@migrations()
def m004_fx_rates(db: Database) -> None:
    # Dated reference rates (data/fx_rates.csv, loaded by pricewatch.scraper.fx) and a USD
    # view of the current prices in which every converted figure says so.
    db["fx_rates"].create(
        {
            "date": str,
            "currency": str,
            "usd_per_unit": str,
            "source_url": str,
            "note": str,
            "confidence": str,
        },
        pk=("currency", "date"),
    )
    # Decimal text in, decimal text out: SQLite multiplies REALs, so a converted price is
    # rounded to 6 decimals and printed without an exponent (USD prices pass unchanged).
    converted = ",\n".join(
        f"CASE WHEN c.currency = 'USD' THEN c.{name} WHEN c.{name} IS NULL OR r.usd_per_unit IS NULL THEN NULL "
        f"ELSE rtrim(rtrim(printf('%.6f', CAST(c.{name} AS REAL) * CAST(r.usd_per_unit AS REAL)), '0'), '.') "
        f"END AS {name}"
        for name in PRICE_FIELDS
    )
    db.create_view(
        "current_prices_usd",
        f"""
        WITH latest AS (
            SELECT f.currency, f.usd_per_unit, f.date FROM fx_rates f
            WHERE f.date = (SELECT max(g.date) FROM fx_rates g WHERE g.currency = f.currency)
        )
        SELECT c.model, c.provider, c.tier, c.min_prompt_tokens, c.variant, c.quantization,
               {converted},
               c.variable, c.currency AS published_currency,
               CASE WHEN c.currency != 'USD' AND r.usd_per_unit IS NOT NULL THEN 1 ELSE 0 END AS converted,
               r.usd_per_unit AS fx_rate, r.date AS fx_date,
               c.origin, c.valid_from, c.last_seen, c.offer_id
        FROM current_prices c
        LEFT JOIN latest r ON r.currency = c.currency AND c.currency != 'USD'
        """,
        replace=True,
    )


@migrations()
def m005_raw_archives(db: Database) -> None:
    # `pricewatch vacuum` moves old raw bodies out of raw_responses into one tar.xz per
    # month (bodies named by sha256); fetches.sha256 keeps pointing at them and
    # load_raw_body looks in the archive when a body is no longer in raw_responses.
    db["raw_archives"].create(
        {"month": str, "format": str, "bodies": int, "size": int, "archive": bytes, "updated_at": str},
        pk="month",
    )
    db["raw_archive_members"].create({"sha256": str, "month": str, "size": int}, pk="sha256")
    db["raw_archive_members"].create_index(["month"])


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
        stored = db.conn.execute("SELECT 1 FROM raw_responses WHERE sha256 = ?", [sha]).fetchone()
        if stored is None:
            db.conn.execute(
                "INSERT INTO raw_responses (sha256, size, compression, body) VALUES (?, ?, 'zlib', ?)",
                [sha, len(body), zlib.compress(body, 6)],
            )
    if repository is None:
        latest = db.conn.execute(
            "SELECT id, sha256, status, last_fetched_at FROM fetches WHERE url = ? AND repository IS NULL "
            "ORDER BY fetched_at DESC, id DESC LIMIT 1",
            [url],
        ).fetchone()
        if latest is not None and latest[1] == sha and latest[2] == status and sha is not None:
            if latest[3] is None or fetched_at > latest[3]:
                db.conn.execute(
                    "UPDATE fetches SET last_fetched_at = ? WHERE id = ?", [fetched_at, latest[0]]
                )
            return sha
    db.conn.execute(
        "INSERT INTO fetches (run_id, url, status, fetched_at, last_fetched_at, sha256, etag, last_modified, "
        "content_type, repository, git_commit, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            url,
            status,
            fetched_at,
            fetched_at,
            sha,
            etag,
            last_modified,
            content_type,
            repository,
            git_commit,
            path,
        ],
    )
    return sha


def load_raw_body(db: Database, sha256: str) -> bytes:
    """A stored body by its hash."""
    rows = list(db.query("SELECT compression, body FROM raw_responses WHERE sha256 = ?", [sha256]))
    if not rows:
        archived = _load_archived_body(db, sha256)
        if archived is None:
            raise StoreError(
                f"no stored response {sha256} (never stored, or pruned by `pricewatch vacuum --prune`)"
            )
        return archived
    row = rows[0]
    return zlib.decompress(row["body"]) if row["compression"] == "zlib" else row["body"]


class _ArchiveReader:
    """A forward-only reader of one month's tar.xz, kept between calls (one per thread).

    `pricewatch vacuum` writes members in the order the bodies were last fetched, and
    `reparse` reads them in fetch order, so reading on from where the last call stopped
    decompresses a month once instead of once per body. A body behind the reader's
    position costs one restart.
    """

    def __init__(self, key: tuple, blob: bytes) -> None:
        self.key = key
        self.blob = blob
        self._restart()

    def _restart(self) -> None:
        # Kept open across calls on purpose; it only reads the bytes in memory.
        self.archive = tarfile.open(fileobj=io.BytesIO(self.blob), mode="r|xz")  # noqa: SIM115
        # One iterator per pass: iterating the TarFile again would revisit (seek back to) old members.
        self.members = iter(self.archive)

    def _scan(self, sha256: str) -> bytes | None:
        for member in self.members:
            handle = self.archive.extractfile(member)
            if member.name == sha256:
                return handle.read() if handle is not None else None
        return None

    def find(self, sha256: str) -> bytes | None:
        found = self._scan(sha256)
        if found is None:
            self._restart()
            found = self._scan(sha256)
        return found


_archive_readers = threading.local()


def _load_archived_body(db: Database, sha256: str) -> bytes | None:
    """A body from its month's tar.xz archive (written by `pricewatch vacuum`), or None."""
    if not db["raw_archive_members"].exists():  # a read-only database from before the migration
        return None
    row = db.execute(
        "SELECT a.month, a.updated_at FROM raw_archive_members m JOIN raw_archives a ON a.month = m.month "
        "WHERE m.sha256 = ?",
        [sha256],
    ).fetchone()
    if row is None:
        return None
    key = (id(db.conn), *row)
    reader = getattr(_archive_readers, "reader", None)
    if reader is None or reader.key != key:
        blob = db.execute("SELECT archive FROM raw_archives WHERE month = ?", [row[0]]).fetchone()[0]
        reader = _archive_readers.reader = _ArchiveReader(key, blob)
    return reader.find(sha256)


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


_OFFER_COLUMNS = "id, model_id, provider_id, tier, min_prompt_tokens, variant, source, quantization, context_length, delisted_at"


def _offer_rows(db: Database, observations: Sequence[Observation], source: str | None) -> dict[tuple, dict]:
    """The offer row for every observation's key, creating missing offers."""
    keys = {o.offer_key: o for o in observations}

    def read() -> dict[tuple, dict]:
        found = {}
        for row in db.query(f"SELECT {_OFFER_COLUMNS} FROM offers"):
            key = (row["model_id"], row["provider_id"], row["tier"], row["min_prompt_tokens"], row["variant"])
            if key in keys:
                found[key] = row
        return found

    existing = read()
    missing = [k for k in keys if k not in existing]
    if missing:
        db.conn.executemany(
            "INSERT INTO offers (model_id, provider_id, tier, min_prompt_tokens, variant, source, quantization, "
            "context_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(*k, source, keys[k].quantization, keys[k].context_length) for k in missing],
        )
        existing = read()
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
    offers = _offer_rows(db, observations, source)
    offer_ids = {key: row["id"] for key, row in offers.items()}
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
        offer = offers[observation.offer_key]
        if (
            (observation.quantization and observation.quantization != offer["quantization"])
            or (observation.context_length and observation.context_length != offer["context_length"])
            or offer["delisted_at"] is not None
        ):
            db.execute(
                "UPDATE offers SET quantization = coalesce(?, quantization), "
                "context_length = coalesce(?, context_length), delisted_at = NULL WHERE id = ?",
                [observation.quantization, observation.context_length, offer_id],
            )
            offer["quantization"] = observation.quantization or offer["quantization"]
            offer["context_length"] = observation.context_length or offer["context_length"]
            offer["delisted_at"] = None
        # Only a live or replayed listing says who reports an offer now; curated and
        # backfilled history names the source only of the offers it creates.
        if source is not None and origin not in ("curated", "backfill") and offer["source"] != source:
            db.execute("UPDATE offers SET source = ? WHERE id = ?", [source, offer_id])
            offer["source"] = source
        fast = current is not None and current["valid_to"] is None and at > current["last_seen"]
        if current is None:
            # A new offer: its first price opens its timeline.
            row = _insert_price(db, offer_id, at, values, origin, run_id)
            latest[offer_id] = row
            stats.price_rows_added += 1
            stats.offers_changed.add(offer_id)
        elif fast and tuple(current[c] for c in _PRICE_VALUE_COLUMNS) == values:
            current["last_seen"] = at
            bump_last_seen[current["id"]] = at
        elif fast and (origin in MEASURED_ORIGINS or current["origin"] not in MEASURED_ORIGINS):
            # The closed row keeps its last sighting: a pending last_seen bump is written here.
            db.execute(
                "UPDATE prices SET valid_to = ?, closed_reason = 'changed', last_seen = ? WHERE id = ?",
                [at, current["last_seen"], current["id"]],
            )
            bump_last_seen.pop(current["id"], None)
            latest[offer_id] = _insert_price(db, offer_id, at, values, origin, run_id)
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


_INSERT_PRICE_SQL = (
    "INSERT INTO prices (offer_id, valid_from, valid_to, last_seen, run_id, origin, closed_reason, "
    + ", ".join(_PRICE_VALUE_COLUMNS)
    + ") VALUES (?, ?, NULL, ?, ?, ?, NULL, "
    + ", ".join("?" * len(_PRICE_VALUE_COLUMNS))
    + ")"
)


def _insert_price(
    db: Database, offer_id: int, at: str, values: tuple, origin: str, run_id: int | None
) -> dict[str, Any]:
    """Open a new current price row (plain SQL: sqlite-utils' insert inspects the table per call)."""
    cursor = db.execute(_INSERT_PRICE_SQL, [offer_id, at, at, run_id, origin, *values])
    return {
        "id": cursor.lastrowid,
        "offer_id": offer_id,
        "valid_from": at,
        "valid_to": None,
        "last_seen": at,
        "run_id": run_id,
        "origin": origin,
        "closed_reason": None,
        **dict(zip(_PRICE_VALUE_COLUMNS, values, strict=True)),
    }


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
