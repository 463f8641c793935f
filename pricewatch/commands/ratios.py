"""`pricewatch ratios`: retail price over open-weight market price, per peer group or for a pair."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pricewatch.commands._analysis import DateType, load_inputs, today
from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    catalog_option,
    db_option,
    format_option,
    handle_errors,
)
from pricewatch.money import fixed, fold

if TYPE_CHECKING:  # the analysis modules are imported when the command runs
    from pricewatch.analysis.ratios import GroupStatistic
    from pricewatch.analysis.trends import PriceField

__all__ = ["ratios", "register"]

FIELDS = ("input", "output", "blended")


def _row(price: Any, side: str, ratio: Any) -> dict[str, Any]:
    row = {
        "model": price.model,
        "side": side,
        "basis": price.basis,
        **{f: fixed(price.value(f)) for f in FIELDS},
    }
    row.update({f"x_{f}": fold(ratio.value(f)) if ratio is not None else "" for f in FIELDS})
    return row


def _group_rows(result: Any) -> list[dict[str, Any]]:
    from pricewatch.analysis.ratios import ratio_of

    rows = [_row(c, "closed", r) for c, r in zip(result.closed, result.ratios, strict=False)]
    if not result.ratios:
        rows = [_row(c, "closed", None) for c in result.closed]
    for price in result.open:
        rows.append(
            _row(price, "open", ratio_of(result.closed_market, price) if result.closed_market else None)
        )
    if result.open_market is not None:
        rows.append(_row(result.open_market, "open market", result.headline))
    return rows


def _group_text(result: Any) -> str:
    from pricewatch.output import render_rows

    group = result.group
    statistic = (
        f"host {result.statistic}"
        if result.statistic not in ("cheapest", "median")
        else f"{result.statistic} host"
    )
    lines = [
        f"{group.id}: {group.title}",
        f"  as of {result.at}; closed models at the maker's retail price, open models at the {statistic};",
        f"  the group's open-weight market price is the {result.group_statistic} across its open models "
        "(each of input, output, blended separately); basis: " + (group.basis or "not stated"),
    ]
    if result.headline is not None:
        h = result.headline
        lines.append(
            f"  Retail / open-weight ({result.group_statistic} closed over {result.group_statistic} open): "
            + ", ".join(f"{f} {fold(h.value(f))}" for f in FIELDS)
        )
    else:
        lines.append("  Retail / open-weight: cannot be computed (a side has no price)")
    lines.append(
        "  x_* columns: closed rows = the model over the open market; open rows = closed retail over the model"
    )
    lines.extend("  " + line for line in render_rows(_group_rows(result)).rstrip("\n").splitlines())
    if result.missing:
        lines.append("  Missing:")
        lines.extend(f"    {m}" for m in result.missing)
    lines.append("  Prices used:")
    lines.extend(f"    {line}" for p in (*result.closed, *result.open) for line in p.inputs)
    return "\n".join(lines)


def _series_text(trend: Any) -> str:
    from pricewatch.output import render_rows

    rows = [
        {
            "date": p.at[:10],
            "ratio": fold(p.ratio),
            "closed": fixed(p.result.closed_market.value(trend.price)) if p.result.closed_market else "",
            "open": fixed(p.result.open_market.value(trend.price)) if p.result.open_market else "",
        }
        for p in trend.series
    ]
    lines = [f"  Over time ({trend.price}, {trend.start[:10]} to {trend.end[:10]}): gap {trend.direction}"]
    if trend.fit is not None:
        lines.append(
            f"    ratio changes {1 / trend.fit.fold_per_year:.3g}-fold per year; fit: {trend.fit.summary()}"
        )
    lines.extend(f"    {flag}" for flag in trend.flags)
    if rows:
        lines.extend("    " + line for line in render_rows(rows).rstrip("\n").splitlines())
    return "\n".join(lines)


@click.command(context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@click.option("--group", "group_ids", multiple=True, help="Peer group id (repeatable; default: every group).")
@click.option("--pair", nargs=2, metavar="MODEL_A MODEL_B", help="A over B instead of a peer group.")
@click.option("--as-of", type=DateType(), help="Prices in force at the end of this day (default: today).")
@click.option(
    "--statistic",
    default="cheapest",
    show_default=True,
    help="Open-weight price across hosts: cheapest, median, or a host id (e.g. deepinfra).",
)
@click.option(
    "--group-statistic",
    type=click.Choice(["median", "cheapest"]),
    default="median",
    show_default=True,
    help="The group's open-market price across its open models.",
)
@click.option("--unquantized-only", is_flag=True, help="Leave out offers quantized below 8 bits.")
@click.option(
    "--from", "start", type=DateType(), help="Also show the ratio over time from this date, with its trend."
)
@click.option(
    "--price",
    type=click.Choice(["input", "output", "blended"]),
    default="blended",
    show_default=True,
    help="Which ratio the --from series follows.",
)
@click.option(
    "--groups-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="Peer groups TOML."
)
@db_option
@catalog_option
@format_option
@handle_errors
def ratios(
    group_ids: tuple[str, ...],
    pair: tuple[str, str] | None,
    as_of: date | None,
    statistic: str,
    group_statistic: GroupStatistic,  # a click.Choice of exactly these
    unquantized_only: bool,
    start: date | None,
    price: PriceField,
    groups_file: Path | None,
    db_path: Path,
    catalog_path: Path | None,
    fmt: str,
) -> None:
    """Retail (maker's) price over the open-weight market price: per peer group, or for a pair.

    Peer groups come from data/peer_groups.toml. For each group: every closed model's retail
    price and every open model's price across hosts, the ratio of each closed model to the
    group's open market (the median across the open models by default), for input, output
    and 3:1 blended prices, with the stored prices each figure rests on.

    \b
    Example:
        pricewatch ratios --group opus-4-6-seed --as-of 2026-06-01
        pricewatch ratios --statistic median --group-statistic cheapest
        pricewatch ratios --pair "Claude Opus 4.6" "Kimi K2.5"
        pricewatch ratios --group gpt-4o-2024 --from 2024-06-01
    """
    from pricewatch.analysis.prices import as_time
    from pricewatch.analysis.ratios import get_peer_group, group_ratio, pair_ratio
    from pricewatch.analysis.trends import ratio_trend
    from pricewatch.inputs import load_peer_groups
    from pricewatch.output import render_rows

    inputs = load_inputs(db_path, catalog_path)
    at = as_time(as_of or today(), end_of_day=True)
    options: dict[str, Any] = {"statistic": statistic, "unquantized_only": unquantized_only}
    if statistic not in ("cheapest", "median"):
        options["statistic"] = inputs.resolve_provider(statistic)

    if pair:
        model_a, model_b = (inputs.resolve_model(name) for name in pair)
        result = pair_ratio(inputs.points, inputs.facts, model_a, model_b, at, **options)
        if fmt == "json":
            click.echo(json.dumps(result.as_dict(), indent=2))
            return
        rows = [_row(result.numerator, "A", result), _row(result.denominator, "B", None)]
        if fmt == "csv":
            click.echo(render_rows(rows, fmt="csv"), nl=False)
            return
        lines = [f"{model_a} over {model_b}, as of {at}:", *(f"  {line}" for line in result.arithmetic), ""]
        lines.append(render_rows(rows).rstrip("\n"))
        lines.append("Prices used:")
        lines.extend(f"  {line}" for line in (*result.numerator.inputs, *result.denominator.inputs))
        click.echo("\n".join(lines))
        return

    groups = load_peer_groups(groups_file)
    chosen = [get_peer_group(groups, g) for g in group_ids] if group_ids else list(groups.values())
    results = []
    for group in chosen:
        group_result = group_ratio(
            inputs.points, inputs.facts, group, at, group_statistic=group_statistic, **options
        )
        trend = (
            ratio_trend(
                inputs.points,
                inputs.facts,
                group,
                at,
                start=start,
                price=price,
                group_statistic=group_statistic,
                **options,
            )
            if start is not None
            else None
        )
        results.append((group_result, trend))

    if fmt == "json":
        payload = [{**r.as_dict(), "trend": t.as_dict() if t else None} for r, t in results]
        click.echo(json.dumps(payload, indent=2))
    elif fmt == "csv":
        rows = [{"group": r.group.id, **row} for r, _ in results for row in _group_rows(r)]
        click.echo(render_rows(rows, fmt="csv"), nl=False)
    else:
        blocks = [_group_text(r) + ("\n" + _series_text(t) if t else "") for r, t in results]
        click.echo("\n\n".join(blocks))


def register(cli: click.Group) -> None:
    cli.add_command(ratios)
