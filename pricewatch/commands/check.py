"""`pricewatch check`: a claim in plain English, or every registered claim, against the price history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    ExitWith,
    catalog_option,
    db_option,
    handle_errors,
)
from pricewatch.errors import EXIT_CANNOT_CHECK, EXIT_FAILED, EXIT_OK, ClaimError

__all__ = [
    "AS_OF_HELP",
    "MADE_ON_HELP",
    "AsOfType",
    "check",
    "exit_code_for",
    "names_from_catalog",
    "register",
    "then_lines",
]

AS_OF_HELP = "Check as of this day (YYYY-MM-DD, the end of that day, UTC) or time (ISO 8601); default now."
MADE_ON_HELP = (
    "The day the claim was made (YYYY-MM-DD): each claim is also checked as of that day, and a trend "
    '"in N years" ends on it. The verdict and exit code stay those of --as-of.'
)

_EXIT_FOR_VERDICT = {
    "holds": EXIT_OK,
    "off": EXIT_FAILED,
    "stale": EXIT_FAILED,
    "cannot_check": EXIT_CANNOT_CHECK,
}


def exit_code_for(verdict: str) -> int:
    """0 holds, 1 off or stale, 3 cannot_check."""
    return _EXIT_FOR_VERDICT[verdict]


class AsOfType(click.ParamType):
    """A day (the end of it) or a UTC time, as the store's text."""

    name = "TIME"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        from pricewatch.analysis.prices import as_time

        text = str(value).strip()
        try:
            if len(text) == 10:
                return as_time(date.fromisoformat(text), end_of_day=True)
            return as_time(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            self.fail(f"{value!r} is not a day (YYYY-MM-DD) or an ISO 8601 time", param, ctx)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def names_from_catalog(catalog: Any) -> Any:
    """The catalog's resolvers as the pure parser's ``Names``."""
    from pricewatch.analysis.claim_text import Names

    return Names(
        resolve_model=catalog.resolve_model_in_prose,
        suggest_models=lambda name: catalog.suggest_models(name, prose=True),
        resolve_provider=catalog.resolve_provider,
    )


def _verdict_lines(verdict: Any, indent: str = "  ") -> list[str]:
    from pricewatch.analysis.claims import explain

    lines = explain(verdict, indent=indent * 2)
    return [indent + lines[0], *lines[1:]]


def _reading(verdict: Any) -> str:
    claim = verdict.claim
    if getattr(claim, "kind", "") == "workload":
        return {
            "input": "cache-hit rate read as a share of INPUT tokens",
            "all": "cache-hit rate read as a share of ALL tokens",
        }[claim.cache_reading]
    return ""


def then_lines(then: Any, indent: str = "  ") -> list[str]:
    """The verdict as of the day a claim was made, one line per part (beside the verdict as of now)."""
    lines = [f"As of the day it was made ({then.at[:10]}): {then.verdict.upper().replace('_', ' ')}"]
    lines.extend(f"{indent}- {part.verdict}: {part.summary}" for part in then.parts)
    return lines


def _check_text(
    text: str, as_of: str, made_on: date | None, db_path: Path, catalog_path: Path | None, as_json: bool
) -> int:
    from pricewatch.analysis.claim_check import check_report
    from pricewatch.analysis.sentence_reader import read_sentence
    from pricewatch.commands._analysis import load_inputs
    from pricewatch.inputs import load_peer_groups

    inputs = load_inputs(db_path, catalog_path)
    peers = tuple(load_peer_groups().values())
    parsed = read_sentence(text, names_from_catalog(inputs.catalog), inputs.facts, peers=peers)
    report = check_report(
        parsed.text, parsed.claims, parsed.combine, inputs.points, inputs.facts, as_of, made_on
    )
    results, verdict, then = report.results, report.verdict, report.then
    if as_json:
        click.echo(report.to_json(indent=2))
        return exit_code_for(verdict)
    click.echo(f'Claim: "{parsed.text}"')
    for note in parsed.notes:
        click.echo(f"  ({note})")
    click.echo(f"As of {as_of}")
    for number, result in enumerate(results, start=1):
        if len(results) > 1:
            click.echo(f"Reading {number} of {len(results)} ({_reading(result) or result.kind}):")
        click.echo("\n".join(_verdict_lines(result)))
    if len(results) > 1:
        how = "the best reading decides" if parsed.combine == "any" else "every part must hold"
        click.echo(f"Verdict: {verdict.upper().replace('_', ' ')} ({how})")
    if report.group is not None:
        click.echo(f"Group: {report.group.text}")
    if then is not None:
        click.echo("\n".join(then_lines(then)))
    return exit_code_for(verdict)


def load_registry(path: Path) -> list[Any]:
    """The registered claims of a claims TOML file; ClaimError naming the problem otherwise."""
    import tomllib

    from pricewatch.analysis.claims import parse_registry

    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise ClaimError(f"claims registry not found: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ClaimError(f"claims registry {path}: {error}") from None
    try:
        return parse_registry(document)
    except ValueError as error:
        raise ClaimError(f"claims registry {path}: {error}") from None


def _check_registry(
    registry_file: Path, as_of: str, db_path: Path, catalog_path: Path | None, as_json: bool, verbose: bool
) -> int:
    from pricewatch.analysis.claims import RegistryReport, check_registry, combine_verdicts
    from pricewatch.commands._analysis import load_inputs

    entries = load_registry(registry_file)
    inputs = load_inputs(db_path, catalog_path)
    results = check_registry(entries, inputs.points, inputs.facts, as_of)
    verdict = combine_verdicts([r.now.verdict for r in results])
    if as_json:
        report = RegistryReport(registry=str(registry_file), now=as_of, verdict=verdict, claims=results)
        click.echo(report.to_json(indent=2))
        return exit_code_for(verdict)
    for result in results:
        click.echo(f'[{result.id}] "{result.quote}"')
        click.echo(f"  {result.article}; {result.publisher}; made {result.made_on}")
        for label, entry in (("then", result.then), ("now", result.now)):
            click.echo(f"  {label} ({entry.at[:10]}): {entry.verdict.upper().replace('_', ' ')}")
            for part in entry.parts:
                if verbose:
                    click.echo("\n".join(_verdict_lines(part, indent="    ")))
                else:
                    since = (
                        f" (since {part.held_from[:10]})"
                        if part.verdict == "holds" and part.held_from
                        else ""
                    )
                    click.echo(f"    - {part.verdict}{since}: {part.summary}")
        click.echo("")
    counts = {
        name: sum(1 for r in results if r.now.verdict == name)
        for name in ("holds", "off", "stale", "cannot_check")
    }
    click.echo(
        f"{len(results)} claims, now: "
        + ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items() if n)
    )
    return exit_code_for(verdict)


@click.command(context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@click.argument("text", required=False)
@click.option("--as-of", "as_of", type=AsOfType(), help=AS_OF_HELP)
@click.option("--made-on", "made_on", type=click.DateTime(formats=["%Y-%m-%d"]), help=MADE_ON_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON output (schema: docs/claim.schema.json).")
@click.option(
    "--registry", is_flag=True, help="Check every registered claim, as of the day it was made and as of now."
)
@click.option(
    "--registry-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Claims registry TOML (default: the shipped data/claims.toml).",
)
@click.option(
    "--verbose", "-v", is_flag=True, help="With --registry: every part's arithmetic, not only its summary."
)
@db_option
@catalog_option
@handle_errors
def check(
    text: str | None,
    as_of: str | None,
    made_on: datetime | None,
    as_json: bool,
    registry: bool,
    registry_file: Path | None,
    verbose: bool,
    db_path: Path,
    catalog_path: Path | None,
) -> None:
    """Check a claim about LLM prices against the stored history, showing the arithmetic.

    TEXT is one sentence in one of these forms (model names as in `pricewatch models`):

    \b
      <model> costs $<in>/$<out> per million tokens [on <provider>]
      <model> costs $<in> input and $<out> output per million tokens [on <provider>]
        (one to three fields: input, output, cache reads; per 1M, per MTok,
        per 1K, <N> cents; "<model> pricing: $5/M input, $25/M output")
      $<in> per million input tokens and $<out> per million output tokens for <model>
      <model A> is <N>x cheaper than <model B>
      <model A> costs <P>% of <model B>
      <N> input and <M> output tokens cost $<X> on <model>
      <N> [million] tokens per day with <H>% cache hits and a <a>/<b> input/output
        split costs $<X>[-$<Y>] per month on <model>
      caching cuts input costs by <P>% on <model>
      [output|input] <price|cost> fell <N>x (by a factor of <N>) in <Y> years
        (or from early 2024 to early 2026, between 2023 and 2025, since 2023)
      prices fall <P>% per year
      arithmetic on the sentence's own numbers: <P>% of $<X> is $<Y>; $<X> is above
        $<A>-$<B>; a <a>/<b> split cuts costs by <P>%; <N> × $<price>/1K = $<X>;
        $<X>/day = $<Y>/month; <N> [things] × <M> [things] = <P> (× or +)
      (every form: `pricewatch check "?"` lists them as the grammar reads them)

    A figure may say "about N" (within the tolerance), "at least/over/more than N"
    (holds at N or above) or "at most/under/up to/less than N" (at N or below).
    A claim no price can make true (a fall of 100% or more a year, a saving above
    100%, a negative price) is refused with the reason.

    A model may be written "<model> on|at|via <provider>": the host binds that model only.
    A sentence in none of these forms that `pricewatch scan` reads on its own (two models
    with their own prices in one sentence, a lead-in before the model) is read as scan
    reads it, and says so; a sentence neither reads is refused with the nearest form, the
    part read and the part that could not be read.

    The verdict is one of: holds (within +-15%), off (by a factor, overstated or
    understated), stale (held from one date to another, no longer), cannot_check (naming
    the missing data). A cache-hit rate is checked under both readings (a share of input
    tokens, a share of all tokens); the best reading decides. With --registry, every claim
    in data/claims.toml is checked as of the day it was made and as of now (or --as-of);
    the exit code follows the "now" verdicts.

    With --made-on DAY the claim is also checked as of that day (shown beside the
    verdict; the verdict and the exit code stay those of --as-of), and a trend "in N
    years" or "a year" ends on that day.

    \b
    Example:
        pricewatch check "Gemini 2.5 Flash is 80x cheaper than Claude Opus 4.6" --json
        pricewatch check "Claude Opus 4.6 costs $5/$25 per million tokens" --as-of 2026-06-01
        pricewatch check "prices fell 50-100x in two years" --made-on 2026-06-01
        pricewatch check "Kimi K2.5 on DeepInfra: $0.07 per million cache reads"
        pricewatch check --registry
    """
    if registry == (text is not None):
        raise click.UsageError("give a claim TEXT or --registry (one of them)")
    if registry and made_on is not None:
        raise click.UsageError("--made-on is for a claim TEXT: each registered claim has its own made_on")
    as_of = as_of or _now()
    if registry:
        from pricewatch.paths import shipped_data_dir

        path = registry_file or shipped_data_dir() / "claims.toml"
        code = _check_registry(path, as_of, db_path, catalog_path, as_json, verbose)
    else:
        assert text is not None
        day = made_on.date() if made_on is not None else None
        code = _check_text(text, as_of, day, db_path, catalog_path, as_json)
    if code != EXIT_OK:
        raise ExitWith(code)


def register(cli: click.Group) -> None:
    """Add `check` to the command line."""
    cli.add_command(check)
