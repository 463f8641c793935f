"""Which of a page's records are in force at the time it was read, and which are scheduled (pure).

A page may announce a price before it applies: Google's "$0.75 through December 31, 2026.
$1.50 starting January 1, 2027." parses to two records of one offer, the second with
``effective_from`` 2027-01-01. Read on 2026-08-18, the first is the price in force and the
second a scheduled change; read on 2027-01-05 (the page unchanged), the second is in force,
and has been since the day the page names.

So, per offer (its ``offer_key``), at the observation time ``at``:

- the record with the latest ``effective_from`` on or before ``at`` is in force, observed
  at ``at`` and also at the start of its day (the page says when it began: the history
  places the change there, not at the first refresh after it); without one, the undated
  record is in force, observed at ``at``;
- records whose day is after ``at`` are scheduled: the store keeps them apart
  (``pricewatch.scraper.store.scheduled``), never as a price in force, until a refresh on
  or after their day finds them in force.

A day is taken as midnight UTC: a page that names a day names no time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from pricewatch.scraper.records import PriceRecord

__all__ = ["Schedule", "day_start", "split_schedule"]


def day_start(day: date) -> str:
    """Midnight UTC of ``day`` in the store's time format."""
    return f"{day.isoformat()}T00:00:00Z"


@dataclass(frozen=True)
class Schedule:
    """A page's records split at one observation time."""

    in_force: list[tuple[PriceRecord, str]] = field(default_factory=list)  # (record, observed at)
    scheduled: list[tuple[PriceRecord, str]] = field(default_factory=list)  # (record, starts at)


def split_schedule(records: Sequence[PriceRecord], at: str) -> Schedule:
    """The records in force at ``at`` (with the times to observe them) and those scheduled after it.

    Records without ``effective_from`` pass through as in force, in their order, so a
    page with no dated price gives exactly what it gave before.
    """
    dated: dict[tuple, list[PriceRecord]] = {}
    for record in records:
        if record.effective_from is not None:
            dated.setdefault(record.offer_key(), []).append(record)
    if not dated:
        return Schedule(in_force=[(record, at) for record in records])
    in_force: list[tuple[PriceRecord, str]] = []
    scheduled: list[tuple[PriceRecord, str]] = []
    superseding: dict[tuple, PriceRecord] = {}
    for key, announced in dated.items():
        begun = [r for r in announced if r.effective_from is not None and day_start(r.effective_from) <= at]
        if begun:
            superseding[key] = max(begun, key=lambda r: r.effective_from or date.min)
        for record in announced:
            assert record.effective_from is not None
            start = day_start(record.effective_from)
            if start > at:
                scheduled.append((record, start))
    for record in records:
        key = record.offer_key()
        current = superseding.get(key)
        if record.effective_from is None:
            if current is None:
                in_force.append((record, at))
        elif record is current:
            assert record.effective_from is not None
            in_force.append((record, day_start(record.effective_from)))
            in_force.append((record, at))
    return Schedule(in_force=in_force, scheduled=sorted(scheduled, key=lambda item: item[1]))
