"""The command line: options -> one call -> rendered result.

Heavy modules (httpx, Jinja, the scheduler, plotting) are imported inside the commands
that need them, so `pricewatch query` and `pricewatch history` start fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pricewatch import __version__
from pricewatch.commands import register_commands
from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    ExitWith,
    add_anywhere_options,
    catalog_option,
    configure_logging,
    curated_window_days,
    db_option,
    echo_wait,
    format_option,
    handle_errors,
    load_catalog,
    no_wait_option,
)
from pricewatch.defaults import CURATED_WINDOW_DAYS
from pricewatch.errors import EXIT_FAILED, EXIT_OK
from pricewatch.output import render_rows


@click.group(context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, "-V", "--version", prog_name="pricewatch")
@click.option(
    "--debug", is_flag=True, help="Show tracebacks instead of one-line errors (before or after the command)."
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Log retries and other details on stderr (before or after the command; `check -v` is check's own).",
)
@click.option(
    "--curated-window-days",
    type=click.IntRange(min=1),
    metavar="DAYS",
    envvar="PRICEWATCH_CURATED_WINDOW_DAYS",
    show_envvar=True,
    default=None,
    help=(
        "How long a curated price stays current after its last confirmation "
        f"(default {CURATED_WINDOW_DAYS}, or the value the database stores). Commands that load the "
        "catalog (refresh, load-curated, demo, reparse) store it in the database, where the "
        "current_prices view applies it; the analysis commands and build use it instead of the stored one."
    ),
)
def cli(debug: bool, verbose: bool, curated_window_days: int | None) -> None:
    """pricewatch: a tracker of LLM API prices.

    \b
    Example:
        pricewatch refresh --replay data/snapshot
        pricewatch query "select * from current_prices limit 5"
        pricewatch --curated-window-days 90 check "Claude Opus 4.5 costs $5/$25 per million tokens"
    """
    configure_logging(verbose)


# ----------------------------------------------------------------------------- refresh


def source_base_urls(names: list[str], environ: dict[str, str] | None = None) -> dict[str, str]:
    """Base URL overrides from PRICEWATCH_<NAME>_BASE_URL (else that of the source named by its BASE_URL_OF)."""
    from pricewatch.scraper.sources import base_url_from_env

    environ = dict(os.environ) if environ is None else environ
    found = {name: base_url_from_env(name, environ) for name in names}
    return {name: url for name, url in found.items() if url}


@cli.command(epilog=EXIT_CODES_HELP)
@db_option
@catalog_option
@click.option("--source", "sources", multiple=True, help="Refresh only this source (repeatable).")
@click.option(
    "--replay",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Serve every request from DIR/manifest.json instead of the network.",
)
@no_wait_option
@click.option("--accept-changes", is_flag=True, help="Apply quarantined changes and skip the sanity guard.")
@click.option(
    "--reject-changes",
    is_flag=True,
    help="Drop the quarantined changes of the sources refreshed (never stored), then refresh with the guard on.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@format_option
@handle_errors
def refresh(
    db_path: Path,
    catalog_path: Path | None,
    sources: tuple[str, ...],
    replay: Path | None,
    no_wait: bool,
    accept_changes: bool,
    reject_changes: bool,
    quiet: bool,
    fmt: str,
) -> None:
    """Fetch prices from the sources and store what changed.

    Each source is one transaction: a source that fails is recorded with the reason and
    leaves stored prices untouched. Base URLs can be overridden with
    PRICEWATCH_<NAME>_BASE_URL. OpenRouter is two sources: `openrouter` (the models list,
    one request) and `openrouter-endpoints` (every host's price, one request per model);
    OPENROUTER_API_KEY, when set, is sent to OpenRouter as a Bearer token (never stored).

    \b
    Example:
        pricewatch refresh --source openrouter
        pricewatch refresh --source openrouter-endpoints
        pricewatch refresh --replay recordings/2026-08-22
    """
    from pricewatch.refresh_command import run_refresh

    if accept_changes and reject_changes:
        raise click.UsageError("--accept-changes and --reject-changes exclude each other")
    outcomes = run_refresh(
        db_path=db_path,
        catalog=load_catalog(catalog_path),
        source_names=list(sources),
        replay_dir=replay,
        wait=not no_wait,
        accept_changes=accept_changes,
        reject_changes=reject_changes,
        base_urls=source_base_urls(list(sources) or _all_source_names()),
        show_progress=not quiet and sys.stderr.isatty(),
        on_wait=echo_wait,
        curated_window_days=curated_window_days(),
    )
    rows = [
        {
            "source": o.source,
            "status": o.status,
            "records": o.records,
            "changed": o.changed,
            "errors": o.errors,
            "seconds": f"{o.seconds:.2f}",
            "error": o.error or "; ".join(o.messages),
        }
        for o in outcomes
    ]
    click.echo(render_rows(rows, fmt=fmt), nl=False)
    refused = next((o.refused_by_machine for o in outcomes if o.refused_by_machine), None)
    if refused:  # a full disk is no source's fault: one line, exit 4 (each source's run rolled back)
        from pricewatch.errors import MachineError

        raise MachineError(f"{refused}; the sources it stopped stored nothing, the rest is intact")
    if any(o.status != "ok" for o in outcomes):
        raise ExitWith(EXIT_FAILED)


def _all_source_names() -> list[str]:
    from pricewatch.scraper.sources import SOURCE_NAMES

    return list(SOURCE_NAMES)


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--source", "sources", multiple=True, help="Record only this source (repeatable).")
@handle_errors
def record(directory: Path, sources: tuple[str, ...]) -> None:
    """Fetch the sources live and write their responses as a replay directory.

    \b
    Example:
        pricewatch record recordings/today --source openrouter
        pricewatch refresh --replay recordings/today
    """
    from pricewatch.refresh_command import run_record

    written, errors = run_record(
        directory, list(sources), base_urls=source_base_urls(list(sources) or _all_source_names())
    )
    click.echo(f"Recorded {written} responses into {directory / 'manifest.json'}")
    for error in errors:
        click.echo(f"  failed: {error}", err=True)
    if errors:
        raise ExitWith(EXIT_FAILED)


# ----------------------------------------------------------------------------- reading


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("sql")
@db_option
@format_option
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Stop the query after this long (0: no limit). Ctrl-C stops it too.",
)
@handle_errors
def query(sql: str, db_path: Path, fmt: str, timeout_s: float) -> None:
    """Run read-only SQL against the database (opened with mode=ro).

    Only reading is allowed: ATTACH, VACUUM INTO, writes and PRAGMA settings are refused
    (exit 2), and a query is stopped after --timeout seconds (exit 2).

    Start with the views: current_prices (what is current at the data's newest
    observation: no retired model, no curated price past its window; open_prices keeps
    those with their status and status_since), price_history (every
    price period: model, provider, tier, variant, valid_from/valid_to, last_confirmed,
    origin) and price_changes. In the views every price is a number per million tokens
    (input, output, cache_read, ...: REAL, so ORDER BY and comparisons are numeric, no
    CAST needed) beside its exact stored decimal text (input_text, output_text, ...):
    select the *_text columns where the exact figure matters. The prices table itself
    stores only the exact text.

    \b
    Example:
        pricewatch query "select model, provider, input, output from current_prices limit 10"
        pricewatch query "select model, input from current_prices order by input desc limit 5"
        pricewatch query "select valid_from, valid_to, input_text, origin from price_history where model = 'moonshotai/kimi-k2.6'"
    """
    from pricewatch.scraper.store.reader import open_reader

    reader = open_reader(db_path)
    try:
        columns, rows = reader.run_user_query(sql, timeout_s=timeout_s or None)
    finally:
        reader.close()
    click.echo(render_rows(rows, columns, fmt), nl=False)


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("model")
@click.option("--provider", help="Only this provider (id or alias); an unknown one is an error (exit 2).")
@click.option(
    "--tier", help="Only this tier (standard, batch, flex, priority, off-peak, free); others are an error."
)
@click.option(
    "--columns",
    metavar="A,B,...|all",
    help=(
        "Columns to print, comma-separated, or `all`. Default: valid_from, valid_to, provider, tier, "
        "input, output, origin, confidence for a table; every column for csv and json."
    ),
)
@db_option
@catalog_option
@format_option
@handle_errors
def history(
    model: str,
    provider: str | None,
    tier: str | None,
    columns: str | None,
    db_path: Path,
    catalog_path: Path | None,
    fmt: str,
) -> None:
    """A model's price history, oldest first, with dates and origin.

    The columns: valid_from, valid_to, provider, tier, min_prompt_tokens, variant, the
    prices (input, output, cache_read, cache_write, cache_write_1h, reasoning), list_price,
    currency, origin, confidence, source_url, closed_reason, last_seen, correction.

    \b
    Example:
        pricewatch history openai/gpt-4o --provider openai
        pricewatch history openai/gpt-4o --columns valid_from,provider,input,output,source_url
        pricewatch history openai/gpt-4o --columns all --format csv
    """
    from pricewatch.queries import history_columns, price_history
    from pricewatch.scraper.store.reader import open_reader

    shown = history_columns(columns, fmt)  # a typo fails before the database is read
    catalog = load_catalog(catalog_path)
    reader = open_reader(db_path)
    try:
        rows = price_history(reader, catalog, model, provider=provider, tier=tier)
    finally:
        reader.close()
    click.echo(render_rows(rows, shown, fmt), nl=False)


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("search", required=False)
@catalog_option
@format_option
@handle_errors
def models(search: str | None, catalog_path: Path | None, fmt: str) -> None:
    """Catalog ids, names and aliases, to find what to type.

    \b
    Example:
        pricewatch models opus
    """
    from pricewatch.queries import search_models

    rows = search_models(load_catalog(catalog_path), search)
    click.echo(render_rows(rows, ["id", "name", "creator", "open_weights", "aliases"], fmt), nl=False)


@cli.command(epilog=EXIT_CODES_HELP)
@click.option("--unmapped", is_flag=True, help="List source names the catalog does not map.")
@click.option(
    "--check", is_flag=True, help="Exit 1 when a source is failing or stale (degraded is reported, exit 0)."
)
@click.option(
    "--config",
    "schedule_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    envvar="PRICEWATCH_SCHEDULE",
    default=None,
    help="Schedule TOML whose intervals define staleness (default: data/schedule.toml; env PRICEWATCH_SCHEDULE).",
)
@db_option
@format_option
@handle_errors
def status(unmapped: bool, check: bool, schedule_path: Path | None, db_path: Path, fmt: str) -> None:
    """Per source: health, last usable run, when its data was observed and how old it is, last error.

    health is ok; degraded (the last run stored prices but some items had no usable price:
    `problem` names them); failing (the last finished run failed: `failing_since`); or
    stale (data older than three times the source's interval in the schedule,
    data/schedule.toml or --config; or never refreshed). Ages are observation ages
    (data_as_of: a replay's recorded time, a backfill's newest commit), not when a run
    happened. --check exits 1 when a source is failing or stale, 0 when every source is ok
    or degraded (a steady partial source, such as a maker's model file without a price,
    is no alarm).

    \b
    Example:
        pricewatch status
        pricewatch status --check || echo "pricewatch needs attention"
        pricewatch status --unmapped --format csv
    """
    from pricewatch.queries import check_fails, quarantine_rows, source_status, unmapped_rows
    from pricewatch.scraper.store.reader import open_reader

    reader = open_reader(db_path)
    try:
        if unmapped:
            click.echo(
                render_rows(
                    unmapped_rows(reader), ["source", "kind", "name", "first_seen", "last_seen"], fmt
                ),
                nl=False,
            )
            return
        intervals = None  # the shipped schedule's
        if schedule_path is not None:
            from pricewatch.scraper.schedule_config import load_schedule, source_intervals
            from pricewatch.scraper.sources import get_source

            names = _all_source_names()
            intervals = source_intervals(
                load_schedule(schedule_path), [(n, get_source(n).KIND) for n in names]
            )
        rows = source_status(reader, _all_source_names(), intervals=intervals)
        held = quarantine_rows(reader)
    finally:
        reader.close()
    click.echo(render_rows(rows, fmt=fmt), nl=False)
    if held and fmt == "table":
        click.echo(
            f"\nQuarantine ({len(held)} pending; `pricewatch quarantine accept|reject ID...`, "
            "or `pricewatch refresh --accept-changes|--reject-changes`):"
        )
        click.echo(render_rows(held, ["id", "source", "observed_at", "offer", "reason"]), nl=False)
    if check and check_fails(rows):
        raise ExitWith(EXIT_FAILED)


# ----------------------------------------------------------------------------- the main job


@cli.command(epilog=EXIT_CODES_HELP)
@db_option
@click.option(
    "--out",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PRICEWATCH_SITE_DIR",
    default=Path("public"),
    show_default=True,
    help="Where the static site is built (env PRICEWATCH_SITE_DIR).",
)
@click.option("--no-site", is_flag=True, help="Build the database only, not the site.")
@handle_errors
def demo(db_path: Path, site_dir: Path, no_site: bool) -> None:
    """The main job on the embedded data: build the database from what ships in data/, then the site.

    \b
    Example:
        pricewatch demo
        pricewatch serve        # then open http://127.0.0.1:8000/
    """
    from pricewatch.refresh_command import run_demo

    for line in run_demo(db_path, None if no_site else site_dir, curated_window_days=curated_window_days()):
        click.echo(line)


register_commands(cli)
for _command in cli.commands.values():
    add_anywhere_options(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="pricewatch")


if __name__ == "__main__":  # pragma: no cover
    main()

__all__ = ["EXIT_OK", "cli", "main"]
