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
they are put back where they were, and so are the last sightings of the rebuilt spans (another
source that reports the same offer may have made them). When the rebuilt history equals the stored one the
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

from pricewatch.errors import PricewatchError
from pricewatch.scraper.catalog import Catalog
from pricewatch.scraper.refresh import (
    _model_metadata,
    _providers,
    observations_from_records,
    offer_owners_before,
)
from pricewatch.scraper.store import Database, Observation, apply_observations, load_raw_body, record_unmapped
from pricewatch.scraper.store.corrections import sync_corrections
from pricewatch.scraper.store.reparse import (
    REPARSED_ORIGINS,
    delete_own_spans,
    offers_of_source,
    own_delistings,
    own_sightings,
    restore_delisting,
    restore_offer_delisting,
    restore_sightings,
    stored_bodies,
    timelines,
)
from pricewatch.scraper.store.writer import pending_quarantine

__all__ = ["REPARSED_ORIGINS", "ReparseOutcome", "reparse_source", "reparse_sources"]

logger = logging.getLogger(__name__)


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


def _pending_quarantine(db: Database, source: str) -> dict[tuple[str, str], tuple]:
    """(offer text, observed_at) -> stored values of each observation the guard still holds back."""
    return {
        (offer, observation.observed_at): observation.stored_values()
        for _, offer, observation in pending_quarantine(db, source)
    }


def _read_bodies(
    db: Database, module: ModuleType, catalog: Catalog, outcome: ReparseOutcome
) -> tuple[list[_Reading], list]:
    """Parse every stored body once; one reading per body and instant, oldest first."""
    held = _pending_quarantine(db, module.NAME)
    readings: list[_Reading] = []
    records_seen = []
    for fetch in stored_bodies(db, module.NAME):
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
    return offers_of_source(db, source, {o.offer_key for reading in readings for o in reading.observations})


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
    before = timelines(db, offer_ids)
    try:
        with db.atomic():
            delistings = own_delistings(db, module.NAME, offer_ids) if module.LISTS_EVERYTHING else []
            sightings = own_sightings(db, module.NAME, offer_ids)
            delete_own_spans(db, module.NAME, offer_ids)
            _model_metadata(db, records, catalog, module.NAME)
            _providers(db, [o for r in readings for o in r.observations], module.NAME)
            for (origin, run_id), batch in _batches(readings):
                apply_observations(
                    db,
                    batch,
                    origin=origin,
                    run_id=run_id,
                    source=module.NAME,
                    yield_to=offer_owners_before(module),
                )
            restore_sightings(db, sightings)
            for event in delistings:
                restore_delisting(db, event)
            for offer_id, (_, _, delisted_at) in before.items():
                if delisted_at is not None:
                    restore_offer_delisting(db, offer_id, delisted_at)
            sync_corrections(db)  # the rebuilt spans hold what was observed, corrections aside
            after = timelines(db, offer_ids | _offers_of(db, module.NAME, readings))
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
