"""`make demo` on the shipped real history: load, full site build, a rebuild after a few changes, size.

Usage:

    .venv/bin/python bench/demo.py [--keep DIR] [--write]

Runs, in a new temporary folder (the state of a fresh clone after the install):

1. ``pricewatch demo --db DB --out SITE`` as a user runs it (a new process: imports, the
   shipped history in data/history, the curated prices and corrections, the full site);
   its own report gives the site build's share;
2. the database's size;
3. a refresh that changed 5 prices of 3 models (written through the store's
   ``apply_observations``, a minute after the data's newest observation: a refresh later
   the same day), then ``pricewatch build`` (only what changed renders again; the first
   build of a new day renders every model page again, since each states its day).

4. where a rebuild's time goes: reading the store and each site-wide analysis section,
   timed in this process.

Targets (issue 14): the demo under 90 s with the full site build under 60 s, the rebuild
under 5 s, the database under 50 MB. With ``--write`` the results, the command, the machine
and the date replace this script's section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from pricewatch.scraper.records import PRICE_FIELDS
from pricewatch.scraper.store import Observation, apply_observations, finish_run, open_database, start_run

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS = REPO / "docs" / "benchmarks.md"
START_MARK = "<!-- bench/demo.py: begin -->"
END_MARK = "<!-- bench/demo.py: end -->"
PRICEWATCH = [sys.executable, "-m", "pricewatch.cli"]


def _run(args: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run([*PRICEWATCH, *args], capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(
            f"pricewatch {' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return took, result.stdout


def _built_seconds(output: str) -> tuple[float, str]:
    match = re.search(r"^Built .* in ([0-9.]+)s: (.*)$", output, re.M)
    if match is None:
        raise SystemExit(f"no build report in:\n{output}")
    return float(match.group(1)), match.group(2)


def change_a_few(db_path: Path) -> str:
    """5 prices of 3 real models changed by 10%, a minute after the newest observation (a refresh
    later the same day); returns what changed."""
    with closing(sqlite3.connect(db_path)) as conn:
        [(newest,)] = conn.execute("SELECT max(last_seen) FROM prices").fetchall()  # the site's as-of
        rows = conn.execute(
            "SELECT model, provider, tier, min_prompt_tokens, variant, input_text, output_text "
            "FROM current_prices WHERE origin IN ('backfill', 'replay') AND input_text IS NOT NULL "
            "AND output_text IS NOT NULL AND model IN (SELECT model FROM current_prices "
            "WHERE origin IN ('backfill', 'replay') GROUP BY model HAVING count(*) >= 2 ORDER BY model LIMIT 3) "
            "ORDER BY model, provider LIMIT 5"
        ).fetchall()
    moment = (datetime.fromisoformat(newest.replace("Z", "+00:00")) + timedelta(minutes=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    observations = []
    for model, provider, tier, band, variant, input_text, output_text in rows:
        values = {
            "input": Decimal(input_text) * Decimal("0.9"),
            "output": Decimal(output_text) * Decimal("0.9"),
        }
        observations.append(
            Observation(
                model_id=model,
                provider_id=provider,
                tier=tier,
                min_prompt_tokens=band,
                variant=variant,
                observed_at=moment,
                prices=tuple(values.get(name) for name in PRICE_FIELDS),
            )
        )
    db = open_database(db_path)
    run_id = start_run(db, "bench", "live", started_at=moment)
    with db.atomic():
        apply_observations(db, observations, origin="live", run_id=run_id, source="bench")
        finish_run(db, run_id, "ok", records_seen=len(observations))
    db.conn.close()
    return f"{len(observations)} prices of {len({o.model_id for o in observations})} models"


def measure(work: Path) -> list[dict[str, str]]:
    db, site = work / "pricewatch.db", work / "public"
    results = []
    wall, output = _run(["demo", "--db", str(db), "--out", str(site)])
    build_wall, build_report = _built_seconds(output)
    results.append(
        {
            "step": "`pricewatch demo` (new database and site)",
            "wall (s)": f"{wall:.1f}",
            "detail": output.splitlines()[0].replace(f"{REPO}/", ""),
        }
    )
    results.append(
        {"step": "of which the full site build", "wall (s)": f"{build_wall:.1f}", "detail": build_report}
    )
    results.append(
        {
            "step": "database after the demo",
            "wall (s)": "",
            "detail": f"{db.stat().st_size / 1e6:.1f} MB",
        }
    )
    changed = change_a_few(db)
    wall, output = _run(["build", "--db", str(db), "--out", str(site)])
    build_wall, build_report = _built_seconds(output)
    results.append(
        {
            "step": f"`pricewatch build` after a refresh that changed {changed}",
            "wall (s)": f"{wall:.1f}",
            "detail": f"build {build_wall:.1f}s: {build_report}",
        }
    )
    results.extend(section_times(db))
    for row in results:
        print(" | ".join(f"{k}: {v}" for k, v in row.items()), flush=True)
    return results


def section_times(db: Path) -> list[dict[str, str]]:
    """Where a rebuild's time goes: reading the store, then each site-wide analysis section,
    timed one after the other in this process (a section reuses the indexes an earlier one built)."""
    from pricewatch.paths import default_catalog_path
    from pricewatch.scraper.catalog import load_catalog
    from pricewatch.scraper.store import open_reader
    from pricewatch.site import sections
    from pricewatch.site.model import load_site_data

    catalog = load_catalog(default_catalog_path())
    reader = open_reader(db)
    try:
        started = time.perf_counter()
        data = load_site_data(reader, catalog, datetime.now(UTC))
        rows = [("reading the store (load_site_data)", time.perf_counter() - started)]
        for name, compute in (
            ("ratios", sections._ratios),
            ("trends", sections._trends),
            ("claims registry", sections._claims),
            ("claim box data", sections._tools),
        ):
            started = time.perf_counter()
            compute(data)
            rows.append((f"site-wide section: {name}", time.perf_counter() - started))
    finally:
        reader.close()
    return [{"step": f"of a rebuild: {step}", "wall (s)": f"{took:.1f}", "detail": ""} for step, took in rows]


def write_section(command: str, results: list[dict[str, str]]) -> None:
    # bench/build.py's machine line (imported here: "build" is also a folder name that
    # import sorting classifies differently from checkout to checkout).
    from build import machine

    lines = [
        START_MARK,
        "## `make demo` on the shipped real history",
        "",
        f"    {command}",
        "",
        f"{datetime.now(UTC):%Y-%m-%d}, {machine()}. Targets: demo under 90 s with the full site build under 60 s, "
        "a rebuild after a few changed prices under 5 s, the database under 50 MB (issue 14).",
        "",
        "| step | wall (s) | detail |",
        "|---|---|---|",
        *(f"| {r['step']} | {r['wall (s)']} | {r['detail']} |" for r in results),
        END_MARK,
    ]
    text = BENCHMARKS.read_text(encoding="utf-8")
    section = "\n".join(lines)
    if START_MARK in text:
        before, rest = text.split(START_MARK, 1)
        after = rest.split(END_MARK, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    BENCHMARKS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="work in DIR and keep it")
    parser.add_argument("--write", action="store_true", help="write the results into docs/benchmarks.md")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        results = measure(args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="pricewatch-bench-demo-") as work:
            results = measure(Path(work))
    if args.write:
        write_section("python bench/demo.py --write", results)


if __name__ == "__main__":
    main()
