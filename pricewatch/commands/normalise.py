"""`pricewatch normalise DIR`: strip volatile fields from a replay directory so git diffs stay small."""

from __future__ import annotations

from pathlib import Path

import click

from pricewatch.commands._common import EXIT_CODES_HELP, handle_errors

__all__ = ["register"]


@click.command(epilog=EXIT_CODES_HELP)
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path))
@handle_errors
def normalise(directory: Path) -> None:
    """Rewrite a replay directory in place so unchanged prices give unchanged files.

    Strips OpenRouter endpoints' uptime_*, latency_*, throughput_* and status (prices
    stay), writes JSON bodies with sorted keys and fixed indents, drops the manifest's
    recorded_at (in git the commit time is the observation time) and its etag and
    last-modified headers, keeps one entry per URL and sorts them. A body that would
    parse differently afterwards stops it with an error, before anything is written.

    \b
    Example:
        pricewatch record snapshots/latest
        pricewatch normalise snapshots/latest
        git add snapshots/latest && git commit -m "Snapshot"
    """
    from pricewatch.scraper.normalise import normalise_directory

    report = normalise_directory(directory)
    click.echo(
        f"Normalised {directory}: {report.bodies_rewritten} bodies rewritten, "
        f"{report.fields_stripped} volatile fields stripped, {report.entries_dropped} retried entries dropped"
    )


def register(cli: click.Group) -> None:
    """Add `normalise` to the command group."""
    cli.add_command(normalise)
