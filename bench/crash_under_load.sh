#!/usr/bin/env bash
# The SIGKILL crash tests, RUNS times in a row while two CPU burners keep both cores busy:
# they kill at steps the tests control, so load may slow them but never change the verdict.
# Usage: bash bench/crash_under_load.sh [RUNS [TEST_FILE...]]
#        (from the project root, after `make test` created .venv; default: 20 tests/test_crash_safety.py)
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
shift || true
tests=("${@:-tests/test_crash_safety.py}")
logs=$(mktemp -d /tmp/crash-under-load.XXXXXX)

burners=()
for _ in 1 2; do
    .venv/bin/python -c "while True: pass" &
    burners+=($!)
done
stop_burners() {
    kill "${burners[@]}" 2>/dev/null
    wait "${burners[@]}" 2>/dev/null
}
trap stop_burners EXIT
echo "load: ${#burners[@]} burners (pids ${burners[*]}) on $(nproc) cores; logs in $logs"

passed=0
started=$(date +%s)
for i in $(seq "$runs"); do
    t0=$(date +%s)
    if .venv/bin/pytest -q -p no:cacheprovider "${tests[@]}" >"$logs/run-$i.log" 2>&1; then
        passed=$((passed + 1))
        verdict=passed
    else
        verdict="FAILED (see $logs/run-$i.log)"
    fi
    echo "run $i: $verdict in $(( $(date +%s) - t0 )) s, load average $(cut -d' ' -f1 /proc/loadavg)"
done
echo "$passed of $runs runs passed in $(( $(date +%s) - started )) s"
[ "$passed" -eq "$runs" ]
