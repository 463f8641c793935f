"""The refresh loop: fetch every source concurrently, parse, resolve, guard, store.

Each source's run is one transaction: a source that fails (fetch error, layout change,
garbage, past its deadline) is recorded in ``runs`` with the reason, leaves stored prices
untouched and does not stop the others. Fetching writes nothing; the caller passes the
writer lock as ``lock``, taken only to store, and owns the HTTP client (a live one, a
replay transport, or a mock).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from types import ModuleType
from typing import Any
from urllib.parse import urljoin

from pricewatch.errors import (
    LAYOUT_CHANGED,
    DeadlineError,
    PricewatchError,
    SourceError,
    SourceLayoutError,
    UnsafeURLError,
)
from pricewatch.scraper.catalog import Catalog, provider_slug
from pricewatch.scraper.http import CachedResponse, FetchedResponse, Fetcher
from pricewatch.scraper.identity import merge_endpoints
from pricewatch.scraper.parsing import Parsed
from pricewatch.scraper.records import PRICE_FIELDS, PriceRecord
from pricewatch.scraper.scheduled import split_schedule
from pricewatch.scraper.store import (
    Database,
    Observation,
    UnitObservation,
    apply_observations,
    delist_missing,
    finish_run,
    format_time,
    last_fetch,
    last_ok_run,
    latest_prices,
    load_raw_body,
    record_unmapped,
    save_raw_response,
    start_run,
)
from pricewatch.scraper.store.files import machine_refusal
from pricewatch.scraper.store.prices import close_models_missing, missing_offers, models_missing
from pricewatch.scraper.store.scheduled import apply_scheduled
from pricewatch.scraper.store.writer import (
    add_providers,
    known_provider_ids,
    mark_quarantine_applied,
    pending_quarantine,
    quarantine_observations,
    save_model_metadata,
)
from pricewatch.scraper.timeline import THIRD_PARTY
from pricewatch.scraper.urlpolicy import refusal

__all__ = [
    "MAX_PAGES_PER_SOURCE",
    "PRICE_JUMP_FACTOR",
    "PageResult",
    "SourceOutcome",
    "crawl_source",
    "observations_from_records",
    "refresh_sources",
    "scheduled_observations",
]

# A single price that moves by more than this factor in one step is quarantined.
PRICE_JUMP_FACTOR = Decimal(10)
# A source whose model count falls under this share of its last ok run is quarantined whole.
MIN_MODEL_SHARE = Decimal("0.5")
# A complete listing that would end more than this share of a source's open offers (and at
# least MIN_HELD_DELISTINGS of them) ends none: the delistings are held like a large price
# move, until `refresh --accept-changes` (a listing of 55% of the models is a glitch, not news).
MAX_DELIST_SHARE = Decimal("0.2")
MIN_HELD_DELISTINGS = 5
# The price fields whose disappearance (a price to none) is held like a large move.
HELD_WHEN_GONE = frozenset({"input", "output"})
# How a layout-drift error ends (SourceLayoutError's text).
LAYOUT_SUFFIX = f"; {LAYOUT_CHANGED}"
# No source needs more pages than this in one refresh; a link loop stops here.
MAX_PAGES_PER_SOURCE = 5000


@dataclass
class PageResult:
    """One fetched (or failed) page of a source, parsed when it could be."""

    url: str
    response: FetchedResponse | None = None
    parsed: Parsed | None = None
    error: PricewatchError | None = None
    is_start: bool = False


@dataclass
class SourceOutcome:
    """What one source's refresh did: the summary line of `pricewatch refresh`."""

    source: str
    status: str
    run_id: int | None = None
    records: int = 0
    changed: int = 0
    errors: int = 0
    seconds: float = 0.0
    error: str | None = None
    quarantined: int = 0
    messages: list[str] = field(default_factory=list)
    refused_by_machine: str | None = None  # a full disk, a read-only file: no source's fault


async def crawl_source(
    fetcher: Fetcher,
    module: ModuleType,
    base_url: str,
    on_page: Callable[[str], None] | None = None,
) -> list[PageResult]:
    """Fetch a source's start pages and every link its parser returns, concurrently; parse each once.

    A link off the source's own host (``scraper/urlpolicy.py``) is a page error, never
    fetched; a body about another subject than its link promised (``Parsed.link_subjects``)
    is a page error, never records.
    """
    results: list[PageResult] = []
    seen: set[str] = set()

    async def visit(url: str, is_start: bool, subjects: frozenset[str] | None = None) -> None:
        page = PageResult(url=url, is_start=is_start)
        results.append(page)
        try:
            refused = None if is_start else refusal(base_url, url)
            if refused is not None:
                raise UnsafeURLError(f"GET {url}: refused, {refused}", url=url)
            response = await fetcher.get(url)
            normalise = getattr(module, "normalise_body", None)
            if normalise is not None:
                # What changes on every fetch without meaning anything (OpenRouter's endpoint
                # uptimes) is dropped before the body is parsed and stored.
                response = replace(response, body=normalise(response.url, response.body))
            page.response = response
            parsed = module.parse(page.response.url, page.response.body)
            if subjects is not None and parsed.subject is not None and parsed.subject not in subjects:
                raise SourceLayoutError(
                    f"the body is about {parsed.subject!r}, not {', '.join(sorted(subjects))}", url=url
                )
            page.parsed = parsed
        except PricewatchError as error:
            page.error = error
        except Exception as error:  # a parser bug must not take the other sources down
            page.error = SourceLayoutError(f"parser crashed: {type(error).__name__}: {error}", url=url)
        if on_page is not None:
            on_page(url)
        if page.parsed is None:
            return
        base = page.response.url if page.response else url
        links: list[tuple[str, frozenset[str] | None]] = []
        for link in page.parsed.links:
            absolute = urljoin(base, link)
            if absolute not in seen and len(seen) < MAX_PAGES_PER_SOURCE:
                seen.add(absolute)
                links.append((absolute, page.parsed.link_subjects.get(link)))
        await asyncio.gather(*(visit(link, False, subjects) for link, subjects in links))

    start = list(dict.fromkeys(module.start_urls(base_url)))
    seen.update(start)
    await asyncio.gather(*(visit(url, True) for url in start))
    return results


def observations_from_records(
    records: Sequence[PriceRecord], catalog: Catalog, observed_at: str
) -> tuple[list[Observation], set[str], set[str]]:
    """Resolve names through the catalog and apply the offer rule (``scraper/identity.py``).

    Unmapped model names are kept as the source spelled them; an unmapped provider is
    stored under its slug (``provider_slug``), so every source's spelling is one provider.
    Only what is in force at ``observed_at`` is observed (a price a page announces for a
    later day is not: see ``scheduled_observations``); a dated price in force is observed
    at ``observed_at`` and at the start of its day (``pricewatch.scraper.scheduled``).
    """
    resolved: list[tuple[Observation, str]] = []
    unmapped_models: set[str] = set()
    unmapped_providers: set[str] = set()
    for record, at in split_schedule(records, observed_at).in_force:
        observation = _observation(record, catalog, at, unmapped_models, unmapped_providers)
        resolved.append((observation, record.endpoint))
    return merge_endpoints(resolved), unmapped_models, unmapped_providers


def offer_owners_before(module: ModuleType) -> frozenset[str]:
    """The sources an aggregator leaves shared offers to: every registered non-aggregator.

    One offer may be listed by the maker's page and by an aggregator's endpoint of that
    maker; the maker's page owns it (``offers.source``), so the aggregator's complete
    listing only delists the offers no maker's source reports.
    """
    from pricewatch.scraper.sources import all_sources

    if getattr(module, "KIND", "") != "aggregator":
        return frozenset()
    return frozenset(m.NAME for m in all_sources() if getattr(m, "KIND", "") != "aggregator")


def scheduled_observations(
    records: Sequence[PriceRecord], catalog: Catalog, observed_at: str
) -> list[Observation]:
    """The prices a page announces for a day after ``observed_at``, each observed at the start of its day."""
    ignored: set[str] = set()
    return [
        _observation(record, catalog, starts_at, ignored, ignored)
        for record, starts_at in split_schedule(records, observed_at).scheduled
    ]


def _observation(
    record: PriceRecord, catalog: Catalog, at: str, unmapped_models: set[str], unmapped_providers: set[str]
) -> Observation:
    model_id = catalog.resolve_model(record.model)
    variant = record.variant
    snapshot = catalog.resolve_snapshot(record.model)
    if snapshot is not None:
        variant = f"{variant}|{snapshot[1]}" if variant else snapshot[1]
    if model_id is None:
        unmapped_models.add(record.model)
        model_id = record.model
    provider_id = catalog.resolve_provider(record.provider)
    if provider_id is None:
        unmapped_providers.add(record.provider)
        provider_id = provider_slug(record.provider)
    return Observation(
        model_id=model_id,
        provider_id=provider_id,
        tier=record.tier,
        min_prompt_tokens=record.min_prompt_tokens,
        variant=variant,
        observed_at=at,
        currency=record.currency,
        prices=tuple(getattr(record, name) for name in PRICE_FIELDS),
        variable=record.variable,
        unit_prices=tuple(UnitObservation(u.unit, u.amount) for u in record.unit_prices),
        quantization=record.quantization,
        context_length=record.context_length,
        unread=record.unread,
        list_prices=tuple((listed.field, listed.amount) for listed in record.list_prices),
    )


def _dedupe(observations: list[Observation]) -> tuple[list[Observation], int]:
    """One observation per offer and time; a source that lists an offer twice keeps the first."""
    seen: set[tuple] = set()
    kept = []
    for observation in observations:
        key = (*observation.offer_key, observation.observed_at)
        if key not in seen:
            seen.add(key)
            kept.append(observation)
    return kept, len(observations) - len(kept)


def _jump(old: str | None, new: Decimal | None) -> Decimal | None:
    """The factor between two prices when both are positive, else None."""
    if old is None or new is None:
        return None
    old_value = Decimal(old)
    if old_value <= 0 or new <= 0:
        return None
    return max(new / old_value, old_value / new)


def _large_move(name: str, old: str | None, new: Decimal | None, variable: bool) -> str | None:
    """Why a move of one price field is large, or None: more than 10x, or from a price to 0,
    to variable ("-1" on OpenRouter), or (input and output) to none.

    An underflow ("1e-999999999" per token) reads as 0, so it is held here too. A move from
    0 or from no price to a price is not held: a free tier ending is news, not a glitch.
    """
    if old is None or Decimal(old) <= 0:
        return None
    if new is None:
        if variable:
            return f"{name} {old} -> variable"
        # An optional price (cache, reasoning) a page stops listing is a change of shape,
        # not a glitch; the input or output price gone is held.
        return f"{name} {old} -> none" if name in HELD_WHEN_GONE else None
    if new <= 0:
        return f"{name} {old} -> {new}"
    factor = _jump(old, new)
    if factor is not None and factor > PRICE_JUMP_FACTOR:
        return f"{name} {old} -> {new} ({factor:.1f}x)"
    return None


def guard_jumps(
    db: Database, observations: list[Observation]
) -> tuple[list[Observation], list[tuple[Observation, str]]]:
    """Split observations into those to apply and those with a large move (``_large_move``).

    A third-party price (LiteLLM's map, models.dev) is no baseline: it ranks below every
    measured source, so a maker's page or a host that differs from it tenfold is what it
    is, not a glitch to hold back.
    """
    current = latest_prices(db, (o.offer_key for o in observations))
    keep, held = [], []
    for observation in observations:
        row = current.get(observation.offer_key)
        reasons = []
        if row is not None and row["currency"] == observation.currency and row["origin"] != THIRD_PARTY:
            for name, value in zip(PRICE_FIELDS, observation.prices, strict=True):
                reason = _large_move(name, row[name], value, observation.variable)
                if reason is not None:
                    reasons.append(reason)
        if reasons:
            tenfold = all(reason.endswith("x)") for reason in reasons)
            prefix = (
                "price moved more than 10x" if tenfold else "large price move (10x, to 0, variable or none)"
            )
            held.append((observation, f"{prefix}: " + ", ".join(reasons)))
        else:
            keep.append(observation)
    return keep, held


def _too_many_delistings(gone: int, total: int) -> bool:
    """Whether ending ``gone`` of ``total`` open offers at once is a large move (``MAX_DELIST_SHARE``)."""
    return gone >= MIN_HELD_DELISTINGS and gone > total * MAX_DELIST_SHARE


def _accept_quarantine(
    db: Database,
    source: str,
    run_id: int,
    origin: str,
    decided_at: str,
    yield_to: frozenset[str] = frozenset(),
) -> int:
    """Apply a source's pending quarantined observations (refresh --accept-changes)."""
    held = pending_quarantine(db, source)
    if not held:
        return 0
    observations = [observation for _, _, observation in held]
    stats = apply_observations(
        db, observations, origin=origin, run_id=run_id, source=source, yield_to=yield_to
    )
    mark_quarantine_applied(db, (held_id for held_id, _, _ in held), decided_at)
    return stats.prices_changed


def _model_metadata(db: Database, records: Sequence[PriceRecord], catalog: Catalog, source: str) -> None:
    """Store what the source says about models: unmapped ones under their own name, metadata for all."""
    rows: dict[str, dict[str, Any]] = {}
    for record in records:
        catalog_id = catalog.resolve_model(record.model)
        info = record.info
        if info is None and catalog_id is not None:
            continue
        model_id = catalog_id or record.model
        row: dict[str, Any] = {"id": model_id}
        if catalog_id is None:
            row.update(
                {
                    "name": (info.display_name if info else None) or record.model,
                    "catalogued": 0,
                    "first_source": source,
                    "creator": model_id.split("/", 1)[0] if "/" in model_id else None,
                }
            )
        if info is not None:
            row.update(
                {
                    "canonical_slug": info.canonical_slug,
                    "hugging_face_id": info.hugging_face_id,
                    "listed_at": info.created_at,
                    "context_length": info.context_length,
                }
            )
        rows.setdefault(model_id, row)
    save_model_metadata(db, rows)


def _providers(db: Database, observations: Sequence[Observation], source: str) -> None:
    """A ``providers`` row for each provider the store does not know yet (a host, named by its id)."""
    add_providers(db, {o.provider_id for o in observations} - known_provider_ids(db), source)


def store_source_run(
    db: Database,
    module: ModuleType,
    catalog: Catalog,
    pages: list[PageResult],
    *,
    run_id: int,
    origin: str,
    accept_changes: bool,
    now: str,
    checkpoint: Callable[[str, str], None] | None = None,
) -> SourceOutcome:
    """Everything one source's run writes, in one transaction: raw bodies, prices, the run row."""
    name = module.NAME
    outcome = SourceOutcome(source=name, status="ok", run_id=run_id)
    with db.atomic():
        # A page that failed has no recorded time of its own: it gets the run's observation
        # time (a replay's recorded_at), so the fetch log stays in one clock and an
        # unchanged fetch after a failure still adds no row.
        recorded = [p.response.recorded_at for p in pages if p.response and p.response.recorded_at]
        run_time = format_time(min(recorded)) if recorded else now
        for page in pages:
            response = page.response
            status = response.status if response else getattr(page.error, "status", None) or 0
            if response is not None and response.not_modified:
                status = 304
            save_raw_response(
                db,
                run_id=run_id,
                url=page.url,
                status=status,
                body=response.body if response is not None else None,
                fetched_at=format_time(response.recorded_at)
                if response and response.recorded_at
                else run_time,
                etag=response.headers.get("etag") if response else None,
                last_modified=response.headers.get("last-modified") if response else None,
                content_type=response.headers.get("content-type") if response else None,
            )
        fatal = [p for p in pages if p.is_start and p.error is not None]
        page_errors = [f"{p.url}: {p.error}" for p in pages if not p.is_start and p.error is not None]
        row_errors = [e for p in pages if p.parsed for e in p.parsed.row_errors]
        outcome.errors = len(page_errors) + len(row_errors) + len(fatal)
        if fatal:
            error = fatal[0].error
            assert error is not None
            if isinstance(error, SourceError):
                error.source = name
            outcome.status = "failed"
            outcome.error = str(error)
            finish_run(db, run_id, "failed", errors=outcome.errors, error=outcome.error, observed_at=run_time)
            return outcome
        records = [r for p in pages if p.parsed for r in p.parsed.records]
        observations: list[Observation] = []
        scheduled: dict[str, list[Observation]] = {}  # announced at -> prices for a later day
        all_unmapped_models: set[str] = set()
        all_unmapped_providers: set[str] = set()
        for page in pages:
            if not page.parsed:
                continue
            observed_at = (
                format_time(page.response.recorded_at) if page.response and page.response.recorded_at else now
            )
            page_obs, models, providers = observations_from_records(page.parsed.records, catalog, observed_at)
            observations.extend(page_obs)
            # Every reading time gets an entry, empty or not: an offer observed without its
            # pending change withdraws it.
            scheduled.setdefault(observed_at, []).extend(
                scheduled_observations(page.parsed.records, catalog, observed_at)
            )
            all_unmapped_models |= models
            all_unmapped_providers |= providers
        observations, duplicates = _dedupe(observations)
        if duplicates:
            outcome.messages.append(f"{duplicates} duplicate offers ignored")
        promotions = sorted({r.model for r in records if r.list_prices})
        if promotions:
            # The price charged is stored; the struck-through list price is said here.
            outcome.messages.append(
                f"promotional prices stored as charged, list price struck through: {', '.join(promotions)}"
            )
        outcome.records = len(observations)
        models_seen = len({o.model_id for o in observations})
        record_unmapped(db, name, "model", all_unmapped_models, now)
        record_unmapped(db, name, "provider", all_unmapped_providers, now)
        if not observations:
            outcome.status = "failed"
            problems = [p.removesuffix(LAYOUT_SUFFIX) for p in page_errors + row_errors]
            first = f" ({_count(len(problems), 'problem')}; first: {problems[0]})" if problems else ""
            outcome.error = f"{name}: no prices found{first}{LAYOUT_SUFFIX}"
            finish_run(db, run_id, "failed", errors=outcome.errors, error=outcome.error, observed_at=run_time)
            return outcome
        # The run's observation time: its newest page's (a replay's recorded time, else now).
        observed_at = max(o.observed_at for o in observations)
        previous = last_ok_run(db, name)
        changed = 0
        if accept_changes:
            changed += _accept_quarantine(db, name, run_id, origin, now, offer_owners_before(module))
        elif previous and previous["models_seen"] and models_seen < previous["models_seen"] * MIN_MODEL_SHARE:
            quarantine_observations(
                db, run_id, name, [(o, "whole run held: too few models") for o in observations], origin=origin
            )
            outcome.status = "failed"
            outcome.quarantined = len(observations)
            outcome.error = (
                f"{name}: only {models_seen} models, under half of the {previous['models_seen']} of the last ok "
                f"run; {len(observations)} records quarantined (see `pricewatch status`, apply with "
                f"`pricewatch refresh --source {name} --accept-changes`)"
            )
            finish_run(
                db,
                run_id,
                "failed",
                records_seen=len(observations),
                models_seen=models_seen,
                errors=outcome.errors + 1,
                error=outcome.error,
                observed_at=observed_at,
            )
            return outcome
        held: list[tuple[Observation, str]] = []
        if not accept_changes and origin in ("live", "replay"):
            observations, held = guard_jumps(db, observations)
            if held:
                quarantine_observations(db, run_id, name, held, origin=origin)
                outcome.quarantined = len(held)
        _model_metadata(db, records, catalog, name)
        _providers(db, observations, name)
        stats = apply_observations(
            db, observations, origin=origin, run_id=run_id, source=name, yield_to=offer_owners_before(module)
        )
        changed += stats.prices_changed
        announced_rows = sum(
            apply_scheduled(
                db,
                page_scheduled,
                announced_at=announced_at,
                offers_seen=stats.offer_ids_seen,
                origin=origin,
                run_id=run_id,
                source=name,
            )
            for announced_at, page_scheduled in scheduled.items()
        )
        if announced_rows:
            outcome.messages.append(f"{announced_rows} scheduled price changes recorded")
        complete = not page_errors and not row_errors and not held
        held_delistings: list[str] = []
        if complete and module.LISTS_EVERYTHING:
            latest_seen = max(o.observed_at for o in observations)
            gone, total = missing_offers(db, name, stats.offer_ids_seen, latest_seen)
            if not accept_changes and _too_many_delistings(gone, total):
                held_delistings.append(f"{name}: {gone} of {total} offers missing from a complete listing")
            else:
                # Offers that were quarantined are still listed: keep them open.
                delisted = delist_missing(db, name, stats.offer_ids_seen, latest_seen)
                changed += delisted
                if delisted:
                    outcome.messages.append(f"{delisted} offers delisted")
        maker = getattr(module, "CLOSES_MISSING_MODELS_OF", None)
        if complete and maker and not all_unmapped_models:
            # A maker's page that lists every model it sells: a model it no longer lists has
            # ended there, at this observation (curated history included). A page with a
            # name the catalog does not map might list a model under it: nothing closes.
            listed = {o.model_id for o in observations if o.provider_id == maker}
            gone, total = models_missing(db, maker, listed, observed_at) if listed else (0, 0)
            if listed and not accept_changes and _too_many_delistings(gone, total):
                held_delistings.append(f"{maker}: {gone} of {total} offers no longer listed")
            elif listed:
                ended = close_models_missing(db, maker, listed, observed_at)
                changed += ended
                if ended:
                    outcome.messages.append(f"{ended} offers of {maker} no longer listed: ended")
        if held_delistings:
            complete = False
            outcome.errors += 1
            row_errors = [
                *row_errors,
                *(
                    f"delisting held: {what} (more than {MAX_DELIST_SHARE:.0%}); end them with "
                    f"`pricewatch refresh --source {name} --accept-changes`"
                    for what in held_delistings
                ),
            ]
        outcome.changed = changed
        outcome.errors += len(held)
        problems = []
        if not complete:
            outcome.status = "partial"
            problems = (
                page_errors
                + row_errors
                + [f"quarantined {' '.join(map(str, o.offer_key))}: {r}" for o, r in held]
            )
            outcome.error = f"{_count(len(problems), 'problem')}; first: {problems[0]}"
        if checkpoint is not None:
            checkpoint(name, "stored")
        finish_run(
            db,
            run_id,
            outcome.status,
            records_seen=len(observations),
            models_seen=models_seen,
            prices_changed=changed,
            errors=outcome.errors,
            error=outcome.error,
            observed_at=observed_at,
            problems=problems,
        )
    return outcome


def cache_lookup(db: Database) -> Callable[[str], CachedResponse | None]:
    """Conditional-request validators from the latest stored fetch of a URL."""

    def lookup(url: str) -> CachedResponse | None:
        row = last_fetch(db, url)
        if row is None or not (row["etag"] or row["last_modified"]):
            return None
        return CachedResponse(
            etag=row["etag"], last_modified=row["last_modified"], body=load_raw_body(db, row["sha256"])
        )

    return lookup


async def refresh_sources(
    db: Database,
    catalog: Catalog,
    modules: Sequence[ModuleType],
    fetcher: Fetcher,
    *,
    origin: str,
    base_urls: dict[str, str] | None = None,
    accept_changes: bool = False,
    on_page: Callable[[str, str], None] | None = None,
    on_done: Callable[[SourceOutcome], None] | None = None,
    checkpoint: Callable[[str, str], None] | None = None,
    lock: Callable[[], AbstractContextManager[object]] | None = None,
) -> list[SourceOutcome]:
    """Fetch every given source concurrently, then store each in its own transaction.

    Fetching writes nothing: ``lock()`` (the writer lock, when given) is taken only once
    every source is fetched, and held while each source's run is started, stored and
    closed, so a slow server never holds the lock. Each source's crawl has an overall
    deadline (``fetcher.settings.source_deadline_s``); a source past it fails with a
    DeadlineError and keeps its stored prices.

    ``checkpoint(source, step)``, when given, is called at each step of a source's run:
    "fetched" (every page in, nothing stored), "stored" (inside the transaction: every row
    written, the run not yet closed) and "closed" (committed). The crash tests block there
    to SIGKILL a refresh at a step they choose.
    """
    base_urls = base_urls or {}
    deadline = fetcher.settings.source_deadline_s

    async def fetch(module: ModuleType) -> tuple[list[PageResult] | Exception, str, float]:
        started_at = format_time(datetime.now(UTC))
        started = time.perf_counter()
        base_url = base_urls.get(module.NAME, module.DEFAULT_BASE_URL).rstrip("/")
        callback = (lambda url: on_page(module.NAME, url)) if on_page else None
        result: list[PageResult] | Exception
        try:
            async with asyncio.timeout(deadline):
                result = await crawl_source(fetcher, module, base_url, callback)
        except TimeoutError:
            result = DeadlineError(f"not fetched within the {deadline:g} s source deadline", url=base_url)
        except Exception as error:  # the run row must say why, whatever went wrong
            result = error
        if checkpoint is not None:
            checkpoint(module.NAME, "fetched")
        return result, started_at, started

    fetched = await asyncio.gather(*(fetch(module) for module in modules))
    outcomes: list[SourceOutcome] = []
    # No await from here on: a cancellation never cuts a source's store step in half.
    with lock() if lock is not None else nullcontext():
        for module, (result, started_at, started) in zip(modules, fetched, strict=True):
            outcome = _store_one(db, module, catalog, result, started_at, origin, accept_changes, checkpoint)
            if checkpoint is not None:
                checkpoint(module.NAME, "closed")
            outcome.seconds = time.perf_counter() - started
            outcomes.append(outcome)
            if on_done is not None:
                on_done(outcome)
    return outcomes


def _store_one(
    db: Database,
    module: ModuleType,
    catalog: Catalog,
    result: list[PageResult] | Exception,
    started_at: str,
    origin: str,
    accept_changes: bool,
    checkpoint: Callable[[str, str], None] | None,
) -> SourceOutcome:
    """One source's run: its row started (at the time its fetch began), then stored and closed."""
    run_id = start_run(db, module.NAME, origin, started_at=started_at, pid=os.getpid())
    try:
        if isinstance(result, Exception):
            raise result
        return store_source_run(
            db,
            module,
            catalog,
            result,
            run_id=run_id,
            origin=origin,
            accept_changes=accept_changes,
            now=format_time(datetime.now(UTC)),
            checkpoint=checkpoint,
        )
    except Exception as error:  # the run row must say why, whatever went wrong
        outcome = SourceOutcome(
            source=module.NAME,
            status="failed",
            run_id=run_id,
            error=f"{module.NAME}: {type(error).__name__}: {error}",
            refused_by_machine=machine_refusal(error),
        )
        with db.atomic():
            finish_run(db, run_id, "failed", errors=1, error=outcome.error)
        return outcome


def _count(number: int, noun: str) -> str:
    """ "1 problem", "3 problems"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
