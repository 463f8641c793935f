"""Soak: thousands of scheduled refreshes against a flaky local server; no change lost, none invented.

Usage (by hand, not in CI; 2,000 runs took 38 minutes on a shared, busy 2-core machine):

    .venv/bin/python bench/soak.py [--runs 2000] [--models 20] [--fail-rate 0.1] [--attempts 2]

A local HTTP server on 127.0.0.1 serves an OpenRouter-shaped API (tests/openrouter_server.py):
``--models`` models, each sold by OpenRouter at a list price and by two hosts. Before
every run a few prices change (by 5-20%, exact integer nano-dollars per token), and the
server answers ``--fail-rate`` of all requests with a 503 at random. Each run is one
call of the scheduler's job function (``Scheduler.run_job``), with no sleeping: retries
wait 0 s, and the server stamps each response with an observation time one hour after
the previous run's, as an hourly schedule would.

Every 200 body the server delivers is logged to a file (not kept in memory, which is
measured). Afterwards the script parses the logged bodies of every run that stored
(status ok or partial) with the source's own parser and checks that, per offer, the
stored price history equals the sequence of distinct delivered prices with the time
each was first delivered (no change lost, none invented), and that each current
price's last_seen is the last delivery. Database size and memory (tracemalloc, and
ru_maxrss) are reported every ``--every`` runs; both should grow only with new data.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from openrouter_server import OpenRouterServer

from pricewatch.fields import PRICE_FIELDS
from pricewatch.paths import default_catalog_path
from pricewatch.refresh_command import run_refresh
from pricewatch.scraper.catalog import load_catalog
from pricewatch.scraper.http import FetchSettings
from pricewatch.scraper.refresh import observations_from_records
from pricewatch.scraper.schedule_config import SourceSchedule
from pricewatch.scraper.scheduler import Scheduler
from pricewatch.scraper.sources import openrouter
from pricewatch.scraper.store import format_time, open_database

START = datetime(2026, 1, 1, tzinfo=UTC)
HOSTS = ("SoakHost A", "SoakHost B")


def _price(nano: int) -> str:
    """Integer nano-dollars per token as the decimal text OpenRouter sends."""
    return format(nano / 10**9, ".9f").rstrip("0").rstrip(".") if nano % 10**9 else str(nano // 10**9)


class Market:
    """The prices the server publishes: per model a list price and two hosts, as nano-dollars."""

    def __init__(self, models: int, rng: random.Random) -> None:
        self.rng = rng
        self.list = {
            f"soak/model-{i:03d}": [rng.randint(100, 3000), rng.randint(300, 9000)] for i in range(models)
        }
        self.hosts = {
            model: {host: [p + rng.randint(0, 50), c + rng.randint(0, 50)] for host in HOSTS}
            for model, (p, c) in self.list.items()
        }

    def change(self, count: int) -> None:
        """Move ``count`` random prices by 5-20% up or down (never to zero, never 10x)."""
        for _ in range(count):
            model = self.rng.choice(sorted(self.list))
            target = (
                self.list[model] if self.rng.random() < 0.3 else self.hosts[model][self.rng.choice(HOSTS)]
            )
            side = self.rng.randrange(2)
            factor = 1 + self.rng.uniform(0.05, 0.2) * self.rng.choice((-1, 1))
            target[side] = max(1, round(target[side] * factor))

    def publish(self, server: OpenRouterServer) -> None:
        """Put the current prices into the server's state (under its lock)."""
        with server.lock:
            server.models = {m: (_price(p), _price(c)) for m, (p, c) in self.list.items()}
            server.hosts = {
                m: [
                    (host, f"{host.lower().replace(' ', '-')}/fp8", _price(p), _price(c))
                    for host, (p, c) in hosts.items()
                ]
                for m, hosts in self.hosts.items()
            }


def _db_bytes(db_path: Path) -> int:
    # Pages in use as a reader sees them (WAL included); the -wal file itself is reused, not grown.
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        used = (
            conn.execute("PRAGMA page_count").fetchone()[0]
            - conn.execute("PRAGMA freelist_count").fetchone()[0]
        )
        return used * conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()


def run_soak(args: argparse.Namespace, workdir: Path) -> dict:
    rng = random.Random(args.seed)
    market = Market(args.models, rng)
    catalog = load_catalog(default_catalog_path())
    db_path = workdir / "soak.db"
    log_path = workdir / "delivered.jsonl"
    settings = FetchSettings(attempts=args.attempts, wait_initial_s=0, wait_max_s=0, wait_jitter_s=0)
    server = OpenRouterServer({}, {}, fail_rate=args.fail_rate, seed=args.seed)
    tick = {"n": 0}
    log = log_path.open("w", encoding="utf-8")

    def on_delivered(path: str, body: dict) -> None:  # called under server.lock
        log.write(json.dumps({"tick": tick["n"], "path": path, "body": body}) + "\n")

    server.on_delivered = on_delivered
    statuses: dict[int, str] = {}
    samples = []
    lines: list[str] = []
    with server:
        base_urls = {"openrouter": server.url}

        def refresh(names, cancel):
            return run_refresh(
                db_path=db_path,
                catalog=catalog,
                source_names=names,
                base_urls=base_urls,
                settings=settings,
                cancel=cancel,
            )

        scheduler = Scheduler(
            [SourceSchedule("openrouter", every=timedelta(hours=1))], refresh, log=lines.append
        )
        tracemalloc.start()
        started = time.perf_counter()
        for n in range(1, args.runs + 1):
            tick["n"] = n
            market.change(args.changes)
            market.publish(server)
            server.recorded_at = format_time(START + timedelta(hours=n))
            with server.lock:  # the bench's own bookkeeping must not count as memory growth
                server.requests.clear()
                server.delivered.clear()
            result = scheduler.run_job("openrouter")
            statuses[n] = result.status
            if n % args.every == 0 or n == 1:
                gc.collect()  # live memory, not garbage the collector has not reached yet
                current, _ = tracemalloc.get_traced_memory()
                samples.append(
                    {
                        "run": n,
                        "seconds": round(time.perf_counter() - started, 1),
                        "db_bytes": _db_bytes(db_path),
                        "traced_kib": current // 1024,
                        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                    }
                )
                print(json.dumps(samples[-1]), flush=True)
        tracemalloc.stop()
        elapsed = time.perf_counter() - started
    log.close()
    verdict = verify(db_path, log_path, statuses, catalog)
    return {
        "elapsed_s": elapsed,
        "statuses": Counter(statuses.values()),
        "samples": samples,
        "requests_answered_503": server.failures,
        **verdict,
    }


def verify(db_path: Path, log_path: Path, statuses: dict[int, str], catalog) -> dict:
    """Compare the stored history with the delivered responses of every run that stored."""
    expected: dict[tuple, list[tuple[tuple, str]]] = defaultdict(list)  # key -> [(values, at)]
    delivered = 0
    with log_path.open(encoding="utf-8") as handle:
        entries = sorted((json.loads(line) for line in handle), key=lambda e: (e["tick"], e["path"]))
    for entry in entries:
        if statuses.get(entry["tick"]) not in ("ok", "partial"):
            continue
        delivered += 1
        at = format_time(START + timedelta(hours=entry["tick"]))
        url = "http://soak" + entry["path"]
        parsed = openrouter.parse(url, json.dumps(entry["body"]).encode())
        observations, _, _ = observations_from_records(parsed.records, catalog, at)
        for observation in observations:
            expected[observation.offer_key].append((observation.stored_values(), at))
    history: dict[tuple, list[tuple[tuple, str]]] = {}
    last_seen: dict[tuple, str] = {}
    for key, points in expected.items():
        changes = []
        for values, at in points:
            if not changes or changes[-1][0] != values:
                changes.append((values, at))
        history[key] = changes
        last_seen[key] = points[-1][1]
    db = open_database(db_path)
    columns = ", ".join(f"p.{name}" for name in ("currency", *PRICE_FIELDS, "variable"))
    stored: dict[tuple, list[tuple[tuple, str]]] = defaultdict(list)
    stored_last_seen: dict[tuple, str] = {}
    for row in db.execute(
        f"SELECT o.model_id, o.provider_id, o.tier, o.min_prompt_tokens, o.variant, {columns}, p.valid_from, "
        "p.valid_to, p.last_seen FROM prices p JOIN offers o ON o.id = p.offer_id ORDER BY o.id, p.valid_from"
    ).fetchall():
        key = tuple(row[:5])
        stored[key].append((tuple(row[5:13]), row[13]))
        if row[14] is None:
            stored_last_seen[key] = row[15]
    lost = sum(1 for k, h in history.items() for point in h if point not in stored.get(k, []))
    invented = sum(1 for k, h in stored.items() for point in h if point not in history.get(k, []))
    mismatched = [k for k in history if history[k] != stored.get(k)] + [k for k in stored if k not in history]
    stale_last_seen = [k for k in last_seen if stored_last_seen.get(k) != last_seen[k]]
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    price_rows = db.execute("SELECT count(*) FROM prices").fetchone()[0]
    runs = dict(db.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall())
    return {
        "offers": len(history),
        "delivered_bodies_stored_runs": delivered,
        "expected_changes": sum(len(h) for h in history.values()),
        "price_rows": price_rows,
        "lost": lost,
        "invented": invented,
        "mismatched_offers": len(mismatched),
        "wrong_last_seen": len(stale_last_seen),
        "integrity": integrity,
        "runs_table": runs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--models", type=int, default=20)
    parser.add_argument("--changes", type=int, default=3, help="prices changed before each run")
    parser.add_argument("--fail-rate", type=float, default=0.1)
    parser.add_argument("--attempts", type=int, default=2, help="fetch attempts per URL (production: 4)")
    parser.add_argument("--every", type=int, default=250, help="report size and memory every N runs")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "--keep", type=Path, help="a new directory to keep the database and the delivery log in"
    )
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=False)
        result = run_soak(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="pricewatch-soak-") as tmp:
            result = run_soak(args, Path(tmp))
    result["statuses"] = dict(result["statuses"])
    print(json.dumps(result, indent=2, default=str))
    ok = (
        result["lost"] == 0
        and result["invented"] == 0
        and result["mismatched_offers"] == 0
        and result["wrong_last_seen"] == 0
        and result["integrity"] == "ok"
    )
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; verdict: {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
