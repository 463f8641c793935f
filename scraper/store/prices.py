"""Price timelines: placing observations in ``prices`` and ``unit_prices``, delisting, closing.

History is change-only (each offer's rows are a timeline placed by
``pricewatch.scraper.timeline``): an unchanged refresh only moves ``last_seen``. A
measured value that contradicts a curated one is kept in ``disagreements``.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, cast

from sqlite_utils import Database

from pricewatch.fields import PRICE_FIELDS
from pricewatch.money import decimal_to_text
from pricewatch.scraper.store.observations import ApplyStats, Observation
from pricewatch.scraper.timeline import MEASURED_ORIGINS, THIRD_PARTY, Span, place, rank, reports_agree

__all__ = [
    "apply_observations",
    "close_models_missing",
    "close_offers",
    "delist_missing",
    "latest_prices",
    "price_in_force",
    "price_steps_of_run",
]

_PRICE_VALUE_COLUMNS = ("currency", *PRICE_FIELDS, "variable")


_OFFER_COLUMNS = "id, model_id, provider_id, tier, min_prompt_tokens, variant, source, quantization, context_length, delisted_at"
_OFFER_NAMES = tuple(name.strip() for name in _OFFER_COLUMNS.split(","))
_OFFER_BY_KEY = (
    f"SELECT {_OFFER_COLUMNS} FROM offers "
    "WHERE model_id = ? AND provider_id = ? AND tier = ? AND min_prompt_tokens = ? AND variant = ?"
)
# Up to this many offers are looked up one by one (indexed); more read the whole table once.
_OFFER_LOOKUPS = 2000


def _offer_rows(db: Database, observations: Sequence[Observation], source: str | None) -> dict[tuple, dict]:
    """The offer row for every observation's key, creating missing offers."""
    keys = {o.offer_key: o for o in observations}

    def read() -> dict[tuple, dict]:
        found = {}
        if len(keys) <= _OFFER_LOOKUPS:
            # A few offers (a backfill's batch of changes): one indexed lookup each.
            for key in keys:
                row = db.conn.execute(_OFFER_BY_KEY, key).fetchone()
                if row is not None:
                    found[key] = dict(zip(_OFFER_NAMES, row, strict=True))
            return found
        for row in db.conn.execute(f"SELECT {_OFFER_COLUMNS} FROM offers"):
            key = row[1:6]
            if key in keys:
                found[key] = dict(zip(_OFFER_NAMES, row, strict=True))
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


def _as_columns(columns: Sequence[str], values: Hashable) -> dict[str, Any]:
    """A span's values by column name (the store always places tuples)."""
    return dict(zip(columns, cast("tuple[Any, ...]", values), strict=True))


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


def _carried_confirmation(span: Span, removed: list[tuple[str, str | None, str, str | None]]) -> str | None:
    """The source of a new span's last sighting, from the stored row it was cut from.

    The row whose last sighting it keeps, else the row that covered its start (a span split
    by an earlier observation keeps the confirmation of the row it came from); None when
    neither is known (the caller then names the source of the observation being placed
    when the span ends its sightings there).
    """

    def covers(valid_from: str, valid_to: str | None) -> bool:
        return valid_from <= span.valid_from and (valid_to is None or span.valid_from < valid_to)

    for valid_from, valid_to, last_seen, seen_by in removed:
        if last_seen == span.last_seen and seen_by is not None and covers(valid_from, valid_to):
            return seen_by
    for _, _, last_seen, seen_by in removed:
        if last_seen == span.last_seen and seen_by is not None:
            return seen_by
    for valid_from, valid_to, _, seen_by in removed:
        if covers(valid_from, valid_to):
            return seen_by
    return None


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
    # A span rewritten from its start (a richer report merged into it) keeps the run that
    # opened it: the source that saw it first, so "where a source's coverage begins" and
    # a later reparse of the merging source both stay true.
    opened_by: dict[str, int | None] = {}
    # Who made a removed row's last sighting: a span rebuilt from it (a split, a merge)
    # keeps that confirmation (prices only; unit prices do not name it).
    confirmed: list[tuple[str, str | None, str, str | None]] = []
    named = table == "prices"
    if named:
        for span in before:
            if span.id is not None:
                found = db.execute("SELECT last_seen_by FROM prices WHERE id = ?", [span.id]).fetchone()
                if found is not None:
                    confirmed.append((span.valid_from, span.valid_to, span.last_seen, found[0]))
    for span_id in removed:
        found = db.execute(f"SELECT valid_from, run_id FROM {table} WHERE id = ?", [span_id]).fetchone()
        if found is not None:
            opened_by[found[0]] = found[1]
        db.execute(f"DELETE FROM {table} WHERE id = ?", [span_id])
    inserted = 0
    for span in after:
        row = {
            "valid_from": span.valid_from,
            "valid_to": span.valid_to,
            "last_seen": span.last_seen,
            "origin": span.origin,
            "closed_reason": span.closed_reason,
            **_as_columns(value_columns, span.values),
        }
        if span.id is None:
            if named:
                row["last_seen_by"] = _carried_confirmation(span, confirmed)
            db.table(table).insert({**fixed, **row, "run_id": opened_by.get(span.valid_from, run_id)})
            inserted += 1
        elif old.get(span.id) != span:
            previous = old.get(span.id)
            if previous is not None and span.valid_from < previous.valid_from:
                # An earlier sighting moved the span's start back: that run opened it.
                row["run_id"] = run_id
            db.table(table).update(span.id, row)
    return inserted


def apply_observations(
    db: Database,
    observations: Sequence[Observation],
    *,
    origin: str,
    run_id: int | None,
    source: str | None,
    yield_to: frozenset[str] = frozenset(),
) -> ApplyStats:
    """Place every observation in its offer's timeline (call inside the run's transaction).

    ``yield_to``: sources whose offers this source reports without taking them over (an
    aggregator's listing of a maker's endpoint leaves the offer to the maker's own page, so
    the aggregator dropping that endpoint does not end a price the maker still lists).

    The common case, an observation newer than everything stored for its offer, is
    decided from one bulk read of each offer's latest span; older observations load the
    offer's whole timeline and go through ``timeline.place``.
    """
    stats = ApplyStats(observations=len(observations))
    if not observations:
        return stats
    # Who confirms what this batch sees: the source by name (curated data is "curated").
    seen_by = source or origin
    offers = _offer_rows(db, observations, source)
    offer_ids = {key: row["id"] for key, row in offers.items()}
    ids = sorted(set(offer_ids.values()))
    stats.offer_ids_seen.update(ids)
    latest: dict[int, dict[str, Any] | None] = {}
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
    bump_last_seen: dict[int, tuple[str, str]] = {}
    run_sources = _RunSources(db)
    # Promotions: the offers whose periods note a list price, and what this batch says of them.
    promoted = _offers_with_list_prices(db)
    list_notes: list[tuple[int, Observation]] = []
    for observation in sorted(observations, key=lambda o: o.observed_at):
        offer_id = offer_ids[observation.offer_key]
        values = observation.stored_values()
        at = observation.observed_at
        current = latest.get(offer_id)
        if current is not None and current["valid_to"] is None and at > current["last_seen"]:
            values = _with_unread_kept(values, current, observation.unread, origin)
            values = _as_reported(values, current, origin, run_sources(run_id), run_sources)
        offer = offers[observation.offer_key]
        # A third-party database's word changes nothing about an offer it did not create
        # (it could reopen what a maker's page delisted).
        if origin != THIRD_PARTY and (
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
        if (
            source is not None
            and origin not in ("curated", "backfill", THIRD_PARTY)
            and offer["source"] != source
            and offer["source"] not in yield_to
        ):
            db.execute("UPDATE offers SET source = ? WHERE id = ?", [source, offer_id])
            offer["source"] = source
        # The fast paths stay within one side of the third-party line: a third-party value
        # never touches a higher-ranked span, and a higher-ranked one supersedes third-party
        # spans through ``timeline.place``.
        fast = (
            current is not None
            and current["valid_to"] is None
            and at > current["last_seen"]
            and (origin == THIRD_PARTY) == (current["origin"] == THIRD_PARTY)
        )
        if (
            fast
            and current is not None
            and _outranked_by_owner(values, current, offer["source"], origin, yield_to, run_sources)
        ):
            # The maker's own page owns the offer: an aggregator's differing report of it
            # is kept as a disagreement (as a curated one against measured history is).
            _record_disagreement(db, offer_id, observation, origin, current, run_id)
            stats.disagreements += 1
            _apply_unit_prices(db, offer_id, observation, origin, run_id, stats)
            continue
        if current is None:
            # A new offer: its first price opens its timeline.
            row = _insert_price(db, offer_id, at, values, origin, run_id, seen_by)
            latest[offer_id] = row
            stats.price_rows_added += 1
            stats.offers_changed.add(offer_id)
        elif fast and tuple(current[c] for c in _PRICE_VALUE_COLUMNS) == values:
            current["last_seen"] = at
            current["last_seen_by"] = seen_by
            bump_last_seen[current["id"]] = (at, seen_by)
        elif fast and rank(origin) >= rank(current["origin"]):
            # The closed row keeps its last sighting: a pending last_seen bump is written here.
            db.execute(
                "UPDATE prices SET valid_to = ?, closed_reason = 'changed', last_seen = ?, last_seen_by = ? "
                "WHERE id = ?",
                [at, current["last_seen"], current.get("last_seen_by"), current["id"]],
            )
            bump_last_seen.pop(current["id"], None)
            latest[offer_id] = _insert_price(db, offer_id, at, values, origin, run_id, seen_by)
            stats.price_rows_added += 1
            stats.offers_changed.add(offer_id)
            if current["origin"] not in MEASURED_ORIGINS and origin in MEASURED_ORIGINS:
                _record_disagreement(db, offer_id, observation, origin, current, run_id)
                stats.disagreements += 1
        else:
            # Flush pending last_seen bumps so the slow path reads the true timeline.
            _flush_last_seen(db, bump_last_seen)
            covering = db.execute(
                "SELECT * FROM prices WHERE offer_id = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)",
                [offer_id, at, at],
            )
            columns = [d[0] for d in covering.description]
            row = covering.fetchone()
            if row is not None:
                span = dict(zip(columns, row, strict=True))
                values = _with_unread_kept(values, span, observation.unread, origin)
                values = _as_reported(values, span, origin, run_sources(run_id), run_sources)
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
            # Whichever row now ends its sightings at this observation was confirmed by this source.
            db.execute(
                "UPDATE prices SET last_seen_by = ? WHERE offer_id = ? AND last_seen = ?",
                [seen_by, offer_id, at],
            )
            if placement.changed:
                stats.offers_changed.add(offer_id)
            for disagreement in placement.disagreements:
                stored = _as_columns(_PRICE_VALUE_COLUMNS, disagreement.stored_values)
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
        if observation.list_prices or offer_id in promoted:
            list_notes.append((offer_id, observation))
        _apply_unit_prices(db, offer_id, observation, origin, run_id, stats)
    _flush_last_seen(db, bump_last_seen)
    _note_list_prices(db, list_notes)
    return stats


def _offers_with_list_prices(db: Database) -> set[int]:
    """Offers with a period that notes a list price (few: promotions are rare)."""
    if not db["list_prices"].exists():
        return set()
    db.execute("DELETE FROM list_prices WHERE NOT EXISTS (SELECT 1 FROM prices p WHERE p.id = price_id)")
    return {
        row["offer_id"]
        for row in db.query(
            "SELECT DISTINCT p.offer_id FROM list_prices lp JOIN prices p ON p.id = lp.price_id"
        )
    }


def _note_list_prices(db: Database, notes: Sequence[tuple[int, Observation]]) -> None:
    """Note each observation's list prices on the period it was placed in.

    The period in force at the observation's time holds the price charged; its list prices
    are those its newest sighting noted (a promotion whose list price goes away while the
    charged price stays leaves none). An observation that did not become the period (a
    disagreement, an outranked report) notes nothing: the period's prices must be the ones
    it charged.
    """
    if not notes or not db["list_prices"].exists():
        return
    for offer_id, observation in notes:
        at = observation.observed_at
        row = db.execute(
            "SELECT id, last_seen, currency, "
            + ", ".join(PRICE_FIELDS)
            + " FROM prices WHERE offer_id = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) "
            "ORDER BY valid_from DESC LIMIT 1",
            [offer_id, at, at],
        ).fetchone()
        if row is None:
            continue
        price_id, last_seen, currency, *charged = row
        stored = dict(zip(PRICE_FIELDS, charged, strict=True))
        if currency != observation.currency or any(
            stored[name] != (None if value is None else decimal_to_text(value))
            for name, value in zip(PRICE_FIELDS, observation.prices, strict=True)
            if name in {field for field, _ in observation.list_prices}
        ):
            continue
        wanted = {field: decimal_to_text(amount) for field, amount in observation.list_prices}
        noted = {
            r[0]: r[1]
            for r in db.execute("SELECT field, amount FROM list_prices WHERE price_id = ?", [price_id])
        }
        if noted == wanted or (noted and at < last_seen):
            continue  # unchanged, or an older sighting than the one that noted them
        db.execute("DELETE FROM list_prices WHERE price_id = ?", [price_id])
        db.conn.executemany(
            "INSERT INTO list_prices (price_id, field, amount) VALUES (?, ?, ?)",
            [(price_id, field, amount) for field, amount in sorted(wanted.items())],
        )


class _RunSources:
    """The source of each run, read when first asked."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.known: dict[int, str | None] = {}

    def __call__(self, run_id: int | None) -> str | None:
        if run_id is None:
            return None
        if run_id not in self.known:
            row = self.db.execute("SELECT source FROM runs WHERE id = ?", [run_id]).fetchone()
            self.known[run_id] = row[0] if row else None
        return self.known[run_id]


def _with_unread_kept(values: tuple, span: dict[str, Any], unread: Sequence[str], origin: str) -> tuple:
    """``values`` with each ``unread`` field taken from the stored span in force (same currency).

    A field the source's table did not give (an optional column left out) is unknown to
    that observation, not removed: the offer keeps the value stored for it. Only a span
    of at least the observation's rank lends its value (a measured report never takes a
    curated or third-party figure as its own).
    """
    if not unread or span["currency"] != values[0] or rank(span["origin"]) < rank(origin):
        return values
    kept = list(values)
    for name in unread:
        index = 1 + PRICE_FIELDS.index(name)
        if kept[index] is None:
            kept[index] = span[name]
    return tuple(kept)


def _as_reported(
    values: tuple, span: dict[str, Any], origin: str, source: str | None, run_sources: _RunSources
) -> tuple:
    """The span's values when another source's measured report agrees with them, else ``values``.

    ``source`` is the ``runs.source`` of the observing run; the span's is that of the run
    that opened it (a backfill's runs are ``backfill:<kind>``, a source of their own).

    One offer is one timeline whoever reports it; a source that leaves out a price another
    gives confirms the span instead of removing that price (``timeline.reports_agree``).
    """
    stored = tuple(span[c] for c in _PRICE_VALUE_COLUMNS)
    if stored == values or origin not in MEASURED_ORIGINS or span["origin"] not in MEASURED_ORIGINS:
        return values
    opened_by = run_sources(span["run_id"])
    if source is None or opened_by is None or opened_by == source:
        return values
    return stored if reports_agree(stored, values) else values


def _outranked_by_owner(
    values: tuple,
    span: dict[str, Any],
    owner: str | None,
    origin: str,
    yield_to: frozenset[str],
    run_sources: _RunSources,
) -> bool:
    """True when a differing report comes from a source that yields to the span's own source."""
    return (
        owner in yield_to
        and origin in MEASURED_ORIGINS
        and span["origin"] in MEASURED_ORIGINS
        and run_sources(span["run_id"]) == owner
        and tuple(span[c] for c in _PRICE_VALUE_COLUMNS) != values
    )


_INSERT_PRICE_SQL = (
    "INSERT INTO prices (offer_id, valid_from, valid_to, last_seen, last_seen_by, run_id, origin, closed_reason, "
    + ", ".join(_PRICE_VALUE_COLUMNS)
    + ") VALUES (?, ?, NULL, ?, ?, ?, ?, NULL, "
    + ", ".join("?" * len(_PRICE_VALUE_COLUMNS))
    + ")"
)


def _insert_price(
    db: Database, offer_id: int, at: str, values: tuple, origin: str, run_id: int | None, seen_by: str
) -> dict[str, Any]:
    """Open a new current price row (plain SQL: sqlite-utils' insert inspects the table per call)."""
    cursor = db.execute(_INSERT_PRICE_SQL, [offer_id, at, at, seen_by, run_id, origin, *values])
    return {
        "id": cursor.lastrowid,
        "offer_id": offer_id,
        "valid_from": at,
        "valid_to": None,
        "last_seen": at,
        "last_seen_by": seen_by,
        "run_id": run_id,
        "origin": origin,
        "closed_reason": None,
        **dict(zip(_PRICE_VALUE_COLUMNS, values, strict=True)),
    }


def _flush_last_seen(db: Database, bumps: dict[int, tuple[str, str]]) -> None:
    if bumps:
        db.conn.executemany(
            "UPDATE prices SET last_seen = ?, last_seen_by = ? WHERE id = ?",
            [(at, by, pid) for pid, (at, by) in bumps.items()],
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


def missing_offers(db: Database, source: str, seen_offer_ids: set[int], at: str) -> tuple[int, int]:
    """(offers ``delist_missing`` would close, offers of this source open before ``at``)."""
    rows = list(
        db.query(
            "SELECT p.offer_id FROM prices p JOIN offers o ON o.id = p.offer_id "
            "WHERE o.source = ? AND p.valid_to IS NULL AND p.last_seen < ?",
            [source, at],
        )
    )
    gone = {r["offer_id"] for r in rows} - seen_offer_ids
    return len(gone), len(gone) + len(seen_offer_ids)


def models_missing(db: Database, provider_id: str, seen_model_ids: set[str], at: str) -> tuple[int, int]:
    """(offers ``close_models_missing`` would close, open offers of ``provider_id`` it looks at)."""
    rows = list(
        db.query(
            "SELECT p.offer_id, o.model_id FROM prices p JOIN offers o ON o.id = p.offer_id "
            "WHERE o.provider_id = ? AND p.valid_to IS NULL AND p.valid_from < ? AND p.last_seen < ?",
            [provider_id, at, at],
        )
    )
    gone = {r["offer_id"] for r in rows if r["model_id"] not in seen_model_ids}
    return len(gone), len({r["offer_id"] for r in rows})


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


def close_models_missing(db: Database, provider_id: str, seen_model_ids: set[str], at: str) -> int:
    """Close every open price of ``provider_id`` for a model not in ``seen_model_ids`` (delisted at ``at``).

    For a maker's page that lists every model it sells (``CLOSES_MISSING_MODELS_OF``): a
    model it no longer lists is no longer sold there, whichever source recorded its price
    (curated history included). Rows first seen at or after ``at`` stay open. Returns the
    offers closed.
    """
    rows = list(
        db.query(
            "SELECT p.id, p.offer_id, o.model_id FROM prices p JOIN offers o ON o.id = p.offer_id "
            "WHERE o.provider_id = ? AND p.valid_to IS NULL AND p.valid_from < ? AND p.last_seen < ?",
            [provider_id, at, at],
        )
    )
    gone = [r for r in rows if r["model_id"] not in seen_model_ids]
    for row in gone:
        db.execute("UPDATE prices SET valid_to = ?, closed_reason = 'delisted' WHERE id = ?", [at, row["id"]])
        db.execute(
            "UPDATE unit_prices SET valid_to = ?, closed_reason = 'delisted' "
            "WHERE offer_id = ? AND valid_to IS NULL AND valid_from < ?",
            [at, row["offer_id"], at],
        )
        db.execute("UPDATE offers SET delisted_at = ? WHERE id = ?", [at, row["offer_id"]])
    return len({r["offer_id"] for r in gone})


def latest_prices(
    db: Database, keys: Iterable[tuple[str, str, str, int, str]]
) -> dict[tuple, dict[str, Any]]:
    """The current price row of each offer key that has one (for the sanity guard)."""
    wanted = set(keys)
    result: dict[tuple, dict[str, Any]] = {}
    # The stored rows, not the current_prices view: the guard compares exact decimal text.
    fields = ", ".join(f"p.{name}" for name in PRICE_FIELDS)
    sql = (
        "SELECT o.model_id AS model, o.provider_id AS provider, o.tier, o.min_prompt_tokens, o.variant, "
        f"o.quantization, {fields}, p.variable, p.currency, p.origin, p.valid_from, p.last_seen, "
        "o.id AS offer_id FROM prices p JOIN offers o ON o.id = p.offer_id WHERE p.valid_to IS NULL"
    )
    for row in db.query(sql):
        key = (row["model"], row["provider"], row["tier"], row["min_prompt_tokens"], row["variant"])
        if key in wanted:
            result[key] = row
    return result


def close_offers(db: Database, keys: set[tuple], at: str, *, only: tuple[str, str] | None = None) -> int:
    """Close the open prices of these offer keys at ``at`` (delisted), unless seen at or after it.

    ``only`` = (origin, source): close only a price of that origin that this source confirmed
    last (a third-party database's delisting never ends what another source said).
    """
    closed = 0
    where, extra = "", []
    if only is not None:
        where, extra = " AND origin = ? AND last_seen_by = ?", list(only)
    for key in sorted(keys):
        row = db.execute(
            "SELECT id FROM offers WHERE model_id = ? AND provider_id = ? AND tier = ? "
            "AND min_prompt_tokens = ? AND variant = ?",
            list(key),
        ).fetchone()
        if row is None:
            continue
        cursor = db.execute(
            "UPDATE prices SET valid_to = ?, closed_reason = 'delisted' "
            "WHERE offer_id = ? AND valid_to IS NULL AND last_seen < ?" + where,
            [at, row[0], at, *extra],
        )
        if cursor.rowcount:
            closed += 1
            db.execute(
                "UPDATE unit_prices SET valid_to = ?, closed_reason = 'delisted' "
                "WHERE offer_id = ? AND valid_to IS NULL AND last_seen < ?",
                [at, row[0], at],
            )
            db.execute("UPDATE offers SET delisted_at = ? WHERE id = ?", [at, row[0]])
    return closed


def price_steps_of_run(db: Database, run_id: int) -> list[dict[str, Any]]:
    """Every price change a run's rows made (a ``price_changes`` row: old_* and new_* of each field)."""
    pairs = ", ".join(
        f"pc.old_{name}_text AS old_{name}, pc.new_{name}_text AS new_{name}" for name in PRICE_FIELDS
    )
    return list(
        db.query(
            f"SELECT pc.model, pc.provider, pc.tier, pc.min_prompt_tokens, pc.variant, pc.changed_at, {pairs} "
            "FROM price_changes pc JOIN prices p ON p.id = pc.price_id WHERE pc.kind = 'change' AND p.run_id = ? "
            "ORDER BY pc.changed_at, pc.model, pc.provider",
            [run_id],
        )
    )


def price_in_force(db: Database, key: tuple, at: str) -> tuple[str, tuple[str | None, ...]] | None:
    """(currency, price texts) of the stored price of offer ``key`` in force at ``at``, any origin; None if none."""
    fields = ", ".join(f"p.{name}" for name in PRICE_FIELDS)
    row = db.execute(
        f"SELECT p.currency, {fields} FROM prices p JOIN offers o ON o.id = p.offer_id "
        "WHERE o.model_id = ? AND o.provider_id = ? AND o.tier = ? AND o.min_prompt_tokens = ? AND o.variant = ? "
        "AND p.valid_from <= ? AND (p.valid_to IS NULL OR p.valid_to > ?) ORDER BY p.valid_from DESC LIMIT 1",
        [*key, at, at],
    ).fetchone()
    return None if row is None else (row[0], tuple(row[1:]))
