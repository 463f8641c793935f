"""The writers' other tables: catalog rows, unmapped names, quarantine, curated citations, fx rates.

Price timelines are ``store.prices``, runs ``store.runs``, raw bodies ``store.raw``. Every
function here runs inside its caller's transaction unless it says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from pricewatch.scraper.catalog import Catalog
from pricewatch.scraper.store.observations import Observation, observation_from_json, observation_to_json

__all__ = [
    "MODEL_METADATA_COLUMNS",
    "HeldObservation",
    "add_providers",
    "add_uncatalogued_models",
    "curated_disagreements",
    "held_observations",
    "known_model_ids",
    "known_provider_ids",
    "mark_quarantine_applied",
    "mark_quarantine_rejected",
    "pending_quarantine",
    "quarantine_observations",
    "record_unmapped",
    "replace_fx_rates",
    "save_model_metadata",
    "sync_catalog",
    "write_curated_sources",
]


def sync_catalog(db: Database, catalog: Catalog, *, curated_window_days: int | None = None) -> None:
    """Write the catalog's models and providers (catalogued=1; never removes rows), its
    lifecycle dates and makers (replaced: the views' "current" rule reads them), and the
    curated window when one is given (else the stored one stays)."""
    from pricewatch.scraper.store.lifecycle import write_curated_window, write_model_lifecycle

    with db.atomic():  # one transaction: a reader never sees the lifecycle rows half replaced
        db.table("models").upsert_all(
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
        db.table("providers").upsert_all(
            (
                {"id": p.id, "name": p.name, "kind": p.kind, "catalogued": 1}
                for p in catalog.providers.values()
            ),
            pk="id",
        )
        write_model_lifecycle(db, catalog)
        if curated_window_days is not None:
            write_curated_window(db, curated_window_days)


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


def known_model_ids(db: Database) -> set[str]:
    """Ids of every stored model (catalogued or not)."""
    return {r["id"] for r in db.query("SELECT id FROM models")}


def known_provider_ids(db: Database) -> set[str]:
    """Ids of every stored provider (catalogued or not)."""
    return {r["id"] for r in db.query("SELECT id FROM providers")}


def add_uncatalogued_models(db: Database, model_ids: Iterable[str], source: str) -> None:
    """A ``models`` row (named by its id, catalogued=0) for each id not stored yet."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO models (id, name, creator, catalogued, first_source) VALUES (?, ?, ?, 0, ?)",
        [(m, m, m.split("/", 1)[0] if "/" in m else None, source) for m in sorted(model_ids)],
    )


def add_providers(db: Database, provider_ids: Iterable[str], source: str) -> None:
    """A ``providers`` row (a host named by its id, catalogued=0) for each id not stored yet."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO providers (id, name, kind, catalogued, first_source) VALUES (?, ?, 'host', 0, ?)",
        [(p, p, source) for p in sorted(provider_ids)],
    )


# What a source may say about a model beside its name (OpenRouter's listing does).
MODEL_METADATA_COLUMNS = ("canonical_slug", "hugging_face_id", "listed_at", "context_length")


def save_model_metadata(db: Database, rows: Mapping[str, Mapping[str, Any]]) -> None:
    """Insert the models not stored yet (``rows`` by id); update changed metadata of the others.

    A stored value is only replaced by a different, non-NULL one.
    """
    columns = MODEL_METADATA_COLUMNS
    existing = {
        r[0]: dict(zip(columns, r[1:], strict=True))
        for r in db.conn.execute(f"SELECT id, {', '.join(columns)} FROM models")
    }
    new_rows = [dict(r) for r in rows.values() if r["id"] not in existing]
    if new_rows:
        db.table("models").insert_all(new_rows, pk="id", alter=False)
    for row in rows.values():
        stored = existing.get(row["id"])
        if stored is None:
            continue
        update = {k: row[k] for k in columns if row.get(k) is not None and row[k] != stored[k]}
        if update:
            db.table("models").update(row["id"], update)


# ----------------------------------------------------------------------------- quarantine


def quarantine_observations(
    db: Database,
    run_id: int,
    source: str,
    held: Sequence[tuple[Observation, str]],
    *,
    origin: str | None = None,
) -> None:
    """Keep observations aside, each with its reason, until accepted or rejected.

    ``origin`` is the origin they get when accepted (a backfill's `third-party`, ...).
    """
    db.table("quarantine").insert_all(
        {
            "run_id": run_id,
            "source": source,
            "origin": origin,
            "observed_at": o.observed_at,
            "offer": " ".join(str(part) for part in o.offer_key),
            "observation": observation_to_json(o),
            "reason": reason,
            "status": "pending",
        }
        for o, reason in held
    )


def pending_quarantine(db: Database, source: str) -> list[tuple[int, str, Observation]]:
    """(id, offer text, observation) of every observation of ``source`` still held, oldest first."""
    return [
        (r["id"], r["offer"], observation_from_json(r["observation"]))
        for r in db.query(
            "SELECT id, offer, observation FROM quarantine WHERE source = ? AND status = 'pending' ORDER BY id",
            [source],
        )
    ]


def mark_quarantine_applied(db: Database, ids: Iterable[int], decided_at: str) -> None:
    """Record that these held observations were applied."""
    db.conn.executemany(
        "UPDATE quarantine SET status = 'applied', decided_at = ? WHERE id = ?",
        [(decided_at, i) for i in ids],
    )


@dataclass(frozen=True)
class HeldObservation:
    """A pending ``quarantine`` row: what was held, why, and the origin it gets when accepted."""

    id: int
    run_id: int | None
    source: str
    origin: str
    offer: str
    reason: str
    observation: Observation


def held_observations(
    db: Database, *, ids: Sequence[int] = (), sources: Sequence[str] = ()
) -> list[HeldObservation]:
    """Pending held observations (all, or these ids, or these sources'), oldest first."""
    where: list[str] = ["q.status = 'pending'"]
    params: list[Any] = []
    if ids:
        where.append(f"q.id IN ({', '.join('?' * len(ids))})")
        params.extend(ids)
    if sources:
        where.append(f"q.source IN ({', '.join('?' * len(sources))})")
        params.extend(sources)
    rows = db.query(
        "SELECT q.id, q.run_id, q.source, coalesce(q.origin, r.origin, 'live') AS origin, q.offer, q.reason, "
        "q.observation FROM quarantine q LEFT JOIN runs r ON r.id = q.run_id "
        f"WHERE {' AND '.join(where)} ORDER BY q.observed_at, q.id",
        params,
    )
    return [
        HeldObservation(
            r["id"],
            r["run_id"],
            r["source"],
            r["origin"],
            r["offer"],
            r["reason"],
            observation_from_json(r["observation"]),
        )
        for r in rows
    ]


def mark_quarantine_rejected(db: Database, ids: Iterable[int], decided_at: str) -> int:
    """Drop these held observations: they are never stored. Returns how many were pending."""
    cursor = db.conn.executemany(
        "UPDATE quarantine SET status = 'rejected', decided_at = ? WHERE id = ? AND status = 'pending'",
        [(decided_at, i) for i in ids],
    )
    return cursor.rowcount


# ----------------------------------------------------------------------------- curated citations


def write_curated_sources(db: Database, citations: Iterable[Mapping[str, Any]]) -> None:
    """One ``curated_sources`` row per citation, keyed by its offer and ``valid_from``; re-loading overwrites.

    Each citation gives ``offer_key`` (model, provider, tier, min_prompt_tokens, variant),
    ``valid_from``, ``confidence``, ``event``, ``source_url`` and ``evidence``; its offer exists.
    """
    offer_ids = {
        (r["model_id"], r["provider_id"], r["tier"], r["min_prompt_tokens"], r["variant"]): r["id"]
        for r in db.query("SELECT id, model_id, provider_id, tier, min_prompt_tokens, variant FROM offers")
    }
    db.table("curated_sources").upsert_all(
        (
            {
                "offer_id": offer_ids[tuple(c["offer_key"])],
                "valid_from": c["valid_from"],
                "confidence": c["confidence"],
                "event": c["event"],
                "source_url": c["source_url"],
                "evidence": c["evidence"],
            }
            for c in citations
        ),
        pk=("offer_id", "valid_from"),
    )


def curated_disagreements(db: Database) -> list[dict[str, Any]]:
    """Every stored conflict between a curated value and measured history, oldest first."""
    return list(
        db.query(
            "SELECT d.observed_at, o.model_id AS model, o.provider_id AS provider, o.tier, "
            "o.min_prompt_tokens, o.variant, d.observed_origin, d.observed, d.stored_origin, d.stored "
            "FROM disagreements d JOIN offers o ON o.id = d.offer_id "
            "WHERE d.observed_origin = 'curated' OR d.stored_origin = 'curated' "
            "ORDER BY d.observed_at, o.model_id, o.provider_id, o.tier"
        )
    )


# ----------------------------------------------------------------------------- fx rates

FX_COLUMNS = ("date", "currency", "usd_per_unit", "source_url", "note", "confidence")


def replace_fx_rates(db: Database, rows: Sequence[Mapping[str, str]]) -> int:
    """Make ``fx_rates`` hold exactly ``rows`` (sorted by currency, date); rows written (0 when equal).

    An unchanged set writes nothing, so every refresh can call this.
    """
    stored = [
        dict(r) for r in db.query(f"SELECT {', '.join(FX_COLUMNS)} FROM fx_rates ORDER BY currency, date")
    ]
    if stored == [dict(r) for r in rows]:
        return 0
    with db.atomic():
        db.execute("DELETE FROM fx_rates")
        db.table("fx_rates").insert_all([dict(r) for r in rows])
    return len(rows)
