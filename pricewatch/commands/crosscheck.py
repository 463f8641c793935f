"""`pricewatch crosscheck`: the makers' own prices against OpenRouter's figures for them."""

from __future__ import annotations

from pathlib import Path

import click

from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    catalog_option,
    db_option,
    format_option,
    handle_errors,
    load_catalog,
)

__all__ = ["register"]

COLUMNS = [
    "model",
    "tier",
    "min_prompt_tokens",
    "variant",
    "field",
    "agrees",
    "first_party",
    "first_party_as_of",
    "openrouter",
    "openrouter_figure",
    "openrouter_as_of",
    "ratio",
]


@click.command("crosscheck", context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@db_option
@catalog_option
@click.option("--disagreements", is_flag=True, help="List only the prices that differ.")
@click.option(
    "--unmatched", is_flag=True, help="List the first-party offers that could not be compared, and why."
)
@format_option
@handle_errors
def crosscheck(
    db_path: Path, catalog_path: Path | None, disagreements: bool, unmatched: bool, fmt: str
) -> None:
    """Compare every first-party price with OpenRouter's figure for the same model.

    A first-party price is one the model's maker publishes (read live or replayed). It
    is compared, field by field and exactly, with the maker's own endpoint on OpenRouter
    where one is recorded, else with OpenRouter's list price, for the same tier and
    long-context threshold. Each row gives both prices and the date each was last seen.

    \b
    Example:
        pricewatch crosscheck --disagreements
        pricewatch crosscheck --format csv > crosscheck.csv
    """
    from pricewatch.crosscheck import comparison_rows, run_crosscheck, unmatched_rows
    from pricewatch.output import render_rows

    check = run_crosscheck(db_path, load_catalog(catalog_path))
    if unmatched:
        rows = unmatched_rows(check)
        click.echo(
            render_rows(rows, ["model", "provider", "tier", "min_prompt_tokens", "variant", "why"], fmt),
            nl=False,
        )
        return
    click.echo(render_rows(comparison_rows(check, disagreements_only=disagreements), COLUMNS, fmt), nl=False)
    if fmt == "table":
        click.echo(
            f"\n{len(check.comparisons)} prices compared: {len(check.agreements)} agree, "
            f"{len(check.disagreements)} differ; {len(check.without_figure) + len(check.other_currency)} "
            "first-party offers not compared (see --unmatched)."
        )


def register(cli: click.Group) -> None:
    """Add `crosscheck` to the command line."""
    cli.add_command(crosscheck)
