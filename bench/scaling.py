"""Scaling: the site build and the analysis at 1x and 10x the data (models, then days).

Usage:

    .venv/bin/python bench/scaling.py [--models 100] [--days 365] [--factor 10] [--skip-build]

Three databases written by bench/build.py's ``generate`` (the store's own
``apply_observations``, one run per day; 1% of offers change price each day):

- 1x: ``--models`` models x ``--days`` days;
- 10x models: ``factor x models`` x ``days``;
- 10x days: ``models`` x ``factor x days``.

On each, timed in this process:

- the full site build (``build_site`` into a fresh directory, charts in one process per CPU);
- the analysis: ``load_price_points`` (every price period), then ``group_ratio_series`` for a
  peer group of 3 closed and 6 open models over the whole span, then ``cheapest_at_threshold``
  over every model carrying a synthetic ``bench_score`` (a fifth of the models are at or above
  the threshold), over the whole span.

The generated models are not in the catalog, so the facts (open weights, makers, scores)
the analysis needs are made here from the generated database, deterministically.
Reported: seconds and their ratio to 1x, beside the ratio of the data (price rows, offers).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlite_utils import Database

from pricewatch.analysis.prices import ModelFacts
from pricewatch.analysis.ratios import PeerGroup, group_ratio_series
from pricewatch.analysis.trends import cheapest_at_threshold
from pricewatch.inputs import load_price_points
from pricewatch.paths import default_catalog_path
from pricewatch.scraper.catalog import load_catalog
from pricewatch.scraper.store.reader import open_reader
from pricewatch.site.build import build_site

HERE = Path(__file__).resolve().parent
SCORE = "bench_score"
THRESHOLD = 1320.0  # scores are 1000 + (i * 37 % 400): a fifth of the models qualify


def _load_bench_build():
    spec = importlib.util.spec_from_file_location("bench_build", HERE / "build.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def facts_of(db: Database) -> dict[str, ModelFacts]:
    """Analysis facts for the generated models: makers of closed models are their one seller."""
    sellers: dict[str, list[str]] = {}
    for row in db.query("SELECT DISTINCT model_id, provider_id FROM offers"):
        sellers.setdefault(row["model_id"], []).append(row["provider_id"])
    facts = {}
    for row in db.query("SELECT id, name, creator, open_weights FROM models ORDER BY id"):
        index = int(row["id"].rsplit("-", 1)[1])
        open_weights = bool(row["open_weights"])
        facts[row["id"]] = ModelFacts(
            id=row["id"],
            name=row["name"],
            creator=row["creator"],
            open_weights=open_weights,
            makers=() if open_weights else tuple(sellers.get(row["id"], ())),
            scores={SCORE: 1000.0 + (index * 37 % 400)},
        )
    return facts


def analysis(db_path: Path, start: str, end: str) -> dict:
    timings = {}
    started = time.perf_counter()
    db = Database(db_path)
    points = load_price_points(open_reader(db_path))
    facts = facts_of(db)
    timings["load_price_points (s)"] = time.perf_counter() - started
    closed = sorted(m for m, f in facts.items() if not f.open_weights)[:3]
    open_ = sorted(m for m, f in facts.items() if f.open_weights)[:6]
    group = PeerGroup(id="bench", title="bench", closed=tuple(closed), open=tuple(open_))
    started = time.perf_counter()
    series = group_ratio_series(points, facts, group, start, end)
    timings["group_ratio_series (s)"] = time.perf_counter() - started
    started = time.perf_counter()
    trend = cheapest_at_threshold(points, facts, SCORE, THRESHOLD, end, start=start)
    timings["cheapest_at_threshold (s)"] = time.perf_counter() - started
    timings["analysis total (s)"] = sum(timings.values())
    timings["price points"] = len(points)
    timings["ratio series points"] = len(series)
    timings["qualifying models"] = len(trend.qualifying)
    timings["trend series points"] = len(trend.series)
    db.conn.close()
    return timings


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--providers", type=int, default=100)
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--skip-build", action="store_true", help="time the analysis only")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    bench_build = _load_bench_build()
    catalog = load_catalog(default_catalog_path())
    work = args.keep or Path(tempfile.mkdtemp(prefix="pricewatch-bench-scaling-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; work in {work}", flush=True)
    configs = [
        ("1x", args.models, args.days),
        (f"{args.factor}x models", args.models * args.factor, args.days),
        (f"{args.factor}x days", args.models, args.days * args.factor),
    ]
    end_day = bench_build.END_DAY
    now = end_day + timedelta(days=1, hours=12)
    rows = []
    for label, models, days in configs:
        db = work / f"{label.replace(' ', '-')}.db"
        if db.exists():
            db.unlink()
        started = time.perf_counter()
        counts = bench_build.generate(db, models, args.providers, days, 0.01)
        row = {
            "data": label,
            "models": models,
            "days": days,
            "offers": counts["offers"],
            "price rows": counts["price rows"],
            "generate (s)": time.perf_counter() - started,
        }
        print(f"{label}: generated {counts} in {row['generate (s)']:.1f} s", flush=True)
        start = bench_build._text(end_day - timedelta(days=days - 1))
        end = bench_build._text(end_day)
        row.update(analysis(db, start, end))
        if not args.skip_build:
            out = work / f"public-{label.replace(' ', '-')}"
            shutil.rmtree(out, ignore_errors=True)
            wall, cpu = time.perf_counter(), time.process_time()
            report = build_site(db, out, catalog=catalog, now=now)
            row["build wall (s)"] = time.perf_counter() - wall
            row["build main CPU (s)"] = time.process_time() - cpu
            row["build charts CPU (s)"] = report.charts_cpu_seconds
            row["build files"] = report.files
        print(
            "  " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()),
            flush=True,
        )
        rows.append(row)

    base = rows[0]
    measured = [k for k in base if k.endswith("(s)") and k != "generate (s)"]
    print()
    print("| data | models x days | offers | price rows | rows ratio | " + " | ".join(measured) + " |")
    print("|" + "---|" * (5 + len(measured)))
    for row in rows:
        cells = [
            row["data"],
            f"{row['models']} x {row['days']}",
            str(row["offers"]),
            str(row["price rows"]),
            f"{row['price rows'] / base['price rows']:.1f}x",
        ]
        for key in measured:
            value = row[key]
            cells.append(
                f"{value:.2f}" if row is base else f"{value:.2f} ({value / max(base[key], 1e-9):.1f}x)"
            )
        print("| " + " | ".join(cells) + " |")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
