"""`pricewatch publish`: the job the scrape workflow runs (load, refresh live, export history, build, judge)."""

from __future__ import annotations

from pathlib import Path

import click

from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    ExitWith,
    catalog_option,
    curated_window_days,
    db_option,
    handle_errors,
    load_catalog,
)
from pricewatch.errors import EXIT_FAILED

__all__ = ["register"]


def _sources(chosen: tuple[str, ...], skipped: tuple[str, ...]) -> list[str]:
    from pricewatch.scraper.sources import SOURCE_NAMES, get_source

    for name in (*chosen, *skipped):
        get_source(name)  # UnknownSourceError (exit 2) for a typo
    names = list(dict.fromkeys(chosen)) if chosen else list(SOURCE_NAMES)
    return [n for n in names if n not in skipped]


@click.command("publish", context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@db_option
@catalog_option
@click.option(
    "--out",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PRICEWATCH_SITE_DIR",
    default=Path("public"),
    show_default=True,
    help="Where the site is built (env PRICEWATCH_SITE_DIR).",
)
@click.option(
    "--history",
    "history_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The derived history: loaded into a new database, extended after the refresh "
    "(default: the shipped data/history; the workflow passes the checkout's).",
)
@click.option("--source", "sources", multiple=True, help="Refresh only this source (repeatable).")
@click.option("--skip", "skipped", multiple=True, help="Do not refresh this source (repeatable).")
@click.option(
    "--fail-after",
    metavar="DURATION",
    default=None,
    help="Fail when a source has been failing this long (30m, 6h, 0s; default: three of its intervals).",
)
@click.option("--no-history", is_flag=True, help="Do not export the derived history.")
@click.option("--no-site", is_flag=True, help="Do not build the site.")
@click.option(
    "--summary",
    "summary_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="GITHUB_STEP_SUMMARY",
    default=None,
    help="Append the verdict and each source's health as Markdown here (env GITHUB_STEP_SUMMARY).",
)
@handle_errors
def publish(
    db_path: Path,
    catalog_path: Path | None,
    site_dir: Path,
    history_dir: Path | None,
    sources: tuple[str, ...],
    skipped: tuple[str, ...],
    fail_after: str | None,
    no_history: bool,
    no_site: bool,
    summary_path: Path | None,
) -> None:
    """Load the shipped history, refresh every source live, extend the history, build the site.

    What .github/workflows/scrape.yml runs, step by step: a new database gets the shipped
    history and the curated prices (as `pricewatch demo`); each source is refreshed live on
    its own (one that fails keeps its previous prices, the others go on); the derived
    history (prices, offers, runs, citations: never a page body) is written back into
    --history when prices changed or it is a day behind; the site is built (its
    downloads/pricewatch.db without the providers' pages, as `pricewatch export`). Exits 1,
    naming them, when a source has been failing longer than its threshold (three of its
    intervals in data/schedule.toml, or --fail-after) or the build failed; the same goes
    to --summary ($GITHUB_STEP_SUMMARY in a workflow).

    \b
    Example:
        pricewatch publish --db data/pricewatch.db --history data/history --out public
        pricewatch publish --source openrouter-endpoints --fail-after 12h
    """
    from pricewatch.commands.schedule import env_base_urls
    from pricewatch.publish import run_publish, summary_markdown
    from pricewatch.refresh_command import embedded_history_dir
    from pricewatch.scraper.schedule_config import parse_duration

    threshold = parse_duration(fail_after, "--fail-after") if fail_after is not None else None
    names = _sources(sources, skipped)
    report = run_publish(
        db_path=db_path,
        site_dir=None if no_site else site_dir,
        history_dir=history_dir or embedded_history_dir(),
        catalog=load_catalog(catalog_path),
        source_names=names,
        base_urls=env_base_urls(names),
        fail_after=threshold,
        export_history=not no_history,
        curated_window_days=curated_window_days(),
    )
    for line in report.lines:
        click.echo(line)
    for reason in report.failures:
        click.echo(f"FAILED: {reason}", err=True)
    if summary_path is not None:
        with open(summary_path, "a", encoding="utf-8") as summary:
            summary.write(summary_markdown(report))
    if not report.ok:
        raise ExitWith(EXIT_FAILED)


def register(cli: click.Group) -> None:
    """Add `publish` to the command group."""
    cli.add_command(publish)
