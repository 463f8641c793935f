"""Backfill speed and database growth, on the real OpenRouter history and on a generated one.

Usage:

    .venv/bin/python bench/backfill.py [--commits 500] [--models 400] [--changes 3] [--litellm] [--profile]
    .venv/bin/python bench/backfill.py --together       # every real history into one database

1. The real bundle ``../shared/samples/history/openrouter-models-history.bundle`` (290
   versions of /api/v1/models, 2026-06 .. 2026-08) is cloned into a temporary directory and
   backfilled into a fresh database; then backfilled again (everything skipped).
2. A generated repository: ``--commits`` commits of an OpenRouter-shaped file of
   ``--models`` models, ``--changes`` prices changing per commit and a `benchmarks` field
   changing on a fifth of the models (as in the real history), written with
   ``git fast-import``.
3. The real OpenRouter endpoints sweeps (7 versions, per-host prices) and genai-prices'
   data (192 versions over three paths).
4. With ``--litellm``, the real LiteLLM bundle (640 versions) as well.

``--together`` instead backfills every real history there is into ONE fresh database, one
after the other as a user would (LiteLLM, OpenRouter models, the Anthropic page, the
endpoint sweeps, genai-prices), and prints each one's wall and CPU seconds and the total
(issue 14's budget: all real backfills together under 60 s on this 2-core machine).

For each: wall seconds, process CPU seconds, versions, price rows, and the database's growth
(file size after a WAL checkpoint, against the fresh database with the catalog synced).
``--profile`` runs the real-bundle backfill under pyinstrument (``pip install pyinstrument``)
and prints where the time goes.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pricewatch.paths import default_catalog_path
from pricewatch.scraper.backfill import backfill, litellm_target, openrouter_target, page_target
from pricewatch.scraper.backfill_kinds import (
    GENAI_PRICES_PATHS,
    genai_prices_target,
    openrouter_endpoints_target,
)
from pricewatch.scraper.backfill_tree import models_dev_target
from pricewatch.scraper.catalog import load_catalog
from pricewatch.scraper.store import open_database, sync_catalog

HISTORY = Path(__file__).resolve().parents[2] / "shared" / "samples" / "history"
START = 1_780_000_000  # 2026-05-28, seconds since the epoch


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def settled_size(path: Path) -> int:
    """The database file's size once the WAL is folded in."""
    db = open_database(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path.stat().st_size


def clone(bundle: Path, into: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(bundle), str(into)], check=True)
    return into


def generate_repo(root: Path, commits: int, models: int, changes: int, seed: int = 1) -> Path:
    """A repository of ``commits`` versions of an OpenRouter models list, via git fast-import."""
    rng = random.Random(seed)
    prices = {f"bench/model-{i:04d}": [rng.randint(50, 5000), rng.randint(100, 20000)] for i in range(models)}
    benchmarks = dict.fromkeys(prices, 0)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream: list[bytes] = []
    for n in range(commits):
        if n:
            for model in rng.sample(sorted(prices), changes):
                prices[model][rng.randrange(2)] = rng.randint(50, 20000)
            for model in rng.sample(sorted(prices), models // 5):
                benchmarks[model] += 1
        body = json.dumps(
            {
                "data": [
                    {
                        "id": model,
                        "canonical_slug": model,
                        "name": f"Bench: {model}",
                        "created": START,
                        "description": "A generated model for the backfill benchmark. " * 4,
                        "context_length": 131072,
                        "pricing": {"prompt": f"0.{p:012d}", "completion": f"0.{c:012d}"},
                        "benchmarks": {"score": benchmarks[model]},
                        "links": {"details": f"/api/v1/models/{model}/endpoints"},
                    }
                    for model, (p, c) in prices.items()
                ]
            }
        ).encode()
        when = START + n * 6 * 3600
        message = f"snapshot {n}".encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"committer bench <bench@example.invalid> {when} +0000\n".encode())
        stream.append(f"data {len(message)}\n".encode() + message + b"\n")
        stream.append(f"M 100644 inline openrouter-models.json\ndata {len(body)}\n".encode() + body + b"\n")
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "main"], check=True)
    return root


# The real histories: (label, bundle, path(s) in it, target factory), in the order --together runs them.
REAL = (
    (
        "LiteLLM bundle",
        "litellm-prices-history.bundle",
        "model_prices_and_context_window.json",
        litellm_target,
    ),
    ("OpenRouter bundle", "openrouter-models-history.bundle", "openrouter-models.json", openrouter_target),
    (
        "Anthropic page bundle",
        "anthropic-pricing-history.bundle",
        "pricing.md",
        lambda: page_target("anthropic"),
    ),
    (
        "OpenRouter endpoints bundle",
        "openrouter-endpoints-history.bundle",
        "openrouter-endpoints.json",
        openrouter_endpoints_target,
    ),
    (
        "genai-prices bundle",
        "genai-prices-data-history.bundle",
        list(GENAI_PRICES_PATHS),
        genai_prices_target,
    ),
    ("models.dev bundle", "models-dev-data-history.bundle", "providers", models_dev_target),
)


def together(workdir: Path, catalog) -> list[dict]:
    """Every real history into one database, one after the other; a row each and the total."""
    db = open_database(workdir / "together.db")
    sync_catalog(db, catalog)
    rows = []
    total_wall = total_cpu = 0.0
    for label, bundle, path, target in REAL:
        if not (HISTORY / bundle).exists():
            print(f"no {HISTORY / bundle}: skipped", file=sys.stderr)
            continue
        repo = clone(HISTORY / bundle, workdir / bundle.removesuffix(".bundle"))
        cpu, started = cpu_seconds(), time.perf_counter()
        summary = backfill(db, catalog, repo, path, target())
        wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        total_wall += wall
        total_cpu += cpu
        rows.append(
            {
                "history": label,
                "versions": summary.read,
                "price rows": summary.price_rows_added,
                "offers changed": len(summary.offers_changed),
                "held typos": len(summary.held),
                "$0 skipped": len(summary.zero_prices),
                "first .. last": f"{summary.first_at} .. {summary.last_at}",
                "wall (s)": f"{wall:.2f}",
                "CPU (s)": f"{cpu:.2f}",
            }
        )
    db.conn.close()
    rows.append(
        {
            "history": "all together",
            "versions": sum(r["versions"] for r in rows),
            "price rows": sum(r["price rows"] for r in rows),
            "offers changed": "",
            "held typos": sum(r["held typos"] for r in rows),
            "$0 skipped": sum(r["$0 skipped"] for r in rows),
            "first .. last": "",
            "wall (s)": f"{total_wall:.2f}",
            "CPU (s)": f"{total_cpu:.2f}",
        }
    )
    return rows


def measure(label: str, repo: Path, path: str | list[str], target, workdir: Path, catalog) -> dict:
    db_path = workdir / f"{label}.db"
    db = open_database(db_path)
    sync_catalog(db, catalog)
    db.conn.close()
    before = settled_size(db_path)
    db = open_database(db_path)
    cpu, started = cpu_seconds(), time.perf_counter()
    summary = backfill(db, catalog, repo, path, target)
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    again_started = time.perf_counter()
    again = backfill(db, catalog, repo, path, target)
    again_wall = time.perf_counter() - again_started
    db.conn.close()
    after = settled_size(db_path)
    assert again.read == 0 and again.price_rows_added == 0, again
    return {
        "history": label,
        "versions": summary.read,
        "blobs parsed": summary.blobs_parsed,
        "price rows": summary.price_rows_added,
        "offers changed": len(summary.offers_changed),
        "wall (s)": f"{wall:.2f}",
        "CPU (s)": f"{cpu:.2f}",
        "re-run wall (s)": f"{again_wall:.2f}",
        "DB growth (MB)": f"{(after - before) / 1e6:.2f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--models", type=int, default=400)
    parser.add_argument("--changes", type=int, default=3, help="prices changing per commit")
    parser.add_argument("--litellm", action="store_true", help="also the real LiteLLM history (slow)")
    parser.add_argument("--profile", action="store_true", help="profile the real OpenRouter backfill")
    parser.add_argument("--together", action="store_true", help="every real history into one database")
    args = parser.parse_args()
    catalog = load_catalog(default_catalog_path())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.together:
            _print(together(workdir, catalog))
            return
        bundle = HISTORY / "openrouter-models-history.bundle"
        if bundle.exists():
            repo = clone(bundle, workdir / "openrouter")
            if args.profile:
                from pyinstrument import Profiler

                db = open_database(workdir / "profile.db")
                sync_catalog(db, catalog)
                with Profiler() as profiler:
                    backfill(db, catalog, repo, "openrouter-models.json", openrouter_target())
                profiler.print(show_all=False)
            rows.append(
                measure(
                    "OpenRouter bundle", repo, "openrouter-models.json", openrouter_target(), workdir, catalog
                )
            )
        else:
            print(f"no {bundle}: skipping the real history", file=sys.stderr)
        started = time.perf_counter()
        generated = generate_repo(workdir / "generated", args.commits, args.models, args.changes)
        print(f"generated {args.commits} commits in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        label = f"generated {args.commits} x {args.models} models"
        rows.append(
            measure(label, generated, "openrouter-models.json", openrouter_target(), workdir, catalog)
        )
        for label, bundle, path, target in REAL[3:]:  # the endpoint sweeps and genai-prices
            if (HISTORY / bundle).exists():
                repo = clone(HISTORY / bundle, workdir / bundle.removesuffix(".bundle"))
                rows.append(measure(label, repo, path, target(), workdir, catalog))
        if args.litellm and (HISTORY / "litellm-prices-history.bundle").exists():
            repo = clone(HISTORY / "litellm-prices-history.bundle", workdir / "litellm")
            rows.append(
                measure(
                    "LiteLLM bundle",
                    repo,
                    "model_prices_and_context_window.json",
                    litellm_target(),
                    workdir,
                    catalog,
                )
            )
    _print(rows)


def _print(rows: list[dict]) -> None:
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in columns) + " |")


if __name__ == "__main__":
    main()
