"""`pricewatch cost`: the monthly cost of a usage profile on one model, assumptions and arithmetic shown."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pricewatch.commands._analysis import (
    DateType,
    NumberType,
    ShareType,
    TokenCountType,
    load_inputs,
    today,
)
from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    catalog_option,
    db_option,
    format_option,
    handle_errors,
)
from pricewatch.money import cents

if TYPE_CHECKING:  # the analysis modules are imported when the command runs
    from pricewatch.analysis.workloads import CacheReading, CacheTTL

__all__ = ["cost", "register"]


@click.command(context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@click.option("--model", required=True, help="Catalog id, name or alias.")
@click.option("--provider", help="Who charges (default: the model's maker).")
@click.option(
    "--tokens-per-day", type=TokenCountType(), help="Input + output tokens per day (150M, 1.5B, ...)."
)
@click.option("--tokens-per-month", type=TokenCountType(), help="Input + output tokens per month instead.")
@click.option(
    "--input-share",
    type=ShareType(),
    default="0.75",
    show_default=True,
    help="Share of tokens that are input (0.9 or 90%).",
)
@click.option(
    "--cache-hit", type=ShareType(), default="0", show_default=True, help="Cache-hit rate (0.95 or 95%)."
)
@click.option(
    "--cache-reading",
    type=click.Choice(["input", "all"]),
    default="input",
    show_default=True,
    help="input: the hit rate is a share of INPUT tokens; all: a share of ALL tokens.",
)
@click.option(
    "--cache-write",
    type=ShareType(),
    default="0",
    show_default=True,
    help="Share of input tokens written to the cache.",
)
@click.option(
    "--cache-write-ttl",
    type=click.Choice(["5m", "1h"]),
    default="5m",
    show_default=True,
    help="Cache lifetime of the writes.",
)
@click.option(
    "--long-context-share",
    type=ShareType(),
    default="0",
    show_default=True,
    help="Share of tokens in requests above the long-context threshold.",
)
@click.option(
    "--batch-share",
    type=ShareType(),
    default="0",
    show_default=True,
    help="Share of tokens sent through batch.",
)
@click.option(
    "--reasoning-per-output",
    type=NumberType(),
    default="0",
    show_default=True,
    help="Reasoning tokens per output token.",
)
@click.option("--days-per-month", type=NumberType(), default="30", show_default=True, help="Days in a month.")
@click.option("--as-of", type=DateType(), help="Prices in force at the end of this day (default: today).")
@click.option(
    "--refuse-missing",
    is_flag=True,
    help="Fail instead of billing a missing cache, batch or long-context price at a stand-in price.",
)
@db_option
@catalog_option
@format_option
@handle_errors
def cost(
    model: str,
    provider: str | None,
    tokens_per_day: Decimal | None,
    tokens_per_month: Decimal | None,
    input_share: Decimal,
    cache_hit: Decimal,
    cache_reading: CacheReading,  # a click.Choice of exactly these
    cache_write: Decimal,
    cache_write_ttl: CacheTTL,  # a click.Choice of exactly these
    long_context_share: Decimal,
    batch_share: Decimal,
    reasoning_per_output: Decimal,
    days_per_month: Decimal,
    as_of: date | None,
    refuse_missing: bool,
    db_path: Path,
    catalog_path: Path | None,
    fmt: str,
) -> None:
    """What a usage profile costs per month on one model, with every assumption and the arithmetic.

    The cache-hit rate is read one of two ways, and the output says which: "input" (the
    share of input tokens that are cache reads) or "all" (the share of all tokens; 95% of
    all tokens cannot be cache reads when only 90% are input). A cache price the provider
    does not publish is billed at the input price and flagged (--refuse-missing fails
    instead).

    \b
    Example:
        pricewatch cost --model "Claude Opus 4.6" --tokens-per-day 150M --input-share 0.9 \\
            --cache-hit 0.95 --cache-reading input
        pricewatch cost --model deepseek/deepseek-v3.2 --provider deepinfra --tokens-per-month 1B
    """
    from pricewatch.analysis.workloads import WorkloadProfile, workload_cost
    from pricewatch.errors import NotSoldByMakerError
    from pricewatch.output import render_rows
    from pricewatch.pricing import PriceBook, parse_time

    if (tokens_per_day is None) == (tokens_per_month is None):
        raise click.UsageError("give --tokens-per-day or --tokens-per-month (one of them)")
    profile = WorkloadProfile(
        tokens_per_day=tokens_per_day,
        tokens_per_month=tokens_per_month,
        input_share=input_share,
        cache_hit=cache_hit,
        cache_reading=cache_reading,
        cache_write_share=cache_write,
        cache_write_ttl=cache_write_ttl,
        long_context_share=long_context_share,
        batch_share=batch_share,
        reasoning_per_output=reasoning_per_output,
        days_per_month=days_per_month,
    )
    inputs = load_inputs(db_path, catalog_path)
    book = PriceBook(inputs.points, inputs.facts, inputs.catalog)
    model_id = inputs.resolve_model(model)
    seller = inputs.resolve_provider(provider) if provider else None  # a typo: "did you mean", exit 2
    at = parse_time(as_of or today())
    try:
        prices = book.sheets(model_id, seller, at, usd_only=True)
    except NotSoldByMakerError as error:
        raise click.UsageError(
            f"{model_id} is not sold by its maker on {at[:10]}: choose --provider ({', '.join(error.hosts)})"
        ) from None
    provider_id = prices.provider
    result = workload_cost(profile, prices, on_missing="refuse" if refuse_missing else "input_price")

    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    if fmt == "csv":
        click.echo(render_rows([line.as_dict() for line in result.lines], fmt="csv"), nl=False)
        return
    lines = [
        f"{model_id} at {provider_id}, prices as of {at[:10]}: {cents(result.monthly_cost_usd)} per month "
        f"({cents(result.daily_cost_usd)} per day)",
        "Assumptions:",
        *(f"  {line}" for line in result.assumptions),
        "Arithmetic (USD per million tokens):",
        *(f"  {line}" for line in result.arithmetic),
    ]
    if result.flags:
        lines.append("Flagged (a price was missing; see above):")
        lines.extend(f"  {flag}" for flag in result.flags)
    click.echo("\n".join(lines))


def register(cli: click.Group) -> None:
    cli.add_command(cost)
