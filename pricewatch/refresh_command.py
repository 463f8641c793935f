"""Running a refresh or a recording end to end: lock, client, progress, the refresh loop."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pricewatch.paths import shipped_data_dir
from pricewatch.scraper.catalog import Catalog

if TYPE_CHECKING:
    from pricewatch.scraper.refresh import SourceOutcome

__all__ = ["run_demo", "run_record", "run_refresh", "sources_done"]


def run_refresh(
    *,
    db_path: Path,
    catalog: Catalog,
    source_names: list[str],
    replay_dir: Path | None = None,
    wait: bool = True,
    accept_changes: bool = False,
    reject_changes: bool = False,
    base_urls: dict[str, str] | None = None,
    show_progress: bool = False,
    on_wait: Callable[[Path], None] | None = None,
    transport=None,
    settings=None,
    cancel: threading.Event | None = None,
    curated_window_days: int | None = None,
) -> list[SourceOutcome]:
    """Refresh the named sources (all when empty); returns their outcomes.

    The writer lock is held to prepare the database and, after every source is fetched, to
    store; never while fetching. ``reject_changes`` drops the pending quarantine of those
    sources first (never stored). ``cancel`` (the scheduler's stop event) stops the refresh
    once set: a wait for the lock ends, and fetching is cancelled at its next await (nothing
    is written while fetching). A source's store step has no await, so it is never cut in
    half; RefreshCancelledError is raised. ``curated_window_days``, when given, is
    stored with the catalog (the views apply it).
    """
    from pricewatch.errors import LockBusyError
    from pricewatch.scraper.fx import load_fx_rates, read_fx_rates
    from pricewatch.scraper.http import Fetcher, FetchSettings, make_client
    from pricewatch.scraper.lock import writer_lock
    from pricewatch.scraper.refresh import cache_lookup, refresh_sources
    from pricewatch.scraper.replay import load_replay
    from pricewatch.scraper.sources import all_sources, api_keys_from_env, get_source
    from pricewatch.scraper.store import abandon_running_runs, now_text, open_database, sync_catalog
    from pricewatch.scraper.store.runs import abandon_fetch

    modules = [get_source(name) for name in source_names] if source_names else all_sources()
    origin = "replay" if replay_dir is not None else "live"
    if replay_dir is not None:
        transport = load_replay(replay_dir)
        if not source_names:
            # Replaying a directory refreshes the sources it recorded, not every registered one.
            modules = recorded_sources(transport, modules, base_urls or {})
    # The lock is held to prepare the database, released while fetching, and taken again to
    # store: a slow server never holds other writers up (``refresh_sources``).
    with writer_lock(db_path, wait=wait, on_wait=on_wait, cancel=cancel):
        db = open_database(db_path)
        abandon_running_runs(db)
        sync_catalog(db, catalog, curated_window_days=curated_window_days)
        if reject_changes:
            from pricewatch.scraper.quarantine import reject_held

            # The held changes of these sources are dropped; this refresh is guarded as usual.
            reject_held(db, now_text(), sources=[m.NAME for m in modules])
        # The dated currency rates behind the current_prices_usd view (unchanged: no write).
        load_fx_rates(db, read_fx_rates(shipped_data_dir() / "fx_rates.csv"))
    settings = settings or FetchSettings.from_env(os.environ)

    @contextmanager
    def store_lock() -> Iterator[None]:
        with writer_lock(db_path, wait=wait, on_wait=on_wait, cancel=cancel):
            # Runs left `running` now are a dead writer's: ours start under this lock.
            abandon_running_runs(db)
            yield

    # Optional API keys from the environment (OPENROUTER_API_KEY), for live fetches only.
    keys = {} if replay_dir else api_keys_from_env(modules, base_urls or {}, os.environ)

    started_at = now_text()
    finished: list[str] = []

    def abandon() -> None:
        """Record the runs a cancelled refresh never stored as abandoned (it wrote nothing while fetching)."""
        try:
            with writer_lock(db_path, wait=False):
                for module in modules:
                    if module.NAME not in finished:
                        abandon_fetch(db, module.NAME, origin, started_at, pid=os.getpid())
        except LockBusyError:
            pass  # another writer is busy: the log line says it; nothing of ours is in the database

    async def go():
        async with make_client(settings, transport=transport) as client:
            # Replayed bodies are fixed files: conditional requests would only hide them.
            fetcher = Fetcher(client, settings, cache=None if replay_dir else cache_lookup(db), bearer=keys)

            def run(**progress_hooks):
                return refresh_sources(
                    db,
                    catalog,
                    modules,
                    fetcher,
                    origin=origin,
                    base_urls=base_urls,
                    accept_changes=accept_changes,
                    lock=store_lock,
                    **progress_hooks,
                )

            if not show_progress:
                return await run(on_done=lambda outcome: finished.append(outcome.source))
            from rich.progress import Progress

            with Progress(transient=True) as progress:
                task = progress.add_task("refresh", total=None)
                done: list[str] = []

                def on_page(source: str, url: str) -> None:
                    progress.update(
                        task, advance=1, description=f"{source}: {sources_done(len(done), len(modules))}"
                    )

                def on_done(outcome) -> None:
                    done.append(outcome.source)
                    finished.append(outcome.source)

                return await run(on_page=on_page, on_done=on_done)

    if cancel is None:
        return asyncio.run(go())
    return asyncio.run(_cancellable(go(), cancel, abandon))


def sources_done(done: int, total: int) -> str:
    """The progress label: "0 of 9 sources done", "1 of 1 source done"."""
    return f"{done} of {total} {'source' if total == 1 else 'sources'} done"


async def _cancellable(work, cancel: threading.Event, abandon: Callable[[], object]):
    """Run ``work`` until it finishes or ``cancel`` is set; then cancel it and call ``abandon``."""
    from pricewatch.errors import RefreshCancelledError

    task = asyncio.ensure_future(work)
    while not task.done():
        # Polled, not awaited on: the event is set from a signal handler or another thread.
        await asyncio.wait({task}, timeout=0.2)
        if cancel.is_set() and not task.done():
            task.cancel()
            try:
                return await task  # it finished before the cancellation reached an await
            except asyncio.CancelledError:
                abandon()
                raise RefreshCancelledError() from None
    return task.result()


def recorded_sources(transport, modules, base_urls: dict[str, str]):
    """The modules whose start URLs a replay directory holds; ReplayError when it holds none."""
    import httpx

    from pricewatch.errors import ReplayError

    recorded = {str(httpx.URL(entry.url)) for entry in transport.entries}
    chosen = [
        m
        for m in modules
        if any(
            str(httpx.URL(url)) in recorded
            for url in m.start_urls(base_urls.get(m.NAME, m.DEFAULT_BASE_URL).rstrip("/"))
        )
    ]
    if not chosen:
        raise ReplayError("the replay directory holds no start URL of any source (see its manifest.json)")
    return chosen


def run_record(
    directory: Path, source_names: list[str], *, base_urls: dict[str, str] | None = None, transport=None
) -> tuple[int, list[str]]:
    """Fetch sources live (following their links) and write a replay directory."""
    import httpx

    from pricewatch.scraper.http import Fetcher, FetchSettings, make_client
    from pricewatch.scraper.refresh import crawl_source
    from pricewatch.scraper.replay import RecordingTransport, write_manifest
    from pricewatch.scraper.sources import all_sources, api_keys_from_env, get_source

    modules = [get_source(name) for name in source_names] if source_names else all_sources()
    base_urls = base_urls or {}
    recorder = RecordingTransport(transport or httpx.AsyncHTTPTransport())
    settings = FetchSettings.from_env(os.environ)
    errors: list[str] = []

    async def go() -> None:
        async with make_client(settings, transport=recorder) as client:
            fetcher = Fetcher(client, settings, bearer=api_keys_from_env(modules, base_urls, os.environ))
            results = await asyncio.gather(
                *(
                    crawl_source(fetcher, m, base_urls.get(m.NAME, m.DEFAULT_BASE_URL).rstrip("/"))
                    for m in modules
                )
            )
        for module, pages in zip(modules, results, strict=True):
            errors.extend(f"{module.NAME}: {p.url}: {p.error}" for p in pages if p.error is not None)

    asyncio.run(go())
    write_manifest(directory, recorder.recorded, datetime.now(UTC))
    return len(recorder.recorded), errors


def embedded_snapshot_dir() -> Path:
    """The recorded snapshot that ships in data/ (a replay directory)."""
    return shipped_data_dir() / "snapshot"


def embedded_history_dir() -> Path:
    """The real history that ships in data/history (built by `make history`)."""
    return shipped_data_dir() / "history"


def run_demo(
    db_path: Path, site_dir: Path | None = None, *, curated_window_days: int | None = None
) -> list[str]:
    """The main job on embedded data: load the shipped real history and the curated prices,
    then (with ``site_dir``) build the static site from the result.

    The real history (data/history: the curated file, public git histories and recordings
    through the same commands, with their citations) loads into a new database once; the
    curated file and the corrections are then loaded on top (the curated rows are there
    already; an edit made since is applied). Without a shipped history (a checkout that
    removed it), the small recorded snapshot in data/snapshot is replayed instead.
    ``curated_window_days`` (the command line's setting) is stored with the catalog and used
    by the build.
    """
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog
    from pricewatch.scraper.curated import run_load_curated
    from pricewatch.scraper.history_files import run_load_history

    catalog = load_catalog(default_catalog_path())
    lines = []
    history = embedded_history_dir()
    replay_snapshot = not (history / "prices.jsonl.gz").exists()
    if not replay_snapshot:
        # (a) the history built from the curated file, the real public histories and recordings.
        loaded = run_load_history(db_path, history)
        if loaded.already_loaded:
            lines.append(f"history: already loaded from {history}")
        else:
            lines.append(
                f"history: {loaded.price_rows} price periods of {loaded.rows.get('offers', 0)} offers "
                f"from {loaded.rows.get('runs', 0)} source runs loaded from {history}"
            )
    # (b) the dated list prices of 2023 to now: the history before scraping began.
    load = run_load_curated(
        db_path,
        catalog,
        shipped_data_dir() / "curated_prices.csv",
        corrections_path=shipped_data_dir() / "corrections.csv",
        curated_window_days=curated_window_days,
    )
    lines.append(
        f"curated: {load.rows} rows, {load.stats.price_rows_added} price rows added, "
        f"{len(load.disagreements)} disagreements with measured history"
    )
    if load.corrections is not None:
        lines.append(
            f"corrections: {load.corrections.rows} loaded, {load.corrections.corrected} stored prices corrected"
        )
    # (a') without a shipped history: the small recorded snapshot, measured prices.
    outcomes = (
        run_refresh(
            db_path=db_path,
            catalog=catalog,
            source_names=[],
            replay_dir=embedded_snapshot_dir(),
            curated_window_days=curated_window_days,
        )
        if replay_snapshot
        else []
    )
    for outcome in outcomes:
        lines.append(
            f"{outcome.source}: {outcome.status}, {outcome.records} records, {outcome.changed} changed"
            + (f" ({outcome.error})" if outcome.error else "")
        )
    lines.append(f'Database: {db_path} (try: pricewatch query "select * from current_prices limit 10")')
    # (c) the static site, from everything above.
    if site_dir is not None:
        from pricewatch.site.build import build_site

        report = build_site(db_path, site_dir, catalog=catalog, curated_window_days=curated_window_days)
        lines.extend(report.lines())
        lines.append(
            f"Site: open {site_dir / 'index.html'} in a browser, or run `pricewatch serve --dir {site_dir}` "
            "and visit http://127.0.0.1:8000/"
        )
    return lines
