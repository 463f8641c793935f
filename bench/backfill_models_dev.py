"""`backfill models-dev` on the real models.dev history: speed, and what it contributes.

Usage:

    .venv/bin/python bench/backfill_models_dev.py [--repo CLONE] [--with-others] [--keep DIR]

The bundle ``../shared/samples/history/models-dev-data-history.bundle`` (5,020 commits of
anomalyco/models.dev ``dev``, 1,759 of them on the first-parent line touching
``providers/``) is cloned into a temporary directory (or ``--repo`` names a clone) and
backfilled into a fresh database (catalog synced); then backfilled again (every commit
skipped). With ``--with-others`` the LiteLLM and OpenRouter bundles are backfilled first
into the same database (the README's order), so the time of all three together shows, and
models.dev's third-party rows meet OpenRouter's measured ones.

Prints wall and CPU seconds per step, then what models.dev contributed: offers, price
periods, providers, models, date range, periods closed by a deleted file, suspected typos
held, offers whose $0 prices were not stored, files that could not be read, and the
database's growth (file size after a WAL checkpoint).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from backfill import HISTORY, clone, cpu_seconds, settled_size

from pricewatch.paths import default_catalog_path
from pricewatch.scraper.backfill import backfill, litellm_target, openrouter_target
from pricewatch.scraper.backfill_tree import models_dev_target
from pricewatch.scraper.catalog import load_catalog
from pricewatch.scraper.store import open_database, sync_catalog

BUNDLE = HISTORY / "models-dev-data-history.bundle"
OTHERS = (
    ("litellm", "litellm-prices-history.bundle", "model_prices_and_context_window.json", litellm_target),
    ("openrouter-git", "openrouter-models-history.bundle", "openrouter-models.json", openrouter_target),
)


def git_cpu_seconds() -> float:
    """CPU of the finished child processes (git log, git cat-file)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, db, catalog, repo: Path, path: str, target) -> tuple:
    cpu, git_cpu, started = cpu_seconds(), git_cpu_seconds(), time.perf_counter()
    summary = backfill(db, catalog, repo, path, target)
    wall = time.perf_counter() - started
    cpu, git_cpu = cpu_seconds() - cpu, git_cpu_seconds() - git_cpu
    print(
        f"{label}: {summary.read} versions, {summary.price_rows_added} price rows, "
        f"{wall:.2f} s wall, {cpu:.2f} s CPU (+ {git_cpu:.2f} s in git)"
    )
    return summary, wall, cpu + git_cpu


def contribution(db, run_id: int) -> dict[str, object]:
    """What one run stored: offers, periods, providers, models, dates, delistings."""
    row = db.execute(
        "SELECT count(DISTINCT p.offer_id), count(*), count(DISTINCT o.provider_id), count(DISTINCT o.model_id), "
        "min(p.valid_from), max(coalesce(p.valid_to, p.last_seen)), "
        "sum(p.closed_reason = 'delisted') FROM prices p JOIN offers o ON o.id = p.offer_id WHERE p.run_id = ?",
        [run_id],
    ).fetchone()
    return dict(
        zip(
            ("offers", "price periods", "providers", "models", "from", "to", "closed by a deleted file"),
            row,
            strict=True,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--repo", type=Path, help="a clone of the models.dev history (default: clone the bundle)"
    )
    parser.add_argument(
        "--with-others", action="store_true", help="LiteLLM and OpenRouter first, same database"
    )
    parser.add_argument("--keep", type=Path, help="copy the database here")
    args = parser.parse_args()
    catalog = load_catalog(default_catalog_path())
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        repo = args.repo
        if repo is None:
            if not BUNDLE.exists():
                sys.exit(f"no {BUNDLE}")
            repo = clone(BUNDLE, workdir / "models-dev")
        db_path = workdir / "bench.db"
        db = open_database(db_path)
        sync_catalog(db, catalog)
        db.conn.close()
        db = open_database(db_path)
        total_wall = total_cpu = 0.0
        if args.with_others:
            for kind, bundle, path, target in OTHERS:
                other = clone(HISTORY / bundle, workdir / kind)
                _, wall, cpu = timed(kind, db, catalog, other, path, target())
                total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        db.conn.close()
        before = settled_size(db_path)
        db = open_database(db_path)
        summary, wall, cpu = timed("models-dev", db, catalog, repo, "providers", models_dev_target())
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        started = time.perf_counter()
        again = backfill(db, catalog, repo, "providers", models_dev_target())
        assert again.read == 0 and again.price_rows_added == 0, again
        print(
            f"models-dev again: {again.skipped} commits skipped, {time.perf_counter() - started:.2f} s wall"
        )
        if args.with_others:
            print(f"all together: {total_wall:.2f} s wall, {total_cpu:.2f} s CPU (git included)")
        assert summary.run_id is not None
        facts = contribution(db, summary.run_id)
        db.conn.close()
        facts.update(
            {
                "first-parent commits read": summary.read,
                "distinct blobs decoded": summary.blobs_parsed,
                "suspected typos held": len(summary.held),
                "large moves stored": len(summary.large_moves),
                "offers with $0 prices not stored": len(summary.zero_prices),
                "files not readable at a commit": len(summary.file_errors),
                "row errors": summary.row_errors,
                "unmapped providers": len(summary.unmapped_providers),
                "unmapped models": len(summary.unmapped_models),
                "DB growth (MB)": f"{(settled_size(db_path) - before) / 1e6:.2f}",
            }
        )
        for name, value in facts.items():
            print(f"  {name}: {value}")
        for held in summary.held:
            print(f"  held: {held.at} {held.offer}: {held.reason}")
        if args.keep:
            shutil.copy(db_path, args.keep)


if __name__ == "__main__":
    main()
