"""What third-party backfills do to the data: the counts of issue 13's "Sources have rank and sanity".

Usage:

    .venv/bin/python bench/backfill_sanity.py [--keep DIR]
    .venv/bin/python bench/backfill_sanity.py --count DB DEMO_DB   # count a database built elsewhere

Builds, in a temporary directory (or DIR), the demo database (`pricewatch demo --no-site`),
copies it, then backfills the real bundles of ``../shared/samples/history`` into the copy:
``litellm`` (640 versions), ``openrouter-git`` (290) and ``page anthropic`` (36). It prints,
for the demo database and after each backfill:

- held: suspected typos in quarantine (pending, reason "suspected typo: ...");
- zero rows: stored price rows outside tier `free` with a $0 input or output, by origin;
- $0 cheapest: (model, month) pairs, monthly from 2025-01 to 2026-09, where the cheapest host
  offer by 3:1 blended price has a $0 input or output: as ``analysis.prices.market_price``
  chooses it now, and as it chose before $0 was excluded (the lowest blended price of every
  priced standard offer but OpenRouter's);
- maker rows changed: the demo database's price rows of makers' own offers (the provider is
  a maker of the model in the catalog) that are no longer stored identically;
- claude-3-haiku's 1-hour cache write at Anthropic, in its open price (``open_prices``: the
  model is retired, so it has no current one).

It reads the databases with sqlite3 (bench/ may), and takes a few minutes (the LiteLLM
backfill is most of it; see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from pricewatch.analysis.prices import PriceIndex, market_price, offers_at
from pricewatch.inputs import load_price_points
from pricewatch.paths import default_catalog_path
from pricewatch.scraper.catalog import load_catalog
from pricewatch.scraper.store.reader import open_reader

HISTORY = Path(__file__).resolve().parents[2] / "shared" / "samples" / "history"
PRICEWATCH = Path(sys.executable).with_name("pricewatch")
MONTHS = [f"{y}-{m:02d}-28T00:00:00Z" for y in (2025, 2026) for m in range(1, 13)][:21]  # 2025-01 .. 2026-09


def run(*args: str, db: Path) -> float:
    started = time.perf_counter()
    subprocess.run([str(PRICEWATCH), *args, "--db", str(db)], check=False, capture_output=True)
    return time.perf_counter() - started


def maker_rows(db: Path, makers: dict[str, set[str]]) -> set[tuple]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT o.model_id, o.provider_id, o.tier, o.min_prompt_tokens, o.variant, p.valid_from, p.valid_to, "
            "p.input, p.output, p.cache_read, p.cache_write, p.cache_write_1h, p.origin "
            "FROM prices p JOIN offers o ON o.id = p.offer_id"
        ).fetchall()
    return {r for r in rows if r[1] in makers.get(r[0], ())}


def counts(db: Path, makers: dict[str, set[str]], reference: set[tuple]) -> dict[str, object]:
    with closing(sqlite3.connect(db)) as conn:
        held = conn.execute(
            "SELECT count(*) FROM quarantine WHERE status = 'pending' AND reason LIKE 'suspected typo:%'"
        ).fetchone()[0]
        zero = dict(
            conn.execute(
                "SELECT p.origin, count(*) FROM prices p JOIN offers o ON o.id = p.offer_id "
                "WHERE o.tier != 'free' AND (p.input = '0' OR p.output = '0') GROUP BY p.origin"
            ).fetchall()
        )
        # Retired since 2026-04-20, so not in current_prices: its last open price (open_prices,
        # where the views have it) is what a backfill could still change.
        view = (
            "open_prices"
            if conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = 'open_prices'"
            ).fetchone()
            else "current_prices"
        )
        haiku = conn.execute(
            f"SELECT cache_write_1h, origin FROM {view} WHERE model = 'anthropic/claude-3-haiku' "
            "AND provider = 'anthropic' AND tier = 'standard' AND min_prompt_tokens = 0"
        ).fetchall()
    reader = open_reader(db)
    try:
        points = PriceIndex(load_price_points(reader))
    finally:
        reader.close()
    models = sorted({p.model for p in points})
    zero_now = zero_before = 0
    for at in MONTHS:
        for model in models:
            chosen = market_price(points, model, at)
            if chosen is not None and (chosen.input == 0 or chosen.output == 0):
                zero_now += 1
            priced = [
                p
                for p in offers_at(points, model, at)
                if p.provider != "openrouter" and p.input is not None and p.output is not None
            ]
            if priced:
                old = min(priced, key=lambda p: (p.input * 3 + p.output, p.provider, p.variant))
                zero_before += old.input == 0 or old.output == 0
    changed = len(reference - maker_rows(db, makers))
    return {
        "held": held,
        "zero rows": zero,
        "$0 cheapest (now)": zero_now,
        "$0 cheapest (without the rule)": zero_before,
        "maker rows changed": changed,
        "claude-3-haiku 1h cache write": haiku,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="Build in DIR and keep it.")
    parser.add_argument(
        "--count",
        nargs=2,
        type=Path,
        metavar=("DB", "DEMO_DB"),
        help="Only count DB, against the demo database.",
    )
    args = parser.parse_args()
    if args.count:
        catalog = load_catalog(default_catalog_path())
        makers = {m: set(catalog.makers_of(m)) for m in catalog.models}
        for key, value in counts(args.count[0], makers, maker_rows(args.count[1], makers)).items():
            print(f"  {key}: {value}")
        return
    if not HISTORY.is_dir():
        sys.exit(f"no history bundles at {HISTORY}")
    root = args.keep or Path(tempfile.mkdtemp(prefix="pricewatch-sanity-"))
    root.mkdir(parents=True, exist_ok=True)
    repos = {}
    for name in ("litellm-prices-history", "openrouter-models-history", "anthropic-pricing-history"):
        repos[name] = root / name
        if not repos[name].exists():
            subprocess.run(
                ["git", "clone", "-q", str(HISTORY / f"{name}.bundle"), str(repos[name])], check=True
            )
    catalog = load_catalog(default_catalog_path())
    makers = {m: set(catalog.makers_of(m)) for m in catalog.models}
    demo, db = root / "demo.db", root / "backfilled.db"
    for path in (demo, db):
        path.unlink(missing_ok=True)
    run("demo", "--no-site", db=demo)
    reference = maker_rows(demo, makers)
    shutil.copy(demo, db)
    steps = [
        ("demo", None),
        ("+ backfill litellm", ("backfill", "litellm", str(repos["litellm-prices-history"]), "-q")),
        (
            "+ backfill openrouter-git",
            ("backfill", "openrouter-git", str(repos["openrouter-models-history"]), "-q"),
        ),
        (
            "+ backfill page anthropic",
            (
                "backfill",
                "page",
                "anthropic",
                str(repos["anthropic-pricing-history"]),
                "--file",
                "pricing.md",
                "-q",
            ),
        ),
    ]
    for label, command in steps:
        seconds = run(*command, db=db) if command else 0.0
        print(f"{label} ({seconds:.1f} s):")
        for key, value in counts(db, makers, reference).items():
            print(f"  {key}: {value}")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
