"""Read-only questions the CLI asks of the store: history, status, unmapped names, model search."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pricewatch.analysis.prices import PRICE_FIELDS
from pricewatch.scraper.catalog import Catalog, normalise_name

if TYPE_CHECKING:  # the read paths run on scraper.readonly without importing sqlite-utils
    from sqlite_utils import Database

__all__ = ["price_history", "quarantine_rows", "search_models", "source_status", "unmapped_rows"]


def price_history(
    db: Database, catalog: Catalog, model: str, *, provider: str | None = None, tier: str | None = None
) -> list[dict[str, Any]]:
    """Every price row of a model (id, alias, or a source's own name), oldest first."""
    model_id = catalog.resolve_model(model)
    if model_id is None:
        known = list(db.query("SELECT id FROM models WHERE id = ?", [model]))
        if not known:
            from pricewatch.errors import UnknownModelError

            raise UnknownModelError(model, catalog.suggest_models(model))
        model_id = model
    where = ["o.model_id = ?"]
    params: list[Any] = [model_id]
    if provider:
        where.append("o.provider_id = ?")
        params.append(catalog.resolve_provider(provider) or provider)
    if tier:
        where.append("o.tier = ?")
        params.append(tier)
    fields = ", ".join(f"p.{name}" for name in PRICE_FIELDS)
    # Curated rows carry their confidence and citation; a low-confidence one is never shown
    # as fact. A database opened read-only before that migration has no curated_sources.
    if "curated_sources" in db.table_names():
        cited = (
            "CASE WHEN cs.confidence = 'low' THEN 'low (unverified)' ELSE cs.confidence END AS confidence, "
            "cs.source_url"
        )
        join = (
            "LEFT JOIN curated_sources cs ON p.origin = 'curated' AND cs.offer_id = p.offer_id "
            "AND cs.valid_from = p.valid_from"
        )
    else:
        cited, join = "NULL AS confidence, NULL AS source_url", ""
    sql = (
        f"SELECT p.valid_from, p.valid_to, o.provider_id AS provider, o.tier, o.min_prompt_tokens, o.variant, "
        f"{fields}, p.currency, p.origin, {cited}, p.closed_reason, p.last_seen "
        f"FROM prices p JOIN offers o ON o.id = p.offer_id {join} WHERE {' AND '.join(where)} "
        f"ORDER BY p.valid_from, o.provider_id, o.tier, o.min_prompt_tokens, o.variant"
    )
    return list(db.query(sql, params))


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


def embedded_data_date(db: Database) -> str | None:
    """The newest date of curated or replayed data, for a database never refreshed live."""
    row = next(
        iter(db.query("SELECT max(valid_from) AS newest FROM prices WHERE origin IN ('curated', 'replay')"))
    )
    return row["newest"][:10] if row["newest"] else None


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
    db: Database,
    registered: list[str] | None = None,
    now: datetime | None = None,
    intervals: Mapping[str, timedelta] | None = None,
) -> list[dict[str, Any]]:
    """One row per source (registered or seen in `runs`): last ok run, its age, last status and error.

    A source is ``stale`` when its last ok run finished more than three times its
    interval ago; ``intervals`` (source -> timedelta) default to data/schedule.toml's.
    """
    from pricewatch.scraper.schedule_config import STALE_FACTOR, format_duration

    now = now or datetime.now(UTC)
    rows = []
    seen = [r["source"] for r in db.query("SELECT DISTINCT source FROM runs ORDER BY source")]
    sources = list(dict.fromkeys([*(registered or []), *seen]))
    if intervals is None:
        intervals = shipped_source_intervals(sources)
    embedded = embedded_data_date(db)
    for source in sources:
        runs = list(db.query("SELECT * FROM runs WHERE source = ? ORDER BY id DESC LIMIT 1", [source]))
        if not runs:
            note = f"not refreshed yet: embedded data as of {embedded}" if embedded else "not refreshed yet"
            rows.append(
                {
                    "source": source,
                    "origin": "",
                    "last_ok": "never",
                    "age": "",
                    "last_status": "",
                    "last_error": "",
                    "quarantined": 0,
                    "problem": note,
                    "stale": False,
                }
            )
            continue
        last = runs[0]
        ok = list(
            db.query(
                "SELECT * FROM runs WHERE source = ? AND status = 'ok' ORDER BY id DESC LIMIT 1", [source]
            )
        )
        ok_row = ok[0] if ok else None
        pending = next(
            iter(
                db.query(
                    "SELECT count(*) AS n FROM quarantine WHERE source = ? AND status = 'pending'", [source]
                )
            )
        )["n"]
        problem = ""
        if last["status"] in ("failed", "partial", "abandoned"):
            problem = f"last run {last['status']}"
        if ok_row is None:
            problem = problem or "no ok run yet"
        interval = intervals.get(source)
        last_ok_at = ok_row and datetime.fromisoformat(ok_row["finished_at"].replace("Z", "+00:00"))
        stale = bool(last_ok_at and interval and now - last_ok_at > STALE_FACTOR * interval)
        if stale:
            note = (
                f"stale: last ok run {_age(ok_row['finished_at'], now)} ago, "
                f"over {STALE_FACTOR}x its {format_duration(interval)} interval"
            )
            problem = f"{problem}; {note}" if problem else note
        rows.append(
            {
                "source": source,
                "origin": last["origin"],
                "last_ok": ok_row["finished_at"] if ok_row else "never",
                "age": _age(ok_row["finished_at"], now) if ok_row else "",
                "last_status": last["status"],
                "last_error": last["error"] or "",
                "quarantined": pending,
                "problem": problem,
                "stale": stale,
            }
        )
    return rows


def unmapped_rows(db: Database) -> list[dict[str, Any]]:
    """Names sources used that the catalog does not map."""
    return list(db.query("SELECT * FROM unmapped_names ORDER BY source, kind, name"))


def quarantine_rows(db: Database) -> list[dict[str, Any]]:
    """Observations held back by the sanity guard, waiting for --accept-changes."""
    return list(db.query("SELECT * FROM quarantine WHERE status = 'pending' ORDER BY id"))


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
