"""Deciding on held observations: accept (store them at their own time) or reject (drop them).

The sanity guard of a refresh holds a price that moved more than 10x, or from a price to 0,
to variable or to none (``refresh.guard_jumps``); a backfill holds a
suspected typo (a jump that came back within days). Both wait in ``quarantine`` with their
reason until someone decides. Accepting places each at its observation time like any
observation, so a jump that a later observation contradicts ends at that observation
(the timeline splits around it); rejecting drops it for good (status ``rejected``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pricewatch.scraper.store import Database, apply_observations
from pricewatch.scraper.store.writer import (
    HeldObservation,
    held_observations,
    mark_quarantine_applied,
    mark_quarantine_rejected,
)

__all__ = ["Decision", "accept_held", "reject_held"]


@dataclass
class Decision:
    """What a decision did: the held observations it covered and the offers whose history changed."""

    held: list[HeldObservation] = field(default_factory=list)
    prices_changed: int = 0


def _offer_source(held: HeldObservation) -> str | None:
    # A refresh holds under its source's name; a backfill under `backfill:<kind>`, whose
    # offers already exist (a typo is a jump from the offer's earlier value).
    return None if held.source.startswith("backfill:") else held.source


def accept_held(
    db: Database, decided_at: str, *, ids: Sequence[int] = (), sources: Sequence[str] = ()
) -> Decision:
    """Store the pending held observations chosen (all when neither ids nor sources), in one transaction."""
    decision = Decision(held_observations(db, ids=ids, sources=sources))
    with db.atomic():
        for held in decision.held:
            stats = apply_observations(
                db, [held.observation], origin=held.origin, run_id=held.run_id, source=_offer_source(held)
            )
            decision.prices_changed += stats.prices_changed
        mark_quarantine_applied(db, (h.id for h in decision.held), decided_at)
    return decision


def reject_held(
    db: Database, decided_at: str, *, ids: Sequence[int] = (), sources: Sequence[str] = ()
) -> Decision:
    """Drop the pending held observations chosen (all when neither ids nor sources): never stored."""
    decision = Decision(held_observations(db, ids=ids, sources=sources))
    with db.atomic():
        mark_quarantine_rejected(db, [h.id for h in decision.held], decided_at)
    return decision
