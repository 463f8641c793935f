"""`pricewatch trend`: how fast the cheapest price at a capability threshold falls, with its interval."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pricewatch.commands._analysis import DateType, FiniteFloatType, load_inputs, today
from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    catalog_option,
    db_option,
    format_option,
    handle_errors,
)
from pricewatch.money import fixed

if TYPE_CHECKING:  # the analysis modules are imported when the command runs
    from pricewatch.analysis.trends import FrontierTrend, ThresholdTrend

__all__ = ["register", "trend"]


def _fit_lines(fit: Any, what: str) -> list[str]:
    if fit is None:
        return [f"Rate: no fit ({what})"]
    low, high = fit.ci95
    low90, high90 = fit.ci90
    change = (
        f"{-fit.percent_change_per_year:.1%} lower each year"
        if fit.slope_per_year < 0
        else f"{fit.percent_change_per_year:.1%} higher each year"
    )
    speed = (
        f"halving time {fit.halving_months:.1f} months"
        if fit.halving_months is not None
        else f"doubling time {fit.doubling_months:.1f} months"
        if fit.doubling_months is not None
        else "flat"
    )
    r2 = f", R^2 {fit.r2:.3f}" if fit.r2 is not None else ""
    return [
        f"Rate: {fit.fold_per_year:.3g}-fold per year ({change}); {speed}",
        f"  95% interval {low:.3g} - {high:.3g} fold per year (t = {fit.t95:.3f}, df {fit.n - 2}); "
        f"90% interval {low90:.3g} - {high90:.3g}",
        f"Points: n = {fit.n} over {fit.span_months:.1f} months ({fit.start} to {fit.end}){r2}",
        f"  slope {fit.slope_per_year:.4f} ln-units per year, SE {fit.se_slope:.5f}, intercept {fit.intercept:.4f}",
    ]


def _flag_lines(flags: tuple[str, ...]) -> list[str]:
    if not flags:
        return ["Confidence: no low-confidence flag (n >= 6, span >= 12 months, 95% upper/lower <= 10)"]
    return ["Flags:", *(f"  {flag}" for flag in flags)]


def _point_rows(points: Any) -> list[dict[str, Any]]:
    return [
        {
            "date": p.at[:10],
            "model": p.model,
            "usd_per_mtok": fixed(p.value, 6),
            "score": f"{p.score:g}" if p.score is not None else "",
            "basis": p.price.basis,
            "source": "; ".join(p.price.inputs),
            # last, so the columns before it stay where they were
            "version": p.version or "",
        }
        for p in points
    ]


def _example_report(fmt: str) -> str:
    from pricewatch.analysis.trends import EPOCH_MMLU_GPT3_POINTS, confidence_flags, fit_log_trend
    from pricewatch.output import render_rows

    fit = fit_log_trend((d, price) for d, _, price in EPOCH_MMLU_GPT3_POINTS)
    rows = [
        {"date": d.isoformat(), "model": model, "usd_per_mtok": str(price)}
        for d, model, price in EPOCH_MMLU_GPT3_POINTS
    ]
    if fmt == "json":
        return (
            json.dumps(
                {
                    "example": "DEFLATION_METHODS.md §8.6: Epoch's MMLU >= 43.9 (GPT-3 level) record points",
                    "fit": fit.as_dict() if fit else None,
                    "flags": list(confidence_flags(fit, len(rows))),
                    "points": rows,
                },
                indent=2,
            )
            + "\n"
        )
    if fmt == "csv":
        return render_rows(rows, fmt="csv")
    lines = [
        "Worked example (DEFLATION_METHODS.md §8.6): Epoch's record points for MMLU >= 43.9 (GPT-3 level),",
        "3:1 blended USD per million tokens, t in years (days / 365.25) from 2021-11-20",
        *_fit_lines(fit, "fewer than 4 points"),
        *_flag_lines(confidence_flags(fit, len(rows))),
        "",
        render_rows(rows).rstrip("\n"),
    ]
    return "\n".join(lines) + "\n"


def _report(result: Any, title: str, show_all: bool, fmt: str) -> str:
    from pricewatch.output import render_rows

    points = result.series if show_all or not hasattr(result, "records") else result.records
    if fmt == "json":
        return json.dumps(result.as_dict(), indent=2, default=str) + "\n"
    if fmt == "csv":
        return render_rows(_point_rows(points), fmt="csv")
    what = f"{len(points)} point{'s' if len(points) != 1 else ''}; a fit needs at least 4"
    lines = [title, *_fit_lines(result.fit, what)]
    endpoint = getattr(result, "endpoint_fold_per_year", None)
    if result.fit is None and endpoint is not None:
        lines.append(
            f"  two-endpoint rate only: {endpoint:.3g}-fold per year (first and last point, no interval)"
        )
    lines.extend(_flag_lines(result.flags))
    lines.append("Definition:")
    lines.extend(f"  {line}" for line in result.definition)
    label = (
        "Points" if show_all or not hasattr(result, "records") else "Record points (the fit rests on these)"
    )
    lines.append("")
    lines.append(f"{label}:")
    lines.append(
        render_rows(
            _point_rows(points), ["date", "model", "usd_per_mtok", "score", "version", "basis"]
        ).rstrip("\n")
    )
    sources = sorted({line for p in points for line in p.price.inputs})
    if sources:
        lines.append("")
        lines.append("Prices used:")
        lines.extend(f"  {line}" for line in sources)
    lines.append("")
    if result.excluded:
        lines.append(
            f"Excluded ({len(result.excluded)} models with prices in the window but no {result.score} score):"
        )
        lines.extend(f"  {line}" for line in result.excluded)
    else:
        lines.append("Excluded: none")
    return "\n".join(lines) + "\n"


@click.command(context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@click.option("--score", help="Catalog score name, e.g. lmarena_text_score or aa_intelligence_index.")
@click.option(
    "--threshold", type=FiniteFloatType(), help="Capability threshold: models scoring at least this qualify."
)
@click.option(
    "--price",
    type=click.Choice(["input", "output", "blended"]),
    default="blended",
    show_default=True,
    help="Which price: input, output, or 3:1 blended.",
)
@click.option("--from", "start", type=DateType(), help="Window start (default: the first qualifying price).")
@click.option("--to", "end", type=DateType(), help="Window end, inclusive (default: today).")
@click.option(
    "--host-rule",
    type=click.Choice(["cheapest", "median"]),
    default="cheapest",
    show_default=True,
    help="Open-weight models: the cheapest host or the median across hosts.",
)
@click.option("--unquantized-only", is_flag=True, help="Leave out open-weight offers quantized below 8 bits.")
@click.option(
    "--exclude",
    "exclude_models",
    multiple=True,
    help="Leave out this model (repeatable), e.g. reasoning models.",
)
@click.option(
    "--frontier", is_flag=True, help="The frontier model's price instead (highest score; no threshold)."
)
@click.option(
    "--all-points", is_flag=True, help="List every change of the cheapest price, not only the records."
)
@click.option(
    "--example", is_flag=True, help="Reproduce the worked example of DEFLATION_METHODS.md (no database)."
)
@db_option
@catalog_option
@format_option
@handle_errors
def trend(
    score: str | None,
    threshold: float | None,
    price: str,
    start: date | None,
    end: date | None,
    host_rule: str,
    unquantized_only: bool,
    exclude_models: tuple[str, ...],
    frontier: bool,
    all_points: bool,
    example: bool,
    db_path: Path,
    catalog_path: Path | None,
    fmt: str,
) -> None:
    """How fast the cheapest price at a capability threshold falls: N-fold per year, 95% interval.

    For each change in the window, the cheapest price of any model whose score is at least
    the threshold; a least-squares fit of ln(price) on time over the record points (each
    strictly cheaper than all before), as in DEFLATION_METHODS.md §8. Prints the rate, its
    interval, the point count, the points, the models excluded for lack of the score, and
    low-confidence flags (fewer than 6 points, under 12 months, or upper/lower fold > 10).

    \b
    Example:
        pricewatch trend --score lmarena_text_score --threshold 1250
        pricewatch trend --score aa_intelligence_index --threshold 40 --price output --from 2025-01-01
        pricewatch trend --score lmarena_text_score --frontier
        pricewatch trend --example
    """
    if example:
        click.echo(_example_report(fmt), nl=False)
        return
    if score is None:
        raise click.UsageError("give --score NAME (and --threshold X), or --example")
    if threshold is None and not frontier:
        raise click.UsageError("give --threshold X (or --frontier)")
    from pricewatch.analysis.trends import cheapest_at_threshold, frontier_trend

    inputs = load_inputs(db_path, catalog_path)
    known = sorted({name for f in inputs.facts.values() for name in f.score_names})
    if score not in known:
        raise click.BadParameter(f"unknown score {score!r} (known: {', '.join(known)})", param_hint="--score")
    excluded = tuple(inputs.resolve_model(m) for m in exclude_models)
    end = end or today()
    common: dict[str, Any] = {
        "start": start,
        "price": price,
        "host_rule": host_rule,
        "unquantized_only": unquantized_only,
        "exclude_models": excluded,
    }
    result: FrontierTrend | ThresholdTrend
    if frontier:
        result = frontier_trend(inputs.points, inputs.facts, score, end, **common)
        title = f"Frontier {price} price (the highest {score} with a price), {result.start[:10]} to {result.end[:10]}"
    else:
        assert threshold is not None
        result = cheapest_at_threshold(inputs.points, inputs.facts, score, threshold, end, **common)
        title = (
            f"Cheapest {price} price at {score} >= {threshold:g}, {result.start[:10] or '?'} to {result.end[:10]} "
            f"({len(result.qualifying)} qualifying models)"
        )
    click.echo(_report(result, title, all_points, fmt), nl=False)


def register(cli: click.Group) -> None:
    cli.add_command(trend)
