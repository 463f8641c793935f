"""Command latency: whole `pricewatch` processes on the embedded default data.

Usage:

    .venv/bin/python bench/latency.py [--db data/pricewatch.db] [--runs 7]

Builds the embedded default database first when --db does not exist (`pricewatch demo
--no-site`), then times `check`, `query`, `history`, `status` and `--help` as separate
processes (median of --runs, after one warm-up run that fills the catalog cache), and
lists which of the heavy modules each command imports (`python -X importtime`).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "pricewatch"
HEAVY = (
    "matplotlib",
    "jinja2",
    "apscheduler",
    "httpx",
    "sqlite_utils",
    "pydantic",
    "numpy",
    "feedgen",
    "rich",
)


def commands(db: str) -> dict[str, list[str]]:
    return {
        "check": ["check", "--db", db, "Claude Opus 4.6 costs $5/$25 per million tokens"],
        "query": ["query", "--db", db, "select count(*) from current_prices"],
        "history": ["history", "--db", db, "openai/gpt-4o", "--provider", "openai"],
        "status": ["status", "--db", db],
        "--help": ["--help"],
    }


def heavy_imports(args: list[str]) -> list[str]:
    code = f"import sys; sys.argv = ['pricewatch', *{args!r}]; from pricewatch.cli import main; main()"
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True)
    loaded = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    return sorted(name for name in HEAVY if name in loaded)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="data/pricewatch.db")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    if not Path(args.db).exists():
        subprocess.run([str(BIN), "demo", "--db", args.db, "--no-site"], check=True, capture_output=True)
    print("| command | median (s) | min (s) | heavy modules imported |")
    print("|---|---|---|---|")
    for name, argv_ in commands(args.db).items():
        subprocess.run([str(BIN), *argv_], capture_output=True)  # warm-up: OS cache, catalog cache
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run([str(BIN), *argv_], capture_output=True)
            times.append(time.perf_counter() - started)
        print(
            f"| `{name}` | {statistics.median(times):.3f} | {min(times):.3f} | {', '.join(heavy_imports(argv_)) or '-'} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
