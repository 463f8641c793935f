"""`pricewatch quarantine list|accept|reject`: decide on the observations the sanity checks held."""

from __future__ import annotations

from pathlib import Path

import click

from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    db_option,
    echo_wait,
    format_option,
    handle_errors,
    no_wait_option,
)

__all__ = ["register"]

COLUMNS = ["id", "source", "observed_at", "offer", "reason"]


@click.group(context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
def quarantine() -> None:
    """Observations held back, with the reason: list them, accept or reject them.

    A refresh holds a price that moved more than 10x against the stored one, or from a
    price to 0, to variable or to none (a complete listing missing more than a fifth of its
    offers holds their delisting too: `refresh --accept-changes` ends them); a backfill
    holds a suspected typo (a jump of more than 10x that came back within 7 days). A held
    price is not history until accepted. Accepting stores it at its own observation time,
    so a later observation that contradicts it ends it there; rejecting drops it for good.

    \b
    Example:
        pricewatch quarantine list
        pricewatch quarantine reject 12 13
        pricewatch quarantine accept --source openrouter
    """


@quarantine.command("list")
@db_option
@format_option
@handle_errors
def list_held(db_path: Path, fmt: str) -> None:
    """Every pending held observation: id, source, time, offer and why it was held."""
    from pricewatch.output import render_rows
    from pricewatch.queries import quarantine_rows
    from pricewatch.scraper.store.reader import open_reader

    reader = open_reader(db_path)
    try:
        rows = quarantine_rows(reader)
    finally:
        reader.close()
    click.echo(render_rows(rows, COLUMNS, fmt), nl=False)


def _decide(
    verb: str, ids: tuple[int, ...], sources: tuple[str, ...], every: bool, db_path: Path, no_wait: bool
):
    from pricewatch.scraper.lock import writer_lock
    from pricewatch.scraper.quarantine import accept_held, reject_held
    from pricewatch.scraper.store import now_text, open_database
    from pricewatch.scraper.store.files import require_database

    if not (ids or sources or every):
        raise click.UsageError(f"name what to {verb}: ids, --source NAME, or --all")
    require_database(db_path)
    with writer_lock(db_path, wait=not no_wait, on_wait=echo_wait):
        db = open_database(db_path)
        decide = accept_held if verb == "accept" else reject_held
        decision = decide(db, now_text(), ids=ids, sources=sources)
        db.close()
    return decision


def _decision_options(command):
    command = click.argument("ids", nargs=-1, type=int)(command)
    command = click.option(
        "--source", "sources", multiple=True, help="Every held observation of this source."
    )(command)
    command = click.option("--all", "every", is_flag=True, help="Every held observation.")(command)
    command = db_option(command)
    command = no_wait_option(command)
    return handle_errors(command)


@quarantine.command("accept")
@_decision_options
def accept(ids: tuple[int, ...], sources: tuple[str, ...], every: bool, db_path: Path, no_wait: bool) -> None:
    """Store held observations at their own time (a later observation that contradicts one ends it)."""
    decision = _decide("accept", ids, sources, every, db_path, no_wait)
    click.echo(
        f"Accepted {len(decision.held)} held observations; {decision.prices_changed} offers' history changed"
    )


@quarantine.command("reject")
@_decision_options
def reject(ids: tuple[int, ...], sources: tuple[str, ...], every: bool, db_path: Path, no_wait: bool) -> None:
    """Drop held observations: they are never stored (the row stays, status `rejected`)."""
    decision = _decide("reject", ids, sources, every, db_path, no_wait)
    click.echo(f"Rejected {len(decision.held)} held observations; nothing stored")


def register(cli: click.Group) -> None:
    """Add `quarantine` to the command group."""
    cli.add_command(quarantine)
