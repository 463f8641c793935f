"""`pricewatch reprice LOG`: a usage log costed row by row at the prices in force when each request was made."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

import click

from pricewatch.commands._analysis import DateType
from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    catalog_option,
    db_option,
    format_option,
    handle_errors,
)

__all__ = ["register", "reprice"]

# Rows listed one by one in the text output's "not priced" part (all are counted).
_LISTED = 20
# Rows of JSON written at once by the long-log path.
_BATCH = 2000
# A progress bar is shown for inputs larger than this (bytes), when stderr is a terminal.
_PROGRESS_BYTES = 5_000_000

_CSV_COLUMNS = (
    "line",
    "timestamp",
    "model",
    "model_id",
    "provider",
    "tier",
    "priced_at",
    "input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cost",
    "error",
)


class _Counting:
    """A text stream that reports the bytes read to a progress bar."""

    def __init__(self, stream: IO[str], bar: Any) -> None:
        self.stream, self.bar = stream, bar

    def readline(self) -> str:
        line = self.stream.readline()
        self.bar.update(len(line))
        return line

    def __iter__(self) -> _Counting:
        return self

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


@click.command(context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@click.argument("log", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--log-format",
    type=click.Choice(["auto", "csv", "jsonl"]),
    default="auto",
    show_default=True,
    help="CSV with a header, or JSON lines (auto: JSON lines when the log starts with '{').",
)
@click.option(
    "--usage-format",
    type=click.Choice(["explicit", "openai", "anthropic"]),
    default="explicit",
    show_default=True,
    help="How token counts are read (see above).",
)
@click.option("--at", "at_date", type=DateType(), help="Price every row at the end of this day instead.")
@click.option(
    "--shipped",
    is_flag=True,
    help="Price with the history that ships with pricewatch (no database needed) instead of --db.",
)
@click.option(
    "--rows/--no-rows",
    "show_rows",
    default=None,
    help="List every row (default: with --format csv/json; the table shows the totals).",
)
@db_option
@catalog_option
@format_option
@handle_errors
def reprice(
    log: Path,
    log_format: str,
    usage_format: str,
    at_date: date | None,
    shipped: bool,
    show_rows: bool | None,
    db_path: Path,
    catalog_path: Path | None,
    fmt: str,
) -> None:
    """Cost a usage log, each row at the price in force at its timestamp.

    LOG is CSV (header row) or JSON lines ('-' reads stdin), one request per row: a
    timestamp (ISO 8601, a date, or Unix seconds), a model name as your SDK or router
    writes it (OpenRouter slugs, dated API names, LiteLLM keys...), token counts, and
    optionally provider (default: the model's maker) and tier (standard, batch...). The
    log is read as a stream; totals per model and per month follow the rows, and rows that
    could not be priced are listed with the reason.

    \b
    Token counts (--usage-format):
      explicit   input_tokens (UNCACHED input), cache_read_tokens, cache_write_tokens,
                 cache_write_1h_tokens, output_tokens, reasoning_tokens (on top of output)
      openai     prompt_tokens INCLUDES cached tokens (prompt_tokens_details.cached_tokens
                 or a cached_tokens column); completion_tokens INCLUDES reasoning tokens
      anthropic  input_tokens EXCLUDES the cache; cache_read_input_tokens,
                 cache_creation_input_tokens (or cache_creation.ephemeral_5m/1h_input_tokens)
    JSON lines may nest the counts under "usage" (the response's own usage object).

    \b
    Example:
        pricewatch reprice usage.csv --shipped
        pricewatch reprice calls.jsonl --usage-format openai --format json > priced.json
        pricewatch reprice usage.csv --at 2026-09-01   # last quarter's usage at today's prices
    """
    from pricewatch.pricing import PriceBook, load_book, parse_time, shipped_rates
    from pricewatch.usage_log import LogFormat, Totals, UsageFormat, read_log, reprice_lines
    from pricewatch.usage_log import reprice as reprice_rows

    book: PriceBook
    if shipped:
        from pricewatch.paths import user_cache_dir

        book = load_book(None, catalog_path, cache_dir=user_cache_dir(), fx_rates=shipped_rates)
    else:
        from pricewatch.commands._analysis import load_inputs

        inputs = load_inputs(db_path, catalog_path)
        book = PriceBook(inputs.points, inputs.facts, inputs.catalog, shipped_rates)
    at = parse_time(at_date) if at_date is not None else None
    listing = show_rows if show_rows is not None else fmt != "table"
    totals = Totals()
    out = sys.stdout
    handle: IO[str] = sys.stdin if str(log) == "-" else log.open(encoding="utf-8", newline="")
    size = log.stat().st_size if str(log) != "-" else 0
    progress = size > _PROGRESS_BYTES and sys.stderr.isatty()
    with (
        handle,
        click.progressbar(length=size or 1, label="Repricing", file=sys.stderr, hidden=not progress) as bar,
    ):
        stream: Any = _Counting(handle, bar) if progress else handle
        if fmt == "json" or (fmt == "table" and not listing):
            # The long-log path (usage_log.reprice_lines): the same rows and totals, faster.
            lines = reprice_lines(
                book,
                stream,
                totals=totals,
                log_format=cast("LogFormat", log_format),
                name=str(log),
                usage_format=cast("UsageFormat", usage_format),
                at=at,
                lines=listing and fmt == "json",
            )
            if fmt == "json":
                out.write('{"rows": [' if listing else "{")
                # Written in batches: one write per row costs more than the row on a pipe.
                batch: list[str] = []
                keep = batch.append
                separator = "\n  "
                for line in lines:
                    keep(line)
                    if len(batch) == _BATCH:
                        out.write(separator + ",\n  ".join(batch))
                        batch.clear()
                        separator = ",\n  "
                if batch:
                    out.write(separator + ",\n  ".join(batch))
                out.write(
                    ("\n], " if listing else "")
                    + '"totals": '
                    + json.dumps(totals.as_dict(), indent=2)
                    + "}\n"
                )
                return
            for _ in lines:
                pass
            rows: Any = ()
        else:
            rows = reprice_rows(
                book,
                read_log(stream, cast("LogFormat", log_format), str(log)),
                usage_format=cast("UsageFormat", usage_format),
                at=at,
            )
        if fmt == "csv":
            import csv

            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(_CSV_COLUMNS)
            for row in rows:
                totals.add(row)
                if listing:
                    record = row.as_dict()
                    writer.writerow(["" if record[c] is None else record[c] for c in _CSV_COLUMNS])
            if not listing:
                writer.writerow(
                    ["", "", "(total)", "", "", "", "", "", "", "", "", "", "", str(totals.cost), ""]
                )
            return
        for row in rows:
            totals.add(row)
            if listing:
                cost = f"${row.cost}" if row.cost is not None else f"not priced: {row.error}"
                out.write(f"line {row.line}: {row.model} at {row.at[:19] or '?'}: {cost}\n")
    _print_totals(totals, at)


def _print_totals(totals: Any, at: str | None) -> None:
    from pricewatch.money import usd

    summary = totals.as_dict()
    when = (
        f"every row at the prices of {at[:10]}" if at else "each row at the prices in force at its timestamp"
    )
    lines = [
        f"{summary['priced']} of {summary['rows']} rows priced ({when}): {usd(totals.cost)}",
        "Per model:",
        *(f"  {key}: {n} rows, {usd(cost)}" for key, (n, cost) in sorted(totals.by_model.items())),
        "Per month:",
        *(f"  {key}: {n} rows, {usd(cost)}" for key, (n, cost) in sorted(totals.by_month.items())),
    ]
    if summary["flagged"]:
        lines.append(
            f"{summary['flagged']} rows billed a missing price at a stand-in (see --format json: flags)"
        )
    if summary["converted"]:
        lines.append(f"{summary['converted']} rows priced in another currency, converted at that day's rate")
    if summary["unpriced"]:
        lines.append(f"Not priced: {summary['unpriced']} rows")
        lines.extend(f"  {count} x {reason}" for reason, count in summary["unpriced_reasons"].items())
        listed = summary["unpriced_rows"][:_LISTED]
        lines.extend(f"  line {r['line']}: {r['model'] or '?'}: {r['reason']}" for r in listed)
        if summary["unpriced"] > len(listed):
            lines.append(f"  ... and {summary['unpriced'] - len(listed)} more (--format json lists them)")
    click.echo("\n".join(lines))


def register(cli: click.Group) -> None:
    cli.add_command(reprice)
