"""Refresh against its politeness bound: 400 models behind a local server with fixed latency.

Usage:

    .venv/bin/python bench/refresh.py [--models 400] [--latency 0.1] [--limits 4,8,16]

A local HTTP server on 127.0.0.1 serves an OpenRouter-shaped API (the models list and
one endpoints body per model), answering every request after ``latency`` seconds. With
a per-host concurrency of C a refresh cannot beat (1 + models/C) x latency; the script
reports measured wall time over that bound for each C, and the CPU time the refresh
spent (parse + store + HTTP client), on a fresh database each time. It then runs the
same refresh again to show the cost of an unchanged refresh.
"""

from __future__ import annotations

import argparse
import json
import resource
import socket
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from openrouter_bodies import endpoints_body, models_body

from pricewatch.paths import default_catalog_path
from pricewatch.refresh_command import run_refresh
from pricewatch.scraper.catalog import load_catalog
from pricewatch.scraper.http import FetchSettings


def make_bodies(count: int) -> dict[str, bytes]:
    """Path -> body for a list of ``count`` models and their endpoints (three hosts each)."""
    prices = {f"bench/model-{i:04d}": (f"0.000000{100 + i}", f"0.00000{100 + i}") for i in range(count)}
    bodies = {"/api/v1/models": json.dumps(models_body(prices)).encode()}
    for model_id, (prompt, completion) in prices.items():
        hosts = [
            ("DeepInfra", "deepinfra/fp8", prompt, completion),
            ("Together", "together", prompt, completion),
            ("Fireworks", "fireworks", prompt, completion),
        ]
        bodies[f"/api/v1/models/{model_id}/endpoints"] = json.dumps(endpoints_body(model_id, hosts)).encode()
    return bodies


def serve_in_subprocess(count: int, latency: float) -> tuple[int, object]:
    """Run the slow server in its own process, so its threads do not compete for our GIL."""
    import multiprocessing

    ready = multiprocessing.Queue()

    def run() -> None:
        server = serve(make_bodies(count), latency)
        ready.put(server.server_port)
        threading.Event().wait()

    process = multiprocessing.get_context("fork").Process(target=run, daemon=True)
    process.start()
    return ready.get(timeout=60), process


def serve(bodies: dict[str, bytes], latency: float) -> ThreadingHTTPServer:
    """Start the slow server on a free port of 127.0.0.1 (daemon threads)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real APIs do

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm
            # and delayed ACKs add ~40 ms to every keep-alive response on loopback.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            time.sleep(latency)
            body = bodies.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def settled_size(db_path: Path) -> int:
    """The database file's size after checkpointing the WAL into it."""
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db_path.stat().st_size


def cpu_seconds() -> float:
    """User + system CPU time of this process (the server runs in another one)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class CpuMeter:
    """CPU time of the main thread spent inside the parser and the store step (thread_time)."""

    def __init__(self) -> None:
        self.parse = 0.0
        self.store = 0.0

    def install(self) -> None:
        from pricewatch.scraper import refresh
        from pricewatch.scraper.sources import openrouter

        original_parse, original_store = openrouter.parse, refresh.store_source_run

        def parse(url: str, body: bytes):
            started = time.thread_time()
            try:
                return original_parse(url, body)
            finally:
                self.parse += time.thread_time() - started

        def store(*args, **kwargs):
            started = time.thread_time()
            try:
                return original_store(*args, **kwargs)
            finally:
                self.store += time.thread_time() - started

        openrouter.parse = parse
        refresh.store_source_run = store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=400)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--limits", default="4,8,16")
    args = parser.parse_args(argv)
    catalog = load_catalog(default_catalog_path())
    port, server_process = serve_in_subprocess(args.models, args.latency)
    base = f"http://127.0.0.1:{port}"
    print(f"{args.models} models, latency {args.latency * 1000:.0f} ms per request")
    meter = CpuMeter()
    meter.install()
    print(
        "| C | bound (s) | wall (s) | wall / bound | process CPU (s) | parse CPU (s) | store CPU (s) "
        "| unchanged refresh wall (s) | unchanged refresh DB growth (bytes) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for limit in (int(x) for x in args.limits.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            db_path = Path(tmp) / "bench.db"
            settings = FetchSettings(per_host_limit=limit)
            bound = (1 + args.models / limit) * args.latency
            meter.parse = meter.store = 0.0
            cpu_before, started = cpu_seconds(), time.perf_counter()
            [outcome] = run_refresh(
                db_path=db_path,
                catalog=catalog,
                source_names=["openrouter"],
                base_urls={"openrouter": base},
                settings=settings,
            )
            wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu_before
            parse_cpu, store_cpu = meter.parse, meter.store
            assert outcome.status == "ok", outcome
            size = settled_size(db_path)
            started = time.perf_counter()
            [again] = run_refresh(
                db_path=db_path,
                catalog=catalog,
                source_names=["openrouter"],
                base_urls={"openrouter": base},
                settings=settings,
            )
            unchanged = time.perf_counter() - started
            assert again.changed == 0, again
            size_after = settled_size(db_path)
            print(
                f"| {limit} | {bound:.2f} | {wall:.2f} | {wall / bound:.2f} | {cpu:.2f} | {parse_cpu:.2f} "
                f"| {store_cpu:.2f} | {unchanged:.2f} | {size_after - size} |"
            )
    server_process.terminate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
