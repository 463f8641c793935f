"""`pricewatch scan`: find every checkable claim in an article, check each, list what was skipped."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import click

from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    ExitWith,
    catalog_option,
    db_option,
    handle_errors,
)
from pricewatch.commands.check import (
    AS_OF_HELP,
    AsOfType,
    exit_code_for,
    names_from_catalog,
    then_lines,
)
from pricewatch.errors import EXIT_OK

__all__ = ["register", "scan"]


@click.command(context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@click.argument("article", type=click.File("r", encoding="utf-8"))
@click.option("--as-of", "as_of", type=AsOfType(), help=AS_OF_HELP)
@click.option(
    "--made-on",
    "made_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day the article was made (YYYY-MM-DD); default: the date its dateline states, if any. "
    "Each claim is also checked as of that day; the verdict and exit code stay those of --as-of.",
)
@click.option("--json", "as_json", is_flag=True, help="JSON output (schema: docs/claim.schema.json).")
@click.option("--brief", is_flag=True, help="One line per claim instead of its arithmetic.")
@db_option
@catalog_option
@handle_errors
def scan(
    article: IO[str],
    as_of: str | None,
    made_on: datetime | None,
    as_json: bool,
    brief: bool,
    db_path: Path,
    catalog_path: Path | None,
) -> None:
    """Find and check every claim about prices in an article (plain text or markdown; - for stdin).

    Each sentence, list item or table row that states a price per million tokens, "N x
    cheaper", "P% of the cost", a request or monthly cost, "fell N-fold" or "P% a year" is
    read and checked like `pricewatch check` does, and shown quoted with its verdict and
    arithmetic. A table row is priced at its provider column ("via DeepInfra"); a period
    table row ("2023 | GPT-4 level | $30-60 per M output") is checked against the cheapest
    price at that level in that period; a thesis naming no model ("a markup of over 10
    times") compares the host prices the article quoted with the retail price it named
    (data/peer_groups.toml). Arithmetic on the article's own figures is checked too ("10%
    of $5,000 is about $500", a loss, a break-even time or a total derived from figures
    stated earlier), marked as using no price data, with the line each figure came from. A
    cost per user or conversation gets cannot_check with the tokens it would buy at the
    named (or the article's main) model's price. Then come the claim-like sentences it
    could not read, each with the reason, and a summary line.

    The exit code follows the worst verdict of the claims read (3 when none was read); but
    when the unread claim-like sentences (costs per user included) outnumber the claims
    read, the article does not "hold": the verdict is cannot_check (exit 3).

    Every claim is checked as of now (--as-of: the verdict and the exit code) and, beside
    it, as of the day the article was made: --made-on, else the date a dateline near its
    top states ("Published March 2, 2026", "Updated: Mar 2, 2026", "2026-03-02"; never a
    date inside a claim). A trend "in two years" ends on that day.

    \b
    Example:
        pricewatch scan article.md
        pricewatch scan article.md --made-on 2026-06-01 --as-of 2026-12-05
        curl -s https://example.com/post.txt | pricewatch scan - --json
    """
    from pricewatch.analysis.claims import explain
    from pricewatch.analysis.scan import scan_article
    from pricewatch.commands._analysis import load_inputs
    from pricewatch.inputs import load_peer_groups

    text = article.read()
    as_of = as_of or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    inputs = load_inputs(db_path, catalog_path)
    source = "-" if article.name in ("<stdin>", "-") else str(article.name)
    report = scan_article(
        text,
        names_from_catalog(inputs.catalog),
        inputs.facts,
        inputs.points,
        as_of,
        source=source,
        made_on=made_on.date() if made_on is not None else None,
        peers=tuple(load_peer_groups().values()),
    )
    if as_json:
        click.echo(report.to_json(indent=2))
    else:
        click.echo(f"{source}: {len(report.claims)} claims found, checked as of {as_of}")
        if report.made_on is not None:
            click.echo(f"made on {report.made_on} ({report.made_on_from}): also checked as of that day")
        for found in report.claims:
            click.echo(f'\nline {found.line}: "{found.quote}"')
            for result in found.results:
                lines = explain(result, indent="    ")
                click.echo("  " + lines[0])
                if not brief:
                    click.echo("\n".join(lines[1:]))
            if len(found.results) > 1:
                how = "the best reading decides" if found.combine == "any" else "every part must hold"
                click.echo(f"  => {found.verdict.upper().replace('_', ' ')} ({how})")
            if found.group is not None:
                click.echo(f"  group: {found.group.text}")
            if found.then is not None:
                click.echo("\n".join("  " + line for line in then_lines(found.then)))
        click.echo(f"\nNot checked: {len(report.unparsed)} claim-like sentences")
        for skipped in report.unparsed:
            click.echo(f'line {skipped.line}: "{skipped.quote}"\n    why: {skipped.reason}')
        click.echo(f"\n{report.summary}")
    code = exit_code_for(report.verdict)
    if code != EXIT_OK:
        raise ExitWith(code)


def register(cli: click.Group) -> None:
    """Add `scan` to the command line."""
    cli.add_command(scan)
