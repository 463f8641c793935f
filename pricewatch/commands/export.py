"""`pricewatch export`: a copy of the database to publish, without the providers' pages."""

from __future__ import annotations

from pathlib import Path

import click

from pricewatch.commands._common import CONTEXT_SETTINGS, EXIT_CODES_HELP, db_option, handle_errors

__all__ = ["register"]


@click.command("export", context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@handle_errors
def export(out: Path, db_path: Path) -> None:
    """Write a copy of the database that can be published: raw pages left out.

    Every price period, offer, model, provider, run, quarantine row and fetch (URL, time,
    hash: where each price was read) is copied; the bodies of the providers' pages and API
    answers (raw_responses and the archives `vacuum` makes of them) are not: they are the
    providers' own, kept in the private database for `reparse`. The site's
    downloads/pricewatch.db is this copy.

    \b
    Example:
        pricewatch export /tmp/pricewatch-public.db
    """
    from pricewatch.scraper.store.reader import open_reader

    if out.resolve() == db_path.resolve():
        raise click.UsageError("OUT is the database itself; give another path")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    reader = open_reader(db_path)
    try:
        removed = reader.public_copy_to(out)
    finally:
        reader.close()
    left_out = ", ".join(f"{table} ({rows} rows)" for table, rows in removed.items()) or "nothing"
    click.echo(f"Wrote {out}; left out: {left_out}")


def register(cli: click.Group) -> None:
    """Add `export` to the command group."""
    cli.add_command(export)
