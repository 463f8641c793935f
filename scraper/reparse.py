"""Re-running the current parsers over the stored raw responses (`pricewatch reparse`).

Every body a refresh fetched is kept (``raw_responses``, referenced by ``fetches``), so a
parser fixed today can correct what an older version of it stored. For one source,
``reparse_source`` re-derives the observations of every stored body of its live and
replay runs, in ``fetched_at`` order (a body is observed at ``fetched_at`` and again at
``last_fetched_at`` when a later refresh saw it unchanged), with the origin and run of the
fetch, and places them through the store's own API (``observations_from_records`` and
``apply_observations``).

Correcting is not adding: observations of one instant that disagree are settled by the
timeline's tie rule, which would let the old reading beat the new one half of the time.
So, in one transaction, the spans this source's runs wrote (origin live/replay) are
removed from the offers it reported and rebuilt from the bodies; curated and backfill
spans stay and are outranked as in a refresh. Delistings (a source that lists
everything closes what disappeared) are facts about presence, not readings of a body:
they are put back where they were. When the rebuilt history equals the stored one the
transaction is rolled back, so running reparse twice changes nothing, not even row ids.

Not reparsed: backfilled versions (referenced in git, not stored), bodies of other
origins, and observations the sanity guard holds in quarantine (still pending) when the
current parser reads the same values again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from sqlite_utils import Database

from pricewatch.errors import PricewatchError
from pricewatch.scraper.catalog import Catalog
from pricewatch.scraper.records import PRICE_FIELDS
from pricewatch.scraper.refresh import _model_metadata, _providers, observations_from_records
from pricewatch.scraper.store import (
    Observation,
    apply_observations,
    load_raw_body,
    observation_from_json,
    record_unmapped,
)

__all__ = ["REPARSED_ORIGINS", "ReparseOutcome", "reparse_source", "reparse_sources"]

logger = logging.getLogger(__name__)

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


@dataclass
class ReparseOutcome:
    """What reparsing one source did: the summary line of `pricewatch reparse`."""

    source: str
    bodies: int = 0
    observations: int = 0
    offers_changed: int = 0
    failed_bodies: int = 0
    row_errors: int = 0
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Reading:
    """The observations of one stored body at one instant, with the run they belong to."""

    at: str
    origin: str
    run_id: int
    observations: tuple[Observation, ...]


class _Unchanged(Exception):
    """Raised inside the transaction to roll back a rebuild that changed nothing."""


def _stored_bodies(db: Database, source: str) -> list[dict[str, Any]]:
    marks = ",".join("?" * len(REPARSED_ORIGINS))
    statuses = ",".join("?" * len(_BODY_STATUSES))
    has_last = "last_fetched_at" in db["fetches"].columns_dict
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


def _pending_quarantine(db: Database, source: str) -> dict[tuple[str, str], tuple]:
    """(offer text, observed_at) -> stored values of each observation the guard still holds back."""
    return {
        (r["offer"], r["observed_at"]): observation_from_json(r["observation"]).stored_values()
        for r in db.query(
            "SELECT offer, observed_at, observation FROM quarantine WHERE source = ? AND status = 'pending'",
            [source],
        )
    }


def _read_bodies(
    db: Database, module: ModuleType, catalog: Catalog, outcome: ReparseOutcome
) -> tuple[list[_Reading], list]:
    """Parse every stored body once; one reading per body and instant, oldest first."""
    held = _pending_quarantine(db, module.NAME)
    readings: list[_Reading] = []
    records_seen = []
    for fetch in _stored_bodies(db, module.NAME):
        outcome.bodies += 1
        try:
            parsed = module.parse(fetch["url"], load_raw_body(db, fetch["sha256"]))
        except PricewatchError as error:
            outcome.failed_bodies += 1
            outcome.messages.append(f"{fetch['url']} ({fetch['fetched_at']}): {error}")
            continue
        except Exception as error:  # a parser bug must not stop the other bodies
            outcome.failed_bodies += 1
            outcome.messages.append(f"{fetch['url']} ({fetch['fetched_at']}): parser crashed: {error!r}")
            continue
        outcome.row_errors += len(parsed.row_errors)
        records_seen.extend(parsed.records)
        instants = [fetch["fetched_at"]]
        if fetch["last_fetched_at"] and fetch["last_fetched_at"] > fetch["fetched_at"]:
            instants.append(fetch["last_fetched_at"])
        for at in instants:
            observations, models, providers = observations_from_records(parsed.records, catalog, at)
            record_unmapped(db, module.NAME, "model", models, at)
            record_unmapped(db, module.NAME, "provider", providers, at)
            kept: dict[tuple, Observation] = {}
            for observation in observations:
                # A body that lists an offer twice keeps the first, as a refresh does. A reading
                # the guard holds (pending a person's decision) stays held; a different reading
                # of that body replaces it, since the held one came from the old parser.
                offer_text = " ".join(str(part) for part in observation.offer_key)
                if held.get((offer_text, at)) != observation.stored_values():
                    kept.setdefault(observation.offer_key, observation)
            readings.append(_Reading(at, fetch["origin"], fetch["run_id"], tuple(kept.values())))
    readings.sort(key=lambda r: r.at)
    return readings, records_seen


def _offers_of(db: Database, source: str, readings: Sequence[_Reading]) -> set[int]:
    """Offers this source's runs wrote prices for, and offers the new readings name."""
    ids = {
        r["offer_id"]
        for table in ("prices", "unit_prices")
        for r in db.query(
            f"SELECT DISTINCT offer_id FROM {table} WHERE run_id IN (SELECT id FROM runs WHERE source = ?)",
            [source],
        )
    }
    keys = {o.offer_key for reading in readings for o in reading.observations}
    for row in db.query("SELECT id, model_id, provider_id, tier, min_prompt_tokens, variant FROM offers"):
        if (
            row["model_id"],
            row["provider_id"],
            row["tier"],
            row["min_prompt_tokens"],
            row["variant"],
        ) in keys:
            ids.add(row["id"])
    return ids


def _timelines(db: Database, offer_ids: set[int]) -> dict[int, tuple]:
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
class _Delisting:
    """A span closed as delisted, and when its offer came back (the next span's start)."""

    table: str
    offer_id: int
    unit: str | None
    at: str
    last_seen: str
    relisted_at: str | None


def _delistings(db: Database, source: str, offer_ids: set[int]) -> list[_Delisting]:
    where, params = _own_spans_where(source)
    found: list[_Delisting] = []
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
                    _Delisting(
                        table,
                        offer_id,
                        row["unit"],
                        row["valid_to"],
                        row["last_seen"],
                        later[0]["valid_from"] if later else None,
                    )
                )
    return found


def _restore_delisting(db: Database, event: _Delisting) -> None:
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


def _batches(readings: Sequence[_Reading]) -> list[tuple[tuple[str, int], list[Observation]]]:
    """Consecutive readings of one run as one batch (the store places a batch in time order)."""
    batches: list[tuple[tuple[str, int], list[Observation]]] = []
    for reading in readings:
        key = (reading.origin, reading.run_id)
        if not batches or batches[-1][0] != key:
            batches.append((key, []))
        batches[-1][1].extend(reading.observations)
    return batches


def reparse_source(db: Database, module: ModuleType, catalog: Catalog) -> ReparseOutcome:
    """Rebuild one source's measured history from its stored bodies (one transaction)."""
    outcome = ReparseOutcome(source=module.NAME)
    with db.atomic():
        readings, records = _read_bodies(db, module, catalog, outcome)
    outcome.observations = sum(len(r.observations) for r in readings)
    if not readings:
        return outcome
    offer_ids = _offers_of(db, module.NAME, readings)
    before = _timelines(db, offer_ids)
    where, params = _own_spans_where(module.NAME)
    try:
        with db.atomic():
            delistings = _delistings(db, module.NAME, offer_ids) if module.LISTS_EVERYTHING else []
            marks = ",".join("?" * len(offer_ids))
            for table in ("prices", "unit_prices"):
                db.execute(
                    f"DELETE FROM {table} WHERE offer_id IN ({marks}) AND {where}",
                    [*sorted(offer_ids), *params],
                )
            _model_metadata(db, records, catalog, module.NAME)
            _providers(db, [o for r in readings for o in r.observations], module.NAME)
            for (origin, run_id), batch in _batches(readings):
                apply_observations(db, batch, origin=origin, run_id=run_id, source=module.NAME)
            for event in delistings:
                _restore_delisting(db, event)
            for offer_id, (_, _, delisted_at) in before.items():
                if delisted_at is not None:
                    db.execute(
                        "UPDATE offers SET delisted_at = ? WHERE id = ? AND NOT EXISTS "
                        "(SELECT 1 FROM prices WHERE offer_id = ? AND valid_to IS NULL)",
                        [delisted_at, offer_id, offer_id],
                    )
            after = _timelines(db, offer_ids | _offers_of(db, module.NAME, readings))
            changed = [i for i in after if after[i] != before.get(i, ((), (), None))]
            if not changed:
                raise _Unchanged
            outcome.offers_changed = len(changed)
    except _Unchanged:
        logger.debug("%s: the stored history already matches the current parser", module.NAME)
    return outcome


def reparse_sources(db: Database, modules: Sequence[ModuleType], catalog: Catalog) -> list[ReparseOutcome]:
    """Reparse each source in turn; each is its own transaction."""
    return [reparse_source(db, module, catalog) for module in modules]
