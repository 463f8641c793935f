"""Read-only questions the CLI asks of the store: history, status, unmapped names, model search.

Each asks a ``StoreReader`` (``pricewatch.scraper.store.reader``); the SQL is the store's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pricewatch.scraper.catalog import Catalog, normalise_name, provider_slug

if TYPE_CHECKING:
    from pricewatch.scraper.store.reader import StoreReader

__all__ = ["price_history", "quarantine_rows", "search_models", "source_status", "unmapped_rows"]


def price_history(
    reader: StoreReader, catalog: Catalog, model: str, *, provider: str | None = None, tier: str | None = None
) -> list[dict[str, Any]]:
    """Every price row of a model (id, alias, or a source's own name), oldest first."""
    model_id = catalog.resolve_model(model)
    if model_id is None:
        if not reader.has_model(model):
            from pricewatch.errors import UnknownModelError

            raise UnknownModelError(model, catalog.suggest_models(model))
        model_id = model
    provider_id = (catalog.resolve_provider(provider) or provider_slug(provider)) if provider else None
    return reader.price_history(model_id, provider_id=provider_id, tier=tier)


def _age(since: str | None, now: datetime) -> str:
    if not since:
        return ""
    then = datetime.fromisoformat(since.replace("Z", "+00:00"))
    seconds = int((now - then).total_seconds())
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400 * 2:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def shipped_source_intervals(names: list[str]) -> dict[str, timedelta]:
    """Each registered source's interval from the shipped data/schedule.toml ({} if it is missing)."""
    from pricewatch.errors import PricewatchError
    from pricewatch.paths import shipped_data_dir
    from pricewatch.scraper.schedule_config import load_schedule, source_intervals
    from pricewatch.scraper.sources import SOURCE_NAMES, get_source

    try:
        config = load_schedule(shipped_data_dir() / "schedule.toml")
    except PricewatchError:
        return {}
    return source_intervals(config, [(n, get_source(n).KIND) for n in names if n in SOURCE_NAMES])


def source_status(
    reader: StoreReader,
    registered: list[str] | None = None,
    now: datetime | None = None,
    intervals: Mapping[str, timedelta] | None = None,
) -> list[dict[str, Any]]:
    """One row per source (registered or seen in `runs`): last ok run, its data's age, last status and error.

    Ages are observation ages: ``data_as_of`` is when the last ok run's data was observed
    (a replay's recorded time, a backfill's newest commit, the newest curated row), and
    ``age`` runs from it to ``now``, so a database built from old recordings says so. A
    source is ``stale`` when that age is over three times its interval; ``intervals``
    (source -> timedelta) default to data/schedule.toml's.
    """
    from pricewatch.scraper.schedule_config import STALE_FACTOR, format_duration

    now = now or datetime.now(UTC)
    rows = []
    seen = reader.run_sources()
    sources = list(dict.fromkeys([*(registered or []), *seen]))
    if intervals is None:
        intervals = shipped_source_intervals(sources)
    embedded = reader.embedded_data_date()
    for source in sources:
        last = reader.last_run(source)
        backfilled = reader.last_ok_run(f"backfill:{source}") if last is None else None
        if backfilled is not None:
            # Never refreshed, but its history was backfilled (the shipped endpoint sweeps):
            # the prices it confirmed are as old as that history, and say so.
            history_as_of = backfilled.observed_at or backfilled.finished_at or ""
            history_interval = intervals.get(source)
            history_at = (
                datetime.fromisoformat(history_as_of.replace("Z", "+00:00")) if history_as_of else now
            )
            history_stale = bool(
                history_as_of and history_interval and now - history_at > STALE_FACTOR * history_interval
            )
            note = f"not refreshed yet: data from its backfilled history (backfill:{source})"
            if history_stale and history_interval is not None:
                note += (
                    f"; stale: data as of {history_as_of}, {_age(history_as_of, now)} old, "
                    f"over {STALE_FACTOR}x its {format_duration(history_interval)} interval"
                )
            rows.append(
                {
                    "source": source,
                    "origin": backfilled.origin,
                    "last_ok": "never",
                    "data_as_of": history_as_of,
                    "age": _age(history_as_of, now),
                    "last_status": "",
                    "last_error": "",
                    "quarantined": 0,
                    "problem": note,
                    "stale": history_stale,
                }
            )
            continue
        if last is None:
            note = f"not refreshed yet: embedded data as of {embedded}" if embedded else "not refreshed yet"
            rows.append(
                {
                    "source": source,
                    "origin": "",
                    "last_ok": "never",
                    "data_as_of": "",
                    "age": "",
                    "last_status": "",
                    "last_error": "",
                    "quarantined": 0,
                    "problem": note,
                    "stale": False,
                }
            )
            continue
        ok_run = reader.last_ok_run(source)
        pending = reader.pending_quarantine_count(source)
        problem = ""
        if last.status in ("failed", "partial", "abandoned"):
            problem = f"last run {last.status}"
        last_ok = ok_run.finished_at if ok_run else None
        observed = (ok_run.observed_at or ok_run.finished_at) if ok_run else None
        if ok_run is None:
            problem = problem or "no ok run yet"
        interval = intervals.get(source)
        observed_at = observed and datetime.fromisoformat(observed.replace("Z", "+00:00"))
        stale = bool(observed_at and interval and now - observed_at > STALE_FACTOR * interval)
        if stale and interval is not None:
            note = (
                f"stale: data as of {observed}, {_age(observed, now)} old, "
                f"over {STALE_FACTOR}x its {format_duration(interval)} interval"
            )
            problem = f"{problem}; {note}" if problem else note
        rows.append(
            {
                "source": source,
                "origin": last.origin,
                "last_ok": last_ok if ok_run else "never",
                "data_as_of": observed or "",
                "age": _age(observed, now) if ok_run else "",
                "last_status": last.status,
                "last_error": last.error or "",
                "quarantined": pending,
                "problem": problem,
                "stale": stale,
            }
        )
    return rows


def unmapped_rows(reader: StoreReader) -> list[dict[str, Any]]:
    """Names sources used that the catalog does not map."""
    return reader.unmapped_names()


def quarantine_rows(reader: StoreReader) -> list[dict[str, Any]]:
    """Observations held back by the sanity guard, waiting for --accept-changes."""
    return reader.pending_quarantine()


def search_models(catalog: Catalog, search: str | None) -> list[dict[str, Any]]:
    """Catalog models whose id, name or aliases contain ``search`` (all when empty)."""
    needle = normalise_name(search or "")
    rows = []
    for model in sorted(catalog.models.values(), key=lambda m: m.id):
        names = [model.id, model.name, *model.aliases]
        if needle and not any(needle in normalise_name(n) for n in names):
            continue
        rows.append(
            {
                "id": model.id,
                "name": model.name,
                "creator": model.creator,
                "open_weights": "yes" if model.open_weights else "no",
                "aliases": ", ".join(model.aliases),
            }
        )
    return rows
