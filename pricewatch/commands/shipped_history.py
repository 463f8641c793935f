"""`pricewatch export-history` and `pricewatch load-history`: the real history that ships in data/history."""

from __future__ import annotations

from pathlib import Path

import click

from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    db_option,
    echo_wait,
    handle_errors,
    no_wait_option,
)

__all__ = ["register"]


def _repositories(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        local, sep, public = pair.partition("=")
        if not sep or not local or not public:
            raise click.BadParameter(f"{pair!r}: expected LOCAL=PUBLIC", param_hint="--repository")
        out[local] = public
    return out


@click.command("export-history", context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@db_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write (data/history for the shipped one); its *.jsonl.gz files are replaced.",
)
@click.option(
    "--repository",
    "repositories",
    multiple=True,
    metavar="LOCAL=PUBLIC",
    help="Cite a backfilled clone (as its fetches recorded it) by the public repository it copies.",
)
@handle_errors
def export_history(db_path: Path, out_dir: Path, repositories: tuple[str, ...]) -> None:
    """Write the database's price history as the compact files `demo` loads.

    Every price period (curated, measured and third-party, each with its origin), unit
    price and scheduled change, with the offers, models, providers and runs they belong to
    and the citation of every version read (repository, commit, path; or URL and recording
    time). Raw pages are left out. `make history` builds a database from the curated file,
    the real public histories and the recordings, and exports it to data/history.

    \b
    Example:
        pricewatch export-history --db /tmp/real.db --out data/history \\
            --repository /tmp/or-hist=https://github.com/meni432/ModelGraveyard
    """
    from pricewatch.scraper.history_files import SUMMARY_FILE, run_export_history

    summary = run_export_history(db_path, out_dir, _repositories(repositories))
    click.echo(
        f"Exported {summary['rows']['prices']} price periods of {summary['rows']['offers']} offers "
        f"({summary['size_bytes']:,} bytes) to {out_dir}; data as of {summary['data_as_of']}; "
        f"per source: {out_dir / SUMMARY_FILE}"
    )


@click.command("load-history", context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@db_option
@click.option(
    "--dir",
    "history_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="The exported history (default: the shipped data/history).",
)
@no_wait_option
@handle_errors
def load_history(db_path: Path, history_dir: Path | None, no_wait: bool) -> None:
    """Load a history written by `export-history` into a new database (what `demo` does first).

    The ids are kept, so it loads into a database without offers; loading the same history
    again does nothing. Load the curated prices after it (`pricewatch load-curated`).

    \b
    Example:
        pricewatch load-history --db /tmp/new.db && pricewatch load-curated --db /tmp/new.db
    """
    from pricewatch.refresh_command import embedded_history_dir
    from pricewatch.scraper.history_files import run_load_history

    folder = history_dir or embedded_history_dir()
    loaded = run_load_history(db_path, folder, wait=not no_wait, on_wait=echo_wait)
    if loaded.already_loaded:
        click.echo(f"{folder}: already loaded into {db_path}")
    else:
        click.echo(
            f"Loaded {loaded.price_rows} price periods of {loaded.rows['offers']} offers from {folder}"
        )


def register(cli: click.Group) -> None:
    """Add `export-history` and `load-history` to the command line."""
    cli.add_command(export_history)
    cli.add_command(load_history)
