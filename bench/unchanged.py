"""Unchanged refreshes cost nothing: N refreshes of the same 400-model data, database growth.

Usage:

    .venv/bin/python bench/unchanged.py [--refreshes 1000] [--models 100]

Serves an OpenRouter-shaped API (the bodies of bench/refresh.py) from memory through an
httpx.MockTransport (no sockets, no latency: this measures the store, not the network),
refreshes once, then N more times with nothing changed, and reports the database file's
growth after checkpointing the WAL, the price rows added (must be 0) and time per refresh.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from refresh import make_bodies

from pricewatch.paths import default_catalog_path
from pricewatch.refresh_command import run_refresh
from pricewatch.scraper.catalog import load_catalog


def settled(db_path: Path) -> tuple[int, int]:
    """(file size after a WAL checkpoint, number of price rows)."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows = conn.execute("SELECT count(*) FROM prices").fetchone()[0]
    return db_path.stat().st_size, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refreshes", type=int, default=1000)
    parser.add_argument("--models", type=int, default=100)
    args = parser.parse_args(argv)
    bodies = make_bodies(args.models)

    def handler(request: httpx.Request) -> httpx.Response:
        body = bodies.get(request.url.path)
        return httpx.Response(
            200 if body else 404, content=body or b"", headers={"content-type": "application/json"}
        )

    catalog = load_catalog(default_catalog_path())
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "unchanged.db"

        def refresh() -> None:
            [outcome] = run_refresh(
                db_path=db_path,
                catalog=catalog,
                source_names=["openrouter"],
                transport=httpx.MockTransport(handler),
            )
            assert outcome.status == "ok", outcome

        refresh()
        size_before, rows_before = settled(db_path)
        started = time.perf_counter()
        for _ in range(args.refreshes):
            refresh()
        elapsed = time.perf_counter() - started
        size_after, rows_after = settled(db_path)
    print(f"{args.refreshes} unchanged refreshes of {args.models} models ({rows_before} price rows)")
    print(
        "| refreshes | DB before (bytes) | DB after (bytes) | growth (bytes) | price rows added | s per refresh |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {args.refreshes} | {size_before} | {size_after} | {size_after - size_before} "
        f"| {rows_after - rows_before} | {elapsed / args.refreshes:.3f} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
