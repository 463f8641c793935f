"""`pricewatch load-curated`: write data/curated_prices.csv into the store as dated history."""

from __future__ import annotations

from pathlib import Path

import click

from pricewatch.commands._common import (
    CONTEXT_SETTINGS,
    EXIT_CODES_HELP,
    catalog_option,
    curated_window_days,
    db_option,
    echo_wait,
    handle_errors,
    load_catalog,
    no_wait_option,
)

__all__ = ["curated_summary_lines", "register"]


def curated_summary_lines(load) -> list[str]:
    """The report of one load: counts, large moves and disagreements with measured history."""
    from pricewatch.output import render_rows

    stats = load.stats
    lines = [
        f"Loaded {load.rows} curated rows from {load.path}: {stats.price_rows_added} price rows added, "
        f"{stats.prices_changed} offers changed, {load.low_confidence} low-confidence rows "
        f"(shown as 'low (unverified)')."
    ]
    if load.moves:
        lines.append(f"Large moves (more than 10x between consecutive rows of one offer): {len(load.moves)}")
        rows = [
            {
                "offer": m.offer,
                "field": m.field,
                "from": f"{m.old} ({m.old_at})",
                "to": f"{m.new} ({m.new_at})",
                "factor": f"{m.factor:.1f}x",
            }
            for m in load.moves
        ]
        lines.extend(render_rows(rows).rstrip("\n").splitlines())
    if load.disagreements:
        lines.append(
            f"Disagreements with measured history (the measured value stands): {len(load.disagreements)}"
        )
        rows = [
            {
                "at": d["observed_at"],
                "offer": f"{d['model']} @ {d['provider']} {d['tier']}"
                + (f" >={d['min_prompt_tokens']}" if d["min_prompt_tokens"] else "")
                + (f" [{d['variant']}]" if d["variant"] else ""),
                d["observed_origin"]: d["observed"],
                d["stored_origin"]: d["stored"],
            }
            for d in load.disagreements
        ]
        columns = [
            "at",
            "offer",
            "curated",
            *sorted({k for r in rows for k in r} - {"at", "offer", "curated"}),
        ]
        lines.extend(render_rows(rows, columns).rstrip("\n").splitlines())
    else:
        lines.append("No disagreements with measured history.")
    return lines


@click.command("load-curated", context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@db_option
@catalog_option
@click.option(
    "--file",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Curated prices CSV (default: the shipped data/curated_prices.csv).",
)
@click.option(
    "--corrections",
    "corrections_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Corrections CSV (default: the shipped data/corrections.csv).",
)
@no_wait_option
@handle_errors
def load_curated(
    db_path: Path,
    catalog_path: Path | None,
    csv_path: Path | None,
    corrections_path: Path | None,
    no_wait: bool,
) -> None:
    """Load the curated dated list prices (2023 to now) and the corrections into the database.

    Every row is validated first (a bad row is an error naming its line). Rows are
    written at their date (midnight UTC) with origin `curated`, in one transaction;
    loading twice adds nothing. Measured history outranks curated rows: conflicts are
    listed, as are moves above 10x between consecutive rows of one offer.

    A correction (data/corrections.csv) overrides a wrong stored price, measured or
    curated, for one offer, field and time range, with its reason and citation; the
    history shows what was stored and what is right. The file replaces the stored
    corrections: a row taken out is undone.

    \b
    Example:
        pricewatch load-curated
        pricewatch load-curated --file my_prices.csv --db /tmp/prices.db
    """
    from pricewatch.paths import shipped_data_dir
    from pricewatch.scraper.corrections import corrections_summary
    from pricewatch.scraper.curated import run_load_curated

    load = run_load_curated(
        db_path,
        load_catalog(catalog_path),
        csv_path or shipped_data_dir() / "curated_prices.csv",
        corrections_path=corrections_path or shipped_data_dir() / "corrections.csv",
        wait=not no_wait,
        on_wait=echo_wait,
        curated_window_days=curated_window_days(),
    )
    for line in curated_summary_lines(load):
        click.echo(line)
    if load.corrections is not None:
        click.echo(corrections_summary(load.corrections))


def register(cli: click.Group) -> None:
    """Add `load-curated` to the command line."""
    cli.add_command(load_curated)
