"""Site build at scale: 1,000 models, 100 providers, two years of daily price changes.

Usage:

    .venv/bin/python bench/build.py [--models 1000] [--providers 100] [--days 730]
                                    [--change-share 0.01] [--keep DIR] [--write]

Generates a database through the store's own ``apply_observations`` (one run per day):
every model is listed by its maker (closed-weight models, a third of them) or by 2 to 6
hosts; on each of ``days`` days ``change-share`` of all offers change price by -30% to +20%.
Then it times, on a fresh output directory:

1. a full build (charts drawn in one process per CPU);
2. an unchanged rebuild (nothing changed since: only the site-wide pages render);
3. an incremental rebuild after a refresh that changed 5 prices of 3 models.

With ``--write`` the results, the command, the machine and the date are written to
docs/benchmarks.md, in this script's own section (added at the end the first time,
replaced on later runs; other sections are never touched).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from pricewatch.paths import default_catalog_path
from pricewatch.scraper.catalog import load_catalog
from pricewatch.scraper.records import PRICE_FIELDS
from pricewatch.scraper.store import Observation, apply_observations, finish_run, open_database, start_run
from pricewatch.site.build import build_site

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS = REPO / "docs" / "benchmarks.md"
START_MARK = "<!-- bench/build.py: begin -->"
END_MARK = "<!-- bench/build.py: end -->"
END_DAY = datetime(2026, 11, 24, tzinfo=UTC)


def _text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _prices(input_price: Decimal) -> tuple[Decimal | None, ...]:
    """input, output (4x), cache read (a tenth) and nothing else, rounded to 4 decimals."""
    q = Decimal("0.0001")
    values = {
        "input": input_price.quantize(q),
        "output": (input_price * 4).quantize(q),
        "cache_read": (input_price / 10).quantize(q),
    }
    return tuple(values.get(name) for name in PRICE_FIELDS)


def generate(path: Path, models: int, providers: int, days: int, change_share: float, seed: int = 7) -> dict:
    """Write the benchmark database; returns counts."""
    rng = random.Random(seed)
    db = open_database(path)
    provider_ids = [f"host-{i:03d}" for i in range(providers)]
    makers = provider_ids[:10]
    db["providers"].upsert_all(
        (
            {"id": p, "name": f"Host {p[-3:]}", "kind": "first-party" if p in makers else "host"}
            for p in provider_ids
        ),
        pk="id",
    )
    offers: dict[tuple[str, str], Decimal] = {}
    model_rows = []
    for i in range(models):
        model_id = f"creator-{i % 40:02d}/bench-model-{i:04d}"
        closed = i % 3 == 0
        model_rows.append(
            {
                "id": model_id,
                "name": f"Bench Model {i:04d}",
                "creator": f"creator-{i % 40:02d}",
                "open_weights": int(not closed),
            }
        )
        base = Decimal(str(round(10 ** rng.uniform(-1.5, 1.2), 4)))
        sellers = [makers[i % len(makers)]] if closed else rng.sample(provider_ids[10:], rng.randint(2, 6))
        for seller in sellers:
            offers[(model_id, seller)] = base * Decimal(str(round(rng.uniform(0.8, 1.3), 3)))
    db["models"].upsert_all(model_rows, pk="id")
    keys = list(offers)
    start = END_DAY - timedelta(days=days - 1)
    rows = 0
    for day in range(days):
        moment = start + timedelta(days=day)
        if day == 0:
            changed = keys
        else:
            changed = rng.sample(keys, max(1, int(len(keys) * change_share)))
            for key in changed:
                offers[key] = max(
                    Decimal("0.001"), offers[key] * Decimal(str(round(rng.uniform(0.7, 1.2), 3)))
                )
        observations = [
            Observation(
                model_id=model,
                provider_id=provider,
                tier="standard",
                min_prompt_tokens=0,
                variant="",
                observed_at=_text(moment),
                prices=_prices(offers[(model, provider)]),
            )
            for model, provider in changed
        ]
        run_id = start_run(db, "bench", "live", started_at=_text(moment))
        with db.atomic():
            stats = apply_observations(db, observations, origin="live", run_id=run_id, source="bench")
            finish_run(db, run_id, "ok", records_seen=len(observations), prices_changed=stats.prices_changed)
        rows += len(observations)
    db.execute("UPDATE runs SET finished_at = started_at WHERE source = 'bench'")
    db.conn.commit()
    db.conn.close()
    return {"offers": len(keys), "price rows": rows, "db size MB": round(path.stat().st_size / 1e6, 1)}


def change_a_few(path: Path) -> None:
    """A refresh that changed 5 prices of 3 models, a day after the generated history."""
    db = open_database(path)
    keys = [
        (r["model_id"], r["provider_id"])
        for r in db.query("SELECT model_id, provider_id FROM offers ORDER BY model_id, provider_id LIMIT 5")
    ]
    moment = _text(END_DAY + timedelta(days=1))
    observations = [
        Observation(
            model_id=model,
            provider_id=provider,
            tier="standard",
            min_prompt_tokens=0,
            variant="",
            observed_at=moment,
            prices=_prices(Decimal("0.123") * (n + 1)),
        )
        for n, (model, provider) in enumerate(keys)
    ]
    run_id = start_run(db, "bench", "live", started_at=moment)
    with db.atomic():
        apply_observations(db, observations, origin="live", run_id=run_id, source="bench")
        finish_run(db, run_id, "ok", records_seen=len(observations))
    db.conn.close()


def timed(label: str, db: Path, out: Path, now: datetime, catalog) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    report = build_site(db, out, catalog=catalog, now=now)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    result = {
        "build": label,
        "wall (s)": f"{wall:.1f}",
        "main process CPU (s)": f"{cpu:.1f}",
        "chart drawing CPU (s)": f"{report.charts_cpu_seconds:.1f}",
        "files": report.files,
        "rendered": report.rendered,
        "reused": report.reused,
        "charts drawn": report.charts_rendered,
    }
    print(" | ".join(f"{k}: {v}" for k, v in result.items()), flush=True)
    return result


def machine() -> str:
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB memory"
    except (ValueError, OSError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{os.cpu_count()} cores{memory}, Python {platform.python_version()}, {platform.system()} "
        f"{platform.release()}, SQLite {sqlite3.sqlite_version}; load average {load:.1f} at the start"
    )


def write_section(command: str, counts: dict, results: list[dict], notes: list[str], where: str) -> None:
    columns = list(results[0])
    lines = [
        START_MARK,
        "## Site build",
        "",
        f"    {command}",
        "",
        f"{datetime.now(UTC):%Y-%m-%d}, {where}. Generated database: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + ".",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(str(r[c]) for c in columns) + " |" for r in results),
        "",
        *notes,
        END_MARK,
    ]
    section = "\n".join(lines) + "\n"
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    if START_MARK in text and END_MARK in text:
        before, rest = text.split(START_MARK, 1)
        _, after = rest.split(END_MARK, 1)
        text = before + section.rstrip("\n") + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    BENCHMARKS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--providers", type=int, default=100)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--change-share", type=float, default=0.01)
    parser.add_argument("--keep", type=Path, help="Keep the database and site in this directory.")
    parser.add_argument("--write", action="store_true", help="Write the results to docs/benchmarks.md.")
    args = parser.parse_args()

    where = machine()  # the load average before this script adds its own
    work = args.keep or Path(tempfile.mkdtemp(prefix="pricewatch-bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    db, out = work / "bench.db", work / "public"
    for stale in (db, out):
        if stale.is_dir():
            shutil.rmtree(stale)
        elif stale.exists():
            stale.unlink()
    print(
        f"Generating {args.models} models, {args.providers} providers, {args.days} days into {db} ...",
        flush=True,
    )
    started = time.perf_counter()
    counts = generate(db, args.models, args.providers, args.days, args.change_share)
    print(f"  {counts} in {time.perf_counter() - started:.0f}s", flush=True)
    catalog = load_catalog(default_catalog_path())
    now = END_DAY + timedelta(days=1, hours=12)
    results = [timed("full", db, out, now, catalog)]
    results.append(timed("unchanged", db, out, now, catalog))
    change_a_few(db)
    results.append(timed("after 5 changed prices", db, out, now, catalog))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    if args.write:
        command = ".venv/bin/python bench/build.py " + " ".join(sys.argv[1:])
        revision = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
        )
        full = results[0]
        per_chart = float(full["chart drawing CPU (s)"]) / max(1, int(full["charts drawn"])) * 1000
        notes = [
            "Targets: a full build under 60 s using both cores, a rebuild after a refresh that changed a few "
            "prices under 5 s. The main process reads the store, runs the analysis and renders the pages "
            "while the charts are drawn in one worker process per CPU (chart drawing CPU is their total, "
            "as the workers measured it).",
            "",
            "What the profile showed: on a log axis matplotlib's default mathtext tick labels and minor ticks "
            "took two thirds of a chart's time, and creating the axes and their tick objects half of what was "
            "left; a plain `$0.50` tick formatter, no minor ticks, a fixed title position and one reused figure "
            f"per worker cut a model chart from about 280 ms to {per_chart:.0f} ms of CPU here. Charts are drawn "
            "to the start of the build's day, so an unchanged model's chart keeps its bytes for the rest of the day.",
            "",
            "Incremental builds: each model's page, chart and feed are keyed by a fingerprint of that model's own "
            "data (its price periods, names, unit prices), and their contexts are built only when the key changed; "
            "unchanged files are hard-linked from the previous build. What remains of a rebuild is reading the "
            "store, the analysis (ratios, trends, the claims registry), the site-wide pages, the feeds of changes "
            "and the downloads. The times above are builds in one process, as the scheduler runs them; a fresh "
            "`pricewatch build` process adds about a second of imports.",
            "",
            f"(git {revision.stdout.strip() or 'unknown'}; this machine is shared, so wall times drift with "
            "its load.)",
        ]
        write_section(command, counts, results, notes, where)
        print(f"Wrote the results to {BENCHMARKS}")


if __name__ == "__main__":
    main()
