"""Read-only questions the CLI asks of the store: history, status, unmapped names, model search.

Each asks a ``StoreReader`` (``pricewatch.scraper.store.reader``); the SQL is the store's.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pricewatch.fields import PRICE_FIELDS
from pricewatch.scraper.catalog import Catalog, normalise_name, provider_slug

if TYPE_CHECKING:
    from pricewatch.scraper.store.reader import RunStreak, RunSummary, StoreReader

__all__ = [
    "DEGRADED",
    "FAILING",
    "HISTORY_COLUMNS",
    "HISTORY_COMPACT_COLUMNS",
    "OK",
    "STALE",
    "check_fails",
    "close_matches",
    "history_columns",
    "known_provider",
    "known_tier",
    "price_history",
    "quarantine_rows",
    "search_models",
    "source_status",
    "unmapped_rows",
]

# A source's health (`pricewatch status`, the site, `pricewatch publish`):
OK = "ok"  # its newest run stored every item it listed
DEGRADED = "degraded"  # its newest run stored prices, but some items had none usable (listed)
FAILING = "failing"  # its newest finished run failed: nothing stored since ``failing_since``
STALE = "stale"  # its data is older than three intervals, or it was never refreshed
# How many of a degraded run's unreadable items the problem column names.
DEGRADED_LISTED = 5

#: Every column of `pricewatch history` (csv and json print them all unless --columns says).
HISTORY_COLUMNS = (
    "valid_from",
    "valid_to",
    "provider",
    "tier",
    "min_prompt_tokens",
    "variant",
    *PRICE_FIELDS,
    "list_price",
    "currency",
    "origin",
    "confidence",
    "source_url",
    "closed_reason",
    "last_seen",
    "correction",
)
#: What the table shows by default: about 110 characters wide, not 296.
# Confidence stays: a curated price of low confidence reads "low (unverified)", never as fact.
HISTORY_COMPACT_COLUMNS = (
    "valid_from",
    "valid_to",
    "provider",
    "tier",
    "input",
    "output",
    "origin",
    "confidence",
)


def history_columns(spec: str | None, fmt: str) -> list[str]:
    """The columns `history` prints: ``spec`` ("valid_from,input,output" or "all"), else the
    compact set for a table and every column for csv/json. UnknownValueError names a typo."""
    from pricewatch.errors import UnknownValueError

    if not spec:
        return list(HISTORY_COMPACT_COLUMNS if fmt == "table" else HISTORY_COLUMNS)
    if spec.strip() == "all":
        return list(HISTORY_COLUMNS)
    columns = [c.strip() for c in spec.split(",") if c.strip()]
    for column in columns:
        if column not in HISTORY_COLUMNS:
            raise UnknownValueError("column", column, close_matches(column, HISTORY_COLUMNS), HISTORY_COLUMNS)
    return columns


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
    provider_id = known_provider(reader, catalog, provider) if provider else None
    if tier:
        tier = known_tier(tier)
    return reader.price_history(model_id, provider_id=provider_id, tier=tier)


def close_matches(value: str, names: Iterable[str], limit: int = 3) -> list[str]:
    """Names close to ``value`` (case aside), for "did you mean"."""
    by_key = {name.lower(): name for name in names}
    return [by_key[m] for m in difflib.get_close_matches(value.lower(), by_key, n=limit, cutoff=0.6)]


def known_provider(reader: StoreReader, catalog: Catalog, name: str) -> str:
    """The provider id of ``name`` (catalog id, name or alias, or a stored host's id); UnknownValueError
    (exit 2, with close names) when nothing is known by it: a typo is not "(no rows)"."""
    from pricewatch.errors import UnknownValueError

    found = catalog.resolve_provider(name)
    if found:
        return found
    stored = {p.id for p in reader.providers()}
    slug = provider_slug(name)
    if slug in stored:
        return slug
    known = sorted(set(catalog.providers) | stored)
    raise UnknownValueError("provider", name, close_matches(name, known), known)


def known_tier(name: str) -> str:
    """``name`` when it is a tier the store knows (``TIERS``); UnknownValueError (exit 2) otherwise."""
    from pricewatch.errors import UnknownValueError
    from pricewatch.scraper.records import TIERS

    if name in TIERS:
        return name
    if name.lower() in TIERS:
        return name.lower()
    raise UnknownValueError("tier", name, close_matches(name, TIERS), TIERS)


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
    """One row per source (registered or seen in `runs`): health, last usable run, its data's age, last error.

    Ages are observation ages: ``data_as_of`` is when the last usable (ok or partial) run's
    data was observed (a replay's recorded time, a backfill's newest commit, the newest
    curated row), and ``age`` runs from it to ``now``, so a database built from old
    recordings says so. A source is ``stale`` when that age is over three times its
    interval; ``intervals`` (source -> timedelta) default to data/schedule.toml's.
    ``health`` is ok, degraded (the newest run was partial: the items without a usable price
    are named in ``problem``), failing (the newest finished run failed; ``failing_since``
    says since when) or stale (or never refreshed). An abandoned run (a killed process) is
    no failure: the run before it decides.
    """
    from pricewatch.scraper.schedule_config import STALE_FACTOR, format_duration

    now = now or datetime.now(UTC)
    rows = []
    seen = reader.run_sources()
    sources = list(dict.fromkeys([*(registered or []), *seen]))
    if intervals is None:
        intervals = shipped_source_intervals(sources)
    embedded = reader.embedded_data_date()
    streaks = reader.run_streaks()
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
                    "health": STALE,
                    "origin": backfilled.origin,
                    "last_ok": "never",
                    "data_as_of": history_as_of,
                    "age": _age(history_as_of, now),
                    "last_status": "",
                    "last_error": "",
                    "quarantined": 0,
                    "problem": note,
                    "stale": history_stale,
                    "failing_since": "",
                }
            )
            continue
        if last is None:
            note = f"not refreshed yet: embedded data as of {embedded}" if embedded else "not refreshed yet"
            rows.append(
                {
                    "source": source,
                    "health": STALE,
                    "origin": "",
                    "last_ok": "never",
                    "data_as_of": "",
                    "age": "",
                    "last_status": "",
                    "last_error": "",
                    "quarantined": 0,
                    "problem": note,
                    "stale": False,
                    "failing_since": "",
                }
            )
            continue
        rows.append(_refreshed_row(reader, source, last, streaks.get(source), intervals.get(source), now))
    return rows


def _refreshed_row(
    reader: StoreReader,
    source: str,
    last: RunSummary,
    streak: RunStreak | None,
    interval: timedelta | None,
    now: datetime,
) -> dict[str, Any]:
    """The status row of a source that ran: its health from its newest usable run and the failures since."""
    from pricewatch.scraper.schedule_config import STALE_FACTOR, format_duration

    usable = reader.last_usable_run(source)
    failing = bool(streak and streak.failures)
    problems = []
    if failing and streak is not None:
        runs = f"{streak.failures} failed run{'s' if streak.failures != 1 else ''}"
        problems.append(f"last run failed; failing since {streak.failing_since} ({runs})")
    elif last.status == "abandoned":
        problems.append("last run abandoned (the process stopped before it finished)")
    observed = (usable.observed_at or usable.finished_at) if usable else None
    if usable is None and not failing:
        problems.append("no ok run yet")
    degraded = usable is not None and usable.status == "partial" and not failing
    if degraded and usable is not None:
        problems.append(_degraded_note(usable))
    observed_at = observed and datetime.fromisoformat(observed.replace("Z", "+00:00"))
    stale = bool(observed_at and interval and now - observed_at > STALE_FACTOR * interval)
    if stale and interval is not None:
        problems.append(
            f"stale: data as of {observed}, {_age(observed, now)} old, "
            f"over {STALE_FACTOR}x its {format_duration(interval)} interval"
        )
    if failing:
        health = FAILING
    elif stale or usable is None:
        health = STALE
    elif degraded:
        health = DEGRADED
    else:
        health = OK
    return {
        "source": source,
        "health": health,
        "origin": last.origin,
        "last_ok": (usable.finished_at or "") if usable else "never",
        "data_as_of": observed or "",
        "age": _age(observed, now) if usable else "",
        "last_status": last.status,
        "last_error": last.error or "",
        "quarantined": reader.pending_quarantine_count(source),
        "problem": "; ".join(problems),
        "stale": stale,
        "failing_since": (streak.failing_since or "") if failing and streak else "",
    }


def _degraded_note(run: RunSummary) -> str:
    """``degraded: 2 items without a usable price: a: ...; b: ...`` (the first few, and how many more)."""
    listed = list(run.problems)
    if not listed:  # a run stored before runs.problems existed: its error says the first one
        return f"degraded: {run.error}" if run.error else "degraded"
    shown = listed[:DEGRADED_LISTED]
    more = len(listed) - len(shown)
    text = f"degraded: {len(listed)} item{'s' if len(listed) != 1 else ''} without a usable price"
    if shown:
        text += ": " + "; ".join(shown)
    if more:
        text += f"; and {more} more"
    return text


def check_fails(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows `status --check` fails on: a failing or stale source (a degraded one is reported, not failed)."""
    return [row for row in rows if row.get("health") in (FAILING, STALE)]


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
