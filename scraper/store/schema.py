"""The schema: sqlite-utils ``Migrations("pricewatch")``, one decorated function per step, and the views.

Prices are exact: canonical decimal TEXT per million tokens (see ``pricewatch.money``),
never REAL; the views give each price as REAL beside its exact text (``views.py``). ``open_database`` is the writers' way
in (WAL, busy timeout, every migration applied); the read-only commands open the file
through ``store.reader`` instead, without sqlite-utils.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from pricewatch.fields import PRICE_FIELDS

__all__ = ["Database", "migrations", "open_database"]

migrations = Migrations("pricewatch")


@migrations()
def m001_initial(db: Database) -> None:
    db.table("runs").create(
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
    db.table("runs").create_index(["source", "started_at"])
    db.table("models").create(
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
    db.table("providers").create(
        {"id": str, "name": str, "kind": str, "catalogued": int, "first_source": str}, pk="id"
    )
    db.table("offers").create(
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
    db.table("offers").create_index(
        ["model_id", "provider_id", "tier", "min_prompt_tokens", "variant"], unique=True
    )
    db.table("offers").create_index(["source"])
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
    db.table("prices").create(price_columns, pk="id", foreign_keys=[("offer_id", "offers", "id")])
    db.table("prices").create_index(["offer_id", "valid_from"])
    db.table("prices").create_index(["valid_to"])
    db.table("unit_prices").create(
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
    db.table("unit_prices").create_index(["offer_id", "unit", "valid_from"])
    db.table("raw_responses").create(
        {"sha256": str, "size": int, "compression": str, "body": bytes}, pk="sha256"
    )
    db.table("fetches").create(
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
    db.table("fetches").create_index(["url", "fetched_at"])
    db.table("unmapped_names").create(
        {"source": str, "kind": str, "name": str, "first_seen": str, "last_seen": str},
        pk=("source", "kind", "name"),
    )
    db.table("quarantine").create(
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
    db.table("disagreements").create(
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
    db.table("disagreements").create_index(
        ["offer_id", "observed_at", "observed_origin", "observed"], unique=True
    )
    _create_views(db)


@migrations()
def m002_fetches_change_only(db: Database) -> None:
    # An unchanged refresh must cost nothing: a fetch that returns the body already
    # stored for its URL only moves `last_fetched_at` on the existing row.
    db.table("fetches").add_column("last_fetched_at", str)
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
    db.table("curated_sources").create(
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
    db.table("fx_rates").create(
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
    db.table("raw_archives").create(
        {"month": str, "format": str, "bodies": int, "size": int, "archive": bytes, "updated_at": str},
        pk="month",
    )
    db.table("raw_archive_members").create({"sha256": str, "month": str, "size": int}, pk="sha256")
    db.table("raw_archive_members").create_index(["month"])


@migrations()
def m_confirm_last_confirmation(db: Database) -> None:
    # Registered before the migrations that rebuild offers with the store's own writers
    # (m_identity_*), which record the confirming source; a database that applied those
    # already gets this one after them, which is the same.
    # How we know each price: ``prices.last_seen`` is its last confirmation (the observation
    # time of the last source that saw these values) and ``last_seen_by`` names that source;
    # ``runs.observed_at`` is the observation time of a run's data (a replay's recorded time,
    # a backfill's newest commit, the newest row of the curated file), which `status`, the
    # site and the scheduler age sources by. An existing database is carried forward with
    # the best the old rows tell: the run that wrote a row, the fetches or prices of a run.
    db.table("prices").add_column("last_seen_by", str)
    db.execute(
        "UPDATE prices SET last_seen_by = coalesce((SELECT r.source FROM runs r WHERE r.id = prices.run_id), "
        "CASE WHEN origin = 'curated' THEN 'curated' END)"
    )
    db.table("runs").add_column("observed_at", str)
    db.execute(
        "UPDATE runs SET observed_at = coalesce("
        "(SELECT max(f.fetched_at) FROM fetches f WHERE f.run_id = runs.id), "
        "(SELECT max(p.last_seen) FROM prices p WHERE p.run_id = runs.id), started_at) "
        "WHERE status != 'running'"
    )
    # The views name the confirming source (``confirmed_by``) once the column exists; a new
    # database gets them from the later migration that creates the numeric views.
    if "price_history" in db.view_names():
        from pricewatch.scraper.store.views import create_price_views

        create_price_views(db)


@migrations()
def m_identity_one_offer_per_host(db: Database) -> None:
    # Issue 13, point 3: an endpoint's tag is no longer part of its offer (endpoints of one
    # host at one price are one offer, merged with the curated or first-party offer of that
    # host), and a provider the catalog does not know is stored under its slug. The offers
    # keyed the old way are rebuilt from their history (scraper/store/identity.py).
    from pricewatch.scraper.sources import all_sources
    from pricewatch.scraper.store.identity import one_identity_per_host

    owners = frozenset(m.NAME for m in all_sources() if getattr(m, "KIND", "") != "aggregator")
    one_identity_per_host(db, owners)


@migrations()
def m_pages_ag_scheduled_prices(db: Database) -> None:
    # Issue 14: prices a source announces for a later day ("$1.50 starting January 1, 2027"),
    # kept apart from the `prices` timelines until that day (scraper/store/scheduled.py).
    # One row per offer and start day; `withdrawn_at` is set when the source stops announcing it.
    columns: dict[str, Any] = {
        "id": int,
        "offer_id": int,
        "valid_from": str,
        "currency": str,
    }
    columns.update({name: str for name in PRICE_FIELDS})
    columns.update(
        {
            "variable": int,
            "announced_at": str,
            "last_seen": str,
            "withdrawn_at": str,
            "origin": str,
            "run_id": int,
        }
    )
    db.table("scheduled_prices").create(columns, pk="id", foreign_keys=[("offer_id", "offers", "id")])
    db.table("scheduled_prices").create_index(["offer_id", "valid_from"], unique=True)


@migrations()
def m_changes_corrections(db: Database) -> None:
    # Issue 13 ("Corrections"): data/corrections.csv as loaded, and which stored period
    # fields each correction changed, with what was stored (scraper/store/corrections.py).
    db.table("corrections").create(
        {
            "id": str,
            "line": int,
            "model": str,
            "provider": str,
            "tier": str,
            "min_prompt_tokens": int,
            "variant": str,
            "valid_from": str,
            "valid_until": str,
            "field": str,
            "stored": str,
            "corrected": str,
            "reason": str,
            "source_url": str,
        },
        pk="id",
    )
    db.table("price_corrections").create(
        {"price_id": int, "field": str, "stored": str, "corrected": str, "correction_id": str},
        pk=("price_id", "field"),
    )


@migrations()
def m_changes_price_views(db: Database) -> None:
    # Issue 13 ("SQL that sorts", "Changes are changes"): every view gives each price as
    # REAL (`input`: sorts and compares numerically) beside its exact stored text
    # (`input_text`); the `price_history` view lists every period; `price_changes` lists
    # changes, new offers and ended offers (scraper/store/views.py). The index serves the
    # events' "period before" lookups (offer, end).
    from pricewatch.scraper.store.views import create_price_views

    db.table("prices").create_index(["offer_id", "valid_to"], if_not_exists=True)
    create_price_views(db)


@migrations()
def m_ranks_third_party_origin(db: Database) -> None:
    # Prices a third-party price database recorded (LiteLLM's map, backfilled before
    # sources had ranks) say so: origin `third-party`, the lowest rank (scraper/timeline.py).
    # Their rows stay where they are; a backfill run after this places new ones by rank.
    for table in ("prices", "unit_prices"):
        db.execute(
            f"UPDATE {table} SET origin = 'third-party' WHERE origin = 'backfill' "
            "AND run_id IN (SELECT id FROM runs WHERE source = 'backfill:litellm')"
        )


@migrations()
def m_ranks_quarantine_origin(db: Database) -> None:
    # A held observation remembers the origin it gets when accepted: a backfill's suspected
    # typo is not the accepting command's own observation. Existing rows take their run's.
    db.table("quarantine").add_column("origin", str)
    db.execute("UPDATE quarantine SET origin = (SELECT origin FROM runs WHERE runs.id = quarantine.run_id)")


@migrations()
def m_ship_history_loads(db: Database) -> None:
    """Which shipped histories (data/history, by digest) a database has loaded: `demo` loads one once."""
    db.table("shipped_history_loads").create(
        {"digest": str, "loaded_at": str, "price_rows": int}, pk="digest"
    )


@migrations()
def m_current_lifecycle_views(db: Database) -> None:
    # Issue 13 ("current" has one rule): the views apply the rule of analysis.lifecycle, so
    # its inputs live in the database: the catalog's cited deprecation and retirement dates
    # (model_lifecycle), the providers that sell a model as its maker (model_makers), both
    # replaced by every catalog load (sync_catalog), and the curated window (settings). The
    # views: open_prices (every price in force at the newest observation, with its status)
    # and current_prices (its current rows), scraper/store/views.py. An existing database
    # has no lifecycle rows until its next catalog load (refresh, load-curated, backfill).
    from pricewatch.scraper.store.views import create_price_views

    db.table("model_lifecycle").create(
        {
            "model_id": str,
            "event": str,
            "on_date": str,
            "source_url": str,
            "evidence": str,
            "confidence": str,
        },
        pk=("model_id", "event"),
    )
    db.table("model_makers").create({"model_id": str, "provider_id": str}, pk=("model_id", "provider_id"))
    db.table("settings").create({"name": str, "value": str}, pk="name")
    create_price_views(db)


@migrations()
def m_pages_list_prices(db: Database) -> None:
    # Issue 14: a promotion's list price. A page that strikes a price through and prints a
    # lower one (MiniMax's "~~$0.60~~ $0.30") charges the lower one, stored in `prices`; the
    # struck-through list price is noted here, per price period and field.
    db.table("list_prices").create(
        {"price_id": int, "field": str, "amount": str},
        pk=("price_id", "field"),
        if_not_exists=True,
    )


@migrations()
def m_pages_endpoints_source(db: Database) -> None:
    # Issue 14: OpenRouter's per-host endpoints sweep is a source of its own
    # (`openrouter-endpoints`, every 6 hours; the models list stays `openrouter`, hourly).
    # The host offers it reports are its own: a complete models list must not end them,
    # and a complete sweep does when they disappear.
    hand_host_offers_to_the_sweep(db)


def hand_host_offers_to_the_sweep(db: Database) -> int:
    """Give the host offers the `openrouter` source owned to `openrouter-endpoints`; how many.

    Before the sweep was a source of its own, OpenRouter's refresh owned every host's
    endpoint offer; the models list now owns only OpenRouter's own prices. Also run on a
    shipped history built before that (``shipped.import_history``).
    """
    cursor = db.execute(
        "UPDATE offers SET source = 'openrouter-endpoints' WHERE source = 'openrouter' AND provider_id <> 'openrouter'"
    )
    return cursor.rowcount


@migrations()
def m_ship_views_returns_and_third_party(db: Database) -> None:
    # Two rules of the real history, in the views as in the analysis: an offer that existed
    # before (at any price) is never a "new" event when it returns (price_changes), and a
    # third-party price is no sighting that keeps a retired model's offer open (open_prices).
    from pricewatch.scraper.store.views import create_price_views

    create_price_views(db)


@migrations()
def m_ops18_run_problems(db: Database) -> None:
    # A partial run lists what it could not read (items without a usable price, pages that
    # failed): `pricewatch status` reports the source degraded and names them.
    db.execute("ALTER TABLE runs ADD COLUMN problems TEXT")


def open_database(path: Path | str) -> Database:
    """The database at ``path`` for writing: WAL on, a busy timeout, every migration applied.

    A new path gets a new database; an SQLite file that is not ours is refused
    (ForeignDatabaseError), never migrated. Commands that must not create one call
    ``store.files.require_database`` first.
    """
    from pricewatch.scraper.store.files import refuse_foreign

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    refuse_foreign(db.conn, path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA busy_timeout=30000")
    migrations.apply(db)
    return db
