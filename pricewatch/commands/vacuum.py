"""`pricewatch vacuum`: compact old raw responses into monthly archives (or prune them), then VACUUM."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from pricewatch.commands._common import EXIT_CODES_HELP, db_option, echo_wait, handle_errors, no_wait_option

__all__ = ["register"]


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


@click.command(epilog=EXIT_CODES_HELP)
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    help="Compact raw responses last fetched more than DAYS days ago.",
)
@click.option("--prune", is_flag=True, help="Delete those raw responses instead of archiving them.")
@db_option
@no_wait_option
@handle_errors
def vacuum(days: int, prune: bool, db_path: Path, no_wait: bool) -> None:
    """Compact old raw responses into one tar.xz per month, or prune them; then VACUUM.

    Price history is never touched. Archived bodies stay readable (fetches keep their
    sha256, and re-parsing finds them in `raw_archives`); pruned ones are gone. The
    latest body of every URL is kept as it is, for conditional requests.

    \b
    Example:
        pricewatch vacuum --older-than 30
        pricewatch vacuum --older-than 365 --prune
    """
    from pricewatch.scraper.housekeeping import vacuum_raw_responses
    from pricewatch.scraper.lock import writer_lock
    from pricewatch.scraper.store import open_database
    from pricewatch.scraper.store.files import require_database

    require_database(db_path)  # before the lock, which would create the folder
    with writer_lock(db_path, wait=not no_wait, on_wait=echo_wait):
        db = open_database(db_path)
        report = vacuum_raw_responses(
            db, older_than=timedelta(days=days), now=datetime.now(UTC), prune=prune, db_path=db_path
        )
        db.close()
    verb = "Pruned" if prune else "Archived"
    where = "" if prune else f" into {len(report.months)} monthly archives ({', '.join(report.months)})"
    click.echo(
        f"{verb} {report.bodies} raw responses last fetched before {report.cutoff}{where}; "
        f"{_mb(report.body_bytes)} of bodies, {_mb(report.stored_bytes)} as stored"
    )
    if report.kept_latest:
        click.echo(f"Kept {report.kept_latest} old responses that are still the latest of their URL")
    click.echo(f"Database: {_mb(report.size_before)} -> {_mb(report.size_after)}")


def register(cli: click.Group) -> None:
    """Add `vacuum` to the command group."""
    cli.add_command(vacuum)
