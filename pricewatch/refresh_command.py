"""Running a refresh or a recording end to end: lock, client, progress, the refresh loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pricewatch.paths import shipped_data_dir
from pricewatch.scraper.catalog import Catalog

__all__ = ["run_demo", "run_record", "run_refresh"]


def run_refresh(
    *,
    db_path: Path,
    catalog: Catalog,
    source_names: list[str],
    replay_dir: Path | None = None,
    wait: bool = True,
    accept_changes: bool = False,
    base_urls: dict[str, str] | None = None,
    show_progress: bool = False,
    on_wait: Callable[[Path], None] | None = None,
    transport=None,
):
    """Refresh the named sources (all when empty) under the writer lock; returns their outcomes."""
    from pricewatch.scraper.http import Fetcher, FetchSettings, make_client
    from pricewatch.scraper.lock import writer_lock
    from pricewatch.scraper.refresh import cache_lookup, refresh_sources
    from pricewatch.scraper.replay import load_replay
    from pricewatch.scraper.sources import all_sources, get_source
    from pricewatch.scraper.store import abandon_running_runs, open_database, sync_catalog

    modules = [get_source(name) for name in source_names] if source_names else all_sources()
    origin = "replay" if replay_dir is not None else "live"
    if replay_dir is not None:
        transport = load_replay(replay_dir)
    with writer_lock(db_path, wait=wait, on_wait=on_wait):
        db = open_database(db_path)
        abandon_running_runs(db)
        sync_catalog(db, catalog)
        settings = FetchSettings()

        async def go():
            async with make_client(settings, transport=transport) as client:
                # Replayed bodies are fixed files: conditional requests would only hide them.
                fetcher = Fetcher(client, settings, cache=None if replay_dir else cache_lookup(db))
                if not show_progress:
                    return await refresh_sources(
                        db,
                        catalog,
                        modules,
                        fetcher,
                        origin=origin,
                        base_urls=base_urls,
                        accept_changes=accept_changes,
                    )
                from rich.progress import Progress

                with Progress(transient=True) as progress:
                    task = progress.add_task("refresh", total=None)
                    done: list[str] = []

                    def on_page(source: str, url: str) -> None:
                        progress.update(task, advance=1, description=f"{source}: {len(done)} sources done")

                    def on_done(outcome) -> None:
                        done.append(outcome.source)

                    return await refresh_sources(
                        db,
                        catalog,
                        modules,
                        fetcher,
                        origin=origin,
                        base_urls=base_urls,
                        accept_changes=accept_changes,
                        on_page=on_page,
                        on_done=on_done,
                    )

        return asyncio.run(go())


def run_record(
    directory: Path, source_names: list[str], *, base_urls: dict[str, str] | None = None, transport=None
) -> tuple[int, list[str]]:
    """Fetch sources live (following their links) and write a replay directory."""
    import httpx

    from pricewatch.scraper.http import Fetcher, FetchSettings, make_client
    from pricewatch.scraper.refresh import crawl_source
    from pricewatch.scraper.replay import RecordingTransport, write_manifest
    from pricewatch.scraper.sources import all_sources, get_source

    modules = [get_source(name) for name in source_names] if source_names else all_sources()
    base_urls = base_urls or {}
    recorder = RecordingTransport(transport or httpx.AsyncHTTPTransport())
    settings = FetchSettings()
    errors: list[str] = []

    async def go() -> None:
        async with make_client(settings, transport=recorder) as client:
            fetcher = Fetcher(client, settings)
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


def run_demo(db_path: Path) -> list[str]:
    """The main job on embedded data: replay the shipped snapshot into the database."""
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog

    catalog = load_catalog(default_catalog_path())
    lines = []
    snapshot = embedded_snapshot_dir()
    outcomes = run_refresh(db_path=db_path, catalog=catalog, source_names=[], replay_dir=snapshot)
    for outcome in outcomes:
        lines.append(
            f"{outcome.source}: {outcome.status}, {outcome.records} records, {outcome.changed} changed"
            + (f" ({outcome.error})" if outcome.error else "")
        )
    lines.append(f'Database: {db_path} (try: pricewatch query "select * from current_prices limit 10")')
    return lines
