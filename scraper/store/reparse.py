"""The queries and writes of `pricewatch reparse` (``pricewatch.scraper.reparse`` decides, this reads and writes).

A reparse rebuilds the spans one source's measured runs (origin live/replay) wrote, from
the bodies those runs fetched. Here: which bodies, which offers, each offer's timeline in
a comparable form, the delistings to put back, and the deletes and updates of the rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from pricewatch.fields import PRICE_FIELDS

__all__ = [
    "REPARSED_ORIGINS",
    "Delisting",
    "delete_own_spans",
    "offers_of_source",
    "own_delistings",
    "own_sightings",
    "restore_delisting",
    "restore_offer_delisting",
    "restore_sightings",
    "stored_bodies",
    "timelines",
]

# Runs whose bodies a reparse reads and whose spans it rebuilds.
REPARSED_ORIGINS = ("live", "replay")
# Fetch statuses whose stored body was the page in force (304: the cached body, unchanged).
_BODY_STATUSES = (200, 304)
# What two timelines are compared on (not ids or run ids, which a rebuild may renumber).
_PRICE_COLUMNS = (
    "valid_from",
    "valid_to",
    "last_seen",
    "origin",
    "closed_reason",
    "currency",
    *PRICE_FIELDS,
    "variable",
)
_UNIT_COLUMNS = (
    "unit",
    "valid_from",
    "valid_to",
    "last_seen",
    "origin",
    "closed_reason",
    "currency",
    "amount",
)


def stored_bodies(db: Database, source: str) -> list[dict[str, Any]]:
    """Every stored body of the source's live and replay runs, in fetch order.

    Each: ``url``, ``fetched_at``, ``last_fetched_at`` (None before that column existed),
    ``sha256``, the run's ``origin`` and ``run_id``.
    """
    marks = ",".join("?" * len(REPARSED_ORIGINS))
    statuses = ",".join("?" * len(_BODY_STATUSES))
    has_last = "last_fetched_at" in db.table("fetches").columns_dict
    last = "f.last_fetched_at" if has_last else "NULL"
    return list(
        db.query(
            f"SELECT f.id, f.url, f.fetched_at, {last} AS last_fetched_at, f.sha256, r.origin, r.id AS run_id "
            f"FROM fetches f JOIN runs r ON r.id = f.run_id "
            f"WHERE r.source = ? AND r.origin IN ({marks}) AND f.status IN ({statuses}) "
            f"AND f.sha256 IS NOT NULL AND f.repository IS NULL ORDER BY f.fetched_at, f.id",
            [source, *REPARSED_ORIGINS, *_BODY_STATUSES],
        )
    )


def offers_of_source(db: Database, source: str, keys: Iterable[tuple]) -> set[int]:
    """Offers this source's runs wrote prices for, and the offers of these keys."""
    ids = {
        r["offer_id"]
        for table in ("prices", "unit_prices")
        for r in db.query(
            f"SELECT DISTINCT offer_id FROM {table} WHERE run_id IN (SELECT id FROM runs WHERE source = ?)",
            [source],
        )
    }
    wanted = set(keys)
    for row in db.query("SELECT id, model_id, provider_id, tier, min_prompt_tokens, variant FROM offers"):
        if (
            row["model_id"],
            row["provider_id"],
            row["tier"],
            row["min_prompt_tokens"],
            row["variant"],
        ) in wanted:
            ids.add(row["id"])
    return ids


def timelines(db: Database, offer_ids: set[int]) -> dict[int, tuple]:
    """Every offer's spans (prices and unit prices) and delisting, in a comparable form."""
    result: dict[int, tuple] = {}
    for offer_id in sorted(offer_ids):
        prices = tuple(
            tuple(r[c] for c in _PRICE_COLUMNS)
            for r in db.query("SELECT * FROM prices WHERE offer_id = ? ORDER BY valid_from", [offer_id])
        )
        units = tuple(
            tuple(r[c] for c in _UNIT_COLUMNS)
            for r in db.query(
                "SELECT * FROM unit_prices WHERE offer_id = ? ORDER BY unit, valid_from", [offer_id]
            )
        )
        delisted = db.execute("SELECT delisted_at FROM offers WHERE id = ?", [offer_id]).fetchone()
        result[offer_id] = (prices, units, delisted[0] if delisted else None)
    return result


def _own_spans_where(source: str) -> tuple[str, list[Any]]:
    """SQL for the spans this source's runs wrote: measured, and not from another source's run."""
    marks = ",".join("?" * len(REPARSED_ORIGINS))
    return (
        f"origin IN ({marks}) AND (run_id IS NULL OR run_id NOT IN (SELECT id FROM runs WHERE source != ?))",
        [*REPARSED_ORIGINS, source],
    )


@dataclass(frozen=True)
class Delisting:
    """A span closed as delisted, and when its offer came back (the next span's start)."""

    table: str
    offer_id: int
    unit: str | None
    at: str
    last_seen: str
    relisted_at: str | None


def own_delistings(db: Database, source: str, offer_ids: set[int]) -> list[Delisting]:
    """The delistings among the spans this source's runs wrote."""
    where, params = _own_spans_where(source)
    found: list[Delisting] = []
    for table, unit_column in (("prices", "NULL"), ("unit_prices", "unit")):
        for offer_id in sorted(offer_ids):
            rows = list(
                db.query(
                    f"SELECT {unit_column} AS unit, valid_from, valid_to, last_seen, closed_reason FROM {table} "
                    f"WHERE offer_id = ? ORDER BY unit, valid_from",
                    [offer_id],
                )
            )
            own = {
                (r["unit"], r["valid_from"])
                for r in db.query(
                    f"SELECT {unit_column} AS unit, valid_from FROM {table} WHERE offer_id = ? AND {where}",
                    [offer_id, *params],
                )
            }
            for index, row in enumerate(rows):
                if row["closed_reason"] != "delisted" or (row["unit"], row["valid_from"]) not in own:
                    continue
                later = [r for r in rows[index + 1 :] if r["unit"] == row["unit"]]
                found.append(
                    Delisting(
                        table,
                        offer_id,
                        row["unit"],
                        row["valid_to"],
                        row["last_seen"],
                        later[0]["valid_from"] if later else None,
                    )
                )
    return found


@dataclass(frozen=True)
class Sighting:
    """The last sighting of one of the source's spans: another source may have made it."""

    offer_id: int
    last_seen: str
    values: tuple
    valid_from: str = ""  # the span's start: another source's earlier sighting may have set it


_VALUE_COLUMNS = ("currency", *PRICE_FIELDS, "variable")


def own_sightings(db: Database, source: str, offer_ids: set[int]) -> list[Sighting]:
    """The last sightings of the price spans this source's runs opened.

    An offer is one timeline whoever reports it (a maker's page and OpenRouter's endpoint
    of that maker): a sighting by another source only moves ``last_seen`` of the span this
    source opened, so a rebuild of this source's spans puts it back (``restore_sightings``).
    """
    where, params = _own_spans_where(source)
    marks = ",".join("?" * len(offer_ids))
    return [
        Sighting(r["offer_id"], r["last_seen"], tuple(r[c] for c in _VALUE_COLUMNS), r["valid_from"])
        for r in db.query(
            f"SELECT * FROM prices WHERE offer_id IN ({marks}) AND {where}", [*sorted(offer_ids), *params]
        )
    ]


def restore_sightings(db: Database, sightings: Iterable[Sighting]) -> None:
    """Put back what other sources saw of the rebuilt spans: their last sightings and their starts.

    ``last_seen`` of each rebuilt span that holds a sighting's values at its time moves up to
    it. A span another source opened earlier at the same values (OpenRouter's endpoint of a
    maker's model, seen before the maker's page was read) starts at that earlier time again,
    as long as nothing else covers the gap: the rebuild re-reads only this source's bodies.
    """
    for sighting in sightings:
        for row in db.query(
            "SELECT * FROM prices WHERE offer_id = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) "
            "AND last_seen < ?",
            [sighting.offer_id, sighting.last_seen, sighting.last_seen, sighting.last_seen],
        ):
            if tuple(row[c] for c in _VALUE_COLUMNS) == sighting.values:
                db.execute("UPDATE prices SET last_seen = ? WHERE id = ?", [sighting.last_seen, row["id"]])
        if not sighting.valid_from:
            continue
        for row in db.query(
            "SELECT * FROM prices WHERE offer_id = ? AND valid_from > ? AND valid_from <= ? "
            "ORDER BY valid_from LIMIT 1",
            [sighting.offer_id, sighting.valid_from, sighting.last_seen],
        ):
            if tuple(row[c] for c in _VALUE_COLUMNS) != sighting.values:
                continue
            gap_covered = db.execute(
                "SELECT 1 FROM prices WHERE offer_id = ? AND id != ? AND valid_from < ? "
                "AND (valid_to IS NULL OR valid_to > ?) LIMIT 1",
                [sighting.offer_id, row["id"], row["valid_from"], sighting.valid_from],
            ).fetchone()
            if gap_covered is None:
                db.execute("UPDATE prices SET valid_from = ? WHERE id = ?", [sighting.valid_from, row["id"]])


def delete_own_spans(db: Database, source: str, offer_ids: set[int]) -> None:
    """Remove the spans this source's runs wrote for these offers (curated and backfill stay)."""
    where, params = _own_spans_where(source)
    marks = ",".join("?" * len(offer_ids))
    for table in ("prices", "unit_prices"):
        db.execute(
            f"DELETE FROM {table} WHERE offer_id IN ({marks}) AND {where}",
            [*sorted(offer_ids), *params],
        )


def restore_delisting(db: Database, event: Delisting) -> None:
    """Close the rebuilt span that runs across a stored delisting, as the refresh did."""
    unit_filter, params = ("AND unit = ?", [event.unit]) if event.table == "unit_prices" else ("", [])
    rows = list(
        db.query(
            f"SELECT * FROM {event.table} WHERE offer_id = ? {unit_filter} AND valid_from < ? "
            f"AND (valid_to IS NULL OR valid_to > ?)",
            [event.offer_id, *params, event.at, event.at],
        )
    )
    if not rows:
        return
    span = rows[0]
    if span["last_seen"] < event.at:
        db.execute(
            f"UPDATE {event.table} SET valid_to = ?, closed_reason = 'delisted' WHERE id = ?",
            [event.at, span["id"]],
        )
        return
    # Seen again after the delisting: split it back into the listing before and the relisting.
    db.execute(
        f"UPDATE {event.table} SET valid_to = ?, closed_reason = 'delisted', last_seen = ? WHERE id = ?",
        [event.at, min(span["last_seen"], event.last_seen), span["id"]],
    )
    if event.relisted_at is not None and (span["valid_to"] is None or event.relisted_at < span["valid_to"]):
        tail = {k: v for k, v in span.items() if k != "id"}
        tail.update(valid_from=max(event.relisted_at, event.at))
        db.table(event.table).insert(tail)


def restore_offer_delisting(db: Database, offer_id: int, delisted_at: str) -> None:
    """Put an offer's stored delisting back, unless the rebuild left it a current price."""
    db.execute(
        "UPDATE offers SET delisted_at = ? WHERE id = ? AND NOT EXISTS "
        "(SELECT 1 FROM prices WHERE offer_id = ? AND valid_to IS NULL)",
        [delisted_at, offer_id, offer_id],
    )
