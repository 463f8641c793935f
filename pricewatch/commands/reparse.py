"""`pricewatch reparse`: re-run the current parsers over the stored raw responses."""

from __future__ import annotations

from pathlib import Path

import click

from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    catalog_option,
    curated_window_days,
    db_option,
    echo_wait,
    format_option,
    handle_errors,
    load_catalog,
    no_wait_option,
)

__all__ = ["register", "run_reparse"]


def run_reparse(
    db_path: Path,
    catalog,
    source_names: list[str],
    *,
    wait: bool = True,
    on_wait=None,
    curated_window_days: int | None = None,
):
    """Reparse the named sources (all when empty) under the writer lock; returns their outcomes.
    ``curated_window_days``, when given, is stored with the catalog."""
    from pricewatch.paths import shipped_data_dir
    from pricewatch.scraper.fx import load_fx_rates, read_fx_rates
    from pricewatch.scraper.lock import writer_lock
    from pricewatch.scraper.reparse import reparse_sources
    from pricewatch.scraper.sources import all_sources, get_source
    from pricewatch.scraper.store import abandon_running_runs, open_database, sync_catalog
    from pricewatch.scraper.store.files import require_database

    require_database(db_path)  # reparse reads stored bodies: it never creates a database
    modules = [get_source(name) for name in source_names] if source_names else all_sources()
    with writer_lock(db_path, wait=wait, on_wait=on_wait):
        db = open_database(db_path)
        abandon_running_runs(db)
        sync_catalog(db, catalog, curated_window_days=curated_window_days)
        load_fx_rates(db, read_fx_rates(shipped_data_dir() / "fx_rates.csv"))
        return reparse_sources(db, modules, catalog)


@click.command("reparse", context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@db_option
@catalog_option
@click.option("--source", "sources", multiple=True, help="Reparse only this source (repeatable).")
@no_wait_option
@format_option
@handle_errors
def reparse(
    db_path: Path, catalog_path: Path | None, sources: tuple[str, ...], no_wait: bool, fmt: str
) -> None:
    """Re-run the current parsers over the stored raw responses, so a fixed parser corrects history.

    Every stored body of a source's live and replay runs is parsed again, oldest first,
    at the time it was fetched, and its prices go through the same store as a refresh.
    The spans those runs wrote are rebuilt (curated and backfill history stays); running
    it again changes nothing. Bodies that still fail to parse are counted, and the first
    is shown (they stay as they were: a failed page never wrote prices).

    \b
    Example:
        pricewatch reparse --source anthropic
        pricewatch reparse
    """
    from pricewatch.output import render_rows

    outcomes = run_reparse(
        db_path,
        load_catalog(catalog_path),
        list(sources),
        wait=not no_wait,
        on_wait=echo_wait,
        curated_window_days=curated_window_days(),
    )
    rows = [
        {
            "source": o.source,
            "bodies": o.bodies,
            "observations": o.observations,
            "offers_changed": o.offers_changed,
            "failed_bodies": o.failed_bodies,
            "row_errors": o.row_errors,
            "first_failure": o.messages[0] if o.messages else "",
        }
        for o in outcomes
    ]
    click.echo(render_rows(rows, fmt=fmt), nl=False)


def register(cli: click.Group) -> None:
    """Add `reparse` to the command line."""
    cli.add_command(reparse)
