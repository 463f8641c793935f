#!/usr/bin/env bash
# Every benchmark except the soak, one after the other, with the time each took.
# Usage: bash bench/run_all.sh   (from the project root, after `make test` created .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
started=$(date +%s)
for bench in "refresh.py" "unchanged.py" "backfill.py" "build.py" "ingest.py" "scaling.py" "latency.py --db /tmp/pricewatch-latency.db"; do
    t0=$(date +%s)
    echo "== bench/$bench"
    $PY bench/$bench
    echo "== bench/$bench took $(( $(date +%s) - t0 )) s"
done
echo "== all benchmarks took $(( $(date +%s) - started )) s"
