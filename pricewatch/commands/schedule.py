"""`pricewatch schedule`: refresh every source on its own schedule, in the foreground."""

from __future__ import annotations

import importlib
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import click

from pricewatch.commands._common import (
    EXIT_CODES_HELP,
    ExitWith,
    catalog_option,
    curated_window_days,
    db_option,
    handle_errors,
    load_catalog,
)
from pricewatch.errors import EXIT_FAILED

__all__ = ["build_schedules", "default_schedule_path", "env_base_urls", "register", "site_rebuild_hook"]


def default_schedule_path() -> Path:
    """data/schedule.toml as shipped."""
    from pricewatch.paths import shipped_data_dir

    return shipped_data_dir() / "schedule.toml"


def build_schedules(config_path: Path | None, source_options: tuple[str, ...]):
    """The schedule config and the list of SourceSchedule to run (``--source`` narrows and overrides)."""
    from pricewatch.errors import ConfigError
    from pricewatch.scraper.schedule_config import load_schedule, parse_source_option
    from pricewatch.scraper.sources import SOURCE_NAMES, get_source

    config = load_schedule(config_path or default_schedule_path())
    if source_options:
        overrides = {}
        names = []
        for text in source_options:
            name, schedule = parse_source_option(text, config.jitter)
            get_source(name)  # UnknownSourceError (exit 2) for a typo
            names.append(name)
            if schedule is not None:
                overrides[name] = schedule
        config = config.with_overrides(overrides)
    else:
        names = list(SOURCE_NAMES)
    schedules = []
    for name in dict.fromkeys(names):
        schedule = config.for_source(name, get_source(name).KIND)
        if schedule is None:
            if source_options:
                raise ConfigError(
                    f"--source {name}: no interval for it in {config.path} (give one: --source {name}=6h)"
                )
            continue
        schedules.append(schedule)
    return config, schedules


def site_rebuild_hook(db_path: Path, out_dir: Path, log: Callable[[str], None]) -> Callable[..., None]:
    """A hook that rebuilds the static site with ``pricewatch.site.build.build_site`` when that module exists.

    Imported lazily at each call: without the site build installed, the hook logs a line and
    skips, so the scheduler works before (and without) the site.
    """

    def rebuild(_result=None) -> None:
        try:
            module = importlib.import_module("pricewatch.site.build")
        except ModuleNotFoundError as error:
            if error.name != "pricewatch.site.build":
                raise
            log("site rebuild skipped: pricewatch.site.build is not available")
            return
        build_site = getattr(module, "build_site", None)
        if build_site is None:
            log("site rebuild skipped: pricewatch.site.build has no build_site(db_path, out_dir)")
            return
        started = time.perf_counter()
        build_site(db_path, out_dir)
        log(f"site rebuilt into {out_dir} in {time.perf_counter() - started:.2f} s")

    return rebuild


def _logger() -> Callable[[str], None]:
    """One line per event on stderr, prefixed with the UTC time."""
    # APScheduler logs every job start and end at INFO; our one line per run is enough.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

    def log(message: str) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        click.echo(f"{stamp} {message}", err=True)

    return log


@click.command(epilog=EXIT_CODES_HELP)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    envvar="PRICEWATCH_SCHEDULE",
    default=None,
    help="Schedule TOML (default: the shipped data/schedule.toml; env PRICEWATCH_SCHEDULE).",
)
@click.option(
    "--once",
    is_flag=True,
    help="Run every due source once and exit (for cron); exit 1 if any failed. A failed source is retried "
    "by the next --once after a backoff (5m, 10m, 20m, ... up to its interval).",
)
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME[=INTERVAL]",
    help="Schedule only this source, optionally at its own interval (30m, 6h, cron:0 * * * *). Repeatable.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("public"),
    show_default=True,
    help="Where the site is rebuilt after a refresh that changed prices.",
)
@click.option("--no-build", is_flag=True, help="Never rebuild the site (only refresh the database).")
@db_option
@catalog_option
@handle_errors
def schedule(
    config_path: Path | None,
    once: bool,
    sources: tuple[str, ...],
    out_dir: Path,
    no_build: bool,
    db_path: Path,
    catalog_path: Path | None,
) -> None:
    """Refresh every source on its own schedule, in the foreground.

    Intervals come from data/schedule.toml (OpenRouter hourly, first-party pages every 6
    hours) or --config, with jitter; missed runs are coalesced and a source never runs
    twice at once. Each refresh takes the writer lock (a manual refresh meanwhile waits,
    or exits 5 with --no-wait) and logs one line: source, status, changed, seconds. A
    refresh that changed prices rebuilds the site when `pricewatch.site.build` is installed.
    A failed refresh is retried after a backoff (5m, 10m, 20m, ... up to the interval).
    SIGINT/SIGTERM stop it cleanly: a refresh still fetching is abandoned (its run marked
    so), one already storing finishes; a second signal stops at once.

    \b
    Example:
        pricewatch schedule
        pricewatch schedule --source openrouter=30m
        pricewatch schedule --once          # from cron: */10 * * * *
    """
    from pricewatch.refresh_command import run_refresh
    from pricewatch.scraper.scheduler import Scheduler, last_run_times

    log = _logger()
    config, schedules = build_schedules(config_path, sources)
    if not schedules:
        log(f"no source has a schedule in {config.path}; nothing to do")
        return
    catalog = load_catalog(catalog_path)
    base_urls = env_base_urls([s.source for s in schedules])
    window = curated_window_days()

    def refresh(names: list[str], cancel: threading.Event):
        return run_refresh(
            db_path=db_path,
            catalog=catalog,
            source_names=names,
            wait=True,
            base_urls=base_urls,
            on_wait=lambda path: log(f"waiting for the writer lock {path} (another command is writing)"),
            cancel=cancel,
            curated_window_days=window,
        )

    scheduler = Scheduler(
        schedules,
        refresh,
        misfire_grace_s=config.misfire_grace.total_seconds(),
        on_changed=None if no_build else site_rebuild_hook(db_path, out_dir, log),
        log=log,
    )
    restore_signals = scheduler.install_signal_handlers()
    try:
        if once:
            results = scheduler.run_once(last_run_times(db_path))
            if any(r.status != "ok" for r in results) or scheduler.stop_event.is_set():
                raise ExitWith(EXIT_FAILED)
            return
        log(f"pricewatch schedule: {len(schedules)} sources, database {db_path}; SIGINT or SIGTERM stops")
        scheduler.run_forever(last_run_times(db_path))
        log("stopped")
    finally:
        restore_signals()


def env_base_urls(names: list[str]) -> dict[str, str]:
    """Base URL overrides from PRICEWATCH_<NAME>_BASE_URL (configuration enters at the CLI)."""
    from pricewatch.scraper.sources import base_url_from_env

    found = {name: base_url_from_env(name, os.environ) for name in names}
    return {name: url for name, url in found.items() if url}


def register(cli: click.Group) -> None:
    """Add `schedule` to the command group."""
    cli.add_command(schedule)
