"""`pricewatch backfill ...`: replay the git history of a price file as dated observations."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    ExitWith,
    catalog_option,
    db_option,
    echo_wait,
    format_option,
    handle_errors,
    load_catalog,
    no_wait_option,
)
from pricewatch.errors import EXIT_FAILED

__all__ = ["register", "summary_lines"]

# How many names and moves the summary lists before "... and N more".
LISTED = 20

repo_argument = click.argument("repo", type=click.Path(exists=True, file_okay=False, path_type=Path))
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")


@click.group(context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
def backfill() -> None:
    """Replay the git history of a price file into the database, one version per commit.

    Each commit's time is the observation time; only changes become price rows; a
    second run skips the commits already read. Names go through the catalog (unmapped
    ones are stored under their own name and listed); a move above 10x that comes back
    within 7 days is a suspected typo, held in quarantine (`pricewatch quarantine`), other
    moves above 10x are stored and reported; a version that fails to parse is counted
    and the rest carry on.
    A $0 price outside a free tier is not stored (listed instead). LiteLLM's and
    genai-prices' and models.dev's prices are third-party: they never change what a
    maker's page, a host
    or a curated row says, and fill only the time before those begin.

    \b
    Example:
        git clone ../shared/samples/history/openrouter-models-history.bundle /tmp/or-hist
        pricewatch backfill openrouter-git /tmp/or-hist
        pricewatch backfill litellm /tmp/litellm-hist
        pricewatch backfill page anthropic /tmp/anthropic-hist --file pricing.md
        pricewatch backfill openrouter-endpoints /tmp/or-endpoints
        pricewatch backfill genai-prices /tmp/genai-prices
        pricewatch backfill models-dev /tmp/models-dev
    """


def _inline(items: list[str]) -> str:
    """The first LISTED items joined on one line, and how many more."""
    more = f", ... and {len(items) - LISTED} more" if len(items) > LISTED else ""
    return ", ".join(items[:LISTED]) + more


def _indented(items: list[str], total: int | None = None) -> list[str]:
    """The first LISTED items, one per indented line, and a line saying how many more."""
    total = len(items) if total is None else total
    lines = [f"    {item}" for item in items[:LISTED]]
    if total > LISTED:
        lines.append(f"    ... and {total - LISTED} more")
    return lines


def summary_lines(summary) -> list[str]:
    """The human summary of one backfill run."""
    from pricewatch.output import render_rows

    span = f" ({summary.first_at} .. {summary.last_at})" if summary.first_at else ""
    lines = [
        f"{summary.kind}: {summary.path} in {summary.repository}",
        f"  versions read: {summary.read}{span}; skipped (already ingested): {summary.skipped}; "
        f"failed: {summary.failed}" + (f"; file absent: {summary.missing}" if summary.missing else ""),
        f"  blobs parsed: {summary.blobs_parsed}; observations stored: {summary.observations}; "
        f"price rows added: {summary.price_rows_added}; offers changed: {len(summary.offers_changed)}"
        + (f"; delisted: {summary.delisted}" if summary.delisted else ""),
        f"  unmapped names: {len(summary.unmapped_models)} models, {len(summary.unmapped_providers)} providers"
        + (f"; row errors: {summary.row_errors}" if summary.row_errors else "")
        + (f"; duplicate offers ignored: {summary.duplicates}" if summary.duplicates else ""),
        f"  seconds: {summary.seconds:.2f}",
    ]
    if summary.stale:
        lines.append(
            f"  versions not newer than one already read (re-commits of an older observation, "
            f"nothing stored): {summary.stale}"
        )
    if summary.announced:
        lines.append(
            f"  dated prices after the newest version (not stored until a version on or after "
            f"their day gives them): {len(summary.announced)}: {_inline(sorted(summary.announced))}"
        )
    if summary.row_error_texts:
        lines.append(f"  prices not read ({len(summary.row_error_texts)} distinct row errors):")
        lines.extend(_indented(sorted(summary.row_error_texts)))
    if summary.zero_prices:
        lines.append(
            f"  $0 prices not stored (a zero is a free tier only when the source names one): "
            f"{len(summary.zero_prices)} offers: {_inline(sorted(summary.zero_prices))}"
        )
    if summary.file_errors:
        lines.append(
            f"  files not readable at a commit (each kept its previous version): {len(summary.file_errors)}"
        )
        lines.extend(_indented(list(summary.file_errors)))
    for failure in summary.failures[:LISTED]:
        lines.append(f"  failed: {failure.commit[:10]} {failure.committed_at}: {failure.error}")
    if summary.failed > LISTED:
        lines.append(f"  ... and {summary.failed - LISTED} more failed versions")
    for kind, names in (("models", summary.unmapped_models), ("providers", summary.unmapped_providers)):
        if names:
            top = sorted(names.items(), key=lambda item: (-item[1], item[0]))
            shown = _inline([f"{name} ({count})" for name, count in top])
            lines.append(f"  unmapped {kind} (versions seen): {shown}")
    if summary.held:
        lines.append(
            f"  suspected typos held in quarantine, not stored ({len(summary.held)}; "
            "`pricewatch quarantine list`, then accept or reject):"
        )
        rows = [{"at": h.at, "offer": h.offer, "reason": h.reason} for h in summary.held[:LISTED]]
        lines.extend("    " + line for line in render_rows(rows).rstrip("\n").splitlines())
        if len(summary.held) > LISTED:
            lines.append(f"    ... and {len(summary.held) - LISTED} more")
    if summary.large_moves:
        lines.append(f"  large moves (more than 10x in one step, stored as seen): {len(summary.large_moves)}")
        rows = [
            {
                "at": m.at,
                "offer": m.offer,
                "field": m.field,
                "old": m.old,
                "new": m.new,
                "factor": f"{m.factor:.1f}x",
            }
            for m in summary.large_moves[:LISTED]
        ]
        lines.extend("    " + line for line in render_rows(rows).rstrip("\n").splitlines())
        if len(summary.large_moves) > LISTED:
            lines.append(f"    ... and {len(summary.large_moves) - LISTED} more")
    return lines


def _run(
    db_path: Path,
    catalog_path: Path | None,
    repo: Path,
    path: str | list[str],
    target,
    no_wait: bool,
    quiet: bool,
    fmt: str,
):
    from pricewatch.output import render_rows
    from pricewatch.scraper.backfill import run_backfill, summary_rows

    catalog = load_catalog(catalog_path)
    if quiet or not sys.stderr.isatty():
        summary = run_backfill(db_path, catalog, repo, path, target, wait=not no_wait, on_wait=echo_wait)
    else:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(
            TextColumn(f"backfill {target.kind}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("commits"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        with progress:
            task = progress.add_task("commits", total=None)
            summary = run_backfill(
                db_path,
                catalog,
                repo,
                path,
                target,
                wait=not no_wait,
                on_wait=echo_wait,
                on_start=lambda total: progress.update(task, total=total),
                on_version=lambda: progress.advance(task),
            )
    if fmt == "table":
        for line in summary_lines(summary):
            click.echo(line)
    else:
        click.echo(render_rows(summary_rows(summary), fmt=fmt), nl=False)
    if summary.failures:
        raise ExitWith(EXIT_FAILED)


def _common(func):
    for decorator in reversed(
        (db_option, catalog_option, no_wait_option, quiet_option, format_option, handle_errors)
    ):
        func = decorator(func)
    return func


@backfill.command("openrouter-git", context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@repo_argument
@click.option(
    "--file",
    "path",
    help="The models JSON in REPO (default: the JSON that looks like /api/v1/models or its list).",
)
@_common
def openrouter_git(
    repo: Path,
    path: str | None,
    db_path: Path,
    catalog_path: Path | None,
    no_wait: bool,
    quiet: bool,
    fmt: str,
) -> None:
    """Backfill OpenRouter list prices from a repository where /api/v1/models was committed.

    The file may hold the response object (`{"data": [...]}`) or the bare list of
    models; a history may switch between the two.

    \b
    Example:
        git clone ../shared/samples/history/openrouter-models-history.bundle /tmp/or-hist
        pricewatch backfill openrouter-git /tmp/or-hist --file openrouter-models.json
    """
    from pricewatch.scraper.backfill import find_openrouter_file, openrouter_target

    _run(
        db_path,
        catalog_path,
        repo,
        path or find_openrouter_file(repo),
        openrouter_target(),
        no_wait,
        quiet,
        fmt,
    )


@backfill.command("litellm", context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@repo_argument
@click.option(
    "--file",
    "path",
    help="The price map in REPO (default: model_prices_and_context_window.json, wherever it is).",
)
@_common
def litellm(
    repo: Path,
    path: str | None,
    db_path: Path,
    catalog_path: Path | None,
    no_wait: bool,
    quiet: bool,
    fmt: str,
) -> None:
    """Backfill prices from the history of LiteLLM's model_prices_and_context_window.json.

    \b
    Example:
        git clone ../shared/samples/history/litellm-prices-history.bundle /tmp/litellm-hist
        pricewatch backfill litellm /tmp/litellm-hist
    """
    from pricewatch.scraper.backfill import find_litellm_file, litellm_target

    _run(db_path, catalog_path, repo, path or find_litellm_file(repo), litellm_target(), no_wait, quiet, fmt)


@backfill.command("openrouter-endpoints", context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@repo_argument
@click.option(
    "--file",
    "path",
    help="The sweep file in REPO (default: openrouter-endpoints.json, or the JSON that looks like a sweep).",
)
@_common
def openrouter_endpoints(
    repo: Path,
    path: str | None,
    db_path: Path,
    catalog_path: Path | None,
    no_wait: bool,
    quiet: bool,
    fmt: str,
) -> None:
    """Backfill per-host prices from a repository where sweeps of OpenRouter's endpoints were committed.

    A sweep is one file wrapping every model's /api/v1/models/{slug}/endpoints response
    (`{"fetchedAt", "source", "data": [{"modelId", "detailsUrl", "response"}]}`); its
    `fetchedAt` is the observation time. Prices are OpenRouter's own API (origin
    backfill), through the same endpoint -> offer rule as a refresh: endpoints of one host
    at one price are one offer, at different prices separate offers keyed by their tag.
    An endpoint missing from a later complete sweep is closed there. Uptime, latency and
    status are ignored.

    \b
    Example:
        git clone ../shared/samples/history/openrouter-endpoints-history.bundle /tmp/or-endpoints
        pricewatch backfill openrouter-endpoints /tmp/or-endpoints
    """
    from pricewatch.scraper.backfill_kinds import find_endpoints_file, openrouter_endpoints_target

    _run(
        db_path,
        catalog_path,
        repo,
        path or find_endpoints_file(repo),
        openrouter_endpoints_target(),
        no_wait,
        quiet,
        fmt,
    )


@backfill.command("genai-prices", context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@repo_argument
@click.option(
    "--file",
    "paths",
    multiple=True,
    help="A path of the price data in REPO; repeat it, oldest first, for one file kept at "
    "several paths (default: data/prices.json, prices/data.json, prices/new_data/v2/data.json).",
)
@_common
def genai_prices(
    repo: Path,
    paths: tuple[str, ...],
    db_path: Path,
    catalog_path: Path | None,
    no_wait: bool,
    quiet: bool,
    fmt: str,
) -> None:
    """Backfill third-party prices from the history of pydantic/genai-prices' price data.

    The data moved from data/prices.json to prices/data.json (2025-06-22) and from
    2026-07-30 to prices/new_data/v2/data.json: the three are one file, and at each commit
    the most recently changed of them is read (each stored version names its own path).
    Prices are third-party (rank 0, like LiteLLM's). A price dated with `start_date` is
    placed at that day once a version read on or after it still gives it (a day later than
    the newest version is listed, not stored); DeepSeek's time-of-day discount is tier
    off-peak; other constraints are skipped and listed.

    \b
    Example:
        git clone ../shared/samples/history/genai-prices-data-history.bundle /tmp/genai-prices
        pricewatch backfill genai-prices /tmp/genai-prices
    """
    from pricewatch.scraper.backfill_kinds import genai_prices_paths, genai_prices_target

    _run(
        db_path,
        catalog_path,
        repo,
        list(paths) or genai_prices_paths(repo),
        genai_prices_target(),
        no_wait,
        quiet,
        fmt,
    )


@backfill.command("page", context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@click.argument("source")
@repo_argument
@click.option("--file", "path", required=True, help="The committed copy of the source's page in REPO.")
@_common
def page(
    source: str,
    repo: Path,
    path: str,
    db_path: Path,
    catalog_path: Path | None,
    no_wait: bool,
    quiet: bool,
    fmt: str,
) -> None:
    """Backfill a source's prices by running its own parser over every committed version of its page.

    \b
    Example:
        git clone ../shared/samples/history/anthropic-pricing-history.bundle /tmp/anthropic-hist
        pricewatch backfill page anthropic /tmp/anthropic-hist --file pricing.md
    """
    from pricewatch.scraper.backfill import page_target

    _run(db_path, catalog_path, repo, path, page_target(source), no_wait, quiet, fmt)


@backfill.command("models-dev", context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@repo_argument
@click.option(
    "--folder",
    default="providers",
    show_default=True,
    help="The folder of provider/model TOML files in REPO.",
)
@click.option(
    "--ref",
    "revision",
    default="HEAD",
    show_default=True,
    help="The branch whose first-parent history is read (models.dev publishes `dev`).",
)
@_common
def models_dev(
    repo: Path,
    folder: str,
    revision: str,
    db_path: Path,
    catalog_path: Path | None,
    no_wait: bool,
    quiet: bool,
    fmt: str,
) -> None:
    """Backfill every provider's prices from the git history of models.dev (third-party).

    Reads providers/<provider>/models/**.toml ([cost] in USD per million tokens) along
    the first-parent line of the branch: each commit there is one observation time, a
    merge counts at its own time, a deleted file ends that offer. Prices are third-party:
    they never change what a maker's page, a host or a curated row says, and fill only
    the time those do not cover. The module docstring of
    pricewatch.scraper.sources.models_dev lists which cost keys are read and which ignored.

    \b
    Example:
        git clone ../shared/samples/history/models-dev-data-history.bundle /tmp/models-dev
        pricewatch backfill models-dev /tmp/models-dev
    """
    from pricewatch.scraper.backfill_tree import models_dev_target

    _run(db_path, catalog_path, repo, folder, models_dev_target(revision), no_wait, quiet, fmt)


def register(cli: click.Group) -> None:
    """Add the `backfill` group to the command line."""
    cli.add_command(backfill)
