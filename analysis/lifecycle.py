"""When a price stops being current: retirement ends it, and a curated price needs confirming (pure).

One rule for every origin. A scraped (measured) price is current while its source's latest
complete observation lists it: the store closes it when one does not (``valid_to``), so
here it only ends where the catalog says its model was retired. A curated price has no
source that re-observes it, so it is current only within a window of its last confirmation
(its own date, or a later sighting by any source at the same price); after that it is
"unconfirmed since" that confirmation: left out of current tables, ratios and cheapest-host
choices (``PricePoint.unconfirmed_at``), and flagged where a check still rests on it.

A period whose end is a recorded change (a later price of the same offer) or a retirement
was in force until then, confirmed or not: only open periods and periods that a listing
stopped showing ("delisted", an end seen late) are held to the window.

The database's ``open_prices`` and ``current_prices`` views apply this same rule in SQL
(``scraper/store/views.py``, at the newest observation, with the window stored in the
database); a test holds the two equal. Change both or neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta

from pricewatch.analysis.prices import ModelFacts, PricePoint
from pricewatch.defaults import CURATED_WINDOW_DAYS

__all__ = ["CURATED_WINDOW_DAYS", "MEASURED_ORIGINS", "settle_points", "window_end", "window_start"]

#: The origin of a third-party price database's rows (LiteLLM, models.dev): no sighting of a sale.
THIRD_PARTY_ORIGIN = "third-party"

#: Origins whose source re-observes the offer (a curated row is re-observed by nobody).
MEASURED_ORIGINS = frozenset({"live", "replay", "backfill"})

# Ends that say when a period ended; "delisted" says only that a later listing lacked it.
_KNOWN_ENDS = frozenset({"changed", "retired"})


def window_end(confirmed: str, days: int) -> str:
    """The first instant a price last confirmed at ``confirmed`` is no longer current."""
    moment = datetime.fromisoformat(confirmed[:19]) + timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def window_start(moment: str, days: int) -> str:
    """The instant ``days`` before ``moment`` (both in the store's time format)."""
    start = datetime.fromisoformat(moment[:19]) - timedelta(days=days)
    return start.strftime("%Y-%m-%dT%H:%M:%SZ")


def _day_start(day: date | str) -> str:
    text = day.isoformat() if isinstance(day, date) else day
    return text[:10] + "T00:00:00Z"


def settle_points(
    points: Iterable[PricePoint],
    facts: Mapping[str, ModelFacts],
    *,
    window_days: int = CURATED_WINDOW_DAYS,
) -> list[PricePoint]:
    """Every period as the current rule sees it: ended at its model's retirement, marked
    ``unconfirmed_after`` where the curated window runs out before its end.

    Retirement (the maker stopped serving the model) ends the maker's own offers, any
    third-party price of it (a price database that keeps an entry is no sighting of a sale),
    and any other offer no source saw on or after that day; a maker's period that starts
    after it is dropped. Points are returned in their given order.
    """
    settled: list[PricePoint] = []
    for point in points:
        fact = facts.get(point.model)
        retired = _day_start(fact.retired) if fact is not None and fact.retired else None
        if retired is not None:
            maker = point.provider in fact.makers if fact is not None else False
            seen = point.last_confirmed or point.valid_from
            if maker or point.origin == THIRD_PARTY_ORIGIN or seen < retired:
                if point.valid_from >= retired:
                    continue
                if point.valid_to is None or point.valid_to > retired:
                    point = replace(point, valid_to=retired, ended="retired")
        if point.origin not in MEASURED_ORIGINS and point.ended not in _KNOWN_ENDS:
            end = window_end(point.last_confirmed or point.valid_from, window_days)
            if point.valid_to is None or point.valid_to > end:
                point = replace(point, unconfirmed_after=end)
        settled.append(point)
    return settled
