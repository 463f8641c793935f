"""Scheduled price changes: prices a source announced for a later day, kept apart from ``prices``.

Issue 14's one store addition, separate from the timelines on purpose: nothing here
touches ``prices``, ``current_prices`` or what "current" means. A row of
``scheduled_prices`` says "on ``announced_at`` (and last on ``last_seen``) the source said
this offer's prices become these from ``valid_from``". It becomes history only through
the timeline: a refresh on or after that day that finds the price in force places it
there, at its day (``pricewatch.scraper.scheduled``). Until then the site shows it as
"scheduled from DATE".

A refresh that observes an offer and no longer announces one of its pending changes
marks it withdrawn (``withdrawn_at``); announcing other prices for the same day replaces
the row's prices. Only token prices are kept (a page's dated cells are token prices).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from pricewatch.fields import PRICE_FIELDS
from pricewatch.scraper.store.observations import Observation

__all__ = ["SCHEDULED_VALUE_COLUMNS", "apply_scheduled"]

SCHEDULED_VALUE_COLUMNS = ("currency", *PRICE_FIELDS, "variable")


def _offer_id(db: Database, observation: Observation, source: str | None) -> int:
    key = list(observation.offer_key)
    where = "model_id = ? AND provider_id = ? AND tier = ? AND min_prompt_tokens = ? AND variant = ?"
    row = db.execute(f"SELECT id FROM offers WHERE {where}", key).fetchone()
    if row is not None:
        return int(row[0])
    cursor = db.execute(
        "INSERT INTO offers (model_id, provider_id, tier, min_prompt_tokens, variant, source) VALUES (?, ?, ?, ?, ?, ?)",
        [*key, source],
    )
    return int(cursor.lastrowid or 0)


def apply_scheduled(
    db: Database,
    scheduled: Sequence[Observation],
    *,
    announced_at: str,
    offers_seen: Iterable[int],
    origin: str,
    run_id: int | None,
    source: str | None,
) -> int:
    """Record the changes a run announced (call inside the run's transaction); returns rows added or changed.

    ``scheduled`` observations are observed at the start of their day; ``offers_seen``
    are the offers the run observed in force: their pending changes that the run did not
    announce again are withdrawn.
    """
    touched = 0
    announced: set[tuple[int, str]] = set()
    for observation in scheduled:
        offer_id = _offer_id(db, observation, source)
        values = observation.stored_values()
        announced.add((offer_id, observation.observed_at))
        row = db.execute(
            f"SELECT id, withdrawn_at, {', '.join(SCHEDULED_VALUE_COLUMNS)} FROM scheduled_prices "
            "WHERE offer_id = ? AND valid_from = ?",
            [offer_id, observation.observed_at],
        ).fetchone()
        if row is not None and row[1] is None and tuple(row[2:]) == values:
            db.execute(
                "UPDATE scheduled_prices SET last_seen = max(last_seen, ?) WHERE id = ?",
                [announced_at, row[0]],
            )
            continue
        columns: dict[str, Any] = dict(zip(SCHEDULED_VALUE_COLUMNS, values, strict=True))
        columns.update(
            announced_at=announced_at, last_seen=announced_at, withdrawn_at=None, origin=origin, run_id=run_id
        )
        if row is None:
            db.table("scheduled_prices").insert(
                {"offer_id": offer_id, "valid_from": observation.observed_at, **columns}
            )
        else:
            db.table("scheduled_prices").update(row[0], columns)
        touched += 1
    seen = set(offers_seen) | {offer for offer, _ in announced}
    pending = db.execute(
        "SELECT id, offer_id, valid_from FROM scheduled_prices WHERE withdrawn_at IS NULL AND valid_from > ?",
        [announced_at],
    ).fetchall()
    for row_id, offer_id, valid_from in pending:
        if offer_id in seen and (offer_id, valid_from) not in announced:
            db.execute("UPDATE scheduled_prices SET withdrawn_at = ? WHERE id = ?", [announced_at, row_id])
            touched += 1
    return touched
