"""The Python API and `pricewatch reprice` on the shipped history: load, per-call times, a long log.

Usage:

    .venv/bin/python bench/api.py [--rows 1000000] [--calls 20000]

Measures, each in a fresh process where it matters:

- load: `pricewatch.history()` in a new process, cold (an empty cache folder: the shipped
  history is built into a database, then read and cached) and warm (the cache filled), the
  median of 3 warm runs; `import pricewatch` alone too;
- price() and cost() per call after loading: the mean over --calls calls cycling through
  real names, dates and token mixes (each call resolves the name and looks the price up;
  the answers are cached per price period, as a program asking many times sees them);
- reprice: a generated log of --rows rows (CSV: timestamps over 2024-06..2026-08, twelve
  models in the name forms logs use, explicit token counts) priced by
  `pricewatch reprice LOG --shipped --format json` in a new process; wall time and the
  process's peak RSS (``ru_maxrss`` of the child), and the peak RSS of a log ten times
  smaller for comparison (flat memory: the two peaks are close).

Timing lives here, never in the tests.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "pricewatch"
MODELS = (
    "gpt-4o",
    "openai/gpt-4o-2024-08-06",
    "gpt-4o-mini-2024-07-18",
    "anthropic/claude-3.5-sonnet",
    "claude-3-5-sonnet-20241022",
    "anthropic/claude-opus-4.6",
    "claude-sonnet-4-5-20250929",
    "google/gemini-2.5-pro",
    "vertex_ai/gemini-2.5-flash",
    "deepseek/deepseek-chat-v3.1:free",
    "us.anthropic.claude-opus-4-20250514-v1:0",
    "acme/not-a-model",
)


def write_log(path: Path, rows: int, seed: int = 17) -> None:
    """A usage log of ``rows`` rows, oldest first."""
    rng = random.Random(seed)
    start = 1_717_200_000  # 2024-06-01
    span = 1_788_000_000 - start  # .. 2026-08
    step = span / rows
    with path.open("w", encoding="utf-8") as out:
        out.write("timestamp,model,input_tokens,cache_read_tokens,output_tokens\n")
        for i in range(rows):
            moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + int(i * step)))
            out.write(
                f"{moment},{rng.choice(MODELS)},{rng.randrange(100, 150_000)},"
                f"{rng.randrange(0, 50_000)},{rng.randrange(10, 4_000)}\n"
            )


def child(code: str, env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.strip()


LOAD = "import time; t = time.perf_counter(); import pricewatch; pricewatch.history(); print(time.perf_counter() - t)"
IMPORT = "import time; t = time.perf_counter(); import pricewatch; print(time.perf_counter() - t)"
CALLS = """
import random, time, pricewatch
pricewatch.history()
names = {names!r}
days = ["2024-09-01", "2025-01-15", "2025-06-01", "2025-11-30", "2026-03-01", "2026-08-01"]
rng = random.Random(1)
asks = []
for _ in range({calls}):
    asks.append((rng.choice(names), rng.choice(days), rng.randrange(100, 150000), rng.randrange(0, 50000)))
for name, day, *_ in asks:  # every (name, day) answered once: the per-call time is the lookup
    try:
        pricewatch.price(name, at=day)
    except Exception:
        pass
def timed(fn):
    t = time.perf_counter(); n = 0
    for name, day, tokens, cached in asks:
        try:
            fn(name, day, tokens, cached)
        except Exception:
            pass
        n += 1
    return (time.perf_counter() - t) / n
price = timed(lambda name, day, tokens, cached: pricewatch.price(name, at=day))
cost = timed(lambda name, day, tokens, cached: pricewatch.cost(name, input_tokens=tokens, cache_read_tokens=cached, output_tokens=900, at=day))
print(price, cost)
"""


RUN = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, check=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)
print(" ".join(done.stdout[-600:].decode().split()))
"""


def reprice(log: Path, env: dict[str, str]) -> tuple[float, float, float, str]:
    """(wall seconds, peak RSS MiB, CPU seconds, the end of the output) of `pricewatch reprice LOG
    --shipped --format json`, run by a fresh Python parent that runs only it (so ``ru_maxrss``
    is its own)."""
    command = [str(BIN), "reprice", str(log), "--shipped", "--format", "json"]
    out = subprocess.run(
        [sys.executable, "-c", RUN, *command], capture_output=True, text=True, check=True, env=env
    ).stdout.splitlines()
    wall, peak, cpu = (float(x) for x in out[0].split())
    return wall, peak, cpu, out[1] if len(out) > 1 else ""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="bench-api-") as folder:
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(folder) / "cache")}
        env.pop("PRICEWATCH_NO_CACHE", None)
        cold = float(child(LOAD, env))
        warm = statistics.median(float(child(LOAD, env)) for _ in range(3))
        imported = statistics.median(float(child(IMPORT, env)) for _ in range(3))
        print(f"import pricewatch: {imported * 1000:.0f} ms")
        print(
            f"load the shipped history: cold {cold:.2f} s (builds and caches it), warm {warm:.2f} s (target < 1 s)"
        )
        code = CALLS.format(names=list(MODELS[:-1]), calls=args.calls)
        price, cost = (float(x) for x in child(code, env).split())
        print(
            f"price(): {price * 1e6:.0f} us per call (target < 1 ms); cost(): {cost * 1e6:.0f} us (target < 2 ms)"
        )

        small, log = Path(folder) / "small.csv", Path(folder) / "usage.csv"
        write_log(small, max(args.rows // 10, 1))
        write_log(log, args.rows)
        small_wall, small_peak, small_cpu, _ = reprice(small, env)
        wall, peak, cpu, tail = reprice(log, env)
        size = log.stat().st_size / 1e6
        print(
            f"reprice {args.rows:,} rows ({size:.0f} MB CSV): {wall:.1f} s wall, {cpu:.1f} s CPU, "
            f"{args.rows / wall:,.0f} rows/s (target < 30 s for 1,000,000); peak RSS {peak:.0f} MiB "
            f"({args.rows // 10:,} rows: {small_wall:.1f} s wall, {small_cpu:.1f} s CPU, peak RSS {small_peak:.0f} MiB)"
        )
        print("totals (tail of the JSON):", " ".join(tail.split())[-200:])


if __name__ == "__main__":
    main()
